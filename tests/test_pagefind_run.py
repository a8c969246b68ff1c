"""One Pagefind run (``searchbundles.run_pagefind``): a real bundle from staged pages, whatever the
machine's Pagefind settings, and a clear refusal, in bounded time, from a Pagefind that hangs."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from portal.searchbundles import read_fragments, run_async, run_pagefind

PAGE = ('<!doctype html><html lang="und"><head><meta charset="utf-8"></head>'
        '<body data-pagefind-body>{words}</body></html>')


def _stage(staging: Path, pages: dict[str, str]) -> None:
    for url, words in pages.items():
        path = staging / "site" / url.strip("/") / "index.html"
        path.parent.mkdir(parents=True)
        path.write_text(PAGE.format(words=words), encoding="utf-8")


def test_the_machines_pagefind_settings_do_not_change_the_index(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A ``PAGEFIND_*`` variable or a ``pagefind.yml`` where the build runs would index other pages
    (or none), in another language: the bundle holds exactly the staged pages, in ``und``."""
    staging = tmp_path / "staging"
    _stage(staging, {"/reports/a/2023/": "0i2x 0luy", "/reports/b/2023/": "0gjj 0gl4"})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "pagefind.yml").write_text("glob: nothing/*.html\n", encoding="utf-8")
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("PAGEFIND_GLOB", "nothing/*.html")
    monkeypatch.setenv("PAGEFIND_FORCE_LANGUAGE", "en")
    monkeypatch.setenv("PAGEFIND_EXCLUDE_SELECTORS", "body")
    run_async(lambda: run_pagefind(staging))
    pages = read_fragments(staging / "out")
    assert sorted(str(page["url"]) for page in pages.values()) == ["/reports/a/2023/", "/reports/b/2023/"]
    assert sorted(str(page["content"]) for page in pages.values()) == ["0gjj 0gl4", "0i2x 0luy"]
    entry = json.loads((staging / "out" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["und"]


def test_a_pagefind_that_hangs_is_stopped_and_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    staging = tmp_path / "staging"
    _stage(staging, {"/reports/a/2023/": "0i2x"})
    pid_file = tmp_path / "pid"
    hanging = tmp_path / "pagefind"
    hanging.write_text(f"#!/bin/sh\necho $$ > {pid_file}\nexec sleep 600\n", encoding="utf-8")
    hanging.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(hanging))
    start = time.monotonic()
    with pytest.raises(RuntimeError, match="Pagefind 在 1 秒内没有建完一个索引包，已停止；搜索索引没有建成"):
        run_async(lambda: run_pagefind(staging, timeout=1.0))
    assert time.monotonic() - start < 30
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):  # killed and reaped, not left running
        os.kill(pid, 0)


def test_a_pagefind_that_exits_without_a_bundle_is_refused_with_what_it_said(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    staging = tmp_path / "staging"
    _stage(staging, {"/reports/a/2023/": "0i2x"})
    quiet = tmp_path / "pagefind"
    quiet.write_text("#!/bin/sh\necho 'Error: no pages found'\nexit 0\n", encoding="utf-8")
    quiet.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(quiet))
    with pytest.raises(RuntimeError, match="运行结束却没有写出索引包，搜索索引没有建成：Error: no pages found"):
        run_async(lambda: run_pagefind(staging))


def test_a_cancelled_index_leaves_no_pagefind_running(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The build cancels the index child when rendering fails: the Pagefind it started (here a
    wrapper script and the program it runs) is stopped with it, not left indexing into a folder
    already deleted."""
    from conftest import CONTENT

    from portal.indexing import IndexChild
    from portal.load import load_content

    pids = tmp_path / "pids"
    wrapper = tmp_path / "pagefind"
    wrapper.write_text(f"#!/bin/sh\nsleep 600 &\necho $$ $! > {pids}\nwait\n", encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(wrapper))
    child = IndexChild(load_content(CONTENT), tmp_path / "index")
    deadline = time.monotonic() + 60
    while not (pids.is_file() and len(pids.read_text().split()) == 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    started = [int(pid) for pid in pids.read_text().split()]
    child.cancel()
    deadline = time.monotonic() + 15
    alive = started
    while alive and time.monotonic() < deadline:
        alive = [pid for pid in started if _alive(pid)]
        time.sleep(0.05)
    assert alive == []
    assert not (tmp_path / "index").exists()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return not Path(f"/proc/{pid}/stat").read_text().split(") ")[-1].startswith("Z")  # a zombie is dead
