"""The indicators' charts: how agencies spread, year by year (box plots), as inline SVG.

Drawn like ``charts``: no script, colours from CSS classes, a ``<title>`` and ``<desc>`` for
screen readers, and the page prints the same numbers in a table beside the chart. A year with no
agency above the minimum sample is drawn as a labelled gap, never as a box at 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from .ranking import Spread

WIDTH = 640
ROW, PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 30, 64, 16, 12, 30


def percent(value: float | None) -> str:
    """A rate for readers: 0.1379 → '13.79%' (the 4 places of the data), '—' for null."""
    if value is None:
        return "—"
    return f"{value * 100:.2f}".rstrip("0").rstrip(".") + "%"


def _axis_top(spreads: Sequence[Spread | None]) -> float:
    """100 %, or a round multiple of 50 % above it (争议转化率 can exceed 1)."""
    high = max((s.high for s in spreads if s is not None), default=1.0)
    top = 1.0
    while top < high:
        top += 0.5
    return top


def spread_chart(chart_id: str, title: str, years: Sequence[int], spreads: Sequence[Spread | None]) -> Markup:
    """A horizontal box plot per year: whiskers from lowest to highest, the box from the lower to
    the upper quartile, a bar at the median."""
    top = _axis_top(spreads)
    height = PAD_TOP + ROW * len(years) + PAD_BOTTOM
    plot_w = WIDTH - PAD_LEFT - PAD_RIGHT

    def x(value: float) -> float:
        return PAD_LEFT + plot_w * value / top

    desc = "；".join(
        f"{y}年：" + (f"{s.count}个机构，中位数{percent(s.median)}，四分位{percent(s.q1)}至{percent(s.q3)}，"
                     f"最低{percent(s.low)}，最高{percent(s.high)}" if s else "无足够样本")
        for y, s in zip(years, spreads, strict=True))
    out = [
        f'<svg class="chart spread" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    bottom = height - PAD_BOTTOM
    steps = int(top / 0.25)
    for i in range(steps + 1):
        gx = x(i * 0.25)
        out.append(f'<line class="grid" x1="{gx:.1f}" y1="{PAD_TOP}" x2="{gx:.1f}" y2="{bottom}"/>')
        if i % 2 == 0 or steps <= 4:
            out.append(f'<text class="axis" x="{gx:.1f}" y="{bottom + 16}" text-anchor="middle">'
                       f'{percent(i * 0.25)}</text>')
    for i, (year, s) in enumerate(zip(years, spreads, strict=True)):
        mid = PAD_TOP + ROW * i + ROW / 2
        out.append(f'<text class="axis" x="{PAD_LEFT - 8}" y="{mid + 4:.1f}" text-anchor="end">{year}年</text>')
        if s is None:
            out.append(f'<text class="gap" x="{PAD_LEFT + 6}" y="{mid + 4:.1f}">无足够样本</text>')
            continue
        out.append(f'<line class="whisker" x1="{x(s.low):.1f}" y1="{mid:.1f}" x2="{x(s.high):.1f}" y2="{mid:.1f}"/>')
        out.append(f'<rect class="box" x="{x(s.q1):.1f}" y="{mid - 8:.1f}" '
                   f'width="{max(x(s.q3) - x(s.q1), 1.5):.1f}" height="16"/>')
        out.append(f'<line class="median" x1="{x(s.median):.1f}" y1="{mid - 10:.1f}" '
                   f'x2="{x(s.median):.1f}" y2="{mid + 10:.1f}"/>')
    out.append("</svg>")
    return Markup("\n".join(out))
