"""The memory a job's child processes took at their peak, sampled from ``/proc`` while they run."""

from __future__ import annotations

import os
import threading
from pathlib import Path


class PeakRss:
    """The largest peak RSS (VmHWM) of our child processes — the Pagefind runs — sampled
    while they run. ``RUSAGE_CHILDREN`` cannot tell: a child forked from a big build process
    counts the parent's pages until it execs. Linux only; elsewhere it stays 0."""

    def __init__(self, every: float = 0.2) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            self.peak_kb = max([self.peak_kb, *self._sample()])

    @staticmethod
    def _sample() -> list[int]:
        me, sizes = str(os.getpid()), []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if stat.read_text().rsplit(")", 1)[1].split()[1] != me:
                    continue
                status = (stat.parent / "status").read_text()
            except (OSError, IndexError):
                continue
            sizes += [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")]
        return sizes
