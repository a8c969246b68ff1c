"""The reading view of a report's text: its lines as the table reader needs them.

The stored source text stays exactly as the agency published it (or as its format converted);
what the table reader sees may differ in layout only — never in words or digits — so that one
reader serves every format: a Markdown pipe row becomes a tab-separated row, and a web page
flattened onto one line is cut back into lines at the form's own headings and labels.
"""

from __future__ import annotations

from .flat import unflatten
from .markdown import markdown_layout


def reading_lines(text: str) -> list[str]:
    """The lines of ``text`` laid out for the table reader."""
    lines = [line.rstrip("\r") for line in text.split("\n")]
    lines = markdown_layout(lines)
    return unflatten(lines)
