"""Report pages: the three tables in the form's layout, data quality, narrative, full source text."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import CONTENT, NO_TABLES, SEED_002, text_of

from portal import form
from portal.build import build_site
from portal.text import BOOKMARK_RE


def cell(page, path: str) -> str:
    td = page.select_one(f'td[id="c-{path}"]')
    assert td is not None, f"no cell {path}"
    return td.get_text(strip=True)


def test_seed_002_table2_numbers(soup) -> None:
    page = soup(SEED_002)
    assert cell(page, "table2.licensing") == "34240"
    assert cell(page, "table2.punishment") == "1505"
    assert cell(page, "table2.coercion") == "2276"
    assert cell(page, "table2.fees_10k_yuan") == "745.94"
    assert cell(page, "table2.normative_documents.in_force") == "16"
    assert cell(page, "table2.regulations.issued") == "0"
    table = page.select_one("#table2-table")
    assert "第二十条第（五）项" in text_of(table)
    assert "本年收费金额（单位：万元）" in text_of(table)


def test_seed_002_table3_row_in_the_right_columns(soup) -> None:
    page = soup(SEED_002)
    row = page.select_one('td[id="c-table3.unable.not_held.natural_person"]').parent
    labels = [th.get_text(strip=True) for th in row.find_all("th")]
    assert labels[-1] == "1.本机关不掌握相关政府信息"
    numbers = [td.get_text(strip=True) for td in row.find_all("td")]
    assert numbers == ["16", "0", "0", "0", "0", "0", "16"]  # 自然人 … 总计
    assert cell(page, "table3.carried_forward.total") == "4"
    assert cell(page, "table3.new.natural_person") == "26"
    assert cell(page, "table3.total.total") == "25"


def test_table3_header_is_the_printed_forms(soup) -> None:
    table = soup(SEED_002).select_one("#table3-table")
    head = table.select("thead tr")
    assert len(head) == 3
    first = head[0].find_all("th")
    assert first[0]["colspan"] == "3" and first[0]["rowspan"] == "3"
    assert first[1].get_text(strip=True) == "申请人情况" and first[1]["colspan"] == "7"
    second = [(th.get_text(strip=True), th.get("colspan"), th.get("rowspan")) for th in head[1].find_all("th")]
    assert second == [("自然人", None, "2"), ("法人或其他组织", "5", None), ("总计", None, "2")]
    assert [th.get_text(strip=True) for th in head[2].find_all("th")] == [c.label for c in form.APPLICANT_COLUMNS[1:]]
    # 三、本年度办理结果 spans every outcome row plus （七）总计; （三）不予公开 spans its 8 sub-rows
    results = table.find("th", string=form.TABLE3_RESULTS_LABEL)
    assert results["rowspan"] == str(sum(r.is_outcome for r in form.TABLE3_ROWS) + 1)
    assert table.find("th", string="（三）不予公开")["rowspan"] == "8"
    assert len(table.select("tbody tr")) == len(form.TABLE3_ROWS)


def test_table4_has_fifteen_cells_under_three_groups(soup) -> None:
    table = soup(SEED_002).select_one("#table4-table")
    assert len(table.select("tbody td")) == 15
    heads = text_of(table.select_one("thead"))
    for label in ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "尚未审结"):
        assert label in heads


@pytest.mark.parametrize("url", NO_TABLES)
def test_reports_without_tables_say_so_with_reasons(soup, url: str) -> None:
    page = soup(url)
    _, _, slug, year, _ = url.split("/")
    data = yaml.safe_load((CONTENT / "reports" / slug / f"{year}.yaml").read_text(encoding="utf-8"))
    assert not page.select("table.form-table")
    for key, reason in data["missing_tables"].items():
        box = page.select_one(f"#{key}-table")
        assert box is not None and "table-missing" in box["class"]
        assert reason in text_of(box)
        assert reason in text_of(page.select_one(".quality"))
    assert "不按 0 计" in text_of(page.select_one(".quality"))


def test_publication_date_and_deadline(soup) -> None:
    facts = text_of(soup(SEED_002).select_one(".facts"))
    assert "未注明发布日期" in facts and "2024年1月31日" in facts
    dated = text_of(soup("/reports/wendeng-gov-office/2022/").select_one(".facts"))
    assert "2023年1月16日" in dated and "按期发布" in dated


def test_narrative_figures_with_quotes_and_links(soup, seed_site) -> None:
    for report in seed_site.reports:
        page = soup(report.url)
        table = page.select_one("table.narrative")
        assert table is not None
        rows = table.select("tbody tr")
        assert len(rows) == len(report.narrative)
        for row, figure in zip(rows, report.narrative, strict=True):
            assert row.select_one("td.n").get_text(strip=True) == figure.display
            assert row.select_one("q").get_text() == figure.quote
            link = row.select_one('a[href^="#t"]')
            assert link is not None, figure.quote
            target = page.select_one(link["href"])
            assert "".join(figure.quote.split()) in "".join(target.get_text().split())


def test_at_least_figure_shown_as_lower_bound(soup) -> None:
    row = soup(SEED_002).select_one("table.narrative tbody tr")
    assert row.select_one("td.n").get_text(strip=True) == "16500余"


def visible_chars(text: str) -> str:
    return "".join(ch for ch in text if not ch.isspace())


def is_subsequence(needle: str, haystack: str) -> bool:
    it = iter(haystack)
    return all(ch in it for ch in needle)


def test_every_character_of_the_source_appears_in_order(soup, seed_site) -> None:
    for report in seed_site.reports:
        region = soup(report.url).select_one("#report-text")
        shown = visible_chars(region.get_text())
        source = visible_chars(BOOKMARK_RE.sub("", report.text))
        assert is_subsequence(source, shown), report.url
        # and nothing but the source: the shown text has only the source's characters (plus labels
        # of the collapsed table blocks and image placeholders)
        assert len(shown) >= len(source)


def test_text_blocks_have_stable_ids_and_a_toc(soup) -> None:
    page = soup(SEED_002)
    region = page.select_one("#report-text")
    ids = [el["id"] for el in region.find_all(id=re.compile(r"^t\d+$"))]
    assert ids == [f"t{i}" for i in range(1, len(ids) + 1)]
    toc = [a["href"] for a in page.select(".toc a")]
    assert "#t5" in toc  # 一、总体情况
    heading = page.select_one("#t5")
    assert heading.name == "h3" and heading.get_text(strip=True) == "一、总体情况"
    assert page.select_one("#t16").get_text(strip=True) == "4、 政府信息公开行政复议、行政诉讼情况"
    assert page.select_one("details#t15 pre") is not None  # flattened table 3, collapsed


def test_image_markers_are_shown_as_placeholders(soup) -> None:
    page = soup("/reports/wendeng-huanshan-subdistrict/2023/")
    placeholders = page.select(".source-image")
    assert len(placeholders) == 3
    assert "[image: 1705995664987]" in placeholders[0].get_text()


def test_downloads_and_year_navigation(soup, seed_site) -> None:
    report = seed_site.report("weihai-torch-hitech-zone", 2023)
    page = soup(report.url)
    hrefs = {a["href"] for a in page.select(".downloads a")}
    assert {report.yaml_url, report.json_url, report.source_url} <= hrefs
    nav = text_of(page.select_one(".year-nav"))
    assert "无上一年度报告" in nav and "无下一年度报告" in nav


# ------------------------------------------------------------------ variants of the seed


def _edit_seed(content: Path, edit) -> None:  # noqa: ANN001 - a callable on the YAML text
    path = content / "reports/weihai-torch-hitech-zone/2023.yaml"
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")


def test_failing_check_is_shown_with_numbers_and_cells_highlighted(scratch_content: Path, tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    _edit_seed(scratch_content, lambda t: t.replace("new: [26, 0, 0, 0, 0, 0, 26]", "new: [27, 0, 0, 0, 0, 0, 26]"))
    out = tmp_path / "site"
    result = build_site(scratch_content, out, search=False, progress=False)
    assert result.exit_code == 0
    assert any("勾稽关系检查未通过" in w for w in result.warnings)
    page = BeautifulSoup((out / SEED_002.lstrip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")
    failing = page.select(".failing-checks li")
    assert failing, "the failing checks are listed"
    texts = " ".join(text_of(li) for li in failing)
    assert "27" in texts and "自然人列" in texts
    assert "fail" in page.select_one('td[id="c-table3.new.natural_person"]')["class"]
    links = [a["href"] for a in page.select(".failing-checks a")]
    assert "#c-table3.new.natural_person" in links
    assert "fail" not in page.select_one('td[id="c-table2.licensing"]')["class"]


def test_null_cells_show_the_printed_mark_not_zero(scratch_content: Path, tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    def edit(text: str) -> str:
        text = text.replace("licensing: 34240", "licensing: null")
        text = text.replace("new: [26, 0, 0, 0, 0, 0, 26]", "new: [26, 0, null, 0, 0, 0, 26]")
        return text.replace("cells: {}", 'cells: {"table2.licensing": "/"}')

    _edit_seed(scratch_content, edit)
    out = tmp_path / "site"
    build_site(scratch_content, out, search=False, progress=False)
    page = BeautifulSoup((out / SEED_002.lstrip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")
    licensing = page.select_one('td[id="c-table2.licensing"]')
    assert licensing.get_text(strip=True) == "/" and "null" in licensing["class"]
    research = page.select_one('td[id="c-table3.new.research"]')
    assert research.get_text(strip=True) == "空" and "null" in research["class"]
    assert "无法判断" in text_of(page.select_one(".quality"))
    legend = text_of(page.select_one(".legend"))
    assert "空" in legend and "“/”" in legend
