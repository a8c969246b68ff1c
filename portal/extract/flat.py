"""A report flattened onto one line (archived web pages, copy-paste) cut back into lines.

Web archives and copy-paste often keep a whole report as one line, its tables included, with
no separator between cells: ``…（一）予以公开7000007（二）部分公开…1.属于国家秘密00000002.其他法律…``.
The table reader needs each row to start a line. The form itself says where rows start — its
headings and row labels — so the line is cut just before each of them (and after a section
heading, so that a heading stands alone). Only layout changes: every character stays, in order.

A sub-row's Arabic numbering glued to the previous row's digits (``…00000002.其他法律``) is cut
only when it is the number the form prints for that row *and* a separator follows it, so a
digit of the previous row is never taken for a numbering.
"""

from __future__ import annotations

import re
from functools import cache

from .. import form
from .meta import TITLE

FLATTENED_MIN_CHARS = 300
"""A line this long that holds table labels is a flattened page, not a line of a table."""

_LETTER_GAP = r"[^\u4e00-\u9fffA-Za-z0-9０-９]{0,3}"
_CN_NUMERALS = "一二三四五六七八九十"
_SECTION_HEADINGS = (
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "(?:因)?政府信息公开(?:申请)?行政复议、(?:提起)?行政诉讼(?:的)?情况",
    "(?:政府信息公开工作)?存在的主要问题及改进(?:情况|措施)",
    "其他需要报告的事项",
)
SECTION = re.compile(rf"[{_CN_NUMERALS}]\s*[、.．]\s*(?:{'|'.join(_SECTION_HEADINGS)})")
"""A section heading of the national format, with its numeral (the numeral makes it a heading)."""

TABLE2_LABELS = ("第二十条第", "行政规范性文件", "规范性文件", "规章", "行政许可", "其他对外管理服务事项",
                 "行政处罚", "行政强制", "行政事业性收费", "政府集中采购")
"""Where table 2's rows and sections start (the 2021 form's and the 2019 form's)."""


def _numbering(prefix: str) -> str:
    """A regex for a label's printed numbering: （一） 一、 1. in their usual variants."""
    inner = prefix.strip("（）()、.．")
    if prefix.startswith(("（", "(")):
        return rf"[(（]\s*{inner}\s*[)）]"
    if inner in _CN_NUMERALS or all(c in _CN_NUMERALS for c in inner):
        return rf"{inner}\s*[、.．]"
    wide = "".join(chr(ord(c) + 0xFEE0) for c in inner)
    return rf"(?:{inner}|{wide})\s*[.．、,，]"  # a separator must follow: see the module docstring


def _split_label(label: str) -> tuple[str, str]:
    m = re.match(r"^([(（][^)）]{1,3}[)）]|[一二三四五六七八九十]{1,2}、|\d{1,2}\.)", label)
    return (m.group(1), label[m.end():]) if m else ("", label)


def _letters(text: str) -> int:
    return sum("\u4e00" <= c <= "\u9fff" for c in text)


def _core(text: str, letters: int = 4) -> str:
    """The first letters of a label as a regex that allows quotes and spaces between them."""
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff"][:letters]
    return _LETTER_GAP.join(re.escape(c) for c in chars)


@cache
def row_starts() -> re.Pattern[str]:
    """Where a row of table 2, 3 or 4 starts: its numbering (when printed) and its label."""
    alternatives = []
    labels = [i.label for i in (*form.TABLE3_TOP, *form.TABLE3_SIMPLE_OUTCOMES, form.TABLE3_TOTAL,
                                 form.TABLE3_CARRIED_FORWARD)] + [form.TABLE3_RESULTS_LABEL]
    for group in form.TABLE3_GROUPS:
        labels.append(group.label)
        labels += [row.label for row in group.rows]
    for label in labels:
        prefix, rest = _split_label(label)
        core = _core(rest)
        if not prefix:
            alternatives.append(core)
        elif _letters(rest) < 3:  # 3.其他: too common a word to mark a row without its numbering
            alternatives.append(rf"{_numbering(prefix)}\s*{core}")
        else:
            alternatives.append(rf"(?:{_numbering(prefix)}\s*)?{core}")
    alternatives += [re.escape(label) for label in TABLE2_LABELS]
    return re.compile("|".join(f"(?:{a})" for a in alternatives))


TITLE_WITHIN = 120
"""A flattened page opens with its title: one found later is a mention of it in the text."""


def _title_cuts(line: str) -> set[int]:
    """After the report's title at the head of a flattened page, so that it stands on its own line."""
    m = TITLE.search(line[:TITLE_WITHIN])
    return {m.end()} if m else set()


_GLUED_CELL = re.compile(r"[\u4e00-\u9fff）)”](?:\d|[-—/]\d)")
"""A label with its number glued on (行政许可34240): cells with no separator."""


def is_flattened(line: str) -> bool:
    """A line that holds at least three of the tables' row labels: a long one (a whole page), or one
    whose labels have their numbers glued on (a table's rows run together)."""
    if len(line) < FLATTENED_MIN_CHARS and not _GLUED_CELL.search(line):
        return False
    return len(row_starts().findall(line)) >= 3


def cut_line(line: str) -> list[str]:
    """``line`` cut before every paragraph, section heading and row label, and after every heading."""
    cuts = _paragraph_cuts(line) | _title_cuts(line)
    cuts.update(m.start() for m in row_starts().finditer(line))
    return _pieces(line, cuts)


_PARAGRAPH_START = re.compile(
    rf"(?<=[。；;！!？?\s])(?=[{_CN_NUMERALS}]{{1,2}}\s*、|[（(][{_CN_NUMERALS}]{{1,2}}[）)])")
"""A numbered heading right after a sentence ends: where a paragraph began before the page was
flattened (一、… and （一）… after 。 or a space)."""
_HEADING_THEN_SPACE = re.compile(r"[^。；;！!？?，,\s]{2,30}\s")
"""A heading that a space separated from its paragraph before the page was flattened."""


def display_pieces(line: str) -> list[str]:
    """A long line cut where its paragraphs and headings began, for reading (a table stays one
    paragraph: its row labels are not headings of the report).

    Every character stays, in order; a short line comes back whole."""
    if len(line) < FLATTENED_MIN_CHARS:
        return [line]
    return _pieces(line, _paragraph_cuts(line))


def _paragraph_cuts(line: str) -> set[int]:
    """Where the paragraphs and headings of a flattened page began (and the two ends)."""
    cuts = {0, len(line)}
    for m in SECTION.finditer(line):
        cuts.update((m.start(), m.end()))
    for m in _PARAGRAPH_START.finditer(line):
        cuts.add(m.start())
        if heading := _HEADING_THEN_SPACE.match(line, m.start()):  # 四、政府信息公开的收费情况 2011年…
            cuts.add(heading.end())
    return cuts


def _pieces(line: str, cuts: set[int]) -> list[str]:
    points = sorted(cuts)
    return [line[a:b] for a, b in zip(points, points[1:], strict=False) if line[a:b].strip()]


def unflatten(lines: list[str]) -> list[str]:
    """Every flattened line cut into rows, every other long line into its paragraphs (so that a
    quoted sentence starts where its paragraph did); short lines unchanged."""
    out: list[str] = []
    for line in lines:
        out.extend(cut_line(line) if is_flattened(line) else display_pieces(line))
    return out
