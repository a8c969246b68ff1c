"""The Atom feeds' entries, written as f-strings (``feedentries``), are the bytes the template's loop
wrote, hostile text included: escaped as autoescape escapes, and still well-formed XML."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET

from portal.model import Site
from portal.pages import Meta, reports_feed_context
from portal.render import make_env, render_page, static_files

HOSTILE = "<script>alert('x')</script> & \"引号\""
TEMPLATE_LOOP = """{% for e in entries %}
  <entry>
    <title>{{ e.report.title }}</title>
    <id>{{ BASE_URL }}{{ e.report.url }}</id>
    <link rel="alternate" type="text/html" href="{{ BASE_URL }}{{ e.report.url }}"/>
    <published>{{ e.updated }}</published>
    <updated>{{ e.updated }}</updated>
    <author><name>{{ e.report.agency.name }}</name></author>
    <summary>{{ e.report.agency.name }}（{{ e.report.agency.jurisdiction_label }}）{{ e.report.year }}年度报告，\
{{ e.report.published|cn_date }}发布。</summary>
  </entry>
{% endfor %}
"""
"""The loop ``feed.xml`` had before its entries became f-strings."""


def test_the_entries_are_the_template_loops_bytes(seed_site: Site) -> None:
    reports = [dataclasses.replace(r, data={**r.data, "title": r.title + HOSTILE}) if i % 2 else r
               for i, r in enumerate(seed_site.reports)]
    base = "https://example.org/a&b"
    env = make_env(base, static_files())
    context = reports_feed_context(Meta("订阅", "/feed.xml", "说明", "home", indexable=False), reports, "/")
    assert len(context.entries) >= 10
    loop = env.from_string(TEMPLATE_LOOP).render(entries=context.entries)
    feed = render_page(env, "feed.xml", lambda: context).decode("utf-8")
    assert loop in feed and feed.endswith(loop + "</feed>\n")
    root = ET.fromstring(feed.encode("utf-8"))
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert sum(1 for t in titles if t and t.endswith(HOSTILE)) == len([r for r in reports if HOSTILE in r.title
                                                                       and r.published])


def test_the_sites_feed_carries_the_newest_100_and_an_agencys_all(seed_site: Site) -> None:
    """150 dated reports of one agency (1901–2050, each published on 15 January of the next year, and
    one undated): the site's feed lists the newest 100, newest first, and says so; the agency's feed
    lists all 150 and says nothing of a limit; the feed's date is the newest report's."""
    import datetime as dt

    from portal.pages import feed_context

    seed = seed_site.reports[0]
    reports = tuple(dataclasses.replace(seed, year=year, data={**seed.data, "published": dt.date(year + 1, 1, 15)})
                    for year in range(1901, 2051)) + (dataclasses.replace(seed, year=2051, data={
                        k: v for k, v in seed.data.items() if k != "published"}),)
    site = Site((seed.agency,), reports, seed_site.content_dir)
    env = make_env("https://example.org", static_files())
    meta = Meta("订阅", "/feed.xml", "说明", "home", indexable=False)
    feed = ET.fromstring(render_page(env, "feed.xml", lambda: feed_context(meta, site)))
    atom = "{http://www.w3.org/2005/Atom}"
    ids = [e.findtext(f"{atom}id") for e in feed.iter(f"{atom}entry")]
    assert ids == [f"https://example.org/reports/{seed.agency.slug}/{year}/" for year in range(2050, 1950, -1)]
    assert feed.findtext(f"{atom}subtitle") == ("说明（按发布日期，最新的 100 份，全部报告见网页与数据下载；"
                                                "未注明发布日期的报告不在此列）")
    assert feed.findtext(f"{atom}updated") == "2051-01-15T00:00:00+08:00"
    agency = ET.fromstring(render_page(env, "feed.xml", lambda: reports_feed_context(meta, site.reports, "/x/")))
    assert len(agency.findall(f"{atom}entry")) == 150
    assert agency.findtext(f"{atom}subtitle") == "说明（按发布日期；未注明发布日期的报告不在此列）"
