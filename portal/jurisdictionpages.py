"""Page contexts of the jurisdiction pages, their index and the site-wide coverage table: what
each shows, as frozen dataclasses (``pages`` holds the other pages'; the site map says where each
goes). The coverage itself is computed once a build (``SiteCache.coverage``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .coverage import EXPLAINED, LABELS, STATUSES, Entry, Tally
from .feedentries import FEED_NEWEST
from .jurisdictions import Jurisdiction, Jurisdictions
from .model import Agency, Site
from .pages import FeedContext, Meta, reports_feed_context
from .sitecache import SiteCache


@dataclass(frozen=True)
class YearHead:
    """A year as a column heading: linked when the site has a page for it."""

    number: int
    url: str | None


@dataclass(frozen=True)
class AgencyRow:
    """An agency of a jurisdiction page: its report (or absence) and standing, year by year."""

    agency: Agency
    entries: tuple[Entry | None, ...]


@dataclass(frozen=True)
class Place:
    """A jurisdiction as a row of a list: how many agencies and reports it holds, all levels down."""

    jurisdiction: Jurisdiction
    depth: int
    agencies: int
    reports: int


@dataclass(frozen=True)
class PlaceTallies:
    """A jurisdiction as a row of the coverage table: its tally for each year (newest first)."""

    jurisdiction: Jurisdiction
    depth: int
    tallies: tuple[Tally, ...]


@dataclass(frozen=True)
class JurisdictionContext:
    meta: Meta
    jurisdiction: Jurisdiction
    lineage: tuple[Jurisdiction, ...]  # from the root down to this level
    years: tuple[YearHead, ...]  # the columns of ``rows``: years in which one of its agencies counts
    rows: tuple[AgencyRow, ...]  # its own agencies (registered at this level)
    children: tuple[Place, ...]
    tallies: tuple[Tally, ...]  # every agency at and under this level, a tally a year, newest first
    totals: Place
    statuses: tuple[tuple[str, str, str], ...]  # (status, label, explanation): the legend


@dataclass(frozen=True)
class JurisdictionIndexContext:
    meta: Meta
    places: tuple[Place, ...]  # depth-first


@dataclass(frozen=True)
class CoverageContext:
    meta: Meta
    years: tuple[YearHead, ...]  # newest first: the columns of ``places``
    tallies: tuple[Tally, ...]  # the whole site, a tally a year, newest first
    places: tuple[PlaceTallies, ...]
    as_of: dt.date | None  # the newest publication date of the collection
    unexpected: int  # agencies with no ``expected_from``: their missing years are not counted
    statuses: tuple[tuple[str, str, str], ...]


LEGEND = tuple((s, LABELS[s], EXPLAINED[s]) for s in STATUSES)


def year_heads(site: Site, years: tuple[int, ...]) -> tuple[YearHead, ...]:
    pages = {y.number: y for y in site.year_pages}
    return tuple(YearHead(y, pages[y].url if y in pages else None) for y in years)


def place(jurisdiction: Jurisdiction, depth: int, site: Site) -> Place:
    agencies = tuple(jurisdiction.all_agencies())
    return Place(jurisdiction, depth, len(agencies), sum(len(site.reports_of(a.slug)) for a in agencies))


def jurisdiction_context(meta: Meta, jurisdiction: Jurisdiction, cache: SiteCache) -> JurisdictionContext:
    site, coverage = cache.site, cache.coverage
    rows = [(a, coverage.row(a)) for a in jurisdiction.agencies]
    shown = [i for i, _ in enumerate(coverage.years) if any(entries[i] for _, entries in rows)]
    return JurisdictionContext(
        meta, jurisdiction, site.jurisdictions.lineage(jurisdiction.path),
        year_heads(site, tuple(coverage.years[i] for i in shown)),
        tuple(AgencyRow(a, tuple(entries[i] for i in shown)) for a, entries in rows),
        tuple(place(c, 0, site) for c in jurisdiction.children),
        coverage.tallies(jurisdiction.all_agencies()), place(jurisdiction, 0, site), LEGEND,
    )


def jurisdiction_index_context(meta: Meta, jurisdictions: Jurisdictions, site: Site) -> JurisdictionIndexContext:
    return JurisdictionIndexContext(meta, tuple(place(j, d, site) for root in jurisdictions.roots
                                                for j, d in root.walk()))


def coverage_context(meta: Meta, cache: SiteCache) -> CoverageContext:
    site, coverage = cache.site, cache.coverage
    newest_first = tuple(reversed(coverage.years))
    places = []
    for jurisdiction, depth in ((j, d) for root in site.jurisdictions.roots for j, d in root.walk()):
        agencies = tuple(jurisdiction.all_agencies())
        places.append(PlaceTallies(jurisdiction, depth, tuple(coverage.tally(agencies, y) for y in newest_first)))
    return CoverageContext(meta, year_heads(site, newest_first), coverage.tallies(site.agencies), tuple(places),
                           coverage.as_of, sum(a.expected_from is None for a in site.agencies), LEGEND)


def jurisdiction_meta(jurisdiction: Jurisdiction, jurisdictions: Jurisdictions) -> Meta:
    crumbs = (("首页", "/"), ("行政区划", "/jurisdictions/"),
              *((j.name, j.url) for j in jurisdictions.lineage(jurisdiction.path)[:-1]))
    return Meta(jurisdiction.name, jurisdiction.url,
                f"{jurisdiction.label}的机构、历年年度报告及按期发布情况。", "agencies", crumbs)



def jurisdiction_feed_context(meta: Meta, jurisdiction: Jurisdiction, site: Site) -> FeedContext:
    """The newest reports of every agency at and under this level, as the site's feed shows reports."""
    reports = (r for a in jurisdiction.all_agencies() for r in site.reports_of(a.slug))
    return reports_feed_context(meta, reports, jurisdiction.url, FEED_NEWEST)
