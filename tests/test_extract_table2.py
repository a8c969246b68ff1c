"""Table 2 has no sums to prove a split of digits: a row is read as printed, or left null."""

from __future__ import annotations

import pytest

from portal.extract.table2 import read_table2

HEAD = ["二、主动公开政府信息情况", "第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数"]


def regulations(row: str) -> tuple[dict, list[str]]:
    lines = [*HEAD, row, "行政规范性文件\t1\t0\t16"]
    read = read_table2(lines, (1, len(lines)))
    return read.data["regulations"], [p for p in read.problems if "规章" in p]


@pytest.mark.parametrize("row, cells", [
    ("规章\t0\t0\t94", (0, 0, 94)),
    ("规章 000", (0, 0, 0)),  # run together: no other reading, even with a blank cell hidden
    ("规章0 0 94", (0, 0, 94)),
])
def test_rows_that_read_one_way(row: str, cells: tuple) -> None:
    data, problems = regulations(row)
    assert tuple(data.values()) == cells and problems == []


@pytest.mark.parametrize("row", [
    "规章\t0\t94",  # a blank cell the text does not show: 0 / blank / 94, never 0 / 9 / 4
    "规章 1016",  # 1 / 0 / 16 or 10 / 1 / 6
    "规章 094",
])
def test_a_split_no_sum_can_prove_is_left_null(row: str) -> None:
    data, problems = regulations(row)
    assert tuple(data.values()) == (None, None, None) and len(problems) == 1
