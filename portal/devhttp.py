"""The dev server's HTTP side: the output directory served under the deployed site's security
headers, every HTML page given the reload scripts and, while the content is broken, the error
banner; the dev server's own files under ``/__portal/``. Runs on tornado's IOLoop (the main thread).
"""

from __future__ import annotations

import html
import mimetypes
import re
import tomllib
import traceback
from collections.abc import Callable
from pathlib import Path

from livereload.handlers import LiveReloadJSHandler
from tornado import web

from .devreload import CATCHUP_JS, LiveState, PageSocket
from .devterminal import say

ROOT = Path(__file__).resolve().parent.parent

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

