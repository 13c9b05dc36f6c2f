"""Aho-Corasick over characters: every occurrence of any of many strings in one pass."""
from __future__ import annotations

from collections import deque


class Automaton:
    def __init__(self, words) -> None:
        self.goto: list[dict[str, int]] = [{}]
        self.fail: list[int] = [0]
        self.out: list[list[str]] = [[]]
        for w in words:
            self._add(w)
        self._build()

    def _add(self, word: str) -> None:
        node = 0
        for ch in word:
            nxt = self.goto[node].get(ch)
            if nxt is None:
                nxt = len(self.goto)
                self.goto[node][ch] = nxt
                self.goto.append({})
                self.fail.append(0)
                self.out.append([])
            node = nxt
        self.out[node].append(word)

    def _build(self) -> None:
        queue = deque(self.goto[0].values())
        while queue:
            node = queue.popleft()
            for ch, nxt in self.goto[node].items():
                queue.append(nxt)
                f = self.fail[node]
                while f and ch not in self.goto[f]:
                    f = self.fail[f]
                cand = self.goto[f].get(ch, 0)
                self.fail[nxt] = cand if cand != nxt else 0
                self.out[nxt] = self.out[nxt] + self.out[self.fail[nxt]]

    def find(self, text: str):
        """(start, end, word) for every occurrence."""
        node, goto, fail, out = 0, self.goto, self.fail, self.out
        for i, ch in enumerate(text):
            while node and ch not in goto[node]:
                node = fail[node]
            node = goto[node].get(ch, 0)
            if out[node]:
                for w in out[node]:
                    yield i + 1 - len(w), i + 1, w
