"""What the site-wide pages made from every report read of each report, as hashes: the home page,
each year's page, /reasons/ with /data/reasons.json, /checks/, /coverage/ with coverage.csv, and the
lists of reports (``LISTING``) are rendered by an incremental build only when what they read changed
(``buildcache.Inputs.pages``, ``sitemap.Output.made_from`` ``page:<name>``), not whenever a report's
file did.

Why: each of them reads all 20,000 reports at national scale (the key figures' totals, the check
flags, the text's repeats, table 3's refusal reasons): 0.5–0.9 s of CPU each, several of them on a
one-report edit, although a report's title, date or text changes none of their bytes. What each
reads is named here, per report, beside the page it is for (``Read``); a report's part is kept per
agency in the fragment store (``fragments.FragmentStore``, by the hash of the agency's report files
and ``Inputs.everything``: the code, the registry, the base URL), so an edit computes only its
agency's and the hash of a page is a hash of stored strings. What a page reads besides the reports
is in ``Inputs.everything`` (code, registry, site.yaml) or hashed here too (the years; the home
page's newest reports and counts).

Reading less than a page shows would publish a stale page: the tests edit each part (a figure, a
check's cell, the text, a table-3 reason) and compare the incremental site with a full build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .fragments import FragmentStore, by_agency
from .model import Report, Site
from .pages import newest_reports
from .reasons import report_reasons
from .sitecache import SiteCache
from .statmemo import digest

HOME, REASONS, CHECKS, COVERAGE, LISTING = "home", "reasons", "checks", "coverage", "listing"
"""The pages (besides each year's): the home page; /reasons/ and reasons.json; /checks/ (every
check's result counted by rule); /coverage/ and coverage.csv (each report's dates, and the site's
years and newest date: ``buildcache.FACTS``); and what lists only which reports there are
(/agencies/, /years/, /sitemap.xml, /data/compare.json: ``LISTING``, read from the reports' keys)."""
PIECE = "pageinputs.txt"
"""The fragment store's name for an agency's part of each page's inputs: a line a page,
``<page> <its reports' parts>`` (``agency_columns``)."""


@dataclass(frozen=True)
class Read:
    """One part of what the site-wide pages read of a report."""

    name: str
    read: Callable[[Report, SiteCache], object]  # a value whose repr is what is read (deterministic data)


PARTS = (
    # the key figures (``figures.read_all``: the home page's headline and the year page's columns and
    # totals, with each value's source and quote) and table 3, whose cells ``figures.total`` reads for
    # the share granted
    Read("figures", lambda r, cache: (sorted(cache.value(r).items()), r.table3)),
    # the year page's column of failing checks
    Read("checked", lambda r, cache: cache.checked(r)),
    # the year page's repeats of the previous report's text (``similarity``)
    Read("similar", lambda r, cache: cache.similarity(r)),
    # /reasons/ and reasons.json: table 3's refusal reasons, or why the report is left out
    Read("reasons", lambda r, cache: _reasons(r)),
    # /checks/: each check's rule and result (``ruleviews.site_rule_results`` counts them)
    Read("rules", lambda r, cache: [(c.rule, c.status) for c in r.checks]),
    # /coverage/ and coverage.csv: published on time or late (``coverage.entry_for``)
    Read("dates", lambda r, cache: (r.published, r.deadline)),
)
FIGURES, CHECKED, SIMILAR, REASONS_PART, RULES, DATES = range(len(PARTS))
PAGE_READS = {HOME: (FIGURES,), REASONS: (REASONS_PART,), CHECKS: (RULES,), COVERAGE: (DATES,), LISTING: ()}
YEAR_READS = (FIGURES, CHECKED, SIMILAR)


def _reasons(report: Report) -> tuple[object, ...]:
    r = report_reasons(report)
    return r.counts, r.handled, r.excluded


def page_key(name: str) -> str:
    """The key of a page's inputs in ``Inputs.changed`` and ``Output.made_from``."""
    return f"page:{name}"


def year_page(year: int) -> str:
    return f"year:{year}"


def page_names(site: Site) -> list[str]:
    """Every page whose inputs are hashed here (for a build that knows none of them: all changed)."""
    return [*PAGE_READS, *(year_page(y) for y in site.years)]


def report_parts(report: Report, cache: SiteCache) -> list[str]:
    """The hash of each part (``PARTS``) of what the pages read of ``report``."""
    return [digest(repr(part.read(report, cache))) for part in PARTS]


def agency_columns(reports: list[Report], cache: SiteCache) -> bytes:
    """One agency's part of what each page reads (its ``reports``, oldest first): a line a page,
    its name then ``<slug>/<year>:<part hashes>;`` for each report (of that year, for a year page),
    so that a page's hash is one hash of these lines of every agency, in order."""
    rows = [(f"{r.agency.slug}/{r.year}", r.year, report_parts(r, cache)) for r in reports]
    lines = [f"{name} " + "".join(f"{key}:{','.join(parts[i] for i in reads)};" for key, _, parts in rows)
             for name, reads in PAGE_READS.items()]
    for year in sorted({year for _, year, _ in rows}):
        lines.append(f"{year_page(year)} " + "".join(f"{key}:{','.join(parts[i] for i in YEAR_READS)};"
                                                     for key, y, parts in rows if y == year))
    return "\n".join(lines).encode("ascii")


def page_inputs(site: Site, cache: SiteCache, fragments: FragmentStore | None) -> dict[str, str]:
    """Each page's name (``page_names``) → the hash of what it reads. With ``fragments``, an agency's
    parts are the stored ones when its report files did not change (its reports are not read)."""
    groups = list(by_agency(site.reports, lambda r: r.agency.slug))

    def make(reports: list[Report]) -> bytes:
        return agency_columns(reports, cache)

    pieces: Iterable[bytes] = (make(reports) for _, reports in groups) if fragments is None \
        else fragments.pieces(PIECE, iter(groups), make)
    columns: dict[str, list[str]] = {name: [] for name in page_names(site)}
    for piece in pieces:
        for line in bytes(piece).decode("ascii").split("\n"):
            name, _, column = line.partition(" ")
            columns[name].append(column)
    years = repr(site.years)  # which year pages exist, and so each page's links to them
    newest = repr([(r.url, r.title, r.year, r.published) for r in newest_reports(site.reports)])
    counts = repr((len(site.agencies), len(site.reports)))
    out = {name: digest(years, "\n".join(column)) for name, column in columns.items()}  # one part: each ends with ";"
    out[HOME] = digest(out[HOME], newest, counts)
    return out
