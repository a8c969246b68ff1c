"""The one accessor for the form's cells: paths parsed into (table, row, column), how a cell is
found in a report's data, and the 2019 form's one-row （六）其他处理."""

from __future__ import annotations

import copy

from portal import form
from portal.cells import CELL_PATHS, CELLS, outcome_rows, row_values, single_row
from portal.model import Site


def test_paths_are_parsed_into_table_row_and_column() -> None:
    cell = CELLS["table3.withheld.state_secret.research"]
    assert (cell.table, cell.row, cell.column, cell.index) == ("table3", ("withheld", "state_secret"), "research", 2)
    cell = CELLS["table2.licensing"]
    assert (cell.table, cell.row, cell.column, cell.index) == ("table2", ("licensing",), None, None)
    cell = CELLS["table2_2019.fees.change"]
    assert (cell.table, cell.row, cell.column) == (form.TABLE2_2019_KEY, ("fees",), "change")
    cell = CELLS["table3.other_handling.single_row.total"]
    assert cell.row == ("other_handling", form.SINGLE_ROW) and cell.index == form.TABLE3_WIDTH - 1


def test_every_cell_of_the_form_once() -> None:
    t2 = len(form.TABLE2_TRIPLES) * len(form.TRIPLE_CELLS) + len(form.TABLE2_COUNTS) + 1
    t3 = (len(form.TABLE3_ROWS) + 1) * form.TABLE3_WIDTH
    t4 = len(form.TABLE4_GROUPS) * len(form.TABLE4_CELLS)
    t2_2019 = sum(len(r.cells) for r in form.TABLE2_2019_ROWS)
    assert len(CELLS) == len(CELL_PATHS) == t2 + t3 + t4 + t2_2019
    assert all(path == cell.path for path, cell in CELLS.items())


def test_find_says_whether_the_data_has_the_cell(seed_site: Site) -> None:
    report = seed_site.report("weihai-torch-hitech-zone", 2023)
    assert report is not None
    data = copy.deepcopy(report.data)
    new_total = CELLS["table3.new.total"]
    assert new_total.find(data) == (True, data["table3"]["new"][-1])
    assert new_total.find({"table3": None}) == (True, None)  # a missing table has its cells, null
    data["table3"]["new"] = [1, 2]
    assert new_total.find(data) == (True, None)  # a short row
    data["table3"]["new"] = None
    assert new_total.find(data) == (False, None)  # a null row has no cells to point at
    assert new_total.read(data) is None
    assert CELLS["table2.licensing"].find({"table2": {"licensing": {"x": 1}}}) == (False, None)


def test_single_row_is_the_2019_forms_other_handling(seed_site: Site) -> None:
    report = seed_site.report("pingtan-zonghe-shiyanqu", 2020)
    assert report is not None and report.table3 is not None
    t3 = copy.deepcopy(report.table3)
    assert single_row(t3)
    assert row_values(t3, ("other_handling", form.SINGLE_ROW)) == [4, 0, 0, 0, 0, 0, 4]
    assert form.TABLE3_SINGLE_ROW in outcome_rows(True)
    assert not any(r.path[0] == "other_handling" for r in outcome_rows(True) if r is not form.TABLE3_SINGLE_ROW)
    t3["other_handling"]["other"] = [0] * form.TABLE3_WIDTH  # a sub-row too: not the 2019 layout
    assert not single_row(t3)
    assert not single_row(None)
    assert not single_row(seed_site.report("weihai-torch-hitech-zone", 2023).table3)
    assert form.TABLE3_SINGLE_ROW not in outcome_rows(False)
