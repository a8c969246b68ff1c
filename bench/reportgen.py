"""Synthetic annual reports with known answers, printed the ways agencies publish them.

A report is a dict in the layout of a report YAML (``agency``, ``year``, ``title``, ``table2``,
``table3``, ``table4``, ``cells``) plus what only the generator knows: ``name`` (the agency as
printed), ``paragraphs``, ``published`` and ``broken`` (the sums it breaks on purpose, empty
when every sum of the form holds). Its tables come from a seed (``seed_reports``: the reviewed
answers in ``content/reports``) or are drawn at random (``random_report``) so that the form's
sums hold — table 3's row totals, new + carried_over == total + carried_forward and the
outcomes summing to total in every column, table 4's group totals — except for the one typo a
``broken`` report carries, as real reports do. Some zero cells are printed ``/``, ``—``, 不适用
or left blank: their answer is null and ``cells`` keeps the printing, as the data contract says.

``render(report, fmt, quirks)`` prints the whole report (title, narrative, the three tables with
the form's labels and merged cells, closing date) as one format class:

- ``tab``      text copied from a web page: a table row per line, cells between tabs;
- ``cells``    a Word table flattened to text: one cell per line, tab first, rows apart;
- ``markdown`` pipe tables as PDF→Markdown converters write them, good and broken;
- ``glued``    a web page flattened onto one line, cells glued together (行政许可34240行政处罚1505);
- ``spaced``   ``pdftotext -layout``: a row per line, cells apart by runs of spaces;
- ``html``     a CMS page: rowspan/colspan tables, ``&nbsp;`` cells, GBK;
- ``docx``     a Word file with real merged cells (python-docx);
- ``pdf``      a text-layer PDF from ``tests/pdfgen.py`` when that module is present;
- ``doc``      a hook: nothing writes old binary Word files here yet.

Every quirk of a class can be switched on alone (``QUIRKS[fmt]``); ``random_quirks`` picks a
mix. Everything is deterministic for a given ``random.Random``.
"""

from __future__ import annotations

import copy
import html
import importlib
import io
import random
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from portal import form  # noqa: E402 - after the path: this file also runs as a script's module

REGISTRY_FILE = ROOT / "content/agencies.yaml"
NULL_PRINTINGS = ("/", "—", "", "不适用")
BREAK_RATE = 0.1
NULL_RATE = 0.15  # share of reports with some zero cells printed as a null mark

GRID_QUIRKS = ("total_first", "t3_transposed", "t4_transposed", "header_again", "units", "renumbered",
               "spacer_columns")
"""Layouts of the tables themselves (``reportquirks``), for every class that prints the grids."""
QUIRKS: dict[str, tuple[str, ...]] = {
    "tab": ("trailing_tab", "fullwidth", "thousands", "crlf", *GRID_QUIRKS),
    "cells": ("wrap", "bookmarks", "fullwidth", *GRID_QUIRKS, "one_per_line", "by_columns"),
    "markdown": ("headings", "bold", "no_separator", "repeat_spans", "label_row_apart", "split_labels", "br",
                 "row_numbers", "trailing_column", "html_table3", *GRID_QUIRKS, "grid_table", "markitdown"),
    "glued": ("one_line", "spaces"),
    "spaced": ("wrap", "centered_groups", "page_break", *GRID_QUIRKS),
    "html": ("gbk", "nested", "nbsp", *GRID_QUIRKS, "no_spans", "unmerged", "zero_width"),
    "docx": ("merged", "line_breaks", *GRID_QUIRKS),
    "pdf": (),  # tests/pdfgen.py draws its own quirks (pdfgen.random_quirks)
    "doc": (),
    "scan": ("rotated", "seal", "jpeg", "low_dpi"),
}
FORMATS = tuple(QUIRKS)
TEXT_FORMATS = ("tab", "cells", "markdown", "glued", "spaced")


class Unavailable(RuntimeError):
    """This format class cannot be written on this machine; the message says why."""


class RenderError(RuntimeError):
    """One report could not be printed in this class (a writer's own failure); the message says why."""


# ---------------------------------------------------------------- answers


def registry() -> list[dict]:
    return yaml.safe_load(REGISTRY_FILE.read_text(encoding="utf-8"))["agencies"]


def seed_reports() -> list[dict]:
    """The reviewed reports of ``content/reports`` on the 2021 form with all three tables, as generator reports.

    Only the 2021 form: the classes print its layout, and a 2019-form table 3 (（六）其他处理 as one
    row, ``single_row``) or an older report's tables would be printed under the wrong labels.
    """
    names = {e["slug"]: e["name"] for e in registry()}
    out = []
    for path in sorted((ROOT / "content/reports").glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("status") == "reviewed" and data.get("form") == form.FORM_ID and all(
                isinstance(data.get(k), dict) for k in ("table2", "table3", "table4")):
            name = names[data["agency"]]
            out.append({**{k: data[k] for k in ("agency", "year", "title", "table2", "table3", "table4", "cells")},
                        "name": name, "published": data.get("published"), "broken": [],
                        "paragraphs": _paragraphs(random.Random(path.name), name, data["year"], data)})
    return out


def answer_cells(report: dict) -> dict[str, int | float | None]:
    """Every cell of the three tables by dotted path (``table3.withheld.state_secret.research``)."""
    out: dict[str, int | float | None] = {}
    t2, t3, t4 = report.get("table2"), report.get("table3"), report.get("table4")
    for item in form.TABLE2_TRIPLES:
        for c in form.TRIPLE_CELLS:
            out[f"table2.{item.key}.{c.key}"] = t2[item.key][c.key] if t2 else None
    for item in (*form.TABLE2_COUNTS, form.TABLE2_FEES):
        out[f"table2.{item.key}"] = t2[item.key] if t2 else None
    for row in form.TABLE3_ROWS:
        values = _at(t3, row.path) if t3 else None
        for n, col in enumerate(form.TABLE3_COLUMNS):
            out[f"table3.{row.key}.{col.key}"] = values[n] if values else None
    for g in form.TABLE4_GROUPS:
        for c in form.TABLE4_CELLS:
            out[f"table4.{g.key}.{c.key}"] = t4[g.key][c.key] if t4 else None
    return out


def _at(t3: dict, path: tuple[str, ...]):
    node = t3
    for part in path:
        node = node[part] if isinstance(node, dict) else None
    return node


def _count(rng: random.Random, big: int) -> int:
    """A count as reports print them: mostly 0, sometimes a few, now and then many."""
    r = rng.random()
    return 0 if r < 0.55 else rng.randint(1, 9) if r < 0.85 else rng.randint(10, big)


_OUTCOME_WEIGHTS = {"granted": 30, "partially_granted": 6, "unable.not_held": 20, "unable.needs_creation": 5,
                    "not_processed.petition_complaint": 4, "not_processed.duplicate": 4,
                    "withheld.process_information": 2, "withheld.third_party_rights": 2,
                    "other_handling.no_correction": 3, "other_handling.other": 2}


def random_tables(rng: random.Random) -> dict:
    """table2, table3 and table4 whose every sum of the form holds."""
    outcome_keys = [r.key for r in form.TABLE3_ROWS if r.is_outcome]
    weights = [_OUTCOME_WEIGHTS.get(k, 0.5) for k in outcome_keys]
    rows: dict[str, list[int]] = {k: [0] * 6 for k in (r.key for r in form.TABLE3_ROWS)}
    for col in range(6):
        scale = 400 if col == 0 else 12
        new = _count(rng, scale) if col else rng.choice((_count(rng, scale), rng.randint(1, 60)))
        carried_over = rng.choice((0, 0, 0, rng.randint(0, 5)))
        carried_forward = rng.randint(0, min(new + carried_over, rng.choice((0, 0, 3, 10))))
        total = new + carried_over - carried_forward
        for key in rng.choices(outcome_keys, weights, k=total):
            rows[key][col] += 1
        rows["new"][col], rows["carried_over"][col] = new, carried_over
        rows["total"][col], rows["carried_forward"][col] = total, carried_forward
    table3: dict = {}
    for row in form.TABLE3_ROWS:
        node = table3 if len(row.path) == 1 else table3.setdefault(row.path[0], {})
        node[row.path[-1]] = [*rows[row.key], sum(rows[row.key])]
    table3["other_handling"][form.SINGLE_ROW] = None
    table2 = {i.key: {"issued": _count(rng, 30), "repealed": _count(rng, 10), "in_force": _count(rng, 200)}
              for i in form.TABLE2_TRIPLES}
    table2 |= {i.key: rng.choice((0, _count(rng, 900), rng.randint(1000, 60000))) for i in form.TABLE2_COUNTS}
    table2[form.TABLE2_FEES.key] = rng.choice((0, round(rng.uniform(0.1, 999.99), 2)))
    table4 = {}
    for g in form.TABLE4_GROUPS:
        parts = [rng.choice((0, 0, 0, rng.randint(1, 6))) for _ in range(4)]
        table4[g.key] = dict(zip((c.key for c in form.TABLE4_CELLS), [*parts, sum(parts)], strict=True))
    return {"table2": table2, "table3": table3, "table4": table4}


def break_a_sum(report: dict, rng: random.Random) -> str:
    """Change one printed number by a typo, as real reports do; say which sum it breaks."""
    kind = rng.choice(("row_total", "carried_forward", "table4_total"))
    if kind == "table4_total":
        group = rng.choice(form.TABLE4_GROUPS)
        report["table4"][group.key]["total"] += 1
        return f"table4.{group.key}: total ≠ upheld + corrected + other + pending"
    row = rng.choice([r for r in form.TABLE3_ROWS if r.is_outcome]) if kind == "row_total" else form.TABLE3_ROWS[-1]
    values = _at(report["table3"], row.path)
    values[-1] += 1  # the row's 总计 one more than its cells: breaks the row sum and its column rule
    return f"table3.{row.key}: 总计 ≠ the sum of its row"


def print_nulls(report: dict, rng: random.Random) -> None:
    """Print one to four zero cells as a null mark: their answer becomes null, as printed."""
    zeros = [p for p, v in answer_cells(report).items() if v == 0]
    for path in rng.sample(zeros, min(len(zeros), rng.randint(1, 4))):
        printing = rng.choice(NULL_PRINTINGS)
        _set(report, path, None)
        report["cells"][path] = printing


def _set(report: dict, path: str, value) -> None:
    table, *keys = path.split(".")
    if table == "table3":
        *row, col = keys
        node = _at(report["table3"], tuple(row))
        node[[c.key for c in form.TABLE3_COLUMNS].index(col)] = value
        return
    node = report[table]
    for key in keys[:-1]:
        node = node[key]
    node[keys[-1]] = value


_PLACES = (("福建省", "泉州市", "丰泽区"), ("福建省", "漳州市", "龙海区"), ("江苏省", "苏州市", "吴江区"),
           ("浙江省", "台州市", "黄岩区"), ("四川省", "绵阳市", "涪城区"), ("河南省", "洛阳市", "西工区"),
           ("湖北省", "宜昌市", "夷陵区"), ("广东省", "江门市", "新会区"), ("山东省", "潍坊市", "寒亭区"))
_UNITS = ("人民政府办公室", "财政局", "教育局", "民政局", "自然资源局", "卫生健康局", "市场监督管理局", "交通运输局",
          "住房和城乡建设局", "生态环境局", "人力资源和社会保障局", "东湖街道办事处", "城关镇人民政府", "人民政府")


def generated_agencies() -> list[dict]:
    """Registry entries for the agencies synthetic reports are published by (beside the real ones)."""
    out = []
    for p, (province, city, district) in enumerate(_PLACES):
        for u, unit in enumerate(_UNITS):
            out.append({"slug": f"gen-{p:02d}-{u:02d}", "name": f"{city}{district}{unit}",
                        "jurisdiction": [province, city, district], "kind": "部门", "aliases": [], "draft": False})
    return out


def random_report(rng: random.Random) -> dict:
    """A report of a generated agency with random tables (see module doc)."""
    agency = rng.choice(generated_agencies())
    year = rng.randint(2021, 2024)
    report = {"agency": agency["slug"], "name": agency["name"], "year": year,
              "title": f"{agency['name']}{year}年政府信息公开工作年度报告", "cells": {}, "broken": [],
              "published": f"{year + 1}年{rng.randint(1, 3)}月{rng.randint(1, 28)}日", **random_tables(rng)}
    if rng.random() < BREAK_RATE:
        report["broken"].append(break_a_sum(report, rng))
    if rng.random() < NULL_RATE:
        print_nulls(report, rng)
    report["paragraphs"] = _paragraphs(rng, agency["name"], year, report)
    return report


def _paragraphs(rng: random.Random, name: str, year: int, report: dict) -> list[str]:
    applications = report["table3"]["new"][-1]
    return [
        f"本报告由{name}根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》"
        f"要求编制。本报告中所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。",
        "一、总体情况",
        f"（一）主动公开。{year}年，{name}共主动公开政府信息{rng.randint(50, 3000)}条，"
        "及时公开机构职能、政策文件、财政预决算等信息。",
        f"（二）依申请公开。全年共收到政府信息公开申请{applications}件，均在法定期限内答复。",
        "（三）政府信息管理。严格落实公开前保密审查制度，动态更新政府信息公开指南。",
        "（四）平台建设。持续优化政府门户网站信息公开专栏，做好政务新媒体日常维护。",
        "（五）监督保障。将政府信息公开工作纳入年度绩效考核，全年未发生因信息公开引发的责任追究事项。",
    ]


_CLOSING = ("五、存在的主要问题及改进情况",
            "一是公开内容的全面性有待提高；二是政策解读形式较为单一。下一步将加强培训，丰富解读形式。",
            "六、其他需要报告的事项",
            "本年度未收取信息处理费。无其他需要报告的事项。")


# ---------------------------------------------------------------- the form's tables as grids


@dataclass(frozen=True)
class Cell:
    """A printed table cell: ``data`` for a number cell of the form (its text may be a null mark)."""

    text: str
    rows: int = 1
    cols: int = 1
    data: bool = False


Grid = list[list[Cell]]  # each row holds the cells that start in it, left to right (HTML's model)
T3_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"


def _printed(report: dict, path: str, value, style: frozenset[str]) -> str:
    if value is None:
        return report["cells"].get(path, "")
    text = f"{value:.2f}" if isinstance(value, float) else str(value)
    if "thousands" in style and isinstance(value, int) and value >= 1000:
        text = f"{value:,}"
    if "fullwidth" in style:
        text = text.translate({c: c + 0xFEE0 for c in range(ord("0"), ord("9") + 1)} | {ord(","): "，"})
    return text


def table2_grid(report: dict, style: frozenset[str]) -> Grid:
    t2 = report["table2"]
    rows: Grid = [[Cell("第二十条第（一）项", cols=4)],
                  [Cell("信息内容"), *(Cell(c.label) for c in form.TRIPLE_CELLS)]]
    for item in form.TABLE2_TRIPLES:
        rows.append([Cell(item.label), *(Cell(_printed(report, f"table2.{item.key}.{c.key}", t2[item.key][c.key],
                                                       style), data=True) for c in form.TRIPLE_CELLS)])
    for heading, items in form.TABLE2_SECTIONS[1:]:
        header = "本年收费金额（单位：万元）" if items[0] is form.TABLE2_FEES else "本年处理决定数量"
        rows += [[Cell(heading, cols=4)], [Cell("信息内容"), Cell(header, cols=3)]]
        rows += [[Cell(i.label), Cell(_printed(report, f"table2.{i.key}", t2[i.key], style), cols=3, data=True)]
                 for i in items]
    return rows


def table3_grid(report: dict, style: frozenset[str]) -> Grid:
    t3 = report["table3"]
    rows: Grid = [[Cell(T3_NOTE, rows=3, cols=3), Cell("申请人情况", cols=7)],
                  [Cell("自然人", rows=2), Cell("法人或其他组织", cols=5), Cell("总计", rows=2)],
                  [Cell(c.label) for c in form.TABLE3_COLUMNS[1:6]]]

    def numbers(row: form.Row) -> list[Cell]:
        return [Cell(_printed(report, f"table3.{row.key}.{c.key}", v, style), data=True)
                for c, v in zip(form.TABLE3_COLUMNS, _at(t3, row.path), strict=True)]

    outcomes = [r for r in form.TABLE3_ROWS if r.is_outcome]
    groups = {g.label: len(g.rows) for g in form.TABLE3_GROUPS}
    for row in form.TABLE3_ROWS:
        if row.key == "total":
            rows.append([Cell(row.label, cols=2), *numbers(row)])
        elif not row.is_outcome:
            rows.append([Cell(row.label, cols=3), *numbers(row)])
        else:
            line: list[Cell] = []
            if row is outcomes[0]:
                line.append(Cell(form.TABLE3_RESULTS_LABEL, rows=len(outcomes) + 1))
            if row.group_label is None:
                line.append(Cell(row.label, cols=2))
            else:
                if row.path[1] == next(g for g in form.TABLE3_GROUPS if g.key == row.path[0]).rows[0].key:
                    line.append(Cell(row.group_label, rows=groups[row.group_label]))
                line.append(Cell(row.label))
            rows.append([*line, *numbers(row)])
    return rows


def table4_grid(report: dict, style: frozenset[str]) -> Grid:
    t4 = report["table4"]
    heads = [c.label for c in form.TABLE4_CELLS]
    return [[Cell("行政复议", cols=5), Cell("行政诉讼", cols=10)],
            [*(Cell(h, rows=2) for h in heads), Cell("未经复议直接起诉", cols=5), Cell("复议后起诉", cols=5)],
            [Cell(h) for h in heads * 2],
            [Cell(_printed(report, f"table4.{g.key}.{c.key}", t4[g.key][c.key], style), data=True)
             for g in form.TABLE4_GROUPS for c in form.TABLE4_CELLS]]


UP, LEFT = "up", "left"


def expand(rows: Grid) -> list[list[Cell | str]]:
    """The grid as a rectangle: a position a merged cell covers holds UP (rowspan) or LEFT (colspan)."""
    out: list[list[Cell | str]] = []
    covered: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        line: list[Cell | str] = []
        cells = iter(row)
        c = 0
        while True:
            if (r, c) in covered:
                line.append(covered.pop((r, c)))
                c += 1
                continue
            cell = next(cells, None)
            if cell is None:
                break
            for dr in range(cell.rows):
                for dc in range(cell.cols):
                    if dr or dc:
                        covered[(r + dr, c + dc)] = LEFT if dc else UP
            line.append(cell)
            line += [LEFT] * (cell.cols - 1)
            for dc in range(1, cell.cols):
                covered.pop((r, c + dc), None)
            c += cell.cols
        out.append(line)
    return out


def tables(report: dict, style: frozenset[str]) -> list[tuple[str, Grid]]:
    import reportquirks  # it builds on this module's grids

    return [(form.TABLE_TITLES["table2"], reportquirks.apply(table2_grid(report, style), style)),
            (form.TABLE_TITLES["table3"], reportquirks.apply(table3_grid(report, style), style)),
            (form.TABLE_TITLES["table4"], reportquirks.apply(table4_grid(report, style), style))]


def _document(report: dict, table_text: Callable[[Grid], list[str]], style: frozenset[str],
              heading: Callable[[str], str] = str) -> list[str]:
    """The report's lines: title, narrative, each table under its heading, the closing, the date."""
    lines = [heading(report["title"]), ""]
    for p in report["paragraphs"]:
        lines += [heading(p) if _is_heading(p) else p, ""]
    for title, grid in tables(report, style):
        lines += [heading(title), "", *table_text(grid), ""]
    for p in _CLOSING:
        lines += [heading(p) if _is_heading(p) else p, ""]
    return [*lines, report["name"], report["published"] or ""]


def _is_heading(text: str) -> bool:
    return len(text) < 20 and text[:2] in {f"{n}、" for n in "一二三四五六"}


def _wrap(label: str, at: int = 14) -> list[str]:
    """A long label wrapped onto lines of ``at`` characters, as a narrow Word or PDF column prints it."""
    return [label[i:i + at] for i in range(0, len(label), at)] if len(label) > at else [label]


# ---------------------------------------------------------------- the text classes


def render_tab(report: dict, quirks: frozenset[str]) -> bytes:
    end = "\t" if "trailing_tab" in quirks else ""

    def table_text(grid: Grid) -> list[str]:
        return ["\t".join(c.text for c in row) + end for row in grid]

    text = "\n".join(_document(report, table_text, quirks))
    return (text.replace("\n", "\r\n") if "crlf" in quirks else text).encode("utf-8")


def render_cells(report: dict, quirks: frozenset[str]) -> bytes:
    import reportquirks  # it builds on this module's grids

    marks = iter(range(66973412, 10 ** 9, 137))

    def table_text(grid: Grid) -> list[str]:
        if "by_columns" in quirks:
            return reportquirks.by_columns(grid)
        if "one_per_line" in quirks:
            return reportquirks.one_per_line(grid)
        blocks = []
        for line in expand(grid):
            out = []
            for cell in line:
                if cell == UP:
                    out.append("\t")
                elif isinstance(cell, Cell):
                    first, *rest = _wrap(cell.text) if "wrap" in quirks and not cell.data else [cell.text]
                    if "bookmarks" in quirks and not cell.data and next(marks) % 3 == 0:
                        first = f"[bookmark: _Hlk{next(marks)}]{first}"
                    out += ["\t" + first, *rest]
            blocks.append("\n".join(out))
        return "\n\n".join(blocks).split("\n")

    return "\n".join(_document(report, table_text, quirks)).encode("utf-8")


def render_glued(report: dict, quirks: frozenset[str]) -> bytes:
    sep = " " if "spaces" in quirks else ""

    def table_text(grid: Grid) -> list[str]:
        return [sep.join(c.text for row in grid for c in row if c.text)]

    lines = [line for line in _document(report, table_text, quirks) if line]
    return ("".join(lines) if "one_line" in quirks else "\n".join(lines)).encode("utf-8")


def render_spaced(report: dict, quirks: frozenset[str]) -> bytes:
    """pdftotext -layout: labels left, numbers right-aligned in columns, runs of spaces between."""
    def table_text(grid: Grid) -> list[str]:
        out: list[str] = []
        rect = expand(grid)
        centred: dict[int, list[str]] = {}
        if "centered_groups" in quirks:  # a tall merged label prints beside the middle of its rows
            for r, line in enumerate(rect):
                for cell in line:
                    if isinstance(cell, Cell) and cell.rows > 2 and not cell.data:
                        centred.setdefault(r + cell.rows // 2, []).append(cell.text)
        for r, line in enumerate(rect):
            labels = [c.text for c in line if isinstance(c, Cell) and not c.data and c.text
                      and not (c.rows > 2 and "centered_groups" in quirks)]
            labels = centred.get(r, []) + labels
            numbers = [c.text for c in line if isinstance(c, Cell) and c.data]
            label = " ".join(labels)
            rest: list[str] = []
            if "wrap" in quirks and numbers and len(label) > 16:
                label, *rest = _wrap(label, 16)
            out.append((label.ljust(30) + "".join(n.rjust(8) for n in numbers)).rstrip())
            out += rest
            if "page_break" in quirks and r == len(rect) // 2 and len(rect) > 20:
                out += ["", "- 3 -", "\f" + report["title"], ""]
        return out

    return "\n".join(_document(report, table_text, quirks)).encode("utf-8")


def render_markdown(report: dict, quirks: frozenset[str]) -> bytes:
    """Pipe tables as converters write them; each quirk is one converter's habit (module doc)."""
    import reportquirks  # it builds on this module's grids

    def heading(text: str) -> str:
        if "headings" in quirks:
            return ("# " if text == report["title"] else "## ") + text
        return f"**{text}**" if "bold" in quirks else text

    def table_text(grid: Grid) -> list[str]:
        if "html_table3" in quirks and any(c.text == T3_NOTE for row in grid for c in row):
            return [_html_table(grid, nbsp=False)]
        if "grid_table" in quirks:
            return reportquirks.grid_table(grid)
        if "markitdown" in quirks:
            return reportquirks.markitdown_table(grid)
        rect = expand(grid)
        width = len(rect[0])
        rows: list[tuple[list[str], bool]] = []  # texts, and whether the row starts a labelled row
        for line in rect:
            texts = []
            for k, cell in enumerate(line):
                if isinstance(cell, Cell):
                    texts.append(cell.text)
                else:
                    texts.append(_covering(rect, line, k).text if "repeat_spans" in quirks else "")
            data = [k for k, c in enumerate(line) if (c if isinstance(c, Cell) else _covering(rect, line, k)).data]
            labels = [k for k in range(width) if k not in data]
            if "bold" in quirks:
                texts = [f"**{t}**" if t and k not in data else t for k, t in enumerate(texts)]
            long = [k for k in labels if len(texts[k]) > 14 and isinstance(line[k], Cell)]
            extra: list[list[str]] = []
            if data and long and "br" in quirks:
                texts[long[-1]] = "<br>".join(_wrap(texts[long[-1]]))
            elif data and long and "split_labels" in quirks:
                first, *rest = _wrap(texts[long[-1]])
                texts[long[-1]] = first
                extra = [[("".join(rest) if j == long[-1] else "") for j in range(width)]]
            if data and "label_row_apart" in quirks and any(texts[k] for k in labels):
                rows.append(([t if k in labels else "" for k, t in enumerate(texts)], True))
                rows.append((["" if k in labels else t for k, t in enumerate(texts)], False))
            else:
                rows.append((texts, bool(data) and any(texts[k] for k in labels)))
            rows += [(e, False) for e in extra]
        if "row_numbers" in quirks:
            numbers = iter(range(1, len(rows) + 1))
            rows = [([str(next(numbers)) if numbered else ("序号" if n == 0 else ""), *texts], False)
                    for n, (texts, numbered) in enumerate(rows)]
        table = [texts for texts, _ in rows]
        if "trailing_column" in quirks:
            table = [[*r, ""] for r in table]
        out = ["| " + " | ".join(r) + " |" for r in table]
        if "no_separator" not in quirks:
            out.insert(1, "|" + "|".join("---" for _ in table[0]) + "|")
        return out

    return "\n".join(_document(report, table_text, quirks, heading)).encode("utf-8")


def _covering(rect: list[list[Cell | str]], line: list[Cell | str], k: int) -> Cell:
    """The merged cell that covers position ``k`` of ``line`` (a docling-style repeated span)."""
    r = next(i for i, row in enumerate(rect) if row is line)
    while True:
        cell = rect[r][k]
        if isinstance(cell, Cell):
            return cell
        if cell == LEFT:
            k -= 1
        else:
            r -= 1


# ---------------------------------------------------------------- html, docx, pdf, doc


def _html_table(grid: Grid, nbsp: bool) -> str:
    trs = []
    for row in grid:
        tds = []
        for c in row:
            span = (f' rowspan="{c.rows}"' if c.rows > 1 else "") + (f' colspan="{c.cols}"' if c.cols > 1 else "")
            text = html.escape(c.text) or ("&nbsp;" if nbsp else "")
            tds.append(f'<td{span}><p style="text-align:center"><span>{text}</span></p></td>')
        trs.append("<tr>" + "".join(tds) + "</tr>")
    return '<table border="1" cellspacing="0">' + "".join(trs) + "</table>"


def render_html(report: dict, quirks: frozenset[str]) -> bytes:
    import reportquirks  # it builds on this module's grids

    charset = "gbk" if "gbk" in quirks else "utf-8"
    body = []

    def table(grid: Grid) -> list[str]:
        if "zero_width" in quirks:
            grid = reportquirks.zero_width(grid)
        if {"no_spans", "unmerged"} & quirks:
            return [reportquirks.html_table(grid, quirks)]
        return [_html_table(grid, "nbsp" in quirks)]

    for line in _document(report, table, quirks):
        if line.startswith("<table"):
            body.append(line)
        elif line:
            body.append(f"<p>{html.escape(line)}</p>")
    content = "\n".join(body)
    if "nested" in quirks:
        content = f'<table width="100%"><tr><td class="content">{content}</td></tr></table>'
    page = (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
            f"<title>{html.escape(report['title'])}</title><script>var x = '<td>1</td>';</script></head>"
            f'<body><div class="nav">首页 &gt; 政府信息公开 &gt; 年度报告</div>{content}</body></html>')
    return page.encode("gb18030" if charset == "gbk" else "utf-8")


def render_docx(report: dict, quirks: frozenset[str]) -> bytes:
    try:
        from docx import Document
    except ImportError as exc:
        raise Unavailable(f"python-docx is not installed ({exc})") from None
    doc = Document()
    placed: list[Grid] = []

    def place(grid: Grid) -> list[str]:
        placed.append(grid)
        return [f"\x00{len(placed) - 1}"]

    for line in _document(report, place, quirks):
        if not line.startswith("\x00"):
            if line:
                doc.add_paragraph(line)
            continue
        rect = expand(placed[int(line[1:])])
        table = doc.add_table(rows=len(rect), cols=len(rect[0]))
        for r, row in enumerate(rect):
            for k, cell in enumerate(row):
                if not isinstance(cell, Cell):
                    if "merged" not in quirks and cell == UP:
                        table.cell(r, k).text = ""
                    continue
                target = table.cell(r, k)
                if "merged" in quirks and (cell.rows > 1 or cell.cols > 1):
                    target = target.merge(table.cell(r + cell.rows - 1, k + cell.cols - 1))
                parts = _wrap(cell.text) if "line_breaks" in quirks and not cell.data else [cell.text]
                paragraph = target.paragraphs[0]
                for n, part in enumerate(parts):
                    run = paragraph.add_run(part)
                    if n < len(parts) - 1:
                        run.add_break()
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_pdf(report: dict, quirks: frozenset[str], rng: random.Random | None = None) -> bytes:
    """A text-layer PDF drawn by ``tests/pdfgen.py`` (another part of the project), when present."""
    try:
        pdfgen = importlib.import_module("tests.pdfgen")
    except ImportError as exc:
        raise Unavailable(f"tests/pdfgen.py is not importable ({exc})") from None
    if getattr(pdfgen, "cjk_font", lambda: True)() is None:
        raise Unavailable(f"no CJK TrueType font for tests/pdfgen.py (apt-get install {pdfgen.FONT_PACKAGE})")
    quirks_of = getattr(pdfgen, "random_quirks", None) if rng is not None else None
    try:  # a copy: the answers must stay what they are whatever the drawing code does with its input
        if quirks_of is not None:
            return pdfgen.render_report_pdf(copy.deepcopy(report), quirks=quirks_of(rng))
        return pdfgen.render_report_pdf(copy.deepcopy(report))
    except Exception as exc:  # noqa: BLE001 - another module's failure is reported, not raised through
        raise RenderError(f"tests/pdfgen.py failed: {type(exc).__name__}: {exc}") from exc


def render_doc(report: dict, quirks: frozenset[str]) -> bytes:
    """The .docx rendering saved as Word 97 by LibreOffice (Debian's libreoffice-writer-nogui), as
    an office that still uses .doc would save it."""
    if shutil.which("soffice") is None:
        raise Unavailable("no LibreOffice (soffice) to write old binary Word .doc files: "
                          "apt-get install -y libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="reportgen-doc-") as scratch:
        folder = Path(scratch)
        (folder / "report.docx").write_bytes(render_docx(report, quirks))
        done = subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{folder}/profile",
                               "--convert-to", "doc:MS Word 97", "--outdir", str(folder), str(folder / "report.docx")],
                              capture_output=True, timeout=120, check=False, stdin=subprocess.DEVNULL)
        out = folder / "report.doc"
        if done.returncode != 0 or not out.is_file():
            raise Unavailable(f"LibreOffice could not write a .doc: {done.stderr.decode(errors='replace')[-200:]}")
        return out.read_bytes()


def render_scan(report: dict, quirks: frozenset[str]) -> bytes:
    """An image-only PDF (图片版): the pdf class's pages rendered by ``tests/imagegen.py`` and spoiled
    as scanning does — ``rotated`` (±1.5°), a red ``seal``, ``jpeg`` noise, ``low_dpi`` (150 dpi, else 200)."""
    try:
        imagegen = importlib.import_module("tests.imagegen")
    except ImportError as exc:
        raise Unavailable(f"tests/imagegen.py is not importable ({exc})") from None
    if imagegen.pdfgen.cjk_font() is None:
        raise Unavailable(f"no CJK TrueType font for tests/pdfgen.py (apt-get install {imagegen.pdfgen.FONT_PACKAGE})")
    rng = random.Random(repr(sorted(quirks)) + str(report.get("title")))
    noise = imagegen.Noise(dpi=150 if "low_dpi" in quirks else 200,
                           angle=rng.uniform(-1.5, 1.5) if "rotated" in quirks else 0.0, seal="seal" in quirks,
                           jpeg_quality=rng.randint(60, 85) if "jpeg" in quirks else None,
                           paper=rng.randint(230, 250) if "jpeg" in quirks else 255)
    try:
        return imagegen.render_scan(copy.deepcopy(report), noise, kind="pdf", seed=rng.randrange(1 << 30))
    except Exception as exc:  # noqa: BLE001 - another module's failure is reported, not raised through
        raise RenderError(f"tests/imagegen.py failed: {type(exc).__name__}: {exc}") from exc


RENDERERS: dict[str, Callable[[dict, frozenset[str]], bytes]] = {
    "tab": render_tab, "cells": render_cells, "markdown": render_markdown, "glued": render_glued,
    "spaced": render_spaced, "html": render_html, "docx": render_docx, "pdf": render_pdf, "doc": render_doc,
    "scan": render_scan,
}
SUFFIXES = {"tab": ".txt", "cells": ".txt", "markdown": ".md", "glued": ".txt", "spaced": ".txt",
            "html": ".html", "docx": ".docx", "pdf": ".pdf", "doc": ".doc",
            "scan": ".pdf"}


def render(report: dict, fmt: str, quirks: frozenset[str] = frozenset(),
           rng: random.Random | None = None) -> tuple[bytes, str]:
    """(bytes, file name) of ``report`` printed as format class ``fmt`` with ``quirks``."""
    unknown = quirks - set(QUIRKS[fmt]) - {"fullwidth", "thousands"}
    if unknown:
        raise ValueError(f"{fmt} has no quirks {sorted(unknown)}; it has {QUIRKS[fmt]}")
    raw = render_pdf(report, quirks, rng) if fmt == "pdf" else RENDERERS[fmt](report, quirks)
    return raw, f"{report['agency']}-{report['year']}{SUFFIXES[fmt]}"


def random_quirks(rng: random.Random, fmt: str) -> frozenset[str]:
    """Each quirk of the class on about half the time."""
    return frozenset(q for q in QUIRKS[fmt] if rng.random() < 0.5)
