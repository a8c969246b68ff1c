"""Word .docx to text with the standard library: paragraphs and tables in document order.

Tables are flattened one cell per line, tab first, rows apart — the layout Word itself
produces when a report is saved as text (seed 002) — so the same table reader serves both.
A vertically merged continuation cell prints as an empty cell, as Word prints it. Drawings
become ``[image: …]`` markers. The archive is size-checked before it is unpacked and XML
with a DOCTYPE is refused, so a hostile file cannot exhaust memory.
"""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree as ET

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MAX_XML_BYTES = 30_000_000


class DocxError(ValueError):
    """The file is not a readable .docx."""


def _paragraph(p: ET.Element) -> str:
    out: list[str] = []
    for el in p.iter():
        if el.tag == W + "t" and el.text:
            out.append(el.text)
        elif el.tag == W + "tab":
            out.append(" ")
        elif el.tag in (W + "br", W + "cr"):
            out.append("\n")
        elif el.tag == WP + "docPr":
            out.append(f"[image: {el.get('descr') or el.get('name') or el.get('id') or 'image'}]")
    return "".join(out)


def _blocks(parent: ET.Element) -> list[str]:
    """Text blocks of a body or cell: each paragraph, each table flattened."""
    out: list[str] = []
    for child in parent:
        if child.tag == W + "p":
            out.append(_paragraph(child))
        elif child.tag == W + "tbl":
            out.append("\n" + _table(child) + "\n")
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins"):
            out.extend(_blocks(child))
    return out


def _table(tbl: ET.Element) -> str:
    rows = []
    for tr in tbl.findall(W + "tr"):  # direct rows only: nested tables are read inside their cell
        lines = []
        for tc in tr.findall(W + "tc"):
            merge = tc.find(f"{W}tcPr/{W}vMerge")
            continued = merge is not None and merge.get(W + "val", "continue") != "restart"
            text = "" if continued else "\n".join(
                line.strip() for block in _blocks(tc) for line in block.split("\n") if line.strip()
            )
            first, *rest = text.split("\n")
            lines.append("\t" + first)
            lines.extend(rest)
        rows.append("\n".join(lines))
    return "\n\n".join(rows)


def docx_to_text(raw: bytes) -> str:
    """The document's text in reading order."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            try:
                info = z.getinfo("word/document.xml")
            except KeyError:
                raise DocxError("is a zip file without word/document.xml: not a Word .docx") from None
            if info.file_size > MAX_XML_BYTES:
                raise DocxError(f"word/document.xml is {info.file_size:,} bytes unpacked: too large")
            xml = z.read(info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, DocxError):
            raise
        raise DocxError(f"is not a readable .docx ({exc})") from None
    if b"<!DOCTYPE" in xml[:2048].upper():
        raise DocxError("word/document.xml declares a DOCTYPE: refused")
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise DocxError(f"word/document.xml is not well-formed XML ({exc})") from None
    body = root.find(W + "body")
    if body is None:
        raise DocxError("word/document.xml has no body")
    text = "\n".join(_blocks(body))
    lines: list[str] = []
    for line in text.split("\n"):
        if line.strip() or "\t" in line or (lines and lines[-1]):
            lines.append(line if line.startswith("\t") else line.strip())
    return "\n".join(lines).strip("\n") + "\n"
