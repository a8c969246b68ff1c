"""Table 2 read from images: filled, flagged, never silently.

Table 2 has no sums: no identity of the form involves its cells (现行有效件数 = last year's + 制发 −
废止 crosses years, and agencies restate it), so the arithmetic gate (``ocr_gate``) that proves
tables 3 and 4 can prove nothing here. A table-2 cell read from an image is kept only when

- it is read the same way twice, independently: the digits-only reading (``eng``, ``--psm 7``,
  black on white) and ``chi_sim``'s reading of the same cell's grey ink (another model, another
  image: what one misreads the other does not misread the same way — measured in
  docs/performance.md), and
- each reading is a well-formed number for that cell: a whole number for a count, a decimal with
  at most two places for 收费金额 (万元; ``fees_10k_yuan``).

Such a value is *unproven*: the draft lists it under ``unproven`` (cell path → how it was checked),
``build.py check`` lists each to verify against the image, and the report page marks it. Two
readings that disagree, or one that is not a number, leave the cell null with both readings in the
reason. Where the content holds the agency's previous report, 现行有效件数 is checked against it
(``continuity``): agreement is noted; disagreement makes the cell null with both numbers in the
reason — never used to infer a number, since agencies restate.

Pure: readings in, decisions out.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .. import form
from .numbers import NULL_MARKS, parse_cell

AGREED = "图片识别：数字专用识别与中文识别两次独立读数一致；表二没有合计可以验证"
_DECIMAL_PLACES = re.compile(r"^\d+(\.\d{1,2})?$")
_POINT_MAYBE_LOST = re.compile(r"^\d{4,}$")
"""A fee (万元) of four or more digits and no point: kept only when the point was read."""


def table2_paths() -> list[tuple[str, bool]]:
    """Every number cell of table 2 in form order, with whether it is the decimal fee cell."""
    out = [(f"table2.{i.key}.{c.key}", False) for i in form.TABLE2_TRIPLES for c in form.TRIPLE_CELLS]
    return out + [(f"table2.{i.key}", False) for i in form.TABLE2_COUNTS] + [(f"table2.{form.TABLE2_FEES.key}", True)]


@dataclass(frozen=True)
class Twice:
    """One table-2 cell's two independent readings, as OCR returned them."""

    digits: str  # eng, digits only, black on white
    chinese: str  # chi_sim, the grey ink


@dataclass
class Table2Verdict:
    values: dict[str, int | float | None] = field(default_factory=dict)  # kept (unproven) numbers
    unproven: dict[str, str] = field(default_factory=dict)  # path → how it was checked
    rejected: dict[str, str] = field(default_factory=dict)  # path → why null, with the readings
    marks: dict[str, str] = field(default_factory=dict)  # path → the null mark printed there


def well_formed(text: str, *, decimal: bool) -> int | float | str | None:
    """A cell's reading as a number of its kind, a null mark (the mark itself), or None (not well formed)."""
    folded = unicodedata.normalize("NFKC", text).replace(" ", "")
    if folded in NULL_MARKS and folded:
        return folded
    if decimal and not _DECIMAL_PLACES.match(folded.replace(",", "")):
        return None
    cell = parse_cell(folded, decimal=decimal)
    if cell is None or cell.value is None:
        return None
    return cell.value


def decide(readings: dict[str, Twice]) -> Table2Verdict:
    """Keep a cell read the same way twice as a well-formed number; the rest null with the readings."""
    out = Table2Verdict()
    for path, decimal in table2_paths():
        twice = readings.get(path)
        if twice is None:
            continue
        first, second = well_formed(twice.digits, decimal=decimal), well_formed(twice.chinese, decimal=decimal)
        said = f"数字识别读作“{twice.digits or '（无）'}”，中文识别读作“{twice.chinese or '（无）'}”"
        if isinstance(first, str):  # a null mark (the digits reader's dash or slash): null either way
            out.marks[path] = first
            if first != second:
                out.rejected[path] = f"{said}，按原文印作“{first}”记为空"
        elif not twice.digits and not twice.chinese:
            out.rejected[path] = "图片中此格没有读出字，留空"
        elif first is None or second is None:
            out.rejected[path] = f"{said}，不是{'金额' if decimal else '整数'}的写法，留空"
        elif first != second:
            out.rejected[path] = f"{said}，两次读数不一致，留空"
        elif decimal and _POINT_MAYBE_LOST.match(unicodedata.normalize("NFKC", twice.digits).replace(" ", "")):
            # both readers lose a faint decimal point alike (745.94 → 74594): no proof it was not there
            out.rejected[path] = f"{said}，是没有小数点的大金额，可能漏读了小数点，留空"
        else:
            out.values[path] = first
            out.unproven[path] = AGREED
    return out


def continuity(table2: dict, unproven: dict[str, str], previous: dict | None,
               previous_year: int) -> list[str]:
    """Check 现行有效件数 against last year's report (in place); the notes to add.

    ``in_force`` should be last year's ``in_force`` + ``issued`` − ``repealed``. Agreement is noted
    in the cell's ``unproven`` entry; disagreement makes ``in_force`` null, both numbers in the
    reason. Only cells read from the image (in ``unproven``) are checked, and nothing is inferred.
    """
    notes = []
    for item in form.TABLE2_TRIPLES:
        path = f"table2.{item.key}.in_force"
        row, before = table2.get(item.key) or {}, ((previous or {}).get(item.key) or {}).get("in_force")
        if path not in unproven or before is None or None in (row.get("issued"), row.get("repealed")):
            continue
        want = before + row["issued"] - row["repealed"]
        if want == row["in_force"]:
            unproven[path] += f"；与{previous_year}年报告相符（{before} + {row['issued']} − {row['repealed']}）"
            continue
        notes.append(f"OCR：{path}：图片读作 {row['in_force']}，但{previous_year}年报告的现行有效件数 {before} + "
                     f"制发 {row['issued']} − 废止 {row['repealed']} = {want}，两者不符（也可能是机关重新统计），留空")
        row["in_force"] = None
        del unproven[path]
    return notes
