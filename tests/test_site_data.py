"""Downloads: they parse, they match the report YAML, nulls stay null, CSV is safe to open."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
import yaml
from conftest import CONTENT

from portal import form
from portal.export import report_columns, safe_cell


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV starts with a BOM for Excel"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def yaml_of(slug: str, year: int) -> dict:
    return yaml.safe_load((CONTENT / "reports" / slug / f"{year}.yaml").read_text(encoding="utf-8"))


def test_reports_json_has_every_report_with_its_contract_fields(site_dir: Path, seed_site) -> None:
    data = json.loads((site_dir / "data/reports.json").read_text(encoding="utf-8"))
    assert data["licence"] == "CC-BY-4.0"
    records = {(r["agency_slug"], r["year"]): r for r in data["reports"]}
    assert set(records) == {r.key for r in seed_site.reports}
    for report in seed_site.reports:
        record = records[report.key]
        source = yaml_of(*report.key)
        for key in ("table2", "table3", "table4", "missing_tables", "cells", "title", "notes", "source"):
            assert record[key] == json.loads(json.dumps(source[key], default=str)), (report.key, key)
        assert record["url"] == report.url
        assert record["agency"] == report.agency.name
        assert record["published"] == (report.published.isoformat() if report.published else None)
        assert record["narrative"] == [{k: v for k, v in n.items() if v is not None} for n in source["narrative"]]
        assert record["checks"] == [c.as_dict() for c in report.checks]


def test_seed_002_numbers_in_reports_json(site_dir: Path) -> None:
    data = json.loads((site_dir / "data/reports.json").read_text(encoding="utf-8"))
    seed = next(r for r in data["reports"] if r["agency_slug"] == "weihai-torch-hitech-zone")
    assert seed["table2"]["licensing"] == 34240 and seed["table2"]["fees_10k_yuan"] == 745.94
    assert seed["table3"]["unable"]["not_held"] == [16, 0, 0, 0, 0, 0, 16]
    assert seed["published"] is None and seed["on_time"] is None and seed["deadline"] == "2024-01-31"
    missing = next(r for r in data["reports"] if r["agency_slug"] == "wendeng-gov-office")
    assert missing["table2"] is None and missing["table3"] is None  # null, never zeros


def test_report_json_and_yaml_and_source_downloads(site_dir: Path, seed_site) -> None:
    everything = json.loads((site_dir / "data/reports.json").read_text(encoding="utf-8"))["reports"]
    for report in seed_site.reports:
        folder = site_dir / report.url.strip("/")
        assert (folder / "source.txt").read_bytes() == report.source_path.read_bytes()
        assert (folder / "report.yaml").read_bytes() == report.yaml_path.read_bytes()
        single = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        assert single == next(r for r in everything if r["url"] == report.url)


def test_reports_csv_one_row_per_report_with_contract_columns(site_dir: Path, seed_site) -> None:
    rows = read_csv(site_dir / "data/reports.csv")
    assert [r["agency_slug"] for r in rows] == [r.agency.slug for r in seed_site.reports]
    assert list(rows[0]) == [c.name for c in report_columns()]
    by_slug = {r["agency_slug"]: r for r in rows}
    seed = by_slug["weihai-torch-hitech-zone"]
    assert seed["table2.licensing"] == "34240"
    assert seed["table2.fees_10k_yuan"] == "745.94"
    assert seed["table3.unable.not_held.total"] == "16"
    assert seed["table3.carried_forward.total"] == "4"
    assert seed["table4.review.total"] == "0"
    assert seed["narrative.proactive_disclosed"] == "16500"
    assert seed["published"] == "" and seed["deadline"] == "2024-01-31"
    gov = by_slug["wendeng-gov-office"]
    assert gov["table2.licensing"] == ""  # missing, not 0
    assert gov["missing_tables.table2"].startswith("原文只保留了表格标题")
    assert gov["narrative.applications_received"] == "7"
    assert gov["published"] == "2023-01-16" and gov["on_time"] == "true"


def test_table3_csv_rows(site_dir: Path) -> None:
    every = read_csv(site_dir / "data/table3.csv")
    columns = [c.key for c in form.TABLE3_COLUMNS]
    assert list(every[0]) == ["agency_slug", "year", "row", "label", *columns]
    # the reports with a table 3: seed 002 and Pingtan's two on the 2019 form
    assert {(r["agency_slug"], r["year"]) for r in every} == {
        ("weihai-torch-hitech-zone", "2023"), ("pingtan-zonghe-shiyanqu", "2019"), ("pingtan-zonghe-shiyanqu", "2020")}
    single = [r for r in every if r["year"] == "2019" and r["row"] == "other_handling.single_row"]
    assert [single[0][c] for c in columns] == ["0"] * 7  # （六）其他处理 printed as one row
    rows = [r for r in every if r["agency_slug"] == "weihai-torch-hitech-zone"]
    assert [r["row"] for r in rows] == [r.key for r in form.TABLE3_ROWS]
    not_held = next(r for r in rows if r["row"] == "unable.not_held")
    assert [not_held[c] for c in columns] == ["16", "0", "0", "0", "0", "0", "16"]
    assert not_held["label"] == "（四）无法提供1.本机关不掌握相关政府信息"
    seed = yaml_of("weihai-torch-hitech-zone", 2023)["table3"]
    for row in rows:
        node = seed
        for part in row["row"].split("."):
            node = node[part]
        assert [int(row[c]) for c in columns] == node


def test_datapackage_describes_the_files(site_dir: Path) -> None:
    package = json.loads((site_dir / "data/datapackage.json").read_text(encoding="utf-8"))
    assert package["licenses"][0]["name"] == "CC-BY-4.0"
    resources = {r["name"]: r for r in package["resources"]}
    for name in ("reports", "table3", "text-changes"):
        resource = resources[name]
        header = next(csv.reader(io.StringIO((site_dir / "data" / resource["path"]).read_text("utf-8-sig"))))
        assert [f["name"] for f in resource["schema"]["fields"]] == header
        assert resource["encoding"] == "utf-8-sig"
        types = {f["type"] for f in resource["schema"]["fields"]}
        assert types <= {"string", "integer", "number", "date", "boolean"}
    assert (site_dir / "data" / resources["reports-json"]["path"]).is_file()


@pytest.mark.parametrize(("value", "expected"), [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
    ("+86 631", "'+86 631"),
    ("-1", "'-1"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\tcmd", "'\tcmd"),
    ("威海市", "威海市"),
    (None, ""),
    (0, "0"),
    (745.94, "745.94"),
    (3.0, "3"),
    (True, "true"),
])
def test_csv_cells_are_neutralised_against_formulas(value, expected: str) -> None:
    assert safe_cell(value) == expected


def test_report_json_is_the_plain_dump_of_the_record(seed_site) -> None:
    """report.json splices each check's cached JSON into the record: the bytes are those of
    dumping the whole record, also when the report's own text holds the placeholder."""
    import dataclasses

    from portal.export import CHECKS_MARK, dump_json, report_json, report_record

    for report in seed_site.reports:
        assert report_json(report) == dump_json(report_record(report), compact=True), report.key
        assert json.loads(report_json(report))["checks"] == [c.as_dict() for c in report.checks]
    report = seed_site.reports[0]
    tricky = dataclasses.replace(report, data={**report.data, "notes": [CHECKS_MARK]})
    assert report_json(tricky) == dump_json(report_record(tricky), compact=True)
    assert json.loads(report_json(tricky))["notes"] == [CHECKS_MARK]
