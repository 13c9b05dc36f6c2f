"""Aho-Corasick over characters: every occurrence of any of many strings in one pass.

The matching runs in C (pyahocorasick); this wrapper keeps the interface the gate was written
against: `Automaton(words).find(text)` yields (start, end, word) for every occurrence,
overlapping ones included.
"""
from __future__ import annotations

import ahocorasick


class Automaton:
    def __init__(self, words) -> None:
        # each word's length is stored, not the word: the automaton holds no reference to the
        # words (2 million strings at 100k), and a match spells its word in the text anyway
        self._auto = ahocorasick.Automaton(ahocorasick.STORE_LENGTH)
        for w in words:
            if w:
                self._auto.add_word(w)
        self._empty = len(self._auto) == 0
        if not self._empty:
            self._auto.make_automaton()

    def find(self, text: str):
        """(start, end, word) for every occurrence."""
        if self._empty:
            return
        for last, n in self._auto.iter(text):
            yield last + 1 - n, last + 1, text[last + 1 - n:last + 1]

    def __contains__(self, word: str) -> bool:
        return word in self._auto
