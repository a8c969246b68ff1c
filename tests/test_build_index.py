"""The search index is built in a child process while the pages render, and lands whole.

``build_site`` forks the indexing (``build._Indexing``) into a folder beside the output and
moves it in once both are done; a failure on either side leaves the previous site as it was.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portal.build import build_site
from tests.conftest import CONTENT, ROOT


def _catalog(site: Path) -> tuple[set[str], int]:
    catalog = json.loads((site / "pagefind/portal/catalog.json").read_text(encoding="utf-8"))
    return {row[0] for row in catalog["shards"]}, len(catalog["pages"])


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_build_and_a_rebuild_both_carry_the_whole_index(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build_site(CONTENT, out, progress=False).exit_code == 0
    shards, pages = _catalog(out)
    assert pages == 19 + 8 + 12  # 19 reports, 8 agencies, 12 years: every record has its page id
    assert (out / "pagefind/pagefind-entry.json").is_file()
    assert (out / "reports/weihai-torch-hitech-zone/2023/text.json").is_file()  # the search text shard
    # a rebuild over the site (hard-linked copy, stale files deleted) must not lose the index
    assert build_site(CONTENT, out, progress=False).exit_code == 0
    assert _catalog(out) == (shards, pages)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]  # no build-tmp-* left behind


@pytest.mark.parametrize("dies", ["at once", "after a second"])
def test_a_pagefind_that_dies_fails_the_build_and_keeps_the_previous_site(tmp_path: Path, dies: str) -> None:
    out = tmp_path / "site"
    assert build_site(CONTENT, out, search=False, progress=False).exit_code == 0
    before = _files(out)
    broken = tmp_path / "bin" / "pagefind"  # a Pagefind that crashes, at start or while it is asked to index
    broken.parent.mkdir()
    wait = "sleep 1\n" if dies == "after a second" else ""
    broken.write_text(f"#!/bin/sh\n{wait}echo 'pagefind exploded' >&2\nexit 3\n", encoding="utf-8")
    broken.chmod(0o755)
    # in a child with a time limit: the pagefind package alone waits forever for a dead process's answer
    command = [sys.executable, str(ROOT / "build.py"), "build", "--content", str(CONTENT), "--out", str(out)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False,
                         env={**os.environ, "PAGEFIND_BINARY_PATH": str(broken)})
    assert run.returncode == 70, run.stderr
    assert "search index failed" in run.stderr and "Traceback" not in run.stderr
    if dies == "after a second":
        assert "Pagefind 进程意外退出（退出码 3），搜索索引没有建成" in run.stderr
    assert _files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.cache", "bin", "site"]
