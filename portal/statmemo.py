"""A file's content hash without reading it, when its stat says it has not changed (as git's index).

Why: an incremental build hashes every report file and its source text (``buildcache``) to find
which are unchanged: 40,000 files, 210 MB at 20,000 reports, read and hashed on every build. The
memo keeps, for each file, its ``lstat`` (size, mtime, ctime, inode, device) and the hash of its
bytes, and answers from it while the stat is the same. The cache stays content-addressed: the memo
only saves reading bytes whose hash is known, and a wrong answer can come only from a file whose
bytes changed while every one of those fields stayed the same.

The one way that happens on a sane file system is the "racy" case git describes: a file written
again within the same clock tick as its previous write, after it was read, with the same size (file
times are coarse: a few milliseconds on ext4, 2 s on FAT). So a file is remembered only when its
mtime and ctime are older than the moment it was read by more than ``racy_ns`` (then any later
write, even one that sets the mtime back, falls in a later tick); a younger file is read again every
build until it has aged. A file whose stat changed while it was read is not remembered either.
Anything wrong with the memo file (missing, damaged, foreign) is an empty memo.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import stat
import time
from dataclasses import dataclass, field
from pathlib import Path

StatKey = tuple[int, int, int, int, int]
"""(size, mtime_ns, ctime_ns, inode, device) of a file, not following a symbolic link."""
RACY_NS = 3_000_000_000
FORMAT = "statmemo-1"


def digest(*parts: bytes | str) -> str:
    """The cache's hash of a sequence of parts (each length-prefixed: ("ab", "c") is not ("a", "bc"))."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def stat_key(st: os.stat_result) -> StatKey:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


@dataclass
class StatMemo:
    """``hash(path)``: ``buildcache.digest`` of the file's bytes, from the memo when its stat is
    unchanged and old enough, else read (and remembered for ``save``)."""

    path: Path | None  # where it is kept; None: nothing read or kept
    trust: bool = True  # False (``--full``): every file is read, the memo is still saved
    racy_ns: int = RACY_NS
    read: int = 0  # files read this build (tests, logs)
    _stored: dict[str, tuple[StatKey, str]] = field(default_factory=dict)
    _used: dict[str, tuple[StatKey, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.path is None or not self.trust:
            return
        try:
            with open(self.path, "rb") as f:
                kind, entries = pickle.load(f)
            if kind == FORMAT and isinstance(entries, dict):
                self._stored = entries
        except Exception:  # noqa: BLE001 - missing, truncated, foreign: every file is read
            return

    def hash(self, path: Path | str) -> str | None:
        """The hash of the file's bytes, or None when it cannot be read (or is a symbolic link)."""
        key = str(path)
        try:
            st = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(st.st_mode):
            return None
        now = stat_key(st)
        entry = self._stored.get(key)
        if entry is not None and entry[0] == now:
            self._used[key] = entry
            return entry[1]
        reading = time.time_ns()
        try:
            with open(path, "rb") as f:
                data = f.read()
                after = stat_key(os.fstat(f.fileno()))
        except OSError:
            return None
        self.read += 1
        hashed = digest(data)
        # remembered only if unchanged while read and old enough: see the module docstring
        if after == now and max(st.st_mtime_ns, st.st_ctime_ns) < reading - self.racy_ns:
            self._used[key] = (now, hashed)
        return hashed

    def save(self) -> None:
        """Keep the entries of the files asked about this build (the others are gone or unused)."""
        if self.path is None:
            return
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        try:
            with open(tmp, "wb") as f:
                pickle.dump((FORMAT, self._used), f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
        except OSError:
            tmp.unlink(missing_ok=True)  # a memo that cannot be written is only a slower next build
