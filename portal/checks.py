"""Consistency checks (勾稽关系): do an agency's own numbers add up?

A failing check is information for readers, not a build error: official numbers are shown as
published and the failure is flagged beside them. A check that involves a null cell cannot be
decided and says so ("unknown"), because a missing number is not a zero.

Every check names the cells it compared with dotted paths (``table3.new.research``), so the
report page can point at them.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from . import form
from .cells import CELLS, outcome_rows, row_values, single_row
from .numfmt import format_number
from .rules import RULES

PASS, FAIL, UNKNOWN = "pass", "fail", "unknown"


@dataclass(frozen=True, slots=True)
class Check:
    """The outcome of one rule applied to one set of cells."""

    rule: str  # a key of RULES
    status: str  # pass | fail | unknown
    cells: tuple[str, ...]  # dotted paths; "<year>:" prefix for another year's report
    detail: str  # the arithmetic, with the numbers, in Chinese

    @property
    def description(self) -> str:
        return RULES[self.rule]

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "status": self.status, "cells": list(self.cells), "detail": self.detail}

    def __reduce__(self) -> tuple[Any, ...]:
        return shared, (self.rule, self.status, self.cells, self.detail)


_SHARED: dict[Check, Check] = {}
SHARED_MAX = 500_000


def shared(rule: str, status: str, cells: tuple[str, ...], detail: str) -> Check:
    """The one ``Check`` object for these fields, made once per process (while loading).

    Why: a check is a value, and most are equal in many reports (a column of zeros adds up the
    same everywhere). Checks come back from the load workers pickled, and unpickling calls this,
    so equal checks become one object as they arrive: in the 5,000-report benchmark corpus, 17,000
    objects instead of 244,000, and 0.1 GB less of a 0.27 GB model. ``forget_shared`` drops the
    table after a load; it is bounded anyway."""
    return share(Check(rule, status, cells, detail))


def share(check: Check) -> Check:
    """The one object equal to ``check`` (see ``shared``)."""
    if len(_SHARED) >= SHARED_MAX:
        _SHARED.clear()
    return _SHARED.setdefault(check, check)


def forget_shared() -> None:
    """Drop what loading remembered (shared checks, formatted equations): the model holds what
    it needs, and the build's forked processes would otherwise inherit the tables."""
    _SHARED.clear()
    _equation_of.cache_clear()


def _fmt(value: Any) -> str:
    return "空" if value is None else format_number(value)


def _equation(rule: str, left: Sequence[tuple[str, Any]], right: Sequence[tuple[str, Any]],
              cells: Iterable[str], prefix: str = "") -> Check:
    """Check sum(left) == sum(right); each side a list of (label, value)."""
    return _equation_of(rule, tuple(left), tuple(right), tuple(cells), prefix)


_FOLDED_ZEROS = 4
"""From this many terms of 0 on, a sum's detail counts them instead of naming each."""


@lru_cache(maxsize=1 << 16)
def _equation_of(rule: str, left: tuple[tuple[str, Any], ...], right: tuple[tuple[str, Any], ...],
                 cells: tuple[str, ...], prefix: str) -> Check:
    """``_equation``, remembered: most checks are equal in many reports (a column of zeros adds up
    the same everywhere), and formatting the detail was a fifth of loading a report. Equal
    arguments give an equal check even where ``1 == 1.0``: ``format_number`` prints both as 1."""
    values = [v for _, v in (*left, *right)]
    lsum = sum(v for _, v in left if v is not None)
    rsum = sum(v for _, v in right if v is not None)

    def side(items: Sequence[tuple[str, Any]], total: float) -> str:
        zeros = sum(1 for _, v in items if v == 0)
        # a sum of 21 outcome rows, most of them 0, reads better as its other terms and a count
        shown = [(label, v) for label, v in items if v != 0] if zeros >= _FOLDED_ZEROS else items
        body = " + ".join(f"{label}（{_fmt(v)}）" for label, v in shown)
        if len(shown) < len(items):
            body = f"{body} + 其余 {zeros} 项（均为 0）" if shown else f"{zeros} 项（均为 0）"
        return body if len(items) == 1 or None in (v for _, v in items) else f"{body} = {_fmt(total)}"

    if any(v is None for v in values):
        status = UNKNOWN
    else:
        status = PASS if abs(lsum - rsum) < 1e-9 else FAIL
    relation = {PASS: "=", FAIL: "≠", UNKNOWN: "?"}[status]
    detail = f"{prefix}{side(left, lsum)} {relation} {side(right, rsum)}"
    # Interned: every report names the same few hundred cells, and a site holds ~60 checks a report.
    return Check(rule, status, tuple(map(sys.intern, cells)), detail)


# ---------------------------------------------------------------- within one report


_ROWS = (*form.TABLE3_ROWS, form.TABLE3_SINGLE_ROW)


def _at(values: list | None, col: int) -> Any:
    """The cell of a table-3 row (``cells.row_values``) in column ``col``."""
    return values[col] if values is not None and col < len(values) else None


def check_table3(t3: dict) -> list[Check]:
    checks: list[Check] = []
    rows = {row.path: row_values(t3, row.path) for row in _ROWS}  # each row walked once, not once a column
    single = single_row(t3)
    for col in range(len(form.TABLE3_COLUMNS)):
        checks += _table3_column(rows, col, single)
    for row in _ROWS:
        values = rows[row.path]
        if values is None:
            continue
        cells, prefix = _row_names(row)
        checks.append(_equation(
            "t3.row_total",
            [("总计", values[-1] if len(values) == form.TABLE3_WIDTH else None)],
            [(c.label, values[i] if i < len(values) else None) for i, c in enumerate(form.APPLICANT_COLUMNS)],
            cells, prefix,
        ))
    return checks


@cache
def _row_names(row: form.Row) -> tuple[tuple[str, ...], str]:
    """A row total's cells and message prefix: the same in every report, so made once."""
    return tuple("table3." + row.key + "." + c.key for c in form.TABLE3_COLUMNS), f"{_short(row)}行："


def _table3_column(rows: dict[tuple[str, ...], list | None], col: int, single: bool) -> list[Check]:
    """The two per-column rules of the form: balance and outcomes."""
    prefix, outcome_labels, balance_cells, outcome_cells = _column_names(col, single)
    total = _at(rows[("total",)], col)
    return [
        _equation(
            "t3.balance",
            [("一", _at(rows[("new",)], col)), ("二", _at(rows[("carried_over",)], col))],
            [("三（七）", total), ("四", _at(rows[("carried_forward",)], col))],
            balance_cells, prefix,
        ),
        _equation(
            "t3.outcomes",
            [("（七）总计", total)],
            [(label, _at(rows[r.path], col)) for label, r in zip(outcome_labels, outcome_rows(single), strict=True)],
            outcome_cells, prefix,
        ),
    ]


@cache
def _column_names(col: int, single: bool) -> tuple[
        str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """What a column's two checks are named by — its message prefix, the outcome rows' labels
    (（六） as one row or not: ``single``), and the cells of each check — the same in every
    report, so made once (they were a quarter of checking a report)."""
    column = form.TABLE3_COLUMNS[col]
    rows = outcome_rows(single)

    def ref(path: tuple[str, ...]) -> str:
        return "table3." + ".".join(path) + "." + column.key

    return (f"{column.label}列：", tuple(_short(r) for r in rows),
            tuple(ref((part,)) for part in ("new", "carried_over", "total", "carried_forward")),
            (ref(("total",)), *(ref(r.path) for r in rows)))


def _short(row: form.Row) -> str:
    """A compact label for messages: （三）1.属于国家秘密 → 不予公开/1.属于国家秘密."""
    label = row.label.split("（区分")[0]
    if row.group_label:
        return f"{row.group_label}{label.split('.')[0]}"
    return label


def check_table4(t4: dict) -> list[Check]:
    checks = []
    parts = [c for c in form.TABLE4_CELLS if c.key != "total"]
    for group in form.TABLE4_GROUPS:
        g = t4.get(group.key) or {}
        checks.append(_equation(
            "t4.total",
            [("总计", g.get("total"))],
            [(c.label, g.get(c.key)) for c in parts],
            [f"table4.{group.key}.{c.key}" for c in form.TABLE4_CELLS],
            f"{group.label}：",
        ))
    return checks


# Narrative figures that restate one table cell (or a sum of cells).
NARRATIVE_CELLS: dict[str, tuple[str, ...]] = {
    "applications_received": ("table3.new.total",),
    "applications_carried_over": ("table3.carried_over.total",),
    "normative_documents_issued": ("table2.normative_documents.issued",),
    "reconsiderations": ("table4.review.total",),
    "lawsuits": ("table4.litigation_direct.total", "table4.litigation_after_review.total"),
}


def check_narrative(data: dict) -> list[Check]:
    """Each narrative figure against the table cells it restates, when the table exists."""
    checks = []
    for item in data.get("narrative") or []:
        paths = NARRATIVE_CELLS.get(item.get("key"))
        if not paths:
            continue
        label = form.NARRATIVE_KEYS[item["key"]]
        quote = f"正文“{item['quote']}”：{label}"
        table = CELLS[paths[0]].table
        if data.get(table) is None:  # the table is missing (no cell to point at): the sentence stands alone
            checks.append(Check("narrative", UNKNOWN, (), f"{quote} {_fmt(item['value'])}；"
                                f"{form.TABLE_TITLES[table]}缺失，无法与表格核对"))
            continue
        cells = [(p, CELLS[p].read(data)) for p in paths]
        if item.get("bound") == "at_least":
            total = None if any(v is None for _, v in cells) else sum(v for _, v in cells)
            status = UNKNOWN if total is None else PASS if total >= item["value"] else FAIL
            detail = f"{quote} 至少 {_fmt(item['value'])}，表格为 {_fmt(total)}"
            checks.append(Check("narrative", status, paths, detail))
        elif item.get("bound", "exact") == "exact":
            checks.append(_equation("narrative", [(quote, item["value"])],
                                    [(f"表格 {p}", v) for p, v in cells], paths))
    return checks


def check_report(data: dict) -> list[Check]:
    """All checks that one report's own data allows."""
    checks: list[Check] = []
    if isinstance(data.get("table3"), dict):
        checks += check_table3(data["table3"])
    if isinstance(data.get("table4"), dict):
        checks += check_table4(data["table4"])
    checks += check_narrative(data)
    return checks


# ---------------------------------------------------------------- across years


def check_years(previous: dict, current: dict) -> list[Check]:
    """Checks between an agency's report for year Y-1 (``previous``) and year Y (``current``)."""
    checks: list[Check] = []
    py = previous.get("year")
    t3p, t3c = previous.get("table3"), current.get("table3")
    if isinstance(t3p, dict) and isinstance(t3c, dict):
        carried_over, carried_forward = row_values(t3c, ("carried_over",)), row_values(t3p, ("carried_forward",))
        for col, column in enumerate(form.TABLE3_COLUMNS):
            checks.append(_equation(
                "year.carried",
                [("本年 二、上年结转", _at(carried_over, col))],
                [(f"{py}年 四、结转下年度", _at(carried_forward, col))],
                [f"table3.carried_over.{column.key}", f"{py}:table3.carried_forward.{column.key}"],
                f"{column.label}列：",
            ))
    t2p, t2c = previous.get("table2"), current.get("table2")
    old_form = [y for y, d in ((py, previous), (current.get("year"), current)) if d.get(form.TABLE2_2019_KEY)]
    if isinstance(t2p, dict) and isinstance(t2c, dict) and old_form:
        # the 2019 form's table 2 has no 制发 / 废止 / 现行有效 columns: nothing to add up, no cell to point at
        checks += [shared("year.in_force", UNKNOWN, (), f"{item.label}：{'、'.join(map(str, old_form))}年的表二是"
                          "2019年版格式（本年新制作、本年新公开、对外公开总数量），没有现行有效件数，无法核对")
                   for item in form.TABLE2_TRIPLES]
    elif not isinstance(t2p, dict):
        checks += _in_force_unknown(current, f"{py}年的报告没有表二（缺失，或按 2008 年条例编写）")
    elif isinstance(t2p, dict) and isinstance(t2c, dict):
        for item in form.TABLE2_TRIPLES:
            p, c = t2p.get(item.key) or {}, t2c.get(item.key) or {}
            base = f"table2.{item.key}"
            checks.append(_equation(
                "year.in_force",
                [("本年现行有效", c.get("in_force"))],
                [(f"{py}年现行有效", p.get("in_force")), ("本年制发", c.get("issued")),
                 ("− 本年废止", -c["repealed"] if isinstance(c.get("repealed"), (int, float)) else None)],
                [f"{base}.in_force", f"{py}:{base}.in_force", f"{base}.issued", f"{base}.repealed"],
                f"{item.label}：",
            ))
    for item in current.get("narrative") or []:
        if item.get("key") == "applications_received_previous" and item.get("bound", "exact") == "exact":
            found, value = CELLS["table3.new.total"].find(previous)
            if found and previous.get("table3") is not None:
                checks.append(_equation(
                    "year.narrative_previous",
                    [(f"正文“{item['quote']}”推算上年收到申请", item["value"])],
                    [(f"{py}年表三 一、新收 总计", value)],
                    [f"{py}:table3.new.total"],
                ))
    return checks


def check_no_previous(current: dict) -> list[Check]:
    """What the cross-year rules say without the agency's report of the year before: cannot tell."""
    year = current.get("year")
    return _in_force_unknown(current, f"没有本机关 {year - 1 if isinstance(year, int) else '上一'} 年的报告")


def _in_force_unknown(current: dict, why: str) -> list[Check]:
    """``year.in_force`` for each in-force count this report prints, when last year's is not to be had."""
    t2 = current.get("table2")
    if not isinstance(t2, dict):
        return []
    return [shared("year.in_force", UNKNOWN, (f"table2.{item.key}.in_force",), f"{item.label}：{why}，无法核对")
            for item in form.TABLE2_TRIPLES if (t2.get(item.key) or {}).get("in_force") is not None]


def summarize(checks: Iterable[Check]) -> dict[str, int]:
    """Counts by status, for page badges and the build summary."""
    out = {PASS: 0, FAIL: 0, UNKNOWN: 0}
    for c in checks:
        out[c.status] += 1
    return out
