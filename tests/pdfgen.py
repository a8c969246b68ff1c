"""Text-layer PDFs of an annual report in the national form's real layout, for tests and benchmarks.

``render_report_pdf(report)`` draws a report dict (the layout of the report YAML files, e.g.
``content/reports/weihai-torch-hitech-zone/2023.yaml``) the way agencies' Word or WPS exports
look: a title, a paragraph, then tables 2, 3 and 4 with their merged cells — table 3's two-line
applicant header, the vertical labels 三、本年度办理结果 and （三）…（六） in narrow merged
columns, table 4's two-level header. ``Quirks`` switch on the layouts that break flat text
extraction: a table split across pages, page numbers, a running header, wrapped labels, headers
wrapping one character a line, no ruling lines, null cells printed as ``/``, ``—`` or blank.

``random_report(rng)`` makes a report whose tables add up (the form's 勾稽关系), so hundreds of
distinct cases can be drawn from one seed. The font is a TrueType CJK font (fonts-wqy-microhei
in Debian; fpdf2 embeds it as Identity-H with a ToUnicode map, as Word does); ``cjk_font()`` is
None when no usable font is installed, and tests skip with that reason.
"""

from __future__ import annotations

import random
import subprocess
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from portal import form

FONT_PACKAGE = "fonts-wqy-microhei"
_FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
NULL_PRINTINGS = ("/", "—", "")
PAGE_WIDTH = 180  # mm between the margins of an A4 page


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, int] | None:
    """(path, index in the collection) of a TrueType (glyf) CJK font with Latin digits, or None.

    Noto CJK is CFF-based: fpdf2 embeds it with a CMap stream as /Encoding that pdfminer cannot
    decode (no characters at all), so it is not used; real reports' fonts are TrueType.
    """
    for path, index in _FONT_CANDIDATES:
        if Path(path).is_file():
            return path, index
    try:
        listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    for line in listed.splitlines():
        path = line.split(":")[0].strip()
        if path.endswith(".ttf"):
            return path, 0
    return None


@dataclass(frozen=True)
class Quirks:
    """Layout quirks, each switchable; the defaults draw a plain ruled report."""

    split_table3_at: int | None = None  # table 3 data row (0-based) that starts the next page
    repeat_header: bool = True  # a split table repeats its header rows on the next page
    page_numbers: bool = False  # "- n -" centred at the foot of each page
    running_header: str | None = None  # a line at the top of every page
    wrapped_labels: bool = False  # a narrow label column: long labels wrap onto 2-4 lines
    narrow_columns: bool = False  # number columns so narrow that headers wrap one char a line
    borderless: bool = False  # no ruling lines at all
    null_printing: str = "/"  # how a null cell is printed: "/", "—" or "" (blank)
    font_size: float = 9


# ---------------------------------------------------------------- report data


def random_report(rng: random.Random, *, null_rate: float = 0.0) -> dict:
    """A report dict with random tables that satisfy the form's sums; ``null_rate`` of cells null."""
    def count() -> int:
        return rng.choice((0, 0, 0, 0, rng.randint(1, 9), rng.randint(10, 99), rng.randint(100, 3000)))

    width = form.TABLE3_WIDTH - 1
    outcomes: dict[str, list[int]] = {r.key: [count() for _ in range(width)] for r in form.TABLE3_ROWS if r.is_outcome}
    total = [sum(row[c] for row in outcomes.values()) for c in range(width)]
    carried_forward = [count() for _ in range(width)]
    new = [rng.randint(0, t + f) for t, f in zip(total, carried_forward, strict=True)]
    carried_over = [t + f - n for t, f, n in zip(total, carried_forward, new, strict=True)]
    rows = {**outcomes, "total": total, "carried_forward": carried_forward, "new": new, "carried_over": carried_over}

    def with_total(values: list[int]) -> list[int | None]:
        return [v if rng.random() >= null_rate else None for v in [*values, sum(values)]]

    table3: dict = {}
    for r in form.TABLE3_ROWS:
        node = table3 if len(r.path) == 1 else table3.setdefault(r.path[0], {})
        node[r.path[-1]] = with_total(rows[r.key])
    table3["other_handling"][form.SINGLE_ROW] = None

    def maybe(value):
        return value if rng.random() >= null_rate else None

    table2 = {i.key: {c.key: maybe(count()) for c in form.TRIPLE_CELLS} for i in form.TABLE2_TRIPLES}
    table2 |= {i.key: maybe(rng.choice((0, count(), rng.randint(1000, 99999)))) for i in form.TABLE2_COUNTS}
    table2[form.TABLE2_FEES.key] = maybe(rng.choice((0, round(rng.uniform(0.01, 999.99), 2))))
    table4 = {}
    for g in form.TABLE4_GROUPS:
        parts = [count() % 20 for _ in range(4)]
        table4[g.key] = dict(zip([c.key for c in form.TABLE4_CELLS], [*parts, sum(parts)], strict=True))
        table4[g.key] = {k: maybe(v) for k, v in table4[g.key].items()}
    return {"agency": "test", "year": 2023, "title": "测试单位2023年政府信息公开工作年度报告",
            "table2": table2, "table3": table3, "table4": table4}


def random_quirks(rng: random.Random) -> Quirks:
    """A random combination of quirks (each on about half the time)."""
    return Quirks(
        split_table3_at=rng.choice((None, rng.randint(1, 24))),
        repeat_header=rng.random() < 0.5,
        page_numbers=rng.random() < 0.5,
        running_header=rng.choice((None, "测试单位2023年政府信息公开工作年度报告")),
        wrapped_labels=rng.random() < 0.5,
        narrow_columns=rng.random() < 0.5,
        borderless=rng.random() < 0.3,
        null_printing=rng.choice(NULL_PRINTINGS),
        font_size=rng.choice((8, 9, 10.5)),
    )


# ---------------------------------------------------------------- drawing

@dataclass(frozen=True)
class Cell:
    text: str
    colspan: int = 1
    rowspan: int = 1


def _printed(value, quirks: Quirks) -> str:
    return quirks.null_printing if value is None else str(value)


def _table2_rows(t2: dict, quirks: Quirks) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    heads = [c.label for c in form.TRIPLE_CELLS]
    for section, items in form.TABLE2_SECTIONS:
        rows.append([Cell(section, colspan=4)])
        if items[0] in form.TABLE2_TRIPLES:
            rows.append([Cell("信息内容"), *(Cell(h) for h in heads)])
            rows += [[Cell(i.label), *(Cell(_printed(t2[i.key][c.key], quirks)) for c in form.TRIPLE_CELLS)]
                     for i in items]
        else:
            head = "本年收费金额（单位：万元）" if items[0] == form.TABLE2_FEES else "本年处理决定数量"
            rows.append([Cell("信息内容"), Cell(head, colspan=3)])
            rows += [[Cell(i.label), Cell(_printed(t2[i.key], quirks), colspan=3)] for i in items]
    return rows


TABLE3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def table3_header() -> list[list[Cell]]:
    orgs = [c.label for c in form.TABLE3_COLUMNS[1:-1]]
    return [
        [Cell(TABLE3_NOTE, colspan=3, rowspan=3), Cell("申请人情况", colspan=7)],
        [Cell("自然人", rowspan=2), Cell("法人或其他组织", colspan=5), Cell("总计", rowspan=2)],
        [Cell(o) for o in orgs],
    ]


def table3_body(t3: dict, quirks: Quirks) -> list[list[Cell]]:
    """The 25 data rows, with the labels' merged cells (rowspans) of the printed form."""
    def numbers(values) -> list[Cell]:
        return [Cell(_printed(v, quirks)) for v in values]

    rows: list[list[Cell]] = []
    outcome_rows = [r for r in form.TABLE3_ROWS if r.is_outcome or r.key == "total"]
    for r in form.TABLE3_ROWS:
        node = t3 if len(r.path) == 1 else t3[r.path[0]]
        values = node[r.path[-1]]
        if not r.is_outcome and r.key != "total":
            rows.append([Cell(r.label, colspan=3), *numbers(values)])
            continue
        row: list[Cell] = []
        if r == outcome_rows[0]:
            row.append(Cell(form.TABLE3_RESULTS_LABEL, rowspan=len(outcome_rows)))
        if r.group_label is None:
            row.append(Cell(r.label, colspan=2))
        else:
            group = next(g for g in form.TABLE3_GROUPS if g.label == r.group_label)
            if r.path[1] == group.rows[0].key:
                row.append(Cell(group.label, rowspan=len(group.rows)))
            row.append(Cell(r.label))
        rows.append(row + numbers(values))
    return rows


def _split_rowspans(rows: list[list[Cell]], at: int, columns: int) -> tuple[list[list[Cell]], list[list[Cell]]]:
    """Rows cut before ``rows[at]``; a merged cell spanning the cut is split, its text shared by
    the two parts in proportion to the rows on each side (Word prints such a label's rest on the
    next page)."""
    grid: list[list[int]] = []  # per row, the column where each cell starts
    occupied: dict[tuple[int, int], bool] = {}
    for r, row in enumerate(rows):
        starts, c = [], 0
        for cell in row:
            while occupied.get((r, c)):
                c += 1
            starts.append(c)
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied[(r + dr, c + dc)] = True
            c += cell.colspan
        grid.append(starts)
    before = [list(row) for row in rows[:at]]
    after = [list(row) for row in rows[at:]]
    for r in range(at):
        for i, cell in enumerate(rows[r]):
            if r + cell.rowspan <= at:
                continue
            above = at - r
            cut = max(1, min(len(cell.text) - 1, round(len(cell.text) * above / cell.rowspan)))
            before[r][i] = replace(cell, text=cell.text[:cut], rowspan=above)
            rest = replace(cell, text=cell.text[cut:], rowspan=cell.rowspan - above)
            col = grid[r][i]
            # insert into the first row after the cut, before the cells starting right of it
            k = sum(1 for c in grid[at] if c < col)
            after[0].insert(k, rest)
            grid[at].insert(k, col)
    return before, after


def _font_setup(pdf, quirks: Quirks) -> None:
    font = cjk_font()
    if font is None:
        raise RuntimeError(f"no CJK TrueType font installed (apt-get install {FONT_PACKAGE})")
    pdf.add_font("cjk", fname=font[0], collection_font_number=font[1])
    pdf.set_font("cjk", size=quirks.font_size)


def _draw_table(pdf, rows: list[list[Cell]], widths: list[float], quirks: Quirks) -> None:
    from fpdf.enums import TableBordersLayout, VAlign

    with pdf.table(col_widths=widths, width=sum(widths), first_row_as_headings=False, text_align="CENTER",
                   v_align=VAlign.M, line_height=quirks.font_size * 0.5,
                   borders_layout=TableBordersLayout.NONE if quirks.borderless else TableBordersLayout.ALL,
                   padding=1) as table:
        for row in rows:
            out = table.row()
            for cell in row:
                out.cell(cell.text, colspan=cell.colspan, rowspan=cell.rowspan)


def _table3_widths(quirks: Quirks, body: list[list[Cell]]) -> list[float]:
    digits = max((len(c.text) for row in body for c in row if c.text.isdigit()), default=1)
    number = max(digits * quirks.font_size * 0.22 + 3, 6.5 if quirks.narrow_columns else 13)
    group = quirks.font_size * 0.36 + 2.5  # one CJK character wide: vertical labels
    label = 34 if quirks.wrapped_labels else PAGE_WIDTH - 2 * group - form.TABLE3_WIDTH * number
    return [group, group, label, *[number] * form.TABLE3_WIDTH]


def _table4_rows(t4: dict, quirks: Quirks) -> list[list[Cell]]:
    heads = [c.label for c in form.TABLE4_CELLS]
    return [
        [Cell("行政复议", colspan=5), Cell("行政诉讼", colspan=10)],
        [*(Cell(h, rowspan=2) for h in heads), Cell("未经复议直接起诉", colspan=5), Cell("复议后起诉", colspan=5)],
        [Cell(h) for h in heads * 2],
        [Cell(_printed(t4[g.key][c.key], quirks)) for g in form.TABLE4_GROUPS for c in form.TABLE4_CELLS],
    ]


def render_report_pdf(report: dict, *, quirks: Quirks = Quirks()) -> bytes:
    """A PDF of ``report``'s title, an opening paragraph and tables 2, 3 and 4, drawn with ``quirks``.

    When table 3's merged label (22 rows high) cannot fit on one page in this layout, the
    table is split across two pages at （四）, as a word processor would.
    """
    try:
        return _render(report, quirks)
    except ValueError as exc:
        if "too high" not in str(exc) or quirks.split_table3_at == 12:
            raise
        return _render(report, replace(quirks, split_table3_at=12))


def _render(report: dict, quirks: Quirks) -> bytes:
    from fpdf import FPDF

    class Report(FPDF):
        def header(self) -> None:
            if quirks.running_header:
                self.set_y(6)
                self.cell(0, 5, quirks.running_header, align="C")
                self.set_y(18)

        def footer(self) -> None:
            if quirks.page_numbers:
                self.set_y(-12)
                self.cell(0, 5, f"- {self.page_no()} -", align="C")

    pdf = Report(format="A4")
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_margins(15, 18, 15)
    _font_setup(pdf, quirks)
    pdf.add_page()
    line = quirks.font_size * 0.5
    pdf.set_font_size(quirks.font_size + 6)
    pdf.multi_cell(0, line * 1.6, report.get("title") or "", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(quirks.font_size)
    pdf.ln(2)
    pdf.multi_cell(0, line, "本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息公开办公室有关要求编制。"
                   "一、总体情况", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, line, "2023年，本单位依法做好政府信息公开工作。", new_x="LMARGIN", new_y="NEXT")

    pdf.multi_cell(0, line, form.TABLE_TITLES["table2"], new_x="LMARGIN", new_y="NEXT")
    _draw_table(pdf, _table2_rows(report["table2"], quirks), [60, 40, 40, 40], quirks)

    pdf.add_page()
    pdf.multi_cell(0, line, form.TABLE_TITLES["table3"], new_x="LMARGIN", new_y="NEXT")
    header, body = table3_header(), table3_body(report["table3"], quirks)
    widths = _table3_widths(quirks, body)
    if quirks.split_table3_at is None:
        _draw_table(pdf, header + body, widths, quirks)
    else:
        before, after = _split_rowspans(body, quirks.split_table3_at, len(widths))
        _draw_table(pdf, header + before, widths, quirks)
        pdf.add_page()
        _draw_table(pdf, (header if quirks.repeat_header else []) + after, widths, quirks)

    pdf.ln(4)
    pdf.multi_cell(0, line, form.TABLE_TITLES["table4"], new_x="LMARGIN", new_y="NEXT")
    t4_width = 12 if not quirks.narrow_columns else 8
    _draw_table(pdf, _table4_rows(report["table4"], quirks), [t4_width] * 15, quirks)
    pdf.ln(4)
    pdf.multi_cell(0, line, "五、存在的主要问题及改进情况", new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, line, "无。", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
