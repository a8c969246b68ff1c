"""Which printed column is which, for tables 3 and 4 when a template moved the columns: the header
words decide, the form's sums must not contradict them.

Table 3's seven columns are always the form's (自然人, 法人或其他组织's five, 总计), but some templates
print 总计 first, or the five in another order; the row reader reads cells left to right, so each
row's cells are put back in the form's order as the header prints them. A header is taken only
when it names all seven columns; in a two-row header the top row orders 自然人, the 法人或其他组织
group and 总计, the second row the group's five. When the header's order is not the form's, it
must fit the numbers at least as well: rows read as printed whose 总计 is the sum of the six
others under the header's order may not be fewer than under the form's (else the table is left
null: a header and numbers that disagree are not guessed between).

Table 4 printed a quarter turned (a row per result, 结果维持 … 总计, a column per group) is read
row by row: each result label followed by exactly its three cells, the groups in the order the
header prints 行政复议, 未经复议直接起诉, 复议后起诉.
"""

from __future__ import annotations

from collections.abc import Sequence

from .. import form
from .numbers import Cell
from .tables import as_printed, cells_after, read_cells, row_sum_ok
from .tokens import Token, norm_label

Order = tuple[int, ...]
"""For each printed column, the index of the form's column it holds."""

_GROUP_WORD = "法人或其他组织"
_WORDS: dict[str, tuple[str, ...]] = {
    "natural_person": ("自然人",),
    "commercial": ("商业企业",),
    "research": ("科研机构",),
    "social_welfare": ("社会公益组织", "公益组织"),
    "legal_services": ("法律服务机构",),
    "other": ("其他",),
    "total": ("总计", "合计"),
}
_SUBCOLUMNS = [c.key for c in form.TABLE3_COLUMNS[1:6]]


def label_text(tokens: Sequence[Token]) -> str:
    return "".join(norm_label(t.text) for t in tokens if t.kind == "text")


def _first(text: str, words: tuple[str, ...]) -> int | None:
    """Where the first of ``words`` occurs in ``text`` (其他 of 法人或其他组织 is not the 其他 column)."""
    hits = []
    for word in words:
        p = text.find(word)
        while p >= 0 and text.startswith(_GROUP_WORD, p - 3):
            p = text.find(word, p + 1)
        if p >= 0:
            hits.append(p)
    return min(hits) if hits else None


def table3_order(header: Sequence[Token]) -> Order | None:
    """The printed columns' form indices, when the header names all seven in another order than the form's."""
    text = label_text(header)
    at = {key: _first(text, words) for key, words in _WORDS.items()}
    if any(p is None for p in at.values()):
        return None
    subs = sorted(_SUBCOLUMNS, key=lambda k: at[k])  # type: ignore[arg-type, return-value]
    group = text.find(_GROUP_WORD)
    tops = {"natural_person": at["natural_person"], "total": at["total"],
            "group": group if group >= 0 else at[subs[0]]}
    printed: list[str] = []
    for top in sorted(tops, key=lambda k: tops[k]):  # type: ignore[arg-type, return-value]
        printed += subs if top == "group" else [top]
    keys = [c.key for c in form.TABLE3_COLUMNS]
    order = tuple(keys.index(k) for k in printed)
    return None if order == tuple(range(len(keys))) else order


def arrange(cells: Sequence[Cell], order: Order | None) -> list[Cell]:
    """A row's cells as printed, in the form's column order."""
    if order is None:
        return list(cells)
    out: list[Cell] = list(cells)
    for printed, column in enumerate(order):
        out[column] = cells[printed]
    return out


def header_fits(rows: Sequence[Sequence[Cell]], order: Order) -> bool:
    """Whether rows read as printed add up under the header's order at least as often as under the form's."""
    under_header = sum(row_sum_ok(arrange(r, order)) for r in rows)
    return under_header >= sum(row_sum_ok(r) for r in rows)


# ---------------------------------------------------------------- table 4 turned a quarter

_GROUP_WORDS = (("行政复议",), ("未经复议直接起诉", "直接起诉"), ("复议后起诉",))


def _result_starts(tokens: Sequence[Token]) -> list[int] | None:
    """Token indices of the five result labels printed one per row, in form order, or None."""
    starts: list[int] = []
    for item in form.TABLE4_CELLS:
        word = norm_label(item.label)
        n = next((i for i in range(starts[-1] + 1 if starts else 0, len(tokens))
                  if tokens[i].kind == "text" and norm_label(tokens[i].text).endswith(word)), None)
        if n is None:
            return None
        starts.append(n)
    return starts


def is_turned(tokens: Sequence[Token]) -> bool:
    """Whether the result labels are printed one per row with several cells after each (table 4 turned).

    One cell after each label is the form's own layout read column by column (a PDF drawn that
    way): its cells are in the form's order already.
    """
    starts = _result_starts(tokens)
    return starts is not None and any(sum(t.kind == "cell" for t in tokens[a:b]) > 1
                                      for a, b in zip(starts, starts[1:], strict=False))


def table4_by_rows(tokens: Sequence[Token]) -> list[Cell] | None:
    """Table 4's 15 cells in form order when it is printed a row per result, each with its 3 cells; else None."""
    starts = _result_starts(tokens)
    if starts is None or any(t.kind == "cell" for t in tokens[:starts[0]]):
        return None
    header = label_text(tokens[:starts[0]])
    at = [_first(header, words) for words in _GROUP_WORDS]
    if any(p is None for p in at):
        return None
    groups = sorted(range(len(at)), key=lambda g: at[g])  # type: ignore[arg-type, return-value]
    rows: list[list[Cell]] = []
    for n, start in enumerate(starts):
        toks = cells_after(list(tokens), start + 1, starts[n + 1] if n + 1 < len(starts) else len(tokens))
        options = read_cells(toks, len(groups))
        if len(options) != 1 or not as_printed(toks, len(groups)):
            return None
        rows.append(options[0])
    size = len(form.TABLE4_CELLS)
    out: list[Cell] = [Cell(None, "")] * (size * len(groups))
    for k, row in enumerate(rows):
        for printed, group in enumerate(groups):
            out[group * size + k] = row[printed]
    return out
