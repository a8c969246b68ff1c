"""Indicators: the ratios a reporter quotes, each with one agreed formula over the form's cells.

Every indicator is a sum of 总计-column cells over a sum of 总计-column cells, read through
``cells`` (the one accessor), so the formula a page prints and the number it shows are made from
the same list of cell paths. Pure: a report's data in, an ``IndicatorValue`` per indicator out.

Data honesty rules (FORMAT.md): a value that cannot be computed is null *with its reason*, never
0. A report without table 3 (or table 4) gives null naming why the table is missing; a null cell
gives null naming the cell; a zero denominator gives null (0/0 is not 0 %), saying what there was
none of. A value is the ratio rounded to 4 places; numerator and denominator are kept beside it,
so a reader sees that 1.0 came from 2/2.

The 2019 form (国办公开办函〔2019〕60号) prints tables 3 and 4 with the same rows the indicators
read (only （六）其他处理 is one row there, and no indicator reads it), so every indicator is
computed for ``gov-2019`` reports. Reports under the 2008 条例 (``pre-2019``) have no national
tables: all their indicators are null with that reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from . import form
from .cells import CELLS
from .pickling import by_constructor

PRE_2019 = "pre-2019"
PRE_2019_REASON = "2019年以前的报告（依2008年条例编制）没有全国统一的统计表（表三、表四）"
DECIMALS = 4
_TABLE_NAMES = {"table3": "表三", "table4": "表四"}


@dataclass(frozen=True)
class Term:
    """A sum of cells: what it is called on the form, and the contract paths it adds up."""

    label: str  # Chinese, as the form names the rows
    paths: tuple[str, ...]

    @property
    def cells_text(self) -> str:
        """The term in contract keys: ``table3.granted.total + table3.partially_granted.total``."""
        return " + ".join(self.paths)


@dataclass(frozen=True)
class Indicator:
    """One indicator: its contract key, its Chinese title and formula, what it means and its 口径."""

    key: str
    title: str
    numerator: Term
    denominator: Term
    meaning: str
    caveats: str
    zero_reason: str  # why the ratio is undefined when the denominator is 0

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickled by its key: every report's values (computed in the load workers, kept by the
        build cache) then point at the one ``INDICATORS`` entry instead of a copy each."""
        return (indicator_by_key, (self.key,))

    @cached_property
    def formula(self) -> str:
        """The formula in the form's words (as published in every report's ``indicators``: kept)."""
        return f"{_bracket(self.numerator.label)} ÷ {_bracket(self.denominator.label)}"

    @property
    def formula_cells(self) -> str:
        """The same formula in contract cell keys, for programs and for checking by hand."""
        num, den = self.numerator, self.denominator
        return f"{_parens(num.cells_text, len(num.paths))} / {_parens(den.cells_text, len(den.paths))}"

    @property
    def paths(self) -> tuple[str, ...]:
        return self.numerator.paths + self.denominator.paths

    @cached_property
    def tables(self) -> tuple[str, ...]:
        """The tables its cells are in, in form order (read for every report and ranking row: kept)."""
        return tuple(sorted({CELLS[p].table for p in self.paths}))


def _bracket(label: str) -> str:
    return f"（{label}）" if " + " in label else label


def _parens(cells: str, terms: int) -> str:
    return f"({cells})" if terms > 1 else cells


@dataclass(frozen=True, slots=True)
class IndicatorValue:
    """An indicator of one report: a value with its numerator and denominator, or null and why."""

    __reduce__ = by_constructor

    indicator: Indicator
    value: float | None
    numerator: int | float | None
    denominator: int | float | None
    reason: str | None = None

    @property
    def key(self) -> str:
        return self.indicator.key

    def as_dict(self) -> dict[str, Any]:
        """The published shape: ``{value, numerator, denominator, formula}`` (+ ``reason`` when null)."""
        record: dict[str, Any] = {"value": self.value, "numerator": self.numerator,
                                  "denominator": self.denominator, "formula": self.indicator.formula}
        if self.reason is not None:
            record["reason"] = self.reason
        return record


def _total(row: str) -> str:
    return f"table3.{row}.total"


def _group_totals(group: str) -> tuple[str, ...]:
    return tuple(_total(f"{group}.{item.key}") for item in form.TABLE3_GROUP_BY_KEY[group].rows)


_OUTCOMES_TOTAL = Term("表三（七）总计", (_total("total"),))
_NEW = Term("表三 一、本年新收", (_total("new"),))
_LITIGATION = ("litigation_direct", "litigation_after_review")
_CONCLUDED = ("upheld", "corrected", "other")

INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "substantive_disclosure_rate", "实质公开率",
        Term("表三（一）予以公开 + （二）部分公开", (_total("granted"), _total("partially_granted"))),
        _OUTCOMES_TOTAL,
        "本年办结的申请中，申请人至少得到部分所申请信息的比例。",
        "分母是本年办理结果总计（含上年结转后本年办结的），不是本年新收；“部分公开”按表格口径只计一次，"
        "得到的可能只是一小部分。申请少时比例波动大。",
        "本年没有办理结果（表三（七）总计为0）",
    ),
    Indicator(
        "withheld_rate", "不予公开率",
        Term("表三（三）不予公开 1–8项之和", _group_totals("withheld")),
        _OUTCOMES_TOTAL,
        "本年办结的申请中，以八类法定理由决定不予公开的比例。",
        "只计“不予公开”，不含“无法提供”“不予处理”；部分公开的申请按表格口径计入“部分公开”，不在此列。",
        "本年没有办理结果（表三（七）总计为0）",
    ),
    Indicator(
        "not_held_rate", "本机关不掌握率",
        Term("表三（四）无法提供 1.本机关不掌握相关政府信息", (_total("unable.not_held"),)),
        _OUTCOMES_TOTAL,
        "本年办结的申请中，答复“本机关不掌握相关政府信息”的比例。",
        "比例高可能说明申请人找错了机关，也可能说明机关对掌握的信息认定过窄；需结合申请内容判断。",
        "本年没有办理结果（表三（七）总计为0）",
    ),
    Indicator(
        "not_processed_rate", "不予处理率",
        Term("表三（五）不予处理 1–5项之和", _group_totals("not_processed")),
        _OUTCOMES_TOTAL,
        "本年办结的申请中，以信访举报、重复申请等五类理由不予处理的比例。",
        "“无正当理由大量反复申请”等个别申请人的大量申请会显著抬高此比例。",
        "本年没有办理结果（表三（七）总计为0）",
    ),
    Indicator(
        "review_correction_rate", "复议纠错率",
        Term("表四 行政复议 结果纠正", ("table4.review.corrected",)),
        Term("表四 行政复议 结果维持 + 结果纠正 + 其他结果", tuple(f"table4.review.{c}" for c in _CONCLUDED)),
        "本年已审结的行政复议中，结果被纠正的比例。",
        "分母只含已审结的（不含尚未审结）；案件常跨年度审结，复议数量通常很少，单个机关的比例参考意义有限。",
        "本年没有已审结的行政复议（结果维持、结果纠正、其他结果均为0）",
    ),
    Indicator(
        "litigation_correction_rate", "诉讼纠错率",
        Term("表四 行政诉讼（未经复议直接起诉、复议后起诉）结果纠正之和",
             tuple(f"table4.{g}.corrected" for g in _LITIGATION)),
        Term("表四 行政诉讼（两类）结果维持 + 结果纠正 + 其他结果之和",
             tuple(f"table4.{g}.{c}" for g in _LITIGATION for c in _CONCLUDED)),
        "本年已审结的政府信息公开行政诉讼中，结果被纠正（机关败诉）的比例。",
        "分母只含已审结的；两类诉讼合并计算；“其他结果”含撤诉、驳回起诉等。",
        "本年没有已审结的行政诉讼（两类诉讼的结果维持、结果纠正、其他结果均为0）",
    ),
    Indicator(
        "dispute_rate", "争议转化率",
        Term("表四 行政复议总计 + 两类行政诉讼总计",
             ("table4.review.total", *(f"table4.{g}.total" for g in _LITIGATION))),
        _NEW,
        "本年新收申请与引起的行政复议、行政诉讼之比：申请转化为争议的程度。",
        "复议、诉讼可能针对往年的答复，所以这是两个数之比，不是某一批申请的转化比例，理论上可以超过1。",
        "本年没有新收申请（表三 一、本年新收为0）",
    ),
    Indicator(
        "carry_forward_rate", "结转率",
        Term("表三 四、结转下年度继续办理", (_total("carried_forward"),)),
        Term("表三 一、本年新收 + 二、上年结转", (_total("new"), _total("carried_over"))),
        "本年需办理的申请（新收加上年结转）中，年底尚未办结、结转下年度的比例。",
        "年末集中收到的申请按法定期限本就可能结转，比例高不等于超期。",
        "本年没有需办理的申请（新收与上年结转均为0）",
    ),
)
INDICATOR_BY_KEY: Mapping[str, Indicator] = {i.key: i for i in INDICATORS}


def indicator_by_key(key: str) -> Indicator:
    return INDICATOR_BY_KEY[key]


# ---------------------------------------------------------------- computing


def _missing_table(table: str, data: Mapping[str, Any]) -> str | None:
    """Why a table the indicator reads is missing from a report, or None when it is there."""
    if data.get(table) is not None:
        return None
    name = _TABLE_NAMES[table]
    if data.get("form") == PRE_2019:
        return PRE_2019_REASON
    why = str((data.get("missing_tables") or {}).get(table) or "").rstrip("。")
    return f"原文没有{name}：{why}" if why else f"原文没有{name}"


def _cell_label(path: str) -> str:
    return f"单元格 {path}"


def _sum(paths: tuple[str, ...], data: Mapping[str, Any],
         printed: Mapping[str, str]) -> tuple[int | float | None, str | None]:
    """The sum of the cells, or (None, why) naming the first null cell and how it was printed."""
    total: int | float = 0
    for path in paths:
        value = CELLS[path].read(data)  # type: ignore[arg-type]
        if value is None:
            shown = printed.get(path)
            how = f"原文印作“{shown}”" if shown else "原文没有数字"
            return None, f"{_cell_label(path)} 为空（{how}），无法计算"
        total += value
    return total, None


def compute(indicator: Indicator, data: Mapping[str, Any]) -> IndicatorValue:
    """One indicator of one report's data (the validated YAML)."""
    for table in indicator.tables:
        if (why := _missing_table(table, data)) is not None:
            return IndicatorValue(indicator, None, None, None, why)
    printed = data.get("cells") or {}
    numerator, why_num = _sum(indicator.numerator.paths, data, printed)
    denominator, why_den = _sum(indicator.denominator.paths, data, printed)
    if why_den is not None or why_num is not None:
        return IndicatorValue(indicator, None, numerator, denominator, why_den or why_num)
    assert numerator is not None and denominator is not None
    if denominator == 0:
        return IndicatorValue(indicator, None, numerator, denominator, f"分母为0：{indicator.zero_reason}，比率无意义")
    return IndicatorValue(indicator, round(numerator / denominator, DECIMALS), numerator, denominator)


def compute_all(data: Mapping[str, Any]) -> tuple[IndicatorValue, ...]:
    """Every indicator of one report's data, in ``INDICATORS`` order."""
    return tuple(compute(i, data) for i in INDICATORS)


def indicators_record(values: tuple[IndicatorValue, ...]) -> dict[str, dict[str, Any]]:
    """The ``indicators`` object of reports.json and report.json: ``{key: {value, numerator,
    denominator, formula}}``, with ``reason`` when the value is null."""
    return {v.key: v.as_dict() for v in values}
