"""Word reports read back exactly: .docx through python-docx, old binary .doc through LibreOffice.

The files are built here with python-docx from seed 002's tables (and from tables of distinct
numbers, so that a swapped cell shows), with the national form's merged cells: table 3's label
column merged down over the outcome rows (vMerge) and each group label over its sub-rows,
labels spanning two or three grid columns (gridSpan), two-row headers merged both ways.
The .doc fixtures are such files converted once by LibreOffice (tests/fixtures/word/README.md).
Hostile files — a zip bomb, entities, a truncated .doc, a converter that never ends — are
refused in one line and in bounded time.
"""

from __future__ import annotations

import copy
import functools
import io
import os
import shutil
import stat
import subprocess
import time
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from lxml import etree
from report_tables import (
    INTRO,
    NAME,
    REGISTRY,
    SEED,
    Layout,
    assert_tables,
    distinct_tables,
    row_of,
    table_layouts,
)

from portal import form
from portal.extract import doc as doc_module
from portal.extract import extract
from portal.extract.doc import DocError, doc_to_text
from portal.extract.docx import DocxError, docx_to_text

FIXTURES = Path(__file__).resolve().parent / "fixtures/word"
HAS_SOFFICE = shutil.which("soffice") is not None
needs_soffice = pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice is missing: apt-get install -y "
                                   "libreoffice-writer-nogui (tests/_chromium.py installs it when run as root)")


def add_table(doc, layout: Layout) -> None:
    """The layout as a Word table: merge the cell ranges first, then write each top-left cell's text."""
    table = doc.add_table(rows=layout.rows, cols=layout.cols)
    for r1, c1, r2, c2 in layout.merges:
        table.cell(r1, c1).merge(table.cell(r2, c2))
    for (r, c), text in layout.texts.items():
        table.cell(r, c).text = text


def report_document(tables: dict | None = None):
    """A python-docx Document of the seed report (or the given tables) with all three tables."""
    tables = tables or SEED
    doc = Document()
    doc.add_paragraph(NAME)
    doc.add_paragraph("2023年政府信息公开工作年度报告")
    doc.add_paragraph(INTRO)
    for key, layout in table_layouts(tables).items():
        doc.add_paragraph(form.TABLE_TITLES[key])
        add_table(doc, layout)
    doc.add_paragraph("五、存在的主要问题及改进情况")
    doc.add_paragraph("无。")
    return doc


def docx_of(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@functools.cache
def seed_docx() -> bytes:
    return docx_of(report_document())


def report_docx(tables: dict | None = None) -> bytes:
    return docx_of(report_document(tables)) if tables else seed_docx()


def body_tables(doc) -> list:
    return doc.element.body.findall(qn("w:tbl"))


def wrap(el, *tags: str):
    """Put ``el`` inside new elements (outermost first), where it stood: a content control, say."""
    parent, index = el.getparent(), el.getparent().index(el)
    outer = inner = etree.SubElement(parent, qn(tags[0]))
    parent.remove(outer)
    for tag in tags[1:]:
        inner = etree.SubElement(inner, qn(tag))
    parent.remove(el)
    inner.append(el)
    parent.insert(index, outer)
    return outer


# ---------------------------------------------------------------- .docx read back exactly


def test_seed_report_as_docx_reads_back_exactly() -> None:
    draft = extract(report_docx(), "年报.docx", REGISTRY)
    assert_tables(draft, SEED)
    assert draft.format == "docx"
    assert draft.data["contact"]["postcode"] == "264209"


def test_every_table3_cell_in_its_place() -> None:
    tables = distinct_tables()
    assert_tables(extract(report_docx(tables), "a.docx", REGISTRY), tables)


def test_merged_cells_print_as_word_prints_them() -> None:
    """A row under two vertically merged labels: two empty cells, then its label, then 7 numbers."""
    text = docx_to_text(report_docx(distinct_tables()))
    row = "\n".join(["\t", "\t（三）不予公开", "\t1.属于国家秘密"] + [f"\t{n}" for n in range(13, 19)] + ["\t93"])
    assert f"\n\n{row}\n\n" in text
    assert "\t5.要求行政机关确认或重新\n出具已获取信息\n" in text  # a line break inside a cell stays in that cell
    assert text.count("三、本年度办理结果") == 1 and text.count("申请人情况") == 1  # merged cells print once
    assert "\t行政许可\n\t34240\n\n" in text  # one number spanning three grid columns is one cell


def test_blank_and_dash_cells_are_null_with_their_printing_kept() -> None:
    """Blank, / and — at the start, middle and end of a row's cells: null, never 0, never shifted."""
    tables = distinct_tables()
    printed_cells = {("new",): (0, "—"), ("carried_over",): (3, "/"), ("granted",): (6, ""),
                     ("withheld", "state_secret"): (6, "")}
    source = copy.deepcopy(tables)
    for path, (col, mark) in printed_cells.items():
        row_of(source["table3"], path)[col] = mark
        row_of(tables["table3"], path)[col] = None
    draft = extract(report_docx(source), "a.docx", REGISTRY)
    columns = [c.key for c in form.TABLE3_COLUMNS]
    assert_tables(draft, tables, {f"table3.{'.'.join(p)}.{columns[c]}": m for p, (c, m) in printed_cells.items()})


def test_tables_in_content_controls() -> None:
    """Content controls around a whole table, around rows, and around a cell's paragraph."""
    doc = report_document(distinct_tables())
    table2, table3, table4 = body_tables(doc)
    wrap(table2, "w:sdt", "w:sdtContent")
    rows = table3.findall(qn("w:tr"))
    for tr in rows[5:9]:
        wrap(tr, "w:sdt", "w:sdtContent")
    wrap(rows[10].findall(qn("w:tc"))[0], "w:customXml")  # a cell-level wrapper
    wrap(table4.findall(qn("w:tr"))[-1].findall(qn("w:tc"))[3].find(qn("w:p")), "w:sdt", "w:sdtContent")
    assert_tables(extract(docx_of(doc), "a.docx", REGISTRY), distinct_tables())


def textbox_run(text: str) -> str:
    """A run holding a text box the way Word writes one: a drawing, and a VML copy as fallback."""
    box = (f'<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:txbxContent>')
    return (
        f'<w:r {NSDECL}><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor>'
        '<wp:docPr id="7" name="文本框 7"/><a:graphic><a:graphicData>'
        f"<wps:wsp><wps:txbx>{box}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor></w:drawing>"
        f"</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{box}</v:textbox></v:shape></w:pict>"
        "</mc:Fallback></mc:AlternateContent></w:r>"
    )


NSDECL = " ".join(f'xmlns:{k}="{v}"' for k, v in {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "v": "urn:schemas-microsoft-com:vml",
}.items())


def test_text_box_read_once_in_place() -> None:
    """The report's title in a text box (Word stores it twice): read once, where it is anchored."""
    doc = report_document()
    first = doc.paragraphs[1]
    first.text = ""
    first._p.append(etree.fromstring(textbox_run("2023年政府信息公开工作年度报告")))
    text = docx_to_text(docx_of(doc))
    assert text.startswith(f"{NAME}\n\n2023年政府信息公开工作年度报告\n{INTRO}")
    assert text.count("2023年政府信息公开工作年度报告") == 1 and "文本框" not in text
    assert_tables(extract(docx_of(doc), "a.docx", REGISTRY), SEED)


def test_report_inside_a_layout_table() -> None:
    """The whole report in a one-cell table (a page frame): its tables read as tables of their own."""
    doc = report_document(distinct_tables())
    body = doc.element.body
    frame = doc.add_table(rows=1, cols=1)._tbl
    cell = frame.find(qn("w:tr")).find(qn("w:tc"))
    for el in [e for e in body if e.tag in (qn("w:p"), qn("w:tbl")) and e is not frame]:
        cell.append(el)
    cell.append(etree.SubElement(cell, qn("w:p")))  # a cell ends with a paragraph
    body.insert(0, frame)
    assert_tables(extract(docx_of(doc), "a.docx", REGISTRY), distinct_tables())


def test_table_nested_in_a_data_cell_is_its_own_table() -> None:
    doc = Document()
    outer = doc.add_table(rows=2, cols=2)
    outer.cell(0, 0).text = "甲"
    outer.cell(1, 0).text = "乙"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    for (r, c), v in {(0, 0): "1", (0, 1): "2", (1, 0): "3", (1, 1): "4"}.items():
        inner.cell(r, c).text = v
    text = docx_to_text(docx_of(doc))
    assert text == "\t甲\n\t\n\n\t1\n\t2\n\n\t3\n\t4\n\n\t乙\n\t\n"


# ---------------------------------------------------------------- hostile .docx


def zipped(members: dict[str, bytes], *, base: bytes | None = None) -> bytes:
    """A .docx (``base``, a real one by default) with ``members`` added or replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base or seed_docx())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            if info.filename not in members:
                z.writestr(info.filename, src.read(info))
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


def refused(raw: bytes, name: str = "a.docx") -> str:
    start = time.monotonic()
    draft = extract(raw, name, REGISTRY)
    assert time.monotonic() - start < 5
    assert draft.refusal and draft.data == {} and "\n" not in draft.refusal
    return draft.refusal


def test_zip_bomb_is_refused_before_unpacking() -> None:
    bomb = zipped({"word/media/image1.png.xml": b"\0" * 20_000_000})  # packs to ~20 KB: 1000×
    assert len(bomb) < 200_000
    assert "压缩炸弹" in refused(bomb)
    assert "太大" in refused(zipped({"word/document.xml": b" " * 31_000_000}))


def test_entities_and_doctype_are_refused() -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
              b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
              b"<w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>")
    assert "DOCTYPE" in refused(zipped({"word/document.xml": laughs}))
    assert "DOCTYPE" in refused(zipped({"word/styles.xml": laughs.replace(b"w:document", b"w:styles")}))
    assert "UTF-8" in refused(zipped({"word/document.xml": laughs.decode().encode("utf-16")}))


def test_broken_docx_refused_in_one_line() -> None:
    raw = report_docx()
    assert "docx" in refused(raw[: len(raw) // 2])
    assert "docx" in refused(zipped({"word/document.xml": b"<w:document>not closed"}))
    no_rels = zipped({"_rels/.rels": b'<?xml version="1.0"?><Relationships '
                      b'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>'})
    assert "不是可读的 Word .docx 文件" in refused(no_rels)
    with pytest.raises(DocxError, match="没有 word/document.xml"):
        docx_to_text(seed_docx().replace(b"word/document.xml", b"word/documenX.xml"))


def test_deep_nesting_is_refused() -> None:
    doc = Document()
    cell = doc.add_table(rows=1, cols=1).cell(0, 0)
    for _ in range(30):
        cell = cell.add_table(rows=1, cols=1).cell(0, 0)
    assert "嵌套超过" in refused(docx_of(doc))


# ---------------------------------------------------------------- old binary .doc (LibreOffice)


@needs_soffice
@pytest.mark.parametrize(("name", "tables"), [("seed_report.doc", SEED), ("distinct_numbers.doc", distinct_tables())])
def test_doc_reads_back_exactly(name: str, tables: dict) -> None:
    raw = (FIXTURES / name).read_bytes()
    start = time.monotonic()
    draft = extract(raw, name, REGISTRY)
    assert time.monotonic() - start < 30
    assert_tables(draft, tables)
    assert draft.format == "doc"
    assert "\t5.要求行政机关确认或重新\n出具已获取信息\n" in draft.text


@needs_soffice
def test_rtf_under_a_doc_name(tmp_path: Path) -> None:
    """CMS "export to Word" often serves RTF named .doc: the bytes decide, LibreOffice reads it."""
    (tmp_path / "a.docx").write_bytes(seed_docx())
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation={(tmp_path / 'p').as_uri()}",
                    "--convert-to", "rtf", "--outdir", str(tmp_path), str(tmp_path / "a.docx")],
                   check=True, capture_output=True, timeout=60)
    draft = extract((tmp_path / "a.rtf").read_bytes(), "年报.doc", REGISTRY)
    assert_tables(draft, SEED)
    assert draft.format == "rtf"


@needs_soffice
def test_truncated_or_foreign_ole_file_is_refused() -> None:
    raw = (FIXTURES / "seed_report.doc").read_bytes()
    assert "不是 LibreOffice 能读的 .doc 文件" in refused(raw[:30_000], "a.doc")
    # OLE magic then noise: LibreOffice would import unknown bytes as plain text, were its Word filter not named
    assert "不是 LibreOffice 能读的 .doc 文件" in refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"x" * 4000, "a.doc")


def fake_soffice(folder: Path, script: str) -> None:
    """A ``soffice`` first on PATH that runs ``script`` (sh) instead of converting."""
    folder.mkdir(exist_ok=True)
    exe = folder / "soffice"
    exe.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)


def test_converter_that_never_ends_is_killed_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """soffice hands the work to a child process: on timeout the whole process group goes."""
    pids = tmp_path / "pids"
    fake_soffice(tmp_path / "bin", f"sleep 600 & echo $! > {pids}\nwait")
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    monkeypatch.setattr(doc_module, "TIMEOUT_S", 1.0)
    start = time.monotonic()
    refusal = refused((FIXTURES / "seed_report.doc").read_bytes(), "a.doc")
    assert time.monotonic() - start < 4
    assert "在 1 秒内没有转换完这个 .doc 文件" in refusal
    child = int(pids.read_text())
    time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists() or "Z" in Path(f"/proc/{child}/stat").read_text().split()[2]


def test_converter_runs_under_a_memory_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_soffice(tmp_path / "bin", 'exec python3 -c "x = bytearray(8 << 30); print(\'allocated\')"')
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}:{os.environ['PATH']}")
    with pytest.raises(DocError, match="MemoryError"):
        doc_to_text(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def test_missing_converter_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    refusal = refused((FIXTURES / "seed_report.doc").read_bytes(), "a.doc")
    assert refusal.endswith("请以 root 运行 apt-get install -y libreoffice-writer-nogui")
