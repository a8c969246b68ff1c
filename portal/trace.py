"""Every table number found in its source: each non-null cell against the row of the source table
that holds it.

A reviewed report is a person's reading of the source; nothing else ties its numbers to what the
agency printed. Here the source text is laid out and its rows are found exactly as ``ingest`` finds
them (``extract.view``, ``extract.tokens``, ``extract.tables``: the form's labels in every layout),
and the cells of each YAML row must be the numbers printed after that row's label — one by one when
the source prints one number a cell, or spelled out in order when its digits ran together
(``规章007``, web text glued onto one line). Reading a row's numbers needs no splitting and no sums,
so this is cheap: a few milliseconds a report, most of it tokenising the table regions.

A cell that is not where its row's label is, is still traced when the reader of ``extract`` reads
that very number into that cell: layouts the reader decides by the header words (table 3's columns
in another order, table 4 turned a quarter) or proves by the form's sums (table 3 printed column by
column, or a row per applicant), and units or a split merged header in table 2's cells. That
re-reading runs only for a table that does not match label by label, so it costs nothing for the
usual layouts.

A table whose every row printed its numbers *before* its label (some PDF text layers) is accepted
too, and so is one whose labels drifted away from its numbers when all of its cells, in form order,
spell the numbers the region prints in order: the reader's two fallbacks, for whole tables only.

Tables the source does not print as text — read from images (``source.ocr``, or an ``[image: …]``
where the table should be) — are exempt, and say so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from . import form
from .cells import items_getter, single_row
from .extract.numbers import NULL_MARKS, fold, is_cell, parse_cell
from .extract.table2 import TABLE2_2019_ANCHORS, amounts_as_cells, read_table2
from .extract.table3 import read_table3
from .extract.table4 import read_table4
from .extract.tables import (
    TABLE2_ANCHORS,
    TABLE3_ANCHORS,
    Anchor,
    TableRead,
    cells_after,
    find_anchors,
    find_regions,
    table_tokens,
)
from .extract.tokens import Token
from .extract.view import reading_lines
from .numfmt import format_number
from .pickling import by_constructor

IMAGE_EXEMPT = "原文此表以图片发布，文字中没有它的数字：表中数字读自图片，无法与原文文字逐格核对。"
OCR_EXEMPT = "原文由图片经 OCR 识别：表中数字只保留了经勾稽关系验证的，无法与原文文字逐格核对。"
OCR_EXEMPT_TABLE2 = ("原文由图片经 OCR 识别：表二没有勾稽关系，其数字只在两次独立识别一致时保留，标 ※ 者请以原件为准；"
                     "无法与原文文字逐格核对。")
AMOUNT = "." + next(iter(form.AMOUNT_CELLS))
TAIL = 4
"""How much of the end of a form label the fast path looks for: enough to tell the rows apart
(国家秘密, 第三方合法权益 …), short enough to skip the numbering that varies (一、 1. （三）)."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A non-null cell whose number is not where the source prints its row."""

    __reduce__ = by_constructor

    path: str  # the cell path (table2.licensing); a table key when the source prints no numbers for it
    value: int | float | None
    printed: str | None  # what the source prints in that place, when it can be told
    yaml_path: tuple[str | int, ...]  # where the cell is in the YAML, for its line number

    @property
    def message(self) -> str:
        if self.value is None:
            return "原文中找不到这张表的数字，表中数字无从核对"
        shown = format_number(self.value)
        if self.printed is None:
            return f"{shown} 不在原文表格的这一行中（原文这一行没有数字，或找不到这一行的标签）"
        return f"{shown} 不在原文表格的这一行中（原文印作 {self.printed}）"


@dataclass(frozen=True, slots=True)
class Trace:
    """What tracing a report's tables to its source found."""

    __reduce__ = by_constructor

    checked: int = 0  # non-null cells found in the source
    mismatches: tuple[Mismatch, ...] = ()
    exempt: tuple[tuple[str, str], ...] = ()  # (table key, why its numbers cannot be traced)

    @property
    def exempt_tables(self) -> dict[str, str]:
        return dict(self.exempt)


@dataclass(frozen=True, slots=True)
class Shape:
    """Where one printed row of a table lives: its label, its cells' paths and YAML places.

    The same in every report, so made once; only the values are read per report."""

    anchor: str  # key of the source label (an ``Anchor`` of the reader)
    tail: str | None  # how the form's printed label ends, for the fast path (None: no fast path)
    paths: tuple[str, ...]
    places: tuple[tuple[str | int, ...], ...]
    parts: tuple[tuple[tuple[str, ...], tuple[str | int, ...]], ...]  # (container, keys or indices), in order

    def values(self, data: dict) -> tuple[int | float | None, ...]:
        out: list = []
        for container, keys in self.parts:
            node: object = data
            for k in container:
                node = node.get(k) if isinstance(node, dict) else None
            if isinstance(node, list):
                if len(node) == len(keys) and _in_order(keys):  # a table-3 row of its seven: the list itself
                    out += node
                else:
                    out += (node[k] if k < len(node) else None for k in keys)  # type: ignore[operator]
            elif isinstance(node, dict):
                try:  # every key there (most rows): one C call
                    out += _items(keys)(node)
                except KeyError:
                    out += (node.get(k) for k in keys)
            else:
                out += [None] * len(keys)
        return tuple(out)


_items = cache(items_getter)
"""A row's getter, made once per shape of row (``cells.items_getter``)."""


@cache
def _in_order(keys: tuple) -> bool:
    """Whether a row's keys are the indices 0, 1, 2 … of a list row, each once."""
    return keys == tuple(range(len(keys)))


@dataclass(frozen=True, slots=True)
class Row:
    """A shape with one report's values."""

    shape: Shape
    values: tuple[int | float | None, ...]

    @property
    def anchor(self) -> str:
        return self.shape.anchor

    @property
    def tail(self) -> str | None:
        return self.shape.tail

    @property
    def paths(self) -> tuple[str, ...]:
        return self.shape.paths

    @property
    def places(self) -> tuple[tuple[str | int, ...], ...]:
        return self.shape.places


# ---------------------------------------------------------------- the tables' rows


def _shape(anchor: str, label: str | None, parts: list[tuple[tuple[str, ...], tuple[str, ...]]]) -> Shape:
    """A row whose cells are the keys of the mappings ``parts`` names: paths and places alike."""
    places = tuple((*container, key) for container, keys in parts for key in keys)
    return Shape(anchor, None if label is None else label[-TAIL:], tuple(".".join(p) for p in places), places,
                 tuple(parts))


def _table2_shapes() -> tuple[Shape, ...]:
    triple = [c.key for c in form.TRIPLE_CELLS]
    out = [_shape(i.key, i.label, [(("table2", i.key), tuple(triple))]) for i in form.TABLE2_TRIPLES]
    for item in (*form.TABLE2_COUNTS, form.TABLE2_FEES):
        out.append(Shape(item.key, item.label[-TAIL:], (f"table2.{item.key}",), (("table2", item.key),),
                         ((("table2",), (item.key,)),)))
    return tuple(out)


def _table2_2019_shapes() -> tuple[Shape, ...]:
    key = form.TABLE2_2019_KEY
    return tuple(_shape(r.key, None, [((key, r.key), tuple(c.key for c in r.cells))]) for r in form.TABLE2_2019_ROWS)


def _table3_shapes(single: bool) -> tuple[Shape, ...]:
    columns = [c.key for c in form.TABLE3_COLUMNS]
    out = []
    handling = [r for r in form.TABLE3_ROWS if r.path[0] == "other_handling"]
    for row in form.TABLE3_ROWS:
        if row.path[0] == "other_handling":
            if single and row is handling[0]:
                row = form.TABLE3_SINGLE_ROW  # （六） printed as one row, where its sub-rows would be
            elif single:
                continue
        anchor = "other_handling" if row is form.TABLE3_SINGLE_ROW else row.key
        out.append(Shape(anchor, row.label[-TAIL:], tuple(f"table3.{row.key}.{c}" for c in columns),
                         tuple(("table3", *row.path, i) for i in range(len(columns))),
                         ((("table3", *row.path), tuple(range(len(columns)))),)))
    return tuple(out)


def _table4_shape() -> Shape:
    cells = tuple(c.key for c in form.TABLE4_CELLS)
    return _shape("table4", form.TABLE4_CELLS[-1].label, [(("table4", g.key), cells) for g in form.TABLE4_GROUPS])


# ---------------------------------------------------------------- the fast path


_NEXT = re.compile(r"[\s|\u3000]*([^\s|\u3000]+)")
"""The next printed word after a position: cells are separated by whitespace (one a line in Word
tables, tabs in web text) or by Markdown pipes."""


def _printed_as(text: str, rows: Sequence[Row]) -> bool:
    """Whether ``text`` prints every row, in form order, as the form's label followed by exactly its
    cells: the layout of most reports, proven with a few string searches instead of the reader.

    Strict, never loose: each non-null cell must be the number printed in its place, the row must
    print exactly its width of cells, and the rows must come in order. Anything else (a blank cell,
    digits run together, a label worded differently) answers False, and the reader's own label
    finding decides (``_match_rows``)."""
    pos = 0
    for row in rows:
        if row.tail is None:
            return False
        p = text.find(row.tail, pos)
        while p >= 0:
            end = _cells_match(text, p + len(row.tail), row.values)
            if end is not None:
                break
            p = text.find(row.tail, p + 1)
        if p < 0:
            return False
        pos = end  # type: ignore[assignment]
    return True


_follows_a_cell = lru_cache(maxsize=4096)(is_cell)
"""``is_cell`` of the word after a row, remembered: it is nearly always the next row's label, the
form's own words, the same in most reports (folding and four patterns a row, ~30 rows a report)."""


@cache
def _words(count: int) -> re.Pattern[str]:
    """``count`` printed words in a row, as ``_NEXT`` finds them one after another (possessive: a
    word is never cut short to make up the count)."""
    return re.compile(r"[\s|\u3000]*+([^\s|\u3000]++)" * count)


def _cells_match(text: str, pos: int, values: Sequence[int | float | None]) -> int | None:
    """The end of the row when ``text`` prints exactly ``values`` from ``pos`` on, else None."""
    row = _words(len(values)).match(text, pos)  # the row's words in one match, not one match a cell
    if row is None:
        return None
    for word, value in zip(row.groups(), values, strict=True):
        if type(value) is int and word == str(value):
            continue  # most cells: an int printed as its own digits (what the test below finds, sooner)
        if word.isascii() and word.isdigit() and (len(word) == 1 or word[0] != "0"):
            printed: int | float | None = int(word)  # parse_cell's answer, without its folding
        else:
            cell = parse_cell(word, decimal=True, signed=True)
            if cell is None:
                return None
            printed = cell.value
        if value is not None and (printed is None or abs(printed - value) > 1e-9):
            return None
    m = _NEXT.match(text, row.end())
    return None if m and _follows_a_cell(m.group(1)) else row.end()


# ---------------------------------------------------------------- matching a row


def _spelled(value: int | float) -> str:
    return format_number(value).replace(",", "")


def _value_of(tok: Token) -> int | float | None:
    cell = parse_cell(tok.text, decimal=True, signed=True) if tok.kind == "cell" else None
    return None if cell is None else cell.value


def _same(path: str, printed: int | float | None, value: int | float) -> bool:
    """Whether the printed number is the value; an amount in 元 may be printed in 万元 (2019 form)."""
    if printed is None:
        return False
    return abs(printed - value) < 1e-9 or (path.endswith(AMOUNT) and abs(printed * 10_000 - value) < 0.005)


def _match(row: Row, toks: Sequence[Token]) -> list[Mismatch]:
    """The row's non-null cells that the source's cells ``toks`` (one printed row) do not hold."""
    width = len(row.values)
    cells = [t for t in toks if t.kind == "cell"]
    group = list(toks) if len(toks) == width else cells if len(cells) == width else None
    wanted = [i for i, v in enumerate(row.values) if v is not None]
    if group is not None:  # one printed number a cell: compare place by place
        out = []
        for i in wanted:
            tok = group[i]
            if not _same(row.paths[i], _value_of(tok), row.values[i]):  # type: ignore[arg-type]
                out.append(Mismatch(row.paths[i], row.values[i], tok.text.strip() or "空白", row.places[i]))
        return out
    # Digits that ran together (or a row short of cells): the row's numbers, in order, must spell them.
    source = "".join(fold(t.text).replace(" ", "").replace(",", "").replace("，", "") for t in cells
                     if fold(t.text).replace(" ", "") not in NULL_MARKS)
    pos, out = 0, []
    for i in wanted:
        spelled = _spelled(row.values[i])  # type: ignore[arg-type]
        if not source.startswith(spelled, pos):
            shown = f"“{source}”" if source else None
            out.append(Mismatch(row.paths[i], row.values[i], shown and f"{source[pos:pos + len(spelled)] or '—'}"
                                f"（这一行连写为 {shown}）", row.places[i]))
        pos += len(spelled)
    if not out and pos != len(source):  # numbers left over: the row as the YAML has it is not the printed row
        i = wanted[-1] if wanted else None
        if i is not None:
            out.append(Mismatch(row.paths[i], row.values[i], f"这一行连写为 “{source}”", row.places[i]))
    return out


def _segments(tokens: list[Token], anchors: Sequence[Anchor]) -> dict[str, tuple[list[Token], list[Token]]]:
    """Each found label's cells after it (up to the next label) and before it (since the previous one)."""
    found = sorted(find_anchors(tokens, anchors).items(), key=lambda kv: kv[1])
    out = {}
    for n, (key, (tok, _)) in enumerate(found):
        end = found[n + 1][1][0] if n + 1 < len(found) else len(tokens)
        begin = found[n - 1][1][0] + 1 if n else 0
        out[key] = (cells_after(tokens, tok + 1, end), cells_after(tokens, begin, tok))
    return out


def _match_rows(rows: list[Row], tokens: list[Token], anchors: Sequence[Anchor]) -> list[Mismatch]:
    """Every row against the cells after its label. When some do not match, the other two layouts
    the reader accepts, each for the whole table only (as the reader does, so that a row is never
    excused by its neighbour's numbers): every row's numbers printed just before its label (some PDF
    text layers), or all the table's numbers in form order with the labels drifted away."""
    if len(rows) == 1:  # table 4: one run of cells in the whole region
        return _match(rows[0], cells_after(tokens, 0, len(tokens)))
    segments = _segments(tokens, anchors)
    printed = [r for r in rows if any(v is not None for v in r.values)]
    after = [m for r in printed for m in _match(r, segments.get(r.anchor, ([], []))[0])]
    if not after:
        return []
    if all(r.anchor in segments and not _match(r, segments[r.anchor][1]) for r in printed):
        return []
    whole = Row(Shape("", None, sum((r.paths for r in rows), ()), sum((r.places for r in rows), ()), ()),
                sum((r.values for r in rows), ()))
    if not _match(whole, [t for t in cells_after(tokens, 0, len(tokens)) if t.kind == "cell"]):
        return []
    return after


def _not_read_so(key: str, missed: list[Mismatch], lines: Sequence[str],
                 span: tuple[int, int] | None) -> list[Mismatch]:
    """The mismatches of table ``key`` that the extract reader does not read as the YAML has them (module doc)."""
    read = {"table2": read_table2, "table3": read_table3, "table4": read_table4}[key](lines, span).data
    return [m for m in missed if m.value is None or _at(read, m.yaml_path[1:]) != m.value]


def _at(node: object, place: Sequence[str | int]) -> object:
    for part in place:
        if isinstance(node, dict) and isinstance(part, str):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


TABLE2_SHAPES = _table2_shapes()
TABLE2_2019_SHAPES = _table2_2019_shapes()
TABLE3_SHAPES = {single: _table3_shapes(single) for single in (False, True)}
TABLE4_SHAPE = _table4_shape()


# ---------------------------------------------------------------- a report


def trace_report(data: dict, text: str) -> Trace:
    """Each non-null table cell of ``data`` looked for in ``text`` (the report's source)."""
    tables = {k: data.get(k) for k in ("table2", "table3", "table4", form.TABLE2_2019_KEY)}
    if not any(isinstance(t, dict) for t in tables.values()):
        return Trace()
    if (data.get("source") or {}).get("ocr"):
        return Trace(exempt=tuple((k, OCR_EXEMPT_TABLE2 if k == "table2" else OCR_EXEMPT)
                                  for k in ("table2", "table3", "table4") if tables[k]))
    t2019 = isinstance(tables[form.TABLE2_2019_KEY], dict)
    shapes = {"table2": TABLE2_2019_SHAPES if t2019 else TABLE2_SHAPES,
              "table3": TABLE3_SHAPES[single_row(tables["table3"])], "table4": (TABLE4_SHAPE,)}
    rows = {key: [Row(shape, shape.values(data)) for shape in shapes[key]]
            for key in ("table2", "table3", "table4") if isinstance(tables[key], dict)}
    filled = {key: sum(v is not None for r in table_rows for v in r.values) for key, table_rows in rows.items()}
    printed = [r for table_rows in rows.values() for r in table_rows if any(v is not None for v in r.values)]
    if _printed_as(text, printed):
        return Trace(sum(filled.values()))
    lines = reading_lines(text)
    regions = find_regions(lines)
    checked, mismatches, exempt = 0, [], []
    for key, table_rows in rows.items():
        if not filled[key]:
            continue
        read = TableRead()
        tokens = table_tokens(lines, regions[key], read)
        if tokens is None:
            if read.missing and read.missing.startswith("表格以图片"):
                exempt.append((key, IMAGE_EXEMPT))
            else:
                mismatches.append(Mismatch(key, None, None, (key,)))
            continue
        anchors = (TABLE2_2019_ANCHORS if key == "table2" and t2019 else TABLE2_ANCHORS if key == "table2"
                   else TABLE3_ANCHORS)
        if key == "table2" and t2019:
            tokens = amounts_as_cells(tokens)
        missed = _match_rows(table_rows, tokens, anchors)
        if missed and not (key == "table2" and t2019):
            missed = _not_read_so(key, missed, lines, regions[key])
        mismatches += missed
        checked += filled[key] - len(missed)
        if key == "table2" and t2019:
            mismatches += _carried_2019(tables["table2"], tables[form.TABLE2_2019_KEY])
    return Trace(checked, tuple(mismatches), tuple(exempt))


def _carried_2019(t2: dict, t2019: dict) -> list[Mismatch]:
    """On the 2019 form, table 2's decision counts are the 2019 table's 处理决定数量 (traced above)."""
    out = []
    for row in form.TABLE2_2019_ROWS:
        if row.carries_to is None or t2.get(row.carries_to) is None:
            continue
        printed = (t2019.get(row.key) or {}).get("decisions")
        if printed != t2[row.carries_to]:
            out.append(Mismatch(f"table2.{row.carries_to}", t2[row.carries_to],
                                f"{form.TABLE2_2019_KEY}.{row.key}.decisions 为 {'空' if printed is None else printed}",
                                ("table2", row.carries_to)))
    return out
