"""The site's own search index: character bigrams with positions, in small files a browser fetches.

Why not Pagefind: it segments the index with jieba and the query with the browser's
`Intl.Segmenter`; the two disagree, and a query for 台江 found 15% of the decisions containing
it (issue 5). A bigram index cannot disagree with itself: every query of two or more characters
is cut into the same pairs the text was, so recall is complete by construction, and the
positions make a phrase exact (exact matches rank first).

Layout under `<site>/search/`:

- `meta.json`: counts, the shard count, the field names, the facet tables (organs, offences,
  years, kinds, penalty types) and the format version;
- `facets.bin`: one row per decision (decisions numbered newest first, so sorting by date is
  sorting by number): organ, offence, year offset, kind, penalty-type bits, one byte each;
- `shards/<n>.bin`: the postings of the bigrams whose hash is n (see `shard_of`), so a query
  fetches one small file per distinct pair;
- `docs/<n>.json`: what a result shows: number, link, date, kind and the searchable fields.

Shard format (little-endian): u32 term count; per term (sorted) u16 u16 (the two UTF-16
units), u32 offset, u32 length into the data that follows the table; a term's postings are
unsigned LEB128 varints: document count, then per document the gap from the previous
document number, the number of positions, and the position gaps.
"""
from __future__ import annotations

import json
import shutil
import struct
from collections import defaultdict
from pathlib import Path

from records.model import KIND_NAMES, PENALTY_TYPES, PublicDecision
from search.analysis import squeeze
from search.document import document

FORMAT = 1
TARGET_SHARD_BYTES = 12_000
FIELDS = ["decision_no", "kind", "organ", "date", "offence", "legal_basis", "penalties", "parties", "other", "text"]
PENALTY_BITS = list(PENALTY_TYPES)  # bit i set: the decision imposes PENALTY_BITS[i]
KINDS = list(KIND_NAMES)


def shard_of(gram: str, shards: int) -> int:
    """Mirrored in search.js: both units of the pair, a multiplier small enough for exact doubles."""
    return (ord(gram[0]) * 65599 + ord(gram[1])) % shards


def _varint(out: bytearray, n: int) -> None:
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


class _Postings:
    __slots__ = ("data", "last", "count")

    def __init__(self):
        self.data = bytearray()
        self.last = -1
        self.count = 0


def _positions(texts: list[str]) -> dict[str, list[int]]:
    """Bigram -> positions over the fields, a gap of one between fields so no pair straddles two."""
    found: dict[str, list[int]] = defaultdict(list)
    base = 0
    for text in texts:
        s = squeeze(text)
        for i in range(len(s) - 1):
            found[s[i : i + 2]].append(base + i)
        base += len(s) + 1
    return found


def order(decisions: list[PublicDecision]) -> list[PublicDecision]:
    """Newest first; ties by number, so a rebuild numbers the same decisions the same way."""
    return sorted(decisions, key=lambda d: (-d.decided_on.toordinal(), d.decision_no, d.id))


def build_static_index(decisions: list[PublicDecision], site_dir: Path) -> dict:
    root = Path(site_dir) / "search"
    for sub in ("shards", "docs"):
        shutil.rmtree(root / sub, ignore_errors=True)
        (root / sub).mkdir(parents=True)
    ordered = order(decisions)
    postings: dict[str, _Postings] = {}
    organs = sorted({d.organ for d in ordered})
    offences = sorted({d.offence for d in ordered if d.offence})
    years = sorted({d.year for d in ordered})
    if len(organs) > 255 or len(offences) > 254 or (years and years[-1] - years[0] > 255):
        raise ValueError("静态搜索索引的分面超出一个字节 (机关 ≤255, 违法行为 ≤254, 年份跨度 ≤255)")
    organ_ix = {o: i for i, o in enumerate(organs)}
    offence_ix = {o: i + 1 for i, o in enumerate(offences)}  # 0: none
    facets = bytearray()
    for n, d in enumerate(ordered):
        doc = document(d)
        texts = [doc.fields[f] for f in FIELDS]
        for gram, where in _positions(texts).items():
            p = postings.get(gram)
            if p is None:
                p = postings[gram] = _Postings()
            _varint(p.data, n - p.last if p.last >= 0 else n)
            _varint(p.data, len(where))
            prev = 0
            for pos in where:
                _varint(p.data, pos - prev)
                prev = pos
            p.last = n
            p.count += 1
        bits = 0
        for t in doc.penalty_types:
            bits |= 1 << PENALTY_BITS.index(t)
        facets += bytes([organ_ix[d.organ], offence_ix.get(d.offence or "", 0), d.year - years[0],
                         KINDS.index(d.kind), bits])
        shown = {"n": d.decision_no, "u": d.url, "d": d.decided_on.isoformat(), "k": d.kind, "f": texts}
        (root / "docs" / f"{n}.json").write_text(json.dumps(shown, ensure_ascii=False, separators=(",", ":")),
                                                 encoding="utf-8")
    total = sum(len(p.data) + 4 for p in postings.values())
    shards = 1
    while shards < 4096 and total / shards > TARGET_SHARD_BYTES:
        shards *= 2
    by_shard: dict[int, list[str]] = defaultdict(list)
    for gram in postings:
        by_shard[shard_of(gram, shards)].append(gram)
    written = 0
    for s in range(shards):
        grams = sorted(by_shard.get(s, []))
        table = bytearray(struct.pack("<I", len(grams)))
        data = bytearray()
        for gram in grams:
            p = postings[gram]
            body = bytearray()
            _varint(body, p.count)
            body += p.data
            table += struct.pack("<HHII", ord(gram[0]), ord(gram[1]), len(data), len(body))
            data += body
        blob = bytes(table + data)
        (root / "shards" / f"{s}.bin").write_bytes(blob)
        written += len(blob)
    (root / "facets.bin").write_bytes(bytes(facets))
    meta = {
        "format": FORMAT,
        "count": len(ordered),
        "shards": shards,
        "fields": FIELDS,
        "organs": organs,
        "offences": offences,
        "first_year": years[0] if years else 0,
        "years": years,
        "kinds": [[k, KIND_NAMES[k]] for k in KINDS],
        "penalty_types": [[k, PENALTY_TYPES[k]] for k in PENALTY_BITS],
    }
    (root / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return {"decisions": len(ordered), "terms": len(postings), "shards": shards, "shard_bytes": written,
            "facet_bytes": len(facets)}
