"""An incremental build renders a site-wide output only when what it is made from changed
(``sitemap.Output.made_from``), and the result is still the full build's byte for byte.

A jurisdiction's page and feed are made from the agencies at and under it; its page also from what
every agency's coverage reads (the site's years, the newest publication date: ``buildcache.FACTS``).
A year's rankings are made from its reports' indicator values (``buildcache.ranked``): a changed
date or title renders none, a changed figure that year's eight. The home page, the year pages and
/reasons/ with reasons.json are made from what they read of every report (``pageinputs``): a title
renders the home page only when it lists the report, a refusal reason the reasons' pages.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from portal.buildcache import Inputs, ParseStore, code_version
from portal.fragments import FragmentStore
from portal.load import load_content
from portal.model import Report, Site
from portal.pageinputs import PIECE, page_inputs
from portal.pages import newest_reports
from portal.sitecache import SiteCache
from portal.sitemap import url_to_path
from tests import test_incremental
from tests.test_incremental_build import BASE, _build, _same_as_full

PUBLISHED = re.compile(r"\npublished: .*")

pristine, content = test_incremental.pristine, test_incremental.content  # the same synthetic corpus (fixtures)


def _places(site: Site) -> set[str]:
    """Every jurisdiction page and feed, as site paths."""
    return {url_to_path(u) for j in site.jurisdictions for u in (j.url, j.feed_url)}


def _lineage(site: Site, report: Report) -> set[str]:
    return {url_to_path(u) for j in site.jurisdictions.lineage(report.agency.jurisdiction)
            for u in (j.url, j.feed_url)}


def _republished(report: Report, when: dt.date) -> None:
    text = report.yaml_path.read_text(encoding="utf-8")
    report.yaml_path.write_text(PUBLISHED.sub(f"\npublished: {when.isoformat()}", text, count=1), encoding="utf-8")


def _extra(report: Report, out: Path, pages: int) -> int:
    """What an edit of ``report`` renders beyond an unchanged build, jurisdictions and rankings aside:
    its agency's outputs, and ``pages`` of those that read every report (``pageinputs``)."""
    slug = report.agency.slug
    return pages + sum(1 for top in ("reports", "agencies") for p in (out / top / slug).rglob("*") if p.is_file())


def _newest(content: Path) -> list[tuple[str, str, dt.date | None]]:
    """What the home page lists of the newest reports."""
    return [(r.url, r.title, r.published) for r in newest_reports(load_content(content, workers=1).reports)]


def test_a_late_report_reaches_its_jurisdictions_pages_only(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    unchanged = _build(content, out, cache).rendered  # the outputs made from everything
    site = load_content(content, workers=1)
    newest = max(r.published for r in site.reports if r.published)
    report = next(r for r in site.reports if r.deadline is not None and r.published is not None
                  and r.published <= r.deadline.date and r.deadline.date + dt.timedelta(days=40) < newest)
    newest = _newest(content)
    _republished(report, report.deadline.date + dt.timedelta(days=40))  # late now, not the newest date

    again = _build(content, out, cache)
    mine = _lineage(site, report)
    assert len(mine) >= 4 and len(_places(site)) > 2 * len(mine)  # a province, a city…: a page and a feed each
    home = int(_newest(content) != newest)  # no year page shows a date; /coverage/ and coverage.csv do
    assert again.rendered - unchanged == _extra(report, out, home + 2) + len(mine)  # not the other places'
    page = (out / url_to_path(site.jurisdictions.lineage(report.agency.jurisdiction)[-1].url)).read_text("utf-8")
    row = page[page.index(f'href="{report.agency.url}"'):]
    assert "逾期 40 天" in row[:row.index("</tr>")]
    _same_as_full(content, out, tmp_path)


def test_a_new_newest_date_reaches_every_jurisdiction_page(content: Path, tmp_path: Path) -> None:
    """The newest publication date is the build's "now" (``coverage``: a missing report may be "not
    due yet"): moving it renders every jurisdiction page again (not the other places' feeds), and the
    site is the full build's."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    unchanged = _build(content, out, cache).rendered
    site = load_content(content, workers=1)
    newest = max(r.published for r in site.reports if r.published)
    report = site.reports[0]
    listed = _newest(content)
    _republished(report, dt.date(newest.year + 2, 12, 31))

    again = _build(content, out, cache)
    pages = {p for p in _places(site) if not p.endswith("feed.xml")}
    home = int(_newest(content) != listed)  # the home page lists the newest by year, then date; + the coverage
    assert again.rendered - unchanged == _extra(report, out, home + 2) + len(pages | _lineage(site, report))
    _same_as_full(content, out, tmp_path)


def test_a_changed_figure_reaches_its_years_rankings_only(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    unchanged = _build(content, out, cache).rendered
    site = load_content(content, workers=1)
    granted = re.compile(r"\n  granted: \[(\d+), (.*), (\d+)\]")
    report = next(r for r in site.reports if r.year + 1 in site.years and granted.search(r.yaml_path.read_text("utf-8"))
                  and r.indicators[0].value is not None)
    text = report.yaml_path.read_text(encoding="utf-8")
    report.yaml_path.write_text(granted.sub(lambda m: f"\n  granted: [{int(m[1]) + 1}, {m[2]}, {int(m[3]) + 1}]",
                                            text, count=1), encoding="utf-8")

    again = _build(content, out, cache)
    # its year's page and the home page sum the figure (not the next year's page, nor the reasons), /checks/
    # counts the sum it breaks, /indicators/ shows the year's spread
    assert again.rendered - unchanged == _extra(report, out, 4) + len(_lineage(site, report)) + 8
    _same_as_full(content, out, tmp_path)


def test_a_newest_reports_title_reaches_the_home_page_only(content: Path, tmp_path: Path) -> None:
    """The home page lists the newest reports by title: editing one renders it (no year page, no
    reasons: ``pageinputs``), and the site is the full build's."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    unchanged = _build(content, out, cache).rendered
    site = load_content(content, workers=1)
    report = newest_reports(site.reports)[0]
    text = report.yaml_path.read_text(encoding="utf-8")
    report.yaml_path.write_text(re.sub(r"\ntitle: .*", "\ntitle: 最新的改过的标题", text, count=1), encoding="utf-8")

    again = _build(content, out, cache)
    assert again.rendered - unchanged == _extra(report, out, 1) + len(_lineage(site, report))
    assert "最新的改过的标题" in (out / "index.html").read_text(encoding="utf-8")
    _same_as_full(content, out, tmp_path)


def test_a_changed_refusal_reason_reaches_the_reasons_pages(content: Path, tmp_path: Path) -> None:
    """/reasons/ and reasons.json read table 3's refusal reasons: a changed count is shown by both
    (and the year page and home page, which read table 3 too), byte for byte the full build."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    unchanged = _build(content, out, cache).rendered
    site = load_content(content, workers=1)
    zero = "state_secret: [0, 0, 0, 0, 0, 0, 0]"
    report = next(r for r in site.reports if zero in r.yaml_path.read_text(encoding="utf-8")
                  and r.indicators[0].value is not None)
    text = report.yaml_path.read_text(encoding="utf-8")
    report.yaml_path.write_text(text.replace(zero, "state_secret: [7, 0, 0, 0, 0, 0, 7]", 1), encoding="utf-8")

    again = _build(content, out, cache)
    data = json.loads((out / "data" / "reasons.json").read_text(encoding="utf-8"))
    row = next(row for row in data["reports"] if data["agencies"][row[0]][0] == report.agency.slug
               and row[1] == report.year)
    assert row[3][0] == 7  # 属于国家秘密
    # its year's page, the home page, /reasons/, reasons.json, /checks/ (a sum broken), /indicators/; the
    # year's eight rankings (the refusal rates)
    assert again.rendered - unchanged == _extra(report, out, 6) + len(_lineage(site, report)) + 8
    _same_as_full(content, out, tmp_path)


def test_the_pages_inputs_are_not_read_from_another_registrys_store(content: Path, tmp_path: Path) -> None:
    """An agency's stored part of what the pages read is keyed by the registry, code and base URL
    (``Inputs.everything``): with another registry every agency's part is computed again, and the
    year page shows the renamed agency (byte for byte the full build)."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    site = load_content(content, workers=1)
    agency = site.agencies[0]
    registry = content / "agencies.yaml"
    registry.write_text(registry.read_text(encoding="utf-8").replace(f"name: {agency.name}\n",
                                                                     f"name: {agency.name}（更名）\n", 1),
                        encoding="utf-8")
    store = ParseStore(cache, code_version())
    renamed = load_content(content, cache=store)
    inputs = Inputs.of(content, store.version, BASE, store.files)
    fragments = FragmentStore(cache / "fragments", inputs.everything, inputs.reports)
    assert page_inputs(renamed, SiteCache(renamed), fragments) == page_inputs(renamed, SiteCache(renamed), None)
    assert fragments.made[PIECE] == {a.slug for a in site.agencies if site.reports_of(a.slug)}

    again = _build(content, out, cache)
    assert again.rendered == again.pages  # another registry: everything
    year = site.reports_of(agency.slug)[0].year
    assert f"{agency.name}（更名）" in (out / "years" / str(year) / "index.html").read_text(encoding="utf-8")
    _same_as_full(content, out, tmp_path)
