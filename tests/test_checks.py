"""Consistency checks (勾稽关系) on the real seed and on variations the tests make of it."""

from __future__ import annotations

import copy
import shutil
from pathlib import Path

import pytest
import yaml

from portal.checks import FAIL, PASS, UNKNOWN, check_report, check_years, summarize
from portal.load import load_content
from portal.schemafiles import stale_schemas

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content/reports/weihai-torch-hitech-zone/2023.yaml"


@pytest.fixture()
def seed() -> dict:
    return yaml.safe_load(SEED.read_text(encoding="utf-8"))


def by_rule(checks, rule, status=None):
    return [c for c in checks if c.rule == rule and (status is None or c.status == status)]


def test_seed_002_adds_up(seed: dict) -> None:
    checks = check_report(seed)
    # 7 columns × 2 column rules + 25 rows + 3 table-4 groups + 1 narrative figure
    assert len(checks) == 7 * 2 + 25 + 3 + 1
    assert summarize(checks) == {PASS: len(checks), FAIL: 0, UNKNOWN: 0}
    narrative = by_rule(checks, "narrative")[0]
    assert narrative.cells == ("table3.new.total",) and "26" in narrative.detail


def test_a_wrong_total_fails_on_exactly_its_cells(seed: dict) -> None:
    seed["table3"]["total"][0] = 24  # natural_person column: outcomes add up to 25
    checks = check_report(seed)
    failing = [c for c in checks if c.status == FAIL]
    assert {c.rule for c in failing} == {"t3.balance", "t3.outcomes", "t3.row_total"}
    balance = by_rule(failing, "t3.balance")[0]
    assert balance.cells == ("table3.new.natural_person", "table3.carried_over.natural_person",
                             "table3.total.natural_person", "table3.carried_forward.natural_person")
    assert balance.detail == "自然人列：一（26） + 二（3） = 29 ≠ 三（七）（24） + 四（4） = 28"
    row = by_rule(failing, "t3.row_total")[0]
    assert row.cells[0] == "table3.total.natural_person" and "（七）总计行" in row.detail


def test_a_null_cell_makes_checks_unknown_not_pass(seed: dict) -> None:
    seed["table3"]["carried_over"][2] = None
    checks = check_report(seed)
    research_balance = [c for c in by_rule(checks, "t3.balance") if "table3.new.research" in c.cells][0]
    assert research_balance.status == UNKNOWN
    assert "?" in research_balance.detail and "空" in research_balance.detail
    assert by_rule(checks, "t3.row_total", UNKNOWN)[0].cells[0] == "table3.carried_over.natural_person"


def test_table4_total(seed: dict) -> None:
    seed["table4"]["review"] = {"upheld": 1, "corrected": 1, "other": 0, "pending": 0, "total": 3}
    failing = by_rule(check_report(seed), "t4.total", FAIL)
    assert len(failing) == 1 and failing[0].cells[-1] == "table4.review.total"


def test_single_row_other_handling_is_summed(seed: dict) -> None:
    handling = seed["table3"]["other_handling"]
    handling["single_row"] = handling["no_correction"]
    handling["no_correction"] = handling["fee_unpaid"] = handling["other"] = None
    checks = check_report(seed)
    outcomes = by_rule(checks, "t3.outcomes")
    assert all(c.status == PASS for c in outcomes)
    assert "table3.other_handling.single_row.natural_person" in outcomes[0].cells


def test_narrative_figure_against_table(seed: dict) -> None:
    seed["narrative"][1]["value"] = 27
    failing = by_rule(check_report(seed), "narrative", FAIL)
    assert len(failing) == 1 and "27" in failing[0].detail and "26" in failing[0].detail
    seed["narrative"][1].update(value=20, bound="at_least")
    assert by_rule(check_report(seed), "narrative")[0].status == PASS


def test_across_years(seed: dict) -> None:
    previous = copy.deepcopy(seed)
    previous["year"] = 2022
    previous["table3"]["carried_forward"] = [3, 0, 0, 0, 0, 0, 3]
    previous["table2"]["normative_documents"]["in_force"] = 15
    checks = check_years(previous, seed)
    assert summarize(by_rule(checks, "year.carried")) == {PASS: 7, FAIL: 0, UNKNOWN: 0}
    in_force = by_rule(checks, "year.in_force")
    assert [c.status for c in in_force] == [PASS, PASS]  # 规章 0=0+0-0; 规范性文件 16 = 15 + 1 - 0
    previous["table3"]["carried_forward"][0] = 5
    failing = by_rule(check_years(previous, seed), "year.carried", FAIL)
    assert [c.cells for c in failing] == [("table3.carried_over.natural_person",
                                           "2022:table3.carried_forward.natural_person")]


def test_cross_year_checks_reach_the_model(tmp_path: Path) -> None:
    """A previous-year report written by the test joins the real seed's checks."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    folder = content / "reports/weihai-torch-hitech-zone"
    data = yaml.safe_load((folder / "2023.yaml").read_text(encoding="utf-8"))
    data.update(year=2022, title="2022年报告", narrative=[])
    data["source"]["file"] = "2022.txt"
    data["table3"]["carried_forward"] = [2, 0, 0, 0, 0, 0, 2]  # 2023 says 3 were carried over
    (folder / "2022.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    shutil.copy(folder / "2023.txt", folder / "2022.txt")
    site = load_content(content)
    report = site.report("weihai-torch-hitech-zone", 2023)
    failing = [c for c in report.failing_checks if c.rule == "year.carried"]
    assert [c.cells[0] for c in failing] == ["table3.carried_over.natural_person", "table3.carried_over.total"]
    assert site.previous(report).year == 2022 and site.next(site.previous(report)) is report


def test_seed_content_loads_with_expected_model() -> None:
    site = load_content(ROOT / "content")
    assert [r.url for r in site.reports] == [
        "/reports/pingtan-xian/2011/", "/reports/pingtan-xian/2012/", "/reports/pingtan-xian/2013/",
        *(f"/reports/pingtan-zonghe-shiyanqu/{y}/" for y in range(2011, 2021)),
        "/reports/pingtan-zonghe-shiyanqu-dishuiju/2013/",
        "/reports/weihai-torch-hitech-zone/2023/",
        "/reports/wendeng-civil-affairs/2023/",
        "/reports/wendeng-gov-office/2022/",
        "/reports/wendeng-huanshan-subdistrict/2023/",
        "/reports/wendeng-science-tech/2022/",
    ]
    office = site.report("wendeng-gov-office", 2022)
    assert office.agency.name == "威海市文登区人民政府办公室"
    assert office.text.startswith("加大威海市文登区人民政府办公室")  # the source stays verbatim
    assert office.published.isoformat() == "2023-01-16" and office.on_time is True
    assert office.table3 is None and "丢失" in office.missing_tables["table3"]
    hitech = site.report("weihai-torch-hitech-zone", 2023)
    assert hitech.published is None and hitech.on_time is None
    assert hitech.table2["licensing"] == 34240 and hitech.table2["fees_10k_yuan"] == 745.94
    assert hitech.narrative_figure("proactive_disclosed").display == "16500余"
    assert site.years == (*range(2011, 2021), 2022, 2023)
    # the corpus's decade: three form eras, one agency across the years
    zone = [r for r in site.reports if r.agency.slug == "pingtan-zonghe-shiyanqu"]
    assert [r.data["form"] for r in zone] == ["pre-2019"] * 8 + ["gov-2019"] * 2
    assert all(r.table3 is None for r in zone[:8]) and zone[8].table3["new"] == [23, 0, 0, 0, 0, 0, 23]
    assert zone[9].table2["licensing"] is None and zone[9].data["table2_2019"]["regulations"]["public_total"] == 7


def test_json_schema_files_are_current() -> None:
    assert stale_schemas(ROOT / "content") == []


def test_numbers_are_printed_as_published() -> None:
    from portal.numfmt import format_number

    assert [format_number(x) for x in (34240, 745.94, 0.004, 12345.678, 9999999.99, 16500.0, 0.1 + 0.2)] == [
        "34240", "745.94", "0.004", "12345.678", "9999999.99", "16500", "0.3"]


def test_deadlines_follow_the_rule_in_force_for_each_kind_and_year() -> None:
    from portal.model import Agency

    def agency(kind: str) -> Agency:
        return Agency("x", "x", ("山东省",), kind)

    assert agency("人民政府").deadline(2023).date.isoformat() == "2024-03-31"
    assert agency("部门").deadline(2023).date.isoformat() == "2024-01-31"
    assert "派出" in agency("街道办事处").deadline(2023).basis
    assert agency("乡镇人民政府").deadline(2023) is None  # 第四十九条 names no date for them
    assert agency("部门").deadline(2018).date.isoformat() == "2019-03-31"  # the 2008 条例
    assert "2008" in agency("部门").deadline(2018).basis


def test_a_sum_of_many_zeros_names_its_other_terms_and_counts_the_zeros() -> None:
    # Pingtan 2020 prints an outcome total one short of its rows, in the 自然人 column
    report = yaml.safe_load((ROOT / "content/reports/pingtan-zonghe-shiyanqu/2020.yaml").read_text(encoding="utf-8"))
    failing = [c for c in by_rule(check_report(report), "t3.outcomes", FAIL) if c.detail.startswith("自然人列")]
    assert [c.detail for c in failing] == [
        "自然人列：（七）总计（20） ≠ （一）予以公开（6） + （二）部分公开（6） + （四）无法提供1（4）"
        " + （四）无法提供3（3） + （五）不予处理2（3） + （六）其他处理（4） + 其余 13 项（均为 0） = 26"]
    assert len(failing[0].cells) == 20  # every term is still a cell of the check, zeros included
