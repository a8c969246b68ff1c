"""Pages: the whole site map in one generator, and the typed context of each page kind.

``pages(site)`` is the place to read the site's URL layout: it yields every templated page —
its template, a frozen dataclass context, and its output path — in a stable order. The data
downloads (``export.data_files``) and the fingerprinted static files (``static_files``) complete
what ``build.write_site`` writes.

Templates never assemble paths or compute numbers: objects own their URLs (model.py), the key
figures come with their provenance (figures.py), and the statistics tables arrive here already
laid out the way the printed form is, with its row- and column-spans, as rows of escaped cells
(``TableView``), so one partial renders all three tables.

Rendering is the build's hot path (~250 table cells and ~40 key figures a report), so the markup
that repeats most is built in Python: each table's layout once per form (``table_layout``), a
report's number cells in one join each (``CellWriter``), key figures and totals by
``value_markup`` and ``total_markup`` rather than by macros. Everything else is in templates/.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, fields
from functools import cache, cached_property, partial
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup, escape

from . import form
from .charts import Series, bar_chart
from .checks import FAIL, PASS, RULES, UNKNOWN, Check, summarize
from .figures import (
    FIGURES_BY_KEY,
    HEADLINE,
    KEY_FIGURES,
    NARRATIVE,
    YEAR_COLUMNS,
    Figure,
    Total,
    Value,
    cell_reader,
    change,
    fmt_number,
    read_all,
    total,
)
from .model import Agency, NarrativeFigure, Report, Site
from .searchtext import text_shard, text_shard_url
from .settings import PLACEHOLDER
from .text import CELLS, Block, TocEntry, block_of, parse_text, toc

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"
ABOUT_PAGE = Path("pages") / "about.md"

SITE_NAME = "政府信息公开年报库"
SITE_TAGLINE = "各级行政机关《政府信息公开工作年度报告》的原文与数据"
DEFAULT_BASE_URL = PLACEHOLDER
"""Where absolute links point while no public address is configured. The build passes the real
one (``settings.resolve_address``: content/site.yaml, Netlify's URL, --base-url)."""

NAV = (
    ("home", "首页", "/"),
    ("agencies", "机构", "/agencies/"),
    ("years", "年度", "/years/"),
    ("data", "数据", "/data/"),
    ("search", "检索", "/search/"),
    ("about", "关于", "/about/"),
)
NULL_MARK = "空"
"""How a null cell is shown when the source recorded no printed mark: visibly not 0."""

# Header texts of the printed form that form.py does not model as items (they label columns).
T2_CONTENT = "信息内容"
T2_DECISIONS = "本年处理决定数量"
T2_FEES_AMOUNT = "本年收费金额（单位：万元）"
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_LEGAL_PERSONS = "法人或其他组织"


def url_to_path(url: str) -> str:
    """'/agencies/x/' → 'agencies/x/index.html'; '/feed.xml' → 'feed.xml'."""
    path = url.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


# ---------------------------------------------------------------- page contexts


@dataclass(frozen=True)
class Meta:
    """What every page has: title, canonical URL, description, and the nav item it belongs to."""

    title: str
    url: str
    description: str
    section: str  # a key of NAV
    breadcrumbs: tuple[tuple[str, str], ...] = ()  # (label, url) from the home page down
    og_type: str = "website"
    indexable: bool = True  # listed in sitemap.xml


@dataclass(frozen=True)
class Page:
    """One output of ``pages()``: render ``template`` with its context into ``path``.

    The context (one of the *Context dataclasses below) is built when the page is rendered, not
    when it is listed: walking the site map stays cheap, a render worker builds only the
    contexts of the pages it renders, and no page's context outlives its rendering."""

    template: str
    path: str  # site-relative output path
    make_context: Callable[[], Any]
    companions: tuple[tuple[str, Callable[[], bytes]], ...] = ()
    """Other files made from what the page is made of, as (path, producer), written right after
    the page by the same worker: a report's search text shard reuses the blocks its page parsed."""


@dataclass(frozen=True)
class JurisdictionNode:
    """山东省 › 威海市 › 文登区: a level of the jurisdiction tree with its agencies."""

    name: str
    path: tuple[str, ...]
    agencies: tuple[Agency, ...]
    children: tuple[JurisdictionNode, ...]

    @property
    def label(self) -> str:
        return " › ".join(self.path)

    def all_agencies(self) -> Iterator[Agency]:
        yield from self.agencies
        for child in self.children:
            yield from child.all_agencies()


@dataclass(frozen=True)
class Footnote:
    """A numbered note under a table: a narrative quote (with a link to it) or why data is missing."""

    number: int
    text: str
    quote: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class YoyCell:
    value: Value
    change: str | None
    footnote: int | None
    report: Report | None


@dataclass(frozen=True)
class YoyRow:
    figure: Figure
    cells: tuple[YoyCell, ...]


@dataclass(frozen=True)
class YoyTable:
    """The agency page's year-over-year table: one column per year, a row per key figure."""

    years: tuple[int, ...]
    reports: tuple[Report | None, ...]
    rows: tuple[YoyRow, ...]
    footnotes: tuple[Footnote, ...]


@dataclass(frozen=True)
class Cell:
    """A header cell (a label) of a laid-out table, with its spans."""

    text: str
    colspan: int = 1
    rowspan: int = 1
    scope: str | None = None

    @property
    def html(self) -> str:
        """The escaped ``<th>``; built once per form, when its layout is cached."""
        scope = f' scope="{escape(self.scope)}"' if self.scope else ""
        return f"<th{scope}{_spans(self.colspan, self.rowspan)}>{escape(self.text)}</th>"


@dataclass(frozen=True)
class Slot:
    """A number cell of a laid-out table: which contract cell fills it, and how wide it is.

    ``read`` and ``open`` are made once per form (``slot``): every report then costs one lookup
    and, for a plain number (not null, not failing, no title), one string join."""

    path: str  # dotted contract path, also the cell's id (c-<path>)
    colspan: int
    read: Callable[[dict], Any]
    open: str  # the ``<td …>`` of a plain number


def slot(path: str, colspan: int = 1) -> Slot:
    """The slot of a contract cell, with its reader and plain ``<td>`` made now, once per form."""
    return Slot(path, colspan, cell_reader(path), td_open(path, colspan))


@dataclass(frozen=True)
class Layout:
    """A statistics table as the form prints it, the same for every report of a form (so it is
    built once, ``table_layout``): header rows as markup, body rows as markup with the slots
    each report fills in."""

    head: tuple[Markup, ...]
    body: tuple[tuple[str | Slot, ...], ...]  # runs of header markup between the number cells


@dataclass(frozen=True)
class TableView:
    """One of the three statistics tables of a report, laid out like the printed form (or why
    it is missing): the cells of each row as escaped markup, so the template writes a row with
    one expression instead of five or six a cell."""

    key: str  # table2 | table3 | table4
    title: str
    head: tuple[Markup, ...]
    body: tuple[Markup, ...]
    missing: str | None = None

    @property
    def id(self) -> str:
        return key_id(self.key)


def key_id(key: str) -> str:
    return f"{key}-table"


@dataclass(frozen=True)
class CheckView:
    check: Check
    links: tuple[tuple[str, str], ...]  # (cell path, url of the cell)
    as_printed: bool = False  # a reviewer confirmed the source itself prints these numbers

    @property
    def description(self) -> str:
        return RULES[self.check.rule]


@dataclass(frozen=True)
class Quality:
    """The data-quality box of a report page."""

    missing: tuple[tuple[str, str], ...]  # (table title, reason)
    failing: tuple[CheckView, ...]
    counts: dict[str, int]
    unknown_rules: tuple[str, ...]
    notes: tuple[str, ...]
    draft: bool

    @property
    def ok(self) -> bool:
        return not (self.missing or self.failing or self.draft)


@dataclass(frozen=True)
class NarrativeView:
    figure: NarrativeFigure
    block: Block | None


@dataclass(frozen=True)
class Download:
    label: str
    url: str
    note: str


@dataclass(frozen=True)
class HomeContext:
    meta: Meta
    counts: tuple[tuple[str, int], ...]
    newest: tuple[Report, ...]
    tree: tuple[JurisdictionNode, ...]
    headline: HeadlineTable


@dataclass(frozen=True)
class HeadlineTable:
    """Site-wide totals per year for a few key figures, with coverage."""

    years: tuple[int, ...]
    reports: tuple[int, ...]
    rows: tuple[tuple[Figure, tuple[Total, ...]], ...]


@dataclass(frozen=True)
class AgencyIndexContext:
    meta: Meta
    tree: tuple[JurisdictionNode, ...]
    years_of: dict[str, tuple[Report, ...]]


@dataclass(frozen=True)
class AgencyContext:
    meta: Meta
    agency: Agency
    reports: tuple[Report, ...]
    yoy: YoyTable
    chart: Markup | None
    chart_series: tuple[Series, ...]


@dataclass(frozen=True)
class ReportContext:
    meta: Meta
    report: Report
    previous: Report | None
    next: Report | None
    tables: tuple[TableView, ...]
    quality: Quality
    narrative: tuple[NarrativeView, ...]
    blocks: tuple[Block, ...]
    toc: tuple[TocEntry, ...]
    downloads: tuple[Download, ...]
    null_marks: tuple[str, ...]


@dataclass(frozen=True)
class YearRow:
    report: Report
    values: tuple[Value, ...]
    failing: int
    checked: bool  # some check could be decided: 0 failing means "0", not "无法检查"


@dataclass(frozen=True)
class YearContext:
    meta: Meta
    year: int
    columns: tuple[Figure, ...]
    rows: tuple[YearRow, ...]
    totals: tuple[tuple[JurisdictionNode, int, tuple[Total, ...]], ...]  # node, depth, totals
    previous_year: int | None
    next_year: int | None


@dataclass(frozen=True)
class YearIndexContext:
    meta: Meta
    years: tuple[tuple[int, int], ...]  # (year, number of reports)


@dataclass(frozen=True)
class DataContext:
    meta: Meta
    downloads: tuple[Download, ...]
    report_fields: tuple[Any, ...]
    table3_fields: tuple[Any, ...]
    licence: dict[str, str]
    reports: tuple[Report, ...]


@dataclass(frozen=True)
class SimpleContext:
    """Search, 404: pages with nothing but their metadata."""

    meta: Meta


@dataclass(frozen=True)
class AboutContext:
    meta: Meta
    body: Markup


@dataclass(frozen=True)
class FeedEntry:
    report: Report
    updated: str


@dataclass(frozen=True)
class FeedContext:
    meta: Meta
    updated: str
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True)
class SitemapContext:
    meta: Meta
    urls: tuple[str, ...]


# ---------------------------------------------------------------- the site, computed once


BLOCKS_KEPT = 64


@dataclass(frozen=True)
class SiteIndex:
    """Lookups every page needs, computed once per build (no quadratic scans per page)."""

    site: Site
    values: dict[tuple[str, int], dict[str, Value]] = field(default_factory=dict)
    parsed: dict[tuple[str, int], tuple[Block, ...]] = field(default_factory=dict)
    flags: dict[tuple[str, int], tuple[int, bool]] = field(default_factory=dict)

    @cached_property
    def by_year(self) -> dict[int, tuple[Report, ...]]:
        grouped: dict[int, list[Report]] = {}
        for r in self.site.reports:
            grouped.setdefault(r.year, []).append(r)
        return {y: tuple(sorted(rs, key=agency_order)) for y, rs in sorted(grouped.items())}

    @cached_property
    def tree(self) -> tuple[JurisdictionNode, ...]:
        return jurisdiction_tree(self.site.agencies)

    def value(self, report: Report) -> dict[str, Value]:
        if report.key not in self.values:
            self.values[report.key] = read_all(report)
        return self.values[report.key]

    def checked(self, report: Report) -> tuple[int, bool]:
        """(failing checks, whether any check could be decided): the year pages' columns."""
        if report.key not in self.flags:
            self.flags[report.key] = (len(report.failing_checks), any(c.status != UNKNOWN for c in report.checks))
        return self.flags[report.key]

    def warm(self) -> None:
        """Compute every report's key figures and check flags now, before render workers fork.

        Why: the home and year pages need them for every report. Computed in each worker, they
        would be computed twice and, worse, each worker would write to every report of the
        model it shares with its parent (reference counts, ``Report.narrative``), turning the
        shared pages into private copies: at 20,000 reports that was ~0.7 GB a worker."""
        for report in self.site.reports:
            self.value(report)
            self.checked(report)

    def blocks(self, report: Report) -> tuple[Block, ...]:
        """The report's text blocks, parsed once for the pages that need them together (its own
        page, its agency's footnotes). Only the most recent are kept: blocks hold the whole
        text, and keeping every report's would grow a render worker with the site."""
        if report.key not in self.parsed:
            if len(self.parsed) >= BLOCKS_KEPT:
                del self.parsed[next(iter(self.parsed))]
            self.parsed[report.key] = parse_text(report.text)
        return self.parsed[report.key]


def agency_order(report: Report) -> tuple[tuple[str, ...], str]:
    return (report.agency.jurisdiction, report.agency.name)


def jurisdiction_tree(agencies: Iterable[Agency]) -> tuple[JurisdictionNode, ...]:
    """Nest agencies under their jurisdiction path; sorted by name at every level."""
    nested: dict[tuple[str, ...], list[Agency]] = {}
    for agency in agencies:
        nested.setdefault(agency.jurisdiction, []).append(agency)
    paths = set()
    for path in nested:
        paths.update(path[:i] for i in range(1, len(path) + 1))

    def build(prefix: tuple[str, ...]) -> tuple[JurisdictionNode, ...]:
        children = sorted(p for p in paths if len(p) == len(prefix) + 1 and p[:len(prefix)] == prefix)
        return tuple(
            JurisdictionNode(p[-1], p, tuple(sorted(nested.get(p, []), key=lambda a: a.name)), build(p))
            for p in children
        )

    return build(())


# ---------------------------------------------------------------- statistics tables


def _spans(colspan: int, rowspan: int = 1) -> str:
    return (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")


def td_open(path: str, colspan: int = 1, *, null: bool = False, failing: bool = False,
            title: str | None = None) -> str:
    """The opening ``<td>`` of a number cell: its id (the cell path, which failing checks link
    to), whether it is null or failing, its span, and the note shown on hover."""
    klass = ("null" if null else "n") + (" fail" if failing else "")
    note = f' title="{escape(title)}"' if title else ""
    return f'<td id="{escape("c-" + path)}" class="{klass}"{_spans(colspan)}{note}>'


def _failing_cells(report: Report) -> dict[str, list[Check]]:
    """The report's own cells that a failing check names ("2022:table3…" cells belong to another
    year's report)."""
    failing: dict[str, list[Check]] = {}
    for check in report.failing_checks:
        for path in check.cells:
            if ":" not in path:
                failing.setdefault(path, []).append(check)
    return failing


class CellWriter:
    """The number cells of one report as ``<td>`` markup: a plain number in one join, a null
    mark or a failing cell with its explanation in the title."""

    def __init__(self, report: Report):
        self.data = report.data
        self.printed = report.cells
        self.failing = _failing_cells(report)

    def rows(self, layout: Layout) -> tuple[Markup, ...]:
        td = self.td
        return tuple(Markup("".join([p if isinstance(p, str) else td(p) for p in row])) for row in layout.body)

    def td(self, cell: Slot) -> str:
        value = cell.read(self.data)
        fails = self.failing.get(cell.path)
        if value is not None and not fails:
            return f"{cell.open}{_number(value)}</td>"
        title = "；".join(f"未通过检查：{c.detail}" for c in fails) if fails else None
        if value is None:
            mark = self.printed.get(cell.path)
            note = f"原文此格印作“{mark}”" if mark else ("原文此格为空" if mark == "" else "原文无此数字")
            title, shown = "；".join(filter(None, (note, title))), mark or NULL_MARK
        else:
            shown = fmt_number(value)
        return f"{td_open(cell.path, cell.colspan, null=value is None, failing=bool(fails), title=title)}" \
               f"{escape(shown)}</td>"


def _number(value: Any) -> str:
    """A cell's number as markup: an int's digits need no escaping (the common case)."""
    return str(value) if type(value) is int else escape(fmt_number(value))


def _row(cells: Iterable[Cell | Slot]) -> tuple[str | Slot, ...]:
    """A body row for ``Layout``: header cells as markup, runs of them joined."""
    out: list[str | Slot] = []
    for c in cells:
        if isinstance(c, Cell) and out and isinstance(out[-1], str):
            out[-1] += c.html
        else:
            out.append(c.html if isinstance(c, Cell) else c)
    return tuple(out)


def _layout(head: Iterable[Iterable[Cell]], body: Iterable[Iterable[Cell | Slot]]) -> Layout:
    return Layout(tuple(Markup("".join(c.html for c in row)) for row in head), tuple(_row(r) for r in body))


@cache
def table_layout(key: str, single_row: bool) -> Layout:
    """The layout of table2, table3 (with （六） as one row or three) or table4, built once."""
    if key == "table3":
        return table3_layout(single_row)
    return {"table2": table2_layout, form.TABLE2_2019_KEY: table2_2019_layout, "table4": table4_layout}[key]()


def table2_layout() -> Layout:
    body: list[tuple[Cell | Slot, ...]] = []
    width = 1 + len(form.TRIPLE_CELLS)
    for section, items in form.TABLE2_SECTIONS:
        body.append((Cell(section, colspan=width, scope="colgroup"),))
        if items == form.TABLE2_TRIPLES:
            body.append((Cell(T2_CONTENT, scope="col"), *(Cell(c.label, scope="col") for c in form.TRIPLE_CELLS)))
            for item in items:
                body.append((Cell(item.label, scope="row"),
                             *(slot(f"table2.{item.key}.{c.key}") for c in form.TRIPLE_CELLS)))
        else:
            amount = T2_FEES_AMOUNT if items == (form.TABLE2_FEES,) else T2_DECISIONS
            body.append((Cell(T2_CONTENT, scope="col"), Cell(amount, colspan=width - 1, scope="col")))
            for item in items:
                body.append((Cell(item.label, scope="row"), slot(f"table2.{item.key}", width - 1)))
    return _layout((), body)


def table2_2019_layout() -> Layout:
    """Table 2 as the 2019 form prints it (kept whole as ``table2_2019``): sections of rows, each
    section with its own column headers; a two-column row's last cell spans the third column."""
    body: list[tuple[Cell | Slot, ...]] = []
    width = 1 + max(len(r.cells) for r in form.TABLE2_2019_ROWS)
    sections: dict[str, list[form.Row2019]] = {}
    for row in form.TABLE2_2019_ROWS:
        sections.setdefault(row.section, []).append(row)
    for section, rows in sections.items():
        body.append((Cell(section, colspan=width, scope="colgroup"),))
        items = rows[0].cells
        spans = [1] * (len(items) - 1) + [width - len(items)]
        body.append((Cell(T2_CONTENT, scope="col"),
                     *(Cell(c.label, colspan=n, scope="col") for c, n in zip(items, spans, strict=True))))
        for row in rows:
            body.append((Cell(row.label, scope="row"),
                         *(slot(f"{form.TABLE2_2019_KEY}.{row.key}.{c.key}", n)
                           for c, n in zip(row.cells, spans, strict=True))))
    return _layout((), body)


def _single_row(report: Report) -> bool:
    """（六）其他处理 printed as one row (2019 form) rather than three sub-rows."""
    handling = (report.table3 or {}).get("other_handling") or {}
    subs = [handling.get(r.key) for r in next(g for g in form.TABLE3_GROUPS if g.key == "other_handling").rows]
    return handling.get(form.SINGLE_ROW) is not None and all(s is None for s in subs)


def table3_layout(single: bool) -> Layout:
    """Table 3 as printed: a three-column label area (三、 › （三） › 1.) with row-spans."""
    cols = form.TABLE3_COLUMNS
    legal = cols[1:-1]
    head = (
        (Cell(T3_CORNER, colspan=3, rowspan=3), Cell(T3_APPLICANTS, colspan=len(cols), scope="colgroup")),
        (Cell(cols[0].label, rowspan=2, scope="col"), Cell(T3_LEGAL_PERSONS, colspan=len(legal), scope="colgroup"),
         Cell(cols[-1].label, rowspan=2, scope="col")),
        tuple(Cell(c.label, scope="col") for c in legal),
    )

    def numbers(key: str) -> tuple[Slot, ...]:
        return tuple(slot(f"table3.{key}.{c.key}") for c in cols)

    outcome_rows: list[tuple[tuple[Cell, ...], str]] = []
    for item in form.TABLE3_SIMPLE_OUTCOMES:
        outcome_rows.append(((Cell(item.label, colspan=2, scope="row"),), item.key))
    for group in form.TABLE3_GROUPS:
        if group.key == "other_handling" and single:
            outcome_rows.append(((Cell(group.label, colspan=2, scope="row"),), f"{group.key}.{form.SINGLE_ROW}"))
            continue
        for i, item in enumerate(group.rows):
            labels = (Cell(group.label, rowspan=len(group.rows), scope="rowgroup"),) if i == 0 else ()
            outcome_rows.append(((*labels, Cell(item.label, scope="row")), f"{group.key}.{item.key}"))
    outcome_rows.append(((Cell(form.TABLE3_TOTAL.label, colspan=2, scope="row"),), form.TABLE3_TOTAL.key))

    body: list[tuple[Cell | Slot, ...]] = [
        (Cell(item.label, colspan=3, scope="row"), *numbers(item.key)) for item in form.TABLE3_TOP
    ]
    for i, (labels, key) in enumerate(outcome_rows):
        lead = (Cell(form.TABLE3_RESULTS_LABEL, rowspan=len(outcome_rows), scope="rowgroup"),) if i == 0 else ()
        body.append((*lead, *labels, *numbers(key)))
    body.append((Cell(form.TABLE3_CARRIED_FORWARD.label, colspan=3, scope="row"),
                 *numbers(form.TABLE3_CARRIED_FORWARD.key)))
    return _layout(head, body)


def table4_layout() -> Layout:
    """Table 4: 行政复议 (5 columns), then 行政诉讼 split into its two groups of 5."""
    review, *lawsuits = form.TABLE4_GROUPS
    n = len(form.TABLE4_CELLS)
    litigation = lawsuits[0].label.split(" ")[0]  # "行政诉讼 未经复议直接起诉" → "行政诉讼"
    head = (
        (Cell(review.label, colspan=n, scope="colgroup"),
         Cell(litigation, colspan=n * len(lawsuits), scope="colgroup")),
        (*(Cell(c.label, rowspan=2, scope="col") for c in form.TABLE4_CELLS),
         *(Cell(g.label.split(" ", 1)[1], colspan=n, scope="colgroup") for g in lawsuits)),
        tuple(Cell(c.label, scope="col") for _ in lawsuits for c in form.TABLE4_CELLS),
    )
    body = (tuple(slot(f"table4.{g.key}.{c.key}") for g in form.TABLE4_GROUPS for c in form.TABLE4_CELLS),)
    return _layout(head, body)


def table_views(report: Report) -> tuple[TableView, ...]:
    cells = CellWriter(report)
    out = []
    for key in ("table2", "table3", "table4"):
        if report.data.get(key) is None:
            reason = report.missing_tables.get(key, "原文没有此表")
            out.append(TableView(key, form.TABLE_TITLES[key], (), (), reason))
        elif key == "table2" and report.data.get(form.TABLE2_2019_KEY):
            layout = table_layout(form.TABLE2_2019_KEY, False)
            out.append(TableView(key, f"{form.TABLE_TITLES[key]}（2019年版表格，照原样）", layout.head,
                                 cells.rows(layout)))
        else:
            layout = table_layout(key, key == "table3" and _single_row(report))
            out.append(TableView(key, form.TABLE_TITLES[key], layout.head, cells.rows(layout)))
    return tuple(out)


def quality(report: Report) -> Quality:
    failing = tuple(
        CheckView(c, tuple((p, _cell_link(report, p)) for p in c.cells), c.rule in report.as_printed)
        for c in report.failing_checks
    )
    unknown = tuple(sorted({c.rule for c in report.checks if c.status == UNKNOWN}))
    missing = tuple((form.TABLE_TITLES[k], v) for k, v in sorted(report.missing_tables.items()))
    return Quality(missing, failing, summarize(report.checks), unknown, report.notes, report.status == "draft")


def _cell_link(report: Report, path: str) -> str:
    """A failing check's cell: on this page, or on the previous year's report page."""
    if ":" in path:
        year, cell = path.split(":", 1)
        return f"/reports/{report.agency.slug}/{year}/#c-{cell}"
    return f"#c-{path}"


# ---------------------------------------------------------------- agency year-over-year


def yoy_table(reports: Sequence[Report], index: SiteIndex) -> YoyTable:
    """One column per year from the first to the last report (gaps shown as missing reports)."""
    if not reports:
        return YoyTable((), (), (), ())
    by_year = {r.year: r for r in reports}
    years = tuple(range(min(by_year), max(by_year) + 1))
    notes: dict[tuple[str, str | None, str | None], int] = {}

    def footnote(text: str, quote: str | None = None, url: str | None = None) -> int:
        return notes.setdefault((text, quote, url), len(notes) + 1)

    rows = []
    for figure in KEY_FIGURES:
        cells = []
        previous: Value | None = None
        for year in years:
            report = by_year.get(year)
            if report is None:
                value = Value(None, "missing", note="本年度报告未收录", percent=figure.percent)
                cells.append(YoyCell(value, None, footnote("本年度报告未收录"), None))
                previous = None
                continue
            value = index.value(report)[figure.key]
            if value.source == NARRATIVE:
                block = block_of(index.blocks(report), value.note or "")
                url = f"{report.url}#{block.id}" if block else report.url
                number = footnote(f"{year}年数字取自报告正文", value.note, url)
            elif not value.known:
                number = footnote(value.note or "原文无此数字")
            else:
                number = None
            delta = change(value, previous) if figure.compare else None
            cells.append(YoyCell(value, delta, number, report))
            previous = value
        rows.append(YoyRow(figure, tuple(cells)))
    footnotes = tuple(Footnote(n, text, quote, url) for (text, quote, url), n in notes.items())
    return YoyTable(years, tuple(by_year.get(y) for y in years), tuple(rows), footnotes)


def agency_chart(agency: Agency, yoy: YoyTable) -> tuple[Markup | None, tuple[Series, ...]]:
    rows = [r for r in yoy.rows if r.figure.chart]
    series = tuple(Series(r.figure.label, tuple(c.value for c in r.cells)) for r in rows)
    if not any(v.known for s in series for v in s.values):
        return None, series
    title = f"{agency.name}：政府信息公开申请的收到与办理（件）"
    return bar_chart(f"chart-{agency.slug}", title, [str(y) for y in yoy.years], series), series


# ---------------------------------------------------------------- year pages and totals


def totals_for(node_reports: Sequence[Report], figures: Sequence[Figure], index: SiteIndex) -> tuple[Total, ...]:
    values = {r.key: index.value(r) for r in node_reports}
    return tuple(total(f, node_reports, values) for f in figures)


def year_totals(year_reports: Sequence[Report], figures: Sequence[Figure], tree: Sequence[JurisdictionNode],
                index: SiteIndex) -> tuple[tuple[JurisdictionNode, int, tuple[Total, ...]], ...]:
    """A total per jurisdiction level that has reports this year, depth-first."""
    by_slug = {r.agency.slug: r for r in year_reports}
    out: list[tuple[JurisdictionNode, int, tuple[Total, ...]]] = []

    def walk(node: JurisdictionNode, depth: int) -> None:
        reports = [by_slug[a.slug] for a in node.all_agencies() if a.slug in by_slug]
        if not reports:
            return
        out.append((node, depth, totals_for(reports, figures, index)))
        for child in node.children:
            walk(child, depth + 1)

    for node in tree:
        walk(node, 0)
    return tuple(out)


def value_markup(v: Value, footnote: int | None = None, change: str | None = None) -> Markup:
    """A key figure with its provenance, as the templates' ``value(v, footnote, change)``: the
    number (underlined when read from the text, the quote on hover) or "—" with why it is missing,
    its footnote mark and its change against the previous year.

    A function rather than a macro: agency and year pages show ~40 figures a report, and a macro
    call costs several times as much."""
    if v.known:
        narrative = v.source == NARRATIVE
        note = f' title="{escape(("正文：" if narrative else "") + v.note)}"' if v.note else ""
        out = f'<span class="num{" from-text" if narrative else ""}"{note}>{escape(v.display)}</span>'
    else:
        out = f'<span class="missing" title="{escape(v.note or "原文无此数字")}">—</span>'
    if footnote:
        out += f'<sup class="fn-ref"><a href="#fn-{escape(footnote)}">[{escape(footnote)}]</a></sup>'
    if change:
        trend = " up" if change.startswith("+") else " down" if change.startswith("−") else ""
        out += f'<span class="change{trend}">{escape(change)}</span>'
    return Markup(out)


def total_markup(t: Total) -> Markup:
    """A total over agencies, as the templates' ``total(t)``: the sum, and how many of the agencies
    it covers when some lack the figure (a function for the reason ``value_markup`` is)."""
    coverage = f'<span class="coverage">{t.of}家中的{t.covered}家</span>' if t.partial else ""
    return Markup(f'<span class="num">{escape(t.display)}</span>{coverage}')


# ---------------------------------------------------------------- the site map


def pages(site: Site, *, base_url: str = DEFAULT_BASE_URL, about_markdown: str | None = None,
          index: SiteIndex | None = None) -> Iterator[Page]:
    """Every templated page of the site, in a stable order. Reading this is reading the site map.

    Besides these pages the site holds the downloads of ``export.data_files`` (/data/*.json|csv,
    each report's report.json, report.yaml and source.txt), each report page's companion text
    shard for search (``Page.companions``) and ``/static/`` assets.
    """
    index = index or SiteIndex(site)
    years = tuple(index.by_year)
    html_urls: list[str] = []

    def page(template: str, meta: Meta, make: Callable[..., Any], *args: Any,
             companions: tuple[tuple[str, Callable[[], bytes]], ...] = ()) -> Page:
        """The page whose context is ``make(meta, *args)``, built when it is rendered."""
        if meta.indexable:
            html_urls.append(meta.url)
        return Page(template, url_to_path(meta.url), partial(make, meta, *args), companions)

    # /  — what the portal is, counts, newest reports, agencies by jurisdiction, headline figures
    yield page("home.html", Meta(
        SITE_NAME, "/", f"{SITE_TAGLINE}：表格数字、正文摘录与一致性检查，可按机构和年度比较、下载。", "home",
    ), home_context, site, index)

    # /agencies/ and /agencies/<slug>/, each followed by its reports /reports/<slug>/<year>/: neighbours in
    # the site map are rendered by the same worker, and both kinds of page need the reports' parsed text
    # (the agency page links its footnotes to the quoted passages), which ``SiteIndex.blocks`` keeps.
    yield page("agencies.html", Meta(
        "机构", "/agencies/", "按行政区划列出的全部机构及其年度报告。", "agencies", (("首页", "/"),),
    ), lambda meta: AgencyIndexContext(meta, index.tree, {a.slug: site.reports_of(a.slug) for a in site.agencies}))
    for agency in site.agencies:
        reports = site.reports_of(agency.slug)
        yield page("agency.html", Meta(
            agency.name, agency.url,
            f"{agency.name}（{agency.jurisdiction_label}）历年政府信息公开工作年度报告与主要数字。",
            "agencies", (("首页", "/"), ("机构", "/agencies/")), "profile",
        ), agency_context, agency, reports, index)
        for report in reports:
            yield page("report.html", Meta(
                report.title, report.url,
                f"{agency.name}{report.year}年政府信息公开工作年度报告：原文全文、统计表格与数据检查。",
                "agencies", (("首页", "/"), ("机构", "/agencies/"), (agency.name, agency.url)), "article",
            ), report_context, site, report, index, companions=(
                (url_to_path(text_shard_url(report)), partial(report_text_shard, report, index)),))

    # /years/ and /years/<year>/
    yield page("years.html", Meta("年度", "/years/", "按统计年度比较各机构的报告。", "years", (("首页", "/"),)),
               lambda meta: YearIndexContext(meta, tuple((y, len(index.by_year[y])) for y in years)))
    for i, year in enumerate(years):
        yield page("year.html", Meta(
            f"{year}年度", Site.year_url(year), f"{year}年度各机构政府信息公开工作年度报告的主要数字对比与合计。",
            "years", (("首页", "/"), ("年度", "/years/")),
        ), year_context, year, years[i - 1] if i > 0 else None, years[i + 1] if i + 1 < len(years) else None,
            index)

    # /data/ — downloads, licence, how to cite
    yield page("data.html", Meta(
        "数据下载", "/data/", "全部报告的结构化数据：JSON、CSV 与 Frictionless 数据包，附许可与引用方式。", "data",
        (("首页", "/"),),
    ), data_context, site)

    # /search/ — the search engineer's page (a placeholder form until then)
    yield page("search.html", Meta("检索", "/search/", "全文检索年度报告。", "search", (("首页", "/"),),
                                   indexable=False), SimpleContext)

    # /about/ — prose from content/pages/about.md
    yield page("about.html", Meta("关于本站", "/about/", "年度报告是什么、法律依据、数据如何提取和检查。", "about",
                                  (("首页", "/"),)),
               lambda meta: AboutContext(meta, render_markdown(about_markdown or MISSING_ABOUT)))

    # /404.html, and the machine-readable files
    yield page("404.html", Meta("页面不存在", "/404.html", "找不到该页面。", "home", indexable=False), SimpleContext)
    yield page("feed.xml", Meta(f"{SITE_NAME}：新收录的年度报告", "/feed.xml", SITE_TAGLINE, "home", indexable=False),
               feed_context, site)
    yield page("sitemap.xml", Meta("sitemap", "/sitemap.xml", "", "home", indexable=False),
               SitemapContext, tuple(sorted(html_urls)))
    yield page("robots.txt", Meta("robots", "/robots.txt", "", "home", indexable=False), SimpleContext)


def report_text_shard(report: Report, index: SiteIndex) -> bytes:
    return text_shard(report, index.blocks(report))


def home_context(meta: Meta, site: Site, index: SiteIndex) -> HomeContext:
    return HomeContext(meta, (("机构", len(site.agencies)), ("报告", len(site.reports)), ("年度", len(index.by_year))),
                       newest_reports(site.reports), index.tree, headline(index))


def agency_context(meta: Meta, agency: Agency, reports: tuple[Report, ...], index: SiteIndex) -> AgencyContext:
    yoy = yoy_table(reports, index)
    chart, series = agency_chart(agency, yoy)
    return AgencyContext(meta, agency, reports, yoy, chart, series)


def year_context(meta: Meta, year: int, previous: int | None, following: int | None,
                 index: SiteIndex) -> YearContext:
    columns = tuple(FIGURES_BY_KEY[k] for k in YEAR_COLUMNS)
    year_reports = index.by_year[year]
    rows = tuple(YearRow(r, tuple(index.value(r)[c.key] for c in columns), *index.checked(r))
                 for r in year_reports)
    return YearContext(meta, year, columns, rows, year_totals(year_reports, columns, index.tree, index),
                       previous, following)


def data_context(meta: Meta, site: Site) -> DataContext:
    from .export import LICENCE, report_columns, table3_columns

    return DataContext(meta, DATA_DOWNLOADS, report_columns(), table3_columns(), LICENCE, site.reports)


DATA_DOWNLOADS = (
    Download("全部报告（JSON）", "/data/reports.json",
             "每份报告的全部字段：表格、正文数字与原句、缺表原因、检查结果。"),
    Download("主要数字（CSV）", "/data/reports.csv",
             "每份报告一行，列名即数据字段名；空格表示原文没有该数字。"),
    Download("表三明细（CSV）", "/data/table3.csv", "每份报告表三的每一行，七列申请人数字。"),
    Download("数据包说明（datapackage.json）", "/data/datapackage.json",
             "Frictionless Data Package：各文件的字段、类型与许可。"),
)

MISSING_ABOUT = "# 关于本站\n\n（content/pages/about.md 尚未编写。）\n"


def render_markdown(text: str) -> Markup:
    """Editor-written prose; raw HTML is off so the CSP-safe pages cannot be broken from content."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    return Markup(md.render(text))


def newest_reports(reports: Sequence[Report], limit: int = 10) -> tuple[Report, ...]:
    """By publication date, newest first; undated reports after dated ones of the same year."""
    return tuple(sorted(
        reports,
        key=lambda r: (r.year, r.published or dt.date.min, r.agency.slug),
        reverse=True,
    )[:limit])


def headline(index: SiteIndex) -> HeadlineTable:
    figures = [FIGURES_BY_KEY[k] for k in HEADLINE]
    years = tuple(index.by_year)
    per_year = [totals_for(index.by_year[y], figures, index) for y in years]
    rows = tuple((f, tuple(per_year[j][i] for j in range(len(years)))) for i, f in enumerate(figures))
    return HeadlineTable(years, tuple(len(index.by_year[y]) for y in years), rows)


def report_context(meta: Meta, site: Site, report: Report, index: SiteIndex) -> ReportContext:
    blocks = index.blocks(report)
    null_marks = tuple(sorted({m or "（空白）" for m in report.cells.values()}))
    return ReportContext(
        meta, report, site.previous(report), site.next(report), table_views(report), quality(report),
        tuple(NarrativeView(n, block_of(blocks, n.quote)) for n in report.narrative),
        blocks, toc(blocks),
        (
            Download("原文（TXT）", report.source_url, "报告原文，逐字节照录。"),
            Download("结构化数据（YAML）", report.yaml_url, "本站整理的数据文件，即内容库中的原文件。"),
            Download("结构化数据（JSON）", report.json_url, "同上，JSON 格式，含一致性检查结果。"),
        ),
        null_marks,
    )


def feed_context(meta: Meta, site: Site) -> FeedContext:
    """Atom entries for dated reports, newest first; 'updated' comes from the content, not the clock."""
    dated = sorted((r for r in site.reports if r.published), key=lambda r: (r.published, r.url), reverse=True)
    entries = tuple(FeedEntry(r, f"{r.published.isoformat()}T00:00:00+08:00") for r in dated if r.published)
    updated = entries[0].updated if entries else "2000-01-01T00:00:00+08:00"
    return FeedContext(meta, updated, entries)


# ---------------------------------------------------------------- templates


def static_files(static_dir: Path = STATIC) -> dict[str, tuple[str, Path]]:
    """name → (fingerprinted URL, file): /static/style.3f2a9c1d.css can be cached for a year."""
    manifest = {}
    for path in sorted(p for p in static_dir.iterdir() if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        manifest[path.name] = (f"/static/{path.stem}.{digest}{path.suffix}", path)
    return manifest


class MissingTemplate(LookupError):
    """A template that is not in templates/: the message says which file was tried."""


def make_env(base_url: str, static: dict[str, tuple[str, Path]], templates: Path = TEMPLATES) -> jinja2.Environment:
    """One environment per build: templates compile once and are reused for every page."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build makes its own environment; no stat() of three templates a page
    )

    def static_url(name: str) -> str:
        if name not in static:
            raise MissingTemplate(f"static file {name!r} not found in {STATIC}")
        return static[name][0]

    env.globals.update(
        SITE_NAME=SITE_NAME, SITE_TAGLINE=SITE_TAGLINE, NAV=NAV, BASE_URL=base_url,
        static_url=static_url, value=value_markup, total=total_markup, form=form, PASS=PASS, FAIL=FAIL,
        UNKNOWN=UNKNOWN, CELLS=CELLS, NULL_MARK=NULL_MARK,
    )
    env.filters["number"] = fmt_number
    env.filters["cn_date"] = lambda d: f"{d.year}年{d.month}月{d.day}日"
    return env


def compile_templates(env: jinja2.Environment) -> None:
    """Compile every template now: before render workers fork, so that every worker (and every
    fresh one replacing it) inherits them compiled instead of compiling them again."""
    for name in env.list_templates():
        env.get_template(name)


def render_page(env: jinja2.Environment, page: Page) -> bytes:
    try:
        template = env.get_template(page.template)
    except jinja2.TemplateNotFound as exc:
        tried = Path(env.loader.searchpath[0]) / page.template if isinstance(env.loader, jinja2.FileSystemLoader) \
            else page.template
        raise MissingTemplate(f"template {page.template!r} not found (tried {tried})") from exc
    made = page.make_context()
    context = {f.name: getattr(made, f.name) for f in fields(made)}
    return template.render(**context).encode("utf-8")
