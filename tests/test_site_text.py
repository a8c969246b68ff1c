"""The report-text structure: blocks rebuild the source exactly, and real quirks are recognised.

Each quirk of a real report is a small file in ``tests/fixtures/text/`` with its expected blocks
listed here (kind, level, text), so a new quirk is a new file and a new entry, not new code paths.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import CONTENT

from portal.text import CELLS, DATE, HEADING, IMAGE, PARAGRAPH, TITLE, block_of, parse_text, rebuild, squash, toc

FIXTURES = Path(__file__).parent / "fixtures" / "text"

EXPECTED = {
    "title-sections-date.txt": [
        (TITLE, 0, "机关名称"), (TITLE, 0, "2023年政府信息公开工作年度报告"),
        (PARAGRAPH, 0, "根据条例编制本报告。"),
        (HEADING, 1, "一、总体情况"), (HEADING, 2, "（一）主动公开"), (PARAGRAPH, 0, "2023年，共公开信息268条。"),
        (DATE, 0, "2024年1月22日"),
    ],
    "lost-numeral-and-lead-in.txt": [
        (HEADING, 1, "一、总体情况"),
        (PARAGRAPH, 0, "（一）主动公开情况。今年以来，通过区政府网站主动发布各类信息290余条，"
                       "其中包括工作动态46条，公告公示信息12条。"),
        (HEADING, 1, "主动公开政府信息情况"),  # the numeral 二、 was lost: still the form's section title
    ],
    "flattened-cells.txt": [
        (HEADING, 1, "二、主动公开政府信息情况"),
        (CELLS, 0, "\t信息内容\n\t本年制发件数\n\n\t结果\n维持\n\t规章\n\t0\n"),  # wrapped cell kept inside
        (HEADING, 1, "三、收到和处理政府信息公开申请情况"),  # a heading between two tables splits them
        (CELLS, 0, "\t尚未\n审结\n\t总计\n"),
        (HEADING, 1, "4、 政府信息公开行政复议、行政诉讼情况"),  # mis-numbered, still a section
    ],
    "image-bookmark-crlf.txt": [
        (HEADING, 1, "二、主动公开政府信息情况"), (IMAGE, 0, "[image: 1705995664987]"),
        (PARAGRAPH, 0, "（三）其他方面：略。"),  # the bookmark is hidden, the words are not
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture(name: str) -> None:
    text = (FIXTURES / name).read_bytes().decode("utf-8")
    blocks = parse_text(text)
    assert [(b.kind, b.level, b.text) for b in blocks] == EXPECTED[name]
    assert [b.id for b in blocks] == [f"t{i}" for i in range(1, len(blocks) + 1)]


def test_every_fixture_has_expectations() -> None:
    assert sorted(p.name for p in FIXTURES.glob("*.txt")) == sorted(EXPECTED)


@pytest.mark.parametrize("path", sorted((CONTENT / "reports").glob("*/*.txt")), ids=lambda p: p.parent.name)
def test_blocks_are_the_seed_text_in_order_with_only_blank_lines_between(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    blocks = parse_text(text)
    at = 0
    for block in blocks:
        found = text.index(block.raw, at)
        assert not text[at:found].strip(), f"text skipped before {block.id}: {text[at:found]!r}"
        at = found + len(block.raw)
    assert not text[at:].strip()
    # nothing but blank lines (and the cuts of a page flattened onto one line) between the blocks
    assert squash(rebuild(blocks)) == squash(text)
    assert toc(blocks), "every seed has section headings"


def test_seed_002_sections() -> None:
    blocks = parse_text((CONTENT / "reports/weihai-torch-hitech-zone/2023.txt").read_text(encoding="utf-8"))
    sections = [e.text for e in toc(blocks) if e.level == 1]
    assert sections == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                        "4、 政府信息公开行政复议、行政诉讼情况", "5、 存在的主要问题及改进情况",
                        "六、其他需要报告的事项"]
    assert sum(b.kind == CELLS for b in blocks) == 3  # the three flattened tables


def test_block_of_finds_a_quote_across_line_wraps() -> None:
    blocks = parse_text("一、总体情况\n2023年，共收到申请\n26件。\n")
    assert block_of(blocks, "共收到申请26件") is None  # quotes do not span blocks…
    blocks = parse_text("一、总体情况\n2023年，共收到申请 26件。\n")
    assert block_of(blocks, "共收到申请26件").id == "t2"  # …but ignore whitespace inside one


def test_a_page_flattened_onto_one_line_is_shown_in_its_paragraphs_and_headings() -> None:
    body = "。".join(["本机关认真贯彻条例"] * 30)
    text = (f"某县2019年政府信息公开工作年度报告 根据条例编制。一、总体情况2019年，{body}。"
            f"（一）主动公开情况 {body}。二、主动公开政府信息情况 第二十条第（一）项规章000 "
            f"三、政府信息依申请公开工作情况 2019年未收到申请。{body}。")
    blocks = parse_text(text)
    assert [e.text for e in toc(blocks)] == ["一、总体情况", "（一）主动公开情况", "二、主动公开政府信息情况",
                                             "三、政府信息依申请公开工作情况"]
    assert squash(rebuild(blocks)) == squash(text)
