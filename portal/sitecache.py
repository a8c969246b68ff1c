"""What the pages of one build look up again and again, computed once: reports by year, the
jurisdiction tree, each report's key figures and check flags, and the parsed text of the reports
rendered last (``SiteCache``)."""

from __future__ import annotations

import gc
import pickle
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property

from .checks import UNKNOWN
from .coverage import Coverage, coverage_of
from .figures import Value, read_all, share_parts
from .fragments import FragmentStore, by_agency
from .indicators import IndicatorValue
from .jurisdictions import Jurisdiction
from .listedvalues import PIECE, Listed, dump, listed, load
from .model import Report, Site
from .parallel import uncollected
from .reasons import ReportReasons, report_reasons
from .similarity import Similarity, compare
from .text import Block, parse_text

BLOCKS_KEPT = 64
ONE_BY_ONE = 32
"""Agencies whose stored key figures are read one at a time before the rest are read at once: at
20,000 reports, 3,842 single reads for the home page took ~1.7 s of CPU against ~0.5 s at once."""
VALUES = "values.pickle"
"""The fragment store's name for an agency's key figures, pickled: a list, one a report in order."""


@dataclass(frozen=True)
class SiteCache:
    """Lookups every page needs, computed once per build (no quadratic scans per page), and the
    parsed text of the reports rendered last: a cache of the model, never a second source of it."""

    site: Site
    values: dict[tuple[str, int], dict[str, Value]] = field(default_factory=dict)
    parsed: dict[tuple[str, int], tuple[Block, ...]] = field(default_factory=dict)
    flags: dict[tuple[str, int], tuple[int, bool]] = field(default_factory=dict)
    similar: dict[tuple[str, int], Similarity] = field(default_factory=dict)
    stored: FragmentStore | None = None
    """An incremental build's store: each agency's key figures kept by the hash of its report files."""
    one_at_a_time: int = ONE_BY_ONE  # agencies read one at a time before every agency's at once
    one_by_one: set[str] = field(default_factory=set)  # the agencies whose key figures ``_stored_agency`` read
    small: dict[tuple[str, int], Listed] = field(default_factory=dict)
    """With ``stored``: every report's ``Listed`` values, read at the first asked (``listed``)."""

    @cached_property
    def by_year(self) -> dict[int, tuple[Report, ...]]:
        grouped: dict[int, list[Report]] = {}
        for r in self.site.reports:
            grouped.setdefault(r.year, []).append(r)
        return {y: tuple(sorted(rs, key=agency_order)) for y, rs in sorted(grouped.items())}

    @cached_property
    def tree(self) -> tuple[Jurisdiction, ...]:
        return self.site.jurisdictions.roots

    @cached_property
    def coverage(self) -> Coverage:
        """Who published for which year, on time or not: the jurisdiction and coverage pages'."""
        return coverage_of(self.site)

    def value(self, report: Report) -> dict[str, Value]:
        if report.key not in self.values and self.stored is not None and report.agency.slug not in self.one_by_one:
            if len(self.one_by_one) < self.one_at_a_time:
                self.one_by_one.add(report.agency.slug)
                self._stored_agency(report.agency.slug)
            else:  # a page summing every report: every agency's, read at once
                self._stored_values(self.stored)
        if report.key not in self.values:
            self.values[report.key] = read_all(report)  # not stored (its agency's files changed): computed
        return self.values[report.key]

    def checked(self, report: Report) -> tuple[int, bool]:
        """(failing checks, whether any check could be decided): the year pages' columns."""
        if report.key not in self.flags:
            self.flags[report.key] = (len(report.failing_checks), any(c.status != UNKNOWN for c in report.checks))
        return self.flags[report.key]

    def warm(self) -> None:
        """Compute every report's key figures and check flags now, before render workers fork.

        Why: the home and year pages need them for every report (the year page also every
        report's ``similarity``). Computed in each worker, they would be computed twice and,
        worse, each worker would write to every report of the model it shares with its parent
        (reference counts, ``Report.narrative``), turning the shared pages into private copies:
        at 20,000 reports that was ~0.7 GB a worker."""
        if self.stored is not None:
            self._stored_values(self.stored)
        for report in self.site.reports:
            self.value(report)
            self.checked(report)
            self.similarity(report)
        if self.stored is not None and self.site.reports:
            self.listed(self.site.reports[0])  # every agency's, from the store or computed and stored

    def listed(self, report: Report) -> Listed | None:
        """The report's small values as the pages listing a year or the site read them, from the
        store (None without one: the callers read the report). The first asked reads every
        agency's piece (those pages read every report), computing and storing the changed ones'."""
        if self.stored is None:
            return None
        if not self.small:
            self._stored_listed(self.stored)
        found = self.small.get(report.key)
        if found is None:  # not in the model's listing (never, for a report of the site)
            found = self.small[report.key] = listed(report, self.similarity)
        return found

    def share_parts(self, report: Report) -> tuple[object, ...] | None:
        """``figures.share_parts``, stored."""
        found = self.listed(report)
        return share_parts(report) if found is None else found.share

    def reasons(self, report: Report) -> ReportReasons:
        """``reasons.report_reasons``, stored."""
        found = self.listed(report)
        return report_reasons(report) if found is None else found.report_reasons(report)

    def indicators(self, report: Report) -> tuple[IndicatorValue, ...]:
        """``Report.indicators``, stored."""
        found = self.listed(report)
        return report.indicators if found is None else found.indicators

    def repeats(self, report: Report) -> Similarity:
        """``similarity``, stored: what the year page lists of every report (the report's and
        agency's pages call ``similarity``, which reads no other agency's piece)."""
        found = self.listed(report)
        return self.similarity(report) if found is None else found.similarity

    def blocks(self, report: Report) -> tuple[Block, ...]:
        """The report's text blocks, parsed once for the pages that need them together (its own
        page, its agency's footnotes). Only the most recent are kept: blocks hold the whole
        text, and keeping every report's would grow a render worker with the site."""
        if report.key not in self.parsed:
            if len(self.parsed) >= BLOCKS_KEPT:
                del self.parsed[next(iter(self.parsed))]
            self.parsed[report.key] = parse_text(report.text)
        return self.parsed[report.key]

    def earlier(self, report: Report) -> Report | None:
        """The agency's latest report before this one (the year before, or across a gap)."""
        reports = self.site.reports_of(report.agency.slug)
        i = next(i for i, r in enumerate(reports) if r is report)
        return reports[i - 1] if i else None

    def similarity(self, report: Report) -> Similarity:
        """The report against its agency's previous one (their sentence keys, computed at load):
        its page, the agency's and the year's show it."""
        if report.key not in self.similar:
            previous = self.earlier(report)
            before = None if previous is None else (previous.year, frozenset(previous.sentences))
            self.similar[report.key] = compare(report.sentences, before)
        return self.similar[report.key]

    def _stored_agency(self, slug: str) -> None:
        """One agency's key figures, from the store when its report files did not change. Why one
        agency at a time: an edit renders its own agency's page (the figures year on year) but
        reads no other agency's figures unless a page summing every report changed; reading every
        agency's (``warm``) was 0.9 s of a one-report edit at 20,000."""
        assert self.stored is not None
        piece = self.stored.stored(VALUES, slug)
        if piece is not None:
            keys = [r.key for r in self.site.reports_of(slug)]
            values = pickle.loads(piece)
            if len(values) == len(keys):  # always, as the key names every report file of the agency
                self.values.update(zip(keys, values, strict=True))

    def _stored_values(self, store: FragmentStore) -> None:
        """Every agency's key figures, before render workers fork: the unchanged agencies' from
        ``store``, the others' computed and stored (a full build with a cache stores them all)."""
        def make(reports: list[Report]) -> bytes:
            computed = {r.key: read_all(r) for r in reports}
            self.values.update(computed)
            return pickle.dumps(list(computed.values()), protocol=pickle.HIGHEST_PROTOCOL)

        with uncollected():  # as ``buildcache.ParseStore`` unpickles: no garbage, and frozen after (the build's)
            for reports, piece in self._pieces(store, VALUES, make):
                if reports[0].key not in self.values:  # else just computed by ``make``
                    self.values.update(zip((r.key for r in reports), pickle.loads(piece), strict=True))
            gc.freeze()

    def _stored_listed(self, store: FragmentStore) -> None:
        """Every report's ``Listed`` values: the unchanged agencies' from ``store``, the others'
        computed (reading their reports) and stored."""
        with uncollected():  # as ``_stored_values``: no garbage made here
            for reports, piece in self._pieces(store, PIECE, lambda rs: dump([listed(r, self.similarity) for r in rs])):
                values = load(piece)
                if len(values) == len(reports):  # always: the key names every report file of the agency
                    self.small.update(zip((r.key for r in reports), values, strict=True))

    def _pieces(self, store: FragmentStore, name: str, make: Callable[[list[Report]], bytes],
                ) -> Iterator[tuple[list[Report], bytes | memoryview]]:
        """Each agency's reports, in the model's order, with its piece ``name``: stored, or made by
        ``make`` (its agency's files changed) and stored."""
        groups = list(by_agency(self.site.reports, lambda r: r.agency.slug))
        for (_, reports), piece in zip(groups, store.pieces(name, iter(groups), make), strict=True):
            yield reports, piece


def agency_order(report: Report) -> tuple[tuple[str, ...], str]:
    return (report.agency.jurisdiction, report.agency.name)
