"""The progress stage: derivation, padding, decoys, determinism, expiry, and no clear text."""
from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import stat

import pytest
from cryptography.exceptions import InvalidTag

from progress import ProgressResult, publish_progress
from progress.config import ProgressConfig, ProgressConfigError
from progress.decoys import power_of_ten_at_least
from progress.derive import aes_key, derive_master, file_name, normalise
from progress.seal import OVERHEAD, unseal
from progress.secret import SiteSecret
from records.model import ProgressEvent, ProgressRecord, Source

TZ = datetime.timezone(datetime.timedelta(hours=8))
TODAY = datetime.date(2026, 11, 1)
SIZES = (1024, 4096, 16384)
WEAK = {"PROGRESS_ITERATIONS": 1000, "PROGRESS_ALLOW_WEAK": True, "PROGRESS_MIN_FILES": 10}
ID_NUMBER = "350102199001011234"
PHONE = "13800138000"


def at(day: str, hm: str = "09:30") -> datetime.datetime:
    return datetime.datetime.fromisoformat(f"{day}T{hm}:00").replace(tzinfo=TZ)


def record(case_no="A3501025000002026100045", code="K7QM-2XHD", events=None, **kw) -> ProgressRecord:
    events = events or [
        ProgressEvent(at("2026-10-01"), "received", f"报案人（身份证号{ID_NUMBER}，电话{PHONE}）称其电动车被盗。"),
        ProgressEvent(at("2026-10-02"), "accepted", "已受案"),
        ProgressEvent(at("2026-10-05", "15:00"), "investigating", None),
    ]
    return ProgressRecord(case_no=case_no, query_code=code, case_type="administrative",
                          authority="福州市公安局鼓楼分局", events=events,
                          source=Source("exports/progress.yaml", 0), contact_phone="0591-87000000", **kw)


def build(records, tmp_path, site="site", today=TODAY, online=None, went_online=True, **settings) -> ProgressResult:
    """The stage into `site`. With `online`, as pipeline.build runs it over a site online: the
    stage writes what changes into the build's folder and the swap (pipeline/swap.py) moves that
    into the site online. Here the site online is first copied into `site` as hard links (the very
    files), so that `online` stays as it was to compare with; with `went_online=False` the gate
    stopped the build: nothing is moved and `site` stays that copy."""
    if online is None:
        return publish_progress(records, tmp_path / site, tmp_path / "state", today=today,
                                settings={**WEAK, **settings})
    import os

    from pipeline import swap

    target = tmp_path / site
    for path in sorted(online.rglob("*")):
        if path.is_file():
            (target / path.relative_to(online)).parent.mkdir(parents=True, exist_ok=True)
            os.link(path, target / path.relative_to(online))
    staging = tmp_path / f".{site}.building"
    result = publish_progress(records, staging, tmp_path / "state", today=today, settings={**WEAK, **settings},
                              online=target)
    if went_online:
        swap.apply(staging, target, set(result.kept))
        if result.after_swap is not None:
            result.after_swap()
    return result


def params_of(site):
    return json.loads((site / "progress" / "params.json").read_text())


def open_record(site, case_no, code):
    """What the browser does, in Python: derive, find the file, decrypt."""
    p = params_of(site)
    import base64

    master = derive_master(case_no, code, base64.b64decode(p["salt"]), p["iterations"])
    path = site / "progress" / (file_name(master) + ".bin")
    return unseal(path.read_bytes(), aes_key(master)) if path.exists() else None


def tree(site):
    return {p.name: p.read_bytes() for p in sorted((site / "progress").iterdir())}


@pytest.mark.parametrize("typed, expected", [
    ("K7QM-2XHD", "K7QM2XHD"),
    ("k7qm 2xhd", "K7QM2XHD"),
    (" k7qm\t2xhd\n", "K7QM2XHD"),
    ("Ｋ７ＱＭ－２ＸＨＤ", "K7QM2XHD"),  # full-width, as typed with a Chinese IME
    ("K7QM\u30002XHD", "K7QM2XHD"),  # ideographic space
    ("K7QM—2XHD", "K7QM2XHD"),  # em dash
    ("K7QM\u20112XHD", "K7QM2XHD"),  # non-breaking hyphen
    ("A3501025000002026100045", "A3501025000002026100045"),
    ("K7QM_2XHD", "K7QM_2XHD"),  # no match: only spaces and dashes go
])
def test_normalise(typed, expected):
    assert normalise(typed) == expected


def _hkdf(master: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 written out, to check the library call against."""
    prk = hmac.new(b"\0" * 32, master, hashlib.sha256).digest()
    okm, block, i = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([i]), hashlib.sha256).digest()
        okm, i = okm + block, i + 1
    return okm[:length]


def test_derivation_is_pbkdf2_then_two_hkdf_expansions():
    salt = bytes(range(16))
    master = derive_master("a350-1025", "k7qm 2xhd", salt, 1000)
    assert master == hashlib.pbkdf2_hmac("sha256", b"A3501025\nK7QM2XHD", salt, 1000, 32)
    assert file_name(master) == _hkdf(master, b"progress/name/v1", 16).hex()
    assert aes_key(master) == _hkdf(master, b"progress/key/v1", 32)
    assert file_name(master) != aes_key(master)[:16].hex()


def test_iterations_below_owasp_are_refused_outside_tests():
    with pytest.raises(ProgressConfigError, match="600000"):
        ProgressConfig.from_settings({"PROGRESS_ITERATIONS": 100_000})
    assert ProgressConfig.from_settings({}).iterations == 600_000
    assert ProgressConfig.from_settings(WEAK).iterations == 1000


def test_python_decrypt_gives_the_record_with_labels_and_redacted_notes(tmp_path):
    result = build([record()], tmp_path)
    doc = open_record(tmp_path / "site", "a3501025000002026100045", "k7qm2xhd")
    assert result.files == 1
    assert doc["case_no"] == "A3501025000002026100045"
    assert doc["case_type"] == "行政案件"
    assert (doc["authority"], doc["contact_phone"]) == ("福州市公安局鼓楼分局", "0591-87000000")
    assert [e["stage"] for e in doc["events"]] == ["接报", "受案", "调查取证"]
    assert doc["events"][0]["at"] == "2026-10-01T09:30:00+08:00"
    assert ID_NUMBER not in doc["events"][0]["note"] and PHONE not in doc["events"][0]["note"]
    assert doc["events"][1]["note"] == "已受案"
    assert doc["events"][2]["note"] is None


def test_wrong_code_and_unknown_case_find_nothing(tmp_path):
    build([record()], tmp_path)
    assert open_record(tmp_path / "site", "A3501025000002026100045", "K7QM2XHE") is None
    assert open_record(tmp_path / "site", "A3501025000002026100046", "K7QM2XHD") is None


def test_a_wrong_key_cannot_open_a_file(tmp_path):
    build([record()], tmp_path)
    data = next(p for p in (tmp_path / "site" / "progress").glob("*.bin")).read_bytes()
    with pytest.raises(InvalidTag):
        unseal(data, bytes(32))


def test_every_file_is_one_bucket_long(tmp_path):
    long_notes = [ProgressEvent(at(f"2026-10-{d:02d}"), "investigating", "调查" * 400) for d in range(1, 4)]
    build([record(), record(code="ZZZZ0000", events=long_notes)], tmp_path)
    lengths = {len(b) for n, b in tree(tmp_path / "site").items() if n.endswith(".bin")}
    assert lengths == {s + OVERHEAD for s in SIZES}


@pytest.mark.parametrize("real, min_files, expected", [(1, 10, 10), (10, 10, 10), (11, 10, 100), (3, 1, 10), (0, 100, 100)])
def test_power_of_ten(real, min_files, expected):
    assert power_of_ten_at_least(max(real, min_files)) == expected


def test_decoys_fill_each_bucket_to_a_power_of_ten(tmp_path):
    records = [record(case_no=f"A35010250000020261{i:05d}", code=f"CODE{i:04d}") for i in range(12)]
    result = build(records, tmp_path)
    sizes = [len(b) - OVERHEAD for n, b in tree(tmp_path / "site").items() if n.endswith(".bin")]
    counts = {s: sizes.count(s) for s in SIZES}
    assert counts == {1024: 100, 4096: 10, 16384: 10}
    assert (result.files, result.decoys) == (12, 108)


def test_same_exports_same_state_same_day_give_identical_files(tmp_path):
    records = [record(), record(case_no="A3501025000002026100046", code="PQRS7777")]
    build(records, tmp_path, site="one")
    build(records, tmp_path, site="two")
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_another_state_gives_other_salt_names_and_bytes(tmp_path):
    publish_progress([record()], tmp_path / "one", tmp_path / "state1", today=TODAY, settings=WEAK)
    publish_progress([record()], tmp_path / "two", tmp_path / "state2", today=TODAY, settings=WEAK)
    assert params_of(tmp_path / "one")["salt"] != params_of(tmp_path / "two")["salt"]
    assert not set(tree(tmp_path / "one")) - {"params.json", "index.html"} & set(tree(tmp_path / "two"))


def test_a_changed_record_gets_a_fresh_iv_and_nothing_else_moves(tmp_path):
    other = record(case_no="A3501025000002026100046", code="PQRS7777")
    build([record(), other], tmp_path, site="one")
    changed = record()
    changed.events.append(ProgressEvent(at("2026-10-20"), "notified", None))
    build([changed, other], tmp_path, site="two")
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    moved = [n for n in one if one[n] != two[n]]
    assert len(moved) == 1
    assert one[moved[0]][:12] != two[moved[0]][:12]
    assert [e["stage"] for e in open_record(tmp_path / "two", changed.case_no, changed.query_code)["events"]][-1] == "告知拟处罚"


def test_closed_case_stays_readable_for_the_configured_time_then_goes(tmp_path):
    closed = record(events=[ProgressEvent(at("2026-01-05"), "accepted"), ProgressEvent(at("2026-03-01"), "closed")])
    last_day = datetime.date(2026, 3, 1) + datetime.timedelta(days=180)
    assert build([closed], tmp_path, site="in", today=last_day).files == 1
    assert open_record(tmp_path / "in", closed.case_no, closed.query_code) is not None
    gone = build([closed], tmp_path, site="in", today=last_day + datetime.timedelta(days=1))
    assert (gone.files, gone.expired) == (0, 1)
    assert open_record(tmp_path / "in", closed.case_no, closed.query_code) is None
    assert build([closed], tmp_path, site="in", today=last_day, PROGRESS_KEEP_CLOSED_DAYS=10).files == 0


def test_a_reopened_case_is_not_closed(tmp_path):
    reopened = record(events=[ProgressEvent(at("2025-01-05"), "closed"), ProgressEvent(at("2025-02-01"), "transferred")])
    assert build([reopened], tmp_path).files == 1


def test_no_case_number_code_or_note_in_clear_in_any_output_file(tmp_path):
    records = [record(), record(case_no="A3501025000002026100046", code="pqrs-7777")]
    result = build(records, tmp_path)
    secrets = [s for values in result.secrets.values() for s in values]
    for must in ("A3501025000002026100045", "K7QM2XHD", "k7qm2xhd", "K7QM-2XHD", "pqrs-7777", "PQRS7777", ID_NUMBER, PHONE):
        assert must in secrets
    assert any("电动车被盗" in s for s in secrets)
    for path in (p for p in (tmp_path / "site").rglob("*") if p.is_file()):
        data = path.read_bytes()
        for s in secrets:
            assert s.encode() not in data and s not in path.name, (path, s)
            assert s.encode("utf-16-le") not in data


def test_secrets_are_labelled_by_export_place_and_case(tmp_path):
    result = build([record()], tmp_path)
    assert list(result.secrets) == ["exports/progress.yaml 第1条 (case_no=A3501025000002026100045)"]


def test_warm_rebuild_pays_no_derivation_and_state_is_private(tmp_path):
    assert build([record()], tmp_path).derived == 1
    assert build([record()], tmp_path).derived == 0
    assert build([record()], tmp_path, PROGRESS_ITERATIONS=1001).derived == 1
    for name in ("secret", "cache", "notes"):
        assert stat.S_IMODE((tmp_path / "state" / "progress" / name).stat().st_mode) == 0o600


def test_a_damaged_cache_is_rebuilt(tmp_path):
    build([record()], tmp_path, site="one")
    (tmp_path / "state" / "progress" / "cache").write_bytes(b"garbage")
    assert build([record()], tmp_path, site="two").derived == 1
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_rebuild_in_place_leaves_no_stale_file(tmp_path):
    build([record(), record(code="OTHER123")], tmp_path)
    build([record()], tmp_path)
    assert open_record(tmp_path / "site", "A3501025000002026100045", "OTHER123") is None
    assert len(list((tmp_path / "site" / "progress").glob("*.bin"))) == 10 + 10 + 10


def test_params_are_public_and_carry_no_count(tmp_path):
    build([record()], tmp_path)
    p = params_of(tmp_path / "site")
    assert set(p) == {"version", "kdf", "salt", "iterations", "expand", "name_info", "key_info", "cipher", "ext"}
    assert p["salt"] != "" and p["iterations"] == 1000


def test_secret_is_created_once(tmp_path):
    first = SiteSecret.load_or_create(tmp_path).salt
    assert SiteSecret.load_or_create(tmp_path).salt == first


def test_full_work_factor_round_trip(tmp_path):
    """One real 600k derivation each way, as published."""
    result = publish_progress([record()], tmp_path / "site", tmp_path / "state", today=TODAY,
                              settings={"PROGRESS_MIN_FILES": 1})
    assert params_of(tmp_path / "site")["iterations"] == 600_000
    assert result.files == 1
    assert open_record(tmp_path / "site", "a3501025000002026100045", "k7qm 2xhd")["authority"] == "福州市公安局鼓楼分局"


def test_every_file_gets_fresh_bytes_on_its_refresh_day_and_keeps_its_name(tmp_path):
    from progress.seal import REFRESH_DAYS

    build([record()], tmp_path, site="one")
    build([record()], tmp_path, site="two", today=TODAY + datetime.timedelta(days=REFRESH_DAYS))
    one, two = tree(tmp_path / "one"), tree(tmp_path / "two")
    assert set(one) == set(two)
    assert all(one[n] != two[n] for n in one if n.endswith(".bin"))
    assert open_record(tmp_path / "two", "A3501025000002026100045", "K7QM2XHD") is not None


# -- warm builds: files of the site online are kept when their bytes are the ones wanted -----

def inodes(site):
    return {p.name: p.stat().st_ino for p in (site / "progress").glob("*.bin")}


def test_a_warm_build_keeps_every_file_of_the_site_online_and_gives_the_same_bytes(tmp_path):
    records = [record(), record(case_no="A3501025000002026100046", code="PQRS7777")]
    build(records, tmp_path, site="online")
    warm = build(records, tmp_path, site="new", online=tmp_path / "online")
    assert len(warm.kept) == warm.files + warm.decoys + 2 == 32  # and params.json, index.html
    assert inodes(tmp_path / "new") == inodes(tmp_path / "online")
    assert tree(tmp_path / "new") == tree(tmp_path / "online")
    assert warm.secrets == build(records, tmp_path, site="cold").secrets  # the gate's list is the same


def test_a_changed_record_is_sealed_afresh_while_the_rest_is_kept(tmp_path):
    other = record(case_no="A3501025000002026100046", code="PQRS7777")
    build([record(), other], tmp_path, site="online")
    changed = record()
    changed.events.append(ProgressEvent(at("2026-10-20"), "notified", None))
    warm = build([changed, other], tmp_path, site="new", online=tmp_path / "online")
    before, after = inodes(tmp_path / "online"), inodes(tmp_path / "new")
    moved = [n for n in after if after[n] != before.get(n)]
    assert len(moved) == 1 and len(warm.kept) == 31
    assert tree(tmp_path / "online")[moved[0]][:12] != tree(tmp_path / "new")[moved[0]][:12]  # a fresh IV
    assert open_record(tmp_path / "new", changed.case_no, changed.query_code)["events"][-1]["stage"] == "告知拟处罚"
    build([changed, other], tmp_path, site="cold")
    assert tree(tmp_path / "new") == tree(tmp_path / "cold")


def test_a_file_of_a_build_that_never_went_online_is_not_kept(tmp_path):
    """The gate stopped build B: the site online still holds the old bytes. Build C of the same
    records must seal again, not keep the old file."""
    build([record()], tmp_path, site="online")
    changed = record()
    changed.events.append(ProgressEvent(at("2026-10-20"), "notified", None))
    stopped = build([changed], tmp_path, site="stopped", online=tmp_path / "online", went_online=False)
    assert tree(tmp_path / "stopped") == tree(tmp_path / "online") and len(stopped.kept) == 31
    build([changed], tmp_path, site="next", online=tmp_path / "online")
    build([changed], tmp_path, site="cold")  # the same secret: what every build of `changed` writes
    assert tree(tmp_path / "next") == tree(tmp_path / "cold")
    assert open_record(tmp_path / "next", changed.case_no, changed.query_code)["events"][-1]["stage"] == "告知拟处罚"


def test_a_replaced_file_online_is_sealed_again(tmp_path):
    build([record()], tmp_path, site="online")
    wanted = tree(tmp_path / "online")
    victim = sorted((tmp_path / "online" / "progress").glob("*.bin"))[0]
    data = victim.read_bytes()
    import time

    time.sleep(0.05)  # folder times move in clock ticks of a few ms: a replacement within the tick would not show
    victim.unlink()
    victim.write_bytes(data[:-1] + bytes([data[-1] ^ 1]))  # most likely the same inode, other bytes
    warm = build([record()], tmp_path, site="new", online=tmp_path / "online")
    # the folder changed: nothing is trusted, every file is sealed again; those whose bytes are
    # the online file's are kept, the replaced one is not
    assert tree(tmp_path / "new") == wanted and f"progress/{victim.name}" not in warm.kept
    assert inodes(tmp_path / "new")[victim.name] != inodes(tmp_path / "online")[victim.name]


def test_warm_builds_keep_refresh_days_and_expiry(tmp_path):
    from progress.seal import REFRESH_DAYS

    closed = record(case_no="A3501025000002026100046", code="PQRS7777",
                    events=[ProgressEvent(at("2026-01-05"), "accepted"), ProgressEvent(at("2026-03-01"), "closed")])
    last_day = datetime.date(2026, 3, 1) + datetime.timedelta(days=180)
    assert build([record(), closed], tmp_path, site="a", today=last_day).files == 2
    gone = build([record(), closed], tmp_path, site="b", today=last_day + datetime.timedelta(days=1), online=tmp_path / "a")
    assert (gone.files, gone.expired) == (1, 1)
    assert open_record(tmp_path / "b", closed.case_no, closed.query_code) is None
    assert "PQRS7777" in [s for v in gone.secrets.values() for s in v]  # still in the gate's list
    later = build([record(), closed], tmp_path, site="c", today=last_day + datetime.timedelta(days=1 + REFRESH_DAYS),
                  online=tmp_path / "b")
    b, c = tree(tmp_path / "b"), tree(tmp_path / "c")
    assert set(b) == set(c) and all(b[n] != c[n] for n in b if n.endswith(".bin"))
    assert not [f for f in later.kept if f.endswith(".bin")]
    assert open_record(tmp_path / "c", record().case_no, record().query_code) is not None


def test_state_of_warm_builds_is_private(tmp_path):
    build([record()], tmp_path, site="online")
    build([record()], tmp_path, site="new", online=tmp_path / "online")
    assert stat.S_IMODE((tmp_path / "state" / "progress" / "written").stat().st_mode) == 0o600


def _five_cases_built_by_the_pipeline(tmp_path, monkeypatch, files):
    """Five progress records and a function that builds them with pipeline.build (staging folder,
    swap, the build's own linking of unchanged files afterwards) into one site, touching the
    export first so that every stage runs; `files(path)` is what it returns of each progress
    file. Returns (the seal calls so far, that function, the site)."""
    from pipeline import BuildOptions
    from pipeline import build as pipeline_build
    from progress import seal

    sealed = []
    real_seal = seal.seal
    monkeypatch.setattr(seal, "seal", lambda *a, **k: sealed.append(1) or real_seal(*a, **k))
    exports = tmp_path / "exports" / "progress"
    exports.mkdir(parents=True)
    docs = [{"kind": "progress", "case_no": f"A35010250000020261{i:05d}", "query_code": f"CODE{i:04d}",
             "case_type": "administrative", "authority": "福州市公安局鼓楼分局", "contact_phone": "0591-87000000",
             "events": [{"at": "2026-10-01T09:30:00+08:00", "stage": "received", "note": "已受案"}]} for i in range(5)]
    (exports / "batch-001.json").write_text(json.dumps(docs, ensure_ascii=False), "utf-8")
    site = tmp_path / "site"

    def run():
        (exports / "batch-001.json").touch()  # same bytes, a new time: the build runs every stage
        report = pipeline_build(BuildOptions(exports=tmp_path / "exports", output=site, state=tmp_path / "state",
                                             today=TODAY, settings=WEAK))
        assert report.swapped
        return {p.name: files(p) for p in (site / "progress").iterdir()}

    return sealed, run, site


def test_inside_real_builds_a_warm_build_seals_nothing_and_links_every_progress_file(tmp_path, monkeypatch):
    """The stage as pipeline.build runs it (staging folder, swap, the build's own linking of
    unchanged files afterwards, which must not disturb the folder): the second build and the
    third seal nothing and link all."""
    sealed, run, site = _five_cases_built_by_the_pipeline(
        tmp_path, monkeypatch, lambda p: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()))
    first = run()
    assert len(sealed) == 5
    assert run() == first and len(sealed) == 5
    assert run() == first and len(sealed) == 5
    assert open_record(site, "A3501025000002026100003", "code-0003")["events"][0]["stage"] == "接报"


def test_after_a_build_that_could_not_trust_the_folder_online_the_next_one_does(tmp_path, monkeypatch):
    """A build that cannot trust the progress folder online (changed since it was written: a
    restore, a copy) seals every file again. Those with the online bytes are linked by the stage
    itself: when the build linked them afterwards instead, the folder it went online with was not
    the one the stage recorded, and every later build sealed every file again too."""
    import time

    sealed, run, site = _five_cases_built_by_the_pipeline(
        tmp_path, monkeypatch, lambda p: (p.stat().st_ino, p.read_bytes()))
    first = run()
    time.sleep(0.05)  # folder times move in clock ticks of a few ms
    (site / "progress" / "stray").write_bytes(b"")
    (site / "progress" / "stray").unlink()
    assert run() == first and len(sealed) == 10, "sealed again, linked"
    assert run() == first and len(sealed) == 10, "trusted again"


def test_derivations_started_ahead_give_the_files_the_stage_gives_alone(tmp_path):
    """`derive_ahead` (started by the build as soon as the exports are read) fills the cache the
    stage then reads: the same files, the same count of derivations paid, and a closed record
    past its days is not derived at all; a record the ahead did not know (the stage's own
    settings) is derived by the stage."""
    from progress.publish import derive_ahead

    closed = record(case_no="A3501025000002026100099", code="OLD1-CODE", events=[
        ProgressEvent(at("2026-01-05"), "received", None), ProgressEvent(at("2026-01-06"), "closed", None)])
    records = [record(), record(case_no="A3501025000002026100046", code="ZZZZ-1111"), closed]
    alone = build(records, tmp_path, site="alone")
    settings = {**WEAK}
    ahead = derive_ahead(records, tmp_path / "state-ahead", TODAY, settings)
    assert ahead is not None
    result = publish_progress(records, tmp_path / "ahead", tmp_path / "state-ahead", today=TODAY, settings=settings,
                              ahead=ahead)
    assert tree(tmp_path / "alone") != {} and len(tree(tmp_path / "alone")) == len(tree(tmp_path / "ahead"))
    assert (result.derived, result.expired) == (alone.derived, alone.expired) == (2, 1)
    assert open_record(tmp_path / "ahead", "A3501025000002026100046", "ZZZZ-1111") is not None
    assert derive_ahead(records, tmp_path / "state-ahead", TODAY, settings) is None  # all in the cache now
    # an ahead of other settings: its derivations are of no use to the stage, which derives its own
    other = derive_ahead(records, tmp_path / "state-other", TODAY, {**WEAK, "PROGRESS_ITERATIONS": 1001})
    result = publish_progress(records, tmp_path / "other", tmp_path / "state-other", today=TODAY, settings=settings,
                              ahead=other)
    assert open_record(tmp_path / "other", "A3501025000002026100046", "ZZZZ-1111") is not None
    assert result.derived == 2
