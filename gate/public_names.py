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
    strictly inside one, where: key -> [(name, offset of the key in the name)]."""

    def __init__(self, names, keys) -> None:
        """names: the public names, normalised; keys: secret keys (one line each) that may occur in
        them (a superset will do: each is looked for)."""
        text = "\n".join(sorted({n for n in names if len(n) >= MIN_CHARS and "\n" not in n}))
        self.inside: dict[str, list[tuple[str, int]]] = {}
        for start, end, key in Automaton(keys).find(text) if text else ():
            first = text.rfind("\n", 0, start) + 1
            last = text.find("\n", end)
            name = text[first:last if last >= 0 else len(text)]
            if end - start < len(name):
                place = (name, start - first)
                if place not in self.inside.setdefault(key, []):
                    self.inside[key].append(place)

    @classmethod
    def of(cls, names, joined_keys: str) -> "PublicNames":
        """From the names as published and the secret keys one a line (gate/memory.py's
        _Secrets.joined): the keys are first narrowed to those that may occur in the names with
        the memory check's candidate filter, so no automaton of every secret is made here."""
        from gate.memory import _candidates_in
        from gate.scan import _norm

        names = {_norm(n.strip()) for n in names if n}
        text = "\n".join(sorted(n for n in names if len(n) >= MIN_CHARS and "\n" not in n))
        return cls(names, _candidates_in(text, joined_keys) if text and joined_keys else ())

    def covers(self, text: str, start: int, end: int) -> bool:
        """Whether text[start:end], a secret found there, lies inside a public name in text."""
        for name, offset in self.inside.get(text[start:end], ()):
            at = start - offset
            if at >= 0 and text.startswith(name, at):
                return True
        return False

    def leak(self, text: str, found) -> bool:
        """Whether any of the (start, end, key) found in text is not inside a public name."""
        if not self.inside:
            return next(iter(found), None) is not None
        return any(not self.covers(text, start, end) for start, end, _ in found)


NONE = PublicNames((), ())
