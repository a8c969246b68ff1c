"""Running work on every core: forked worker pools, a forked child, and ``gc.freeze`` around them.

Everything here is machinery: the build says what to produce and hands over a ``Parallelism``
value saying how many processes, and how work is cut; tests pass their own value instead of
patching constants. Why fork, everywhere: the children inherit the model as it is, nothing is
pickled (the producers of a site's files are closures over the whole model).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, Generic, TypeVar

T = TypeVar("T")
PROGRESS_EVERY = 1000


def default_workers() -> int:
    """One process per core this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class Parallelism:
    """How a job is spread over processes (``run_chunks``)."""

    workers: int | None = None
    """Processes at once; None: one per core (``default_workers``); below 2, no pool at all."""
    parallel_from: int = 400
    """Below this many items one process is faster than starting workers (the seed site has ~140)."""
    chunk: int = 48
    """Items per task: small enough that two workers finish together, large enough that an
    agency's page and its reports' pages (neighbours in the site map) share a worker's text cache."""
    recycle_after: int = 12
    """Chunks a worker runs before it is replaced by a fresh fork (see ``run_chunks``)."""

    @property
    def processes(self) -> int:
        return default_workers() if self.workers is None else self.workers


SERIAL = Parallelism(workers=1)


@dataclass
class _Job(Generic[T]):
    items: Sequence[T]
    run: Callable[[Sequence[T]], list[str]]


_job: _Job[Any] | None = None
"""The job of the pool now running, set just before forking: workers inherit it instead of
receiving it (its items are closures over the whole model, slow or impossible to pickle)."""


def _run_chunk(bounds: tuple[int, int]) -> list[str]:
    assert _job is not None
    return _job.run(_job.items[bounds[0]:bounds[1]])


def run_chunks(items: Sequence[T], run: Callable[[Sequence[T]], list[str]], parallelism: Parallelism,
               progress: Callable[[int], None] | None = None, prepare: Callable[[], None] = lambda: None,
               alone: Callable[[T], bool] = lambda item: False) -> list[str]:
    """``run`` over consecutive chunks of ``items``, in forked workers when there are enough;
    the concatenated results (the build: the paths that changed, so no HTML crosses a process).

    Chunks are handed out as workers finish. ``prepare`` runs before the workers fork (what they
    would otherwise each compute, and again in every fresh fork: key figures, compiled templates).

    Why workers are replaced after ``recycle_after`` chunks, and the items ``alone`` accepts (the
    site-wide downloads: every field of every report) are run by one more process of their own
    that ends when they are done: a forked process shares the model with its parent until it
    touches it, and every page of memory it touches (if only to count a reference) becomes its
    private copy. A worker that lived through the whole site, or wrote the downloads, would hold
    a private copy of the model until the end; a fresh fork shares everything again."""
    global _job
    workers = parallelism.processes
    if workers < 2 or len(items) < parallelism.parallel_from:
        return _serial(items, run, progress, [item for item in items if alone(item)] if workers >= 2 else [])
    heavy = [item for item in items if alone(item)]
    items = [item for item in items if not alone(item)]
    chunks = [(i, min(i + parallelism.chunk, len(items))) for i in range(0, len(items), parallelism.chunk)]
    results: list[str] = []
    done_items, shown = 0, 0
    _job = _Job(items, run)
    prepare()
    with frozen():
        side = Child(lambda: run(heavy), "portal-downloads") if heavy else None
        try:
            context = multiprocessing.get_context("fork")
            with context.Pool(workers, maxtasksperchild=parallelism.recycle_after) as pool:
                for (a, b), paths in zip(chunks, pool.imap(_run_chunk, chunks), strict=True):
                    results += paths
                    done_items += b - a
                    if progress and done_items // PROGRESS_EVERY > shown:
                        shown = done_items // PROGRESS_EVERY
                        progress(shown * PROGRESS_EVERY)
            if side:
                results += side.result()
        except BaseException:
            if side:
                side.cancel()
            raise
        finally:
            _job = None
    return results


def _serial(items: Sequence[T], run: Callable[[Sequence[T]], list[str]], progress: Callable[[int], None] | None,
            heavy: Sequence[T]) -> list[str]:
    """Too few items for a pool: this process runs them, but the ``heavy`` ones in a child beside
    it (an incremental build at scale: a few pages, and the site-wide downloads of every report)."""
    side = None
    with frozen():  # the model out of the collector's reach while rendering: a full collection walked
        # every report again (an add at 20,000 renders pages that allocate millions of objects)
        if heavy:
            items = [item for item in items if item not in heavy]
            side = Child(lambda: run(heavy), "portal-downloads")
        done = []
        try:
            for start in range(0, len(items), PROGRESS_EVERY):
                done += run(items[start:start + PROGRESS_EVERY])
                if progress and start + PROGRESS_EVERY <= len(items):
                    progress(start + PROGRESS_EVERY)
            return done + (side.result() if side else [])
        except BaseException:
            if side:
                side.cancel()
            raise


@contextmanager
def frozen() -> Iterator[None]:
    """Every object now alive moved out of the garbage collector's reach (``gc.freeze``) for
    the block, so that processes forked in it never write to the model's objects when they
    collect: fewer shared pages copied. Nested blocks leave the unfreezing to the outermost:
    unfreezing writes to every object, which would copy pages into every process still forked."""
    outermost = gc.get_freeze_count() == 0
    gc.freeze()
    try:
        yield
    finally:
        if outermost:
            gc.unfreeze()


@contextmanager
def uncollected() -> Iterator[None]:
    """The cyclic garbage collector off for the block, then as it was (also a decorator).

    For a block that builds a large structure that lives on and makes no cyclic garbage: loading
    the model. Each full collection would walk every object built so far, again and again as the
    model grows (figures in docs/performance.md). Forked load workers inherit it off; they make
    no cyclic garbage either."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class ChildStopped(RuntimeError):
    """A forked child was stopped by a signal (the parent cancelled it, or is exiting): an
    interruption, not a failure with a traceback to show."""


class Child:
    """``run()`` in a forked process; ``result()`` returns what it returned, or raises with the
    child's traceback. Forked, not spawned: the child inherits the model, nothing is pickled."""

    def __init__(self, run: Callable[[], object], name: str):
        ctx = multiprocessing.get_context("fork")
        self.name = name
        self._results, sender = ctx.Pipe(duplex=False)
        self._process = ctx.Process(target=_child_main, args=(run, sender), name=name, daemon=True)
        self._process.start()
        sender.close()

    def result(self) -> Any:
        try:
            ok, value = self._results.recv()
        except EOFError:
            ok, value = False, "the process ended without a result"
        self._process.join()
        if (not ok and value is None) or (self._process.exitcode or 0) < 0:
            raise ChildStopped(f"{self.name} was interrupted")
        if not ok and isinstance(value, OSError):
            raise value  # the machine's fault (a full disk …), shown as such, not as the child's traceback
        if not ok or self._process.exitcode != 0:
            raise RuntimeError(f"{self.name} failed:\n{value if not ok else f'exit code {self._process.exitcode}'}")
        return value

    def cancel(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _child_main(run: Callable[[], object], sender: Connection) -> None:
    """In the forked child: send (True, what ``run`` returned), (False, the traceback), (False, the
    OSError) when a read or write failed, or (False, None) when Ctrl-C, which reaches the whole
    process group, interrupted it."""
    try:
        sender.send((True, run()))
    except KeyboardInterrupt:
        sender.send((False, None))
    except OSError as exc:  # with an errno, the machine's (a full disk); without, a broken pipe's: a traceback
        sender.send((False, OSError(exc.errno, exc.strerror, exc.filename) if exc.errno else traceback.format_exc()))
    except BaseException:  # noqa: BLE001 - everything goes back to the parent as text
        sender.send((False, traceback.format_exc()))
    finally:
        sender.close()
