"""Find personal data in a decision, mask it, and say what was masked and why.

`redact(decision)` -> Redaction (sanitised HTML, plain text, public parties, spans, secrets).
Spans and secrets go to the staff review report and the leak gate; never to the site.
"""
from __future__ import annotations

import html as _html
import re
from bisect import bisect_left

from records.model import Decision, Party, PublicParty
from redaction.markup import Document, render, sanitize_html
from redaction.names import given_name, is_foreign, surnames, word_list
from redaction.operators import MaskAll, Pseudonymise, TruncateAddress
from redaction.protect import protected_spans
from redaction.recognizers.base import Context
from redaction.recognizers.known_party import person_fields
from redaction.recognizers.role_cue import CUES
from redaction.registry import recognizers
from redaction.secrets import secrets_for
from redaction.span import Redaction, Span
from redaction.tagger import tag, tag_many
from redaction.text import fold
from redaction.version import RULES_VERSION

__all__ = ["redact", "redact_many", "redact_note", "sanitize_html", "RULES_VERSION", "Redaction", "Span", "analyze"]

MIN_SCORE = 0.5
MANY_PART = 1000  # decisions tagged together by redact_many (generated ones: 13,183 sentences, 4,699 distinct)
# the last characters of a role cue, which the tagger may glue to the name after it (房|东江远生)
_CUE_ENDS = frozenset(c[i:] for c in CUES for i in range(len(c)))


def _person_parties(parties) -> list[Party]:
    return [p for p in parties if p is not None]


def analyze(text: str, known=(), public=()) -> list[Span]:
    """All spans to mask in text (already plain), conflicts resolved, sorted by start."""
    folded = fold(text)
    ctx = Context(folded, list(known), tag(folded))
    for rec in recognizers():
        ctx.found.extend(rec.analyze(ctx))
    guard = sorted(protected_spans(folded, list(public), ctx.tokens))
    wording = [fold(p) for p in public]
    starts = [a for a, _, _ in guard]
    longest = max((b - a for a, b, _ in guard), default=0)

    def near(s: Span):
        """The guard entries that may overlap s (sorted by start; none is longer than `longest`)."""
        return guard[bisect_left(starts, s.start - longest):bisect_left(starts, s.end)]

    kept = []
    for s in ctx.found:
        if s.start >= s.end:
            continue
        if s.rule.startswith("KnownParty") and "given name" in s.reason:
            if any(a <= s.start and s.end <= b for a, b, why in near(s) if why == "public field"):
                continue  # 颖鑫 in the business name 福州市鼓楼区颖鑫客栈: the organisation's name is public
            if _public_wording(folded, s.start, s.end, wording):
                continue  # 明火 of a party 李明火 in 电焊明火作业, words of the offence 违反规定使用明火作业
        if not s.rule.startswith("KnownParty") and s.entity == "PERSON":
            listed = "NameList" in s.rule or "RoleCue" in s.rule
            # after a cue or in a list of people, the tagger's LOC for exactly that word (伙同吴水、林土)
            # is a misreading: a place does not stand there
            # ... nor inside it (伙同许宏佳 read as 许 + ORG 宏佳, 监护人：上官怡水 as LOC 怡水)
            # ... nor glued to the cue's last character (伙|同林国, 房|东江远生)
            if any(a < s.end and s.start < b and not (listed and (why == "keep list" or (
                    why in ("tagger LOC", "tagger ORG") and b <= s.end
                    and (s.start <= a or ("RoleCue" in s.rule and folded[a:s.start] in _CUE_ENDS)))))
                   for a, b, why in near(s)):
                continue
        kept.append(s)
    kept.sort(key=lambda s: (-s.score, -(s.end - s.start), s.start))
    chosen: list[Span] = []
    for s in kept:
        if any(s.overlaps(c) for c in chosen):
            continue
        chosen.append(s)
    chosen = _longer_listed(chosen, kept)
    chosen = _same_name_elsewhere(folded, chosen, [(a, b) for a, b, why in guard if why == "public field"],
                                  [(a, b) for a, b, _, t in ctx.tokens if t in ("ORG", "LOC")], wording)
    for s in chosen:
        s.original = text[s.start:s.end]
    return sorted(chosen, key=lambda s: s.start)


def _longer_listed(chosen: list[Span], kept: list[Span]) -> list[Span]:
    """A name found inside a longer one a cue or a list gives (the tagger's 林闽 of 林闽犇; the party
    文明 inside the victim 黄文明, which left 黄文某 on the page): where nothing else stands there,
    the longer name is the person."""
    out = list(chosen)
    for k, c in enumerate(out):
        if c.entity != "PERSON" or c.score < MIN_SCORE:
            continue
        for s in kept:
            if (s.entity == "PERSON" and s.score >= MIN_SCORE and s.start <= c.start and c.end <= s.end
                    and len(s) > len(c) and (s.start == c.start or s.end == c.end)
                    and ("NameList" in s.rule or "RoleCue" in s.rule) and len(s) <= 4
                    and not any(o is not c and o.overlaps(s) for o in out)):
                out[k] = s
                break
    return out


def _public_wording(text: str, start: int, end: int, wording) -> bool:
    """Is text[start:end] (a given name alone), with at least two of the characters beside it,
    a piece of a public field's words? Then it is those words, not the name: the offence
    违反规定使用明火作业 shows 明火作业, whoever the party 李明火 is, and the field is on the page."""
    value = text[start:end]
    for p in wording:
        if value not in p:
            continue
        for left in range(3):  # two characters beside it: 0 + 2, 1 + 1, 2 + 0
            right = 2 - left
            if start - left >= 0 and end + right <= len(text) and text[start - left:end + right] in p:
                return True
    return False


def _same_name_elsewhere(text: str, chosen: list[Span], public=(), places=(), wording=()) -> list[Span]:
    """A name masked once is masked everywhere in the text (one person, one pseudonym). Where the
    tagger cut a name short at one occurrence (王桂|红面部), the whole name replaces the piece."""
    names = {}
    for s in chosen:
        if s.entity == "PERSON" and s.score >= MIN_SCORE and s.end - s.start >= 2:
            names.setdefault(text[s.start:s.end], s)
    out = list(chosen)
    for name, first in sorted(names.items(), key=lambda kv: -len(kv[0])):
        start = text.find(name)
        while start >= 0:
            new = Span("PERSON", start, start + len(name), first.score, "SameName:" + first.rule.split(":")[0],
                       f"same string as a name found by {first.rule}", person=first.person)
            hit = [c for c in out if new.overlaps(c)]
            if "given name" in first.reason and any(a <= new.start and new.end <= b for a, b in public):
                pass  # a given name inside the organisation's public name (福州市鼓楼区颖鑫客栈)
            elif "given name" in first.reason and any(a < new.start < b or a < new.end < b for a, b in places):
                pass  # 建闽 inside 福建闽兴电子商务有限公司, a name the tagger read whole
            elif "given name" in first.reason and _public_wording(text, new.start, new.end, wording):
                pass  # the words of a public field (the offence's 明火作业), not the name
            elif not hit:
                out.append(new)
            elif all(c.entity == "PERSON" and new.start <= c.start and c.end <= new.end and len(c) < len(new)
                     for c in hit):
                out = [c for c in out if not any(c is h for h in hit)] + [new]
            elif (len(hit) == 1 and hit[0].entity == "PERSON" and hit[0].rule.startswith("TaggedName")
                  and hit[0].start == new.start and hit[0].end == new.end + 1
                  # not where something besides the tagger read the longer one as a name (刘欣|坚)
                  and names.get(text[hit[0].start:hit[0].end], hit[0]).rule.startswith("TaggedName")):
                out = [c for c in out if c is not hit[0]] + [new]  # 杜兰宏|轻微伤 read as 杜兰宏轻
            elif all(c.entity == "PERSON" and c.rule.startswith("TaggedName") and c.score < new.score
                     and ("no known surname" in c.reason or "unusually long" in c.reason) for c in hit):
                # the tagger's weaker reading across the name (致江|犇斌 read as a name 致江, 瑶隐私):
                # masking it would leave the rest of the name on the page (致某犇斌)
                out = [c for c in out if not any(c is h for h in hit)] + [new]
            start = text.find(name, start + 1)
    return out


def _replace(spans: list[Span], known) -> None:
    people, seen = [], set()
    for i, p in enumerate(known):
        for entity, value, field in person_fields(p):
            if entity == "PERSON":
                people.append((f"party{i}:{field}", value, bool(p.minor) and field == "name"))
                seen.add(f"party{i}:{field}")
    for s in spans:
        if s.entity == "PERSON":
            if s.person is None:
                s.person = "name:" + re.sub(r"\s", "", s.original)
            if s.person not in seen:
                seen.add(s.person)
                people.append((s.person, re.sub(r"\s", "", s.original), False))
    labels = Pseudonymise().assign(people)
    for s in spans:
        if s.score < MIN_SCORE:
            s.replacement = s.original
        elif s.entity == "PERSON":
            s.replacement = labels[s.person]
        elif s.entity == "ADDRESS":
            s.replacement = TruncateAddress().operate(s.entity, s.original)
        else:
            s.replacement = MaskAll().operate(s.entity, s.original)
    return labels


def _apply(n: int, text: str, spans: list[Span]) -> list[str]:
    out = list(text)
    for s in spans:
        out[s.start] = s.replacement
        for k in range(s.start + 1, s.end):
            out[k] = ""
    return out


def _public_strings(d: Decision) -> list[str]:
    vals = [d.decision_no, d.case_no, d.authority, d.authority_code, d.organ, d.respondent,
            d.original_decision_no, d.offence, *d.legal_basis]
    for p in d.parties:
        if p.type != "person" and p.name and not _looks_personal(p):
            vals.append(p.name)
        vals.append(p.credit_code)
    return [v for v in vals if v]


def _looks_personal(p: Party) -> bool:
    """A sole proprietor exported under the operator's own name rather than a business name."""
    n = (p.name or "").strip()
    return p.type == "sole_proprietor" and 2 <= len(n) <= 4 and n[:1] in surnames() and not p.credit_code


def _known(parties) -> list[Party]:
    out = []
    for p in parties:
        if _looks_personal(p):
            q = Party(**{**p.__dict__, "type": "person"})
            out.append(q)
        else:
            out.append(p)
    return out


def _public_parties(parties, known, labels, spans) -> list[PublicParty]:
    out = []
    for i, (p, k) in enumerate(zip(parties, known)):
        if k.type == "person":
            label = labels.get(f"party{i}:name") or "某"
            out.append(PublicParty(p.role, p.type, label))
            continue
        label = p.name or ""
        if p.legal_representative and p.legal_representative in label:
            label = label.replace(p.legal_representative, labels.get(f"party{i}:legal_representative", "某"))
        out.append(PublicParty(p.role, p.type, label, p.credit_code))
    return out


def redact(decision: Decision, doc: Document | None = None) -> Redaction:
    doc = doc or Document(render(decision.text))
    known = _known(decision.parties)
    spans = analyze(doc.text, known, _public_strings(decision))
    labels = _replace(spans, known)
    masked = [s for s in spans if s.score >= MIN_SCORE]
    text_html, text_plain = doc.rebuild(_apply(len(doc.text), doc.text, masked))
    parties = _public_parties(decision.parties, known, labels, spans)
    return Redaction(text_html, text_plain, parties, spans,
                     secrets_for(known, masked, _public_strings(decision), doc.text))


def redact_many(decisions: list[Decision]) -> list[Redaction]:
    """`redact` for many decisions, in order. Their sentences not tagged before go to the tagger
    together, in batches of sentences of one length (no padding, which the model would read)."""
    decisions = list(decisions)
    out = []
    # in parts of MANY_PART: a part's sentences fit the tagger's cache, which `redact` reads
    # them back from, so a shard of any size costs the same per decision
    for i in range(0, len(decisions), MANY_PART):
        part = decisions[i:i + MANY_PART]
        docs = [Document(render(d.text)) for d in part]
        tag_many([fold(doc.text) for doc in docs])
        out += [redact(d, doc) for d, doc in zip(part, docs)]
    return out


def redact_note(text: str, known: list[Party] = ()) -> tuple[str, list[Span], list[str]]:
    """A progress-event note: plain text in, redacted plain text out (markup and refs removed)."""
    plain = re.sub(r"<[^>]*>", " ", _html.unescape(sanitize_html(text or "")))
    plain = _html.unescape(plain)
    known = _known(known)
    spans = analyze(plain, known)
    _replace(spans, known)
    masked = [s for s in spans if s.score >= MIN_SCORE]
    return "".join(_apply(len(plain), plain, masked)), spans, secrets_for(known, masked, [], plain)
