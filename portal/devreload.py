"""The dev server's live-reload plumbing: livereload's WebSocket endpoint and ``livereload.js``
client, driven by us.

Why not livereload's ``Server`` as it is (2.7.1): it drops a browser reload that comes within 3 s
of the previous one (the second of two quick saves would never show), and the snippet it injects
is an inline script, which the site's Content-Security-Policy forbids. So pages load two external
scripts (``livereload.js``, and ``catchup.js``, which reloads a page that was still loading when a
build finished), and ``broadcast_reload`` tells the connected pages a build changed to reload, with
no minimum interval.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import urlsplit

from livereload.handlers import LiveReloadHandler
from tornado.websocket import WebSocketClosedError

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
