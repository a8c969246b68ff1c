"""Scratch space: a folder in memory (``/dev/shm``) for files that live only while a job runs.

Machinery: the search index stages its Pagefind bundles here (``searchbundles.Indexing``); tests
pass a ``Scratch`` of their own instead of patching a global.
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

STAGING_PREFIX = ".portal-search-"
"""The staging folders' names: this and the process id, so a leftover of a build that died is known."""


@dataclass(frozen=True)
class Scratch:
    """Where bundles are staged for Pagefind and Pagefind writes them, when ``folder`` is writable
    (on Linux a tmpfs: files in memory). Why: a bundle is many small files in (the staged pages,
    deleted once indexed) and out (one fragment a page, which the page never fetches); on an ext4
    without a journal, creating a file right after many were deleted costs far more CPU than on
    tmpfs (it scans past recently freed inodes: see ``bench/bench_build.py`` ``SETTLE``, and
    docs/performance.md). What is kept of a bundle is copied out as soon as it is written, so the
    scratch holds at most ``workers + 1`` bundles at once."""

    folder: Path = Path("/dev/shm")
    free: int = 1 << 30
    """Free space ``folder`` must have to be used: far more than the most it held (no more at any
    corpus size), because a container's ``/dev/shm`` is often only 64 MB, and a full scratch would
    fail the index."""

    def choose(self, fallback: Path) -> Path:
        """``folder`` if usable, else ``fallback``; leftovers of builds that died are removed first."""
        if not (self.folder.is_dir() and os.access(self.folder, os.W_OK | os.X_OK)):
            return fallback
        space = os.statvfs(self.folder)
        if space.f_bavail * space.f_frsize < self.free:
            return fallback
        for old in self.folder.glob(f"{STAGING_PREFIX}*"):
            pid = old.name.removeprefix(STAGING_PREFIX)
            if pid.isdigit() and not _alive(int(pid)):
                shutil.rmtree(old, ignore_errors=True)
        return self.folder


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def move(src: Path, dst: Path) -> None:
    """A rename, or a copy when ``src`` is on another file system (the scratch)."""
    try:
        src.rename(dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copytree(src, dst, copy_function=shutil.copyfile)
