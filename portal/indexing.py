"""The search index, built in a forked child process into a folder of its own: one way, for the
build and the dev server alike.

Why a child: indexing is mostly Python (tokenising every report) plus Pagefind's runs; in the
parent it would hold the GIL against rendering (the build) or the next rebuild (the dev server).
Why fork: the child inherits the model as it is, nothing is pickled or loaded again. Why its own
folder: the parent deletes every file of the site that rendering did not produce, which would
include a half-written index; the finished index is moved in whole by its caller.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
from functools import partial
from pathlib import Path
from typing import Any

from .model import Site
from .parallel import Child


class IndexChild:
    """``search.index_site(site, folder)`` running in a forked child.

    With ``narrow`` (the build), the child runs one Pagefind process until ``widen()`` is called
    (once the pages are written), so that render workers and Pagefind together stay within the
    memory either needs alone. ``nice`` lowers the child's priority (the dev server: the next
    rebuild wins the CPU)."""

    def __init__(self, site: Site, folder: Path, *, narrow: bool = False, nice: int = 0, indexing: Any = None):
        """``indexing``: a ``searchbundles.Indexing`` (e.g. with the build's bundle cache); None: the default."""
        from .search import index_site  # here: an ImportError is the caller's to report

        self.folder = folder
        self.stats: dict[str, float] = {}  # once done: what ``_index_into`` returned
        self._wide = multiprocessing.get_context("fork").Event() if narrow else None
        self._child = Child(partial(_index_into, partial(index_site, indexing=indexing), site, folder, self._wide,
                                    nice), "search index")

    def widen(self) -> None:
        if self._wide is not None:
            self._wide.set()

    def bundle(self) -> Path:
        """Wait for the index; the folder of the finished bundle (``search.BUNDLE`` inside
        ``folder``), or an error with the child's traceback."""
        from .search import BUNDLE

        self.widen()
        self.stats = self._child.result() or {}
        return self.folder / BUNDLE

    def move_into(self, site_dir: Path) -> None:
        """Wait for the index and move it into ``site_dir`` with one rename."""
        from .search import BUNDLE

        self.bundle().rename(site_dir / BUNDLE)
        shutil.rmtree(self.folder)

    def cancel(self) -> None:
        self._child.cancel()
        shutil.rmtree(self.folder, ignore_errors=True)


def _index_into(index_site, site: Site, folder: Path, widen, nice: int) -> dict[str, float]:  # noqa: ANN001
    """In the forked child: build the index into ``folder``; what it cost, for the build's result: its
    bundles, those Pagefind wrote, the wall seconds, and the CPU seconds of the child (counted from
    the fork) with its Pagefind processes."""
    # ``IndexChild.cancel`` terminates this process: as an exception, so that the cleanups run (a
    # Pagefind run kills its process, the staging folder is removed) instead of leaving them behind.
    signal.signal(signal.SIGTERM, _stopped)
    if nice:
        try:
            os.nice(nice)
        except (AttributeError, OSError):
            pass
    folder.mkdir(parents=True, exist_ok=True)
    stats = index_site(site, folder, widen=widen)
    t = os.times()
    return {"bundles": stats.bundles, "indexed": stats.indexed, "seconds": stats.seconds,
            "cpu": t.user + t.system + t.children_user + t.children_system}


def _stopped(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)
