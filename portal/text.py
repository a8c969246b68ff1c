"""The structure of a report's source text: headings, paragraphs, flattened tables, markers.

The report page shows the source text in full — every character, in order — so readers can check
each number against what the agency published. This module only *groups* the lines of the
verbatim text into blocks; it never rewrites them. Each block keeps its exact source slice
(``raw``), so the blocks joined back are the source text (tested), and a block's 1-based index is
its stable anchor ``t<N>`` that search results and narrative quotes link to.

What real sources look like (see FORMAT.md): section headings ``一、总体情况`` (sometimes
mis-numbered ``4、``, or with the numeral lost), sub-headings ``（一）主动公开``, Word tables
flattened to one tab-indented cell per line with wrapped cells continuing on unindented lines,
``[bookmark: _Hlk…]`` anchors glued to labels, ``[image: …]`` where a table was a picture, and the
publication date alone on the last line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .extract.flat import FLATTENED_MIN_CHARS, display_pieces

TITLE, HEADING, PARAGRAPH, CELLS, IMAGE, DATE = "title", "heading", "paragraph", "cells", "image", "date"

BOOKMARK_RE = re.compile(r"\[bookmark: [^\]\n]*\]")
IMAGE_RE = re.compile(r"^\[image: ([^\]\n]*)\]$")
DATE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
SECTION_RE = re.compile(r"^(?:[一二三四五六七八九十]+|\d{1,2})[、.．]\s*\S")
SUBSECTION_RE = re.compile(r"^[（(](?:[一二三四五六七八九十]+|\d{1,2})[）)]\s*\S")
SECTION_TITLES = (
    "总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况", "存在的主要问题及改进情况", "其他需要报告的事项",
)
"""The six section titles of the national form: a line that is one of them is a heading even
when its numeral was lost in conversion."""
MAX_HEADING = 40
"""Headings are short; a longer line starting with （一） is a paragraph with a lead-in."""


@dataclass(frozen=True)
class Block:
    """One unit of the source text, with its verbatim slice and its display text."""

    index: int  # 1-based position in text order: the stable anchor t<index>
    kind: str  # title | heading | paragraph | cells | image | date
    raw: str  # the exact source lines, including inner newlines and tabs
    level: int = 0  # 1 for 一、 sections, 2 for （一） sub-sections; 0 for everything else

    @property
    def id(self) -> str:
        return f"t{self.index}"

    @property
    def text(self) -> str:
        """What the page shows: the source with Word bookmark anchors removed (never words)."""
        shown = BOOKMARK_RE.sub("", self.raw) if "[bookmark: " in self.raw else self.raw
        return shown if self.kind == CELLS else shown.strip()

    @property
    def marker(self) -> str | None:
        """The image name of an ``[image: …]`` line."""
        m = IMAGE_RE.match(self.raw.strip())
        return m.group(1) if m and self.kind == IMAGE else None


def _classify(line: str) -> tuple[str, int]:
    """Kind and heading level of one unindented, non-blank line."""
    s = (BOOKMARK_RE.sub("", line) if "[bookmark: " in line else line).strip()  # the test: most lines have none
    if IMAGE_RE.match(s):
        return IMAGE, 0
    if DATE_RE.match(s):
        return DATE, 0
    if len(s) <= MAX_HEADING and not s.endswith(("。", "；", ";")):
        if SECTION_RE.match(s) or s in SECTION_TITLES:
            return HEADING, 1
        if SUBSECTION_RE.match(s):
            return HEADING, 2
    return PARAGRAPH, 0


def _wrapped_cell(line: str) -> bool:
    """An unindented line between two table cells that is a cell's wrapped end, not a heading."""
    return len(line.strip()) <= MAX_HEADING and _classify(line)[0] != HEADING


def _lines(text: str) -> list[str]:
    """Lines with their line endings, so that joining them gives back the text exactly; a page
    flattened onto one line is cut where its paragraphs and headings began (``display_pieces``)."""
    lines = text.splitlines(keepends=True)
    if not lines or max(map(len, lines)) < FLATTENED_MIN_CHARS:  # no line long enough to be cut (most texts)
        return lines
    return [piece for line in lines for piece in display_pieces(line)]


def parse_text(text: str) -> tuple[Block, ...]:
    """Group the source text into blocks, in order. Blank lines separate blocks and belong to
    none of them, except inside a flattened table, whose ``raw`` keeps its inner blank lines."""
    lines = _lines(text)
    shown = [i for i, ln in enumerate(lines) if ln and not ln.isspace()]  # the non-blank lines, walked in order
    tabbed = [lines[i][0] == "\t" for i in shown]
    final = len(shown) - 1  # the last non-blank line's position
    # Whether the k-th non-blank line is in a flattened table: a tab-indented cell, or a wrapped cell
    # between two of them (``结果`` / ``维持``). Worked out once a line, in one pass: most lines are cells.
    table = [cell or (0 < k < final and tabbed[k - 1] and tabbed[k + 1] and _wrapped_cell(lines[shown[k]]))
             for k, cell in enumerate(tabbed)]

    spans: list[tuple[str, int, int, int]] = []  # kind, level, first line, last line
    k = 0
    while k <= final:
        if table[k]:
            try:  # the run of cells ends before the next line that is not one (found in C: most lines are cells)
                end = table.index(False, k) - 1
            except ValueError:
                end = final
            spans.append((CELLS, 0, shown[k], shown[end]))
            k = end + 1
            continue
        i = shown[k]
        kind, level = _classify(lines[i])
        if kind == PARAGRAPH and len(spans) < 3 and all(s == TITLE for s, *_ in spans) \
                and len(lines[i].strip()) <= MAX_HEADING and "。" not in lines[i]:
            kind = TITLE  # the agency name and the report title, the short lines the text opens with
        spans.append((kind, level, i, i))
        k += 1
    blocks = [Block(n, kind, "".join(lines[first:last + 1]), level)
              for n, (kind, level, first, last) in enumerate(spans, start=1)]
    return tuple(blocks)


def rebuild(blocks: tuple[Block, ...]) -> str:
    """The blocks' source slices concatenated: the source text minus the blank lines between blocks."""
    return "".join(b.raw if b.raw.endswith(("\n", "\r")) else b.raw + "\n" for b in blocks)


@dataclass(frozen=True)
class TocEntry:
    """A line of the report's table of contents."""

    id: str
    text: str
    level: int


def toc(blocks: tuple[Block, ...]) -> tuple[TocEntry, ...]:
    return tuple(TocEntry(b.id, b.text, b.level) for b in blocks if b.kind == HEADING)


def squash(text: str) -> str:
    """Whitespace-insensitive form (as load.py matches quotes): sources wrap lines anywhere."""
    return "".join(text.split())


def block_of(blocks: tuple[Block, ...], quote: str) -> Block | None:
    """The first block that contains a narrative quote, so the page can link to the passage."""
    needle = squash(quote)
    return next((b for b in blocks if needle in squash(b.text)), None)


def blocks_of(blocks: tuple[Block, ...], quotes: Sequence[str]) -> list[Block | None]:
    """``block_of`` for each of a report's quotes, each block's text squashed once (not once a quote)."""
    needles = list(map(squash, quotes))
    found: list[Block | None] = [None] * len(needles)
    left = list(range(len(needles)))
    for b in blocks:  # in text order, stopping once every quote is found (often in section 一)
        if not left:
            break
        text = squash(b.text)
        if hits := [i for i in left if needles[i] in text]:
            for i in hits:
                found[i] = b
            left = [i for i in left if i not in hits]
    return found
