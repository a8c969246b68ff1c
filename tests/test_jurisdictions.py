"""Jurisdictions as pages, on the real content: which agencies each level lists, its
sub-jurisdictions, its coverage, the links to it, and the Atom feeds per agency and jurisdiction."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import text_of

from portal.jurisdictions import jurisdiction_slugs

ATOM = "{http://www.w3.org/2005/Atom}"
WENDENG = "/jurisdictions/shandong-weihai-wendeng/"
WEIHAI = "/jurisdictions/shandong-weihai/"
ZONE = "/jurisdictions/fujian-pingtan-zonghe-shiyanqu/"


def _own_agencies(soup, url: str) -> list[str]:  # noqa: ANN001 - the conftest fixture
    return [a.get_text() for a in soup(url).select("#own-caption ~ tbody th[scope=row] > a")]


def _children(soup, url: str) -> list[str]:  # noqa: ANN001
    return [text_of(li) for li in soup(url).select("#children ~ ul.places > li")]


def test_slugs_are_the_pinyin_of_the_path(seed_site) -> None:  # noqa: ANN001
    assert [j.url for j in seed_site.jurisdictions] == [
        "/jurisdictions/shandong/", WEIHAI, WENDENG, "/jurisdictions/shandong-weihai-huoju-gaojishu-chanye-kaifaqu/",
        "/jurisdictions/fujian/", ZONE, "/jurisdictions/fujian-fuzhou/", "/jurisdictions/fujian-fuzhou-pingtan/",
    ]


def test_paths_that_would_share_a_slug_spell_their_level() -> None:
    slugs = jurisdiction_slugs([("山东省", "威海市", "文登区"), ("山东省", "威海市", "文登市"), ("山东省", "威海市")])
    assert slugs == {("山东省", "威海市"): "shandong-weihai",
                     ("山东省", "威海市", "文登区"): "shandong-weihai-wendengqu",
                     ("山东省", "威海市", "文登市"): "shandong-weihai-wendengshi"}


def test_each_level_lists_exactly_its_own_agencies(soup) -> None:  # noqa: ANN001
    assert _own_agencies(soup, WENDENG) == ["威海市文登区人民政府办公室", "威海市文登区民政局",
                                            "威海市文登区环山街道办事处", "威海市文登区科学技术局"]
    assert _own_agencies(soup, ZONE) == ["平潭综合实验区地方税务局", "平潭综合实验区管委会"]
    assert _own_agencies(soup, "/jurisdictions/fujian-fuzhou-pingtan/") == ["平潭县人民政府"]
    assert _own_agencies(soup, "/jurisdictions/shandong-weihai-huoju-gaojishu-chanye-kaifaqu/") == \
        ["威海火炬高技术产业开发区管委会"]
    assert _own_agencies(soup, WEIHAI) == [] and _own_agencies(soup, "/jurisdictions/fujian/") == []
    assert _children(soup, WEIHAI) == ["文登区 4个机构，4份报告", "火炬高技术产业开发区 1个机构，1份报告"]
    assert _children(soup, "/jurisdictions/fujian/") == ["平潭综合实验区 2个机构，11份报告", "福州市 1个机构，3份报告"]
    assert _children(soup, WENDENG) == []
    crumbs = [a.get_text() for a in soup(WENDENG).select(".breadcrumbs a")]
    assert crumbs == ["首页", "行政区划", "山东省", "威海市"]


def test_a_levels_grid_shows_each_years_report_and_its_timeliness(soup) -> None:  # noqa: ANN001
    page = soup(ZONE)
    years = [th.get_text() for th in page.select("#own-caption ~ thead th")][1:]
    assert years == [f"{y}年度" for y in range(2011, 2021)]
    zone = next(tr for tr in page.select("#own-caption ~ tbody tr") if "管委会" in tr.th.get_text())
    cells = [text_of(td) for td in zone.select("td")]
    assert cells[0] == "逾期 11 天 2012年4月11日"  # due 2012-03-31 under the 2008 条例
    assert cells[1] == "按期发布 2013年2月25日"
    assert zone.select_one("td a.standing.late")["href"] == "/reports/pingtan-zonghe-shiyanqu/2011/"
    tax = next(tr for tr in page.select("#own-caption ~ tbody tr") if "税务局" in tr.th.get_text())
    assert [text_of(td) for td in tax.select("td")] == ["—"] * 2 + ["按期发布 2014年2月25日"] + ["—"] * 7
    tally = {text_of(tr.th): [td.get_text() for td in tr.select("td")]
             for tr in page.select("#tally-caption ~ tbody tr")}
    assert tally["2013年度"] == ["2", "0", "0", "0", "0", "0"] and tally["2011年度"] == ["0", "1", "0", "0", "0", "0"]
    hitech = soup("/jurisdictions/shandong-weihai-huoju-gaojishu-chanye-kaifaqu/")
    assert text_of(hitech.select_one("#own-caption ~ tbody td")) == "发布日期不明"


def test_agency_pages_and_indexes_link_to_jurisdictions(soup) -> None:  # noqa: ANN001
    lineage = soup("/agencies/wendeng-civil-affairs/").select(".profile .lineage a")
    assert [(a.get_text(), a["href"]) for a in lineage] == [
        ("山东省", "/jurisdictions/shandong/"), ("威海市", WEIHAI), ("文登区", WENDENG)]
    tree = [a["href"] for a in soup("/agencies/").select("a.tree-label")]
    assert tree[:3] == ["/jurisdictions/shandong/", WEIHAI, WENDENG] and len(tree) == 8
    index = [(a.get_text(), a["href"]) for a in soup("/jurisdictions/").select("#places-caption ~ tbody a")]
    assert len(index) == 8 and index[5] == ("平潭综合实验区", ZONE)


def test_coverage_page_and_csv(site_dir: Path, soup) -> None:  # noqa: ANN001
    page = soup("/coverage/")
    rows = {text_of(tr.th): [td.get_text() for td in tr.select("td")] for tr in page.select("#site-caption ~ tbody tr")}
    assert rows["2023年度"] == ["2", "0", "1", "0", "0", "0"]  # hitech zone's 2023 report prints no date
    assert rows["2011年度"] == ["0", "2", "0", "0", "0", "0"]
    fujian = next(tr for tr in page.select("#place-caption ~ tbody tr") if tr.th.get_text() == "福建省")
    assert text_of(fujian.select("td")[-1]) == "逾期发布 2"  # 2011, the oldest column
    text = (site_dir / "data/coverage.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 19  # no agency has expected_from yet: exactly the reports
    late = [(r["agency_slug"], r["year"], r["days_late"]) for r in rows if r["timeliness"] == "late"]
    assert late == [("pingtan-xian", "2011", "18"), ("pingtan-zonghe-shiyanqu", "2011", "11")]
    package = json.loads((site_dir / "data/datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "coverage")
    assert [f["name"] for f in resource["schema"]["fields"]] == list(rows[0])


def _feed(site_dir: Path, url: str) -> ET.Element:
    return ET.parse(site_dir / url.lstrip("/")).getroot()


def test_feeds_per_agency_and_jurisdiction(site_dir: Path, soup) -> None:  # noqa: ANN001
    feed = _feed(site_dir, "/agencies/pingtan-xian/feed.xml")
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}id") for e in entries] == [
        f"https://example.org/reports/pingtan-xian/{y}/" for y in (2013, 2012, 2011)]
    assert feed.findtext(f"{ATOM}id") == "https://example.org/agencies/pingtan-xian/feed.xml"
    assert feed.findtext(f"{ATOM}updated") == "2014-01-22T00:00:00+08:00"  # the newest report's date
    alternate = feed.find(f"{ATOM}link[@rel='alternate']")
    assert alternate.get("href") == "https://example.org/agencies/pingtan-xian/"
    weihai = _feed(site_dir, "/jurisdictions/shandong-weihai/feed.xml").findall(f"{ATOM}entry")
    assert sorted(e.findtext(f"{ATOM}id").removeprefix("https://example.org") for e in weihai) == [
        "/reports/wendeng-civil-affairs/2023/", "/reports/wendeng-gov-office/2022/",
        "/reports/wendeng-huanshan-subdistrict/2023/", "/reports/wendeng-science-tech/2022/"]  # hitech: no date
    assert len(_feed(site_dir, "/jurisdictions/fujian/feed.xml").findall(f"{ATOM}entry")) == 14
    hitech = _feed(site_dir, "/agencies/weihai-torch-hitech-zone/feed.xml")
    assert hitech.findall(f"{ATOM}entry") == [] and hitech.findtext(f"{ATOM}updated")
    for url, feed_url in (("/agencies/pingtan-xian/", "/agencies/pingtan-xian/feed.xml"),
                          (WEIHAI, "/jurisdictions/shandong-weihai/feed.xml")):
        links = soup(url).select("head link[rel=alternate][type='application/atom+xml']")
        assert [link["href"] for link in links] == ["/feed.xml", feed_url]
