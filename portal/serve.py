"""The live-reloading dev server behind ``python build.py serve``: its parts wired together.

Why not livereload's ``Server`` and ``Watcher`` as they are (2.7.1): the watcher runs the callback
once per watched path that changed (one save touching content/ and templates/ would build twice),
the server drops a browser reload that comes within 3 s of the previous one (the second of two
quick saves would never show), neither catches an exception raised by the callback (one bad YAML
would kill the server), and the snippet it injects is an inline script, which the site's
Content-Security-Policy forbids. So we keep livereload's WebSocket endpoint and its
``livereload.js`` client, and drive them from four small parts:

- a watcher thread polls the modification stamps of content/, templates/ and static/ (never the
  output directory) and reports each save once, when two scans agree (``devthreads.Watcher``);
- a builder thread coalesces the reports that arrive while it works (``devthreads.Builder``), then
  recomputes the whole in-memory model and writes only the files whose bytes changed
  (``devbuild.Rebuilder``: after a save under ``reports/<slug>/``, only that agency's files, then
  the site-wide pages); every finished build (or part) that changed something, good or bad, is
  published with a new build number and a reload message to the connected pages it can have
  changed, with no minimum interval (``devreload``);
- an indexer thread, after that reload, writes the site-wide data downloads and refreshes the
  Pagefind index in a child process, so neither holds the reload up, and swaps the index in whole
  (``devthreads.Indexer``, ``devbuild.DevOutput``);
- tornado's IOLoop (the main thread) serves the output directory and adds, to every HTML page,
  the reload scripts and, while the content is broken, the error banner (``devhttp``).

All shared state (build number, current error) lives on the IOLoop thread; the other threads hand
results to it with ``add_callback``. Every thread catches everything, so no exception stops the
server: a broken YAML is shown in the terminal and on the page until a save fixes it.
"""

from __future__ import annotations

import errno
import sys
from pathlib import Path
from typing import Any

from tornado import ioloop

from .devbuild import DevOutput, Outcome, Rebuilder
from .devhttp import application, site_wide_headers
from .devreload import LiveState, broadcast_reload
from .devterminal import report, say, short
from .devthreads import Builder, Indexer, Watcher
from .output import unsafe_output

ROOT = Path(__file__).resolve().parent.parent
WATCHED = ("templates", "static")
"""Watched beside the content directory: a template or stylesheet edit rebuilds too."""
EXIT_USAGE = 2


class DevServer:
    """Owns the threads and the state; ``publish`` is the only way results reach the IOLoop."""

    def __init__(self, content_dir: Path, out_dir: Path, loop: ioloop.IOLoop):
        self.content_dir, self.out_dir, self.loop = content_dir, out_dir, loop
        self.state = LiveState()
        self.output = DevOutput(out_dir)
        self.indexer = Indexer(self._after_reload)
        self.rebuild = Rebuilder(content_dir, self.output)
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
        self.output.write_downloads(site)
        self.output.index(site)

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
    say(f"预览地址 http://{host}:{port}/（网站文件在 {short(str(out_dir))}）；正在监视 {short(str(content_dir))}、"
        "templates/ 和 static/，保存即重建（按 Ctrl-C 停止）")
    try:
        loop.start()
    except KeyboardInterrupt:
        say("已停止")
    return 0
