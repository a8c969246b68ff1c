"""Reading the cells of a scanned page: labels with ``chi_sim``, number cells with digits only.

A cell is cut out of the ruled grid (``ocr_grid``) with what is left of its ruling lines painted
out, scaled so its glyphs stand about 30 px tall (Tesseract's LSTM reads best there), and read in
batches, one Tesseract process a batch (``ocr_engine.read_batch``). Which cells hold numbers is
decided by their column and row (``mark_numeric``), not by what Chinese OCR made of them.
"""

from __future__ import annotations

import re
import unicodedata

from . import ocr_engine
from .numbers import NULL_MARKS
from .ocr_grid import GridCell, find_tables, ink_of

_DIGITS = "0123456789,./-"
_NUMBERISH = re.compile(r"^[\d,，.。·oOlI|/\\\-—–―_ ]+$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


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
    texts = ocr_engine.read_batch([c for _, c in kept], lang="chi_sim", psm=7, deadline=deadline)
    page_lines = [(y, _clean(t)) for (y, _), t in zip(kept, texts, strict=True) if _clean(t)]
    # table cells: labels first (chi_sim), number-like cells again with digits only
    todo = [(cell, piece) for cells in tables for cell in cells
            if (piece := _crop(grey, mask, (cell.left, cell.top, cell.right, cell.bottom), dpi)) is not None]
    texts = ocr_engine.read_batch([p for _, p in todo], lang="chi_sim", psm=6, deadline=deadline)
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
    digits = ocr_engine.read_batch(pieces, lang="eng", psm=7, whitelist=_DIGITS, deadline=deadline)
    # Tesseract's line mode (psm 7) now and then sees no line in a lone digit ("4", "9"): those
    # few are read again as a single word (psm 8), which reads them but misreads more overall
    again = [n for n, text in enumerate(digits) if not text.strip()]
    for n, text in zip(again, ocr_engine.read_batch([pieces[n] for n in again], lang="eng", psm=8, whitelist=_DIGITS,
                                         deadline=deadline), strict=True):
        digits[n] = text
    for (cell, _), text in zip(numeric, digits, strict=True):
        cell.chinese = cell.text  # chi_sim's reading of the grey ink: table 2's second, independent reading
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


def _numberish(cell: GridCell) -> bool:
    t = unicodedata.normalize("NFKC", cell.text).replace(" ", "")
    return t == "" or t in NULL_MARKS or bool(_NUMBERISH.match(t)) and not _CJK.search(t)
