"""The report page's two long repeated parts as markup, one f-string an item: the source text's
blocks (``text_markup``) and the list of rule results (``rules_markup``).

Why in Python rather than in ``report.html``: a report's text has dozens of blocks and its rule
list every rule of the registry with its notes; written in Jinja, each value was an attribute
lookup, an escape and a ``yield``, a large share of every report page's rendering (figures in
docs/performance.md). Here text is escaped exactly as the template's autoescape did
(``markupsafe.escape``), numbers written as ``str`` writes them, and the whitespace is what the
template's ``trim_blocks``/``lstrip_blocks`` left (a heading ends without a line break, as it did),
so the page's bytes are the same (``tests/test_reportmarkup.py`` compares them with the template
these functions replace). The rest of the page stays in the template.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from markupsafe import Markup, escape

from .checks import FAIL, PASS, UNKNOWN
from .ruleviews import NONE, RuleResult
from .text import CELLS, DATE, HEADING, IMAGE, PARAGRAPH, TITLE, Block

LINKS_SHOWN = 4
"""A note links this many of its cells, then says how many there are."""
CELLS_SUMMARY = "原文中的表格文本（已整理为上方“统计表格”，点击展开原样）"
IMAGE_NOTE = "原文此处为图片，本站无法读取其中内容"


def text_markup(blocks: Sequence[Block], marks: Mapping[int, Markup]) -> Markup:
    """The report's text, a block an element with its anchor ``t<N>``; a paragraph with new
    sentences is its marked markup (``similarity.changed_markup``)."""
    out: list[str] = []
    for b in blocks:
        kind = b.kind
        if kind == PARAGRAPH:
            shown = marks.get(b.index)
            out.append(f'    <p id="t{b.index}">{shown if shown is not None else escape(b.text)}</p>\n')
        elif kind == HEADING:
            tag = "h3" if b.level == 1 else "h4"
            out.append(f'<{tag} id="t{b.index}">{escape(b.text)}</{tag}>')
        elif kind == TITLE:
            out.append(f'    <p id="t{b.index}" class="doc-title">{escape(b.text)}</p>\n')
        elif kind == CELLS:
            out.append(f'    <details id="t{b.index}" class="source-cells">\n'
                       f"      <summary>{CELLS_SUMMARY}</summary>\n"
                       f"      <pre>{escape(b.text)}</pre>\n"
                       "    </details>\n")
        elif kind == IMAGE:
            out.append(f'    <p id="t{b.index}" class="source-image">{IMAGE_NOTE} '
                       f"<code>[image: {escape(b.marker)}]</code></p>\n")
        elif kind == DATE:
            out.append(f'    <p id="t{b.index}" class="doc-date">{escape(b.text)}</p>\n')
    return Markup("".join(out))


def _links(links: Sequence[tuple[str, str]]) -> str:
    """A note's cells, linked (no line break before: the template's ``{% if %}`` took it)."""
    shown = "、".join(f'<a href="{escape(link)}"><code>{escape(path)}</code></a>'
                     for path, link in links[:LINKS_SHOWN])
    more = f" 等 {len(links)} 格" if len(links) > LINKS_SHOWN else ""
    return f'        <span class="cells">单元格：{shown}{more}</span>'


def _rule(r: RuleResult) -> str:
    counts = r.counts
    out = [f'    <li class="rule-{escape(r.status)}"><a href="/checks/#{escape(r.rule.anchor)}">'
           f"{escape(r.rule.title)}</a>\n"
           f'      <span class="badge {r.badge}">{r.label}</span>']
    if r.checked > 1:  # no line break after either: the template's ``{% if %}`` and ``{% endif %}`` took it
        out.append(f'      <span class="muted">通过 {counts[PASS]} · 未通过 {counts[FAIL]} · '
                   f"无法判断 {counts[UNKNOWN]}</span>")
    if r.status == NONE:
        out.append('      <p class="rule-note muted">本报告没有这条规则所需的数据。</p>\n')
    if r.failing_above:
        out.append(f'      <p class="rule-note">未通过的 {r.failing_above} 项逐条列在'
                   '<a href="#quality-heading">上方</a>。</p>\n')
    for n in r.notes:
        out.append(f'      <p class="rule-note">{escape(n.label)}：{escape(n.detail)}'
                   f"{_links(n.links) if n.links else ''}</p>\n")
    if r.more:
        out.append(f'      <p class="rule-note muted">另有 {r.more} 项未列出。</p>\n')
    out.append("    </li>\n")
    return "".join(out)


def rules_markup(rules: Sequence[RuleResult]) -> Markup:
    """The ``<li>`` of every rule's result for the report, with its counts and notes."""
    return Markup("".join(map(_rule, rules)))
