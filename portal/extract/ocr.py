"""Reports published as images (图片版) — PNG/JPEG files and PDFs without a text layer — read offline.

Why Debian's Tesseract (``tesseract-ocr`` + ``tesseract-ocr-chi-sim``, 5.3, ``ocr_engine``) run cell
by cell: reading a whole page of the form with it, its ruling lines read as ``|`` and ``[`` and split
numbers from their rows (table 3 of seed 002 at 200 dpi: most zeros came out as ``o``, ``。`` or
``"``), while a single cell cut out of the grid and read with ``--psm 7`` and a digits-only
whitelist comes back right. So each page is: deskewed (the angle whose row profile is sharpest),
the red of seals dropped (the red channel, where red ink is as light as paper), its ruling lines
found (long runs of ink), the grid rebuilt with merged cells (``ocr_grid``), and every cell read
(``ocr_cells``) — labels with ``chi_sim``; the cells of the columns and rows of numbers again with
``eng``, a digits whitelist, black on white. Cells are read in batches, one Tesseract process per
batch (a list of images), so the models load once a batch.

The page comes out as text in the layout the table reader reads best — one table row a line,
TAB between cells — and only numbers the form's own arithmetic proves are printed in it
(``ocr_gate``); the rest are blank there, and ``OcrText.unread`` says why each is null.
Table 2 has no sums: a cell of it is kept only when two independent readings agree, and then marked
unproven for a person to check against the image (``ocr_table2``).

Files come from the internet: image size (Pillow's decompression-bomb bound), page count and a
total deadline are bounded, Tesseract runs with a timeout and memory limit and no shell, and
every failure is a one-line ``OcrError``.
"""

from __future__ import annotations

import difflib
import io
import time
import unicodedata
from dataclasses import dataclass, field

from .. import form
from . import ocr_engine
from .numbers import NULL_MARKS, parse_cell
from .ocr_cells import _CJK, _numberish, read_page
from .ocr_engine import PACKAGES, TESSERACT, OcrError
from .ocr_gate import Gated, Reading, gate, table3_identities, table4_identities
from .ocr_grid import GridCell
from .ocr_table2 import Table2Verdict, Twice, decide, table2_paths
from .tokens import norm_label

MAX_PIXELS = 60_000_000  # a 长图 of four A4 pages at 300 dpi holds 56 million
MAX_PAGES = 30
MAX_SECONDS = 300.0
RENDER_DPI = 200
__all__ = ["PACKAGES", "TESSERACT", "MAX_SECONDS", "OcrError", "OcrText", "ocr_to_text", "ocr_pages", "load_pages"]


@dataclass
class OcrText:
    """The text read from the images, and what the reader of the draft must know about it."""

    text: str
    engine: str
    values: dict[str, int | float | None] = field(default_factory=dict)  # table 3/4 cells the gate decided
    unread: dict[str, str] = field(default_factory=dict)  # path → why it is null
    inferred: dict[str, int] = field(default_factory=dict)
    marks: dict[str, str] = field(default_factory=dict)  # path → the null mark printed there (/, —)
    notes: list[str] = field(default_factory=list)
    table2_missing: str | None = None  # why table 2 is null although its image was read
    table2: Table2Verdict | None = None  # table 2's cells read twice alike (unproven), or why each is null
    pages: list[str] = field(default_factory=list)  # each page's (image's) own text

# ---------------------------------------------------------------- loading images


def load_pages(raw: bytes, kind: str, deadline: float):
    """The pages as Pillow images: one per PNG/JPEG file, one per PDF page (rendered at 200 dpi)."""
    from PIL import Image

    if kind == "pdf":
        return _pdf_pages(raw, deadline)
    try:
        image = Image.open(io.BytesIO(raw))
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise OcrError(f"is an image of {width}×{height} pixels: more than {MAX_PIXELS // 1_000_000} million, "
                           "refused (a report's page holds far fewer)")
        image.load()
        return [image]
    except OcrError:
        raise
    except Image.DecompressionBombError:
        raise OcrError(f"is an image of more than {MAX_PIXELS // 1_000_000} million pixels: refused") from None
    except Exception as exc:  # noqa: BLE001 - Pillow raises many kinds on broken files
        raise OcrError(f"is not a readable image ({type(exc).__name__}: {' '.join(str(exc).split())[:100]})") from None


def _pdf_pages(raw: bytes, deadline: float) -> list:
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(raw)
    except Exception as exc:  # noqa: BLE001
        raise OcrError(f"is not a readable PDF ({type(exc).__name__})") from None
    try:
        if len(doc) > MAX_PAGES:
            raise OcrError(f"is a scan of more than {MAX_PAGES} pages: refused (a report's tables take a few)")
        pages = []
        for index in range(len(doc)):
            page = doc[index]
            scale = RENDER_DPI / 72
            width, height = page.get_width() * scale, page.get_height() * scale
            if width * height > MAX_PIXELS:
                raise OcrError(f"page {index + 1} is too large to render for OCR ({width:.0f}×{height:.0f} pixels)")
            pages.append(page.render(scale=scale, grayscale=False).to_pil())
            if time.monotonic() > deadline:
                raise OcrError(f"took more than {MAX_SECONDS:.0f} s: refused")
        return pages
    finally:
        doc.close()

def _number(text: str, *, decimal: bool) -> Reading:
    folded = unicodedata.normalize("NFKC", text).replace(" ", "")
    if folded in NULL_MARKS:
        return Reading(None, folded)
    cell = parse_cell(folded.replace(",", ""), decimal=decimal)
    if cell is None or cell.value is None:
        return Reading(None, text, unread=True)
    return Reading(cell.value, folded)

# ---------------------------------------------------------------- rows of the form


@dataclass
class Band:
    """One printed table row: its label cells' text and its trailing number cells."""

    labels: list[GridCell]
    numbers: list[GridCell]
    page: int
    y: int

def bands_of(cells: list[GridCell], page: int) -> list[Band]:
    out = []
    for row in sorted({c.row for c in cells}):
        mine = [c for c in cells if c.row == row]
        k = len(mine)
        while k > 0 and (mine[k - 1].numeric or _numberish(mine[k - 1])):
            k -= 1
        out.append(Band(mine[:k], mine[k:], page, mine[0].top))
    return out


def _similar(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, norm_label(a), norm_label(b)).ratio()


def map_rows(bands: list[Band]) -> dict:
    """Which bands are which rows of tables 2, 3 and 4, by the form's row order and the labels' likeness."""
    seven = [b for b in bands if len(b.numbers) == form.TABLE3_WIDTH and b.labels]
    t3: dict[str, Band] = {}
    if len(seven) == len(form.TABLE3_ROWS):
        likeness = [_similar(b.labels[-1].text, r.label) for b, r in zip(seven, form.TABLE3_ROWS, strict=True)]
        if sum(likeness) / len(likeness) >= 0.5:
            t3 = {r.key: b for r, b in zip(form.TABLE3_ROWS, seven, strict=True)}
    fifteen = [b for b in bands if len(b.numbers) == len(form.TABLE4_GROUPS) * len(form.TABLE4_CELLS)]
    t2: dict[str, Band] = {}
    items = [*form.TABLE2_TRIPLES, *form.TABLE2_COUNTS, form.TABLE2_FEES]
    for item in items:
        width = len(form.TRIPLE_CELLS) if item in form.TABLE2_TRIPLES else 1
        fits = [b for b in bands if len(b.numbers) == width and b.labels and b not in seven]
        best = max(fits, key=lambda b: _similar(b.labels[-1].text, item.label), default=None)
        if best is not None and _similar(best.labels[-1].text, item.label) >= 0.6:
            t2[item.key] = best
    return {"table2": t2, "table3": t3, "table4": fifteen[0] if len(fifteen) == 1 else None}


# ---------------------------------------------------------------- the whole file


def ocr_to_text(raw: bytes, kind: str) -> OcrText:
    """The images' text with tables as TAB rows; only numbers the form's sums prove are printed."""
    deadline = time.monotonic() + MAX_SECONDS
    engine = ocr_engine.engine_version(ocr_engine.TESSERACT)
    return ocr_pages(load_pages(raw, kind, deadline), engine, deadline)


def ocr_pages(pages: list, engine: str, deadline: float) -> OcrText:
    """``ocr_to_text`` of pages already loaded; ``OcrText.pages`` holds each page's own text."""
    read: list[tuple[list[tuple[int, str]], list[list[GridCell]]]] = []
    for n, page in enumerate(pages):
        read.append(read_page(page, deadline))
        if time.monotonic() > deadline:
            raise OcrError(f"OCR took more than {MAX_SECONDS:.0f} s for {n + 1} pages: refused")
    bands = [b for n, (_, tables) in enumerate(read) for cells in tables for b in bands_of(cells, n)]
    rows = map_rows(bands)
    result = OcrText(text="", engine=engine)
    _gate_tables(rows, result)
    printed = _printed_values(rows, result)
    for n, (lines, tables) in enumerate(read):
        items: list[tuple[int, str]] = list(lines)
        for cells in tables:
            for band in bands_of(cells, n):
                items.append((band.y, _band_line(band, rows, printed)))
        result.pages.append("\n".join(t for _, t in sorted(items, key=lambda it: it[0]) if t.strip()))
    result.text = "\n".join(p for p in result.pages if p) + "\n"
    if not _CJK.search(result.text):
        raise OcrError("has no text layer, and OCR found no Chinese text in its images: not a report")
    result.notes.insert(0, f"本报告的文字和表格由图片经OCR识别（{engine}，逐格识别，数字只用数字字符），"
                           "表三、表四的数字只在表格自身的勾稽关系核对无误时采用；表二没有勾稽关系，"
                           "其数字只在两次独立识别一致时采用，并标为待核（unproven）；请对照原图审核。")
    return result


def _gate_tables(rows: dict, result: OcrText) -> None:
    readings: dict[str, Reading] = {}
    for key, band in rows["table3"].items():
        for col, cell in zip(form.TABLE3_COLUMNS, band.numbers, strict=True):
            readings[f"table3.{key}.{col.key}"] = _number(cell.text, decimal=False)
    identities = table3_identities(rows["table3"]) if rows["table3"] else []
    band4 = rows["table4"]
    if band4 is not None:
        paths = [f"table4.{g.key}.{c.key}" for g in form.TABLE4_GROUPS for c in form.TABLE4_CELLS]
        for path, cell in zip(paths, band4.numbers, strict=True):
            readings[path] = _number(cell.text, decimal=False)
        identities += table4_identities()
    gated: Gated = gate(readings, identities)
    result.marks = {p: r.printed for p, r in readings.items() if r.value is None and not r.unread and r.printed}
    result.values = gated.values
    result.inferred = gated.inferred
    result.unread = gated.rejected
    for path, value in gated.inferred.items():
        result.notes.append(f"{path} 在图片中无法识别，按表格的勾稽关系唯一可能的数 {value} 填入（推算）。")
    if not rows["table3"]:
        result.unread["table3"] = "could not find the 25 rows of table 3 in the image's grid"
    if band4 is None:
        result.unread["table4"] = "could not find table 4's row of 15 cells in the image's grid"
    twice = {path: Twice(cell.text, cell.chinese) for path, cell in table2_cells(rows["table2"]).items()}
    if twice:
        result.table2 = decide(twice)
        if not (result.table2.values or result.table2.marks):
            result.table2_missing = ("表二以图片发布，没有一格的两次独立识别一致；各格读数见备注，"
                                     "请对照原图填写。")


def table2_cells(bands: dict[str, Band]) -> dict[str, GridCell]:
    """Table 2's number cells found in the grid, by cell path."""
    out: dict[str, GridCell] = {}
    for key, band in bands.items():
        paths = [p for p, _ in table2_paths() if p == f"table2.{key}" or p.startswith(f"table2.{key}.")]
        out |= dict(zip(paths, band.numbers, strict=True)) if len(paths) == len(band.numbers) else {}
    return out


def _printed_values(rows: dict, result: OcrText) -> dict[int, str]:
    """id(number cell) → what the text prints for it: the gated value, a null mark as read, or ''."""
    out: dict[int, str] = {}
    verdict = result.table2 or Table2Verdict()
    for path, cell in table2_cells(rows["table2"]).items():
        value = verdict.values.get(path)
        out[id(cell)] = verdict.marks.get(path, "") if value is None else str(value)
    for key, band in rows["table3"].items():
        for col, cell in zip(form.TABLE3_COLUMNS, band.numbers, strict=True):
            out[id(cell)] = _shown(cell, result.values.get(f"table3.{key}.{col.key}"))
    if rows["table4"] is not None:
        paths = [f"table4.{g.key}.{c.key}" for g in form.TABLE4_GROUPS for c in form.TABLE4_CELLS]
        for path, cell in zip(paths, rows["table4"].numbers, strict=True):
            out[id(cell)] = _shown(cell, result.values.get(path))
    return out


def _shown(cell: GridCell, value) -> str:
    if value is not None:
        return str(value)
    reading = _number(cell.text, decimal=False)
    return reading.printed if reading.value is None and not reading.unread else ""


def _band_line(band: Band, rows: dict, printed: dict[int, str]) -> str:
    labels = [c.text for c in band.labels]
    t3 = {id(b): key for key, b in rows["table3"].items()}
    if id(band) in t3 and labels:
        labels[-1] = next(r.label for r in form.TABLE3_ROWS if r.key == t3[id(band)])
    numbers = [printed.get(id(c), "") for c in band.numbers]
    return "\t".join([*labels, *numbers])
