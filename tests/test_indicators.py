"""Indicators: every formula on the seeds' real numbers and on the edge cases, and as published
in reports.json, report.json, indicators.csv and datapackage.json."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import yaml
from conftest import CONTENT
from test_site_data import read_csv

from portal.export import indicator_columns
from portal.indicators import INDICATOR_BY_KEY, INDICATORS, compute, compute_all


def seed(slug: str, year: int) -> dict:
    return yaml.safe_load((CONTENT / "reports" / slug / f"{year}.yaml").read_text(encoding="utf-8"))


def values(data: dict) -> dict[str, tuple]:
    return {v.key: (v.value, v.numerator, v.denominator, v.reason) for v in compute_all(data)}


WEIHAI_2023 = {  # the "done when", from the report's table 3 and table 4 总计 column
    "substantive_disclosure_rate": (0.24, 6, 25),  # (5 予以公开 + 1 部分公开) / 25
    "withheld_rate": (0.0, 0, 25),
    "not_held_rate": (0.64, 16, 25),
    "not_processed_rate": (0.04, 1, 25),  # 1 重复申请
    "review_correction_rate": (None, 0, 0),  # no concluded reconsideration: null, not 0
    "litigation_correction_rate": (None, 0, 0),
    "dispute_rate": (0.0, 0, 26),
    "carry_forward_rate": (0.1379, 4, 29),  # 4 / (26 + 3)
}


def test_seed_weihai_2023_indicators_exactly() -> None:
    got = values(seed("weihai-torch-hitech-zone", 2023))
    assert {k: v[:3] for k, v in got.items()} == WEIHAI_2023
    assert got["review_correction_rate"][3] == (
        "分母为0：本年没有已审结的行政复议（结果维持、结果纠正、其他结果均为0），比率无意义")
    assert all(v[3] is None for k, v in got.items() if v[0] is not None)


def test_2019_form_with_single_row_other_handling_gets_every_table_indicator() -> None:
    """Pingtan 2019 prints （六）其他处理 as one row (the 2019 form): no indicator reads it."""
    data = seed("pingtan-zonghe-shiyanqu", 2019)
    assert data["form"] == "gov-2019" and data["table3"]["other_handling"]["single_row"] is not None
    got = values(data)
    assert got["substantive_disclosure_rate"][:3] == (0.3478, 8, 23)  # (7 + 1) / 23
    assert got["not_held_rate"][:3] == (0.3043, 7, 23)
    assert got["not_processed_rate"][:3] == (0.1304, 3, 23)
    assert got["carry_forward_rate"][:3] == (0.0, 0, 23)


def test_pre_2019_report_has_every_indicator_null_with_the_reason() -> None:
    got = values(seed("pingtan-xian", 2011))
    assert {v[:3] for v in got.values()} == {(None, None, None)}
    reasons = {v[3] for v in got.values()}
    assert reasons == {"2019年以前的报告（依2008年条例编制）没有全国统一的统计表（表三、表四）"}


def test_report_with_only_narrative_figures_is_null_naming_the_missing_table() -> None:
    data = seed("wendeng-gov-office", 2022)
    assert data["narrative"] and data["table3"] is None
    got = values(data)
    assert got["carry_forward_rate"] == (None, None, None,
                                         "原文没有表三：原文只保留了表格标题，表格本身在转换中丢失，没有数字")


def test_a_null_cell_gives_null_naming_the_cell_and_how_it_was_printed() -> None:
    data = copy.deepcopy(seed("weihai-torch-hitech-zone", 2023))
    data["table3"]["unable"]["not_held"][6] = None
    data["cells"] = {"table3.unable.not_held.total": "/"}
    got = values(data)
    assert got["not_held_rate"] == (None, None, 25, "单元格 table3.unable.not_held.total 为空（原文印作“/”），无法计算")
    assert got["substantive_disclosure_rate"][0] == 0.24  # the other indicators do not read that cell
    data["table4"]["review"]["upheld"] = None
    data["cells"] = {}
    assert values(data)["review_correction_rate"][3] == "单元格 table4.review.upheld 为空（原文没有数字），无法计算"


def test_zero_over_zero_is_null_and_a_real_ratio_is_rounded_to_four_places() -> None:
    data = copy.deepcopy(seed("weihai-torch-hitech-zone", 2023))
    data["table4"]["review"].update(upheld=2, corrected=1, other=0, pending=4, total=7)
    data["table4"]["litigation_direct"].update(upheld=0, corrected=1, other=1, pending=0, total=2)
    got = values(data)
    assert got["review_correction_rate"][:3] == (0.3333, 1, 3)  # pending is not concluded
    assert got["litigation_correction_rate"][:3] == (0.5, 1, 2)
    assert got["dispute_rate"][:3] == (0.3462, 9, 26)  # 7 + 2 + 0 over 26 new
    for row in ("new", "carried_over", "carried_forward"):
        data["table3"][row] = [0] * 7
    got = values(data)
    assert got["dispute_rate"] == (None, 9, 0, "分母为0：本年没有新收申请（表三 一、本年新收为0），比率无意义")
    assert got["carry_forward_rate"][:3] == (None, 0, 0)


def test_formulas_name_the_contract_cells() -> None:
    ind = INDICATOR_BY_KEY["carry_forward_rate"]
    assert ind.formula == "表三 四、结转下年度继续办理 ÷ （表三 一、本年新收 + 二、上年结转）"
    assert ind.formula_cells == "table3.carried_forward.total / (table3.new.total + table3.carried_over.total)"
    assert len(INDICATOR_BY_KEY["withheld_rate"].numerator.paths) == 8
    assert len(INDICATOR_BY_KEY["not_processed_rate"].numerator.paths) == 5
    assert compute(INDICATOR_BY_KEY["withheld_rate"], {}).reason == "原文没有表三"


# ---------------------------------------------------------------- published


def test_reports_json_and_report_json_carry_the_indicators(site_dir: Path) -> None:
    data = json.loads((site_dir / "data/reports.json").read_text(encoding="utf-8"))
    record = next(r for r in data["reports"] if r["agency_slug"] == "weihai-torch-hitech-zone")
    own = json.loads((site_dir / "reports/weihai-torch-hitech-zone/2023/report.json").read_text(encoding="utf-8"))
    assert own["indicators"] == record["indicators"]
    got = record["indicators"]
    assert list(got) == [i.key for i in INDICATORS]
    assert got["substantive_disclosure_rate"] == {
        "value": 0.24, "numerator": 6, "denominator": 25,
        "formula": "（表三（一）予以公开 + （二）部分公开） ÷ 表三（七）总计"}
    assert got["carry_forward_rate"]["value"] == 0.1379
    assert got["review_correction_rate"]["value"] is None and got["review_correction_rate"]["reason"]
    assert all(("reason" in v) == (v["value"] is None) for r in data["reports"] for v in r["indicators"].values())


def test_indicators_csv_one_row_a_report_with_value_numerator_denominator_reason(site_dir: Path, seed_site) -> None:
    rows = read_csv(site_dir / "data/indicators.csv")
    assert [(r["agency_slug"], int(r["year"])) for r in rows] == [r.key for r in seed_site.reports]
    weihai = next(r for r in rows if r["agency_slug"] == "weihai-torch-hitech-zone")
    assert (weihai["not_held_rate"], weihai["not_held_rate.numerator"], weihai["not_held_rate.denominator"],
            weihai["not_held_rate.reason"]) == ("0.64", "16", "25", "")
    assert (weihai["withheld_rate"], weihai["carry_forward_rate"], weihai["dispute_rate"]) == ("0", "0.1379", "0")
    assert weihai["review_correction_rate"] == "" and weihai["review_correction_rate.denominator"] == "0"
    assert weihai["review_correction_rate.reason"].startswith("分母为0")
    old = next(r for r in rows if r["agency_slug"] == "pingtan-xian")
    assert old["form"] == "pre-2019" and old["withheld_rate"] == "" and old["withheld_rate.numerator"] == ""
    assert "没有全国统一的统计表" in old["withheld_rate.reason"]


def test_datapackage_labels_every_indicators_csv_column_in_chinese(site_dir: Path) -> None:
    package = json.loads((site_dir / "data/datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "indicators")
    fields = resource["schema"]["fields"]
    assert [f["name"] for f in fields] == [c.name for c in indicator_columns()]
    titles = {f["name"]: f["title"] for f in fields}
    assert titles["substantive_disclosure_rate"] == "实质公开率"
    assert titles["carry_forward_rate.denominator"] == "结转率·分母"
    assert titles["year"] == "统计年度"
    header = (site_dir / "data/indicators.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert header.split(",") == [f["name"] for f in fields]  # one header row: the keys
    defined = {i["name"]: i for i in resource["indicators"]}
    assert defined["not_held_rate"]["formula_cells"] == "table3.unable.not_held.total / table3.total.total"
