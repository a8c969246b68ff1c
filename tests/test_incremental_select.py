"""An incremental build renders a site-wide output only when what it is made from changed
(``sitemap.Output.made_from``), and the result is still the full build's byte for byte.

A jurisdiction's page and feed are made from the agencies at and under it; its page also from what
every agency's coverage reads (the site's years, the newest publication date: ``buildcache.FACTS``).
A year's rankings are made from its reports' indicator values (``buildcache.ranked``): a changed
date or title renders none, a changed figure that year's eight.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from portal.load import load_content
from portal.model import Report, Site
from portal.sitemap import url_to_path
from tests import test_incremental
from tests.test_incremental_build import _build, _same_as_full

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


def _extra(site: Site, report: Report, out: Path) -> int:
    """What an edit of ``report`` renders beyond an unchanged build, jurisdictions and rankings aside:
    its agency's outputs, and its year's and the next year's pages."""
    slug = report.agency.slug
    agency = sum(1 for top in ("reports", "agencies") for p in (out / top / slug).rglob("*") if p.is_file())
    return agency + len({report.year, report.year + 1} & set(site.years))


def test_a_late_report_reaches_its_jurisdictions_pages_only(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    unchanged = _build(content, out, cache).rendered  # the outputs made from everything
    site = load_content(content, workers=1)
    newest = max(r.published for r in site.reports if r.published)
    report = next(r for r in site.reports if r.deadline is not None and r.published is not None
                  and r.published <= r.deadline.date and r.deadline.date + dt.timedelta(days=40) < newest)
    _republished(report, report.deadline.date + dt.timedelta(days=40))  # late now, not the newest date

    again = _build(content, out, cache)
    mine = _lineage(site, report)
    assert len(mine) >= 4 and len(_places(site)) > 2 * len(mine)  # a province, a city…: a page and a feed each
    assert again.rendered - unchanged == _extra(site, report, out) + len(mine)  # not the other places'
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
    _republished(report, dt.date(newest.year + 2, 12, 31))

    again = _build(content, out, cache)
    pages = {p for p in _places(site) if not p.endswith("feed.xml")}
    assert again.rendered - unchanged == _extra(site, report, out) + len(pages | _lineage(site, report))
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
    assert again.rendered - unchanged == _extra(site, report, out) + len(_lineage(site, report)) + 8
    _same_as_full(content, out, tmp_path)
