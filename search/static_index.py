"""The site's own search index: character bigrams with positions, in small files a browser fetches.

Why not Pagefind: it segments the index with jieba and the query with the browser's
`Intl.Segmenter`; the two disagree, and a query for 台江 found 15% of the decisions containing
it (issue 5). A bigram index cannot disagree with itself: every query of two or more characters
is cut into the same pairs the text was, so recall is complete by construction, and the
positions make a phrase exact (exact matches rank first).

Layout under `<site>/search/` (format 2):

- `meta.json`: counts, the version (a hash of the index: the browser adds `?v=` to the files
  below but `facets.bin`, so those can be cached for good; the page preloads `meta.json` and
  `facets.bin`, which are revalidated), the shard count, the field names, the facet tables
  (organs, offences, kinds, penalty types) and, per year, the first decision of that year;
- `facets.bin`: four columns of one byte per decision (decisions numbered newest first, so
  sorting by date is sorting by number and a year is a range): organ, offence (0: none), kind,
  penalty-type bits;
- `terms/<n>.bin`: the document lists of the pairs and triples of characters whose hash is n
  (see `shard_of`): a query fetches one small file per distinct pair or triple, and no
  positions;
- `pos/<n>.bin`: the positions of the triples of `terms/<n>.bin`, fetched only for query words
  of four or more characters, whose triples must follow each other;
- `docs/<n>.json`: what a result shows: number, link, date, kind and the searchable fields.

A query word of two characters is looked up as a pair, one of three as a triple (both exact by
construction); a longer word's candidates are the decisions holding all its triples, and the
positions of the triples that tile it (at 0, 3, 6, … and the last) decide.

Term shard format (little-endian): u32 term count; per term (sorted by UTF-16 units) u16 u16 u16
(the units; the third 0 for a pair), u32 offset, u32 length into the data after the table. A
term's data: for a triple, varint offset and length of its positions in `pos/<n>.bin`; then
varint `count * 2 + bitmap`, then either a bitmap of all decisions (bit i of byte i >> 3) or
the gaps between document numbers as varints (whichever is smaller). Positions: per document
of the list, a varint count and the gaps between positions. Varints are unsigned LEB128.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import struct
from collections import defaultdict
from pathlib import Path

from records.model import KIND_NAMES, PENALTY_TYPES, PublicDecision
from search.analysis import squeeze
from search.document import document

FORMAT = 2
TARGET_SHARD_BYTES = 6_000
FIELDS = ["decision_no", "kind", "organ", "date", "offence", "legal_basis", "penalties", "parties", "other", "text"]
PENALTY_BITS = list(PENALTY_TYPES)  # bit i set: the decision imposes PENALTY_BITS[i]
KINDS = list(KIND_NAMES)


def shard_of(term: str, shards: int) -> int:
    """Mirrored in search.js: the UTF-16 units of the term, a multiplier small enough for exact doubles."""
    h = 0
    for ch in term:
        h = (h * 65599 + ord(ch)) % 2_147_483_647
    return h % shards


def _varint(out: bytearray, n: int) -> None:
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def _terms(texts: list[str]) -> tuple[set[str], dict[str, list[int]]]:
    """The pairs, and the triples with their positions, over the fields; a gap of one between
    fields so that nothing straddles two."""
    pairs: set[str] = set()
    triples: dict[str, list[int]] = defaultdict(list)
    base = 0
    for text in texts:
        s = squeeze(text)
        for i in range(len(s) - 1):
            pairs.add(s[i : i + 2])
            if i + 2 < len(s):
                triples[s[i : i + 3]].append(base + i)
        base += len(s) + 1
    return pairs, triples


def order(decisions: list[PublicDecision]) -> list[PublicDecision]:
    """Newest first; ties by number, so a rebuild numbers the same decisions the same way."""
    return sorted(decisions, key=lambda d: (-d.decided_on.toordinal(), d.decision_no, d.id))


def _doclist(docs: list[int], total: int) -> bytes:
    gaps = bytearray()
    last = -1
    for n in docs:
        _varint(gaps, n - last - 1)
        last = n
    head = bytearray()
    bitmap_len = (total + 7) >> 3
    if bitmap_len < len(gaps):
        bits = bytearray(bitmap_len)
        for n in docs:
            bits[n >> 3] |= 1 << (n & 7)
        _varint(head, len(docs) * 2 + 1)
        return bytes(head + bits)
    _varint(head, len(docs) * 2)
    return bytes(head + gaps)


def build_static_index(decisions: list[PublicDecision], site_dir: Path) -> dict:
    root = Path(site_dir) / "search"
    for sub in ("shards", "terms", "pos", "docs"):
        shutil.rmtree(root / sub, ignore_errors=True)
    for sub in ("terms", "pos", "docs"):
        (root / sub).mkdir(parents=True)
    ordered = order(decisions)
    total = len(ordered)
    docs_of: dict[str, list[int]] = defaultdict(list)
    positions: dict[str, bytearray] = defaultdict(bytearray)
    organs = sorted({d.organ for d in ordered})
    offences = sorted({d.offence for d in ordered if d.offence})
    if len(organs) > 255 or len(offences) > 254:
        raise ValueError("静态搜索索引的分面超出一个字节 (机关 ≤255, 违法行为 ≤254)")
    organ_ix = {o: i for i, o in enumerate(organs)}
    offence_ix = {o: i + 1 for i, o in enumerate(offences)}  # 0: none
    col_organ, col_offence, col_kind, col_bits = bytearray(), bytearray(), bytearray(), bytearray()
    years: list[list[int]] = []  # [year, first decision of that year], newest first
    shown: list[str] = []  # docs/<n>.json
    for n, d in enumerate(ordered):
        doc = document(d)
        texts = [doc.fields[f] for f in FIELDS]
        shown.append(json.dumps({"n": d.decision_no, "u": d.url, "d": d.decided_on.isoformat(), "k": d.kind,
                                 "f": texts}, ensure_ascii=False, separators=(",", ":")))
        pairs, triples = _terms(texts)
        for g in pairs:
            docs_of[g].append(n)
        for g, where in triples.items():
            docs_of[g].append(n)
            p = positions[g]
            _varint(p, len(where))
            prev = 0
            for pos in where:
                gap = pos - prev
                if gap < 0x80:
                    p.append(gap)
                else:
                    _varint(p, gap)
                prev = pos
        bits = 0
        for t in doc.penalty_types:
            bits |= 1 << PENALTY_BITS.index(t)
        col_organ.append(organ_ix[d.organ])
        col_offence.append(offence_ix.get(d.offence or "", 0))
        col_kind.append(KINDS.index(d.kind))
        col_bits.append(bits)
        if not years or years[-1][0] != d.year:
            years.append([d.year, n])
    by_shard: dict[int, list[str]] = defaultdict(list)
    data_bytes = sum(len(v) for v in docs_of.values()) * 1.2
    shards = 1
    while shards < 8192 and data_bytes / shards > TARGET_SHARD_BYTES:
        shards *= 2
    for term in docs_of:
        by_shard[shard_of(term, shards)].append(term)
    written = 0
    digest = hashlib.sha256()
    for s in range(shards):
        terms = sorted(by_shard.get(s, []))
        table = bytearray(struct.pack("<I", len(terms)))
        data, pos = bytearray(), bytearray()
        for term in terms:
            body = bytearray()
            if len(term) == 3:
                _varint(body, len(pos))
                _varint(body, len(positions[term]))
                pos += positions[term]
            body += _doclist(docs_of[term], total)
            units = [ord(c) for c in term] + [0] * (3 - len(term))
            table += struct.pack("<HHHII", *units, len(data), len(body))
            data += body
        blob = bytes(table + data)
        (root / "terms" / f"{s}.bin").write_bytes(blob)
        (root / "pos" / f"{s}.bin").write_bytes(bytes(pos))
        digest.update(blob)
        digest.update(pos)
        written += len(blob) + len(pos)
    for n, text in enumerate(shown):
        digest.update(text.encode("utf-8"))
        (root / "docs" / f"{n}.json").write_text(text, encoding="utf-8")
    facets = bytes(col_organ + col_offence + col_kind + col_bits)
    (root / "facets.bin").write_bytes(facets)
    digest.update(facets)
    meta = {
        "format": FORMAT,
        "v": digest.hexdigest()[:16],
        "count": total,
        "shards": shards,
        "fields": FIELDS,
        "organs": organs,
        "offences": offences,
        "years": years,
        "kinds": [[k, KIND_NAMES[k]] for k in KINDS],
        "penalty_types": [[k, PENALTY_TYPES[k]] for k in PENALTY_BITS],
    }
    (root / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return {"decisions": total, "terms": len(docs_of), "shards": shards, "shard_bytes": written,
            "facet_bytes": len(facets)}
