"""A small deterministic YAML emitter for the drafts ingest writes.

PyYAML's dumper cannot write the layout of docs/content.md (a schema comment first, table-3
rows as flow lists, table-4 groups as flow maps) and would reflow long Chinese lines. This
writes that layout, and quotes a string whenever PyYAML would not read the plain text back as
the same string: "264209" stays a string, ``no`` stays text, and a date is written as
YYYY-MM-DD so it loads as a date. Output is a pure function of the data, so re-ingesting the
same source gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import yaml

TABLE3_COMMENT = "# natural_person, commercial, research, social_welfare, legal_services, other, total"
_PLAIN_UNSAFE = re.compile(
    r"""^[\s\-?:,\[\]{}#&*!|>'"%@`]|[:#]\s|\s[#:]|:$|\s$|^$|[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]"""
)
_SCALAR = (str, int, float, bool, dt.date, type(None))


def quote(s: str) -> str:
    """A double-quoted YAML scalar: JSON-style escapes, which YAML reads the same way."""
    out = ['"']
    for ch in s:
        code = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or 0x7F <= code <= 0x9F or ch in "\u2028\u2029\ufeff" or 0xD800 <= code <= 0xDFFF \
                or code in (0xFFFE, 0xFFFF):
            out.append(f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def scalar(value: Any) -> str:
    """One scalar as YAML text that PyYAML's safe loader reads back as ``value``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
        mantissa, e, exponent = repr(value).partition("e")
        if "." not in mantissa:
            mantissa += ".0"  # PyYAML reads 1e+20 as a string, 1.0e+20 as a float
        return mantissa + (e + ("+" + exponent if exponent[:1].isdigit() else exponent) if e else "")
    if isinstance(value, dt.datetime):
        return quote(value.isoformat())
    if isinstance(value, dt.date):
        return value.isoformat()
    s = str(value)
    if _PLAIN_UNSAFE.search(s) or s in ("<<", "="):
        return quote(s)
    try:
        back = yaml.safe_load(s)
    except yaml.YAMLError:
        return quote(s)
    return s if back == s and isinstance(back, str) else quote(s)


def _flowable(value: Any) -> bool:
    """Rows of cells and small groups of counts read best on one line."""
    if isinstance(value, list):
        return bool(value) and all(isinstance(v, (int, float, type(None))) and not isinstance(v, bool) for v in value)
    if isinstance(value, dict):
        return bool(value) and len(value) <= 6 and all(
            isinstance(v, (int, float, type(None))) and not isinstance(v, bool) for v in value.values())
    return False


def _flow_key(key: str) -> str:
    """Inside {…} the characters , [ ] { } end a plain scalar: quote any key but a plain name."""
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) and scalar(key) == key else quote(key)


def _flow(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    return "{" + ", ".join(f"{_flow_key(str(k))}: {scalar(v)}" for k, v in value.items()) + "}"


def _inline(value: Any) -> str | None:
    """The value on the key's own line, or None when it needs a block below the key."""
    if isinstance(value, _SCALAR):
        return scalar(value)
    if isinstance(value, (list, dict)) and not value:
        return "[]" if isinstance(value, list) else "{}"
    if _flowable(value):
        return _flow(value)
    return None


def _block(value: Any, indent: int, path: tuple[str, ...]) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        if path == ("table3",):
            lines.append(pad + TABLE3_COMMENT)
        for key, item in value.items():
            inline = _inline(item)
            if inline is not None:
                lines.append(f"{pad}{scalar(str(key))}: {inline}")
            else:
                lines.append(f"{pad}{scalar(str(key))}:")
                lines += _block(item, indent + 2, path + (str(key),))
    elif isinstance(value, list):
        for item in value:
            inline = _inline(item)
            if inline is not None:
                lines.append(f"{pad}- {inline}")
                continue
            inner = _block(item, indent + 2, path + ("-",))
            lines.append(f"{pad}- {inner[0].lstrip()}")
            lines += inner[1:]
    return lines


def dump(data: dict, header: str | None = None) -> str:
    """The YAML text of ``data`` (a mapping), with an optional comment line first."""
    lines = [header] if header else []
    lines += _block(data, 0, ())
    return "\n".join(lines) + "\n"
