"""Consistency rules that read the report's text (registry: ``rules.py``).

- ``text.year``: the year the text speaks of is the report's year. A report whose text names
  another year more often than its own most likely repeats an old report's text.
- ``text.problems_section``: section 五 (存在的主要问题及改进情况) says something.
- ``text.fees``: what section 六 says about information-processing fees agrees with what the rest
  of the report says.

They are careful to say "cannot tell" rather than raise a false alarm: a section whose heading
cannot be found, or a statement with nothing to compare it with, is unknown, never a failure.
Checks name no table cells (``cells`` is empty): they point at the text, quoted in the detail.
"""

from __future__ import annotations

import re
from collections import Counter

from .checks import FAIL, PASS, UNKNOWN, Check, shared
from .extract.flat import FLATTENED_MIN_CHARS
from .extract.view import reading_lines
from .numfmt import format_number

YEAR = re.compile(r"((?:19|20)\d\d)(?<![\d.]\d{4})\s*年")
"""A year: four digits not preceded by a digit or a point (written after them, the look-behind lets the
regex engine skip to a 1 or a 2: a fifth of the time of looking behind at every character)."""
_NUMERAL = r"(?:\[bookmark:[^\]]*\])*\s*(?:[一二三四五六七八九十]{1,2}|\d{1,2})\s*[、.．]"
SECTION = re.compile(rf"^\s*{_NUMERAL}\s*\S")
HEADING_LINE = re.compile(r"^[^\S\n]*[一二三四五六七八九十]{1,2}[^\S\n]*[、.．][^\S\n]*\S.*$", re.MULTILINE)
"""The next section's heading: numbered 一、…十、 (a line numbered 1. is as often an item of a list)."""
PROBLEMS, OTHER = "存在的主要问题", "其他需要报告的事项"
HEADING_MAX = 40
"""A section heading is a short line: the words also occur in the report's opening sentence."""
_LETTER = re.compile(r"[\u4e00-\u9fffA-Za-z0-9]")
_CLAUSE = r"[^。；;，,！!？?\n]"
_NOT = "(?:未|无|没有|不存在|暂无|均未|不)"
NO_FEE = re.compile(rf"{_NOT}{_CLAUSE}{{0,8}}(?:收取|产生){_CLAUSE}{{0,14}}(?:处理费|费用)|{_NOT}(?:收取|收费)")
"""No fee was collected. Not 收费通知: table 3's row 申请人逾期未按收费通知要求缴纳费用 says a fee notice went
unpaid, which is no statement about fees collected."""
FEE_AMOUNT = re.compile(rf"收取{_CLAUSE}{{0,20}}?(?:处理费|费用)[^。；;\n\d]{{0,6}}?(\d+(?:\.\d+)?)\s*(万?元)")


def text_checks(data: dict, text: str) -> list[Check]:
    """The text rules for one report."""
    year = data.get("year")
    sections = _sections(text)
    if sections is None and any(len(line) >= FLATTENED_MIN_CHARS for line in text.split("\n")):
        sections = _sections("\n".join(reading_lines(text)))  # a web page flattened onto one line: cut at headings
    out = [_year_check(year, text)] if isinstance(year, int) else []
    out.append(_problems_check(sections))
    out.append(_fees_check(sections, text, data.get("narrative") or []))
    return out


# ---------------------------------------------------------------- text.year


def _year_check(year: int, text: str) -> Check:
    counts = Counter(int(y) for y in YEAR.findall(text))
    if not counts:
        return shared("text.year", UNKNOWN, (), "原文中没有写出任何年份")
    shown = "；".join(f"{y}年 {n} 次" for y, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:4])
    own = counts.get(year, 0)
    other, most = max(((y, n) for y, n in counts.items() if y != year), key=lambda kv: kv[1], default=(None, 0))
    if most > own:
        return shared("text.year", FAIL, (), f"报告年度是 {year} 年，但原文提到 {other} 年 {most} 次、"
                      f"{year} 年只有 {own} 次（{shown}）：可能沿用了往年的文本")
    return shared("text.year", PASS, (), f"原文提到的年份：{shown}")


# ---------------------------------------------------------------- sections


def _is_heading(line: str, words: str) -> bool:
    s = line.strip()
    return len(s) <= HEADING_MAX and words in s and (bool(SECTION.match(s)) or s.endswith(words) or
                                                     s.endswith(words + "情况"))


def _line_at(text: str, pos: int) -> tuple[int, int]:
    """The start and end of the line holding ``pos``."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    return start, len(text) if end < 0 else end


def _sections(text: str) -> dict[str, str] | None:
    """The text of sections 五 and 六 (by their headings), or None when neither heading is found.

    Searched in the whole text rather than line by line: a report is a few hundred lines, and the
    words occur on two or three of them."""
    headings: dict[str, tuple[int, int]] = {}
    for words in (PROBLEMS, OTHER):
        pos = text.find(words)
        while pos >= 0:
            start, end = _line_at(text, pos)
            if _is_heading(text[start:end], words):
                headings[words] = (start, end)  # the last one: a table of contents may list the headings first
            pos = text.find(words, end)
    out = {}
    for words, (_, end) in headings.items():
        later = [m.start() for m in HEADING_LINE.finditer(text, end) if len(m.group(0).strip()) <= HEADING_MAX][:1]
        later += [start for start, _ in headings.values() if start > end]
        out[words] = text[end:min(later, default=len(text))]
    return out or None


def _problems_check(sections: dict[str, str] | None) -> Check:
    body = (sections or {}).get(PROBLEMS)
    if body is None:
        return shared("text.problems_section", UNKNOWN, (), "原文中找不到“存在的主要问题及改进情况”这一部分的标题")
    letters = len(_LETTER.findall(body))
    if not letters:
        return shared("text.problems_section", FAIL, (), "“存在的主要问题及改进情况”标题之后没有任何文字")
    return shared("text.problems_section", PASS, (), f"“存在的主要问题及改进情况”一节有 {letters} 个字")


# ---------------------------------------------------------------- text.fees


def _says(text: str) -> tuple[float | None, str] | None:
    """What a passage says about fees collected: (amount in 元 or 0, the words), or None when silent."""
    for m in FEE_AMOUNT.finditer(text):
        amount = float(m.group(1)) * (10_000 if m.group(2) == "万元" else 1)
        return amount, m.group(0)
    m = NO_FEE.search(text)
    return (0.0, m.group(0)) if m else None


def _fees_check(sections: dict[str, str] | None, text: str, narrative: list[dict]) -> Check:
    six = (sections or {}).get(OTHER)
    if six is None:
        return shared("text.fees", UNKNOWN, (), "原文中找不到“其他需要报告的事项”这一部分的标题")
    own = _says(six)
    if own is None:
        return shared("text.fees", UNKNOWN, (), "第六部分没有说明收取信息处理费的情况")
    squashed_six = "".join(six.split())
    elsewhere: list[tuple[float, str]] = [
        (float(n["value"]), n["quote"]) for n in narrative
        if n.get("key") == "fees_collected_yuan" and n.get("bound", "exact") == "exact"
        and "".join(str(n.get("quote", "")).split()) not in squashed_six]
    rest = _says(text.replace(six, "")) if six.strip() else None
    if rest is not None:
        elsewhere.append(rest)  # type: ignore[arg-type]
    said = f"第六部分“{own[1]}”"
    if not elsewhere:
        return shared("text.fees", UNKNOWN, (), f"{said}；正文别处没有可比对的收费说明")
    amount, words = next(((a, w) for a, w in elsewhere if (a > 0) != (own[0] > 0)), elsewhere[0])  # type: ignore[misc]
    if (amount > 0) != (own[0] > 0):
        return shared("text.fees", FAIL, (), f"{said}，而正文“{words}”说{_fee(amount)}")
    return shared("text.fees", PASS, (), f"{said}，与正文“{words}”一致")


def _fee(amount: float) -> str:
    return f"收取了 {format_number(amount)} 元" if amount > 0 else "没有收费"
