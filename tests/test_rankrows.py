"""A ranking's rows written in Python (``rankrows``) are, byte for byte, the rows the Jinja template
wrote before: every row of every ranking of content/ plus four agencies whose denominators straddle
the minimum (ranked, tied, thin samples, values that cannot be computed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_indicator_pages import straddle_content

from portal.indicatorpages import rank_row
from portal.indicators import INDICATORS
from portal.load import load_content
from portal.ranking import rankings
from portal.rankrows import row_markup
from portal.render import make_env, static_files
from portal.settings import ranking_min_denominator
from portal.sitecache import SiteCache

TEMPLATE_ROW = """\
{% for row in rows %}{% set e = row.entry %}{% set v = e.value %}
      <tr id="r-{{ e.report.agency.slug }}"{% if e.unranked %} class="unranked"{% endif %}>
        <td class="n" data-sort="{{ e.rank if e.rank else '' }}">{% if e.rank %}{{ e.rank }}{% else %}\
<span class="badge muted">不排名</span>{% endif %}</td>
        <th scope="row" data-sort="{{ e.report.agency.name }}"><a href="{{ e.report.url }}">{{ e.report.agency.name }}\
</a><span class="muted block">{{ e.report.agency.jurisdiction_label }}</span></th>
        <td class="n" data-sort="{{ v.value if v.value is not none else '' }}">{% if v.value is not none %}\
<a href="{{ row.value_url }}">{{ row.value_text }}</a>{% else %}<span class="missing">无法计算</span>{% endif %}</td>
        <td class="n" data-sort="{{ v.numerator if v.numerator is not none else '' }}">\
<a href="{{ row.numerator_url }}">{{ v.numerator if v.numerator is not none else '—' }}</a></td>
        <td class="n" data-sort="{{ v.denominator if v.denominator is not none else '' }}">\
<a href="{{ row.denominator_url }}">{{ v.denominator if v.denominator is not none else '—' }}</a></td>
        <td class="n" data-sort="{{ e.percentile if e.percentile is not none else '' }}">\
{% if e.percentile is not none %}{{ e.percentile }}\
{% elif e.rank %}<span class="muted">组内仅1个</span>{% else %}—{% endif %}</td>
        <td class="why">{{ e.unranked or '' }}</td>
      </tr>
{% endfor %}"""
"""The rows as ``ranking.html`` wrote them in Jinja (a backslash joins a template line that was one line)."""


@pytest.fixture(scope="module")
def content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return straddle_content(tmp_path_factory.mktemp("rankrows") / "content")


def test_python_rows_are_the_template_rows_byte_for_byte(content: Path) -> None:
    site = load_content(content)
    cache = SiteCache(site)
    template = make_env("https://example.org", static_files()).from_string(TEMPLATE_ROW)
    minimum = ranking_min_denominator(content)
    kinds: set[str] = set()
    for indicator in INDICATORS:
        for year, reports in cache.by_year.items():
            groups = rankings(((r, r.indicators[INDICATORS.index(indicator)]) for r in reports), minimum)
            rows = [rank_row(indicator, e) for g in groups for e in g.entries]
            assert "".join(map(row_markup, rows)) == template.render(rows=rows), (indicator.key, year)
            kinds |= {"ranked" if r.entry.rank else "null" if r.entry.value.value is None else "thin" for r in rows}
            kinds |= {"percentile" for r in rows if r.entry.percentile is not None}
    assert kinds == {"ranked", "null", "thin", "percentile"}  # every branch of the row was compared
