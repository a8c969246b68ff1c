"""The live-reloading dev server behind ``python build.py serve``.

Why not livereload's ``Server`` and ``Watcher`` as they are (2.7.1): the watcher runs the callback
once per watched path that changed (one save touching content/ and templates/ would build twice),
the server drops a browser reload that comes within 3 s of the previous one (the second of two
quick saves would never show), neither catches an exception raised by the callback (one bad YAML
would kill the server), and the snippet it injects is an inline script, which the site's
Content-Security-Policy forbids. So we keep livereload's WebSocket endpoint and its
``livereload.js`` client, and drive them from four small parts:

- a watcher thread polls the modification stamps of content/, templates/ and static/ (never the
  output directory) and reports each save once, when two scans agree;
- a builder thread coalesces the reports that arrive while it works, then recomputes the whole
  in-memory model (``load_content``, re-parsing only the files whose stamps changed) and writes
  only the files whose bytes changed (``write_site``) — after a save under ``reports/<slug>/``,
  only that agency's files, then the site-wide pages, are rendered (``Rebuilder``); every
  finished build (or part) that changed something, good or bad, is published with a new build
  number and a reload message to the connected pages it can have changed, with no minimum
  interval;
- an indexer thread, after that reload, writes the site-wide data downloads and refreshes the
  Pagefind index in a child process, so neither holds the reload up, and swaps the index in whole;
- tornado's IOLoop (the main thread) serves the output directory and adds, to every HTML page,
  two external scripts (``livereload.js`` and ``catchup.js``, which reloads a page that was still
  loading when a build finished) and, while the content is broken, the error banner.

All shared state (build number, current error) lives on the IOLoop thread; the other threads hand
results to it with ``add_callback``. Every thread catches everything, so no exception stops the
server: a broken YAML is shown in the terminal and on the page until a save fixes it.
"""

from __future__ import annotations

import errno
import html
import json
import mimetypes
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import tomllib
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler, LiveReloadJSHandler
from tornado import ioloop, web
from tornado.websocket import WebSocketClosedError

from .build import KEEP
from .errors import ContentError
from .load import FileStamp, stamp_of
from .output import unsafe_output
from .sitemap import PAGE, Output

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("templates", "static")
"""Watched beside the content directory: a template or stylesheet edit rebuilds too."""
POLL_SECONDS = 0.05
"""Polling, not inotify: no extra dependency, and 2,000 stamps cost a few milliseconds."""
SETTLE_SECONDS = 0.02
"""An editor's save is several writes (truncate, write, rename): a change is reported once two
scans this far apart agree, so a build never reads a half-written file, and one save is one build."""
QUIET_SECONDS = 0.01
"""Reports that arrive this close together (or during a build) are built together."""
EXIT_USAGE = 2
INDEX_NICE = 10
"""How much lower the index child's priority is: the next rebuild wins the CPU over it."""
SEARCH_NEXT, SEARCH_OLD = ".pagefind-next", ".pagefind-old"
"""The dev server's folders for swapping a fresh search index in; write_site is told to keep them."""
DEV_KEEP = (*KEEP, SEARCH_NEXT, SEARCH_OLD)
"""What the dev server's ``write_site`` calls leave alone: the search index and its swap folders."""


CATCHUP_JS = """\
// A page that was still loading when a build finished missed its reload message: LiveReload only
// tells the pages connected at that moment. Once connected, ask for the build number and reload
// if this page is older.
(function () {
  var built = document.currentScript && document.currentScript.dataset.build;
  document.addEventListener("LiveReloadConnect", function () {
    fetch("/__portal/build", {cache: "no-store"})
      .then(function (r) { return r.text(); })
      .then(function (now) { if (built && now !== built) { window.location.reload(); } });
  });
})();
"""

ERROR_CSS = """\
#portal-build-error { position: sticky; top: 0; z-index: 2147483647; margin: 0; padding: 1rem 1.25rem;
  background: #fff4f4; color: #5c0000; border-bottom: 4px solid #c00; font: 15px/1.5 system-ui, sans-serif; }
#portal-build-error h2 { margin: 0 0 .5rem; font-size: 1.1rem; }
#portal-build-error pre { margin: 0; white-space: pre-wrap; font: 13px/1.45 ui-monospace, monospace;
  max-height: 60vh; overflow: auto; }
"""

EXTRA_TYPES = {".wasm": "application/wasm", ".pagefind": "application/octet-stream",
               ".pf_meta": "application/octet-stream", ".pf_index": "application/octet-stream",
               ".pf_fragment": "application/octet-stream", ".json": "application/json",
               ".csv": "text/csv; charset=utf-8", ".svg": "image/svg+xml"}
NETLIFY_TOML = ROOT / "netlify.toml"
HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
BODY_START = re.compile(rb"<body\b[^>]*>", re.IGNORECASE)


def say(message: str) -> None:
    """One timestamped line on stderr; threads share it, so each line is written whole."""
    stamp = time.strftime("%H:%M:%S")
    text = "\n".join(f"[{stamp}] {line}" for line in message.splitlines() or [""])
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


# ------------------------------------------------------------------ watching


def _ignored(name: str) -> bool:
    """Editor droppings (.x.swp, .#x, x~) and hidden files never trigger a build."""
    return name.startswith((".", "#")) or name.endswith(("~", ".swp", ".swx", ".tmp"))


def scan(roots: Iterable[Path], skip: Path) -> dict[str, FileStamp]:
    """Every file under the roots with its stamp; ``skip`` (the output dir) is never entered."""
    found: dict[str, FileStamp] = {}
    stack = [str(r) for r in roots if r.is_dir() and r != skip]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:  # removed while we looked: the next poll sees the new state
            continue
        for entry in entries:
            if _ignored(entry.name):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    if entry.path != str(skip):
                        stack.append(entry.path)
                elif entry.is_file(follow_symlinks=False):
                    st = entry.stat(follow_symlinks=False)
                    found[entry.path] = stamp_of(st)
            except OSError:
                continue
    return found


def changed_paths(before: dict[str, FileStamp], after: dict[str, FileStamp]) -> list[str]:
    """Files added, removed or modified between two scans."""
    return sorted(p for p in before.keys() | after.keys() if before.get(p) != after.get(p))


class Watcher(threading.Thread):
    """Polls the watched roots and reports each batch of changed files, exactly once."""

    def __init__(self, roots: list[Path], skip: Path, on_change: Callable[[list[str]], None]):
        super().__init__(name="portal-watch", daemon=True)
        self.roots, self.skip, self.on_change = roots, skip, on_change
        self.snapshot = scan(roots, skip)
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = POLL_SECONDS
        while not self.stopped.wait(interval):
            started = time.perf_counter()
            try:
                now = self._settled(scan(self.roots, self.skip))
                changes = changed_paths(self.snapshot, now)
                self.snapshot = now
                if changes:
                    self.on_change(changes)
            except Exception:  # noqa: BLE001 - the watcher must outlive any surprise
                say("监视线程出错（仍在监视文件）：\n" + traceback.format_exc())
            # a huge tree must not keep a core busy: poll at most ~20% of the time
            interval = max(POLL_SECONDS, 4 * (time.perf_counter() - started))

    def _settled(self, now: dict[str, FileStamp]) -> dict[str, FileStamp]:
        """Rescan until two scans SETTLE_SECONDS apart agree (at once when nothing changed)."""
        while now != self.snapshot and not self.stopped.wait(SETTLE_SECONDS):
            again = scan(self.roots, self.skip)
            if again == now:
                break
            now = again
        return now


# ------------------------------------------------------------------ building


@dataclass(frozen=True)
class Outcome:
    """One rebuild's result: a site that was written, or the text of what went wrong.

    ``pages`` says which open pages to reload (by site path; None: every page), and ``then``
    is the rest of the build, run and published right after this part's reload."""

    site: Any | None
    written: int
    error: str | None
    seconds: float
    trigger: tuple[str, ...]
    pages: Callable[[str], bool] | None = None
    then: Callable[[], Outcome] | None = None
    what: str = "构建完成"  # the terminal's words for this part


OUTPUT_LOCK = threading.Lock()
"""Held while write_site walks the output folder and while the search index is swapped in:
write_site lists every file to find stale ones, and a folder that vanishes under that walk
(the old index being removed) would fail the build."""


def rebuild(content_dir: Path, out_dir: Path, trigger: tuple[str, ...] = (), *, cache: Any = None,
            select: Callable[[Output], bool] | None = None) -> Outcome:
    """Recompute the model and write the changed files; never raises.

    ``cache`` (a ``load.ParseCache``) skips parsing the files that did not change; ``select``
    limits the files rendered (``write_site``).
    """
    from .load import load_content

    started = time.perf_counter()
    return _attempt(started, trigger, lambda: rewrite(load_content(content_dir, cache=cache), out_dir, trigger,
                                                      select=select, started=started))


def rewrite(site: Any, out_dir: Path, trigger: tuple[str, ...], *, select: Callable[[Output], bool] | None,
            started: float | None = None) -> Outcome:
    """Write the selected files of a loaded site (the second part of a two-part build)."""
    from .build import write_site

    started = time.perf_counter() if started is None else started

    def write() -> Outcome:
        with OUTPUT_LOCK:
            written = write_site(site, out_dir, keep=DEV_KEEP, select=select)
        return Outcome(site, len(written), None, time.perf_counter() - started, trigger)

    return _attempt(started, trigger, write)


def _attempt(started: float, trigger: tuple[str, ...], build: Callable[[], Outcome]) -> Outcome:
    """``build()``, or an Outcome holding the error: never raises.

    A ContentError becomes its editor-facing lines; anything else (a template syntax error, a
    bug) becomes a traceback, because the person at the dev server can act on it."""
    try:
        return build()
    except ContentError as exc:
        error = "\n".join(str(p) for p in exc.problems)
        error += f"\n共 {len(exc.problems)} 个问题；页面显示的是上次成功构建的版本。"
    except Exception:  # noqa: BLE001 - shown on the page and in the terminal, never fatal
        error = "构建时出现内部错误（网站程序的缺陷，不是内容的问题）：\n" + traceback.format_exc()
    return Outcome(None, 0, error, time.perf_counter() - started, trigger)


def agencies_touched(content_dir: Path, paths: Iterable[str]) -> set[str] | None:
    """The agencies whose files a batch of saves can change, or None when it can change anything.

    A file under ``reports/<slug>/`` feeds only that agency's pages and the site-wide ones (the
    report of one year is checked against the year before of the same agency, never another
    agency's). The registry, ``pages/``, templates and static files feed every page."""
    slugs = set()
    for path in paths:
        parts = Path(path).relative_to(content_dir).parts if Path(path).is_relative_to(content_dir) else ()
        if len(parts) != 3 or parts[0] != "reports":
            return None
        slugs.add(parts[1])
    return slugs


class Rebuilder:
    """The builder thread's build step, with what it keeps between builds to make a save cheap:
    the parsed files (``ParseCache``) and the agencies changed since the last good build.

    After saves under ``reports/<slug>/`` a build has two parts, each followed by its own
    reload: first the files of the agencies touched (the page being edited reloads after a few
    of its agency's files, whatever the size of the site), then the site-wide pages — only the
    pages open on those reload. Every other agency's pages do not change (the site map says what
    each output is made from: ``sitemap.Output.agency``) and do not reload. Any other save
    rebuilds every page and reloads every page. The site-wide
    data downloads (~1 s at 1,000 reports, and no page shows them) are always left to
    ``write_downloads`` after the reload.

    Why accumulate: a save that fails to build writes nothing, so the next good build must
    write every agency touched since the last good one, not only the latest save's."""

    def __init__(self, content_dir: Path, out_dir: Path):
        from .load import ParseCache

        self.content_dir, self.out_dir = content_dir, out_dir
        self.cache = ParseCache()
        self.pending: set[str] | None = None  # None: everything (the first build, or a shared file)

    def __call__(self, trigger: tuple[str, ...] = ()) -> Outcome:
        touched = agencies_touched(self.content_dir, trigger) if trigger else None
        scope = None if self.pending is None or touched is None else self.pending | touched
        if scope is None:
            outcome = rebuild(self.content_dir, self.out_dir, trigger, cache=self.cache,
                              select=lambda o: not o.site_download)
        else:
            agencies = Selection(lambda o: o.agency in scope)
            site_wide = Selection(lambda o: o.agency is None and not o.site_download)
            outcome = rebuild(self.content_dir, self.out_dir, trigger, cache=self.cache, select=agencies)
            if outcome.site is not None:
                site = outcome.site
                outcome = replace(outcome, pages=agencies.shows, then=lambda: replace(
                    rewrite(site, self.out_dir, trigger, select=site_wide), pages=site_wide.shows,
                    what="全站页面已写出"))
        self.pending = set() if outcome.error is None else scope
        return outcome


class Selection:
    """The outputs ``accept`` chooses from the site map, remembered as the pages a browser may
    have open (by URL path or file path, without the leading slash), so a build reloads only the
    pages it wrote."""

    def __init__(self, accept: Callable[[Output], bool]):
        self.accept = accept
        self._pages: set[str] = set()

    def __call__(self, output: Output) -> bool:
        if not self.accept(output):
            return False
        if output.kind == PAGE:
            self._pages.update((output.url.lstrip("/"), output.path))
        return True

    def shows(self, page: str) -> bool:
        return page in self._pages


def write_downloads(site: Any, out_dir: Path) -> int:
    """The site-wide data downloads that ``Rebuilder`` leaves out of the build before a reload."""
    from .build import write_site

    with OUTPUT_LOCK:
        return len(write_site(site, out_dir, keep=DEV_KEEP, select=lambda o: o.site_download))


def index_into(site: Any, out_dir: Path) -> None:
    """Index ``site`` in a child (``indexing.IndexChild``, at a lower priority: the next rebuild
    wins the CPU) and a private folder, then swap the result in with two renames. Pages keep the
    old index until the new one is complete."""
    from .indexing import IndexChild
    from .search import BUNDLE

    live, fresh, old = out_dir / BUNDLE, out_dir / SEARCH_NEXT, out_dir / SEARCH_OLD
    with tempfile.TemporaryDirectory(prefix="portal-search-") as tmp:
        bundle = IndexChild(site, Path(tmp), nice=INDEX_NICE).bundle()
        with OUTPUT_LOCK:
            shutil.rmtree(fresh, ignore_errors=True)
        shutil.move(bundle, fresh)  # only adds files: safe beside a running write_site
    with OUTPUT_LOCK:
        shutil.rmtree(old, ignore_errors=True)
        if live.exists():
            live.rename(old)
        fresh.rename(live)
        shutil.rmtree(old, ignore_errors=True)


class Builder(threading.Thread):
    """Turns bursts of change reports into one rebuild each, and publishes every outcome."""

    def __init__(self, build: Callable[[tuple[str, ...]], Outcome], publish: Callable[[Outcome], None]):
        super().__init__(name="portal-build", daemon=True)
        self.build, self.publish = build, publish
        self._cond = threading.Condition()
        self._pending: list[str] = []
        self._last_request = 0.0

    def request(self, paths: list[str]) -> None:
        with self._cond:
            self._pending += paths
            self._last_request = time.monotonic()
            self._cond.notify()

    def _next_batch(self) -> tuple[str, ...]:
        """Block until something changed and the saves have been quiet for QUIET_SECONDS."""
        with self._cond:
            while not self._pending:
                self._cond.wait()
            while (quiet := time.monotonic() - self._last_request) < QUIET_SECONDS:
                self._cond.wait(QUIET_SECONDS - quiet)
            batch, self._pending = tuple(dict.fromkeys(self._pending)), []
            return batch

    def run(self) -> None:
        while True:
            try:
                outcome: Outcome | None = self.build(self._next_batch())
                while outcome is not None:
                    self.publish(outcome)
                    outcome = outcome.then() if outcome.then else None
            except Exception:  # noqa: BLE001 - rebuild() never raises; publish must not kill us either
                say("构建线程出错（仍在监视文件）：\n" + traceback.format_exc())


class Indexer(threading.Thread):
    """Refreshes the search index after a good build, once its pages have reloaded.

    Only the newest build matters: one submitted while an index run is going replaces any older
    one still waiting, so a burst of saves costs at most one extra run.
    """

    def __init__(self, index: Callable[[Any], None]):
        super().__init__(name="portal-index", daemon=True)
        self.index = index
        self._cond = threading.Condition()
        self._site: Any | None = None

    def submit(self, site: Any) -> None:
        with self._cond:
            self._site = site
            self._cond.notify()

    def run(self) -> None:
        while True:
            with self._cond:
                while self._site is None:
                    self._cond.wait()
                site, self._site = self._site, None
            started = time.perf_counter()
            try:
                self.index(site)
                say(f"搜索索引已更新，用时 {time.perf_counter() - started:.2f} 秒")
            except Exception:  # noqa: BLE001 - pages still work without a fresh index
                say("搜索索引更新失败（页面正常，搜索结果可能是旧的）：\n" + traceback.format_exc())


# ------------------------------------------------------------------ serving


class LiveState:
    """What the IOLoop thread knows: the build number and the current error. IOLoop-only."""

    def __init__(self) -> None:
        self.generation = 1
        self.error: str | None = None


class PageSocket(LiveReloadHandler):
    """livereload's WebSocket endpoint, remembering which page each connection is open on.

    livereload.js reports its page's URL in its ``info`` message; knowing it, a build that
    changed one agency's pages reloads only the pages that changed (``broadcast_reload``)."""

    page: str | None = None  # site path without the leading slash, e.g. "reports/x/2023/"

    def on_message(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
            if data.get("command") == "info" and isinstance(data.get("url"), str):
                self.page = urlsplit(data["url"]).path.lstrip("/")
        except (ValueError, AttributeError):
            pass
        super().on_message(message)


def broadcast_reload(path: str, pages: Callable[[str], bool] | None = None) -> int:
    """Tell connected livereload.js clients to reload now: no 3-second minimum. IOLoop thread only.

    ``pages`` chooses by the page a client is open on; a client whose page is unknown reloads."""
    message = {"command": "reload", "path": path, "liveCSS": False, "liveImg": False}
    sent = 0
    for waiter in list(LiveReloadHandler.waiters):
        page = getattr(waiter, "page", None)
        if pages is not None and page is not None and not pages(page):
            continue
        try:
            waiter.write_message(message)
            sent += 1
        except WebSocketClosedError:
            LiveReloadHandler.waiters.discard(waiter)
    return sent


def decorate(page: bytes, state: LiveState) -> bytes:
    """Add the reload scripts (external: no inline script) and, while broken, the error banner."""
    tags = (f'<script src="/livereload.js"></script>'
            f'<script src="/__portal/catchup.js" data-build="{state.generation}"></script>')
    if state.error is not None:
        tags += '<link rel="stylesheet" href="/__portal/error.css">'
    head = tags.encode()
    page = HEAD_END.sub(lambda m: head + m.group(0), page, count=1) if HEAD_END.search(page) else head + page
    if state.error is None:
        return page
    banner = error_banner(state.error).encode()
    match = BODY_START.search(page)
    return page[: match.end()] + banner + page[match.end():] if match else page + banner


def error_banner(error: str) -> str:
    return ('<div id="portal-build-error" role="alert"><h2>构建失败：改好下面的文件并保存，页面会自动刷新；'
            '现在看到的是上次成功构建的版本</h2>'
            f"<pre>{html.escape(error)}</pre></div>")


def content_type(path: Path) -> str:
    if path.suffix in EXTRA_TYPES:
        return EXTRA_TYPES[path.suffix]
    guessed = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"{guessed}; charset=utf-8" if guessed.startswith("text/") else guessed


def site_wide_headers(netlify_toml: Path = NETLIFY_TOML) -> dict[str, str]:
    """The security headers netlify.toml sends with every response (its ``for = "/*"`` rules).

    Sent by the dev server too, so a page that breaks the Content-Security-Policy breaks while it
    is being written, not after a deploy. Our scripts are external files ('self'), and the
    LiveReload WebSocket is same-origin, which connect-src 'self' allows.
    """
    try:
        config = tomllib.loads(netlify_toml.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        say(f"警告：没能从 {netlify_toml.name} 读出安全响应头：{exc}")
        return {}
    rules = [r for r in config.get("headers", []) if r.get("for") == "/*"]
    return {str(k): str(v) for rule in rules for k, v in rule.get("values", {}).items() if k != "Cache-Control"}


def cache_control(url_path: str, target: Path) -> str:
    """Pages are never cached (a reload must show the rebuild); fingerprinted assets always are."""
    if target.suffix == ".html":
        return "no-store"
    return "public, max-age=31536000, immutable" if url_path.startswith("static/") else "no-cache"


def resolve(out_dir: Path, url_path: str) -> Path | None:
    """The file a URL names inside the output dir (``/x/`` → ``x/index.html``), never outside it."""
    target = (out_dir / url_path.lstrip("/")).resolve()
    if target != out_dir and out_dir not in target.parents:
        return None
    if target.is_dir():
        target = target / "index.html"
    return target if target.is_file() else None


class SiteHandler(web.RequestHandler):
    """Serves the output directory; HTML is decorated, nothing is cached by the browser."""

    def initialize(self, out_dir: Path, state: LiveState, headers: dict[str, str]) -> None:
        self.out_dir, self.state, self.extra_headers = out_dir, state, headers
        self.set_default_headers()  # tornado called it before initialize, when there were none yet

    def set_default_headers(self) -> None:
        for name, value in getattr(self, "extra_headers", {}).items():
            self.set_header(name, value)

    def get(self, url_path: str, include_body: bool = True) -> None:
        target = resolve(self.out_dir, url_path)
        if target is not None and target.name == "index.html" and url_path and not url_path.endswith(
                ("/", "index.html")):
            self.redirect(self.request.path + "/", permanent=False)  # relative links need the slash
            return
        if target is None:
            self.set_status(404)
            target = self.out_dir / "404.html"
        self.set_header("Cache-Control", cache_control(url_path, target))
        body = self._body(target)
        if include_body:
            self.write(body)

    def head(self, url_path: str) -> None:
        self.get(url_path, include_body=False)

    def _body(self, target: Path) -> bytes:
        try:
            data = target.read_bytes()
        except OSError:  # no 404.html, or a file removed mid-build: a plain page still shows errors
            data = b"<!doctype html><html><head><meta charset=utf-8><title>Not found</title></head>" \
                   b"<body><p>Not found.</p></body></html>"
            target = target.with_suffix(".html")
        self.set_header("Content-Type", content_type(target))
        return decorate(data, self.state) if target.suffix == ".html" else data

    def log_exception(self, typ, value, tb) -> None:  # noqa: ANN001 - tornado's signature
        say("处理请求时出错（仍在提供预览）：\n" + "".join(traceback.format_exception(typ, value, tb)))


class TextHandler(web.RequestHandler):
    """A fixed or computed text resource under /__portal/ (the dev server's own files)."""

    def initialize(self, body: Callable[[], str], type_: str) -> None:
        self.body, self.type_ = body, type_

    def get(self) -> None:
        self.set_header("Content-Type", self.type_)
        self.set_header("Cache-Control", "no-store")
        self.write(self.body())


def application(out_dir: Path, state: LiveState, headers: dict[str, str] | None = None) -> web.Application:
    text = "text/plain; charset=utf-8"
    return web.Application([
        (r"/livereload", PageSocket),
        (r"/livereload\.js", LiveReloadJSHandler),
        (r"/__portal/build", TextHandler, {"body": lambda: str(state.generation), "type_": text}),
        (r"/__portal/catchup\.js", TextHandler, {"body": lambda: CATCHUP_JS, "type_": "text/javascript"}),
        (r"/__portal/error\.css", TextHandler, {"body": lambda: ERROR_CSS, "type_": "text/css"}),
        (r"/(.*)", SiteHandler, {"out_dir": out_dir, "state": state, "headers": headers or {}}),
    ], log_function=_log_request, websocket_ping_interval=None)


def _log_request(handler: web.RequestHandler) -> None:
    """Quiet access log: only server errors are worth a line in the editor's terminal."""
    if handler.get_status() >= 500:
        say(f"{handler.get_status()} {handler.request.method} {handler.request.uri}")


# ------------------------------------------------------------------ wiring


class DevServer:
    """Owns the threads and the state; ``publish`` is the only way results reach the IOLoop."""

    def __init__(self, content_dir: Path, out_dir: Path, loop: ioloop.IOLoop):
        self.content_dir, self.out_dir, self.loop = content_dir, out_dir, loop
        self.state = LiveState()
        self.indexer = Indexer(self._after_reload)
        self.rebuild = Rebuilder(content_dir, out_dir)
        self.builder = Builder(self.rebuild, self.publish)
        roots = [content_dir, *(ROOT / name for name in WATCHED)]
        self.watcher = Watcher([r.resolve() for r in roots], out_dir, self.builder.request)

    def start(self, first: Outcome) -> None:
        self._apply(first, reload=False)
        for thread in (self.indexer, self.builder, self.watcher):
            thread.start()
        if first.site is not None:
            self.indexer.submit(first.site)

    def _after_reload(self, site: Any) -> None:
        """The indexer thread's work after a good build: the data downloads, then the index."""
        write_downloads(site, self.out_dir)
        index_into(site, self.out_dir)

    def publish(self, outcome: Outcome) -> None:
        """Called from the builder thread: hand the outcome to the IOLoop thread."""
        self.loop.add_callback(self._apply, outcome, True)

    def _apply(self, outcome: Outcome, reload: bool) -> None:
        was_broken = self.state.error is not None
        report(outcome)
        self.state.error = outcome.error
        if not reload or (outcome.written == 0 and not was_broken and outcome.error is None):
            return  # nothing a page could show differently
        self.state.generation += 1
        broadcast_reload(outcome.trigger[0] if outcome.trigger else "/", outcome.pages)
        if outcome.site is not None and outcome.then is None:  # after the last reload: never delays one
            self.indexer.submit(outcome.site)


def report(outcome: Outcome) -> None:
    """The terminal's view of a build: what triggered it, what it wrote, or every problem."""
    trigger = ", ".join(_short(p) for p in outcome.trigger[:3]) + (" …" if len(outcome.trigger) > 3 else "")
    why = f"（{trigger}）" if trigger else ""
    if outcome.error is None:
        say(f"{outcome.what}{why}，用时 {outcome.seconds:.2f} 秒，{outcome.written} 个文件有改动")
    else:
        say(f"构建失败{why}；仍在提供上次成功构建的版本：\n{outcome.error}")


def _short(path: str) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


def serve(content_dir: Path, out_dir: Path, *, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Build, serve on http://host:port/ and rebuild on every save until Ctrl-C; the exit code."""
    content_dir, out_dir = content_dir.resolve(), out_dir.resolve()

    if problem := unsafe_output(content_dir, out_dir):
        print(f"错误：{problem}", file=sys.stderr)
        return EXIT_USAGE
    out_dir.mkdir(parents=True, exist_ok=True)
    loop = ioloop.IOLoop.current()
    state_server = DevServer(content_dir, out_dir, loop)
    try:
        application(out_dir, state_server.state, site_wide_headers()).listen(port, address=host)
    except OSError as exc:
        hint = f"；端口可能被占用，试试 --port {port + 1}" if exc.errno == errno.EADDRINUSE else ""
        print(f"错误：无法在 {host}:{port} 上监听：{exc.strerror or exc}{hint}", file=sys.stderr)
        return EXIT_USAGE
    state_server.start(state_server.rebuild())
    say(f"预览地址 http://{host}:{port}/（网站文件在 {_short(str(out_dir))}）；正在监视 {_short(str(content_dir))}、"
        "templates/ 和 static/，保存即重建（按 Ctrl-C 停止）")
    try:
        loop.start()
    except KeyboardInterrupt:
        say("已停止")
    return 0
