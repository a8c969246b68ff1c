"""PDFs with a text layer, via pypdf; scanned PDFs (no text) are refused, not guessed at.

pypdf gives each page's text in content order. Table labels often wrap onto several lines and
a row's numbers land between them; ``tables.py`` is built for that. Page numbers printed at
the top or bottom of a page would otherwise be read as cells of a table that spans pages, so
they are dropped here.
"""

from __future__ import annotations

import io
import logging
import re

MAX_PAGES = 300
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[-－—–]\s*\d{1,3}\s*[-－—–]|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)


class PdfError(ValueError):
    """The PDF cannot be read, or has no text to read."""


def _page_lines(text: str) -> list[str]:
    lines = text.strip("\n").split("\n")
    for end in (0, -1):
        if lines and _PAGE_NUMBER.match(lines[end]):
            lines.pop(end)
    return lines


def pdf_to_text(raw: bytes) -> str:
    """The text layer of every page, in order, without page numbers."""
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise PdfError("is encrypted with a password")
        if len(reader.pages) > MAX_PAGES:
            raise PdfError(f"has {len(reader.pages)} pages; a report has fewer than {MAX_PAGES}")
        pages = [page.extract_text() or "" for page in reader.pages]
    except PdfError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many kinds on broken files
        raise PdfError(f"is not a readable PDF ({type(exc).__name__}: {exc})") from None
    lines = [line.rstrip() for page in pages for line in _page_lines(page)]
    text = "\n".join(lines).strip("\n")
    if not re.search(r"[\u4e00-\u9fff]", text):
        raise PdfError("has no text layer (a scan?): it needs OCR first")
    return text + "\n"
