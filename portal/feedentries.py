"""An Atom feed's entries as markup, one f-string an entry (``feed.xml`` calls ``feed_entries``).

Why in Python rather than in ``feed.xml``: an agency's feed lists every dated report of it, the
site's and a jurisdiction's the newest ``pages.FEED_NEWEST``; written in Jinja, each value an
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
