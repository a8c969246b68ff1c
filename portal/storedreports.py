"""Stored report results read on demand: the parse pack's format (``buildcache.ParseStore``).

Why: an incremental build at 20,000 reports used to unpickle every stored result, and most of that
was each report's YAML data, text, trace, sentences and indicators (its ``HEAVY`` part), although a
one-report edit renders one agency's pages and reads the others' through stored sums (``fragments``,
``pageinputs``). So a pack holds a small header — for each report file what every build reads of
every report (its path, key, checks, untraced numbers and the few values of its YAML that site-wide
passes read: ``LIGHT``) — followed by each report's heavy part as pickled bytes of its own. The pack
is mapped (``mmap``) and a report's heavy part is unpickled at its first access
(``StoredParsed``, ``StoredReport``), in whichever process asks (render workers and the index child
are forks: they share the mapping).

Nothing here can go stale: an entry is used only under the hash of the report file's bytes and its
source text's (``ParseStore._hit``), and a pack replaced meanwhile (another build's ``save``) is a
new file; the mapping keeps the old one.

Layout of a pack file: ``MAGIC``; 8 bytes, little-endian, the header's length; the header (a pickle
of the version, ``{key: (Light, source hash)}``, the stored cross-year checks and the heavy parts'
total length); then the heavy parts, where each ``Light`` says (offset from the end of the header,
length). A file whose parts do not add up (truncated, a damaged length) is not read at all.
"""

from __future__ import annotations

import errno
import io
import mmap
import pickle
from dataclasses import fields
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO, cast

from .checks import FAIL, Check
from .load import Parsed
from .model import Agency, Report

HEAVY = ("data", "text", "trace", "sentences", "indicators", "reads")
"""The parts of a ``Parsed`` unpickled on demand (``reads``: the dev server's, never a build's)."""
LIGHT = ("title", "published", "status", "deadline_as", "as_printed", "present_tables", "indicator_digest")
"""The ``Report`` properties of its YAML data that build-wide passes read of every report (warnings,
site facts, rankings' keys, coverage, the search catalog), kept in the header."""

Light = tuple[Any, ...]
"""(path, shown, agency as written, key, year line, agency line, source path, original path or None,
checks, untraced, the failing checks, the ``LIGHT`` values, offset, length) of one stored report file."""
PATH, SHOWN, AGENCY, KEY, YEAR_LINE, AGENCY_LINE, SOURCE, ORIGINAL, CHECKS, UNTRACED, FAILING, VALUES, OFFSET, \
    LENGTH = range(14)
Header = tuple[str, dict[str, tuple[Light, str]], dict[tuple[str, str], tuple[Check, ...]]]
"""(version, {key: (light, source hash)}, {(previous key, key): cross-year checks})."""
LENGTH_BYTES = 8
MAGIC = b"portal-pack-1\n"


class Body:
    """A stored report's ``HEAVY`` part: bytes in the mapped pack, unpickled once, when first asked."""

    __slots__ = ("_pack", "_parts", "_view")

    def __init__(self, view: memoryview, pack: str) -> None:
        self._view, self._pack = view, pack
        self._parts: tuple[Any, ...] | None = None

    def part(self, name: str) -> Any:
        if self._parts is None:
            try:
                parts = pickle.loads(self._view)
            except Exception:  # noqa: BLE001 - any damage: said as the machine's, below
                parts = None
            if not (isinstance(parts, tuple) and len(parts) == len(HEAVY)):
                # Bytes damaged on the disk after the pack was written (its header and lengths were
                # checked when it was read): a failed read of that file, which the CLI says as such.
                raise OSError(errno.EIO, "构建缓存中一份报告的数据已损坏：删除这个缓存文件，或加 --full 重新构建",
                              self._pack)
            self._parts = parts
        return self._parts[HEAVY.index(name)]

    def raw(self) -> memoryview:
        """The pickled bytes, as stored (written into a new pack without unpickling them)."""
        return self._view


def _heavy(name: str) -> cached_property:
    def read(self: Any) -> Any:
        return self.__dict__["_body"].part(name)

    read.__name__ = name
    return cached_property(read)  # kept in the instance's __dict__ on first access (a frozen dataclass allows it)


def _source() -> cached_property:
    def source_path(self: Any) -> Path:  # made when asked: a ``Path`` each is a tenth of loading 20,000
        return Path(self.__dict__["_source"])

    return cached_property(source_path)


def _light(name: str) -> property:
    i = LIGHT.index(name)
    return property(lambda self: self.__dict__["_values"][i], doc=f"``Report.{name}``, as stored")


class _Stored:
    """The fields a stored result and its report read from the pack when first asked (first in
    their classes' order of lookup, so these stand in for the dataclasses' fields)."""

    data = _heavy("data")
    text = _heavy("text")
    trace = _heavy("trace")
    sentences = _heavy("sentences")
    indicators = _heavy("indicators")
    source_path = _source()


class StoredParsed(_Stored, Parsed):
    """A clean ``Parsed`` from a pack: its ``HEAVY`` fields unpickled at their first access."""

    reads = _heavy("reads")

    @classmethod
    def of(cls, path: Path, light: Light, pack: memoryview, pack_path: str) -> StoredParsed:
        """The result ``light`` describes for ``path`` (already matched against it), reading ``pack``
        (the heavy parts of the file at ``pack_path``)."""
        self = object.__new__(cls)
        start = light[OFFSET]
        body = Body(pack[start:start + light[LENGTH]], pack_path)
        self.__dict__.update(path=path, shown=light[SHOWN], problems=(), agency=light[AGENCY], key=light[KEY],
                             year_line=light[YEAR_LINE], agency_line=light[AGENCY_LINE], after=(),
                             _source=light[SOURCE], checks=light[CHECKS], untraced=light[UNTRACED],
                             _original=light[ORIGINAL], _failing=light[FAILING], _values=light[VALUES], _body=body)
        return self

    @property
    def original(self) -> Path | None:
        """``buildcache._original``, as stored."""
        name = self.__dict__["_original"]
        return None if name is None else Path(name)

    def to_report(self, agency: Agency, checks: tuple[Check, ...]) -> Report:
        return StoredReport.of(self, agency, checks)

    def __reduce__(self) -> tuple[Any, ...]:  # a plain ``Parsed`` (a memoryview cannot be pickled)
        return Parsed, tuple(getattr(self, f.name) for f in fields(Parsed))


class StoredReport(_Stored, Report):
    """A ``Report`` of a stored result: ``LIGHT`` values from the header, the rest when first read."""

    title = _light("title")
    published = _light("published")
    status = _light("status")
    deadline_as = _light("deadline_as")
    as_printed = _light("as_printed")
    present_tables = _light("present_tables")
    indicator_digest = _light("indicator_digest")

    @classmethod
    def of(cls, parsed: StoredParsed, agency: Agency, checks: tuple[Check, ...]) -> StoredReport:
        self = object.__new__(cls)
        d = parsed.__dict__
        self.__dict__.update(agency=agency, year=d["key"][1], yaml_path=d["path"], _source=d["_source"],
                             checks=checks, untraced=d["untraced"], _values=d["_values"], _body=d["_body"],
                             _failing=d["_failing"], _own=len(d["checks"]))
        return self

    @cached_property
    def failing_checks(self) -> tuple[Check, ...]:
        """``Report.failing_checks``: its own checks' failures as stored, then the cross-year ones'
        (the warnings ask every report: 1.2 million checks looked at, at 20,000)."""
        own = self.__dict__["_own"]
        return self.__dict__["_failing"] + tuple(c for c in self.checks[own:] if c.status == FAIL)

    def __reduce__(self) -> tuple[Any, ...]:
        return Report, tuple(getattr(self, f.name) for f in fields(Report))


def light_of(parsed: Parsed, original: Path | None, offset: int, length: int) -> Light:
    """What the header keeps of a clean result (``original``: ``buildcache._original``)."""
    assert parsed.key is not None and parsed.data is not None and parsed.text is not None
    assert parsed.source_path is not None
    report = Report(cast(Agency, None), parsed.key[1], parsed.data, parsed.text, parsed.path, parsed.source_path,
                    indicators=parsed.indicators)  # the properties of LIGHT read neither the agency nor the checks
    values = tuple(getattr(report, name) for name in LIGHT)
    return (str(parsed.path), parsed.shown, parsed.agency, parsed.key, parsed.year_line, parsed.agency_line,
            str(parsed.source_path), None if original is None else str(original), parsed.checks, parsed.untraced,
            tuple(c for c in parsed.checks if c.status == FAIL), values, offset, length)


def heavy_bytes(parsed: Parsed) -> bytes | memoryview:
    body = parsed.__dict__.get("_body")
    if isinstance(body, Body):
        return body.raw()
    return pickle.dumps(tuple(getattr(parsed, name) for name in HEAVY), protocol=pickle.HIGHEST_PROTOCOL)


def write_pack(f: BinaryIO, version: str, entries: dict[str, tuple[Parsed, str]],
               pairs: dict[tuple[str, str], tuple[Check, ...]], original: Any) -> None:
    """Write a pack of ``entries`` (``original(parsed)``: the kept original's path, or None)."""
    bodies = [heavy_bytes(parsed) for parsed, _ in entries.values()]
    lights: dict[str, tuple[Light, str]] = {}
    offset = 0
    for (key, (parsed, source_hash)), body in zip(entries.items(), bodies, strict=True):
        lights[key] = (light_of(parsed, original(parsed), offset, len(body)), source_hash)
        offset += len(body)
    buffer = io.BytesIO()
    _HeaderPickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump((version, lights, pairs, offset))
    header = buffer.getvalue()
    f.write(MAGIC)
    f.write(len(header).to_bytes(LENGTH_BYTES, "little"))
    f.write(header)
    for body in bodies:
        f.write(body)


class _HeaderPickler(pickle.Pickler):
    """Checks pickled as a call of their constructor, not of ``checks.shared``: within one pickle an
    equal check is already one object (the pickle's memo), and interning each again on loading was a
    tenth of reading the header."""

    def reducer_override(self, obj: object) -> Any:
        if type(obj) is Check:
            return Check, (obj.rule, obj.status, obj.cells, obj.detail)
        return NotImplemented


def read_pack(path: Path) -> tuple[Header, memoryview]:
    """The header of the pack at ``path`` and a view of its heavy parts (raises when unreadable)."""
    with open(path, "rb") as f:
        mapped = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    view = memoryview(mapped)
    start = len(MAGIC) + LENGTH_BYTES
    if view[:len(MAGIC)] != MAGIC:
        raise ValueError(f"{path}: not a pack")
    size = int.from_bytes(view[len(MAGIC):start], "little")
    version, entries, pairs, heavy = pickle.loads(view[start:start + size])
    if start + size + heavy != len(view):
        raise ValueError(f"{path}: its parts do not add up")
    return (version, entries, pairs), view[start + size:]


def fits(light: object, pack: memoryview) -> bool:
    """Whether ``light`` is a header entry whose heavy part lies within the pack (else a miss)."""
    return isinstance(light, tuple) and len(light) == LENGTH + 1 and isinstance(light[OFFSET], int) and \
        isinstance(light[LENGTH], int) and 0 <= light[OFFSET] and light[OFFSET] + light[LENGTH] <= len(pack)

