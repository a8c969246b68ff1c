"""Figures that only the prose states, each kept with the words it came from.

Only the overview (一、总体情况, the text before the first table) is read: later sections
repeat figures in other senses (人大代表建议1件 is not an application). Every figure keeps a
verbatim ``quote`` so a reader can check it; "16500余条" is a lower bound, and a previous
year's count implied by 较去年减少1件 keeps the arithmetic in ``derivation``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import fold

NUM = r"([0-9０-９][0-9０-９,，]*)"
_GAP = r"[^。；;，,\n]"
_NODIGIT = r"[^。；;，,\n\d０-９]"
_BOUND = r"\s*(余|多)?\s*"
_ALL_ITEMS = r"(?:了|各类|政府|政务|信息|文件|共计?|累计|总数|数量|为|达|\s)*?"
"""Words between 主动公开 and the count that keep it the count of *all* items: 主动公开政府采购项目信息188条
or 其他应主动公开政府信息856条 count a part, and a part taken for the whole is a wrong number."""


@dataclass(frozen=True)
class Rule:
    key: str
    pattern: str
    zero: bool = False  # the pattern states "none": value 0, no number group


RULES: tuple[Rule, ...] = (
    Rule("proactive_disclosed", rf"(?<!其他)(?<!其他应)(?<!类)主动(?:公开|发布){_ALL_ITEMS}(约|近)?{NUM}{_BOUND}条"),
    Rule("proactive_disclosed",
         rf"共(?:计)?(?:公开|公布)(?:了|各类)*(?:政府|政务)?信息{_ALL_ITEMS}(约|近)?{NUM}{_BOUND}条"),
    Rule("applications_received", rf"收到{_GAP}{{0,24}}?申请{_NODIGIT}{{0,6}}?(约|近)?{NUM}{_BOUND}件"),
    Rule("applications_received", rf"收到(约|近)?{NUM}{_BOUND}件{_GAP}{{0,10}}申请"),
    Rule("applications_received", rf"(?:未|没有)收到{_GAP}{{0,8}}申请", zero=True),
    Rule("applications_carried_over", rf"上年结转{_GAP}{{0,12}}?(约|近)?{NUM}{_BOUND}件"),
    Rule("applications_carried_over", r"(?:无|没有)上年结转", zero=True),
    Rule("normative_documents_issued",
         rf"(?:制定|出台|制发|印发)了?{_GAP}{{0,8}}?规范性文件{_NODIGIT}{{0,3}}?(约|近)?{NUM}{_BOUND}件"),
    Rule("normative_documents_issued", rf"(?:未|没有)(?:制定|出台|制发|印发){_GAP}{{0,6}}?规范性文件", zero=True),
    Rule("reconsiderations", rf"行政复议{_NODIGIT}{{0,4}}?(约|近)?{NUM}{_BOUND}(?:件|起|宗)"),
    Rule("reconsiderations", rf"无(?!法){_GAP}{{0,24}}?行政复议", zero=True),
    Rule("lawsuits", rf"行政诉讼{_NODIGIT}{{0,4}}?(约|近)?{NUM}{_BOUND}(?:件|起|宗)"),
    Rule("lawsuits", rf"无(?!法){_GAP}{{0,24}}?行政诉讼", zero=True),
    Rule("fees_collected_yuan", rf"收取{_GAP}{{0,10}}?(?:信息处理费|费用){_NODIGIT}{{0,4}}?(约|近)?{NUM}{_BOUND}元"),
)
_CHANGE = re.compile(
    rf"^[，,]?\s*((?:较|比|同比)(?:去年|上年|上一年|上年度|[0-9]{{4}}年)?(减少|增加|下降|增长|多|少)了?{NUM}件)"
)
_SAME = re.compile(r"^[，,]?\s*((?:与|和)(?:去年|上年|上一年|上年度)(?:相比)?持平)")
_SENTENCE_END = "。；;！!？?\n"
_CLAUSE_END = "，,。；;！!？?\n"


def _sentence_start(text: str, pos: int) -> int:
    return max(text.rfind(c, 0, pos) for c in _SENTENCE_END) + 1


def _clause_end(text: str, pos: int) -> int:
    ends = [i for c in _CLAUSE_END if (i := text.find(c, pos)) >= 0]
    return min(ends) if ends else len(text)


def read_narrative(text: str, year: int | None) -> list[dict]:
    """The narrative figures of ``text`` (the overview), at most one per key, in key order."""
    found: dict[str, tuple[int, dict]] = {}
    for rule in RULES:
        for m in re.finditer(rule.pattern, text):
            if rule.key in found and found[rule.key][0] <= m.start():
                break
            start = _sentence_start(text, m.start())
            if rule.zero:
                item = {"key": rule.key, "value": 0, "bound": "exact",
                        "quote": text[start:_clause_end(text, m.end())]}
            else:
                qualifier, number, more = m.group(1), m.group(2), m.group(3)
                digits = fold(number).replace(",", "").replace("，", "")
                if not digits.isdigit():
                    continue
                bound = "at_least" if more else "approx" if qualifier else "exact"
                item = {"key": rule.key, "value": int(digits), "bound": bound, "quote": text[start:m.end()]}
            found[rule.key] = (m.start(), item)
            break
    items = {k: v for k, (_, v) in found.items()}
    previous = _previous(text, items.get("applications_received"), found.get("applications_received"), year)
    if previous:
        items["applications_received_previous"] = previous
    order = ("proactive_disclosed", "applications_received", "applications_received_previous",
             "applications_carried_over", "normative_documents_issued", "reconsiderations", "lawsuits",
             "fees_collected_yuan")
    return [items[k] for k in order if k in items]


def _previous(text: str, received: dict | None, where: tuple[int, dict] | None, year: int | None) -> dict | None:
    """Last year's count: from 较去年减少1件 after this year's, or a sentence that states it."""
    if received and where and received["bound"] == "exact":
        start = _sentence_start(text, where[0])
        end = start + len(received["quote"])
        after = text[end:]
        if m := _CHANGE.match(after):
            phrase, direction, number = m.group(1), m.group(2), int(fold(m.group(3)))
            down = direction in ("减少", "下降", "少")
            value = received["value"] + number if down else received["value"] - number
            if value >= 0:
                sign = "+" if down else "−"
                received["quote"] = text[start:end + m.end()]
                return {"key": "applications_received_previous", "value": value, "bound": "exact",
                        "quote": received["quote"],
                        "derivation": f"{received['value']} {sign} {number}（{phrase}）"}
        if m := _SAME.match(after):
            received["quote"] = text[start:end + m.end()]
            return {"key": "applications_received_previous", "value": received["value"], "bound": "exact",
                    "quote": received["quote"], "derivation": f"{received['value']}（{m.group(1)}）"}
    if year is not None:
        pattern = rf"{year - 1}年度?{_GAP}{{0,12}}?申请{_NODIGIT}{{0,6}}?{NUM}\s*件"
        if m := re.search(pattern, text):
            return {"key": "applications_received_previous", "value": int(fold(m.group(1)).replace(",", "")),
                    "bound": "exact", "quote": text[_sentence_start(text, m.start()):_clause_end(text, m.end())]}
    return None
