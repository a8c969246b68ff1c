"""Layouts of the form's tables that templates and converters print differently, read back exactly —
or left null when the header and the numbers disagree, never read into the wrong cells.

Each report here is text built by the test (a web page copied as text: a row per line, cells
between tabs), with tables 3 and 4 of ``distinct_tables`` — (almost) every cell different and
every sum of the form holding — so a cell read into another column would show.
"""

from __future__ import annotations

from report_tables import NAME, REGISTRY, SEED, distinct_tables, row_of, table4_cells

from portal import form
from portal.extract import extract
from portal.extract.table3 import COLUMNS_DISAGREE, COLUMNS_MOVED
from portal.extract.table4 import TURNED
from portal.trace import trace_report

TABLES = distinct_tables()
T3_HEADER = ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况",
             "自然人\t法人或其他组织\t总计", "商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他"]


def table2_lines(licensing: str = "34240", fees: str = "745.94", header_times: int = 1,
                 cells_times: int = 1) -> list[str]:
    heading = "\t".join(["本年处理决定数量"] * header_times)
    return ["第二十条第（一）项", "信息内容\t本年制发件数\t本年废止件数\t现行有效件数", "规章\t0\t0\t0",
            "行政规范性文件\t1\t0\t16", "第二十条第（五）项", f"信息内容\t{heading}",
            "行政许可\t" + "\t".join([licensing] * cells_times), "第二十条第（六）项", "信息内容\t本年处理决定数量",
            "行政处罚\t1505", "行政强制\t2276", "第二十条第（八）项", "信息内容\t本年收费金额（单位：万元）",
            f"行政事业性收费\t{fees}"]


def table3_lines(header: list[str], order: list[int]) -> list[str]:
    """Table 3's rows with their cells printed in ``order`` (indices of the form's columns)."""
    out = list(header)
    for row in form.TABLE3_ROWS:
        values = row_of(TABLES["table3"], row.path)
        out.append("\t".join([row.label, *(str(values[k]) for k in order)]))
    return out


def table4_lines() -> list[str]:
    return ["行政复议\t行政诉讼", "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉",
            "\t".join(c.label for c in form.TABLE4_CELLS * 2), "\t".join(map(str, table4_cells(TABLES["table4"])))]


def turned_table4(groups: tuple[int, ...] = (0, 1, 2), header: str = "项目\t行政复议\t未经复议直接起诉\t复议后起诉",
                  drop: str | None = None) -> list[str]:
    """Table 4 a row per result, a column per group, the groups printed in ``groups`` order."""
    out = [header]
    for item in form.TABLE4_CELLS:
        cells = [str(TABLES["table4"][form.TABLE4_GROUPS[g].key][item.key]) for g in groups]
        out.append("\t".join([item.label, *(c for c in cells if c != drop)]))
    return out


def report(table2: list[str], table3: list[str], table4: list[str]) -> bytes:
    lines = [f"{NAME}2023年政府信息公开工作年度报告", "", "二、主动公开政府信息情况", *table2, "",
             "三、收到和处理政府信息公开申请情况", *table3, "", "四、政府信息公开行政复议、行政诉讼情况", *table4, "",
             "五、存在的主要问题及改进情况", "无。", NAME, "2024年1月20日"]
    return "\n".join(lines).encode("utf-8")


def read(table2: list[str] | None = None, table3: list[str] | None = None, table4: list[str] | None = None):
    raw = report(table2 or table2_lines(), table3 or table3_lines(T3_HEADER, list(range(7))),
                 table4 or table4_lines())
    return extract(raw, "report.txt", REGISTRY)


def test_the_plain_layout_reads_every_distinct_cell() -> None:
    draft = read()
    assert draft.data["table2"] == SEED["table2"]
    assert draft.data["table3"] == TABLES["table3"] and draft.data["table4"] == TABLES["table4"]
    assert not [n for n in draft.data["notes"] if n in (COLUMNS_MOVED, TURNED)]


def test_table3_with_its_total_column_first_is_read_by_the_header_words() -> None:
    header = [T3_HEADER[0], "总计\t自然人\t法人或其他组织", T3_HEADER[2]]
    draft = read(table3=table3_lines(header, [6, 0, 1, 2, 3, 4, 5]))
    assert draft.data["table3"] == TABLES["table3"]
    assert draft.data["table3"]["granted"] == [1, 2, 3, 4, 5, 6, 21]
    assert COLUMNS_MOVED in draft.data["notes"]


def test_table3_with_the_five_organisations_in_another_order() -> None:
    header = [T3_HEADER[0], "自然人\t法人或其他组织\t总计", "其他\t法律服务机构\t社会公益组织\t科研机构\t商业企业"]
    draft = read(table3=table3_lines(header, [0, 5, 4, 3, 2, 1, 6]))
    assert draft.data["table3"] == TABLES["table3"]


def test_a_header_the_numbers_contradict_leaves_table3_null() -> None:
    """The header says 总计 first, but every row adds up only with 总计 last: nothing is guessed."""
    header = [T3_HEADER[0], "总计\t自然人\t法人或其他组织", T3_HEADER[2]]
    draft = read(table3=table3_lines(header, list(range(7))))
    assert all(v is None for r in form.TABLE3_ROWS for v in row_of(draft.data["table3"], r.path))
    assert COLUMNS_DISAGREE in draft.problems
    assert draft.data["table4"] == TABLES["table4"]


def test_table4_turned_a_quarter_is_read_row_by_row() -> None:
    draft = read(table4=turned_table4())
    assert draft.data["table4"] == TABLES["table4"]
    assert draft.data["table4"]["litigation_direct"] == {"upheld": 11, "corrected": 12, "other": 13, "pending": 14,
                                                         "total": 50}
    assert TURNED in draft.data["notes"]


def test_table4_turned_with_its_groups_in_another_order() -> None:
    draft = read(table4=turned_table4((2, 0, 1), "项目\t复议后起诉\t行政复议\t未经复议直接起诉"))
    assert draft.data["table4"] == TABLES["table4"]


def test_table4_turned_with_a_cell_lost_is_null_not_shifted() -> None:
    """Read left to right, 14 cells of a turned table would land in the wrong groups: all 15 stay null."""
    draft = read(table4=turned_table4(drop="23"))
    assert all(v is None for g in draft.data["table4"].values() for v in g.values())
    assert any(p.startswith("表四") for p in draft.problems)


def test_units_inside_table2_cells() -> None:
    draft = read(table2=[line.replace("\t16", "\t16件") for line in table2_lines("34,240件", "745.94万元")])
    assert draft.data["table2"] == SEED["table2"]


def test_a_fee_in_yuan_is_not_read_as_ten_thousands() -> None:
    draft = read(table2=table2_lines(fees="7459400元"))
    assert draft.data["table2"]["fees_10k_yuan"] is None
    assert draft.data["table2"]["licensing"] == 34240


def test_a_one_cell_row_repeated_under_its_split_header_is_one_cell() -> None:
    draft = read(table2=table2_lines(header_times=3, cells_times=3))
    assert draft.data["table2"]["licensing"] == 34240


def test_three_equal_numbers_under_one_header_are_not_one_cell() -> None:
    draft = read(table2=table2_lines(header_times=1, cells_times=3))
    assert draft.data["table2"]["licensing"] is None
    assert draft.data["table2"]["punishment"] == 1505


def _columns_of_table3() -> list[list[int]]:
    """Table 3's seven columns (one per applicant, 总计 last), each top to bottom in form order."""
    rows = [row_of(TABLES["table3"], r.path) for r in form.TABLE3_ROWS]
    return [[row[c] for row in rows] for c in range(form.TABLE3_WIDTH)]


def turned_table3() -> list[str]:
    """Table 3 a row per applicant, a column per row of the form."""
    names = [c.label for c in form.TABLE3_COLUMNS]
    return ["申请人情况\t" + "\t".join(r.label for r in form.TABLE3_ROWS),
            *("\t".join([name, *map(str, column)]) for name, column in zip(names, _columns_of_table3(), strict=True))]


def test_table3_printed_a_row_per_applicant_is_read_by_its_sums() -> None:
    draft = read(table3=turned_table3())
    assert draft.data["table3"] == TABLES["table3"]
    assert any("按表格的列序读出" in n for n in draft.data["notes"])


def test_table3_drawn_column_by_column_one_cell_a_line() -> None:
    """A PDF's text in drawing order: the labels (group labels apart from their rows), then each column."""
    tops = [r.label for r in form.TABLE3_ROWS if len(r.path) == 1]
    subs = [r.label for r in form.TABLE3_ROWS if len(r.path) == 2]
    lines = [*tops, *(g.label for g in form.TABLE3_GROUPS), *subs,
             *(str(v) for column in _columns_of_table3() for v in column)]
    draft = read(table3=lines)
    assert draft.data["table3"] == TABLES["table3"]


def test_table3_by_columns_whose_sums_fail_stays_null() -> None:
    columns = _columns_of_table3()
    columns[0][0] += 1  # 新收 of 自然人 one more: no column rule holds any more
    lines = [*(r.label for r in form.TABLE3_ROWS), *(str(v) for column in columns for v in column)]
    draft = read(table3=lines)
    assert all(v is None for r in form.TABLE3_ROWS for v in row_of(draft.data["table3"], r.path))


def test_table4_drawn_column_by_column_keeps_the_form_order() -> None:
    """Each result label followed by its one cell is the form's own layout read down its columns."""
    values = table4_cells(TABLES["table4"])

    def group(g: int) -> list[str]:
        return [x for k, c in enumerate(form.TABLE4_CELLS) for x in (c.label, str(values[5 * g + k]))]

    draft = read(table4=["行政复议", *group(0), "行政诉讼", "未经复议直接起诉", *group(1), "复议后起诉", *group(2)])
    assert draft.data["table4"] == TABLES["table4"]
    assert TURNED not in draft.data["notes"]


def test_zero_width_spaces_around_numbers() -> None:
    """A web editor's U+200B and U+FEFF stuck to numbers print nothing: the numbers read."""
    lines = table3_lines(T3_HEADER, list(range(7)))
    label, *cells = lines[3].split("\t")
    lines[3] = "\t".join([label, *(("\u200b" if k % 2 else "\ufeff") + c for k, c in enumerate(cells))])
    draft = read(table3=lines, table2=[line.replace("34240", "34240\u200b") for line in table2_lines()])
    assert draft.data["table3"] == TABLES["table3"] and draft.data["table2"]["licensing"] == 34240


def test_trace_finds_cells_of_moved_columns_and_still_catches_a_wrong_one() -> None:
    """The build's trace (every YAML cell found in its source row) knows the layouts the reader reads."""
    header = [T3_HEADER[0], "总计\t自然人\t法人或其他组织", T3_HEADER[2]]
    raw = report(table2_lines("34240件", "745.94万元"), table3_lines(header, [6, 0, 1, 2, 3, 4, 5]),
                 turned_table4())
    draft = extract(raw, "report.txt", REGISTRY)
    assert trace_report(draft.data, draft.text).mismatches == ()
    draft.data["table3"]["granted"][1] = 3  # 商业企业 of 予以公开 is printed 2
    draft.data["table4"]["review"]["total"] = 11
    found = trace_report(draft.data, draft.text).mismatches
    assert [m.path for m in found] == ["table3.granted.commercial", "table4.review.total"]


def grid_table(rows: list[list[str]], wrap: int = 8) -> list[str]:
    """pandoc's grid table of ``rows``: rules between rows, each cell's text wrapped over lines."""
    width = max(len(r) for r in rows)
    out = ["+" + "+".join(["----"] * width) + "+"]
    for row in rows:
        parts = [[c[i:i + wrap] for i in range(0, len(c), wrap)] or [""] for c in row + [""] * (width - len(row))]
        out += ["| " + " | ".join(p[h] if h < len(p) else "" for p in parts) + " |"
                for h in range(max(len(p) for p in parts))]
        out.append(out[0])
    return out


def test_a_pandoc_grid_table_with_labels_wrapped_inside_their_cells() -> None:
    """Turned a row per applicant, every label of the header is wrapped: the pieces are joined per cell."""
    draft = read(table3=grid_table([line.split("\t") for line in turned_table3()]))
    assert draft.data["table3"] == TABLES["table3"]
    plain = read(table3=grid_table([line.split("\t") for line in table3_lines(T3_HEADER, list(range(7)))]))
    assert plain.data["table3"] == TABLES["table3"]


def test_a_turned_table3_with_a_null_mark_is_proven_by_the_other_sums() -> None:
    lines = turned_table3()
    name, *cells = lines[2].split("\t")  # 商业企业: its 予以公开 (the form's third row) printed as /
    cells[2] = "/"
    lines[2] = "\t".join([name, *cells])
    draft = read(table3=lines)
    assert draft.data["table3"]["granted"] == [1, None, 3, 4, 5, 6, 21]
    assert draft.data["table3"]["withheld"] == TABLES["table3"]["withheld"]
    assert draft.data["cells"] == {"table3.granted.commercial": "/"}
