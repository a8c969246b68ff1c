"""Web pages read back exactly: Word's "save as web page" and CMS pages, built from seed 002.

A Word-exported page carries what real ones do: ``<o:p>`` tags, ``mso-`` inline styles, a number
split over several ``<span lang=EN-US>`` runs, ``&nbsp;`` in empty cells and paragraphs, tags
broken over lines, ``<!--[if …]>`` blocks (the VML copy of a picture) and ``<![if !vml]>``
ones, list numbers in ``<![if !supportLists]>``, GB2312 declared (or not at all) — and the
national tables with rowspan/colspan, inside the page's layout table. Hostile pages (100,000
nested tags, spans covering millions of cells) are read or refused in bounded time.
"""

from __future__ import annotations

import html
import re
import time

import pytest
from report_tables import INTRO, NAME, REGISTRY, SEED, Layout, assert_tables, distinct_tables, table_layouts

from portal import form
from portal.extract import extract
from portal.extract.html import html_to_text

WORD_HEAD = (
    '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"\n'
    'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">\n<head>\n'
    "<meta http-equiv=Content-Type content=\"text/html; charset={charset}\">\n"
    '<meta name=Generator content="Microsoft Word 15">\n<title>{name}</title>\n'
    "<!--[if gte mso 9]><xml>\n <o:DocumentProperties>\n  <o:Author>admin</o:Author>\n  <o:Pages>3</o:Pages>\n"
    " </o:DocumentProperties>\n</xml><![endif]--><!--[if gte mso 9]><xml>\n <w:WordDocument>\n"
    "  <w:View>Print</w:View>\n </w:WordDocument>\n</xml><![endif]-->\n<style>\n<!--\n /* Style Definitions */\n"
    ' p.MsoNormal\n\t{{mso-style-parent:"";\n\tmargin:0cm;\n\tfont-size:10.5pt;\n\tfont-family:宋体;}}\n-->\n'
    "</style>\n</head>\n<body lang=ZH-CN style='tab-interval:21.0pt'>\n<div class=WordSection1 "
    "style='layout-grid:15.6pt'>\n"
)


def spans(text: str) -> str:
    """Text as Word writes it: Latin and digits in their own EN-US runs, numbers split in pieces."""
    out = []
    for piece in re.split(r"([0-9.]+)", text):
        if not piece:
            continue
        if re.fullmatch(r"[0-9.]+", piece):
            cut = max(1, len(piece) // 2)  # 34240 → 34 | 240: two runs, as Word splits at an edit
            out += [f"<span\nlang=EN-US style='font-size:10.0pt'>{p}</span>" for p in (piece[:cut], piece[cut:]) if p]
        else:
            out.append(f"<span style='font-size:10.0pt;font-family:宋体;mso-ascii-font-family:\"Times New Roman\"'>"
                       f"{html.escape(piece)}</span>")
    return "".join(out)


def word_p(text: str, *, numbered: str | None = None) -> str:
    if not text:
        return "<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>\n"
    number = (f"<![if !supportLists]><span lang=EN-US>{numbered}<span style='font:7.0pt \"Times New Roman\"'>"
              "&nbsp;&nbsp; </span></span><![endif]>") if numbered else ""
    return f"<p class=MsoNormal style='mso-list:l0 level1 lfo1'>{number}{spans(text)}<o:p></o:p></p>\n"


def word_table(layout: Layout) -> str:
    """The layout as Word's HTML table: a td with rowspan/colspan at each merge, none under it."""
    covered = {(r, c) for r1, c1, r2, c2 in layout.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
               if (r, c) != (r1, c1)}
    spans_at = {(r1, c1): (r2 - r1 + 1, c2 - c1 + 1) for r1, c1, r2, c2 in layout.merges}
    rows = []
    for r in range(layout.rows):
        cells = []
        for c in range(layout.cols):
            if (r, c) in covered:
                continue
            rowspan, colspan = spans_at.get((r, c), (1, 1))
            attrs = (f" rowspan={rowspan}" if rowspan > 1 else "") + (f" colspan={colspan}" if colspan > 1 else "")
            text = layout.texts.get((r, c), "")
            inner = "<br>\n".join(spans(line) for line in text.split("\n")) if text else "<o:p>&nbsp;</o:p>"
            cells.append(f"<td width=52{attrs} valign=top style='width:39.0pt;border:solid windowtext 1.0pt;\n"
                         f"mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>\n"
                         f"<p class=MsoNormal align=center style='text-align:center'>{inner}</p>\n</td>")
        rows.append(f"<tr style='mso-yfti-irow:{r}'>\n" + "\n".join(cells) + "\n</tr>")
    return ("<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0\n style='border-collapse:collapse;"
            "border:none;mso-yfti-tbllook:1184'>\n" + "\n".join(rows) + "\n</table>\n")


def word_page(tables: dict, charset: str = "gb2312") -> str:
    parts = [WORD_HEAD.format(charset=charset, name=NAME), word_p(NAME), word_p("2023年政府信息公开工作年度报告"),
             word_p(INTRO), word_p(""),
             '<p class=MsoNormal><!--[if gte vml 1]><v:shape id="_x0000_i1025" type="#_x0000_t75">\n'
             ' <v:imagedata src="report.files/image001.png" o:title=""/>\n</v:shape><![endif]--><![if !vml]>'
             '<img width=20 height=20 src="report.files/image002.png" v:shapes="_x0000_i1025"><![endif]></p>\n']
    for key, layout in table_layouts(tables).items():
        title = form.TABLE_TITLES[key]
        parts += [word_p(title[2:], numbered=title[:2]), word_table(layout), word_p("")]
    parts += [word_p("五、存在的主要问题及改进情况"), word_p("无。"), "</div>\n</body>\n</html>\n"]
    return "".join(parts)


@pytest.mark.parametrize("tables", [SEED, distinct_tables()], ids=["seed", "distinct"])
def test_word_exported_page_reads_back_exactly(tables: dict) -> None:
    raw = word_page(tables).encode("gbk")  # declared GB2312, written GBK (its superset), as real pages do
    draft = extract(raw, "年报.htm", REGISTRY)
    assert_tables(draft, tables)
    assert draft.format == "html"
    assert "mso-" not in draft.text and "o:p" not in draft.text and "Print" not in draft.text
    assert draft.text.count("[image: image002.png]") == 1 and "image001" not in draft.text  # VML copy unread
    assert "\t34240\n" in draft.text  # the number split over two runs is one again


def test_word_page_without_a_charset_saved_as_doc() -> None:
    """A CMS's "export to Word": the same page under a .doc name, GBK and no charset declared."""
    page = re.sub(r"<meta http-equiv=Content-Type[^>]*>", "", word_page(distinct_tables()))
    assert "charset" not in page
    draft = extract(page.encode("gbk"), "年报.doc", REGISTRY)
    assert_tables(draft, distinct_tables())
    assert draft.format == "html"


def test_cms_page_with_layout_tables_around_the_report() -> None:
    """A CMS template: navigation and the article in nested layout tables, the report's tables inside."""
    article = word_page(distinct_tables(), charset="utf-8").split("<div class=WordSection1", 1)[1].split(">", 1)[1]
    article = article.split("</div>")[0]
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><script>document.write("<table><tr><td>9")</script>'
            '</head><body><table width="100%"><tr><td colspan=2><a href="/">首页</a> &gt; 年度报告</td></tr>'
            '<tr><td width="200"><ul><li>政务公开</li><li>年报</li></ul></td><td><table><tr><td>'
            f'<div class="article">{article}</div></td></tr></table></td></tr>'
            "<tr><td colspan=2>版权所有 联系电话：0631-1234567</td></tr></table></body></html>")
    assert_tables(extract(page.encode("utf-8"), "index.shtml", REGISTRY), distinct_tables())


def test_nbsp_cells_and_split_numbers() -> None:
    text = html_to_text("<table><tr><td>规章</td><td><span lang=EN-US>1</span><span lang=EN-US>6</span></td>"
                        "<td>&nbsp;</td><td><p>&nbsp;<o:p></o:p></p></td></tr><tr><td>a</td><td>b</td></tr></table>")
    assert text == "\t规章\n\t16\n\t\n\t\n\n\ta\n\tb\n"


def bounded(raw: bytes, seconds: float = 10.0):
    start = time.monotonic()
    draft = extract(raw, "a.html", REGISTRY)
    assert time.monotonic() - start < seconds
    return draft


def test_hostile_pages_are_read_or_refused_in_bounded_time() -> None:
    for tag in ("div", "span", "table><tr><td"):
        draft = bounded((f"<{tag}>" * 100_000 + "正文").encode())
        assert draft.refusal is None and "正文" in draft.text
    huge = "<table>" + ("<tr>" + '<td rowspan="99999" colspan="99999">1</td>' * 2000 + "</tr>") * 5 + "</table>"
    draft = bounded(huge.encode())
    assert draft.refusal == "有一个超过 1,000,000 格（含合并单元格）的表格，拒绝"
    assert "太大" in bounded(b"<p>" + b"x" * 30_000_001).refusal
