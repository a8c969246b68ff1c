"""Seed 002's tables (a real, reviewed answer) and a variant of distinct numbers, for the
tests that build Word files and web pages from them and read them back.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from portal import form

ROOT = Path(__file__).resolve().parent.parent
SEED = yaml.safe_load((ROOT / "content/reports/weihai-torch-hitech-zone/2023.yaml").read_text(encoding="utf-8"))
NAME = "威海火炬高技术产业开发区管委会"
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
    assert [p for p in draft.problems if p.startswith("table")] == []
    assert draft.data["agency"] == "weihai-torch-hitech-zone" and draft.data["year"] == 2023
