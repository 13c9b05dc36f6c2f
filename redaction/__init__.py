"""Redaction engine: recognizers find personal data, operators mask it (see README, "Redaction")."""
from redaction.engine import RULES_VERSION, Redaction, Span, redact, redact_many, redact_note, sanitize_html

__all__ = ["redact", "redact_many", "redact_note", "sanitize_html", "RULES_VERSION", "Redaction", "Span"]
