"""Markdown, as PDF→Markdown converters write it, laid out for the table reader.

pandoc, marker, MinerU, docling and Word→Markdown tools print a report's tables as pipe tables
(``| 一、本年新收… | 26 | 0 | … |``) and its titles with ``#``, ``**`` and ``>``. The table
reader reads a row printed on one line with a TAB between cells (text copied from a web page),
so each pipe row becomes such a line, and the marks around labels and titles are dropped. Only
the layout changes, and only in the reading view: no word or digit is added or lost (except a
converter's own row numbering, below), and the stored text stays as it was given.

What converters get wrong, and how it is laid out:

- a row's label one line above its numbers (a label row of empty cells, then a row of numbers
  with an empty first cell), or a label split over two rows: each row is a line of its own, and
  the reader joins a label's pieces around its numbers as it does for any wrapped label;
- merged cells printed as empty cells, or as the merged cell's text repeated in every row or
  column it spans: a label repeated from the cell above or to the left is printed once, and a
  number repeated under a header repeated over all number columns (table 2's one-cell rows) too;
- a leading row-number column (序号 1, 2, 3 …) is dropped: its numbers are no cells of the form;
  a trailing column that is empty everywhere is ignored;
- an empty cell is kept as an empty data cell only inside the table's numeric columns. An empty
  field at either end of a tab-separated line looks like layout to the reader, so a row whose
  first or last number is blank is printed as a flattened Word row instead (one cell per line,
  tab first, a line of only a tab for the blank cell), the reader's other layout;
- ``\\|`` (an escaped pipe), ``<br>``, ``**bold**`` and HTML entities inside cells;
- an HTML ``<table>`` inside the Markdown (MinerU writes them) is flattened by the HTML reader;
- pandoc's grid tables (``+---+`` rules, a long label wrapped over lines inside its cell) become
  pipe rows, each cell's lines joined.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .html import html_to_text
from .numbers import fold, is_cell

_PIPE = re.compile(r"(?<!\\)\|")
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(?:\s+|$)")
_GRID_RULE = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")
_CLOSING_HASHES = re.compile(r"\s+#+\s*$")
_QUOTE = re.compile(r"^\s*(?:>\s?)+")
_BOLD = re.compile(r"\*\*")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)
_ROW_NUMBER_HEADERS = frozenset({"", "序号", "行次", "栏次", "编号", "#", "No.", "NO."})
MAX_HTML_LINES = 5000  # an unclosed <table> does not swallow the rest of a long file
MIN_NUMBERED_ROWS = 3


@dataclass(frozen=True)
class PipeTable:
    """A Markdown pipe table: the lines it spans and its rows of cleaned cell texts."""

    start: int
    end: int
    rows: list[list[str]]


def markdown_layout(lines: list[str]) -> list[str]:
    """``lines`` with Markdown pipe tables as tab rows and the marks around labels dropped."""
    lines = _join_grid_tables(_flatten_html_tables([_QUOTE.sub("", line) for line in lines]))
    tables = find_pipe_tables(lines)
    escaped = bool(tables) or any(_HEADING.match(line) for line in lines)
    out: list[str] = []
    n = 0
    for table in tables:
        out += [_plain(line, escaped) for line in lines[n:table.start]]
        out += tab_rows(table.rows)
        n = table.end
    out += [_plain(line, escaped) for line in lines[n:]]
    return out


def _plain(line: str, escaped: bool) -> str:
    """A line outside tables without heading hashes, bold marks and (in Markdown) escapes."""
    if _HEADING.match(line):
        line = _CLOSING_HASHES.sub("", _HEADING.sub("", line))
    line = _BOLD.sub("", line)
    return _ESCAPE.sub(r"\1", line) if escaped else line


def _flatten_html_tables(lines: list[str]) -> list[str]:
    """Each ``<table>…</table>`` block flattened by the HTML reader; other lines as they are."""
    out: list[str] = []
    n = 0
    while n < len(lines):
        if not _TABLE_OPEN.search(lines[n]):
            out.append(lines[n])
            n += 1
            continue
        end = next((k for k in range(n, min(len(lines), n + MAX_HTML_LINES)) if _TABLE_CLOSE.search(lines[k])), None)
        if end is None:
            out.append(lines[n])
            n += 1
            continue
        out += ["", *html_to_text("\n".join(lines[n:end + 1])).split("\n"), ""]
        n = end + 1
    return out


def _join_grid_tables(lines: list[str]) -> list[str]:
    """pandoc's grid tables (rows between ``+---+`` rules) as pipe tables: one pipe row a table row.

    A grid table wraps a long label over several lines inside its cell; the pieces of each column
    are joined back (no space: the labels are Chinese). A row whose lines split into different
    numbers of cells (a merged cell) keeps its lines as they are.
    """
    out: list[str] = []
    rows: list[list[str]] | None = None  # the lines of the grid row being read, split into cells

    def close() -> None:
        if not rows:
            return
        if len({len(r) for r in rows}) == 1:
            rows[:] = [["".join(parts) for parts in zip(*rows, strict=True)]]
        out.extend("| " + " | ".join(r) + " |" for r in rows)

    for line in lines:
        if _GRID_RULE.match(line):
            close()
            rows = []
        elif rows is not None and line.lstrip().startswith("|"):
            rows.append(split_row(line))
        else:
            close()
            rows = None
            out.append(line)
    close()
    return out


# ---------------------------------------------------------------- finding pipe tables


def find_pipe_tables(lines: list[str]) -> list[PipeTable]:
    """Runs of lines holding a pipe that are a table: with a ``|---|`` line, or every row ``| … |``."""
    tables: list[PipeTable] = []
    n = 0
    while n < len(lines):
        if not _PIPE.search(lines[n]):
            n += 1
            continue
        end = n
        while end < len(lines) and _PIPE.search(lines[end]):
            end += 1
        block = lines[n:end]
        separated = any(_SEPARATOR.match(line) for line in block)
        framed = len(block) >= 2 and all(line.lstrip().startswith("|") for line in block)
        if separated or framed:
            rows = [split_row(line) for line in block if not _SEPARATOR.match(line)]
            tables.append(PipeTable(n, end, rows))
        n = end
    return tables


def split_row(line: str) -> list[str]:
    """The cleaned cells of one pipe row: outer pipes off, ``\\|`` a pipe, marks dropped."""
    text = line.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    return [clean_cell(cell) for cell in _PIPE.split(text)]


def clean_cell(cell: str) -> str:
    text = _BR.sub(" ", cell)
    text = _BOLD.sub("", text)
    text = _ESCAPE.sub(r"\1", text)
    text = html.unescape(text).replace("\u00a0", " ")
    return " ".join(text.split())


# ---------------------------------------------------------------- laying rows out


def _is_number_cell(text: str) -> bool:
    return bool(text) and is_cell(text)


def _row_number_column(rows: list[list[str]]) -> bool:
    """Whether the first column numbers the rows 1, 2, 3 … beside labels (a converter's 序号).

    Only a run 1…k in order, at least three long, each beside a label, counts: a table whose
    first column holds the form's numbers (table 4's one row of numbers) never matches.
    """
    numbered = [r for r in rows if r and r[0]]
    values = [r[0] for r in numbered if fold(r[0]) not in _ROW_NUMBER_HEADERS]
    if len(values) < MIN_NUMBERED_ROWS or not all(fold(v).isdigit() for v in values):
        return False
    if [int(fold(v)) for v in values] != list(range(1, len(values) + 1)):
        return False
    return all(any(c and not is_cell(c) for c in r[1:]) for r in numbered if fold(r[0]).isdigit())


def _deduplicate_labels(rows: list[list[str]], label_columns: int) -> list[list[str]]:
    """Label cells repeated from the cell above or to the left (a merged cell, repeated) blanked."""
    out: list[list[str]] = []
    above: list[str] = []
    for row in rows:
        new = list(row)
        for c in range(min(label_columns, len(row))):
            if row[c] and ((c < len(above) and above[c] == row[c]) or (c > 0 and row[c - 1] == row[c])):
                new[c] = ""
        out.append(new)
        above = row
    return out


def tab_rows(rows: list[list[str]]) -> list[str]:
    """The lines that lay a pipe table's rows out for the table reader (see module doc)."""
    if rows and _row_number_column(rows):
        rows = [r[1:] for r in rows]
    width = max((len(r) for r in rows), default=0)
    rows = [r + [""] * (width - len(r)) for r in rows]
    numeric = [c for c in range(width) if any(_is_number_cell(r[c]) for r in rows)]
    if not numeric:
        return ["\t".join(c for c in r if c) for r in rows if any(r)]
    first, last = numeric[0], numeric[-1]
    out: list[str] = []
    header: list[str] = []
    for row in _deduplicate_labels(rows, first):
        labels = [c for c in row[:first] if c]
        data = row[first:last + 1]
        after = [c for c in row[last + 1:] if c]
        if not any(_is_number_cell(c) for c in data):
            header = data if any(data) else header
            if any(row):
                out.append("\t".join(c for c in row if c))
            continue
        if _repeated_span(data, header):
            data = data[:1]
        if _blanks_between_cells(data):
            out.append("\t".join([*labels, *data, *after]))
        else:
            out += ["", *("\t" + c for c in [*labels, *data, *after]), ""]
    return out


def _repeated_span(data: list[str], header: list[str]) -> bool:
    """Whether a row repeats one cell across the columns a repeated header spans (docling's colspan).

    Table 2's 行政许可 row is one cell under 本年处理决定数量, which spans the three columns of
    本年制发件数 … above it; converters that repeat a merged cell print 34240 | 34240 | 34240.
    Only when the header over the row is one text repeated over every number column, and the
    row one value repeated, is it one cell: equal cells under distinct headers are distinct cells.
    """
    return (len(data) > 1 and len(set(data)) == 1 and bool(data[0])
            and len(header) == len(data) and len(set(header)) == 1 and bool(header[0]))


def _blanks_between_cells(data: list[str]) -> bool:
    """Whether every blank data cell has a printed cell on both sides (else the tab line hides it)."""
    filled = [i for i, c in enumerate(data) if c]
    return all(filled[0] < i < filled[-1] for i, c in enumerate(data) if not c)
