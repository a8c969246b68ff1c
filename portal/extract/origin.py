"""Where a report was published, as the file itself records it: its provenance.

A page saved from a browser or an archive often says where it came from: a canonical link or
``og:url`` in an HTML head, Internet Explorer's ``<!-- saved from url=(0077)https://… -->``, or
a crawler's header lines above the article (``原文链接: https://…``). The address is taken only
from these explicit statements, never guessed from links in the body (a report links to many
pages that are not itself).
"""

from __future__ import annotations

import re

_URL = r"(https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+)"
_HTML_STATEMENTS = (
    re.compile(rf"""<link\b[^>]*\brel\s*=\s*["']?canonical["']?[^>]*\bhref\s*=\s*["']?{_URL}""", re.I),
    re.compile(rf"""<link\b[^>]*\bhref\s*=\s*["']?{_URL}["']?[^>]*\brel\s*=\s*["']?canonical""", re.I),
    re.compile(rf"""<meta\b[^>]*\bproperty\s*=\s*["']og:url["'][^>]*\bcontent\s*=\s*["']?{_URL}""", re.I),
    re.compile(rf"<!--\s*saved from url=\(\d+\){_URL}", re.I),
)
_HEADER_NAMES = "原文链接|原文地址|原始链接|来源网址|来源链接|网页地址|源地址|URL"
_HEADER_LINE = re.compile(rf"^\s*(?:{_HEADER_NAMES})\s*[:：]\s*{_URL}\s*$", re.I | re.M)
HEADER_LINES = 20
"""A crawler's header is at the very top: a URL further down belongs to the report's body."""


def source_url(raw: bytes, text: str) -> str | None:
    """The address the file says it was published at, or None when it states none."""
    head = raw[:8192].decode("utf-8", "replace")
    for pattern in _HTML_STATEMENTS:
        if m := pattern.search(head):
            return m.group(1)
    top = "\n".join(text.split("\n", HEADER_LINES)[:HEADER_LINES])
    m = _HEADER_LINE.search(top)
    return m.group(1) if m else None
