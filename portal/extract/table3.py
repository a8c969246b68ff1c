"""Table 3 (applications received and handled), row by row, proven by the form's own sums.

Each run of cells belongs to the row label that started last before it. A row is read only when its
cells can be read in exactly one way; the row total and the column rules (新收 + 结转 = 总计 +
结转下年度, the outcomes add up to 总计) decide between splits of digits that ran together, and a
row that stays ambiguous is left null with a problem saying why. When labels drifted away from
their numbers, the order of the form is used only if every sum then holds.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import form
from .columns import Order, arrange, header_fits, label_text, table3_order
from .numbers import Cell, join_candidates, parse_cell
from .tables import (
    NOT_AFTER_LABELS,
    TABLE3_ANCHORS,
    TableRead,
    as_printed,
    cells_after,
    describe,
    find_anchors,
    read_cells,
    row_sum_ok,
    table_tokens,
)
from .tokens import Token

COLUMNS_MOVED = "表三的列没有按表格格式的顺序印制，已按表头的列名（自然人、法人或其他组织各栏、总计）对应读出。"
COLUMNS_DISAGREE = ("表三：表头所列各栏的顺序与格式不同，但按表头顺序读，各行的总计与其余各栏之和对不上"
                    "（按格式顺序反而对得上），无法判断哪一栏是哪一类申请人，整表留空")


def read_table3(lines: Sequence[str], span: tuple[int, int] | None) -> TableRead:
    result = TableRead()
    tokens = table_tokens(lines, span, result)
    if tokens is None:
        return result
    found = find_anchors(tokens, TABLE3_ANCHORS)
    order = sorted(found.items(), key=lambda kv: kv[1])
    columns = table3_order(tokens[:order[0][1][0]]) if order else None
    segments: dict[str, list[Token]] = {}
    for n, (key, (tok, _)) in enumerate(order):
        end = order[n + 1][1][0] if n + 1 < len(order) else len(tokens)
        segments[key] = cells_after(tokens, tok + 1, end)
    labels = {a.key: a.label for a in TABLE3_ANCHORS}
    width = form.TABLE3_WIDTH
    single = "other_handling" in segments and bool(segments["other_handling"])
    result.single_row = single
    candidates: dict[str, list[list[Cell]]] = {}
    split_rows: list[str] = []  # rows read by the only split of run-together digits that adds up
    printed_rows: list[list[Cell]] = []  # rows read as printed, in printed column order
    for anchor in TABLE3_ANCHORS:
        key = anchor.key
        toks = segments.get(key, [])
        if anchor.width == 0:
            if toks:
                result.problems.append(f"表三：标题“{anchor.label}”之后的数字（{describe(toks)}）"
                                       "不属于任何一行，未读")
            continue
        if key == "other_handling" and not single:
            continue
        if single and key.startswith("other_handling."):
            if toks:
                result.problems.append(f"表三：“{labels[key]}”之后的数字未读："
                                       "（六）其他处理已按一行读出")
            continue
        if key not in found:
            result.problems.append(f"表三：找不到“{labels[key]}”一行，留空")
            continue
        options = read_cells(toks, width)
        if len(options) == 1 and as_printed(toks, width):
            printed_rows.append(options[0])
            candidates[key] = [arrange(options[0], columns)]
            continue
        joined = not options and bool(options := join_candidates([t.text for t in toks if t.kind == "cell"], width))
        options = [arrange(o, columns) for o in options]
        fitting = [o for o in options if row_sum_ok(o)]
        if not toks:
            result.problems.append(f"表三：“{labels[key]}”一行没有数字，留空")
        elif not fitting:
            result.problems.append(f"表三：读不出“{labels[key]}”一行：原文为 {describe(toks)}，"
                                   f"应有 {width} 格，留空")
        else:
            candidates[key] = fitting
            if len(fitting) == 1 and joined:
                result.notes.append(f"表三“{labels[key]}”一行印出{width + 1}个数（{describe(toks)}），"
                                    "只有把其中相邻两个合为一个数（数内多了空格）时该行才能相加吻合，按此读出。")
            elif len(fitting) == 1:
                split_rows.append(f"“{labels[key]}”（{describe(toks)}）")
    if split_rows:
        result.notes.append(f"表三有{len(split_rows)}行的数字连在一起，均按行内总计唯一可行的拆分读出，请逐行核对："
                            + "、".join(split_rows) + "。")
    leading = bool(order) and any(t.kind == "cell" for t in cells_after(tokens, 0, order[0][1][0]))
    shifted = _shifted([key for key, _ in order], segments, single, leading, set(candidates))
    if shifted and not _proven(candidates, single):
        dropped = [k for k in _data_keys(single) if k in shifted and candidates.pop(k, None) is not None]
        if dropped:
            rows = labels[dropped[0]] + (f" … {labels[dropped[-1]]}" if len(dropped) > 1 else "")
            result.problems.append(f"表三：{len(dropped)} 行（{rows}）读到的可能是相邻行的数字"
                                   "（数字印在行标签之前，或附近缺格），留空")
    if columns is not None and not header_fits(printed_rows, columns):
        result.problems.append(COLUMNS_DISAGREE)
        result.data = _table3_data({}, single, result)
        return result
    if columns is not None:
        result.notes.append(COLUMNS_MOVED)
    _apply_sums(candidates, single, labels, result)
    complete = len(candidates) == len(_data_keys(single))
    fallback, by = (None, "") if complete else _sequential(tokens, found, single, columns)
    before = None if complete or fallback else _cells_before_labels(tokens, order, single, columns)
    if fallback is not None or before is not None:
        candidates = {k: [v] for k, v in (fallback or before or {}).items()}
        result.problems = []
        result.notes = [NOT_AFTER_LABELS + (f"按表格的{by}读出" if fallback else "各行数字印在行标签之前，按此读出")
                        + "；每行合计和各列勾稽关系全部吻合。"]
    result.data = _table3_data(candidates, single, result)
    return result


def _outcome_keys(single: bool) -> list[str]:
    keys = [r.key for r in form.TABLE3_ROWS if r.is_outcome]
    if single:
        keys = [k for k in keys if not k.startswith("other_handling.")] + ["other_handling"]
    return keys


def _equations(single: bool) -> list[tuple[list[str], list[str]]]:
    """The column rules as (left keys, right keys) whose sums must be equal in every column."""
    return [(["new", "carried_over"], ["total", "carried_forward"]), (["total"], _outcome_keys(single))]


def _apply_sums(candidates: dict[str, list[list[Cell]]], single: bool, labels: dict[str, str],
                result: TableRead) -> None:
    """Narrow ambiguous rows with the column rules; rows still ambiguous become problems."""
    changed = True
    while changed:
        changed = False
        for key, options in candidates.items():
            if len(options) < 2:
                continue
            keep = [o for o in options if _columns_allow(key, o, candidates, single)]
            if len(keep) < len(options) and keep:
                candidates[key] = keep
                changed = True
                if len(keep) == 1:
                    result.notes.append(f"表三“{labels[key]}”一行的数字有不止一种读法（连在一起，或数内有空格），"
                                        "按各列勾稽关系唯一可行的读法读出。")
    for key in [k for k, v in candidates.items() if len(v) > 1]:
        result.problems.append(f"表三：“{labels[key]}”一行的数字连在一起，有 "
                               f"{len(candidates[key])} 种读法都能相加吻合，留空")
        del candidates[key]


def _columns_allow(key: str, option: list[Cell], candidates: dict[str, list[list[Cell]]], single: bool) -> bool:
    for left, right in _equations(single):
        if key not in left + right:
            continue
        others = [k for k in left + right if k != key]
        if any(len(candidates.get(k, [])) != 1 for k in others):
            continue
        rows = {k: candidates[k][0] for k in others} | {key: option}
        for col in range(form.TABLE3_WIDTH):
            vals = [rows[k][col].value for k in left + right]
            if None in vals:
                continue
            if sum(rows[k][col].value for k in left) != sum(rows[k][col].value for k in right):  # type: ignore[misc]
                return False
    return True


def _data_keys(single: bool) -> list[str]:
    """Keys of the rows that hold cells, in form order: （六） whole (2019 form) or its sub-rows."""
    return [a.key for a in TABLE3_ANCHORS if a.width and (a.key != "other_handling" or single)
            and not (single and a.key.startswith("other_handling."))]


def _row_width(key: str, single: bool) -> int:
    """How many cells the row (or heading, 0) of an anchor holds in this table's layout."""
    if key == "other_handling":
        return form.TABLE3_WIDTH if single else 0
    if single and key.startswith("other_handling."):
        return 0
    return next(a.width for a in TABLE3_ANCHORS if a.key == key)


def _shifted(keys: list[str], segments: dict[str, list[Token]], single: bool, leading: bool,
             read: set[str]) -> set[str]:
    """Rows whose cells may be a neighbour's: those between a surplus of cells and a gap.

    Reading the cells after a label is right when every row prints its numbers after its
    label. When some rows print them before (a PDF's vertically centred cells), a surplus —
    cells before the first label, under a heading, or more than an unread row holds — and a
    gap — a row with no cells — appear, and every row between them reads its neighbour's
    numbers, seven cells that add up, so no row sum would notice. ``keys`` are in printed
    order; ``read`` are the rows already read (a row of 8 cells that only reads with two of
    them joined is no surplus).
    """
    suspects: set[str] = set()
    pending: list[str] = []
    state = "surplus" if leading else None
    for key in keys:
        width = _row_width(key, single)
        count = sum(t.kind == "cell" for t in segments.get(key, []))
        kind = "surplus" if count > width and key not in read else "gap" if width and not count else None
        if kind is None:
            if state and width:
                pending.append(key)
            continue
        if state and state != kind:
            suspects.update(pending)
            state, pending = None, []
        elif state != kind or kind == "gap":
            state, pending = kind, []
    if state == "surplus":
        suspects.update(pending)
    return suspects


MAX_UNKNOWN = 4
"""Null cells (printed /, —, 不适用) a table may hold and still be proven by the sums the others make."""


def _rules_hold(rows: dict[str, list[Cell]], single: bool) -> bool:
    """Whether every row of the table is read and every row sum and column rule holds.

    A sum with a null cell in it is unknown, as the consistency checks treat it, and is skipped;
    only a few such cells are allowed, so the sums that remain still tie every number to its place.
    """
    keys = _data_keys(single)
    if any(k not in rows for k in keys):
        return False
    if sum(c.value is None for k in keys for c in rows[k]) > MAX_UNKNOWN:
        return False
    if any(not row_sum_ok(rows[k]) for k in keys if all(c.value is not None for c in rows[k])):
        return False
    for left, right in _equations(single):
        for col in range(form.TABLE3_WIDTH):
            values = [rows[k][col].value for k in left + right]
            if None not in values and sum(values[:len(left)]) != sum(values[len(left):]):  # type: ignore[arg-type]
                return False
    return True


def _proven(candidates: dict[str, list[list[Cell]]], single: bool) -> bool:
    """Whether the rows as read are one reading each that the form's sums all confirm."""
    return all(len(v) == 1 for v in candidates.values()) and _rules_hold(
        {k: v[0] for k, v in candidates.items()}, single)


def _cells_before_labels(tokens: list[Token], order: list[tuple[str, tuple[int, int]]],
                         single: bool, columns: Order | None) -> dict[str, list[Cell]] | None:
    """Each row's cells taken from just before its label, as some PDF text layers print them.

    Used only when every row then reads one way and every row sum and column rule holds.
    Headings (三、本年度办理结果, （三）不予公开) hold no cells: cells before one belong to the row
    whose label follows it.
    """
    rows: dict[str, list[Cell]] = {}
    start = 0
    for key, (tok, _) in order:
        width = _row_width(key, single)
        if not width:
            continue
        toks = cells_after(tokens, start, tok)
        start = tok + 1
        options = read_cells(toks, width)
        if len(options) == 1 and as_printed(toks, width):
            rows[key] = arrange(options[0], columns)
    return rows if _rules_hold(rows, single) else None


def _sequential(tokens: list[Token], found: dict[str, tuple[int, int]], single: bool,
                columns: Order | None) -> tuple[dict[str, list[Cell]] | None, str]:
    """Cells read in form order, 7 per found row, when labels drifted away from their numbers; and how.

    Row after row first; then column after column, as the text of a PDF drawn a column at a time
    runs (each column of labels, then each column of numbers top to bottom: its labels are then
    out of the form's order, so here every row's label need only be printed somewhere), which is
    also how a table printed a quarter turned reads (a row per applicant, a column per row of
    the form). Used only when the count
    is exact and every row and column rule then holds: the order of the form is the only thing
    that ties a number to its row here, so it must be proven.
    """
    keys = _data_keys(single)
    text = label_text(tokens)
    printed = {a.key for a in TABLE3_ANCHORS if any(p in text for p in a.patterns)}
    toks = cells_after(tokens, 0, len(tokens))
    width = form.TABLE3_WIDTH
    if len(toks) != width * len(keys):  # blank tokens are layout (merged cells) when the printed cells fill the table
        toks = [t for t in toks if t.kind == "cell"]
    if not (set(keys) <= set(found) or set(keys) <= printed) or len(toks) != width * len(keys):
        return None, ""
    parsed = [parse_cell(t.text) if t.kind == "cell" else None for t in toks]
    if any(c is None for c in parsed):
        return None, ""
    height = len(keys)
    for by, at in (("行序", lambda n, c: n * width + c), ("列序", lambda n, c: c * height + n)):
        rows = {key: arrange([parsed[at(n, c)] for c in range(width)], columns)  # type: ignore[misc]
                for n, key in enumerate(keys)}
        if _rules_hold(rows, single):
            return rows, by
    return None, ""


def _table3_data(candidates: dict[str, list[list[Cell]]], single: bool, result: TableRead) -> dict:
    def row(key: str) -> list | None:
        if key not in candidates:
            return [None] * form.TABLE3_WIDTH
        cells = candidates[key][0]
        for col, cell in zip(form.TABLE3_COLUMNS, cells, strict=True):
            if cell.value is None:
                result.cells[f"table3.{key}.{col.key}"] = cell.printed
        return [c.value for c in cells]

    data: dict = {}
    groups = {g.key: g for g in form.TABLE3_GROUPS}
    for r in form.TABLE3_ROWS:
        if len(r.path) == 1:
            data[r.key] = row(r.key)
            continue
        group = data.setdefault(r.path[0], {})
        group[r.path[1]] = None if single and r.path[0] == "other_handling" else row(r.key)
        if r.path[1] == groups[r.path[0]].rows[-1].key and r.path[0] == "other_handling":
            group[form.SINGLE_ROW] = row("other_handling") if single else None
    return data
