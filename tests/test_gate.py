"""The leak gate finds planted leaks in every form and lets a clean site through."""
from __future__ import annotations

import gzip
import json
import zipfile

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
    for enc in ("utf-8", "gb18030"):
        blob = b"\x00\x8f\xff" + "张三丰".encode(enc) + b"\x93\xfe"
        site = _site(tmp_path / enc, {"data.bin": blob})
        assert [l.record for l in scan_site(site, SECRETS)] == ["samples/x.yaml (id=PEN-1)"], enc


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
