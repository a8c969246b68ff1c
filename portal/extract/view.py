"""The reading view of a report's text: its lines as the table reader needs them.

The stored source text stays exactly as the agency published it (or as its format converted);
what the table reader sees may differ in layout only — never in words or digits — so that one
reader serves every format: a Markdown pipe row becomes a tab-separated row, a web page
flattened onto one line is cut back into lines at the form's own headings and labels, and a
page number left between two rows by a PDF copy is not read as a row's cells.
"""

from __future__ import annotations

import re

from .flat import unflatten
from .markdown import markdown_layout

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－—–]\s*\d{1,3}\s*[-－—–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
"""A line that is only a page number (- 3 -, 第3页 共5页, 3/5): text copied from a PDF keeps them
between a table's rows, where their digits would be read as cells."""


INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
"""Zero-width spaces and joiners, and BOMs, that web editors leave inside cells (``26\u200b``): they
print nothing, but a number with one stuck to it would not read as a number."""


def reading_lines(text: str) -> list[str]:
    """The lines of ``text`` laid out for the table reader."""
    lines = [line.rstrip("\r").translate(INVISIBLE) for line in text.split("\n") if not PAGE_NUMBER.match(line)]
    lines = markdown_layout(lines)
    return unflatten(lines)
