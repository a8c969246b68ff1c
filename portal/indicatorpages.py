"""The indicators' pages: /indicators/ (definitions and how agencies spread each year), the
rankings /indicators/<key>/<year>/ (peers only, thin samples listed but not ranked), and the
indicators block of an agency page (a trend across years, or one clean value per indicator).

Contexts only, computed when the page is rendered; the numbers come from ``indicators`` (one
formula per indicator) and the arithmetic of ranks and quartiles from ``ranking``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from .charts import Series, bar_chart
from .figures import DERIVED, MISSING, Value
from .indicatorcharts import percent, spread_chart
from .indicators import INDICATORS, Indicator, IndicatorValue
from .model import Agency, Report
from .pages import Meta
from .ranking import Entry, Ranking, Spread, rankings, spread, why_unranked
from .rankrows import rows_markup
from .sitecache import SiteCache

SHARE_KEYS = ("substantive_disclosure_rate", "withheld_rate", "not_held_rate", "not_processed_rate")
"""The shares of table 3's outcomes: one trend chart on agency pages; the other four the second."""


def ranking_url(key: str, year: int) -> str:
    return f"/indicators/{key}/{year}/"


def cell_url(report: Report, path: str) -> str:
    """A cell of the report page (``formtables`` gives every cell the id ``c-<path>``)."""
    return f"{report.url}#c-{path}"


# ---------------------------------------------------------------- /indicators/


@dataclass(frozen=True)
class YearSpread:
    """One indicator in one year across agencies."""

    year: int
    url: str  # its ranking
    reports: int
    computed: int  # reports with a value
    sampled: int  # … whose denominator reaches the minimum: the spread is theirs
    pooled: float | None  # Σ numerators / Σ denominators of the computed reports
    spread: Spread | None

    @property
    def pooled_text(self) -> str:
        return percent(self.pooled)

    @property
    def spread_texts(self) -> tuple[str, ...]:
        """Lowest, lower quartile, median, upper quartile, highest, as rates; () without a spread."""
        s = self.spread
        return tuple(percent(q) for q in (s.low, s.q1, s.median, s.q3, s.high)) if s else ()


@dataclass(frozen=True)
class IndicatorSection:
    indicator: Indicator
    years: tuple[YearSpread, ...]
    chart: Markup | None


@dataclass(frozen=True)
class IndicatorsContext:
    meta: Meta
    min_denominator: int
    sections: tuple[IndicatorSection, ...]


def year_spread(year: int, key: str, values: Sequence[IndicatorValue], min_denominator: int) -> YearSpread:
    computed = [v for v in values if v.value is not None]
    sampled = [float(v.value) for v in computed if v.value is not None and why_unranked(v, min_denominator) is None]
    denominators = sum(v.denominator or 0 for v in computed)
    pooled = round(sum(v.numerator or 0 for v in computed) / denominators, 4) if denominators else None
    return YearSpread(year, ranking_url(key, year), len(values), len(computed), len(sampled), pooled, spread(sampled))


def indicators_context(meta: Meta, cache: SiteCache, min_denominator: int) -> IndicatorsContext:
    years = tuple(cache.by_year)
    per_year = {y: [cache.indicators(r) for r in cache.by_year[y]] for y in years}
    sections = []
    for i, indicator in enumerate(INDICATORS):
        spreads = tuple(year_spread(y, indicator.key, [vs[i] for vs in per_year[y]], min_denominator) for y in years)
        chart = None
        if any(s.spread for s in spreads):
            chart = spread_chart(f"spread-{indicator.key}", f"{indicator.title}：各年度机构间分布",
                                 years, [s.spread for s in spreads])
        sections.append(IndicatorSection(indicator, spreads, chart))
    return IndicatorsContext(meta, min_denominator, tuple(sections))


# ---------------------------------------------------------------- /indicators/<key>/<year>/


@dataclass(frozen=True)
class RankRow:
    """A row of a ranking as shown: the entry, its rate, and links to the cells it came from."""

    entry: Entry
    value_text: str
    value_url: str  # the report's table the indicator reads first
    numerator_url: str  # the numerator's first cell on the report page
    denominator_url: str


@dataclass(frozen=True)
class RankGroup:
    ranking: Ranking
    rows: tuple[RankRow, ...]

    @property
    def rows_html(self) -> Markup:
        """The table body's rows (``rankrows``: written in Python, the bulk of the page)."""
        return rows_markup(self.rows)


@dataclass(frozen=True)
class RankingContext:
    meta: Meta
    indicator: Indicator
    year: int
    min_denominator: int
    groups: tuple[RankGroup, ...]
    years: tuple[tuple[int, str], ...]  # every year's ranking of this indicator
    others: tuple[tuple[Indicator, str], ...]  # this year's other rankings
    listed: int  # agencies on the page
    ranked: int  # … of which ranked


def rank_row(indicator: Indicator, entry: Entry) -> RankRow:
    report, num, den = entry.report, indicator.numerator, indicator.denominator
    table = f"{report.url}#{indicator.tables[0]}-table"
    missing = entry.value.numerator is None and entry.value.denominator is None
    return RankRow(entry, percent(entry.value.value), table,
                   table if missing else cell_url(report, num.paths[0]),
                   table if missing else cell_url(report, den.paths[0]))


def ranking_context(meta: Meta, indicator: Indicator, year: int, cache: SiteCache,
                    min_denominator: int) -> RankingContext:
    reports = cache.by_year.get(year, ())
    i = INDICATORS.index(indicator)
    groups = rankings(((r, cache.indicators(r)[i]) for r in reports), min_denominator)
    return RankingContext(
        meta, indicator, year, min_denominator,
        tuple(RankGroup(g, tuple(rank_row(indicator, e) for e in g.entries)) for g in groups),
        tuple((y, ranking_url(indicator.key, y)) for y in cache.by_year),
        tuple((i, ranking_url(i.key, year)) for i in INDICATORS if i is not indicator),
        len(reports), sum(g.ranked for g in groups),
    )


# ---------------------------------------------------------------- agency pages


@dataclass(frozen=True)
class TrendCell:
    report: Report | None  # None: no report that year
    value: IndicatorValue | None
    footnote: int | None = None  # why it is null

    @property
    def text(self) -> str:
        return percent(self.value.value if self.value else None)

    @property
    def ratio(self) -> str:
        """'6/25' beside the rate, so a reader sees the sample."""
        v = self.value
        return f"{v.numerator}/{v.denominator}" if v and v.numerator is not None and v.denominator is not None else ""

    @property
    def url(self) -> str | None:
        """The agency's row on that year's ranking."""
        if self.report is None or self.value is None:
            return None
        return f"{ranking_url(self.value.key, self.report.year)}#r-{self.report.agency.slug}"


@dataclass(frozen=True)
class TrendRow:
    indicator: Indicator
    cells: tuple[TrendCell, ...]


@dataclass(frozen=True)
class AgencyIndicators:
    """The indicators of an agency page: a row per indicator and a column per year with at least
    one value, the reasons of null values as footnotes; the years where nothing can be computed
    summed up in a line each (not a column of "—"); when nothing at all can be, the reasons alone."""

    years: tuple[int, ...]
    rows: tuple[TrendRow, ...]
    footnotes: tuple[tuple[int, str], ...]
    skipped: tuple[tuple[str, str], ...]  # (years, why nothing can be computed for them)
    charts: tuple[tuple[str, Markup, tuple[Series, ...]], ...]  # (caption, svg, its numbers)

    @property
    def none(self) -> bool:
        return not self.rows

    @property
    def one_year(self) -> bool:
        return len(self.years) == 1


def _why_none(values: Sequence[IndicatorValue] | None) -> str:
    if values is None:
        return "本年度报告未收录"
    return "；".join(dict.fromkeys(v.reason for v in values if v.reason))


def agency_indicators(agency: Agency, reports: Sequence[Report]) -> AgencyIndicators:
    if not reports:
        return AgencyIndicators((), (), (), (), ())
    by_year = {r.year: r for r in reports}
    computed = {y: r.indicators for y, r in by_year.items()}
    every = range(min(by_year), max(by_year) + 1)
    years = tuple(y for y in every if any(v.value is not None for v in computed.get(y, ())))
    skipped: dict[str, list[int]] = {}
    for year in every:
        if year not in years:
            skipped.setdefault(_why_none(computed.get(year)), []).append(year)
    notes: dict[str, int] = {}
    rows = []
    for i, indicator in enumerate(INDICATORS):
        cells = []
        for year in years:
            value = computed[year][i]
            note = notes.setdefault(value.reason, len(notes) + 1) if value.reason else None
            cells.append(TrendCell(by_year[year], value, note))
        rows.append(TrendRow(indicator, tuple(cells)))
    charts = tuple(c for c in (_trend_chart(agency, years, rows, True), _trend_chart(agency, years, rows, False)) if c)
    return AgencyIndicators(
        years, tuple(rows) if years else (), tuple((n, text) for text, n in notes.items()),
        tuple(("、".join(map(str, ys)) + "年度", why) for why, ys in skipped.items()),
        charts if len(years) > 1 else ())


def _as_value(cell: TrendCell) -> Value:
    v = cell.value
    if v is None or v.value is None:
        return Value(None, MISSING, note=v.reason if v else "本年度报告未收录", percent=True)
    return Value(v.value * 100, DERIVED, note=f"{v.numerator}/{v.denominator}", percent=True)


def _trend_chart(agency: Agency, years: tuple[int, ...], rows: Sequence[TrendRow],
                 shares: bool) -> tuple[str, Markup, tuple[Series, ...]] | None:
    chosen = [r for r in rows if (r.indicator.key in SHARE_KEYS) == shares]
    series = tuple(Series(r.indicator.title, tuple(_as_value(c) for c in r.cells)) for r in chosen)
    if not any(v.known for s in series for v in s.values):
        return None
    caption = "办理结果的构成（%）" if shares else "结转、争议与纠错（%）"
    chart_id = f"chart-ind-{'shares' if shares else 'disputes'}-{agency.slug}"
    return caption, bar_chart(chart_id, f"{agency.name}：{caption}", [str(y) for y in years], series), series
