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
