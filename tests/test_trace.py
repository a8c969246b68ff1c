"""Every table number found in its source (portal/trace.py): the real reports as they are, every
cell of the seeds changed one at a time, tables read from images, and what check / --strict say."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import load_script, text_of

from portal.build import build_site
from portal.cells import single_row
from portal.findings import reviewed_untraced
from portal.load import load_content
from portal.trace import (
    IMAGE_EXEMPT,
    OCR_EXEMPT,
    TABLE2_2019_SHAPES,
    TABLE2_SHAPES,
    TABLE3_SHAPES,
    TABLE4_SHAPE,
    trace_report,
)

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "content" / "reports"
SEED = REPORTS / "weihai-torch-hitech-zone" / "2023"
PINGTAN_2020 = REPORTS / "pingtan-zonghe-shiyanqu" / "2020"
BASE_URL = "https://nianbao.gov.cn"


def read(stem: Path) -> tuple[dict, str]:
    data = yaml.safe_load(stem.with_suffix(".yaml").read_text(encoding="utf-8"))
    return data, stem.with_suffix(".txt").read_text(encoding="utf-8")


def set_at(data: dict, place: tuple, value: object) -> None:
    node = data
    for key in place[:-1]:
        node = node[key]
    node[place[-1]] = value


def test_every_real_report_is_found_in_its_source() -> None:
    site = load_content(ROOT / "content", workers=1)
    checked = {f"{r.agency.slug}/{r.year}": r.trace.checked for r in site.reports}
    assert all(not r.untraced and not r.trace.mismatches for r in site.reports)
    # seed 002: table 2's two triples and four single numbers (10), table 3's 25 rows of 7 (175), table 4 (15)
    assert checked["weihai-torch-hitech-zone/2023"] == 200
    # the 2019 form, digits glued on one line of web text: table2_2019's 规章 (3), table 3's 23 rows
    # of 7 with （六） as one row (161), table 4 (15)
    assert checked["pingtan-zonghe-shiyanqu/2020"] == 179
    assert checked["pingtan-zonghe-shiyanqu/2019"] == 179
    # the other seeds have no tables (lost in conversion, or images): nothing to trace
    assert checked["wendeng-huanshan-subdistrict/2023"] == 0


def _cells(data: dict, shapes) -> list[tuple[str, tuple, object]]:
    return [(path, place, value) for shape in shapes for path, place, value in
            zip(shape.paths, shape.places, shape.values(data), strict=True) if value is not None]


@pytest.mark.parametrize("stem, tables", [
    (SEED, ("table2", "table3", "table4")),
    (PINGTAN_2020, ("table2_2019", "table3", "table4")),
    (REPORTS / "pingtan-zonghe-shiyanqu" / "2019", ("table2_2019", "table4")),
], ids=["seed-002", "pingtan-2020-glued", "pingtan-2019"])
def test_changing_any_cell_is_caught_with_its_path(stem: Path, tables: tuple[str, ...]) -> None:
    """Each non-null cell of the named tables, one at a time, changed to a number the source does
    not print in its place: the trace names exactly that cell."""
    data, text = read(stem)
    shapes = {"table2": TABLE2_SHAPES, "table2_2019": TABLE2_2019_SHAPES,
              "table3": TABLE3_SHAPES[single_row(data["table3"])], "table4": (TABLE4_SHAPE,)}
    cells = [c for t in tables for c in _cells(data, shapes[t])]
    assert len(cells) >= 18
    for path, place, value in cells:
        changed = copy.deepcopy(data)
        set_at(changed, place, value + 1)
        trace = trace_report(changed, text)
        assert [m.path for m in trace.mismatches] == [path], path


def test_the_message_says_what_the_source_prints() -> None:
    data, text = read(SEED)
    data["table2"]["licensing"] = 34241
    data["table3"]["new"][6] = 27
    messages = {m.path: m.message for m in trace_report(data, text).mismatches}
    assert messages == {"table2.licensing": "34241 不在原文表格的这一行中（原文印作 34240）",
                        "table3.new.total": "27 不在原文表格的这一行中（原文印作 26）"}


def test_glued_digits_say_how_the_row_is_printed() -> None:
    data, text = read(PINGTAN_2020)
    data["table2_2019"]["regulations"]["public_total"] = 8  # printed 规章007
    [mismatch] = trace_report(data, text).mismatches
    assert mismatch.path == "table2_2019.regulations.public_total"
    assert mismatch.message == "8 不在原文表格的这一行中（原文印作 7（这一行连写为 “007”））"


def test_a_number_moved_to_another_row_is_caught() -> None:
    """Swapping two rows keeps every number somewhere in the table, but not in its own row."""
    data, text = read(SEED)
    t3 = data["table3"]
    t3["granted"], t3["partially_granted"] = t3["partially_granted"], t3["granted"]
    paths = {m.path for m in trace_report(data, text).mismatches}
    assert "table3.granted.total" in paths and "table3.partially_granted.total" in paths


TABLE2_2019_TEXT = """二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t7
规范性文件\t3\t3\t25
第二十条第（九）项
信息内容\t采购项目数量\t采购总金额
政府集中采购\t8\t160.5964万元
三、收到和处理政府信息公开申请情况
"""


def test_an_amount_printed_in_wan_yuan_is_found() -> None:
    """The 2019 form's procurement amount is kept in 元; the source may print it in 万元."""
    t2019 = {"regulations": {"made": 0, "published": 0, "public_total": 7},
             "normative_documents": {"made": 3, "published": 3, "public_total": 25},
             "procurement": {"items": 8, "amount_yuan": 1605964.0}}
    data = {"year": 2020, "source": {}, "table2": {"licensing": None}, "table2_2019": t2019}
    trace = trace_report(data, TABLE2_2019_TEXT)
    assert (trace.checked, trace.mismatches) == (8, ())
    t2019["procurement"]["amount_yuan"] = 1605965.0
    assert [m.path for m in trace_report(data, TABLE2_2019_TEXT).mismatches] == ["table2_2019.procurement.amount_yuan"]


def test_tables_from_images_are_exempt_visibly() -> None:
    data, text = read(REPORTS / "wendeng-huanshan-subdistrict" / "2023")
    data["table4"] = {g: {k: 0 for k in ("upheld", "corrected", "other", "pending", "total")}
                      for g in ("review", "litigation_direct", "litigation_after_review")}
    trace = trace_report(data, text)
    assert trace.mismatches == () and trace.exempt == (("table4", IMAGE_EXEMPT),)
    data["source"]["ocr"] = "tesseract 5"
    assert trace_report(data, text).exempt == (("table4", OCR_EXEMPT),)


def test_a_table_the_source_does_not_print_is_a_problem() -> None:
    """Numbers in a table whose source kept only its heading (no image either) come from nowhere."""
    data, text = read(REPORTS / "wendeng-civil-affairs" / "2023")
    data["table4"] = {g: {k: 0 for k in ("upheld", "corrected", "other", "pending", "total")}
                      for g in ("review", "litigation_direct", "litigation_after_review")}
    [mismatch] = trace_report(data, text).mismatches
    assert mismatch.path == "table4" and "找不到这张表的数字" in mismatch.message


def test_the_synthetic_corpus_is_found_in_its_sources(tmp_path: Path) -> None:
    load_script("make_corpus").write_corpus(120, tmp_path / "content", seed=11)
    site = load_content(tmp_path / "content", workers=1)
    assert sum(r.trace.checked for r in site.reports) > 120 * 100
    assert [r.url for r in site.reports if r.untraced] == []


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=300)


def test_check_names_file_line_and_field_and_strict_refuses(scratch_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert run("build", "--strict", "--no-search", "--content", str(scratch_content), "--out", str(out),
               "--base-url", BASE_URL).returncode == 0
    yaml_file = scratch_content / "reports" / "weihai-torch-hitech-zone" / "2023.yaml"
    source = yaml_file.read_text(encoding="utf-8")
    yaml_file.write_text(source.replace("licensing: 34240", "licensing: 34241"), encoding="utf-8")
    line = source.split("\n").index("  licensing: 34240") + 1
    check = run("check", "--content", str(scratch_content))
    assert f"2023.yaml:{line}: table2.licensing: 34241 不在原文表格的这一行中（原文印作 34240）" in check.stdout
    assert "1 个表格数字在原文中找不到" in check.stdout
    strict = run("build", "--strict", "--no-search", "--content", str(scratch_content), "--out", str(out),
                 "--base-url", BASE_URL)
    assert strict.returncode == 1
    assert "1 份已核对的报告共 1 个表格数字在原文中找不到" in strict.stderr + strict.stdout


def test_the_page_marks_a_number_not_in_the_source(scratch_content: Path, tmp_path: Path) -> None:
    yaml_file = scratch_content / "reports" / "weihai-torch-hitech-zone" / "2023.yaml"
    yaml_file.write_text(yaml_file.read_text(encoding="utf-8").replace("licensing: 34240", "licensing: 34241"),
                         encoding="utf-8")
    assert build_site(scratch_content, tmp_path / "site", search=False, progress=False).exit_code == 0
    page = BeautifulSoup((tmp_path / "site" / "reports" / "weihai-torch-hitech-zone" / "2023" / "index.html")
                         .read_text(encoding="utf-8"), "html.parser")
    cell = page.select_one("[id='c-table2.licensing']")
    assert "fail" in cell["class"] and cell["title"] == "与原文核对：34241 不在原文表格的这一行中（原文印作 34240）"
    assert [text_of(li) for li in page.select(".quality .untraced li")] == [
        "table2.licensing ：34241 不在原文表格的这一行中（原文印作 34240）"]  # text_of joins with spaces
    assert [a["href"] for a in page.select(".quality .untraced a")] == ["#c-table2.licensing"]
    assert text_of(page.select_one(".quality .trace-ok")) == \
        "表格中有 199 个数字在原文表格的同一行中找到，以下 1 个找不到："
    # the data says it too, in the report's JSON and in the site's
    site = tmp_path / "site"
    record = json.loads((site / "reports/weihai-torch-hitech-zone/2023/report.json").read_text(encoding="utf-8"))
    assert record["trace"] == {"found": 199, "not_traceable": {}, "not_found": [
        {"cell": "table2.licensing", "value": 34241, "printed": "34240",
         "message": "34241 不在原文表格的这一行中（原文印作 34240）"}]}
    site_records = json.loads((site / "data/reports.json").read_text(encoding="utf-8"))["reports"]
    assert [r["trace"]["found"] for r in site_records if r["agency_slug"] == "weihai-torch-hitech-zone"] == [199]


def test_a_draft_is_reported_but_does_not_add_a_warning(scratch_content: Path) -> None:
    yaml_file = scratch_content / "reports" / "weihai-torch-hitech-zone" / "2023.yaml"
    text = yaml_file.read_text(encoding="utf-8").replace("licensing: 34240", "licensing: 34241")
    yaml_file.write_text(text.replace("status: reviewed", "status: draft"), encoding="utf-8")
    site = load_content(scratch_content, workers=1)
    assert reviewed_untraced(site.reports) == []
    assert "（草稿，尚未人工核对）" in run("check", "--content", str(scratch_content)).stdout
