"""The site-wide downloads (/data/reports.json and the CSVs), assembled agency by agency.

Each file is its head, then one piece of bytes an agency (its reports' records or rows, in the
model's order), then its tail: the pieces are what an incremental build keeps
(``fragments.FragmentStore``), so a one-report edit computes one agency's piece, not the nation's.
Without a store every piece is computed, as a full build does. What the records and columns hold,
and how a cell is written, is ``export``'s.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from . import form
from .cells import row_values
from .coverage import coverage_of
from .export import (
    CSV_BOM,
    LICENCE,
    Column,
    coverage_columns,
    dump_json,
    indicator_columns,
    report_columns,
    report_json,
    safe_cell,
    table3_columns,
    text_changes_columns,
)
from .fragments import FragmentStore, by_agency
from .model import Report, Site
from .similarity import Similarity


def reports_json(site: Site, fragments: FragmentStore | None = None) -> Iterator[bytes]:
    """reports.json in pieces, one agency at a time: the bytes of ``dump_json`` of the whole
    document, without ever holding every record (or the whole file) in memory; with ``fragments``,
    an unchanged agency's records are the stored bytes."""
    head = dump_json({
        "title": "政府信息公开工作年度报告（结构化数据）",
        "licence": LICENCE["data_name"],
        "licence_url": LICENCE["data_path"],
        "source_texts": LICENCE["source_scope"],
        "reports": [],
    }, compact=True)
    assert head.endswith(b"[]}\n")
    yield head[:-len(b"]}\n")]
    records = _pieces("reports.json", site, lambda reports: b",".join(report_json(r)[:-1] for r in reports), fragments)
    for i, piece in enumerate(records):
        yield b"," + piece if i else piece
    yield b"]}\n"


def _pieces(name: str, site: Site, make: Callable[[list[Report]], bytes],
            fragments: FragmentStore | None) -> Iterator[bytes]:
    """``make`` of each agency's reports, in order: from the stored fragments when there are some."""
    groups = by_agency(site.reports, lambda r: r.agency.slug)
    return (make(reports) for _, reports in groups) if fragments is None else fragments.pieces(name, groups, make)


def _csv_bytes(rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def _csv(columns: Iterable[Column], pieces: Iterator[bytes], extra: Iterable[str] = ()) -> Iterator[bytes]:
    """A CSV: the BOM and the header row (the columns' names, then ``extra``), then its pieces: the
    rows of an agency each, so a site-wide file is never whole in memory."""
    yield CSV_BOM.encode("utf-8") + _csv_bytes([[*(c.name for c in columns), *extra]])
    yield from pieces


def _rows_of(columns: tuple[Column, ...]) -> Callable[[Iterable[Any]], bytes]:
    """An agency's rows (one an item) as CSV bytes."""
    return lambda items: _csv_bytes([c.read(item) for c in columns] for item in items)


def coverage_csv(site: Site, fragments: FragmentStore | None = None) -> Iterator[bytes]:
    """One row per agency and year: an agency's rows read its registry entry and reports, and the
    site's years and newest publication date (``extra``, part of a fragment's key)."""
    columns = coverage_columns()
    coverage = coverage_of(site)
    groups = by_agency(coverage.in_order(site.agencies), lambda e: e.agency.slug)
    make = _rows_of(columns)
    if fragments is None:
        return _csv(columns, (make(entries) for _, entries in groups))
    extra = f"{coverage.years} {coverage.as_of}"
    return _csv(columns, fragments.pieces("coverage.csv", groups, make, extra))


def reports_csv(site: Site, fragments: FragmentStore | None = None) -> Iterator[bytes]:
    columns = report_columns()
    return _csv(columns, _pieces("reports.csv", site, _rows_of(columns), fragments))


def indicators_csv(site: Site, fragments: FragmentStore | None = None) -> Iterator[bytes]:
    """One row per report: its indicators as value, numerator, denominator and reason columns."""
    columns = indicator_columns()
    return _csv(columns, _pieces("indicators.csv", site, _rows_of(columns), fragments))


def _table3_rows(report: Report) -> Iterator[list[Any]]:
    if report.table3 is None:
        return
    for row in (*form.TABLE3_ROWS, form.TABLE3_SINGLE_ROW):
        values = row_values(report.table3, row.path)
        if row is form.TABLE3_SINGLE_ROW and values is None:
            continue
        cells = list(values) if values is not None else [None] * form.TABLE3_WIDTH
        label = f"{row.group_label or ''}{row.label}"
        yield [report.agency.slug, report.year, row.key, label, *cells]


def table3_csv(site: Site, fragments: FragmentStore | None = None) -> Iterator[bytes]:
    def make(reports: list[Report]) -> bytes:
        return _csv_bytes(row for report in reports for row in _table3_rows(report))

    return _csv(table3_columns(), _pieces("table3.csv", site, make, fragments), (c.key for c in form.TABLE3_COLUMNS))


def text_changes_csv(site: Site, similarity: Callable[[Report], Similarity],
                     fragments: FragmentStore | None = None) -> Iterator[bytes]:
    """One row a report: how much of its text is its agency's previous report's."""
    columns = text_changes_columns()
    rows = _rows_of(columns)
    return _csv(columns, _pieces("text_changes.csv", site, lambda reports: rows((r, similarity(r)) for r in reports),
                                 fragments))
