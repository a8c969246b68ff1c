"""HTML, Word and PDF inputs that the tests build from seed 002's numbers extract to them.

Each builder writes the kind of file real portals publish: a GBK web page whose table merges
cells with rowspan/colspan and pads empty ones with &nbsp;; a .docx with a real w:tbl, merged
cells (vMerge, gridSpan), bookmarks and a line break inside a label; a PDF with a text layer
(a font with a ToUnicode map) whose labels wrap around their numbers.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import yaml

from portal import form
from portal.extract import extract
from portal.extract.decode import decode
from portal.extract.html import HtmlCell, grid, html_to_text

ROOT = Path(__file__).resolve().parent.parent
REGISTRY = yaml.safe_load((ROOT / "content/agencies.yaml").read_text(encoding="utf-8"))["agencies"]
SEED = yaml.safe_load((ROOT / "content/reports/weihai-torch-hitech-zone/2023.yaml").read_text(encoding="utf-8"))
NAME = "威海火炬高技术产业开发区管委会"
INTRO = ("请与威海火炬高技术产业开发区党政办公室联系（地址：威海市文化西路288号，邮政编码：264209，"
         "办公电话：0631—3919181）。2023年，高区管委会共收到并处理政府信息公开申请26件。")


def row_values(path: tuple[str, ...]) -> list[int]:
    node = SEED["table3"]
    for part in path:
        node = node[part]
    return node


def t4_values() -> list[int]:
    return [SEED["table4"][g.key][c.key] for g in form.TABLE4_GROUPS for c in form.TABLE4_CELLS]


def assert_seed_numbers(draft) -> None:
    assert draft.refusal is None, draft.refusal
    for key in ("table2", "table3", "table4"):
        assert draft.data[key] == SEED[key], key
    assert draft.data["cells"] == {}
    assert draft.data["agency"] == "weihai-torch-hitech-zone" and draft.data["year"] == 2023
    assert [p for p in draft.problems if p.startswith("表")] == []


# ---------------------------------------------------------------- HTML


def html_page() -> str:
    t2 = SEED["table2"]
    trs = ['<tr><td colspan="4">第二十条第（一）项</td></tr>',
           "<tr><td>信息内容</td><td>本年制发件数</td><td>本年废止件数</td><td>现行有效件数</td></tr>"]
    for key, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        trs.append(f"<tr><td>{label}</td>" + "".join(f"<td>{v}</td>" for v in t2[key].values()) + "</tr>")
    for key, label in (("licensing", "行政许可"), ("punishment", "行政处罚"), ("coercion", "行政强制"),
                       ("fees_10k_yuan", "行政事业性收费")):
        trs.append(f'<tr><td>{label}</td><td colspan="3">{t2[key]}</td></tr>')
    table2 = "<table border=1>" + "".join(trs) + "</table>"

    rows = ['<tr><th colspan="3" rowspan="2">（本列数据的勾稽关系为：第一项加第二项之和，<br>'
            '等于第三项加第四项之和）</th><th colspan="7">申请人情况</th></tr>',
            '<tr><th rowspan="2">自然人</th><th colspan="5">法人或其他组织</th><th rowspan="2">总计</th></tr>',
            "<tr><td>&nbsp;</td><td>&nbsp;</td><td>&nbsp;</td>"
            + "".join(f"<th>{c.label}</th>" for c in form.TABLE3_COLUMNS[1:6]) + "</tr>"]
    groups = {g.key: g for g in form.TABLE3_GROUPS}
    outcome_rows = [r for r in form.TABLE3_ROWS if r.is_outcome] + [form.TABLE3_ROWS[-2]]
    for r in form.TABLE3_ROWS:
        cells = "".join(f"<td>{v}</td>" for v in row_values(r.path))
        if len(r.path) == 1 and r.key not in {o.key for o in outcome_rows}:
            rows.append(f'<tr><td colspan="3">{escape(r.label)}</td>{cells}</tr>')
            continue
        lead = ""
        if r is outcome_rows[0]:
            lead += f'<td rowspan="{len(outcome_rows)}">{form.TABLE3_RESULTS_LABEL}</td>'
        if len(r.path) == 1:
            rows.append(f'<tr>{lead}<td colspan="2">{escape(r.label)}</td>{cells}</tr>')
            continue
        group = groups[r.path[0]]
        if r.path[1] == group.rows[0].key:
            lead += f'<td rowspan="{len(group.rows)}">{group.label}</td>'
        label = escape(r.label).replace("确认或重新", "确认或重新<br/>")
        rows.append(f"<tr>{lead}<td>{label}</td>{cells}</tr>")
    table3 = '<table border="1" cellspacing="0">' + "\n".join(rows) + "</table>"

    head4 = ('<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>'
             '<tr><td rowspan="2">结果<br>维持</td><td rowspan="2">结果纠正</td><td rowspan="2">其他结果</td>'
             '<td rowspan="2">尚未审结</td><td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td>'
             '<td colspan="5">复议后起诉</td></tr>'
             "<tr>" + "<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>" * 2 + "</tr>")
    table4 = "<table>" + head4 + "<tr>" + "".join(f"<td>{v}</td>" for v in t4_values()) + "</tr></table>"
    return (
        '<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
        "<title>年报</title><style>td{border:1px}</style><script>var a = '<td>9</td>';</script></head><body>"
        '<div class="nav">首页 &gt; 政务公开 &gt; 年度报告</div>'
        f"<h1>{NAME}<br>2023年政府信息公开工作年度报告</h1><p>{INTRO}</p>"
        f"<p><strong>二、主动公开政府信息情况</strong></p>{table2}"
        f"<p>三、收到和处理政府信息公开申请情况</p>{table3}"
        f"<p>四、政府信息公开行政复议、行政诉讼情况</p>{table4}"
        "<p>五、存在的主要问题及改进情况</p><p>无。</p><p>2024年1月22日</p></body></html>"
    )


def test_gbk_web_page_with_merged_cells() -> None:
    raw = html_page().encode("gbk")
    raw.decode("gbk")  # really GBK, and not valid UTF-8
    draft = extract(raw, "index.html", REGISTRY)
    assert_seed_numbers(draft)
    assert draft.format == "html"
    assert draft.data["contact"]["postcode"] == "264209"
    assert draft.data["contact"]["phone"] == "0631—3919181"
    assert str(draft.data["published"]) == "2024-01-22"
    assert "var a" not in draft.text and "\t出具已获取信息" not in draft.text
    assert "5.要求行政机关确认或重新\n出具已获取信息" in draft.text


def test_meta_charset_wins_over_detection_and_detection_is_the_fallback() -> None:
    page = html_page()
    utf8 = page.replace("charset=gbk", "charset=utf-8").encode("utf-8")
    assert_seed_numbers(extract(utf8, "a.htm", REGISTRY))
    undeclared = page.replace("charset=gbk", "").encode("gb18030")
    assert_seed_numbers(extract(undeclared, "a.html", REGISTRY))


def test_rowspan_and_colspan_grid() -> None:
    rows = [[HtmlCell("a", rowspan=2), HtmlCell("b", colspan=2)], [HtmlCell("c"), HtmlCell("d")]]
    shape = [[c.text if isinstance(c, HtmlCell) else c for c in line] for line in grid(rows)]
    assert shape == [["a", "b", "left"], ["up", "c", "d"]]
    text = html_to_text("<table><tr><td rowspan=2>a</td><td>&nbsp;</td></tr><tr><td>1</td></tr></table>")
    assert text == "\ta\n\t\n\n\t\n\t1\n"  # the covered cell prints empty, as a merged Word cell does


def test_encodings() -> None:
    text = "威海市文登区民政局\n２６件"
    for raw, name in ((text.encode("utf-8"), "utf-8"), (b"\xef\xbb\xbf" + text.encode("utf-8"), "utf-8 (BOM)"),
                      (text.encode("gb18030"), "gb18030"), (text.encode("utf-16"), "utf-16-le (BOM)"),
                      (text.encode("utf-16-le"), "utf-16-le")):
        decoded = decode(raw)
        assert (decoded.text, decoded.encoding) == (text, name)


# ---------------------------------------------------------------- Word .docx

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def w_p(text: str, bookmark: bool = False) -> str:
    parts = text.split("\n")
    runs = '<w:r><w:br/></w:r>'.join(f"<w:r><w:t xml:space=\"preserve\">{escape(p)}</w:t></w:r>" for p in parts)
    mark = '<w:bookmarkStart w:id="0" w:name="_Hlk66973412"/><w:bookmarkEnd w:id="0"/>' if bookmark else ""
    return f"<w:p>{mark}{runs}</w:p>"


def w_tc(text: str = "", span: int = 1, merge: str | None = None) -> str:
    pr = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        f'<w:vMerge w:val="{merge}"/>' if merge == "restart" else "<w:vMerge/>" if merge else "")
    return f"<w:tc><w:tcPr>{pr}</w:tcPr>{w_p(text, bookmark=text.startswith('一、'))}</w:tc>"


CONTENT_TYPES = (
    '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
PACKAGE_RELS = (  # the smallest package Word (and python-docx) opens: the main part named by a relationship
    '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="word/document.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/></Relationships>'
)


def docx_bytes() -> bytes:
    t2 = SEED["table2"]
    header = ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")
    rows2 = [[w_tc("第二十条第（一）项", 4)], [w_tc(x) for x in header]]
    for key, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        rows2.append([w_tc(label)] + [w_tc(str(v)) for v in t2[key].values()])
    for key, label in (("licensing", "行政许可"), ("punishment", "行政处罚"), ("coercion", "行政强制"),
                       ("fees_10k_yuan", "行政事业性收费")):
        rows2.append([w_tc(label), w_tc(str(t2[key]), 3)])
    rows3 = [[w_tc("（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）", 3), w_tc("申请人情况", 7)]]
    groups = {g.key: g for g in form.TABLE3_GROUPS}
    for r in form.TABLE3_ROWS:
        values = [w_tc(str(v)) for v in row_values(r.path)]
        label = r.label.replace("确认或重新", "确认或重新\n")
        if not r.is_outcome:
            rows3.append([w_tc(label, 3), *values])
            continue
        first = r.key == "granted"
        lead = [w_tc(form.TABLE3_RESULTS_LABEL if first else "", merge="restart" if first else "continue")]
        if len(r.path) == 1:
            rows3.append([*lead, w_tc(label, 2), *values])
        else:
            start = r.path[1] == groups[r.path[0]].rows[0].key
            group = w_tc(groups[r.path[0]].label if start else "", merge="restart" if start else "continue")
            rows3.append([*lead, group, w_tc(label), *values])
    rows4 = [[w_tc("行政复议", 5), w_tc("行政诉讼", 10)], [w_tc(str(v)) for v in t4_values()]]

    def tbl(rows: list[list[str]]) -> str:
        return "<w:tbl>" + "".join("<w:tr>" + "".join(r) + "</w:tr>" for r in rows) + "</w:tbl>"

    body = "".join([
        w_p(NAME), w_p("2023年政府信息公开工作年度报告"), w_p(INTRO),
        w_p("二、主动公开政府信息情况"), tbl(rows2), w_p("三、收到和处理政府信息公开申请情况"), tbl(rows3),
        w_p("四、政府信息公开行政复议、行政诉讼情况"), tbl(rows4), w_p("五、存在的主要问题及改进情况"), w_p("无。"),
    ])
    document = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W_NS}">'
                f"<w:body>{body}</w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", PACKAGE_RELS)
        z.writestr("word/document.xml", document)
    return out.getvalue()


def test_docx_with_a_real_word_table() -> None:
    draft = extract(docx_bytes(), "年报.docx", REGISTRY)
    assert_seed_numbers(draft)
    assert draft.format == "docx"
    assert draft.data["published"] is None
    assert "\t5.要求行政机关确认或重新\n出具已获取信息\n" in draft.text  # one cell per line, wrapped label kept


def test_broken_docx_is_refused_plainly() -> None:
    draft = extract(b"PK\x03\x04 not really a zip", "a.docx", REGISTRY)
    assert draft.refusal and "docx" in draft.refusal and draft.data == {}


# ---------------------------------------------------------------- PDF with a text layer


def pdf_bytes(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer is ``lines``: a simple font with a ToUnicode map."""
    chars = sorted({c for line in lines for c in line})
    assert len(chars) < 255
    code = {c: i + 1 for i, c in enumerate(chars)}
    content = ["BT /F1 9 Tf 12 TL 20 2400 Td"]
    for line in lines:
        content.append("<" + "".join(f"{code[c]:02X}" for c in line) + "> Tj T*")
    content.append("ET")
    stream = "\n".join(content).encode("ascii")
    entries = [f"<{code[c]:02X}> <{ord(c):04X}>" for c in chars]
    blocks = [entries[i:i + 100] for i in range(0, len(entries), 100)]
    cmap = ("/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
            "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
            "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <01> <FF> endcodespacerange\n"
            + "".join(f"{len(b)} beginbfchar\n" + "\n".join(b) + "\nendbfchar\n" for b in blocks)
            + "endcmap CMapName currentdict /CMapType exch defineresource pop end end").encode("ascii")
    widths = " ".join(["600"] * len(chars))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 1200 2450] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        f"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /FirstChar 1 /LastChar {len(chars)} "
        f"/Widths [{widths}] /ToUnicode 6 0 R >>".encode("ascii"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Length %d >>\nstream\n" % len(cmap) + cmap + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def test_text_layer_pdf_with_labels_wrapped_around_numbers() -> None:
    stream = (ROOT / "tests/fixtures/extract/t3_pdf_text_stream.txt").read_text(encoding="utf-8").splitlines()
    assert stream[-2:] == ["五、存在的主要问题及改进情况", "无。"]
    # the table runs to the foot of the page: its page number must not become a table-4 cell
    lines = [NAME, "2023年政府信息公开工作年度报告", *stream[1:-2], "- 1 -"]
    draft = extract(pdf_bytes(lines), "report.pdf", REGISTRY)
    assert draft.refusal is None, draft.refusal
    assert draft.format == "pdf"
    assert draft.data["table3"] == SEED["table3"] and draft.data["table4"] == SEED["table4"]
    assert (draft.data["agency"], draft.data["year"]) == ("weihai-torch-hitech-zone", 2023)
    assert "3.危及“三\n0 0 0 0 0 0 0\n安全一稳定”" in draft.text


def test_pdf_without_text_is_refused() -> None:
    assert "text layer" in (extract(pdf_bytes(["1 2 3"]), "scan.pdf", REGISTRY).refusal or "")
    assert "PDF" in (extract(b"%PDF-1.4 garbage", "x.pdf", REGISTRY).refusal or "")
