"""Shared browser helpers: launch Debian's Chromium through Playwright, and serve a folder.

Used by the browser tests and by ``scripts/screenshots.py``. Never download a browser: Playwright's
own builds are not reachable here, and CI must test the Chromium that Debian users get
(``tests/_chromium.py`` installs it with apt-get when it is missing).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM_PATH = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
"""Flags for a quiet, offline, container-friendly Chromium (no sandbox: we run as root in CI)."""


def launch_chromium(playwright: Any, **kwargs: Any) -> Any:
    """Launch Debian's Chromium with CHROMIUM_ARGS; returns the Browser.

    ``playwright`` is the object of ``sync_playwright()``. Each launch gets a fresh profile:
    Playwright itself creates a new temporary ``--user-data-dir`` for ``launch()`` and refuses
    the flag in ``args`` (use ``launch_persistent_context`` for a named one), so runs never share
    a cache, cookies or service workers.
    """
    return playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=list(CHROMIUM_ARGS), **kwargs)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files like a static host: 404.html for missing paths, no request logging, and the
    extra response headers it was given (a Content-Security-Policy, say)."""

    extra_headers: dict[str, str] = {}

    def end_headers(self) -> None:
        for name, value in self.extra_headers.items():
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code == 404 and page.is_file():
            body = page.read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
            return
        super().send_error(code, message, explain)


@contextmanager
def serve_directory(directory: Path, headers: dict[str, str] | None = None) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port for the duration; yields the base URL."""
    handler_class = type("Handler", (_QuietHandler,), {"extra_headers": dict(headers or {})})
    handler = functools.partial(handler_class, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
