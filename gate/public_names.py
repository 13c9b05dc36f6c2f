"""Names the site publishes by rule, inside which another record's personal string is no leak.

Organisations and sole proprietors that are parties are named on the site (the rules keep them
public). A person of one decision may share a name with part of one of them: the receptionist
方斌 of one decision and the inn 福州市晋安区方斌客栈 that another decision names as its party
(the 30k sample build's gate stopped there). The gate looks for every record's secrets on every
page, so that inn's page would hold 方斌 for ever, and no organ could publish it.

So an occurrence of a secret that lies inside an occurrence of a longer public name is passed
over, by the memory check (text lines) and by scan_site alike. Only there: the same secret
anywhere else is a leak as before; a public name no longer than the secret (a sole proprietor
registered under a person's bare name) passes nothing over; binary files are searched as before.
"""
from __future__ import annotations

from gate.automaton import Automaton

MIN_CHARS = 3  # a name of two characters holds no secret of two or more strictly inside


class PublicNames:
    """The public names (normalised as the gate's views are) and, for each secret key that occurs
    strictly inside one, where: key -> [(name, offset of the key in the name)]. Worked out when a
    secret is first found in a text, not before: most builds find none anywhere, and at 10k the
    keys' candidate filter alone cost ~0.5 s of every build's gate."""

    def __init__(self, names, keys) -> None:
        """names: the public names, normalised; keys: secret keys (one line each) that may occur in
        them (a superset will do: each is looked for), or a function that gives them from the
        names' text (the names one a line)."""
        self._names, self._keys = names, keys
        self._inside: dict[str, list[tuple[str, int]]] | None = None

    @classmethod
    def of(cls, names, joined_keys) -> "PublicNames":
        """From the names as published and the secret keys one a line (gate/memory.py's
        _Secrets.joined), or a function that gives them: the keys are narrowed to those that may
        occur in the names with the memory check's candidate filter, so no automaton of every
        secret is made here."""
        from gate.memory import _candidates_in
        from gate.scan import _norm

        names = {_norm(n.strip()) for n in names if n}

        def keys(text: str):
            joined = joined_keys() if callable(joined_keys) else joined_keys
            return _candidates_in(text, joined) if joined else ()

        return cls(names, keys)

    @property
    def inside(self) -> dict[str, list[tuple[str, int]]]:
        if self._inside is None:
            text = _text(self._names)
            keys = (self._keys(text) if text else ()) if callable(self._keys) else self._keys
            self._inside, self._names, self._keys = {}, (), ()  # what it needed is let go
            for start, end, key in Automaton(keys).find(text) if text and keys else ():
                first = text.rfind("\n", 0, start) + 1
                last = text.find("\n", end)
                name = text[first:last if last >= 0 else len(text)]
                if end - start < len(name):
                    place = (name, start - first)
                    if place not in self._inside.setdefault(key, []):
                        self._inside[key].append(place)
        return self._inside

    def covers(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end], a secret found there, lies inside a public name in text."""
        for name, offset in self.inside.get(text[start:end], ()):
            at = start - offset
            if at >= 0 and text.startswith(name, at):
                return True
        return False

    def leak(self, text: str, found) -> bool:
        """Whether any of the (start, end, key) found in text is not inside a public name."""
        return any(not self.covers(text, start, end) for start, end, _ in found)


def _text(names) -> str:
    return "\n".join(sorted(n for n in names if len(n) >= MIN_CHARS and "\n" not in n))


NONE = PublicNames((), ())
