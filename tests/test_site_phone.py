"""The seed site on a 390-px phone and a 1280-px desktop, in Debian's Chromium: tables whose row
labels stay on screen while the numbers scroll, a visible hint that they scroll, no page wider than
the phone, table 3's headers on one line on a desktop; and the small page items a reader meets
(one search box on the home page, the 404 page's nav, the dev server's error banner)."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser import serve_directory
from conftest import NO_TABLES, SEED_002, text_of

from portal.devhttp import ERROR_CSS, decorate
from portal.devreload import LiveState

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
PAGE_KINDS = (
    "/", "/agencies/", "/agencies/weihai-torch-hitech-zone/", "/agencies/pingtan-zonghe-shiyanqu/",
    SEED_002, "/reports/pingtan-zonghe-shiyanqu/2019/", NO_TABLES[0], "/years/", "/years/2023/", "/years/2013/",
    "/data/", "/about/", "/search/", "/no-such-page/",
)
"""Every kind of page, and the widest of each: the agency with ten years, the 2019 form, no tables."""

SCROLL_TO_END = "el => { el.scrollLeft = el.scrollWidth; return el.scrollLeft; }"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(site_dir: Path):  # noqa: ANN201 - the served URL
    with serve_directory(site_dir) as url:
        yield url


@pytest.fixture()
def phone(browser):  # noqa: ANN001, ANN201 - a Playwright Page at 390×844
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    yield context.new_page()
    context.close()


def box(locator) -> dict[str, float]:  # noqa: ANN001 - a Playwright Locator
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not rendered"
    return found


def on_screen(b: dict[str, float], width: int = PHONE["width"]) -> bool:
    return b["x"] >= 0 and b["x"] + b["width"] <= width + 0.5 and b["width"] > 0


@pytest.mark.parametrize("url", PAGE_KINDS)
def test_no_page_is_wider_than_a_phone(phone, base: str, url: str) -> None:  # noqa: ANN001
    phone.goto(base + url)
    assert phone.evaluate("document.documentElement.scrollWidth <= innerWidth"), \
        f"{url} scrolls sideways: {phone.evaluate('document.documentElement.scrollWidth')} px"


def test_table3_keeps_its_labels_on_screen_scrolled_to_the_total(phone, base: str) -> None:  # noqa: ANN001
    phone.goto(base + SEED_002)
    frame = phone.locator(".table-scroll.t-table3")
    frame.scroll_into_view_if_needed()
    assert frame.evaluate(SCROLL_TO_END) > 100  # the numbers did not fit: the table scrolled
    table = phone.locator("#table3-table")
    labels = [table.locator("th", has_text=text).first for text in
              ("一、本年新收政府信息公开申请数量", "三、本年度办理结果", "（三）不予公开", "1.属于国家秘密",
               "（七）总计", "四、结转下年度继续办理")]
    label_right = 0.0
    for label in labels:
        b = box(label)
        assert on_screen(b), f"{label.inner_text()!r} left the screen: {b}"
        label_right = max(label_right, b["x"] + b["width"])
    frame_box = box(frame)
    for cell in (table.locator("thead th", has_text="总计"), table.locator('[id="c-table3.new.total"]'),
                 table.locator('[id="c-table3.carried_forward.total"]')):
        b = box(cell)
        assert on_screen(b), f"the 总计 column is off screen: {b}"
        assert b["x"] >= label_right - 0.5, "the 总计 column is hidden under the row labels"
        assert b["x"] + b["width"] <= frame_box["x"] + frame_box["width"] + 0.5
    assert table.locator('[id="c-table3.new.total"]').inner_text() == "26"


@pytest.mark.parametrize(("url", "frame", "label"), [
    ("/", ".table-scroll:has(#headline-caption)", "收录报告（份）"),
    ("/years/2023/", ".table-scroll:has(#year-table)", "威海火炬高技术产业开发区管委会"),
    ("/years/2023/", ".table-scroll:has(#totals-caption)", "山东省"),
    ("/agencies/pingtan-zonghe-shiyanqu/", ".table-scroll:has(#yoy-caption)", "主动公开政府信息"),
])
def test_data_tables_keep_their_row_labels_on_screen(phone, base: str, url: str, frame: str,  # noqa: ANN001
                                                    label: str) -> None:
    phone.goto(base + url)
    scroller = phone.locator(frame)
    scroller.scroll_into_view_if_needed()
    assert scroller.evaluate(SCROLL_TO_END) > 50
    b = box(scroller.locator("tbody th", has_text=label).first)
    assert on_screen(b), f"{label} scrolled away: {b}"
    last = box(scroller.locator("tbody tr:has(th[scope=row]) > :last-child").first)
    assert on_screen(last) and last["x"] >= b["x"] + b["width"] - 0.5


def test_a_wide_table_shows_that_it_scrolls(phone, base: str) -> None:  # noqa: ANN001
    phone.goto(base + SEED_002)
    frame = phone.locator(".table-scroll.t-table3")
    hint = frame.locator("caption").evaluate("c => getComputedStyle(c, '::after').content")
    assert "左右滑动" in hint
    # the scrolling edge fades while there is more to the right, and not at the end
    fade = "el => getComputedStyle(el).getPropertyValue('--fade-right')"
    assert frame.evaluate(fade) not in ("", "0px")
    frame.evaluate(SCROLL_TO_END)
    phone.wait_for_timeout(100)
    assert frame.evaluate(fade) == "0px"
    # a table that fits shows neither
    narrative = phone.locator(".table-scroll:has(table.narrative)")
    assert narrative.evaluate("el => el.scrollWidth <= el.clientWidth")
    assert narrative.evaluate(fade) == "0px"
    assert narrative.locator("caption").evaluate("c => getComputedStyle(c, '::after').content") == "none"


def test_table3_headers_are_one_line_on_a_desktop(browser, base: str) -> None:  # noqa: ANN001
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    page.goto(base + SEED_002)
    lines = page.evaluate("""() => [...document.querySelectorAll('#table3-table thead th[scope]')].map(th => {
        const range = document.createRange(); range.selectNodeContents(th);
        return [th.textContent, new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
    })""")
    context.close()
    assert ["自然人", 1] in lines
    assert [text for text, n in lines if n != 1] == []


def test_the_home_page_has_one_search_box(phone, base: str) -> None:  # noqa: ANN001
    phone.goto(base + "/")
    assert phone.locator("input[type=search]").count() == 1
    assert phone.locator("input[type=search]").is_visible()
    phone.goto(base + SEED_002)  # every other page keeps the header's
    assert phone.locator("header input[type=search]").count() == 1


def test_the_404_page_marks_no_section_as_current(soup) -> None:
    page = soup("/404.html")
    assert page.select('nav.site-nav [aria-current]') == []
    assert soup("/").select_one('nav.site-nav [aria-current="page"]').get_text() == "首页"


def test_the_dev_servers_error_banner_does_not_cover_the_header(browser, tmp_path: Path, site_dir: Path) -> None:  # noqa: ANN001
    # the page as the dev server sends it while the content is broken
    state = LiveState()
    state.error = "content/reports/x/2023.yaml:7: published: …\n" * 12
    (tmp_path / "__portal").mkdir()
    (tmp_path / "__portal" / "error.css").write_text(ERROR_CSS, encoding="utf-8")
    (tmp_path / "static").symlink_to(site_dir / "static")
    (tmp_path / "index.html").write_bytes(decorate((site_dir / "index.html").read_bytes(), state))
    with serve_directory(tmp_path) as url:
        page = browser.new_page(viewport=PHONE)
        page.goto(url + "/")
        banner, header = box(page.locator("#portal-build-error")), box(page.locator("header.site-header"))
        assert header["y"] >= banner["y"] + banner["height"] - 0.5  # pushed down, not covered
        page.mouse.wheel(0, 600)
        page.wait_for_timeout(200)
        assert page.evaluate("document.elementFromPoint(200, 5).closest('#portal-build-error')") is None
        page.close()


def test_small_items_of_the_pages(soup) -> None:
    licence = text_of(soup("/data/").select_one("#licence").find_next("p"))
    assert licence.count("本站对年度报告所做的结构化整理") == 1
    about = soup("/about/")
    feedback = about.find(["h2", "h3"], string="报告错误")
    assert feedback is not None, "the about page says how to report an error"
    assert "欢迎告诉我们" not in text_of(about.select_one("main"))
    for url in ("/", "/years/2023/"):
        caution = soup(url).select_one(".caution")
        assert caution is not None and "口径" in text_of(caution) and "主动公开政府信息" in text_of(caution), url
