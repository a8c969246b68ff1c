"""Horizontal bar charts, drawn at build time: one bar per labelled row (a refusal reason), for
the long Chinese labels a vertical chart cannot hold.

The rules of ``charts``: inline SVG with a ``<title>`` and ``<desc>``, colours from CSS classes,
the same numbers in a table beside it, and a missing value drawn as "无数据", never as a bar of 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH = 460
LABEL_W = 226
ROW_H = 22
PAD_TOP, PAD_RIGHT = 8, 86


@dataclass(frozen=True)
class Bar:
    """One row: its label, its number (None: unknown), what is printed after the bar, and its
    series (a CSS class suffix: bars of one group share a colour)."""

    label: str
    number: float | None
    text: str
    series: int = 1


def hbar_chart(chart_id: str, title: str, bars: Sequence[Bar]) -> Markup:
    top = max((b.number for b in bars if b.number is not None), default=0.0) or 1.0
    height = PAD_TOP * 2 + ROW_H * len(bars)
    plot_w = WIDTH - LABEL_W - PAD_RIGHT
    desc = "；".join(f"{b.label}：{b.text}" for b in bars)
    out = [
        f'<svg class="chart hbar" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for i, bar in enumerate(bars):
        y = PAD_TOP + i * ROW_H
        mid = y + ROW_H / 2 + 4
        out.append(f'<text class="axis" x="{LABEL_W - 6}" y="{mid:.1f}" text-anchor="end">{escape(bar.label)}</text>')
        if bar.number is None:
            out.append(f'<text class="gap" x="{LABEL_W + 4}" y="{mid:.1f}">无数据</text>')
            continue
        w = plot_w * bar.number / top
        out.append(f'<rect class="bar series-{bar.series}" x="{LABEL_W}" y="{y + 3:.1f}" '
                   f'width="{w:.1f}" height="{ROW_H - 6}"/>')
        out.append(f'<text class="value" x="{LABEL_W + w + 4:.1f}" y="{mid:.1f}">{escape(bar.text)}</text>')
    out.append(f'<line class="baseline" x1="{LABEL_W}" y1="{PAD_TOP}" x2="{LABEL_W}" y2="{height - PAD_TOP}"/>')
    out.append("</svg>")
    return Markup("\n".join(out))
