"""The site's own search index: character bigrams with positions, in small files a browser fetches.

Why not Pagefind: it segments the index with jieba and the query with the browser's
`Intl.Segmenter`; the two disagree, and a query for 台江 found 15% of the decisions containing
it (issue 5). A bigram index cannot disagree with itself: every query of two or more characters
is cut into the same pairs the text was, so recall is complete by construction, and the
positions make a phrase exact (exact matches rank first).

Layout under `<site>/search/` (format 5):

- `meta.json`: counts, the version (a hash of the index: the browser adds `?v=` to the `docs`
  files; the page preloads `meta.json` and `facets.bin`, which are revalidated), the segments,
  the card chunk, the field names, the facet tables (organs, offences, kinds, penalty types) and,
  per year, the first decision of that year (oldest year first);
- `facets.bin`: four columns of one byte per decision: organ, offence (0: none), kind,
  penalty-type bits. Decisions are numbered oldest first (by date, then number and id), so
  sorting by date is sorting by number and a year is a range;
- `s/<name>/`: one segment of the numbering (`segment_bounds`): the base, every decision dated
  before the first day of the month before the newest decision's month, and the recent
  segment, the rest. The usual change, a day's new decisions (the newest), changes the recent
  segment only; the base changes when a decision in it leaves or changes, or once a month when
  the cut moves. A segment's decisions are numbered from 0 in it (`meta.json` gives the number
  of its first one in the whole index), and its folder is named by a digest of its decisions'
  links and contents and of this code (`segment_name`): a folder keeps its bytes, so the browser
  caches it for good (`?v=<name>`), and a build links it from the site online without making a
  posting (`SegmentCache`). In it:
  - `pairs/<n>.bin`: the document lists of the pairs of characters whose hash is n (see
    `shard_of`), for query words of two characters;
  - `triples/<n>.bin`: the document lists of the triples whose hash is n, each followed by its
    positions, for words of three or more characters: a word's candidates are the decisions
    holding the triples that tile it (at 0, 3, 6, … and the last, which together cover every
    character), and their positions, one after the other, decide. So a query needs one round
    of requests, all at once, one small file per segment and distinct pair or tiling triple;
  - `cards/<k>.json`: what a result's heading and facts line need that `facets.bin` lacks, for
    the segment's decisions `k * CARD_CHUNK` to `(k + 1) * CARD_CHUNK - 1`: a list of [number,
    link, date, penalties] (128 decisions gzip to ~1.6 KB, so the first page of results costs
    a few of them, not one request per hit);
- `docs/<link>.json` (the decision's link without its last slash, e.g.
  `docs/decisions/pen-1.json`): its searchable fields (`{"f": [...]}` in the order of `fields`),
  fetched for the results shown, after they are shown, to cut their snippets. Named by link,
  not number, so a decision's file stays the same bytes whatever else is published.

Shard format (little-endian): u32 term count; per term (sorted by UTF-16 units) u16 u16 u16
(the units; the third 0 for a pair), u32 offset, u32 length into the data after the table. A
term's data: varint `count * 2 + bitmap`, then either a bitmap up to its last decision (bit i
of byte i >> 3; `(last >> 3) + 1` bytes) or the gaps between document numbers as varints
(whichever is smaller); for a triple then, per document of the list, a varint count and the
gaps between its positions (positions count characters of the squeezed fields, one apart
between fields). Varints are unsigned LEB128.

How it is computed: each decision is analysed once (its fields squeezed, `analyse`) and kept
in a cache keyed by its content (`AnalysisCache`, in the build's cache folder), so a build
that adds ten decisions squeezes ten. The postings of all decisions are then made with numpy
from the squeezed texts (`_postings`, in slices of terms so memory stays bounded) and encoded
into shards, segment by segment; with a `PageWriter` a segment the site online has is kept
whole without a posting made, a file whose bytes the site online already has is kept from it,
and a decision's `docs` file is not even made again while its content is the same.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
import shutil
import bisect
import struct
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

from records.model import KIND_NAMES, PENALTY_TYPES, PublicDecision
from search.analysis import squeeze
from search.document import document

log = logging.getLogger(__name__)

FORMAT = 5
CARD_CHUNK = 128  # decisions per cards/<k>.json (mirrored from meta.json by search.js)
TARGET_SHARD_BYTES = 6_000  # before gzip
RECENT_SHARD_BYTES = 6_000  # the recent segment's (24_000 wrote 83 files for ten new at 10k, not 299, but a cold query fetched 57 KB, not 35)
RECENT_MONTHS = 1  # the recent segment starts this many months before the newest decision's month
MAX_SHARDS = 8192
FIELDS = ["decision_no", "kind", "organ", "date", "offence", "legal_basis", "penalties", "parties", "other", "text"]
PENALTY_BITS = list(PENALTY_TYPES)  # bit i set: the decision imposes PENALTY_BITS[i]
KINDS = list(KIND_NAMES)
SLICE_POSTINGS = 1_000_000  # postings sorted and encoded at once (~100 bytes each at the peak)
SELECT_BLOCK = 1 << 22  # units of text masked at once to find a slice's postings


def shard_of(term: str, shards: int) -> int:
    """Mirrored in search.js: the UTF-16 units of the term, a multiplier small enough for exact doubles."""
    h = 0
    for ch in term:
        h = (h * 65599 + ord(ch)) % 2_147_483_647
    return h % shards


@lru_cache(maxsize=1)
def _code_version() -> str:
    """The code that decides what the analysis of a decision and its `docs` file hold (not the
    rest of this module: a change to how postings are encoded keeps the cached analyses)."""
    import inspect

    h = hashlib.sha256()
    for name in ("analysis.py", "document.py"):
        h.update((Path(__file__).parent / name).read_bytes())
    from portal.filters import amount, penalty_text
    from records.model import PENALTY_TYPES

    # penalty_text and amount word the penalties a document holds (search/document.py)
    for f in (analyse, shown_text, docs_path, penalty_text, amount):
        h.update(inspect.getsource(f).encode("utf-8"))
    h.update(repr((FIELDS, PENALTY_BITS, KINDS, sorted(PENALTY_TYPES.items()))).encode("utf-8"))
    return h.hexdigest()[:16]


def order(decisions: list[PublicDecision]) -> list[PublicDecision]:
    """Oldest first, ties by number and id: the numbering of the index (a decision's place)."""
    return sorted(decisions, key=lambda d: (d.decided_on.toordinal(), d.decision_no, d.id))


def shard_key(d: PublicDecision) -> tuple[str, int]:
    """The unit of work of a sharded build (`pipeline.shards.plan`): one organ's year."""
    return (d.organ, d.year)


def docs_path(d: PublicDecision) -> str:
    """Where a decision's fields are, under `search/` (mirrored by search.js from the card's link)."""
    return f"docs/{d.url.rstrip('/')}.json"


def shown_text(d: PublicDecision) -> str:
    """The bytes of its `docs` file."""
    fields = document(d).fields
    return json.dumps({"f": [fields[f] for f in FIELDS]}, ensure_ascii=False, separators=(",", ":"))


def analyse(d: PublicDecision) -> tuple[str, list, tuple]:
    """What the index needs of one decision: its fields squeezed and joined by NUL (a gap of one
    between fields, so nothing straddles two), its card and its facets."""
    doc = document(d)
    joined = "\0".join(squeeze(doc.fields[f]) for f in FIELDS)
    card = [d.decision_no, d.url, d.decided_on.isoformat(), doc.fields["penalties"]]
    bits = 0
    for t in doc.penalty_types:
        bits |= 1 << PENALTY_BITS.index(t)
    return joined, card, (d.organ, d.offence or "", KINDS.index(d.kind), bits, d.year)


def content_key(d: PublicDecision) -> str:
    """What an analysis depends on: the decision's public content (`content_hash`, which covers
    every field but the publication links and dates)."""
    if d.content_hash:
        return d.content_hash
    from publication.public import content_hash

    return content_hash(d)


def index_part(part: list[PublicDecision]) -> list[tuple]:
    """The analyses of some decisions (what a worker of a sharded build computes)."""
    return [analyse(d) for d in part]


class AnalysisCache:
    """The analyses of the decisions of the last build, keyed by content, in one file of the
    cache folder (one read, not one file per decision); written again when it gained any."""

    def __init__(self, cache_dir: Path | None):
        self.path = Path(cache_dir) / "search" / f"static-{_code_version()}.pickle" if cache_dir else None
        self.entries: dict[str, tuple] = {}
        self.added = 0
        if self.path is not None:
            try:
                with open(self.path, "rb") as f:
                    self.entries = pickle.load(f)
            except FileNotFoundError:
                pass
            except Exception as exc:  # a damaged cache is only slower
                log.warning("%s 已损坏, 重新分析: %s", self.path, exc)

    def save(self, keys: list[str]) -> None:
        if self.path is None or (not self.added and len(self.entries) == len(set(keys))):
            return
        keep = {k: self.entries[k] for k in keys}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for old in self.path.parent.glob("static-*.pickle"):
            if old != self.path:
                old.unlink(missing_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            pickle.dump(keep, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, self.path)


def build_static_index(decisions: list[PublicDecision], site_dir: Path, executor=None, shards: int | None = None,
                       cache_dir: Path | None = None, out=None) -> dict:
    """Write the index of `decisions` under `<site_dir>/search/`.

    Decisions not in the analysis cache (`cache_dir`) are analysed here, or with an `executor`
    (`pipeline.executor`) per shard of one organ's year (`shard_key`, `shards` of them; default
    two per worker) as its tasks; the files are the same bytes either way (tested). With `out`
    (a `portal.writing.PageWriter` of a build) unchanged files are kept from the site online."""
    import time

    clock = time.perf_counter()
    ordered = order(decisions)
    cache = AnalysisCache(cache_dir)
    keys = [content_key(d) for d in ordered]
    missing = [i for i, k in enumerate(keys) if k not in cache.entries]
    parts = 0
    if missing:
        todo = [ordered[i] for i in missing]
        if executor is None or len(todo) < 2:
            found = dict(zip(missing, index_part(todo)))
            parts = 1
        else:
            from pipeline.shards import plan

            count = shards or executor.workers * 2
            numbered = [(i, ordered[i]) for i in missing]
            cut = plan(numbered, lambda item: shard_key(item[1]), count)
            found = {}
            for c, result in zip(cut, executor.map(index_part, [[d for _, d in c] for c in cut])):
                found.update((i, r) for (i, _), r in zip(c, result))
            parts = len(cut)
        for i, analysis in found.items():
            cache.entries[keys[i]] = analysis
        cache.added = len(found)
    analyses = [cache.entries[k] for k in keys]
    analyse_s = time.perf_counter() - clock
    stats = assemble(ordered, analyses, Path(site_dir), out, SegmentCache(cache_dir))
    cache.save(keys)
    stats.update(parts=parts, analysed=len(missing), analyse_s=round(analyse_s, 2))
    return stats


# -- postings, with numpy ---------------------------------------------------------------------

def _varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """LEB128 of every value (non-negative int64), one after the other, and where each starts
    (one more entry: the end)."""
    lengths = np.ones(len(values), dtype=np.int64)
    more = np.flatnonzero(values >= 0x80)
    rest = more
    while len(rest):
        lengths[rest] += 1
        rest = rest[(values[rest] >> (7 * lengths[rest])) > 0]
    starts = np.zeros(len(values) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    out = np.empty(int(starts[-1]), dtype=np.uint8)
    out[starts[:-1]] = (values & 0x7F).astype(np.uint8)
    k, rest = 1, more
    while len(rest):
        out[starts[rest] + (k - 1)] |= 0x80
        out[starts[rest] + k] = ((values[rest] >> (7 * k)) & 0x7F).astype(np.uint8)
        k += 1
        rest = rest[lengths[rest] > k]
    return out, starts


def _unique(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique hashes in numpy 2, many times slower on these arrays)."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    keep = np.empty(len(values), dtype=bool)
    keep[0] = True
    np.not_equal(values[1:], values[:-1], out=keep[1:])
    return values[keep]


def _encode(term: np.ndarray, doc: np.ndarray, pos: np.ndarray | None) -> list[bytes]:
    """The data of each term, given its postings sorted by term, document (and position)."""
    n = len(term)
    first = np.empty(n, dtype=bool)
    first[0] = True
    np.not_equal(term[1:], term[:-1], out=first[1:])
    first[1:] |= doc[1:] != doc[:-1]
    group = np.flatnonzero(first)  # one per (term, document)
    g_term, g_doc = term[group], doc[group]
    term_first = np.empty(len(group), dtype=bool)
    term_first[0] = True
    np.not_equal(g_term[1:], g_term[:-1], out=term_first[1:])
    t_group = np.flatnonzero(term_first)  # each term's first group
    t_end = np.append(t_group[1:], len(group))
    prev = np.empty(len(group), dtype=np.int64)
    prev[0] = -1
    prev[1:] = g_doc[:-1]
    prev[t_group] = -1
    gap_bytes, gap_at = _varints(g_doc - prev - 1)
    gap_bytes = gap_bytes.tobytes()
    heads = ((t_end - t_group) * 2).tolist()
    lasts = g_doc[t_end - 1].tolist()
    gap_lo, gap_hi = gap_at[t_group].tolist(), gap_at[t_end].tolist()
    tg, te = t_group.tolist(), t_end.tolist()
    if pos is not None:
        counts = np.diff(np.append(group, n))
        pprev = np.empty(n, dtype=np.int64)
        pprev[0] = 0
        pprev[1:] = pos[:-1]
        pprev[group] = 0
        items = np.empty(n + len(group), dtype=np.int64)
        items[group + np.arange(len(group))] = counts
        items[np.arange(n) + np.cumsum(first)] = pos - pprev
        del pprev
        pos_bytes, pos_at = _varints(items)
        pos_bytes = pos_bytes.tobytes()
        item_of_group = np.append(group + np.arange(len(group)), n + len(group))
        pos_lo, pos_hi = pos_at[item_of_group[t_group]].tolist(), pos_at[item_of_group[t_end]].tolist()
    out = []
    for t in range(len(tg)):
        gaps = gap_bytes[gap_lo[t] : gap_hi[t]]
        last = lasts[t]
        bitmap_len = (last >> 3) + 1
        if bitmap_len < len(gaps):
            bits = np.zeros(bitmap_len * 8, dtype=bool)
            bits[g_doc[tg[t] : te[t]]] = True
            body = _head(heads[t] + 1) + np.packbits(bits, bitorder="little").tobytes()
        else:
            body = _head(heads[t]) + gaps
        if pos is not None:
            body += pos_bytes[pos_lo[t] : pos_hi[t]]
        out.append(body)
    return out


def _head(n: int) -> bytes:
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _postings(text: np.ndarray, starts: np.ndarray, width: int) -> tuple[list[np.ndarray], list[bytes]]:
    """The terms of `width` (2 or 3) characters of the NUL-separated `text` (UTF-16 units; one
    document after another, `starts` where each begins) and their encoded data, sorted by units.

    Terms are taken in slices by their first unit (about SLICE_POSTINGS postings each), so only a
    slice's postings are in memory at once."""
    valid = text[:-1] != 0
    valid &= text[1:] != 0
    if width == 3:
        valid = valid[:-1] & (text[2:] != 0)
    first_units = text[: len(valid)]
    counts = np.bincount(first_units[valid], minlength=65536)
    cuts, total = [0], 0
    for unit in np.flatnonzero(counts).tolist():
        if total and total + counts[unit] > SLICE_POSTINGS:
            cuts.append(unit)
            total = 0
        total += int(counts[unit])
    cuts.append(65536)
    doc_bits = max(1, int(len(starts) - 1).bit_length())

    def select(lo: int, hi: int) -> np.ndarray:
        """Where the terms of the slice begin, block by block of the text: the masks of a block at
        a time (three masks of the whole text, for every slice on two threads, were ~1 GB at 100k)."""
        if len(cuts) == 2:
            return np.flatnonzero(valid)
        parts = []
        for b in range(0, len(valid), SELECT_BLOCK):
            f = first_units[b : b + SELECT_BLOCK]
            m = f >= lo
            m &= f < hi
            m &= valid[b : b + SELECT_BLOCK]
            found = np.flatnonzero(m)
            if len(found):
                parts.append(found + b)
        return np.concatenate(parts) if parts else np.zeros(0, np.int64)

    def one(lo: int, hi: int) -> tuple[np.ndarray, list[bytes]]:
        mine = select(lo, hi)
        if not len(mine):
            return np.zeros(0, np.int64), []
        code = text[mine].astype(np.int64) << 16
        code |= text[mine + 1]
        if width == 3:
            code <<= 16
            code |= text[mine + 2]
        doc = np.searchsorted(starts, mine, side="right") - 1
        if width == 2:  # document lists only: (code, doc) pairs, once each
            del mine
            key = _unique((code << doc_bits) | doc)
            del code, doc
            term, doc = key >> doc_bits, key & ((1 << doc_bits) - 1)
            del key
            return _unique(term), _encode(term, doc, None)
        else:
            pos = mine - starts[doc]
            del mine
            vocab = _unique(code)
            tid = np.searchsorted(vocab, code)
            del code
            pos_bits = max(1, int(pos.max()).bit_length())
            tid_bits = max(1, int(len(vocab)).bit_length())
            if tid_bits + doc_bits + pos_bits <= 63:
                tid <<= doc_bits + pos_bits
                doc <<= pos_bits
                tid |= doc
                tid |= pos
                del doc, pos
                tid.sort()
                key = tid
                pos = key & ((1 << pos_bits) - 1)
                doc = (key >> pos_bits) & ((1 << doc_bits) - 1)
                tid = key >> (doc_bits + pos_bits)
                del key
            else:  # too many bits for one key: a slower sort of three
                ix = np.lexsort((pos, doc, tid))
                tid, doc, pos = tid[ix], doc[ix], pos[ix]
            return vocab, _encode(tid, doc, pos)

    # numpy lets go of the interpreter while it sorts and counts: two slices at a time use both cores
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max(1, min(2, os.cpu_count() or 1))) as pool:
        done = list(pool.map(one, cuts[:-1], cuts[1:]))
    return [c for c, _ in done], [blob for _, data in done for blob in data]


def _shard_files(codes: np.ndarray, data: list[bytes], width: int, target: int = TARGET_SHARD_BYTES):
    """The shard files of terms (`codes` in order of units, their `data`), one after the other: a
    power of two of them, about `target` bytes each."""
    lengths = np.fromiter(map(len, data), dtype=np.int64, count=len(data))
    size = int(lengths.sum())
    shards = 1
    while shards < MAX_SHARDS and size / shards > target:
        shards *= 2
    units = [(codes >> (16 * (width - 1 - i))) & 0xFFFF for i in range(width)]
    h = np.zeros(len(codes), dtype=np.int64)
    for u in units:
        h = (h * 65599 + u) % 2_147_483_647
    shard = h % shards
    ix = np.argsort(shard, kind="stable")  # by shard, in order of units within one
    per = np.bincount(shard, minlength=shards)
    table = np.zeros(len(codes), dtype=[("a", "<u2"), ("b", "<u2"), ("c", "<u2"), ("at", "<u4"), ("len", "<u4")])
    for name, u in zip("abc", units):
        table[name] = u[ix]
    table["len"] = lengths[ix]
    ends = np.cumsum(lengths[ix])
    first = np.concatenate(([0], np.cumsum(per)[:-1]))
    shard_base = np.concatenate(([0], ends))[first]
    table["at"] = ends - lengths[ix] - np.repeat(shard_base, per)
    table_bytes = table.tobytes()
    del table, ends
    order_ = ix.tolist()
    t = 0
    for count in per.tolist():
        yield b"".join([struct.pack("<I", count), table_bytes[t * 14 : (t + count) * 14],
                        *(data[i] for i in order_[t : t + count])])
        t += count


def segment_bounds(ordered: list[PublicDecision]) -> list[tuple[int, int]]:
    """Where the segments of the index begin and end in the numbering (oldest first): the base,
    every decision dated before the first day of the month before the newest decision's, and the
    recent segment, the rest (one segment when there is no older decision). A function of the
    decisions alone, so a build from nothing cuts where an incremental one does; the cut moves
    once a month, when the first decision of a new month comes."""
    if not ordered:
        return []
    newest = ordered[-1].decided_on
    m = newest.year * 12 + newest.month - 1 - RECENT_MONTHS
    cut_date = date(m // 12, m % 12 + 1, 1)
    cut = bisect.bisect_left([d.decided_on for d in ordered], cut_date)
    return [(0, cut), (cut, len(ordered))] if cut else [(0, len(ordered))]


@lru_cache(maxsize=1)
def _segment_code() -> str:
    """Everything a segment's bytes depend on besides its decisions: this module (the encoding)
    and what the analyses are made by."""
    h = hashlib.sha256(_code_version().encode())
    h.update(Path(__file__).read_bytes())
    return h.hexdigest()


def segment_name(decisions: list[PublicDecision], target: int) -> str:
    """A segment's folder: a digest of the links and contents of its decisions in order and of the
    code, so a segment with the same name has the same bytes (it is linked, not made again)."""
    h = hashlib.sha256(f"{_segment_code()} {target}\n".encode())
    for d in decisions:
        h.update(f"{d.url} {content_key(d)}\n".encode("utf-8"))
    return h.hexdigest()[:20]


def _segment_files(info: dict) -> list[str]:
    """The files of a segment, under `search/`."""
    base = f"s/{info['name']}"
    return ([f"{base}/pairs/{i}.bin" for i in range(info["pair_shards"])]
            + [f"{base}/triples/{i}.bin" for i in range(info["triple_shards"])]
            + [f"{base}/cards/{k}.json" for k in range(info["cards"])])


class SegmentCache:
    """What the last build knew of its segments (name -> shard counts and figures), in the cache
    folder: with it, a segment whose name is unchanged and whose files the site online still has
    as the last build wrote them is linked without a posting being made."""

    def __init__(self, cache_dir: Path | None):
        self.path = Path(cache_dir) / "search" / "segments.json" if cache_dir else None
        self.entries: dict[str, dict] = {}
        if self.path is not None:
            try:
                self.entries = json.loads(self.path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                pass
            except Exception as exc:  # a damaged cache is only slower
                log.warning("%s 已损坏, 重新计算: %s", self.path, exc)
                self.entries = {}

    def save(self, infos: list[dict]) -> None:
        if self.path is None:
            return
        keep = {i["name"]: i for i in infos}
        if keep == self.entries:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(keep, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)


def _text_of(joined: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The squeezed texts one after the other as UTF-16 units, each followed by a NUL, and where
    each begins (one more entry: the end). Filled text by text: no joined copy of them all."""
    lengths = np.fromiter(map(len, joined), dtype=np.int64, count=len(joined))  # all in the BMP (squeeze)
    starts = np.zeros(len(joined) + 1, dtype=np.int64)
    np.cumsum(lengths + 1, out=starts[1:])
    text = np.zeros(max(0, int(starts[-1]) - 1), dtype=np.uint16)
    for at, s in zip(starts.tolist(), joined):
        if s:
            text[at : at + len(s)] = np.frombuffer(s.encode("utf-16-le"), dtype=np.uint16)
    return text, starts


def _make_segment(info: dict, analyses: list[tuple], emit) -> float:
    """Postings and cards of one segment (its decisions numbered from 0), through `emit`; fills
    `info` with the shard counts and figures. Returns the seconds spent on postings."""
    import time

    text, starts = _text_of([a[0] for a in analyses])
    base = f"s/{info['name']}"
    postings_s = 0.0
    for width, name in ((2, "pairs"), (3, "triples")):
        t = time.perf_counter()
        if len(text) > width:
            code_parts, data = _postings(text, starts, width)
            codes = np.concatenate(code_parts) if code_parts else np.zeros(0, np.int64)
            del code_parts
        else:
            codes, data = np.zeros(0, np.int64), []
        postings_s += time.perf_counter() - t
        info["terms"] += len(data)
        count = 0
        for s, blob in enumerate(_shard_files(codes, data, width, info["target"])):
            emit(f"{base}/{name}/{s}.bin", blob)
            count += 1
            info["bytes"] += len(blob)
        info[f"{name[:-1]}_shards"] = count
        del data, codes
    del text
    for k in range(0, len(analyses), CARD_CHUNK):
        emit(f"{base}/cards/{k // CARD_CHUNK}.json", json.dumps(
            [a[1] for a in analyses[k : k + CARD_CHUNK]], ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    info["cards"] = -(-len(analyses) // CARD_CHUNK)
    return postings_s


def _link_online(out, rels: list[str], stamps: list[str]) -> bool:
    """Keep files of the site online in the new site, as `PageWriter._reuse` does (each must still
    be the very file the last build wrote: its stamp), with less work a file: a segment and the
    `docs` files are thousands of them. All or none: False, and nothing kept, when one of them is
    not the file recorded."""
    from portal.writing import _stamp

    if out.previous is None:
        return False
    prev = str(out.previous)
    for rel, stamp in zip(rels, stamps):
        try:
            if _stamp(os.stat(f"{prev}/{rel}")) != stamp:
                return False
        except OSError:
            return False
    out.kept.update(rels)
    out.kept_stamps.update(zip(rels, stamps))
    return True


def _reuse_segment(out, info: dict) -> bool:
    """Keep a segment's files from the site online, when the last build wrote them for this very
    segment (their `PageWriter` keys) and they are still the files it wrote."""
    key = f"search-seg-{info['name']}"
    rels = [f"search/{rel}" for rel in _segment_files(info)]
    olds = [out.old_keys.get(rel, "").partition(" ") for rel in rels]
    if not rels or any(old[0] != key for old in olds) or not _link_online(out, rels, [old[2] for old in olds]):
        return False
    for rel, (_, _, stamp) in zip(rels, olds):
        out.new_keys[rel] = f"{key} {stamp}"
    return True


def assemble(ordered: list[PublicDecision], analyses: list[tuple], site_dir: Path, out=None,
             segments: SegmentCache | None = None) -> dict:
    """Write the index files of the decisions `ordered` (numbered in that order) from their
    analyses. With `out`, files the site online has are kept, not written, and a segment the
    site online has (`segments` knows its shard counts) is kept whole: its postings are not
    made at all."""
    import time

    root = Path(site_dir) / "search"
    total = len(ordered)
    if out is None:
        for sub in ("shards", "terms", "pos", "pairs", "triples", "docs", "cards", "s"):
            shutil.rmtree(root / sub, ignore_errors=True)
    writer = _Writer(root, out)
    known = segments.entries if segments is not None else {}

    clock = time.perf_counter()
    postings_s = 0.0
    infos: list[dict] = []
    bounds = segment_bounds(ordered)
    for k, (lo, hi) in enumerate(bounds):
        target = RECENT_SHARD_BYTES if len(bounds) > 1 and k == len(bounds) - 1 else TARGET_SHARD_BYTES
        name = segment_name(ordered[lo:hi], target)
        info = known.get(name)
        if info is not None and out is not None and _reuse_segment(out, info):
            writer.linked += len(_segment_files(info))
            infos.append(dict(info, first=lo, reused=True))
            continue
        info = {"name": name, "count": hi - lo, "target": target, "terms": 0, "bytes": 0}
        made: list[str] = []

        def emit(rel: str, blob: bytes) -> None:
            writer.write(rel, blob)
            made.append(rel)

        postings_s += _make_segment(info, analyses[lo:hi], emit)
        if out is not None:
            for rel in made:
                out.new_keys[f"search/{rel}"] = f"search-seg-{name} {out.stamp_of(f'search/{rel}')}"
        infos.append(dict(info, first=lo, reused=False))
    facet_rows = [a[2] for a in analyses]
    organs = sorted({f[0] for f in facet_rows})
    offences = sorted({f[1] for f in facet_rows if f[1]})
    if len(organs) > 255 or len(offences) > 254:
        raise ValueError("静态搜索索引的分面超出一个字节 (机关 ≤255, 违法行为 ≤254)")
    organ_ix = {o: i for i, o in enumerate(organs)}
    offence_ix = {o: i + 1 for i, o in enumerate(offences)}  # 0: none
    years: list[list[int]] = []  # [year, first decision of that year], oldest first
    for n, f in enumerate(facet_rows):
        if not years or years[-1][0] != f[4]:
            years.append([f[4], n])
    facets = (bytes(organ_ix[f[0]] for f in facet_rows) + bytes(offence_ix.get(f[1], 0) for f in facet_rows)
              + bytes(f[2] for f in facet_rows) + bytes(f[3] for f in facet_rows))
    writer.write("facets.bin", facets)
    # the version: of every file but meta.json; segments and docs by what they are made of (their
    # names and the decisions' contents say it)
    digest = hashlib.sha256(_segment_code().encode())
    for info in infos:
        digest.update(info["name"].encode())
    digest.update(facets)
    for d in ordered:
        digest.update(f"{d.url} {content_key(d)}\n".encode("utf-8"))
    meta = {
        "format": FORMAT,
        "v": digest.hexdigest()[:16],
        "count": total,
        "segments": [{k: i[k] for k in ("name", "first", "count", "pair_shards", "triple_shards")} for i in infos],
        "card_chunk": CARD_CHUNK,
        "fields": FIELDS,
        "organs": organs,
        "offences": offences,
        "years": years,
        "kinds": [[k, KIND_NAMES[k]] for k in KINDS],
        "penalty_types": [[k, PENALTY_TYPES[k]] for k in PENALTY_BITS],
    }
    writer.write("meta.json", json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
    if segments is not None:
        segments.save([{k: v for k, v in i.items() if k not in ("first", "reused")} for i in infos])
    linked = writer.linked + _write_docs(root, ordered, out)
    return {"decisions": total, "terms": sum(i["terms"] for i in infos),
            "shards": sum(i["pair_shards"] + i["triple_shards"] for i in infos),
            "shard_bytes": sum(i["bytes"] for i in infos), "facet_bytes": len(facets), "linked": linked,
            "segments": [i["count"] for i in infos], "segments_made": sum(not i["reused"] for i in infos),
            "postings_s": round(postings_s, 2), "assemble_s": round(time.perf_counter() - clock, 2)}


class _Writer:
    """Writes files under `search/` (or, with `out`, links those the site online holds with the
    same bytes)."""

    def __init__(self, root: Path, out):
        self.root, self.out = root, out
        self.linked = 0
        self.made: set[Path] = set()

    def write(self, rel: str, blob: bytes) -> None:
        if self.out is not None:
            before = len(self.out.kept)
            self.out.raw(f"search/{rel}", blob)
            self.linked += len(self.out.kept) > before
            return
        path = self.root / rel
        if path.parent not in self.made:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.made.add(path.parent)
        path.write_bytes(blob)


def _write_docs(root: Path, ordered: list[PublicDecision], out) -> int:
    """Each decision's `docs` file. With `out`, one whose decision did not change and whose online
    file is the one the last build wrote (`PageWriter`'s keys: size, time, inode) is kept
    without being made again."""
    linked = 0
    made: set[Path] = set()
    code = _code_version()
    todo = []
    for d in ordered:
        rel = f"search/{docs_path(d)}"
        if out is not None:
            key = f"search-docs-{code}-{content_key(d)}"
            old_key, _, old_stamp = out.old_keys.get(rel, "").partition(" ")
            if old_key == key and _link_online(out, [rel], [old_stamp]):
                out.new_keys[rel] = f"{key} {old_stamp}"
                linked += 1
                continue
        todo.append(d)
    for d in todo:
        rel = f"search/{docs_path(d)}"
        if out is not None:  # the online file when it has these bytes, its stamp with the key
            out.accept(rel, f"search-docs-{code}-{content_key(d)}", shown_text(d).encode("utf-8"))
            continue
        path = root.parent / rel
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        path.write_text(shown_text(d), encoding="utf-8")
    return linked
