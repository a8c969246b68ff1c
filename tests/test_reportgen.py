"""The benchmark's report generator: its answers obey the sums it claims, and its reports read back.

``bench/reportgen.py`` is the answer key of ``bench/bench_ingest.py``, so it is checked here
against the project's own consistency checks (``portal.checks``), and every text format class
is read back through ``extract`` for the seed's tables: exact cells where the reader already
handles the class and quirk, ``xfail(strict=True)`` where it does not yet, so the mark flips
(and fails) the day the gap is closed.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from portal import form
from portal.checks import FAIL, check_report
from portal.extract import extract

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import reportgen  # noqa: E402 - bench/ is on the path only now

REGISTRY = reportgen.registry() + reportgen.generated_agencies()
SEED = next(r for r in reportgen.seed_reports() if r["agency"] == "weihai-torch-hitech-zone")
REPORTS = [reportgen.random_report(random.Random(n)) for n in range(300)]
TABLE_RULES = ("table3", "table4")


def failing(report: dict) -> list[str]:
    return [c.detail for c in check_report(report) if c.status == FAIL]


def test_the_seed_is_the_reviewed_report() -> None:
    assert SEED["agency"] == "weihai-torch-hitech-zone" and SEED["year"] == 2023
    assert SEED["table2"]["licensing"] == 34240 and SEED["table3"]["new"] == [26, 0, 0, 0, 0, 0, 26]
    assert SEED["broken"] == [] and failing(SEED) == []


def test_reports_that_claim_every_sum_holds_pass_every_check() -> None:
    whole = [r for r in REPORTS if not r["broken"]]
    assert len(whole) > 200
    for report in whole:
        assert failing(report) == [], report["broken"]
        t3, t4 = report["table3"], report["table4"]
        for col in range(form.TABLE3_WIDTH):
            if any(t3[k][col] is None for k in ("new", "carried_over", "total", "carried_forward")):
                continue
            assert t3["new"][col] + t3["carried_over"][col] == t3["total"][col] + t3["carried_forward"][col]
        for group in t4.values():
            if None not in group.values():
                assert group["total"] == group["upheld"] + group["corrected"] + group["other"] + group["pending"]


def test_reports_that_break_a_sum_fail_exactly_there() -> None:
    broken = [r for r in REPORTS if r["broken"]]
    assert 10 <= len(broken) <= 60
    for report in broken:
        (claim,) = report["broken"]
        details = failing(report)
        assert details, claim
        if claim.startswith("table4."):
            group = dict((g.key, g.label) for g in form.TABLE4_GROUPS)[claim.split(".")[1].split(":")[0]]
            assert all(group.split()[-1] in d for d in details), (claim, details)


def test_null_cells_are_null_and_keep_their_printing() -> None:
    with_nulls = [r for r in REPORTS if r["cells"]]
    assert len(with_nulls) > 20
    for report in with_nulls:
        answers = reportgen.answer_cells(report)
        for path, printing in report["cells"].items():
            assert answers[path] is None and printing in reportgen.NULL_PRINTINGS


def test_generation_is_deterministic() -> None:
    again = reportgen.random_report(random.Random(7))
    assert again == REPORTS[7]
    quirks = reportgen.random_quirks(random.Random(3), "markdown")
    assert reportgen.render(again, "markdown", quirks) == reportgen.render(REPORTS[7], "markdown", quirks)


KNOWN_GAPS = {
    ("glued", None): "a web page glued onto lines: table 2's cells run into each other (规章000行政规范性文件1016)",
    ("glued", "one_line"): "the whole report on one line: table 2's cells run into each other (1016 reads two ways)",
    ("cells", "by_columns"): "a PDF drawn column by column: table 2 has no sums to tell which column a number is in",
}
CASES = [(fmt, quirk) for fmt in (*reportgen.TEXT_FORMATS, "html", "docx") for quirk in (None, *reportgen.QUIRKS[fmt])]


@pytest.mark.parametrize(
    ("fmt", "quirk"),
    [pytest.param(f, q, marks=pytest.mark.xfail(strict=True, reason=KNOWN_GAPS[(f, q)])) if (f, q) in KNOWN_GAPS
     else (f, q) for f, q in CASES],
    ids=[f"{f}-{q or 'plain'}" for f, q in CASES],
)
def test_the_seed_tables_read_back_exactly(fmt: str, quirk: str | None) -> None:
    raw, name = reportgen.render(SEED, fmt, frozenset({quirk} if quirk else ()))
    draft = extract(raw, name, REGISTRY)
    assert draft.refusal is None
    assert draft.data["agency"] == SEED["agency"] and draft.data["year"] == SEED["year"]
    for table in ("table2", "table3", "table4"):
        assert draft.data[table] == SEED[table], table
    assert draft.data["cells"] == {}
    assert [p for p in draft.problems if p.startswith("表")] == []


def test_blank_and_marked_nulls_read_back_from_markdown() -> None:
    """A null mark anywhere in a row, and a blank in table 3's first and last columns, stay null."""
    report = reportgen.random_report(random.Random(11))
    report["broken"] = []
    for path, printing in {"table3.granted.natural_person": "", "table3.total.total": "/",
                           "table3.unable.unclear.total": "", "table4.review.pending": "—"}.items():
        reportgen._set(report, path, None)
        report["cells"][path] = printing
    raw, name = reportgen.render(report, "markdown", frozenset({"label_row_apart"}))
    draft = extract(raw, name, REGISTRY)
    assert reportgen.answer_cells(draft.data) == reportgen.answer_cells(report)
    assert draft.data["cells"] == report["cells"]


def test_the_doc_class_reads_back_exactly() -> None:
    """Word 97 written by LibreOffice (installed with the test tools) and read back through it."""
    try:
        raw, name = reportgen.render(SEED, "doc")
    except reportgen.Unavailable as exc:
        pytest.skip(str(exc))
    assert raw.startswith(b"\xd0\xcf\x11\xe0") and name.endswith(".doc")
    draft = extract(raw, name, REGISTRY)
    assert draft.format == "doc" and reportgen.answer_cells(draft.data) == reportgen.answer_cells(SEED)
