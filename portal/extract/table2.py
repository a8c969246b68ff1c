"""Table 2 (proactive disclosure), on the 2021 form and as the 2019 form prints it.

Table 2 has no sums that tie its cells together, so its rows are read as printed: digits that ran
together are split only when no other reading exists, not even one hiding a blank cell (``000``).
The 2019 form's table 2 is kept whole under its own key; its decision counts carry over.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .. import form
from .numbers import Cell, fold, parse_cell, split_candidates
from .tables import (
    TABLE2_ANCHORS,
    Anchor,
    TableRead,
    as_printed,
    cells_after,
    describe,
    find_anchors,
    read_cells,
    table_tokens,
)
from .tokens import Token, norm_label

FORM_2019_TABLE2 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增减",
                    "其他对外管理服务事项", "政府集中采购", "采购项目数量", "采购总金额")
"""Column headers and rows that only the 2019 form's table 2 (国办公开办函〔2019〕60号) has."""

TABLE2_2019 = ("表二按2019年版格式（国办公开办函〔2019〕60号）印制，原样记录在 table2_2019。其中行政许可、行政处罚、"
               "行政强制的“处理决定数量”即现行格式的“本年处理决定数量”，已转入表二；规章、规范性文件的栏目（本年新制作、"
               "本年新公开、对外公开总数量）和行政事业性收费的栏目（上一年项目数量、本年增/减）与现行格式的本年制发、"
               "本年废止、现行有效件数和收费金额含义不同，表二中这几格为空。")
TABLE2_2019_ANCHORS = tuple(Anchor(r.key, r.label, len(r.cells)) for r in form.TABLE2_2019_ROWS)
PRINTED_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*(万?元)$")
_HEADER_UNIT = re.compile(r"采购总金额[(（](万?元)[)）]")


def form_2019_headers(tokens: list[Token]) -> list[str]:
    """The 2019-only headers and rows printed in table 2's region, in form order.

    Their numbers cannot go under this portal's table-2 keys: 规范性文件 30 30 30 on the 2019
    form is made / published / in public total, not issued / repealed / in force, and a
    licensing row holds last year's items, the change and the decisions.
    """
    text = "".join(norm_label(t.text) for t in tokens if t.kind == "text")
    return [h for h in FORM_2019_TABLE2 if h in text]



def read_table2(lines: Sequence[str], span: tuple[int, int] | None) -> TableRead:
    result = TableRead()
    tokens = table_tokens(lines, span, result)
    if tokens is None:
        return result
    if form_2019_headers(tokens):
        return read_table2_2019(tokens, result)
    found = find_anchors(tokens, TABLE2_ANCHORS)
    order = sorted(found.items(), key=lambda kv: kv[1])
    data: dict = {}
    for anchor in TABLE2_ANCHORS:
        cells: list[Cell | None] = [None] * anchor.width
        if anchor.key not in found:
            result.problems.append(f"表二：找不到“{anchor.label}”一行，留空")
        else:
            n = [k for k, _ in order].index(anchor.key)
            end = order[n + 1][1][0] if n + 1 < len(order) else len(tokens)
            row = tokens[found[anchor.key][0] + 1:end]
            toks = cells_after(fees_as_cells(row) if anchor.decimal else row, 0, len(row))
            if anchor.width == 1 and repeated_under_split_header(tokens, found[anchor.key][0], toks):
                toks = toks[:1]
            options = read_cells(toks, anchor.width, decimal_last=anchor.decimal)
            if not as_printed(toks, anchor.width) and not one_digit_a_cell(toks, anchor.width):
                options = []  # no sum of table 2 can prove a split: 规章 0 94 may be 0 / blank / 94
            if len(options) == 1:
                cells = list(options[0])
                if not as_printed(toks, anchor.width):
                    result.notes.append(f"表二“{anchor.label}”的数字连在一起（{describe(toks)}），只有一种读法。")
            else:
                result.problems.append(f"表二：读不出“{anchor.label}”一行：原文为 "
                                       f"{describe(toks) or '（无数字）'}，应有 {anchor.width} 格，留空")
        names = [c.key for c in form.TRIPLE_CELLS] if anchor.width == 3 else [None]
        values = {}
        for name, cell in zip(names, cells, strict=True):
            path = f"table2.{anchor.key}" + (f".{name}" if name else "")
            if cell is not None and cell.value is None:
                result.cells[path] = cell.printed
            values[name] = cell.value if cell is not None else None
        data[anchor.key] = values if anchor.width == 3 else values[None]
    result.data = data
    return result


def read_table2_2019(tokens: list[Token], result: TableRead) -> TableRead:
    """Table 2 in the 2019 form's rows and columns, kept whole; the decision counts carry over.

    Its cells have no sums that tie them together (本年增/减 is a change from a number the
    report does not print), so digits that ran together are read only when they split one way.
    """
    result.form_2019 = True
    result.notes.append(TABLE2_2019)
    found = find_anchors(tokens, TABLE2_2019_ANCHORS)
    starts = sorted(tok for tok, _ in found.values())
    printed: dict[str, dict] = {}
    for row in form.TABLE2_2019_ROWS:
        values: dict[str, int | float | None] = {c.key: None for c in row.cells}
        printed[row.key] = values
        if row.key not in found:
            result.problems.append(f"表二（2019年版）：找不到“{row.label}”一行，留空")
            continue
        begin = found[row.key][0] + 1
        end = next((t for t in starts if t >= begin), len(tokens))
        units = [m.group(2) for t in tokens[begin:end] if t.kind == "text" and (m := PRINTED_AMOUNT.match(t.text))]
        toks = amounts_as_cells(tokens[begin:end])
        toks = cells_after(toks, 0, len(toks))
        cells = _row_2019(toks, row)
        if cells is not None and any(c.key in form.AMOUNT_CELLS for c in row.cells):
            cells = _in_yuan(cells, row, units or _HEADER_UNIT.findall(_label_text(tokens)), result)
        if cells is None:
            why = ("数字连在一起，有几种拆法，2019年版表二没有能判定的勾稽关系"
                   if len(read_cells(toks, len(row.cells))) > 1 else f"应有 {len(row.cells)} 格")
            result.problems.append(f"表二（2019年版）：读不出“{row.label}”一行：原文为 "
                                   f"{describe(toks) or '（无数字）'}，{why}，留空")
            continue
        for item, cell in zip(row.cells, cells, strict=True):
            values[item.key] = cell.value
            if cell.value is None:
                result.cells[f"{form.TABLE2_2019_KEY}.{row.key}.{item.key}"] = cell.printed
                if row.carries_to and item.key == "decisions":
                    result.cells[f"table2.{row.carries_to}"] = cell.printed
    result.as_printed_2019 = printed
    carried = {r.carries_to: printed[r.key].get("decisions") for r in form.TABLE2_2019_ROWS if r.carries_to}
    result.data = {
        **{i.key: {c.key: None for c in form.TRIPLE_CELLS} for i in form.TABLE2_TRIPLES},
        **{i.key: carried.get(i.key) for i in form.TABLE2_COUNTS},
        form.TABLE2_FEES.key: None,
    }
    return result


ONE_CELL_HEADERS = ("处理决定数量", "收费金额")
"""The header over table 2's one-cell rows, which the form merges across three columns."""


def repeated_under_split_header(tokens: Sequence[Token], label: int, toks: list[Token]) -> bool:
    """Whether a one-cell row prints its number once per column of a merged header that was split.

    A CMS or converter that splits merged cells repeats the cell's text in every column it
    covered: the header 本年处理决定数量 three times, and under it 34240 three times. Only the
    same printing repeated exactly as often as the header is one cell.
    """
    printed = {fold(t.text) for t in toks}
    if len(toks) < 2 or len(printed) != 1 or any(t.kind != "cell" for t in toks):
        return False
    n = label - 1
    while n >= 0 and not (tokens[n].kind == "text" and any(w in norm_label(tokens[n].text) for w in ONE_CELL_HEADERS)):
        n -= 1
    count = 0
    while n >= 0 and tokens[n].kind == "text":
        count += sum(norm_label(tokens[n].text).count(w) for w in ONE_CELL_HEADERS)
        n -= 1
    return count == len(toks)


FEE_IN_10K = re.compile(r"^(\d+(?:\.\d+)?)万元$")


def fees_as_cells(tokens: Sequence[Token]) -> list[Token]:
    """The fee printed with its unit inside the cell (``745.94万元``) as a cell of its number.

    Only 万元, the unit of the form's column: an amount in 元 is another number and stays unread.
    """
    return [Token("cell", m.group(1), t.line) if t.kind == "text" and (m := FEE_IN_10K.match(fold(t.text))) else t
            for t in tokens]


def amounts_as_cells(tokens: Sequence[Token]) -> list[Token]:
    """Tokens with an amount printed with its unit (``160.5964万元``) as a cell of its number."""
    return [Token("cell", m.group(1), t.line) if t.kind == "text" and (m := PRINTED_AMOUNT.match(t.text)) else t
            for t in tokens]


def _label_text(tokens: list[Token]) -> str:
    return "".join(fold(t.text) for t in tokens if t.kind == "text")


def _in_yuan(cells: list[Cell], row: form.Row2019, units: list[str], result: TableRead) -> list[Cell]:
    """The amount converted to 元 when its unit is printed (beside it or in its header); else null."""
    out = []
    for item, cell in zip(row.cells, cells, strict=True):
        if item.key in form.AMOUNT_CELLS and cell.value is not None:
            if len(set(units)) != 1:
                result.problems.append(f"表二（2019年版）：“{row.label}”的金额 {cell.printed} 没有印单位"
                                       "（元或万元），留空")
                cell = Cell(None, cell.printed)
            elif units[0] == "万元":
                cell = Cell(round(cell.value * 10_000, 2), cell.printed)
        out.append(cell)
    return out


def _row_2019(toks: list[Token], row: form.Row2019) -> list[Cell] | None:
    """A 2019 table-2 row's cells when they read one way only, else None."""
    width = len(row.cells)
    if as_printed(toks, width):
        group = toks if len(toks) == width else [t for t in toks if t.kind == "cell"]
        parsed = [Cell(None, "") if t.kind == "blank" else
                  parse_cell(t.text, signed=item.key in form.SIGNED_CELLS, decimal=item.key in form.AMOUNT_CELLS)
                  for t, item in zip(group, row.cells, strict=True)]
        return None if any(c is None for c in parsed) else parsed  # type: ignore[return-value]
    options = read_cells(toks, width) if one_digit_a_cell(toks, width) else []
    return options[0] if len(options) == 1 else None


def one_digit_a_cell(toks: list[Token], width: int) -> bool:
    """Digits run together that read one way only, even if a blank cell hid in them: one token that
    splits into ``width`` numbers one way and into fewer in none (``000``). Without a sum to prove
    it, any other split of a row of table 2 is a guess — ``094`` may be 0 / blank / 94 — so it is
    left null."""
    cells = [t for t in toks if t.kind == "cell"]
    if len(cells) != 1 or not fold(cells[0].text).isdigit():
        return False
    readings = [len(split_candidates([cells[0].text], k) or []) for k in range(1, width + 1)]
    return readings[-1] == 1 and sum(readings) == 1
