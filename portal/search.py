"""The search index: exact substring search of Chinese reports, on top of Pagefind.

Why not Pagefind's own Chinese support: the index segments Chinese with a dictionary and the
browser segments the query with ``Intl.Segmenter``; the two disagree, so a compound such as
征地拆迁 finds nothing or the wrong reports. Journalists need every report that contains the
keyword, and only those. So we decide ourselves what the words are, on both sides:

- **Index**: the indexed document of a record (report text, title, agency name) is width- and
  case-folded (``searchtokens.fold``) and every character becomes one token, written as its base-36 code
  point (4 letters), so Pagefind's tokenizer, stemmer, diacritics and punctuation rules cannot
  touch it: one character is one Pagefind word at one position. Punctuation, digits and Latin
  letters are characters like any other, so ``0631—8988877`` and ``〔2021〕30号`` are searchable
  as typed. Between two runs (text between separators) comes the word ``BOUNDARY``, which no
  query contains, so a phrase never matches across runs.
- **Query** (``static/search.js``, mirrored by ``searchtokens.query_tokens``): a term of *m* ≥ 2
  characters becomes its *m* codes, searched as a Pagefind exact phrase (``"…"``), which
  requires consecutive positions — i.e. the term occurs verbatim. One character is one word
  (Pagefind's prefix search of 4 letters matches only the 4-letter word itself). Several terms
  are searched separately and intersected, so all must occur. A quoted phrase that contains
  spaces is searched part by part and each candidate is checked against its text shard.
- **Why one character a word** and not an overlapping bigram a character (the design before):
  Pagefind's indexing time follows the distinct (word, page) pairs more than the words, and a
  report has about three times as many distinct bigrams as distinct characters, so Pagefind's CPU
  and its memory a bundle fell (figures in docs/performance.md). The price is bytes: a query
  fetches the chunk of each of its characters, and common characters have long postings, so a
  first query from a deep link costs more; a page that is already open soon holds the common
  characters' chunks, so later queries cost less than with bigrams.
- **Table labels** (不予公开, 结果纠正 …: the same text for every report that has the table) are
  not indexed: the catalog lists them once per table and gives each report a table mask, and
  the page adds the reports whose tables' labels contain a run (``searchrecords.indexed_document``). Nor are
  the runs of a report's text that are pieces of its tables' labels, as its source prints its
  tables (``searchrecords.label_pieces``).
- **Results** map Pagefind's page id to a small catalog (agency, year, slice, tables), so the
  result list needs no fragment downloads (nor are fragments deployed); excerpts come from
  per-report text shards beside the report pages, whose block indexes are the report page's
  ``t<N>`` anchors (``portal.searchtext``).

``index_site`` cuts the reports, newest year first, into Pagefind bundles that the page merges
with ``mergeIndex``, and each bundle's part of a year into a search slice (a ``shard`` filter; the
page searches slice after slice and shows each one's results as they come, so the first results
need the primary bundle alone). Bundles bound the memory of indexing, let ``Indexing.workers``
processes index at once and bound what a one-report publish re-indexes, but every bundle adds index
chunks to a whole answer (``searchrecords.BUNDLE_REPORTS``). The cuts are content-defined
(``searchcuts``): a boundary follows a report whose key hashes so, so adding or deleting a report
changes the bundle that holds it and rarely another, and with the build's cache (``searchcache``,
keyed by the reports' file hashes) only those are indexed again.

The modules: ``searchtokens`` (text → words, queries), ``searchrecords`` (what is indexed, cut
into slices and bundles), ``searchcuts`` (where), ``searchbundles`` (staging, Pagefind, pruning;
the ``Indexing`` machinery), ``searchcache`` (bundles kept by what they are made from), ``scratch``
and ``peakrss`` (machinery); this one writes the index and the catalog.

Content-Security-Policy the search page needs (no inline script or style):
``script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'`` — Pagefind
compiles WebAssembly in its worker (``/pagefind/pagefind-worker.js``) and fetches its index and
the catalog from ``/pagefind/``, the text shards from ``/reports/``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from .model import Site
from .peakrss import PeakRss
from .scratch import STAGING_PREFIX
from .searchbundles import Bundle, Indexing, Signal, clashing, run_async, write_bundles
from .searchrecords import (
    BUNDLE,
    BUNDLE_REPORTS,
    Row,
    Shard,
    ShardKey,
    placed_rows,
    plan_shards,
    shard_by_year,
)
from .searchtext import LABEL_TABLES, TABLE_LABELS

DATA_DIR = BUNDLE / "portal"
CATALOG_NAME = "catalog.json"


@dataclass
class SearchStats:
    """What index_site wrote and what it cost, for the build log and the benchmark."""

    records: int = 0
    reports: int = 0
    bundles: int = 0
    indexed: int = 0  # bundles Pagefind wrote (the others were copied from the cache: ``searchcache``)
    tokens: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # the largest Pagefind process (VmHWM)
    shards: dict[str, int] = field(default_factory=dict)


def catalog(site: Site, shards: list[Shard], rows: Iterable[dict[str, Row]]) -> dict[str, object]:
    """What the page needs: the shards in search order, and the rows of Pagefind's page ids
    (``rows``: each bundle's page id → its record's row, kept with a stored bundle), so results
    list without loading Pagefind fragments. Reads no report: a bundle restored from the cache
    brings its rows (``searchcache``), so an edit touches only the reports of the bundles it indexes."""
    place = placed_rows(shards, site.agencies)
    ids: dict[str, Row] = {}
    for bundle_rows in rows:
        for page_id, row in bundle_rows.items():
            if page_id in ids:
                raise RuntimeError(f"Pagefind page id {page_id} occurs in two bundles")
            ids[page_id] = place(row)
    return {
        "format": 2,
        "shards": [[s.key, f"/{s.bundle.as_posix()}/"] for s in shards if s.records],
        "agencies": [[a.slug, a.name, a.kind, list(a.jurisdiction)] for a in site.agencies],
        "labels": [TABLE_LABELS[table] for table in LABEL_TABLES],
        "pages": ids,
    }


RENAME_ATTEMPTS = 4
"""How often bundles whose page ids clash are indexed again (each clash is ~1 in 2 at 20,000
pages; a second one in the same bundle's new ids is ~1 in 10,000). ``catalog`` refuses any left."""


def index_site(site: Site, out_dir: Path, shard_by: ShardKey = shard_by_year, bundle_reports: int = BUNDLE_REPORTS,
               widen: Signal | None = None, indexing: Indexing | None = None) -> SearchStats:
    """Write the Pagefind bundles and the catalog under ``out_dir/pagefind``.

    Reports are cut into bundles and search slices (see ``plan_shards``); up to
    ``indexing.services`` Pagefind processes (``indexing``: the machinery, by default
    ``Indexing()``) build bundles at once, each holding its bundle in memory, and the page merges
    them with ``mergeIndex``. With ``widen``, only one runs until ``widen`` is set: the build
    indexes while it renders, and two Pagefind processes beside the render workers would hold more memory
    than either step alone. Everything is written into a staging folder and moved into place at
    the end, so a failed index leaves the previous one whole and no bundle overwrites another."""
    start = time.perf_counter()
    indexing = indexing or Indexing()
    shards = plan_shards(site, shard_by, bundle_reports)
    grouped: dict[Path, list[Shard]] = {}
    for shard in shards:
        grouped.setdefault(shard.bundle, []).append(shard)
    scratch = indexing.scratch.choose(out_dir)
    staging = scratch / f"{STAGING_PREFIX}{os.getpid()}"
    kept = out_dir / f"{STAGING_PREFIX}{os.getpid()}-kept"  # beside the index: moved in by renames
    for folder in (staging, kept):
        shutil.rmtree(folder, ignore_errors=True)
    kept.mkdir(parents=True)
    bundles = [Bundle(path, members, staging / f"b{i}", kept / f"b{i}")
               for i, (path, members) in enumerate(grouped.items())]
    try:
        with PeakRss() as rss:
            run_async(lambda: write_bundles(bundles, indexing, widen))
            for _ in range(RENAME_ATTEMPTS):
                again = clashing(bundles)
                if not again:
                    break
                for bundle in again:
                    bundle.salt += 1
                run_async(partial(write_bundles, again, indexing))
            if indexing.store is not None:
                indexing.store.prune()  # every bundle indexed or restored: the others' entries can go
        shutil.rmtree(out_dir / BUNDLE, ignore_errors=True)
        for bundle in bundles:  # the primary first, as the shard bundles live inside it
            bundle.kept.rename(out_dir / bundle.path)
        (out_dir / DATA_DIR).mkdir(parents=True, exist_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(kept, ignore_errors=True)
    (out_dir / DATA_DIR / CATALOG_NAME).write_text(
        json.dumps(catalog(site, shards, (b.rows for b in bundles)), ensure_ascii=False, separators=(",", ":")),
        encoding="utf-8")
    return SearchStats(
        records=sum(len(s.records) for s in shards), reports=len(site.reports), bundles=len(bundles),
        indexed=sum(not b.restored for b in bundles),
        tokens=sum(b.tokens for b in bundles), seconds=time.perf_counter() - start,
        peak_rss_mb=rss.peak_kb / 1024, shards={s.key: len(s.records) for s in shards},
    )
