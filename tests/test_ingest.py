"""`build.py ingest`: the five seeds come back as their reviewed numbers; files stay safe.

Every test works in a temporary copy of content/ with the real registry. The reviewed YAML
of each seed is the answer key: ingest must reproduce its agency, year, title, date, contact,
tables (or their absence, with the same reasons) and narrative figures.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.ingest import run
from portal.load import load_content
from portal.yamlwrite import dump, scalar

ROOT = Path(__file__).resolve().parent.parent
REVIEWED = sorted((ROOT / "content/reports").glob("*/*.yaml"))
SAME = ("agency", "year", "title", "published", "form", "contact", "missing_tables",
        "table2", "table3", "table4", "cells")


def files_under(path: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


@pytest.fixture
def full_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def incoming(tmp_path: Path, name: str, raw: bytes) -> Path:
    path = tmp_path / "incoming" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    return path


def seed(reviewed: Path, tmp_path: Path) -> tuple[dict, Path]:
    data = yaml.safe_load(reviewed.read_text(encoding="utf-8"))
    raw = reviewed.with_suffix(".txt").read_bytes()
    # a folder a report: archived pages all have the same file name (page.txt)
    return data, incoming(tmp_path, f"{data['agency']}-{data['year']}/{data['source']['original_name']}", raw)


@pytest.mark.parametrize("reviewed", REVIEWED, ids=lambda p: p.parent.name)
def test_seed_comes_back_as_reviewed(reviewed: Path, empty_content: Path, tmp_path: Path, capsys) -> None:
    expected, source = seed(reviewed, tmp_path)
    assert run([str(source), "--content", str(empty_content)]) == 0
    folder = empty_content / "reports" / expected["agency"]
    written = folder / f"{expected['year']}.yaml"
    text = written.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../../schema/report.schema.json\n")
    draft = yaml.safe_load(text)
    for key in SAME:
        assert draft[key] == expected[key], key
    assert draft["status"] == "draft"
    assert draft["source"] == expected["source"]
    # the source is stored byte for byte, and every quote is in it
    assert (folder / f"{expected['year']}.txt").read_bytes() == source.read_bytes()
    source_text = source.read_text(encoding="utf-8")
    figures = {(n["key"], n["value"], n["bound"], n.get("derivation")) for n in draft["narrative"]}
    assert figures == {(n["key"], n["value"], n["bound"], n.get("derivation")) for n in expected["narrative"]}
    assert all(n["quote"] in source_text for n in draft["narrative"])
    out = capsys.readouterr().out
    assert f"已写出 {written}" in out
    for reason in expected["missing_tables"].values():
        assert reason in out


def test_seed_002_tables_exact_and_a_draft_without_a_checks_snapshot(empty_content: Path, tmp_path: Path,
                                                                     capsys) -> None:
    expected, source = seed(ROOT / "content/reports/weihai-torch-hitech-zone/2023.yaml", tmp_path)
    run([str(source), "--content", str(empty_content)])
    written = empty_content / "reports/weihai-torch-hitech-zone/2023.yaml"
    draft = yaml.safe_load(written.read_text(encoding="utf-8"))
    assert draft["table3"] == expected["table3"]  # all 25 rows
    assert "  new: [26, 0, 0, 0, 0, 0, 26]\n" in written.read_text(encoding="utf-8")
    assert '  postcode: "264209"\n' in written.read_text(encoding="utf-8")
    # the checks are computed at build time; a draft holds what a person reviews, not a snapshot
    assert "checks" not in draft and len(written.read_text(encoding="utf-8").splitlines()) < 120
    assert "读出 200/200 格" in capsys.readouterr().out
    # ordinary file modes, not mkstemp's 0600
    umask = os.umask(0)
    os.umask(umask)
    assert {p.stat().st_mode & 0o777 for p in written.parent.iterdir()} == {0o666 & ~umask}


def test_all_drafts_pass_the_build_check(empty_content: Path, tmp_path: Path) -> None:
    sources = [seed(r, tmp_path)[1] for r in REVIEWED]
    assert run([*map(str, sources), "--content", str(empty_content)]) == 0
    site = load_content(empty_content)
    assert len(site.reports) == len(REVIEWED)


def test_reviewed_report_is_never_overwritten_without_force(full_content: Path, tmp_path: Path, capsys) -> None:
    # re-running an ingest over reports already reviewed changes nothing and is not an error
    _, source = seed(ROOT / "content/reports/wendeng-gov-office/2022.yaml", tmp_path)
    before = files_under(full_content)
    assert run([str(source), "--content", str(full_content)]) == 0
    out = capsys.readouterr().out
    target = full_content / "reports/wendeng-gov-office/2022.yaml"
    assert out == f"{source}: 保留 {target}（已审核，status: reviewed；用 --force 可替换，会保留备份）\n"
    assert files_under(full_content) == before


def test_force_replaces_after_a_backup(full_content: Path, tmp_path: Path) -> None:
    _, source = seed(ROOT / "content/reports/wendeng-gov-office/2022.yaml", tmp_path)
    target = full_content / "reports/wendeng-gov-office/2022.yaml"
    old = target.read_bytes()
    assert run([str(source), "--content", str(full_content), "--force"]) == 0
    backups = list(target.parent.glob("2022.yaml.bak-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == old
    assert yaml.safe_load(target.read_text(encoding="utf-8"))["status"] == "draft"
    assert not list(target.parent.glob(".*.tmp"))  # no temporary files left behind


def test_a_draft_is_replaced_by_a_new_draft(empty_content: Path, tmp_path: Path) -> None:
    _, source = seed(ROOT / "content/reports/wendeng-civil-affairs/2023.yaml", tmp_path)
    assert run([str(source), "--content", str(empty_content)]) == 0
    assert run([str(source), "--content", str(empty_content)]) == 0


@pytest.mark.parametrize("args", [
    ["--agency", "../evil"], ["--agency", "wendeng-gov-office/../../x"], ["--year", "2023/../../x"],
    ["--year", "-1"], ["--agency", "新机构"],
])
def test_path_tricks_are_refused(args: list[str], empty_content: Path, tmp_path: Path, capsys) -> None:
    _, source = seed(ROOT / "content/reports/wendeng-civil-affairs/2023.yaml", tmp_path)
    before = files_under(tmp_path)
    assert run([str(source), "--content", str(empty_content), *args]) == 1
    assert files_under(tmp_path) == before
    assert capsys.readouterr().err.strip()


def test_symlinked_agency_folder_is_refused(empty_content: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (empty_content / "reports/wendeng-civil-affairs").symlink_to(outside)
    _, source = seed(ROOT / "content/reports/wendeng-civil-affairs/2023.yaml", tmp_path)
    assert run([str(source), "--content", str(empty_content)]) == 1
    assert list(outside.iterdir()) == []


def test_garbage_is_refused_in_one_line(empty_content: Path, tmp_path: Path, capsys) -> None:
    source = incoming(tmp_path, "x.txt", bytes(range(256)) * 4)
    assert run([str(source), "--content", str(empty_content)]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"{source}: 不导入：") and "Traceback" not in err[0]
    assert list((empty_content / "reports").iterdir()) == []


def test_agency_and_year_come_from_flags_when_the_text_lacks_them(empty_content: Path, tmp_path: Path, capsys) -> None:
    source = incoming(tmp_path, "bare.txt", "一、总体情况\n本年度未收到依申请公开案件。\n".encode())
    assert run([str(source), "--content", str(empty_content)]) == 1
    assert capsys.readouterr().err == f"{source}: 不导入：看不出是哪个机构发布的：请用 --agency 机构代号 指定\n"
    flags = ["--agency", "wendeng-science-tech", "--year", "2021"]
    assert run([str(source), "--content", str(empty_content), *flags]) == 0
    draft = yaml.safe_load((empty_content / "reports/wendeng-science-tech/2021.yaml").read_text(encoding="utf-8"))
    assert draft["narrative"][0]["key"] == "applications_received" and draft["narrative"][0]["value"] == 0
    assert draft["missing_tables"]["table3"]


def test_unregistered_agency_gets_a_draft_registry_entry(empty_content: Path, tmp_path: Path, capsys) -> None:
    text = ("山东省济南市历下区统计局\n2023年政府信息公开工作年度报告\n"
            "一、总体情况\n共主动公开信息35条。\n2024年1月20日\n")
    source = incoming(tmp_path, "new.txt", text.encode("gb18030"))
    assert run([str(source), "--content", str(empty_content)]) == 0
    registry = yaml.safe_load((empty_content / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    entry = registry[-1]
    assert entry["name"] == "山东省济南市历下区统计局" and entry["draft"] is True
    assert entry["jurisdiction"] == ["山东省", "济南市", "历下区"] and entry["kind"] == "部门"
    assert f"  已在 {empty_content / 'agencies.yaml'} 添加草稿机构 {entry['slug']}（山东省济南市历下区统计局）：" \
        "请核对它的代号、类别和辖区\n" in capsys.readouterr().out
    # the stored text is UTF-8 now; the draft loads with the rest of the site
    assert (empty_content / f"reports/{entry['slug']}/2023.txt").read_text(encoding="utf-8") == text
    assert any(r.agency.slug == entry["slug"] for r in load_content(empty_content).reports)


def test_non_text_original_is_kept_beside_the_yaml(empty_content: Path, tmp_path: Path) -> None:
    from test_extract_formats import docx_bytes

    source = incoming(tmp_path, "年报.docx", docx_bytes())
    assert run([str(source), "--content", str(empty_content)]) == 0
    folder = empty_content / "reports/weihai-torch-hitech-zone"
    draft = yaml.safe_load((folder / "2023.yaml").read_text(encoding="utf-8"))
    assert draft["source"]["format"] == "docx" and draft["source"]["original_file"] == "2023.source.docx"
    assert (folder / "2023.source.docx").read_bytes() == source.read_bytes()
    load_content(empty_content)


def test_two_inputs_for_one_agency_year_are_not_both_written(empty_content: Path, tmp_path: Path, capsys) -> None:
    _, first = seed(ROOT / "content/reports/wendeng-civil-affairs/2023.yaml", tmp_path)
    second = incoming(tmp_path, "copy.txt", first.read_bytes())
    assert run([str(first), str(second), "--content", str(empty_content)]) == 1
    assert f"{second}: 不导入：与 {first} 是同一机构同一年：每个机构每年只有一份报告" in capsys.readouterr().err


# ---------------------------------------------------------------- the YAML writer


@pytest.mark.parametrize("value", ["264209", "no", "null", "~", "2024-01-22", "0x10", "010", "1e3", "true",
                                   "a: b", "#x", "- x", " lead", "trail ", "", "0631—3919181", "@x", "多行\n文本",
                                   "tab\there", "\x07bell", "quote\"s", "[bookmark: x]", "{a}", "123.0"])
def test_strings_read_back_as_the_same_strings(value: str) -> None:
    assert yaml.safe_load(f"k: {scalar(value)}") == {"k": value}


def test_dates_numbers_and_layout() -> None:
    data = {"published": dt.date(2024, 1, 22), "fees": 745.94, "whole": 2.0, "row": [26, None, 0],
            "group": {"upheld": 0, "total": None}, "empty": {}, "list": [], "items": [{"a": 1, "b": "x"}]}
    text = dump(data, "# header")
    assert text.splitlines()[:5] == ["# header", "published: 2024-01-22", "fees: 745.94", "whole: 2.0",
                                     "row: [26, null, 0]"]
    assert "group: {upheld: 0, total: null}" in text and "empty: {}" in text and "items:\n  - a: 1\n    b: x" in text
    assert yaml.safe_load(text) == data
    for number in (5e-324, 1e20, -2.5e-7, 0.1):
        assert yaml.safe_load(scalar(number)) == number


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.recursive(
    st.none() | st.booleans() | st.integers(-10**12, 10**12) | st.text(max_size=30)
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(min_size=1, max_size=8), inner, max_size=4),
    max_leaves=12,
))
def test_any_data_round_trips(value) -> None:
    data = {"value": value}
    assert yaml.safe_load(dump(data)) == data


def test_a_folder_is_ingested_with_one_summary_line_a_file(empty_content: Path, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "downloads"
    for year, count in ((2022, 12), (2023, 35)):
        text = (f"山东省济南市历下区统计局\n{year}年政府信息公开工作年度报告\n"
                f"一、总体情况\n共主动公开信息{count}条。\n{year + 1}年1月20日\n")
        (folder / str(year)).mkdir(parents=True)
        (folder / str(year) / "report.txt").write_bytes(text.encode("gb18030"))
    (folder / "notes.bin").write_bytes(b"\x00\x01garbage")
    (folder / ".hidden.txt").write_text("not a report", encoding="utf-8")
    assert run([str(folder), "--content", str(empty_content)]) == 1  # the garbage file is refused
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 4 and out[-1] == "ingest: 3 个文件，2 个已起草或保留，1 个不导入"
    assert f"{folder / 'notes.bin'}: 不导入 — " in out[2]
    # both years land under one agency: the second finds the entry the first one drafted
    registry = yaml.safe_load((empty_content / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    drafted = [e for e in registry if e.get("draft")]
    assert len(drafted) == 1
    slug = drafted[0]["slug"]
    assert sorted(p.name for p in (empty_content / "reports" / slug).glob("*.yaml")) == ["2022.yaml", "2023.yaml"]
    assert out[0].endswith(f"{slug}/2022 · gov-2021 · 读出 0/200 格 · null 格：原文缺表 200 · "
                           f"新机构 {slug}（山东省济南市历下区统计局）")
    assert f"{slug}/2023" in out[1] and "新机构" not in out[1]


def test_an_old_word_doc_becomes_a_draft_that_passes_the_check(empty_content: Path, tmp_path: Path) -> None:
    pytest.importorskip("docx")
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (apt-get install -y libreoffice-writer-nogui)")
    raw = (ROOT / "tests/fixtures/word/seed_report.doc").read_bytes()
    source = incoming(tmp_path, "年报.doc", raw)
    assert run([str(source), "--content", str(empty_content)]) == 0
    folder = empty_content / "reports/weihai-torch-hitech-zone"
    draft = yaml.safe_load((folder / "2023.yaml").read_text(encoding="utf-8"))
    assert draft["source"]["format"] == "doc" and (folder / "2023.source.doc").read_bytes() == raw
    assert load_content(empty_content).report("weihai-torch-hitech-zone", 2023).table3 is not None
