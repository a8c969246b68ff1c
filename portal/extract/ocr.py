"""Reports published as images (图片版) — PNG/JPEG files and PDFs without a text layer — read offline.

Why Debian's Tesseract (``tesseract-ocr`` + ``tesseract-ocr-chi-sim``, 5.3) run cell by cell:
reading a whole page of the form with it, its ruling lines read as ``|`` and ``[`` and split
numbers from their rows (table 3 of seed 002 at 200 dpi: most zeros came out as ``o``, ``。`` or
``"``), while a single cell cut out of the grid and read with ``--psm 7`` and a digits-only
whitelist comes back right. So each page is: deskewed (the angle whose row profile is sharpest),
the red of seals dropped (the red channel, where red ink is as light as paper), its ruling lines
found (long runs of ink), the grid rebuilt with merged cells, and every cell read — labels with
``chi_sim``, numbers with ``eng`` and a digits whitelist. Cells are read in batches, one
Tesseract process per batch (a list of images), so the models load once a page.

The page comes out as text in the layout the table reader reads best — one table row a line,
TAB between cells — and only numbers the form's own arithmetic proves are printed in it
(``ocr_gate``); the rest are blank there, and ``OcrText.unread`` says why each is null.
Table 2 has no sums: its readings are not printed but listed in a note for a person to check.

Files come from the internet: image size (Pillow's decompression-bomb bound), page count and a
total deadline are bounded, Tesseract runs with a timeout and memory limit and no shell, and
every failure is a one-line ``OcrError``.
"""

from __future__ import annotations

import difflib
import io
import os
import re
import resource
import signal
import subprocess
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .. import form
from .numbers import NULL_MARKS, parse_cell
from .ocr_gate import Gated, Reading, gate, table3_identities, table4_identities
from .ocr_grid import GridCell, find_tables, ink_of
from .tokens import norm_label

TESSERACT = "tesseract"  # a path or a name on PATH; tests point it at a missing binary
PACKAGES = ("tesseract-ocr", "tesseract-ocr-chi-sim")
NEEDS_OCR = (f"has no text layer (a scan or an image): reading it needs OCR — as root run "
             f"apt-get install -y {' '.join(PACKAGES)}")
MAX_PIXELS = 60_000_000  # a 长图 of four A4 pages at 300 dpi holds 56 million
MAX_PAGES = 30
MAX_SECONDS = 300.0
PAGE_SECONDS = 60.0  # one Tesseract batch
MEMORY_BYTES = 2 << 30
RENDER_DPI = 200
_DIGITS = "0123456789,./-"
_NUMBERISH = re.compile(r"^[\d,，.。·oOlI|/\\\-—–―_ ]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


class OcrError(ValueError):
    """The image cannot be read; the message says why in one line."""


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


# ---------------------------------------------------------------- the engine


@lru_cache(maxsize=4)
def engine_version(binary: str = TESSERACT) -> str:
    """``tesseract 5.3.0`` with its chi_sim model, or an ``OcrError`` naming the packages."""
    try:
        done = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=20, stdin=subprocess.DEVNULL,
                              env=_env(), check=False)
        version = subprocess.run([binary, "--version"], capture_output=True, timeout=20, stdin=subprocess.DEVNULL,
                                 env=_env(), check=False)
    except (OSError, subprocess.SubprocessError):
        raise OcrError(NEEDS_OCR) from None
    if "chi_sim" not in done.stdout.decode(errors="replace").split():
        raise OcrError(NEEDS_OCR)
    first = (version.stdout or version.stderr).decode(errors="replace").splitlines()
    return first[0].strip() if first else "tesseract"


def _env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1", "LANG": "C.UTF-8"}


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    cpu = int(PAGE_SECONDS) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def read_batch(images: list, *, lang: str, psm: int, whitelist: str | None = None,
               deadline: float | None = None) -> list[str]:
    """Tesseract's text for each image, in one process (a list file: one model load)."""
    if not images:
        return []
    timeout = PAGE_SECONDS if deadline is None else max(1.0, min(PAGE_SECONDS, deadline - time.monotonic()))
    with tempfile.TemporaryDirectory(prefix="portal-ocr-") as tmp:
        work = Path(tmp)
        names = []
        for n, image in enumerate(images):
            name = work / f"{n}.png"
            image.save(name)
            names.append(str(name))
        (work / "list.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
        command = [TESSERACT, str(work / "list.txt"), str(work / "out"), "-l", lang, "--psm", str(psm)]
        if whitelist:
            command += ["-c", f"tessedit_char_whitelist={whitelist}"]
        try:
            child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, cwd=tmp, env=_env(), preexec_fn=_limits,
                                     start_new_session=True)
        except OSError:
            raise OcrError(NEEDS_OCR) from None
        try:
            _, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            raise OcrError(f"OCR did not finish within {timeout:.0f} s: refused") from None
        out = work / "out.txt"
        if child.returncode != 0 or not out.is_file():
            said = " ".join(err.decode(errors="replace").split())[:160]
            raise OcrError(f"OCR failed (exit status {child.returncode}{': ' + said if said else ''})")
        pages = out.read_text(encoding="utf-8", errors="replace").split("\f")
    pages += [""] * (len(images) - len(pages))
    return [p.strip() for p in pages[:len(images)]]


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


# ---------------------------------------------------------------- reading cells


def _crop(grey, mask, box: tuple[int, int, int, int], dpi: float):
    """The ink of a cell (its borders cut away), padded and scaled for Tesseract; None when empty.

    What is left of a ruling line inside the cell (the grid is found to a pixel or two, and at
    150 dpi a line's edge is a faint grey, lighter than the ink threshold) reads as ``/`` or
    ``1`` beside the number, or makes Tesseract see no text at all. So a column (row) of the cell
    that is darker than its paper along four fifths of its height (a row: three fifths of its
    width) is a line, not a glyph:
    it is painted paper before the ink's box is taken.
    """
    from PIL import Image, ImageOps

    inset = max(2, int(dpi / 25.4 * 0.4))
    left, top, right, bottom = box
    box = (left + inset, top + inset, right - inset, bottom - inset)
    if box[2] <= box[0] or box[3] <= box[1]:
        return None
    region, cut = grey.crop(box), mask.crop(box)
    histogram = region.histogram()
    paper, seen = 255, 0
    for level in range(255, -1, -1):  # the paper's grey: the level the lightest half of the cell reaches
        seen += histogram[level]
        if 2 * seen >= region.width * region.height:
            paper = level
            break
    light = region.point(lambda v, edge=paper - 40: 255 if v < edge else 0)
    cols = light.resize((light.width, 1), Image.BOX).tobytes()
    rows = light.resize((1, light.height), Image.BOX).tobytes()
    for x in (x for x, v in enumerate(cols) if v >= 204):
        region.paste(paper, (x, 0, x + 1, region.height))
        cut.paste(0, (x, 0, x + 1, cut.height))
    for y in (y for y, v in enumerate(rows) if v >= 153):  # a row of digits is far from 3/5 ink
        region.paste(paper, (0, y, region.width, y + 1))
        cut.paste(0, (0, y, cut.width, y + 1))
    ink = cut.getbbox()
    if ink is None or (ink[2] - ink[0]) * (ink[3] - ink[1]) < (dpi / 100) ** 2:
        return None
    piece = region.crop(ink)
    scale = 1.0 if dpi >= 280 else 300 / dpi
    if scale != 1.0:
        piece = piece.resize((max(1, round(piece.width * scale)), max(1, round(piece.height * scale))), Image.LANCZOS)
    return ImageOps.expand(piece, border=12, fill=paper)


def _binary(piece):
    lo, hi = piece.getextrema()
    return piece.point(lambda v, mid=(lo + hi) // 2: 0 if v < mid else 255)


def _is_dash(piece, dpi: float) -> bool:
    """A lone horizontal stroke (—, -, ——): wide, and a fraction of a digit's height."""
    height = piece.height - 24
    return piece.width - 24 > 1.5 * height and height < (dpi / 25.4) * 1.0 * (300 / dpi if dpi < 280 else 1)


def _number(text: str, *, decimal: bool) -> Reading:
    folded = unicodedata.normalize("NFKC", text).replace(" ", "")
    if folded in NULL_MARKS:
        return Reading(None, folded)
    cell = parse_cell(folded.replace(",", ""), decimal=decimal)
    if cell is None or cell.value is None:
        return Reading(None, text, unread=True)
    return Reading(cell.value, folded)


def read_page(image, deadline: float) -> tuple[list[tuple[int, str]], list[list[GridCell]]]:
    """A page's text lines outside tables (y, text) and its tables with every cell read."""
    from PIL import Image

    grey, mask = ink_of(image)
    dpi = grey.width / 8.27 if grey.width < grey.height * 1.1 else grey.height / 8.27
    tables = find_tables(mask, dpi)
    # text outside the tables, line by line
    blank = mask.copy()
    for cells in tables:
        blank.paste(0, (min(c.left for c in cells) - 4, min(c.top for c in cells) - 4,
                        max(c.right for c in cells) + 5, max(c.bottom for c in cells) + 5))
    profile = blank.resize((1, blank.height), Image.BOX).tobytes()
    lines, start = [], None
    for y, v in enumerate([*profile, 0]):
        if v and start is None:
            start = y
        elif not v and start is not None:
            if y - start >= dpi / 25.4 * 1.2:
                box = blank.crop((0, start, blank.width, y)).getbbox()
                if box:
                    lines.append((start, (box[0], start, box[2], y)))
            start = None
    crops = [_crop(grey, blank, (b[0] - 8, b[1] - 8, b[2] + 8, b[3] + 8), dpi) for _, b in lines]
    kept = [(y, c) for (y, _), c in zip(lines, crops, strict=True) if c is not None]
    texts = read_batch([c for _, c in kept], lang="chi_sim", psm=7, deadline=deadline)
    page_lines = [(y, _clean(t)) for (y, _), t in zip(kept, texts, strict=True) if _clean(t)]
    # table cells: labels first (chi_sim), number-like cells again with digits only
    todo = [(cell, piece) for cells in tables for cell in cells
            if (piece := _crop(grey, mask, (cell.left, cell.top, cell.right, cell.bottom), dpi)) is not None]
    texts = read_batch([p for _, p in todo], lang="chi_sim", psm=6, deadline=deadline)
    for (cell, _), text in zip(todo, texts, strict=True):
        cell.text = _clean(text)
    for cells in tables:
        mark_numeric(cells, max(3, int(dpi / 25.4)))
    numeric = []
    for cell, piece in todo:
        if _is_dash(piece, dpi):
            cell.text = "—"
        elif cell.numeric or not _CJK.search(cell.text):
            numeric.append((cell, piece))
    # Digits are read black on white, cut at half-way between the cell's paper and its darkest ink:
    # on JPEG-blurred grey, Tesseract read 5 as 3 and 35 as 85; on the same cells cut to black and
    # white, it read none wrong (2,280 cells of six noise levels), though it sees no line in a few more.
    pieces = [_binary(p) for _, p in numeric]
    digits = read_batch(pieces, lang="eng", psm=7, whitelist=_DIGITS, deadline=deadline)
    # Tesseract's line mode (psm 7) now and then sees no line in a lone digit ("4", "9"): those
    # few are read again as a single word (psm 8), which reads them but misreads more overall
    again = [n for n, text in enumerate(digits) if not text.strip()]
    for n, text in zip(again, read_batch([pieces[n] for n in again], lang="eng", psm=8, whitelist=_DIGITS,
                                         deadline=deadline), strict=True):
        digits[n] = text
    for (cell, _), text in zip(numeric, digits, strict=True):
        # ink that reads as nothing is not a blank cell: "?" keeps it unread, for the gate to pin
        if text.strip() or not cell.numeric or len(_CJK.findall(cell.text)) < 2:
            cell.text = text.replace(" ", "") or ("?" if cell.numeric else "")
    return page_lines, tables


def mark_numeric(cells: list[GridCell], tol: int) -> None:
    """Mark the number cells of a table: the short cells of its columns of numbers, below their headers.

    Chinese OCR reads a lone digit as a character now and then (``3`` as ``引``, ``25`` as
    ``纪5``): judged cell by cell, such a row loses a number and no longer lines up with the form.
    A column is a column of numbers when at least half its cells, from the first that reads as a
    number down, read as one; from the table's first row of numbers down, every short cell of such
    a column is read again with digits only; and so is every short cell of a row whose cells, from
    its first number on, are mostly numbers.
    """
    columns: dict[tuple[int, int], list[GridCell]] = {}
    for cell in cells:
        key = next((k for k in columns if abs(k[0] - cell.left) <= tol and abs(k[1] - cell.right) <= tol),
                   (cell.left, cell.right))
        columns.setdefault(key, []).append(cell)
    starts: list[tuple[int, list[GridCell]]] = []
    for column in columns.values():
        column.sort(key=lambda c: c.row)
        first = next((n for n, c in enumerate(column) if c.text and _numberish(c)), None)
        if first is not None and 2 * sum(_numberish(c) for c in column[first:]) >= len(column) - first:
            starts.append((column[first].row, column))
    top = min((row for row, _ in starts), default=0)
    for _, column in starts:
        for c in column:
            c.numeric = c.row >= top and _short(c)
    # a row of numbers alone (table 4's numbers on the page after its header): by the row
    for row in {c.row for c in cells}:
        mine = sorted((c for c in cells if c.row == row), key=lambda c: c.left)
        first = next((n for n, c in enumerate(mine) if c.text and _numberish(c)), None)
        if first is not None and 2 * sum(_numberish(c) for c in mine[first:]) > len(mine) - first:
            for c in mine[first:]:
                c.numeric = c.numeric or _short(c)


def _short(cell: GridCell) -> bool:
    """Short enough to be a number Chinese OCR misread (``纪5``), not a label."""
    return len(cell.text) <= 8 and len(_CJK.findall(cell.text)) <= 2


def _clean(text: str) -> str:
    """One line of OCR text: lines of a wrapped cell joined, spaces between CJK characters dropped."""
    text = "".join(part.strip() for part in text.splitlines())
    return re.sub(r"(?<=[\u4e00-\u9fff（）()、，。“”])\s+|\s+(?=[\u4e00-\u9fff（）()、，。“”])", "", text).strip()


# ---------------------------------------------------------------- rows of the form


@dataclass
class Band:
    """One printed table row: its label cells' text and its trailing number cells."""

    labels: list[GridCell]
    numbers: list[GridCell]
    page: int
    y: int


def _numberish(cell: GridCell) -> bool:
    t = unicodedata.normalize("NFKC", cell.text).replace(" ", "")
    return t == "" or t in NULL_MARKS or bool(_NUMBERISH.match(t)) and not _CJK.search(t)


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
    engine = engine_version(TESSERACT)
    pages = load_pages(raw, kind, deadline)
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
    text_lines: list[str] = []
    for n, (lines, tables) in enumerate(read):
        items: list[tuple[int, str]] = list(lines)
        for cells in tables:
            for band in bands_of(cells, n):
                items.append((band.y, _band_line(band, rows, printed)))
        text_lines += [t for _, t in sorted(items, key=lambda it: it[0]) if t.strip()]
    result.text = "\n".join(text_lines) + "\n"
    if not _CJK.search(result.text):
        raise OcrError("has no text layer, and OCR found no Chinese text in its images: not a report")
    result.notes.insert(0, f"本报告的文字和表格由图片经OCR识别（{engine}，逐格识别，数字只用数字字符），"
                           "表三、表四的数字只在表格自身的勾稽关系核对无误时采用；请对照原图审核。")
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
    readings2 = []
    for item in [*form.TABLE2_TRIPLES, *form.TABLE2_COUNTS, form.TABLE2_FEES]:
        band = rows["table2"].get(item.key)
        if band is not None:
            readings2.append(f"{item.label} " + " / ".join(c.text or "□" for c in band.numbers))
    if readings2:
        result.notes.append("表二OCR读作：" + "；".join(readings2) + "。")
        result.table2_missing = ("表二以图片发布，表二没有合计可以核对OCR读出的数字，故未采用；"
                                 "OCR的读数见备注，请对照原图填写。")


def _printed_values(rows: dict, result: OcrText) -> dict[int, str]:
    """id(number cell) → what the text prints for it: the gated value, a null mark as read, or ''."""
    out: dict[int, str] = {}
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
