"""A scanned page as ink, and the ruled grid of its tables: where each cell of a form table is.

The page is straightened by the angle that makes its rows of ink sharpest, and the red channel is
kept so that a red seal over the cells fades out. Ruling lines are long runs of ink; their
crossings rebuild the table's grid, merged cells included, so each cell can be read on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_INK = 150  # grey level below which a pixel is ink (after the red channel is taken)


def ink_of(image):
    """Greyscale of the red channel (seals vanish), deskewed, and its ink mask (ink = 255)."""
    from PIL import Image

    if image.mode in ("RGB", "RGBA", "P", "CMYK"):
        grey = image.convert("RGB").getchannel("R")
    else:
        grey = image.convert("L")
    angle = _skew(grey)
    if angle:
        grey = grey.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
    return grey, grey.point(lambda v: 255 if v < _INK else 0)


def _skew(grey) -> float:
    """The small rotation that makes the rows of ink sharpest (ruling lines and text lines)."""
    from PIL import Image

    small = grey.reduce(4).point(lambda v: 255 if v < _INK else 0)

    def score(angle: float) -> float:
        turned = small.rotate(angle, resample=Image.NEAREST, expand=False, fillcolor=0)
        profile = turned.resize((1, turned.height), Image.BOX).tobytes()
        return sum(v * v for v in profile)

    best = max((a / 4 for a in range(-12, 13)), key=score)
    fine = max((best + a / 20 for a in range(-5, 6)), key=score)
    return fine if abs(fine) >= 0.05 else 0.0


@dataclass(frozen=True)
class Segment:
    at: int  # y of a horizontal line, x of a vertical one
    start: int
    end: int


def _segments(mask, chunk: int, min_len: int) -> list[Segment]:
    """Horizontal runs of ink at least ``min_len`` long, merged over adjacent rows (line thickness)."""
    from PIL import Image

    small = mask.resize((max(1, mask.width // chunk), mask.height), Image.BOX)
    w = small.width
    data = small.tobytes().translate(bytes(49 if v >= 160 else 48 for v in range(256)))
    runs = re.compile(rb"1{%d,}" % max(2, min_len // chunk))
    raw: list[Segment] = []
    for y in range(small.height):
        for m in runs.finditer(data, y * w, (y + 1) * w):
            raw.append(Segment(y, (m.start() - y * w) * chunk, (m.end() - y * w) * chunk))
    merged: list[list[int]] = []  # [y_first, y_last, start, end]
    for s in raw:
        for line in reversed(merged[-8:]):
            if s.at - line[1] <= 2 and s.start < line[3] and line[2] < s.end:
                line[1], line[2], line[3] = s.at, min(line[2], s.start), max(line[3], s.end)
                break
        else:
            merged.append([s.at, s.at, s.start, s.end])
    return [Segment((a + b) // 2, s, e) for a, b, s, e in merged]


# ---------------------------------------------------------------- the grid


@dataclass
class GridCell:
    top: int
    bottom: int
    left: int
    right: int
    row: int  # index of the band (between two ruling lines) it starts in
    text: str = ""
    numeric: bool = False  # in a column of numbers, below its header: read with digits only
    chinese: str = ""  # what chi_sim read here before the digits-only reading replaced ``text``


def _near(values: list[int], tol: int) -> list[int]:
    out: list[int] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def find_tables(mask, dpi: float) -> list[list[GridCell]]:
    """Each ruled table on the page as its cells (merged cells whole), top to bottom."""
    mm = dpi / 25.4
    horizontal = _segments(mask, max(2, int(mm)), int(6 * mm))
    vertical = [Segment(s.at, s.start, s.end) for s in _segments(mask.transpose(0 + 5), max(2, int(mm)), int(4 * mm))]
    # transpose(5) is Image.TRANSPOSE: a vertical line becomes a horizontal one (its x is our y)
    tol = max(3, int(0.8 * mm))
    tables: list[list[GridCell]] = []
    used: set[int] = set()
    for n, h in enumerate(horizontal):
        if n in used:
            continue
        group = [h]
        used.add(n)
        changed = True
        while changed:  # h-lines joined by v-lines that cross them
            changed = False
            top, bottom = min(g.at for g in group), max(g.at for g in group)
            left, right = min(g.start for g in group), max(g.end for g in group)
            verts = [v for v in vertical if left - tol <= v.at <= right + tol and v.start <= bottom + tol
                     and v.end >= top - tol]
            for m, other in enumerate(horizontal):
                if m in used:
                    continue
                if any(v.start - tol <= other.at <= v.end + tol and other.start - tol <= v.at <= other.end + tol
                       for v in verts):
                    group.append(other)
                    used.add(m)
                    changed = True
        cells = _cells(group, [v for v in vertical if any(
            v.start - tol <= g.at <= v.end + tol and g.start - tol <= v.at <= g.end + tol for g in group)], tol)
        if cells:
            tables.append(cells)
    return tables


def _cells(hs: list[Segment], vs: list[Segment], tol: int) -> list[GridCell]:
    ys = _near([h.at for h in hs], tol)
    xs = _near([v.at for v in vs], tol)
    if len(ys) < 2 or len(xs) < 2:
        return []

    def h_covers(y: int, x: int) -> bool:
        return any(abs(h.at - y) <= tol and h.start - tol <= x <= h.end + tol for h in hs)

    def v_covers(x: int, y: int) -> bool:
        return any(abs(v.at - x) <= tol and v.start - tol <= y <= v.end + tol for v in vs)

    parent = {(i, j): (i, j) for i in range(len(ys) - 1) for j in range(len(xs) - 1)}

    def find(a):
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for i in range(len(ys) - 1):
        ymid = (ys[i] + ys[i + 1]) // 2
        for j in range(len(xs) - 1):
            xmid = (xs[j] + xs[j + 1]) // 2
            if j + 1 < len(xs) - 1 and not v_covers(xs[j + 1], ymid):
                parent[find((i, j + 1))] = find((i, j))
            if i + 1 < len(ys) - 1 and not h_covers(ys[i + 1], xmid):
                parent[find((i + 1, j))] = find((i, j))
    groups: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for key in parent:
        groups.setdefault(find(key), []).append(key)
    out = []
    for members in groups.values():
        i0, i1 = min(i for i, _ in members), max(i for i, _ in members)
        j0, j1 = min(j for _, j in members), max(j for _, j in members)
        out.append(GridCell(ys[i0], ys[i1 + 1], xs[j0], xs[j1 + 1], i0))
    return sorted(out, key=lambda c: (c.row, c.left))
