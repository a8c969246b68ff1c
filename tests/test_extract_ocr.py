"""Reports published as images: seed 002's tables rendered to PNG and to a scanned PDF read back
exactly through OCR (Tesseract), gated by the form's arithmetic; bad images refused in one line."""

from __future__ import annotations

import io
import shutil
import time
from pathlib import Path

import pytest
import yaml

from portal.extract import extract, ocr, ocr_engine
from portal.extract.ocr_gate import Reading, gate, table3_identities, table4_identities
from portal.extract.ocr_table2 import table2_paths
from tests import imagegen, pdfgen

ROOT = Path(__file__).resolve().parent.parent
SEED = yaml.safe_load((ROOT / "content/reports/weihai-torch-hitech-zone/2023.yaml").read_text(encoding="utf-8"))
REGISTRY = yaml.safe_load((ROOT / "content/agencies.yaml").read_text(encoding="utf-8"))["agencies"]
needs_engine = pytest.mark.skipif(
    shutil.which(ocr.TESSERACT) is None or pdfgen.cjk_font() is None,
    reason=f"OCR tests need apt-get install -y {' '.join(ocr.PACKAGES)} {pdfgen.FONT_PACKAGE}")


@pytest.fixture(scope="module")
def seed_png() -> bytes:
    return imagegen.render_scan(SEED, kind="png")


@pytest.fixture(scope="module")
def seed_scan() -> bytes:
    noise = imagegen.Noise(dpi=200, angle=0.8, seal=True, jpeg_quality=80, paper=240)
    return imagegen.render_scan(SEED, noise, kind="pdf", seed=2)


def _assert_seed_tables(draft) -> None:
    assert draft.refusal is None, draft.refusal
    data = draft.data
    assert data["agency"] == "weihai-torch-hitech-zone" and data["year"] == 2023
    assert data["table3"] == SEED["table3"]
    assert data["table3"]["new"] == [26, 0, 0, 0, 0, 0, 26]
    assert data["table3"]["unable"]["not_held"] == [16, 0, 0, 0, 0, 0, 16]
    assert data["table4"] == SEED["table4"]
    # table 2 has no sums to prove an OCR reading: each cell read twice alike is kept, marked unproven
    assert data["table2"] == SEED["table2"]
    assert data["table2"]["licensing"] == 34240 and data["table2"]["fees_10k_yuan"] == 745.94
    assert sorted(data["unproven"]) == sorted(p for p, _ in table2_paths())
    assert "table2" not in data["missing_tables"]
    assert "tesseract" in data["notes"][0] and "unproven" in data["notes"][0] and data["status"] == "draft"
    assert data["cells"] == {}


@needs_engine
def test_seed_tables_as_png_read_back_exactly(seed_png: bytes) -> None:
    draft = extract(seed_png, "tables.png", REGISTRY)
    assert draft.format == "image" and draft.data["source"]["format"] == "image"
    _assert_seed_tables(draft)
    assert "一、本年新收政府信息公开申请数量\t26\t0\t0\t0\t0\t0\t26" in draft.text


@needs_engine
def test_seed_tables_as_scanned_pdf_read_back_exactly(seed_scan: bytes) -> None:
    """An image-only PDF (JPEG pages, rotated 0.8°, a red seal over table 3) is no longer refused."""
    draft = extract(seed_scan, "scan.pdf", REGISTRY)
    assert draft.format == "pdf"
    _assert_seed_tables(draft)
    # the same numbers as the text version of the report, all three tables (table 2 marked unproven)
    text = extract((ROOT / "content/reports/weihai-torch-hitech-zone/2023.txt").read_bytes(), "2023.txt", REGISTRY)
    for table in ("table2", "table3", "table4"):
        assert draft.data[table] == text.data[table], table
    assert "unproven" not in text.data


@needs_engine
def test_a_misread_is_null_never_wrong(monkeypatch: pytest.MonkeyPatch, seed_png: bytes) -> None:
    """OCR reading 16 as 18 breaks a row and a column: that cell is null, with what the sums want."""
    real = ocr_engine.read_batch

    def misreading(images, **kw):
        out = real(images, **kw)
        if kw.get("whitelist") and kw["psm"] == 7:  # table 2's in_force 16, then table 3's not_held 16 and 16
            k = [n for n, t in enumerate(out) if t == "16"][1]
            out[k] = "18"
        return out

    monkeypatch.setattr(ocr_engine, "read_batch", misreading)
    draft = extract(seed_png, "tables.png", REGISTRY)
    # the gate keeps the row's six other cells (the draft takes them from its verdicts, not from the text,
    # where the null cell is a blank the table reader would take for layout)
    assert draft.data["table3"]["unable"]["not_held"] == [None, 0, 0, 0, 0, 0, 16]
    assert "1.本机关不掌握相关政府信息\t\t0\t0\t0\t0\t0\t16" in draft.text
    assert draft.data["table3"]["new"] == [26, 0, 0, 0, 0, 0, 26]
    assert any("table3.unable.not_held.natural_person" in p and "'18'" in p and "want 16" in p
               for p in draft.problems)
    assert "table3.unable.not_held.natural_person" not in draft.data["cells"]


def test_garbage_and_truncated_images_are_refused_in_one_line() -> None:
    png = imagegen.as_png([imagegen.Image.new("RGB", (300, 200), "white")])
    for raw, name in ((b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "a.png"), (png[: len(png) // 2], "b.png"),
                      (b"\xff\xd8\xff\xe0garbage", "c.jpg"), (b"plain text", "d.png")):
        draft = extract(raw, name, REGISTRY)
        assert draft.refusal and "\n" not in draft.refusal, (name, draft.refusal)


def test_a_huge_image_is_refused_quickly() -> None:
    out = io.BytesIO()
    imagegen.Image.new("1", (9000, 9000), 1).save(out, "PNG")  # 81 million pixels in a small file
    start = time.monotonic()
    draft = extract(out.getvalue(), "huge.png", REGISTRY)
    assert "million" in (draft.refusal or "") and time.monotonic() - start < 2


@needs_engine
def test_without_the_engine_the_refusal_names_the_packages(monkeypatch: pytest.MonkeyPatch, seed_png: bytes) -> None:
    monkeypatch.setattr(ocr_engine, "TESSERACT", "/nonexistent/tesseract")
    for raw, name in ((seed_png, "t.png"), (imagegen.as_pdf(imagegen.render_pages(SEED)[:1], 200), "s.pdf")):
        refusal = extract(raw, name, REGISTRY).refusal or ""
        assert "apt-get install -y tesseract-ocr tesseract-ocr-chi-sim" in refusal and "\n" not in refusal


# ---------------------------------------------------------------- the gate alone


def _table3_readings(values: dict[str, int]) -> dict[str, Reading]:
    out = {}
    for ident in table3_identities():
        for p in ident.paths:
            v = values.get(p, 0)
            out[p] = Reading(v, str(v))
    return out


def test_gate_infers_an_unreadable_cell_only_when_two_sums_agree() -> None:
    readings = _table3_readings({"table3.granted.natural_person": 5, "table3.granted.total": 5,
                                 "table3.total.natural_person": 5, "table3.total.total": 5,
                                 "table3.new.natural_person": 5, "table3.new.total": 5})
    readings["table3.granted.natural_person"] = Reading(None, "5?", unread=True)
    result = gate(readings, table3_identities())
    assert result.inferred == {"table3.granted.natural_person": 5}
    assert result.values["table3.granted.total"] == 5 and not result.rejected


def test_gate_never_replaces_a_reading_that_breaks_the_sums() -> None:
    readings = _table3_readings({"table3.granted.natural_person": 5, "table3.granted.total": 5,
                                 "table3.total.natural_person": 5, "table3.total.total": 5,
                                 "table3.new.natural_person": 5, "table3.new.total": 5})
    readings["table3.granted.natural_person"] = Reading(3, "3")  # a misread, or a typo in the report
    result = gate(readings, table3_identities())
    assert result.values["table3.granted.natural_person"] is None
    assert "want 5" in result.rejected["table3.granted.natural_person"]
    assert result.values["table3.granted.total"] == 5 and result.values["table3.total.natural_person"] == 5


def test_gate_table4_one_sum_proves_nothing_about_an_unreadable_cell() -> None:
    readings = {p: Reading(1 if p.endswith("upheld") else 0, "x") for i in table4_identities() for p in i.paths}
    readings["table4.review.total"] = Reading(None, "?", unread=True)
    readings["table4.litigation_direct.total"] = Reading(1, "1")
    readings["table4.litigation_after_review.total"] = Reading(1, "1")
    result = gate(readings, table4_identities())
    assert result.values["table4.review.total"] is None and not result.inferred
    assert result.values["table4.review.upheld"] is None  # its only sum could not be checked
    assert result.values["table4.litigation_direct.upheld"] == 1


def test_gate_keeps_a_null_mark_null() -> None:
    readings = _table3_readings({})
    readings["table3.granted.research"] = Reading(None, "/")
    result = gate(readings, table3_identities())
    assert result.values["table3.granted.research"] is None and not result.inferred
    assert result.values["table3.granted.natural_person"] == 0


@needs_engine
def test_an_image_report_ingests_and_its_page_says_the_text_was_read_by_ocr(seed_png: bytes, tmp_path: Path) -> None:
    from bs4 import BeautifulSoup

    from portal.build import build_site
    from portal.ingest import run

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.rmtree(content / "reports/weihai-torch-hitech-zone")
    source = tmp_path / "incoming/年报.png"
    source.parent.mkdir()
    source.write_bytes(seed_png)
    assert run([str(source), "--content", str(content)]) == 0
    folder = content / "reports/weihai-torch-hitech-zone"
    draft = yaml.safe_load((folder / "2023.yaml").read_text(encoding="utf-8"))
    assert draft["source"]["format"] == "image" and draft["source"]["ocr"].startswith("tesseract")
    assert (folder / "2023.source.png").read_bytes() == seed_png  # the image kept beside the text
    assert build_site(content, tmp_path / "site", search=False, progress=False).exit_code == 0
    page = BeautifulSoup((tmp_path / "site/reports/weihai-torch-hitech-zone/2023/index.html").read_text(
        encoding="utf-8"), "html.parser")
    hint = page.select_one("p.hint.ocr")
    assert hint is not None and "OCR" in hint.get_text() and "按原文照录" not in page.get_text()


@pytest.fixture(scope="module")
def seed_pages() -> list:
    return imagegen.render_pages(SEED)


@needs_engine
def test_tables_as_pictures_inside_a_docx_are_read(seed_pages: list) -> None:
    """A .docx whose report is pasted in as pictures: the pictures are read in place of their markers."""
    draft = extract(imagegen.as_docx(SEED["title"], seed_pages), "年报.docx", REGISTRY)
    assert draft.format == "docx" and draft.data["source"]["ocr"].startswith("tesseract")
    _assert_seed_tables(draft)
    assert "[image:" not in draft.text and draft.data["notes"][0].startswith("本报告的表格以图片发布，图片经OCR识别")


@needs_engine
def test_tables_as_pictures_beside_a_web_page_are_read(seed_pages: list, tmp_path: Path) -> None:
    """A saved web page whose tables are <img> files in page_files/: ingest reads them from the page's folder."""
    from portal.extract.ocr_embedded import pictures_beside

    page, files = imagegen.as_html(SEED["title"], seed_pages)
    (tmp_path / "page_files").mkdir()
    for name, raw in files.items():
        (tmp_path / name).write_bytes(raw)
    (tmp_path / "年报.html").write_text(page, encoding="utf-8")
    draft = extract(page.encode(), "年报.html", REGISTRY, beside=pictures_beside(tmp_path / "年报.html"))
    assert draft.format == "html"
    _assert_seed_tables(draft)
    # without the files beside it, the page is text with picture markers and no tables, as before
    bare = extract(page.encode(), "年报.html", REGISTRY)
    assert bare.data["table3"] is None and "[image: 图2]" in bare.text and "ocr" not in bare.data["source"]
    # a src outside the page's folder is never read
    assert pictures_beside(tmp_path / "年报.html")("../../etc/passwd") is None


def test_gate_counts_a_null_mark_as_0_to_prove_the_rest_but_never_solves_from_it() -> None:
    readings = _table3_readings({"table3.granted.natural_person": 5, "table3.granted.total": 5,
                                 "table3.total.natural_person": 5, "table3.total.total": 5,
                                 "table3.new.natural_person": 5, "table3.new.total": 5})
    for col in ("research", "commercial"):  # "/" in two cells of one row: its row sum holds with them as 0
        readings[f"table3.granted.{col}"] = Reading(None, "/")
    readings["table3.partially_granted.research"] = Reading(None, "/")  # and its column's too
    readings["table3.total.research"] = Reading(7, "7")  # a misread 0: breaks its row and its column
    result = gate(readings, table3_identities())
    assert result.values["table3.granted.natural_person"] == 5 and result.values["table3.granted.total"] == 5
    assert result.values["table3.granted.research"] is None and "table3.granted.research" in result.values
    assert result.values["table3.total.research"] is None and "want 0" in result.rejected["table3.total.research"]
    # an unreadable cell is solved from its column (no mark), and its row (marks as 0) confirms it
    readings["table3.granted.total"] = Reading(None, "5?", unread=True)
    readings["table3.total.research"] = Reading(0, "0")
    assert gate(readings, table3_identities()).inferred == {"table3.granted.total": 5}
    # but with a second unreadable cell in its column, only rows holding marks are left: it stays null
    readings["table3.partially_granted.total"] = Reading(None, "?", unread=True)
    result = gate(readings, table3_identities())
    assert not result.inferred and result.values["table3.granted.total"] is None
    assert "no two identities pin its value" in result.rejected["table3.granted.total"]


def test_pictures_that_are_not_images_stay_markers_and_data_uris_decode() -> None:
    import base64

    import docx

    from portal.extract.ocr_embedded import data_uri, tables_as_images

    document = docx.Document()
    document.add_paragraph(SEED["title"])
    document.add_paragraph("三、收到和处理政府信息公开申请情况")
    document.add_picture(io.BytesIO(imagegen.as_png([imagegen.Image.new("RGB", (60, 40), "white")])))
    out = io.BytesIO()
    document.save(out)
    draft = extract(out.getvalue(), "年报.docx", REGISTRY)  # an icon-sized picture: not read, no refusal
    assert draft.refusal is None and "[image:" in draft.text and "ocr" not in draft.data["source"]
    assert tables_as_images("三、收到和处理\n[image: 1705996693651]\n")
    assert not tables_as_images("[image: logo]\n一、本年新收政府信息公开申请数量\t26\t0\n")
    png = imagegen.as_png([imagegen.Image.new("RGB", (8, 8), "white")])
    assert data_uri("data:image/png;base64," + base64.b64encode(png).decode()) == png
    assert data_uri("data:text/html;base64,PGI+") is None and data_uri("javascript:alert(1)") is None


def test_a_tesseract_crash_on_one_cell_costs_that_cell_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tesseract 5.3 dies of SIGFPE on a rare crop: the batch is read again in halves, that crop reads as nothing."""
    from PIL import Image

    fake = tmp_path / "tesseract"  # reads a list file; dies as Tesseract did on any image 13 px wide
    fake.write_text(
        "#!/usr/bin/env python3\nimport os, signal, struct, sys\nout = []\n"
        "for name in open(sys.argv[1]).read().split():\n"
        "    width = struct.unpack('>I', open(name, 'rb').read()[16:20])[0]\n"
        "    if width == 13:\n        os.kill(os.getpid(), signal.SIGFPE)\n"
        "    out.append(str(width))\n"
        "open(sys.argv[2] + '.txt', 'w').write('\\f'.join(out))\n", encoding="utf-8")
    fake.chmod(0o755)
    monkeypatch.setattr(ocr_engine, "TESSERACT", str(fake))
    images = [Image.new("L", (w, 20), 255) for w in (10, 11, 12, 13, 14, 15)]
    assert ocr_engine.read_batch(images, lang="eng", psm=7) == ["10", "11", "12", "", "14", "15"]
