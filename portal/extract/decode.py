"""Bytes to text: byte-order marks, a declared charset, then detection; never a silent guess.

Chinese government sites still serve GBK; Word's "save as text" gives UTF-16; Notepad adds a
UTF-8 BOM. Bytes that no candidate encoding decodes strictly are refused rather than decoded
with replacement characters, because the stored text must be the report, byte for byte.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "gb_2312-80": "gb18030"}
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


class DecodeError(ValueError):
    """The bytes are not text in any encoding we read."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def declared_charset(raw: bytes) -> str | None:
    """The charset an HTML page declares in a <meta> tag (first 4 KB), if any."""
    m = _META.search(raw[:4096])
    return m.group(1).decode("ascii").lower() if m else None


def _normal(name: str) -> str | None:
    name = _ALIASES.get(name.lower(), name.lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _plausible(text: str) -> bool:
    """Mostly Chinese, ASCII and CJK punctuation: what a report decodes to, and noise doesn't."""
    good = sum(1 for c in text if c.isascii() and (c.isprintable() or c in "\t\r\n")
               or "\u3000" <= c <= "\u303f" or "\u4e00" <= c <= "\u9fff" or "\uff00" <= c <= "\uffef"
               or c in "“”‘’—…·")
    return bool(text) and good >= 0.95 * len(text)


def _utf16_guess(raw: bytes) -> str | None:
    """UTF-16 without a byte-order mark, when one byte order gives plausible text."""
    if len(raw) < 4 or len(raw) % 2:
        return None
    for name in ("utf-16-le", "utf-16-be"):
        try:
            if _plausible(raw.decode(name)):
                return name
        except UnicodeDecodeError:
            continue
    return None


def decode(raw: bytes, declared: str | None = None) -> Decoded:
    """Decode ``raw``: BOM first, then the declared charset, then UTF-8, UTF-16, GB18030."""
    for bom, name in _BOMS:
        if raw.startswith(bom):
            try:
                return Decoded(raw[len(bom):].decode(name), name + " (BOM)")
            except UnicodeDecodeError as exc:
                raise DecodeError(f"以 {name} 字节顺序标记开头，却不是有效的 {name}") from exc
    tried: list[str] = []
    for name in (_normal(declared) if declared else None, "utf-8", _utf16_guess(raw), "gb18030"):
        if name is None or name in tried:
            continue
        tried.append(name)
        try:
            return Decoded(raw.decode(name), name)
        except (UnicodeDecodeError, LookupError):
            continue
    raise DecodeError(f"不是 {'、'.join(tried)} 编码的文字")
