"""The site's own search index: character bigrams with positions, in small files a browser fetches.

Why not Pagefind: it segments the index with jieba and the query with the browser's
`Intl.Segmenter`; the two disagree, and a query for 台江 found 15% of the decisions containing
it (issue 5). A bigram index cannot disagree with itself: every query of two or more characters
is cut into the same pairs the text was, so recall is complete by construction, and the
positions make a phrase exact (exact matches rank first).

Layout under `<site>/search/` (format 3):

- `meta.json`: counts, the version (a hash of the index: the browser adds `?v=` to every file
  below but `facets.bin`, so those can be cached for good; the page preloads `meta.json` and
  `facets.bin`, which are revalidated), the shard counts, the field names, the facet tables
  (organs, offences, kinds, penalty types) and, per year, the first decision of that year;
- `facets.bin`: four columns of one byte per decision (decisions numbered newest first, so
  sorting by date is sorting by number and a year is a range): organ, offence (0: none), kind,
  penalty-type bits;
- `pairs/<n>.bin`: the document lists of the pairs of characters whose hash is n (see
  `shard_of`), for query words of two characters;
- `triples/<n>.bin`: the document lists of the triples whose hash is n, each followed by its
  positions, for words of three or more characters: a word's candidates are the decisions
  holding the triples that tile it (at 0, 3, 6, … and the last, which together cover every
  character), and their positions, one after the other, decide. So a query needs one round of
  requests, all at once, one small file per distinct pair or tiling triple;
- `cards/<k>.json`: what a result's heading and facts line need that `facets.bin` lacks, for
  decisions `k * CARD_CHUNK` to `(k + 1) * CARD_CHUNK - 1`: a list of [number, link, date,
  penalties] (128 decisions gzip to ~1.6 KB, so the first page of results costs a few of them,
  not one request per hit);
- `docs/<n>.json`: the searchable fields of decision n (`{"f": [...]}` in the order of `fields`),
  fetched for the results shown, after they are shown, to cut their snippets.

Shard format (little-endian): u32 term count; per term (sorted by UTF-16 units) u16 u16 u16
(the units; the third 0 for a pair), u32 offset, u32 length into the data after the table. A
term's data: varint `count * 2 + bitmap`, then either a bitmap of all decisions (bit i of byte
i >> 3) or the gaps between document numbers as varints (whichever is smaller); for a triple
then, per document of the list, a varint count and the gaps between its positions (positions
count characters of the squeezed fields, one apart between fields). Varints are unsigned LEB128.
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

FORMAT = 3
CARD_CHUNK = 128  # decisions per cards/<k>.json (mirrored from meta.json by search.js)
TARGET_SHARD_BYTES = 6_000  # before gzip
MAX_SHARDS = 8192
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


def _write_shards(folder: Path, terms: list[str], body, digest) -> tuple[int, int]:
    """Write `terms` (all of one length) hashed into a power of two of files of about
    TARGET_SHARD_BYTES; returns (files, bytes)."""
    bodies = {t: body(t) for t in terms}
    size = sum(len(b) for b in bodies.values())
    shards = 1
    while shards < MAX_SHARDS and size / shards > TARGET_SHARD_BYTES:
        shards *= 2
    by_shard: dict[int, list[str]] = defaultdict(list)
    for term in terms:
        by_shard[shard_of(term, shards)].append(term)
    written = 0
    for s in range(shards):
        table = bytearray(struct.pack("<I", len(by_shard.get(s, []))))
        data = bytearray()
        for term in sorted(by_shard.get(s, [])):
            units = [ord(c) for c in term] + [0] * (3 - len(term))
            table += struct.pack("<HHHII", *units, len(data), len(bodies[term]))
            data += bodies[term]
        blob = bytes(table + data)
        (folder / f"{s}.bin").write_bytes(blob)
        digest.update(blob)
        written += len(blob)
    return shards, written


def shard_key(d: PublicDecision) -> tuple[str, int]:
    """The unit of work of a sharded build (`pipeline.shards.plan`): one organ's year."""
    return (d.organ, d.year)


def index_part(part: list[tuple[int, PublicDecision]]) -> dict:
    """The postings of some decisions, given with their numbers (ascending): what a worker of a
    sharded build computes; `assemble` merges the parts into the index files.

    Only public, redacted fields are read (`search.document`). Returns the pairs' document lists,
    each triple's documents with its positions (the encoded positions of all its documents one
    after the other, and where each document's end), and per decision its `docs/<n>.json` text,
    its card and its facets (organ, offence, kind, penalty bits, year)."""
    pairs: dict[str, list[int]] = defaultdict(list)
    triples: dict[str, tuple[list[int], bytearray, list[int]]] = {}
    shown, cards, facets = [], [], []
    for n, d in part:
        doc = document(d)
        texts = [doc.fields[f] for f in FIELDS]
        shown.append(json.dumps({"f": texts}, ensure_ascii=False, separators=(",", ":")))
        cards.append([d.decision_no, d.url, d.decided_on.isoformat(), doc.fields["penalties"]])
        grams, where_of = _terms(texts)
        for g in grams:
            pairs[g].append(n)
        for g, where in where_of.items():
            t = triples.get(g)
            if t is None:
                t = triples[g] = ([], bytearray(), [])
            t[0].append(n)
            p = t[1]
            _varint(p, len(where))
            prev = 0
            for pos in where:
                gap = pos - prev
                if gap < 0x80:
                    p.append(gap)
                else:
                    _varint(p, gap)
                prev = pos
            t[2].append(len(p))
        bits = 0
        for t in doc.penalty_types:
            bits |= 1 << PENALTY_BITS.index(t)
        facets.append((d.organ, d.offence or "", KINDS.index(d.kind), bits, d.year))
    return {"numbers": [n for n, _ in part], "pairs": dict(pairs), "triples": triples, "shown": shown,
            "cards": cards, "facets": facets}


def _merged_pairs(parts: list[dict]) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    unsorted = []
    for part in parts:
        for g, docs in part["pairs"].items():
            have = out.get(g)
            if have is None:
                out[g] = docs
            else:
                if have[-1] > docs[0]:
                    unsorted.append(g)
                have.extend(docs)
    for g in set(unsorted):
        out[g].sort()
    return out


def _merged_triples(parts: list[dict]) -> dict[str, tuple[list[int], bytes]]:
    """term -> (documents, their positions one after the other), across the parts."""
    found: dict[str, list] = {}
    for part in parts:
        for g, t in part["triples"].items():
            found.setdefault(g, []).append(t)
    out: dict[str, tuple[list[int], bytes]] = {}
    for g, pieces in found.items():
        if len(pieces) == 1:
            out[g] = (pieces[0][0], bytes(pieces[0][1]))
            continue
        pieces.sort(key=lambda t: t[0][0])
        if all(a[0][-1] < b[0][0] for a, b in zip(pieces, pieces[1:])):  # one after the other (years apart)
            out[g] = ([n for t in pieces for n in t[0]], b"".join(t[1] for t in pieces))
            continue
        chunks = []
        for docs, buf, ends in pieces:
            start = 0
            for n, end in zip(docs, ends):
                chunks.append((n, buf[start:end]))
                start = end
        chunks.sort(key=lambda c: c[0])
        out[g] = ([n for n, _ in chunks], b"".join(c for _, c in chunks))
    return out


def build_static_index(decisions: list[PublicDecision], site_dir: Path, executor=None, shards: int | None = None) -> dict:
    """Write the index of `decisions` under `<site_dir>/search/`.

    With an `executor` (`pipeline.executor`) the postings are computed per shard of one organ's
    year (`shard_key`, `shards` of them; default two per worker) as its tasks, and merged here
    into the very files one process writes (tested byte for byte)."""
    ordered = order(decisions)
    numbered = list(enumerate(ordered))
    if executor is None or len(ordered) < 2:
        parts = [index_part(numbered)]
    else:
        from pipeline.shards import plan

        count = shards or executor.workers * 2
        cut = plan(numbered, lambda item: shard_key(item[1]), count)
        parts = executor.map(index_part, [sorted(c, key=lambda item: item[0]) for c in cut])
    return assemble(parts, len(ordered), site_dir)


def assemble(parts: list[dict], total: int, site_dir: Path) -> dict:
    """Merge the parts of `index_part` (every decision in exactly one) into the index files."""
    root = Path(site_dir) / "search"
    for sub in ("shards", "terms", "pos", "pairs", "triples", "docs", "cards"):
        shutil.rmtree(root / sub, ignore_errors=True)
    for sub in ("pairs", "triples", "docs", "cards"):
        (root / sub).mkdir(parents=True)
    shown: list[str] = [""] * total  # docs/<n>.json
    cards: list[list[str]] = [[]] * total  # cards/<k>.json, one row per decision
    facet_rows: list[tuple] = [()] * total
    for part in parts:
        for i, n in enumerate(part["numbers"]):
            shown[n], cards[n], facet_rows[n] = part["shown"][i], part["cards"][i], part["facets"][i]
    organs = sorted({f[0] for f in facet_rows})
    offences = sorted({f[1] for f in facet_rows if f[1]})
    if len(organs) > 255 or len(offences) > 254:
        raise ValueError("静态搜索索引的分面超出一个字节 (机关 ≤255, 违法行为 ≤254)")
    organ_ix = {o: i for i, o in enumerate(organs)}
    offence_ix = {o: i + 1 for i, o in enumerate(offences)}  # 0: none
    col_organ, col_offence, col_kind, col_bits = bytearray(), bytearray(), bytearray(), bytearray()
    years: list[list[int]] = []  # [year, first decision of that year], newest first
    for n, (organ, offence, kind, bits, year) in enumerate(facet_rows):
        col_organ.append(organ_ix[organ])
        col_offence.append(offence_ix.get(offence, 0))
        col_kind.append(kind)
        col_bits.append(bits)
        if not years or years[-1][0] != year:
            years.append([year, n])
    pairs = _merged_pairs(parts)
    triples = _merged_triples(parts)
    triple_count = len(triples)
    digest = hashlib.sha256()
    pair_shards, pair_bytes = _write_shards(root / "pairs", list(pairs), lambda t: _doclist(pairs[t], total), digest)
    triple_shards, triple_bytes = _write_shards(root / "triples", list(triples),
                                                lambda t: _doclist(triples[t][0], total) + triples.pop(t)[1], digest)
    for n, text in enumerate(shown):
        digest.update(text.encode("utf-8"))
        (root / "docs" / f"{n}.json").write_text(text, encoding="utf-8")
    for k in range(0, total, CARD_CHUNK):
        text = json.dumps(cards[k : k + CARD_CHUNK], ensure_ascii=False, separators=(",", ":"))
        digest.update(text.encode("utf-8"))
        (root / "cards" / f"{k // CARD_CHUNK}.json").write_text(text, encoding="utf-8")
    facets = bytes(col_organ + col_offence + col_kind + col_bits)
    (root / "facets.bin").write_bytes(facets)
    digest.update(facets)
    meta = {
        "format": FORMAT,
        "v": digest.hexdigest()[:16],
        "count": total,
        "pair_shards": pair_shards,
        "triple_shards": triple_shards,
        "card_chunk": CARD_CHUNK,
        "fields": FIELDS,
        "organs": organs,
        "offences": offences,
        "years": years,
        "kinds": [[k, KIND_NAMES[k]] for k in KINDS],
        "penalty_types": [[k, PENALTY_TYPES[k]] for k in PENALTY_BITS],
    }
    (root / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    return {"decisions": total, "terms": len(pairs) + triple_count, "shards": pair_shards + triple_shards,
            "shard_bytes": pair_bytes + triple_bytes, "facet_bytes": len(facets), "parts": len(parts)}
