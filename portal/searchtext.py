"""What the search page reads of a report besides the Pagefind index: its names and its text shard.

The text shard (``/reports/<slug>/<year>/text.json``) holds the report's text blocks, in the order
of the report page's ``t<N>`` anchors, and its names: the page takes a result's excerpt from it
and checks a candidate of a phrase with spaces against it. It is written by the render worker
that renders the report's page, from the blocks that page has just parsed
(``render.SiteIndex.blocks``), so the text is parsed once a build and the shard is always the
text of the page beside it — also in the dev server, which renders it on a save before the
search index follows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from .model import Report
from .text import Block

TEXT_SHARD = "text.json"


def report_names(report: Report) -> str:
    """What a report is found by besides its text and its table labels: title, agency name."""
    return f"{report.title}\n{report.agency.name}"


def text_shard_url(report: Report) -> str:
    return f"{report.url}{TEXT_SHARD}"


def text_shard(report: Report, blocks: Iterable[Block]) -> bytes:
    """The shard: the blocks' raw source slices (index + 1 is the ``t<N>`` anchor) and the names
    (the table labels are in the search catalog, once for every report)."""
    return json.dumps({"blocks": [b.raw for b in blocks], "extra": report_names(report)}, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
