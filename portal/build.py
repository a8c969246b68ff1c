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
new inode in place, so the hard-linked files of the live site are never modified.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .export import data_files
from .load import load_content
from .model import Site
from .render import ABOUT_PAGE, make_env, pages, render_page, resolve_base_url, static_files

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


def _write_if_changed(target: Path, data: bytes) -> bool:
    """Write ``data`` to ``target`` unless it already holds exactly these bytes.

    Writes a temporary file beside it and renames it over the target: never truncates an
    existing inode, which may be hard-linked to the live site.
    """
    try:
        if target.stat().st_size == len(data) and target.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return True


def outputs(site: Site, *, base_url: str | None = None) -> Iterator[tuple[str, Callable[[], bytes]]]:
    """Every file of the site as (site-relative path, producer of its bytes), in a stable order.

    Producers run one at a time while writing, so the HTML of thousands of reports is never held
    in memory at once.
    """
    base = resolve_base_url(base_url)
    static = static_files()
    env = make_env(base, static)
    about = site.content_dir / ABOUT_PAGE
    about_text = about.read_text(encoding="utf-8") if about.is_file() else None
    for page in pages(site, base_url=base, about_markdown=about_text):
        yield page.path, lambda p=page: render_page(env, p)
    for data_file in data_files(site, base):
        yield data_file.path, data_file.produce
    for url, path in static.values():  # fingerprinted: netlify.toml caches /static/* for a year
        yield url.lstrip("/"), path.read_bytes


def write_site(site: Site, out_dir: Path, *, base_url: str | None = None, keep: Iterable[str] = KEEP,
               progress: Callable[[int], None] | None = None) -> list[Path]:
    """Render the site into ``out_dir``, writing only changed files; return the changed paths.

    Files that the site no longer produces are deleted (and reported as changed), except under
    the top-level folders in ``keep``, which other steps own (the search index).
    """
    return _write(site, out_dir, base_url=base_url, keep=keep, progress=progress)[0]


def _write(site: Site, out_dir: Path, *, base_url: str | None, keep: Iterable[str],
           progress: Callable[[int], None] | None) -> tuple[list[Path], int]:
    """``write_site``, also returning how many files the site has."""
    out_dir.mkdir(parents=True, exist_ok=True)
    changed: list[Path] = []
    produced: set[str] = set()
    for n, (rel, produce) in enumerate(outputs(site, base_url=base_url), start=1):
        if rel in produced:
            raise RuntimeError(f"two outputs write {rel}: the site map has a URL clash")
        produced.add(rel)
        target = out_dir / rel
        if _write_if_changed(target, produce()):
            changed.append(target)
        if progress and n % PROGRESS_EVERY == 0:
            progress(n)
    keep = tuple(keep)
    for path in sorted(out_dir.rglob("*"), reverse=True):
        rel = path.relative_to(out_dir).as_posix()
        if rel.split("/", 1)[0] in keep:
            continue
        if path.is_file() or path.is_symlink():
            if rel not in produced:
                path.unlink()
                changed.append(path)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed, len(produced)


# ---------------------------------------------------------------- the atomic build


def _siblings(out_dir: Path) -> tuple[Path, Path]:
    """Temporary folders beside the output (same filesystem, so renames are atomic)."""
    stem = f"build-tmp-{out_dir.name}"
    return out_dir.with_name(f"{stem}-new"), out_dir.with_name(f"{stem}-old")


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
    if new.exists():
        shutil.rmtree(new)


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


def _hardlink_copy(src: Path, dst: Path) -> None:
    """Seed the new site with the previous one, sharing inodes (cheap), minus the search index:
    Pagefind may rewrite its files in place, which would reach through a hard link."""
    if not src.is_dir():
        dst.mkdir(parents=True)
        return
    shutil.copytree(src, dst, copy_function=os.link, ignore=lambda d, names: KEEP if Path(d) == src else ())


def _warnings(site: Site) -> list[str]:
    out = []
    failing = [r for r in site.reports if r.failing_checks]
    if failing:
        count = sum(len(r.failing_checks) for r in failing)
        out.append(f"{count} failing consistency check(s) in {len(failing)} report(s) (flagged on their pages): "
                   + ", ".join(r.url for r in failing[:5]) + (" …" if len(failing) > 5 else ""))
    drafts = [r for r in site.reports if r.status == "draft"]
    if drafts:
        out.append(f"{len(drafts)} draft report(s) not yet reviewed by a person (marked on their pages)")
    if not (site.content_dir / ABOUT_PAGE).is_file():
        out.append(f"{ABOUT_PAGE.as_posix()} is missing from the content folder: /about/ shows a placeholder")
    return out


def _index(site: Site, out: Path, warnings: list[str]) -> None:
    try:
        from .search import index_site  # written by the search engineer; optional until it exists
    except ImportError as exc:
        warnings.append(f"search index skipped: portal.search is not available ({exc}); "
                        "build with --no-search to silence this")
        return
    index_site(site, out)


def build_site(content_dir: Path, out_dir: Path, *, search: bool = True, strict: bool = False,
               progress: bool = True, base_url: str | None = None) -> BuildResult:
    """Build the whole site into ``out_dir`` atomically; see the module docstring.

    Content errors raise ``ContentError`` (the CLI prints one line per problem) after cleaning
    up; the previous site is untouched. With ``strict`` any warning fails the build (exit 1)
    and the previous site is kept too.
    """
    start = time.perf_counter()
    out_dir = out_dir.resolve()
    new, old = _siblings(out_dir)
    say: Callable[[str], None] = (lambda m: print(m, file=sys.stderr)) if progress else (lambda m: None)
    with _locked(out_dir.parent):
        recover(out_dir)
        try:
            site = load_content(content_dir)
            warnings = _warnings(site)
            _hardlink_copy(out_dir, new)
            changed, written = _write(site, new, base_url=base_url, keep=(),
                                      progress=lambda n: say(f"  … {n} files written"))
            if search:
                _index(site, new, warnings)
            for w in warnings:
                log.warning(w)
                say(f"warning: {w}")
            if strict and warnings:
                shutil.rmtree(new)
                say(f"strict: {len(warnings)} warning(s); the previous site was kept")
                return BuildResult(1, written, len(changed), warnings, time.perf_counter() - start)
            _swap(new, out_dir, old)
        except BaseException:
            shutil.rmtree(new, ignore_errors=True)
            raise
    seconds = time.perf_counter() - start
    say(f"built {out_dir}: {written} files ({len(changed)} changed), {len(site.reports)} reports, "
        f"{len(warnings)} warning(s), {seconds:.2f} s")
    return BuildResult(0, written, len(changed), warnings, seconds)


def _swap(new: Path, out_dir: Path, old: Path) -> None:
    if out_dir.exists():
        out_dir.rename(old)
    new.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)
