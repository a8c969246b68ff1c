"""The site-wide downloads' per-agency bytes, content-addressed: an incremental build assembles
/data/reports.json and the site-wide CSVs from the stored bytes of every agency whose report files
did not change, and computes only the others' (and likewise the key figures the home page sums,
pickled: ``SiteCache.warm``).

Why: those files are made from every report (633 MB of JSON at 20,000 reports), and producing them
again from the model was most of a one-report publish. Why per agency and not per report: a
report's record reads its agency's other reports (the cross-year checks read the previous year's,
text_changes.csv the previous report's sentences), never another agency's, so an agency's bytes are
a function of its own report files alone — with the code, the registry and the other shared content
files and the base URL (``buildcache.Inputs.everything``, the ``namespace``), and for some files a
site-wide ``extra`` (coverage.csv: the range of years and the newest publication date). The key is
the hash of all of these: nothing stored can go stale, and a missing, damaged or foreign entry is a
miss (the agency's bytes are computed again).

Each download has a pack of bytes (``<name>.pack``, appended to) and an index (``<name>.index``, the
key's offset and length in the pack, written again whole). A pack whose unused bytes (a changed
agency's old bytes, a build that failed halfway) outgrow ``1/REWRITE`` of it is written again with
the used bytes only. The fragments folder is locked while a file is assembled: two builds sharing a
cache (``--cache``) never append to one pack at once.
"""

from __future__ import annotations

import itertools
import mmap
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TypeVar

from .buildcache import digest
from .output import locked

T = TypeVar("T")
Index = dict[str, tuple[int, int]]
"""A fragment's key → its offset and length in the pack."""


def by_agency(items: Iterable[T], slug: Callable[[T], str]) -> Iterator[tuple[str, list[T]]]:
    """Consecutive items of the same agency (the model lists reports by agency, then year)."""
    for key, group in itertools.groupby(items, slug):
        yield key, list(group)


@dataclass
class FragmentStore:
    """Per-agency bytes of the site-wide downloads (and the pickled key figures), by the hash of
    what they are made from."""

    folder: Path
    namespace: str  # ``Inputs.everything``: code version, base URL, every content file but the reports
    reports: dict[str, str]  # ``Inputs.reports``: "<agency>/<year>.yaml" → the hash of the file and its source
    trust: bool = True  # False (``--full``): every agency's bytes computed again, the pack written anew
    made: dict[str, set[str]] = field(default_factory=dict)  # download → the agencies computed (tests, logs)

    REWRITE = 8

    def __post_init__(self) -> None:
        self._files: dict[str, list[str]] = {}
        for rel in sorted(self.reports):
            self._files.setdefault(rel.partition("/")[0], []).append(f"{rel}={self.reports[rel]}")

    def key(self, name: str, slug: str, extra: str) -> str:
        return digest(self.namespace, name, slug, extra, *self._files.get(slug, ()))

    def pieces(self, name: str, groups: Iterable[tuple[str, T]], make: Callable[[T], bytes],
               extra: str = "") -> Iterator[bytes]:
        """``make(group)`` for each agency's group in order, the stored bytes where the key matches;
        the computed ones are appended to the pack, and the index saved when the last is yielded."""
        made = self.made.setdefault(name, set())
        with ExitStack() as stack:
            pack, index = self._open(stack, name)
            size = pack.seek(0, os.SEEK_END) if pack is not None else 0
            view = stack.enter_context(mmap.mmap(pack.fileno(), 0, access=mmap.ACCESS_READ)) \
                if pack is not None and size else None
            used: Index = {}
            for slug, group in groups:
                key = self.key(name, slug, extra)
                where = index.get(key)
                if view is not None and where is not None and where[0] + where[1] <= len(view):
                    used[key] = where
                    yield view[where[0]:where[0] + where[1]]
                    continue
                data = make(group)
                made.add(slug)
                if pack is not None:
                    used[key] = (size, len(data))
                    pack, size = _append(pack, data, size)
                yield data
            if pack is not None:
                self._save(name, used, size)

    def _open(self, stack: ExitStack, name: str) -> tuple[BinaryIO | None, Index]:
        """The pack, open for appending under the folder's lock (two builds sharing a cache never
        append to one pack at once), and its index; (None, {}) if the cache cannot be written."""
        index_path = self.folder / f"{name}.index"
        try:
            stack.enter_context(locked(self.folder))
            index = self._index(index_path) if self.trust else {}
            if not index:  # a new pack: no index may point into it until its own is saved
                index_path.unlink(missing_ok=True)
            pack = stack.enter_context(open(self.folder / f"{name}.pack", "a+b", buffering=0))
            if not index:
                pack.truncate(0)
            return pack, index
        except OSError:
            return None, {}

    def _save(self, name: str, used: Index, end: int) -> None:
        try:
            if (end - sum(length for _, length in used.values())) * self.REWRITE > end:
                used = self._compact(self.folder / f"{name}.pack", used)
            _replace(self.folder / f"{name}.index", pickle.dumps((self.namespace, used),
                                                                 protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a cache that cannot be written is only a slower next build

    def _index(self, path: Path) -> Index:
        try:
            namespace, index = pickle.loads(path.read_bytes())
            return index if namespace == self.namespace and isinstance(index, dict) else {}
        except Exception:  # noqa: BLE001 - missing, truncated, foreign: every agency computed again
            return {}

    def _compact(self, pack_path: Path, used: Index) -> Index:
        """The pack written again with the used bytes only, in the order they are used."""
        compact: Index = {}
        (pack_path.parent / f"{pack_path.stem}.index").unlink(missing_ok=True)  # it points into the old pack
        tmp = pack_path.with_name(f".{pack_path.name}.{os.getpid()}")
        with open(pack_path, "rb") as old, open(tmp, "wb") as new:
            for key, (offset, length) in sorted(used.items(), key=lambda kv: kv[1]):
                old.seek(offset)
                compact[key] = (new.tell(), length)
                new.write(old.read(length))
        os.replace(tmp, pack_path)
        return compact


def _append(pack: BinaryIO, data: bytes, size: int) -> tuple[BinaryIO | None, int]:
    """``data`` appended (the pack is unbuffered: a write that fails fails here); the pack and its
    new size, or None when it could not be written (nothing more is stored, nor the index saved)."""
    try:
        if pack.write(data) == len(data):
            return pack, size + len(data)
    except OSError:
        pass
    return None, size


def _replace(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)
