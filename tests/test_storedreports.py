"""Stored reports read on demand (``storedreports``): a load from the parse pack gives the very
reports a fresh load gives, reads no report's heavy part (data, text, sentences …) for what an
incremental build reads of every report, and never serves a stale or damaged pack's result."""

from __future__ import annotations

import errno
import pickle
import shutil
from dataclasses import fields
from pathlib import Path

import pytest

from portal.build import _warnings
from portal.buildcache import PACK, Inputs, ParseStore, code_version, ranked, site_facts
from portal.errors import describe_os_error
from portal.load import load_content
from portal.model import Report, Site
from portal.settings import resolve_address
from portal.storedreports import LENGTH_BYTES, LIGHT, MAGIC, StoredReport
from tests.conftest import drop_original

PROPERTIES = (*(f.name for f in fields(Report)), *LIGHT, "failing_checks", "unconfirmed_failures", "narrative")


def _load(content: Path, cache: Path) -> tuple[Site, ParseStore]:
    store = ParseStore(cache, code_version())
    site = load_content(content, cache=store)
    return site, store


def _same(a: Site, b: Site) -> None:
    assert [r.key for r in a.reports] == [r.key for r in b.reports]
    for x, y in zip(a.reports, b.reports, strict=True):
        for name in PROPERTIES:
            assert getattr(x, name) == getattr(y, name), (x.url, name)


def _unread(site: Site) -> list[str]:
    """The reports whose heavy part is still pickled (nothing asked for their data or text yet)."""
    return [r.url for r in site.reports if r.__dict__["_body"]._parts is None]


@pytest.fixture()
def stored(scratch_content: Path, tmp_path: Path) -> Path:
    """The real content's parse pack, written by a first load."""
    cache = tmp_path / "cache"
    store = _load(scratch_content, cache)[1]
    store.save()
    return cache


def test_a_stored_load_is_a_fresh_load_and_reads_no_heavy_part(scratch_content: Path, stored: Path) -> None:
    site, store = _load(scratch_content, stored)
    assert store.hits == len(site.reports) == 19
    assert all(type(r) is StoredReport for r in site.reports)
    # what an incremental build reads of every report: warnings, site facts, the rankings' keys
    address = resolve_address(scratch_content)
    warnings = _warnings(site, address)
    facts, ranks = site_facts(site), ranked(site, set(site.years))
    Inputs.of(scratch_content, store.version, address.url, store.files, facts)
    assert len(_unread(site)) == 19
    fresh = load_content(scratch_content)
    assert type(fresh.reports[0]) is Report
    assert (_warnings(fresh, address), site_facts(fresh), ranked(fresh, set(fresh.years))) == (warnings, facts, ranks)
    weihai = site.report("weihai-torch-hitech-zone", 2023)  # its table 3 read: that report's part only
    assert weihai is not None and weihai.table3 is not None and weihai.table3["new"] == [26, 0, 0, 0, 0, 0, 26]
    assert _unread(site) == [r.url for r in site.reports if r is not weihai]
    _same(site, fresh)


def test_a_stored_report_pickles_as_a_plain_one(scratch_content: Path, stored: Path) -> None:
    site, _ = _load(scratch_content, stored)
    report = site.reports[3]
    copy = pickle.loads(pickle.dumps(report))
    assert type(copy) is Report
    for name in PROPERTIES:
        assert getattr(copy, name) == getattr(report, name), name


def test_an_edited_source_text_is_read_again_not_served_from_the_pack(scratch_content: Path, stored: Path) -> None:
    report = _load(scratch_content, stored)[0].reports[0]
    drop_original(report.yaml_path)  # the text will no longer be the file as retrieved
    _load(scratch_content, stored)[1].save()  # that YAML file stored: only its text changes below
    edited = report.text.replace("政府信息公开", "政府信息公开（改）", 1)
    assert edited != report.text
    report.source_path.write_text(edited, encoding="utf-8")
    again, store = _load(scratch_content, stored)
    assert store.hits == 18 and again.reports[0].text == edited
    assert type(again.reports[0]) is Report  # parsed again, not stored


@pytest.mark.parametrize("damage", ["truncated", "emptied", "foreign", "length"])
def test_a_damaged_pack_is_only_a_miss(scratch_content: Path, stored: Path, damage: str) -> None:
    pack = stored / PACK
    data = pack.read_bytes()
    length = len(MAGIC)  # where the header's length is: damaged, the heavy parts would be read from elsewhere
    pack.write_bytes({"truncated": data[: len(data) - 100], "emptied": b"", "foreign": data[1:],
                      "length": data[:length] + b"\xff" + data[length + 1:]}[damage])
    site, store = _load(scratch_content, stored)
    assert store.hits == 0
    _same(site, load_content(scratch_content))


def test_a_report_damaged_on_disk_is_a_failed_read_of_the_pack_not_a_defect(scratch_content: Path,
                                                                            stored: Path) -> None:
    """The header and lengths are checked when the pack is read, a report's heavy bytes only when it
    is: damaged there, reading it is a failed read naming the pack (the CLI says it as the machine's
    fault, with what to do), and the other reports are as a fresh load gives them."""
    pack = stored / PACK
    data = bytearray(pack.read_bytes())
    heavy = len(MAGIC) + LENGTH_BYTES + int.from_bytes(data[len(MAGIC):len(MAGIC) + LENGTH_BYTES], "little")
    data[heavy:heavy + 4] = b"\xff" * 4  # the first stored report's pickle, no longer one
    pack.write_bytes(bytes(data))
    site, store = _load(scratch_content, stored)
    assert store.hits == 19
    fresh = {r.key: r for r in load_content(scratch_content).reports}
    failed = []
    for report in site.reports:
        try:
            assert report.data == fresh[report.key].data
        except OSError as exc:
            failed.append(report.key)
            assert (exc.errno, exc.filename) == (errno.EIO, str(pack))
            assert "--full" in describe_os_error(exc)
    assert len(failed) == 1


def test_a_pack_replaced_meanwhile_does_not_change_a_loaded_site(scratch_content: Path, stored: Path,
                                                                 tmp_path: Path) -> None:
    """Another build's ``save`` renames a new pack over the one this build mapped: its reports still
    read the bytes they were loaded from."""
    site, _ = _load(scratch_content, stored)
    other = tmp_path / "other"
    shutil.copytree(scratch_content, other)
    report = other / "reports" / "weihai-torch-hitech-zone" / "2023.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("title: ", "title: 另一", 1), encoding="utf-8")
    store = ParseStore(stored, code_version(), trust=False)  # ``--full``: the whole pack written again
    load_content(other, cache=store)
    store.save()
    assert _load(other, stored)[0].report("weihai-torch-hitech-zone", 2023).title.startswith("另一")
    _same(site, load_content(scratch_content))
