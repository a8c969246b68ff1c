"""The indicator pages: /indicators/, the rankings /indicators/<key>/<year>/ (peers, thin samples
listed but not ranked, links to the source cells) and the indicators on agency pages; on the seeds,
on a small content built here whose denominators straddle the minimum, and in a browser."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import CONTENT, text_of, url_file

from portal import form
from portal.build import build_site
from portal.indicators import INDICATORS

# ---------------------------------------------------------------- the seed site


def test_every_indicator_and_year_has_a_ranking_page(site_dir: Path, seed_site) -> None:
    for indicator in INDICATORS:
        for year in seed_site.years:
            assert url_file(site_dir, f"/indicators/{indicator.key}/{year}/").is_file(), (indicator.key, year)
    nav = [a["href"] for a in BeautifulSoup(url_file(site_dir, "/").read_text(encoding="utf-8"),
                                            "html.parser").select(".site-nav a")]
    assert "/indicators/" in nav


def test_indicators_page_defines_each_indicator_and_its_spread_per_year(soup: Callable) -> None:
    page = soup("/indicators/")
    section = page.find(id="substantive_disclosure_rate").parent
    assert "（表三（一）予以公开 + （二）部分公开） ÷ 表三（七）总计" in text_of(section)
    assert "(table3.granted.total + table3.partially_granted.total) / table3.total.total" in text_of(section)
    rows = {text_of(tr.th): [text_of(td) for td in tr.find_all("td")] for tr in section.select("tbody tr")}
    # 2023: three seed reports, one with table 3 (6/25), none with a denominator of 30 or more
    assert rows["2023年排名"] == ["3", "1", "0", "24%", "样本不足"]
    assert rows["2019年排名"] == ["1", "1", "0", "34.78%", "样本不足"]  # Pingtan 2019: 8/23
    assert rows["2011年排名"] == ["2", "0", "0", "—", "没有可计算的报告"]  # pre-2019 only


def test_seed_ranking_lists_thin_samples_unranked_with_links_to_the_cells(soup: Callable) -> None:
    page = soup("/indicators/substantive_disclosure_rate/2023/")
    groups = [text_of(h) for h in page.select("main section h2")]
    assert groups == ["县级部门 （1个机构，0个参与排名）", "县级街道办事处 （1个机构，0个参与排名）",
                      "县级开发区管委会 （1个机构，0个参与排名）"]
    row = page.find(id="r-weihai-torch-hitech-zone")
    cells = [text_of(td) for td in row.find_all("td")]
    assert cells == ["不排名", "24%", "6", "25", "—", "样本不足：分母 25 小于 30，比率不稳定，不排名"]
    links = [a["href"] for a in row.select("td a")]
    assert links == ["/reports/weihai-torch-hitech-zone/2023/#table3-table",
                     "/reports/weihai-torch-hitech-zone/2023/#c-table3.granted.total",
                     "/reports/weihai-torch-hitech-zone/2023/#c-table3.total.total"]
    report = soup("/reports/weihai-torch-hitech-zone/2023/")
    assert text_of(report.find(id="c-table3.granted.total")) == "5"
    assert text_of(report.find(id="c-table3.total.total")) == "25"
    lost = [text_of(td) for td in page.find(id="r-wendeng-civil-affairs").find_all("td")]
    assert lost[:2] == ["不排名", "无法计算"]
    assert lost[-1] == "无法计算：原文没有表三：原文只保留了表格标题，表格本身在转换中丢失，没有数字"


def test_single_year_agency_shows_one_clean_value_per_indicator(soup: Callable) -> None:
    section = soup("/agencies/weihai-torch-hitech-zone/").find(id="indicators-heading").parent
    values = {text_of(d.dt): text_of(d.dd) for d in section.select("dl.indicator-values > div")}
    assert values["实质公开率"] == "24% （6/25）"
    assert values["本机关不掌握率"] == "64% （16/25）"
    assert values["结转率"] == "13.79% （4/29）"
    assert values["争议转化率"] == "0% （0/26）"
    assert values["复议纠错率"].startswith("无法计算：分母为0：本年没有已审结的行政复议")
    assert len(values) == len(INDICATORS) and not section.find("table")
    ranked_at = "/indicators/substantive_disclosure_rate/2023/#r-weihai-torch-hitech-zone"
    assert section.select_one("dl a")["href"] == ranked_at


def test_agency_trend_lists_only_years_with_values_and_sums_up_the_rest(soup: Callable) -> None:
    section = soup("/agencies/pingtan-zonghe-shiyanqu/").find(id="indicators-heading").parent
    assert [text_of(li) for li in section.select(".skipped-years li")] == [
        "2011、2012、2013、2014、2015、2016、2017、2018年度（下表未列出）无法计算指标："
        "2019年以前的报告（依2008年条例编制）没有全国统一的统计表（表三、表四）"]
    table = section.find("table", class_="indicator-trend")
    assert [text_of(th) for th in table.thead.find_all("th")] == ["指标", "2019年", "2020年"]
    first = table.tbody.find("tr")
    assert [text_of(td) for td in first.find_all("td")] == ["34.78% 8/23", "61.9% 13/21"]
    assert len(section.select("figure svg.chart")) == 2  # the trend charts, each with its table
    assert len(section.select("figure table")) == 2
    empty = soup("/agencies/pingtan-xian/").find(id="indicators-heading").parent
    assert "收录的报告都无法计算指标" in text_of(empty) and not empty.find("table")


# ---------------------------------------------------------------- denominators around 30


STRADDLE = {  # slug: (outcomes total, of which 本机关不掌握)
    "test-dept-a": (40, 20),  # 0.5, ranked
    "test-dept-b": (30, 6),  # 0.2, ranked: exactly the minimum
    "test-dept-c": (29, 29),  # 1.0 from 29: listed, not ranked
    "test-dept-d": (60, 30),  # 0.5, ties with a
}


def _row(n: int) -> list[int]:
    return [n, 0, 0, 0, 0, 0, n]


def _table3(total: int, not_held: int) -> dict:
    table: dict = {"new": _row(total), "carried_over": _row(0), "granted": _row(total - not_held),
                   "partially_granted": _row(0)}
    for group in form.TABLE3_GROUPS:
        table[group.key] = {item.key: _row(not_held if item.key == "not_held" else 0) for item in group.rows}
    table["other_handling"]["single_row"] = None
    table.update(total=_row(total), carried_forward=_row(0))
    return table


def straddle_content(target: Path, minimum: int | None = None) -> Path:
    """content/ plus four 县级部门 of 文登区 whose 2023 denominators are 29, 30, 40 and 60."""
    shutil.copytree(CONTENT, target)
    registry = yaml.safe_load((target / "agencies.yaml").read_text(encoding="utf-8"))
    seed = yaml.safe_load((CONTENT / "reports/weihai-torch-hitech-zone/2023.yaml").read_text(encoding="utf-8"))
    for slug, (total, not_held) in STRADDLE.items():
        registry["agencies"].append({"slug": slug, "name": f"文登区测试局{slug[-1].upper()}",
                                     "jurisdiction": ["山东省", "威海市", "文登区"], "kind": "部门"})
        report = dict(seed, agency=slug, title=f"文登区测试局{slug[-1].upper()}2023年政府信息公开工作年度报告",
                      table3=_table3(total, not_held), narrative=[], notes=[])
        folder = target / "reports" / slug
        folder.mkdir()
        (folder / "2023.yaml").write_text(yaml.safe_dump(report, allow_unicode=True, sort_keys=False), encoding="utf-8")
        shutil.copy(CONTENT / "reports/weihai-torch-hitech-zone/2023.txt", folder / "2023.txt")
    (target / "agencies.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    if minimum is not None:
        (target / "site.yaml").write_text(f"url:\nranking_min_denominator: {minimum}\n", encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def straddle_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("straddle")
    result = build_site(straddle_content(work / "content"), work / "site", search=False, progress=False)
    assert result.exit_code == 0
    return work / "site"


def ranking_rows(site: Path, url: str, group: str) -> list[list[str]]:
    page = BeautifulSoup(url_file(site, url).read_text(encoding="utf-8"), "html.parser")
    table = page.find(id=group).find_parent("section").find("table")
    return [[text_of(c) for c in tr.find_all(["td", "th"])] for tr in table.tbody.find_all("tr")]


def test_ranking_ranks_peers_at_or_above_the_minimum_and_lists_the_rest(straddle_site: Path) -> None:
    rows = ranking_rows(straddle_site, "/indicators/not_held_rate/2023/", "g-3-部门")
    assert [r[:6] for r in rows] == [
        ["1", "文登区测试局A 山东省 › 威海市 › 文登区", "50%", "20", "40", "66.7"],
        ["1", "文登区测试局D 山东省 › 威海市 › 文登区", "50%", "30", "60", "66.7"],
        ["3", "文登区测试局B 山东省 › 威海市 › 文登区", "20%", "6", "30", "16.7"],
        ["不排名", "文登区测试局C 山东省 › 威海市 › 文登区", "100%", "29", "29", "—"],
        ["不排名", "威海市文登区民政局 山东省 › 威海市 › 文登区", "无法计算", "—", "—", "—"],
    ]
    assert rows[3][6] == "样本不足：分母 29 小于 30，比率不稳定，不排名"
    assert rows[0][6] == ""
    page = BeautifulSoup(url_file(straddle_site, "/indicators/not_held_rate/2023/").read_text(encoding="utf-8"),
                         "html.parser")
    assert "7个机构，其中3个参与排名" in text_of(page.select_one("p.lead"))
    # another peer group: the zone is not ranked with the departments
    assert ranking_rows(straddle_site, "/indicators/not_held_rate/2023/", "g-3-开发区管委会")[0][0] == "不排名"


def test_the_minimum_is_a_setting_of_site_yaml(tmp_path: Path) -> None:
    result = build_site(straddle_content(tmp_path / "content", minimum=29), tmp_path / "site",
                        search=False, progress=False)
    assert result.exit_code == 0
    rows = ranking_rows(tmp_path / "site", "/indicators/not_held_rate/2023/", "g-3-部门")
    assert [r[0] for r in rows] == ["1", "2", "2", "4", "不排名"]
    assert rows[0][1].startswith("文登区测试局C") and rows[0][5] == "87.5"


def test_indicators_page_spread_counts_only_the_ranked_sample(straddle_site: Path) -> None:
    page = BeautifulSoup(url_file(straddle_site, "/indicators/").read_text(encoding="utf-8"), "html.parser")
    section = page.find(id="not_held_rate").parent
    row = next(tr for tr in section.select("tbody tr") if text_of(tr.th) == "2023年排名")
    # 7 reports; 5 computed (16+20+6+29+30 over 25+40+30+29+60); 3 with denominators ≥ 30: 20%, 50%, 50%
    assert [text_of(td) for td in row.find_all("td")] == ["7", "5", "3", "54.89%", "20%", "35%", "50%", "50%",
                                                          "50%"]
    assert section.find("svg", class_="spread") is not None


def test_ranking_in_a_browser_at_phone_and_desktop_width(straddle_site: Path, browser, tmp_path: Path) -> None:
    from browser import serve_directory

    with serve_directory(straddle_site) as base:
        for width in (390, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(base + "/indicators/not_held_rate/2023/")
            assert page.evaluate("document.documentElement.scrollWidth") <= width  # the tables scroll, not the page
            section = page.locator("section:has(#g-3-部门)")
            names = section.locator("tbody th")
            assert names.nth(3).inner_text().startswith("文登区测试局C")
            section.locator("thead button", has_text="分母").click()  # sort.js: largest denominator first
            assert names.first.inner_text().startswith("文登区测试局D")
            page.screenshot(path=str(tmp_path / f"ranking-{width}.png"), full_page=True)
            agency = browser.new_page(viewport={"width": width, "height": 900})
            agency.goto(base + "/agencies/weihai-torch-hitech-zone/")
            assert agency.evaluate("document.documentElement.scrollWidth") <= width
            assert agency.locator("dl.indicator-values").inner_text().count("%") == 6
            page.close()
            agency.close()


@pytest.mark.parametrize("value", ["0", "ten", "2.5", "true"])
def test_a_bad_minimum_is_one_line_naming_file_line_and_field(tmp_path: Path, value: str) -> None:
    from portal.settings import check_settings

    (tmp_path / "site.yaml").write_text(f"url:\nranking_min_denominator: {value}\n", encoding="utf-8")
    [problem] = check_settings(tmp_path)
    assert (problem.line, problem.field) == (2, "ranking_min_denominator")
    assert problem.message.startswith("应为正整数")
