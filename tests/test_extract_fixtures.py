"""Each quirk of real reports is one fixture file: NAME.txt and what it must extract to.

``NAME.expected.yaml`` lists values at dotted paths of the draft (``table3.new``), the exact
``cells`` map of recorded printings, every table problem expected (as substrings; any other
table problem fails the test), notes that must appear, every consistency check that fails
(``failing_checks``, as substrings of their details; when given, no other check may fail),
and fields of the drafted registry entry (``agency_entry``) when the agency is not registered.
The source is ``NAME.txt``, or ``NAME.html`` for a web page as served (any encoding it declares).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from portal.checks import FAIL, check_report
from portal.extract import extract

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests/fixtures/extract"
REGISTRY = yaml.safe_load((ROOT / "content/agencies.yaml").read_text(encoding="utf-8"))["agencies"]
SEED_002 = yaml.safe_load((ROOT / "content/reports/weihai-torch-hitech-zone/2023.yaml").read_text(encoding="utf-8"))
CASES = sorted(FIXTURES.glob("*.expected.yaml"))


def at(data: dict, path: str):
    node = data
    head, *rest = path.split(".") if path.startswith("table") else [path]
    node = node[head]
    for part in rest:
        node = node[part]
    return node


@pytest.mark.parametrize("expected_file", CASES, ids=lambda p: p.name.split(".")[0])
def test_fixture(expected_file: Path) -> None:
    expected = yaml.safe_load(expected_file.read_text(encoding="utf-8"))
    stem = expected_file.name.replace(".expected.yaml", "")
    source = next(p for p in (FIXTURES / f"{stem}.txt", FIXTURES / f"{stem}.html") if p.exists())
    draft = extract(source.read_bytes(), source.name, REGISTRY)
    assert draft.refusal is None
    for table in expected.get("same_as_seed_002", []):
        assert draft.data[table] == SEED_002[table]
    for path, value in (expected.get("values") or {}).items():
        assert at(draft.data, path) == value, path
    if "cells" in expected:
        assert draft.data["cells"] == expected["cells"]
    table_problems = [p for p in draft.problems if p.startswith("表")]
    assert len(table_problems) == len(expected["problems"]), table_problems
    for wanted in expected["problems"]:
        assert any(wanted in p for p in table_problems), (wanted, table_problems)
    for wanted in expected.get("notes", []):
        assert any(wanted in n for n in draft.data["notes"]), (wanted, draft.data["notes"])
    if "failing_checks" in expected:
        failing = [c.detail for c in check_report(draft.data) if c.status == FAIL]
        assert len(failing) == len(expected["failing_checks"]), failing
        for wanted in expected["failing_checks"]:
            assert any(wanted in f for f in failing), (wanted, failing)
    for key, value in (expected.get("agency_entry") or {}).items():
        assert draft.agency_entry is not None and draft.agency_entry[key] == value, key
    if source.suffix == ".txt":  # whatever was read is in the stored text exactly as it was given
        assert draft.text == source.read_text(encoding="utf-8")
