"""Safe YAML loading that keeps line numbers and refuses hostile documents.

PyYAML's safe loader still expands aliases (a "billion laughs" document takes the machine
down), accepts any depth, and forgets where each value came from. Content files are small,
hand-written data: we refuse aliases, deep nesting and oversized files outright, and record the
line of every value so validation can say ``file.yaml:12: table3.new: …``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    Event,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

MAX_BYTES = 2_000_000
MAX_DEPTH = 24
_STANDARD_TAGS = {
    "tag:yaml.org,2002:" + t
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}

PathKey = tuple[str | int, ...]


class YamlProblem(Exception):
    """The document cannot be read as plain data; carries the line when known."""

    def __init__(self, message: str, line: int | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint


@dataclass
class Located:
    """Plain data plus the line (1-based) each value starts on, keyed by its path."""

    data: Any
    lines: dict[PathKey, int] = field(default_factory=dict)

    def line_of(self, path: PathKey) -> int | None:
        """The line of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it: about 20 times faster than the pure-Python one."""
_RESOLVED: dict[tuple[str, tuple[bool, bool]], str] = {}
_RESOLVED_MAX = 100_000


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """The safe loader with its scalar tag resolution remembered.

    Why: resolving a plain scalar's tag tries PyYAML's implicit-type regexes in Python, ~400
    times a report — about a tenth of loading. The safe loader has no path-dependent resolvers, so
    a scalar's tag depends only on its text and style, and report files repeat the same few
    hundred scalars (0, null, keys). Bounded, so hostile files cannot grow it without limit."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is not ScalarNode or len(value) > 40:
            return super().resolve(kind, value, implicit)
        key = (value, implicit)
        tag = _RESOLVED.get(key)
        if tag is None:
            tag = super().resolve(kind, value, implicit)
            if len(_RESOLVED) < _RESOLVED_MAX:
                _RESOLVED[key] = tag
        return tag


_STR, _INT, _NULL, _SEQ, _MAP = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "null", "seq", "map"))
_PLAIN_INT = re.compile(r"^(?:0|[1-9][0-9]*)$")


def _scalar(loader: yaml.BaseLoader, event: ScalarEvent, tag: str) -> Any:
    """Construct a scalar; the common cases directly, since content is mostly short numbers."""
    value = event.value
    if tag == _STR:
        return value
    if tag == _INT and _PLAIN_INT.match(value):
        return int(value)
    if tag == _NULL:
        return None
    return loader.construct_object(ScalarNode(tag, value, event.start_mark, event.end_mark, event.style), deep=True)


def _tag(loader: yaml.BaseLoader, event: Event) -> str:
    """The event's tag, resolved as PyYAML's composer resolves it (``!`` and none: implicit)."""
    tag = event.tag
    if tag is None or tag == "!":
        if type(event) is ScalarEvent:
            return loader.resolve(ScalarNode, event.value, event.implicit)
        return _SEQ if type(event) is SequenceStartEvent else _MAP
    return tag


def _alias(line: int) -> YamlProblem:
    """An alias, as a value or as a mapping key: content is plain data, written out in full."""
    return YamlProblem("YAML aliases (*name) are not allowed in content", line, "write the value out in full")


def _to_data(loader: yaml.BaseLoader, event: Event, path: PathKey, lines: dict, depth: int) -> Any:
    """The plain data of the node that ``event`` starts, read from the event stream.

    Why events and not libyaml's composed nodes: composing makes a node and two marks per value
    for Python to convert again (0.9 ms a report file against 0.5 from events), and composes
    recursively in C, so a document of a million nested ``[`` could overflow the C stack. Here
    nesting is refused at ``MAX_DEPTH``, before the parser reads deeper, and an alias is refused
    where it stands."""
    line = event.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels", line)
    kind = type(event)
    if kind is AliasEvent:
        raise _alias(line)
    tag = _tag(loader, event)
    if tag not in _STANDARD_TAGS:
        raise YamlProblem(f"unsupported YAML tag {tag!r}", line, "content holds plain data only: remove the tag")
    lines[path] = line
    if kind is ScalarEvent:
        return _scalar(loader, event, tag)
    if kind is SequenceStartEvent:
        items: list[Any] = []
        while type(item := loader.get_event()) is not SequenceEndEvent:
            items.append(_to_data(loader, item, path + (len(items),), lines, depth + 1))
        return items
    out: dict[str, Any] = {}
    while type(key_event := loader.get_event()) is not MappingEndEvent:
        if type(key_event) is AliasEvent:
            raise _alias(key_event.start_mark.line + 1)
        if type(key_event) is not ScalarEvent:
            raise YamlProblem("a mapping key must be plain text", key_event.start_mark.line + 1)
        key = str(_scalar(loader, key_event, _tag(loader, key_event)))
        if key in out:
            raise YamlProblem(f"duplicate key {key!r}", key_event.start_mark.line + 1)
        lines[path + (key,)] = key_event.start_mark.line + 1
        out[key] = _to_data(loader, loader.get_event(), path + (key,), lines, depth + 1)
    return out


def parse_yaml(text: str) -> Located:
    """Parse one YAML document of plain data; raise YamlProblem with a line when it is not."""
    loader = _Loader(text)
    try:
        loader.get_event()  # the stream's start
        if type(loader.peek_event()) is StreamEndEvent:
            return Located(None)
        loader.get_event()  # the document's start
        lines: dict[PathKey, int] = {}
        data = _to_data(loader, loader.get_event(), (), lines, 0)
        loader.get_event()  # the document's end
        if type(again := loader.get_event()) is not StreamEndEvent:
            raise YamlProblem("YAML syntax error: but found another document", again.start_mark.line + 1)
        return Located(data, lines)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlProblem(f"YAML syntax error: {problem}", mark.line + 1 if mark else None) from None
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        raise YamlProblem(f"YAML error: {exc}") from None
    except RecursionError:
        raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()


def read_yaml(path: Path, max_bytes: int = MAX_BYTES) -> Located:
    """Read and parse a YAML file, refusing oversized and non-UTF-8 files."""
    size = path.stat().st_size
    if size > max_bytes:
        raise YamlProblem(f"file is {size:,} bytes; content YAML may be at most {max_bytes:,}")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise YamlProblem("file contains NUL bytes", None, "is this a binary file?")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem("not valid UTF-8", line, "save the file as UTF-8") from None
    return parse_yaml(text)
