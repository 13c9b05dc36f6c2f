"""Length-preserving normalisation, so spans found in the normalised view fit the original."""
from __future__ import annotations

_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_FULLWIDTH.update({0x2010: 0x2D, 0x2011: 0x2D, 0x2012: 0x2D, 0x2013: 0x2D, 0x2014: 0x2D, 0x2212: 0x2D})
_FULLWIDTH.update({0xA0: 0x20, 0x2002: 0x20, 0x2003: 0x20, 0x2009: 0x20, 0x200B: 0x20})


def fold(text: str) -> str:
    """Full-width ASCII to half-width, dashes and odd spaces to plain ones; same length."""
    return text.translate(_FULLWIDTH)


def digits(text: str) -> str:
    return "".join(c for c in fold(text) if c.isdigit() or c in "xX")


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"
