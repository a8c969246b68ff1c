"""The dev server's rebuild: the whole model recomputed in memory, only the files whose bytes
changed written out.

``Rebuilder`` is the builder thread's build step: it recomputes the model (``load_content``,
re-parsing only the files whose stamps changed) and writes the site through ``build.write_site``
(``output.ChangedBytesWriter``: only the files whose bytes changed). After a save under
``reports/<slug>/`` only that agency's files, then the site-wide pages, are rendered, each part an
``Outcome`` with the pages it can have changed. Nothing here raises: a failure is an ``Outcome``
holding the text the editor sees. ``DevOutput`` is the output folder with the lock its writers share
(the builder, and the indexer thread writing the data downloads and swapping the search index in).
"""

from __future__ import annotations

import shutil
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .build import KEEP
from .errors import ContentError, describe_os_error
from .sitemap import PAGE, Output

INDEX_NICE = 10
"""How much lower the index child's priority is: the next rebuild wins the CPU over it."""
SEARCH_NEXT, SEARCH_OLD = ".pagefind-next", ".pagefind-old"
"""The dev server's folders for swapping a fresh search index in; write_site is told to keep them."""
DEV_KEEP = (*KEEP, SEARCH_NEXT, SEARCH_OLD)
"""What the dev server's ``write_site`` calls leave alone: the search index and its swap folders."""


@dataclass(frozen=True)
class Outcome:
    """One rebuild's result: a site that was written, or the text of what went wrong.

    ``pages`` says which open pages to reload (by site path; None: every page), and ``then``
    is the rest of the build, run and published right after this part's reload."""

    site: Any | None
    written: int
    error: str | None
    seconds: float
    trigger: tuple[str, ...]
    pages: Callable[[str], bool] | None = None
    then: Callable[[], Outcome] | None = None
    what: str = "构建完成"  # the terminal's words for this part


class DevOutput:
    """The dev server's output folder, and the lock every writer of it holds.

    The lock is held while write_site walks the folder and while the search index is swapped in:
    write_site lists every file to find stale ones, and a folder that vanishes under that walk
    (the old index being removed) would fail the build."""

    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.Lock()

    def write(self, site: Any, select: Callable[[Output], bool] | None) -> int:
        """Write the selected files of ``site`` whose bytes changed; how many were written."""
        from .build import write_site

        with self.lock:
            return len(write_site(site, self.path, keep=DEV_KEEP, select=select))

    def write_downloads(self, site: Any) -> int:
        """The site-wide data downloads that ``Rebuilder`` leaves out of the build before a reload."""
        return self.write(site, lambda o: o.site_download)

    def index(self, site: Any) -> None:
        """Index ``site`` in a child (``indexing.IndexChild``, at a lower priority: the next rebuild
        wins the CPU) and a private folder, then swap the result in with two renames. Pages keep the
        old index until the new one is complete."""
        from .indexing import IndexChild
        from .searchrecords import BUNDLE

        live, fresh, old = self.path / BUNDLE, self.path / SEARCH_NEXT, self.path / SEARCH_OLD
        with tempfile.TemporaryDirectory(prefix="portal-search-") as tmp:
            bundle = IndexChild(site, Path(tmp), nice=INDEX_NICE).bundle()
            with self.lock:
                shutil.rmtree(fresh, ignore_errors=True)
            shutil.move(bundle, fresh)  # only adds files: safe beside a running write_site
        with self.lock:
            shutil.rmtree(old, ignore_errors=True)
            if live.exists():
                live.rename(old)
            fresh.rename(live)
            shutil.rmtree(old, ignore_errors=True)


def _load_content(content_dir: Path, *, cache: Any = None) -> Any:
    from .load import load_content

    return load_content(content_dir, cache=cache)


def rebuild(content_dir: Path, output: DevOutput, trigger: tuple[str, ...] = (), *, cache: Any = None,
            select: Callable[[Output], bool] | None = None,
            load: Callable[..., Any] = _load_content) -> Outcome:
    """Recompute the model and write the changed files; never raises.

    ``cache`` (a ``load.ParseCache``) skips parsing the files that did not change; ``select``
    limits the files rendered (``write_site``); ``load`` reads the content (``load_content``).
    """
    started = time.perf_counter()
    return _attempt(started, trigger, lambda: rewrite(load(content_dir, cache=cache), output, trigger,
                                                      select=select, started=started))


def rewrite(site: Any, output: DevOutput, trigger: tuple[str, ...], *, select: Callable[[Output], bool] | None,
            started: float | None = None) -> Outcome:
    """Write the selected files of a loaded site (the second part of a two-part build)."""
    started = time.perf_counter() if started is None else started

    def write() -> Outcome:
        written = output.write(site, select)
        return Outcome(site, written, None, time.perf_counter() - started, trigger)

    return _attempt(started, trigger, write)


def _attempt(started: float, trigger: tuple[str, ...], build: Callable[[], Outcome]) -> Outcome:
    """``build()``, or an Outcome holding the error: never raises.

    A ContentError becomes its editor-facing lines; anything else (a template syntax error, a
    bug) becomes a traceback, because the person at the dev server can act on it."""
    try:
        return build()
    except ContentError as exc:
        error = "\n".join(str(p) for p in exc.problems)
        error += f"\n共 {len(exc.problems)} 个问题；页面显示的是上次成功构建的版本。"
    except OSError as exc:
        error = describe_os_error(exc) + "\n页面显示的是上次成功构建的版本。"
    except Exception:  # noqa: BLE001 - shown on the page and in the terminal, never fatal
        error = "构建时出现内部错误（网站程序的缺陷，不是内容的问题）：\n" + traceback.format_exc()
    return Outcome(None, 0, error, time.perf_counter() - started, trigger)


def agencies_touched(content_dir: Path, paths: Iterable[str]) -> set[str] | None:
    """The agencies whose files a batch of saves can change, or None when it can change anything.

    A file under ``reports/<slug>/`` feeds only that agency's pages and the site-wide ones (the
    report of one year is checked against the year before of the same agency, never another
    agency's). The registry, ``pages/``, templates and static files feed every page."""
    slugs = set()
    for path in paths:
        parts = Path(path).relative_to(content_dir).parts if Path(path).is_relative_to(content_dir) else ()
        if len(parts) != 3 or parts[0] != "reports":
            return None
        slugs.add(parts[1])
    return slugs


class Rebuilder:
    """The builder thread's build step, with what it keeps between builds to make a save cheap:
    the parsed files (``ParseCache``) and the agencies changed since the last good build.

    After saves under ``reports/<slug>/`` a build has two parts, each followed by its own
    reload: first the files of the agencies touched (the page being edited reloads after a few
    of its agency's files, whatever the size of the site), then the site-wide pages — only the
    pages open on those reload. Every other agency's pages do not change (the site map says what
    each output is made from: ``sitemap.Output.agency``) and do not reload. Any other save
    rebuilds every page and reloads every page. The site-wide
    data downloads (~1 s at 1,000 reports, and no page shows them) are always left to
    ``DevOutput.write_downloads`` after the reload.

    Why accumulate: a save that fails to build writes nothing, so the next good build must
    write every agency touched since the last good one, not only the latest save's."""

    def __init__(self, content_dir: Path, output: DevOutput):
        from .load import ParseCache

        self.content_dir, self.output = content_dir, output
        self.cache = ParseCache()
        self.pending: set[str] | None = None  # None: everything (the first build, or a shared file)

    def __call__(self, trigger: tuple[str, ...] = ()) -> Outcome:
        touched = agencies_touched(self.content_dir, trigger) if trigger else None
        scope = None if self.pending is None or touched is None else self.pending | touched
        if scope is None:
            outcome = rebuild(self.content_dir, self.output, trigger, cache=self.cache,
                              select=lambda o: not o.site_download)
        else:
            agencies = Selection(lambda o: o.agency in scope)
            site_wide = Selection(lambda o: o.agency is None and not o.site_download)
            outcome = rebuild(self.content_dir, self.output, trigger, cache=self.cache, select=agencies)
            if outcome.site is not None:
                site = outcome.site
                outcome = replace(outcome, pages=agencies.shows, then=lambda: replace(
                    rewrite(site, self.output, trigger, select=site_wide), pages=site_wide.shows,
                    what="全站页面已写出"))
        self.pending = set() if outcome.error is None else scope
        return outcome


class Selection:
    """The outputs ``accept`` chooses from the site map, remembered as the pages a browser may
    have open (by URL path or file path, without the leading slash), so a build reloads only the
    pages it wrote."""

    def __init__(self, accept: Callable[[Output], bool]):
        self.accept = accept
        self._pages: set[str] = set()

    def __call__(self, output: Output) -> bool:
        if not self.accept(output):
            return False
        if output.kind == PAGE:
            self._pages.update((output.url.lstrip("/"), output.path))
        return True

    def shows(self, page: str) -> bool:
        return page in self._pages
