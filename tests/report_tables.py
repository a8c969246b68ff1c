"""Seed 002's tables (a real, reviewed answer) and a variant of distinct numbers, laid out as the
national form prints them, for the tests that build Word files and web pages and read them back.

The layouts have the form's merged cells: table 3's label column merged down over the outcome
rows and each group label over its sub-rows, labels spanning two or three grid columns, header
cells merged both ways; table 2's single numbers spanning three columns; table 4's two-row headers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from portal import form

ROOT = Path(__file__).resolve().parent.parent
SEED = yaml.safe_load((ROOT / "content/reports/weihai-torch-hitech-zone/2023.yaml").read_text(encoding="utf-8"))
NAME = "威海火炬高技术产业开发区管委会"
APPLICANTS = "申请人情况"
SUMS_NOTE = "（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）"
INTRO = ("请与威海火炬高技术产业开发区党政办公室联系（地址：威海市文化西路288号，邮政编码：264209，"
         "办公电话：0631—3919181）。2023年，高区管委会共收到并处理政府信息公开申请26件。")


def row_of(table3: dict, path: tuple[str, ...]) -> list:
    node = table3
    for part in path:
        node = node[part]
    return node


def table4_cells(table4: dict) -> list:
    return [table4[g.key][c.key] for g in form.TABLE4_GROUPS for c in form.TABLE4_CELLS]


def distinct_tables() -> dict:
    """Tables 3 and 4 with (almost) every cell different and every sum of the form holding.

    The seed's tables are mostly zeros, so a reader that swapped two cells would still pass;
    with distinct numbers the order of every cell is tested.
    """
    outcomes = [r for r in form.TABLE3_ROWS if r.is_outcome]
    table3: dict = {}

    def put(path: tuple[str, ...], values: list[int]) -> None:
        node = table3
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = [*values, sum(values)]

    for n, row in enumerate(outcomes):
        put(row.path, [n * 6 + c + 1 for c in range(6)])
    total = [sum(row_of(table3, r.path)[c] for r in outcomes) for c in range(6)]
    carried_forward = [200 + c for c in range(6)]
    carried_over = [300 + c for c in range(6)]
    put(("total",), total)
    put(("carried_forward",), carried_forward)
    put(("carried_over",), carried_over)
    put(("new",), [t + f - o for t, f, o in zip(total, carried_forward, carried_over, strict=True)])
    table3["other_handling"][form.SINGLE_ROW] = None
    table4 = {g.key: dict(zip([c.key for c in form.TABLE4_CELLS], [10 * n + 1, 10 * n + 2, 10 * n + 3,
                                                                    10 * n + 4, 40 * n + 10], strict=True))
              for n, g in enumerate(form.TABLE4_GROUPS)}
    return {"table2": SEED["table2"], "table3": table3, "table4": table4}


REGISTRY = yaml.safe_load((ROOT / "content/agencies.yaml").read_text(encoding="utf-8"))["agencies"]
TABLES = ("table2", "table3", "table4")


def assert_tables(draft, tables: dict, cells: dict | None = None) -> None:
    """The draft read exactly these tables, recorded exactly these printings, and had no table problem."""
    assert draft.refusal is None, draft.refusal
    for key in TABLES:
        assert draft.data[key] == tables[key], key
    assert draft.data["cells"] == (cells or {})
    assert [p for p in draft.problems if p.startswith("表")] == []
    assert draft.data["agency"] == "weihai-torch-hitech-zone" and draft.data["year"] == 2023


# ---------------------------------------------------------------- the form's printed layout


def printed(value) -> str:
    """How a cell value is printed: numbers as digits, a string (/, —, blank) as itself."""
    return value if isinstance(value, str) else "" if value is None else str(value)


# ---------------------------------------------------------------- building a report with python-docx


@dataclass
class Layout:
    """A printed table: its grid size, the text at each cell's top-left corner, the merged ranges."""

    rows: int
    cols: int
    texts: dict[tuple[int, int], str] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row1, col1, row2, col2)


def table2_layout(table2: dict) -> Layout:
    rows: list[tuple[str, list[str]]] = []
    for heading, items in form.TABLE2_SECTIONS:
        rows.append((heading, []))
        if items[0].key in ("regulations",):
            rows.append(("信息内容", [c.label for c in form.TRIPLE_CELLS]))
            rows += [(i.label, [str(v) for v in table2[i.key].values()]) for i in items]
        else:
            unit = "本年收费金额（单位：万元）" if items[0].key == "fees_10k_yuan" else "本年处理决定数量"
            rows.append(("信息内容", [unit]))
            rows += [(i.label, [str(table2[i.key])]) for i in items]
    texts: dict[tuple[int, int], str] = {}
    merges = []
    for r, (label, values) in enumerate(rows):
        texts[(r, 0)] = label
        if not values:
            merges.append((r, 0, r, 3))
        elif len(values) == 1:
            merges.append((r, 1, r, 3))
        for c, v in enumerate(values, 1):
            texts[(r, c)] = v
    return Layout(len(rows), 4, texts, merges)


def table3_layout(table3: dict) -> Layout:
    header = 3
    rows = form.TABLE3_ROWS
    texts = {(0, 0): SUMS_NOTE, (0, 3): APPLICANTS, (1, 3): "自然人", (1, 4): "法人或其他组织", (1, 9): "总计"}
    texts |= {(2, 4 + n): c.label for n, c in enumerate(form.TABLE3_COLUMNS[1:6])}
    merges = [(0, 0, 2, 2), (0, 3, 0, 9), (1, 3, 2, 3), (1, 4, 1, 8), (1, 9, 2, 9)]
    outcome = [n for n, r in enumerate(rows) if r.is_outcome or r.key == "total"]
    merges.append((header + outcome[0], 0, header + outcome[-1], 0))
    texts[(header + outcome[0], 0)] = form.TABLE3_RESULTS_LABEL
    groups = {g.key: g for g in form.TABLE3_GROUPS}
    for n, row in enumerate(rows):
        r = header + n
        label = row.label.replace("确认或重新", "确认或重新\n")
        if n not in outcome:
            merges.append((r, 0, r, 2))
            texts[(r, 0)] = label
        elif len(row.path) == 1:
            merges.append((r, 1, r, 2))
            texts[(r, 1)] = label
        else:
            group = groups[row.path[0]]
            if row.path[1] == group.rows[0].key:
                merges.append((r, 1, r + len(group.rows) - 1, 1))
                texts[(r, 1)] = group.label
            texts[(r, 2)] = label
        for c, value in enumerate(row_of(table3, row.path)):
            texts[(r, 3 + c)] = printed(value)
    return Layout(header + len(rows), 10, texts, merges)


def table4_layout(table4: dict) -> Layout:
    texts = {(0, 0): "行政复议", (0, 5): "行政诉讼", (1, 5): "未经复议直接起诉", (1, 10): "复议后起诉"}
    merges = [(0, 0, 0, 4), (0, 5, 0, 14), (1, 5, 1, 9), (1, 10, 1, 14)]
    for c, item in enumerate(form.TABLE4_CELLS):
        merges.append((1, c, 2, c))
        texts[(1, c)] = item.label.replace("结果", "结果\n", 1) if c == 0 else item.label
        texts[(2, 5 + c)] = texts[(2, 10 + c)] = item.label
    texts |= {(3, c): str(v) for c, v in enumerate(table4_cells(table4))}
    return Layout(4, 15, texts, merges)


def table_layouts(tables: dict) -> dict[str, Layout]:
    return {"table2": table2_layout(tables["table2"]), "table3": table3_layout(tables["table3"]),
            "table4": table4_layout(tables["table4"])}
