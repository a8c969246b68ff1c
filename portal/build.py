"""Build the site: load → list every output (``sitemap``) → render and write → search index →
atomic swap into the output folder.

Two entry points share one path of rendering:

- ``build_site(content, out)`` — the deploy build. A full build renders into a sibling temporary
  folder and swaps it in with two renames, so a reader or a deploy never sees a half-written site,
  and a failed build (bad content, a bug, a failing search index, ``--strict`` warnings) leaves
  the previous site exactly as it was. It starts from a hard-linked copy of the previous site and
  replaces what changed (``output``); with no previous site the folder starts empty and files
  are written straight in. The search index is built meanwhile, in a child (``indexing``).
  With a ``cache`` (the CLI's default) the build is incremental when it can be: reports parsed
  before are not parsed again, only the outputs made from what changed since the live site was
  built are rendered (``buildcache``), only the search bundles whose records changed are indexed
  (``searchcache``), and the changed files are staged and committed into the live site
  (``output.commit_staged``) — the same bytes as a full build, which ``full`` forces.
- ``write_site(site, out)`` — the dev server's fast rebuild: it writes only the files whose
  bytes changed (and deletes the ones no longer produced) into an existing folder.

Both render on every core (``parallel``): the model is built once, then forked worker processes
produce disjoint chunks of the site map and write the files themselves.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from .buildcache import Inputs, ParseStore, code_version, forget_inputs, site_facts
from .errors import ContentError, Problem, display_path
from .findings import reviewed_untraced
from .fragments import FragmentStore
from .indexing import IndexChild
from .load import load_content
from .model import Site
from .output import (
    MARKER,
    ChangedBytesWriter,
    commit_staged,
    delete_stale,
    empty_later,
    hardlink_copy,
    locked,
    recover,
    search_sibling,
    siblings,
    stale_files,
    swap,
    trash_sibling,
    unsafe_output,
)
from .pageinputs import page_inputs, page_key, page_names
from .parallel import Parallelism, frozen, run_chunks
from .render import compile_templates, make_env, static_files
from .settings import Address, resolve_address
from .sitecache import SiteCache
from .sitemap import ABOUT_PAGE, Output, site_map

log = logging.getLogger(__name__)

KEEP = ("pagefind",)
"""Top-level folders another step owns (the search index): ``write_site`` leaves them alone."""
PARALLELISM = Parallelism()


@dataclass
class BuildResult:
    """What a build did, for the CLI summary and for tests."""

    exit_code: int
    pages: int = 0  # files of the site the build listed (incremental: the site-wide ones and the changed agencies')
    changed: int = 0  # of those, how many differ from the previous site
    rendered: int = 0  # outputs produced (the rest were kept from the previous site: inputs unchanged)
    parsed: int = 0  # report files parsed (the rest came from the cache)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    steps: dict[str, float] = field(default_factory=dict)  # wall seconds of each step, for the benchmark
    search: dict[str, float] = field(default_factory=dict)  # the index child's bundles, indexed, seconds, CPU


class Steps:
    """Wall time between laps, by the name of the step that ended."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self._last
        self._last = now


def write_site(site: Site, out_dir: Path, *, base_url: str | None = None, keep: Iterable[str] = KEEP,
               progress: Callable[[int], None] | None = None, parallelism: Parallelism = PARALLELISM,
               select: Callable[[Output], bool] | None = None) -> list[Path]:
    """Render the site into ``out_dir``, writing only changed files; return the changed paths.

    Files that the site no longer produces are deleted (and reported as changed), except under
    the top-level folders in ``keep``, which other steps own (the search index).

    ``select`` (the dev server) renders only the outputs it accepts, e.g. those made from one
    agency (``Output.agency``) after a save under ``reports/<slug>/``; stale files are still
    looked for across the whole site.

    Writing into a folder outside a build means the record of what it was built from
    (``buildcache.Inputs``) no longer holds: it is deleted, so the next build renders everything.
    """
    forget_inputs(out_dir)
    return _write(site, out_dir, base_url=base_url, keep=keep, progress=progress, parallelism=parallelism,
                  select=select)[0]


def _write(site: Site, out_dir: Path, *, base_url: str | None, keep: Iterable[str],
           progress: Callable[[int], None] | None, parallelism: Parallelism = PARALLELISM,
           fresh: bool = False, select: Callable[[Output], bool] | None = None,
           against: Path | None = None, fragments: FragmentStore | None = None,
           agencies: Callable[[str], bool] | None = None,
           cache: SiteCache | None = None) -> tuple[list[Path], set[str], int]:
    """``write_site``, also returning every file the site has and how many outputs were produced.

    ``fresh`` says ``out_dir`` is a new, empty, private folder: files are written without
    comparing, and there is nothing stale to delete. ``against``: a staging folder is written,
    holding only the files whose bytes the live site there does not hold. ``agencies``: the
    outputs of the other agencies are not even listed (``site_map``), nor in the files returned."""
    out_dir.mkdir(parents=True, exist_ok=True)
    cache = cache or SiteCache(site, stored=fragments)
    base_url = base_url or resolve_address(site.content_dir).url
    static = static_files()
    env = make_env(base_url, static)
    outputs = site_map(site, base_url=base_url, env=env, static=static, cache=cache, fragments=fragments,
                       agencies=agencies)
    produced = {o.path for o in outputs}
    if len(produced) != len(outputs):
        seen: set[str] = set()
        clash = next(o.path for o in outputs if o.path in seen or seen.add(o.path))
        raise RuntimeError(f"two outputs write {clash}: the site map has a URL clash")
    if select is not None:
        outputs = [o for o in outputs if select(o)]
    writer = ChangedBytesWriter(out_dir, fresh, against)

    def write(chunk: Sequence[Output]) -> list[str]:
        return [o.path for o in chunk if writer.write(o.path, o.produce())]

    def prepare() -> None:
        cache.warm()
        compile_templates(env)

    changed = [out_dir / rel for rel in run_chunks(outputs, write, parallelism, progress, prepare=prepare,
                                                   alone=lambda o: o.site_download)]
    if not fresh:
        changed += delete_stale(out_dir, produced, tuple(keep))
    return changed, produced, len(outputs)


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
    untraced = reviewed_untraced(site.reports)
    if untraced:
        count = sum(len(r.untraced) for r in untraced)
        out.append(f"{len(untraced)} 份已核对的报告共 {count} 个表格数字在原文中找不到"
                   "（python build.py check 逐条列出）："
                   + _named([display_path(r.yaml_path) for r in untraced]))
    drafts = [r for r in site.reports if r.status == "draft"]
    if drafts:
        out.append(f"{len(drafts)} 份报告仍是草稿（status: draft），尚未经人工核对（已在其页面上标明）："
                   + _named([display_path(r.yaml_path) for r in drafts]))
    if not (site.content_dir / ABOUT_PAGE).is_file():
        out.append(f"内容目录中缺少 {ABOUT_PAGE.as_posix()}：“关于”页（/about/）只显示占位文字")
    if address.warning:
        out.append(address.warning)
    return out


def _start_index(site: Site, folder: Path, warnings: list[str], store: ParseStore | None) -> IndexChild | None:
    """The search index, built in a child while this process renders the pages.

    Why: rendering and indexing each keep about one core busy (a Pagefind run works mostly
    on one thread, and the Python side of indexing is one more), so on a 2-core machine running
    them together saves most of the shorter one's time."""
    try:
        from .searchbundles import Indexing
        from .searchcache import BundleStore

        indexing = Indexing(store=BundleStore(store.folder, store.version, store.trust, store.files)) if store else None
        return IndexChild(site, folder, narrow=True, indexing=indexing)
    except ImportError as exc:  # optional: a build without the search package still publishes
        warnings.append(f"未建搜索索引：无法导入 portal.search（{exc}）；加 --no-search 可不再提示")
        return None


@contextmanager
def _cancelled_on_error(indexing: IndexChild | None) -> Iterator[IndexChild | None]:
    """The index child for the block; cancelled (its folder removed) if the block fails."""
    try:
        yield indexing
    except BaseException:
        if indexing:
            indexing.cancel()
        raise


def build_site(content_dir: Path, out_dir: Path, *, search: bool = True, strict: bool = False,
               progress: bool = True, base_url: str | None = None,
               parallelism: Parallelism = PARALLELISM, cache: Path | None = None, full: bool = False) -> BuildResult:
    """Build the whole site into ``out_dir`` atomically; see the module docstring.

    ``base_url`` (``--base-url``) overrides the configured public address (``settings``).
    Content errors raise ``ContentError`` (the CLI prints one line per problem) after cleaning
    up; the previous site is untouched. With ``strict`` any warning fails the build (exit 1)
    before anything is rendered, and the previous site is kept too.

    Each warning is shown once: printed when ``progress`` (the CLI), else logged.

    With a ``cache`` folder (``buildcache``), report files whose bytes were parsed before are not
    parsed again, and only the outputs whose inputs changed since the live site was built are
    rendered (the others are kept from it): the result is byte for byte a full build's. ``full``
    trusts neither the cache nor the live site (the cache is still written, for the next build).
    """
    start = time.perf_counter()
    steps = Steps()
    out_dir = out_dir.resolve()
    # Spelled absolute (not resolved: the editor's own links are kept): the cache knows a report by
    # its path, so ``content`` and ``./content`` would otherwise miss every stored report.
    content_dir = Path(os.path.abspath(content_dir))
    if problem := unsafe_output(content_dir, out_dir):
        raise ContentError([Problem(str(out_dir), problem, field="--out")])
    new, old = siblings(out_dir)
    search_dir = search_sibling(out_dir)
    say: Callable[[str], None] = (lambda m: print(m, file=sys.stderr)) if progress else (lambda m: None)
    warn: Callable[[str], None] = (lambda w: say(f"警告：{w}")) if progress else log.warning
    # Frozen (``parallel.frozen``) for the whole build: the cache's results are frozen as they are
    # unpickled (``ParseStore``), the model before the index child forks; all unfrozen at the end.
    with locked(out_dir.parent), frozen():
        recover(out_dir)
        emptying = empty_later(trash_sibling(out_dir))  # what the last commit replaced: freed while this one loads
        store = ParseStore(cache, code_version(), trust=not full) if cache is not None else None
        site, address = _load(content_dir, base_url, store)
        steps.lap("load")
        warnings = _warnings(site, address)
        for w in warnings:
            warn(w)
        if strict and warnings:
            return _refused(out_dir, warnings, say, start)
        if emptying is not None:
            emptying.wait()  # before any child forks (``empty_later``)
        steps.lap("trash")
        try:
            # Frozen from before the index child forks until it is done: see ``parallel.frozen``.
            # It forks as soon as the content is loaded: it needs nothing this process computes
            # next (what changed, the key figures), so it starts that much sooner.
            with frozen(), _cancelled_on_error(_start_index(site, search_dir, warnings, store) if search
                                               else None) as indexing:
                if search and indexing is None:
                    warn(warnings[-1])
                    if strict:
                        return _refused(out_dir, warnings, say, start)
                select, inputs, folders, listed = _changed(content_dir, out_dir, address.url, store, full, site)
                # Incremental (a record of the live site's inputs, see ``buildcache.Inputs``): only the
                # files whose bytes change are staged, then committed; else a hard-linked copy, swapped in.
                staged = select is not None and (out_dir / MARKER).is_file()
                steps.lap("select")
                fresh = True if staged else hardlink_copy(out_dir, new, skip=KEEP)
                if staged:
                    new.mkdir(parents=True)
                select, listed = (select, listed) if staged else (None, None)
                steps.lap("copy")
                fragments = _fragments(site, store, inputs, live=out_dir / "data" if staged else None)
                cache = SiteCache(site, stored=fragments)
                changed, produced, rendered = _write(site, new, base_url=address.url, keep=(), fresh=fresh,
                                                    parallelism=parallelism, select=select,
                                                    against=out_dir if staged else None,
                                                    fragments=fragments, agencies=listed, cache=cache,
                                                    progress=lambda n: say(f"  … 已写入 {n} 个文件"))
                if inputs is not None and not inputs.pages:  # everything rendered: recorded for the next
                    inputs = replace(inputs, pages=page_inputs(site, cache, fragments))
                steps.lap("render")
                if indexing:
                    indexing.move_into(new)
                steps.lap("index")
            forget_inputs(out_dir)  # until the new site's are saved: a crash in between renders everything
            if staged:
                stale = stale_files(out_dir, produced, KEEP, only=folders)
                commit_staged(new, out_dir, stale, KEEP, trash=trash_sibling(out_dir))
                changed += [out_dir / rel for rel in stale]
            else:
                swap(new, out_dir, old)
            if inputs is not None:
                inputs.save(out_dir)
            steps.lap("commit" if staged else "swap")
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
        if store is not None:
            store.save()  # after publishing: a build that failed has nothing to add
            steps.lap("cache")
    seconds = time.perf_counter() - start
    parsed = len(site.reports) - (store.hits if store else 0)
    written = len(produced)
    files = (f"生成 {rendered} 个文件（其余沿用现有站点，" if listed else f"{written} 个文件（生成 {rendered} 个，")
    say(f"已构建 {out_dir}：{files}{len(changed)} 个有改动），"
        f"{len(site.reports)} 份报告（解析 {parsed} 份），{len(warnings)} 条警告，用时 {seconds:.2f} 秒；"
        f"本站网址 {address.url}")
    return BuildResult(0, written, len(changed), rendered, parsed, warnings, seconds, steps.seconds,
                       indexing.stats if indexing else {})


Selected = tuple[Callable[[Output], bool] | None, Inputs | None, list[str] | None, Callable[[str], bool] | None]
"""The outputs to render (None: all of them), the inputs to record for the new site, the folders
where files the site no longer produces can be (None: anywhere), and the agencies whose outputs
are to be listed at all (``site_map(agencies=…)``; None: all)."""


def _changed(content_dir: Path, out_dir: Path, base_url: str, store: ParseStore | None, full: bool,
             site: Site) -> Selected:
    """What this build must render: the outputs whose inputs differ from the live site's record
    (``buildcache.Inputs``): an agency's when its report files changed, a site-wide one when what
    it is made from did (``Output.made_from``: a year page when that year's reports did, a
    jurisdiction's when its agencies' did), the others always. Without a cache: everything, and
    nothing recorded."""
    if store is None:
        return None, None, None, None
    before = None if full else Inputs.of_site(out_dir)
    inputs = Inputs.of(content_dir, store.version, base_url, store.files, site_facts(site)).with_ranked(site, before)
    if before is not None and before.everything == inputs.everything:  # else everything is rendered
        inputs = replace(inputs, pages=page_inputs(site, SiteCache(site), _fragments(site, store, inputs)))
    changed = inputs.changed(before)
    if changed is None:
        return None, inputs, None, None
    if not inputs.pages:  # not hashed (a report file changed while it was read): rendered
        changed |= {page_key(name) for name in page_names(site)}

    def made_from_changed(o: Output) -> bool:
        if o.agency is not None:
            return o.agency in changed
        return o.made_from is None or not o.made_from.isdisjoint(changed)

    folders = [f"{top}/{key}" for key in sorted(changed) if ":" not in key for top in ("reports", "agencies")]
    folders += [f"years/{key.removeprefix('year:')}" for key in sorted(changed) if key.startswith("year:")]
    return made_from_changed, inputs, folders, changed.__contains__


def _fragments(site: Site, store: ParseStore | None, inputs: Inputs | None,
               live: Path | None = None) -> FragmentStore | None:
    """The site-wide downloads' per-agency bytes, beside the parsed reports (``fragments``): only
    when every report's hash is known (a file that changed while it was parsed is not recorded, and
    an agency's key must name all its files). ``live``: the live site's downloads, which a staged
    build copies unchanged pieces from."""
    if store is None or inputs is None or len(inputs.reports) != len(site.reports):
        return None
    return FragmentStore(store.folder / "fragments", inputs.everything, inputs.reports, trust=store.trust, live=live)


def _load(content_dir: Path, base_url: str | None, store: ParseStore | None = None) -> tuple[Site, Address]:
    """The content and the site's address, or a ``ContentError`` with the problems of both."""
    problems: list[Problem] = []
    address = site = None
    try:
        address = resolve_address(content_dir, base_url)
    except ContentError as exc:
        problems += exc.problems
    try:
        site = load_content(content_dir, cache=store)
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
    return BuildResult(1, warnings=warnings, seconds=time.perf_counter() - start)
