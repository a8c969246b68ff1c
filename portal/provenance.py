"""Provenance: where a report came from, when, the file as it was retrieved, and how to cite it.

The original file is kept beside the report's YAML, as ``source.original_file`` names it:
``<year>.source.<ext>`` for a PDF, Word, HTML or image original (``ingest`` copies the input
there), or the source text itself (``<year>.txt``) when the original was UTF-8 text, kept byte
for byte. ``source.sha256`` is the original's SHA-256 as ingest recorded it when it read the
file: the loader checks it against the file at every build, so the hash on the page is the hash
of the file retrieved, and a kept file that changed is an error, not a silent new version.
Without a recorded hash (a draft made before hashes were recorded), the page shows the hash of
the file as it is, and says so.

The report page shows it all beside the data (``Provenance``): the official address and the
retrieval date (each "未记录" when unknown, never blank), the original's download
(``/reports/<slug>/<year>/original.<ext>``), its size and hash, the hash of the source text, and
a citation line with the page's permanent address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Problem
from .model import Report
from .yamlsafe import PathKey

MAX_ORIGINAL_BYTES = 30_000_000
"""The largest original kept (and ingested): a report's PDF is well under it; a scan of many
pages may be larger, and is then refused by ingest rather than kept half-way."""
UNKNOWN = "未记录"
CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check_original(folder: Path, source: dict[str, Any], shown: str,
                   line_of: Callable[[PathKey], int | None]) -> list[Problem]:
    """The kept original named by ``source.original_file`` exists beside the YAML, is a plain
    file of a sane size, and matches ``source.sha256`` when one is recorded. ``line_of`` maps a
    field path to its line in the YAML."""
    name, recorded = source.get("original_file"), source.get("sha256")
    if recorded is not None and not name:
        return [Problem(shown, "记录了 SHA-256，却没有原始文件（source.original_file）", line_of(("source", "sha256")),
                        "source.sha256", "写明原始文件名，或删去 sha256")]
    if not name:
        return []
    path = folder / name
    where = line_of(("source", "original_file"))

    def problem(message: str, hint: str | None = None) -> list[Problem]:
        return [Problem(shown, message, where, "source.original_file", hint)]

    if path.is_symlink():
        return problem(f"原始文件 {name} 是符号链接", "把原始文件本身放在 YAML 旁边")
    if not path.is_file():
        return problem(f"YAML 旁边没有原始文件 {name}", "ingest 会把原始文件复制到这里；没有保存原件时写 null")
    size = path.stat().st_size
    if size > MAX_ORIGINAL_BYTES:
        return problem(f"原始文件 {name} 有 {size:,} 字节，超过上限 {MAX_ORIGINAL_BYTES:,}")
    if recorded is not None:
        actual = sha256_file(path)
        if actual != recorded:
            return [Problem(shown, f"原始文件 {name} 的 SHA-256 是 {actual}，与记录的 {recorded} 不符",
                            line_of(("source", "sha256")), "source.sha256",
                            "原始文件必须保持获取时的原样：恢复原文件；确是重新获取的，用 ingest --force 重新导入")]
    return []


@dataclass(frozen=True)
class Original:
    """The file as retrieved, offered for download."""

    name: str  # beside the YAML
    url: str  # its download on the site
    format: str  # source.format
    size: int
    sha256: str
    recorded: bool  # the hash was recorded at retrieval (and checked), not computed now
    is_text: bool  # the original is the source text itself


@dataclass(frozen=True)
class Provenance:
    """What the report page says about where its data came from."""

    url: str | None  # the official address of the original
    retrieved: dt.date | None
    original: Original | None
    text_sha256: str
    permalink: str  # the report page's absolute address
    citation: str

    @property
    def unknown(self) -> str:
        return UNKNOWN


def original_of(report: Report) -> Original | None:
    source = report.data["source"]
    name = source.get("original_file")
    path, url = report.original_path, report.original_url
    if not name or path is None or url is None:
        return None
    recorded = source.get("sha256")
    return Original(name, url, source.get("format", "text"), path.stat().st_size,
                    recorded or sha256_file(path), recorded is not None, name == source["file"])


def citation(report: Report, permalink: str, url: str | None, retrieved: dt.date | None) -> str:
    """One line a reader can paste: who published what for which year, where this portal keeps
    it, and where and when the original was retrieved (unknowns said so)."""
    got = f"{retrieved.year}年{retrieved.month}月{retrieved.day}日获取" if retrieved else f"获取日期{UNKNOWN}"
    return (f"{report.agency.name}：《{report.title}》（{report.year}年度）。政府信息公开年报库，{permalink}。"
            f"原文网址：{url or UNKNOWN}；{got}。")


def provenance(report: Report, base_url: str) -> Provenance:
    source = report.data["source"]
    permalink = base_url.rstrip("/") + report.url
    url, retrieved = source.get("url"), source.get("retrieved")
    return Provenance(url, retrieved, original_of(report), sha256_bytes(report.text.encode("utf-8")), permalink,
                      citation(report, permalink, url, retrieved))
