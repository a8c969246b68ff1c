"""Key figures as markup: a figure with its provenance (``value_markup``), a total over agencies
(``total_markup``), the rows of an agency page's year-over-year table (``yoy_rows_markup``) and
of its indicators (``indicator_rows_markup``), and of a year page's table of every report
(``year_rows_markup``).

Why functions rather than macros or template loops: agency and year pages show dozens of figures
a report, and a year page lists every report of its year. A macro call costs several times as
much as a function, and a template loop a Jinja call, three lookups and a ``yield`` a figure
(figures in docs/performance.md). The bytes are the templates': ``tests/test_render_cells.py``
compares the helpers with the macros they replaced, ``tests/test_page_markup.py`` the rows with
the loops.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from .figures import NARRATIVE, Total, Value

if TYPE_CHECKING:
    from .indicatorpages import TrendRow
    from .pages import YearRow, YoyTable


def value_markup(v: Value, footnote: int | None = None, change: str | None = None) -> Markup:
    """A key figure with its provenance, as the templates' ``value(v, footnote, change)``: the
    number (underlined when read from the text, the quote on hover) or "—" with why it is missing,
    its footnote mark and its change against the previous year.

    A function rather than a macro: agency and year pages show ~40 figures a report, and a macro
    call costs several times as much."""
    number = v.number
    if number is not None:
        narrative = v.source == NARRATIVE
        note = f' title="{escape(("正文：" if narrative else "") + v.note)}"' if v.note else ""
        # an exact int (most figures) is its digits, as ``Value.display`` writes it, with nothing to escape
        shown = number if type(number) is int and v.bound == "exact" and not v.percent else escape(v.display)
        out = f'<span class="num{" from-text" if narrative else ""}"{note}>{shown}</span>'
    else:
        out = f'<span class="missing" title="{escape(v.note or "原文无此数字")}">—</span>'
    if footnote:
        out += f'<sup class="fn-ref"><a href="#fn-{escape(footnote)}">[{escape(footnote)}]</a></sup>'
    if change:
        trend = " up" if change.startswith("+") else " down" if change.startswith("−") else ""
        out += f'<span class="change{trend}">{escape(change)}</span>'
    return Markup(out)


def total_markup(t: Total) -> Markup:
    """A total over agencies, as the templates' ``total(t)``: the sum, and how many of the agencies
    it covers when some lack the figure (a function for the reason ``value_markup`` is)."""
    coverage = f'<span class="coverage">{t.of}家中的{t.covered}家</span>' if t.partial else ""
    return Markup(f'<span class="num">{escape(t.display)}</span>{coverage}')


_FIRST = object()
"""The group before the first row: none, so the first row opens its group."""


def yoy_rows_markup(yoy: YoyTable) -> Markup:
    """The ``<tbody>`` rows of an agency's key figures, a column a year, with a group row before
    each group of figures (as the template's ``loop.changed``)."""
    out: list[str] = []
    group_row = (f'      <tr class="group"><th scope="colgroup" colspan="{len(yoy.years) + 1}">'
                 '<span class="group-label">')
    last: object = _FIRST
    for row in yoy.rows:
        figure = row.figure
        if figure.group != last:
            last = figure.group
            out.append(f"{group_row}{escape(figure.group)}</span></th></tr>\n")
        out.append(f'      <tr id="fig-{escape(figure.key.replace(".", "-"))}"><th scope="row">{escape(figure.label)}'
                   f'<span class="unit">（{escape(figure.unit)}）</span></th>\n')
        out += [f'        <td class="n">{value_markup(c.value, c.footnote, c.change)}</td>\n' for c in row.cells]
        out.append("      </tr>\n")
    return Markup("".join(out))


def year_rows_markup(rows: Sequence[YearRow]) -> Markup:
    """The ``<tbody>`` rows of a year page: each report's agency, key figures (sortable by their
    number) and failing checks."""
    out: list[str] = []
    for row in rows:
        report, agency = row.report, row.report.agency
        name, url = escape(agency.name), escape(report.url)
        out.append(f'      <tr><th scope="row" data-sort="{name}"><a href="{url}">{name}</a>'
                   f'<span class="muted block">{escape(agency.jurisdiction_label)}</span></th>\n')
        out += [f'        <td class="n" data-sort="{escape(v.number) if v.known else ""}">{value_markup(v)}</td>\n'
                for v in row.values]
        failing = (f'<a class="badge fail" href="{url}#quality-heading">{row.failing}</a>' if row.failing
                   else "0" if row.checked else '<span class="muted">无法检查</span>')
        out.append(f'        <td class="n" data-sort="{row.failing}">{failing}</td></tr>\n')
    return Markup("".join(out))


def indicator_rows_markup(rows: Sequence[TrendRow]) -> Markup:
    """The ``<tbody>`` rows of an agency page's indicators, a column a year: the rate linked to the
    year's ranking with its numerator/denominator, or "—" with the footnote saying why."""
    out: list[str] = []
    for row in rows:
        out.append(f'      <tr><th scope="row"><a href="/indicators/#{escape(row.indicator.key)}">'
                   f"{escape(row.indicator.title)}</a></th>\n")
        for c in row.cells:
            if c.value is None or c.value.value is not None:  # as the template's test, which None passed
                shown = f'<a href="{escape(c.url)}">{escape(c.text)}</a><span class="ratio">{escape(c.ratio)}</span>'
            else:
                note = escape(c.footnote)
                shown = (f'<span class="missing" title="{escape(c.value.reason)}">—</span>'
                         f'<sup class="fn-ref"><a href="#ifn-{note}">[{note}]</a></sup>')
            out.append(f'        <td class="n">{shown}</td>\n')
        out.append("      </tr>\n")
    return Markup("".join(out))
