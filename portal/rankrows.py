"""The rows of a ranking table (``/indicators/<key>/<year>/``) as markup, one string a row.

Why in Python rather than in ``ranking.html``: a ranking lists every report of its year, so the
48 ranking pages of a 5,000-report site hold ~40,000 rows of seven cells, ~17 values each. Written
in Jinja, each value was an attribute lookup, an escape and a ``yield`` through three nested
generators: 2.5 s of CPU a build, a quarter of what the round of rankings added (docs/performance.md).
Here a row is one f-string; text is escaped exactly as the template's autoescape did
(``markupsafe.escape``), numbers are written as ``str`` writes them (what the template printed),
and the page's bytes are the same. The rest of the page (headings, captions, the column heads)
stays in the template.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

if TYPE_CHECKING:
    from .indicatorpages import RankRow

UNRANKED = '<span class="badge muted">不排名</span>'
NOT_COMPUTED = '<span class="missing">无法计算</span>'
ALONE = '<span class="muted">组内仅1个</span>'
NO_NUMBER = "—"
UNRANKED_CLASS = ' class="unranked"'


def _sort(number: int | float | None) -> str:
    """A ``data-sort`` value: the number, or empty (sorted last by ``sort.js``)."""
    return "" if number is None else str(number)


def row_markup(row: RankRow) -> str:
    """One ``<tr>`` of the table, with its indent and line breaks, ending with a line break."""
    e, v = row.entry, row.entry.value
    agency = e.report.agency
    name = escape(agency.name)
    shown = f'<a href="{escape(row.value_url)}">{escape(row.value_text)}</a>' if v.value is not None else NOT_COMPUTED
    percentile = (str(e.percentile) if e.percentile is not None else ALONE if e.rank else NO_NUMBER)
    numerator = NO_NUMBER if v.numerator is None else str(v.numerator)
    denominator = NO_NUMBER if v.denominator is None else str(v.denominator)
    return (
        f'      <tr id="r-{escape(agency.slug)}"{UNRANKED_CLASS if e.unranked else ""}>\n'
        f'        <td class="n" data-sort="{e.rank if e.rank else ""}">{e.rank if e.rank else UNRANKED}</td>\n'
        f'        <th scope="row" data-sort="{name}"><a href="{escape(e.report.url)}">{name}</a>'
        f'<span class="muted block">{escape(agency.jurisdiction_label)}</span></th>\n'
        f'        <td class="n" data-sort="{_sort(v.value)}">{shown}</td>\n'
        f'        <td class="n" data-sort="{_sort(v.numerator)}"><a href="{escape(row.numerator_url)}">'
        f'{numerator}</a></td>\n'
        f'        <td class="n" data-sort="{_sort(v.denominator)}"><a href="{escape(row.denominator_url)}">'
        f'{denominator}</a></td>\n'
        f'        <td class="n" data-sort="{_sort(e.percentile)}">{percentile}</td>\n'
        f'        <td class="why">{escape(e.unranked or "")}</td>\n'
        "      </tr>\n"
    )


def rows_markup(rows: Iterable[RankRow]) -> Markup:
    """The table body's rows, each ending its line."""
    return Markup("".join(map(row_markup, rows)))
