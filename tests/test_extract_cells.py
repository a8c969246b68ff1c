"""Cell parsing and run-together digits: a number is what was printed, nothing else."""

from __future__ import annotations

import pytest

from portal.extract.numbers import Cell, parse_cell, split_candidates
from portal.extract.tokens import norm_label, tokenize


@pytest.mark.parametrize(("printed", "value"), [
    ("26", 26), ("２６", 26), ("0", 0), ("34,240", 34240), ("1，505", 1505), (" 7 ", 7),
])
def test_numbers_as_printed(printed: str, value: int) -> None:
    assert parse_cell(printed) == Cell(value, printed.strip())


@pytest.mark.parametrize("printed", ["", "/", "／", "—", "——", "-", "－", "不适用", "无"])
def test_marks_are_null_and_keep_their_printing(printed: str) -> None:
    cell = parse_cell(printed)
    assert cell is not None and cell.value is None and cell.printed == printed.strip()


def test_decimals_only_where_the_form_has_them() -> None:
    assert parse_cell("745.94", decimal=True) == Cell(745.94, "745.94")
    assert parse_cell("７４５．９４", decimal=True).value == 745.94
    assert parse_cell("745.94") is None  # a count is a whole number
    assert parse_cell("026") is None  # nobody prints 026: digits ran together


def test_split_keeps_every_reading_without_leading_zeros() -> None:
    readings = [[c.value for c in r] for r in split_candidates(["10100000101"], 7)]
    assert [1, 0, 100, 0, 0, 0, 101] in readings and [101, 0, 0, 0, 0, 0, 101] in readings
    cells = [c for r in split_candidates(["10100000101"], 7) for c in r]
    assert all(not (len(c.printed) > 1 and c.printed[0] == "0") for c in cells)
    assert [[c.value for c in r] for r in split_candidates(["000"], 3)] == [[0, 0, 0]]
    assert split_candidates(["1" * 60], 7) is None  # too many to weigh: refuse, don't guess


def test_tokens_of_flattened_word_and_pdf_lines() -> None:
    lines = ["\t[bookmark: _Hlk1]一、本年新收", "\t26", "\t", "", "（七）总计25 0"]
    kinds = [(t.kind, t.text) for t in tokenize(lines)]
    assert kinds == [("text", "一、本年新收"), ("cell", "26"), ("blank", ""), ("break", ""),
                     ("text", "（七）总计"), ("cell", "25"), ("cell", "0")]


@pytest.mark.parametrize(("printed", "label"), [
    ("[bookmark: _Hlk66974104]2.其他法律行政法规禁止公开", "其他法律行政法规禁止公开"),
    ("4、 政府信息公开行政复议、行政诉讼情况", "政府信息公开行政复议行政诉讼情况"),
    ("（2） 改进措施", "改进措施"),
    ("3.危及“三安全一稳定”", "危及三安全一稳定"),
    ("（三）不予公开", "不予公开"),
])
def test_labels_lose_numbering_and_punctuation_only(printed: str, label: str) -> None:
    assert norm_label(printed) == label
