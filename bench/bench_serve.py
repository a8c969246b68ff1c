#!/usr/bin/env python3
"""Save → reloaded page latency of ``python build.py serve``, measured in headless Chromium.

``python bench/bench_serve.py [--content DIR] [--edits N]`` copies the content to a temporary
folder, starts the real dev server on it (a subprocess, a free port), opens a report page, then N
times changes that report's title in its YAML and times how long until the page in the browser
shows the new title. It prints the median (the goal: ≤ 1 s on the seed content), min and max.

Why a browser and not an HTTP poll: the number an editor feels includes the watcher's poll, the
rebuild, the reload message and the page load; only a real page sees all of them. Why a copy:
the benchmark edits YAML, and must never touch the real content.

``ServeProcess`` is reused by tests/test_serve.py.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import launch_chromium  # noqa: E402  (the repo root is on sys.path now)


def target_seconds(reports: int) -> float:
    """Issue 7's goals: ≤ 1 s on the seed content, ≤ 2 s with 1,000 reports."""
    return 1.0 if reports <= 100 else 2.0
TITLE_LINE = re.compile(r"^title:[ \t]*(.*)$", re.MULTILINE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServeProcess:
    """``python build.py serve`` in a subprocess on a free port, with its output collected.

    The output is read by a thread into ``lines`` so that the pipe never fills up and tests can
    wait for a message ("构建失败", a file name) to appear.
    """

    def __init__(self, content: Path, out: Path, *, port: int | None = None, ready_timeout: float = 600):
        self.content, self.out, self.port = content, out, port or free_port()
        self.ready_timeout = ready_timeout
        self.lines: list[str] = []
        self._proc: subprocess.Popen[str] | None = None
        self._seen = threading.Condition()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base + path

    def __enter__(self) -> ServeProcess:
        cmd = [sys.executable, str(ROOT / "build.py"), "serve", "--content", str(self.content),
               "--out", str(self.out), "--port", str(self.port)]
        self._proc = subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True, encoding="utf-8",
                                      env={**os.environ, "PYTHONUNBUFFERED": "1"})
        threading.Thread(target=self._read, daemon=True).start()
        self.wait_for_output("预览地址 ", timeout=self.ready_timeout)
        return self

    def _read(self) -> None:
        assert self._proc and self._proc.stdout
        for line in self._proc.stdout:
            with self._seen:
                self.lines.append(line.rstrip("\n"))
                self._seen.notify_all()
        with self._seen:
            self._seen.notify_all()

    @property
    def output(self) -> str:
        with self._seen:
            return "\n".join(self.lines)

    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def wait_for_output(self, text: str | tuple[str, ...], *, timeout: float = 30, after: int = 0) -> int:
        """Wait until a line (from line number ``after`` on) contains ``text`` (or one of them)."""
        texts = (text,) if isinstance(text, str) else text
        deadline = time.monotonic() + timeout
        with self._seen:
            while True:
                for i in range(after, len(self.lines)):
                    if any(t in self.lines[i] for t in texts):
                        return i
                if not self.alive():
                    raise RuntimeError(f"serve exited ({self._proc and self._proc.returncode}) before "
                                       f"printing {text!r}:\n" + "\n".join(self.lines))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"serve did not print {text!r} within {timeout} s:\n" + "\n".join(self.lines))
                self._seen.wait(min(left, 0.5))

    def __exit__(self, typ: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


def set_title(yaml_path: Path, title: str) -> None:
    """Rewrite the report's ``title:`` line, as an editor saving the file would."""
    text = yaml_path.read_text(encoding="utf-8")
    new, count = TITLE_LINE.subn(lambda m: f"title: {title}", text, count=1)
    if count != 1:
        raise ValueError(f"{yaml_path}: no top-level 'title:' line to edit")
    yaml_path.write_text(new, encoding="utf-8")


def original_title(yaml_path: Path) -> str:
    match = TITLE_LINE.search(yaml_path.read_text(encoding="utf-8"))
    if not match:
        raise ValueError(f"{yaml_path}: no top-level 'title:' line")
    return match.group(1).strip()


def measure(page, yaml_path: Path, edits: int, *, timeout_ms: int = 30_000, settle: float = 0.5) -> list[float]:  # noqa: ANN001
    """Seconds from each save to the page showing the new title."""
    title = original_title(yaml_path)
    seconds = []
    for i in range(edits):
        marker = f"测速{i}号"
        started = time.perf_counter()
        set_title(yaml_path, f"{marker}{title}")
        page.wait_for_function("m => document.body && document.body.innerText.includes(m)", arg=marker,
                               timeout=timeout_ms)
        seconds.append(time.perf_counter() - started)
        time.sleep(settle)  # let the background index refresh start, as between real saves
    return seconds


def pick_report(content: Path, wanted: str | None) -> tuple[str, Path]:
    """The report page URL and YAML file to edit: ``wanted`` (slug/year) or the first report."""
    from portal.load import load_content

    site = load_content(content)
    reports = [r for r in site.reports if wanted is None or f"{r.agency.slug}/{r.year}" == wanted]
    if not reports:
        raise SystemExit(f"no report {wanted!r} in {content}")
    return reports[0].url, reports[0].yaml_path


def run(content: Path, edits: int, wanted: str | None, timeout: float) -> list[float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as tmp:
        copy = Path(tmp) / "content"
        shutil.copytree(content, copy)
        url, yaml_path = pick_report(copy, wanted)
        started = time.perf_counter()
        with ServeProcess(copy, Path(tmp) / "site") as server, sync_playwright() as pw:
            print(f"serve ready in {time.perf_counter() - started:.1f} s; editing {yaml_path.relative_to(copy)}")
            browser = launch_chromium(pw)
            try:
                page = browser.new_page()
                page.goto(server.url(url))
                page.wait_for_timeout(500)  # livereload.js connects
                return measure(page, yaml_path, edits, timeout_ms=int(timeout * 1000))
            finally:
                browser.close()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--content", type=Path, default=ROOT / "content", help="content folder (copied, never edited)")
    p.add_argument("--edits", type=int, default=7, help="number of saves to time (≥ 5 for a median)")
    p.add_argument("--report", help="agency-slug/year of the report to edit (default: the first)")
    p.add_argument("--timeout", type=float, default=120, help="seconds to wait for one reload")
    args = p.parse_args(argv)
    seconds = run(args.content.resolve(), args.edits, args.report, args.timeout)
    median = statistics.median(seconds)
    target = target_seconds(len(list((args.content / "reports").glob("*/*.yaml"))))
    verdict = "OK" if median <= target else "SLOWER THAN THE GOAL"
    print("save→reload seconds: " + " ".join(f"{s:.3f}" for s in seconds))
    print(f"save→reload median {median:.3f} s over {len(seconds)} edits (min {min(seconds):.3f}, "
          f"max {max(seconds):.3f}); goal ≤ {target:.1f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
