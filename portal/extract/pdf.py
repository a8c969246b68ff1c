"""PDFs with a text layer, read through their page layout; scanned PDFs (no text) are refused.

A PDF's flat text (its content order) scatters a table: a label in a narrow merged cell comes
out one character a line, a row's cells land between the lines of its wrapped label, a row
continues on the next page under a page number. So each page is read as geometry instead
(pdfplumber: characters with their boxes, ruling lines, ``find_tables``) and laid out by
``pdf_layout``: ruled table rows as one TAB-separated line each — the layout the table reader
reads best — and other text line by line. Page numbers and running headers/footers are
dropped, and a table header repeated at the top of a continuation page is printed once.

Files come from the internet: the page count, each page's content size (before it is
decompressed) and character count are bounded, the whole read has a deadline, and every
library exception becomes a one-line ``PdfError``.
"""

from __future__ import annotations

import io
import logging
import re
import time
import zlib
from collections import Counter
from itertools import islice

from .pdf_layout import Box, Char, Line, Table, page_lines
from .view import PAGE_NUMBER

MAX_PAGES = 300
MAX_PAGE_CONTENT = 8_000_000  # decoded bytes of one page's content streams and forms
MAX_PAGE_CHARS = 30_000  # a dense A4 page of 5-point text holds about 10,000
MAX_SECONDS = 60.0
MARGIN = 0.08  # running headers and footers live in the top and bottom 8% of a page
_BARE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")  # a page number only in the margins: elsewhere it may be a cell
_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


class PdfError(ValueError):
    """The PDF cannot be read, or has no text to read."""


# ---------------------------------------------------------------- reading pages


def _stream_size(stream, limit: int) -> int:
    """Decoded size of one stream, counted without inflating more than ``limit`` bytes."""
    raw = stream.get_rawdata() or b""
    filters = stream.get_filters()
    if filters and str(filters[0][0]).strip("/'") in ("FlateDecode", "Fl"):
        try:
            inflater = zlib.decompressobj()
            size = len(inflater.decompress(raw, limit + 1))
        except zlib.error:
            return len(raw)  # pdfminer reads what it can of a broken stream; it is no bigger
        return size
    return len(raw)


def _content_size(page_obj) -> int:
    """Decoded bytes of a page's content streams and its form XObjects (one level), bounded."""
    from pdfminer.pdftypes import PDFStream, resolve1

    streams = [resolve1(s) for s in page_obj.contents or []]
    xobjects = resolve1((page_obj.resources or {}).get("XObject")) or {}
    if isinstance(xobjects, dict):
        streams += [resolve1(x) for x in xobjects.values()]
    total = 0
    for stream in streams:
        if isinstance(stream, PDFStream):
            total += _stream_size(stream, MAX_PAGE_CONTENT - total)
            if total > MAX_PAGE_CONTENT:
                break
    return total


def _plumber_chars(page) -> list[Char]:
    return [Char(c["text"], c["x0"], c["x1"], c["top"], c["bottom"]) for c in page.chars
            if c.get("upright", True) and c["text"].strip()]


def _pdfium_chars(raw: bytes, index: int) -> list[Char]:
    """The page's characters as PDFium decodes them (fonts pdfminer cannot map, e.g. CFF CID
    fonts whose /Encoding is an embedded CMap)."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(raw)
    try:
        page = doc[index]
        height = page.get_height()
        text = page.get_textpage()
        count = min(text.count_chars(), MAX_PAGE_CHARS + 1)
        out = []
        for i in range(count):
            ch = text.get_text_range(i, 1)
            if ch.strip():
                left, bottom, right, top = text.get_charbox(i, loose=True)  # advance box, not the ink
                out.append(Char(ch, left, right, height - top, height - bottom))
        return out
    finally:
        doc.close()


def _tables(page) -> list[Table]:
    out = []
    for found in page.find_tables(_TABLE_SETTINGS):
        rows = tuple(tuple(c for c in row.cells if c is not None) for row in found.rows)
        if rows and max(len(r) for r in rows) >= 2:  # a lone framed paragraph is no table
            out.append(Table(found.bbox, rows))
    return out


def _read_pages(raw: bytes) -> list[tuple[list[Line], float]]:
    """Each page's lines and height, within the limits above."""
    import pdfplumber
    from pdfminer.pdfpage import PDFPage

    started = time.monotonic()
    pages: list[tuple[list[Line], float]] = []
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        count = sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), MAX_PAGES + 1))
        if count > MAX_PAGES:
            raise PdfError(f"has more than {MAX_PAGES} pages; a report has fewer")
        for index, page in enumerate(pdf.pages):
            if _content_size(page.page_obj) > MAX_PAGE_CONTENT:
                raise PdfError(f"page {index + 1} holds more than {MAX_PAGE_CONTENT // 1_000_000} MB of drawing "
                               "instructions; a report's page holds far less")
            chars = _plumber_chars(page)
            if not chars and not page.images:  # text pdfminer cannot decode; a scan has images instead
                chars = _pdfium_chars(raw, index)
            if len(chars) > MAX_PAGE_CHARS:
                raise PdfError(f"page {index + 1} holds more than {MAX_PAGE_CHARS} characters; a report's page "
                               "holds far fewer")
            tables = _tables(page) if chars else []
            pages.append((page_lines(chars, tables), float(page.height)))
            page.close()
            if time.monotonic() - started > MAX_SECONDS:
                raise PdfError(f"took more than {MAX_SECONDS:.0f} s to read {index + 1} pages; it is not a "
                               "report's ordinary PDF")
    return pages


# ---------------------------------------------------------------- page furniture


def _furniture_key(line: Line) -> tuple[str, int]:
    """A line's text without its digits (page numbers), and where it stands on the page: a
    running header repeats both, while a report's title that reads the same stands lower."""
    return re.sub(r"\d+", "#", "".join(line.text.split())), round(line.top / 6)


def _in_margin(line: Line, height: float) -> bool:
    return line.top < height * MARGIN or line.top > height * (1 - MARGIN)


def _drop_furniture(pages: list[tuple[list[Line], float]]) -> list[list[Line]]:
    """Pages without their page numbers and running headers and footers.

    Only lines at the very top or bottom of a page, in its margin, are candidates: a page
    number, or a line (its digits aside) found there on more than one page.
    """
    def edges(lines: list[Line], height: float) -> list[int]:
        """Indexes of the single-field margin lines at the top and at the bottom of a page."""
        out: list[int] = []
        for order in (range(len(lines)), range(len(lines) - 1, -1, -1)):
            for n in list(order)[:3]:
                if not _in_margin(lines[n], height) or len(lines[n].fields) > 1:
                    break
                out.append(n)
        return out

    found = [edges(lines, height) for lines, height in pages]
    repeated = Counter(key for (lines, _), ns in zip(pages, found, strict=True)
                       for key in {_furniture_key(lines[n]) for n in ns})
    out = []
    for (lines, _), ns in zip(pages, found, strict=True):
        drop = {n for n in ns if PAGE_NUMBER.match(lines[n].text) or _BARE_NUMBER.match(lines[n].text)
                or repeated[_furniture_key(lines[n])] > 1}
        last = len(lines) - 1
        if lines and len(lines[last].fields) == 1 and PAGE_NUMBER.match(lines[last].text):
            drop.add(last)  # a page number right under the text, wherever the page ends
        out.append([line for n, line in enumerate(lines) if n not in drop])
    return out


def _has_number(line: Line) -> bool:
    return any(re.fullmatch(r"[\d,，.]+", f.strip()) for f in line.fields)


def _drop_repeated_headers(pages: list[list[Line]]) -> list[list[str]]:
    """Page texts; a table header repeated at the top of a page (it continues a table) is dropped."""
    out: list[list[str]] = []
    seen: set[str] = set()
    for lines in pages:
        texts = [ln.text for ln in lines]
        lead = 0
        while lead < len(lines) and not _has_number(lines[lead]):
            lead += 1
        if lead and all(t in seen for t in texts[:lead]) and lead < len(lines):
            texts = texts[lead:]
        seen = {ln.text for ln in lines}
        out.append(texts)
    return out


def pdf_to_text(raw: bytes) -> str:
    """The text of every page in reading order: table rows one a line, cells TAB-separated."""
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    try:
        pages = _read_pages(raw)
    except PdfError:
        raise
    except Exception as exc:  # noqa: BLE001 - pdfminer and pdfium raise many kinds on broken files
        raise PdfError(_library_error(exc)) from None
    texts = _drop_repeated_headers(_drop_furniture(pages))
    text = "\n".join(t for page in texts for t in page).strip("\n")
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise PdfError("has no text layer (a scan?): it needs OCR first")
    return text + "\n"


def _library_error(exc: BaseException) -> str:
    names = {type(e).__name__ for e in (exc, exc.__cause__, exc.__context__) if e is not None}
    if names & {"PDFPasswordIncorrect", "PDFEncryptionError", "PDFEncryptionWarning"}:
        return "is encrypted with a password"
    detail = " ".join(str(exc).split())[:120]
    return f"is not a readable PDF ({type(exc).__name__}: {detail})" if detail else \
        f"is not a readable PDF ({type(exc).__name__})"


__all__ = ["MAX_PAGES", "PdfError", "pdf_to_text", "Box"]
