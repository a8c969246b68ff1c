"""The key figures of a report: what the agency, year and home pages compare, and the CSV flattens.

A key figure is one number per report (34240 licensing decisions, 26 new applications …). It comes
from a table cell, from a sum of cells, from a narrative sentence when the table is missing, or
it is missing — and the page must say which, because a missing number is not a zero and a figure
read from prose ("16500余条") is weaker than a printed cell. ``Value`` carries that provenance so
every page shows it the same way.

Figure keys are contract cell paths (``table2.licensing``, ``table3.new.total``) where one cell is
meant; sums of rows get a path of their group (``table3.withheld.total``) and are documented as
derived in ``/data/datapackage.json``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import form
from .cells import CELLS
from .checks import NARRATIVE_CELLS
from .model import Report
from .numfmt import bounded, format_number

TABLE, NARRATIVE, DERIVED, MISSING = "table", "narrative", "derived", "missing"


@dataclass(frozen=True)
class Value:
    """One figure of one report, with where it came from."""

    number: float | None
    source: str  # table | narrative | derived | missing
    bound: str = "exact"  # exact | at_least | approx (narrative figures only)
    note: str | None = None  # the quote (narrative), the formula (derived) or why it is missing
    percent: bool = False

    @property
    def known(self) -> bool:
        return self.number is not None

    @property
    def display(self) -> str:
        """The number as a reader should see it; '—' when missing, never 0."""
        return display(self.number, self.bound, self.percent)


def display(number: float | None, bound: str = "exact", percent: bool = False) -> str:
    """A figure for readers: '—' when missing (never 0), '16500余' for a lower bound, '约…'."""
    if number is None:
        return "—"
    if percent:
        return f"{number:.1f}%"
    return bounded(fmt_number(number), bound)


def fmt_number(number: float) -> str:
    """34240 → '34240'; 745.94 → '745.94'; integers stay integers (no thousands separators:
    the official forms print none, and readers compare with the source)."""
    return format_number(number)


@dataclass(frozen=True)
class Figure:
    """A row of the year-over-year tables: a label, a unit, and how to read it from a report."""

    key: str
    label: str
    unit: str
    read: Callable[[Report], Value]
    chart: bool = False  # part of the main series chart on agency pages
    compare: bool = True  # a 'change against previous year' makes sense

    @property
    def group(self) -> str:
        """The part of the report a figure belongs to, for sub-headings in long tables."""
        table = self.key.split(".")[0]
        return {"narrative": "主动公开", "table2": "主动公开", "table3": "依申请公开",
                "table4": "行政复议、行政诉讼"}[table]

    @property
    def percent(self) -> bool:
        return self.unit == "%"



def _missing_reason(report: Report, table: str) -> str:
    reason = report.missing_tables.get(table)
    return f"原文无此表：{reason}" if reason else "原文此格为空"


def _narrative_for(report: Report, key: str | None) -> Value | None:
    figure = report.narrative_figure(key) if key else None
    if figure is None:
        return None
    return Value(figure.value, NARRATIVE, figure.bound, figure.quote)


_NARRATIVE_BY_CELLS = {cells: key for key, cells in NARRATIVE_CELLS.items()}


def cells_figure(paths: Sequence[str], label: str = "") -> Callable[[Report], Value]:
    """A figure that is one cell, or the sum of several; falls back to the narrative sentence
    that restates exactly these cells (checks.NARRATIVE_CELLS) when the table is missing."""
    narrative_key = _NARRATIVE_BY_CELLS.get(tuple(paths))
    readers = [CELLS[p].read for p in paths]
    table = CELLS[paths[0]].table

    def read(report: Report) -> Value:
        values = [cell(report.data) for cell in readers]
        if report.data.get(table) is not None and all(v is not None for v in values):
            source = TABLE if len(paths) == 1 else DERIVED
            return Value(sum(values), source, note=None if len(paths) == 1 else label)
        fallback = _narrative_for(report, narrative_key)
        if fallback is not None:
            return fallback
        if report.data.get(table) is None:
            return Value(None, MISSING, note=_missing_reason(report, table))
        blanks = [p for p, v in zip(paths, values, strict=True) if v is None]
        printed = report.cells
        marks = "、".join(f"{p}（原文印作“{printed[p]}”）" if p in printed else p for p in blanks)
        return Value(None, MISSING, note=f"原文此格为空：{marks}")

    return read


def narrative_figure(key: str) -> Callable[[Report], Value]:
    def read(report: Report) -> Value:
        return _narrative_for(report, key) or Value(None, MISSING, note="正文未提及")

    return read


def _t3_group_paths(group: form.Group, column: str = "total") -> tuple[str, ...]:
    return tuple(f"table3.{group.key}.{row.key}.{column}" for row in group.rows)


_OTHER_HANDLING = form.TABLE3_GROUP_BY_KEY["other_handling"]
_other_handling_single = CELLS[f"table3.other_handling.{form.SINGLE_ROW}.total"].read
_other_handling_rows = cells_figure(_t3_group_paths(_OTHER_HANDLING), f"{_OTHER_HANDLING.label}各项之和")


def other_handling_figure(report: Report) -> Value:
    """（六）其他处理: its three sub-rows, or the single row of the 2019 form."""
    single = _other_handling_single(report.data)
    if single is not None:
        return Value(single, TABLE)
    return _other_handling_rows(report)


_SHARE_CELLS = tuple(CELLS[f"table3.{k}.total"].read for k in ("granted", "partially_granted", "total"))
"""（一）予以公开, （二）部分公开 and （七）总计: the parts of the granted share."""


def granted_share(report: Report) -> Value:
    """Share of handled applications granted in full or in part: (（一）+（二）) / （七）总计."""
    granted, partial, total = (read(report.data) for read in _SHARE_CELLS)
    if report.table3 is None:
        return Value(None, MISSING, note=_missing_reason(report, "table3"), percent=True)
    if None in (granted, partial, total):
        return Value(None, MISSING, note="所需单元格为空", percent=True)
    if total == 0:
        return Value(None, MISSING, note="本年无办结申请，比例无意义", percent=True)
    return Value(100 * (granted + partial) / total, DERIVED, note="（（一）予以公开 + （二）部分公开）÷（七）总计",
                 percent=True)


def _t3(key: str) -> str:
    return f"table3.{key}.total"


def _label(key: str) -> str:
    """A table-3 row label without the printed remark in brackets, for compact tables."""
    row = next(r for r in form.TABLE3_ROWS if r.key == key)
    return row.label.split("（区分")[0]


T2 = {i.key: i.label for i in (*form.TABLE2_TRIPLES, *form.TABLE2_COUNTS, form.TABLE2_FEES)}
T4 = {i.key: i.label for i in form.TABLE4_GROUPS}
CELL4 = {i.key: i.label for i in form.TABLE4_CELLS}
TRIPLE = {i.key: i.label for i in form.TRIPLE_CELLS}
LAWSUIT_TOTALS = NARRATIVE_CELLS["lawsuits"]

KEY_FIGURES: tuple[Figure, ...] = (
    Figure("narrative.proactive_disclosed", form.NARRATIVE_KEYS["proactive_disclosed"].split("（")[0], "条",
           narrative_figure("proactive_disclosed"), chart=False),
    *(Figure(f"table2.normative_documents.{c}", f"{T2['normative_documents']} {TRIPLE[c]}", "件",
             cells_figure((f"table2.normative_documents.{c}",))) for c in TRIPLE),
    *(Figure(f"table2.{k}", f"{T2[k]}决定", "件", cells_figure((f"table2.{k}",)))
      for k in ("licensing", "punishment", "coercion")),
    Figure("table2.fees_10k_yuan", T2["fees_10k_yuan"], "万元", cells_figure(("table2.fees_10k_yuan",))),
    Figure(_t3("new"), "新收申请", "件", cells_figure((_t3("new"),)), chart=True),
    Figure(_t3("carried_over"), "上年结转申请", "件", cells_figure((_t3("carried_over"),))),
    Figure(_t3("granted"), _label("granted"), "件", cells_figure((_t3("granted"),)), chart=True),
    Figure(_t3("partially_granted"), _label("partially_granted"), "件",
           cells_figure((_t3("partially_granted"),)), chart=True),
    *(Figure(f"table3.{g.key}.total", g.label, "件",
             other_handling_figure if g is _OTHER_HANDLING else cells_figure(_t3_group_paths(g), f"{g.label}各项之和"))
      for g in form.TABLE3_GROUPS),
    Figure(_t3("total"), "办理结果总计", "件", cells_figure((_t3("total"),))),
    Figure(_t3("carried_forward"), "结转下年度继续办理", "件", cells_figure((_t3("carried_forward"),))),
    Figure("table3.granted_share", "予以公开和部分公开的比例", "%", granted_share, compare=False),
    Figure("table4.review.total", f"{T4['review']}", "件", cells_figure(("table4.review.total",))),
    Figure("table4.review.corrected", f"{T4['review']} {CELL4['corrected']}", "件",
           cells_figure(("table4.review.corrected",))),
    Figure("table4.litigation.total", "行政诉讼", "件", cells_figure(LAWSUIT_TOTALS, "两类行政诉讼总计之和")),
    Figure("table4.litigation.corrected", f"行政诉讼 {CELL4['corrected']}", "件",
           cells_figure(tuple(p.replace(".total", ".corrected") for p in LAWSUIT_TOTALS), "两类行政诉讼结果纠正之和")),
)
"""The rows of the agency year-over-year table, in reading order."""

FIGURES_BY_KEY = {f.key: f for f in KEY_FIGURES}

YEAR_COLUMNS = (
    "narrative.proactive_disclosed", "table2.normative_documents.issued", "table2.licensing",
    "table2.punishment", "table2.coercion", "table2.fees_10k_yuan", _t3("new"), _t3("total"),
    "table3.granted_share", "table4.review.total", "table4.litigation.total",
)
"""The columns of the year page's side-by-side table (the agency pages show all figures)."""

HEADLINE = (
    "narrative.proactive_disclosed", _t3("new"), "table3.granted_share", "table4.review.total",
    "table4.litigation.total",
)
"""The figures of the home page's year-over-year summary."""


def read_all(report: Report, figures: Iterable[Figure] = KEY_FIGURES) -> dict[str, Value]:
    return {f.key: f.read(report) for f in figures}


def change(current: Value, previous: Value | None) -> str | None:
    """'+3' / '−2' / '持平' against the previous year, or None when either is unknown or the
    comparison would mislead (a lower bound, an approximation, a percentage point)."""
    if previous is None or not current.known or not previous.known:
        return None
    if current.bound != "exact" or previous.bound != "exact":
        return None
    assert current.number is not None and previous.number is not None
    delta = current.number - previous.number
    unit = "个百分点" if current.percent else ""
    if abs(delta) < 1e-9:
        return "持平"
    text = f"{abs(delta):.1f}" if current.percent else fmt_number(abs(delta))
    return f"{'+' if delta > 0 else '−'}{text}{unit}"


@dataclass(frozen=True)
class Total:
    """A sum over several agencies, saying how many of them it covers."""

    number: float | None
    covered: int
    of: int
    bound: str = "exact"
    percent: bool = False

    @property
    def display(self) -> str:
        return display(self.number, self.bound, self.percent)

    @property
    def partial(self) -> bool:
        return self.covered < self.of


def share_parts(report: Report) -> tuple[Any, ...] | None:
    """The granted share's parts (（一）, （二）, （七）总计) of a report that has them all, else None."""
    found = tuple(read(report.data) for read in _SHARE_CELLS)
    return found if report.table3 is not None and None not in found else None


def total(figure: Figure, reports: Sequence[Report], values: dict[tuple[str, int], dict[str, Value]],
          shares: Callable[[Report], tuple[Any, ...] | None] = share_parts) -> Total:
    """Add a figure over reports; missing values are left out and counted, never taken as 0.

    A share is recomputed from the summed parts over the reports that have all of them, not
    averaged, so large agencies weigh as much as their applications do. ``shares``: each report's
    parts (``SiteCache.share_parts``: stored, without reading the report's data).
    """
    if figure.key == "table3.granted_share":
        parts = [found for r in reports if (found := shares(r)) is not None]
        handled = sum(p[2] for p in parts)
        number = 100 * sum(p[0] + p[1] for p in parts) / handled if handled else None
        return Total(number, len(parts), len(reports), percent=True)
    known = [values[r.key][figure.key] for r in reports if values[r.key][figure.key].known]
    bounds = {v.bound for v in known}
    bound = "approx" if "approx" in bounds else "at_least" if "at_least" in bounds else "exact"
    number = sum(v.number for v in known if v.number is not None) if known else None
    return Total(number, len(known), len(reports), bound)


def flat_value(value: Value) -> Any:
    """The number for CSV/JSON downloads: ints stay ints, missing is None."""
    if value.number is None:
        return None
    if value.percent:
        return round(value.number, 2)
    return int(value.number) if float(value.number).is_integer() else value.number
