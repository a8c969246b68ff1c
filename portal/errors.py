"""Problems with content, reported the way a data editor can fix them.

Every message has the form ``FILE:LINE: FIELD: what is wrong`` (LINE and FIELD when known),
optionally followed by a ``提示：`` line saying what to change. The words are Chinese, for the
people who edit the content; file names, field names and values stay as written in the files.
All problems are collected before anything exits, so an editor sees every mistake in one run
rather than one per run.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one place of the content."""

    file: str
    message: str
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return f"{text}\n  提示：{self.hint}" if self.hint else text


class ContentError(Exception):
    """Raised with every problem found, once loading or validation is complete."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: (p.file, p.line or 0, p.field or ""))
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path: Path, root: Path | None = None) -> str:
    """The path as an editor would type it: relative to ``root`` or the working directory when
    it lies under one. Spelled out without asking the file system (no ``resolve``): every report
    file gets its display path at load, and resolving each component cost more than the rest."""
    absolute = os.path.abspath(path)
    for base in (root, os.getcwd()):
        if base is None:
            continue
        folder = os.path.abspath(base)
        if absolute.startswith(folder.rstrip(os.sep) + os.sep):
            return os.path.relpath(absolute, folder)
    return str(path)


_OS_REASONS = {
    errno.ENOSPC: "磁盘空间不足", errno.EDQUOT: "超出磁盘配额", errno.EFBIG: "文件超过系统允许的大小",
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.EROFS: "文件系统只读", errno.ENOENT: "文件或文件夹不存在",
    errno.EMFILE: "打开的文件太多", errno.EIO: "磁盘读写出错",
}


def describe_os_error(exc: OSError) -> str:
    """A failed read or write of the machine (disk full, no permission, a read-only folder …) in
    the editor's words: what failed and where, not a program defect."""
    said = exc.strerror if exc.strerror and not exc.strerror.isascii() else None  # already in the editor's words
    reason = said or _OS_REASONS.get(exc.errno or 0, exc.strerror or str(exc))
    where = f"：{exc.filename}" if exc.filename else ""
    return f"读写文件失败{where}：{reason}（{errno.errorcode.get(exc.errno or 0, 'OSError')}）"
