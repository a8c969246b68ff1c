"""The page parts written in Python are, byte for byte, what the Jinja loops they replaced wrote:
the report page's text blocks and rule list (``reportmarkup``), its statistics tables
(``formtables.TableView.markup``), the agency page's key-figure rows and the year page's rows
(``figuremarkup``), for every report, agency and year of content/ (the 19
reviewed reports) and of a synthetic corpus (``bench/make_corpus.py``: flattened tables, images,
failing sums, new sentences marked, narrative figures, missing years)."""

from __future__ import annotations

import jinja2
import pytest
from conftest import ROOT, load_script

from portal.figuremarkup import indicator_rows_markup, year_rows_markup, yoy_rows_markup
from portal.formtables import table_views
from portal.indicatorpages import agency_indicators
from portal.load import load_content
from portal.model import Site
from portal.pages import Meta, quality, report_changes, year_context, yoy_table
from portal.render import make_env, static_files
from portal.reportmarkup import rules_markup, text_markup
from portal.sitecache import SiteCache
from portal.text import CELLS, DATE, HEADING, IMAGE, PARAGRAPH, TITLE, block_of, blocks_of

TEMPLATE_TEXT = """\
{% set marks = changes.marks %}
{% for b in blocks %}
{% if b.kind == 'paragraph' %}
    <p id="{{ b.id }}">{{ marks.get(b.index, b.text) }}</p>
{% elif b.kind == 'heading' %}
{% if b.level == 1 %}<h3 id="{{ b.id }}">{{ b.text }}</h3>{% else %}<h4 id="{{ b.id }}">{{ b.text }}</h4>{% endif %}
{% elif b.kind == 'title' %}
    <p id="{{ b.id }}" class="doc-title">{{ b.text }}</p>
{% elif b.kind == CELLS %}
    <details id="{{ b.id }}" class="source-cells">
      <summary>原文中的表格文本（已整理为上方“统计表格”，点击展开原样）</summary>
      <pre>{{ b.text }}</pre>
    </details>
{% elif b.kind == 'image' %}
    <p id="{{ b.id }}" class="source-image">原文此处为图片，本站无法读取其中内容 \
<code>[image: {{ b.marker }}]</code></p>
{% elif b.kind == 'date' %}
    <p id="{{ b.id }}" class="doc-date">{{ b.text }}</p>
{% endif %}
{% endfor %}
"""
"""The text loop as ``report.html`` wrote it in Jinja (a backslash joins a template line that was one line)."""

TEMPLATE_RULES = """\
{% for r in quality.rules %}
    <li class="rule-{{ r.status }}"><a href="/checks/#{{ r.rule.anchor }}">{{ r.rule.title }}</a>
      <span class="badge {{ r.badge }}">{{ r.label }}</span>{% if r.checked > 1 %}
      <span class="muted">通过 {{ r.counts[PASS] }} · 未通过 {{ r.counts[FAIL] }} · \
无法判断 {{ r.counts[UNKNOWN] }}</span>{% endif %}
{% if r.status == 'none' %}
      <p class="rule-note muted">本报告没有这条规则所需的数据。</p>
{% endif %}
{% if r.failing_above %}
      <p class="rule-note">未通过的 {{ r.failing_above }} 项逐条列在<a href="#quality-heading">上方</a>。</p>
{% endif %}
{% for n in r.notes %}
      <p class="rule-note">{{ n.label }}：{{ n.detail }}{% if n.links %}
        <span class="cells">单元格：{% for path, link in n.links[:4] %}<a href="{{ link }}"><code>{{ path }}</code></a>\
{% if not loop.last %}、{% endif %}{% endfor %}{% if n.links|length > 4 %} 等 {{ n.links|length }} 格{% endif %}</span>\
{% endif %}</p>
{% endfor %}
{% if r.more %}
      <p class="rule-note muted">另有 {{ r.more }} 项未列出。</p>
{% endif %}
    </li>
{% endfor %}
"""
"""The rule loop as ``report.html`` wrote it (a backslash joins a template line that was one line)."""


TEMPLATE_TABLE = """\
{% macro form_table(t) -%}
<div class="table-scroll t-{{ t.key }}{% if t.key != 'table2' %} wide{% endif %}" tabindex="0" role="region" \
aria-labelledby="{{ t.id }}-caption">
<table class="form-table {{ t.key }}" id="{{ t.id }}">
<caption id="{{ t.id }}-caption">{{ t.title }}</caption>
{% for part, rows in (("thead", t.head), ("tbody", t.body)) if rows %}
<{{ part }}>
{% for row in rows %}
<tr>{{ row }}</tr>
{% endfor %}
</{{ part }}>
{% endfor %}
</table>
</div>
{%- endmacro %}
{% for t in tables %}({{ form_table(t) }}){% endfor %}"""
"""The ``_macros.form_table`` macro that wrote a statistics table, called as ``report.html`` did."""


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Site:
    content = tmp_path_factory.mktemp("reportmarkup") / "content"
    load_script("make_corpus").write_corpus(300, content, seed=11)
    return load_content(content)


@pytest.fixture(params=["content", "synthetic"])
def site(request: pytest.FixtureRequest) -> Site:
    """The 19 reviewed reports, then the synthetic corpus (made once for the module)."""
    return load_content(ROOT / "content") if request.param == "content" else request.getfixturevalue("synthetic")


def old(template: str) -> jinja2.Template:
    """The Jinja the Python replaced, in the build's environment (autoescape, trimmed blocks)."""
    return make_env("https://example.org", static_files()).from_string(template)


def test_python_report_parts_are_the_template_parts_byte_for_byte(site: Site) -> None:
    cache = SiteCache(site)
    text_template, rules_template, table_template = old(TEMPLATE_TEXT), old(TEMPLATE_RULES), old(TEMPLATE_TABLE)
    kinds: set[str] = set()
    rules_seen: set[str] = set()
    for report in site.reports:
        blocks, changes, q = cache.blocks(report), report_changes(report, cache), quality(report)
        assert text_markup(blocks, changes.marks) == text_template.render(blocks=blocks, changes=changes), report.url
        assert rules_markup(q.rules) == rules_template.render(quality=q), report.url
        tables = [t for t in table_views(report) if not t.missing]
        assert "".join(f"({t.markup})" for t in tables) == table_template.render(tables=tables), report.url
        kinds |= {t.key for t in tables}
        kinds |= {b.kind for b in blocks} | {"marked" for b in blocks if b.index in changes.marks}
        kinds |= {f"heading{b.level}" for b in blocks if b.kind == HEADING}
        for r in q.rules:
            rules_seen |= {r.status} | ({"counted"} if r.checked > 1 else set()) | (
                {"failing_above"} if r.failing_above else set()) | ({"more"} if r.more else set()) | {
                "links" if len(n.links) <= 4 else "many links" for n in r.notes if n.links}
    if site.content_dir != ROOT / "content":  # every branch of the loops was compared
        assert kinds >= {PARAGRAPH, HEADING, TITLE, CELLS, DATE, "marked", "heading1", "heading2",
                         "table2", "table3", "table4"}
        assert rules_seen >= {"pass", "fail", "unknown", "none", "counted", "failing_above", "links"}
    else:
        assert IMAGE in kinds or kinds >= {PARAGRAPH, HEADING, CELLS}


TEMPLATE_INDICATORS = """\
{% for row in ind.rows %}
      <tr><th scope="row"><a href="/indicators/#{{ row.indicator.key }}">{{ row.indicator.title }}</a></th>
{% for c in row.cells %}
        <td class="n">{% if c.value.value is not none %}<a href="{{ c.url }}">{{ c.text }}</a>\
<span class="ratio">{{ c.ratio }}</span>{% else %}<span class="missing" title="{{ c.value.reason }}">—</span>\
<sup class="fn-ref"><a href="#ifn-{{ c.footnote }}">[{{ c.footnote }}]</a></sup>{% endif %}</td>
{% endfor %}
      </tr>
{% endfor %}
"""
"""The rows of ``_agency_indicators.html``'s table as the template wrote them."""

TEMPLATE_YOY = """\
{% for row in yoy.rows %}
{% if loop.changed(row.figure.group) %}
      <tr class="group"><th scope="colgroup" colspan="{{ yoy.years|length + 1 }}"><span class="group-label">\
{{ row.figure.group }}</span></th></tr>
{% endif %}
      <tr id="fig-{{ row.figure.key|replace('.', '-') }}"><th scope="row">{{ row.figure.label }}\
<span class="unit">（{{ row.figure.unit }}）</span></th>
{% for c in row.cells %}
        <td class="n">{{ value(c.value, c.footnote, c.change) }}</td>
{% endfor %}
      </tr>
{% endfor %}
"""
"""The rows of ``agency.html``'s year-over-year table as the template wrote them."""


def test_python_agency_rows_are_the_template_rows_byte_for_byte(site: Site) -> None:
    cache = SiteCache(site)
    template, indicators = old(TEMPLATE_YOY), old(TEMPLATE_INDICATORS)
    seen: set[str] = set()
    for agency in site.agencies:
        reports = site.reports_of(agency.slug)
        ind = agency_indicators(agency, reports)
        assert indicator_rows_markup(ind.rows) == indicators.render(ind=ind), agency.url
        seen |= {"rate" if c.value.value is not None else "null" for row in ind.rows for c in row.cells}
        for shown in (reports, reports[::2]):  # every other year: the years between are gaps
            yoy = yoy_table(shown, cache)
            assert yoy_rows_markup(yoy) == template.render(yoy=yoy), agency.url
            cells = [c for row in yoy.rows for c in row.cells]
            seen |= {"footnote" for c in cells if c.footnote} | {"change" for c in cells if c.change}
            seen |= {"gap" for c in cells if c.report is None} | {"known" for c in cells if c.value.known}
    assert seen == {"footnote", "change", "known", "gap", "rate", "null"}  # every kind of cell was compared


TEMPLATE_YEAR = """\
{% for row in rows %}
      <tr><th scope="row" data-sort="{{ row.report.agency.name }}"><a href="{{ row.report.url }}">\
{{ row.report.agency.name }}</a><span class="muted block">{{ row.report.agency.jurisdiction_label }}</span></th>
{% for v in row.values %}
        <td class="n" data-sort="{{ v.number if v.known else '' }}">{{ value(v) }}</td>
{% endfor %}
        <td class="n" data-sort="{{ row.failing }}">{% if row.failing %}<a class="badge fail" \
href="{{ row.report.url }}#quality-heading">{{ row.failing }}</a>{% elif row.checked %}0{% else %}\
<span class="muted">无法检查</span>{% endif %}</td></tr>
{% endfor %}
"""
"""The rows of ``year.html``'s table of the year's reports as the template wrote them."""


def test_python_year_rows_are_the_template_rows_byte_for_byte(site: Site) -> None:
    cache = SiteCache(site)
    template = old(TEMPLATE_YEAR)
    seen: set[str] = set()
    for year in site.year_pages:
        rows = year_context(Meta("t", year.url, "d", "years"), year, None, None, cache).rows
        assert year_rows_markup(rows) == template.render(rows=rows), year.url
        seen |= {"failing" if r.failing else "checked" if r.checked else "unchecked" for r in rows}
        seen |= {"float" for r in rows for v in r.values if v.known and type(v.number) is float}
        seen |= {"missing" for r in rows for v in r.values if not v.known}
    assert seen >= ({"checked"} if site.content_dir == ROOT / "content" else {"failing", "checked", "missing"})


def test_quotes_link_to_the_first_block_that_holds_them(site: Site) -> None:
    """``blocks_of`` (the report page's narrative links), which stops at the last quote's block, finds
    for every quote the block ``block_of`` finds alone: the first that holds it, or none."""
    cache = SiteCache(site)
    found = 0
    for report in site.reports:
        blocks = cache.blocks(report)
        quotes = [n.quote for n in report.narrative] + ["不在原文中的句子"]
        expected = [block_of(blocks, q) for q in quotes]
        assert blocks_of(blocks, quotes) == expected, report.url
        assert expected[-1] is None
        found += sum(b is not None for b in expected)
    assert found > 0
