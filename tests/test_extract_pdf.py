"""Text-layer PDFs drawn in the national form's real layout extract to the exact tables.

The PDFs are drawn by ``tests/pdfgen.py`` (fpdf2, a TrueType CJK font) from seed 002's reviewed
tables and from random tables that add up, with each layout quirk of real reports switched on
in turn; hostile PDFs (no text, truncated, 10,000 pages, a decompression bomb) are refused in
one line, quickly.
"""

from __future__ import annotations

import random
import time
import zlib
from pathlib import Path

import pytest
import yaml

from portal.extract import extract
from portal.extract.pdf import PdfError, pdf_to_text
from tests.pdfgen import FONT_PACKAGE, Quirks, cjk_font, random_quirks, random_report, render_report_pdf

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = yaml.safe_load((ROOT / "content/agencies.yaml").read_text(encoding="utf-8"))["agencies"]
SEED = yaml.safe_load((ROOT / "content/reports/weihai-torch-hitech-zone/2023.yaml").read_text(encoding="utf-8"))
TABLES = ("table2", "table3", "table4")

needs_font = pytest.mark.skipif(cjk_font() is None, reason=f"no CJK TrueType font: apt-get install {FONT_PACKAGE}")

QUIRKS = {
    "plain": Quirks(),
    "split_header_repeated": Quirks(split_table3_at=9, repeat_header=True),
    "split_header_not_repeated": Quirks(split_table3_at=16, repeat_header=False),
    "page_numbers": Quirks(page_numbers=True),
    "running_header": Quirks(running_header="威海火炬高技术产业开发区管委会2023年政府信息公开工作年度报告"),
    "wrapped_labels": Quirks(wrapped_labels=True),
    "narrow_columns": Quirks(narrow_columns=True),
    "borderless": Quirks(borderless=True),
    "everything": Quirks(split_table3_at=12, page_numbers=True, running_header="测试单位 年度报告",
                         wrapped_labels=True, narrow_columns=True, font_size=10.5),
}


def tables_of(pdf: bytes) -> dict:
    draft = extract(pdf, "report.pdf", REGISTRY)
    assert draft.refusal is None, draft.refusal
    assert draft.format == "pdf"
    return {k: draft.data[k] for k in TABLES} | {"cells": draft.data["cells"], "text": draft.text}


@needs_font
@pytest.mark.parametrize("name", QUIRKS)
def test_seed_tables_read_exactly_whatever_the_layout(name: str) -> None:
    got = tables_of(render_report_pdf(SEED, quirks=QUIRKS[name]))
    assert got["table3"]["new"] == [26, 0, 0, 0, 0, 0, 26]
    assert got["table2"]["licensing"] == 34240 and got["table2"]["fees_10k_yuan"] == 745.94
    for key in TABLES:
        assert got[key] == SEED[key], key


@needs_font
def test_ruled_rows_are_one_tab_separated_line_and_vertical_labels_one_label() -> None:
    text = tables_of(render_report_pdf(SEED, quirks=Quirks(page_numbers=True)))["text"]
    lines = text.splitlines()
    assert "三、本年度办理结果\t（一）予以公开\t5\t0\t0\t0\t0\t0\t5" in lines
    assert "（三）不予公开\t1.属于国家秘密\t0\t0\t0\t0\t0\t0\t0" in lines
    assert "行政许可\t34240" in lines
    assert not any(line.strip() in ("- 1 -", "- 2 -", "- 3 -") for line in lines)


@needs_font
def test_repeated_header_and_running_header_are_printed_once() -> None:
    quirks = Quirks(split_table3_at=9, repeat_header=True, running_header="测试单位 年度报告")
    text = tables_of(render_report_pdf(SEED, quirks=quirks))["text"]
    assert text.count("商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他") == 1
    assert "测试单位 年度报告" not in text


@needs_font
@pytest.mark.parametrize("printing", ["/", "—", ""])
def test_null_cells_are_null_with_their_printing(printing: str) -> None:
    report = yaml.safe_load(yaml.safe_dump(SEED))
    report["table3"]["new"][1] = None  # a middle cell
    report["table3"]["withheld"]["query_matters"][0] = None  # the first cell of a row
    report["table3"]["carried_forward"][6] = None  # the last cell of a row
    report["table2"]["regulations"]["issued"] = None
    report["table4"]["review"]["upheld"] = None
    got = tables_of(render_report_pdf(report, quirks=Quirks(null_printing=printing)))
    for key in TABLES:
        assert got[key] == report[key], key
    assert got["cells"]["table3.new.commercial"] == printing
    assert got["cells"]["table2.regulations.issued"] == printing


@needs_font
def test_random_reports_never_read_a_wrong_number() -> None:
    """24 random reports and layouts: every cell exact or null, never another number."""
    exact = total = 0
    for seed in range(24):
        rng = random.Random(seed)
        report = random_report(rng, null_rate=rng.choice((0, 0.05)))
        got = tables_of(render_report_pdf(report, quirks=random_quirks(rng)))
        want = {k: report[k] for k in TABLES}
        want["table3"]["other_handling"]["single_row"] = None
        for a, b in zip(_leaves(want), _leaves({k: got[k] for k in TABLES}), strict=True):
            total += 1
            exact += a == b
            assert b is None or a == b, (seed, a, b)
    assert exact / total > 0.97


def _leaves(node) -> list:
    if isinstance(node, dict):
        return [x for k in sorted(node) for x in _leaves(node[k])]
    if isinstance(node, list):
        return [x for v in node for x in _leaves(v)]
    return [node]


# ---------------------------------------------------------------- refusals


def _one_line_refusal(raw: bytes) -> str:
    draft = extract(raw, "x.pdf", REGISTRY)
    assert draft.refusal and "\n" not in draft.refusal and draft.data == {}
    return draft.refusal


@needs_font
def test_truncated_and_garbage_pdfs_are_refused_in_one_line() -> None:
    pdf = render_report_pdf(SEED)
    for raw in (pdf[: len(pdf) // 3], b"%PDF-1.7\n" + bytes(range(256)) * 20, b"%PDF-1.4 garbage"):
        assert "PDF" in _one_line_refusal(raw)


def test_a_scan_without_text_needs_ocr() -> None:
    from fpdf import FPDF
    from PIL import Image

    pdf = FPDF()
    pdf.add_page()
    pdf.image(Image.new("L", (200, 100), 255), x=10, y=10, w=100)
    refusal = _one_line_refusal(bytes(pdf.output()))  # a blank page: OCR (when installed) finds nothing either
    assert "text layer" in refusal and "OCR" in refusal


def test_encrypted_pdf_is_refused() -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(0, 10, "secret")
    assert "encrypted" in _one_line_refusal(bytes(pdf.output()))


def _minimal_pdf(pages: int, content: bytes = b"", filtered: bool = False) -> bytes:
    """A PDF of ``pages`` pages sharing one content stream (small however many pages it has)."""
    stream = b"<< /Length %d%s >>\nstream\n" % (len(content), b" /Filter /FlateDecode" if filtered else b"")
    kids = " ".join(f"{4 + n} 0 R" for n in range(pages)).encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
               stream + content + b"\nendstream"]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>"] * pages
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_ten_thousand_pages_are_refused_quickly() -> None:
    raw = _minimal_pdf(10_000)
    started = time.monotonic()
    assert "pages" in _one_line_refusal(raw)
    assert time.monotonic() - started < 5


def test_a_decompression_bomb_is_refused_before_it_is_inflated() -> None:
    bomb = zlib.compress(b"0 0 m 1 1 l S\n" * 20_000_000, 9)  # 280 MB of drawing from under 1 MB
    started = time.monotonic()
    with pytest.raises(PdfError, match="MB of drawing"):
        pdf_to_text(_minimal_pdf(1, bomb, filtered=True))
    assert time.monotonic() - started < 5
