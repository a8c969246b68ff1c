"""/reasons/: the refusal reasons of table 3 per year, on the real seeds, and the sums behind it.

The numbers are the seeds' YAML: 威海火炬高技术产业开发区 2023 (本机关不掌握 16, 另行制作 1, 重复申请 1
of 25 handled), 平潭综合实验区 2019 (7, 补正后仍不明确 5, 重复申请 3 of 23) and 2020 (4, 3, 3 of
21), both on the 2019 form. Every other report has no table 3 and is listed as left out, with why.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import text_of

from portal.comparepages import reasons_json
from portal.reasons import NO_TABLE3, PRE_2019_REASON, REASONS, ReportReasons, report_reasons, tally
from portal.sitecache import SiteCache

NOT_HELD = next(i for i, r in enumerate(REASONS) if r.key == "unable.not_held")
UNCLEAR = next(i for i, r in enumerate(REASONS) if r.key == "unable.unclear")
UNABLE = tuple(i for i, r in enumerate(REASONS) if r.group.key == "unable")


def year_table(soup, year: int) -> dict[str, list[str]]:  # noqa: ANN001 - the conftest fixture
    table = soup("/reasons/").select_one(f"#reasons-{year}")
    assert table is not None, f"no table for {year}"
    return {text_of(tr.th): [text_of(td) for td in tr.select("td")] for tr in table.select("tbody tr")}


def test_each_year_shows_the_seeds_counts_and_shares(soup) -> None:  # noqa: ANN001
    y2023 = year_table(soup, 2023)
    assert y2023["本机关不掌握相关政府信息"] == ["16", "64.0%"]
    assert y2023["没有现成信息需要另行制作"] == ["1", "4.0%"]
    assert y2023["重复申请"] == ["1", "4.0%"]
    assert y2023["（三）不予公开"] == ["0", "0.0%"]
    assert y2023["（四）无法提供"] == ["17", "68.0%"]
    assert y2023["（五）不予处理"] == ["1", "4.0%"]
    assert y2023["三类合计"] == ["18", "72.0%"]
    assert len(y2023) == 3 + 16 + 1  # three groups, sixteen reasons, the total
    y2019 = year_table(soup, 2019)
    assert y2019["本机关不掌握相关政府信息"] == ["7", "30.4%"]
    assert y2019["补正后申请内容仍不明确"] == ["5", "21.7%"]
    assert y2019["重复申请"] == ["3", "13.0%"]
    assert y2019["三类合计"] == ["15", "65.2%"]
    y2020 = year_table(soup, 2020)
    assert y2020["本机关不掌握相关政府信息"] == ["4", "19.0%"]
    assert y2020["三类合计"] == ["10", "47.6%"]


def test_reports_without_table3_are_listed_with_why_never_counted(soup) -> None:  # noqa: ANN001
    page = soup("/reasons/")
    y2023 = page.select_one("#y-2023")
    assert "计入 1 份报告； 2 份没有表三，未计入" in text_of(y2023)
    left_out = {a["href"]: text_of(a.find_parent("li")) for a in y2023.select("details.excluded a")}
    assert set(left_out) == {"/reports/wendeng-civil-affairs/2023/", "/reports/wendeng-huanshan-subdistrict/2023/"}
    assert "表格以图片形式发布" in left_out["/reports/wendeng-huanshan-subdistrict/2023/"]
    assert "[image:" not in left_out["/reports/wendeng-huanshan-subdistrict/2023/"]  # grouped without the file id
    # a year with no table 3 at all has no table of zeros, and says why
    y2022 = page.select_one("#y-2022")
    assert page.select_one("#reasons-2022") is None
    assert "本年度没有可计入的报告" in text_of(y2022)
    assert "计入 0 份报告； 2 份没有表三，未计入" in text_of(y2022)
    y2013 = text_of(page.select_one("#y-2013"))
    assert PRE_2019_REASON in y2013 and "（3份）" in y2013


def test_trend_table_has_only_years_with_counted_reports(soup) -> None:  # noqa: ANN001
    table = soup("/reasons/").select_one("#trend-caption").find_parent("table")
    assert [text_of(th) for th in table.select("thead th")] == ["理由", "2019年", "2020年", "2023年"]
    rows = {text_of(tr.th): [text_of(td) for td in tr.select("td")] for tr in table.select("tbody tr")}
    assert rows["（四）无法提供"] == ["12 52.2%", "7 33.3%", "17 68.0%"]
    assert rows["（五）不予处理"] == ["3 13.0%", "3 14.3%", "1 4.0%"]
    svg = soup("/reasons/").select_one("#y-2023 svg")
    assert "本机关不掌握相关政府信息：16件（64.0%）" in svg.select_one("desc").get_text()


def test_reasons_json_rows(site_dir: Path, seed_site) -> None:  # noqa: ANN001
    data = json.loads((site_dir / "data/reasons.json").read_text(encoding="utf-8"))
    assert data == json.loads(reasons_json(seed_site, SiteCache(seed_site)))
    assert [r["key"] for r in data["reasons"]][:2] == ["withheld.state_secret", "withheld.prohibited_by_law"]
    slugs = [a[0] for a in data["agencies"]]
    rows = {(slugs[r[0]], r[1]): r for r in data["reports"]}
    assert len(rows) == len(seed_site.reports)
    hitech = rows[("weihai-torch-hitech-zone", 2023)]
    assert hitech[2] == 25 and hitech[3][NOT_HELD] == 16 and sum(hitech[3]) == 18 and hitech[4] is None
    lost = rows[("wendeng-gov-office", 2022)]
    assert lost[2] is None and lost[3] is None and lost[4].startswith(NO_TABLE3)


def test_a_null_cell_is_left_out_of_its_sums_and_said(seed_site) -> None:  # noqa: ANN001
    report = seed_site.report("weihai-torch-hitech-zone", 2023)
    whole = report_reasons(report)
    blank = list(whole.counts)
    blank[UNCLEAR] = None  # 补正后申请内容仍不明确 printed "/"
    other = ReportReasons(report, tuple(blank), 10)
    assert tally([whole, other], (NOT_HELD,)).count == 32  # both reports know 本机关不掌握
    unable = tally([whole, other], UNABLE)
    assert (unable.count, unable.covered, unable.of, unable.partial) == (17, 1, 2, True)  # not 17 + 16 + 1
    assert unable.share == pytest.approx(17 / 25)
    nothing_handled = tally([ReportReasons(report, whole.counts, 0)], (NOT_HELD,))
    assert nothing_handled.count == 16 and nothing_handled.share is None  # x/0 is no share
    excluded = ReportReasons(report, (None,) * len(REASONS), None, "原文无表三")
    assert tally([excluded], UNABLE).count is None and tally([excluded], UNABLE).of == 0
