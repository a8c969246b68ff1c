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
from .model import Agency, Report, Site
from .output import Bytes
from .similarity import Similarity
from .splice import Span


def reports_json(site: Site, fragments: FragmentStore | None = None) -> Bytes:
    """reports.json in pieces, one agency at a time: the bytes of ``dump_json`` of the whole
    document, without ever holding every record (or the whole file) in memory; with ``fragments``,
    an unchanged agency's records are the stored bytes (or a span of the live file)."""
    head = dump_json({
        "title": "政府信息公开工作年度报告（结构化数据）",
        "licence": LICENCE["data_name"],
        "licence_url": LICENCE["data_path"],
        "source_texts": LICENCE["source_scope"],
        "reports": [],
    }, compact=True)
    assert head.endswith(b"[]}\n")
    head = head[:-len(b"]}\n")]

    def parts() -> Iterator[bytes | Span]:
        yield head
        records = _pieces("reports.json", site, lambda reports: b",".join(report_json(r)[:-1] for r in reports),
                          fragments, start=len(head), gap=1)
        for i, piece in enumerate(records):
            if i:
                yield b","
            yield piece
        yield b"]}\n"

    return parts() if fragments is None else fragments.assembled("reports.json", parts())


def _pieces(name: str, site: Site, make: Callable[[list[Report]], bytes], fragments: FragmentStore | None,
            start: int = 0, gap: int = 0) -> Iterator[bytes | Span]:
    """``make`` of each agency's reports, in order: from the stored fragments when there are some."""
    groups = by_agency(site.reports, lambda r: r.agency.slug)
    return (make(reports) for _, reports in groups) if fragments is None \
        else fragments.pieces(name, groups, make, start=start, gap=gap)


def _csv_bytes(rows: Iterable[list[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")


def _csv(name: str, columns: Iterable[Column], pieces: Callable[[int], Iterator[bytes | Span]],
         fragments: FragmentStore | None, extra: Iterable[str] = ()) -> Bytes:
    """A CSV: the BOM and the header row (the columns' names, then ``extra``), then its pieces (the
    rows of an agency each, ``pieces(the header's length)``), so a site-wide file is never whole
    in memory."""
    head = CSV_BOM.encode("utf-8") + _csv_bytes([[*(c.name for c in columns), *extra]])

    def parts() -> Iterator[bytes | Span]:
        yield head
        yield from pieces(len(head))

    return parts() if fragments is None else fragments.assembled(name, parts())


def _rows_of(columns: tuple[Column, ...]) -> Callable[[Iterable[Any]], bytes]:
    """An agency's rows (one an item) as CSV bytes."""
    return lambda items: _csv_bytes([c.read(item) for c in columns] for item in items)


def coverage_csv(site: Site, fragments: FragmentStore | None = None) -> Bytes:
    """One row per agency and year: an agency's rows read its registry entry and reports, and the
    site's years and newest publication date (``extra``, part of a fragment's key)."""
    columns = coverage_columns()
    coverage = coverage_of(site)
    groups = ((agency.slug, agency) for agency in site.agencies)  # an agency's rows computed only when not stored
    rows = _rows_of(columns)

    def make(agency: Agency) -> bytes:
        return rows(coverage.in_order((agency,)))

    if fragments is None:
        return _csv("coverage.csv", columns, lambda start: (make(agency) for _, agency in groups), None)
    extra = f"{coverage.years} {coverage.as_of}"
    return _csv("coverage.csv", columns,
                lambda start: fragments.pieces("coverage.csv", groups, make, extra, start=start), fragments)


def _file(name: str, site: Site, columns: tuple[Column, ...], make: Callable[[list[Report]], bytes],
          fragments: FragmentStore | None, extra: Iterable[str] = ()) -> Bytes:
    """A CSV of one row (or several) a report, agency by agency."""
    return _csv(name, columns, lambda start: _pieces(name, site, make, fragments, start=start), fragments, extra)


def reports_csv(site: Site, fragments: FragmentStore | None = None) -> Bytes:
    columns = report_columns()
    return _file("reports.csv", site, columns, _rows_of(columns), fragments)


def indicators_csv(site: Site, fragments: FragmentStore | None = None) -> Bytes:
    """One row per report: its indicators as value, numerator, denominator and reason columns."""
    columns = indicator_columns()
    return _file("indicators.csv", site, columns, _rows_of(columns), fragments)


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


def table3_csv(site: Site, fragments: FragmentStore | None = None) -> Bytes:
    def make(reports: list[Report]) -> bytes:
        return _csv_bytes(row for report in reports for row in _table3_rows(report))

    return _file("table3.csv", site, table3_columns(), make, fragments, (c.key for c in form.TABLE3_COLUMNS))


def text_changes_csv(site: Site, similarity: Callable[[Report], Similarity],
                     fragments: FragmentStore | None = None) -> Bytes:
    """One row a report: how much of its text is its agency's previous report's."""
    columns = text_changes_columns()
    rows = _rows_of(columns)
    return _file("text_changes.csv", site, columns, lambda reports: rows((r, similarity(r)) for r in reports),
                 fragments)
