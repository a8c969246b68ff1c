"""A PDF page's characters laid out as text lines, with each table row on one line.

Pure geometry, no PDF library: the input is the page's characters (text and box) and its ruled
tables' cells (boxes, by printed row), as ``pdf.py`` reads them. The output keeps the report's
own words and only decides where lines and tab stops go:

- a ruled table prints one line per row, its cells separated by a TAB; a cell's text is joined
  across its wrapped lines, so a label printed one character a line in a narrow merged cell
  (三/、/本/年/度…) is one label again; an empty cell is an empty field; a merged cell is
  printed once, in the first row it spans;
- text outside ruled tables prints line by line in reading order (top to bottom, left to right);
  a wide gap between two words on a line (columns of a table drawn without rules) becomes a TAB,
  and a column of single characters stacked one above the other (a vertical label) is joined
  into one field, on the line where it starts.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .numbers import is_cell

_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u2014\u201c\u201d]")
_NUMBERISH = re.compile(r"^[\d０-９.,，/／—\-–]+$")
TAB_GAP = 0.7  # a gap wider than this many font sizes separates two fields, not two words
SPACE_GAP = 0.2


@dataclass(frozen=True)
class Char:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float

    @property
    def size(self) -> float:
        return max(self.bottom - self.top, 1.0)

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass(frozen=True)
class Line:
    """One printed line: its fields (a table row's cells, or a line's column pieces) and position.

    A table row with an empty cell among its cells is printed as a Word table flattens (one
    cell a line, each after a TAB, a blank line around the row): there an empty cell is a
    line of only a TAB, which the table reader counts as a blank cell wherever it stands —
    on one TAB-separated line an empty first or last cell would look like layout.
    """

    top: float
    fields: tuple[str, ...]
    cell_per_line: bool = False

    @property
    def text(self) -> str:
        if self.cell_per_line:
            return "\n" + "\n".join("\t" + f for f in self.fields) + "\n"
        return "\t".join(self.fields)


def cluster_lines(chars: Iterable[Char]) -> list[list[Char]]:
    """Characters grouped into printed lines (by vertical centre), each sorted left to right."""
    lines: list[list[Char]] = []
    centre = 0.0
    for ch in sorted(chars, key=lambda c: (c.cy, c.x0)):
        if lines and abs(ch.cy - centre) <= 0.4 * min(ch.size, lines[-1][0].size):
            lines[-1].append(ch)
        else:
            lines.append([ch])
            centre = ch.cy
    return [sorted(line, key=lambda c: c.x0) for line in lines]


def _join_words(left: str, right: str) -> str:
    """Two pieces of one text: CJK runs on without a space, Latin words keep one."""
    if not left or not right:
        return left + right
    if _WIDE.match(left[-1]) or _WIDE.match(right[0]):
        return left + right
    return left + " " + right


def line_fields(line: Sequence[Char], *, split: bool = True) -> list[tuple[float, float, str]]:
    """(x0, x1, text) of each field of a line: pieces separated by gaps wider than TAB_GAP."""
    fields: list[tuple[float, float, str]] = []
    prev: Char | None = None
    for ch in line:
        if not ch.text.strip():
            continue
        if prev is None:
            fields.append((ch.x0, ch.x1, ch.text))
        else:
            gap = ch.x0 - prev.x1
            size = max(ch.size, prev.size)
            x0, _, text = fields[-1]
            if split and gap > TAB_GAP * size:
                fields.append((ch.x0, ch.x1, ch.text))
            elif gap > SPACE_GAP * size:
                fields[-1] = (x0, ch.x1, _join_words(text, ch.text))
            else:
                fields[-1] = (x0, ch.x1, text + ch.text)
        prev = ch
    return fields


def block_text(chars: Sequence[Char]) -> str:
    """The text of one cell: its lines joined, CJK without a break, Latin words with a space."""
    text = ""
    for line in cluster_lines(chars):
        for _, _, piece in line_fields(line, split=False):
            text = _join_words(text, piece)
    return text


# ---------------------------------------------------------------- ruled tables


@dataclass(frozen=True)
class Table:
    """A ruled table: its box, and its rows as the boxes of the cells that start in each row."""

    bbox: Box
    rows: tuple[tuple[Box, ...], ...]


def table_lines(table: Table, chars: Sequence[Char]) -> list[Line]:
    """One line per row of a ruled table, each cell's text a field (empty for an empty cell)."""
    cells = [cell for row in table.rows for cell in row]
    xs = sorted({round(v, 1) for c in cells for v in (c[0], c[2])})
    ys = sorted({round(v, 1) for c in cells for v in (c[1], c[3])})
    where: dict[tuple[int, int], int] = {}
    for n, (x0, top, x1, bottom) in enumerate(cells):
        for i in range(bisect.bisect_left(xs, round(x0, 1)), bisect.bisect_left(xs, round(x1, 1))):
            for j in range(bisect.bisect_left(ys, round(top, 1)), bisect.bisect_left(ys, round(bottom, 1))):
                where[(i, j)] = n
    inside: list[list[Char]] = [[] for _ in cells]
    for ch in chars:
        n = where.get((bisect.bisect_right(xs, ch.cx) - 1, bisect.bisect_right(ys, ch.cy) - 1))
        if n is not None:
            inside[n].append(ch)
    out: list[Line] = []
    n = 0
    for row in table.rows:
        fields = [block_text(inside[n + k]) for k in range(len(row))]
        n += len(row)
        labels = [k for k, f in enumerate(fields) if f and not is_cell(f)]
        # an empty cell after the row's labels is a blank data cell; before or among them, layout
        first_data = labels[-1] + 1 if labels else 0
        has_cells = any(is_cell(f) for f in fields)
        fields = [f for k, f in enumerate(fields) if f or (k >= first_data and has_cells)]
        blank_cell = has_cells and not all(fields)
        if fields:
            out.append(Line(min(c[1] for c in row), tuple(fields), cell_per_line=blank_cell))
    return out


# ---------------------------------------------------------------- text without rules


@dataclass(frozen=True)
class _Piece:
    """A field of a printed line, with the characters it is made of."""

    chars: tuple[Char, ...]
    text: str

    @property
    def top(self) -> float:
        return min(c.top for c in self.chars)

    @property
    def cx(self) -> float:
        return (self.chars[0].x0 + self.chars[-1].x1) / 2

    @property
    def size(self) -> float:
        return max(c.size for c in self.chars)


def _pieces(line: Sequence[Char]) -> list[_Piece]:
    """A line's fields (see ``line_fields``) with their characters."""
    visible = [c for c in line if c.text.strip()]
    out: list[_Piece] = []
    start = 0
    for i in range(1, len(visible) + 1):
        if i == len(visible) or visible[i].x0 - visible[i - 1].x1 > TAB_GAP * max(visible[i].size, visible[i - 1].size):
            chars = visible[start:i]
            out.append(_Piece(tuple(chars), line_fields(chars)[0][2]))
            start = i
    return out


_NUMBERING_START = re.compile(r"[（(][一二三四五六七八九十]{1,2}[）)]")
_ROW_START = re.compile(r"^(?:[（(][一二三四五六七八九十\d]{1,3}[）)]|[一二三四五六七八九十]{1,3}[、.．]"
                        r"|\d{1,2}[、.．])")


def _stackable(piece: _Piece) -> bool:
    """One or two characters of a label standing alone: a line of a label in a narrow column."""
    return len(piece.text) <= 2 and all(_WIDE.match(c) for c in piece.text) and not _NUMBERISH.match(piece.text)


def _cut_stack(stack: list[_Piece]) -> list[list[_Piece]]:
    """A stack of pieces cut into labels: where the spacing jumps (the next label of the
    column starts lower down), and before a numbering such as （五） that starts a label."""
    if len(stack) < 2:
        return [stack]
    pitches = sorted(b.top - a.top for a, b in zip(stack, stack[1:], strict=False))
    usual = pitches[len(pitches) // 2]
    offsets, text = [], ""
    for piece in stack:
        offsets.append(len(text))
        text += piece.text
    numbered = {m.start() for m in _NUMBERING_START.finditer(text)}
    pieces: list[list[_Piece]] = [[stack[0]]]
    for i in range(1, len(stack)):
        if offsets[i] in numbered or stack[i].top - stack[i - 1].top > 1.5 * usual:
            pieces.append([])
        pieces[-1].append(stack[i])
    return pieces


def free_text_lines(chars: Sequence[Char]) -> list[Line]:
    """Lines of text outside ruled tables: fields split at wide gaps, vertical labels joined.

    A label printed a character or two a line in a narrow column (a table drawn without rules)
    is a stack of lone pieces at one x, each less than about two line heights below the last.
    It is joined into one line, placed before the row label it starts beside (a line starting
    with a numbering such as 1. or （二）), so that it never lands inside another wrapped label.
    """
    lines = [_pieces(line) for line in cluster_lines(chars)]
    stacks: list[list[_Piece]] = []
    for piece in (p for line in lines for p in line if _stackable(p)):
        for stack in stacks:
            last = stack[-1]
            if abs(last.cx - piece.cx) < 0.5 * piece.size and 0 < piece.top - last.top < 2.2 * piece.size:
                stack.append(piece)
                break
        else:
            stacks.append([piece])
    runs = [run for stack in stacks for run in _cut_stack(stack) if len(run) >= 3]
    taken = {id(p) for run in runs for p in run}
    out = [Line(min(p.top for p in line), tuple(p.text for p in line if id(p) not in taken)) for line in lines]
    out = [line for line in out if line.fields]
    for run in sorted(runs, key=lambda r: r[0].top):
        i = next((n for n, line in enumerate(out) if line.top > run[0].top - 0.5 * run[0].size), len(out))
        back = i
        while back > 0 and i - back < 6 and not (back < len(out) and _ROW_START.match(out[back].fields[0])):
            back -= 1
        if back < len(out) and _ROW_START.match(out[back].fields[0]):
            i = back
        out.insert(i, Line(out[i].top if i < len(out) else run[0].top, ("".join(p.text for p in run),)))
    return out


def page_lines(chars: Sequence[Char], tables: Sequence[Table]) -> list[Line]:
    """The page's lines top to bottom: ruled tables row by row, other text line by line."""
    def within(ch: Char, box: Box) -> bool:
        return box[0] <= ch.cx <= box[2] and box[1] <= ch.cy <= box[3]

    owner: list[list[Char]] = [[] for _ in tables]
    free: list[Char] = []
    for ch in chars:
        for n, table in enumerate(tables):
            if within(ch, table.bbox):
                owner[n].append(ch)
                break
        else:
            free.append(ch)
    lines = free_text_lines(free)
    for table, inside in zip(tables, owner, strict=True):
        lines += table_lines(table, inside)
    return sorted(lines, key=lambda ln: ln.top)
