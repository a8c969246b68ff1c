"""Peer groups, ranks, percentiles and spreads of an indicator across agencies: pure arithmetic.

An agency is compared only with its peers — the same level of government and the same kind of
body (a county's 民政局 with other county 部门, never with a province's 人民政府) — and only when
its denominator reaches the minimum sample: a rate of 2 out of 2 is 100 % and says nothing. An
agency below the minimum, or whose value cannot be computed, is still listed, unranked, with why.

Ranks go from the highest value down (rank 1 = the highest rate; no rate is called good or bad
here: a high 不予公开率 and a high 实质公开率 are both rank 1). Ties share a rank ("1, 2, 2, 4").
The percentile of a value is the share of ranked peers below it, counting ties as half
(``100 × (below + equal / 2) / n``), so the middle of a group is 50 whatever its size.
"""

from __future__ import annotations

import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .indicators import IndicatorValue
from .model import Agency, Report
from .schema import AGENCY_KINDS

MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
LEVELS = ("省级", "市级", "县级", "乡镇级")


def level_of(agency: Agency) -> str:
    """The level of government an agency belongs to, from its jurisdiction path: 山东省 is 省级,
    山东省 › 威海市 市级, 山东省 › 威海市 › 文登区 县级. A municipality's districts sit one step
    higher in the path than a province's (北京市 › 朝阳区 is 县级)."""
    depth = len(agency.jurisdiction)
    if depth > 1 and agency.jurisdiction[0] in MUNICIPALITIES:
        depth += 1
    return LEVELS[min(max(depth, 1), len(LEVELS)) - 1]


@dataclass(frozen=True, order=True)
class PeerGroup:
    """Agencies compared with each other: one level of government, one kind of body."""

    level: str
    kind: str

    @property
    def label(self) -> str:
        return f"{self.level}{self.kind}"

    @property
    def id(self) -> str:
        return f"g-{LEVELS.index(self.level) + 1}-{self.kind}"


def peer_group(agency: Agency) -> PeerGroup:
    return PeerGroup(level_of(agency), agency.kind)


def _group_order(group: PeerGroup) -> tuple[int, int, str]:
    """From the highest level down; kinds in the registry's order (人民政府 first)."""
    kind = AGENCY_KINDS.index(group.kind) if group.kind in AGENCY_KINDS else len(AGENCY_KINDS)
    return LEVELS.index(group.level), kind, group.kind


@dataclass(frozen=True)
class Entry:
    """One agency's report on a ranking: its value, its rank and percentile, or why it has none."""

    report: Report
    value: IndicatorValue
    rank: int | None = None
    percentile: float | None = None  # 0–100; None when unranked or alone in its group
    unranked: str | None = None  # why the agency is listed but not ranked


@dataclass(frozen=True)
class Ranking:
    """One peer group's entries: ranked ones first (by rank), then the unranked."""

    group: PeerGroup
    entries: tuple[Entry, ...]

    @property
    def ranked(self) -> int:
        return sum(1 for e in self.entries if e.rank is not None)


def why_unranked(value: IndicatorValue, min_denominator: int) -> str | None:
    if value.value is None:
        return f"无法计算：{value.reason}"
    if value.denominator is None or value.denominator < min_denominator:
        return f"样本不足：分母 {value.denominator} 小于 {min_denominator}，比率不稳定，不排名"
    return None


def rank_group(group: PeerGroup, items: Iterable[tuple[Report, IndicatorValue]], min_denominator: int) -> Ranking:
    items = list(items)
    eligible = [(r, v) for r, v in items if why_unranked(v, min_denominator) is None]
    numbers = sorted(float(v.value) for _, v in eligible if v.value is not None)
    n = len(numbers)
    ranked = []
    for report, value in eligible:
        x = float(value.value or 0)
        below, above = bisect_left(numbers, x), n - bisect_right(numbers, x)
        equal = n - above - below
        percentile = round(100 * (below + equal / 2) / n, 1) if n > 1 else None
        ranked.append(Entry(report, value, above + 1, percentile))
    ranked.sort(key=lambda e: (e.rank or 0, e.report.agency.name))
    rest = sorted((Entry(r, v, unranked=why_unranked(v, min_denominator)) for r, v in items
                   if why_unranked(v, min_denominator) is not None),
                  key=lambda e: (e.value.value is None, -(e.value.denominator or 0), e.report.agency.name))
    return Ranking(group, tuple(ranked + rest))


def rankings(items: Iterable[tuple[Report, IndicatorValue]], min_denominator: int) -> tuple[Ranking, ...]:
    """Every peer group's ranking, groups from the highest level down (``_group_order``)."""
    grouped: dict[PeerGroup, list[tuple[Report, IndicatorValue]]] = {}
    for report, value in items:
        grouped.setdefault(peer_group(report.agency), []).append((report, value))
    return tuple(rank_group(g, grouped[g], min_denominator) for g in sorted(grouped, key=_group_order))


@dataclass(frozen=True)
class Spread:
    """Where the values of a set of agencies lie: count, extremes, quartiles and median."""

    count: int
    low: float
    q1: float
    median: float
    q3: float
    high: float


def spread(values: Sequence[float]) -> Spread | None:
    """The five-number summary (quartiles by the inclusive method, as spreadsheets' QUARTILE);
    None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        x = ordered[0]
        return Spread(1, x, x, x, x, x)
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return Spread(len(ordered), ordered[0], q1, median, q3, ordered[-1])
