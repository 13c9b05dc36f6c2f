"""How text becomes search terms, the same way in Python, in whoosh and in the browser.

Text is NFKC-normalised and lower-cased; only letters and digits count (Unicode categories L
and N), so punctuation and spaces between them are skipped; every two neighbouring characters
make a term (a character bigram) whose position is the first character's index. A query is
cut the same way, so a query of two or more characters that occurs anywhere in the text finds
it, whatever a word segmenter would have made of the text (台江 inside 台江区, 1234 inside
〔2026〕1234号), and consecutive positions make phrases exact.

This module must stay importable: whoosh pickles the analyzer into the index's schema.
`theme/static/js/search.js` mirrors `squeeze` and `bigrams`; tests check they agree.
"""
from __future__ import annotations

import re
import unicodedata

from whoosh.analysis import Token, Tokenizer
from whoosh.formats import _INT_SIZE, Positions
from whoosh.system import unpack_uint

MIN_QUERY_CHARS = 2
FIELD_BREAK = "\x1f"  # joins several fields into one text without joining their words


def is_word_char(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN"


def _not_words() -> re.Pattern:
    """Runs of characters of the Basic Multilingual Plane that are not letters or digits (one
    class of ~420 ranges, matched in C)."""
    ranges, start = [], None
    for cp in range(0x10000):
        word = is_word_char(chr(cp))
        if not word and start is None:
            start = cp
        elif word and start is not None:
            ranges.append((start, cp - 1))
            start = None
    if start is not None:
        ranges.append((start, 0xFFFF))
    return re.compile("[" + "".join(f"\\u{a:04x}" if a == b else f"\\u{a:04x}-\\u{b:04x}" for a, b in ranges) + "]+")


_NOT_WORDS = _not_words()
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


def _astral(m: re.Match) -> str:
    return "\ufffd" if is_word_char(m.group()) else ""


def squeeze(text: str) -> str:
    """The searchable characters of `text`, in order: NFKC, lower case, letters and digits only.

    Characters outside the Basic Multilingual Plane become U+FFFD, so a position is one UTF-16
    unit in the browser as well as one character here. (A regular expression drops the rest:
    twice as fast as a test per character; `squeeze_slowly` is that test, for the tests.)"""
    s = _NOT_WORDS.sub("", unicodedata.normalize("NFKC", text).lower())
    return s if s.isascii() or not _ASTRAL.search(s) else _ASTRAL.sub(_astral, s)


def squeeze_slowly(text: str) -> str:
    out = []
    for ch in unicodedata.normalize("NFKC", text).lower():
        if is_word_char(ch):
            out.append(ch if ord(ch) < 0x10000 else "\ufffd")
    return "".join(out)


def bigrams(squeezed: str) -> list[tuple[int, str]]:
    return [(i, squeezed[i : i + 2]) for i in range(len(squeezed) - 1)]


def query_terms(query: str) -> list[str]:
    """The phrases of a query: whitespace separates them; each is squeezed; single characters
    cannot be searched (too common to be useful, and the index holds pairs)."""
    terms = []
    for part in query.split():
        s = squeeze(part)
        if len(s) >= MIN_QUERY_CHARS and s not in terms:
            terms.append(s)
    return terms


class BigramTokenizer(Tokenizer):
    """Character bigrams of the squeezed text with their positions (for whoosh).

    A text of one character yields that character, so a field like a one-letter code is not
    lost. Character offsets are not kept: whoosh highlighting here works on stored text."""

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            t.original = t.text = value
            t.boost = 1.0
            if positions:
                t.pos = start_pos
            yield t
            return
        pairs, base = [], 0
        for part in value.split(FIELD_BREAK):  # no pair, and so no phrase, spans a break
            s = squeeze(part)
            pairs += [(base + i, g) for i, g in (bigrams(s) if len(s) > 1 else [(0, s)] if s else [])]
            base += len(s) + 1
        for pos, gram in pairs:
            t.text = gram
            t.boost = 1.0
            if keeporiginal:
                t.original = gram
            t.stopped = False
            if positions:
                t.pos = start_pos + pos
            yield t


def analyzer():
    return BigramTokenizer()


class ExactPositions(Positions):
    """whoosh-ng 5.4.0's `Positions` takes any value ending in b"." for an old pickled one, so a
    term whose last position gap is 46 (0x2E) fails to decode (UnpicklingError). Our indexes are
    always written in the new format: decode that, never the legacy one."""

    def decode_positions(self, valuestring):
        n = unpack_uint(valuestring[:_INT_SIZE])[0]
        positions, position, at = [], 0, _INT_SIZE
        for _ in range(n):
            code, shift = 0, 0
            while True:
                b = valuestring[at]
                at += 1
                code |= (b & 0x7F) << shift
                shift += 7
                if not b & 0x80:
                    break
            position += code
            positions.append(position)
        return positions

    def decode_position_boosts(self, valuestring):
        return [(pos, 1) for pos in self.decode_positions(valuestring)]
