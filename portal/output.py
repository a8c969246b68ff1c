"""The output folder: files written only when their bytes change, stale files removed, and the
whole site swapped in atomically. Shared by the build, the dev server and ingest.

Why every write goes through a temporary file and ``os.replace``: it puts a new inode in place,
so a file hard-linked into the live site (the build starts from a hard-linked copy of it) is never
modified, and a reader never sees half a file. The one exception is a ``fresh`` folder: new,
empty and private, with nothing to compare or to protect, so files are written in place.

The atomic swap is: rename out → old, rename new → out, delete old (``swap``); ``recover``
finishes or undoes a swap that a killed build left half done.

An incremental build (a handful of changed files in a site of 100,000) does not copy the site:
it stages only the files whose bytes differ from the live site's (``ChangedBytesWriter(against=…)``),
and once everything is built, commits them with one rename a file (``commit_staged``), after writing
a journal, so a killed commit is finished by the next build's ``recover``. A failed build leaves the
live site untouched, as with the swap; what it gives up is that a reader during the commit's few
milliseconds may fetch one page from before it and the next from after it.
"""

from __future__ import annotations

import fcntl
import filecmp
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from .splice import Assembled, splice

MARKER = ".portal-site"
"""Written into every built site: only a folder holding it may be replaced by a build."""
MARKER_TEXT = b"This folder is built by build.py; a build replaces it whole.\n"
SOURCES = ("content", "templates", "static", "portal", ".git")
"""Folders of the repository a build must never write into."""
REPO = Path(__file__).resolve().parent.parent

Bytes = bytes | Iterable[bytes] | Assembled
"""A file's contents: whole, or in pieces (the site-wide downloads are streamed)."""


class ChangedBytesWriter:
    """Writes files into one folder: only when the bytes differ, never through a shared inode.

    Folders made once are remembered, to skip a ``mkdir`` per file."""

    def __init__(self, out_dir: Path, fresh: bool, against: Path | None = None):
        """``against`` (a staging folder for an incremental build): a file whose bytes that folder
        (the live site) already holds is not written."""
        self.out_dir, self.fresh, self.against = out_dir, fresh, against
        self._made: set[str] = set()

    def write(self, rel: str, data: Bytes) -> bool:
        """Write ``data`` to ``out_dir/rel`` unless it already holds exactly these bytes; return
        whether the file changed. ``data`` in pieces is streamed to the file, then compared."""
        target = os.path.join(self.out_dir, rel)
        folder = os.path.dirname(target)
        if folder not in self._made:
            os.makedirs(folder, exist_ok=True)
            self._made.add(folder)
        if self.against is not None:
            live = os.path.join(self.against, rel)
            if isinstance(data, bytes) and _holds(live, data):
                return False
            if isinstance(data, Assembled):
                changed = splice(target, live, data)
                data.settled(target if changed else live)
                return changed
            _dump(target, data)
            if not isinstance(data, bytes) and _same_file(target, live):  # sizes first: rarely read
                os.unlink(target)
                return False
            return True
        if self.fresh:
            _dump(target, data)
            _settled(data, target)
            return True
        if isinstance(data, bytes) and _holds(target, data):
            return False
        tmp = os.path.join(folder, f".{os.path.basename(target)}.tmp{os.getpid()}")
        _dump(tmp, data)
        if not isinstance(data, bytes) and _same_file(tmp, target):
            os.unlink(tmp)
            _settled(data, target)
            return False
        os.replace(tmp, target)
        _settled(data, target)
        return True


def _settled(data: Bytes, path: str) -> None:
    if isinstance(data, Assembled):
        data.settled(path)


def _dump(path: str, data: Bytes) -> None:
    try:
        with open(path, "wb") as f:
            if isinstance(data, bytes):
                f.write(data)
            else:
                f.writelines(data)
    except OSError as exc:
        if exc.filename is None:  # a failed write names no file: say which one (a full disk …)
            raise OSError(exc.errno, exc.strerror, path) from exc
        raise


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


def write_durably(path: Path, data: bytes) -> None:
    """Replace one file of someone's own (content/, a draft): a temporary file beside it with the
    file's own mode, flushed to disk, then renamed into place. Ingest writes this way, so a crash
    leaves the old file or the new one, never half of one."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _mode(path))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _mode(path: Path) -> int:
    """The file's own mode when it exists; else what the umask gives a new file (mkstemp's 0600 would
    hide drafts from the web server or a colleague's account)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def delete_stale(out_dir: Path, produced: set[str], keep: tuple[str, ...]) -> list[Path]:
    """Delete files (and symlinks) the site no longer produces, and folders left empty; the
    top-level folders in ``keep`` are not even walked."""
    folders: list[str] = []
    deleted = [out_dir / rel for rel in stale_files(out_dir, produced, keep, folders)]
    for path in deleted:
        path.unlink()
    for folder in reversed(folders[1:]):  # deepest first; never the output folder itself
        if not os.listdir(folder):
            os.rmdir(folder)
    return deleted


def stale_files(out_dir: Path, produced: set[str], keep: tuple[str, ...],
                folders: list[str] | None = None, only: Iterable[str] | None = None) -> list[str]:
    """The files (and symlinks) under ``out_dir`` the site no longer produces, relative; the
    top-level folders in ``keep`` are not even walked. ``folders`` collects the folders walked.

    ``only`` (an incremental build): the files directly in ``out_dir`` and under these folders
    (relative), the only places where the outputs of what changed can have been."""
    if only is not None:
        top = [e.name for e in os.scandir(out_dir) if not e.is_dir(follow_symlinks=False) and e.name not in produced]
        return top + [f"{rel}/{name}" for rel in only if os.path.isdir(out_dir / rel)
                      for name in stale_files(out_dir / rel, {p[len(rel) + 1:] for p in produced
                                                              if p.startswith(f"{rel}/")}, ())]
    stale = []
    for folder, dirs, names in os.walk(out_dir):
        rel_dir = os.path.relpath(folder, out_dir)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        if not prefix:
            dirs[:] = [d for d in dirs if d not in keep]
        links = [d for d in dirs if os.path.islink(os.path.join(folder, d))]
        dirs[:] = [d for d in dirs if d not in links]
        if folders is not None:
            folders.append(folder)
        stale += [prefix + name for name in names + links
                  if prefix + name not in produced and not (not prefix and name in keep)]
    return stale


JOURNAL = ".portal-commit.json"
"""In a staging folder whose files are being committed into the live site: what else the commit
does (stale files to delete, folders replaced whole). Its presence means the build succeeded."""


KEPT_FROM = 1 << 20
"""A replaced live file this large is not freed by the commit but moved to the trash (``commit_staged``)."""


def commit_staged(staged: Path, out_dir: Path, stale: list[str], whole: tuple[str, ...],
                  trash: Path | None = None) -> None:
    """Move the staged files into the live site (one rename each), replace the top-level folders
    ``whole`` (the search index) by the staged ones, or remove them when none is staged, and delete
    the ``stale`` files. The journal is written first and durably: ``recover`` finishes the commit
    if this process dies in it (every step can be run again).

    ``trash`` (a folder beside the site, ``trash_sibling``): a replaced live file of ``KEPT_FROM``
    bytes or more is first hard-linked there, and the replaced ``whole`` folders are moved there,
    so the commit frees none of their blocks; the next build empties it while it loads
    (``empty_later``). Why: freeing the replaced 549 MB reports.json (its blocks discarded on this
    ext4) was ~0.4 s of a one-report publish at 20,000 reports, most of the commit."""
    fd = os.open(staged / JOURNAL, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"stale": stale, "whole": list(whole), "trash": None if trash is None else str(trash)}, f)
        f.flush()
        os.fsync(f.fileno())
    _roll_forward(staged, out_dir)


def _roll_forward(staged: Path, out_dir: Path) -> None:
    journal = json.loads((staged / JOURNAL).read_text(encoding="utf-8"))
    whole = [str(d) for d in journal["whole"]]
    trash = Path(journal["trash"]) if journal.get("trash") else None
    if trash is not None:
        trash.mkdir(exist_ok=True)
    for name in whole:
        new, live, old = staged / name, out_dir / name, staged / f".old-{name}"
        if new.exists():
            shutil.rmtree(old, ignore_errors=True)
            if live.exists():
                live.rename(old)
            new.rename(live)
        elif live.exists() and not old.exists():
            live.rename(old)
    for folder, dirs, names in os.walk(staged):
        if folder == str(staged):
            dirs[:] = [d for d in dirs if d not in whole and not d.startswith(".old-")]
        target = os.path.join(out_dir, os.path.relpath(folder, staged))
        os.makedirs(target, exist_ok=True)
        for name in names:
            if folder != str(staged) or name != JOURNAL:
                live = os.path.join(target, name)
                if trash is not None:
                    _keep(live, trash)
                os.replace(os.path.join(folder, name), live)
    for rel in journal["stale"]:
        path = out_dir / rel
        path.unlink(missing_ok=True)
        for parent in path.parents:  # folders left empty, never the output folder itself
            if parent == out_dir or not parent.is_dir() or any(parent.iterdir()):
                break
            parent.rmdir()
    if trash is not None:  # the replaced ``whole`` folders (the search index): deleted by the next build
        for name in whole:
            if (staged / f".old-{name}").exists():
                (staged / f".old-{name}").rename(trash / f"{name}-{os.getpid()}-{len(os.listdir(trash))}")
    shutil.rmtree(staged)


def _keep(live: str, trash: Path) -> None:
    """A large live file about to be replaced, hard-linked into ``trash`` (so the replace frees nothing)."""
    try:
        if os.lstat(live).st_size >= KEPT_FROM:
            os.link(live, trash / f"{os.path.basename(live)}-{os.getpid()}-{len(os.listdir(trash))}")
    except (FileNotFoundError, FileExistsError):
        pass  # nothing to replace, or linked by the run of this commit that was killed


def trash_sibling(out_dir: Path) -> Path:
    """Where a commit puts the live files it replaced, until they are deleted after publishing."""
    return out_dir.with_name(f"build-tmp-{out_dir.name}-trash")


def empty_later(trash: Path) -> subprocess.Popen[bytes] | None:
    """Delete what the last commit put in the trash, in a process of its own (``rm``): the build
    starts it as it starts and waits for it before its first fork, so the kernel frees those blocks
    while the build loads. A process, not a thread: the build forks (parsers, render workers), and a
    fork copies no thread but whatever lock one holds. The trash is renamed first: this build's commit
    fills a new one."""
    try:
        trash.rename(trash.with_name(f"{trash.name}-{os.getpid()}"))
    except FileNotFoundError:
        pass
    emptying = [str(p) for p in trash.parent.glob(f"{trash.name}-*")]  # with what a build that died left
    return subprocess.Popen(["rm", "-rf", "--", *emptying]) if emptying else None


def unsafe_output(content_dir: Path, out_dir: Path) -> str | None:
    """Why writing the site into ``out_dir`` would destroy something, or None when it is safe.

    A build replaces its output folder whole and deletes files it does not produce, so pointing
    ``--out`` at the repository, at content/ or at any folder of other files would delete them.
    """
    out_dir = out_dir.resolve()
    for root in (content_dir.resolve(), REPO, *(REPO / name for name in SOURCES)):
        if out_dir == root or out_dir in root.parents:
            return f"输出目录 {out_dir} 就是或包含 {root}，构建会删掉其中的文件；请用 --out 另选一个目录"
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / MARKER).is_file():
        return (f"输出目录 {out_dir} 里有不是构建写出的文件（没有 {MARKER}）；"
                "请清空它，或用 --out 另选一个目录")
    return None


# ---------------------------------------------------------------- the atomic swap


def siblings(out_dir: Path) -> tuple[Path, Path]:
    """Temporary folders beside the output (same filesystem, so renames are atomic): the new site
    being built, and the old one on its way out."""
    stem = f"build-tmp-{out_dir.name}"
    return out_dir.with_name(f"{stem}-new"), out_dir.with_name(f"{stem}-old")


def search_sibling(out_dir: Path) -> Path:
    """Where the build's index child builds the search index (``indexing.IndexChild``)."""
    return out_dir.with_name(f"build-tmp-{out_dir.name}-search")


def recover(out_dir: Path) -> None:
    """Finish or undo a swap that a previous run did not complete.

    Dying after the first rename leaves no ``out`` but a complete ``old``: put it back. Dying
    after the second leaves both: the new site is in place, so delete ``old``. A leftover
    ``new`` is incomplete, unless it holds a commit's journal (``commit_staged``): then the build
    had succeeded, and its commit is finished.
    """
    new, old = siblings(out_dir)
    if (new / JOURNAL).is_file():  # a commit of staged files that was not finished: finish it
        _roll_forward(new, out_dir)
    if old.exists():
        if out_dir.exists():
            shutil.rmtree(old)
        else:
            old.rename(out_dir)
    for leftover in (new, search_sibling(out_dir)):
        if leftover.exists():
            shutil.rmtree(leftover)


def swap(new: Path, out_dir: Path, old: Path) -> None:
    if out_dir.exists():
        out_dir.rename(old)
    new.rename(out_dir)
    if old.exists():
        shutil.rmtree(old)


@contextmanager
def locked(folder: Path) -> Iterator[None]:
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


def hardlink_copy(src: Path, dst: Path, skip: tuple[str, ...]) -> bool:
    """Seed the new site with the previous one, sharing inodes (cheap), minus the top-level
    folders in ``skip`` (the search index: Pagefind may rewrite its files in place, which would
    reach through a hard link).

    Returns whether ``dst`` starts empty (no previous site): then the build writes without
    comparing. Unchanged files keep their inode and modification time, so a deploy that syncs
    by size and time (rsync, most CDNs' CLIs) uploads only what changed."""
    dst.mkdir(parents=True)
    if not src.is_dir():
        return True
    for folder, dirs, names in os.walk(src):
        if folder == str(src):
            dirs[:] = [d for d in dirs if d not in skip]
        target = os.path.join(dst, os.path.relpath(folder, src))
        for d in dirs:
            os.mkdir(os.path.join(target, d))
        for name in names:
            os.link(os.path.join(folder, name), os.path.join(target, name), follow_symlinks=False)
    return False
