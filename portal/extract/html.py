"""HTML pages to text, with tables flattened one cell per line as Word does (seed 002).

A table becomes rows separated by a blank line, each cell on its own line after a tab; a
cell continued from the row above by ``rowspan`` prints as an empty cell, like a merged Word
cell. So the one table reader of ``tables.py`` reads web pages too. Scripts, styles and the
page head are dropped; ``<br>`` and block elements end lines; ``<img>`` becomes an
``[image: …]`` marker so a table published as a picture can be named as such.

Word's "save as web page" reads as it shows in a browser: its ``<o:p>`` and other Office tags
are unknown tags (ignored), its ``<!--[if …]>`` blocks are comments (the VML copy of a picture
is not read twice), a number split over ``<span lang=EN-US>`` runs joins up again, and
``&nbsp;`` is a space. Pages and tables are bounded (``MAX_PAGE_CHARS``, ``MAX_GRID``): spans
are capped and a table that would still cover more grid positions is refused, not built.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BLOCKS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol section article header footer title blockquote pre dd dt dl "
    "center form nav hr address main aside figure figcaption caption".split()
)
_SKIP = frozenset({"script", "style", "noscript", "template", "head", "select", "textarea"})
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u3000]+")
MAX_SPAN = 200
MAX_GRID = 1_000_000  # grid positions of one table, spans included: the national tables have under 400
MAX_PAGE_CHARS = 30_000_000  # a Word-exported report page with its styles is a few MB
MAX_NESTING = 20
_MARK, _MARK_END = "\ue000", "\ue001"  # private-use characters: a nested table's place in its cell
_MARKER_LINE = re.compile(rf"^\t?{_MARK}(\d+){_MARK_END}$", re.MULTILINE)


class HtmlError(ValueError):
    """The page is too large to read safely; the message says why in one line."""


@dataclass
class HtmlCell:
    text: str
    rowspan: int = 1
    colspan: int = 1


@dataclass
class _Table:
    rows: list[list[HtmlCell]] = field(default_factory=list)
    cell: list[str] | None = None
    spans: tuple[int, int] = (1, 1)

    def close_cell(self) -> None:
        if self.cell is not None:
            if not self.rows:
                self.rows.append([])
            self.rows[-1].append(HtmlCell(_clean("".join(self.cell)), *self.spans))
            self.cell = None


def _clean(text: str) -> str:
    lines = (_SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _span(value: str | None) -> int:
    digits = re.match(r"\s*(\d+)", value or "")
    return max(1, min(MAX_SPAN, int(digits.group(1)))) if digits else 1


UP, LEFT = "up", "left"
"""Grid positions covered by a rowspan from above, or by a colspan from the left."""


def grid(rows: list[list[HtmlCell]]) -> list[list[HtmlCell | str]]:
    """The table as a rectangle; a covered position holds UP or LEFT instead of a cell."""
    out: list[list[HtmlCell | str]] = []
    pending: dict[int, tuple[int, str]] = {}  # column → (rows still covered, UP or LEFT)
    size = 0
    for row in rows:
        size += sum(cell.colspan for cell in row) + len(pending)
        if size > MAX_GRID:
            raise HtmlError(f"有一个超过 {MAX_GRID:,} 格（含合并单元格）的表格，拒绝")
        line: list[HtmlCell | str] = []
        cells = iter(row)
        col = 0
        while True:
            left, kind = pending.get(col, (0, UP))
            if left > 0:
                pending[col] = (left - 1, kind)
                line.append(kind)
                col += 1
                continue
            cell = next(cells, None)
            if cell is None:
                break
            for k in range(cell.colspan):
                line.append(cell if k == 0 else LEFT)
                if cell.rowspan > 1:
                    pending[col + k] = (cell.rowspan - 1, UP if k == 0 else LEFT)
            col += cell.colspan
        while any(v[0] > 0 for c, v in pending.items() if c >= col):  # rowspans right of the last cell
            left, kind = pending.get(col, (0, UP))
            if left > 0:
                pending[col] = (left - 1, kind)
                line.append(kind)
            col += 1
        out.append(line)
    return out


def flatten(rows: list[list[HtmlCell]]) -> str:
    """One cell per line, tab first; a rowspan continuation is an empty cell; rows apart."""
    blocks = []
    for line in grid(rows):
        out = []
        for cell in line:
            if cell == UP:
                out.append("\t")
            elif isinstance(cell, HtmlCell):
                first, *rest = cell.text.split("\n") if cell.text else [""]
                out.append("\t" + first)
                out.extend(rest)
        blocks.append("\n".join(out))
    return "\n\n".join(blocks)


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc: list[str] = []
        self.tables: list[_Table] = []
        self.skip = 0
        self.blocks: list[str] = []  # flattened tables that sat inside a cell, by marker number
        self.images: list[tuple[str, str]] = []  # (marker name, src) of each [image: …] marker, in order

    def _sink(self) -> list[str]:
        table = self.tables[-1] if self.tables else None
        if table is not None and table.cell is not None:
            return table.cell
        return self.doc if table is None else []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP:
            self.skip += 1
        if self.skip:
            return
        a = dict(attrs)
        if tag == "br" or tag in _BLOCKS:
            self._sink().append("\n")
        elif tag == "img":
            name = a.get("alt") or posixpath.basename((a.get("src") or "").split("?")[0]) or "image"
            self._sink().append(f"[image: {name.strip()}]")
            self.images.append((name.strip(), a.get("src") or ""))
        elif tag == "table":
            self.tables.append(_Table())
        elif tag == "tr" and self.tables:
            self.tables[-1].close_cell()
            self.tables[-1].rows.append([])
        elif tag in ("td", "th") and self.tables:
            table = self.tables[-1]
            table.close_cell()
            table.cell = []
            table.spans = (_span(a.get("rowspan")), _span(a.get("colspan")))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _SKIP:
            self.skip -= 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag in _BLOCKS:
            self._sink().append("\n")
        elif tag in ("td", "th") and self.tables:
            self.tables[-1].close_cell()
        elif tag == "table" and self.tables:
            table = self.tables.pop()
            table.close_cell()
            rows = [r for r in table.rows if r]
            text = flatten(rows)
            if self.tables and is_grid(rows):  # a data table inside a layout table's cell
                self.blocks.append(text)
                self._sink().append(f"\n{_MARK}{len(self.blocks) - 1}{_MARK_END}\n")
            elif self.tables:  # a one-row or one-column table inside a cell: its text joins the cell
                self._sink().append("\n" + "\n".join(s.strip() for s in text.split("\n") if s.strip()) + "\n")
            else:
                self.doc.append("\n\n" + text + "\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._sink().append(data.replace("\n", " ").replace(_MARK, "").replace(_MARK_END, ""))

    def close(self) -> None:
        super().close()
        while self.tables:
            self.handle_endtag("table")


def is_grid(rows: list[list[HtmlCell]]) -> bool:
    """Whether a table has at least two rows and two columns: data, not a box around text."""
    return len(rows) >= 2 and max(len(r) for r in rows) >= 2


def _unnest(text: str, blocks: list[str]) -> str:
    """Put each nested table back at its marker, as a table of its own (blank lines around it).

    CMS pages wrap the whole report in a layout table; joining the report's tables into the
    layout cell would lose their blank cells and row breaks, which the table reader needs.
    """
    def block(m: re.Match[str]) -> str:
        n = int(m.group(1))
        return "\n\n" + blocks[n] + "\n\n" if n < len(blocks) else ""

    for _ in range(MAX_NESTING):
        text, found = _MARKER_LINE.subn(block, text)
        if not found:
            break
    return _MARKER_LINE.sub("", text)


def html_images(html: str) -> list[tuple[str, str]]:
    """Each ``[image: …]`` marker's name and its ``src``, in order: the hook for tables published as pictures."""
    if len(html) > MAX_PAGE_CHARS:
        raise HtmlError(f"网页有 {len(html):,} 个字符，太大")
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.images


def html_to_text(html: str) -> str:
    """The page's text in reading order; tables flattened (see module doc)."""
    if len(html) > MAX_PAGE_CHARS:
        raise HtmlError(f"网页有 {len(html):,} 个字符，太大")
    parser = _Parser()
    parser.feed(html)
    parser.close()
    out: list[str] = []
    for part in _unnest("".join(parser.doc), parser.blocks).split("\n"):
        line = part if part.startswith("\t") else _SPACES.sub(" ", part).strip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"
