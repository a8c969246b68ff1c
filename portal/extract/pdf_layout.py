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
    """One printed line: its fields (a table row's cells, or a line's column pieces) and position."""

    top: float
    fields: tuple[str, ...]

    @property
    def text(self) -> str:
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
        if row:
            out.append(Line(min(c[1] for c in row), tuple(fields)))
    return out


# ---------------------------------------------------------------- text without rules


def _vertical_runs(chars: list[Char]) -> tuple[list[tuple[Line, float]], list[Char]]:
    """Columns of single stacked characters (labels in narrow cells) joined, and the rest.

    A character belongs to a run when nothing is printed right beside it on its line and the
    next character down sits at the same x, less than two line heights below. Digits never
    stack into a run: a column of numbers is a column of cells.
    """
    by_line = cluster_lines(chars)
    alone: list[Char] = []
    for line in by_line:
        visible = [c for c in line if c.text.strip()]
        for i, ch in enumerate(visible):
            near_left = i > 0 and ch.x0 - visible[i - 1].x1 < TAB_GAP * ch.size
            near_right = i + 1 < len(visible) and visible[i + 1].x0 - ch.x1 < TAB_GAP * ch.size
            if not near_left and not near_right and _WIDE.match(ch.text) and not _NUMBERISH.match(ch.text):
                alone.append(ch)
    runs: list[list[Char]] = []
    for ch in sorted(alone, key=lambda c: c.top):
        for run in runs:
            last = run[-1]
            if abs(last.cx - ch.cx) < 0.5 * ch.size and 0 < ch.top - last.top < 2.2 * ch.size:
                run.append(ch)
                break
        else:
            runs.append([ch])
    taken: set[int] = set()
    lines: list[tuple[Line, float]] = []
    for run in (piece for stack in runs for piece in _cut_stack(stack)):
        if len(run) >= 3:
            taken.update(id(c) for c in run)
            lines.append((Line(run[0].top, ("".join(c.text for c in run),)), run[0].size))
    rest = [c for c in chars if id(c) not in taken]
    return lines, rest


_NUMBERING_START = re.compile(r"[（(][一二三四五六七八九十]{1,2}[）)]")


def _cut_stack(stack: list[Char]) -> list[list[Char]]:
    """A stack of characters cut into labels: where the spacing jumps (the next label of the
    column starts lower down), and before a numbering such as （五） that starts a label."""
    if len(stack) < 2:
        return [stack]
    pitches = sorted(b.top - a.top for a, b in zip(stack, stack[1:], strict=False))
    usual = pitches[len(pitches) // 2]
    text = "".join(c.text for c in stack)
    numbered = {m.start() for m in _NUMBERING_START.finditer(text)}
    pieces: list[list[Char]] = [[stack[0]]]
    for i in range(1, len(stack)):
        if i in numbered or stack[i].top - stack[i - 1].top > 1.5 * usual:
            pieces.append([])
        pieces[-1].append(stack[i])
    return pieces


def free_text_lines(chars: Sequence[Char]) -> list[Line]:
    """Lines of text outside ruled tables: fields split at wide gaps, vertical labels joined."""
    runs, rest = _vertical_runs(list(chars))
    lines = [Line(min(c.top for c in line), tuple(f[2] for f in line_fields(line)))
             for line in cluster_lines(rest)]
    lines = [line for line in lines if line.fields]
    if not runs:
        return lines
    # a run joins the line it starts beside, as its first field; or stands alone above it
    out = sorted(lines, key=lambda ln: ln.top)
    tops = [ln.top for ln in out]
    for run, size in runs:
        i = bisect.bisect_left(tops, run.top - 0.5 * size)
        if i < len(out) and abs(out[i].top - run.top) < 0.5 * size:
            out[i] = Line(out[i].top, run.fields + out[i].fields)
        else:
            out.insert(i, run)
            tops.insert(i, run.top)
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
