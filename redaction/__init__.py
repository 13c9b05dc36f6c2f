"""Redaction engine: recognizers find personal data, operators mask it (see README, "Redaction").

The engine (and with it the tagger's libraries) is imported on first use of one of its names,
not with the package: the build's own process needs only `RULES_VERSION` and the checks the leak
gate shares (`redaction.recognizers`), and leaves the tagging to a worker it starts early.
"""
from redaction.version import RULES_VERSION

__all__ = ["redact", "redact_many", "redact_note", "sanitize_html", "RULES_VERSION", "Redaction", "Span"]

_ENGINE = frozenset(__all__) - {"RULES_VERSION"}


def __getattr__(name: str):
    if name in _ENGINE:
        from redaction import engine

        value = getattr(engine, name)
        globals()[name] = value  # the next lookup is an ordinary one
        return value
    raise AttributeError(f"module 'redaction' has no attribute {name!r}")
