"""Small inline SVG bar charts, drawn at build time.

No chart library and no JavaScript: the site must work under a strict Content-Security-Policy
and on paper. Colours come from CSS classes (``series-1`` …) rather than inline styles, every
chart has a ``<title>`` and ``<desc>`` for screen readers, and the page prints the same numbers
in a table beside it — the chart is a reading aid, never the only place a number is.

A missing value is drawn as a gap labelled "无数据", never as a zero-height bar: a bar of zero
would claim the agency reported 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

from .figures import Value

WIDTH, HEIGHT = 640, 260
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 48, 12, 28, 52


@dataclass(frozen=True)
class Series:
    """One named series: a value per category (year)."""

    label: str
    values: tuple[Value, ...]


def _nice_max(value: float) -> float:
    """A round axis maximum ≥ value: 1, 2, 5 × 10^n."""
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return float(step * magnitude)
    return float(10 * magnitude)


def bar_chart(chart_id: str, title: str, categories: Sequence[str], series: Sequence[Series]) -> Markup:
    """A grouped bar chart: one group per category, one bar per series, value labels on bars."""
    known = [v.number for s in series for v in s.values if v.number is not None]
    top = _nice_max(max(known, default=0.0))
    plot_w, plot_h = WIDTH - PAD_LEFT - PAD_RIGHT, HEIGHT - PAD_TOP - PAD_BOTTOM
    group_w = plot_w / max(len(categories), 1)
    bar_w = min(40.0, group_w * 0.8 / max(len(series), 1))
    base_y = PAD_TOP + plot_h
    desc = "；".join(
        f"{c}年：" + "，".join(f"{s.label} {s.values[i].display}" for s in series)
        for i, c in enumerate(categories)
    )
    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
    ]
    for frac in (0, 0.5, 1):
        y = base_y - frac * plot_h
        out.append(f'<line class="grid" x1="{PAD_LEFT}" y1="{y:.1f}" x2="{WIDTH - PAD_RIGHT}" y2="{y:.1f}"/>')
        label = f"{top * frac:g}"
        out.append(f'<text class="axis" x="{PAD_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
    for i, category in enumerate(categories):
        gx = PAD_LEFT + i * group_w + (group_w - bar_w * len(series)) / 2
        for j, s in enumerate(series):
            v = s.values[i]
            x = gx + j * bar_w
            cx = x + bar_w / 2
            if v.number is None:
                out.append(f'<text class="gap" x="{cx:.1f}" y="{base_y - 6:.1f}" text-anchor="middle">无数据</text>')
                continue
            h = plot_h * v.number / top
            klass = f"bar series-{j + 1}" + (" narrative" if v.source == "narrative" else "")
            out.append(f'<rect class="{klass}" x="{x + 1:.1f}" y="{base_y - h:.1f}" '
                       f'width="{bar_w - 2:.1f}" height="{h:.1f}"/>')
            out.append(f'<text class="value" x="{cx:.1f}" y="{base_y - h - 4:.1f}" '
                       f'text-anchor="middle">{escape(v.display)}</text>')
        out.append(f'<text class="axis" x="{PAD_LEFT + (i + 0.5) * group_w:.1f}" y="{base_y + 18}" '
                   f'text-anchor="middle">{escape(category)}年</text>')
    lx = PAD_LEFT
    for j, s in enumerate(series):
        out.append(f'<rect class="bar series-{j + 1}" x="{lx}" y="{HEIGHT - 18}" width="12" height="12"/>')
        out.append(f'<text class="legend" x="{lx + 16}" y="{HEIGHT - 8}">{escape(s.label)}</text>')
        lx += 28 + 14 * len(s.label)
    out.append(f'<line class="baseline" x1="{PAD_LEFT}" y1="{base_y}" x2="{WIDTH - PAD_RIGHT}" y2="{base_y}"/>')
    out.append("</svg>")
    return Markup("\n".join(out))
