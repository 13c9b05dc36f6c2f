"""What an ordinary Chinese word is: jieba's dictionary (inside the rjieba wheel, nothing downloaded).

Used to decide whether what follows a surname character is name-like (信息 after 驾驶人 is not),
which sentences need the tagger at all, and which personal strings are safe gate secrets (a
name that is also a common word, such as 黎明 or 安静, is looked for only in its own context).
"""
from __future__ import annotations

from functools import lru_cache

import rjieba

from redaction.names import word_list

# jieba frequencies: names in the dictionary are rare (李建军 4, 海涛 33); words that are also
# names are common (高峰 1556, 黎明 670, 田野 361). Below these a word may still be a name.
ORDINARY_MIN_FREQ = 5  # a non-name word (n, v, a, ...) at least this frequent is an ordinary word
COMMON_NAME_MIN_FREQ = 100  # a word jieba tags nr but that is this frequent is a common word too

# jieba POS -> the LAC tag space the recognizers use
_TAGS = {"nr": "PER", "nrfg": "PER", "nrt": "PER", "ns": "LOC", "nt": "ORG"}


@lru_cache(maxsize=200_000)
def word_info(word: str) -> tuple[str, int] | None:
    """(jieba POS, frequency) of a dictionary word, or None when jieba does not know it as one word."""
    if len(word) < 2 or not rjieba.has_word(word):
        return None
    tagged = rjieba.tag(word, hmm=False)
    if len(tagged) != 1:
        return None
    return tagged[0][1], rjieba.suggest_freq(word)


def ordinary_word(word: str) -> bool:
    """A dictionary word that is not a personal name (信息, 黄金, 平安, 程序)."""
    if word in word_list("keep.txt"):
        return True
    info = word_info(word)
    return info is not None and not info[0].startswith("nr") and info[1] >= ORDINARY_MIN_FREQ


def common_word(word: str) -> bool:
    """Ordinary, or a name frequent enough as a word that it turns up in unrelated text (高峰, 黎明)."""
    if ordinary_word(word):
        return True
    info = word_info(word)
    return info is not None and info[1] >= COMMON_NAME_MIN_FREQ


def segment(text: str) -> list[tuple[int, int, str, str]]:
    """Dictionary segmentation (no HMM, so unknown names fall apart into single characters),
    as (start, end, word, tag) with jieba tags mapped to the tagger's where they mean the same."""
    out = []
    for (word, tag), (_, a, b) in zip(rjieba.tag(text, hmm=False), rjieba.tokenize(text, hmm=False)):
        out.append((a, b, word, _TAGS.get(tag, "n") if len(word) > 1 else "x"))
    return out
