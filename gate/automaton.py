"""Aho-Corasick over characters: every occurrence of any of many strings in one pass.

The matching runs in C (pyahocorasick); this wrapper keeps the interface the gate was written
against: `Automaton(words).find(text)` yields (start, end, word) for every occurrence,
overlapping ones included.
"""
from __future__ import annotations

import ahocorasick


class Automaton:
    def __init__(self, words) -> None:
        self._auto = ahocorasick.Automaton()
        for w in words:
            if w:
                self._auto.add_word(w, w)
        self._empty = len(self._auto) == 0
        if not self._empty:
            self._auto.make_automaton()

    def find(self, text: str):
        """(start, end, word) for every occurrence."""
        if self._empty:
            return
        for last, w in self._auto.iter(text):
            yield last + 1 - len(w), last + 1, w

    def __contains__(self, word: str) -> bool:
        return word in self._auto
