"""Operators decide what a masked span becomes (Presidio's anonymizer operators)."""
from redaction.operators.address import TruncateAddress
from redaction.operators.mask import MaskAll
from redaction.operators.pseudonym import Pseudonymise

__all__ = ["MaskAll", "Pseudonymise", "TruncateAddress"]
