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
from .splice import Assembled, Span

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
    live: Path | None = None
    """The live site's folder of the downloads (an incremental build's): an unchanged agency's bytes
    are a ``Span`` of the live file where its layout (``settled``) says they lie."""

    REWRITE = 8

    def __post_init__(self) -> None:
        self._readers: dict[str, _Reader] = {}
        self._layouts: dict[str, list[tuple[str, int, int]]] = {}
        self._files: dict[str, list[str]] = {}
        for rel in sorted(self.reports):
            self._files.setdefault(rel.partition("/")[0], []).append(f"{rel}={self.reports[rel]}")

    def key(self, name: str, slug: str, extra: str) -> str:
        return digest(self.namespace, name, slug, extra, *self._files.get(slug, ()))

    def pieces(self, name: str, groups: Iterable[tuple[str, T]], make: Callable[[T], bytes],
               extra: str = "", start: int = 0, gap: int = 0) -> Iterator[bytes | Span]:
        """``make(group)`` for each agency's group in order, the stored bytes where the key matches;
        the computed ones are appended to the pack, and the index saved when the last is yielded.

        With ``live``, a piece the live file holds (by its layout) is a ``Span`` of it instead.
        ``start`` and ``gap`` say where the pieces lie in the file (after its head of ``start``
        bytes, ``gap`` bytes between two): the layout of the file, saved by ``settled``."""
        made = self.made.setdefault(name, set())
        live_path = None if self.live is None else str(self.live / name)
        spans = self._spans(name, live_path)
        layout = self._layouts[name] = []
        position = start
        for i, piece in enumerate(self._pieces(name, groups, make, extra, spans, made)):
            position += gap if i else 0
            key, data = piece
            if isinstance(data, tuple):
                data = Span(live_path or "", *data)
            length = data.length if isinstance(data, Span) else len(data)
            layout.append((key, position, length))
            position += length
            yield data

    def assembled(self, name: str, parts: Iterable[bytes | Span]) -> Assembled:
        """The file's parts, with its layout saved once the writer has settled it (``settled``)."""
        return Assembled(parts, lambda path: self.settled(name, path))

    def settled(self, name: str, path: str) -> None:
        """The file at ``path`` holds the pieces just assembled: where each lies is saved with the
        file's identity (inode, size, modification time), which the next build's ``_spans`` checks
        against the live file's. The two layouts before are kept too (a build that failed)."""
        layout = self._layouts.get(name)
        if layout is None:
            return
        try:
            entry = (_identity(Path(path), with_ctime=False), {key: (at, n) for key, at, n in layout})
            saved = self._layouts_saved(name)
            if saved and saved[0] == entry:
                return  # the live file as it was: its layout is saved, and the two before stay
            layouts = [entry, *[earlier for earlier in saved if earlier[0] != entry[0]][:2]]
            _replace(self.folder / f"{name}.layout", pickle.dumps((self.namespace, layouts),
                                                                  protocol=pickle.HIGHEST_PROTOCOL))
        except OSError:
            pass  # a cache that cannot be written is only a slower next build

    def _layouts_saved(self, name: str) -> list[tuple[tuple[int, ...], dict[str, tuple[int, int]]]]:
        try:
            namespace, layouts = pickle.loads((self.folder / f"{name}.layout").read_bytes())
            return layouts if namespace == self.namespace and isinstance(layouts, list) else []
        except Exception:  # noqa: BLE001 - missing, truncated, foreign: no spans
            return []

    def _spans(self, name: str, live: str | None) -> dict[str, tuple[int, int]]:
        """Where each piece lies in the live file, by its key: the saved layout whose identity is the
        live file's (none: every piece from the pack)."""
        if live is None or not self.trust:
            return {}
        try:
            identity = _identity(Path(live), with_ctime=False)
        except OSError:
            return {}
        return next((spans for saved, spans in self._layouts_saved(name) if saved == identity), {})

    def _pieces(self, name: str, groups: Iterable[tuple[str, T]], make: Callable[[T], bytes], extra: str,
                spans: dict[str, tuple[int, int]], made: set[str]) -> Iterator[tuple[str, bytes | tuple[int, int]]]:
        """(key, bytes) for each agency's group, or (key, (offset, length)) of the live file's span."""
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
                    yield key, spans[key] if key in spans else view[where[0]:where[0] + where[1]]
                    continue
                if key in spans:  # in the live file, though no longer in the pack
                    yield key, spans[key]
                    continue
                data = make(group)
                made.add(slug)
                if pack is not None:
                    used[key] = (size, len(data))
                    pack, size = _append(pack, data, size)
                yield key, data
            if pack is not None:
                self._save(name, used, size)

    def stored(self, name: str, slug: str, extra: str = "") -> bytes | None:
        """One agency's stored bytes of ``name``, or None (not stored, or the cache cannot be read):
        what a page needs of a few agencies (an agency page's key figures), without reading, keying
        and saving every agency's as ``pieces`` does. Nothing is computed nor stored here.

        Why no lock (``pieces`` may hold it, in this very process: ``pageinputs`` reads the key
        figures while it assembles its own pieces): the pack is only appended to, replaced whole
        (``_compact``) or truncated, and only after its index file was deleted (``_open``). So the
        pack is opened between two looks at its index file, and a read is trusted only when that
        file is still the same one after it: nothing can have replaced or truncated the pack before."""
        if not self.trust:
            return None
        if name not in self._readers:
            self._readers[name] = _Reader.open(self.folder, name, self.namespace)
        return self._readers[name].read(self.key(name, slug, extra))

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


@dataclass
class _Reader:
    """A pack opened with its index for single reads (``FragmentStore.stored``), and the index
    file's identity at that moment."""

    folder: Path
    name: str
    index: Index
    pack: BinaryIO | None
    identity: tuple[int, ...] | None

    @classmethod
    def open(cls, folder: Path, name: str, namespace: str) -> _Reader:
        try:
            identity = _identity(folder / f"{name}.index")
            stored, index = pickle.loads((folder / f"{name}.index").read_bytes())
            pack = open(folder / f"{name}.pack", "rb", buffering=0)  # noqa: SIM115 - read until the build ends
            if stored == namespace and isinstance(index, dict) and _identity(folder / f"{name}.index") == identity:
                return cls(folder, name, index, pack, identity)
            pack.close()
        except Exception:  # noqa: BLE001 - missing, truncated, foreign: nothing is read from it
            pass
        return cls(folder, name, {}, None, None)

    def read(self, key: str) -> bytes | None:
        where = self.index.get(key)
        if where is None or self.pack is None:
            return None
        try:
            data = os.pread(self.pack.fileno(), where[1], where[0])
            same = _identity(self.folder / f"{self.name}.index") == self.identity
        except OSError:
            return None
        return data if same and len(data) == where[1] else None


def _identity(path: Path, with_ctime: bool = True) -> tuple[int, ...]:
    """A file's inode, size and times: the index is written anew (another inode) whenever it changes;
    a download is renamed into the live site after it is settled (a rename changes the ctime)."""
    st = os.stat(path)
    return (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns) + ((st.st_ctime_ns,) if with_ctime else ())


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
