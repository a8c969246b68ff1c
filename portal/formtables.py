"""The three statistics tables of a report page, laid out the way the printed form is.

Each table's layout (header cells with their row- and column-spans, and the slots each report
fills) is built once per form (``table_layout``); a report then costs one join per row of number
cells (``CellWriter``), and the table is one join (``TableView.markup``).
Why in Python rather than a template: a report has ~250 cells, and writing them in Jinja, five or
six expressions a cell, was most of a report page's rendering (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from markupsafe import Markup, escape

from . import form
from .cells import CELLS, items_getter, reader, single_row
from .figures import fmt_number
from .model import Report

NULL_MARK = "空"
"""How a null cell is shown when the source recorded no printed mark: visibly not 0."""
UNPROVEN_MARK = "※"
UNPROVEN_NOTE = "图片识别，表内无勾稽关系可核，请以原件为准"
"""A number read from an image that no sum of the form can prove (``unproven``): shown, marked."""
OCR_NULL = "图片识别未能确认此格的数字，原因见整理说明"

# Header texts of the printed form that form.py does not model as items (they label columns).
T2_CONTENT = "信息内容"
T2_DECISIONS = "本年处理决定数量"
T2_FEES_AMOUNT = "本年收费金额（单位：万元）"
T3_CORNER = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_LEGAL_PERSONS = "法人或其他组织"

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
    return Slot(path, colspan, reader(path), td_open(path, colspan))


@dataclass(frozen=True)
class RowRead:
    """The number cells of one body row, read a row of the data at a time: the row as one format
    string (``{}`` where each plain number goes) and, for each run of its cells that share a row
    of the data (table 3's list of seven, table 2's mapping of three), where that row is and which
    of its items the cells are. Built once per form (``row_read``).

    Why: read one cell at a time (``Slot.read``), a report's ~190 cells were ~190 calls walking
    the data from the top; a row is read here with one walk and one ``itemgetter`` call. Only a
    row whose cells are all plain numbers (ints, none failing, none unproven) is written this way,
    the common case, which ``CellWriter.rows`` writes as ``{p.open}{value}</td>`` a cell: the
    format string holds exactly those bytes, so the row is the same."""

    format: str
    paths: tuple[str, ...]
    runs: tuple[tuple[str, tuple[str, ...], Callable[[Any], Any] | None, Callable[[Any], Any]], ...]
    # (table, keys from the table to the data's row, the getter of a list row or None, of a mapping row)


def row_read(row: tuple[str | Slot, ...]) -> RowRead:
    """``RowRead`` of a layout's body row (the form's cells: every slot path is in ``CELLS``)."""
    parts: list[str] = []
    runs: list[tuple[str, tuple[str, ...], list[int | None], list[str]]] = []
    for p in row:
        if type(p) is str:
            parts.append(p.replace("{", "{{").replace("}", "}}"))
            continue
        assert isinstance(p, Slot)
        parts.append(p.open.replace("{", "{{").replace("}", "}}") + "{}</td>")
        cell = CELLS[p.path]
        *inner, last = (*cell.row, cell.column) if cell.column else cell.row
        if not runs or runs[-1][:2] != (cell.table, tuple(inner)):
            runs.append((cell.table, tuple(inner), [], []))
        runs[-1][2].append(cell.index)
        runs[-1][3].append(last)
    return RowRead("".join(parts), tuple(p.path for p in row if isinstance(p, Slot)),
                   tuple((table, inner, None if None in indexes else items_getter(indexes), items_getter(lasts))
                         for table, inner, indexes, lasts in runs))


@dataclass(frozen=True)
class Layout:
    """A statistics table as the form prints it, the same for every report of a form (so it is
    built once, ``table_layout``): header rows as markup, body rows as markup with the slots
    each report fills in, and each body row's ``RowRead``."""

    head: tuple[Markup, ...]
    body: tuple[tuple[str | Slot, ...], ...]  # runs of header markup between the number cells
    reads: tuple[RowRead, ...] = ()


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

    @property
    def markup(self) -> Markup:
        """The whole table in its scrolling region, as the ``form_table`` macro wrote it (one Jinja
        expression a row was still ~40 yields and escapes a table: here, one join)."""
        wide = "" if self.key == "table2" else " wide"
        tid = escape(self.id)
        parts = [f'<div class="table-scroll t-{escape(self.key)}{wide}" tabindex="0" role="region" '
                 f'aria-labelledby="{tid}-caption">\n<table class="form-table {escape(self.key)}" id="{tid}">\n'
                 f'<caption id="{tid}-caption">{escape(self.title)}</caption>\n']
        for part, rows in (("thead", self.head), ("tbody", self.body)):
            if rows:
                parts += [f"<{part}>\n", *(f"<tr>{row}</tr>\n" for row in rows), f"</{part}>\n"]
        parts.append("</table>\n</div>")
        return Markup("".join(parts))


def key_id(key: str) -> str:
    return f"{key}-table"


# ---------------------------------------------------------------- statistics tables


def _spans(colspan: int, rowspan: int = 1) -> str:
    return (f' colspan="{colspan}"' if colspan > 1 else "") + (f' rowspan="{rowspan}"' if rowspan > 1 else "")


def td_open(path: str, colspan: int = 1, *, null: bool = False, failing: bool = False,
            title: str | None = None, unproven: bool = False) -> str:
    """The opening ``<td>`` of a number cell: its id (the cell path, which failing checks link
    to), whether it is null, failing or unproven, its span, and the note shown on hover."""
    klass = ("null" if null else "n") + (" fail" if failing else "") + (" unproven" if unproven else "")
    note = f' title="{escape(title)}"' if title else ""
    return f'<td id="{escape("c-" + path)}" class="{klass}"{_spans(colspan)}{note}>'


def _failing_cells(report: Report) -> dict[str, list[str]]:
    """The report's own cells that a failing check names ("2022:table3…" cells belong to another
    year's report), and those whose number is not in the source (``trace``), with why."""
    failing: dict[str, list[str]] = {}
    for check in report.failing_checks:
        for path in check.cells:
            if ":" not in path:
                failing.setdefault(path, []).append(f"未通过检查：{check.detail}")
    for mismatch in report.trace.mismatches:
        failing.setdefault(mismatch.path, []).append(f"与原文核对：{mismatch.message}")
    return failing


class CellWriter:
    """The number cells of one report as ``<td>`` markup: a plain number in one join, a null
    mark or a failing cell with its explanation in the title."""

    def __init__(self, report: Report):
        self.data = report.data
        self.printed = report.cells
        self.failing = _failing_cells(report)
        self.unproven = report.data.get("unproven") or {}
        # read from images: a null cell with no printed mark is one OCR could not confirm, not a blank
        self.unprinted = OCR_NULL if (report.data.get("source") or {}).get("ocr") else "原文无此数字"

    def rows(self, layout: Layout) -> tuple[Markup, ...]:
        """Each body row as markup. A plain number (most of a report's ~190 cells: no failing check,
        not unproven) is written here, ``td``'s first branch without its call."""
        data, failing, unproven, td = self.data, self.failing, self.unproven, self.td
        marked = failing or unproven
        out = []
        for row, read in zip(layout.body, layout.reads, strict=True):
            numbers = _plain_numbers(data, read)
            if numbers is not None and not (marked and any(p in failing or p in unproven for p in read.paths)):
                out.append(Markup(read.format.format(*numbers)))
                continue
            parts = []
            for p in row:
                if type(p) is str:
                    parts.append(p)
                elif type(value := p.read(data)) is int and p.path not in failing and p.path not in unproven:
                    parts.append(f"{p.open}{value}</td>")
                else:
                    parts.append(td(p))
            out.append(Markup("".join(parts)))
        return tuple(out)

    def td(self, cell: Slot) -> str:
        value = cell.read(self.data)
        fails = self.failing.get(cell.path)
        unproven = bool(self.unproven) and value is not None and cell.path in self.unproven
        if value is not None and not fails and not unproven:
            return f"{cell.open}{_number(value)}</td>"
        title = "；".join(([UNPROVEN_NOTE] if unproven else []) + (fails or [])) or None
        if value is None:
            mark = self.printed.get(cell.path)
            note = f"原文此格印作“{mark}”" if mark else ("原文此格为空" if mark == "" else self.unprinted)
            title, shown = "；".join(filter(None, (note, title))), mark or NULL_MARK
        else:
            shown = fmt_number(value)
        # the mark is text, not a colour or a hover: a phone has no hover, and the legend explains it
        mark = f'<span class="unproven-mark">{UNPROVEN_MARK}</span>' if unproven else ""
        opening = td_open(cell.path, cell.colspan, null=value is None, failing=bool(fails), title=title,
                          unproven=unproven)
        return f"{opening}{escape(shown)}{mark}</td>"


def _plain_numbers(data: dict, read: RowRead) -> list[int] | None:
    """The row's cells as ``Slot.read`` reads them when every one is an int, else None (the row
    is then written a cell at a time): a row of the data that is missing, short, of another
    shape or holding anything but ints is left to the cell-at-a-time path."""
    numbers: list[int] = []
    for table, inner, of_list, of_mapping in read.runs:
        node = data.get(table)
        for key in inner:
            node = node.get(key) if type(node) is dict else None
        kind = type(node)
        try:
            if kind is list and of_list is not None:
                numbers += of_list(node)
            elif kind is dict:
                numbers += of_mapping(node)
            else:
                return None
        except (IndexError, KeyError):
            return None
    for value in numbers:
        if type(value) is not int:
            return None
    return numbers


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
    rows = tuple(_row(r) for r in body)
    return Layout(tuple(Markup("".join(c.html for c in row)) for row in head), rows, tuple(map(row_read, rows)))


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
            layout = table_layout(key, key == "table3" and single_row(report.table3))
            out.append(TableView(key, form.TABLE_TITLES[key], layout.head, cells.rows(layout)))
    return tuple(out)


