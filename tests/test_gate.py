"""The leak gate finds planted leaks in every form and lets a clean site through."""
from __future__ import annotations

import gzip
import json
import zipfile

import pytest

from gate import scan_site

SECRETS = {"samples/x.yaml (id=PEN-1)": ["张三丰", "35010219900512123X", "13800138000"]}
PUBLIC = ("<html><body><h1>榕公鼓（治）行罚决字〔2026〕123号</h1><p>案件编号A3501025000002026100045，"
          "统一社会信用代码91350100MA2Y8XXX3K，罚款500元，2026年10月12日，张某甲</p></body></html>")


def _site(tmp_path, files):
    for name, data in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    return tmp_path


def test_clean_site_passes(tmp_path):
    assert scan_site(_site(tmp_path, {"index.html": PUBLIC, "feed.xml": PUBLIC}), SECRETS) == []


def test_leak_in_html_named_with_file_and_record(tmp_path):
    leaks = scan_site(_site(tmp_path, {"a/b.html": PUBLIC + "<p>张三丰</p>"}), SECRETS)
    assert [(l.file, l.record) for l in leaks] == [("a/b.html", "samples/x.yaml (id=PEN-1)")]
    assert "张三丰" not in leaks[0].excerpt


def test_leak_as_char_refs_and_split_by_tags(tmp_path):
    assert scan_site(_site(tmp_path, {"a.html": "&#24352;&#19977;&#20016;"}), SECRETS)
    assert scan_site(_site(tmp_path, {"b.html": "张<b>三</b>丰"}), SECRETS)


def test_leak_in_json_with_unicode_escapes(tmp_path):
    blob = json.dumps({"t": "张三丰"}, ensure_ascii=True)
    assert "\\u" in blob
    assert scan_site(_site(tmp_path, {"search.json": blob}), SECRETS)


def test_leak_in_gz_and_zip(tmp_path):
    buf = tmp_path / "x.zip"
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("data.csv", "id,phone\n1,13800138000\n")
    site = _site(tmp_path / "site", {"index.json.gz": gzip.compress("…张三丰…".encode()),
                                     "opendata.zip": buf.read_bytes()})
    files = {l.file for l in scan_site(site, SECRETS)}
    assert "index.json.gz" in files and any(f.startswith("opendata.zip!") for f in files)


def test_full_width_digits_found_after_nfkc(tmp_path):
    assert scan_site(_site(tmp_path, {"a.txt": "１３８００１３８０００"}), SECRETS)


def test_unknown_but_valid_patterns_are_leaks(tmp_path):
    text = "身份证350102199005121231 手机13912345678 卡号6222021234567890128 车牌闽A·D12345"
    kinds = {l.what for l in scan_site(_site(tmp_path, {"a.html": text}), {})}
    assert kinds == {"resident_id", "mobile", "bank_card", "plate"}


def test_unreadable_compressed_file_fails_closed(tmp_path):
    leaks = scan_site(_site(tmp_path, {"broken.gz": b"not gzip"}), SECRETS)
    assert leaks and leaks[0].what == "unreadable file"


def test_many_secrets_one_pass(tmp_path):
    secrets = {f"r{i}": [f"名字{i:06d}"] for i in range(100_000)}
    site = _site(tmp_path, {f"p{i}.html": PUBLIC * 20 for i in range(50)})
    assert scan_site(site, secrets) == []


def test_binary_file_short_ascii_secret_by_chance_is_not_a_leak(tmp_path):
    # an encrypted progress file is random bytes: MIN (part of KIM MIN JUN) turns up by chance
    secrets = {"r (id=PEN-9)": ["MIN", "金敏俊"]}
    blob = b"\x00\x8f\xffMIN\x93\xfe" * 50
    assert scan_site(_site(tmp_path, {"progress/x.bin": blob}), secrets) == []


def test_binary_file_with_encoded_name_is_a_leak(tmp_path):
    secrets = {**SECRETS, "r (id=PEN-5)": ["欧阳明华"]}
    for enc, name, record in (("utf-8", "张三丰", "samples/x.yaml (id=PEN-1)"), ("gb18030", "欧阳明华", "r (id=PEN-5)")):
        blob = b"\x00\x8f\xff" + name.encode(enc) + b"\x93\xfe"  # 9 and 8 bytes
        site = _site(tmp_path / enc, {"data.bin": blob})
        assert [l.record for l in scan_site(site, secrets)] == [record], enc


def test_binary_file_short_encoding_by_chance_is_not_a_leak(tmp_path):
    # 6 bytes: a three-character name in GB18030, a two-character one in UTF-8. A 100k build's
    # binary files are ~370 MB of nearly random bytes, where such keys turn up by chance (one
    # stopped a 100k cold build, in an encrypted progress file): too short to tell from chance
    from gate.scan import BINARY_MIN_BYTES

    secrets = {**SECRETS, "r (id=PEN-6)": ["林冲"]}
    for key in ("张三丰".encode("gb18030"), "林冲".encode("utf-8")):
        assert len(key) < BINARY_MIN_BYTES
        site = _site(tmp_path / key.hex(), {"progress/x.bin": b"\x00\x8f\xff" + key + b"\x93\xfe"})
        assert scan_site(site, secrets) == []


def test_gb18030_csv_is_read_as_text(tmp_path):
    site = _site(tmp_path, {"data.csv": "姓名\n张三丰\n".encode("gb18030")})
    assert scan_site(site, SECRETS)


def test_overlapping_secrets_all_reported(tmp_path):
    secrets = {"a": ["张三丰"], "b": ["三丰路"]}
    leaks = scan_site(_site(tmp_path, {"x.html": "<p>张三丰路</p>"}), secrets)
    assert {l.record for l in leaks} == {"a", "b"}


def test_table_cells_are_not_glued_into_a_phone_but_inline_tags_are_read_through():
    # s10000 seed 7: stats/index.html, a count cell "1" beside "3800…" read as a mobile
    from gate.patterns import find_patterns
    from gate.scan import views

    table = "<tr><td>福州市公安局仓山分局</td><td>1</td><td>3800138000</td></tr>"
    assert not [k for v in views(table) for k in find_patterns(v)]
    split = "联系电话138<span>0013</span>8000"
    assert any(kind == "mobile" for v in views(split) for kind, _, _ in find_patterns(v))


def test_fast_nfkc_equals_unicodedata():
    import random
    import unicodedata

    from gate.scan import _norm

    rnd = random.Random(5)
    pool = (list("张三丰（）１２３，。…ＡＢａ＜＞　") + [chr(c) for c in range(0x300, 0x370)]
            + [chr(c) for c in (0xF900, 0xFA10, 0x2126, 0x212B, 0x1E9B, 0x3131, 0xAC00, 0x1100, 0x1161, 0x11A8, 0x3300)]
            + ["\n", "a", "e", "\U0001D400", "\U0002F800"])
    for _ in range(20000):
        s = "".join(rnd.choice(pool) for _ in range(rnd.randint(0, 30)))
        assert _norm(s) == unicodedata.normalize("NFKC", s), repr(s)


def test_patterns_rewritten_for_speed_match_the_plain_ones():
    import random
    import re

    from gate.patterns import PATTERNS

    plain = {"resident_id": re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])"),
             "mobile": re.compile(r"(?<![0-9A-Za-z])1[3-9]\d[ \-]?\d{4}[ \-]?\d{4}(?![0-9A-Za-z])")}
    rnd = random.Random(3)
    alphabet = list("0123456789" * 6 + "1" * 10 + "Xx -aZ,张\n<")
    for _ in range(50000):
        s = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 40)))
        for kind, rx in plain.items():
            assert [m.span() for m in rx.finditer(s)] == [m.span() for m in PATTERNS[kind].finditer(s)], (kind, s)


# -- the gate of a build that knows what the online gate scanned (gate/memory.py) -------------

def _online(tmp_path, files, secrets):
    """A site as a build leaves it: scanned by the gate, its memory saved (as after the swap)."""
    from gate.memory import check

    site = _site(tmp_path / "site", files)
    folder = tmp_path / "state" / "gate"
    leaks, memory = check(site, secrets, set(), None, folder, "v1")
    assert leaks == []
    return site, folder, memory


@pytest.fixture(params=["here", "beside"])
def both_ways(request, monkeypatch):
    """Run the memory check with the secrets made in this process, then made in a forked child
    while the files are read (`check(..., beside=)`, as a build over a site online does)."""
    import functools

    import gate.memory
    from pipeline import forked

    used = []
    if request.param == "beside":
        def beside(fn):
            used.append(fn)
            return forked.start(fn, "gate secrets", "gate secrets")

        monkeypatch.setattr(gate.memory, "check", functools.partial(gate.memory.check, beside=beside))
    return used


def _all(site):
    return {str(p.relative_to(site)) for p in site.rglob("*") if p.is_file()}


@pytest.mark.usefixtures("both_ways")
def test_secret_only_in_a_kept_page_is_caught_when_its_decision_is_new(tmp_path):
    from gate.memory import check

    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC + "<p>金山公园</p>", "b.html": PUBLIC}, SECRETS)
    # a new decision's party is named 金山: a.html, linked unchanged, now spells a personal string
    new = {**SECRETS, "new.yaml (id=PEN-9)": ["金山"]}
    leaks, _ = check(site, new, _all(site), memory, folder, "v1")
    assert [(l.file, l.record) for l in leaks] == [("a.html", "new.yaml (id=PEN-9)")]
    # what the online gate already looked for is not looked for again in pages kept unchanged
    leaks, again = check(site, SECRETS, _all(site), memory, folder, "v1")
    assert leaks == [] and set(again["secrets"]) == set(memory["secrets"])


def test_secrets_built_on_the_online_gates_give_what_all_of_them_give(tmp_path, both_ways):
    """A build whose labels are the online gate's, unchanged, and some more normalises only the
    added values (`_prepare`, `labels`); a label changed or gone makes it normalise them all. Either
    way the leaks and the memory are those of a gate that normalised everything (a memory without
    its labels)."""
    from gate import memory as gate_memory
    from gate.memory import check

    old = {"old.yaml (id=PEN-2)": ["李四光", "13900139000"], "p.yaml (case_no=A1)": ["B7702"]}
    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC + "<p>金山公园</p>", "b.html": PUBLIC},
                                   {**SECRETS, **old})
    (site / "c.html").write_text(PUBLIC + "\n<p>新的一行，证人王五郎</p>\n", encoding="utf-8")
    assert "labels" in memory
    kept = {"a.html", "b.html"}
    cases = {
        "nothing new": ({**SECRETS, **old}, []),
        # the same values as other string objects (a build reads them anew: not interned as the
        # literals "B7702" and "13900139000" are)
        "nothing new, read anew": ({k: ["".join(list(v)) for v in vs] for k, vs in {**SECRETS, **old}.items()}, []),
        "a new label": ({**SECRETS, **old, "n (id=PEN-9)": ["王五郎", "ａｂ１２"]}, ["c.html"]),
        "a new label, found in a kept page": ({**SECRETS, **old, "n (id=PEN-9)": ["金山"]}, ["a.html"]),
        "a new label of known secrets": ({**SECRETS, **old, "n (id=PEN-9)": ["张三丰"]}, []),
        "a label changed": ({**SECRETS, **old, "p.yaml (case_no=A1)": ["B7702", "金山"]}, ["a.html"]),
        "a label gone": ({**SECRETS, "n (id=PEN-9)": ["王五郎"]}, ["c.html"]),
    }
    normalised = []
    real = gate_memory._Secrets.__init__

    def counted(self, secrets):
        normalised.append(sum(map(len, secrets.values())))
        real(self, secrets)

    for name, (secrets, files) in cases.items():
        normalised.clear()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(gate_memory._Secrets, "__init__", counted)
            leaks, got = check(site, secrets, kept, memory, folder, "v1")
        every = sum(map(len, secrets.values()))
        built_on = name.startswith(("nothing", "a new"))
        if not both_ways:  # made in this process, not in a child: what was normalised is seen here
            assert max(normalised) < every if built_on else every in normalised, name
        leaks_all, expected = check(site, secrets, kept, {k: v for k, v in memory.items() if not k.startswith("labels")},
                                    folder, "v1")
        assert sorted({l.file for l in leaks}) == files, name
        assert leaks == leaks_all and sorted(got["secrets"]) == sorted(expected["secrets"]), name
        assert set(got["labels"]) == set(expected["labels"]) == set(secrets), name
        # the digest carried on from the known labels' is the digest of all of them, made whole
        assert got["labels_digest"] == gate_memory._labels_hash(secrets, got["labels"]).digest(), name


def test_secrets_made_beside_the_file_reading_give_the_same_leaks_and_memory(tmp_path):
    """`check(..., beside=)`: the secrets made in a forked child while this process reads the
    files. The same answer as made here first: on a clean build, with a new secret in a new
    line, and with a new secret only in a stored line of a kept page (which makes the child's
    answer send the check back to a scan of the whole site)."""
    from gate.memory import check
    from pipeline import forked

    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC + "<p>金山公园</p>", "b.html": PUBLIC}, SECRETS)
    (site / "c.html").write_text(PUBLIC + "\n<p>新的一行，证人李四光</p>\n", encoding="utf-8")
    used = []

    def beside(fn):
        used.append(fn)
        return forked.start(fn, "gate secrets", "gate secrets")

    def same(memory_):
        return {**memory_, "secrets": sorted(memory_["secrets"]), "chunks": [c["chars"] for c in memory_["chunks"]]}

    found = []
    for secrets in (SECRETS, {**SECRETS, "n (id=PEN-9)": ["李四光"]}, {**SECRETS, "n (id=PEN-9)": ["金山"]}):
        leaks, here = check(site, secrets, {"a.html", "b.html"}, memory, folder, "v1")
        leaks_beside, there = check(site, secrets, {"a.html", "b.html"}, memory, folder, "v1", beside=beside)
        assert leaks_beside == leaks and same(there) == same(here)
        found.append(sorted(l.file for l in leaks))
    assert found == [[], ["c.html"], ["a.html"]] and len(used) == 3


def test_secrets_are_made_here_when_the_child_dies_or_cannot_start(tmp_path, caplog):
    import os

    from gate.memory import check
    from pipeline import forked

    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC + "<p>金山公园</p>", "b.html": PUBLIC}, SECRETS)
    new = {**SECRETS, "n (id=PEN-9)": ["金山"]}
    leaks, expected = check(site, new, _all(site), memory, folder, "v1")
    assert [l.file for l in leaks] == ["a.html"]

    def dies(fn):  # killed before it answers (as by the kernel, for memory)
        return forked.start(lambda: os._exit(9), "gate secrets", "gate secrets")

    def refused(fn):
        raise OSError(12, "Cannot allocate memory")

    for beside in (dies, refused):
        got_leaks, got = check(site, new, _all(site), memory, folder, "v1", beside=beside)
        assert got_leaks == leaks and sorted(got["secrets"]) == sorted(expected["secrets"])
    assert "子进程失败" in caplog.text and "未能另起进程" in caplog.text


@pytest.mark.usefixtures("both_ways")
def test_new_secret_in_kept_binary_file_is_caught(tmp_path):
    from gate.memory import check

    blob = b"\x00\x8f\xff" + "甄翀珝琤".encode("gb18030") + b"\x93\xfe"
    site, folder, memory = _online(tmp_path, {"progress/x.bin": blob, "index.html": PUBLIC}, SECRETS)
    leaks, _ = check(site, {**SECRETS, "n (id=PEN-8)": ["甄翀珝琤"]}, _all(site), memory, folder, "v1")
    assert [l.file for l in leaks] == ["progress/x.bin"]


@pytest.mark.usefixtures("both_ways")
def test_file_edited_online_is_scanned_in_full(tmp_path):
    import os

    from gate.memory import check

    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC, "b.html": PUBLIC}, SECRETS)
    page = site / "a.html"
    st = page.stat()
    page.write_text(PUBLIC.replace("张某甲", "张三丰 13912345678"), encoding="utf-8")  # same inode
    os.utime(page, ns=(st.st_atime_ns, st.st_mtime_ns))  # even with its old modification time
    leaks, _ = check(site, SECRETS, _all(site), memory, folder, "v1")
    assert {(l.file, l.what) for l in leaks} == {("a.html", "personal string"), ("a.html", "mobile")}


def test_memory_of_another_gate_version_is_not_trusted(tmp_path):
    from gate.memory import check
    from pipeline import _gate, _gate_version
    from pipeline.state import State

    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC + "<p>金山公园</p>"}, SECRETS)
    # a memory claiming 金山 was looked for, written by other gate code: a.html is scanned again
    claim = {**memory, "secrets": memory["secrets"] + ["金山"]}
    new = {**SECRETS, "n (id=PEN-9)": ["金山"]}
    assert check(site, new, _all(site), claim, folder, "v1")[0] == []  # trusted when it is this code's
    assert [l.file for l in check(site, new, _all(site), claim, folder, "v2")[0]] == ["a.html"]
    state = State(tmp_path / "state")
    state.save_gate_memory({**claim, "version": "another gate"})
    assert state.load_gate_memory(_gate_version()) is None
    assert [l.file for l in _gate(site, new, _all(site), state)[0]] == ["a.html"]


@pytest.mark.usefixtures("both_ways")
def test_new_file_of_known_lines_passes_and_a_new_line_is_scanned(tmp_path):
    from gate.memory import check

    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC + "\n<p>第二行</p>\n"}, SECRETS)
    # a page rewritten with the same lines in another order: every line known, nothing to find
    (site / "b.html").write_text("<p>第二行</p>\n" + PUBLIC, encoding="utf-8")
    assert check(site, SECRETS, {"a.html"}, memory, folder, "v1")[0] == []
    # a new line, and a secret split over two lines by a tag: both are scanned
    (site / "c.html").write_text(PUBLIC + "\n<p>联系人张<b\n>三丰</b></p>\n身份证350102199005121231\n", encoding="utf-8")
    leaks = check(site, SECRETS, {"a.html"}, memory, folder, "v1")[0]
    assert {(l.file, l.what) for l in leaks} == {("c.html", "personal string"), ("c.html", "resident_id")}


@pytest.mark.usefixtures("both_ways")
def test_secret_holding_a_line_break_is_found(tmp_path):
    from gate.memory import check

    secrets = {"r (id=PEN-7)": ["华林小区\n5号楼"]}
    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC}, secrets)
    (site / "b.txt").write_text("住华林小区\n5号楼302室", encoding="utf-8")
    assert [l.file for l in check(site, secrets, {"a.html"}, memory, folder, "v1")[0]] == ["b.txt"]
    # and when it is new, in a kept file too
    site2, folder2, memory2 = _online(tmp_path / "2", {"a.html": "住华林小区\n6号楼"}, {})
    leaks = check(site2, {"r": ["华林小区\n6号楼"]}, {"a.html"}, memory2, folder2, "v1")[0]
    assert [l.file for l in leaks] == ["a.html"]


@pytest.mark.usefixtures("both_ways")
def test_unreadable_file_fails_closed_with_memory(tmp_path):
    from gate.memory import check

    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC}, SECRETS)
    (site / "broken.gz").write_bytes(b"not gzip")
    leaks = check(site, SECRETS, {"a.html"}, memory, folder, "v1")[0]
    assert [(l.file, l.what) for l in leaks] == [("broken.gz", "unreadable file")]


def test_saved_memory_keeps_only_its_own_chunks(tmp_path):
    from gate.memory import check
    from pipeline.state import State

    state = State(tmp_path / "state")
    site = _site(tmp_path / "site", {"a.html": PUBLIC})
    _, first = check(site, SECRETS, set(), None, state.gate_folder, "v1")
    _, second = check(site, SECRETS, set(), None, state.gate_folder, "v1")
    state.save_gate_memory(second)
    names = {p.name.split(".")[0] for p in state.gate_folder.iterdir() if p.name != "memory.marshal"}
    assert names == {c["name"] for c in second["chunks"]}
    assert state.load_gate_memory("v1")["chunks"] == second["chunks"]


@pytest.mark.usefixtures("both_ways")
def test_many_secrets_few_new_lines_still_all_looked_for(tmp_path):
    # with many secrets, new lines are searched with only the secrets that can occur in them
    from gate.memory import _candidates, check

    secrets = {f"r{i}": [f"名字{i:06d}", f"{i:06d}甲乙丙"] for i in range(3000)}
    secrets["r-x (id=PEN-5)"] = ["甄翀珝"]
    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC}, secrets)
    (site / "b.html").write_text(PUBLIC + "<p>名字002999 与 甄翀<i>珝</i></p>", encoding="utf-8")
    leaks = check(site, secrets, {"a.html"}, memory, folder, "v1")[0]
    assert {l.record for l in leaks} == {"r2999", "r-x (id=PEN-5)"}
    assert set(_candidates("甲名字002999乙", ["名字002999", "名字002998", "字0", "乙甲"])) >= {"名字002999", "字0"}


def test_candidates_keep_every_key_that_occurs():
    import random

    from gate.memory import _candidates

    rnd = random.Random(9)
    text = "".join(rnd.choice("张三丰李四王五赵六0123456789abc\n") for _ in range(20000))
    keys = sorted({"".join(rnd.choice("张三丰李四王五赵六0123456789abc") for _ in range(rnd.randint(2, 7))) for _ in range(5000)})
    found = {k for k in keys if k in text}
    assert found and found <= set(_candidates(text, keys))
    long = [k for k in keys if len(k) >= 6]
    assert {k for k in long if k in text} <= set(_candidates(text, long, (6, 8), 27))
    assert len(_candidates(text, keys)) < len(keys) // 2


def test_suffix_is_pathlibs():
    import pathlib
    import random

    from gate.scan import _suffix

    rnd = random.Random(11)
    names = ["a.html", "a/b.tar.GZ", ".bashrc", "foo.", "a.b/c", "x/.gz", "", "a..gz", "dir.d/", "a/.", "..ZZ", "x.png/."]
    names += ["".join(rnd.choice("ab./Z") for _ in range(rnd.randint(0, 9))) for _ in range(50_000)]
    for name in names:
        assert _suffix(name) == pathlib.PurePosixPath(name).suffix.lower(), name


def test_binary_keys_find_exactly_what_a_plain_search_finds():
    # the search index's postings are looked for secrets' bytes without an automaton
    import random

    from gate.memory import _BinaryKeys, _Secrets

    rnd = random.Random(5)
    keys = sorted({"".join(rnd.choice("张三丰李四王五赵福州市0123456789X") for _ in range(rnd.randint(2, 9)))
                   for _ in range(2000)}) + ["\ud800abcdefg"]  # a lone surrogate has no encoding
    plain = [k for k in keys if "\ud800" not in k]
    encoded = _Secrets.encoded(plain)
    found = 0
    for size in (1, 7, 1 << 21):  # slices of the text: a key across two of them is still found
        finder = _BinaryKeys("\n".join(keys))
        finder.SLICE = size
        for _ in range(1500):
            data = bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 60)))
            for _ in range(rnd.randint(0, 2)):
                e = rnd.choice(plain).encode(rnd.choice(["utf-8", "gb18030"]))
                at = rnd.randint(0, len(data))
                data = data[:at] + e + data[at:]
            text = data.decode("latin-1")
            expect = any(k in text for k in encoded)
            found += expect
            assert finder.find(text) is expect, (size, text)
    assert found > 1000
    finder.BUDGET = 0  # too many places to compare: the caller uses the automaton
    assert finder.find("福州市".encode().decode("latin-1")) is None


@pytest.mark.usefixtures("both_ways")
def test_changed_binary_line_with_an_old_secret_is_caught(tmp_path, monkeypatch):
    from gate import memory
    from gate.memory import check

    blob = b"\x00\x8f\xff\x10" * 40 + b"\n" + b"\x01\x02" * 30
    secrets = {**SECRETS, "r (id=PEN-5)": ["欧阳明华"]}  # 12 bytes in UTF-8, 8 in GB18030
    site, folder, memory_ = _online(tmp_path, {"search/p.bin": blob, "index.html": PUBLIC}, secrets)
    # the postings file is rewritten (not kept) and one line now holds a known secret's bytes
    for enc, budget in (("utf-8", 200_000), ("gb18030", 200_000), ("gb18030", 0)):
        monkeypatch.setattr(memory._BinaryKeys, "BUDGET", budget)  # 0: the automaton's way
        (site / "search/p.bin").write_bytes(blob.replace(b"\x01\x02" * 4, "欧阳明华".encode(enc), 1))
        leaks, _ = check(site, secrets, {"index.html"}, memory_, folder, "v1")
        assert [(l.file, l.record) for l in leaks] == [("search/p.bin", "r (id=PEN-5)")], enc


def test_known_digest_needs_all_16_bytes(tmp_path):
    from gate.memory import _digests, _Known

    digests = _digests(["第一行", "第二行", "第三行"], "t")
    known = _Known([_Known.ordered(digests)])
    assert not known.missing(digests).any()
    twin = digests[:8] + bytes(8)  # same first 8 bytes as a known line, other last 8
    assert known.missing(twin).tolist() == [True]
    assert known.missing(_digests(["第四行"], "t")).tolist() == [True]
    known.add(_digests(["第四行"], "t"))
    assert not known.missing(_digests(["第四行", "第二行"], "t")).any()


@pytest.mark.usefixtures("both_ways")
def test_incomplete_or_outgrown_memory_scans_everything(tmp_path):
    from gate.memory import CHUNKS_MAX, check

    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC + "<p>金山公园</p>"}, SECRETS)
    new = {**SECRETS, "n (id=PEN-9)": ["金山"]}
    claim = {**memory, "secrets": memory["secrets"] + ["金山"]}  # as if 金山 had been looked for
    assert check(site, new, _all(site), claim, folder, "v1")[0] == []
    outgrown = {**claim, "chunks": claim["chunks"] * (CHUNKS_MAX + 1)}
    assert [l.file for l in check(site, new, _all(site), outgrown, folder, "v1")[0]] == ["a.html"]
    for path in folder.glob("*.keys"):
        path.unlink()  # a chunk of the memory lost: nothing it stood for is trusted
    assert [l.file for l in check(site, new, _all(site), claim, folder, "v1")[0]] == ["a.html"]


def test_walk_follows_folder_links_once(tmp_path):
    import os

    from gate.memory import walk

    site = _site(tmp_path / "site", {"a/x.html": PUBLIC, "b/y.html": PUBLIC})
    os.symlink(site / "a", site / "b" / "to-a")
    os.symlink(site, site / "a" / "loop")  # back up to the top: not read again
    assert set(walk(site)) == {"a/x.html", "b/y.html", "b/to-a/x.html"}


@pytest.mark.usefixtures("both_ways")
def test_new_secret_in_kept_binary_file_is_caught_the_automatons_way_too(tmp_path, monkeypatch):
    from gate import memory
    from gate.memory import check

    monkeypatch.setattr(memory._BinaryKeys, "BUDGET", 0)  # stored bytes too full of keys' beginnings
    blob = b"\x00\x8f\xff" + "甄翀珝琤".encode("utf-8") + b"\x93\xfe"
    site, folder, memory_ = _online(tmp_path, {"progress/x.bin": blob, "index.html": PUBLIC}, SECRETS)
    leaks, _ = check(site, {**SECRETS, "n (id=PEN-8)": ["甄翀珝琤"]}, _all(site), memory_, folder, "v1")
    assert [l.file for l in leaks] == ["progress/x.bin"]
    assert check(site, {**SECRETS, "n (id=PEN-8)": ["甄翀珝"]}, _all(site), memory_, folder, "v1")[0]
    assert not check(site, {**SECRETS, "n (id=PEN-8)": ["甄翀珝X"]}, _all(site), memory_, folder, "v1")[0]


# -- a large file is read a piece of whole lines at a time (gate/scan.py `texts`) ----------

def _cut_at(lines: list[str], piece_bytes: int, marker: str) -> str:
    """Filler lines, then `lines`, placed so that the line holding `marker` ends exactly where
    the first piece (piece_bytes) is cut: its line break is the piece's last byte."""
    head = "\n".join(lines[:[i for i, l in enumerate(lines) if marker in l][0] + 1]) + "\n"
    pad = piece_bytes - len(head.encode("utf-8"))
    filler = "".join("<p>填充" + "x" * 80 + "</p>\n" for _ in range(pad // 95))
    filler += "y" * (pad - len(filler.encode("utf-8")) - 1) + "\n"
    text = filler + "\n".join(lines) + "\n" + "".join(f"<p>其后第{i}行 公开内容</p>\n" for i in range(300))
    assert text.encode("utf-8")[:piece_bytes].endswith((marker + "\n").encode("utf-8")), "cut misplaced"
    return text


def test_secret_across_a_piece_boundary_of_a_large_file_is_found(tmp_path, monkeypatch):
    from gate import scan
    from gate.memory import check
    from gate.scan import texts

    monkeypatch.setattr(scan, "PIECE_BYTES", 4000)
    monkeypatch.setattr(scan, "OVERLAP_CHARS", 300)
    cases = {  # secret, lines around the cut (the first line's break is the first piece's end)
        "tag over the cut": ("张三丰", ["<p>联系人张<b", ">三丰</b></p>"], "联系人张<b"),
        "secret holding a line break": ("华林小区\n5号楼", ["<p>住华林小区", "5号楼302室</p>"], "住华林小区"),
        "escaped, tag over the cut": ("张三丰", ["<p>联系人&#24352;<i", ">&amp;#19977;丰</i></p>"], "联系人&#24352;<i"),
    }
    for label, (secret, lines, marker) in cases.items():
        text = _cut_at(lines, 4000, marker)
        site = _site(tmp_path / label, {"data/big.json": text, "index.html": PUBLIC})
        with open(site / "data/big.json", "rb") as f:
            pieces = [text for _, text in texts(f, "data/big.json")]
        assert len(pieces) >= 2 and not pieces[0].endswith(lines[1] + "\n"), label  # really cut there
        leaks, _ = check(site, {"r (id=PEN-5)": [secret]}, set(), None, tmp_path / label / "gate", "v1")
        assert [(l.file, l.record) for l in leaks] == [("data/big.json", "r (id=PEN-5)")], label
        # and clean when the secret is another
        assert check(site, {"r (id=PEN-5)": ["李四光"]}, set(), None, tmp_path / label / "gate2", "v1")[0] == []


def test_pieces_give_every_line_the_whole_file_gives(tmp_path, monkeypatch):
    import random

    from gate import scan
    from gate.scan import texts, views

    rnd = random.Random(5)
    parts = ["张", "三", "丰", "&#24352;", "&amp;#19977;", "\\u4e30", "<b>", "</b>", "<b\n>", "<td>", "</td\n>",
             "<p class=\"a\nb\">", "１３８", "x", " ", "\n", "\n", "，", "…"]
    text = "".join(rnd.choice(parts) for _ in range(20000))
    site = _site(tmp_path, {"big.html": text})
    whole = {line for view in views(text) for line in view.split("\n")}
    for piece_bytes, overlap in ((1000, 250), (3000, 400), (777, 300)):
        monkeypatch.setattr(scan, "PIECE_BYTES", piece_bytes)
        monkeypatch.setattr(scan, "OVERLAP_CHARS", overlap)
        with open(site / "big.html", "rb") as f:
            pieces = [text for _, text in texts(f, "big.html")]
        assert len(pieces) > 10
        seen = {line for piece in pieces for view in views(piece) for line in view.split("\n")}
        assert whole <= seen, (piece_bytes, sorted(whole - seen)[:3])


def test_large_file_not_utf8_is_read_whole(tmp_path, monkeypatch):
    from gate import scan
    from gate.memory import check
    from gate.scan import texts

    monkeypatch.setattr(scan, "PIECE_BYTES", 1000)
    text = "".join(f"公开内容第{i}行\n" for i in range(400)) + "联系人张三丰\n"
    site = _site(tmp_path, {"data/x.csv": text.encode("gb18030"), "index.html": PUBLIC})
    with open(site / "data/x.csv", "rb") as f:
        assert list(texts(f, "data/x.csv"))[-1] == ("data/x.csv", text)  # the file whole, decoded as GB18030
    leaks, _ = check(site, SECRETS, set(), None, tmp_path / "gate", "v1")
    assert [(l.file, l.what) for l in leaks] == [("data/x.csv", "personal string")]


@pytest.mark.usefixtures("both_ways")
def test_memory_written_in_several_chunks_is_reused(tmp_path, monkeypatch):
    from gate import memory
    from gate.memory import _Store, check

    monkeypatch.setattr(memory, "BATCH_CHARS", 2000)  # scanned a few lines at a time
    monkeypatch.setattr(memory, "CHUNK_CHARS", 5000)  # and stored in chunks of a few batches
    pages = {f"p{i}.html": "".join(f"<p>第{i}页第{j}行 公开内容</p>\n" for j in range(60)) for i in range(20)}
    pages["p7.html"] += "<p>金山公园</p>\n"
    site, folder, memory_ = _online(tmp_path, pages, SECRETS)
    texts = [c for c in memory_["chunks"] if c["kind"] == "t"]
    assert len(texts) >= 3
    stored = [line for c in texts for line in _Store(folder).lines(c).split("\n")]
    assert len(stored) == len(set(stored)) and "第7页第59行 公开内容" in stored
    assert "<p>第7页第59行 公开内容</p>" not in stored and "<p>" in stored  # the plain view as its text and tags
    assert sum(c["chars"] for c in texts) == sum(map(len, stored)) + len(stored)
    # a later build: known lines are not stored again, a new secret is found in the stored ones
    (site / "new.html").write_text(pages["p3.html"], encoding="utf-8")
    leaks, again = check(site, SECRETS, _all(site) - {"new.html"}, memory_, folder, "v1")
    assert leaks == [] and again["chunks"] == memory_["chunks"]
    leaks, _ = check(site, {**SECRETS, "n (id=PEN-9)": ["金山"]}, _all(site), memory_, folder, "v1")
    assert [l.file for l in leaks] == ["p7.html"]


@pytest.mark.usefixtures("both_ways")
def test_secrets_looked_for_a_group_at_a_time_find_what_all_at_once_find(tmp_path, monkeypatch):
    from gate import memory
    from gate.memory import check

    many = {f"r{i} (id=PEN-{i})": [f"甄{i:05d}翀", f"13{i:09d}"] for i in range(40)}
    secrets = {**SECRETS, **many}
    blob = b"\x00\x8f\xff" + "甄00031翀".encode("gb18030") + b"\x93\xfe"
    sites = {
        "clean": {"a.html": PUBLIC, "b.json": json.dumps({"x": "公开"}), "p.bin": b"\x00\x8f\xff\x93"},
        "text": {"a.html": PUBLIC + "<p>甄0003<b>7翀</b></p>", "p.bin": b"\x00\x8f\xff\x93"},
        "binary": {"a.html": PUBLIC, "p.bin": blob},
    }
    for group in (1, 7, 1000):
        monkeypatch.setattr(memory, "GROUP_KEYS", group)
        for label, files in sites.items():
            site = _site(tmp_path / f"{group}-{label}", files)
            leaks, _ = check(site, secrets, set(), None, tmp_path / f"{group}-{label}-gate", "v1")
            expect = {"clean": [], "text": [("a.html", "r37 (id=PEN-37)")], "binary": [("p.bin", "r31 (id=PEN-31)")]}
            assert [(l.file, l.record) for l in leaks] == expect[label], (group, label)
        # a secret new to a build, found in the stored lines of a kept page, whatever its group
        site, folder, memory_ = _online(tmp_path / f"{group}-kept", {"a.html": PUBLIC + "<p>鞠甄00039翀</p>"}, SECRETS)
        leaks, _ = check(site, secrets, _all(site), memory_, folder, "v1")
        assert [(l.file, l.record) for l in leaks] == [("a.html", "r39 (id=PEN-39)")], group


def test_full_scan_reads_a_large_file_in_pieces_and_reports_a_leak_once(tmp_path, monkeypatch):
    from gate import scan

    monkeypatch.setattr(scan, "PIECE_BYTES", 4000)
    monkeypatch.setattr(scan, "OVERLAP_CHARS", 2000)
    # the secret sits just before the first cut, inside what the second piece repeats
    text = _cut_at(["<p>联系人张三丰</p>", "<p>身份证35010219900512123X</p>", "<p>第二段</p>"], 4000, "第二段</p>")
    site = _site(tmp_path, {"data/big.json": text, "index.html": PUBLIC})
    with open(site / "data/big.json", "rb") as f:
        pieces = [t for _, t in scan.texts(f, "data/big.json")]
    assert len(pieces) >= 2 and all("张三丰" in p for p in pieces[:2])
    leaks = scan_site(site, SECRETS)
    assert [(l.file, l.record, l.what) for l in leaks] == [
        ("data/big.json", "samples/x.yaml (id=PEN-1)", "personal string")] * 2  # the name and the ID, once each
    assert sum("张＊＊" in l.excerpt for l in leaks) == 1 and sum("3" + "＊" * 17 in l.excerpt for l in leaks) == 1


def test_full_scan_of_binary_files_finds_secrets_bytes_with_or_without_its_automaton(tmp_path, monkeypatch):
    from gate import memory

    blob = b"\x00\x8f\xff" + "甄翀珝琤".encode("gb18030") + b"\x93\xfe"
    multi = b"\x00\x8f" + "华林小区\n5号楼".encode("utf-8") + b"\xfe"
    site = _site(tmp_path, {"a.bin": blob, "b.bin": b"\x00\x8f\xff\x93" * 10, "c.bin": multi, "index.html": PUBLIC})
    for budget in (200_000, 0):  # 0: the byte search gives up, the automaton decides
        monkeypatch.setattr(memory._BinaryKeys, "BUDGET", budget)
        leaks = scan_site(site, {**SECRETS, "n (id=PEN-8)": ["甄翀珝琤"]})
        assert [(l.file, l.record) for l in leaks] == [("a.bin", "n (id=PEN-8)")]
        leaks = scan_site(site, {**SECRETS, "r (id=PEN-7)": ["华林小区\n5号楼", "甄翀珝琤"]})
        assert sorted((l.file, l.record) for l in leaks) == [("a.bin", "r (id=PEN-7)"), ("c.bin", "r (id=PEN-7)")]
    # a valid ID in a binary file is found either way
    (site / "d.bin").write_bytes(b"\x00\x8f id 350102199005121231 \xfe")
    assert [(l.file, l.what) for l in scan_site(site, SECRETS)] == [("d.bin", "resident_id")]


# -- secrets inside the public names of organisations and sole proprietors (gate/public_names.py)

INN = "福州市晋安区方斌客栈"  # a sole proprietor, a party of one decision (the 30k sample build)
RECEPTIONIST = {"penalty/PEN-2026-006862.json (id=PEN-2026-006862)": ["方斌", "服务员方斌对此"]}


def test_a_secret_inside_a_longer_public_name_is_passed_over_only_there():
    from gate.public_names import PublicNames

    names = PublicNames([INN, "方斌"], ["方斌", "晋安区"])  # a name no longer than the secret passes nothing
    page = f"被处罚单位：{INN}（个体工商户）。前台服务员方斌对此予以证实。"
    found = [(s, s + len(k)) for k in ("方斌",) for s in range(len(page)) if page.startswith(k, s)]
    assert [names.covers(page, s, e) for s, e in found] == [True, False]
    assert names.covers(page, page.index("晋安区"), page.index("晋安区") + 3)
    assert not names.covers("方斌客栈", 0, 2)  # not the whole public name there


def test_scan_site_passes_over_a_secret_inside_a_public_name(tmp_path):
    site = _site(tmp_path, {"a.html": PUBLIC + f"<p>被处罚单位：{INN}（个体工商户）</p>"})
    assert [l.record for l in scan_site(site, RECEPTIONIST)] == list(RECEPTIONIST)  # without the names
    assert scan_site(site, RECEPTIONIST, public_names={INN}) == []
    # the same secret anywhere else on the page is a leak as before
    (site / "a.html").write_text(PUBLIC + f"<p>{INN}</p><p>证人方斌</p>", encoding="utf-8")
    assert [l.record for l in scan_site(site, RECEPTIONIST, public_names={INN})] == list(RECEPTIONIST)


@pytest.mark.usefixtures("both_ways")
def test_memory_check_passes_over_a_secret_inside_a_public_name_in_every_path(tmp_path, monkeypatch):
    """The automaton over new lines, the grouped search of stored lines (over GROUP_KEYS
    secrets: a 100k build), and a secret new to a build looked for in a kept page."""
    from gate import memory
    from gate.memory import check

    secrets = {**SECRETS, **RECEPTIONIST}
    inn = {"a.html": PUBLIC + f"<p>被处罚单位：{INN}（个体工商户）</p>"}
    leak = {"a.html": PUBLIC + f"<p>{INN}</p><p>前台服务员方斌对此予以证实</p>"}
    for group in (1, 1000):
        monkeypatch.setattr(memory, "GROUP_KEYS", group)
        leaks, _ = check(_site(tmp_path / f"{group}-inn", inn), secrets, set(), None, tmp_path / f"{group}-g1", "v1",
                         public_names={INN})
        assert leaks == [], group
        leaks, _ = check(_site(tmp_path / f"{group}-none", inn), secrets, set(), None, tmp_path / f"{group}-g2", "v1")
        assert [l.record for l in leaks] == list(RECEPTIONIST), group
        leaks, _ = check(_site(tmp_path / f"{group}-leak", leak), secrets, set(), None, tmp_path / f"{group}-g3", "v1",
                         public_names={INN})
        assert {l.record for l in leaks} == set(RECEPTIONIST), group
        # the receptionist's decision is new; the inn's page is kept from the site online
        site, folder, memory_ = _online(tmp_path / f"{group}-kept", inn, SECRETS)
        leaks, _ = check(site, secrets, _all(site), memory_, folder, "v1", public_names={INN})
        assert leaks == [], group


def test_public_names_are_worked_out_only_once_a_secret_is_found():
    """Most builds find no secret anywhere: they pay nothing for the public names."""
    from gate.public_names import PublicNames

    asked = []
    names = PublicNames.of([INN], lambda: asked.append(1) or "方斌\n晋安区")
    assert not names.leak(PUBLIC, iter(())) and asked == []
    page = f"被处罚单位：{INN}。前台服务员方斌对此予以证实。"
    at = page.index(INN) + 6
    assert not names.leak(page, iter([(at, at + 2, "方斌")])) and asked == [1]
    assert names.leak(page, iter([(page.rindex("方斌"), page.rindex("方斌") + 2, "方斌")])) and asked == [1]


def test_a_long_scan_has_a_process_reading_ahead_and_the_same_answer(tmp_path, monkeypatch):
    """gate.scan.ReadAhead: for a scan of MIN_FILES or more a small process of its own asks the
    kernel for the next files (the paths sent through a pipe as the scan goes); it ends with the
    scan, and the gate's answer is the one without it. A path that cannot be opened is left to
    the scan; a short scan starts no process."""
    import subprocess
    import sys

    from gate import scan
    from gate.memory import check
    from gate.scan import ReadAhead

    site, folder, memory = _online(tmp_path, {"a.html": PUBLIC + "<p>金山公园</p>", "b.html": PUBLIC}, SECRETS)
    for i in range(40):
        (site / f"p{i}.html").write_text(PUBLIC + f"<p>第{i}页</p>", encoding="utf-8")
    (site / "c.html").write_text(PUBLIC + "\n<p>证人李四光</p>\n", encoding="utf-8")
    new = {**SECRETS, "n (id=PEN-9)": ["李四光"]}
    expected = check(site, new, {"a.html", "b.html"}, memory, folder, "v1")
    started = []
    real = subprocess.Popen

    def popen(*args, **kwargs):
        started.append(real(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(subprocess, "Popen", popen)
    monkeypatch.setattr(ReadAhead, "MIN_FILES", 10)
    monkeypatch.setattr(ReadAhead, "AHEAD", 8)
    monkeypatch.setattr(ReadAhead, "STEP", 4)
    sent = []
    real_send = ReadAhead._send
    monkeypatch.setattr(ReadAhead, "_send", lambda self, start, end: (sent.append((start, end)), real_send(self, start, end)))
    got = check(site, new, {"a.html", "b.html"}, memory, folder, "v1")
    # the first 8 at once, then 4 more each 4 the scan reads, 8 ahead of it
    assert sent[:3] == [(0, 8), (8, 12), (12, 16)]
    assert [l.file for l in got[0]] == [l.file for l in expected[0]] == ["c.html"]
    assert sorted(got[1]["secrets"]) == sorted(expected[1]["secrets"]) and got[1]["files"] == expected[1]["files"]
    # one for the memory check, one for the full scan its hit sends the gate to; each ended with its scan
    assert len(started) == 2 and all(p.returncode is not None for p in started)
    with ReadAhead(["x"] * 9) as ahead:  # short: read as it comes
        assert ahead.helper is None
    # the helper itself: every line a path, one that cannot be opened passed over
    done = subprocess.run([sys.executable, "-I", "-S", "-c", scan._ADVISE],
                          input=f"{site / 'a.html'}\n{tmp_path / 'missing'}\n{site / 'b.html'}\n".encode())
    assert done.returncode == 0


def test_stored_views_keep_every_occurrence_the_plain_view_has():
    """What the memory keeps of a text with tags (its stripped view and what that drops) holds
    every string without "<", ">" or a line break that the plain view holds; the views are the
    plain text and, where it has tags, the text with cells made line breaks and tags removed."""
    import random

    from gate.scan import _CELL, _TAG, _plain, stored_views

    rnd = random.Random(11)
    parts = ["<", ">", "td", "p", "b", " ", "x", "张", "三", "\n", "/", "<td>", "</p>", "<b>", "'", "=",
             "<br/>", "<i a='<td>'>", "&lt;", "<P\n>", "<span title=\"张三", "\">"]
    for _ in range(6000):
        text = "".join(rnd.choice(parts) for _ in range(rnd.randint(0, 30)))
        viewed, dropped = stored_views(text)
        plain = _plain(text)
        stripped = _TAG.sub("", _CELL.sub("\n", plain))  # the stripped view's definition
        assert [v for v, _ in viewed] == ([plain, stripped] if stripped != plain else [plain]), text
        kept = [line for v, keep in viewed if keep for line in v.split("\n")] + dropped.split("\n")
        for i in range(len(plain)):
            for j in range(i + 1, min(len(plain), i + 6) + 1):
                k = plain[i:j]
                if any(c in k for c in "<>\n"):
                    break
                assert any(k in line for line in kept), (text, k)


@pytest.mark.usefixtures("both_ways")
def test_new_secret_in_a_kept_page_found_in_its_tags_or_its_text(tmp_path):
    """The memory keeps a page's stripped view and tags, not its plain view: a secret that
    becomes known later is found in an attribute, across an inline tag, and in a cell."""
    from gate.memory import _Store, check

    page = ('<p title="王五六">公开</p>\n<p>赵<b>七八</b>说</p>\n<table><tr><td>钱九十</td><td>1</td></tr></table>\n'
            '<a href="/s?q=孙一\n二三">链接</a>\n')
    site, folder, memory_ = _online(tmp_path, {"a.html": page, "b.html": PUBLIC}, SECRETS)
    stored = {line for c in memory_["chunks"] if c["kind"] == "t" for line in _Store(folder).lines(c).split("\n")}
    assert '<p title="王五六">公开</p>' not in stored and '<p title="王五六">' in stored and "赵七八说" in stored
    for new in ("王五六", "赵七八", "钱九十", "孙一", "二三"):
        leaks, _ = check(site, {**SECRETS, "n (id=PEN-9)": [new]}, _all(site), memory_, folder, "v1")
        assert [l.file for l in leaks] == ["a.html"], new
    assert check(site, {**SECRETS, "n (id=PEN-9)": ["五六公"]}, _all(site), memory_, folder, "v1")[0] == []


@pytest.mark.usefixtures("both_ways")
def test_open_data_file_written_again_is_scanned_for_its_new_lines(tmp_path, monkeypatch):
    """A large .json or .csv file that a build writes again is compared with the one online: the
    lines that one has are known, the others are scanned, for every secret and pattern, and a
    new secret in a line of the online file is still found (in the stored lines)."""
    import json
    import shutil

    from gate import memory
    from gate.memory import _Store, check

    monkeypatch.setattr(memory, "LINE_DIFF_BYTES", (200, 1 << 20))
    used = []
    real = memory._lines_not_online
    monkeypatch.setattr(memory, "_lines_not_online", lambda *a: used.append(real(*a)) or used[-1])
    rows = [{"decision_no": f"榕公行罚决字〔2026〕{i}号", "party": "张某甲", "note": "联系人王五六" if i == 7 else "公开"}
            for i in range(40)]
    big = json.dumps({"rows": rows}, ensure_ascii=False, indent=1)
    online, folder, memory_ = _online(tmp_path, {"data/big.json": big, "index.html": PUBLIC}, SECRETS)

    def build(text, secrets=SECRETS, name="staging"):
        staging = tmp_path / name
        shutil.rmtree(staging, ignore_errors=True)
        _site(staging, {"data/big.json": text})
        return check(staging, secrets, {"index.html"}, memory_, folder, "v1", online=online)

    grown = json.dumps({"rows": rows + [{"decision_no": "新", "party": "李某", "note": "公开 新的一行"}]},
                       ensure_ascii=False, indent=1)
    leaks, after = build(grown)
    assert leaks == [] and used[-1] is not None and "公开 新的一行" in used[-1] and "张某甲" not in used[-1]
    new_chunks = [c for c in after["chunks"] if c not in memory_["chunks"]]
    assert '   "note": "公开 新的一行"' in {line for c in new_chunks for line in _Store(folder).lines(c).split("\n")}
    for added, what in (("联系人张三丰", "personal string"), ("电话13912345678", "mobile")):
        leaks, _ = build(grown.replace("公开 新的一行", added))
        assert used[-1] is not None and [(l.file, l.what) for l in leaks] == [("data/big.json", what)], added
    leaks, _ = build(grown, {**SECRETS, "n (id=PEN-9)": ["王五六"]})  # in a line the online file has
    assert [l.file for l in leaks] == ["data/big.json"]
    # read whole: a character reference, or a file online that is not the one the gate scanned
    for text in (grown.replace("公开 新的一行", "A&amp;B 张三丰"), grown.replace("公开 新的一行", "<b>张三丰</b>")):
        leaks, _ = build(text)
        assert used[-1] is None and [l.file for l in leaks] == ["data/big.json"]
    (online / "data/big.json").write_text(big.replace("公开", "张三丰", 1), encoding="utf-8")
    leaks, _ = build(big.replace("公开", "张三丰", 1))
    assert used[-1] is None and [l.file for l in leaks] == ["data/big.json"]


@pytest.mark.usefixtures("both_ways")
def test_daily_chunks_are_merged_and_stay_searched(tmp_path, monkeypatch):
    """Past CHUNKS_MAX // 2 chunks, the small ones of each kind are merged: the memory does not
    go stale from daily builds alone, and a line of an early day is still found and known."""
    from gate import memory
    from gate.memory import _Store, _stale, check

    monkeypatch.setattr(memory, "CHUNKS_MAX", 6)
    site, folder, memory_ = _online(tmp_path, {"index.html": PUBLIC, "p.bin": b"\x00\x8f\xff" * 40}, SECRETS)
    for day in range(8):  # a page and a binary file a day, each a chunk of its kind
        (site / f"day{day}.html").write_text(f"<p>第{day}天 公开内容 金山{day}号</p>", encoding="utf-8")
        (site / f"day{day}.bin").write_bytes(b"\x00\xfe" * 8 + f"第{day}天".encode() + b"\x01" * 9)
        kept = _all(site) - {f"day{day}.html", f"day{day}.bin"}
        leaks, memory_ = check(site, SECRETS, kept, memory_, folder, "v1")
        assert leaks == [] and len(memory_["chunks"]) <= 3 + 2 and not _stale(memory_), day
    stored = {line for c in memory_["chunks"] if c["kind"] == "t" for line in _Store(folder).lines(c).split("\n")}
    assert {f"第{day}天 公开内容 金山{day}号" for day in range(8)} <= stored
    leaks, again = check(site, SECRETS, _all(site) - {"day0.html"}, memory_, folder, "v1")
    assert leaks == [] and again["chunks"] == memory_["chunks"]  # day0.html read again: all its lines known
    leaks, _ = check(site, {**SECRETS, "n (id=PEN-9)": ["金山0号"]}, _all(site), memory_, folder, "v1")
    assert [l.file for l in leaks] == ["day0.html"]


@pytest.mark.usefixtures("both_ways")
def test_binary_lines_of_files_gone_are_dropped_at_a_refresh(tmp_path, monkeypatch):
    """A binary file written again every day leaves its old bytes in the memory; once they
    outgrow the last refresh, the site's binary files are read again and only theirs are kept,
    and a new secret in a binary file kept unread since is still found."""
    from gate import memory
    from gate.memory import _Store, check

    monkeypatch.setattr(memory, "BINARY_SLACK", 100)
    name = "欧阳明华".encode("utf-8")
    kept_blob = b"\x00\x8f\xff" * 30 + name + b"\x93\xfe" * 10
    site, folder, memory_ = _online(tmp_path, {"index.html": PUBLIC, "progress/kept.bin": kept_blob,
                                                "search/recent.bin": b"\x8f" * 60}, SECRETS)
    assert memory_["binary_files"] == ["progress/kept.bin", "search/recent.bin"]

    def binary_stored():
        return b"\n".join(_Store(folder).raw(c) for c in memory_["chunks"] if c["kind"] == "b")

    refreshed = False
    for day in range(6):
        (site / "search/recent.bin").write_bytes(bytes([0x90 + day]) * 60)  # yesterday's bytes go
        leaks, memory_ = check(site, SECRETS, _all(site) - {"search/recent.bin"}, memory_, folder, "v1")
        assert leaks == []
        if b"\x8f" * 60 not in binary_stored():
            refreshed = True
            break
    assert refreshed and day >= 2 and bytes([0x90 + day]) * 60 in binary_stored() and kept_blob in binary_stored()
    assert bytes([0x90 + day - 1]) * 60 not in binary_stored()
    assert memory_["binary_files"] == ["progress/kept.bin", "search/recent.bin"]
    leaks, _ = check(site, {**SECRETS, "n (id=PEN-9)": ["欧阳明华"]}, _all(site), memory_, folder, "v1")
    assert [l.file for l in leaks] == ["progress/kept.bin"]
