"""Safe YAML loading that keeps line numbers and refuses hostile documents.

PyYAML's safe loader still expands aliases (a "billion laughs" document takes the machine
down), accepts any depth, and forgets where each value came from. Content files are small,
hand-written data: we refuse aliases, deep nesting and oversized files outright, and record the
line of every value so validation can say ``file.yaml:12: table3.new: …``. Messages are in
Chinese, for the people who edit the content.
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
    """The document cannot be read as plain data; carries the line and the field when known."""

    def __init__(self, message: str, line: int | None = None, hint: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.line = line
        self.hint = hint
        self.field = field


def dotted(path: PathKey) -> str:
    """``("table3", "new", 2)`` → ``table3.new[2]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


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


_SLOW = object()
"""``_plain``'s answer for a scalar it leaves to ``_to_data``."""


def _plain(event: ScalarEvent) -> Any:
    """The value of a scalar whose tag is implicit and already resolved once (``_RESOLVED``) as a
    string, a plain int or null — nearly every scalar of a report file — else ``_SLOW``.

    Why: ``_to_data``'s call, its checks and ``_tag``'s resolver call were most of the Python side
    of loading a report (~400 scalars a file); this gives the same value, and the caller records
    the same line, in a few dictionary lookups (docs/performance.md)."""
    tag = event.tag
    if tag is not None and tag != "!":
        return _SLOW
    value = event.value
    tag = _RESOLVED.get((value, event.implicit))
    if tag == _STR:
        return value
    if tag == _INT:
        return int(value) if _PLAIN_INT.match(value) else _SLOW
    return None if tag == _NULL else _SLOW


def _tag(loader: yaml.BaseLoader, event: Event) -> str:
    """The event's tag, resolved as PyYAML's composer resolves it (``!`` and none: implicit)."""
    tag = event.tag
    if tag is None or tag == "!":
        if type(event) is ScalarEvent:
            return loader.resolve(ScalarNode, event.value, event.implicit)
        return _SEQ if type(event) is SequenceStartEvent else _MAP
    return tag


def _alias(line: int, path: PathKey) -> YamlProblem:
    """An alias, as a value or as a mapping key: content is plain data, written out in full."""
    return YamlProblem("内容文件里不能用 YAML 别名（*名称）", line, "把值完整写出来", dotted(path) or None)


_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")


def _bad_scalar(event: ScalarEvent, tag: str, path: PathKey) -> YamlProblem:
    """A scalar that matches a YAML type but is no value of it: in content, a date like 2024-13-01."""
    line, field = event.start_mark.line + 1, dotted(path) or None
    date = _DATE.match(event.value)
    if tag != "tag:yaml.org,2002:timestamp" or not date:
        return YamlProblem(f"{event.value} 无法读取", line, "给它加上引号，作为文字", field)
    year, month, day = map(int, date.groups())
    why = f"没有 {month} 月" if not 1 <= month <= 12 else f"{year} 年 {month} 月没有 {day} 日"
    return YamlProblem(f"{event.value} 不是有效的日期：{why}", line, "日期写成 YYYY-MM-DD，如 2024-01-22", field)


def _to_data(loader: yaml.BaseLoader, event: Event, path: PathKey, lines: dict, depth: int) -> Any:
    """The plain data of the node that ``event`` starts, read from the event stream.

    Why events and not libyaml's composed nodes: composing makes a node and two marks per value
    for Python to convert again (0.9 ms a report file against 0.5 from events), and composes
    recursively in C, so a document of a million nested ``[`` could overflow the C stack. Here
    nesting is refused at ``MAX_DEPTH``, before the parser reads deeper, and an alias is refused
    where it stands."""
    line = event.start_mark.line + 1
    if depth > MAX_DEPTH:
        raise YamlProblem(f"嵌套超过 {MAX_DEPTH} 层", line)
    kind = type(event)
    if kind is AliasEvent:
        raise _alias(line, path)
    tag = _tag(loader, event)
    if tag not in _STANDARD_TAGS:
        raise YamlProblem(f"不支持的 YAML 标签 {tag!r}", line, "内容文件只放普通数据：删去这个标签",
                          dotted(path) or None)
    lines[path] = line
    if kind is ScalarEvent:
        try:
            return _scalar(loader, event, tag)
        except ValueError:
            raise _bad_scalar(event, tag, path) from None
    get_event, shallow = loader.get_event, depth < MAX_DEPTH  # a child at depth + 1 is not too deep
    if kind is SequenceStartEvent:
        items: list[Any] = []
        while type(item := get_event()) is not SequenceEndEvent:
            at = path + (len(items),)
            if shallow and type(item) is ScalarEvent and (value := _plain(item)) is not _SLOW:
                lines[at] = item.start_mark.line + 1
                items.append(value)
            else:
                items.append(_to_data(loader, item, at, lines, depth + 1))
        return items
    out: dict[str, Any] = {}
    while type(key_event := get_event()) is not MappingEndEvent:
        if type(key_event) is AliasEvent:
            raise _alias(key_event.start_mark.line + 1, path)
        if type(key_event) is not ScalarEvent:
            raise YamlProblem("字段名必须是普通文字", key_event.start_mark.line + 1, None, dotted(path) or None)
        key = _plain(key_event)
        key = str(_scalar(loader, key_event, _tag(loader, key_event)) if key is _SLOW else key)
        at = path + (key,)
        if key in out:
            first = lines[at]
            raise YamlProblem(f"字段 {key!r} 重复出现（第 {first} 行已有）", key_event.start_mark.line + 1,
                              "每个字段只写一次：删去或合并其中一个", dotted(at))
        lines[at] = key_event.start_mark.line + 1
        event = get_event()
        if shallow and type(event) is ScalarEvent and (value := _plain(event)) is not _SLOW:
            lines[at] = event.start_mark.line + 1
            out[key] = value
        else:
            out[key] = _to_data(loader, event, at, lines, depth + 1)
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
            raise YamlProblem("YAML 语法错误：一个文件只能有一个文档", again.start_mark.line + 1,
                              "删去多出的 --- 或 ... 分隔行")
        return Located(data, lines)
    except YamlProblem:
        raise
    except yaml.MarkedYAMLError as exc:
        raise syntax_problem(exc, text) from None
    except (yaml.YAMLError, ValueError, OverflowError) as exc:
        raise YamlProblem(f"YAML 错误：{exc}") from None
    except RecursionError:
        raise YamlProblem(f"嵌套超过 {MAX_DEPTH} 层") from None
    finally:
        loader.dispose()


_OPENED_ON_ITS_LINE = ("flow sequence", "flow mapping", "quoted scalar", "simple key")
"""Errors PyYAML notices only on a later line (the next key, the end of the file) but whose cause is
where its context began: an unclosed ``[``, ``{`` or quote, a key without its colon."""


def syntax_problem(exc: yaml.MarkedYAMLError, text: str) -> YamlProblem:
    """PyYAML's syntax error as an editor can fix it: in Chinese, on the line to fix, with the field
    written there. Both libyaml's and the pure-Python parser's wordings are recognised."""
    problem, context = exc.problem or "", exc.context or ""
    lines = text.splitlines()
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and any(c in context for c in _OPENED_ON_ITS_LINE):
        mark = exc.context_mark
    if mark is None:
        return YamlProblem(f"YAML 语法错误（{problem or context}）")
    number = min(mark.line + 1, len(lines))
    while number > 1 and not lines[number - 1].strip():  # noticed at the end of the file: the last line written
        number -= 1
    line = lines[number - 1] if lines else ""
    field = _field_at(lines, number)
    if "cannot start any token" in problem or "tab character" in problem:
        if (tab := line.find("\t")) >= 0:
            return YamlProblem(f"YAML 语法错误：第 {number} 行第 {tab + 1} 个字符是制表符（Tab），"
                               "YAML 只能用空格缩进", number, "把 Tab 换成空格，与同一层的字段对齐", _key_of(line))
        char = line[mark.column] if mark.column < len(line) else "?"
        return YamlProblem(f"YAML 语法错误：值不能以“{char}”开头", number, "给整个值加上引号", field)
    if "sequence" in context and ("]" in problem):
        return YamlProblem("YAML 语法错误：“[”没有配对的“]”", number,
                           "列表写成 [a, b, c]；文字里有“[”时，给整个值加上引号", field)
    if "mapping" in context and "}" in problem:
        return YamlProblem("YAML 语法错误：“{”没有配对的“}”", number,
                           "映射写成 {a: 1, b: 2}；文字里有“{”时，给整个值加上引号", field)
    if "quoted scalar" in context:
        return YamlProblem("YAML 语法错误：引号没有闭合", number, "在值的末尾补上同样的引号", field)
    if "simple key" in context:
        return YamlProblem("YAML 语法错误：这一行缺少“:”", number, "字段写成“名称: 值”，冒号后面留一个空格", field)
    if "mapping values are not allowed" in problem:
        return YamlProblem("YAML 语法错误：这一行多了一个“: ”", number, "值里含有“: ”时，给整个值加上引号", field)
    if "expected key" in problem or "<block end>" in problem or "'-' indicator" in problem:
        return YamlProblem("YAML 语法错误：这一行的缩进不对", number, "同一层的字段左端对齐，只用空格缩进",
                           _key_of(line))
    return YamlProblem(f"YAML 语法错误（{problem or context}）", number, None, field)


_LINE = re.compile(r"^(?P<indent>[ \t]*)(?:(?P<dash>-)[ ]+)?"
                   r"(?:(?P<key>[^\s#'\"\[\]{},&*!|>%@`-][^:#\n]*?|\"[^\"\n]*\"|'[^'\n]*')[ ]*:(?:[ \t]|$))?")


def _key_of(line: str) -> str | None:
    """The field name written on a line whose indentation is in doubt (a tab, a wrong indent)."""
    match = _LINE.match(line)
    key = match.group("key") if match else None
    return key.strip("'\"") if key else None


def _field_at(lines: list[str], number: int) -> str | None:
    """The dotted field that line ``number`` (1-based) of block YAML sets (``table2.licensing``,
    ``narrative[1].quote``), read from the indentation of the lines above it; None when unsure.

    Only for syntax errors, where the parser gives no path: the lines are read as they look."""
    match = _LINE.match(lines[number - 1]) if 0 < number <= len(lines) else None
    if not match or not match.group("key"):
        return None
    path: list[str | int] = [match.group("key").strip("'\"")]
    column = match.start("key")  # where the current field starts; its parent starts left of it
    item: int | None = match.start("dash") if match.group("dash") else None  # column of the list being counted
    index = 0
    for text in reversed(lines[: number - 1]):
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        above = _LINE.match(text)
        assert above is not None  # every group is optional
        start = len(above.group("indent"))
        dash = above.start("dash") if above.group("dash") else None
        if item is not None:
            if dash == item:
                index += 1
                continue
            if start > item:
                continue
            path.insert(0, index)
            column, item, index = item, None, 0
        if start >= column:
            continue
        if dash is not None and above.group("key") and above.start("key") == column:
            item = dash  # the first field of the list item that holds the current field
            continue
        if not above.group("key"):
            return None
        path.insert(0, above.group("key").strip("'\""))
        column = start
        if column == 0:
            break
    if item is not None:
        path.insert(0, index)
    return dotted(tuple(path)) if column == 0 or item is not None else None


def read_yaml(path: Path, max_bytes: int = MAX_BYTES) -> Located:
    """Read and parse a YAML file, refusing oversized and non-UTF-8 files."""
    size = path.stat().st_size
    if size > max_bytes:
        raise YamlProblem(f"文件有 {size:,} 字节，内容 YAML 最多 {max_bytes:,} 字节")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise YamlProblem("文件里有 NUL 字节", None, "这是不是二进制文件？")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise YamlProblem("不是有效的 UTF-8 编码", line, "把文件存为 UTF-8 编码") from None
    return parse_yaml(text)
