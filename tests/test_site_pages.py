"""Home, agency, year, data, about, search and the machine-readable pages of the seed site."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import SEED_002, html_pages, text_of

from portal.build import build_site
from portal.render import DEFAULT_BASE_URL, NAV

ATOM = "{http://www.w3.org/2005/Atom}"
AGENCY_002 = "/agencies/weihai-torch-hitech-zone/"


def test_every_page_has_header_nav_and_search_box(site_dir: Path) -> None:
    for path in html_pages(site_dir):
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        assert page.html["lang"] == "zh-CN", path
        nav = [(a.get_text(strip=True), a["href"]) for a in page.select(".site-nav a")]
        assert nav == [(label, url) for _, label, url in NAV], path
        # the header's search box, or on the home and search pages (which have only one) their own
        forms = page.select("form[role=search]")
        assert len(forms) == 1, path
        form = forms[0]
        assert form["action"] == "/search/" and form["method"] == "get"
        assert form.select_one("input")["name"] == "q"
        assert page.select_one("a.skip-link")["href"] == "#main" and page.select_one("main#main")


def test_canonical_and_opengraph(soup) -> None:
    page = soup(SEED_002)
    assert page.select_one("link[rel=canonical]")["href"] == DEFAULT_BASE_URL + SEED_002
    assert page.select_one('meta[property="og:url"]')["content"] == DEFAULT_BASE_URL + SEED_002
    assert page.select_one('meta[property="og:type"]')["content"] == "article"
    assert "威海火炬" in page.select_one('meta[property="og:title"]')["content"]


def test_base_url_comes_from_one_option(scratch_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(scratch_content, out, search=False, progress=False, base_url="https://reports.example.cn/")
    page = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one("link[rel=canonical]")["href"] == "https://reports.example.cn/"
    assert "https://reports.example.cn/sitemap.xml" in (out / "robots.txt").read_text(encoding="utf-8")


def test_home_page(soup, seed_site) -> None:
    page = soup("/")
    assert page.select_one("h1").get_text(strip=True) == "政府信息公开年报库"
    counts = {div.select_one("dt").get_text(): div.select_one("dd").get_text() for div in page.select(".counts div")}
    assert counts == {"机构": "8", "报告": "19", "年度": "12"}
    newest = [a["href"] for a in page.select(".report-list a")]
    assert len(newest) == 10 and newest[0].endswith("/2023/") and newest[4].endswith("/2022/")
    assert newest[5:] == [f"/reports/pingtan-zonghe-shiyanqu/{y}/" for y in (2020, 2019, 2018, 2017, 2016)]
    # nested jurisdictions: 山东省 › 威海市 › 文登区 › agencies
    shandong = page.select_one(".tree > li")
    assert shandong.select_one(".tree-label").get_text() == "山东省"
    weihai = shandong.select_one(":scope > ul.tree > li")
    assert weihai.select_one(".tree-label").get_text() == "威海市"
    districts = [li.select_one(".tree-label").get_text() for li in weihai.select(":scope > ul.tree > li")]
    assert districts == ["文登区", "火炬高技术产业开发区"]
    assert page.select_one('form[role=search] input[name="q"]#home-q')


def test_home_headline_totals_say_their_coverage(soup) -> None:
    table = soup("/").select_one("#headline-caption").find_parent("table")
    rows = {tr.th.get_text(strip=True): [text_of(td) for td in tr.find_all("td")] for tr in table.select("tbody tr")}
    # columns 2011 … 2020, 2022, 2023 (no report of 2021)
    assert rows["收录报告（份）"] == ["2", "2", "3", "1", "1", "1", "1", "1", "1", "1", "2", "3"]
    # 2013: one of three says it received none; 2019, 2020: Pingtan's table 3; 2022: 7 + 0 from the
    # prose; 2023: 26 + 1 + 1
    assert rows["新收申请（件）"][2:] == ["0 3家中的1家", "— 1家中的0家", "0", "0", "0", "0", "23", "21", "7", "28"]
    assert rows["行政复议（件）"][-4:] == ["0", "0", "0 2家中的1家", "1 3家中的2家"]


def test_agencies_index_lists_every_agency_with_report_years(soup, seed_site) -> None:
    page = soup("/agencies/")
    for agency in seed_site.agencies:
        link = page.select_one(f'a[href="{agency.url}"]')
        assert link is not None and link.get_text() == agency.name
        years = [a.get_text() for a in link.parent.select(".years a")]
        assert years == [str(r.year) for r in seed_site.reports_of(agency.slug)]


def yoy_rows(page) -> dict[str, list]:
    table = page.select_one("table.yoy")
    return {tr.th.get_text(strip=True): tr.find_all("td") for tr in table.select("tbody tr:not(.group)")}


def test_agency_profile_and_yoy_figures(soup) -> None:
    page = soup(AGENCY_002)
    profile = text_of(page.select_one(".profile"))
    for text in ("山东省 › 威海市 › 火炬高技术产业开发区", "开发区管委会", "0631—3919181", "http://www.whctp.gov.cn"):
        assert text in profile
    rows = yoy_rows(page)
    assert rows["行政许可决定（件）"][0].select_one(".num").get_text() == "34240"
    assert rows["行政事业性收费（万元）"][0].select_one(".num").get_text() == "745.94"
    assert rows["新收申请（件）"][0].select_one(".num").get_text() == "26"
    assert rows["结转下年度继续办理（件）"][0].select_one(".num").get_text() == "4"
    assert rows["（四）无法提供（件）"][0].select_one(".num").get_text() == "17"
    assert rows["予以公开和部分公开的比例（%）"][0].select_one(".num").get_text() == "24.0%"


def test_agency_narrative_figure_is_marked_with_its_quote(soup) -> None:
    page = soup(AGENCY_002)
    cell = yoy_rows(page)["主动公开政府信息（条）"][0]
    number = cell.select_one(".num")
    assert number.get_text() == "16500余" and "from-text" in number["class"]
    footnote = page.select_one(cell.select_one(".fn-ref a")["href"])
    assert "2023年，全区共公开信息16500余条" in footnote.get_text()
    assert footnote.select_one("a")["href"].startswith(SEED_002 + "#t")


def test_agency_missing_data_is_a_dash_with_a_reason_never_zero(soup) -> None:
    page = soup("/agencies/wendeng-science-tech/")
    rows = yoy_rows(page)
    licensing = rows["行政许可决定（件）"][0]
    assert licensing.select_one(".missing").get_text() == "—"
    assert "0" not in licensing.get_text(" ", strip=True).split()
    reason = page.select_one(licensing.select_one(".fn-ref a")["href"]).get_text()
    assert "原文只保留了表格标题" in reason
    # the prose said 0 applications: that is a real 0, from the narrative
    applications = rows["新收申请（件）"][0].select_one(".num")
    assert applications.get_text() == "0" and "from-text" in applications["class"]


def test_agency_chart_is_an_accessible_svg_with_the_numbers_in_a_table(soup) -> None:
    page = soup(AGENCY_002)
    svg = page.select_one("svg.chart")
    assert svg["role"] == "img" and svg.title.get_text().startswith("威海火炬")
    assert "新收申请 26" in svg.desc.get_text()
    table = page.select_one(".chart-figure table")
    assert [td.get_text(strip=True) for td in table.select("tbody td")] == ["26", "5", "1"]
    # without table 3, the prose's figure is drawn lighter and the missing ones are gaps, not zeros
    svg = soup("/agencies/wendeng-gov-office/").select_one("svg.chart")
    assert len(svg.select("rect.bar.narrative")) == 1
    assert [t.get_text() for t in svg.select("text.gap")] == ["无数据", "无数据"]


def test_year_over_year_change_against_the_previous_year(scratch_content: Path, tmp_path: Path) -> None:
    """Add a 2022 report for seed 002's agency and see the change column and cross-year check."""
    folder = scratch_content / "reports/weihai-torch-hitech-zone"
    text = (folder / "2023.yaml").read_text(encoding="utf-8")
    text = text.replace("year: 2023", "year: 2022").replace("2023年政府", "2022年政府")
    text = text.replace("licensing: 34240", "licensing: 30000").replace("file: 2023.txt", "file: 2022.txt")
    text = text.replace("carried_forward: [4, 0, 0, 0, 0, 0, 4]", "carried_forward: [3, 0, 0, 0, 0, 0, 3]")
    text = text.replace("  - key: proactive_disclosed\n    value: 16500\n    bound: at_least\n"
                        "    quote: 2023年，全区共公开信息16500余条\n", "")
    (folder / "2022.yaml").write_text(text, encoding="utf-8")
    (folder / "2022.txt").write_bytes((folder / "2023.txt").read_bytes())
    out = tmp_path / "site"
    assert build_site(scratch_content, out, search=False, progress=False).exit_code == 0
    page = BeautifulSoup((out / AGENCY_002.lstrip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")
    heads = [th.get_text(strip=True) for th in page.select("table.yoy thead th")]
    assert heads == ["项目", "2022年", "2023年"]
    licensing = yoy_rows(page)["行政许可决定（件）"]
    assert licensing[0].select_one(".num").get_text() == "30000" and licensing[0].select_one(".change") is None
    assert licensing[1].select_one(".change").get_text() == "+4240"
    assert yoy_rows(page)["新收申请（件）"][1].select_one(".change").get_text() == "持平"
    # 2022 has no proactive figure: missing, and no change is computed against a missing year
    proactive = yoy_rows(page)["主动公开政府信息（条）"]
    assert proactive[0].select_one(".missing") and proactive[1].select_one(".change") is None
    report = BeautifulSoup((out / SEED_002.lstrip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert report.select_one('a[rel="prev"]')["href"] == "/reports/weihai-torch-hitech-zone/2022/"


def test_year_page_side_by_side_table_is_complete_without_js(soup, seed_site) -> None:
    page = soup("/years/2023/")
    table = page.select_one("table#year-table")
    assert "sortable" in table["class"]
    assert page.select_one('script[src^="/static/sort."]')["defer"] is not None
    rows = table.select("tbody tr")
    assert {tr.th.a["href"] for tr in rows} == {r.url for r in seed_site.reports_in(2023)}
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    licensing = heads.index("行政许可决定（件）")
    by_agency = {tr.th.a.get_text(): tr.find_all(["th", "td"]) for tr in rows}
    torch = by_agency["威海火炬高技术产业开发区管委会"]
    assert torch[licensing].get_text(strip=True) == "34240" and torch[licensing]["data-sort"] == "34240"
    huanshan = by_agency["威海市文登区环山街道办事处"]
    assert huanshan[licensing].get_text(strip=True) == "—" and huanshan[licensing]["data-sort"] == ""


def test_year_page_totals_cover_n_of_m_agencies(soup) -> None:
    table = soup("/years/2023/").select_one("table.totals")
    heads = [th.get_text(strip=True) for th in table.select("thead th")]
    rows = {tr.th.get_text(strip=True): tr.find_all(["th", "td"]) for tr in table.select("tbody tr")}
    assert list(rows) == ["山东省", "山东省 › 威海市", "山东省 › 威海市 › 文登区",
                          "山东省 › 威海市 › 火炬高技术产业开发区"]
    licensing = heads.index("行政许可决定（件）")
    assert text_of(rows["山东省"][licensing]) == "34240 3家中的1家"
    assert text_of(rows["山东省 › 威海市 › 文登区"][licensing]) == "— 2家中的0家"
    assert text_of(rows["山东省 › 威海市 › 火炬高技术产业开发区"][licensing]) == "34240"
    applications = heads.index("新收申请（件）")
    assert text_of(rows["山东省"][applications]) == "28"


def test_data_page_licence_and_downloads(soup) -> None:
    page = soup("/data/")
    hrefs = {a["href"] for a in page.select("a")}
    assert {"/data/reports.json", "/data/reports.csv", "/data/table3.csv", "/data/datapackage.json"} <= hrefs
    text = text_of(page)
    assert "CC BY 4.0" in text and "引用示例" in text and "BOM" in text and "空值不是 0" in text
    assert page.select_one('a[rel="license"]')["href"].startswith("https://creativecommons.org/licenses/by/4.0/")


def test_about_page_renders_the_markdown(soup) -> None:
    page = soup("/about/")
    assert page.select_one("h1").get_text() == "关于本站"
    text = text_of(page)
    for needle in ("第四十九条", "第五十条", "国办公开办函〔2021〕30号", "勾稽关系"):
        assert needle in text
    assert page.select_one(".prose table")


def test_search_page_contract(soup) -> None:
    """The search engineer owns the page; the site map promises a form and a results region."""
    page = soup("/search/")
    form = page.select_one("main form")
    assert form["action"] == "/search/" and form.select_one('input[name="q"]')
    assert page.select_one("div#results") is not None
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"


def test_404_page(soup) -> None:
    page = soup("/404.html")
    assert page.select_one("h1").get_text() == "页面不存在"
    assert page.select_one('link[rel="stylesheet"]')["href"].startswith("/static/")  # absolute: works at any depth


def test_feed_lists_dated_reports_newest_first(site_dir: Path, seed_site) -> None:
    feed = ET.parse(site_dir / "feed.xml").getroot()
    entries = feed.findall(f"{ATOM}entry")
    dated = [r for r in seed_site.reports if r.published]
    assert len(entries) == len(dated) == 18  # four seeds and every Pingtan report print a date
    published = [e.find(f"{ATOM}published").text for e in entries]
    assert published == sorted(published, reverse=True)
    assert feed.find(f"{ATOM}updated").text == "2024-01-22T00:00:00+08:00"  # from the content, not the clock
    links = {e.find(f"{ATOM}link").attrib["href"] for e in entries}
    assert DEFAULT_BASE_URL + "/reports/wendeng-gov-office/2022/" in links


def test_sitemap_and_robots(site_dir: Path, seed_site) -> None:
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locs = [e.text for e in ET.parse(site_dir / "sitemap.xml").getroot().iter(f"{ns}loc")]
    assert DEFAULT_BASE_URL + "/" in locs
    assert {DEFAULT_BASE_URL + r.url for r in seed_site.reports} <= set(locs)
    assert DEFAULT_BASE_URL + "/search/" not in locs and DEFAULT_BASE_URL + "/404.html" not in locs
    assert locs == sorted(locs)
    assert f"Sitemap: {DEFAULT_BASE_URL}/sitemap.xml" in (site_dir / "robots.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["style.css", "sort.js"])
def test_static_assets_are_fingerprinted(site_dir: Path, name: str) -> None:
    stem, ext = name.rsplit(".", 1)
    files = list((site_dir / "static").glob(f"{stem}.*.{ext}"))
    assert len(files) == 1
    assert files[0].read_bytes() == (Path(__file__).parent.parent / "static" / name).read_bytes()
