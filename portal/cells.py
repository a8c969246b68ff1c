"""The cells of the form, and reading them from a report's data: the one accessor.

A cell is named by its dotted contract path (``table3.withheld.state_secret.research``,
``table2.licensing``, ``table2_2019.fees.change``). Every path of the form is parsed here once,
into a ``Cell`` (table, row, column) with its reader made at the same time: validation, checks,
key figures, the report pages' tables and the downloads all read cells through it, so the shape
of the data — table 3's rows are lists in column order, the other tables nest mappings — is
walked in one place. How the 2019 form prints （六）其他处理 (one row instead of three) is decided
here too (``single_row``).

Readers are made once per path, not per call: pages read ~250 cells of every report, and
splitting a dotted path on every read was the second largest cost of rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from . import form

_TABLE3_COLUMN_INDEX = {c.key: i for i, c in enumerate(form.TABLE3_COLUMNS)}


@dataclass(frozen=True)
class Cell:
    """One cell of the form, its path parsed.

    ``read(data)`` is the cell's value in a report's data, or None when it is null, when its
    table is missing, or when the data has another shape (validation reports that, not
    readers). ``find(data)`` also says whether the cell exists in that data, for validation."""

    path: str  # the contract path, e.g. "table3.withheld.state_secret.research"
    table: str  # table2 | table3 | table4 | table2_2019
    row: tuple[str, ...]  # keys from the table to the row: ("withheld", "state_secret"), ("licensing",)
    column: str | None  # None for a table-2 row that is one number (行政许可, 收费)
    index: int | None  # table 3: the column's place in a row, which the data holds as a list
    read: Callable[[dict], Any] = field(compare=False, repr=False)

    def find(self, data: dict) -> tuple[bool, Any]:
        """(whether the data has this cell, its value): a missing table has all its cells, null."""
        node: Any = data.get(self.table)
        if node is None:
            return True, None
        index = self.index
        for part in self.row:
            if index is not None and isinstance(node, list):  # a row's list: only its column can follow
                return False, None
            if not isinstance(node, dict) or part not in node:
                return False, None
            node = node[part]
        if self.column is not None:
            if index is not None and isinstance(node, list):
                return True, node[index] if index < len(node) else None
            if not isinstance(node, dict) or self.column not in node:
                return False, None
            node = node[self.column]
        if isinstance(node, (dict, list)):
            return False, None
        return True, node


def _reader(table: str, keys: tuple[str, ...], index: int | None) -> Callable[[dict], Any]:
    """The fast read of one cell: the path's parts bound in a closure (cheaper to call than a
    method reading them from ``self``), giving ``Cell.find``'s value for any data (tested)."""
    *inner, last = keys

    def read(data: dict) -> Any:
        node = data.get(table)
        for part in inner:
            if not isinstance(node, dict):
                return None
            node = node.get(part)
        if index is not None and isinstance(node, list):
            return node[index] if index < len(node) else None
        value = node.get(last) if isinstance(node, dict) else None
        return None if isinstance(value, (dict, list)) else value

    return read


def _cell(table: str, row: tuple[str, ...], column: str | None = None) -> Cell:
    keys = (*row, column) if column else row
    index = _TABLE3_COLUMN_INDEX[column] if table == "table3" and column else None
    return Cell(".".join((table, *keys)), table, row, column, index, _reader(table, keys, index))


def _form_cells() -> Iterator[Cell]:
    """Every cell of the form, table by table in printed order (table 3's 2019 single row last)."""
    for item in form.TABLE2_TRIPLES:
        yield from (_cell("table2", (item.key,), c.key) for c in form.TRIPLE_CELLS)
    for item in (*form.TABLE2_COUNTS, form.TABLE2_FEES):
        yield _cell("table2", (item.key,))
    for row in (*form.TABLE3_ROWS, form.TABLE3_SINGLE_ROW):
        yield from (_cell("table3", row.path, c.key) for c in form.TABLE3_COLUMNS)
    for group in form.TABLE4_GROUPS:
        yield from (_cell("table4", (group.key,), c.key) for c in form.TABLE4_CELLS)
    for row2019 in form.TABLE2_2019_ROWS:
        yield from (_cell(form.TABLE2_2019_KEY, (row2019.key,), c.key) for c in row2019.cells)


CELLS: dict[str, Cell] = {c.path: c for c in _form_cells()}
"""Every cell of the form by its path."""

CELL_PATHS = frozenset(CELLS)


def _no_cell(data: dict) -> None:
    return None


def reader(path: str) -> Callable[[dict], Any]:
    """The read of a cell path; for a path the form does not have, a read that finds nothing."""
    cell = CELLS.get(path)
    return cell.read if cell is not None else _no_cell


# ---------------------------------------------------------------- table 3 rows


def row_values(table3: dict, row: tuple[str, ...]) -> list | None:
    """A table-3 row (``("new",)``, ``("withheld", "state_secret")``) as its list of seven
    cells in column order, or None when the row is null or not a list."""
    node: Any = table3
    for part in row:
        node = node.get(part) if isinstance(node, dict) else None
    return node if isinstance(node, list) else None


_OTHER_HANDLING = form.TABLE3_GROUP_BY_KEY["other_handling"]


def single_row(table3: dict | None) -> bool:
    """Whether a report prints （六）其他处理 as one row, as the 2019 form does: its
    ``single_row`` has numbers and the three sub-rows are null."""
    handling = (table3 or {}).get(_OTHER_HANDLING.key) or {}
    return handling.get(form.SINGLE_ROW) is not None and all(handling.get(r.key) is None
                                                            for r in _OTHER_HANDLING.rows)


_OUTCOME_ROWS = tuple(r for r in form.TABLE3_ROWS if r.is_outcome)
_OUTCOME_ROWS_SINGLE = (*(r for r in _OUTCOME_ROWS if r.path[0] != _OTHER_HANDLING.key), form.TABLE3_SINGLE_ROW)


def outcome_rows(single: bool) -> tuple[form.Row, ...]:
    """The outcome rows that add up to （七）总计: with （六） as its sub-rows, or as one row."""
    return _OUTCOME_ROWS_SINGLE if single else _OUTCOME_ROWS


def items_getter(items: Sequence[Any]) -> Callable[[Any], tuple]:
    """A getter of these items (list indices or mapping keys) as a tuple, in one C call, even of one
    item (``itemgetter`` of one item returns it bare)."""
    if len(items) == 1:
        one = items[0]
        return lambda node: (node[one],)
    return itemgetter(*items)
