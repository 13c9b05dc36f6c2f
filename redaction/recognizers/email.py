"""E-mail addresses."""
from __future__ import annotations

from redaction.recognizers.base import Recognizer


class EmailRecognizer(Recognizer):
    ENTITY = "EMAIL"
    PATTERNS = [("email", r"(?<![A-Za-z0-9_.+-])[A-Za-z0-9][\w.+-]{0,63}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}", 0.95)]
