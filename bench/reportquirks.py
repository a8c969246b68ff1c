"""More ways the same numbers reach us: layouts real templates and converters print that the first
classes of ``reportgen`` did not.

Grid quirks (``reportgen.GRID_QUIRKS``) change the printed tables before a class writes them, so they combine
with every class that prints the grids (tab, cells, markdown, spaced, html, docx):

- ``total_first``   table 3 with its 总计 column printed before 自然人 (the header words say so);
- ``t3_transposed`` table 3 with a row per applicant (自然人 … 总计) and a column per row of the form;
- ``t4_transposed`` table 4 turned a quarter: a row per result (结果维持 … 总计), a column per group
  (行政复议, 未经复议直接起诉, 复议后起诉) — a portrait page's layout;
- ``header_again``  table 3 broken over two pages, its three header rows printed again before
  （五）不予处理 (Word's 重复标题行, kept by PDF copies and converters);
- ``units``         table 2's counts printed with 件 and its fee with 万元 inside the cells;
- ``spacer_columns`` an empty column down each side of every table (a template's frame);
- ``renumbered``    the form's numbering printed another way (一、→1., （一）→一、, 1.→（1）) or dropped.

Class quirks, one writer's habit each:

- html ``no_spans``: a CMS editor that dropped rowspan/colspan: the cells of merged rows shift left;
- html ``unmerged``: merged cells split, the label repeated in every position it covered;
- markdown ``grid_table``: pandoc's grid tables (``+---+`` rules, a long label wrapped inside its cell);
- markdown ``markitdown``: mammoth + markdownify: a colspan printed as empty cells, a rowspan dropped
  (the row's cells shift left), the first row as the pipe table's header;
- html ``zero_width``: a web editor's zero-width spaces and BOMs around the numbers of some cells;
- cells ``one_per_line``: text copied from a PDF viewer: every cell on its own line, no tabs, no blank
  line between rows, an empty cell not printed at all;
- cells ``by_columns``: the same from a PDF whose producer drew the tables column by column, so the
  text runs down the label column, then down each column of numbers.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from reportgen import LEFT, T3_NOTE, Cell, Grid, expand

from portal import form


def is_table3(grid: Grid) -> bool:
    return any(c.text == T3_NOTE for row in grid for c in row)


def is_table4(grid: Grid) -> bool:
    return any(c.text == "未经复议直接起诉" for row in grid for c in row)


def is_table2(grid: Grid) -> bool:
    return bool(grid) and grid[0][0].text.startswith("第二十条")


def apply(grid: Grid, quirks: frozenset[str]) -> Grid:
    """The grid as printed with the grid quirks among ``quirks``."""
    if is_table3(grid) and "t3_transposed" in quirks:  # its own header: the other table-3 layouts do not apply
        grid = _t3_transposed(grid)
    elif is_table3(grid):
        if "total_first" in quirks:
            grid = _total_first(grid)
        if "header_again" in quirks:
            grid = _header_again(grid)
    if "t4_transposed" in quirks and is_table4(grid):
        grid = _t4_transposed(grid)
    if "units" in quirks and is_table2(grid):
        grid = _units(grid)
    if "renumbered" in quirks:
        grid = [[replace(c, text=_renumber(c.text)) if not c.data else c for c in row] for row in grid]
    if "spacer_columns" in quirks:  # an empty column down each side of the table, as some Word templates frame it
        grid = [[Cell("", rows=len(grid)), *grid[0], Cell("", rows=len(grid))], *grid[1:]]
    return grid


def _units(grid: Grid) -> Grid:
    data = [c for row in grid for c in row if c.data]
    fee = data[-1]
    return [[replace(c, text=c.text + ("万元" if c is fee else "件")) if c.data and c.text[:1].isdigit() else c
             for c in row] for row in grid]


_CN = "一二三四五六七八九十"
_TOP = re.compile(r"^([一二三四五六七八九十])、")
_PAREN = re.compile(r"^（([一二三四五六七八九十])）")
_DOT = re.compile(r"^(\d)\.")


def _renumber(text: str) -> str:
    """Another numbering scheme for a label, decided by the label itself (deterministic)."""
    style = sum(map(ord, text)) % 3
    if m := _TOP.match(text):
        return (f"{_CN.index(m.group(1)) + 1}." if style else "") + text[2:]
    if m := _PAREN.match(text):
        return (f"{m.group(1)}、" if style == 1 else f"{_CN.index(m.group(1)) + 1}." if style else "") + text[3:]
    if m := _DOT.match(text):
        return (f"（{m.group(1)}）" if style else f"{m.group(1)}、") + text[2:]
    return text


def _total_first(grid: Grid) -> Grid:
    """Table 3 with 总计 the first column after the labels: header cell and every row's last number."""
    out: Grid = []
    for row in grid:
        total = next((c for c in row if c.text == "总计" and c.rows == 2), None)
        if total is not None:
            rest = [c for c in row if c is not total]
            at = next(n for n, c in enumerate(rest) if c.text == "自然人")
            out.append([*rest[:at], total, *rest[at:]])
        elif row and row[-1].data:
            first = next(n for n, c in enumerate(row) if c.data)
            out.append([*row[:first], row[-1], *row[first:-1]])
        else:
            out.append(list(row))
    return out


def _header_again(grid: Grid) -> Grid:
    """The header rows again before （五）不予处理: the tall merged labels split where the page breaks."""
    at = next(n for n, row in enumerate(grid) if any(c.text == "（五）不予处理" for c in row))
    before, after = [list(r) for r in grid[:at]], [list(r) for r in grid[at:]]
    results = next((r, k) for r, row in enumerate(before) for k, c in enumerate(row)
                   if c.text == form.TABLE3_RESULTS_LABEL)
    cell = before[results[0]][results[1]]
    above = at - results[0]
    before[results[0]][results[1]] = replace(cell, rows=above)
    after[0].insert(0, Cell("", rows=cell.rows - above))
    return [*before, *[list(r) for r in grid[:3]], *after]


def _t3_transposed(grid: Grid) -> Grid:
    """Table 3 with a row per applicant and a column per form row (a landscape template's layout)."""
    numbers = [[c for c in row if c.data] for row in grid]
    columns = list(zip(*[n for n in numbers if n], strict=True))  # one per applicant, in form order
    groups = form.TABLE3_GROUPS
    top = form.TABLE3_ROWS
    out: Grid = [
        [Cell("申请人情况", rows=3, cols=2), Cell(top[0].label, rows=3), Cell(top[1].label, rows=3),
         Cell(form.TABLE3_RESULTS_LABEL, cols=sum(r.is_outcome for r in top) + 1), Cell(top[-1].label, rows=3)],
        [*(Cell(r.label, rows=2) for r in top[2:4]), *(Cell(g.label, cols=len(g.rows)) for g in groups),
         Cell(form.TABLE3_TOTAL.label, rows=2)],
        [Cell(i.label) for g in groups for i in g.rows],
    ]
    names = [c.label for c in form.TABLE3_COLUMNS]
    out.append([Cell(names[0], cols=2), *columns[0]])
    out.append([Cell("法人或其他组织", rows=5), Cell(names[1]), *columns[1]])
    out += [[Cell(names[k]), *columns[k]] for k in range(2, 6)]
    out.append([Cell(names[6], cols=2), *columns[6]])
    return out


def _t4_transposed(grid: Grid) -> Grid:
    numbers = [c for c in grid[-1] if c.data]
    size = len(form.TABLE4_CELLS)
    out: Grid = [[Cell("项目", rows=2), Cell("行政复议", rows=2), Cell("行政诉讼", cols=2)],
                 [Cell("未经复议直接起诉"), Cell("复议后起诉")]]
    for k, item in enumerate(form.TABLE4_CELLS):
        out.append([Cell(item.label), *(numbers[g * size + k] for g in range(len(form.TABLE4_GROUPS)))])
    return out


# ---------------------------------------------------------------- class writers


def html_table(grid: Grid, quirks: frozenset[str]) -> str:
    """A ``<table>`` whose merges were dropped (``no_spans``) or split with the text repeated (``unmerged``)."""
    if "unmerged" in quirks:
        rect = expand(grid)
        rows = [[_owner(rect, r, k).text for k in range(len(line))] for r, line in enumerate(rect)]
    else:
        rows = [[c.text for c in row] for row in grid]
    return '<table border="1">' + "".join(
        "<tr>" + "".join(f"<td><p>{html.escape(t)}</p></td>" for t in row) + "</tr>" for row in rows) + "</table>"


def _owner(rect: list[list[Cell | str]], r: int, k: int) -> Cell:
    while not isinstance(rect[r][k], Cell):
        if rect[r][k] == LEFT:
            k -= 1
        else:
            r -= 1
    return rect[r][k]  # type: ignore[return-value]


def grid_table(grid: Grid, wrap: int = 10) -> list[str]:
    """pandoc's grid table: each printed row between ``+---+`` rules, long labels wrapped in their cell."""
    rect = expand(grid)
    width = len(rect[0])
    cells = [[c.text if isinstance(c, Cell) else "" for c in line] for line in rect]
    wrapped = [[[t[i:i + wrap] for i in range(0, len(t), wrap)] or [""] for t in line] for line in cells]
    sizes = [max(max(_width(p) for p in line[k]) for line in wrapped) for k in range(width)]
    rule = "+" + "+".join("-" * (s + 2) for s in sizes) + "+"
    out = [rule]
    for line in wrapped:
        height = max(len(parts) for parts in line)
        for h in range(height):
            texts = [parts[h] if h < len(parts) else "" for parts in line]
            out.append("| " + " | ".join(t + " " * (s - _width(t)) for t, s in zip(texts, sizes, strict=True)) + " |")
        out.append(rule)
    return out


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def markitdown_table(grid: Grid) -> list[str]:
    """mammoth + markdownify: cells that start in a row, a colspan's extra columns empty, rowspans dropped."""
    rows = [[t for c in row for t in [c.text, *[""] * (c.cols - 1)]] for row in grid]
    out = ["| " + " | ".join(r) + " |" for r in rows]
    out.insert(1, "| " + " | ".join("---" for _ in rows[0]) + " |")
    return out


def by_columns(grid: Grid) -> list[str]:
    """A PDF drawn column by column, its text taken in drawing order: each cell a line, column after column."""
    rect = expand(grid)
    return [c.text for k in range(len(rect[0])) for line in rect if isinstance(c := line[k], Cell) and c.text]


def zero_width(grid: Grid) -> Grid:
    """A web editor's zero-width spaces (U+200B) and BOMs (U+FEFF) left around the numbers of some cells."""
    marks = ("\u200b", "\ufeff", "")
    return [[replace(c, text=marks[(r + k) % 3] + c.text + marks[(r * k) % 3]) if c.data and c.text else c
             for k, c in enumerate(row)] for r, row in enumerate(grid)]


def one_per_line(grid: Grid) -> list[str]:
    """Every printed cell on a line of its own; empty cells and row ends leave no trace."""
    return [c.text for row in grid for c in row if c.text]


__all__ = ["apply", "grid_table", "html_table",
           "markitdown_table", "one_per_line"]
