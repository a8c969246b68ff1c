"""Validation of report YAML and the agency registry, and their JSON Schemas.

The validator walks the loaded data with the form definition (``form.py``) in hand, so every
message names the exact field (``table3.withheld.state_secret[2]``) and the line it came from.
It collects every problem instead of stopping at the first. The JSON Schemas written to
``content/schema/`` are generated from the same definitions, for editors' completion; the
build checks with this module, which also knows what a JSON Schema cannot say (a null table
needs a reason, a recorded cell must be null, a quote must occur in the source).

Messages are in Chinese, for the people who edit the content; field names stay as written in the
YAML. A value typed the way people write numbers on paper (``1,505``, ``"2023"``) gets a hint
that says exactly what to change.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any

from . import form
from .cells import CELLS
from .checks import RULES
from .errors import Problem
from .yamlsafe import Located, PathKey, dotted

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[^\s<>\"'`]+$", re.IGNORECASE)
SOURCE_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
MAX_COUNT = 100_000_000
"""More than this in one cell is a typo, not a count: China issues about 10^8 decisions a year."""
MAX_FEES_10K_YUAN = 10_000_000.0
AGENCY_KINDS = ("人民政府", "政府办公室", "部门", "街道办事处", "乡镇人民政府", "开发区管委会", "其他")
STATUSES = ("draft", "reviewed")
FORMS = (form.FORM_ID, form.FORM_2019_ID, "pre-2019", "unknown")
"""pre-2019: a report under the 2008 条例, before any national form of tables (null tables)."""
SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
SOURCE_FORMATS = ("text", "html", "docx", "doc", "rtf", "pdf", "image")
BOUNDS = ("exact", "at_least", "approx")
CONTACT_KEYS = ("office", "address", "postcode", "phone", "fax", "email", "website")
TABLES = ("table2", "table3", "table4")
REPORT_KEYS = (
    "agency", "year", "title", "published", "status", "form", "source", "contact",
    "missing_tables", "table2", "table3", "table4", form.TABLE2_2019_KEY, "cells", "narrative", "notes", "checks",
    "as_printed", "deadline_as", "unproven",
)
REQUIRED_REPORT_KEYS = ("agency", "year", "title", "source", "table2", "table3", "table4")
AGENCY_KEYS = ("slug", "name", "jurisdiction", "kind", "website", "address", "phone", "aliases", "draft",
               "expected_from", "expected_until")
EXPECTED_YEARS = (2008, 2100)
"""The years ``expected_from``/``expected_until`` may name: the first 条例 took effect in 2008."""


@dataclass
class Validator:
    """Walks one loaded file and collects the problems it finds, with their lines."""

    file: str
    located: Located
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: PathKey, message: str, hint: str | None = None) -> None:
        self.problems.append(
            Problem(self.file, message, self.located.line_of(path), dotted(path) or None, hint)
        )

    # ---- shapes

    def mapping(self, value: Any, path: PathKey, keys: tuple[str, ...], required: tuple[str, ...] = ()) -> bool:
        """Check ``value`` is a mapping with only ``keys`` and all ``required``; say which not."""
        if not isinstance(value, dict):
            self.add(path, f"应为含字段 {', '.join(keys)} 的映射，{got(value)}")
            return False
        for key in value:
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1)
                hint = f"是不是 {close[0]!r}？" if close else f"可用的字段：{', '.join(keys)}"
                self.add(path + (key,), "未知字段", hint)
        for key in required:
            if key not in value:
                self.add(path, f"缺少字段 {key!r}")
        return True

    def text(self, value: Any, path: PathKey, *, nullable: bool = True, choices: tuple[str, ...] = ()) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str) or (not value.strip() and not nullable):
            hint = f'加上引号：写成 "{value}"' if isinstance(value, (int, float, dt.date)) else None
            self.add(path, f"应为文字{'或 null' if nullable else ''}，{got(value)}", hint)
        elif choices and value not in choices:
            close = difflib.get_close_matches(value, choices, n=1)
            self.add(path, f"应为 {'、'.join(choices)} 之一，{got(value)}", f"是不是 {close[0]!r}？" if close else None)

    def count(self, value: Any, path: PathKey) -> None:
        """A table cell: a whole number ≥ 0, or null (not printed as a number in the source)."""
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int):
            hint = number_hint(value)
            if hint is None and isinstance(value, float):
                hint = "件数是整数"
            elif hint is None and isinstance(value, str):
                hint = "原文这一格不是数字（如“/”“—”）时写 null，原样记进 cells"
            self.add(path, f"应为整数或 null，{got(value)}", hint)
        elif value < 0:
            self.add(path, f"件数不能是负数，实际是 {value}")
        elif value > MAX_COUNT:
            self.add(path, f"{value:,} 作为一格的数大得不合理（上限 {MAX_COUNT:,}）", "检查是否有数字连在了一起")

    def change(self, value: Any, path: PathKey) -> None:
        """A change from last year (本年增/减): a whole number of either sign, or null."""
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            self.add(path, f"应为整数（减少写负数）或 null，{got(value)}", number_hint(value))
        elif value is not None and abs(value) > MAX_COUNT:
            self.add(path, f"{value:,} 作为一格的数大得不合理", "检查是否有数字连在了一起")

    def amount(self, value: Any, path: PathKey, unit: str = "万元", limit: float = MAX_FEES_10K_YUAN) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            self.add(path, f"应为以{unit}计的金额或 null，{got(value)}", number_hint(value))
        elif value < 0 or value > limit:
            self.add(path, f"金额 {value} 超出范围（0 至 {limit:,.0f} {unit}）")

    def amount_yuan(self, value: Any, path: PathKey) -> None:
        self.amount(value, path, "元", MAX_FEES_10K_YUAN * 10_000)

    def row(self, value: Any, path: PathKey) -> None:
        if not isinstance(value, list):
            self.add(path, f"应为一行 {form.TABLE3_WIDTH} 格，{got(value)}")
            return
        if len(value) != form.TABLE3_WIDTH:
            hint = None if len(value) < form.TABLE3_WIDTH else \
                "格数多了：方括号里的逗号分隔各格，数字里的千位分隔符会把一格分成两格（1,505 要写成 1505）"
            self.add(path, f"应为 {form.TABLE3_WIDTH} 格（{', '.join(c.key for c in form.TABLE3_COLUMNS)}），"
                     f"实际是 {len(value)} 格", hint)
        for i, cell in enumerate(value[: form.TABLE3_WIDTH]):
            self.count(cell, path + (i,))

    def url(self, value: Any, path: PathKey) -> None:
        """Links are shown to readers: only http(s), never javascript: or data: URLs."""
        self.text(value, path)
        if isinstance(value, str) and not URL_RE.match(value):
            self.add(path, f"应为以 http:// 或 https:// 开头的网址，{got(value)}")

    def date(self, value: Any, path: PathKey) -> None:
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return
        quoted = isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip())
        self.add(path, f"应为 2024-01-22 这样的日期或 null，{got(value)}",
                 f"去掉引号：写成 {value.strip()}" if quoted else "日期写成 YYYY-MM-DD")


def describe(value: Any) -> str:
    """A value as the message shows it: text in quotes (so '2023' reads as text), others as YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"{str(value).lower()}（YAML 把 yes、no、on、off 读作真/假）"
    if isinstance(value, (dict, list)):
        return "一个映射" if isinstance(value, dict) else f"一个 {len(value)} 项的列表"
    if isinstance(value, str) and _PLAIN_NUMBER.fullmatch(value.strip()):
        return f"带引号的文字 {value!r}"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def got(value: Any) -> str:
    """``实际是 …``: what the file holds, spaced as Chinese text is beside Latin letters and digits."""
    text = describe(value)
    return f"实际是{text}" if text[0] >= "\u3000" else f"实际是 {text}"


_PLAIN_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?")
_GROUPED_NUMBER = re.compile(r"-?[0-9]{1,3}(?:[,，][0-9]{3})+(?:\.[0-9]+)?")


def number_hint(value: Any) -> str | None:
    """The fix for a number written as text: in quotes, or with thousands separators (1,505)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if _PLAIN_NUMBER.fullmatch(text):
        return f"去掉引号：写成 {text}"
    if _GROUPED_NUMBER.fullmatch(text):
        return f"数字不要写千位分隔符：写成 {text.replace(',', '').replace('，', '')}"
    return None


# ---------------------------------------------------------------- reports


def validate_report(v: Validator) -> None:
    """Check one report's data; the source text and the registry are checked by load."""
    data = v.located.data
    if data is None:
        v.add((), "文件是空的", "报告文件的写法见 docs/content.md")
        return
    if not v.mapping(data, (), REPORT_KEYS, REQUIRED_REPORT_KEYS):
        return
    agency = data.get("agency")
    if "agency" in data and not (isinstance(agency, str) and SLUG_RE.match(agency)):
        v.add(("agency",), f"应为 agencies.yaml 里的机构代号（如 wendeng-gov-office），{got(agency)}")
    year = data.get("year")
    if "year" in data and (isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100):
        digits = re.fullmatch(r"\s*(\d{4})\s*年?\s*", year) if isinstance(year, str) else None
        hint = number_hint(year) or (f"只写数字：写成 {digits.group(1)}" if digits else None)
        v.add(("year",), f"应为 2023 这样的年份（1990 至 2100），{got(year)}", hint)
    if "title" in data:
        v.text(data["title"], ("title",), nullable=False)
    v.date(data.get("published"), ("published",))
    published = data.get("published")
    if isinstance(published, dt.date) and isinstance(year, int) and not isinstance(year, bool) \
            and published.year <= year:
        v.add(("published",), f"印发日期 {published.isoformat()} 早于统计年度 {year} 年结束",
              "year 是标题里的年份；年度报告在次年印发")
    v.text(data.get("status", "draft"), ("status",), choices=STATUSES)
    v.text(data.get("form", form.FORM_ID), ("form",), choices=FORMS)
    _validate_source(v, data.get("source"))
    contact = data.get("contact")
    if contact is not None and v.mapping(contact, ("contact",), CONTACT_KEYS):
        for key, value in contact.items():
            (v.url if key == "website" else v.text)(value, ("contact", key))
    _validate_tables(v, data)
    _validate_narrative(v, data.get("narrative"))
    for key in ("notes", "checks"):
        value = data.get(key)
        if value is not None and not isinstance(value, list):
            v.add((key,), f"应为列表，{got(value)}")
    for i, note in enumerate(data.get("notes") or []):
        v.text(note, ("notes", i), nullable=False)
    as_printed = data.get("as_printed")
    if as_printed is not None and not isinstance(as_printed, list):
        v.add(("as_printed",), f"应为核对规则的列表，{got(as_printed)}", "如 [t3.outcomes]")
    for i, rule in enumerate(as_printed if isinstance(as_printed, list) else []):
        v.text(rule, ("as_printed", i), nullable=False, choices=tuple(RULES))
    v.text(data.get("deadline_as"), ("deadline_as",), choices=AGENCY_KINDS)


def _validate_source(v: Validator, source: Any) -> None:
    keys = ("file", "original_name", "original_file", "sha256", "format", "url", "retrieved", "ocr")
    if not v.mapping(source, ("source",), keys, ("file",)):
        return
    name = source.get("file")
    if "file" in source and not (isinstance(name, str) and SOURCE_NAME_RE.match(name)):
        v.add(("source", "file"), f"应为 YAML 旁边的文件名（如 2023.txt），{got(name)}",
              "不带文件夹和“..”，只用英文字母、数字和 . _ -")
    original = source.get("original_file")
    if original is not None and not (isinstance(original, str) and SOURCE_NAME_RE.match(original)):
        v.add(("source", "original_file"), f"应为 YAML 旁边的文件名，{got(original)}",
              "不带文件夹和“..”，只用英文字母、数字和 . _ -")
    v.text(source.get("original_name"), ("source", "original_name"))
    v.text(source.get("format", "text"), ("source", "format"), choices=SOURCE_FORMATS)
    v.url(source.get("url"), ("source", "url"))
    v.date(source.get("retrieved"), ("source", "retrieved"))
    v.text(source.get("ocr"), ("source", "ocr"))
    digest = source.get("sha256")
    if digest is not None and not (isinstance(digest, str) and SHA256_RE.match(digest)):
        v.add(("source", "sha256"), f"应为 64 位小写十六进制的 SHA-256，{got(digest)}",
              "ingest 获取原件时记下它；不知道时写 null")


def _validate_tables(v: Validator, data: dict) -> None:
    missing = data.get("missing_tables") or {}
    if v.mapping(missing, ("missing_tables",), TABLES):
        for key, reason in missing.items():
            v.text(reason, ("missing_tables", key), nullable=False)
            if data.get(key) is not None:
                v.add(("missing_tables", key), f"{key} 有数据，不需要说明缺失原因", f"删去 missing_tables 里的 {key}")
    else:
        missing = {}
    for key in TABLES:
        if key in data and data[key] is None and key not in missing:
            v.add((key,), "这张表是 null，但 missing_tables 没有说明原因",
                  f'加上 missing_tables: {{{key}: "……原文为什么没有这张表……"}}')
    if data.get("table2") is not None:
        _validate_table2(v, data["table2"])
    if data.get("table3") is not None:
        _validate_table3(v, data["table3"])
    if data.get("table4") is not None:
        _validate_table4(v, data["table4"])
    if data.get(form.TABLE2_2019_KEY) is not None:
        _validate_table2_2019(v, data[form.TABLE2_2019_KEY])
    for path, value in _cell_map(v, data, "cells", "原文印法", ("原文的印法", '如 "/" 或 "—"')):
        if value is not None:
            v.add(("cells", path), f"这一格的值是 {value}；cells 只记录值为 null 的格在原文里的印法",
                  f"这一格原文印的是数字时，删去 cells 里的 {path}")
    # unproven: numbers read from an image that no sum of the form can prove, each to verify
    for path, value in _cell_map(v, data, "unproven", "核对说明", ("文字说明", '如 "两次独立识别一致"')):
        if value is None:
            v.add(("unproven", path), "这一格的值是 null：unproven 只标记读出了数字、尚待核对的格",
                  f"删去 unproven 里的 {path}")


def _cell_map(v: Validator, data: dict, key: str, what: str, text: tuple[str, str]) -> list[tuple[str, Any]]:
    """``data[key]`` as a mapping of cell path → text: (path, the cell's value) of each existing cell."""
    mapping = data.get(key) or {}
    if not isinstance(mapping, dict):
        v.add((key,), f"应为“单元格路径: {what}”的映射，{got(mapping)}")
        return []
    out = []
    for path, said in mapping.items():
        if not isinstance(said, str):
            v.add((key, path), f"应为{text[0]}（文字），{got(said)}", text[1])
        cell = CELLS.get(path)
        found, value = cell.find(data) if cell is not None else (False, None)
        if found:
            out.append((path, value))
        else:
            close = difflib.get_close_matches(str(path), CELLS, n=1)
            v.add((key, path), "没有这个表格单元格",
                  f"是不是 {close[0]}？" if close else "路径形如 table3.new.research")
    return out


def _validate_table2(v: Validator, t2: Any) -> None:
    keys = tuple(i.key for i in form.TABLE2_TRIPLES + form.TABLE2_COUNTS) + (form.TABLE2_FEES.key,)
    if not v.mapping(t2, ("table2",), keys, keys):
        return
    triple = tuple(c.key for c in form.TRIPLE_CELLS)
    for item in form.TABLE2_TRIPLES:
        value = t2.get(item.key)
        if item.key in t2 and v.mapping(value, ("table2", item.key), triple, triple):
            for cell in triple:
                v.count(value.get(cell), ("table2", item.key, cell))
    for item in form.TABLE2_COUNTS:
        v.count(t2.get(item.key), ("table2", item.key))
    v.amount(t2.get(form.TABLE2_FEES.key), ("table2", form.TABLE2_FEES.key))


def _validate_table2_2019(v: Validator, t2: Any) -> None:
    rows = {r.key: r for r in form.TABLE2_2019_ROWS}
    if not v.mapping(t2, (form.TABLE2_2019_KEY,), tuple(rows)):
        return
    for key, cells in t2.items():
        names = tuple(c.key for c in rows[key].cells)
        path = (form.TABLE2_2019_KEY, key)
        if cells is None or not v.mapping(cells, path, names):
            continue
        for name, value in cells.items():
            check = v.change if name in form.SIGNED_CELLS else v.count
            (v.amount_yuan if name in form.AMOUNT_CELLS else check)(value, path + (name,))


def _validate_table3(v: Validator, t3: Any) -> None:
    groups = form.TABLE3_GROUP_BY_KEY
    top = tuple(dict.fromkeys(r.path[0] for r in form.TABLE3_ROWS))
    if not v.mapping(t3, ("table3",), top, top):
        return
    for key in top:
        if key not in t3:
            continue
        if key in groups:
            sub = tuple(i.key for i in groups[key].rows)
            allowed = sub + ((form.SINGLE_ROW,) if key == "other_handling" else ())
            if v.mapping(t3[key], ("table3", key), allowed, sub):
                for name, row in t3[key].items():
                    if name in allowed and not (row is None and name in (form.SINGLE_ROW, *sub)):
                        v.row(row, ("table3", key, name))
                if t3[key].get(form.SINGLE_ROW) is not None and any(t3[key].get(n) is not None for n in sub):
                    v.add(("table3", key, form.SINGLE_ROW),
                          "有 single_row（“（六）其他处理”印成一行）时，三个子行应为 null",
                          "一份报告要么印一行（2019 年版表格），要么印三个子行，不会两者都有")
        else:
            v.row(t3[key], ("table3", key))


def _validate_table4(v: Validator, t4: Any) -> None:
    groups = tuple(g.key for g in form.TABLE4_GROUPS)
    cells = tuple(c.key for c in form.TABLE4_CELLS)
    if not v.mapping(t4, ("table4",), groups, groups):
        return
    for group in groups:
        if group in t4 and v.mapping(t4[group], ("table4", group), cells, cells):
            for cell in cells:
                v.count(t4[group].get(cell), ("table4", group, cell))


def _validate_narrative(v: Validator, narrative: Any) -> None:
    if narrative is None:
        return
    if not isinstance(narrative, list):
        v.add(("narrative",), f"应为数字条目的列表，{got(narrative)}")
        return
    keys = ("key", "value", "bound", "quote", "derivation", "line")
    for i, item in enumerate(narrative):
        path: PathKey = ("narrative", i)
        if not v.mapping(item, path, keys, ("key", "value", "quote")):
            continue
        v.text(item.get("key"), path + ("key",), nullable=False, choices=tuple(form.NARRATIVE_KEYS))
        value = item.get("value")
        limit = MAX_FEES_10K_YUAN * 10_000 if item.get("key") == "fees_collected_yuan" else MAX_COUNT
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or not math.isfinite(value):
            v.add(path + ("value",), f"应为 ≥ 0 的数，{got(value)}", number_hint(value))
        elif value > limit:
            v.add(path + ("value",), f"{value:,} 大得不合理（上限 {limit:,.0f}）", "检查是否有数字连在了一起")
        v.text(item.get("bound", "exact"), path + ("bound",), choices=BOUNDS)
        v.text(item.get("quote"), path + ("quote",), nullable=False)
        v.text(item.get("derivation"), path + ("derivation",))


# ---------------------------------------------------------------- registry


def validate_registry(v: Validator) -> list[dict]:
    """Check agencies.yaml; return the entries that are well-formed enough to use."""
    data = v.located.data
    if data is None:
        v.add((), "文件是空的", "agencies.yaml 列出各机构，写法见 docs/content.md")
        return []
    if not v.mapping(data, (), ("agencies",), ("agencies",)):
        return []
    entries = data.get("agencies")
    if not isinstance(entries, list):
        v.add(("agencies",), f"应为机构的列表，{got(entries)}")
        return []
    good: list[dict] = []
    seen: dict[str, int] = {}
    for i, entry in enumerate(entries):
        path: PathKey = ("agencies", i)
        before = len(v.problems)
        if not v.mapping(entry, path, AGENCY_KEYS, ("slug", "name", "jurisdiction", "kind")):
            continue
        slug = entry.get("slug")
        if not (isinstance(slug, str) and SLUG_RE.match(slug) and len(slug) <= 80):
            v.add(path + ("slug",), f"应为英文的机构代号（如 wendeng-gov-office），{got(slug)}",
                  "只用小写英文字母、数字和单个连字符；代号会成为网址的一部分")
        elif slug in seen:
            v.add(path + ("slug",), f"机构代号 {slug!r} 重复（第 {seen[slug] + 1} 个机构已用）",
                  "每个机构的代号各不相同")
        else:
            seen[slug] = i
        v.text(entry.get("name"), path + ("name",), nullable=False)
        chain = entry.get("jurisdiction")
        if not (isinstance(chain, list) and chain and all(isinstance(c, str) and c.strip() for c in chain)):
            v.add(path + ("jurisdiction",), f"应为 [山东省, 威海市, 文登区] 这样的列表，{got(chain)}")
        v.text(entry.get("kind"), path + ("kind",), nullable=False, choices=AGENCY_KINDS)
        v.url(entry.get("website"), path + ("website",))
        for key in ("address", "phone"):
            v.text(entry.get(key), path + (key,))
        aliases = entry.get("aliases") or []
        if not (isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)):
            v.add(path + ("aliases",), f"应为名称的列表，{got(aliases)}")
        if not isinstance(entry.get("draft", False), bool):
            v.add(path + ("draft",), f"应为 true 或 false，{got(entry.get('draft'))}")
        _validate_expected(v, entry, path)
        if len(v.problems) == before:
            good.append(entry)
    return good


def _validate_expected(v: Validator, entry: dict, path: PathKey) -> None:
    """``expected_from``/``expected_until``: years, in order (coverage counts the years between)."""
    low, high = EXPECTED_YEARS
    years = {}
    for key in ("expected_from", "expected_until"):
        value = entry.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            digits = re.fullmatch(r"\s*(\d{4})\s*年?\s*", value) if isinstance(value, str) else None
            v.add(path + (key,), f"应为 2019 这样的年份（{low} 至 {high}）或 null，{got(value)}",
                  f"只写数字：写成 {digits.group(1)}" if digits else None)
        else:
            years[key] = value
    if "expected_until" in years and "expected_from" not in years:
        v.add(path + ("expected_until",), "只有 expected_until 没有 expected_from", "先写从哪一年起应当发布年报")
    elif len(years) == 2 and years["expected_until"] < years["expected_from"]:
        v.add(path + ("expected_until",),
              f"{years['expected_until']} 早于 expected_from 的 {years['expected_from']}")
