"""Word .docx to text: python-docx opens the package, and its body is read in document order.

Tables are flattened one cell per line, tab first, rows apart — the layout Word itself
produces when a report is saved as text (seed 002) — so the same table reader serves both.
That layout was measured against one row per line with TABs between cells: both read a full
row, but only this one keeps a blank cell at the end of a row (a TAB line of its own), where
a TAB-joined row loses it and the row comes up a cell short.

A cell merged into the one above (vMerge) prints as an empty cell, as Word prints it; a cell
spanning grid columns (gridSpan, or the old hMerge) prints once. python-docx's own ``row.cells``
repeats a merged cell in every grid column it covers, so the rows are read from its XML
elements instead, where a merge is one element. The same walk finds what python-docx's
paragraphs and tables leave out: tables and paragraphs inside content controls (w:sdt),
custom XML and tracked insertions, and text boxes (read once, although Word stores each twice,
as a drawing and as its VML fallback). A table that is only a box around text (one column)
is read as the text it holds; a table inside a table cell is printed as a table of its own.
Drawings become ``[image: …]`` markers.

Files come from the internet: before python-docx unpacks anything, the archive's members are
checked for size and compression ratio (a zip bomb) and its XML for a DOCTYPE (entity
expansion), and any exception python-docx raises becomes a one-line ``DocxError``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"

MAX_MEMBERS = 5_000
MAX_MEMBER_BYTES = 30_000_000  # one part unpacked; the document.xml of a 300-page report is a few MB
MAX_TOTAL_BYTES = 200_000_000  # every part unpacked, images included
MAX_RATIO = 100  # unpacked / packed, for a part over RATIO_FROM bytes: Word's XML packs 5–30×, a zip bomb ~1000×
RATIO_FROM = 1_000_000
MAX_DEPTH = 20  # tables in tables, text boxes in cells …
_BINARY_MEDIA = (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".emf", ".wmf", ".wdp", ".jfif", ".bin")
_TRANSPARENT = {W + "sdt", W + "sdtContent", W + "customXml", W + "ins", W + "moveTo", W + "smartTag",
                W + "hyperlink", W + "fldSimple", W + "dir", W + "bdo"}
"""Wrappers whose content is part of the text around them (content controls, tracked insertions …)."""
_DROPPED = {W + "del", W + "moveFrom", W + "sdtPr", W + "sdtEndPr", W + "customXmlPr", W + "rPr", W + "pPr",
            W + "tcPr", W + "trPr", W + "tblPr", W + "tblGrid", W + "instrText", W + "delText"}


class DocxError(ValueError):
    """The file is not a readable .docx."""


def check_package(raw: bytes) -> None:
    """Refuse an archive that would exhaust memory or smuggle entities, before anything unpacks it."""
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            infos = z.infolist()
            if len(infos) > MAX_MEMBERS:
                raise DocxError(f"这是含 {len(infos):,} 个文件的压缩包，Word 文档不会有这么多文件")
            if "word/document.xml" not in {i.filename for i in infos}:
                raise DocxError("这是压缩包，但没有 word/document.xml，不是 Word .docx 文件")
            total = 0
            for info in infos:
                size = info.file_size
                if size > MAX_MEMBER_BYTES:
                    raise DocxError(f"其中 {info.filename} 解压后有 {size:,} 字节，太大")
                if size > RATIO_FROM and size > MAX_RATIO * max(1, info.compress_size):
                    raise DocxError(f"其中 {info.filename} 解压后是压缩大小的 "
                                    f"{size // max(1, info.compress_size):,} 倍，按压缩炸弹拒绝")
                total += size
            if total > MAX_TOTAL_BYTES:
                raise DocxError(f"解压后共 {total:,} 字节，太大")
            for info in infos:
                if not info.filename.lower().endswith(_BINARY_MEDIA):
                    _refuse_dtd(info.filename, z.read(info))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError, ValueError,
            RuntimeError) as exc:
        if isinstance(exc, DocxError):
            raise
        raise DocxError(f"不是可读的 .docx 文件（{_one_line(exc)}）") from None


def _refuse_dtd(name: str, data: bytes) -> None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        raise DocxError(f"其中 {name} 不是 UTF-8 编码（Word 的 XML 都是 UTF-8），拒绝")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise DocxError(f"其中 {name} 声明了 DOCTYPE 或实体，拒绝")


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 160 else text[:157] + "…"


# ---------------------------------------------------------------- reading the body


def _content(el: etree._Element) -> Iterator[etree._Element]:
    """The children of ``el`` that carry text, with transparent wrappers opened.

    Markup compatibility blocks hold the same content in several forms: the first is read.
    """
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _DROPPED:
            continue
        if tag in _TRANSPARENT:
            yield from _content(child)
        elif tag == MC + "AlternateContent":
            chosen = next(iter(child), None)
            if chosen is not None:
                yield from _content(chosen)
        else:
            yield child


def _textboxes(el: etree._Element) -> Iterator[etree._Element]:
    """The outermost text box contents under a drawing, each once (first alternative only)."""
    for child in el:
        if not isinstance(child.tag, str):
            continue
        if child.tag == W + "txbxContent":
            yield child
        elif child.tag == MC + "AlternateContent":
            chosen = next(iter(child), None)
            if chosen is not None:
                yield from _textboxes(chosen)
        else:
            yield from _textboxes(child)


def _image_name(drawing: etree._Element) -> str | None:
    for pr in drawing.iter(WP + "docPr"):
        return pr.get("descr") or pr.get("name") or pr.get("id") or "image"
    return None


def _paragraph(p: etree._Element, depth: int) -> list[str]:
    """The paragraph's own text, then the text of any text boxes anchored in it."""
    text: list[str] = []
    boxes: list[str] = []

    def run(r: etree._Element) -> None:
        for el in _content(r):
            tag = el.tag
            if tag == W + "t" and el.text:
                text.append(el.text)
            elif tag in (W + "tab", W + "ptab"):
                text.append(" ")  # a TAB in the text would read as a cell boundary
            elif tag in (W + "br", W + "cr"):
                text.append("\n")
            elif tag == W + "noBreakHyphen":
                text.append("-")
            elif tag in (W + "drawing", W + "pict", W + "object"):
                found = list(_textboxes(el))
                for box in found:
                    boxes.extend(_blocks(box, depth + 1))
                name = None if found else _image_name(el)
                if name:
                    text.append(f"[image: {name}]")
            elif tag == W + "r":
                run(el)

    run(p)
    return ["".join(text), *boxes]


def _blocks(parent: etree._Element, depth: int = 0) -> list[str]:
    """Text blocks of a body, cell or text box: each paragraph, each table flattened."""
    if depth > MAX_DEPTH:
        raise DocxError(f"表格或文本框嵌套超过 {MAX_DEPTH} 层，拒绝")
    out: list[str] = []
    for child in _content(parent):
        if child.tag == W + "p":
            out.extend(_paragraph(child, depth))
        elif child.tag == W + "tbl":
            out.extend(_table(child, depth + 1))
    return out


def _rows(tbl: etree._Element) -> list[list[etree._Element]]:
    """The table's rows, each a list of its w:tc elements (content controls opened)."""
    rows = []
    for tr in _content(tbl):
        if tr.tag != W + "tr" or tr.find(f"{W}trPr/{W}del") is not None:  # a row deleted as a tracked change
            continue
        rows.append([tc for tc in _content(tr) if tc.tag == W + "tc"])
    return rows


def _merge(tc: etree._Element, kind: str) -> str | None:
    """The cell's vMerge or hMerge value: 'restart', 'continue', or None when not merged."""
    el = tc.find(f"{W}tcPr/{W}{kind}")
    return None if el is None else el.get(W + "val", "continue")


def _table(tbl: etree._Element, depth: int) -> list[str]:
    """A table as text blocks: flattened (see module doc), or the text it boxes."""
    rows = _rows(tbl)
    if all(len(r) <= 1 for r in rows):  # one column: a box around text, not a table of data
        return [block for r in rows for tc in r for block in _blocks(tc, depth)]
    printed: list[str] = []
    for row in rows:
        lines: list[str] = []
        for tc in row:
            if _merge(tc, "hMerge") == "continue":
                continue  # covered by the cell to its left
            if _merge(tc, "vMerge") == "continue":
                lines.append("\t")  # covered by the cell above: Word prints it empty
                continue
            lines.extend(_cell_lines(tc, depth))
        printed.append("\n".join(lines))
    return ["\n" + "\n\n".join(printed) + "\n"]


def _cell_lines(tc: etree._Element, depth: int) -> list[str]:
    """A cell's lines, the first after a tab; a table inside it becomes a table of its own."""
    lines: list[str] = []
    for block in _blocks(tc, depth):
        if block.startswith("\n"):  # a nested table: rows apart from the cell's own lines
            lines.append("\n" + block.strip("\n") + "\n")
        else:
            lines.extend(line.strip() for line in block.split("\n") if line.strip())
    if not lines or lines[0].startswith("\n"):
        lines.insert(0, "")
    lines[0] = "\t" + lines[0]
    return lines


def docx_to_text(raw: bytes) -> str:
    """The document's text in reading order."""
    check_package(raw)
    try:
        body = docx.Document(io.BytesIO(raw)).element.body
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml errors … for bad files
        raise DocxError(f"不是可读的 Word .docx 文件（{_one_line(exc)}）") from None
    text = "\n".join(_blocks(body))
    lines: list[str] = []
    for line in text.split("\n"):
        if line.strip() or "\t" in line or (lines and lines[-1]):
            lines.append(line if line.startswith("\t") else line.strip())
    return "\n".join(lines).strip("\n") + "\n"


A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def docx_images(raw: bytes) -> list[tuple[str, bytes | None]]:
    """Each ``[image: …]`` marker's name and picture bytes, in the order ``docx_to_text`` prints the markers.

    The hook for tables published as pictures (``ocr_embedded``): a drawing with a text box prints
    no marker, a VML fallback is Word's second copy of a drawing, and a drawing without an embedded
    picture (a shape) has no bytes.
    """
    check_package(raw)
    try:
        document = docx.Document(io.BytesIO(raw))
    except Exception as exc:  # noqa: BLE001 - as docx_to_text
        raise DocxError(f"不是可读的 Word .docx 文件（{_one_line(exc)}）") from None
    related = document.part.related_parts
    out: list[tuple[str, bytes | None]] = []
    for el in document.element.body.iter(W + "drawing", W + "pict", W + "object"):
        if any(a.tag == MC + "Fallback" for a in el.iterancestors()) or next(_textboxes(el), None) is not None:
            continue
        name = _image_name(el)
        if name:
            rid = next((b.get(R + "embed") for b in el.iter(A + "blip")), None)
            out.append((name, related[rid].blob if rid in related else None))
    return out
