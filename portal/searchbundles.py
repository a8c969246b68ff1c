"""Pagefind bundles: records staged as HTML, indexed by Pagefind runs, read back and pruned.

``write_bundles`` is a pipeline: Python stages bundle *n + 1* while up to ``workers`` Pagefind
processes index the bundles before it. The machinery — how many processes, the scratch folder, the
Pagefind run itself and how its pages are read back — is an ``Indexing`` value, passed in.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import html
import json
import os
import shutil
import signal
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from pagefind.service import get_executable

from .parallel import default_workers as cores_available
from .scratch import Scratch, move
from .searchrecords import BUNDLE, AnyRecord, Row, Shard

T = TypeVar("T")

LANGUAGE = "und"
"""BCP 47 'undetermined': Pagefind applies no stemmer and no word segmentation to it, so our
tokens reach the index unchanged (``zh`` would run ICU/jieba over them in the extended build)."""
FRAGMENT_SIGNATURE = b"pagefind_dcd"


def record_html(rec: AnyRecord, shard: str, body: str, salt: int = 0) -> str:
    """A record as the HTML page Pagefind indexes: ``body`` (its ``coded`` document), its slice
    and meta as tags.

    Why HTML files and not the pagefind package's ``add_custom_record``: the package reads one
    reply per 100 ms, so 5,000 records would take minutes; Pagefind's command line indexes a
    folder on all cores (``run_pagefind``). Why ``shard`` is the only Pagefind filter: the page filters by
    agency, year, place and kind from the catalog, so the others were only work for Pagefind and
    files in the deploy (most of the filter files' bytes; the page never downloaded them: a cold
    query fetches the ``shard`` filter only; figures in docs/performance.md)."""
    tags = [f'<meta data-pagefind-filter="shard[content]" content="{html.escape(shard)}">']
    if salt:  # changes the page's content hash, hence its Pagefind id (see ``clashing``)
        tags.append(f'<meta data-pagefind-meta="salt[content]" content="{salt}">')
    tags += [f'<meta data-pagefind-meta="{k}[content]" content="{html.escape(v)}">' for k, v in rec.meta.items()]
    return (f'<!doctype html><html lang="{LANGUAGE}"><head><meta charset="utf-8">{"".join(tags)}</head>'
            f"<body data-pagefind-body>{body}</body></html>")


def _stage_html(shards: list[Shard], site_dir: Path, salt: int = 0) -> int:
    """Write each record to the path its URL maps to; returns the tokens written."""
    count = 0
    for shard, rec in ((s, r) for s in shards for r in s.records):
        path = site_dir / rec.url.strip("/") / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = rec.body
        count += body.count(" ")  # one space after every word
        path.write_text(record_html(rec, shard.key, body, salt), encoding="utf-8")
    return count


PAGEFIND_SECONDS = 600.0
"""How long one Pagefind run may take before it is stopped and the index fails: hundreds of times
what a bundle of ``searchrecords.BUNDLE_REPORTS`` takes (docs/performance.md), so only a Pagefind
that hangs meets it."""


async def run_pagefind(staging: Path, timeout: float = PAGEFIND_SECONDS) -> None:
    """Run Pagefind's command line over ``staging/site``, writing its bundle to ``staging/out``.

    Why the command line and not the pagefind package's service: the package reads each reply
    after a 0.1 s sleep, and the service answers ``WriteFiles`` before its last files reach the disk
    (a 2,500-report bundle once came out with an empty ``pagefind-entry.json``), so every bundle
    waited for three replies and then polled the disk until the bundle stopped growing, for nothing
    (a third of a bundle's time: docs/performance.md). The command line exits once the bundle is written, and
    its exit code says whether it was. Its ``cwd`` is the staging folder and no ``PAGEFIND_*``
    variable reaches it, so no configuration file or setting of the machine changes the index
    (``PAGEFIND_BINARY_PATH`` still chooses the program, as for the package)."""
    program = get_executable()
    if program is None:
        raise RuntimeError("找不到 Pagefind 程序（pagefind-bin-extended 包），搜索索引没有建成")
    settings = {k: v for k, v in os.environ.items() if not k.startswith("PAGEFIND_")}
    try:  # a session of its own: stopped with everything it started (a wrapper script's program too)
        process = await asyncio.create_subprocess_exec(
            str(program), "--site", "site", "--output-path", "out", "--quiet", cwd=staging, env=settings,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            start_new_session=True)
    except OSError as exc:
        raise RuntimeError(f"无法启动 Pagefind 程序 {program}（{exc.strerror}），搜索索引没有建成") from None
    try:
        async with asyncio.timeout(timeout):
            said, _ = await process.communicate()
    except TimeoutError:
        raise RuntimeError(f"Pagefind 在 {timeout:.0f} 秒内没有建完一个索引包，已停止；搜索索引没有建成") from None
    finally:
        if process.returncode is None:  # timed out, or the index is being cancelled
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)  # the leader is not reaped yet: its group id is still ours
            await process.wait()
    last = " / ".join(said.decode("utf-8", "replace").strip().splitlines()[-3:])
    said_so = f"：{last}" if last else ""
    if process.returncode != 0:
        raise RuntimeError(f"Pagefind 进程意外退出（退出码 {process.returncode}），搜索索引没有建成{said_so}")
    if not (staging / "out" / "pagefind-entry.json").is_file():
        raise RuntimeError(f"Pagefind 运行结束却没有写出索引包，搜索索引没有建成{said_so}")


@dataclass
class Bundle:
    """One Pagefind bundle on its way: its shards, its staging folder, and what indexing it
    found out (the tokens staged, and each Pagefind page id's catalog row)."""

    path: Path  # relative to out_dir: ``pagefind`` or ``pagefind/shard-<name>`` (``plan_shards``)
    shards: list[Shard]
    staging: Path  # the pages Pagefind reads (``site/``) and what it writes (``out/``)
    kept: Path  # where the written bundle waits, pruned and out of the scratch
    tokens: int = 0
    rows: dict[str, Row] = field(default_factory=dict)  # Pagefind's page id → its record's catalog row
    salt: int = 0  # raised to index the bundle again under other page ids
    restored: bool = False  # copied from the cache (``BundleCache``), not indexed

    def rows_of(self, urls: dict[str, str]) -> dict[str, Row]:
        """The rows of the records Pagefind indexed, by page id (``urls``: page id → URL)."""
        by_url = {rec.url: rec for shard in self.shards for rec in shard.records}
        return {page_id: by_url[url].row for page_id, url in urls.items()}

    def keep(self) -> None:
        """Prune the written bundle and move it out of the scratch, so the scratch holds only
        the bundles on their way (keeping them all there grows with the corpus)."""
        _prune(self.staging / "out", shard=self.path != BUNDLE)
        shutil.rmtree(self.kept, ignore_errors=True)  # a bundle indexed again
        move(self.staging / "out", self.kept)
        shutil.rmtree(self.staging, ignore_errors=True)


def clashing(bundles: list[Bundle]) -> list[Bundle]:
    """Bundles holding a Pagefind page id that an earlier bundle holds too.

    Why this happens: Pagefind names a page by 7 hex digits of its content hash, unique within
    a bundle (it lengthens a name that clashes) but not across bundles, and the catalog maps ids
    to pages for all bundles at once. With 20,000 pages in any number of bundles, about every
    other build had such a clash (a 20,000-report index stopped with "occurs in two bundles")."""
    seen: set[str] = set()
    out = []
    for bundle in bundles:
        if not seen.isdisjoint(bundle.rows):
            out.append(bundle)
        seen.update(bundle.rows)
    return out


class BundleCache(Protocol):
    """Written bundles kept by what they are made from (``searchcache.BundleStore``)."""

    def holds(self, bundle: Bundle) -> bool: ...

    def restore(self, bundle: Bundle) -> bool: ...

    def save(self, bundle: Bundle) -> None: ...

    def prune(self) -> None: ...


class Signal(Protocol):
    """``threading.Event`` or ``multiprocessing.Event``: something set once, from elsewhere."""

    def wait(self, timeout: float | None = None) -> bool: ...


async def _widen(indexing: asyncio.Semaphore, extra: int, signal: Signal) -> None:
    """Let ``extra`` more Pagefind processes run once ``signal`` is set."""
    while not await asyncio.to_thread(signal.wait, 0.2):
        pass
    for _ in range(extra):
        indexing.release()


async def write_bundles(bundles: list[Bundle], indexing: Indexing, widen: Signal | None = None) -> None:
    """Stage and index every bundle: staging (Python, one at a time) runs ahead of Pagefind.

    Why a pipeline: staging a bundle is Python work that Pagefind waits for, so bundle *n + 1* is
    staged while up to ``indexing.services`` Pagefind processes index the bundles before it.
    ``ahead`` bounds the bundles staged but not yet indexed (their HTML stays on disk until their
    Pagefind run is done), so the staging folder stays small at any corpus size. The written fragments
    are read back while the next bundle is indexed. With ``widen``, one Pagefind process runs until it is
    set, then ``indexing.services``.

    Bundles the store holds are restored once every other bundle is staged. Why: after a one-report
    edit, one bundle is indexed and every other restored; restoring first (or alongside) kept the
    edited bundle's staging waiting behind the restores' threads and sharing the GIL with them, on
    the edit's critical path. A stored bundle found damaged is indexed after all."""
    python_turn = asyncio.Lock()  # the GIL allows one Python job at a time anyway; FIFO keeps bundle order
    workers = max(1, indexing.services)
    running = asyncio.Semaphore(1 if widen else workers)
    ahead = asyncio.Semaphore(workers + 1)
    widening = asyncio.create_task(_widen(running, workers - 1, widen)) if widen and workers > 1 else None
    store = indexing.store
    held = await asyncio.to_thread(lambda: [store.holds(b) for b in bundles]) if store else [False] * len(bundles)
    unstaged = held.count(False)
    all_staged = asyncio.Event()  # the restores wait for it
    if not unstaged:
        all_staged.set()

    async def index(bundle: Bundle) -> None:
        nonlocal unstaged
        bundle.restored = False  # restored at first, then indexed again under another salt (``clashing``)
        async with ahead:
            async with python_turn:
                await asyncio.to_thread(shutil.rmtree, bundle.staging, True)  # a bundle indexed again
                bundle.tokens = await asyncio.to_thread(_stage_html, bundle.shards, bundle.staging / "site",
                                                        bundle.salt)
            unstaged -= 1
            if unstaged <= 0:
                all_staged.set()
            async with running:
                await indexing.run_pagefind(bundle.staging)
            await asyncio.to_thread(shutil.rmtree, bundle.staging / "site", True)
            pages = await asyncio.to_thread(indexing.read_pages, bundle.staging / "out")
            bundle.rows = bundle.rows_of(fragment_urls(pages))
            await asyncio.to_thread(bundle.keep)
            if store is not None:
                await asyncio.to_thread(store.save, bundle)

    async def restore(bundle: Bundle) -> None:
        assert store is not None
        await all_staged.wait()
        bundle.restored = await asyncio.to_thread(store.restore, bundle)
        if not bundle.restored:
            await index(bundle)

    try:
        await asyncio.gather(*(restore(b) if h else index(b) for b, h in zip(bundles, held, strict=True)))
    finally:
        if widening:
            widening.cancel()


def read_fragments(bundle: Path) -> dict[str, dict[str, object]]:
    """Pagefind page id (the fragment's name) → the page as Pagefind recorded it (URL, meta,
    filters, word count), read back from the written fragments, in name order (a folder lists
    its files in an order of the file system's choosing: on tmpfs, the order Pagefind's threads
    wrote them in). The last look at them: ``_prune`` drops them from the bundle."""
    pages = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(FRAGMENT_SIGNATURE), path
        pages[path.stem] = json.loads(data[len(FRAGMENT_SIGNATURE):])
    return pages


def fragment_urls(pages: dict[str, dict[str, object]]) -> dict[str, str]:
    """Pagefind page id → URL, for the catalog."""
    return {page_id: str(page["url"]) for page_id, page in pages.items()}




UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
"""Pagefind's ready-made UIs: the page uses the search API through static/search.js instead."""
SHARD_UNUSED = ("pagefind.js", "pagefind-worker.js", "wasm.*.pagefind")
"""A merged bundle needs only its entry, meta, index and filter files."""
UNUSED_FOLDERS = ("fragment",)
"""Pagefind's fragments, one a page (its indexed text, meta and filters): the page lists results
from the catalog and takes excerpts from the text shards, so it never fetches one. They are read
for the catalog (``read_fragments``) before the bundle is kept. Dropping them took a file a page out
of the deploy, and their copy out of the scratch out of the build."""


def _prune(bundle: Path, shard: bool) -> None:
    for pattern in UNUSED_FILES + (SHARD_UNUSED if shard else ()):
        for path in bundle.glob(pattern):
            path.unlink()
    for folder in UNUSED_FOLDERS:
        shutil.rmtree(bundle / folder, ignore_errors=True)


def default_workers() -> int:
    """Pagefind processes at once: one per core, at most two. Why not more: each holds its bundle
    in memory (``BUNDLE_REPORTS``), and staging the next bundle needs a core of its own share."""
    return max(1, min(2, cores_available()))


SETTLE_SECONDS = 10.0
"""How long the tasks left when the work ends get to end once cancelled (a Pagefind run killing its
process), before the loop is closed without them. A bound kept from the pagefind package's service,
whose tasks once would not end (``_run``)."""


def run_async(make: Callable[[], Coroutine[object, object, T]], settle: float = SETTLE_SECONDS) -> T:
    """``asyncio.run``, also when the caller already runs an event loop in this thread (an async
    dev server, Playwright's sync API in tests): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _run(make, settle)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_run, make, settle).result()


def _run(make: Callable[[], Coroutine[object, object, T]], settle: float) -> T:
    """``asyncio.run`` whose goodbye is bounded. Why: ``asyncio.run`` cancels the tasks left and
    waits for them without limit. A 5,000-report build once hung there for good: its index child
    waiting in that cleanup with no Pagefind process left (one run in about a dozen; which task
    would not end was not found — Pagefind then ran as the pagefind package's service, whose
    ``close`` awaits ``asyncio.wait_for``, which in Python 3.11 can swallow a cancellation). A task
    still left after ``settle`` is dropped."""
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(make())
    finally:
        try:
            left = [task for task in asyncio.all_tasks(loop) if not task.done()]
            for task in left:
                task.cancel()
            if left:
                loop.run_until_complete(asyncio.wait(left, timeout=settle))
            loop.run_until_complete(loop.shutdown_asyncgens())
            loop.run_until_complete(loop.shutdown_default_executor())
        finally:
            asyncio.set_event_loop(None)
            loop.close()


@dataclass(frozen=True)
class Indexing:
    """How bundles are indexed: the machinery, passed in (tests pass their own instead of patching)."""

    workers: int | None = None
    """Pagefind processes at once; None: ``default_workers()``."""
    scratch: Scratch = Scratch()
    """Where bundles are staged and written (``Scratch.choose``: beside the output if unusable)."""
    run_pagefind: Callable[[Path], Awaitable[None]] = run_pagefind
    """Indexes ``staging/site`` into ``staging/out``."""
    read_pages: Callable[[Path], dict[str, dict[str, object]]] = read_fragments
    """A written bundle's pages as Pagefind recorded them, by page id."""
    store: BundleCache | None = None
    """Bundles indexed before, restored instead of indexed again (``searchcache``); None: none."""

    @property
    def services(self) -> int:
        return default_workers() if self.workers is None else self.workers
