"""Coverage and timeliness: for each agency and year, whether the collection holds its report,
and whether that report was published by the legal deadline (docs/content.md, "Coverage").

The statuses, and what they rest on:

- ``on_time`` / ``late``: the report's ``published`` date against its deadline (``model.deadline_for``:
  the agency's kind, or the report's ``deadline_as``); late by exactly so many calendar days;
- ``unknown``: the report prints no publication date: never guessed;
- ``no_deadline``: dated, but no rule sets a deadline for this kind of body (乡镇, 其他) or year;
- ``missing``: the registry expects a report (``expected_from``) and the collection has none. That
  is all it says: the agency may have published one that nobody has collected yet;
- ``not_due``: expected, none collected, and the deadline is after the newest publication date in
  the collection, so it may not have been due yet when the collection was made. The build reads
  no clock (the same content gives the same site), so "now" is the newest date it holds.

An agency with no ``expected_from`` has its reports counted, but no year's absence: nobody has
said it ought to have published.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import Agency, Deadline, Report, Site, deadline_for

COVERAGE_URL = "/coverage/"
COVERAGE_CSV_URL = "/data/coverage.csv"

ON_TIME, LATE, UNKNOWN, NO_DEADLINE = "on_time", "late", "unknown", "no_deadline"
MISSING, NOT_DUE = "missing", "not_due"
STATUSES = (ON_TIME, LATE, UNKNOWN, NO_DEADLINE, MISSING, NOT_DUE)
LABELS = {ON_TIME: "按期发布", LATE: "逾期发布", UNKNOWN: "发布日期不明", NO_DEADLINE: "无法定期限",
          MISSING: "未收录", NOT_DUE: "未到期"}
EXPLAINED = {
    ON_TIME: "发布日期不晚于法定期限。",
    LATE: "发布日期晚于法定期限，逾期天数按日历日计。",
    UNKNOWN: "报告原文没有注明发布日期，无法判断是否按期（本站不推测日期）。",
    NO_DEADLINE: "条例没有规定这类机关（如乡镇人民政府）或这一年度的发布期限。",
    MISSING: "登记为应当发布（expected_from），但本站没有收录这一年度的报告：可能未发布，也可能尚未收集。",
    NOT_DUE: "应当发布、尚未收录，但期限晚于本站收录的最新发布日期，收录时可能还未到期。",
}


@dataclass(frozen=True)
class Entry:
    """One agency's report for one year, or its absence, and how it stands against the deadline."""

    agency: Agency
    year: int
    status: str
    report: Report | None
    deadline: Deadline | None
    days_late: int | None  # late: the days after the deadline; on time: 0; otherwise None

    @property
    def published(self) -> dt.date | None:
        return self.report.published if self.report else None

    @property
    def label(self) -> str:
        """What a table cell says: 按期发布, 逾期 12 天 …"""
        return f"逾期 {self.days_late} 天" if self.status == LATE else LABELS[self.status]


def entry_for(agency: Agency, year: int, report: Report | None, as_of: dt.date | None) -> Entry | None:
    """The agency's standing for ``year``; None when it has no report and none is expected."""
    if report is not None:
        deadline = report.deadline
        if report.published is None:
            return Entry(agency, year, UNKNOWN, report, deadline, None)
        if deadline is None:
            return Entry(agency, year, NO_DEADLINE, report, None, None)
        days = (report.published - deadline.date).days
        return Entry(agency, year, LATE if days > 0 else ON_TIME, report, deadline, max(days, 0))
    if not agency.expected_in(year):
        return None
    deadline = deadline_for(agency.kind, year)
    due = as_of is None or deadline is None or deadline.date <= as_of
    return Entry(agency, year, MISSING if due else NOT_DUE, None, deadline, None)


@dataclass(frozen=True)
class Tally:
    """How many agencies of a set stand how for one year."""

    year: int
    counts: tuple[tuple[str, int], ...]  # (status, count) in ``STATUSES`` order, zeros included

    @property
    def total(self) -> int:
        return sum(n for _, n in self.counts)

    def count(self, status: str) -> int:
        return dict(self.counts)[status]

    @property
    def shown(self) -> tuple[tuple[str, str, int], ...]:
        """(status, label, count) of the statuses that occur: what a table cell lists."""
        return tuple((s, LABELS[s], n) for s, n in self.counts if n)


@dataclass(frozen=True)
class Coverage:
    """Every agency's standing for every year of the collection (the oldest report's year to the
    newest's), one agency's row computed when first asked for and kept for the build.

    Why on demand: a jurisdiction page reads the rows of the agencies at and under it; computing
    every agency's first was 0.37 s of a one-report publish at 20,000 reports (a province's page)."""

    years: tuple[int, ...]
    as_of: dt.date | None  # the newest publication date of the collection: the build's "now"
    site: Site = field(repr=False, compare=False)
    _rows: dict[str, tuple[Entry | None, ...]] = field(default_factory=dict, repr=False, compare=False)

    def row(self, agency: Agency) -> tuple[Entry | None, ...]:
        """The agency's standing, one per year of ``years`` (None: no report and none expected)."""
        row = self._rows.get(agency.slug)
        if row is None:
            report = self.site.report
            row = self._rows[agency.slug] = tuple(entry_for(agency, y, report(agency.slug, y), self.as_of)
                                                  for y in self.years)
        return row

    def entry(self, slug: str, year: int) -> Entry | None:
        """One agency's standing for one year (None: no such agency, year, report or expectation)."""
        agency = self.site.agency(slug)
        if agency is None or year not in self.years:
            return None
        return self.row(agency)[self.years.index(year)]

    def tally(self, agencies: Iterable[Agency], year: int) -> Tally:
        counts = dict.fromkeys(STATUSES, 0)
        if year in self.years:
            i = self.years.index(year)
            for agency in agencies:
                entry = self.row(agency)[i]
                if entry is not None:
                    counts[entry.status] += 1
        return Tally(year, tuple(counts.items()))

    def tallies(self, agencies: Iterable[Agency]) -> tuple[Tally, ...]:
        """One tally per year, newest first; years in which none of the agencies counts are left out."""
        chosen = tuple(agencies)
        out = (self.tally(chosen, y) for y in reversed(self.years))
        return tuple(t for t in out if t.total)

    def in_order(self, agencies: Iterable[Agency]) -> list[Entry]:
        """The entries of these agencies, agency by agency, oldest year first (the CSV's rows)."""
        return [e for a in agencies for e in self.row(a) if e is not None]


def coverage_of(site: Site) -> Coverage:
    years = tuple(range(site.years[0], site.years[-1] + 1)) if site.years else ()
    as_of = max((r.published for r in site.reports if r.published), default=None)
    return Coverage(years, as_of, site)
