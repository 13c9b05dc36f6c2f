"""What the engine reports: one Span per masked stretch, one Redaction per decision."""
from __future__ import annotations

from dataclasses import dataclass, field

from records.model import PublicParty


@dataclass
class Span:
    """A stretch of text found to be personal, and why (Presidio's RecognizerResult + explanation).

    Spans feed the staff review report; they are never published.
    """

    entity: str  # PERSON, ID_NUMBER, PHONE, BANK_CARD, PLATE, EMAIL, ACCOUNT, BIRTH_DATE, ADDRESS
    start: int
    end: int
    score: float
    rule: str  # recognizer and pattern name, e.g. "ResidentIdRecognizer:id18"
    reason: str = ""  # how it was decided: validation, cue word, tagger...
    original: str = ""
    replacement: str = ""
    person: str | None = None  # the person key a PERSON span belongs to (for pseudonyms)

    def overlaps(self, other: "Span") -> bool:
        return self.start < other.end and other.start < self.end

    def __len__(self) -> int:
        return self.end - self.start


@dataclass
class Redaction:
    text_html: str
    text_plain: str
    parties: list[PublicParty]
    spans: list[Span] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
