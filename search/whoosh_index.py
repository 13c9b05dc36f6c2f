"""The whoosh index for staff (`publish.py search`) and the JSON API (`publish.py serve`).

Built from scratch on every build into a staging folder under `<state>/search/`, then put in
place after the new site is swapped in by replacing the `current` symlink (one rename), so a
build that fails the leak gate leaves the old index, and a decision that left the site (withdrawn,
expired) leaves the index with it. whoosh-ng 5.4.0 is used, a maintained fork of whoosh 2.7
with the same API and half the index size (issue 5).

Text is analysed by `search.analysis.BigramTokenizer` (pairs of characters with real token
positions), so every two-character word and district name matches, decision numbers match by
any run of their digits, and a query word of several characters is a phrase: an exact match.
"""
from __future__ import annotations

import os
import shutil
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from whoosh import index, scoring
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.qparser import MultifieldParser, OrGroup, QueryParser
from whoosh.query import And, AndMaybe, Every, Or, Term

from records.model import KIND_NAMES, PENALTY_TYPES, PublicDecision
from search.analysis import FIELD_BREAK, BigramTokenizer, ExactPositions, query_terms
from search.document import document

INDEX_NAME = "decisions"
BOOSTS = {"decision_no": 4.0, "offence": 3.0, "organ": 2.0, "legal_basis": 2.0, "penalties": 1.5, "parties": 2.0}
SNIPPET_FIELDS = ["text", "offence", "legal_basis", "penalties", "organ", "decision_no", "parties", "other"]


class SearchError(ValueError):
    """A query or filter the index cannot answer; the message is for the person who typed it."""


def schema() -> Schema:
    def text(stored=True):
        field = TEXT(analyzer=BigramTokenizer(), stored=stored, multitoken_query="phrase", phrase=True)
        field.format = ExactPositions(field_boost=field.format.field_boost)
        return field

    return Schema(
        id=ID(stored=True, unique=True),
        kind=ID(stored=True),
        url=ID(stored=True, sortable=True),
        all=text(stored=False),
        decision_no=text(),
        organ=text(),
        organ_exact=ID(),
        offence=text(),
        offence_exact=ID(),
        legal_basis=text(),
        penalties=text(),
        penalty_type=KEYWORD(stored=True, commas=True),
        amount=NUMERIC(float, stored=True),
        parties=text(),
        other=text(),
        text=text(),
        decided_on=DATETIME(stored=True, sortable=True),
        year=NUMERIC(int, stored=True),
    )


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
    }


def root(state_dir: Path) -> Path:
    return Path(state_dir) / "search"


def build_whoosh_index(decisions: list[PublicDecision], state_dir: Path, procs: int = 1) -> Path:
    """Index into a fresh staging folder; returns it (nothing is in use until `put_in_place`)."""
    base = root(state_dir)
    base.mkdir(parents=True, exist_ok=True)
    for old in base.glob("staging-*"):
        shutil.rmtree(old, ignore_errors=True)
    staging = base / f"staging-{time.time_ns()}"
    staging.mkdir()
    ix = index.create_in(str(staging), schema(), indexname=INDEX_NAME)
    kwargs = {"procs": procs, "multisegment": True, "limitmb": 256} if procs > 1 else {"limitmb": 256}
    writer = ix.writer(**kwargs)
    for d in decisions:
        writer.add_document(**_doc(d))
    writer.commit()
    return staging


def put_in_place(staging: Path) -> None:
    """Point `current` at `staging` with one atomic rename, then remove the older indexes."""
    base = staging.parent
    link = base / "current"
    tmp = base / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    name = f"index-{staging.name.removeprefix('staging-')}"
    os.replace(staging, base / name)
    os.symlink(name, tmp)
    os.replace(tmp, link)
    for old in base.glob("index-*"):
        if old.name != name:
            shutil.rmtree(old, ignore_errors=True)


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


_cache: dict[str, tuple[str, object, object]] = {}
_lock = threading.Lock()


@contextmanager
def _searcher(state_dir: Path):
    """One open searcher per index, reused (opening one costs more than a query); reopened when
    `current` points at a new index. Queries on it take turns."""
    link = root(state_dir) / "current"
    target = os.path.realpath(link)
    if not os.path.isdir(target):
        raise SearchError(f"{link} 中没有搜索索引: 请先运行 publish.py build --state {state_dir}")
    with _lock:
        cached = _cache.get(str(link))
        if not cached or cached[0] != target:
            if cached:
                cached[2].close()
            ix = index.open_dir(target, indexname=INDEX_NAME)
            cached = _cache[str(link)] = (target, ix, ix.searcher(weighting=scoring.BM25F()))
        yield cached[1], cached[2]


def _snippet(stored: dict, terms: list[str]) -> tuple[str, str]:
    from search.snippets import snippet

    for name in SNIPPET_FIELDS:
        result = snippet(stored.get(name) or "", terms)
        if result is not None:
            return result
    text = stored.get("text") or ""
    return snippet(text, []) or ("", "")


def _filters(organ, year, offence, kind, penalty):
    parts = []
    if organ:
        parts.append(Term("organ_exact", organ))
    if offence:
        parts.append(Term("offence_exact", offence))
    if kind:
        if kind not in KIND_NAMES:
            raise SearchError(f"kind 只能是 {', '.join(KIND_NAMES)}")
        parts.append(Term("kind", kind))
    if penalty:
        if penalty not in PENALTY_TYPES:
            raise SearchError(f"penalty 只能是 {', '.join(PENALTY_TYPES)}")
        parts.append(Term("penalty_type", penalty))
    if year is not None:
        try:
            y = int(year)
        except (TypeError, ValueError):
            raise SearchError("year 必须是四位年份, 如 2026") from None
        if not 1900 <= y <= 2999:
            raise SearchError("year 必须是四位年份, 如 2026")
        from whoosh.query import NumericRange

        parts.append(NumericRange("year", y, y))
    return And(parts) if parts else None


def _query(ix, terms: list[str]):
    """Each term a phrase in any field (its pairs at consecutive positions); all terms must match."""
    if not terms:
        return Every()
    # One phrase per term in the field holding every searchable field (fast: one posting list
    # per pair); matches in the number, offence, organ, basis or parties only raise the score.
    main = QueryParser("all", ix.schema)
    extra = MultifieldParser(list(BOOSTS), ix.schema, fieldboosts=BOOSTS, group=OrGroup)
    required = [main.parse(f'"{t}"') for t in terms]  # a squeezed term holds no quote or operator
    bonus = [extra.parse(f'"{t}"') for t in terms]
    return AndMaybe(And(required) if len(required) > 1 else required[0], Or(bonus))


def _checked(query: str, filters: dict):
    query = (query or "").strip()
    if len(query) > 200:
        raise SearchError("查询过长 (最多 200 个字符)")
    terms = query_terms(query)
    if query and not terms:
        raise SearchError("请至少输入两个汉字、数字或字母")
    flt = _filters(**filters)
    if not terms and flt is None:
        raise SearchError("请输入查询词或至少一个筛选条件")
    return query, terms, flt


def matching_urls(state_dir, query: str, organ=None, year=None, offence=None, kind=None, penalty=None) -> set[str]:
    """Every decision the query matches, by URL (for recall checks: no scoring, no snippets)."""
    _, terms, flt = _checked(query, dict(organ=organ, year=year, offence=offence, kind=kind, penalty=penalty))
    with _searcher(state_dir) as (ix, searcher):
        docs = searcher.docs_for_query(_query(ix, terms))
        allowed = set(searcher.docs_for_query(flt)) if flt is not None else None
        urls = searcher.reader().column_reader("url")
        return {urls[n] for n in docs if allowed is None or n in allowed}


def search_index(state_dir, query: str, organ=None, year=None, offence=None, kind=None, page=1, pagelen=10,
                 penalty=None, sort="relevance") -> SearchResults:
    """Ranked hits for `query` (exact phrases; several words must all match) within the filters."""
    if not isinstance(page, int) or page < 1 or page > 10_000:
        raise SearchError("page 必须是 1 到 10000 之间的整数")
    if not isinstance(pagelen, int) or not 1 <= pagelen <= 100:
        raise SearchError("pagelen 必须是 1 到 100 之间的整数")
    if sort not in ("relevance", "newest", "oldest"):
        raise SearchError("sort 只能是 relevance、newest 或 oldest")
    query, terms, flt = _checked(query, dict(organ=organ, year=year, offence=offence, kind=kind, penalty=penalty))
    with _searcher(state_dir) as (ix, searcher):
        kwargs = {"filter": flt} if flt is not None else {}
        if sort != "relevance" or not terms:
            kwargs.update(sortedby="decided_on", reverse=sort != "oldest")
        results = searcher.search_page(_query(ix, terms), page, pagelen=pagelen, **kwargs)
        total = len(results)
        hits = []
        for hit in results:
            stored = hit.fields()
            plain_snip, html_snip = _snippet(stored, terms)
            hits.append(SearchHit(
                decision_no=stored["decision_no"], kind=stored["kind"], kind_name=KIND_NAMES.get(stored["kind"], ""),
                organ=stored["organ"], date=stored["decided_on"].date().isoformat(), url=stored["url"],
                offence=stored.get("offence") or None,
                penalty_types=[p for p in (stored.get("penalty_type") or "").split(",") if p],
                snippet=plain_snip, snippet_html=html_snip, score=round(float(hit.score or 0.0), 4),
            ))
    return SearchResults(query=query, total=total, page=page, pagelen=pagelen, hits=hits)
