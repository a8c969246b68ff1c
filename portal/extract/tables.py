"""The one table reader's common parts, and table 4: regions, labels, cells, without guessing.

Row labels are found in the form's order (``form.py``) in the label text of the region with
the numbers taken out, so a label split across lines — even with its row's numbers printed
between its lines, as PDF text layers do — is still one label. Each run of cells belongs to
the row label that started last before it. A row is read only when its cells can be read in
exactly one way; the form's own sums (勾稽关系) decide between splits of digits that ran
together, and a cell that stays ambiguous is left null with a problem saying why. Table 2 is
read in ``table2.py``, table 3 in ``table3.py``, table 4 in ``table4.py``.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from .. import form
from .numbers import Cell, parse_cell, split_candidates
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
    pieces: list[str] = []  # joined once: adding to one string token by token is quadratic on a long region
    starts: list[int] = []
    owners: list[int] = []
    length = 0
    for i, tok in enumerate(tokens):
        if tok.kind == "text":
            starts.append(length)
            owners.append(i)
            pieces.append(norm_label(tok.text))
            length += len(pieces[-1])
    text = "".join(pieces)

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


def as_printed(toks: list[Token], width: int) -> bool:
    """Whether the row printed exactly ``width`` cells (blank ones included or not)."""
    return len(toks) == width or sum(t.kind == "cell" for t in toks) == width


def row_sum_ok(row: Sequence[Cell]) -> bool:
    values = [c.value for c in row]
    return None not in values and sum(values[:-1]) == values[-1]  # type: ignore[arg-type]


def describe(toks: list[Token]) -> str:
    shown = " ".join(t.text or "□" for t in toks)
    return shown if len(shown) <= 60 else shown[:57] + "…"


# ---------------------------------------------------------------- the table's text


def table_tokens(lines: Sequence[str], span: tuple[int, int] | None, result: TableRead) -> list | None:
    """The tokens of a table's section, or None with ``result.missing`` saying why there are none."""
    if span is None:
        result.missing = NOT_FOUND
        return None
    tokens = tokenize(list(lines[span[0]:span[1]]), span[0])
    if not any(t.kind == "cell" for t in tokens):
        result.missing = _missing_reason(tokens)
        return None
    return tokens


def form_of(year: int | None, single_row: bool, table2_2019: bool = False) -> str:
    """Which national form the tables follow: the 2021 one from the 2021 reports on."""
    if single_row or table2_2019 or (year is not None and 2019 <= year <= 2020):
        return "gov-2019"
    if year is not None and year < 2019:
        return "pre-2019"
    return form.FORM_ID

