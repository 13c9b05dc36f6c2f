"""A short piece of text around the first match, with every match marked.

Matching follows `search.analysis`: NFKC, case-insensitive, and anything that is not a letter
or digit may sit between the characters of a term (a query 1234号 finds 1234 号). The text is
shown NFKC-normalised, like the browser's snippets.
"""
from __future__ import annotations

import html
import re
import unicodedata

BEFORE, LENGTH = 30, 110
_GAP = r"[^\w]*"  # \w: letters, digits (and _), close to categories L and N


def pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    alts = [_GAP.join(re.escape(ch) for ch in t) for t in sorted(terms, key=len, reverse=True)]
    return re.compile("|".join(alts), re.IGNORECASE)


def snippet(text: str, terms: list[str]) -> tuple[str, str] | None:
    """(plain with [[marks]], html with <mark>), or None when no term occurs in `text`."""
    rx = pattern(terms)
    if rx is not None and text and len(text) > 4 * LENGTH:
        # Normalising a long text costs more than the rest of a query: when the term occurs in
        # it as stored, normalise only a window around the first occurrence.
        m = rx.search(text)
        if m is not None:
            lo = max(0, m.start() - 2 * BEFORE)
            window = snippet(text[lo : m.end() + LENGTH], terms)
            if window is not None:
                plain, marked = window
                if lo > 0 and not plain.startswith("…"):
                    plain, marked = "…" + plain, "…" + marked
                if m.end() + LENGTH < len(text) and not plain.endswith("…"):
                    plain, marked = plain + "…", marked + "…"
                return plain, marked
    text = " ".join(unicodedata.normalize("NFKC", text or "").split())
    if rx is None:
        return (_cut(text, 0), html.escape(_cut(text, 0))) if text else None
    first = rx.search(text)
    if first is None:
        return None
    start = max(0, first.start() - BEFORE)
    end = min(len(text), start + LENGTH)
    piece = text[start:end]
    plain, marked, last = [], [], 0
    for m in rx.finditer(piece):
        plain.append(piece[last : m.start()])
        marked.append(html.escape(piece[last : m.start()]))
        plain.append(f"[[{m.group()}]]")
        marked.append(f"<mark>{html.escape(m.group())}</mark>")
        last = m.end()
    plain.append(piece[last:])
    marked.append(html.escape(piece[last:]))
    lead = "…" if start > 0 else ""
    tail = "…" if end < len(text) else ""
    return lead + "".join(plain) + tail, lead + "".join(marked) + tail


def _cut(text: str, start: int) -> str:
    return text[start : start + LENGTH] + ("…" if len(text) > start + LENGTH else "")
