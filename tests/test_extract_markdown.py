"""Markdown pipe tables laid out for the table reader: each converter quirk, line by line.

The whole-report cases (a pandoc table, marker's label rows apart from their numbers, docling's
repeated spans …) are fixtures in ``tests/fixtures/extract/md_*``; these tests pin the layout
itself, and that it only moves text around — never adds, drops or changes a word or a digit.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from portal.extract.markdown import markdown_layout, split_row, tab_rows
from portal.extract.tokens import tokenize
from portal.extract.view import reading_lines

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/fixtures/extract"
NEW = "一、本年新收政府信息公开申请数量"


def pipe(*rows: str) -> list[str]:
    return markdown_layout(list(rows))


def test_a_pipe_row_becomes_one_tab_separated_line() -> None:
    assert pipe("| 申请 | 自然人 | 总计 |", "|---|:---:|---:|", f"| {NEW} | 26 | 26 |") == [
        "申请\t自然人\t总计", f"{NEW}\t26\t26"]


def test_a_blank_cell_between_numbers_is_an_empty_field_read_as_a_blank_cell() -> None:
    lines = pipe(f"| {NEW} | 3 | 1 |  | 0 | 4 |", "|---|---|---|---|---|---|")
    assert lines == [f"{NEW}\t3\t1\t\t0\t4"]
    assert [t.kind for t in tokenize(lines)] == ["text", "cell", "cell", "blank", "cell", "cell"]


@pytest.mark.parametrize("row", [f"| {NEW} |  | 0 | 4 |", f"| {NEW} | 3 | 0 |  |"])
def test_a_blank_first_or_last_cell_is_printed_as_a_flattened_word_row(row: str) -> None:
    """On a tab line an empty field at the end looks like layout; one cell a line keeps it.

    Which columns hold numbers is known from the other rows: here 二、上年结转's.
    """
    lines = pipe("| 申请 | 自然人 | 商业企业 | 总计 |", "|---|---|---|---|", "| 二、上年结转 | 1 | 0 | 1 |", row)
    kinds = [t.kind for t in tokenize(lines) if t.kind != "break"]
    assert kinds[-4:] == ["text", *(["blank", "cell", "cell"] if "|  | 0" in row else ["cell", "cell", "blank"])]
    assert lines[2] == "" and lines[-1] == ""


def test_label_row_apart_from_its_numbers_and_a_label_split_over_rows() -> None:
    assert pipe(f"| {NEW} |  |  |", "|---|---|---|", "|  | 26 | 26 |") == [NEW, "26\t26"]
    assert pipe("| 5.要求行政机关确认或重新 | 0 | 0 |", "|---|---|---|", "| 出具已获取信息 |  |  |") == [
        "5.要求行政机关确认或重新\t0\t0", "出具已获取信息"]


def test_escaped_pipes_br_bold_and_entities_inside_cells() -> None:
    assert split_row(r"| **申请人情况** \| 人次 | 5.要求行政机关确认或重新<br/>出具已获取信息 | &nbsp;26 |") == [
        "申请人情况 | 人次", "5.要求行政机关确认或重新 出具已获取信息", "26"]


def test_a_row_number_column_is_dropped_but_a_first_column_of_numbers_is_not() -> None:
    rows = [["序号", "项目", "自然人"], ["1", NEW, "26"], ["2", "二、上年结转", "3"], ["3", "（一）予以公开", "5"]]
    assert tab_rows(rows) == ["项目\t自然人", f"{NEW}\t26", "二、上年结转\t3", "（一）予以公开\t5"]
    table4 = [["结果维持", "结果纠正", "总计"], ["1", "2", "3"]]
    assert tab_rows(table4) == ["结果维持\t结果纠正\t总计", "1\t2\t3"]
    not_a_count = [["", "项目", "自然人"], ["1", NEW, "26"], ["3", "二、上年结转", "3"], ["4", "（一）予以公开", "5"]]
    assert tab_rows(not_a_count)[1] == f"1\t{NEW}\t26"


def test_repeated_merged_cells_print_once() -> None:
    rows = [["三、本年度办理结果", "（三）不予公开", "1.属于国家秘密", "0"],
            ["三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开", "1"],
            ["（七）总计", "（七）总计", "（七）总计", "1"]]
    assert tab_rows(rows) == ["三、本年度办理结果\t（三）不予公开\t1.属于国家秘密\t0",
                              "2.其他法律行政法规禁止公开\t1", "（七）总计\t1"]


def test_a_number_repeated_under_one_repeated_header_is_one_cell_under_distinct_headers_three() -> None:
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"], ["规章", "0", "0", "0"],
            ["信息内容", "本年处理决定数量", "本年处理决定数量", "本年处理决定数量"],
            ["行政许可", "34240", "34240", "34240"]]
    lines = tab_rows(rows)
    assert lines[1] == "规章\t0\t0\t0" and lines[3] == "行政许可\t34240"


def test_headings_bold_quotes_and_escapes_are_dropped_outside_tables() -> None:
    lines = pipe("# **测试单位2023年政府信息公开工作年度报告** #", "> ## 三、收到和处理政府信息公开申请情况",
                 r"1\. 属于国家秘密", "| a | 1 |", "|---|---|")
    assert lines[:3] == ["测试单位2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
                         "1. 属于国家秘密"]


def test_an_html_table_inside_markdown_is_flattened_by_the_html_reader() -> None:
    lines = pipe("前文", '<table><tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td><td>0</td></tr>',
                 "<tr><td>2.其他法律行政法规禁止公开</td><td>1</td></tr></table>", "后文")
    assert lines[0] == "前文" and lines[-1] == "后文"
    assert "\t（三）不予公开" in lines and "\t1.属于国家秘密" in lines and "\t1" in lines


def test_plain_text_and_word_layout_are_left_alone() -> None:
    for name in ("web_copy_tab_separated.txt", "t3_label_wrapped_three_lines.txt"):
        text = (FIXTURES / name).read_text(encoding="utf-8")
        assert markdown_layout(text.split("\n")) == text.split("\n")
    seed = (ROOT / "content/reports/weihai-torch-hitech-zone/2023.txt").read_text(encoding="utf-8")
    assert markdown_layout(seed.split("\n")) == seed.split("\n")


_MARKUP = re.compile(r"<br\s*/?>|[|#*>\-:\s\\]")


@pytest.mark.parametrize("name", ["md_pandoc_pipe_tables", "md_label_row_apart_edge_blanks", "md_br_in_cells",
                                  "md_labels_split_across_rows", "md_escaped_pipes_quotes_null_marks"])
def test_the_reading_view_changes_layout_only(name: str) -> None:
    """Every word and digit of the source, in the same order, once Markdown marks and spacing are gone."""
    text = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8")
    assert _MARKUP.sub("", "".join(reading_lines(text))) == _MARKUP.sub("", text)


def test_hostile_rows_are_laid_out_in_linear_time() -> None:
    start = time.perf_counter()
    lines = markdown_layout(["| a " * 200_000 + "|", "|---|", "<table>" * 1000, *(["| 1 | 2 |"] * 20_000)])
    assert time.perf_counter() - start < 5
    assert len(lines) > 20_000


def test_markdown_saved_as_txt_with_an_html_table_near_the_top_is_still_markdown() -> None:
    from portal.extract import sniff

    text = ("# 某局2023年政府信息公开工作年度报告\n<table><tr><td>附表</td></tr></table>\n"
            "| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 34240 |\n| 行政处罚 | 1505 |\n")
    assert sniff(text.encode("utf-8"), "report.txt") == "text"
    assert sniff(b"<html><body><table><tr><td>1</td></tr></table></body></html>", "page.txt") == "html"
