"""Reports published as images (图片版), with known answers: scans and photos of the national form.

``render_scan(report, noise)`` draws the report with ``tests/pdfgen.py`` (a text-layer PDF of the
form's real layout, merged vertical labels included), renders each page with PDFium at a scan's
resolution and spoils it the way scanning and re-publishing do: a slight rotation, a red seal
stamped over some cells, grey paper, JPEG compression. The result is either one tall PNG of all
pages (a 长图 as web pages embed it) or an image-only PDF (one JPEG per page, no text layer).

``LEVELS`` are the noise levels the benchmark measures one at a time (``level_noise``):
``clean`` (200 dpi, lossless), ``dpi150``, ``rotated`` (±0.5–2°), ``seal`` (a red seal over
cells), ``jpeg`` (grey paper, a slight blur, JPEG quality 55–75) and ``labels`` (the long labels
wrapped onto several lines and the number columns so narrow that their headers stand one
character a line, beside the form's merged vertical labels), plus ``scan`` (all at once, as a
real scan is: 150–300 dpi, ±1.2°, a seal, JPEG).
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageFilter

from tests import pdfgen


@dataclass(frozen=True)
class Noise:
    dpi: int = 200
    angle: float = 0.0  # degrees, counter-clockwise
    seal: bool = False
    jpeg_quality: int | None = None  # None: lossless
    paper: int = 255  # grey level of the paper


CLEAN = Noise()
LEVELS = ("clean", "dpi150", "rotated", "seal", "jpeg", "labels", "scan")
LABEL_QUIRKS = pdfgen.Quirks(wrapped_labels=True, narrow_columns=True)


def level_noise(rng: random.Random, level: str) -> tuple[Noise, pdfgen.Quirks]:
    """The spoiling and the layout of one report at noise ``level`` (see module doc)."""
    plain = pdfgen.Quirks()
    if level in ("clean", "labels"):
        return CLEAN, LABEL_QUIRKS if level == "labels" else plain
    if level == "dpi150":
        return Noise(dpi=150), plain
    if level == "rotated":
        return Noise(angle=rng.choice((-1, 1)) * rng.uniform(0.5, 2.0)), plain
    if level == "seal":
        return Noise(seal=True), plain
    if level == "jpeg":
        return Noise(jpeg_quality=rng.randint(55, 75), paper=rng.randint(225, 250)), plain
    if level == "scan":
        return Noise(dpi=rng.choice((150, 200, 250, 300)), angle=rng.uniform(-1.2, 1.2), seal=True,
                     jpeg_quality=rng.randint(70, 90), paper=rng.randint(235, 255)), plain
    raise ValueError(f"unknown noise level {level!r}; known: {', '.join(LEVELS)}")


def render_pages(report: dict, noise: Noise = CLEAN, *, seed: int = 0,
                 quirks: pdfgen.Quirks | None = None) -> list[Image.Image]:
    """The report's pages as RGB images spoiled by ``noise`` (deterministic for a ``seed``)."""
    import pypdfium2 as pdfium

    rng = random.Random(seed)
    doc = pdfium.PdfDocument(pdfgen.render_report_pdf(report, quirks=quirks or pdfgen.Quirks()))
    try:
        pages = [doc[i].render(scale=noise.dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()
    return [_spoil(page, noise, rng, first=n == 0) for n, page in enumerate(pages)]


def _spoil(page: Image.Image, noise: Noise, rng: random.Random, *, first: bool) -> Image.Image:
    if noise.paper < 255:  # grey paper: white becomes the paper's grey, ink stays dark
        page = page.point(lambda v: v * noise.paper // 255)
    if noise.seal:
        _stamp(page, noise.dpi, rng, top=first)
    if noise.angle:
        fill = (noise.paper,) * 3
        page = page.rotate(noise.angle, resample=Image.BICUBIC, expand=False, fillcolor=fill)
    if noise.jpeg_quality is not None:
        out = io.BytesIO()
        page.filter(ImageFilter.GaussianBlur(0.4)).save(out, "JPEG", quality=noise.jpeg_quality)
        page = Image.open(io.BytesIO(out.getvalue())).convert("RGB")
    return page


def _stamp(page: Image.Image, dpi: int, rng: random.Random, *, top: bool) -> None:
    """A red round seal (42 mm, as official seals are) somewhere over the page's lower tables."""
    radius = int(21 / 25.4 * dpi)
    w, h = page.size
    cx = rng.randint(int(w * 0.35), int(w * 0.85))
    cy = rng.randint(int(h * 0.25), int(h * 0.8))
    seal = Image.new("L", page.size, 0)
    draw = ImageDraw.Draw(seal)
    ring = max(2, dpi // 60)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=180, width=ring)
    star = [(cx + radius * 0.3 * math.cos(a * math.pi / 5 - math.pi / 2) * (1 if a % 2 == 0 else 0.4),
             cy + radius * 0.3 * math.sin(a * math.pi / 5 - math.pi / 2) * (1 if a % 2 == 0 else 0.4))
            for a in range(10)]
    draw.polygon(star, fill=160)
    red = Image.new("RGB", page.size, (220, 30, 40))
    page.paste(Image.composite(red, page, seal.point(lambda v: v)).convert("RGB"), mask=seal)


def as_png(pages: list[Image.Image]) -> bytes:
    """All pages stacked into one tall PNG (a 长图)."""
    width = max(p.width for p in pages)
    tall = Image.new("RGB", (width, sum(p.height for p in pages)), "white")
    y = 0
    for p in pages:
        tall.paste(p, (0, y))
        y += p.height
    out = io.BytesIO()
    tall.save(out, "PNG")
    return out.getvalue()


def as_pdf(pages: list[Image.Image], dpi: int) -> bytes:
    """An image-only PDF: each page one JPEG, no text layer (what a scanner writes)."""
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=float(dpi), quality=92)
    return out.getvalue()


def render_scan(report: dict, noise: Noise = CLEAN, *, kind: str = "pdf", seed: int = 0,
                quirks: pdfgen.Quirks | None = None) -> bytes:
    """``report`` as a scanned PDF (``kind="pdf"``) or one tall PNG (``kind="png"``)."""
    pages = render_pages(report, noise, seed=seed, quirks=quirks)
    return as_pdf(pages, noise.dpi) if kind == "pdf" else as_png(pages)


def _png(page: Image.Image) -> bytes:
    out = io.BytesIO()
    page.save(out, "PNG")
    return out.getvalue()


def as_docx(title: str, pages: list[Image.Image]) -> bytes:
    """A Word file of a title and the pages as pictures (a report pasted into Word as images)."""
    import docx
    from docx.shared import Cm

    document = docx.Document()
    document.add_paragraph(title)
    for page in pages:
        document.add_picture(io.BytesIO(_png(page)), width=Cm(16))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def as_html(title: str, pages: list[Image.Image]) -> tuple[str, dict[str, bytes]]:
    """A web page of a title and the pages as ``<img>``, and the picture files that go beside it."""
    files = {f"page_files/{n + 1}.png": _png(page) for n, page in enumerate(pages)}
    imgs = "".join(f'<p><img src="{name}" alt="图{n + 1}"></p>' for n, name in enumerate(files))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head>'
            f"<body><h1>{title}</h1>{imgs}</body></html>", files)
