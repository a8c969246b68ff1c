"""Data downloads: every report as JSON and CSV, with a Frictionless data package describing them.

Journalists compare agencies in a spreadsheet, so the downloads use the public contract keys of
FORMAT.md as field names and never turn a missing number into 0: a null cell is an empty CSV
field and ``null`` in JSON, and the reason is in ``missing_tables`` / ``cells``.

Encoding choices (documented on /data/): UTF-8 everywhere; the CSVs start with a byte-order mark
because Excel on Chinese Windows otherwise reads UTF-8 as GBK and shows mojibake (Python, R and
pandas skip the BOM with ``utf-8-sig``, and Frictionless declares the encoding). A text cell that
begins with ``= + - @`` (or a tab / carriage return) gets a leading apostrophe so a spreadsheet
does not run it as a formula (OWASP "CSV injection"); numbers are left alone.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from . import form
from .cells import CELLS
from .checks import Check
from .coverage import LABELS, STATUSES
from .figures import KEY_FIGURES, Figure, Value, flat_value
from .indicators import INDICATORS, IndicatorValue, indicators_record
from .model import Report, Site
from .numfmt import format_number
from .trace import Trace

LICENCE = {
    "data_name": "CC-BY-4.0",
    "data_title": "知识共享 署名 4.0 国际许可协议（CC BY 4.0）",
    "data_path": "https://creativecommons.org/licenses/by/4.0/deed.zh-hans",
    "data_scope": "本站对年度报告所做的结构化整理（表格数字、正文数字摘录、一致性检查结果）",
    "source_scope": "年度报告原文是各行政机关依照《中华人民共和国政府信息公开条例》公开发布的政府信息，"
                    "以发布机关的版本为准；本站照录原文，不作改动。",
    "cite": "政府信息公开年报库，《{title}》结构化数据，{url}",
}
"""The licence terms, in one place: the data page, reports.json and datapackage.json read them."""

CSV_BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def json_default(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dump_json(data: Any, *, compact: bool = False) -> bytes:
    """Stable JSON: the same input gives the same bytes (deterministic builds).

    ``compact`` for the large and per-report files: Python's C encoder only runs without
    ``indent``, and indenting made JSON the slowest part of a 2,000-report build.
    """
    if compact:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=json_default)
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2, default=json_default)
    return (text + "\n").encode("utf-8")


def report_record(report: Report) -> dict[str, Any]:
    """A report as published in reports.json and report.json: its YAML fields (the contract),
    with the computed checks instead of the YAML snapshot, and where it lives on the site
    (site-relative URLs, like every URL of the model, so the data does not depend on the host)."""
    return _record(report, [c.as_dict() for c in report.checks])


def _record(report: Report, checks: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "agency_slug": report.agency.slug,
        "agency": report.agency.name,
        "url": report.url,
        "source_url": report.source_url,
        "deadline": report.deadline.date.isoformat() if report.deadline else None,
        "on_time": report.on_time,
    }
    for key, value in report.data.items():
        record[key] = value
    record["agency"] = report.agency.name  # the registered name; the YAML holds the slug
    record["indicators"] = indicators_record(report.indicators)
    record["checks"] = checks
    record["trace"] = trace_record(report.trace)
    record["narrative"] = [
        {k: v for k, v in n.items() if v is not None} for n in report.data.get("narrative") or []
    ]
    return record  # dates become ISO strings when dumped (json_default), as every consumer sees them


def trace_record(trace: Trace) -> dict[str, Any]:
    """The table numbers looked for in the source text (``trace.py``): how many were found in their
    printed row, each one that was not (with what the source prints there), and the tables whose
    numbers cannot be looked for (read from images …), each with why."""
    return {
        "found": trace.checked,
        "not_found": [{"cell": m.path, "value": m.value, "printed": m.printed, "message": m.message}
                      for m in trace.mismatches],
        "not_traceable": dict(trace.exempt),
    }


CHECKS_MARK = "\x00checks\x00"
"""Stands for the checks while the rest of a record is dumped; JSON writes it ``"\\u0000checks\\u0000"``."""
_CHECKS_MARK_JSON = json.dumps(CHECKS_MARK)


@lru_cache(maxsize=1 << 14)
def _check_json(check: Check) -> str:
    return json.dumps(check.as_dict(), ensure_ascii=False, separators=(",", ":"))


def report_json(report: Report) -> bytes:
    """``dump_json(report_record(report), compact=True)``, byte for byte, made faster.

    Why: the checks are three quarters of a record's bytes and most of its dumping time, and a
    check is usually one object shared by many reports (``checks.shared``), so each distinct
    check is dumped once (``_check_json``) and spliced in where the mark was dumped."""
    text = json.dumps(_record(report, CHECKS_MARK), ensure_ascii=False, separators=(",", ":"), default=json_default)
    if text.count(_CHECKS_MARK_JSON) != 1:  # the mark in the report's own data: dump it the plain way
        return dump_json(report_record(report), compact=True)
    checks = "[" + ",".join(map(_check_json, report.checks)) + "]"
    return (text.replace(_CHECKS_MARK_JSON, checks) + "\n").encode("utf-8")


# ---------------------------------------------------------------- CSV


@dataclass(frozen=True)
class Column:
    """One CSV column: its contract name, Frictionless type, description and how to read it."""

    name: str
    type: str  # string | integer | number | date | boolean
    description: str
    read: Callable[[Any], Any]  # of a Report; of a coverage Entry for coverage.csv


def _cell(path: str) -> Callable[[Report], Any]:
    """A cell's value (its reader made once for the column, not per row)."""
    read = CELLS[path].read
    return lambda r: read(r.data)


def _figure(fig: Figure) -> Callable[[Report], Value]:
    """``fig.read``, remembered for the last report: a key figure fills three columns of a row
    (value, source, bound), and reading it three times was a third of writing reports.csv."""
    last: list[Any] = [None, None]

    def read(report: Report) -> Value:
        if last[0] is not report:
            last[:] = report, fig.read(report)
        return last[1]

    return read


def _narrative(key: str) -> Callable[[Report], Any]:
    def read(report: Report) -> Any:
        figure = report.narrative_figure(key)
        return None if figure is None else figure.value

    return read


def _narrative_bound(key: str) -> Callable[[Report], Any]:
    def read(report: Report) -> Any:
        figure = report.narrative_figure(key)
        return None if figure is None else figure.bound

    return read


def _known(value: Any, attribute: str) -> Any:
    """An attribute of a figure's value, or null when the figure itself is missing."""
    return getattr(value, attribute) if getattr(value, "number", None) is not None else None


def report_columns() -> tuple[Column, ...]:
    """The columns of reports.csv, derived from the form so that keys are spelled once."""
    cols = [
        Column("agency_slug", "string", "机关标识（网址中使用）", lambda r: r.agency.slug),
        Column("agency", "string", "机关名称", lambda r: r.agency.name),
        Column("jurisdiction", "string", "所属行政区划，以 › 分隔", lambda r: r.agency.jurisdiction_label),
        Column("kind", "string", "机关类型", lambda r: r.agency.kind),
        Column("year", "integer", "统计年度", lambda r: r.year),
        Column("title", "string", "报告标题", lambda r: r.title),
        Column("published", "date", "发布日期；原文未注明时为空", lambda r: r.published),
        Column("deadline", "date", "条例规定的发布期限；条例未规定时为空", lambda r: r.deadline and r.deadline.date),
        Column("on_time", "boolean", "是否在期限内发布；无发布日期时为空", lambda r: r.on_time),
        Column("status", "string", "draft：自动提取待核对；reviewed：已人工核对", lambda r: r.status),
        Column("form", "string", "报告所用表格格式", lambda r: r.data.get("form")),
        Column("url", "string", "报告页面地址（站内路径）", lambda r: r.url),
    ]
    for table in ("table2", "table3", "table4"):
        cols.append(Column(f"missing_tables.{table}", "string", f"{form.TABLE_TITLES[table]}：原文缺表的原因",
                           lambda r, t=table: r.missing_tables.get(t)))
    for triple in form.TABLE2_TRIPLES:
        for cell in form.TRIPLE_CELLS:
            path = f"table2.{triple.key}.{cell.key}"
            cols.append(Column(path, "integer", f"表二 {triple.label} {cell.label}", _cell(path)))
    for item in form.TABLE2_COUNTS:
        cols.append(Column(f"table2.{item.key}", "integer", f"表二 {item.label} 本年处理决定数量",
                           _cell(f"table2.{item.key}")))
    fees = form.TABLE2_FEES
    cols.append(Column(f"table2.{fees.key}", "number", f"表二 {fees.label} 本年收费金额（万元）",
                       _cell(f"table2.{fees.key}")))
    for row in (*form.TABLE3_ROWS, form.TABLE3_SINGLE_ROW):
        path = f"table3.{row.key}.total"
        label = f"{row.group_label or ''}{row.label}"
        cols.append(Column(path, "integer", f"表三 {label} 总计列", _cell(path)))
    for group in form.TABLE4_GROUPS:
        for cell in form.TABLE4_CELLS:
            path = f"table4.{group.key}.{cell.key}"
            cols.append(Column(path, "integer", f"表四 {group.label} {cell.label}", _cell(path)))
    bound = "exact：确数；at_least：下限（原文如“16500余条”）；approx：约数"
    for key, label in form.NARRATIVE_KEYS.items():
        cols.append(Column(f"narrative.{key}", "number", f"正文所述：{label}（原句见 reports.json）",
                           _narrative(key)))
        cols.append(Column(f"narrative.{key}.bound", "string", f"正文所述{label}的性质：{bound}",
                           _narrative_bound(key)))
    taken = {c.name for c in cols}
    for fig in KEY_FIGURES:
        if fig.key not in taken:
            value = _figure(fig)
            cols.append(Column(fig.key, "number", f"派生：{fig.label}（{fig.unit}）",
                               lambda r, v=value: flat_value(v(r))))
            cols.append(Column(f"{fig.key}.source", "string",
                               f"{fig.label}的来源：table（表格）、narrative（正文）、derived（由表格推算）",
                               lambda r, v=value: _known(v(r), "source")))
            cols.append(Column(f"{fig.key}.bound", "string", f"{fig.label}的性质：{bound}",
                               lambda r, v=value: _known(v(r), "bound")))
    cols.append(Column("checks_failed", "integer", "未通过的一致性检查数",
                       lambda r: len(r.failing_checks)))
    return tuple(cols)


INDICATOR_KEY_COLUMNS = {"agency_slug": "机关标识", "agency": "机关名称", "jurisdiction": "所属行政区划",
                         "kind": "机关类型", "year": "统计年度", "form": "表格格式", "url": "报告页面"}
"""The identifying columns of indicators.csv, as reports.csv spells them, with their Chinese titles."""
INDICATOR_PARTS = (
    ("", "number", "{title}：数值（比率，保留4位小数）；无法计算时为空，原因见 {key}.reason"),
    (".numerator", "number", "{title}的分子：{numerator}"),
    (".denominator", "number", "{title}的分母：{denominator}"),
    (".reason", "string", "{title}为空的原因；有数值时为空"),
)
"""The four columns of each indicator: column suffix, type, description (Chinese, filled per indicator)."""


def _indicator_values() -> Callable[[Report], tuple[IndicatorValue, ...]]:
    """A report's indicators, computed once for all 32 columns of its row (the last report kept)."""
    last: list[Any] = [None, ()]

    def read(report: Report) -> tuple[IndicatorValue, ...]:
        if last[0] is not report:
            last[:] = report, report.indicators
        return last[1]

    return read


def _indicator_part(values: Callable[[Report], tuple[IndicatorValue, ...]], index: int,
                    attribute: str) -> Callable[[Report], Any]:
    return lambda report: getattr(values(report)[index], attribute)


def indicator_columns() -> tuple[Column, ...]:
    """The columns of indicators.csv: who and which year, then each indicator's value, numerator,
    denominator and, when null, the reason."""
    by_name = {c.name: c for c in report_columns()}
    cols = [by_name[name] for name in INDICATOR_KEY_COLUMNS]
    values = _indicator_values()
    for index, ind in enumerate(INDICATORS):
        for (suffix, kind, text), attribute in zip(INDICATOR_PARTS, ("value", "numerator", "denominator", "reason"),
                                                   strict=True):
            description = text.format(title=ind.title, key=ind.key, numerator=ind.numerator.label,
                                      denominator=ind.denominator.label)
            cols.append(Column(ind.key + suffix, kind, description, _indicator_part(values, index, attribute)))
    return tuple(cols)


def indicator_title(column: Column) -> str:
    """The Chinese label of an indicators.csv column (its ``title`` in datapackage.json)."""
    key, _, part = column.name.partition(".")
    indicator = next((i for i in INDICATORS if i.key == key), None)
    if indicator is None:
        return INDICATOR_KEY_COLUMNS[column.name]
    return indicator.title + {"": "", "numerator": "·分子", "denominator": "·分母", "reason": "·为空原因"}[part]


def table3_columns() -> tuple[Column, ...]:
    """The identifying columns of table3.csv; the seven number columns follow (form order)."""
    return (
        Column("agency_slug", "string", "机关标识", lambda r: r.agency.slug),
        Column("year", "integer", "统计年度", lambda r: r.year),
        Column("row", "string", "表三行标识，如 withheld.state_secret", lambda r: None),
        Column("label", "string", "表三行名称（按格式原文）", lambda r: None),
    )


def safe_cell(value: Any) -> str:
    """One CSV field: '' for null, ISO dates, and text neutralised against formula injection."""
    if type(value) is int:  # most fields: table cells (a bool is not one: its type is bool)
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return format_number(value)
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text


def coverage_columns() -> tuple[Column, ...]:
    """The columns of coverage.csv: one row per agency and year that has a report or is expected
    (``coverage``); the agency's columns are named as in reports.csv."""
    labels = "；".join(f"{s}：{LABELS[s]}" for s in STATUSES)
    return (
        Column("agency_slug", "string", "机关标识（网址中使用）", lambda e: e.agency.slug),
        Column("agency", "string", "机关名称", lambda e: e.agency.name),
        Column("jurisdiction", "string", "所属行政区划，以 › 分隔", lambda e: e.agency.jurisdiction_label),
        Column("kind", "string", "机关类型", lambda e: e.agency.kind),
        Column("year", "integer", "统计年度", lambda e: e.year),
        Column("timeliness", "string", f"收录与按期情况（{labels}）", lambda e: e.status),
        Column("published", "date", "发布日期；原文未注明或未收录时为空", lambda e: e.published),
        Column("deadline", "date", "条例规定的发布期限；条例未规定时为空", lambda e: e.deadline and e.deadline.date),
        Column("days_late", "integer", "逾期天数（按期为 0）；无发布日期或无期限时为空", lambda e: e.days_late),
        Column("url", "string", "报告页面地址（站内路径）；未收录时为空", lambda e: e.report and e.report.url),
    )


def text_changes_columns() -> tuple[Column, ...]:
    """The columns of text_changes.csv: a report against its agency's previous report
    (``similarity``); ``read`` takes the pair (report, its ``Similarity``)."""
    return (
        Column("agency_slug", "string", "机关标识", lambda rs: rs[0].agency.slug),
        Column("year", "integer", "统计年度", lambda rs: rs[0].year),
        Column("compared_with", "integer", "比较的本机关上一份报告的年度；没有更早的报告时为空",
               lambda rs: rs[1].previous_year),
        Column("sentences", "integer", "本报告正文段落中计入比较的句子数（标题、表格、表格行和少于10字的短句不计）",
               lambda rs: rs[1].counted),
        Column("same", "integer", "其中与上一份报告一字不差的句子数；无法比较时为空",
               lambda rs: None if rs[1].share is None else rs[1].same),
        Column("share", "number", "相同句子的比例（0–1）；无法比较时为空", lambda rs: rs[1].share),
        Column("repeats", "boolean", "是否重复上年文字（比例不低于 0.9）；无法比较时为空",
               lambda rs: None if rs[1].share is None else rs[1].repeats),
        Column("reason", "string", "无法比较的原因", lambda rs: rs[1].reason),
    )


def datapackage(site: Site, base_url: str) -> bytes:
    """A Frictionless Data Package (v1) describing the site-wide downloads."""

    def fields(columns: tuple[Column, ...]) -> list[dict[str, str]]:
        return [{"name": c.name, "type": c.type, "description": c.description} for c in columns]

    t3_numbers = [{"name": c.key, "type": "integer", "description": f"申请人：{c.label}"}
                  for c in form.TABLE3_COLUMNS]
    csv_dialect = {"delimiter": ",", "lineTerminator": "\r\n", "header": True}
    package = {
        "profile": "data-package",
        "name": "gov-info-disclosure-annual-reports",
        "title": "政府信息公开工作年度报告（结构化数据）",
        "description": "各行政机关《政府信息公开工作年度报告》的统计表格、正文数字与一致性检查。"
                       "空值表示原文未提供该数字（原因见 missing_tables 与 cells），不是 0。",
        "homepage": base_url + "/data/",
        "licenses": [{"name": LICENCE["data_name"], "title": LICENCE["data_title"], "path": LICENCE["data_path"]}],
        "sources": [{"title": "各行政机关发布的政府信息公开工作年度报告原文", "path": base_url + "/"}],
        "resources": [
            {
                "name": "reports", "path": "reports.csv", "profile": "tabular-data-resource", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8-sig", "dialect": csv_dialect,
                "description": "每份报告一行：表二、表三总计列、表四、正文数字与派生指标。",
                "schema": {"fields": fields(report_columns()), "primaryKey": ["agency_slug", "year"],
                           "missingValues": [""]},
            },
            {
                "name": "table3", "path": "table3.csv", "profile": "tabular-data-resource", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8-sig", "dialect": csv_dialect,
                "description": "表三（收到和处理政府信息公开申请情况）：每份报告每一行一条记录，七列申请人数字。"
                               "只含原文有表三的报告。",
                "schema": {"fields": fields(table3_columns()) + t3_numbers,
                           "primaryKey": ["agency_slug", "year", "row"], "missingValues": [""]},
            },
            {
                "name": "coverage", "path": "coverage.csv", "profile": "tabular-data-resource", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8-sig", "dialect": csv_dialect,
                "description": "每个机构每个年度一行：是否收录报告、是否在条例规定的期限内发布、逾期天数。"
                               "只含有报告或登记为应当发布（expected_from）的年度。",
                "schema": {"fields": fields(coverage_columns()), "primaryKey": ["agency_slug", "year"],
                           "missingValues": [""]},
            },
            {
                "name": "indicators", "path": "indicators.csv", "profile": "tabular-data-resource", "format": "csv",
                "mediatype": "text/csv", "encoding": "utf-8-sig", "dialect": csv_dialect,
                "description": "每份报告一行：八项指标（实质公开率等）的数值、分子、分母，无法计算时为空并注明原因。"
                               "列名是数据契约的键，中文列名见各字段的 title（不另加第二行表头：那样程序和"
                               "Excel 的排序筛选都会把它当成数据）。"
                               "公式与口径见 indicators 字段和网站 /indicators/ 页。",
                "schema": {"fields": [{"title": indicator_title(c), **f}
                                      for c, f in zip(indicator_columns(), fields(indicator_columns()), strict=True)],
                           "primaryKey": ["agency_slug", "year"], "missingValues": [""]},
                "indicators": [{"name": i.key, "title": i.title, "formula": i.formula, "formula_cells": i.formula_cells,
                                "meaning": i.meaning, "caveats": i.caveats} for i in INDICATORS],
            },
            {
                "name": "text-changes", "path": "text_changes.csv", "profile": "tabular-data-resource",
                "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig", "dialect": csv_dialect,
                "description": "每份报告一行：正文与本机关上一份报告相同的句子数与比例，是否重复上年文字。",
                "schema": {"fields": fields(text_changes_columns()), "primaryKey": ["agency_slug", "year"],
                           "missingValues": [""]},
            },
            {
                "name": "reports-json", "path": "reports.json", "format": "json", "mediatype": "application/json",
                "encoding": "utf-8",
                "description": "全部报告的完整数据（与报告 YAML 同一套字段），含正文数字的原句与检查结果。",
            },
        ],
    }
    return dump_json(package)
