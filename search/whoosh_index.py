"""The whoosh index for staff (`publish.py search`) and the JSON API (`publish.py serve`).

Built on every build into a staging folder under `<state>/search/` (from the index in use, by
deleting and adding only the decisions that changed, or from scratch when the code changed),
then put in place after the new site is swapped in by replacing the `current` symlink (one
rename), so a build that fails the leak gate leaves the old index, and a decision that left the
site (withdrawn, expired) leaves the index with it. whoosh-ng 5.4.0 is used, a maintained fork of whoosh 2.7
with the same API and half the index size (issue 5).

Text is analysed by `search.analysis.BigramTokenizer` (pairs of characters with real token
positions), so every two-character word and district name matches, decision numbers match by
any run of their digits, and a query word of several characters is a phrase: an exact match.
Queries (`_Index`) intersect the cached document sets of a word's pairs and check longer words
on each candidate's squeezed text (the `squeezed` column), which is far cheaper in Python than
whoosh's phrase matching and BM25F over every hit; the total stays exact.
"""
from __future__ import annotations

import bisect
import heapq
import os
import pickle
import shutil
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from itertools import accumulate
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from whoosh import columns, index
from whoosh.searching import Searcher
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from records.model import KIND_NAMES, PENALTY_TYPES, PublicDecision
from search.analysis import FIELD_BREAK, BigramTokenizer, ExactPositions, query_terms, squeeze
from search.current import put_in_place  # noqa: F401 (where tests and benches take it from)
from search.document import document

INDEX_NAME = "decisions"
# A term in one of these fields ranks a decision higher; a field outranks all the fields after it.
BOOSTS = {"decision_no": 32.0, "offence": 16.0, "organ": 8.0, "legal_basis": 4.0, "parties": 2.0, "penalties": 1.0}
REST = ["kind", "date", "other", "text"]
SEP = "\x1e"  # between the boosted fields and the rest in the `squeezed` column (not a word character)
SNIPPET_FIELDS = ["text", "offence", "legal_basis", "penalties", "organ", "decision_no", "parties", "other"]


class SearchError(ValueError):
    """A query or filter the index cannot answer; the message is for the person who typed it."""


def schema() -> Schema:
    """`all` (every searchable field, pairs with positions, so whoosh's own phrase queries work
    on it too) is the one indexed text; the fields shown are stored, and searched through `all`
    and the `squeezed` column (one inverted index instead of nine: half the indexing time)."""
    all_ = TEXT(analyzer=BigramTokenizer(), stored=False, multitoken_query="phrase", phrase=True)
    all_.format = ExactPositions(field_boost=all_.format.field_boost)
    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        url=ID(stored=True, sortable=True),
        all=all_,
        decision_no=STORED(),
        organ=STORED(),
        organ_exact=ID(),
        offence=STORED(),
        offence_exact=ID(),
        legal_basis=STORED(),
        penalties=STORED(),
        penalty_type=KEYWORD(stored=True, commas=True),
        amount=NUMERIC(float, stored=True),
        parties=STORED(),
        other=STORED(),
        text=STORED(),
        decided_on=DATETIME(stored=True, sortable=True),
        year=NUMERIC(int, stored=True),
        # Every searchable field squeezed (search.analysis), the boosted ones first: phrases are
        # checked and ranked on this, in C, instead of decoding positions in Python.
        squeezed=COLUMN(columns.CompressedBytesColumn(level=1)),
    )


def squeezed_column(fields: dict[str, str]) -> str:
    head = FIELD_BREAK.join(squeeze(fields[f]) for f in BOOSTS)
    return head + SEP + FIELD_BREAK.join(squeeze(fields[f]) for f in REST)


def _doc(d: PublicDecision) -> dict:
    doc = document(d)
    f = doc.fields
    fines = [p.amount for p in d.penalties if p.type == "fine" and p.amount is not None]
    return {
        "id": d.id, "kind": d.kind, "url": d.url, "all": FIELD_BREAK.join(f.values()),
        "decision_no": f["decision_no"], "organ": f["organ"], "organ_exact": d.organ,
        "offence": f["offence"], "offence_exact": d.offence or "",
        "legal_basis": f["legal_basis"], "penalties": f["penalties"],
        "penalty_type": ",".join(doc.penalty_types), "amount": sum(fines) if fines else 0.0,
        "parties": f["parties"], "other": f["other"], "text": f["text"],
        "decided_on": datetime(d.decided_on.year, d.decided_on.month, d.decided_on.day), "year": d.year,
        "squeezed": squeezed_column(f).encode("utf-8"),
    }


def root(state_dir: Path) -> Path:
    return Path(state_dir) / "search"


CONTENTS = "contents.json"  # which decisions an index holds, in which version, and of which code


def _code_version() -> str:
    """The code that decides what a document holds (schema, analysis, fields)."""
    import hashlib

    h = hashlib.sha256()
    for name in ("whoosh_index.py", "analysis.py", "document.py"):
        h.update((Path(__file__).parent / name).read_bytes())
    return h.hexdigest()


def _contents(decisions: list[PublicDecision]) -> dict[str, str]:
    """id -> what its document is made of (its public content, link and publication date)."""
    return {d.id: f"{d.slug} {d.content_hash} {d.first_published_on}" for d in decisions}


def _previous(base: Path, version: str) -> tuple[Path, dict[str, str], dict[str, list[str]]] | None:
    """The index in use, what it holds and in which parts, if it was made by this code."""
    import json

    current = base / "current"
    try:
        target = Path(os.path.realpath(current))
        held = json.loads((target / CONTENTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if held.get("version") != version or not isinstance(held.get("docs"), dict) or not isinstance(held.get("parts"), dict):
        return None
    return target, held["docs"], held["parts"]


def _files_of(folder: Path, name: str) -> list[Path]:
    """The files of the index `name` in `folder` (its TOC and segments; several share a folder)."""
    return [p for p in folder.iterdir() if p.is_file() and not p.name.endswith("_WRITELOCK")
            and (p.name.startswith(f"_{name}_") or p.name.startswith(f"{name}_"))]


def _link(files: list[Path], folder: Path) -> None:
    for path in files:
        try:
            os.link(path, folder / path.name)
        except OSError:
            shutil.copy2(path, folder / path.name)


def build_part(task: tuple[str, list[PublicDecision]]) -> dict[str, bytes]:
    """Runs on a worker of a sharded build: the whoosh index `name` of some decisions, built in a
    folder of its own and sent back as {file name: bytes} (workers share no disk with the staff
    machine). Only public, redacted fields are indexed."""
    import tempfile

    name, decisions = task
    with tempfile.TemporaryDirectory(prefix="whoosh-part-") as tmp:
        _fresh(Path(tmp), name, decisions, 1)
        return {p.name: p.read_bytes() for p in _files_of(Path(tmp), name)}


def _fresh(folder: Path, name: str, decisions: list[PublicDecision], procs: int) -> None:
    ix = index.create_in(str(folder), schema(), indexname=name)
    kwargs = {"procs": procs, "multisegment": True, "limitmb": 256} if procs > 1 else {"limitmb": 256}
    writer = ix.writer(**kwargs)
    for d in decisions:
        writer.add_document(**_doc(d))
    writer.commit()


def _fresh_task(folder: Path, name: str, decisions: bytes, procs: int) -> tuple[int, int]:
    """`_fresh` of the pickled decisions; returns the peak memory (KiB) of this process since it
    began (VmHWM: since its exec) and of whoosh's writers it forked."""
    import resource

    _fresh(folder, name, pickle.loads(decisions), procs)
    hwm = next(int(line.split()[1]) for line in Path("/proc/self/status").read_text().splitlines()
               if line.startswith("VmHWM:"))
    return hwm, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


last_apart: dict = {}  # the peaks of the last `_fresh_apart` (KiB), for the log and bench/search_incremental.py


def _fresh_apart(folder: Path, name: str, decisions: list[PublicDecision], procs: int, wait: bool = True):
    """`_fresh` with several processes, in a new small process (spawned, not forked) instead of
    this one: whoosh's writers are forked by the process that adds the documents, and forked from
    the build's process, which holds every decision and the site's data, each began as large as
    it (a 10k build's peak went from 536 to 1,006 MiB in this stage). The new process is a child
    of this one, so its CPU time, and its writers', are in this process's figures of its children
    (`pipeline.timing`; not the forkserver's, whose children the build does not see). Its peak
    there is at least this process's size (the fork before the exec counts): its own is logged.
    With `wait` false it returns at once, and what waits for the index (call it before use)."""
    import logging
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
    # pickled here, not by the pool's feeder thread: beside a build that holds the GIL (its
    # statistics, its gate) that thread pickled the decisions slowly, and the index began ~6 s late
    future = pool.submit(_fresh_task, folder, name, pickle.dumps(decisions, pickle.HIGHEST_PROTOCOL), procs)

    done = False

    def finish() -> None:  # once or more: the build also calls it when it stops, however it stops
        nonlocal done
        if done:
            return
        try:
            hwm, writers = future.result()
        finally:
            pool.shutdown()
        done = True
        last_apart.update(process_kib=hwm, writers_kib=writers)
        logging.getLogger(__name__).info("whoosh index %s of %d decisions apart: peak %d MiB, its writers %d MiB",
                                         name, len(decisions), hwm >> 10, writers >> 10)

    if not wait:
        return finish
    finish()


def _parts_apart(folder: Path, fresh: list, procs: int):
    """Several parts built from nothing (an index of more than ~12,000 decisions), one after
    another in processes apart, from a thread that only waits for them, while the caller goes on
    (a cold 100k build rendered and ran its gate on one core after ~110 s of these parts). The
    thread pickles each part when its turn comes, so at most one part's decisions are held twice.
    Returns what waits for them all (once or more)."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(1, thread_name_prefix="whoosh-parts")
    future = pool.submit(lambda: [_fresh_apart(folder, name, part, procs) for name, part in fresh])

    def finish() -> None:
        try:
            future.result()
        finally:
            pool.shutdown()

    return finish


# Decisions one whoosh writer takes before its posting pool (`limitmb=256`, ~85 bytes a posting
# by whoosh's estimate, ~420 postings a decision) is full and spills sorted runs to disk, to be
# pickled, loaded and merged back: 6,942 decisions in one writer filled 2.90 million postings
# without a spill, 20,707 (8.66 million) spilled, and the index cost 5.65 against 7.45 s of CPU
# per 1,000 (search/README.md). An index of more decisions is built in more parts.
PART_PER_WRITER = 6_000


def shard_key(d: PublicDecision) -> tuple[str, int]:
    return (d.organ, d.year)


def build_whoosh_index(decisions: list[PublicDecision], state_dir: Path, procs: int = 1, executor=None,
                       shards: int | None = None, pending: list | None = None) -> Path:
    """Index into a fresh staging folder; returns it (nothing is in use until `put_in_place`).

    With `pending` (a list), parts built from nothing with several writers are left to build in
    processes apart while the caller goes on (one part at once, more in turn from a thread): what
    waits for them is appended, and the caller runs it before the staging folder is used (a cold
    10k build's gate, one core for ~6 s, ran after the index; now beside it).

    The index is one or more parts (whoosh indexes of their own names in the one folder), each
    of decisions of whole organ-years (`pipeline.shards.plan`; `shards` parts, default two per
    worker of `executor`, one without). A part whose decisions are those of a part of the index
    in use is linked from it; a part that shares decisions with one (the same organ-years) is
    that part, linked, with the decisions that left or changed deleted and the new ones added;
    the others are built from nothing, as tasks of `executor` when there is one. Queries open
    every part with one reader (`_Index`) and answer as an index built from nothing in one part:
    the ranking uses no statistics of the collection (ties by date, then link)."""
    import json

    from pipeline.shards import plan

    base = root(state_dir)
    base.mkdir(parents=True, exist_ok=True)
    for old in base.glob("staging-*"):
        shutil.rmtree(old, ignore_errors=True)
    staging = base / f"staging-{time.time_ns()}"
    staging.mkdir()
    version = _code_version()
    wanted = _contents(decisions)
    count = shards or (executor.workers * 2 if executor is not None else 1)
    # and parts small enough that no writer's posting pool spills to disk (see PART_PER_WRITER)
    writers = procs if executor is None else 1  # an executor's task builds its part in one writer
    count = max(count, -(-len(decisions) // (PART_PER_WRITER * max(1, writers))))
    cut = plan(sorted(decisions, key=lambda d: (shard_key(d), d.id)), shard_key, count) or [[]]
    previous = _previous(base, version)
    source, held, held_parts = previous if previous is not None else (None, {}, {})
    part_of = {i: name for name, ids in held_parts.items() for i in ids}
    taken: set[str] = set()
    names: list[str | None] = []
    for part in cut:  # the part of the index in use sharing most decisions, if any
        votes: dict[str, int] = {}
        for d in part:
            name = part_of.get(d.id)
            if name is not None and name not in taken:
                votes[name] = votes.get(name, 0) + 1
        best = max(sorted(votes), key=votes.__getitem__) if votes else None
        if best is not None:
            taken.add(best)
        names.append(best)
    fresh: list[tuple[str, list[PublicDecision]]] = []
    k = 0
    for i, part in enumerate(cut):
        name = names[i]
        if name is not None:
            ids = {d.id for d in part}
            gone = [x for x in held_parts[name] if x not in ids or wanted[x] != held[x]]
            new = [d for d in part if part_of.get(d.id) != name or held[d.id] != wanted[d.id]]
            # with workers to build on, a part that changed more than it kept is sent to them
            if executor is None or len(gone) + len(new) <= len(part):
                _link(_files_of(source, name), staging)
                if gone or new:
                    writer = index.open_dir(str(staging), indexname=name).writer(limitmb=256)
                    for x in sorted(gone):
                        writer.delete_by_term("id", x)
                    for d in new:
                        writer.add_document(**_doc(d))
                    writer.commit()
                continue
        else:  # a name no other part has, "decisions" first
            while True:
                name = INDEX_NAME if k == 0 else f"{INDEX_NAME}-{k}"
                k += 1
                if name not in taken:
                    break
            taken.add(name)
            names[i] = name
        fresh.append((name, part))
    if fresh and executor is not None and (len(fresh) > 1 or executor.name != "local"):
        def done(_, files: dict[str, bytes]) -> None:
            for file_name, blob in files.items():
                (staging / file_name).write_bytes(blob)

        executor.map(build_part, fresh, done)
    elif pending is not None and procs > 1 and len(fresh) == 1:
        pending.append(_fresh_apart(staging, *fresh[0], procs, wait=False))
    elif pending is not None and procs > 1:
        pending.append(_parts_apart(staging, fresh, procs))
    else:
        for name, part in fresh:
            (_fresh_apart if procs > 1 else _fresh)(staging, name, part, procs)
    parts = {names[i]: sorted(d.id for d in part) for i, part in enumerate(cut)}
    (staging / CONTENTS).write_text(json.dumps({"version": version, "docs": wanted, "parts": parts}, sort_keys=True),
                                    encoding="utf-8")
    return staging


@dataclass
class SearchHit:
    decision_no: str
    kind: str
    kind_name: str
    organ: str
    date: str
    url: str
    offence: str | None
    penalty_types: list[str]
    snippet: str  # plain text with the matches between [[ and ]]
    snippet_html: str  # the same, escaped, matches in <mark>
    score: float


@dataclass
class SearchResults:
    query: str
    total: int
    page: int
    pagelen: int
    hits: list[SearchHit] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.pagelen))


class _Index:
    """An open index and what queries need from it, kept between queries (opening costs more than
    a query): the reader, each decision's squeezed text (boosted fields apart) and date, and a
    small cache of the documents each pair occurs in."""

    TERM_CACHE = 4096

    def __init__(self, target: str):
        self.target = target
        self.reader = _reader(target)
        if "squeezed" not in self.reader.schema:
            raise SearchError(f"{target} 中没有搜索索引 (只有旧格式的): 请重新运行 publish.py build")
        self.searcher = Searcher(self.reader)
        n = self.reader.doc_count_all()
        col = self.reader.column_reader("squeezed")
        self.texts = [b.decode("utf-8") for b in (col[i] for i in range(n))]
        self.heads = [t.partition(SEP)[0].split(FIELD_BREAK) for t in self.texts]
        dates = self.reader.column_reader("decided_on", translate=True)
        self.dates = [dates[i] for i in range(n)]
        self.urls = self.reader.column_reader("url", translate=True)
        # ties by link, not document number: an index updated in place answers as a fresh one
        newest = sorted(range(n), key=lambda d: (-self.dates[d].toordinal(), self.urls[d]))
        self.newest_rank = [0] * n  # position of each decision when sorted newest first
        for r, d in enumerate(newest):
            self.newest_rank[d] = r
        # Per ranked field: its distinct values joined by NUL (a term never holds one), where each
        # starts, and the decisions having it, so "which decisions have t in the offence" is one
        # scan of a short string, not a test per hit.
        self.fields = []
        for i in range(len(BOOSTS)):
            groups: dict[str, list[int]] = {}
            for d, head in enumerate(self.heads):
                groups.setdefault(head[i], []).append(d)
            values = list(groups)
            starts, at = [], 0
            for v in values:
                starts.append(at)
                at += len(v) + 1
            self.fields.append(("\x00".join(values), starts, [groups[v] for v in values]))
        self.live = set(self.reader.all_doc_ids()) if self.reader.has_deletions() else set(range(n))
        self.terms: OrderedDict[tuple[str, str], frozenset] = OrderedDict()
        self.lock = threading.Lock()

    def close(self):
        self.searcher.close()  # and its reader

    def docs(self, field: str, text: str) -> frozenset:
        """The documents holding one term, read block by block and cached (least recently used out)."""
        key = (field, text)
        hit = self.terms.get(key)
        if hit is not None:
            self.terms.move_to_end(key)
            return hit
        ids: list[int] = []
        for leaf, base in self.reader.leaf_readers():
            if (field, text) not in leaf:
                continue
            m = leaf.postings(field, text)
            if hasattr(m, "_read_data") and hasattr(m, "_next_block"):  # whoosh 3 codec: whole blocks
                add = base.__add__
                while m.is_active():
                    if m._data is None:
                        m._read_data()
                    raw = m._data[0]  # the block's ids, delta-coded unless stored as bytes
                    ids.extend(map(add, raw if m._byteids else accumulate(raw)))
                    m._next_block()
            else:
                ids.extend(base + i for i in m.all_ids())
        out = frozenset(ids) & self.live if len(self.live) != len(self.texts) else frozenset(ids)
        self.terms[key] = out
        if len(self.terms) > self.TERM_CACHE:
            self.terms.popitem(last=False)
        return out

    def frequency(self, gram: str) -> int:
        hit = self.terms.get(("all", gram))
        return len(hit) if hit is not None else self.reader.doc_frequency("all", gram)

    def matching(self, terms: list[str]) -> set[int]:
        """Documents where every term occurs as a whole (a phrase of its pairs, within one field).

        Candidates come from the postings of the term's pairs, rarest first, until few are left;
        the squeezed text of each candidate then decides (a substring test, in C)."""
        found: set[int] | None = None
        for term in sorted(terms, key=len, reverse=True):
            grams = sorted({term[i : i + 2] for i in range(len(term) - 1)}, key=self.frequency)
            cand: set[int] | None = found
            for j, g in enumerate(grams):
                docs = self.docs("all", g)
                cand = set(docs) if cand is None else cand.intersection(docs)
                if not cand or (j >= 1 and len(cand) < 64):
                    break
            if len(term) > 2:  # a pair is its own phrase; a longer term is checked whole
                texts = self.texts
                cand = {d for d in cand if term in texts[d]}
            found = cand
            if not found:
                break
        return found or set()

    def in_field(self, i: int, term: str) -> dict[int, bool]:
        """Decisions whose ranked field i holds `term` -> whether it is the whole field."""
        joined, starts, groups = self.fields[i]
        out: dict[int, bool] = {}
        at = joined.find(term)
        while at >= 0:
            k = bisect.bisect_right(starts, at) - 1
            end = starts[k + 1] - 1 if k + 1 < len(starts) else len(joined)
            whole = at == starts[k] and at + len(term) == end
            for d in groups[k]:
                out[d] = whole
            at = joined.find(term, end + 1)
        return out

    def ranked(self, docs: set[int], terms: list[str], wanted: int) -> tuple[list[int], dict[int, float]]:
        """The first `wanted` hits by relevance: a term in the number, then the offence, organ,
        legal basis, parties, penalties (each field outranks those after it, the whole field more
        than a part of it), then newest. Field matches are found per distinct value of a field,
        not per hit. (Counting occurrences in every hit cost more than the rest of a query.)"""
        bonus: dict[int, float] = {}
        for t in terms:
            for i, w in enumerate(BOOSTS.values()):
                for d, whole in self.in_field(i, t).items():
                    if d in docs:
                        bonus[d] = bonus.get(d, 0.0) + (w * 1.5 if whole else w)
        tiers: dict[float, list[int]] = {}
        for d, b in bonus.items():
            tiers.setdefault(b, []).append(d)
        out: list[int] = []
        scores: dict[int, float] = {}
        for b in sorted(tiers, reverse=True) + [0.0]:
            need = wanted - len(out)
            if need <= 0:
                break
            members = tiers[b] if b else [d for d in docs if d not in bonus]
            for d in heapq.nsmallest(need, members, key=self.newest_rank.__getitem__):
                out.append(d)
                scores[d] = b
        return out, scores


def _reader(target: str):
    """One reader over every part of the index in `target` (their segments, one after another)."""
    import json

    from whoosh.reading import MultiReader

    try:
        names = sorted(json.loads((Path(target) / CONTENTS).read_text(encoding="utf-8"))["parts"])
    except (OSError, ValueError, KeyError):
        names = [INDEX_NAME]
    readers = [index.open_dir(target, indexname=name).reader() for name in names]
    if len(readers) == 1:
        return readers[0]
    return MultiReader([leaf for r in readers for leaf, _ in r.leaf_readers()])


_cache: dict[str, _Index] = {}
_lock = threading.Lock()


@contextmanager
def _searcher(state_dir: Path):
    """One open index per state folder, reused; reopened when `current` points at a new index.
    Queries on it take turns."""
    link = root(state_dir) / "current"
    target = os.path.realpath(link)
    if not os.path.isdir(target):
        raise SearchError(f"{link} 中没有搜索索引: 请先运行 publish.py build --state {state_dir}")
    with _lock:
        cached = _cache.get(str(link))
        if not cached or cached.target != target:
            if cached:
                cached.close()
            cached = _cache[str(link)] = _Index(target)
        yield cached


def _snippet(stored: dict, terms: list[str]) -> tuple[str, str]:
    from search.snippets import snippet

    for name in SNIPPET_FIELDS:
        result = snippet(stored.get(name) or "", terms)
        if result is not None:
            return result
    text = stored.get("text") or ""
    return snippet(text, []) or ("", "")


def _filters(organ, year, offence, kind, penalty) -> list[tuple[str, str]]:
    parts = []
    if organ:
        parts.append(("organ_exact", organ))
    if offence:
        parts.append(("offence_exact", offence))
    if kind:
        if kind not in KIND_NAMES:
            raise SearchError(f"kind 只能是 {', '.join(KIND_NAMES)}")
        parts.append(("kind", kind))
    if penalty:
        if penalty not in PENALTY_TYPES:
            raise SearchError(f"penalty 只能是 {', '.join(PENALTY_TYPES)}")
        parts.append(("penalty_type", penalty))
    if year is not None:
        try:
            y = int(year)
        except (TypeError, ValueError):
            raise SearchError("year 必须是四位年份, 如 2026") from None
        if not 1900 <= y <= 2999:
            raise SearchError("year 必须是四位年份, 如 2026")
        parts.append(("year", y))
    return parts


def _hits(ix: _Index, terms: list[str], flt: list[tuple[str, object]]) -> set[int]:
    docs = ix.matching(terms) if terms else set(ix.live)
    for name, value in flt:
        if not docs:
            break
        if name == "year":
            docs = {d for d in docs if ix.dates[d] and ix.dates[d].year == value}
        else:
            docs &= ix.docs(name, value)
    return docs


def _checked(query: str, filters: dict):
    query = (query or "").strip()
    if len(query) > 200:
        raise SearchError("查询过长 (最多 200 个字符)")
    terms = query_terms(query)
    if query and not terms:
        raise SearchError("请至少输入两个汉字、数字或字母")
    flt = _filters(**filters)
    if not terms and not flt:
        raise SearchError("请输入查询词或至少一个筛选条件")
    return query, terms, flt


def matching_urls(state_dir, query: str, organ=None, year=None, offence=None, kind=None, penalty=None) -> set[str]:
    """Every decision the query matches, by URL (for recall checks: no scoring, no snippets)."""
    _, terms, flt = _checked(query, dict(organ=organ, year=year, offence=offence, kind=kind, penalty=penalty))
    with _searcher(state_dir) as ix:
        return {ix.urls[n] for n in _hits(ix, terms, flt)}


def search_index(state_dir, query: str, organ=None, year=None, offence=None, kind=None, page=1, pagelen=10,
                 penalty=None, sort="relevance") -> SearchResults:
    """Ranked hits for `query` (exact phrases; several words must all match) within the filters.

    The total is exact: every hit is a decision where each query word occurs whole."""
    if not isinstance(page, int) or page < 1 or page > 10_000:
        raise SearchError("page 必须是 1 到 10000 之间的整数")
    if not isinstance(pagelen, int) or not 1 <= pagelen <= 100:
        raise SearchError("pagelen 必须是 1 到 100 之间的整数")
    if sort not in ("relevance", "newest", "oldest"):
        raise SearchError("sort 只能是 relevance、newest 或 oldest")
    query, terms, flt = _checked(query, dict(organ=organ, year=year, offence=offence, kind=kind, penalty=penalty))
    with _searcher(state_dir) as ix:
        docs = _hits(ix, terms, flt)
        wanted = page * pagelen
        scores: dict[int, float] = {}
        if sort == "relevance" and terms:
            ranked, scores = ix.ranked(docs, terms, wanted)
        else:
            ranked = sorted(docs, key=ix.newest_rank.__getitem__)
            if sort == "oldest":
                ranked.reverse()
            ranked = ranked[:wanted]
        hits = []
        for n in ranked[(page - 1) * pagelen :]:
            stored = ix.searcher.stored_fields(n)
            plain_snip, html_snip = _snippet(stored, terms)
            hits.append(SearchHit(
                decision_no=stored["decision_no"], kind=stored["kind"], kind_name=KIND_NAMES.get(stored["kind"], ""),
                organ=stored["organ"], date=stored["decided_on"].date().isoformat(), url=stored["url"],
                offence=stored.get("offence") or None,
                penalty_types=[p for p in (stored.get("penalty_type") or "").split(",") if p],
                snippet=plain_snip, snippet_html=html_snip, score=round(scores.get(n, 0.0), 4),
            ))
    return SearchResults(query=query, total=len(docs), page=page, pagelen=pagelen, hits=hits)
