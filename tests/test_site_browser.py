"""The built site in Debian's Chromium: no errors under a strict Content-Security-Policy, phone
layouts that do not scroll sideways, and the progressive table sort."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import serve_directory
from conftest import SEED_002

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
PAGES = ("/", "/agencies/", "/agencies/weihai-torch-hitech-zone/", SEED_002, "/years/2023/", "/data/", "/about/",
         "/no-such-page/")  # /search/ needs the Pagefind index: tests/test_search.py drives it

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(site_dir: Path):  # noqa: ANN201 - the served URL
    with serve_directory(site_dir, headers={"Content-Security-Policy": CSP}) as url:
        yield url


def test_pages_load_without_errors_under_a_strict_csp(browser, base: str) -> None:  # noqa: ANN001
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: problems.append(f"pageerror: {e}"))
    page.on("response", lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None)
    for url in PAGES:
        response = page.goto(base + url)
        assert response is not None
        assert response.status == (404 if url == "/no-such-page/" else 200)
        assert page.locator("h1").count() == 1
    # the 404 page of the static host is our 404.html, styled
    assert page.locator("h1").inner_text() == "页面不存在"
    expected = [f"404: {base}/no-such-page/", "error: Failed to load resource: the server responded with a status "
                "of 404 (Not Found)"]
    assert problems == expected


@pytest.mark.parametrize("url", ["/", SEED_002, "/agencies/weihai-torch-hitech-zone/", "/years/2023/"])
def test_phone_width_does_not_scroll_sideways(browser, base: str, url: str) -> None:  # noqa: ANN001
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base + url)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert "Noto Sans CJK" in page.evaluate("getComputedStyle(document.body).fontFamily")


def test_year_table_sorts_with_javascript(browser, base: str) -> None:  # noqa: ANN001
    page = browser.new_page()
    page.goto(base + "/years/2023/")
    first = "#year-table tbody tr:first-child th a"
    button = page.locator("#year-table thead th", has_text="新收申请").locator("button")
    button.click()
    assert page.locator(first).inner_text() == "威海火炬高技术产业开发区管委会"  # 26, the largest
    assert page.locator("#year-table thead th", has_text="新收申请").get_attribute("aria-sort") == "descending"
    button.click()
    assert page.locator(first).inner_text() != "威海火炬高技术产业开发区管委会"
    assert page.locator("#year-table tbody tr").count() == 3


def test_skip_link_is_visible_on_focus(browser, base: str) -> None:  # noqa: ANN001
    page = browser.new_page()
    page.goto(base + "/")
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.bounding_box()["y"] >= 0
