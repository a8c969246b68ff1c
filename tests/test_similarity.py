"""What changed since last year: the share of a report's sentences identical to its agency's
previous report, the new sentences marked in its text, and a repeated text flagged on the report,
agency and year pages.

The exact shares are checked on a two-year fixture whose sentences the test writes itself (so it
knows how many are shared without the portal's help); on the real Pingtan reports, the counts on
the page are recounted here from the page's own paragraphs with a splitter of the test's own."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import CONTENT, url_file

from portal.build import build_site
from portal.similarity import REPEAT_SHARE, counted, pieces
from portal.text import parse_text
from portal.yamlwrite import dump

AGENCY = "weihai-torch-hitech-zone"


def sentence(i: int, topic: str = "工作") -> str:
    return f"本机关第{i}项{topic}按照条例要求认真落实，并按期向社会公开办理结果。"


def report_text(year: int, sentences: list[str]) -> str:
    """A report whose paragraphs hold ``sentences`` five by five, with the things that do not
    count: title lines, headings, a flattened table, a glued table row, a short sentence."""
    paragraphs = ["".join(sentences[i:i + 5]) for i in range(0, len(sentences), 5)]
    return "\n".join([
        "威海火炬高技术产业开发区管委会", f"{year}年政府信息公开工作年度报告", "",
        "一、总体情况", paragraphs[0], paragraphs[1],
        "（一）主动公开", *paragraphs[2:],
        f"\t主动公开\t{year}\t16500",
        f"主动公开文件数条{year}4981916",
        "详见附表。",
        f"{year + 1}年1月20日", "",
    ])


def write_report(folder: Path, year: int, text: str) -> None:
    data = yaml.safe_load((CONTENT / f"reports/{AGENCY}/2023.yaml").read_text(encoding="utf-8"))
    data.update(year=year, title=data["title"].replace("2023年", f"{year}年"), narrative=[], published=None)
    data["source"] = {"file": f"{year}.txt", "format": "text", "url": None, "retrieved": None}
    (folder / f"{year}.yaml").write_text(dump(data), encoding="utf-8")
    (folder / f"{year}.txt").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def two_years(tmp_path_factory: pytest.TempPathFactory, weihai_content: Path) -> dict[int, Path]:
    """Two sites of the Weihai seeds plus a 2022/2023 pair for seed 002's agency: in one, 18 of
    the 20 sentences of 2023 are 2022's (90 %: a repeat); in the other, 17 (85 %: not)."""
    built = {}
    for same in (18, 17):
        root = tmp_path_factory.mktemp(f"same{same}")
        content = root / "content"
        shutil.copytree(weihai_content, content)
        folder = content / "reports" / AGENCY
        before = [sentence(i) for i in range(1, 21)]
        after = before[:same] + [sentence(i, "新工作") for i in range(same + 1, 21)]
        write_report(folder, 2022, report_text(2022, before))
        write_report(folder, 2023, report_text(2023, after))
        assert build_site(content, root / "site", search=False, progress=False).exit_code == 0
        built[same] = root / "site"
    return built


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup(url_file(site, url).read_text(encoding="utf-8"), "html.parser")


def squashed(node) -> str:  # noqa: ANN001 - a BeautifulSoup node
    return " ".join(node.get_text(" ").split())


@pytest.mark.parametrize(("same", "percent", "flagged"), [(18, "90%", True), (17, "85%", False)])
def test_the_share_of_identical_sentences_and_the_flag(two_years: dict[int, Path], same: int, percent: str,
                                                       flagged: bool) -> None:
    site = two_years[same]
    report = page(site, f"/reports/{AGENCY}/2023/")
    section = report.select_one("section#changes")
    assert squashed(section.select_one("p.share")).startswith(
        f"{percent} 的句子与本机关2022年度报告一字不差（20 句中 {same} 句相同，{20 - same} 句是新写的）。")
    assert bool(section.select(".repeat-flag")) is flagged
    assert ("repeats" in section["class"]) is flagged
    # exactly the new sentences are marked, each whole, in the paragraph that holds it
    assert [ins.get_text() for ins in report.select("#report-text ins.changed")] == \
           [sentence(i, "新工作") for i in range(same + 1, 21)]
    # the first year has nothing to be compared with
    first = page(site, f"/reports/{AGENCY}/2022/").select_one("section#changes")
    assert squashed(first) == "与上一份报告相比 无法比较：本机关没有更早的报告可比。"
    # the agency page: one row a report, newest first
    rows = [[squashed(c) for c in tr.select("th, td")]
            for tr in page(site, f"/agencies/{AGENCY}/").select("table.changes-table tbody tr")]
    assert rows == [["2023年度", percent + (" 重复上年文字" if flagged else ""), f"{same} / 20", "2022年度"],
                    ["2022年度", "无法比较：本机关没有更早的报告可比"]]
    # the year page lists the repeat (or says there is none)
    year = page(site, "/years/2023/").select_one("section#changes")
    assert "本年度 1 份报告有上一份报告可比。" in squashed(year)
    listed = [squashed(li) for li in year.select("li")]
    entry = f"威海火炬高技术产业开发区管委会 重复上年文字 {percent}的句子与2022年度报告相同（20 句中 {same} 句）"
    assert listed == ([entry] if flagged else [])
    assert bool(year.select_one("p.none")) is not flagged
    # and the download, a row a report
    with (site / "data/text_changes.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = {(r["agency_slug"], r["year"]): r for r in csv.DictReader(f)}
    assert rows[AGENCY, "2023"] == {"agency_slug": AGENCY, "year": "2023", "compared_with": "2022", "sentences": "20",
                                    "same": str(same), "share": str(same / 20), "repeats": str(flagged).lower(),
                                    "reason": ""}
    assert rows[AGENCY, "2022"]["reason"] == "本机关没有更早的报告可比" and rows[AGENCY, "2022"]["share"] == ""


def test_the_setting_is_ninety_percent() -> None:
    assert REPEAT_SHARE == 0.9


def test_what_counts_as_a_sentence() -> None:
    text = "第一句话写得足够长，共有十几个字。短句。\n主动公开文件数条294981916\n第三句话也足够长，换行也断句\n结尾"
    assert "".join(pieces(text)) == text
    assert [counted(p) for p in pieces(text)] == [
        "第一句话写得足够长，共有十几个字。", None, None, "第三句话也足够长，换行也断句", None]
    assert counted("统计期限自2016年1月1日起至2016年12月31日。") is not None  # dates do not make a table row


# ---------------------------------------------------------------- the real Pingtan reports


SPLIT = re.compile(r"(?<=[。！？；!?;])|\n")


def own_count(paragraphs: list[str]) -> list[str]:
    """The test's own sentence count over a page's paragraphs, by the rules the page states."""
    out = []
    for text in paragraphs:
        for piece in SPLIT.split(text):
            s = re.sub(r"\s", "", piece)
            glued_table = not s.endswith(tuple("。！？；!?;")) and len(re.findall(r"\d", s)) >= 0.2 * len(s)
            if len(s) >= 10 and not glued_table:
                out.append(s)
    return out


def paragraphs(soup_page: BeautifulSoup) -> list[str]:
    return [p.get_text() for p in soup_page.select("#report-text > p:not([class])")]


SHIYANQU = "pingtan-zonghe-shiyanqu"


@pytest.mark.parametrize("year", range(2012, 2021))
def test_pingtan_shares_recounted_from_the_pages(soup, year: int) -> None:
    """Ten consecutive years of one zone: each page's counts are what the test counts itself from
    the two pages' paragraphs; the marked sentences are those not in the previous report."""
    this, before = soup(f"/reports/{SHIYANQU}/{year}/"), soup(f"/reports/{SHIYANQU}/{year - 1}/")
    mine, theirs = own_count(paragraphs(this)), set(own_count(paragraphs(before)))
    same = sum(s in theirs for s in mine)
    share = squashed(this.select_one("section#changes p.share"))
    assert f"（{len(mine)} 句中 {same} 句相同，{len(mine) - same} 句是新写的）" in share
    assert f"的句子与本机关{year - 1}年度报告一字不差" in share
    marked = [re.sub(r"\s", "", ins.get_text()) for ins in this.select("#report-text ins.changed")]
    assert marked and all(m not in theirs for m in marked) and len(marked) == sum(s not in theirs for s in mine)
    assert not this.select(".repeat-flag")  # the zone wrote new text every year: none repeats


def test_real_pages_keep_their_text_and_anchors(soup) -> None:
    """Marking sentences changes no character of a paragraph and no block's anchor."""
    for year in (2013, 2016, 2020):
        report = soup(f"/reports/{SHIYANQU}/{year}/")
        blocks = {b.id: b for b in parse_text((CONTENT / f"reports/{SHIYANQU}/{year}.txt").read_text(encoding="utf-8"))}
        shown = report.select("#report-text > p[id]")
        assert shown and all(p.get_text() == blocks[p["id"]].text for p in shown)
        assert any(p.select("ins.changed") for p in shown)


def test_identical_texts_of_two_agencies_are_not_compared(soup) -> None:
    """pingtan-xian and the zone published largely the same 2011 text: each is its agency's
    first report, and reports are compared within an agency only, so neither is a repeat."""
    xian, zone = (own_count(paragraphs(soup(f"/reports/{slug}/2011/"))) for slug in ("pingtan-xian", SHIYANQU))
    # largely the same text (37 of the county's 54 sentences are the zone's; the rest says 县 for 区)
    assert sum(s in set(zone) for s in xian) > len(xian) / 2
    for slug in ("pingtan-xian", SHIYANQU):
        section = soup(f"/reports/{slug}/2011/").select_one("section#changes")
        assert squashed(section) == "与上一份报告相比 无法比较：本机关没有更早的报告可比。"
    year = soup("/years/2013/").select_one("section#changes")
    assert squashed(year.select_one("p.none")).startswith("没有")
    assert "本年度 2 份报告有上一份报告可比。" in squashed(year)


def test_search_terms_are_marked_across_a_new_sentence(browser, site_dir: Path) -> None:  # noqa: ANN001
    """A search term that runs from a new (marked) sentence into an old one is found and marked
    whole, and clearing the search marks leaves the changed-sentence marks as they were."""
    from urllib.parse import quote

    from browser import serve_directory

    term = "12月31日。本报告的电子版"
    url = f"/reports/{SHIYANQU}/2013/"
    with serve_directory(site_dir) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{base}{url}")
        before = page.inner_html("#report-text")
        crossing = page.eval_on_selector_all(
            "#report-text ins.changed", "els => els.filter(e => e.textContent.endsWith('12月31日。')).length")
        assert crossing == 1
        page.goto(f"{base}{url}?q={quote(term)}")
        page.wait_for_selector("#report-text mark.hit-current")
        marks = page.eval_on_selector_all("#report-text mark.hit", "ms => ms.map(m => m.textContent)")
        assert "".join(marks) == term and len(marks) == 2  # one mark on each side of the </ins>
        page.click(".hit-bar button:text('清除标记')")
        assert page.inner_html("#report-text") == before
        page.close()
