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
from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

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


FLOW_SCREEN = 400
"""Brackets beyond which a document is screened event by event before composing (see _screen)."""


def _screen(text: str) -> None:
    """Refuse aliases, custom tags and deep nesting from the event stream, before composing.

    libyaml composes recursively, so a document of a million nested ``[`` could overflow the C
    stack: depth is checked on the flat event stream first. Only flow brackets can nest that
    deep within the size limit (block nesting needs ever longer indentation), so documents with
    few brackets — every real report — skip this pass; aliases and tags are then refused while
    converting the composed nodes (an alias shows up as a node met twice).
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, AliasEvent):
            raise YamlProblem("YAML aliases (*name) are not allowed in content",
                              event.start_mark.line + 1, "write the value out in full")
        tag = getattr(event, "tag", None)
        if tag is not None and tag != "!" and tag not in _STANDARD_TAGS:
            raise YamlProblem(f"unsupported YAML tag {tag!r}", event.start_mark.line + 1,
                              "content holds plain data only: remove the tag")
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels", event.start_mark.line + 1)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


_STR, _INT, _NULL = (f"tag:yaml.org,2002:{t}" for t in ("str", "int", "null"))
_PLAIN_INT = re.compile(r"^(?:0|[1-9][0-9]*)$")


def _scalar(loader: yaml.BaseLoader, node: ScalarNode) -> Any:
    """Construct a scalar; the common cases directly, since content is mostly short numbers."""
    if node.tag == _STR:
        return node.value
    if node.tag == _INT and _PLAIN_INT.match(node.value):
        return int(node.value)
    if node.tag == _NULL:
        return None
    return loader.construct_object(node, deep=True)


def _to_data(loader: yaml.BaseLoader, node: Node, path: PathKey, lines: dict, depth: int, seen: set) -> Any:
    if id(node) in seen:
        raise YamlProblem("YAML aliases (*name) are not allowed in content",
                          lines.get(path) or lines.get(path[:-1]), "write the value out in full")
    seen.add(id(node))
    if depth > MAX_DEPTH:
        raise YamlProblem(f"nested deeper than {MAX_DEPTH} levels", node.start_mark.line + 1)
    if node.tag not in _STANDARD_TAGS:
        raise YamlProblem(
            f"unsupported YAML tag {node.tag!r}",
            node.start_mark.line + 1,
            "content holds plain data only: remove the tag",
        )
    lines[path] = node.start_mark.line + 1
    if isinstance(node, ScalarNode):
        return _scalar(loader, node)
    if isinstance(node, SequenceNode):
        return [_to_data(loader, n, path + (i,), lines, depth + 1, seen) for i, n in enumerate(node.value)]
    assert isinstance(node, MappingNode)
    out: dict[str, Any] = {}
    for key_node, value_node in node.value:
        if not isinstance(key_node, ScalarNode):
            raise YamlProblem("a mapping key must be plain text", key_node.start_mark.line + 1)
        key = str(loader.construct_object(key_node))
        if key in out:
            raise YamlProblem(f"duplicate key {key!r}", key_node.start_mark.line + 1)
        lines[path + (key,)] = key_node.start_mark.line + 1  # where an alias value is reported
        out[key] = _to_data(loader, value_node, path + (key,), lines, depth + 1, seen)
    return out


def parse_yaml(text: str) -> Located:
    """Parse one YAML document of plain data; raise YamlProblem with a line when it is not."""
    loader = _Loader(text)
    try:
        if text.count("[") + text.count("{") > FLOW_SCREEN:
            _screen(text)
        node = loader.get_single_node()
        if node is None:
            return Located(None)
        lines: dict[PathKey, int] = {}
        return Located(_to_data(loader, node, (), lines, 0, set()), lines)
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
