"""Table 2 read from images: kept when read the same way twice, marked unproven, checked against last
year's report, listed by ``build.py check`` and marked on the page (at 390 and 1280 px)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from portal.extract.ocr_table2 import AGREED, Twice, continuity, decide, table2_paths, well_formed
from tests.test_extract_ocr import SEED, needs_engine

ROOT = Path(__file__).resolve().parent.parent
SEED_DIR = ROOT / "content/reports/weihai-torch-hitech-zone"


def test_two_readings_that_agree_are_kept_and_marked_unproven() -> None:
    verdict = decide({"table2.licensing": Twice("34240", "34240"),
                      "table2.fees_10k_yuan": Twice("745.94", "745.94"),
                      "table2.regulations.issued": Twice("0", "0")})
    assert verdict.values == {"table2.licensing": 34240, "table2.fees_10k_yuan": 745.94,
                              "table2.regulations.issued": 0}
    assert verdict.unproven == dict.fromkeys(verdict.values, AGREED)
    assert verdict.rejected == {} and verdict.marks == {}


def test_readings_that_disagree_or_are_malformed_stay_null_with_both_readings() -> None:
    verdict = decide({"table2.punishment": Twice("21335", "24335"),  # a misread digit, as measured
                      "table2.coercion": Twice("12.5", "12.5"),  # a count is a whole number
                      "table2.fees_10k_yuan": Twice("745.941", "745.941"),  # 万元 to two places at most
                      "table2.licensing": Twice("34240", "3424O"),  # chi_sim's letter O: not a number
                      "table2.regulations.in_force": Twice("", "")})
    assert verdict.values == {} and verdict.unproven == {}
    assert verdict.rejected["table2.punishment"] == "数字识别读作“21335”，中文识别读作“24335”，两次读数不一致，留空"
    assert "“12.5”" in verdict.rejected["table2.coercion"] and "不是整数的写法" in verdict.rejected["table2.coercion"]
    assert "不是金额的写法" in verdict.rejected["table2.fees_10k_yuan"]
    assert "“3424O”" in verdict.rejected["table2.licensing"]
    assert verdict.rejected["table2.regulations.in_force"] == "图片中此格没有读出字，留空"


def test_a_large_fee_without_its_point_stays_null() -> None:
    # 745.94 with a faint point both readers lose alike would be 74594 万元: kept only with its point
    verdict = decide({"table2.fees_10k_yuan": Twice("74594", "74594")})
    assert verdict.values == {} and "可能漏读了小数点" in verdict.rejected["table2.fees_10k_yuan"]
    assert decide({"table2.fees_10k_yuan": Twice("120", "120")}).values == {"table2.fees_10k_yuan": 120}


def test_a_null_mark_stays_null_with_its_printing() -> None:
    verdict = decide({"table2.coercion": Twice("/", "/"), "table2.punishment": Twice("—", "一")})
    assert verdict.values == {} and verdict.marks == {"table2.coercion": "/", "table2.punishment": "—"}
    assert list(verdict.rejected) == ["table2.punishment"]  # the readings differ: said, still null


def test_well_formed_numbers() -> None:
    assert well_formed("1,505", decimal=False) == 1505
    assert well_formed("026", decimal=False) is None  # digits run together, not a number anyone prints
    assert well_formed("0.5", decimal=True) == 0.5 and well_formed("12", decimal=True) == 12
    assert well_formed("1.2.3", decimal=True) is None


def test_continuity_with_last_year_is_a_check_never_a_source() -> None:
    table2 = {"regulations": {"issued": 1, "repealed": 0, "in_force": 5},
              "normative_documents": {"issued": 2, "repealed": 1, "in_force": 30}}
    unproven = dict.fromkeys([p for p, _ in table2_paths() if p.startswith(("table2.regulations",
                                                                            "table2.normative"))], AGREED)
    before = {"regulations": {"issued": 0, "repealed": 0, "in_force": 4},
              "normative_documents": {"issued": 0, "repealed": 0, "in_force": 20}}
    problems = continuity(table2, unproven, before, 2022)
    assert table2["regulations"]["in_force"] == 5
    assert unproven["table2.regulations.in_force"] == AGREED + "；与2022年报告相符（4 + 1 − 0）"
    # 20 + 2 − 1 = 21, the image reads 30: null, both numbers in the reason, nothing inferred
    assert table2["normative_documents"]["in_force"] is None
    assert "table2.normative_documents.in_force" not in unproven
    assert problems == ["OCR：table2.normative_documents.in_force：图片读作 30，但2022年报告的现行有效件数 20 + "
                        "制发 2 − 废止 1 = 21，两者不符（也可能是机关重新统计），留空"]
    assert table2["normative_documents"]["issued"] == 2  # read twice alike: still kept, still unproven


def test_continuity_checks_only_cells_read_from_images() -> None:
    table2 = {"regulations": {"issued": 1, "repealed": 0, "in_force": 9}}
    assert continuity(table2, {}, {"regulations": {"in_force": 4}}, 2022) == []
    assert table2["regulations"]["in_force"] == 9


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed 002's tables as a PNG ingested beside a 2022 report of the same agency, and the site built."""
    from portal.build import build_site
    from portal.ingest import run
    from tests import imagegen

    tmp = tmp_path_factory.mktemp("ocr-table2")
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    folder = content / "reports/weihai-torch-hitech-zone"
    shutil.rmtree(folder)
    folder.mkdir()
    # last year's report: its 规章 agree with this year's (0 + 0 − 0 = 0), its 规范性文件 do not (20 + 1 − 0 ≠ 16)
    last = yaml.safe_load((SEED_DIR / "2023.yaml").read_text(encoding="utf-8"))
    last["year"], last["title"] = 2022, last["title"].replace("2023", "2022")
    last["source"] |= {"file": "2022.txt", "original_file": "2022.txt"}
    last["table2"]["normative_documents"]["in_force"] = 20
    (folder / "2022.yaml").write_text(yaml.safe_dump(last, allow_unicode=True, sort_keys=False), encoding="utf-8")
    shutil.copyfile(SEED_DIR / "2023.txt", folder / "2022.txt")
    source = tmp / "incoming/年报.png"
    source.parent.mkdir()
    source.write_bytes(imagegen.render_scan(SEED, kind="png"))
    assert run([str(source), "--content", str(content)]) == 0
    assert build_site(content, tmp / "site", search=False, progress=False).exit_code == 0
    return tmp


@needs_engine
def test_an_ingested_scan_keeps_table2_unproven_and_checks_it_against_last_year(ingested: Path) -> None:
    draft = yaml.safe_load((ingested / "content/reports/weihai-torch-hitech-zone/2023.yaml").read_text(
        encoding="utf-8"))
    assert draft["table2"] == {**SEED["table2"], "normative_documents": {"issued": 1, "repealed": 0, "in_force": None}}
    assert draft["unproven"]["table2.regulations.in_force"] == AGREED + "；与2022年报告相符（0 + 0 − 0）"
    assert "table2.normative_documents.in_force" not in draft["unproven"]
    assert len(draft["unproven"]) == 9 and draft["unproven"]["table2.licensing"] == AGREED
    assert ("提取：OCR：table2.normative_documents.in_force：图片读作 16，但2022年报告的现行有效件数 20 + 制发 1 − "
            "废止 0 = 21，两者不符（也可能是机关重新统计），留空") in draft["notes"]


@needs_engine
def test_check_lists_every_unproven_cell(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from portal.cli import main

    assert main(["check", "--content", str(ingested / "content")]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "由图片识别的数字" in line]
    assert len(lines) == 9
    assert any("2023.yaml:" in line and "table2.licensing" in line and "由图片识别的数字 34240" in line
               for line in lines)
    assert "9 个图片识别的数字待对照原图核对（unproven）" in out and "检查完成，有问题待处理" in out


@needs_engine
@pytest.mark.parametrize("width", [390, 1280])
def test_the_page_marks_each_unproven_cell(ingested: Path, browser, width: int) -> None:
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser import serve_directory
    from tests.test_site_sound import AXE_OPTIONS, SERIOUS

    with serve_directory(ingested / "site") as base:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(f"{base}/reports/weihai-torch-hitech-zone/2023/")
        marked = page.locator("#table2-table td.unproven")
        assert marked.count() == 9
        licensing = page.locator("td[id='c-table2.licensing']")
        assert licensing.inner_text() == "34240※"
        assert licensing.get_attribute("title") == "图片识别，表内无勾稽关系可核，请以原件为准"
        assert "c-table2.normative_documents.in_force" not in [marked.nth(i).get_attribute("id") for i in range(9)]
        assert page.locator("td[id='c-table3.new.total']").get_attribute("class") == "n"  # proven: no mark
        in_force = page.locator("td[id='c-table2.normative_documents.in_force']")  # null: disagreed with 2022
        assert in_force.get_attribute("class") == "null"
        assert in_force.get_attribute("title") == "图片识别未能确认此格的数字，原因见整理说明"
        exempt = page.locator("p.trace-exempt").all_inner_texts()
        assert any("表二没有勾稽关系，其数字只在两次独立识别一致时保留，标 ※ 者请以原件为准" in t for t in exempt)
        notes = page.locator("h3:text-is('整理说明') + ul").inner_text()
        assert "table2.normative_documents.in_force：图片读作 16，但2022年报告的现行有效件数 20" in notes
        legend = page.locator("p.legend").inner_text()
        assert "※ 图片识别，表内无勾稽关系可核，请以原件为准（两次独立识别一致，但表二没有合计可以验证）" in legend
        violations = Axe().run(page, options=AXE_OPTIONS).response["violations"]
        assert [v["id"] for v in violations if v["impact"] in SERIOUS] == []
        page.locator("#table2-table").scroll_into_view_if_needed()
        page.screenshot(path=str(ingested / f"table2-{width}.png"), full_page=False)
        page.close()


def test_unproven_must_name_a_cell_that_holds_a_number() -> None:
    from portal.schema import Validator, validate_report
    from portal.yamlsafe import parse_yaml

    data = {**yaml.safe_load((SEED_DIR / "2023.yaml").read_text(encoding="utf-8")),
            "unproven": {"table2.licensing": AGREED, "table2.licencing": AGREED, "table3.new.research": 1}}
    data["table2"] = {**data["table2"], "licensing": None}
    v = Validator("2023.yaml", parse_yaml(yaml.safe_dump(data, allow_unicode=True, sort_keys=False)))
    validate_report(v)
    said = [str(p) for p in v.problems]
    assert any("unproven" in p and "table2.licensing" in p and "这一格的值是 null" in p for p in said), said
    assert any("table2.licencing" in p and "没有这个表格单元格" in p and "是不是 table2.licensing" in p for p in said)
    assert any("table3.new.research" in p and "应为文字说明" in p for p in said)
    assert len(said) == 3

