"""A file staged from pieces of the file it replaces: spans of the live file copied in the kernel,
and only the changed pieces written (``splice``, used by ``output.ChangedBytesWriter`` for an
``Assembled`` file).

Why: the site-wide downloads are assembled agency by agency (``downloads``, ``fragments``), and after
a one-report edit all but one agency's bytes are where they were in the live file (shifted by the
changed piece's new length). Copying them with ``os.copy_file_range`` costs no reading into this
process, and a file whose every piece matches the live file's is not written at all.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Span:
    """``length`` bytes of the live site's file at ``path``, from ``offset``: copied in the kernel
    (``os.copy_file_range``) into the file being staged, never read into this process."""

    path: str
    offset: int
    length: int


class Assembled:
    """A file's pieces (bytes, or spans of the live file it replaces), and what to call with the
    path of the file holding these bytes once it is settled (``FragmentStore.settled``: which
    pieces lie where in it, for the next build's spans)."""

    def __init__(self, parts: Iterable[bytes | Span], settled: Callable[[str], None]):
        self.parts, self.settled = parts, settled

    def __iter__(self) -> Iterator[bytes | Span]:
        return iter(self.parts)


def splice(target: str, live: str, parts: Iterable[bytes | Span]) -> bool:
    """Stage ``target`` from ``parts`` unless they are the ``live`` file's bytes; whether it was.

    Nothing is written while the parts match the live file where they would lie (a span of it at
    its own offset, or bytes it holds there: read back, a changed agency's few kilobytes); at the
    first that does not, the live file's bytes so far are copied, and every part after is written
    or copied. So a download a one-report edit leaves alone (table3.csv after a title edit) is
    neither written nor compared whole, and one it changes is copied in the kernel but for the
    changed pieces (reports.json: 549 MB at 20,000 reports, assembled in this process before)."""
    try:
        source = os.open(live, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        source = None
    out: int | None = None
    position = 0
    try:
        for part in parts:
            if out is None:
                if source is not None and _matches(source, live, part, position):
                    position += part.length if isinstance(part, Span) else len(part)
                    continue
                out = _create(target, source)
                if position:
                    _copy(source, out, 0, position)  # type: ignore[arg-type] - matched: the live file is open
            if isinstance(part, Span):
                _copy(source if source is not None and part.path == live else None, out, part.offset, part.length,
                      part.path)
            else:
                _write_all(out, part)
        if out is None and source is not None and os.fstat(source).st_size == position:
            return False
        if out is None:  # the live file is longer, or there is none: what matched so far is the file
            out = _create(target, source)
            if position:
                _copy(source, out, 0, position)  # type: ignore[arg-type]
        os.ftruncate(out, os.lseek(out, 0, os.SEEK_CUR))  # what was allocated beyond the bytes written
        return True
    except OSError as exc:
        if exc.filename is None:  # a failed write names no file: say which one (a full disk …)
            raise OSError(exc.errno, exc.strerror, target) from exc
        raise
    finally:
        for fd in (source, out):
            if fd is not None:
                os.close(fd)


PREALLOCATE_FROM = 1 << 20


def _create(target: str, source: int | None) -> int:
    """The staged file, its blocks allocated for the live file's size when that is large (the new
    file's is about the same; ``splice`` truncates it to what it wrote).

    Why: ext4 allocates a file's delayed blocks when it is renamed over another (``auto_da_alloc``),
    so the commit's rename of a freshly written 549 MB reports.json cost ~0.25 s; allocated up front
    (``posix_fallocate``, extents only, in the downloads child beside the rendering), the rename is
    instant, and writing into allocated extents was faster too (0.1–0.2 s instead of 1.5–2.4 s for
    549 MB at load 12)."""
    out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
    size = os.fstat(source).st_size if source is not None else 0
    if size >= PREALLOCATE_FROM:
        try:
            os.posix_fallocate(out, 0, size)
        except OSError:
            pass  # a file system without it: written as any file
    return out


def _matches(source: int, live: str, part: bytes | Span, position: int) -> bool:
    """Whether the live file holds ``part`` at ``position``."""
    if isinstance(part, Span):
        return part.path == live and part.offset == position
    return os.pread(source, len(part), position) == part


def _copy(source: int | None, out: int, offset: int, length: int, path: str | None = None) -> None:
    """``length`` bytes of ``source`` (or of the file at ``path``) from ``offset``, appended to ``out``."""
    fd = source if source is not None else os.open(path or "", os.O_RDONLY | os.O_CLOEXEC)
    try:
        while length:
            done = _copied(fd, out, length, offset)
            if done == 0:
                raise OSError(errno.EIO, "the live file is shorter than its recorded pieces", path)
            offset, length = offset + done, length - done
    finally:
        if source is None:
            os.close(fd)


UNCOPYABLE = frozenset({errno.ENOSYS, errno.EXDEV, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF})
"""``copy_file_range`` errors that say the kernel or the file system cannot copy these files (an old
kernel across file systems, some network and overlay file systems), not that the files are bad."""
CHUNK = 1 << 20


def _copied(source: int, out: int, length: int, offset: int) -> int:
    """Up to ``length`` bytes of ``source`` from ``offset`` appended to ``out``: in the kernel where it
    can (Linux), else read and written here (macOS has no ``os.copy_file_range``)."""
    if hasattr(os, "copy_file_range"):
        try:
            return os.copy_file_range(source, out, length, offset)
        except OSError as exc:
            if exc.errno not in UNCOPYABLE:
                raise
    data = os.pread(source, min(length, CHUNK), offset)
    _write_all(out, data)
    return len(data)


def _write_all(out: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(out, view):]
