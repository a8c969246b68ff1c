"""What search reads of a report besides the Pagefind index: its searchable text, its names, the
form's table labels, and the text shard the search page and the report page read.

The text shard (``/reports/<slug>/<year>/text.json``) holds the report's text blocks, in the order
of the report page's ``t<N>`` anchors, and its names: the search page takes a result's excerpts
from it and checks a candidate of a phrase with spaces against it; the report page
(``static/landing.js``) reads which blocks run on into the next to mark a term across them. It
is written by the render worker that renders the report's page, from the blocks that page has
just parsed (``sitecache.SiteCache.blocks``), so the text is parsed once a build and the shard is
always the text of the page beside it — also in the dev server, which renders it on a save before
the search index follows.

**Lines wrapped inside a paragraph.** A PDF (or a converter working from one) breaks a paragraph
into its printed lines: ``…推进征地`` / ``拆迁信息公开…``. A line break ends a run of the index,
so 征地拆迁 was not found. ``soft_breaks`` finds the line breaks that only wrap a paragraph and
``searchable_text`` removes them, for the index and the truth alike; the shard's ``joined`` says
where the page's blocks run on. A break counts as a wrap only where nothing suggests a new
paragraph or another table cell (see ``soft_breaks``): a break it misses leaves a term unfound,
as before; a break it joins wrongly would make a false hit, so the rule is strict.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence

from . import form
from .model import Report
from .text import CELLS, DATE, HEADING, SECTION_RE, SECTION_TITLES, SUBSECTION_RE, TITLE, Block

TEXT_SHARD = "text.json"

# ------------------------------------------------------------------ the form's table labels


def label_lines(table: str) -> list[str]:
    """Row and column labels of one table of the form, in printed order."""
    if table == "table2":
        return [form.TABLE_TITLES[table], *(f"{section} {item.label}" for section, items in form.TABLE2_SECTIONS
                                            for item in items), *(c.label for c in form.TRIPLE_CELLS)]
    if table == "table3":
        return [form.TABLE_TITLES[table], *(c.label for c in form.TABLE3_COLUMNS),
                *(g.label for g in form.TABLE3_GROUPS), *(r.label for r in form.TABLE3_ROWS),
                form.TABLE3_RESULTS_LABEL]
    return [form.TABLE_TITLES[table], *(g.label for g in form.TABLE4_GROUPS), *(c.label for c in form.TABLE4_CELLS)]


LABEL_TABLES = ("table2", "table3", "table4")
"""The tables whose labels make a report searchable; bit *i* of a catalog row's table mask."""
TABLE_LABELS = {table: "\n".join(label_lines(table)) for table in LABEL_TABLES}
"""Each table's labels as one searchable text, the same for every report that has the table."""
_ALL_LABELS = "\n".join([*TABLE_LABELS.values(), *SECTION_TITLES])


# ------------------------------------------------------------------ lines wrapped inside a paragraph

MIN_WRAPPED = 20
"""A wrapped line fills the printed width: 28 characters on the official A4 page, more in smaller
type. A shorter line that ends without punctuation is a heading, a label or a table row."""
_CANDIDATE = re.compile(
    rf"(?m)^(?![^\s:：]{{1,10}}[:：])[^\s|#>=*\-][^\n\t]{{{MIN_WRAPPED - 2},}}[\u3400-\u9fff，、“‘《（(—\d](\r?\n)"
    r"(?=[\u3400-\u9fff\d，。、；：！？”’》）)])(?![\d.,]+(?:[ \u3000]+[\d.,]+)+\s*$)")
"""A line break after a long line and before a line that go on as one sentence: the line starts
unindented, is no ``key: value`` header, no Markdown table row or heading, holds no TAB (a
table row) and ends in a character or a mark that a sentence goes on after (not 。！？；：or a
closing bracket); the next starts unindented (an indent opens a paragraph) with a character, a
digit or a mark that goes on a sentence, and is not a row of numbers."""
_STARTS_PARAGRAPH = re.compile(
    r"[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．]|[（(][一二三四五六七八九十\d]{1,2}[）)]|[①-⑳]|\[image:"
    r"|[0-9０-９]{4}年[0-9０-９]{1,2}月[0-9０-９]{1,2}日\s*$")
"""What a new paragraph, heading or list item starts with: 一、 1. （一） ① an image, a date line."""
_TABLE_ROW = re.compile(r"\s[\d.,，%]+$|(?:\S+\s+){3}")
"""A row of a table printed with spaces: a number after a space at its end, or three spaces."""
_LINE_END = re.compile(r"\r?\n")


def soft_breaks(text: str) -> list[tuple[int, int]]:
    """Spans of the line breaks of ``text`` that only wrap a paragraph, in order.

    A break is a wrap when the line before it is at least ``MIN_WRAPPED`` characters, starts
    unindented, has no TAB and does not end a sentence (。！？；：), is not a heading, and the line
    after it starts unindented and not like a new paragraph (``_STARTS_PARAGRAPH``). A blank line,
    a table cell (TAB-indented or TAB-separated) and a short row never wrap."""
    out = []
    for m in _CANDIDATE.finditer(text):
        line = m.group(0)[: m.start(1) - m.start()]
        if len(line) <= 40 and (SECTION_RE.match(line) or SUBSECTION_RE.match(line)):
            continue  # a heading (text.py's rule): never runs on into its paragraph
        if _STARTS_PARAGRAPH.match(text, m.end()) or _TABLE_ROW.search(line):
            continue
        out.append(m.span(1))
    return out


def searchable_text(text: str) -> str:
    """The text as search reads it: every line break that only wraps a paragraph removed."""
    parts, at = [], 0
    for start, end in soft_breaks(text):
        parts.append(text[at:start])
        at = end
    parts.append(text[at:])
    return "".join(parts)


def joined_blocks(text: str, blocks: Sequence[Block]) -> list[int]:
    """Indexes *i* (0-based) of the blocks that run straight on into block *i + 1* in
    ``searchable_text``: a paragraph's wrapped line, or a piece of a long line cut for reading
    (``text.parse_text``) that no space parts from the next. Anywhere else the page puts a
    separator between two blocks, as a line break or a space is in the index."""
    soft = {start for start, _ in soft_breaks(text)}
    spans, at = [], 0
    for block in blocks:
        start = text.find(block.raw, at)
        if start < 0:
            return []  # not the blocks of this text: join nothing rather than guess
        at = start + len(block.raw)
        spans.append((start, at))
    out = []
    for i in range(len(blocks) - 1):
        (_, end), (nxt, _) = spans[i], spans[i + 1]
        line_end = _LINE_END.match(text, end - 1) or _LINE_END.match(text, end - 2)
        if line_end and line_end.end() == end:
            if line_end.start() in soft and nxt == end:
                out.append(i)
        elif nxt == end and not text[end - 1].isspace() and not text[nxt].isspace():
            out.append(i)
    return out


# ------------------------------------------------------------------ what every report says

_FORM_ROW = re.compile(r"[\s\d.,，。、:：%（）()—\-]+")
MAX_FORM_ROW = 80


def form_blocks(blocks: Sequence[Block]) -> list[int]:
    """Indexes (0-based) of the blocks that say what every report says: the text of the form's
    tables (their labels and numbers), its section titles, the report's title and date. The
    search page prefers excerpts from the other blocks, which say what this report says."""
    out = []
    for i, b in enumerate(blocks):
        if b.kind in (CELLS, TITLE, DATE):
            out.append(i)
        elif len(b.raw) <= MAX_FORM_ROW and (b.kind == HEADING or "。" not in b.raw):
            words = [w for w in _FORM_ROW.split(b.text) if w]
            bare = [SECTION_RE.sub("", w, count=1) if j == 0 else w for j, w in enumerate(words)]
            if all(w in _ALL_LABELS for w in bare):  # labels and numbers only (a row printed as text)
                out.append(i)
    return out


# ------------------------------------------------------------------ the shard


def report_names(report: Report) -> str:
    """What a report is found by besides its text and its table labels: title, agency name."""
    return f"{report.title}\n{report.agency.name}"


def text_shard_url(report: Report) -> str:
    return f"{report.url}{TEXT_SHARD}"


def text_shard(report: Report, blocks: Iterable[Block]) -> bytes:
    """The shard: the blocks' raw source slices (index + 1 is the ``t<N>`` anchor), the names (the
    table labels are in the search catalog, once for every report), the blocks that run on into
    the next (``joined_blocks``) and the blocks that every report has (``form_blocks``)."""
    blocks = tuple(blocks)
    return json.dumps({"blocks": [b.raw for b in blocks], "extra": report_names(report),
                       "joined": joined_blocks(report.text, blocks), "form": form_blocks(blocks)},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8")
