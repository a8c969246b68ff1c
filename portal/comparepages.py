"""The comparison pages: /compare/ (two to four reports side by side, chosen in the URL) and
/reasons/ (refusal reasons per year, filterable), their page contexts and the two small JSON
files their scripts read.

/compare/ is static: the page is a picker and an empty stage; ``static/compare.js`` reads the
picker index (``/data/compare.json``: agencies, their years, the rows of tables 2–4 from
``form`` and the indicators' titles and formulas from ``indicators``, so keys are spelled once) and each chosen report's
own ``report.json``. It never loads /data/reports.json, which is megabytes at 5,000 reports.

/reasons/ carries the site-wide view of every year in its HTML (tables and charts, no script
needed); ``static/reasons.js`` filters by jurisdiction and kind over ``/data/reasons.json``
(one compact row a report: its reason counts, its handled total, or why it is left out).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from . import form
from .cells import CELLS, Cell
from .charts import Series, bar_chart
from .export import dump_json
from .figures import Total, Value
from .hcharts import Bar, hbar_chart
from .indicators import INDICATORS
from .model import Site, report_url
from .pages import Meta
from .reasons import REASONS, REFUSAL_GROUPS, Reason, Tally, YearReasons, year_reasons
from .sitecache import SiteCache

COMPARE_INDEX_URL = "/data/compare.json"
REASONS_DATA_URL = "/data/reasons.json"
MAX_COLUMNS = 4
"""Four reports side by side is what a phone (as rows) and a desktop (as columns) can still read."""

TABLES = [{"key": "table2", "title": form.TABLE_TITLES["table2"]},
          # shown only when a chosen report prints table 2 on the 2019 form: its columns are other things
          {"key": form.TABLE2_2019_KEY, "title": f"{form.TABLE_TITLES['table2']}（2019年版表格）", "optional": True},
          *({"key": k, "title": t} for k, t in form.TABLE_TITLES.items() if k != "table2")]
"""The side-by-side tables of /compare/, in printed order."""

TREND_CELLS = {"table3.new.total": "本年新收申请（件）", "table3.total.total": "办理结果总计（件）"}
"""Counts drawn as trend lines on /compare/ (besides every indicator): applications received and
handled, the two a reader scales every rate by."""


# ---------------------------------------------------------------- /data/compare.json


def _cell_ref(cell: Cell, label: str, group: str | None = None) -> dict[str, Any]:
    """How compare.js finds a cell in a report.json: the table, the keys down to the row, then the
    column's key (a mapping) or its index (table 3's rows are lists)."""
    ref: dict[str, Any] = {"cell": cell.path, "label": label, "table": cell.table, "row": list(cell.row)}
    if cell.index is not None:
        ref["index"] = cell.index
    elif cell.column is not None:
        ref["column"] = cell.column
    if group:
        ref["group"] = group
    return ref


def compare_rows() -> list[dict[str, Any]]:
    """The rows of the side-by-side tables 2–4, in printed order; table 3 by its 总计 column."""
    rows: list[dict[str, Any]] = []
    for item in form.TABLE2_TRIPLES:
        rows += [_cell_ref(CELLS[f"table2.{item.key}.{c.key}"], f"{item.label} {c.label}") for c in form.TRIPLE_CELLS]
    for item in form.TABLE2_COUNTS:
        rows.append(_cell_ref(CELLS[f"table2.{item.key}"], f"{item.label} 本年处理决定数量"))
    rows.append(_cell_ref(CELLS[f"table2.{form.TABLE2_FEES.key}"], f"{form.TABLE2_FEES.label} 本年收费金额（万元）"))
    for row2019 in form.TABLE2_2019_ROWS:
        rows += [_cell_ref(CELLS[f"{form.TABLE2_2019_KEY}.{row2019.key}.{c.key}"], f"{row2019.label} {c.label}")
                 for c in row2019.cells]
    single = form.TABLE3_SINGLE_ROW
    for row in form.TABLE3_ROWS:
        rows.append(_cell_ref(CELLS[f"table3.{row.key}.total"], row.label.split("（区分")[0], row.group_label))
        if row.path[0] == single.path[0] and row.key.endswith(".other"):  # after （六）'s sub-rows, its 2019 one row
            rows.append(_cell_ref(CELLS[f"table3.{single.key}.total"], f"{single.label}（2019年格式，印作一行）"))
    for group in form.TABLE4_GROUPS:
        rows += [_cell_ref(CELLS[f"table4.{group.key}.{c.key}"], f"{group.label} {c.label}") for c in form.TABLE4_CELLS]
    return rows


def compare_index(site: Site) -> bytes:
    """/data/compare.json: what the picker and the side-by-side tables need, nothing per cell."""
    return dump_json({
        "report_url": report_url("{slug}", "{year}"),  # type: ignore[arg-type]  # a template for the script
        "tables": TABLES,
        "rows": compare_rows(),
        "indicators": [{"key": i.key, "label": i.title, "formula": i.formula} for i in INDICATORS],
        "trends": [{"cell": p, "label": label} for p, label in TREND_CELLS.items()],
        "agencies": [
            {"slug": a.slug, "name": a.name, "jurisdiction": a.jurisdiction_label, "kind": a.kind, "url": a.url,
             "years": [r.year for r in site.reports_of(a.slug)]}
            for a in sorted(site.agencies, key=lambda a: (a.jurisdiction, a.name))
        ],
    }, compact=True)


# ---------------------------------------------------------------- /data/reasons.json


def reasons_json(site: Site, cache: SiteCache) -> bytes:
    """/data/reasons.json, compact: agencies once, then a row a report
    ``[agency index, year, handled, [16 counts] or null, excluded reason]`` (null: unknown, never 0);
    each report's reasons as ``cache`` has them (stored, in an incremental build)."""
    agencies = sorted(site.agencies, key=lambda a: (a.jurisdiction, a.name))
    index = {a.slug: i for i, a in enumerate(agencies)}
    rows = []
    for report in site.reports:
        r = cache.reasons(report)
        counts = list(r.counts) if r.counted else None
        rows.append([index[report.agency.slug], report.year, r.handled, counts, r.excluded])
    return dump_json({
        "report_url": report_url("{slug}", "{year}"),  # type: ignore[arg-type]
        "groups": [{"key": g.key, "label": g.label} for g in REFUSAL_GROUPS],
        "reasons": [{"key": r.key, "group": r.group.key, "label": r.label} for r in REASONS],
        "agencies": [[a.slug, a.name, list(a.jurisdiction), a.kind] for a in agencies],
        "reports": rows,
    }, compact=True)


# ---------------------------------------------------------------- /compare/


@dataclass(frozen=True)
class CompareContext:
    meta: Meta
    index_url: str
    max_columns: int
    downloads: tuple[tuple[str, str], ...]


def compare_context(meta: Meta) -> CompareContext:
    return CompareContext(meta, COMPARE_INDEX_URL, MAX_COLUMNS, (
        ("全部报告主要数字（CSV）", "/data/reports.csv"), ("表三明细（CSV）", "/data/table3.csv"),
        ("全部报告（JSON）", "/data/reports.json"),
    ))


# ---------------------------------------------------------------- /reasons/


@dataclass(frozen=True)
class ReasonRow:
    """A row of a year's table: a reason (or a group's subtotal) and its tally."""

    label: str
    group: bool
    tally: Tally


@dataclass(frozen=True)
class ReasonYear:
    year: YearReasons
    rows: tuple[ReasonRow, ...]
    chart: Markup | None


@dataclass(frozen=True)
class ReasonsContext:
    meta: Meta
    years: tuple[ReasonYear, ...]  # newest first
    trend: Markup | None
    trend_rows: tuple[tuple[str, tuple[Tally, ...]], ...]  # group label, a tally a year (oldest first)
    trend_years: tuple[int, ...]
    reasons: tuple[Reason, ...]
    jurisdictions: tuple[str, ...]
    kinds: tuple[str, ...]
    data_url: str


def share_text(t: Tally) -> str:
    return "—" if t.share is None else f"{100 * t.share:.1f}%"


def _year_rows(y: YearReasons) -> tuple[ReasonRow, ...]:
    rows: list[ReasonRow] = []
    for g, group in enumerate(REFUSAL_GROUPS):
        rows.append(ReasonRow(group.label, True, y.groups[g]))
        rows += [ReasonRow(r.label, False, y.reasons[i]) for i, r in enumerate(REASONS) if r.group is group]
    return tuple(rows)


def _year_chart(y: YearReasons) -> Markup | None:
    if not y.counted:
        return None
    bars = [Bar(r.label, t.count, "无数据" if t.count is None else f"{t.count}件（{share_text(t)}）",
                REFUSAL_GROUPS.index(r.group) + 1) for r, t in zip(REASONS, y.reasons, strict=True)]
    return hbar_chart(f"reasons-{y.year}", f"{y.year}年度各项理由的申请件数（{y.counted}份报告）", bars)


def _trend(years: Sequence[YearReasons]) -> tuple[Markup | None, tuple[tuple[str, tuple[Tally, ...]], ...]]:
    """The three groups across the years that have counted reports: a grouped bar chart."""
    shown = [y for y in years if y.counted]
    rows = tuple((g.label, tuple(y.groups[i] for y in shown)) for i, g in enumerate(REFUSAL_GROUPS))
    if not shown:
        return None, rows
    series = [Series(label, tuple(_as_value(t) for t in tallies)) for label, tallies in rows]
    title = "各年度不予公开、无法提供、不予处理的申请件数"
    chart = bar_chart("reasons-trend", title, [str(y.year) for y in shown], series)
    return chart, rows


def _as_value(t: Tally) -> Value:
    return Value(t.count, "derived" if t.count is not None else "missing")


def as_total(t: Tally) -> Total:
    """A tally as the templates' ``total(t)`` shows it: the count, and its coverage when partial."""
    return Total(t.count, t.covered, t.of)


def reasons_context(meta: Meta, site: Site, cache: SiteCache) -> ReasonsContext:
    per_year = [year_reasons(y, [cache.reasons(r) for r in reports]) for y, reports in cache.by_year.items()]
    trend, trend_rows = _trend(per_year)
    years = tuple(ReasonYear(y, _year_rows(y), _year_chart(y)) for y in reversed(per_year))
    jurisdictions = sorted({" › ".join(a.jurisdiction[:i]) for a in site.agencies
                            for i in range(1, len(a.jurisdiction) + 1)})
    return ReasonsContext(meta, years, trend, trend_rows, tuple(y.year for y in per_year if y.counted), REASONS,
                          tuple(jurisdictions), tuple(sorted({a.kind for a in site.agencies})), REASONS_DATA_URL)

