"""Narrative figures: the count of all proactively disclosed items, never a part taken for it."""

from __future__ import annotations

import pytest

from portal.extract.narrative import read_narrative


def proactive(text: str) -> int | None:
    found = [f for f in read_narrative(text, 2018) if f["key"] == "proactive_disclosed"]
    return found[0]["value"] if found else None


@pytest.mark.parametrize("text, value", [
    ("2018年全区主动公开政府信息2069条。", 2069),
    ("全年共公布政府信息2599条，(其中机构职能类信息25条，其他应主动公开政府信息856条)", 2599),
    ("全区共公开信息16500余条，其中门户网站信息4200余条。", 16500),
    ("共主动公开政务信息211条。", 211),
    # parts of the whole: a kind of item, a channel, the "other" category
    ("我区累计在政府采购信息网上主动公开政府采购项目信息188条。", None),
    ("其中微博29个，共发布信息1992条。", None),
    ("机构职能类信息25条，其他应主动公开政府信息856条。", None),
    ("今年累计主动公开采购信息25条。", None),
])
def test_only_the_count_of_all_items_is_taken(text: str, value: int | None) -> None:
    assert proactive(text) == value
