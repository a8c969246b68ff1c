"""Reading one printed table cell, and splitting digits that ran together.

A cell is either a number exactly as printed (full-width digits and thousands separators
normalised), or null with its printing kept: the data contract says a blank, ``/``, ``—`` or
不适用 is *not* zero, so nothing here ever turns a non-digit into 0.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

NULL_MARKS = frozenset({"", "/", "\\", "—", "——", "-", "--", "–", "―", "─", "━", "不适用", "无", "空", "×"})
"""Printings (after NFKC folding) that stand for "no number"."""

_INT = re.compile(r"^\d+$")
_GROUPED = re.compile(r"^\d{1,3}(?:[,，]\d{3})+$")
_DECIMAL = re.compile(r"^\d+\.\d+$")
_SIGNED = re.compile(r"^[-+−]\d+$")  # 本年增/减 of the 2019 form
_COUNT_UNIT = re.compile(r"(?<=\d)[件个项条次宗]$")
"""A count's unit printed inside its cell (``34240件``): the number is the cell, the unit is layout."""
_MAX_SPLIT_DIGITS = 40
_MAX_CANDIDATES = 5000


@dataclass(frozen=True)
class Cell:
    """One cell: ``value`` is an int/float or None; ``printed`` is the cell as printed."""

    value: int | float | None
    printed: str

    @property
    def is_null(self) -> bool:
        return self.value is None


def fold(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), whitespace trimmed."""
    return unicodedata.normalize("NFKC", text).strip()


def _bare(text: str) -> str:
    """The cell's printing folded, without spaces or a count unit after its digits."""
    return _COUNT_UNIT.sub("", fold(text).replace(" ", ""))


def is_cell(text: str) -> bool:
    """Whether a token reads as a table cell (a number or a null mark) rather than a label."""
    t = _bare(text)
    return bool(t) and (t in NULL_MARKS or bool(_INT.match(t) or _GROUPED.match(t) or _DECIMAL.match(t)
                                                 or _SIGNED.match(t)))


def parse_cell(text: str, *, decimal: bool = False, signed: bool = False) -> Cell | None:
    """The cell a token prints, or None when it is not readable as one cell.

    Whole numbers only, unless ``decimal`` (the fee cell, in 万元) or ``signed`` (a change from
    last year, which may be negative). A multi-digit number with a
    leading zero (``026``) is not a number anyone prints: it is digits run together, so it is
    refused here and left to :func:`split_candidates`.
    """
    t = _bare(text)
    if t in NULL_MARKS:
        return Cell(None, text.strip())
    if _GROUPED.match(t):
        t = t.replace(",", "").replace("，", "")
        return Cell(int(t), text.strip())
    if _INT.match(t):
        if len(t) > 1 and t[0] == "0":
            return None
        return Cell(int(t), text.strip())
    if signed and _SIGNED.match(t):
        digits = t[1:]
        if len(digits) > 1 and digits[0] == "0":
            return None
        return Cell(-int(digits) if t[0] in "-−" else int(digits), text.strip())
    if decimal and _DECIMAL.match(t):
        whole = t.split(".")[0]
        if len(whole) > 1 and whole[0] == "0":
            return None
        return Cell(float(t), text.strip())
    return None


def _compositions(digits: str, parts: int) -> Iterator[list[str]]:
    """Every way to cut ``digits`` into ``parts`` numbers without leading zeros."""
    if parts == 1:
        if len(digits) == 1 or digits[0] != "0":
            yield [digits]
        return
    if digits[0] == "0":
        if len(digits) > 1:
            for rest in _compositions(digits[1:], parts - 1):
                yield ["0", *rest]
        return
    for cut in range(1, len(digits) - parts + 2):
        for rest in _compositions(digits[cut:], parts - 1):
            yield [digits[:cut], *rest]


def split_candidates(tokens: list[str], width: int) -> list[list[Cell]] | None:
    """All readings of ``tokens`` as exactly ``width`` cells, splitting run-together digits.

    Tokens that are not pure digit strings (null marks, grouped numbers) stay one cell each.
    Returns None when there are too many readings to consider (then nobody should guess).
    """
    fixed = [parse_cell(t) for t in tokens]
    digits = [fold(t).replace(" ", "") for t in tokens]
    if sum(len(d) for d in digits if _INT.match(d)) > _MAX_SPLIT_DIGITS:
        return None
    out: list[list[Cell]] = []

    def walk(i: int, remaining: int, acc: list[Cell]) -> bool:
        if len(out) > _MAX_CANDIDATES:
            return False
        if i == len(tokens):
            if remaining == 0:
                out.append(list(acc))
            return True
        left = len(tokens) - i - 1  # every later token is at least one cell
        d = digits[i]
        if _INT.match(d):
            for k in range(1, min(len(d), remaining - left) + 1):
                for parts in _compositions(d, k):
                    if not walk(i + 1, remaining - k, acc + [Cell(int(p), p) for p in parts]):
                        return False
            return True
        if fixed[i] is None or remaining - 1 < left:
            return True
        return walk(i + 1, remaining - 1, acc + [fixed[i]])

    if not walk(0, width, []):
        return None
    return out


def join_candidates(tokens: list[str], width: int) -> list[list[Cell]]:
    """Readings of ``width + 1`` printed whole numbers as ``width`` cells, two neighbours joined.

    A PDF that spaces its letters out can print 25 as ``2 5``. Which neighbours belong together
    is not in the text — callers keep only readings the form's sums prove. A ``0`` never starts
    a joined number (nobody prints 05), and grouped or decimal numbers are never joined.
    """
    if len(tokens) != width + 1:
        return []
    digits = [fold(t).replace(" ", "") for t in tokens]
    cells = [parse_cell(t) for t in tokens]
    if not all(_INT.match(d) for d in digits) or any(c is None for c in cells):
        return []
    out: list[list[Cell]] = []
    for i in range(width):
        if digits[i] == "0":
            continue
        joined = Cell(int(digits[i] + digits[i + 1]), f"{tokens[i].strip()} {tokens[i + 1].strip()}")
        out.append([*cells[:i], joined, *cells[i + 2:]])  # type: ignore[list-item]
    return out
