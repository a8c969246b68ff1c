"""A report's original address is taken from what the file states about itself, never guessed."""

from __future__ import annotations

import pytest

from portal.extract.origin import source_url

URL = "https://www.example.gov.cn/zwgk/ndbg/202301/t20230120_1.html"


@pytest.mark.parametrize("raw", [
    f'<html><head><link rel="canonical" href="{URL}"></head><body>报告</body></html>',
    f'<html><head><link href="{URL}" rel="canonical"/></head></html>',
    f'<html><head><meta property="og:url" content="{URL}"></head></html>',
    f"<!-- saved from url=(0058){URL} -->\n<html><body>报告</body></html>",
    f"标题: 某县2022年政府信息公开工作年度报告\n发布时间: 2023-01-20 15:22\n原文链接: {URL}\n==== 正文 ====\n正文……",
])
def test_the_address_a_file_states(raw: str) -> None:
    assert source_url(raw.encode("gb18030"), raw) == URL


def test_links_in_the_body_are_not_the_reports_address() -> None:
    body = "\n".join(["正文"] * 25 + [f"原文链接: {URL}", f'<a href="{URL}">链接</a>'])
    assert source_url(body.encode("utf-8"), body) is None
