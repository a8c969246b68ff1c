"""Tables published as pictures inside a web page or a Word file: the pictures read by OCR, in place.

A page or .docx whose tables are images (seed 004, 环山街道 2023, prints its three tables as
``[image: …]``) has its headings and prose as text, and nothing under 三、收到和处理… but a
picture. When the text holds a picture marker and no row of the form's tables with numbers, the
pictures are read like the pages of a scan (``ocr.ocr_pages``: the same grid, cells and
arithmetic gate) and each picture's text takes the place of its marker, so the headings around
it still tell the table reader which table it is. A page's pictures are its ``<img>`` elements:
inline ``data:`` URIs, or files beside the page (``beside`` fetches them; ingest reads them from
the page's folder); a .docx's are its drawings' embedded parts.

Pictures are bounded like scans: at most ``MAX_IMAGES``, together within ``ocr.MAX_PIXELS`` (the
pictures past it are not read); icons
smaller than ``MIN_SIDE`` pixels are not read; a picture that is not an image is left a marker.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from . import ocr_engine
from .ocr import MAX_PAGES, MAX_PIXELS, MAX_SECONDS, OcrError, OcrText, load_pages, ocr_pages

IMAGE_MARK = re.compile(r"\[image: ([^\]\n]*)\]")
# a row of table 3 or table 2 with a number on it: the tables are text, not pictures
_TABLE_ROW = re.compile(r"(本年新收|上年结转|行政许可|行政处罚|予以公开)[^\n]*?\d")
MAX_IMAGES = MAX_PAGES
MIN_SIDE = 120
MAX_IMAGE_BYTES = 30_000_000

Fetch = Callable[[str], bytes | None]


def tables_as_images(text: str) -> bool:
    """The text marks pictures and prints no row of the form with a number: its tables are pictures."""
    return bool(IMAGE_MARK.search(text)) and not _TABLE_ROW.search(text)


def data_uri(src: str) -> bytes | None:
    """The bytes of a ``data:image/…;base64,`` URI, or None."""
    head, _, body = src.partition(",")
    if not head.lower().startswith("data:image/") or not head.lower().endswith(";base64"):
        return None
    if len(body) > MAX_IMAGE_BYTES * 4 // 3 + 4:
        return None
    try:
        return base64.b64decode(body, validate=False)
    except (binascii.Error, ValueError):
        return None


def read_in_place(text: str, images: list[tuple[str, bytes | None]]) -> OcrText | None:
    """``text`` with each picture's OCR text in place of its marker; None when no picture reads as text.

    ``images`` are (marker name, bytes) in document order, as the markers are; a marker is matched
    to the next picture of its name not yet used.
    """
    deadline = time.monotonic() + MAX_SECONDS
    pages, owners, total, full = [], [], 0, False
    for n, (_, raw) in enumerate(images[:MAX_IMAGES]):
        if not raw or len(raw) > MAX_IMAGE_BYTES:
            continue
        try:
            loaded = load_pages(raw, "image", deadline)
        except OcrError:
            continue  # not an image Pillow reads (an EMF drawing, a broken file): it stays a marker
        for page in loaded:
            if min(page.size) < MIN_SIDE:
                continue
            total += page.width * page.height
            if total > MAX_PIXELS:  # all pictures are held at once: together no more than one 长图
                full = True
                break
            pages.append(page)
            owners.append(n)
        if full:
            break
    if not pages:
        return None
    try:
        found = ocr_pages(pages, ocr_engine.engine_version(ocr_engine.TESSERACT), deadline)
    except OcrError:
        return None
    by_image: dict[int, list[str]] = {}
    for owner, page_text in zip(owners, found.pages, strict=True):
        by_image.setdefault(owner, []).append(page_text)
    unused = list(enumerate(name for name, _ in images))

    def splice(match: re.Match) -> str:
        n = next((k for k, name in unused if name == match.group(1)), None)
        if n is None:
            return match.group(0)
        unused.remove((n, match.group(1)))
        return "\n".join(by_image[n]) if n in by_image else match.group(0)

    found.text = IMAGE_MARK.sub(splice, text)
    found.notes[0] = found.notes[0].replace("本报告的文字和表格由图片经OCR识别",
                                            "本报告的表格以图片发布，图片经OCR识别")
    return found


def pictures_beside(page: Path) -> Fetch:
    """``beside`` for a page saved with its pictures: ``src`` resolved in the page's folder, never outside it.

    A browser's "save page" puts the pictures in ``<page>_files/``; a page fetched by hand often has
    them right beside it: the path as written is tried first, then the file name alone.
    """
    folder = page.resolve().parent

    def fetch(src: str) -> bytes | None:
        path = unquote(urlsplit(src).path)
        if not path or urlsplit(src).scheme not in ("", "file"):
            return None
        for candidate in (folder / path.lstrip("/"), folder / PurePosixPath(path).name):
            try:
                found = candidate.resolve()
                if found.is_relative_to(folder) and found.is_file() and found.stat().st_size <= MAX_IMAGE_BYTES:
                    return found.read_bytes()
            except (OSError, ValueError):
                continue
        return None

    return fetch
