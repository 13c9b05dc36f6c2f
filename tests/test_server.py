"""`publish.py serve`: static files, `/api/search` backed by whoosh, 400 for bad parameters."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from urllib.parse import quote

import pytest
from browser import running

from search.recall import SubstringScan
from search.sample_site import shared_sample_site


@pytest.fixture(scope="module")
def sample():
    return shared_sample_site()


@pytest.fixture(scope="module")
def base(sample):
    from server import make_server

    site, state, _ = sample
    with running(make_server(site, state)) as url:
        yield url


def get(url: str):
    try:
        with urllib.request.urlopen(url) as res:
            return res.status, res.headers, res.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def api(base: str, query: str):
    status, headers, body = get(f"{base}/api/search?{query}")
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    return status, json.loads(body)


def test_the_site_is_served(base):
    status, _, body = get(base + "/search/")
    assert status == 200 and "搜索决定书" in body.decode("utf-8")


def test_search_answers_with_ranked_hits(base, sample):
    status, data = api(base, "q=" + quote("台江"))
    assert status == 200
    assert data["total"] == len(SubstringScan(sample[2])("台江"))
    hit = data["hits"][0]
    assert {"decision_no", "kind", "organ", "date", "url", "snippet", "snippet_html"} <= set(hit)
    assert "<mark>台江</mark>" in hit["snippet_html"]


def test_a_query_sent_as_raw_utf8_is_read_as_utf8(base):
    # curl "…/api/search?q=台江" sends the UTF-8 bytes without percent-encoding them
    import socket
    from urllib.parse import urlsplit

    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port)) as conn:
        conn.sendall("GET /api/search?q=台江 HTTP/1.0\r\nHost: x\r\n\r\n".encode("utf-8"))
        reply = b""
        while chunk := conn.recv(65536):
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    data = json.loads(body)
    assert head.split()[1] == b"200" and data["query"] == "台江"
    assert data["total"] == api(base, "q=" + quote("台江"))[1]["total"] > 0


def test_filters_and_pages(base):
    status, data = api(base, "q=" + quote("罚款") + "&year=2026&kind=penalty&page=2")
    assert status == 200 and data["page"] == 2
    assert all(h["date"].startswith("2026") and h["kind"] == "penalty" for h in data["hits"])
    organ = "福州市公安局台江分局"
    status, data = api(base, f"q={quote('罚款')}&organ={quote(organ)}")
    assert status == 200 and data["total"] and {h["organ"] for h in data["hits"]} == {organ}


@pytest.mark.parametrize("query, message", [
    ("q=%E5%8F%B0", "两个"),
    ("q=" + quote("台江") + "&page=0", "page"),
    ("q=" + quote("台江") + "&page=abc", "page"),
    ("q=" + quote("台江") + "&page=99999999999999999999", "page"),
    ("q=" + quote("台江") + "&year=26", "year"),
    ("q=" + quote("台江") + "&kind=verdict", "kind"),
    ("q=" + quote("台江") + "&sort=random", "sort"),
    ("q=" + quote("台江") + "&colour=red", "未知参数"),
    ("q=a&q=b", "只能出现一次"),
    ("q=%FF%FE", "UTF-8"),
    ("q=" + "x" * 300, "过长"),
    ("", "查询词"),
])
def test_bad_parameters_get_a_400_with_a_message(base, query, message):
    status, data = api(base, query)
    assert status == 400
    assert message in data["error"]


def test_unknown_api_paths_are_404_and_the_openapi_description_is_served(base):
    status, _, _ = get(base + "/api/nothing")
    assert status == 404
    status, _, body = get(base + "/api/openapi.json")
    spec = json.loads(body)
    assert status == 200 and spec["openapi"].startswith("3.")
    names = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert {"q", "organ", "year", "offence", "kind", "page"} <= names


def test_without_an_index_the_api_says_so(sample, tmp_path):
    from server import make_server

    with running(make_server(sample[0], tmp_path)) as url:
        status, data = api(url, "q=" + quote("台江"))
    assert status == 503 and "publish.py build" in data["error"]


def test_static_files_are_compressed_and_versioned_index_files_cached_for_good(base):
    req = urllib.request.Request(base + "/search/meta.json", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(req) as res:
        import gzip

        meta = json.loads(gzip.decompress(res.read()))
        assert res.headers["Content-Encoding"] == "gzip" and res.headers["Cache-Control"] == "no-cache"
        modified = res.headers["Last-Modified"]
    req = urllib.request.Request(base + "/search/meta.json", headers={"If-Modified-Since": modified,
                                                                      "Accept-Encoding": "gzip"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req)
    assert err.value.code == 304
    status, headers, _ = get(f"{base}/search/facets.bin?v={meta['v']}")
    assert status == 200 and "immutable" in headers["Cache-Control"] and not headers["Content-Encoding"]


def test_the_api_over_an_index_in_shards_answers_as_over_one(sample, tmp_path):
    """A sharded build leaves the whoosh index in parts (one per shard of organ-years); the one
    /api/search reads them all and answers exactly as over the index built in one piece."""
    import json as json_

    from pipeline.executor import LocalExecutor
    from search.whoosh_index import CONTENTS, build_whoosh_index, put_in_place
    from server.api import answer

    _, state, decisions = sample
    put_in_place(build_whoosh_index(decisions, tmp_path, executor=LocalExecutor(1), shards=4))
    parts = json_.loads((tmp_path / "search" / "current" / CONTENTS).read_text(encoding="utf-8"))["parts"]
    assert len(parts) >= 3
    organ = decisions[0].organ
    for qs in ["q=罚款", "q=决定&kind=penalty&page=2", "q=公安&sort=oldest", f"organ={quote(organ)}&year=2026",
               "q=罚款 决定&penalty=fine"]:
        status, body = answer(qs, tmp_path)
        assert status == 200 and body["total"] and (status, body) == answer(qs, state), qs
