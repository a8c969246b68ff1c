"""Build the site: load → render every page → search index → atomic swap into the output folder.

Two entry points share one path of rendering:

- ``build_site(content, out)`` — the deploy build. It renders into a sibling temporary folder
  and swaps it in with two renames, so a reader or a deploy never sees a half-written site, and
  a failed build (bad content, a bug, a failing search index, ``--strict`` warnings) leaves the
  previous site exactly as it was.
- ``write_site(site, out)`` — the dev server's fast rebuild: it writes only the files whose
  bytes changed (and deletes the ones no longer produced) into an existing folder.

``build_site`` starts from a hard-linked copy of the previous site and lets ``write_site``
replace what changed. Every write goes through a temporary file and ``os.replace``, which puts a
new inode in place, so the hard-linked files of the live site are never modified. With no
previous site the temporary folder starts empty and files are written straight in.

Both render on every core: the model is built once, then forked worker processes render
disjoint chunks of ``outputs(site)`` and write the files themselves (``_write_files``).
"""

from __future__ import annotations

import fcntl
import filecmp
import gc
import logging
import multiprocessing
import os
import shutil
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from .errors import ContentError, Problem, display_path
from .export import data_files
from .load import default_workers, load_content
from .model import Site
from .render import (
    ABOUT_PAGE,
    SiteIndex,
    compile_templates,
    make_env,
    pages,
    render_page,
    static_files,
)
from .settings import Address, resolve_address

if TYPE_CHECKING:
    from .search import Signal

log = logging.getLogger(__name__)

PROGRESS_EVERY = 1000
KEEP = ("pagefind",)
"""Top-level folders another step owns (the search index): ``write_site`` leaves them alone."""


@dataclass
class BuildResult:
    """What a build did, for the CLI summary and for tests."""

    exit_code: int
    pages: int = 0  # files written into the site (pages, downloads, static assets)
    changed: int = 0  # of those, how many differ from the previous site
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


# ---------------------------------------------------------------- writing files

Output = tuple[str, Callable[[], bytes | Iterable[bytes]]]
"""A file of the site: its site-relative path and the producer of its bytes (whole or in pieces)."""


class _Writer:
    """Writes files into one folder: only when the bytes differ, never through a shared inode.

    In a ``fresh`` (empty, private) folder there is nothing to compare or to protect, so files
    are written in place. Folders made once are remembered, to skip a ``mkdir`` per file."""

    def __init__(self, out_dir: Path, fresh: bool):
        self.out_dir, self.fresh = out_dir, fresh
        self._made: set[str] = set()

    def write(self, rel: str, data: bytes | Iterable[bytes]) -> bool:
        """Write ``data`` to ``out_dir/rel`` unless it already holds exactly these bytes.

        Outside a fresh folder: writes a temporary file beside it and renames it over the
        target, never truncating an existing inode, which may be hard-linked to the live site.
        ``data`` in pieces (the site-wide downloads) is streamed to the file, then compared.
        """
        target = os.path.join(self.out_dir, rel)
        folder = os.path.dirname(target)
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        if self.fresh:
            _dump(target, data)
            return True
        if isinstance(data, bytes) and _holds(target, data):
            return False
        tmp = os.path.join(folder, f".{os.path.basename(target)}.tmp{os.getpid()}")
        _dump(tmp, data)
        if not isinstance(data, bytes) and _same_file(tmp, target):
            os.unlink(tmp)
            return False
        os.replace(tmp, target)
        return True

    def write_all(self, files: Iterable[Output]) -> list[str]:
        return [rel for rel, produce in files if self.write(rel, produce())]


def _dump(path: str, data: bytes | Iterable[bytes]) -> None:
    with open(path, "wb") as f:
        if isinstance(data, bytes):
            f.write(data)
        else:
            f.writelines(data)


def _holds(path: str, data: bytes) -> bool:
    """Whether the file holds exactly ``data``: the size first, the bytes only when it matches."""
    try:
        if os.stat(path).st_size != len(data):
            return False
        with open(path, "rb") as f:
            return f.read() == data
    except FileNotFoundError:
        return False


def _same_file(a: str, b: str) -> bool:
    try:
        return filecmp.cmp(a, b, shallow=False)
    except FileNotFoundError:
        return False


def outputs(site: Site, *, base_url: str | None = None, index: SiteIndex | None = None,
            env: jinja2.Environment | None = None) -> Iterator[Output]:
    """Every file of the site as (site-relative path, producer of its bytes), in a stable order.

    Listing is cheap (page contexts are built when a page is rendered); producers run one at a
    time while writing, so the HTML of thousands of reports is never held in memory at once.
    ``base_url`` is the site's public address; by default the configured one (``settings``).
    """
    base = base_url or resolve_address(site.content_dir).url
    static = static_files()
    env = env or make_env(base, static)
    about = site.content_dir / ABOUT_PAGE
    about_text = about.read_text(encoding="utf-8") if about.is_file() and not about.is_symlink() else None
    for data_file in data_files(site, base):  # the site-wide downloads first: the longest tasks
        yield data_file.path, data_file.produce
    for page in pages(site, base_url=base, about_markdown=about_text, index=index):
        yield page.path, partial(render_page, env, page)
        yield from page.companions
    for url, path in static.values():  # fingerprinted: netlify.toml caches /static/* for a year
        yield url.lstrip("/"), path.read_bytes
    yield MARKER, lambda: MARKER_TEXT


MARKER = ".portal-site"
"""Written into every built site: only a folder holding it may be replaced by a build."""
MARKER_TEXT = b"This folder is built by build.py; a build replaces it whole.\n"
SOURCES = ("content", "templates", "static", "portal", ".git")


def unsafe_output(content_dir: Path, out_dir: Path) -> str | None:
    """Why writing the site into ``out_dir`` would destroy something, or None when it is safe.

    A build replaces its output folder whole and deletes files it does not produce, so pointing
    ``--out`` at the repository, at content/ or at any folder of other files would delete them.
    """
    out_dir = out_dir.resolve()
    repo = Path(__file__).resolve().parent.parent
    for root in (content_dir.resolve(), repo, *(repo / name for name in SOURCES)):
        if out_dir == root or out_dir in root.parents:
            return f"输出目录 {out_dir} 就是或包含 {root}，构建会删掉其中的文件；请用 --out 另选一个目录"
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        return (f"输出目录 {out_dir} 里有不是构建写出的文件（没有 {MARKER}）；"
                "请清空它，或用 --out 另选一个目录")
    return None


# ---------------------------------------------------------------- rendering on every core

PARALLEL_FROM = 400
"""Below this many files one process is faster than starting workers (the seed site has ~50)."""
CHUNK = 48
"""Files per task: small enough that two workers finish together, large enough that an agency's
page and its reports' pages (neighbours in ``outputs``) share a worker's text cache."""
RECYCLE_AFTER = 12
"""Chunks a render worker renders before it is replaced by a fresh fork (~600 files, ~150
reports): forking costs milliseconds, and what a worker copied of the model is given back. At
20,000 reports a worker still held 0.34 GB of private copies after 32 chunks."""

_job: tuple[list[Output], _Writer] | None = None
"""The files and the writer, set just before forking: workers inherit them instead of receiving
them (producers are closures over the whole model, which would be slow or impossible to pickle)."""


def _write_chunk(bounds: tuple[int, int]) -> list[str]:
    assert _job is not None
    files, writer = _job
    return writer.write_all(files[bounds[0]:bounds[1]])


def _write_files(files: list[Output], writer: _Writer, workers: int,
                 progress: Callable[[int], None] | None, prepare: Callable[[], None] = lambda: None,
                 alone: Callable[[str], bool] = lambda rel: False) -> list[str]:
    """Produce and write every file; in ``workers`` forked processes when there are enough.

    Each worker renders disjoint chunks of the list and writes the files itself, so only the
    changed paths come back: no HTML crosses a process boundary. Chunks are handed out as
    workers finish. ``prepare`` runs before the workers fork (what they would otherwise each
    compute, and again in every fresh fork: key figures, compiled templates).

    Why workers are replaced after ``RECYCLE_AFTER`` chunks, and the files ``alone`` accepts
    (the site-wide downloads: every field of every report) are written by one more process of
    their own that ends when they are written: a forked process shares the model with its
    parent until it touches it, and every page of the model touched (if only to count a
    reference) becomes its private copy. A worker that lived through the whole site, or wrote
    the downloads, would hold a private copy of the model (~0.9 GB at 20,000 reports) until
    the end; a fresh fork shares everything again."""
    global _job
    if workers < 2 or len(files) < PARALLEL_FROM:
        changed = []
        for start in range(0, len(files), PROGRESS_EVERY):
            changed += writer.write_all(files[start:start + PROGRESS_EVERY])
            if progress and start + PROGRESS_EVERY <= len(files):
                progress(start + PROGRESS_EVERY)
        return changed
    heavy = [f for f in files if alone(f[0])]
    files = [f for f in files if not alone(f[0])]
    chunks = [(i, min(i + CHUNK, len(files))) for i in range(0, len(files), CHUNK)]
    changed, done, shown = [], 0, 0
    _job = (files, writer)
    prepare()
    with _frozen():
        downloads = _Child(partial(writer.write_all, heavy), "portal-downloads") if heavy else None
        try:
            with multiprocessing.get_context("fork").Pool(workers, maxtasksperchild=RECYCLE_AFTER) as pool:
                for (a, b), paths in zip(chunks, pool.imap(_write_chunk, chunks), strict=True):
                    changed += paths
                    done += b - a
                    if progress and done // PROGRESS_EVERY > shown:
                        shown = done // PROGRESS_EVERY
                        progress(shown * PROGRESS_EVERY)
            if downloads:
                changed += downloads.result()
        except BaseException:
            if downloads:
                downloads.cancel()
            raise
        finally:
            _job = None
    return changed


@contextmanager
def _frozen() -> Iterator[None]:
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


class _Child:
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
        if not ok or self._process.exitcode != 0:
            raise RuntimeError(f"{self.name} failed:\n{value if not ok else f'exit code {self._process.exitcode}'}")
        return value

    def cancel(self) -> None:
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()


def _child_main(run: Callable[[], object], sender: Connection) -> None:
    """In the forked child: send (True, what ``run`` returned) or (False, the traceback)."""
    try:
        sender.send((True, run()))
    except BaseException:  # noqa: BLE001 - everything goes back to the parent as text
        sender.send((False, traceback.format_exc()))
    finally:
        sender.close()


def write_site(site: Site, out_dir: Path, *, base_url: str | None = None, keep: Iterable[str] = KEEP,
               progress: Callable[[int], None] | None = None, workers: int | None = None,
               select: Callable[[str], bool] | None = None) -> list[Path]:
    """Render the site into ``out_dir``, writing only changed files; return the changed paths.

    Files that the site no longer produces are deleted (and reported as changed), except under
    the top-level folders in ``keep``, which other steps own (the search index).

    ``select`` (the dev server) renders only the files whose site-relative path it accepts, e.g.
    one agency's files (``agency_of``) after a save under ``reports/<slug>/``; stale files are
    still looked for across the whole site.
    """
    return _write(site, out_dir, base_url=base_url, keep=keep, progress=progress, workers=workers,
                  select=select)[0]


AGENCY_FOLDERS = ("agencies", "reports")
"""``/agencies/<slug>/…`` and ``/reports/<slug>/…``: the only outputs that belong to one agency.
Every other output (home, indexes, years, data downloads, feed, sitemap) is site-wide."""


def agency_of(rel: str) -> str | None:
    """The agency slug an output belongs to, or None for a site-wide output.

    Why this is what a change to an agency's reports can alter (its own files and the site-wide
    ones, as the dev server renders after a save): a page under ``/agencies/<slug>/`` or
    ``/reports/<slug>/`` is made from that agency's registry entry and reports only (a report is
    compared with the same agency's previous year, never with another agency)."""
    parts = rel.split("/", 2)
    return parts[1] if len(parts) == 3 and parts[0] in AGENCY_FOLDERS else None


def site_download(rel: str) -> bool:
    """The site-wide data downloads (``/data/reports.json``, the CSVs …): the largest files to
    produce, and ones no page shows, so the dev server writes them after the reload."""
    return rel.startswith("data/") and not rel.endswith(".html")


def _write(site: Site, out_dir: Path, *, base_url: str | None, keep: Iterable[str],
           progress: Callable[[int], None] | None, workers: int | None = None,
           fresh: bool = False, select: Callable[[str], bool] | None = None,
           index: SiteIndex | None = None) -> tuple[list[Path], int]:
    """``write_site``, also returning how many files the site has.

    ``fresh`` says ``out_dir`` is a new, empty, private folder: files are written without
    comparing, and there is nothing stale to delete."""
    out_dir.mkdir(parents=True, exist_ok=True)
    index = index or SiteIndex(site)
    base_url = base_url or resolve_address(site.content_dir).url
    env = make_env(base_url, static_files())
    files = list(outputs(site, base_url=base_url, index=index, env=env))
    produced = {rel for rel, _ in files}
    if len(produced) != len(files):
        seen: set[str] = set()
        clash = next(rel for rel, _ in files if rel in seen or seen.add(rel))
        raise RuntimeError(f"two outputs write {clash}: the site map has a URL clash")
    if select is not None:
        files = [(rel, produce) for rel, produce in files if select(rel)]
    writer = _Writer(out_dir, fresh)

    def prepare() -> None:
        index.warm()
        compile_templates(env)

    changed = [out_dir / rel for rel in
               _write_files(files, writer, default_workers() if workers is None else workers, progress,
                            prepare=prepare, alone=site_download)]
    if not fresh:
        changed += _delete_stale(out_dir, produced, tuple(keep))
    return changed, len(files)


def _delete_stale(out_dir: Path, produced: set[str], keep: tuple[str, ...]) -> list[Path]:
    """Delete files (and symlinks) the site no longer produces, and folders left empty; the
    top-level folders in ``keep`` are not even walked."""
    deleted, folders = [], []
    for folder, dirs, names in os.walk(out_dir):
        rel_dir = os.path.relpath(folder, out_dir)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        if not prefix:
            dirs[:] = [d for d in dirs if d not in keep]
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = [d for d in dirs if d not in links]
        folders.append(folder)
        for name in names + links:
            if prefix + name not in produced and not (not prefix and name in keep):
                path = Path(folder, name)
                path.unlink()
                deleted.append(path)
    for folder in reversed(folders[1:]):  # deepest first; never the output folder itself
        if not os.listdir(folder):
            os.rmdir(folder)
    return deleted


# ---------------------------------------------------------------- the atomic build


def _siblings(out_dir: Path) -> tuple[Path, Path]:
    """Temporary folders beside the output (same filesystem, so renames are atomic)."""
    stem = f"build-tmp-{out_dir.name}"
    return out_dir.with_name(f"{stem}-new"), out_dir.with_name(f"{stem}-old")


def _search_sibling(out_dir: Path) -> Path:
    """Where the index child builds the search index (see ``_Indexing``)."""
    return out_dir.with_name(f"build-tmp-{out_dir.name}-search")


def recover(out_dir: Path) -> None:
    """Finish or undo a swap that a previous run did not complete.

    The swap is: rename out → old, rename new → out, delete old. Dying after the first rename
    leaves no ``out`` but a complete ``old``: put it back. Dying after the second leaves both:
    the new site is in place, so delete ``old``. A leftover ``new`` is always incomplete.
    """
    new, old = _siblings(out_dir)
    if old.exists():
        if out_dir.exists():
            shutil.rmtree(old)
        else:
            old.rename(out_dir)
    for leftover in (new, _search_sibling(out_dir)):
        if leftover.exists():
            shutil.rmtree(leftover)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One build at a time beside this output (a dev server and a manual build, say).

    Locks the parent folder itself rather than a lock file, so nothing is left behind.
    """
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _hardlink_copy(src: Path, dst: Path) -> bool:
    """Seed the new site with the previous one, sharing inodes (cheap), minus the search index:
    Pagefind may rewrite its files in place, which would reach through a hard link.

    Returns whether ``dst`` starts empty (no previous site): then the build writes without
    comparing. Unchanged files keep their inode and modification time, so a deploy that syncs
    by size and time (rsync, most CDNs' CLIs) uploads only what changed."""
    dst.mkdir(parents=True)
    if not src.is_dir():
        return True
    for folder, dirs, names in os.walk(src):
        if folder == str(src):
            dirs[:] = [d for d in dirs if d not in KEEP]
        target = os.path.join(dst, os.path.relpath(folder, src))
        for d in dirs:
            os.mkdir(os.path.join(target, d))
        for name in names:
            os.link(os.path.join(folder, name), os.path.join(target, name), follow_symlinks=False)
    return False


NAMED = 5
"""A warning about many reports names this many of them, then says how many more."""


def _named(names: list[str]) -> str:
    more = f" 等，共 {len(names)} 份" if len(names) > NAMED else ""
    return "、".join(names[:NAMED]) + more


def _warnings(site: Site, address: Address) -> list[str]:
    """What a build publishes but a person should look at; ``--strict`` refuses to publish it."""
    out = []
    failing = [r for r in site.reports if r.unconfirmed_failures]  # as_printed ones are the source's own
    if failing:
        count = sum(len(r.unconfirmed_failures) for r in failing)
        out.append(f"{len(failing)} 份报告共 {count} 项勾稽关系检查未通过（已在其页面上标出）："
                   + _named([r.url for r in failing]))
    drafts = [r for r in site.reports if r.status == "draft"]
    if drafts:
        out.append(f"{len(drafts)} 份报告仍是草稿（status: draft），尚未经人工核对（已在其页面上标明）："
                   + _named([display_path(r.yaml_path) for r in drafts]))
    if not (site.content_dir / ABOUT_PAGE).is_file():
        out.append(f"内容目录中缺少 {ABOUT_PAGE.as_posix()}：“关于”页（/about/）只显示占位文字")
    if address.warning:
        out.append(address.warning)
    return out


class _Indexing:
    """The search index, built in a forked child process while this one renders the pages.

    Why: rendering and indexing each keep about one core busy (Pagefind's service works mostly
    on one thread, and the Python side of indexing is one more), so on a 2-core machine running
    them together saves most of the shorter one's time. Why fork: the child inherits the model
    as it is, nothing is pickled. Why its own folder (beside the output): a rebuild deletes every
    file of the new site that rendering did not produce, which would include a half-written
    index; the finished index is moved in afterwards with one rename."""

    def __init__(self, site: Site, folder: Path):
        from .search import index_site

        self.folder = folder
        self._rendered = multiprocessing.get_context("fork").Event()
        self._child = _Child(partial(_index_into, index_site, site, folder, self._rendered), "search index")

    def finish(self, site_dir: Path) -> None:
        """Wait for the index and move it into ``site_dir``; raise if indexing failed.

        Called once the pages are written: from then on the child may run as many Pagefind
        services as it likes (one until then, so that the render workers and the services
        together stay within the memory either needs alone)."""
        self._rendered.set()
        self._child.result()
        from .search import BUNDLE

        (self.folder / BUNDLE).rename(site_dir / BUNDLE)
        shutil.rmtree(self.folder)

    def cancel(self) -> None:
        self._child.cancel()
        shutil.rmtree(self.folder, ignore_errors=True)


def _index_into(index_site: Callable[..., object], site: Site, folder: Path, rendered: Signal) -> None:
    """In the forked child: build the index into ``folder``."""
    folder.mkdir()
    index_site(site, folder, widen=rendered)


def _start_index(site: Site, folder: Path, warnings: list[str]) -> _Indexing | None:
    try:
        return _Indexing(site, folder)
    except ImportError as exc:  # written by the search engineer; optional until it exists
        warnings.append(f"未建搜索索引：无法导入 portal.search（{exc}）；加 --no-search 可不再提示")
        return None


def build_site(content_dir: Path, out_dir: Path, *, search: bool = True, strict: bool = False,
               progress: bool = True, base_url: str | None = None) -> BuildResult:
    """Build the whole site into ``out_dir`` atomically; see the module docstring.

    ``base_url`` (``--base-url``) overrides the configured public address (``settings``).
    Content errors raise ``ContentError`` (the CLI prints one line per problem) after cleaning
    up; the previous site is untouched. With ``strict`` any warning fails the build (exit 1)
    before anything is rendered, and the previous site is kept too.

    Each warning is shown once: printed when ``progress`` (the CLI), else logged.
    """
    start = time.perf_counter()
    out_dir = out_dir.resolve()
    if problem := unsafe_output(content_dir, out_dir):
        raise ContentError([Problem(str(out_dir), problem, field="--out")])
    new, old = _siblings(out_dir)
    search_dir = _search_sibling(out_dir)
    say: Callable[[str], None] = (lambda m: print(m, file=sys.stderr)) if progress else (lambda m: None)
    warn: Callable[[str], None] = (lambda w: say(f"警告：{w}")) if progress else log.warning
    with _locked(out_dir.parent):
        recover(out_dir)
        site, address = _load(content_dir, base_url)
        warnings = _warnings(site, address)
        for w in warnings:
            warn(w)
        if strict and warnings:
            return _refused(out_dir, warnings, say, start)
        try:
            fresh = _hardlink_copy(out_dir, new)
            # Frozen from before the index child forks until it is done: see ``_frozen``. The key
            # figures are computed by ``_write``, after the fork: the index child needs none of
            # them, and starts ~1 s sooner.
            with _frozen():
                indexing = _start_index(site, search_dir, warnings) if search else None
                if search and indexing is None:
                    warn(warnings[-1])
                    if strict:
                        shutil.rmtree(new)
                        return _refused(out_dir, warnings, say, start)
                try:
                    changed, written = _write(site, new, base_url=address.url, keep=(), fresh=fresh,
                                              progress=lambda n: say(f"  … 已写入 {n} 个文件"))
                    if indexing:
                        indexing.finish(new)
                except BaseException:
                    if indexing:
                        indexing.cancel()
                    raise
            _swap(new, out_dir, old)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
    seconds = time.perf_counter() - start
    say(f"已构建 {out_dir}：{written} 个文件（{len(changed)} 个有改动），{len(site.reports)} 份报告，"
        f"{len(warnings)} 条警告，用时 {seconds:.2f} 秒；本站网址 {address.url}")
    return BuildResult(0, written, len(changed), warnings, seconds)


def _load(content_dir: Path, base_url: str | None) -> tuple[Site, Address]:
    """The content and the site's address, or a ``ContentError`` with the problems of both."""
    problems: list[Problem] = []
    address = site = None
    try:
        address = resolve_address(content_dir, base_url)
    except ContentError as exc:
        problems += exc.problems
    try:
        site = load_content(content_dir)
    except ContentError as exc:
        problems += exc.problems
    if problems or site is None or address is None:
        raise ContentError(problems)
    return site, address


def _refused(out_dir: Path, warnings: list[str], say: Callable[[str], None], start: float) -> BuildResult:
    """``--strict`` with warnings: nothing is written, and the message says what is left."""
    kept = (f"原有的站点 {out_dir} 保持不变" if (out_dir / MARKER).is_file()
            else f"没有写入 {out_dir}")
    say(f"严格模式（--strict）：有 {len(warnings)} 条警告，未发布新站点；{kept}")
    return BuildResult(1, 0, 0, warnings, time.perf_counter() - start)


def _swap(new: Path, out_dir: Path, old: Path) -> None:
    if out_dir.exists():
        out_dir.rename(old)
    new.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)
