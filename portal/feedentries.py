"""An Atom feed's entries as markup, one f-string an entry (``feed.xml`` calls ``feed_entries``).

Why in Python rather than in ``feed.xml``: an agency's feed lists every dated report of it, the
site's and a jurisdiction's the newest ``FEED_NEWEST``; written in Jinja, each value an
attribute lookup, an escape and a ``yield``, 20,000 entries (the site's feed before that limit) were
0.6 s of CPU in every one-report publish (docs/performance.md). Text is escaped exactly as the
template's autoescape did (``markupsafe.escape``), the year written as ``str`` writes it, and the
feed's bytes are the same.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from .pages import FeedEntry

FEED_NEWEST = 100
"""The site's feed and a jurisdiction's carry the newest reports only (an agency's, a handful, all).

Why: a feed tells a reader what is new since they last looked; every report ever (11 MB at 20,000
reports, a province's thousands) is what the pages and /data/ downloads are for, and no feed reader
wants it. 100 by publication date covers more than the busiest days of a national publishing
season between two polls (docs/content.md, "Feeds")."""


def cn_date(day: object) -> str:
    """'2024年1月5日': how the pages and feeds write a date (the templates' ``cn_date`` filter)."""
    return f"{day.year}年{day.month}月{day.day}日"  # type: ignore[attr-defined]


def entry_markup(entry: FeedEntry, base_url: str) -> str:
    """One ``<entry>``, with its indent and line breaks, ending with a line break."""
    r, a = entry.report, entry.report.agency
    url, updated, name = escape(base_url + r.url), escape(entry.updated), escape(a.name)
    return (f"  <entry>\n"
            f"    <title>{escape(r.title)}</title>\n"
            f"    <id>{url}</id>\n"
            f'    <link rel="alternate" type="text/html" href="{url}"/>\n'
            f"    <published>{updated}</published>\n"
            f"    <updated>{updated}</updated>\n"
            f"    <author><name>{name}</name></author>\n"
            f"    <summary>{name}（{escape(a.jurisdiction_label)}）{r.year}年度报告，"
            f"{escape(cn_date(r.published))}发布。</summary>\n"
            f"  </entry>\n")


def feed_entries(entries: Iterable[FeedEntry], base_url: str) -> Markup:
    return Markup("".join(entry_markup(e, base_url) for e in entries))
