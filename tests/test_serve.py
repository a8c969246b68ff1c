"""The dev server as an editor uses it: save a YAML, see the open page change, break it, fix it.

One real ``python build.py serve`` (a subprocess on a free port, on a copy of the seed content)
and one Chromium page are shared by the browser tests of this module; each test leaves the
content as it found it. The parts that need no browser (HTML decoration, path safety, change
detection, coalescing of saves, error capture) are tested directly and fast.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from browser import launch_chromium
from bs4 import BeautifulSoup
from conftest import load_script

from portal import devbuild, devhttp, devreload, devthreads
from portal.errors import ContentError, Problem

ROOT = Path(__file__).resolve().parent.parent
REPORT = "weihai-torch-hitech-zone/2023"
WAIT_MS = 15_000
BANNER_NAMES_YAML_ERROR = ("() => /2023\\.yaml:\\d+: broken: YAML 语法错误/"
                           ".test(document.querySelector('#portal-build-error').innerText)")
BUILT, FAILED = "构建完成", "构建失败"
"""The terminal's first words for a build that was written and for one that failed."""


bench = load_script("bench_serve")


@dataclass
class Served:
    server: object  # bench_serve.ServeProcess
    yaml_path: Path
    url: str
    original: str

    def restore(self) -> None:
        self.yaml_path.write_text(self.original, encoding="utf-8")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("serve")
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    url, yaml_path = bench.pick_report(content, REPORT)
    with bench.ServeProcess(content, tmp / "site", ready_timeout=120) as server:
        yield Served(server, yaml_path, url, yaml_path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def page(served: Served, chromium_executable: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = launch_chromium(pw)
        page = browser.new_page()
        page.goto(served.server.url(served.url))
        page.wait_for_function("() => window.LiveReload !== undefined")
        page.wait_for_timeout(300)  # the WebSocket handshake
        yield page
        browser.close()


@pytest.fixture
def pristine(served: Served) -> Iterator[Served]:
    """Each browser test starts and ends with the original YAML, and a page showing it."""
    yield served
    if served.yaml_path.read_text(encoding="utf-8") != served.original:
        mark = len(served.server.lines)
        served.restore()
        served.server.wait_for_output((BUILT, FAILED), after=mark)  # settled for the next test


def shows(page, text: str, timeout: int = WAIT_MS) -> None:  # noqa: ANN001
    page.wait_for_function("t => document.body && document.body.innerText.includes(t)", arg=text, timeout=timeout)


def title_of(served: Served) -> str:
    return bench.original_title(served.yaml_path)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


# ------------------------------------------------------------------ in the browser


@pytest.mark.browser
def test_a_save_changes_the_open_page(page, pristine: Served) -> None:
    title = title_of(pristine)
    bench.set_title(pristine.yaml_path, f"第一次修改{title}")
    shows(page, "第一次修改")
    assert "第一次修改" in page.locator("h1").first.inner_text()
    assert "第一次修改" in fetch(pristine.server.url(pristine.url)), "the file on disk was rewritten too"


@pytest.mark.browser
def test_a_save_reloads_the_pages_it_changed_and_no_other(page, pristine: Served) -> None:
    """The report's page reloads, the home page (site-wide, lists the newest titles) reloads,
    another agency's page, which cannot change, does not."""
    others = {url: page.context.browser.new_page() for url in ("/", "/agencies/wendeng-civil-affairs/")}
    try:
        for url, other in others.items():
            other.goto(pristine.server.url(url))
            other.wait_for_function("() => window.LiveReload !== undefined")
            other.evaluate("() => { window.notReloaded = true; }")
        page.wait_for_timeout(300)  # the new pages' WebSocket handshakes
        title = title_of(pristine)
        bench.set_title(pristine.yaml_path, f"只改这一份{title}")
        shows(page, "只改这一份")
        shows(others["/"], "只改这一份")
        other_agency = others["/agencies/wendeng-civil-affairs/"]
        other_agency.wait_for_timeout(1000)
        assert other_agency.evaluate("() => window.notReloaded === true"), "an unchanged page was reloaded"
    finally:
        for other in others.values():
            other.close()


def test_pages_are_served_under_the_deployed_security_headers(served: Served) -> None:
    """The same CSP as on Netlify, so a violation shows while the page is being written.

    The browser tests above pass under it: livereload.js, catchup.js and the WebSocket are allowed.
    """
    with urllib.request.urlopen(served.server.url(served.url), timeout=10) as response:
        headers = response.headers
    expected = devhttp.site_wide_headers()
    assert "default-src 'none'" in expected["Content-Security-Policy"]
    for name, value in expected.items():
        assert headers[name] == value, name
    assert headers["Cache-Control"] == "no-store"


@pytest.mark.browser
def test_two_saves_within_two_seconds_both_reload(page, pristine: Served) -> None:
    """livereload alone drops a reload within 3 s of the previous one; ours must not.

    The second save comes the moment the first one shows, so its reload follows the first
    reload by one save→reload latency (about half a second here), well inside those 3 s.
    """
    title = title_of(pristine)
    bench.set_title(pristine.yaml_path, f"甲{title}")
    shows(page, f"甲{title}")
    first_shown = time.monotonic()
    bench.set_title(pristine.yaml_path, f"乙{title}")
    shows(page, f"乙{title}")
    print(f"second reload {time.monotonic() - first_shown:.2f} s after the first")


@pytest.mark.browser
def test_a_save_while_the_page_is_still_reloading_is_not_lost(page, pristine: Served) -> None:
    """The second save lands while the page reloads from the first: it must still show."""
    title = title_of(pristine)
    bench.set_title(pristine.yaml_path, f"丙{title}")
    time.sleep(0.25)
    bench.set_title(pristine.yaml_path, f"丁{title}")
    shows(page, f"丁{title}", timeout=5000)


@pytest.mark.browser
def test_broken_yaml_is_shown_in_terminal_and_page_and_a_fix_recovers(page, pristine: Served) -> None:
    server = pristine.server
    mark = len(server.lines)
    pristine.yaml_path.write_text(pristine.original + "\nbroken: [unclosed\n", encoding="utf-8")
    line = server.wait_for_output(FAILED, after=mark)
    assert "2023.yaml" in server.lines[line]
    server.wait_for_output("2023.yaml:", after=line + 1)  # the problem itself, with its line number
    broken_line = len(pristine.original.splitlines()) + 2  # the "[" is reported on its own line, not the next
    problem = f"2023.yaml:{broken_line}: broken: YAML 语法错误：“[”没有配对的“]”"
    assert any(line.endswith(problem) for line in server.lines), server.output
    page.wait_for_selector("#portal-build-error", timeout=WAIT_MS)
    # eventually, not at once: a build that ran between the truncate and the write of the save
    # reports an empty file first, and the next build the real problem
    page.wait_for_function(BANNER_NAMES_YAML_ERROR, timeout=WAIT_MS)
    assert page.locator("h1").count() >= 1, "the last good page is still shown under the banner"
    assert server.alive()

    title = title_of(pristine)
    pristine.yaml_path.write_text(pristine.original.replace(title, f"修好了{title}", 1), encoding="utf-8")
    page.wait_for_selector("#portal-build-error", state="detached", timeout=WAIT_MS)
    shows(page, "修好了")
    assert server.alive()


@pytest.mark.browser
def test_search_finds_a_new_title_once_the_index_is_refreshed(page, pristine: Served) -> None:
    server = pristine.server
    mark = len(server.lines)
    bench.set_title(pristine.yaml_path, f"鹦鹉螺{title_of(pristine)}")
    built = server.wait_for_output(BUILT, after=mark)
    shows(page, "鹦鹉螺")  # the reload did not wait for the index
    server.wait_for_output("搜索索引已更新", after=built + 1, timeout=60)
    search = page.context.browser.new_page()
    try:
        assert found_by_search(search, server.url("/search/?q=鹦鹉螺")) == [pristine.url]
    finally:
        search.close()


def found_by_search(page, url: str, timeout: float = 60) -> list[str]:  # noqa: ANN001
    """The report URLs a search lists, retried until it lists some (an index run may be queued)."""
    deadline = time.monotonic() + timeout
    while True:
        page.goto(url)
        # "error" too: a query that started just before the index was swapped asks for old chunks
        results = page.wait_for_selector("#results[data-state=done], #results[data-state=error]", state="attached",
                                         timeout=WAIT_MS)
        hrefs = page.locator("#results a.search-result-link").evaluate_all("as => as.map(a => a.getAttribute('href'))")
        if (hrefs and results.get_attribute("data-state") == "done") or time.monotonic() > deadline:
            return [h.split("#")[0].split("?")[0] for h in hrefs]  # a result links to ?q=…#t<N>
        page.wait_for_timeout(500)


def test_one_save_is_one_build(served: Served) -> None:
    """Saving writes site/ files; if the output were watched, each build would trigger another."""
    server = served.server
    mark = len(server.lines)
    served.yaml_path.write_text(served.original + "\n# a comment\n", encoding="utf-8")
    server.wait_for_output(BUILT, after=mark)
    time.sleep(1.0)
    try:
        assert sum(BUILT in line for line in server.lines[mark:]) == 1, server.output
    finally:
        served.restore()
        server.wait_for_output(BUILT, after=mark + 1)


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "build.py", "serve", "--port", str(port), "--out", str(tmp_path / "s")],
                              cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert f"错误：无法在 127.0.0.1:{port} 上监听：" in done.stderr
    assert done.stderr.rstrip().endswith(f"；端口可能被占用，试试 --port {port + 1}")
    assert "Traceback" not in done.stderr


def test_output_folder_holding_the_content_is_refused(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "build.py", "serve", "--out", str(ROOT)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "请用 --out 另选一个目录" in done.stderr


# ------------------------------------------------------------------ the parts, directly


def test_pages_get_external_scripts_and_while_broken_the_banner() -> None:
    state = devreload.LiveState()
    page = b"<!doctype html><html><head><title>t</title></head><body class=x><h1>A</h1></body></html>"
    good = devhttp.decorate(page, state).decode()
    assert '<script src="/livereload.js"></script>' in good
    assert f'data-build="{state.generation}"' in good
    assert "<script>" not in good and "portal-build-error" not in good  # no inline script, ever
    state.error = "content/x.yaml:3: year: <bad>"
    broken = devhttp.decorate(page, state).decode()
    assert broken.index("<body class=x>") < broken.index('id="portal-build-error"') < broken.index("<h1>A</h1>")
    assert "content/x.yaml:3: year: &lt;bad&gt;" in broken
    assert ("<h2>构建失败：改好下面的文件并保存，页面会自动刷新；现在看到的是上次成功构建的版本</h2>") in broken
    assert not re.search("[A-Za-z]{3,}", BeautifulSoup(broken, "html.parser").h2.get_text())  # no English left
    assert '<link rel="stylesheet" href="/__portal/error.css">' in broken


def test_urls_resolve_inside_the_output_only(tmp_path: Path) -> None:
    (tmp_path / "reports" / "a").mkdir(parents=True)
    (tmp_path / "reports" / "a" / "index.html").write_text("x")
    (tmp_path / "index.html").write_text("home")
    assert devhttp.resolve(tmp_path, "") == tmp_path / "index.html"
    assert devhttp.resolve(tmp_path, "reports/a/") == tmp_path / "reports" / "a" / "index.html"
    assert devhttp.resolve(tmp_path, "../etc/passwd") is None
    assert devhttp.resolve(tmp_path, "reports/missing/") is None


def test_scan_sees_edits_renames_and_deletes_but_never_the_output(tmp_path: Path) -> None:
    content, out = tmp_path / "content", tmp_path / "content" / "_site"
    (content / "reports").mkdir(parents=True)
    out.mkdir()
    yaml_file = content / "reports" / "a.yaml"
    yaml_file.write_text("a: 1\n")
    (out / "index.html").write_text("x")
    (content / ".a.yaml.swp").write_text("vim")
    before = devthreads.scan([content], out)
    assert list(before) == [str(yaml_file)]
    replacement = content / "reports" / "a.yaml.new"
    replacement.write_text("a: 2\n")  # an editor's atomic save: write beside, rename over
    replacement.replace(yaml_file)
    (out / "index.html").write_text("changed output")
    after = devthreads.scan([content], out)
    assert devthreads.changed_paths(before, after) == [str(yaml_file)]
    yaml_file.unlink()
    assert devthreads.changed_paths(after, devthreads.scan([content], out)) == [str(yaml_file)]


def test_a_burst_of_saves_is_one_build_and_every_outcome_is_published() -> None:
    builds: list[tuple[str, ...]] = []
    published = threading.Event()

    def build(trigger: tuple[str, ...]) -> devbuild.Outcome:
        builds.append(trigger)
        return devbuild.Outcome(None, 0, None, 0.0, trigger)

    builder = devthreads.Builder(build, lambda outcome: published.set())
    builder.start()
    for name in ("a.yaml", "b.yaml", "a.yaml"):
        builder.request([name])
    assert published.wait(5)
    time.sleep(devthreads.QUIET_SECONDS * 4)
    assert builds == [("a.yaml", "b.yaml")]


def test_rebuild_turns_every_failure_into_text(tmp_path: Path) -> None:
    def bad_content(_: Path, **__: object) -> None:
        raise ContentError([Problem("content/reports/x/2023.yaml", "expected a date", 7, "published")])

    outcome = devbuild.rebuild(tmp_path, devbuild.DevOutput(tmp_path / "site"), ("x.yaml",), load=bad_content)
    assert outcome.site is None and outcome.error is not None
    assert outcome.error == "content/reports/x/2023.yaml:7: published: expected a date\n" \
        "共 1 个问题；页面显示的是上次成功构建的版本。"

    def bug(_: Path, **__: object) -> None:
        raise KeyError("oops")

    outcome = devbuild.rebuild(tmp_path, devbuild.DevOutput(tmp_path / "site"), load=bug)
    assert outcome.error is not None
    assert outcome.error.startswith("构建时出现内部错误（网站程序的缺陷，不是内容的问题）：\n")
    assert "KeyError: 'oops'" in outcome.error
