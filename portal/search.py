"""The search index: exact substring search of Chinese reports, on top of Pagefind.

Why not Pagefind's own Chinese support: the index segments Chinese with a dictionary and the
browser segments the query with ``Intl.Segmenter``; the two disagree, so a compound such as
征地拆迁 finds nothing or the wrong reports. Journalists need every report that contains the
keyword, and only those. So we decide ourselves what the words are, on both sides:

- **Index**: the indexed document of a record (report text, title, agency name) is width- and
  case-folded (``fold``) and every character becomes one token, written as its base-36 code
  point (4 letters), so Pagefind's tokenizer, stemmer, diacritics and punctuation rules cannot
  touch it: one character is one Pagefind word at one position. Punctuation, digits and Latin
  letters are characters like any other, so ``0631—8988877`` and ``〔2021〕30号`` are searchable
  as typed. Between two runs (text between separators) comes the word ``BOUNDARY``, which no
  query contains, so a phrase never matches across runs.
- **Query** (``static/search.js``, mirrored by ``query_tokens`` here): a term of *m* ≥ 2
  characters becomes its *m* codes, searched as a Pagefind exact phrase (``"…"``), which
  requires consecutive positions — i.e. the term occurs verbatim. One character is one word
  (Pagefind's prefix search of 4 letters matches only the 4-letter word itself). Several terms
  are searched separately and intersected, so all must occur. A quoted phrase that contains
  spaces is searched part by part and each candidate is checked against its text shard.
- **Why one character a word** and not an overlapping bigram a character (the design before):
  Pagefind's indexing time follows the distinct (word, page) pairs more than the words (~3 µs a
  pair against ~0.6 µs a word, measured on 625 reports): a report has ~1,400 distinct bigrams
  but ~470 distinct characters, so Pagefind's CPU halved (5,000 reports: 85 → 65 s of CPU for
  the whole build) and its memory a bundle fell by a third. The price is bytes: a query fetches
  the chunk of each of its characters, and common characters have long postings, so a first
  query from a deep link costs more (see docs/performance.md); a page that is already open
  soon holds the common characters' chunks, so later queries cost less than with bigrams.
- **Table labels** (不予公开, 结果纠正 …: the same text for every report that has the table) are
  not indexed: the catalog lists them once per table and gives each report a table mask, and
  the page adds the reports whose tables' labels contain a run (``indexed_document``). Nor are
  the runs of a report's text that are pieces of its tables' labels, as its source prints its
  tables (``label_pieces``).
- **Results** map Pagefind's page id to a small catalog (agency, year, slice, tables), so the
  result list needs no fragment downloads (nor are fragments deployed); excerpts come from
  per-report text shards beside the report pages, whose block indexes are the report page's
  ``t<N>`` anchors (``portal.searchtext``).

``index_site`` cuts the reports into search slices (a ``shard`` filter; the page searches them
newest year first and shows each slice's results as they come) and cuts them, in that order,
into Pagefind bundles of one size that the page merges with ``mergeIndex``: bundles bound the
memory of indexing and let ``workers`` services index at once, but every bundle adds index
chunks to every query (``BUNDLE_REPORTS``).

Content-Security-Policy the search page needs (no inline script or style):
``script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'`` — Pagefind
compiles WebAssembly in its worker (``/pagefind/pagefind-worker.js``) and fetches its index and
the catalog from ``/pagefind/``, the text shards from ``/reports/``.
"""

from __future__ import annotations

import asyncio
import errno
import gzip
import html
import json
import os
import re
import shutil
import threading
import time
from collections.abc import Callable, Coroutine, Iterable, Iterator
from collections.abc import Set as AbstractSet
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Protocol, TypeVar

from pagefind.index import PagefindIndex

from .model import Agency, Report, Site, Year
from .parallel import default_workers as cores_available
from .searchtext import LABEL_TABLES, TABLE_LABELS, label_lines, report_names, searchable_text

LANGUAGE = "und"
"""BCP 47 'undetermined': Pagefind applies no stemmer and no word segmentation to it, so our
tokens reach the index unchanged (``zh`` would run ICU/jieba over them in the extended build)."""
BUNDLE = Path("pagefind")
"""Everything search writes lives under ``/pagefind/`` (the folder the build keeps between dev
rebuilds): the primary Pagefind bundle, shard bundles ``shard-<n>/``, and ``portal/`` with the
catalog. (The text shards are rendered beside their report pages: ``portal.searchtext``.)"""
DATA_DIR = BUNDLE / "portal"
CATALOG_NAME = "catalog.json"
CODE_WIDTH = 4
"""36**4 > 0x10FFFF: every code point fits in four base-36 letters."""
FRAGMENT_SIGNATURE = b"pagefind_dcd"

SEPARATORS = frozenset("\x00 \t\n\r\f\v\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
                       + "".join(chr(c) for c in range(0x2000, 0x200B)))
"""Characters that end a run. Spelled out (not ``str.isspace``) because search.js must use the
very same set and JavaScript's ``\\s`` differs from Python's."""


def _fold_table() -> dict[int, str]:
    """Full-width ASCII (Ａ-Ｚ, ０-９, （）…) to ASCII, ideographic space to space, A-Z to a-z.

    Every mapping is one UTF-16 unit to one, so offsets in folded text are offsets in the
    original: excerpts highlight the verbatim source."""
    table = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    for c in list(table) + list(range(0x41, 0x5B)):
        table[c] = table.get(c, chr(c)).lower()
    return table


FOLD = _fold_table()


def fold(text: str) -> str:
    """The form both the index and the query are compared in (search.js ``fold`` mirrors it)."""
    return text.translate(FOLD)


def code(char: str) -> str:
    """A character as four base-36 letters: a Pagefind word that no tokenizer rule can split."""
    n = ord(char)
    digits = ""
    while n:
        n, r = divmod(n, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[r] + digits
    return digits.rjust(CODE_WIDTH, "0")


BOUNDARY = "0000"
"""The word between two runs: the code of U+0000, itself a separator, so no query has it."""


class _CodeTable(dict[int, str]):
    """``str.translate`` table: a character → its folded character's code and a space; a separator
    → a newline (which no code contains), where ``coded`` puts ``BOUNDARY``.

    Filled on first sight of each character (``__missing__``), so it holds only the few thousand
    characters the corpus uses. Why a translate table: a per-character Python loop of ``code``
    cost ~12 s of the 5,000-report index; ``translate`` does the same in C."""

    def __missing__(self, c: int) -> str:
        folded = fold(chr(c))
        value = "\n" if folded in SEPARATORS else code(folded) + " "
        self[c] = value
        return value


_CODES = _CodeTable()


def coded(text: str, found_elsewhere: AbstractSet[str] = frozenset()) -> str:
    """The indexed body of a text: one word a character, and one ``BOUNDARY`` between two runs
    (a report has hundreds of separators, often several in a row: one word each was ~20 % of
    the words Pagefind indexed). Runs whose codes are in ``found_elsewhere`` are left out (see
    ``label_pieces``)."""
    runs = filter(None, text.translate(_CODES).split("\n"))
    if found_elsewhere:
        runs = (run for run in runs if run not in found_elsewhere)
    return (BOUNDARY + " ").join(runs)


def tokens(text: str) -> list[str]:
    """The words Pagefind indexes for ``text``, in order."""
    return coded(text).split()


# ------------------------------------------------------------------ queries (mirrors search.js)

QUERY_RE = re.compile(r'"([^"]*)"|(\S+)')
MAX_TERMS = 8


def parse_query(query: str) -> list[str]:
    """Terms of a query: ``"quoted phrases"`` (inner spaces kept) and space-separated words."""
    terms = []
    for quoted, bare in QUERY_RE.findall(query.replace("“", '"').replace("”", '"')):
        term = " ".join(quoted.split()) if quoted else bare
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def query_tokens(part: str) -> tuple[str, bool]:
    """Pagefind query for one run of a term and whether it is an exact phrase search."""
    codes = [code(c) for c in fold(part)]
    return " ".join(codes), len(codes) > 1


def contains_all(document: str, terms: Iterable[str]) -> bool:
    """The ground truth search must equal: every term is a substring of the folded document."""
    folded = fold(document)
    return all(fold(t) in folded for t in terms)


# ------------------------------------------------------------------ what is indexed


def table_mask(report: Report) -> int:
    """Which tables the report has: bit *i* for ``LABEL_TABLES[i]``."""
    return sum(1 << i for i, table in enumerate(LABEL_TABLES) if getattr(report, table) is not None)


@cache
def label_pieces(mask: int) -> frozenset[str]:
    """Every piece (whole characters) of every run of the labels of the tables in ``mask``, coded.

    Why: a report's source text prints its tables, so ~22 % of its characters (benchmark corpus)
    are runs of table labels (本年新收政府信息公开申请数量, 行政许可 …). The page finds every run of a
    table's labels in every report that has the table, from the catalog (``searchIds`` in
    search.js), so a run of the report's text that is a piece of those labels needs no place in
    the index: every query run that occurs in it occurs in the labels too. Such runs are left out
    of the body Pagefind indexes (``coded``): fewer words and positions to index and to fetch.
    Only whole runs that are pieces of a label run go: a label wrapped over two lines in the
    source leaves two pieces; a label printed with a variant character stays indexed."""
    width = CODE_WIDTH + 1  # a code and its space
    pieces: set[str] = set()
    for i, table in enumerate(LABEL_TABLES):
        if mask & (1 << i):
            for run in TABLE_LABELS[table].translate(_CODES).split("\n"):
                n = len(run) // width
                pieces.update(run[a * width:b * width] for a in range(n) for b in range(a + 1, n + 1))
    return frozenset(pieces)


def indexed_body(document: str, tables: int = 0) -> str:
    """The coded body Pagefind indexes for ``document`` of a page whose tables are ``tables``."""
    return coded(document, label_pieces(tables))


def table_labels(report: Report) -> list[str]:
    """Row and column labels of the tables the report has, so 不予公开 or 结果纠正 find it even
    when the source printed the label wrapped over two cells."""
    return [line for table in LABEL_TABLES if getattr(report, table) is not None for line in label_lines(table)]


def indexed_document(report: Report) -> str:
    """What Pagefind indexes of a report: its text and names, not its table labels (nor the runs
    of its text that are pieces of them: ``label_pieces``).

    Why not the labels: they were ~20 % of a report's tokens (~600 of ~3,100), identical for
    every report that has the table, so they cost Pagefind time and memory in every report and
    every bundle, and made the chunks of their bigrams the largest of every query. The page
    matches them instead against the catalog's ``labels`` and each report's table mask; as runs
    never cross a separator, a run is in the report's document iff it is in this document or in
    the labels of one of its tables. The text is as search reads it: a line break that only wraps
    a paragraph is not a break (``searchtext.soft_breaks``)."""
    return f"{searchable_text(report.text)}\n{report_names(report)}"


def report_document(report: Report) -> str:
    """The searchable document of a report, exactly as searched; the benchmark's truth."""
    return "\n".join([indexed_document(report), *table_labels(report)])


def agency_document(agency: Agency) -> str:
    """Agency pages are found by name, alias, place and kind of body."""
    return "\n".join([agency.name, *agency.aliases, *agency.jurisdiction, agency.kind])


def year_document(year: int) -> str:
    return f"{year}年\n{year}年度政府信息公开工作年度报告"


@dataclass(frozen=True)
class Record:
    """One Pagefind record: a page of the site and the catalog row the result list shows."""

    url: str
    make_document: Callable[[], str]
    """Made when the record's bundle is staged, not when the records are planned: a document is
    a copy of the report's text (~6 KB a report in the benchmark corpus), and the index process
    would hold every report's for the whole run."""
    meta: dict[str, str]
    row: list[object]  # catalog row: see describe() in search.js
    tables: int = 0  # a report's table mask: the pieces of their labels are not indexed

    @property
    def body(self) -> str:
        return indexed_body(self.make_document(), self.tables)


def report_record(report: Report, agency_index: int, slice_index: int) -> Record:
    """``slice_index``: the position of the report's slice among the catalog's distinct shard keys,
    so the page knows which reports a slice holds when it matches table labels itself."""
    a = report.agency
    default_title = f"{a.name}{report.year}年政府信息公开工作年度报告"
    tables = table_mask(report)
    return Record(
        url=report.url,
        make_document=partial(indexed_document, report),
        meta={"title": report.title, "agency": a.name, "year": str(report.year),
              "jurisdiction": a.jurisdiction_label, "kind": a.kind},
        row=["r", agency_index, report.year, slice_index, tables]
        + ([] if report.title == default_title else [report.title]),
        tables=tables,
    )


def agency_record(agency: Agency, agency_index: int) -> Record:
    return Record(agency.url, partial(agency_document, agency),
                  {"title": agency.name, "agency": agency.name, "jurisdiction": agency.jurisdiction_label,
                   "kind": agency.kind}, ["a", agency_index])


def year_record(year: int) -> Record:
    return Record(Year(year).url, partial(year_document, year), {"title": f"{year}年度报告", "year": str(year)},
                  ["y", year])


# ------------------------------------------------------------------ writing


@dataclass
class SearchStats:
    """What index_site wrote and what it cost, for the build log and the benchmark."""

    records: int = 0
    reports: int = 0
    bundles: int = 0
    tokens: int = 0
    index_bytes: int = 0
    seconds: float = 0.0
    peak_rss_mb: float = 0.0  # the largest Pagefind service process (VmHWM)
    shards: dict[str, int] = field(default_factory=dict)


ShardKey = Callable[[Report], str]
T = TypeVar("T")


def shard_by_year(report: Report) -> str:
    return str(report.year)


def shard_by_province(report: Report) -> str:
    return report.agency.jurisdiction[0] if report.agency.jurisdiction else "none"


PAGES_SHARD = "pages"
SLICE_REPORTS = 600
"""Reports per search slice. Pagefind's exact-phrase search costs (result pages) × (postings of
the phrase): the page searches slice after slice (a ``shard`` filter), newest year first, so the
first results show after one slice's work, not the whole index's."""
BUNDLE_REPORTS = 700
"""Reports per Pagefind bundle, at most. A query downloads its words' chunks from every bundle,
so fewer bundles mean fewer bytes; but one Pagefind process holds its bundle in memory, so
bundles bound the memory of indexing at any corpus size and let two processes index at once.
Measured at 5,000 reports with two services, one word a character, label pieces not indexed
(bench_build.py, bench_search.py): 8 bundles of 625 (this value): 0.32 GiB a service, a
reader's first query from a deep link ~1.16 MB (median), later queries on the open page ~13 KB;
5 of 1,000: 0.49 GiB a service, ~0.88 MB and ~104 KB. The smaller bundles keep the 20,000-report build
well under 3 GB (two services beside the model) and index a little faster. (With the
overlapping bigrams of before, a service needed ~1.2 MB a report and 3 bundles of 2,500 took
2.5-3.0 GB each.)"""


@dataclass(frozen=True)
class Shard:
    """A slice of the records that the page searches in one go, and the bundle that holds it."""

    key: str  # the value of every record's ``shard`` filter
    bundle: Path  # relative to out_dir
    records: list[Record]


def _slices(site: Site, shard_by: ShardKey, slice_reports: int) -> Iterator[tuple[str, list[Report]]]:
    """Reports grouped by key, descending (newest year first), cut in agency order into parts."""
    groups: dict[str, list[Report]] = {}
    for report in sorted(site.reports, key=lambda r: r.agency.slug):
        groups.setdefault(shard_by(report), []).append(report)
    for key in sorted(groups, reverse=True):
        group = groups[key]
        parts = -(-len(group) // slice_reports)
        size = -(-len(group) // parts)
        for i in range(parts):
            yield (key if parts == 1 else f"{key}.{i + 1}"), group[i * size:(i + 1) * size]


def plan_shards(site: Site, shard_by: ShardKey = shard_by_year, slice_reports: int = SLICE_REPORTS,
                bundle_reports: int = BUNDLE_REPORTS) -> list[Shard]:
    """Slices in search order — agency and year pages, then reports by ``shard_by`` — cut in that
    order into the fewest bundles of at most ``bundle_reports``, all of one size: the primary
    ``pagefind/`` first, then ``pagefind/shard-<n>/``.

    Why bundles are not whole slices: a query fetches index chunks from every bundle, so bytes
    per query grow with the number of bundles; packing whole slices of ~420 reports into bundles
    of 700 left one slice a bundle, 12 bundles where 8 do. A slice split between two bundles is
    two ``Shard`` entries with the same key; the page searches each key once."""
    agency_index = {a.slug: i for i, a in enumerate(site.agencies)}
    pages = [agency_record(a, i) for i, a in enumerate(site.agencies)] + [year_record(y) for y in site.years]
    shards = [Shard(PAGES_SHARD, BUNDLE, pages)]
    ordered = [(n, key, report) for n, (key, part) in enumerate(_slices(site, shard_by, max(1, slice_reports)), 1)
               for report in part]
    size = -(-len(ordered) // max(1, -(-len(ordered) // max(1, bundle_reports)))) if ordered else 1
    for i, (n, key, report) in enumerate(ordered):
        bundle = BUNDLE / f"shard-{i // size}" if i >= size else BUNDLE
        if shards[-1].key != key or shards[-1].bundle != bundle:
            shards.append(Shard(key, bundle, []))
        shards[-1].records.append(report_record(report, agency_index[report.agency.slug], n))
    return shards


def record_html(rec: Record, shard: str, body: str, salt: int = 0) -> str:
    """A record as the HTML page Pagefind indexes: ``body`` (its ``coded`` document), its slice
    and meta as tags.

    Why HTML files and not ``add_custom_record``: the Python service reads one reply per 100 ms,
    so 5,000 records would take minutes; ``add_directory`` is one request, and Pagefind indexes
    the folder on all cores. Why ``shard`` is the only Pagefind filter: the page filters by
    agency, year, place and kind from the catalog, so the others were only work for Pagefind and
    files in the deploy (120 of the 130 KB of filter files at 5,000 reports; the page never
    downloaded them: a cold query fetches the ``shard`` filter only, 11 KB, before and after)."""
    tags = [f'<meta data-pagefind-filter="shard[content]" content="{html.escape(shard)}">']
    if salt:  # changes the page's content hash, hence its Pagefind id (see ``_clashing``)
        tags.append(f'<meta data-pagefind-meta="salt[content]" content="{salt}">')
    tags += [f'<meta data-pagefind-meta="{k}[content]" content="{html.escape(v)}">' for k, v in rec.meta.items()]
    return (f'<!doctype html><html lang="{LANGUAGE}"><head><meta charset="utf-8">{"".join(tags)}</head>'
            f"<body data-pagefind-body>{body}</body></html>")


def _stage_html(shards: list[Shard], site_dir: Path, salt: int = 0) -> int:
    """Write each record to the path its URL maps to; returns the tokens written."""
    count = 0
    for shard, rec in ((s, r) for s in shards for r in s.records):
        path = site_dir / rec.url.strip("/") / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        body = rec.body
        count += body.count(" ")  # one space after every word
        path.write_text(record_html(rec, shard.key, body, salt), encoding="utf-8")
    return count


class _Written(Exception):
    """Leaves ``PagefindIndex``'s context without its automatic second write (see below)."""


async def _run_pagefind(staging: Path) -> None:
    """Run one Pagefind service over ``staging/site`` and write its bundle to ``staging/out``.

    Why the explicit write and wait: the service answers ``WriteFiles`` before its last files
    reach the disk, and leaving the context terminates the process — a 2,500-report bundle came
    out with an empty ``pagefind-entry.json``. So we write, wait until the bundle is complete,
    and leave by an exception, which the context documents as "close without writing"."""
    out = staging / "out"
    try:
        async with PagefindIndex(config={"output_path": str(out)}) as index:
            await index.add_directory(str(staging / "site"))
            await index.write_files()
            await _until_complete(out)
            raise _Written
    except _Written:
        pass


@dataclass
class _Bundle:
    """One Pagefind bundle on its way: its shards, its staging folder, and what indexing it
    found out (the tokens staged, and Pagefind's page id → URL for the catalog)."""

    path: Path  # relative to out_dir: ``pagefind`` or ``pagefind/shard-<n>``
    shards: list[Shard]
    staging: Path  # the pages Pagefind reads (``site/``) and what it writes (``out/``)
    kept: Path  # where the written bundle waits, pruned and out of the scratch
    tokens: int = 0
    urls: dict[str, str] = field(default_factory=dict)
    salt: int = 0  # raised to index the bundle again under other page ids

    def keep(self) -> None:
        """Prune the written bundle and move it out of the scratch, so the scratch holds only
        the bundles on their way (at 20,000 reports, keeping all 29 there took 0.33 GB)."""
        _prune(self.staging / "out", shard=self.path != BUNDLE)
        shutil.rmtree(self.kept, ignore_errors=True)  # a bundle indexed again
        _move(self.staging / "out", self.kept)
        shutil.rmtree(self.staging, ignore_errors=True)


def _clashing(bundles: list[_Bundle]) -> list[_Bundle]:
    """Bundles holding a Pagefind page id that an earlier bundle holds too.

    Why this happens: Pagefind names a page by 7 hex digits of its content hash, unique within
    a bundle (it lengthens a name that clashes) but not across bundles, and the catalog maps ids
    to pages for all bundles at once. With 20,000 pages in any number of bundles, about every
    other build had such a clash (a 20,000-report index stopped with "occurs in two bundles")."""
    seen: set[str] = set()
    out = []
    for bundle in bundles:
        if not seen.isdisjoint(bundle.urls):
            out.append(bundle)
        seen.update(bundle.urls)
    return out


class Signal(Protocol):
    """``threading.Event`` or ``multiprocessing.Event``: something set once, from elsewhere."""

    def wait(self, timeout: float | None = None) -> bool: ...


async def _widen(indexing: asyncio.Semaphore, extra: int, signal: Signal) -> None:
    """Let ``extra`` more Pagefind services run once ``signal`` is set."""
    while not await asyncio.to_thread(signal.wait, 0.2):
        pass
    for _ in range(extra):
        indexing.release()


async def _write_bundles(bundles: list[_Bundle], workers: int, widen: Signal | None = None) -> None:
    """Stage and index every bundle: staging (Python, one at a time) runs ahead of Pagefind.

    Why a pipeline: staging a bundle is ~1 ms of Python a report and Pagefind waits for it, so
    bundle *n + 1* is staged while up to ``workers`` Pagefind services index the bundles before
    it. ``ahead`` bounds the bundles staged but not yet indexed (their HTML stays on disk until
    their service is done), so the staging folder stays small at any corpus size. The written
    fragments are read back while the next bundle is indexed. With ``widen``, one service runs
    until it is set, then ``workers``."""
    python_turn = asyncio.Lock()  # the GIL allows one Python job at a time anyway; FIFO keeps bundle order
    workers = max(1, workers)
    indexing = asyncio.Semaphore(1 if widen else workers)
    ahead = asyncio.Semaphore(workers + 1)
    widening = asyncio.create_task(_widen(indexing, workers - 1, widen)) if widen and workers > 1 else None

    async def one(bundle: _Bundle) -> None:
        async with ahead:
            async with python_turn:
                await asyncio.to_thread(shutil.rmtree, bundle.staging, True)  # a bundle indexed again
                bundle.tokens = await asyncio.to_thread(_stage_html, bundle.shards, bundle.staging / "site",
                                                        bundle.salt)
            async with indexing:
                await _run_pagefind(bundle.staging)
            await asyncio.to_thread(shutil.rmtree, bundle.staging / "site", True)
            bundle.urls = await asyncio.to_thread(_fragment_urls, bundle.staging / "out")
            await asyncio.to_thread(bundle.keep)

    try:
        await asyncio.gather(*(one(b) for b in bundles))
    finally:
        if widening:
            widening.cancel()


async def _until_complete(bundle: Path, timeout: float = 120.0, every: float = 0.1) -> None:
    """Wait until the entry file parses, names a meta file that exists, and the bundle's size
    has stopped changing for ``every`` seconds (a bundle costs about two of these waits; at
    0.25 s they were 4 s of the 5,000-report index's wall time with 12 bundles)."""
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        try:
            entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
            metas = [bundle / f"pagefind.{lang['hash']}.pf_meta" for lang in entry["languages"].values()]
            size = _dir_bytes(bundle)
            if all(m.is_file() and m.stat().st_size for m in metas) and size == last:
                return
            last = size
        except (OSError, ValueError, KeyError):
            pass
        await asyncio.sleep(every)
    raise RuntimeError(f"Pagefind did not finish writing {bundle} within {timeout:.0f} s")


def _fragments(bundle: Path) -> dict[str, dict[str, object]]:
    """Pagefind page id (the fragment's name) → the page as Pagefind recorded it (URL, meta,
    filters, word count), read back from the written fragments, in name order (a folder lists
    its files in an order of the file system's choosing: on tmpfs, the order Pagefind's threads
    wrote them in). The last look at them: ``_prune`` drops them from the bundle."""
    pages = {}
    for path in sorted((bundle / "fragment").glob("*.pf_fragment")):
        data = gzip.decompress(path.read_bytes())
        assert data.startswith(FRAGMENT_SIGNATURE), path
        pages[path.stem] = json.loads(data[len(FRAGMENT_SIGNATURE):])
    return pages


def _fragment_urls(bundle: Path) -> dict[str, str]:
    """Pagefind page id → URL, for the catalog."""
    return {page_id: str(page["url"]) for page_id, page in _fragments(bundle).items()}


def _catalog(site: Site, shards: list[Shard], urls: Iterable[dict[str, str]]) -> dict[str, object]:
    """What the page needs: the shards in search order, and the rows of Pagefind's page ids
    (``urls``: each bundle's page id → URL), so results list without loading Pagefind fragments."""
    by_url = {rec.url: rec.row for shard in shards for rec in shard.records}
    ids: dict[str, list[object]] = {}
    for bundle_urls in urls:
        for page_id, url in bundle_urls.items():
            if page_id in ids:
                raise RuntimeError(f"Pagefind page id {page_id} occurs in two bundles")
            ids[page_id] = by_url[url]
    return {
        "format": 2,
        "shards": [[s.key, f"/{s.bundle.as_posix()}/"] for s in shards if s.records],
        "agencies": [[a.slug, a.name, a.kind, list(a.jurisdiction)] for a in site.agencies],
        "labels": [TABLE_LABELS[table] for table in LABEL_TABLES],
        "pages": ids,
    }


class PeakRss:
    """The largest peak RSS (VmHWM) of our child processes — the Pagefind services — sampled
    while they run. ``RUSAGE_CHILDREN`` cannot tell: a child forked from a big build process
    counts the parent's pages until it execs. Linux only; elsewhere it stays 0."""

    def __init__(self, every: float = 0.2) -> None:
        self.peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(every,), daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self, every: float) -> None:
        while not self._stop.wait(every):
            self.peak_kb = max([self.peak_kb, *self._sample()])

    @staticmethod
    def _sample() -> list[int]:
        me, sizes = str(os.getpid()), []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if stat.read_text().rsplit(")", 1)[1].split()[1] != me:
                    continue
                status = (stat.parent / "status").read_text()
            except (OSError, IndexError):
                continue
            sizes += [int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")]
        return sizes


UNUSED_FILES = ("pagefind-ui.js", "pagefind-ui.css", "pagefind-modular-ui.js", "pagefind-modular-ui.css",
                "pagefind-component-ui.js", "pagefind-component-ui.css", "pagefind-highlight.js")
"""Pagefind's ready-made UIs: the page uses the search API through static/search.js instead."""
SHARD_UNUSED = ("pagefind.js", "pagefind-worker.js", "wasm.*.pagefind")
"""A merged bundle needs only its entry, meta, index and filter files."""
UNUSED_FOLDERS = ("fragment",)
"""Pagefind's fragments, one a page (its indexed text, meta and filters): the page lists results
from the catalog and takes excerpts from the text shards, so it never fetches one. They are read
for the catalog (``_fragments``) before the bundle is kept. Dropping them took ~6,000 files and
19 MB out of the 5,000-report deploy, and their copy out of the scratch out of the build."""


def _prune(bundle: Path, shard: bool) -> None:
    for pattern in UNUSED_FILES + (SHARD_UNUSED if shard else ()):
        for path in bundle.glob(pattern):
            path.unlink()
    for folder in UNUSED_FOLDERS:
        shutil.rmtree(bundle / folder, ignore_errors=True)


SCRATCH = Path("/dev/shm")
"""Where bundles are staged for Pagefind and Pagefind writes them, when this is a writable folder
(on Linux a tmpfs: files in memory). Why: a bundle is ~1,300 files in (the staged pages, deleted
once indexed) and out (one fragment a page, which the page never fetches); on the build box's
ext4, which has no journal, creating a file right after many were deleted costs up to ~0.9 ms
of CPU (it scans past recently freed inodes: see ``bench/bench_build.py`` ``SETTLE``), against
~0.03 ms on tmpfs. What is kept of a bundle is copied out as soon as it is written
(``_Bundle.keep``), so the scratch holds at most ``workers + 1`` bundles at once (~25 MB each
at 700 reports)."""
SCRATCH_FREE = 1 << 30
"""Free space ``SCRATCH`` must have to be used: far more than the most it held (67 MB at 5,000
reports, with two services; no more at any corpus size), because a container's ``/dev/shm`` is
often only 64 MB, and a full scratch would fail the index."""
STAGING_PREFIX = ".portal-search-"


def _scratch(out_dir: Path) -> Path:
    """``SCRATCH`` if usable, else ``out_dir``; leftovers of builds that died are removed first."""
    if not (SCRATCH.is_dir() and os.access(SCRATCH, os.W_OK | os.X_OK)):
        return out_dir
    space = os.statvfs(SCRATCH)
    if space.f_bavail * space.f_frsize < SCRATCH_FREE:
        return out_dir
    for old in SCRATCH.glob(f"{STAGING_PREFIX}*"):
        pid = old.name.removeprefix(STAGING_PREFIX)
        if pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    return SCRATCH


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def _move(src: Path, dst: Path) -> None:
    """A rename, or a copy when ``src`` is on another file system (the scratch)."""
    try:
        src.rename(dst)
    except OSError as exc:
        if exc.errno != errno.EXDEV:
            raise
        shutil.copytree(src, dst, copy_function=shutil.copyfile)


def _dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


RENAME_ATTEMPTS = 4
"""How often bundles whose page ids clash are indexed again (each clash is ~1 in 2 at 20,000
pages; a second one in the same bundle's new ids is ~1 in 10,000). ``_catalog`` refuses any left."""


def default_workers() -> int:
    """Pagefind services at once: one per core, at most two. Why not more: each holds its bundle
    in memory (``BUNDLE_REPORTS``), and staging the next bundle needs a core of its own share."""
    return max(1, min(2, cores_available()))


def _run_async(make: Callable[[], Coroutine[object, object, T]]) -> T:
    """``asyncio.run``, also when the caller already runs an event loop in this thread (an async
    dev server, Playwright's sync API in tests): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def index_site(site: Site, out_dir: Path, shard_by: ShardKey = shard_by_year, slice_reports: int = SLICE_REPORTS,
               bundle_reports: int = BUNDLE_REPORTS, workers: int | None = None,
               widen: Signal | None = None) -> SearchStats:
    """Write the Pagefind bundles and the catalog under ``out_dir/pagefind``.

    Reports are cut into search slices and packed into bundles (see ``plan_shards``); up to
    ``workers`` Pagefind processes (default ``default_workers()``) build bundles at once, each
    holding its bundle in memory, and the page merges them with ``mergeIndex``. With ``widen``,
    only one runs until ``widen`` is set: the build indexes while it renders, and two services
    beside the render workers would hold more memory than either step alone. Everything is
    written into a staging folder and moved into place at the end, so a failed index leaves the
    previous one whole and no bundle overwrites another."""
    start = time.perf_counter()
    shards = plan_shards(site, shard_by, slice_reports, bundle_reports)
    grouped: dict[Path, list[Shard]] = {}
    for shard in shards:
        grouped.setdefault(shard.bundle, []).append(shard)
    scratch = _scratch(out_dir)
    staging = scratch / f"{STAGING_PREFIX}{os.getpid()}"
    kept = out_dir / f"{STAGING_PREFIX}{os.getpid()}-kept"  # beside the index: moved in by renames
    for folder in (staging, kept):
        shutil.rmtree(folder, ignore_errors=True)
    kept.mkdir(parents=True)
    bundles = [_Bundle(path, members, staging / f"b{i}", kept / f"b{i}")
               for i, (path, members) in enumerate(grouped.items())]
    services = default_workers() if workers is None else workers
    try:
        with PeakRss() as rss:
            _run_async(lambda: _write_bundles(bundles, services, widen))
            for _ in range(RENAME_ATTEMPTS):
                again = _clashing(bundles)
                if not again:
                    break
                for bundle in again:
                    bundle.salt += 1
                _run_async(partial(_write_bundles, again, services))
        shutil.rmtree(out_dir / BUNDLE, ignore_errors=True)
        for bundle in bundles:  # the primary first, as the shard bundles live inside it
            bundle.kept.rename(out_dir / bundle.path)
        index_bytes = _dir_bytes(out_dir / BUNDLE)
        (out_dir / DATA_DIR).mkdir(parents=True, exist_ok=True)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        shutil.rmtree(kept, ignore_errors=True)
    (out_dir / DATA_DIR / CATALOG_NAME).write_text(
        json.dumps(_catalog(site, shards, (b.urls for b in bundles)), ensure_ascii=False, separators=(",", ":")),
        encoding="utf-8")
    return SearchStats(
        records=sum(len(s.records) for s in shards), reports=len(site.reports), bundles=len(bundles),
        tokens=sum(b.tokens for b in bundles), index_bytes=index_bytes, seconds=time.perf_counter() - start,
        peak_rss_mb=rss.peak_kb / 1024, shards={s.key: len(s.records) for s in shards},
    )
