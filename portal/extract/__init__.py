"""Raw report (text, HTML, Word, PDF) → a draft of its report YAML, for a person to review.

Every format is first turned into text (the text stored beside the YAML), and one reader
finds the agency, year, contact details, tables and narrative figures in that text, so what a
reviewer sees in the source is exactly what was read. ``extract`` is pure: bytes in, a
``Draft`` out — whose ``refusal`` says plainly why, when the bytes are not a readable report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath

from .. import form
from .agency import AgencyMatch, ocr_suggestions
from .decode import DecodeError, declared_charset, decode
from .doc import DocError, doc_to_text
from .docx import DocxError, docx_images, docx_to_text
from .html import HtmlError, html_images, html_to_text
from .meta import Meta, draft_agency, read_contact, read_meta
from .narrative import read_narrative
from .ocr import OcrError, OcrText, ocr_to_text
from .ocr_draft import hold_to_the_gate
from .ocr_embedded import Fetch, data_uri, read_in_place, tables_as_images
from .origin import source_url
from .pdf import PdfError, pdf_to_text
from .table2 import read_table2
from .table3 import read_table3
from .table4 import read_table4
from .tables import TableRead, find_regions, form_of
from .view import reading_lines

SCHEMA_LINE = "# yaml-language-server: $schema=../../schema/report.schema.json"
FIRST_FORM_YEAR = 2019
BEFORE_THE_FORMS = ("本报告依2008年施行的《政府信息公开条例》编制，当时没有全国统一的统计表格式"
                    "（统一格式始于2019年度报告），原文所附的统计表（如有）栏目各异，不能对应到本表，"
                    "数字见原文和“正文中的数字”。")
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")
_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
NO_TEXT_LAYER = "has no text layer"
"""How ``pdf.py`` refuses a PDF without text (a scan): such a PDF goes to OCR instead."""
_HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".asp", ".aspx", ".jsp", ".php"}


class ExtractError(ValueError):
    """The input cannot be read as a report; the message says why, in one line."""


@dataclass
class Draft:
    """A draft report: ``data`` in the layout of docs/content.md, and the text it came from."""

    data: dict
    text: str
    agency_entry: dict | None = None
    problems: list[str] = field(default_factory=list)
    format: str = "text"
    refusal: str | None = None  # why no draft can be made from these bytes; then data is {}


_PIPE_ROW = re.compile(rb"^[ \t]*\|.*\|[ \t]*\r?$", re.MULTILINE)


def _markdown_tables(raw: bytes) -> bool:
    """Markdown with pipe tables (a converter's output may hold an HTML <table> too): a text."""
    return len(_PIPE_ROW.findall(raw[:65536])) >= 3


def sniff(raw: bytes, filename: str) -> str:
    """text | html | docx | doc | rtf | pdf | image, from the bytes first and the file name second.

    Government sites often serve a web page or an RTF file under a .doc name (a CMS's "export
    to Word"): the bytes decide.
    """
    suffix = PurePath(filename).suffix.lower()
    if raw.startswith(b"%PDF-"):
        return "pdf"
    if raw.startswith(_IMAGE_MAGIC):  # PNG, JPEG: a report or its tables published as a picture
        return "image"
    if suffix in _IMAGE_SUFFIXES:
        raise ExtractError(f"is named {suffix} but its content is not a {suffix[1:].upper()} image")
    if raw.startswith(b"PK\x03\x04"):
        return "docx"
    if raw.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):  # OLE compound file: Word 97–2003 (LibreOffice checks)
        return "doc"
    if raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        return "rtf"
    if suffix in _HTML_SUFFIXES:
        return "html"
    head = raw[:2048].lower().replace(b"\x00", b"")
    page = any(tag in head for tag in (b"<html", b"<!doctype html", b"<table", b"<body"))
    if page and suffix in ("", ".txt", ".doc") and not _markdown_tables(raw):
        return "html"
    if suffix in (".pdf", ".docx", ".doc"):
        raise ExtractError(f"is named {suffix} but its content is not a {suffix[1:].upper()} file")
    return "text"


def to_text(raw: bytes, fmt: str) -> str:
    return read_text(raw, fmt)[0]


def read_text(raw: bytes, fmt: str, beside: Fetch | None = None) -> tuple[str, OcrText | None]:
    """The file's text; for an image or a PDF without a text layer, what OCR read (and its verdicts).

    A page or .docx whose tables are pictures has them read in place (``ocr_embedded``); ``beside``
    fetches a page's pictures by their ``src``.
    """
    if fmt == "image":
        return _ocr(raw, "image")
    try:
        text = _text_of(raw, fmt)
    except ExtractError as exc:
        if fmt == "pdf" and str(exc).startswith(NO_TEXT_LAYER):
            return _ocr(raw, "pdf")
        raise
    if fmt in ("docx", "html") and tables_as_images(text):
        found = read_in_place(text, embedded_images(raw, fmt, beside))
        if found is not None:
            return found.text, found
    return text, None


def embedded_images(raw: bytes, fmt: str, beside: Fetch | None) -> list[tuple[str, bytes | None]]:
    """The pictures behind a .docx's or a page's ``[image: …]`` markers (see ``ocr_embedded``)."""
    try:
        if fmt == "docx":
            return docx_images(raw)
        pictures = html_images(decode(raw, declared_charset(raw)).text)
    except (DecodeError, DocxError, HtmlError):
        return []
    return [(name, data_uri(src) or (beside(src) if beside and not src.startswith("data:") else None))
            for name, src in pictures]


def _suggestion(meta: Meta, ocr: OcrText | None, registry: list[dict]) -> str | None:
    """The registry's near misses for an unregistered name; for an OCR'd title, also two slips off."""
    if meta.suggestion or ocr is None or not meta.printed_name:
        return meta.suggestion
    return AgencyMatch(suggestions=tuple(ocr_suggestions(meta.printed_name, registry))).suggestion_text()


def _ocr(raw: bytes, kind: str) -> tuple[str, OcrText]:
    try:
        found = ocr_to_text(raw, kind)
    except OcrError as exc:
        raise ExtractError(str(exc)) from None
    return found.text, found


def _text_of(raw: bytes, fmt: str) -> str:
    try:
        if fmt == "pdf":
            return pdf_to_text(raw)
        if fmt == "docx":
            return docx_to_text(raw)
        if fmt in ("doc", "rtf"):
            return doc_to_text(raw, fmt)
        if fmt == "html":
            return html_to_text(decode(raw, declared_charset(raw)).text)
        return decode(raw).text
    except (DecodeError, DocError, DocxError, HtmlError, PdfError) as exc:
        raise ExtractError(str(exc)) from None


def extract(raw: bytes, filename: str, registry: list[dict], beside: Fetch | None = None) -> Draft:
    """Read one raw report. Never raises for bad input: unreadable bytes give a refusal.

    ``beside(src)`` returns the bytes of a picture a web page shows (its ``<img src>``), or None.
    """
    try:
        return _extract(raw, filename, registry, beside)
    except ExtractError as exc:
        return Draft(data={}, text="", problems=[str(exc)], refusal=str(exc))


def _extract(raw: bytes, filename: str, registry: list[dict], beside: Fetch | None) -> Draft:
    if not raw.strip():
        raise ExtractError("is empty")
    fmt = sniff(raw, filename)
    text, ocr = read_text(raw, fmt, beside)
    if "\x00" in text:
        raise ExtractError("contains NUL characters: it is a binary file, not a report's text")
    if not text.strip():
        raise ExtractError("contains no text")
    lines = reading_lines(text)
    meta = read_meta(lines, registry)
    contact = read_contact(text)
    regions = find_regions(lines)
    if meta.year is not None and meta.year < FIRST_FORM_YEAR:
        regions = dict.fromkeys(regions)
        reads = {key: TableRead(missing=BEFORE_THE_FORMS) for key in regions}
    else:
        reads = {
            "table2": read_table2(lines, regions["table2"]),
            "table3": read_table3(lines, regions["table3"]),
            "table4": read_table4(lines, regions["table4"]),
        }
    first_table = min((span[0] - 1 for span in regions.values() if span), default=len(lines))
    narrative = read_narrative("\n".join(lines[:first_table]), meta.year)

    problems: list[str] = []
    agency_entry = None
    slug = meta.agency.get("slug") if meta.agency else None
    if meta.agency is None:
        if meta.tied:  # the wrong agency is worse than none: the editor names it
            problems.append(f"agency {meta.printed_name} matches {', '.join(meta.tied)} equally: pass --agency SLUG")
        elif meta.printed_name:
            taken = {str(e.get("slug")) for e in registry}
            agency_entry = draft_agency(meta.printed_name, contact, taken)
            slug = agency_entry["slug"]
            problems.append(f"agency {meta.printed_name} is not in the registry: drafted entry {slug}"
                            + (f"; {suggestion}" if (suggestion := _suggestion(meta, ocr, registry)) else ""))
        else:
            problems.append("could not tell which agency published it")
    if meta.year is None:
        problems.append("could not find the year: no title like 2023年政府信息公开工作年度报告")
    notes = list(meta.notes)
    if meta.published is None:
        notes.append("原文没有印发日期。")
    cells: dict[str, str] = {}
    ocr_problems = hold_to_the_gate(reads, ocr) if ocr is not None else []
    for r in reads.values():
        problems += r.problems
        notes += r.notes
        cells |= r.cells
    if ocr is not None:
        notes[:0] = ocr.notes
        problems += ocr_problems
    notes += [f"提取：{p}" for p in problems]
    title = meta.title
    if title is None:
        name = meta.agency["name"] if meta.agency else meta.printed_name or ""
        title = f"{name}{meta.year or ''}年政府信息公开工作年度报告"
        notes.append("原文没有可识别的标题，标题按机关名称和年份拟定。")
    data = {
        "agency": slug,
        "year": meta.year,
        "title": title,
        "published": meta.published,
        "status": "draft",
        "form": form_of(meta.year, reads["table3"].single_row, reads["table2"].form_2019),
        "source": {
            "file": f"{meta.year}.txt",
            "original_name": PurePath(filename).name or None,
            "format": fmt,
            "url": source_url(raw, text),
            "retrieved": None,
            **({"ocr": ocr.engine} if ocr is not None else {}),
        },
        "contact": contact,
        "missing_tables": {k: r.missing for k, r in reads.items() if r.missing},
        **{k: r.data for k, r in reads.items()},
        **({form.TABLE2_2019_KEY: reads["table2"].as_printed_2019} if reads["table2"].as_printed_2019 else {}),
        "cells": cells,
        **({"unproven": dict(ocr.table2.unproven)} if ocr is not None and ocr.table2 and ocr.table2.unproven else {}),
        "narrative": narrative,
        "notes": notes,
    }
    return Draft(data=data, text=text, agency_entry=agency_entry, problems=problems, format=fmt)


__all__ = ["Draft", "ExtractError", "extract", "form", "SCHEMA_LINE"]
