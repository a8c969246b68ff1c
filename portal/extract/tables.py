"""Recognising tables 2, 3 and 4 in report text, cell by cell, without guessing.

Row labels are found in the form's order (``form.py``) in the label text of the region with
the numbers taken out, so a label split across lines — even with its row's numbers printed
between its lines, as PDF text layers do — is still one label. Each run of cells belongs to
the row label that started last before it. A row is read only when its cells can be read in
exactly one way; the form's own sums (勾稽关系) decide between splits of digits that ran
together, and a cell that stays ambiguous is left null with a problem saying why.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import form
from .numbers import Cell, fold, join_candidates, parse_cell, split_candidates
from .tokens import IMAGE, Token, norm_label, tokenize

LOST = "原文只保留了表格标题，表格本身在转换中丢失，没有数字。"
NOT_FOUND = "原文中既没有该表的标题，也没有该表的数字。"
LOOKAHEAD = 4
NOT_AFTER_LABELS = "表三的数字没有紧跟各自的行标签，"

# Variant spellings seen in real reports, beyond the form's own label (which always comes first).
ROW_VARIANTS: dict[str, tuple[str, ...]] = {
    "new": ("本年新收", "新收"),
    "carried_over": ("上年结转",),
    "results": ("办理结果",),
    "partially_granted": ("部分公开",),
    "withheld.state_secret": ("国家秘密",),
    "withheld.prohibited_by_law": ("禁止公开",),
    "withheld.endangers_security": ("三安全一稳定", "危及"),
    "withheld.third_party_rights": ("第三方",),
    "withheld.internal_affairs": ("内部事务",),
    "withheld.process_information": ("过程性",),
    "withheld.enforcement_files": ("执法案卷",),
    "withheld.query_matters": ("查询事项",),
    "unable.not_held": ("不掌握",),
    "unable.needs_creation": ("另行制作", "没有现成信息"),
    "unable.unclear": ("仍不明确",),
    "not_processed.petition_complaint": ("信访举报投诉", "信访"),
    "not_processed.publications": ("公开出版物",),
    "not_processed.mass_repetitive": ("大量反复",),
    "not_processed.confirm_reissue": ("确认或重新出具", "确认或重新", "重新出具"),
    "other_handling.no_correction": ("逾期不补正", "不补正"),
    "other_handling.fee_unpaid": ("收费通知", "缴纳费用"),
    "other_handling.other": ("其它",),  # with EXCLUDE below: 其他 alone is in many labels
    "total": ("合计",),
    "carried_forward": ("结转下年度", "结转下年"),
    "normative_documents": ("规范性文件",),
    "fees_10k_yuan": ("事业性收费",),
}


EXCLUDE: dict[str, tuple[str, ...]] = {
    "other_handling.other": ("其他处理", "其他法律", "其他组织", "其他情形", "其他结果"),
}
"""Text that starts like a row's label but belongs to another label (the group label
（六）其他处理 is often printed beside the middle of its sub-rows)."""


@dataclass(frozen=True)
class Anchor:
    """A label to find: a data row (``width`` cells) or a heading that holds none (width 0)."""

    key: str
    label: str
    width: int
    decimal: bool = False

    @property
    def patterns(self) -> tuple[str, ...]:
        own = norm_label(self.label)
        return tuple(dict.fromkeys((own, *ROW_VARIANTS.get(self.key, ()))))


def table3_anchors() -> tuple[Anchor, ...]:
    out = [Anchor(r.key, r.label, form.TABLE3_WIDTH) for r in form.TABLE3_ROWS[:2]]
    out.append(Anchor("results", form.TABLE3_RESULTS_LABEL, 0))
    groups = {g.key: g for g in form.TABLE3_GROUPS}
    for row in form.TABLE3_ROWS[2:]:
        group = groups.get(row.path[0])
        if group and row.path[1] == group.rows[0].key:
            # （六）其他处理 printed as one row (2019 form) holds cells itself
            width = form.TABLE3_WIDTH if group.key == "other_handling" else 0
            out.append(Anchor(group.key, group.label, width))
        out.append(Anchor(row.key, row.label, form.TABLE3_WIDTH))
    return tuple(out)


def table2_anchors() -> tuple[Anchor, ...]:
    out = [Anchor(i.key, i.label, len(form.TRIPLE_CELLS)) for i in form.TABLE2_TRIPLES]
    out += [Anchor(i.key, i.label, 1) for i in form.TABLE2_COUNTS]
    out.append(Anchor(form.TABLE2_FEES.key, form.TABLE2_FEES.label, 1, decimal=True))
    return tuple(out)


TABLE3_ANCHORS = table3_anchors()
TABLE2_ANCHORS = table2_anchors()
TABLE4_WIDTH = len(form.TABLE4_GROUPS) * len(form.TABLE4_CELLS)


@dataclass
class TableRead:
    """What was read of one table: its data (None when absent) and what could not be read."""

    data: dict | None = None
    missing: str | None = None
    cells: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    single_row: bool = False
    form_2019: bool = False  # the table is printed in the 2019 form's layout
    as_printed_2019: dict | None = None  # table 2 in the 2019 form's own rows and columns


# ---------------------------------------------------------------- regions

_HEADINGS = (
    ("table2", ("主动公开政府信息情况",), 18),
    ("table3", ("收到和处理政府信息公开申请",), 22),
    ("table4", ("行政复议", "行政诉讼"), 26),
    ("end", ("存在的主要问题",), 16),
)


def find_regions(lines: Sequence[str]) -> dict[str, tuple[int, int] | None]:
    """Line spans of the three tables, from their section headings (numbering is ignored)."""
    found: dict[str, int] = {}
    start = 0
    for key, words, longest in _HEADINGS:
        for n in range(start, len(lines)):
            label = norm_label(lines[n])
            if len(label) <= longest and all(w in label for w in words):
                found[key] = n
                start = n + 1
                break
    order = [k for k, _, _ in _HEADINGS if k in found]
    regions: dict[str, tuple[int, int] | None] = {}
    for key in ("table2", "table3", "table4"):
        if key not in found:
            regions[key] = None
            continue
        later = [found[k] for k in order[order.index(key) + 1:]]
        regions[key] = (found[key] + 1, later[0] if later else len(lines))
    return regions


def _missing_reason(tokens: list[Token]) -> str:
    images = [m for t in tokens if t.kind == "text" for m in IMAGE.findall(t.text)]
    if images:
        return f"表格以图片形式发布（{'、'.join(images)}），原文中没有可读的数字。"
    return LOST


# ---------------------------------------------------------------- finding labels


def find_anchors(tokens: list[Token], anchors: Sequence[Anchor]) -> dict[str, tuple[int, int]]:
    """Where each label starts: key → (token index, offset in the label text).

    Labels are searched in form order. A label is taken as missing when it is not found, or
    when one of the next few labels occurs before it (then the match would be out of order).
    """
    text = ""
    starts: list[int] = []
    owners: list[int] = []
    for i, tok in enumerate(tokens):
        if tok.kind == "text":
            starts.append(len(text))
            owners.append(i)
            text += norm_label(tok.text)

    def find(pattern: str, offset: int, exclude: tuple[str, ...]) -> int:
        p = text.find(pattern, offset)
        while p >= 0 and any(text.startswith(x, p) for x in exclude):
            p = text.find(pattern, p + 1)
        return p

    def first(anchor: Anchor, offset: int) -> tuple[int, int] | None:
        exclude = EXCLUDE.get(anchor.key, ())
        hits = [(p, -len(pat)) for pat in anchor.patterns if pat and (p := find(pat, offset, exclude)) >= 0]
        return (min(hits)[0], -min(hits)[1]) if hits else None

    found: dict[str, tuple[int, int]] = {}
    offset = 0
    for i, anchor in enumerate(anchors):
        hit = first(anchor, offset)
        if hit is None:
            continue
        later = [first(a, offset) for a in anchors[i + 1: i + 1 + LOOKAHEAD]]
        if any(h is not None and h[0] < hit[0] for h in later):
            continue
        token = owners[bisect.bisect_right(starts, hit[0]) - 1]
        found[anchor.key] = (token, hit[0])
        offset = hit[0] + hit[1]
    return found


def cells_after(tokens: list[Token], begin: int, end: int) -> list[Token]:
    """Cells and blank cells of tokens[begin:end], by printed row.

    A blank cell counts only in a printed row that also holds a number or a null mark: blank
    cells elsewhere are the layout of merged label columns, not empty data cells.
    """
    out: list[Token] = []
    row: list[Token] = []
    for tok in [*tokens[begin:end], Token("break", "", -1)]:
        if tok.kind == "break":
            if any(t.kind == "cell" for t in row):
                out.extend(row)
            row = []
        elif tok.kind in ("cell", "blank"):
            row.append(tok)
    return out


# ---------------------------------------------------------------- reading cells


def read_cells(toks: list[Token], width: int, *, decimal_last: bool = False) -> list[list[Cell]]:
    """Every plausible reading of a row's tokens as ``width`` cells (one when certain)."""
    cells = [t for t in toks if t.kind == "cell"]
    for group in (toks, cells):
        if len(group) == width:
            parsed = [Cell(None, "") if t.kind == "blank" else
                      parse_cell(t.text, decimal=decimal_last and i == width - 1) for i, t in enumerate(group)]
            if all(c is not None for c in parsed):
                return [parsed]  # type: ignore[list-item]
            break
    if len(toks) >= width or not toks:
        return []
    return split_candidates([t.text for t in toks], width) or []


def _as_printed(toks: list[Token], width: int) -> bool:
    """Whether the row printed exactly ``width`` cells (blank ones included or not)."""
    return len(toks) == width or sum(t.kind == "cell" for t in toks) == width


def row_sum_ok(row: Sequence[Cell]) -> bool:
    values = [c.value for c in row]
    return None not in values and sum(values[:-1]) == values[-1]  # type: ignore[arg-type]


def describe(toks: list[Token]) -> str:
    shown = " ".join(t.text or "□" for t in toks)
    return shown if len(shown) <= 60 else shown[:57] + "…"


# ---------------------------------------------------------------- table 3


def _table_tokens(lines: Sequence[str], span: tuple[int, int] | None, result: TableRead) -> list | None:
    """The tokens of a table's section, or None with ``result.missing`` saying why there are none."""
    if span is None:
        result.missing = NOT_FOUND
        return None
    tokens = tokenize(list(lines[span[0]:span[1]]), span[0])
    if not any(t.kind == "cell" for t in tokens):
        result.missing = _missing_reason(tokens)
        return None
    return tokens


def read_table3(lines: Sequence[str], span: tuple[int, int] | None) -> TableRead:
    result = TableRead()
    tokens = _table_tokens(lines, span, result)
    if tokens is None:
        return result
    found = find_anchors(tokens, TABLE3_ANCHORS)
    order = sorted(found.items(), key=lambda kv: kv[1])
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
        if len(options) == 1 and _as_printed(toks, width):
            candidates[key] = options
            continue
        joined = not options and bool(options := join_candidates([t.text for t in toks if t.kind == "cell"], width))
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
    _apply_sums(candidates, single, labels, result)
    complete = len(candidates) == len(_data_keys(single))
    fallback = None if complete else _sequential(tokens, found, single)
    before = None if complete or fallback else _cells_before_labels(tokens, order, single)
    if fallback is not None or before is not None:
        candidates = {k: [v] for k, v in (fallback or before or {}).items()}
        result.problems = []
        result.notes = [NOT_AFTER_LABELS + ("按表格的行序读出" if fallback else "各行数字印在行标签之前，按此读出")
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


def _rules_hold(rows: dict[str, list[Cell]], single: bool) -> bool:
    """Whether every row of the table is read and every row sum and column rule holds."""
    keys = _data_keys(single)
    if any(k not in rows or not row_sum_ok(rows[k]) for k in keys):
        return False
    for left, right in _equations(single):
        for col in range(form.TABLE3_WIDTH):
            if sum(rows[k][col].value for k in left) != sum(rows[k][col].value for k in right):  # type: ignore[misc]
                return False
    return True


def _proven(candidates: dict[str, list[list[Cell]]], single: bool) -> bool:
    """Whether the rows as read are one reading each that the form's sums all confirm."""
    return all(len(v) == 1 for v in candidates.values()) and _rules_hold(
        {k: v[0] for k, v in candidates.items()}, single)


def _cells_before_labels(tokens: list[Token], order: list[tuple[str, tuple[int, int]]],
                         single: bool) -> dict[str, list[Cell]] | None:
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
        if len(options) == 1 and _as_printed(toks, width):
            rows[key] = options[0]
    return rows if _rules_hold(rows, single) else None


def _sequential(tokens: list[Token], found: dict[str, tuple[int, int]], single: bool) -> dict[str, list[Cell]] | None:
    """Cells read in form order, 7 per found row, when labels drifted away from their numbers.

    Used only when the count is exact and every row and column rule then holds: the order of
    the form is the only thing that ties a number to its row here, so it must be proven.
    """
    keys = [k for k in _data_keys(single) if k in found]
    toks = cells_after(tokens, 0, len(tokens))
    width = form.TABLE3_WIDTH
    if len(keys) != len(_data_keys(single)) or len(toks) != width * len(keys):
        return None
    rows: dict[str, list[Cell]] = {}
    for n, key in enumerate(keys):
        parsed = [parse_cell(t.text) if t.kind == "cell" else None for t in toks[n * width:(n + 1) * width]]
        if any(c is None for c in parsed):
            return None
        rows[key] = parsed  # type: ignore[assignment]
    return rows if _rules_hold(rows, single) else None


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


# ---------------------------------------------------------------- table 2

FORM_2019_TABLE2 = ("本年新制作数量", "本年新公开数量", "对外公开总数量", "上一年项目数量", "本年增减",
                    "其他对外管理服务事项", "政府集中采购", "采购项目数量", "采购总金额")
"""Column headers and rows that only the 2019 form's table 2 (国办公开办函〔2019〕60号) has."""

TABLE2_2019 = ("表二按2019年版格式（国办公开办函〔2019〕60号）印制，原样记录在 table2_2019。其中行政许可、行政处罚、"
               "行政强制的“处理决定数量”即现行格式的“本年处理决定数量”，已转入表二；规章、规范性文件的栏目（本年新制作、"
               "本年新公开、对外公开总数量）和行政事业性收费的栏目（上一年项目数量、本年增/减）与现行格式的本年制发、"
               "本年废止、现行有效件数和收费金额含义不同，表二中这几格为空。")
TABLE2_2019_ANCHORS = tuple(Anchor(r.key, r.label, len(r.cells)) for r in form.TABLE2_2019_ROWS)
_PRINTED_AMOUNT = re.compile(r"^(\d+(?:\.\d+)?)\s*(万?元)$")
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
    tokens = _table_tokens(lines, span, result)
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
            toks = cells_after(tokens, found[anchor.key][0] + 1, end)
            options = read_cells(toks, anchor.width, decimal_last=anchor.decimal)
            if not _as_printed(toks, anchor.width) and not one_digit_a_cell(toks, anchor.width):
                options = []  # no sum of table 2 can prove a split: 规章 0 94 may be 0 / blank / 94
            if len(options) == 1:
                cells = list(options[0])
                if not _as_printed(toks, anchor.width):
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
        units = [m.group(2) for t in tokens[begin:end] if t.kind == "text" and (m := _PRINTED_AMOUNT.match(t.text))]
        toks = [Token("cell", m.group(1), t.line) if t.kind == "text" and (m := _PRINTED_AMOUNT.match(t.text)) else t
                for t in tokens[begin:end]]
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
    if _as_printed(toks, width):
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


# ---------------------------------------------------------------- table 4


def read_table4(lines: Sequence[str], span: tuple[int, int] | None) -> TableRead:
    result = TableRead()
    tokens = _table_tokens(lines, span, result)
    if tokens is None:
        return result
    toks = cells_after(tokens, 0, len(tokens))
    size = len(form.TABLE4_CELLS)
    options = read_cells(toks, TABLE4_WIDTH)
    if not _as_printed(toks, TABLE4_WIDTH):
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


def form_of(year: int | None, single_row: bool, table2_2019: bool = False) -> str:
    """Which national form the tables follow: the 2021 one from the 2021 reports on."""
    if single_row or table2_2019 or (year is not None and 2019 <= year <= 2020):
        return "gov-2019"
    if year is not None and year < 2019:
        return "pre-2019"
    return form.FORM_ID

