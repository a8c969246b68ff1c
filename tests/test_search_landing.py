"""Search that lands on the hit: the result link carries the terms, the report page marks them,
opens the folded source table that holds the passage and brings it on screen; each result counts
its hits and shows up to three distinct excerpts, reports before list pages, filters folded on a
phone; a paragraph that a PDF wrapped over two lines is found across the break, and nothing is
found across two paragraphs or two table cells.

The site is the five Weihai seeds (``weihai_content``) with one paragraph of the 火炬 2023 report
wrapped inside 征地拆迁, as a PDF prints it; built by the real build with the search index.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from browser import serve_directory
from conftest import drop_original, url_file

from portal.build import build_site
from portal.load import load_content
from portal.searchrecords import report_document
from portal.searchtext import form_blocks, joined_blocks, searchable_text, soft_breaks
from portal.searchtokens import contains_all, parse_query
from portal.text import CELLS, parse_text

TORCH = "/reports/weihai-torch-hitech-zone/2023/"
WRAPPED_AT = "申请内容主要集中在征地"
"""The paragraph of the 火炬 2023 report wrapped after this, inside 征地拆迁."""
DONE = "#results[data-state=done]"


def wrap(text: str) -> str:
    assert text.count(WRAPPED_AT) == 1
    return text.replace(WRAPPED_AT, WRAPPED_AT + "\n")


# ------------------------------------------------------------------ which line breaks wrap a paragraph

PARAGRAPH = "2023年，本机关共收到并处理政府信息公开申请26件，申请内容主要集中在征地"


@pytest.mark.parametrize("text, joined", [
    (f"{PARAGRAPH}\n拆迁和房证办理等领域。\n", f"{PARAGRAPH}拆迁和房证办理等领域。\n"),
    (f"{PARAGRAPH}\r\n拆迁等领域。", f"{PARAGRAPH}拆迁等领域。"),
    (f"{PARAGRAPH}，\n2024年继续做好。", f"{PARAGRAPH}，2024年继续做好。"),
])
def test_a_line_that_wraps_a_paragraph_runs_on(text: str, joined: str) -> None:
    assert searchable_text(text) == joined


@pytest.mark.parametrize("text", [
    f"{PARAGRAPH}。\n拆迁等领域。",  # a sentence ends: the next line is a paragraph
    f"{PARAGRAPH}\n\n拆迁等领域。",  # a blank line between
    f"{PARAGRAPH}\n　　拆迁等领域。",  # an indented first line
    f"{PARAGRAPH}\n（二）主动公开情况",  # a heading
    f"{PARAGRAPH}\n2.依申请公开",  # a list item
    f"{PARAGRAPH}\n2024年1月20日",  # the date line
    "\t本年新收政府信息公开申请数量本年新收政府信息\n\t26",  # table cells, one a line
    "信息内容 本年制发件数 本年废止件数 现行有效件数\n规章 0 0 0",  # a table row printed with spaces
    "一、本年新收政府信息公开申请数量 26 0 1 0 0 2 29\n二、上年结转",
    "要求行政机关确认或重新出具已获取信息的申请数量\n0 0 0 0 0 0 0",  # a label, then its numbers
    "标题: 平潭县人民政府2011年政府信息公开工作年度报告\n发布时间: 2012-04-18",  # a page's header
    "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n| 规章 | 0 | 0 | 0 |",
    "行政许可\n34240",  # short lines
])
def test_no_other_line_break_runs_on(text: str) -> None:
    assert soft_breaks(text) == [] and searchable_text(text) == text


def test_the_reports_as_published_have_no_wrapped_lines() -> None:
    """Word and web sources keep a paragraph on one line: their search text is their text."""
    site = load_content(Path(__file__).resolve().parent.parent / "content")
    assert [r.url for r in site.reports if searchable_text(r.text) != r.text] == []


# ------------------------------------------------------------------ the site


@pytest.fixture(scope="module")
def wrapped_content(tmp_path_factory: pytest.TempPathFactory, weihai_content: Path) -> Path:
    target = tmp_path_factory.mktemp("wrapped") / "content"
    shutil.copytree(weihai_content, target)
    source = target / "reports" / "weihai-torch-hitech-zone" / "2023.txt"
    source.write_text(wrap(source.read_text(encoding="utf-8")), encoding="utf-8")
    drop_original(source.with_suffix(".yaml"))
    return target


@pytest.fixture(scope="module")
def landing_site(tmp_path_factory: pytest.TempPathFactory, wrapped_content: Path) -> Path:
    out = tmp_path_factory.mktemp("landing") / "site"
    assert build_site(wrapped_content, out, search=True, progress=False).exit_code == 0
    return out


def test_the_text_shard_says_which_blocks_run_on_and_which_every_report_has(landing_site: Path,
                                                                           wrapped_content: Path) -> None:
    site = load_content(wrapped_content)
    torch = next(r for r in site.reports if r.url == TORCH)
    blocks = parse_text(torch.text)
    shard = json.loads(url_file(landing_site, f"{TORCH}text.json").read_text(encoding="utf-8"))
    assert shard["joined"] == joined_blocks(torch.text, blocks)
    [i] = shard["joined"]
    assert blocks[i].raw.endswith("征地\n") and blocks[i + 1].raw.startswith("拆迁")
    assert shard["form"] == form_blocks(blocks)
    assert {b.index - 1 for b in blocks if b.kind == CELLS} <= set(shard["form"])
    assert i not in shard["form"]  # the report's own words
    # the page carries the same blocks: t<N> is block N
    page = url_file(landing_site, TORCH).read_text(encoding="utf-8")
    assert f'<p id="t{i + 1}">' in page and "征地</p>" in page


# ------------------------------------------------------------------ the pages in Chromium


@pytest.fixture(scope="module")
def base(landing_site: Path) -> Iterator[str]:
    with serve_directory(landing_site) as url:
        yield url


def open_page(browser, width: int):  # noqa: ANN001, ANN201 - Playwright objects
    context = browser.new_context(viewport={"width": width, "height": 844 if width < 600 else 800})
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    return context, page


def searched(page, base: str, query: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/search/?q={quote(query)}")
    page.wait_for_function("q => { const r = document.getElementById('results');"
                           " return r.dataset.state === 'done' && r.dataset.query === q; }", arg=query)


def in_viewport(page, selector: str) -> bool:  # noqa: ANN001
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0
          && r.bottom <= innerHeight && r.right <= innerWidth; }""")


def uncovered(page, selector: str) -> bool:  # noqa: ANN001
    """The element is what the reader sees at its centre (not under the bar at the foot)."""
    return page.eval_on_selector(selector, """el => { const r = el.getBoundingClientRect();
        return el.contains(document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2)); }""")


@pytest.mark.parametrize("width", [1280, 390])
def test_following_the_first_result_shows_the_term_marked_on_screen(browser, base: str, width: int) -> None:  # noqa: ANN001
    """34240 is only in a source table that the report page folds in a <details>."""
    context, page = open_page(browser, width)
    searched(page, base, "34240")
    link = page.locator("#results a.search-result-link").first
    href = link.get_attribute("href")
    assert urlsplit(href).path == TORCH and urlsplit(href).query == "q=34240"
    assert in_viewport(page, "#results li.search-result-r")  # the first result is above the fold
    link.click()
    page.wait_for_selector("#report-text mark.hit-current")
    assert page.locator("#report-text mark.hit-current").inner_text() == "34240"
    assert page.eval_on_selector("#report-text mark.hit-current", "m => m.closest('details').open")
    assert in_viewport(page, "#report-text mark.hit-current") and uncovered(page, "#report-text mark.hit-current")
    assert page.locator(".hit-bar").inner_text().count("34240") == 1
    assert page.errors == []
    context.close()


def test_every_place_is_marked_and_the_marks_can_be_stepped_through_and_cleared(browser, base: str,  # noqa: ANN001
                                                                                 landing_site: Path) -> None:
    context, page = open_page(browser, 1280)
    page.goto(f"{base}{TORCH}?q={quote('政务公开')}")
    page.wait_for_selector("#report-text mark.hit-current")
    text = "".join(page.eval_on_selector_all("#report-text > [id^=t]", "els => els.map(e => e.textContent)"))
    marks = page.eval_on_selector_all("#report-text mark.hit", "ms => ms.map(m => m.textContent)")
    assert marks == ["政务公开"] * text.count("政务公开") and len(marks) > 3
    assert page.get_attribute("#report-text", "data-hits") == str(len(marks))
    assert "第 1 / " in page.locator(".hit-bar").inner_text()
    page.click(".hit-bar button:text('下一处')")
    assert "第 2 / " in page.locator(".hit-bar").inner_text()
    assert in_viewport(page, "#report-text mark.hit-current")
    page.click(".hit-bar button:text('清除标记')")
    assert page.locator("#report-text mark").count() == 0 and page.locator(".hit-bar").count() == 0
    assert urlsplit(page.url).query == ""
    assert "".join(page.eval_on_selector_all("#report-text > [id^=t]", "els => els.map(e => e.textContent)")) == text
    assert page.errors == []
    context.close()


def test_a_report_page_without_terms_is_left_alone(browser, base: str) -> None:  # noqa: ANN001
    context, page = open_page(browser, 1280)
    page.goto(f"{base}{TORCH}#t13")
    page.wait_for_load_state("networkidle")
    assert page.locator("mark").count() == 0 and page.locator(".hit-bar").count() == 0
    assert page.errors == []
    context.close()


def test_results_count_their_hits_and_show_up_to_three_distinct_excerpts(browser, base: str,  # noqa: ANN001
                                                                          wrapped_content: Path) -> None:
    site = load_content(wrapped_content)
    context, page = open_page(browser, 1280)
    searched(page, base, "政务公开")
    page.wait_for_function("() => [...document.querySelectorAll('#results li.search-result-r')]"
                           ".every(li => li.dataset.excerpt === 'done')")
    results = page.eval_on_selector_all("#results li.search-result-r", """lis => lis.map(li => ({
        url: li.querySelector('a').getAttribute('href'),
        hits: li.querySelector('.search-result-hits')?.textContent,
        excerpts: [...li.querySelectorAll('.search-result-excerpt')].map(p => p.textContent),
        links: [...li.querySelectorAll('.search-result-excerpt a')].map(a => a.getAttribute('href'))}))""")
    assert len(results) == 5
    for res in results:
        report = next(r for r in site.reports if r.url == urlsplit(res["url"]).path)
        shown = "".join(b.text for b in parse_text(report.text))
        assert res["hits"] == f"正文命中 {shown.count('政务公开')} 处"
        assert 1 <= len(res["excerpts"]) <= 3 and len(set(res["excerpts"])) == len(res["excerpts"])
        assert all("政务公开" in e for e in res["excerpts"])
        assert all(urlsplit(h).path == report.url and urlsplit(h).query == "q=" + quote("政务公开")
                   for h in res["links"])
    # a passage of the report's own words first: not its title, which every result repeats
    torch = next(r for r in results if TORCH in r["url"])
    assert "年度报告" not in torch["excerpts"][0]
    assert page.errors == []
    context.close()


def test_reports_are_listed_before_agency_and_year_pages(browser, base: str) -> None:  # noqa: ANN001
    context, page = open_page(browser, 1280)
    for query in ("文登区民政局", "2023"):
        searched(page, base, query)
        kinds = page.eval_on_selector_all("#results > ol > li", "lis => lis.map(li => li.className)")
        kinds = ["r" if "search-result-r" in k else "page" for k in kinds]
        assert "r" in kinds and "page" in kinds, query
        assert kinds == sorted(kinds, key=lambda k: k != "r"), query
    page.select_option("#search-filter-year", "2023")  # a filter lists them again, in the same order
    kinds = page.eval_on_selector_all("#results > ol > li", "lis => lis.map(li => li.className)")
    assert kinds[0].endswith("search-result-r")
    context.close()


def test_the_filters_fold_on_a_phone(browser, base: str) -> None:  # noqa: ANN001
    for width, folded in ((390, True), (1280, False)):
        context, page = open_page(browser, width)
        searched(page, base, "政务公开")
        assert page.eval_on_selector(".search-filters-fold", "d => !d.hidden && d.open") is not folded
        assert page.locator("#search-filter-year").is_visible() is not folded
        assert in_viewport(page, "#results li.search-result-r .search-result-title")  # above the fold
        if folded:
            page.click(".search-filters-fold > summary")
            page.select_option("#search-filter-year", "2022")
            assert page.locator(".search-filters-fold > summary").inner_text() == "筛选（已选 1 项）"
        context.close()


def test_a_term_is_found_and_marked_across_a_wrapped_line_only(browser, base: str, wrapped_content: Path) -> None:  # noqa: ANN001
    """征地拆迁 is wrapped after 征地 in the 火炬 report: found, linked and marked across the break.
    Across two paragraphs, or a table's label and its number, nothing is found."""
    site = load_content(wrapped_content)
    torch = next(r for r in site.reports if r.url == TORCH)
    lines = torch.text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("拆迁"))
    across_paragraphs = lines[at][-3:] + lines[at + 1][:3]  # the end of the paragraph and the next
    context, page = open_page(browser, 1280)
    for query, expected in (("征地拆迁", {TORCH}), (across_paragraphs, set()), ("行政许可34240", set())):
        assert {r.url for r in site.reports if contains_all(report_document(r), parse_query(query))} == expected
        searched(page, base, query)
        hrefs = page.eval_on_selector_all("#results a.search-result-link", "as => as.map(a => a.getAttribute('href'))")
        assert {urlsplit(h).path for h in hrefs if h.startswith("/reports/")} == expected, query
    searched(page, base, "征地拆迁")
    page.wait_for_selector("#results li .search-result-excerpt mark")
    assert "征地拆迁" in page.locator("#results li .search-result-excerpt").first.inner_text()
    page.locator("#results a.search-result-link").first.click()
    page.wait_for_selector("#report-text mark.hit-current")
    marks = page.eval_on_selector_all("#report-text mark.hit-current",
                                      "ms => ms.map(m => [m.textContent, m.parentElement.id])")
    assert [m for m, _ in marks] == ["征地", "拆迁"] and marks[0][1] != marks[1][1]  # two blocks, one place
    assert in_viewport(page, "#report-text mark.hit-current")
    assert page.errors == []
    context.close()
