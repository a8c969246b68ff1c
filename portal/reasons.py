"""Refusal reasons: the 8 不予公开, 3 无法提供 and 5 不予处理 rows of table 3, counted per report,
and added up over reports (a year of the whole site, or the reports a reader filtered).

Pure: reports in, tallies out. A report counts only where its table 3 can be read: a report
without table 3 (lost in conversion, published as an image, or written under the 2008 条例,
``form: pre-2019``, when there was no national table) is excluded *with its reason*, never
counted as zeros. The 2019 form (``gov-2019``) prints the same sixteen reason rows as the 2021
form, so its reports count. A null cell (printed ``/`` or blank) leaves that reason unknown for
that report: the tally says how many reports it covers, like ``figures.Total``.

A share is of （七）总计 (办理结果总计, the applications handled that year), the denominator the
indicators use (``withheld_rate`` …), summed over the reports that have both numbers — so a
large agency weighs as much as its applications do, and no average of ratios is taken.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from . import form
from .cells import CELLS
from .model import Report

REFUSAL_GROUPS = tuple(form.TABLE3_GROUP_BY_KEY[k] for k in ("withheld", "unable", "not_processed"))
"""（三）不予公开, （四）无法提供, （五）不予处理: the outcomes that are not a (partial) disclosure and
carry a reason. （六）其他处理 is the applicant's doing (no correction, fee unpaid), not a refusal."""

PRE_2019 = "pre-2019"
PRE_2019_REASON = "依2008年施行的条例编制，当时没有全国统一的统计表（表三始于2019年度报告的格式）"
NO_TABLE3 = "原文无表三"
_MARKER = re.compile(r"（?\[(?:image|bookmark): [^\]]*\]）?")
"""A source marker quoted in a reason (``（[image: 1705996693651]）``): it names one file, so reasons
that differ only by it are grouped as one (each report's page keeps the whole reason)."""


@dataclass(frozen=True)
class Reason:
    """One reason row of table 3, read from its 总计 column."""

    group: form.Group
    item: form.Item
    read: Callable[[dict], object]

    @property
    def key(self) -> str:
        """The contract row key, e.g. ``withheld.state_secret``."""
        return f"{self.group.key}.{self.item.key}"

    @property
    def label(self) -> str:
        """'属于国家秘密': the printed label without its number (the group gives the context)."""
        return self.item.label.split(".", 1)[1]


REASONS = tuple(Reason(g, i, CELLS[f"table3.{g.key}.{i.key}.total"].read) for g in REFUSAL_GROUPS for i in g.rows)
_HANDLED = CELLS["table3.total.total"].read


@dataclass(frozen=True)
class ReportReasons:
    """One report's reason counts (None: the cell is null), its （七）总计, or why it is left out."""

    report: Report
    counts: tuple[int | None, ...]  # in REASONS order
    handled: int | None
    excluded: str | None = None

    @property
    def counted(self) -> bool:
        return self.excluded is None


def report_reasons(report: Report) -> ReportReasons:
    if report.table3 is None:
        why = report.missing_tables.get("table3")
        if report.data.get("form") == PRE_2019:
            why = PRE_2019_REASON
        return ReportReasons(report, (None,) * len(REASONS), None, f"{NO_TABLE3}：{why}" if why else NO_TABLE3)
    counts = tuple(_int(r.read(report.data)) for r in REASONS)
    return ReportReasons(report, counts, _int(_HANDLED(report.data)))


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


@dataclass(frozen=True)
class Tally:
    """A count added over reports: how many reports it covers, and its share of the handled
    applications of the reports where both are known (None when those handled none)."""

    count: int | None
    covered: int
    of: int
    share_count: int
    handled: int

    @property
    def share(self) -> float | None:
        return self.share_count / self.handled if self.handled else None

    @property
    def partial(self) -> bool:
        return self.covered < self.of


def tally(rows: Sequence[ReportReasons], indexes: Sequence[int]) -> Tally:
    """The sum of the reasons at ``indexes`` over the counted reports: a report covers it only
    when every one of those cells is known (a group with one null row is unknown, not smaller)."""
    count = covered = share_count = handled = of = 0
    for r in rows:  # plain loops: /reasons/ takes 20 tallies a year of every report (an add renders it)
        if r.excluded is not None:
            continue
        of += 1
        value = 0
        for i in indexes:
            part = r.counts[i]
            if part is None:
                break
            value += part
        else:
            count += value
            covered += 1
            if r.handled is not None:
                share_count += value
                handled += r.handled
    return Tally(count if covered else None, covered, of, share_count, handled)


GROUP_INDEXES = tuple(tuple(i for i, r in enumerate(REASONS) if r.group is g) for g in REFUSAL_GROUPS)
ALL_INDEXES = tuple(range(len(REASONS)))


@dataclass(frozen=True)
class YearReasons:
    """A year of the whole site: every reason and group tallied, and the reports left out."""

    year: int
    reasons: tuple[Tally, ...]  # in REASONS order
    groups: tuple[Tally, ...]  # in REFUSAL_GROUPS order
    refused: Tally  # all sixteen reasons
    counted: int
    excluded: tuple[ReportReasons, ...]

    @property
    def excluded_by_reason(self) -> tuple[tuple[str, tuple[Report, ...]], ...]:
        """The left-out reports grouped by why, most common reason first."""
        grouped: dict[str, list[Report]] = {}
        for r in self.excluded:
            grouped.setdefault(_MARKER.sub("", r.excluded or NO_TABLE3), []).append(r.report)
        return tuple(sorted(((k, tuple(v)) for k, v in grouped.items()), key=lambda kv: (-len(kv[1]), kv[0])))


def year_reasons(year: int, rows: Sequence[ReportReasons]) -> YearReasons:
    return YearReasons(
        year,
        tuple(tally(rows, (i,)) for i in ALL_INDEXES),
        tuple(tally(rows, ix) for ix in GROUP_INDEXES),
        tally(rows, ALL_INDEXES),
        sum(r.counted for r in rows),
        tuple(r for r in rows if not r.counted),
    )
