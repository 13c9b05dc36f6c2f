"""Search without a browser: the analysis, the whoosh index (recall against a plain substring
scan, phrases, filters, exact first), the swap after the gate, and `publish.py search`."""
from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner

from search import SearchError, publish_search, search_index
from search.analysis import BigramTokenizer, query_terms, squeeze
from search.recall import SubstringScan, recall_queries
from search.sample_site import shared_sample_site
from search.whoosh_index import matching_urls


@pytest.fixture(scope="session")
def sample():
    return shared_sample_site()


@pytest.fixture(scope="session")
def scan(sample):
    return SubstringScan(sample[2])


def whoosh_urls(state, query, **filters):
    return matching_urls(state, query, **filters)


# --- analysis ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, squeezed", [
    ("福州市台江区 五一北路", "福州市台江区五一北路"),
    ("〔２０２６〕１２３４号", "20261234号"),
    ("ABC-def", "abcdef"),
    ("根据《治安管理处罚法》第五十一条", "根据治安管理处罚法第五十一条"),
    ("某＊＊", "某"),
])
def test_squeeze_keeps_letters_and_digits_only(text, squeezed):
    assert squeeze(text) == squeezed


def test_squeeze_drops_exactly_what_a_test_per_character_drops():
    """The regular expression of `squeeze` against the rule itself, on every code point alone
    and on random strings mixing compatibility forms, combining marks, surrogates and astral
    characters (where NFKC and the categories interact)."""
    import random

    from search.analysis import squeeze_slowly

    assert [cp for cp in range(0x110000) if squeeze(chr(cp)) != squeeze_slowly(chr(cp))] == []
    rnd = random.Random(5)
    pool = [chr(c) for c in [*range(0x20, 0x3100), *range(0xD7F0, 0xE010), *range(0xFE00, 0x10000)]]
    pool += ["\U0001F600", "\U00020000", "\U0001D400", "\U0001F10B", "e\u0301", "\ufffd"]
    for _ in range(20_000):
        text = "".join(rnd.choice(pool) for _ in range(rnd.randint(0, 30)))
        assert squeeze(text) == squeeze_slowly(text), repr(text)


def test_query_terms_split_on_spaces_and_drop_single_characters():
    assert query_terms(" 台江　赌博 台江 x 〔2026〕") == ["台江", "赌博", "2026"]
    assert query_terms("某") == []


def test_tokenizer_keeps_token_positions_for_phrases():
    tokens = [(t.text, t.pos) for t in BigramTokenizer()("台江区，五一", positions=True)]
    assert tokens == [("台江", 0), ("江区", 1), ("区五", 2), ("五一", 3)]


# --- whoosh ---------------------------------------------------------------------------------

def test_whoosh_recall_is_complete_and_exact_for_a_few_hundred_queries(sample, scan):
    _, state, decisions = sample
    qs = recall_queries(decisions)
    assert len(qs) >= 270
    missed, extra = {}, {}
    for q in qs:
        want, got = scan(q), whoosh_urls(state, q)
        assert scan(q, plain=True) <= want
        if want - got:
            missed[q] = want - got
        if got - want:
            extra[q] = got - want
    assert missed == {}
    assert extra == {}


@pytest.mark.parametrize("query", ["台江", "赌博", "殴打他人", "第五十一条", "罚款"])
def test_everyday_queries_find_something(sample, query, scan):
    _, state, decisions = sample
    r = search_index(state, query)
    assert r.total == len(scan(query)) > 0
    assert all("[[" in h.snippet and "<mark>" in h.snippet_html for h in r.hits)


def test_decision_numbers_match_by_their_digits(sample, scan):
    _, state, decisions = sample
    d = decisions[0]
    number = re.search(r"〕(\d+)号", d.decision_no).group(1) + "号"
    year_and_number = re.sub(r"\D", "", d.decision_no)
    assert d.url in whoosh_urls(state, number)
    assert whoosh_urls(state, year_and_number) == scan(year_and_number)
    assert d.url in whoosh_urls(state, d.decision_no)


def test_a_phrase_is_exact_and_several_words_must_all_occur(sample, scan):
    _, state, decisions = sample
    assert whoosh_urls(state, "台江 赌博") == scan("台江") & scan("赌博")
    assert whoosh_urls(state, "江台") == scan("江台")  # order matters
    assert search_index(state, "无此词语组合").total == 0


def test_filters_narrow_and_sorting_by_date(sample, scan):
    _, state, decisions = sample
    organ = "福州市公安局台江分局"
    want = {d.url for d in decisions if d.organ == organ and d.year == 2026} & scan("罚款")
    assert whoosh_urls(state, "罚款", organ=organ, year=2026) == want
    kinds = {h.kind for h in search_index(state, "决定", kind="reconsideration", pagelen=100).hits}
    assert kinds == {"reconsideration"}
    dates = [h.date for h in search_index(state, "罚款", sort="newest", pagelen=50).hits]
    assert dates == sorted(dates, reverse=True)


def test_exact_field_matches_rank_first(sample):
    _, state, decisions = sample
    offence = "赌博"
    hits = search_index(state, offence, pagelen=100).hits
    in_field = [i for i, h in enumerate(hits) if h.offence == offence]
    others = [i for i, h in enumerate(hits) if h.offence != offence]
    assert in_field and (not others or max(in_field) < min(others))


@pytest.mark.parametrize("kwargs, message", [
    ({"query": "x"}, "两个"),
    ({"query": ""}, "查询词"),
    ({"query": "台江", "page": 0}, "page"),
    ({"query": "台江", "year": "20x6"}, "year"),
    ({"query": "台江", "kind": "verdict"}, "kind"),
    ({"query": "台" * 201}, "过长"),
])
def test_bad_queries_say_why(sample, kwargs, message):
    _, state, _ = sample
    query = kwargs.pop("query")
    with pytest.raises(SearchError, match=message):
        search_index(state, query, **kwargs)


def test_a_new_index_is_used_only_after_the_swap_and_old_entries_leave(sample, tmp_path):
    decisions = sample[2][:12]
    state, site = tmp_path / "state", tmp_path / "site"
    publish_search(decisions, site, state, {})()
    gone = decisions[0]
    query = gone.decision_no
    assert gone.url in whoosh_urls(state, query)
    put_in_place = publish_search(decisions[1:], site, state, {})
    assert gone.url in whoosh_urls(state, query)  # the gate has not passed yet: old index
    put_in_place()
    assert gone.url not in whoosh_urls(state, query)
    assert sorted(p.name for p in (state / "search").iterdir() if not p.name.startswith("index-")) == ["current"]
    meta = json.loads((site / "search" / "meta.json").read_text(encoding="utf-8"))
    assert meta["count"] == len(decisions) - 1
    # and nothing of it is left in the static index's files (cards, documents)
    assert len([p for p in (site / "search" / "docs").rglob("*") if p.is_file()]) == len(decisions) - 1
    for path in (site / "search").rglob("*.json"):
        text = path.read_text(encoding="utf-8")
        assert gone.decision_no not in text and gone.url not in text, path


# --- publish.py search ---------------------------------------------------------------------

def cli(*args):
    import publish

    return CliRunner().invoke(publish.cli, ["search", *args])


def test_cli_prints_ranked_hits_with_number_organ_date_and_snippet(sample, scan):
    _, state, decisions = sample
    result = cli("--state", str(state), "台江")
    assert result.exit_code == 0, result.output
    assert f"共 {len(scan('台江'))} 份" in result.output
    assert "[[台江]]" in result.output and "福州市公安局台江分局" in result.output


def test_cli_json_and_filters(sample):
    _, state, _ = sample
    result = cli("--state", str(state), "--json", "--year", "2026", "--kind", "penalty", "罚款")
    data = json.loads(result.output)
    assert data["total"] > 0
    assert all(h["date"].startswith("2026") and h["kind"] == "penalty" for h in data["hits"])


def test_cli_errors_are_one_sentence(sample, tmp_path):
    _, state, _ = sample
    result = cli("--state", str(state), "台")
    assert result.exit_code != 0 and "两个" in result.output and "Traceback" not in result.output
    result = cli("--state", str(tmp_path), "台江")
    assert result.exit_code != 0 and "publish.py build" in result.output
