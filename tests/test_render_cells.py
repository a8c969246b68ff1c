"""Rendering's fast paths: compiled cell readers, table cells and key figures built as markup.

Rendering reads ~250 cells a report through each cell's compiled reader (``cells.Cell.read``)
instead of walking its path (``Cell.find``), writes each row of a table as one piece of markup (``CellWriter``) and
each key figure or total with ``value_markup`` / ``total_markup`` instead of a macro; these tests
hold them to the slow, obvious versions they replaced.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from portal import form
from portal.cells import CELL_PATHS, CELLS, reader
from portal.figures import DERIVED, MISSING, NARRATIVE, TABLE, Total, Value
from portal.formtables import CellWriter, Slot, table_layout, table_views
from portal.model import Report, Site
from portal.render import total_markup, value_markup
from portal.sitemap import PAGE, site_map


def _seed_002(site: Site) -> Report:
    report = site.report("weihai-torch-hitech-zone", 2023)
    assert report is not None and report.table3 is not None
    return report


def _shapes(table3: dict) -> list[dict[str, Any]]:
    """Data a reader may meet: valid tables, missing ones, and shapes validation would refuse."""
    row = table3["new"]
    return [
        {"table3": table3},
        {"table3": None, "table2": None},
        {},
        {"table3": {**table3, "new": row[:3]}},  # a short row
        {"table3": {**table3, "new": dict(zip([c.key for c in form.TABLE3_COLUMNS], row, strict=True))}},
        {"table3": {**table3, "withheld": [1, 2]}},  # a list where sub-rows belong
        {"table3": {**table3, "new": [[1], {"a": 1}, None, 0, 2.5, True, "x"]}},
        {"table3": [1, 2, 3]},
        {"table2": {"licensing": {"x": 1}, "regulations": [1, 2, 3], "punishment": 0, "coercion": None},
         "table4": {"review": {"upheld": 3, "total": [3]}, "litigation_direct": "7"}},
        {"table2": 5, "table4": [1]},
        {"table3": {**table3, "new": None, "other_handling": None}},  # null rows
        {"table3": {**table3, "other_handling": {form.SINGLE_ROW: row}}},
        {"table2": {"regulations": None, "licensing": None}, "table4": {"review": None}},
    ]


def _cell_value(data: dict, path: str) -> Any:
    cell = CELLS.get(path)
    return cell.find(data)[1] if cell is not None else None


def test_cell_reader_gives_cell_values_answer_for_every_path_and_shape(seed_site: Site) -> None:
    report = _seed_002(seed_site)
    for data in [report.data, *_shapes(copy.deepcopy(report.data["table3"]))]:
        for path in sorted(CELL_PATHS) + ["table3.new", "table2", "table3.new.nobody", "nowhere.x.y"]:
            assert reader(path)(data) == _cell_value(data, path), (path, data)


def _slow_td(slot: Slot, value: Any, mark: str | None) -> str:
    """The cell as the template used to write it, for a cell that no check names."""
    from markupsafe import escape

    from portal.numfmt import format_number
    span = f' colspan="{slot.colspan}"' if slot.colspan > 1 else ""
    if value is not None:
        return f'<td id="c-{slot.path}" class="n"{span}>{escape(format_number(value))}</td>'
    note = f"原文此格印作“{mark}”" if mark else ("原文此格为空" if mark == "" else "原文无此数字")
    return f'<td id="c-{slot.path}" class="null"{span} title="{escape(note)}">{escape(mark or "空")}</td>'


@pytest.mark.parametrize("mark", [None, "", "/", "<b>&\"'"])
def test_cells_are_escaped_markup_with_null_marks(seed_site: Site, mark: str | None) -> None:
    report = _seed_002(seed_site)
    data = copy.deepcopy(report.data)
    data["table3"]["new"][2] = None
    data["table2"]["licensing"] = 12.5
    data["cells"] = {} if mark is None else {"table3.new.research": mark}
    writer = CellWriter(report)
    writer.data, writer.printed = data, data["cells"]
    slots = {p.path: p for row in table_layout("table3", False).body + table_layout("table2", False).body
             for p in row if isinstance(p, Slot)}
    for path in ("table3.new.research", "table2.licensing", "table3.new.natural_person"):
        assert writer.td(slots[path]) == _slow_td(slots[path], _cell_value(data, path), data["cells"].get(path))


def test_every_cell_of_the_form_has_one_slot() -> None:
    """The cached layouts hold each contract cell once (the 2019 single row only in its variant)."""
    def paths(*layouts: Any) -> list[str]:
        return [p.path for layout in layouts for row in layout.body for p in row if isinstance(p, Slot)]

    both = paths(table_layout("table2", False), table_layout("table3", False), table_layout("table4", False),
                 table_layout(form.TABLE2_2019_KEY, False))
    single = paths(table_layout("table3", True))
    assert len(both) == len(set(both))
    assert set(both) | set(single) == CELL_PATHS
    assert table_layout("table3", False) is table_layout("table3", False)  # built once, then shared


def test_table_rows_join_header_and_number_cells(seed_site: Site) -> None:
    table2 = table_views(_seed_002(seed_site))[0]
    assert table2.head == ()
    assert '<th scope="row">行政许可</th><td id="c-table2.licensing" class="n" colspan="3">34240</td>' in table2.body


OLD_MACROS = """
{% macro value(v, footnote=None, change=None) -%}
{% if v.known %}
<span class="num{% if v.source == 'narrative' %} from-text{% endif %}"{% if v.note %} title="{{ '正文：' if v.source == 'narrative' else '' }}{{ v.note }}"{% endif %}>{{ v.display }}</span>
{%- else %}
<span class="missing" title="{{ v.note or '原文无此数字' }}">—</span>
{%- endif %}
{% if footnote %}<sup class="fn-ref"><a href="#fn-{{ footnote }}">[{{ footnote }}]</a></sup>{% endif %}
{% if change %}<span class="change{% if change.startswith('+') %} up{% elif change.startswith('−') %} down{% endif %}">{{ change }}</span>{% endif %}
{%- endmacro %}
{% macro total(t) -%}
<span class="num">{{ t.display }}</span>
{%- if t.partial %}<span class="coverage">{{ t.of }}家中的{{ t.covered }}家</span>{% endif %}
{%- endmacro %}
"""  # noqa: E501 - verbatim
"""The macros ``value_markup`` and ``total_markup`` replaced, as they were in _macros.html."""

HOSTILE = '<script>"x"&\'y\'</script>'


def _old_macros() -> Any:
    import jinja2

    env = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined)
    return env.from_string(OLD_MACROS).module


@pytest.mark.parametrize("value", [
    Value(34240, TABLE), Value(745.94, DERIVED, note="（一）+（二）"), Value(16500, NARRATIVE, "at_least", HOSTILE),
    Value(12.345, DERIVED, note=HOSTILE, percent=True), Value(None, MISSING), Value(None, MISSING, note=HOSTILE),
])
@pytest.mark.parametrize(("footnote", "change"), [(None, None), (3, "+12"), (1, "−0.5"), (None, "持平"),
                                                  (2, HOSTILE)])
def test_value_markup_is_the_macro_it_replaced(value: Value, footnote: int | None, change: str | None) -> None:
    assert value_markup(value, footnote, change) == str(_old_macros().value(value, footnote, change))


@pytest.mark.parametrize("t", [Total(12.5, 3, 3), Total(None, 0, 4), Total(100, 2, 5, "at_least"),
                               Total(55.55, 4, 6, percent=True)])
def test_total_markup_is_the_macro_it_replaced(t: Total) -> None:
    assert total_markup(t) == str(_old_macros().total(t))


def test_every_report_page_once_after_its_agency(seed_site: Site) -> None:
    """Agency pages are followed by their reports (a render worker parses each text once)."""
    paths = [o.path for o in site_map(seed_site) if o.kind == PAGE]
    reports = [r.url.lstrip("/") + "index.html" for r in seed_site.reports]
    assert sorted(p for p in paths if p.startswith("reports/")) == sorted(reports)
    for agency in seed_site.agencies:
        at = paths.index(agency.url.lstrip("/") + "index.html")
        mine = [r.url.lstrip("/") + "index.html" for r in seed_site.reports_of(agency.slug)]
        assert paths[at + 1:at + 1 + len(mine)] == mine
