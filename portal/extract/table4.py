"""Table 4 (administrative reconsideration and litigation): one run of 15 cells, or a row per result.

The form prints the three groups side by side over one row of 15 numbers; a portrait template
turns the table a quarter, a row per result (结果维持 … 总计) with a column per group, and then the
cells are read row by row (``columns.table4_by_rows``). Digits that ran together are split only
when one split makes every group's 总计 the sum of its four results.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import form
from .columns import is_turned, table4_by_rows
from .numbers import Cell
from .tables import TABLE4_WIDTH, TableRead, as_printed, cells_after, describe, read_cells, row_sum_ok, table_tokens

TURNED = "表四按“一行一种结果、一列一类案件”印制（表格转了方向），已按表头的列名逐行读出。"


def read_table4(lines: Sequence[str], span: tuple[int, int] | None) -> TableRead:
    result = TableRead()
    tokens = table_tokens(lines, span, result)
    if tokens is None:
        return result
    toks = cells_after(tokens, 0, len(tokens))
    size = len(form.TABLE4_CELLS)
    by_rows = table4_by_rows(tokens)
    options = [by_rows] if by_rows is not None else read_cells(toks, TABLE4_WIDTH)
    if by_rows is not None:
        result.notes.append(TURNED)
    elif is_turned(tokens):  # read left to right, its cells would land in the wrong groups
        options = []
    elif not as_printed(toks, TABLE4_WIDTH):
        options = [o for o in options if all(row_sum_ok(o[g * size:(g + 1) * size]) for g in range(3))]
    cells: list[Cell | None] = [None] * TABLE4_WIDTH
    if len(options) == 1:
        cells = list(options[0])
    else:
        result.problems.append(f"表四：读不出其 {TABLE4_WIDTH} 格：原文为 {describe(toks)}"
                               + (f"（{len(options)} 种读法都能相加吻合）" if options else "") + "，留空")
    data: dict = {}
    for g, group in enumerate(form.TABLE4_GROUPS):
        data[group.key] = {}
        for c, item in enumerate(form.TABLE4_CELLS):
            cell = cells[g * size + c]
            if cell is not None and cell.value is None:
                result.cells[f"table4.{group.key}.{item.key}"] = cell.printed
            data[group.key][item.key] = cell.value if cell is not None else None
    result.data = data
    return result
