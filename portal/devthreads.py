"""The dev server's worker threads: the watcher, the debounced builder and the indexer.

- ``Watcher`` polls the modification stamps of content/, templates/ and static/ (never the output
  directory) and reports each save once, when two scans agree;
- ``Builder`` coalesces the reports that arrive while it works into one build each
  (``devbuild.Rebuilder``), and publishes every outcome, good or bad;
- ``Indexer``, after a good build has reloaded its pages, runs the slow site-wide work (the data
  downloads, the search index), only ever for the newest build.

Every thread catches everything, so no exception stops the server.
"""

from __future__ import annotations

import os
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .devbuild import Outcome
from .devterminal import say
from .load import FileStamp, stamp_of
from .parallel import ChildStopped

POLL_SECONDS = 0.05
"""Polling, not inotify: no extra dependency, and 2,000 stamps cost a few milliseconds."""
SETTLE_SECONDS = 0.02
"""An editor's save is several writes (truncate, write, rename): a change is reported once two
scans this far apart agree, so a build never reads a half-written file, and one save is one build."""
QUIET_SECONDS = 0.01
"""Reports that arrive this close together (or during a build) are built together."""


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
            except ChildStopped:  # Ctrl-C reached the child writing downloads or the index: stopping
                say("搜索索引与下载文件的更新已中止")
            except Exception:  # noqa: BLE001 - pages still work without a fresh index
                say("搜索索引更新失败（页面正常，搜索结果可能是旧的）：\n" + traceback.format_exc())
