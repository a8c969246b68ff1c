"""What the draft of a report read from images holds: tables 3 and 4 as the arithmetic gate decided,
table 2 as its two independent readings decided (``ocr_table2``: kept ones are marked unproven).

The OCR text prints only numbers the gate proved, and the one table reader reads that text as it
reads any other. But where the gate left a cell null the text has a blank, and the reader takes a
blank right after a label as layout: the whole row would go null with the one cell. So when OCR
found a table's grid, its cells come straight from the gate's verdicts (by the form's paths), and
the reader's own reading of the text counts only for a table OCR did not find.
"""

from __future__ import annotations

from .. import form
from .ocr import OcrText
from .tables import TableRead

TABLE2_NULL = "表二以图片发布，OCR 在图片的表格中找不到表二的各行，留待人工录入。"


def hold_to_the_gate(reads: dict[str, TableRead], ocr: OcrText) -> list[str]:
    """Put the gate's verdicts into ``reads`` (before their cells and problems are collected).

    Returns the problems a reviewer must see: every cell the gate left null, and why.
    """
    problems = [f"OCR：{path}：{why}，留空" for path, why in ocr.unread.items()]
    # table 2 has no sums: only cells read twice alike are kept (marked unproven), whatever the reader
    # made of the text; the others are null with both readings in the reason
    table2, verdict = reads["table2"], ocr.table2
    table2.data, table2.as_printed_2019, table2.cells, table2.problems = None, None, {}, []
    table2.missing = ocr.table2_missing or TABLE2_NULL
    if verdict is not None and (verdict.values or verdict.marks):
        table2.data, table2.missing, table2.cells = _table2(verdict.values), None, dict(verdict.marks)
        problems += [f"OCR：{path}：{why}" for path, why in verdict.rejected.items()]
    for table in ("table3", "table4"):
        read = reads[table]
        gated = {p: v for p, v in ocr.values.items() if p.startswith(table + ".")}
        if not gated:
            continue
        read.data, read.missing, read.single_row = _table(table, gated), None, False
        read.problems = []  # the reader's complaints are about a text the gate's verdicts replace
        read.cells = {p: mark for p, mark in ocr.marks.items() if p.startswith(table + ".")}
    return problems


def _table2(values: dict[str, int | float | None]) -> dict:
    out: dict = {i.key: {c.key: values.get(f"table2.{i.key}.{c.key}") for c in form.TRIPLE_CELLS}
                 for i in form.TABLE2_TRIPLES}
    return out | {i.key: values.get(f"table2.{i.key}") for i in (*form.TABLE2_COUNTS, form.TABLE2_FEES)}


def _table(table: str, values: dict[str, int | float | None]) -> dict:
    if table == "table4":
        return {g.key: {c.key: values.get(f"table4.{g.key}.{c.key}") for c in form.TABLE4_CELLS}
                for g in form.TABLE4_GROUPS}
    out: dict = {}
    for row in form.TABLE3_ROWS:
        node = out
        for part in row.path[:-1]:
            node = node.setdefault(part, {})
        node[row.path[-1]] = [values.get(f"table3.{row.key}.{c.key}") for c in form.TABLE3_COLUMNS]
    single = form.TABLE3_SINGLE_ROW.path
    out[single[0]][single[1]] = None  # read from a grid of the 2021 form: its 其他处理 has three rows
    return out
