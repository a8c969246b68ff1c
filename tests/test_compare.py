"""/compare/ in Debian's Chromium: a shared URL chooses the reports, the page shows their exact
numbers side by side (the seeds' YAML: 威海火炬高技术产业开发区 2023, 平潭综合实验区 2020), says how
to use the downloads without JavaScript, turns columns into rows on a 390-px phone, and the
"compare with…" links of agency and report pages preselect their agency. /reasons/' filter too."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import serve_directory
from conftest import text_of

pytestmark = pytest.mark.browser

HITECH, PINGTAN = "weihai-torch-hitech-zone", "pingtan-zonghe-shiyanqu"
SHARED = f"/compare/?c={HITECH}:2023&c={PINGTAN}:2020"
SHOTS = Path("/tmp/compare-shots")


@pytest.fixture(scope="module")
def base(site_dir: Path):  # noqa: ANN201 - the served URL
    with serve_directory(site_dir) as url:
        yield url


def open_page(browser, url: str, width: int = 1280, js: bool = True):  # noqa: ANN001, ANN201 - Playwright
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN", java_script_enabled=js)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    if js:
        page.wait_for_selector("[data-state=done]", state="attached", timeout=15000)
    assert errors == []
    return page


def row_cells(page, table: str, label: str) -> list[str]:  # noqa: ANN001
    """The value cells of the row whose header is exactly ``label``, as the reader sees them."""
    rows = page.locator(f"#{table} tbody tr:not(.group)").filter(has=page.locator("th", has_text=label))
    for i in range(rows.count()):
        row = rows.nth(i)
        if row.locator("th").first.inner_text().split("\n")[0].strip() == label:
            return [" ".join(t.split()) for t in row.locator("td").all_inner_texts()]
    raise AssertionError(f"no row {label!r} in #{table}")


def test_a_shared_url_shows_both_reports_numbers_side_by_side(browser, base: str) -> None:  # noqa: ANN001
    page = open_page(browser, base + SHARED)
    heads = [" ".join(t.split()) for t in page.locator("#cmp-table3 thead th").all_inner_texts()]
    assert heads == ["项目", "威海火炬高技术产业开发区管委会 2023年度", "平潭综合实验区管委会 2020年度"]
    assert row_cells(page, "cmp-table3", "一、本年新收政府信息公开申请数量") == ["26", "21"]
    assert row_cells(page, "cmp-table3", "二、上年结转政府信息公开申请数量") == ["3", "0"]
    assert row_cells(page, "cmp-table3", "1.本机关不掌握相关政府信息") == ["16", "4"]
    assert row_cells(page, "cmp-table3", "（七）总计") == ["25", "21"]
    assert row_cells(page, "cmp-table3", "四、结转下年度继续办理") == ["4", "0"]
    # the 2019 form's one-row （六）: the 2020 report has it, the 2023 report's three rows instead
    # (never "blank in the source": the source printed another form, and the cell says which)
    assert row_cells(page, "cmp-table3", "（六）其他处理（2019年格式，印作一行）") == \
        ["— 分三行印制，见上方", "4"]
    assert row_cells(page, "cmp-table3", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请") == \
        ["1", "— 印作一行，见下方"]
    assert row_cells(page, "cmp-table2", "行政许可 本年处理决定数量") == ["34240", "— 用2019年版表二，无此项"]
    licensing = page.locator("#cmp-table2 tbody tr", has_text="行政许可 本年处理决定数量").locator(".missing")
    assert licensing.get_attribute("title") == \
        "本报告的表二按2019年版格式印制（本年新制作、本年新公开、对外公开总数量），没有这一项；其数字见下方“2019年版表格”"
    # which the page shows because one chosen report printed it, beside the other's current table 2
    assert row_cells(page, "cmp-table2_2019", "规章 对外公开总数量") == ["— 用现行表二，无此项", "7"]
    assert row_cells(page, "cmp-table2_2019", "规章 本年新制作数量") == ["— 用现行表二，无此项", "0"]
    # a null the reviewer left (glued digits the 2019 table cannot split): no number, as the report page says
    assert row_cells(page, "cmp-table2_2019", "规范性文件 对外公开总数量") == [
        "— 用现行表二，无此项", "— 原文无此数字，不是 0"]
    assert page.locator("#h-table2_2019").inner_text() == "二、主动公开政府信息情况（2019年版表格）"
    assert row_cells(page, "cmp-indicators", "实质公开率") == ["24.0% 6 / 25", "61.9% 13 / 21"]
    assert row_cells(page, "cmp-indicators", "本机关不掌握率") == ["64.0% 16 / 25", "19.0% 4 / 21"]
    assert row_cells(page, "cmp-indicators", "结转率") == ["13.8% 4 / 29", "0.0% 0 / 21"]
    review = row_cells(page, "cmp-indicators", "复议纠错率")[0]
    assert review.startswith("—") and "0 / 0" in review  # no concluded review: no rate, not 0 %
    # the picker shows the choice, and the URL it makes is the one shared
    assert page.locator("#agency-0").input_value() == HITECH and page.locator("#year-0").input_value() == "2023"
    assert page.locator("#agency-1").input_value() == PINGTAN and page.locator("#year-1").input_value() == "2020"
    page.locator("#compare-form button[type=submit]").click()
    page.wait_for_selector("[data-state=done]", state="attached", timeout=15000)
    assert page.url == base + SHARED
    assert page.locator("#compare-status").inner_text() == "已并排显示2份报告。"
    # the trend of new applications: from the first year with a number to the last, gaps said, not 0
    assert page.locator("#trend-table3-new-total-desc").text_content() == (
        "威海火炬高技术产业开发区管委会：2019年 无数据，2020年 无数据，2021年 无数据，2022年 无数据，2023年 26；"
        "平潭综合实验区管委会：2019年 23，2020年 21，2021年 无数据，2022年 无数据，2023年 无数据")
    page.context.close()


def test_the_2019_table_2_shows_only_when_a_chosen_report_printed_it(browser, base: str) -> None:  # noqa: ANN001
    page = open_page(browser, base + f"/compare/?c={HITECH}:2023&c=wendeng-civil-affairs:2023")
    assert page.locator("#h-table2").count() == 1 and page.locator("#h-table2_2019").count() == 0
    page.context.close()


def test_one_agency_alone_shows_its_latest_years_and_bad_choices_are_named(browser, base: str) -> None:  # noqa: ANN001
    page = open_page(browser, base + f"/compare/?c={PINGTAN}")
    heads = [" ".join(t.split()) for t in page.locator("#cmp-indicators thead th").all_inner_texts()][1:]
    assert heads == [f"平潭综合实验区管委会 {y}年度" for y in (2017, 2018, 2019, 2020)]
    assert row_cells(page, "cmp-table3", "（七）总计")[:2] == ["— 原文无此表"] * 2  # the 2008 条例's reports
    assert "依2008年施行" in page.locator("#h-table3 + p + div + ul").inner_text()
    page.context.close()
    page = open_page(browser, base + f"/compare/?c=no-such-agency&c={HITECH}:2019")
    page.wait_for_function("document.querySelector('#compare-status').textContent.length > 0")
    status = page.locator("#compare-status").inner_text()
    assert "找不到机构“no-such-agency”" in status and "威海火炬高技术产业开发区管委会没有2019年度的报告" in status
    assert page.locator("#compare-stage table").count() == 0
    page.context.close()


def test_without_javascript_the_page_points_to_the_downloads(browser, base: str) -> None:  # noqa: ANN001
    page = open_page(browser, base + SHARED, js=False)
    notice = page.locator("noscript + div.notice, .notice").first
    assert "本页需要启用 JavaScript" in notice.inner_text()
    assert notice.locator("a[href='/data/reports.csv']").is_visible()
    assert not page.locator("#compare-form").is_visible()
    page.context.close()


@pytest.mark.parametrize("width", [390, 1280])
def test_compare_and_reasons_fit_the_screen(browser, base: str, width: int) -> None:  # noqa: ANN001
    SHOTS.mkdir(exist_ok=True)
    four = SHARED + f"&c={PINGTAN}:2019&c=wendeng-gov-office"
    for name, url in (("compare", four), ("reasons", "/reasons/")):
        page = open_page(browser, base + url, width)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), f"{url} scrolls sideways"
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        if name == "compare":
            cell = page.locator("#cmp-table3 tbody tr:not(.group) td").first
            label = page.locator("#cmp-table3 tbody tr:not(.group) th").first
            cell_box, label_box = cell.bounding_box(), label.bounding_box()
            assert cell_box and label_box and cell_box["x"] + cell_box["width"] <= width
            if width == 390:  # the reports are rows under each figure: the first sits below its label
                assert cell_box["y"] >= label_box["y"] + label_box["height"] - 1
                assert cell.evaluate("td => getComputedStyle(td, '::before').content").strip('"') == \
                    "威海火炬高技术产业开发区管委会 2023年度"
            else:  # columns beside the labels
                assert cell_box["x"] >= label_box["x"] + label_box["width"] - 1
        page.context.close()


def test_compare_links_preselect_the_agency(browser, base: str, soup) -> None:  # noqa: ANN001
    agency = soup(f"/agencies/{HITECH}/").select_one(".compare-link a")
    report = soup(f"/reports/{HITECH}/2023/").select_one(".compare-link a")
    assert agency["href"] == f"/compare/?c={HITECH}" and report["href"] == f"/compare/?c={HITECH}:2023"
    page = open_page(browser, base + report["href"])
    assert page.locator("#agency-0").input_value() == HITECH and page.locator("#agency-1").input_value() == ""
    page.locator("#agency-1").select_option(PINGTAN)
    page.locator("#year-1").select_option("2019")
    page.locator("#year-1").focus()
    page.keyboard.press("Tab")  # from the last slot's year… (slots 3 and 4 are empty)
    for _ in range(4):
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")  # …the keyboard reaches the button and submits
    page.wait_for_url(f"**/compare/?c={HITECH}:2023&c={PINGTAN}:2019")
    page.wait_for_selector("[data-state=done]", state="attached", timeout=15000)
    assert row_cells(page, "cmp-table3", "（七）总计") == ["25", "23"]
    page.context.close()


def test_reasons_filter_by_jurisdiction_kind_and_year(browser, base: str) -> None:  # noqa: ANN001
    page = open_page(browser, base + "/reasons/")
    assert page.locator("#filter").is_visible()
    page.locator("#f-year").select_option("2020")
    page.locator("#f-jurisdiction").select_option("福建省")
    assert row_cells(page, "filtered-reasons", "本机关不掌握相关政府信息") == ["4", "19.0%"]
    assert row_cells(page, "filtered-agencies", "平潭综合实验区管委会")[0] == "21"
    page.locator("#f-jurisdiction").select_option("山东省")
    assert "没有符合条件的报告" in page.locator("#filtered").inner_text()
    page.locator("#f-year").select_option("2023")
    page.locator("#f-kind").select_option("街道办事处")
    text = " ".join(page.locator("#filtered").inner_text().split())
    assert "计入0份报告，1份没有表三，未计入" in text and "表格以图片形式发布" in text
    assert page.locator("#filtered-reasons").count() == 0  # nothing counted: no table of zeros
    page.context.close()


def test_the_server_page_needs_no_script_for_the_site_wide_view(soup) -> None:  # noqa: ANN001
    page = soup("/reasons/")
    assert page.select_one("#filter")["hidden"] is not None  # the filter appears only with its script
    assert "reasons.json" in text_of(page.select_one("noscript"))
