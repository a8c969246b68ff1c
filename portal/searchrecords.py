"""What search indexes: the records (a report, agency or year page and the catalog row the result
list shows), the documents they index, and how they are cut into search slices and Pagefind bundles.

Pure: nothing here writes a file or runs Pagefind (``portal.searchbundles`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache, cached_property, partial
from pathlib import Path

from .model import Agency, Report, Site, Year, report_url
from .searchcuts import Cuts, short_name
from .searchtext import LABEL_TABLES, TABLE_LABELS, label_lines, report_names, searchable_text
from .searchtokens import CODE_WIDTH, CODES, coded

BUNDLE = Path("pagefind")
"""Everything search writes lives under ``/pagefind/`` (the folder the build keeps between dev
rebuilds): the primary Pagefind bundle, shard bundles ``shard-<name>/``, and ``portal/`` with the
catalog. (The text shards are rendered beside their report pages: ``portal.searchtext``.)"""



def table_mask(report: Report) -> int:
    """Which tables the report has: bit *i* for ``LABEL_TABLES[i]``."""
    present = report.present_tables  # not its data: a stored report's is read only when asked (``storedreports``)
    return sum(1 << i for i, table in enumerate(LABEL_TABLES) if table in present)


@cache
def label_pieces(mask: int) -> frozenset[str]:
    """Every piece (whole characters) of every run of the labels of the tables in ``mask``, coded.

    Why: a report's source text prints its tables, so a good share of its characters are runs
    of table labels (本年新收政府信息公开申请数量, 行政许可 …). The page finds every run of a
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
            for run in TABLE_LABELS[table].translate(CODES).split("\n"):
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

    Why not the labels: they were a large share of a report's tokens (docs/performance.md),
    identical for every report that has the table, so they cost Pagefind time and memory in every report and
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
    a copy of the report's text, and the index process would hold every report's for the whole run."""
    meta: dict[str, str]
    row: list[object]
    """Catalog row, by place-free names (``Row``): ``catalog`` turns the agency's slug and the slice's
    key into their positions, so a stored bundle's rows stay right when agencies or slices are added."""
    tables: int = 0  # a report's table mask: the pieces of their labels are not indexed
    made_from: Callable[[], str] | None = None
    """What the document is made from, when that is cheaper to hash than the document itself (a
    report's text and names): the search cache's key (``searchcache``). None: the document."""
    origin: Path | None = None
    """The report file (YAML) whose bytes and source text's bytes the document is made from, with
    what ``meta`` holds: the search cache keys a record by their hashes, known from loading,
    instead of hashing ``made_from`` (``searchcache.bundle_key``). None: not a report's record."""

    def source(self) -> str:
        return (self.made_from or self.make_document)()

    @property
    def body(self) -> str:
        return indexed_body(self.make_document(), self.tables)


@dataclass(frozen=True)
class ReportRecord:
    """A report's record, made from the report only when a bundle is staged or its rows are needed.

    Why lazy: planning the cuts and keying the bundles reads only the report's slug, year and file
    (``searchcache.bundle_key``); making every record's meta, row and table mask touched each of
    20,000 reports after every one-report edit, in a forked child where every object touched is
    copied (figures in docs/performance.md)."""

    report: Report
    slice_key: str  # the ``shard`` filter of its slice, the catalog's name for the slice

    @property
    def url(self) -> str:
        return report_url(self.report.agency.slug, self.report.year)

    @property
    def origin(self) -> Path:
        return self.report.yaml_path

    @cached_property
    def tables(self) -> int:
        return table_mask(self.report)

    @property
    def meta(self) -> dict[str, str]:
        a = self.report.agency
        return {"title": self.report.title, "agency": a.name, "year": str(self.report.year),
                "jurisdiction": a.jurisdiction_label, "kind": a.kind}

    @property
    def row(self) -> list[object]:
        report, a = self.report, self.report.agency
        default_title = f"{a.name}{report.year}年政府信息公开工作年度报告"
        return ["r", a.slug, report.year, self.slice_key, self.tables] \
            + ([] if report.title == default_title else [report.title])

    def make_document(self) -> str:
        return indexed_document(self.report)

    def source(self) -> str:
        """Everything ``indexed_document`` reads of a report (the rest is code): its text (the source
        file), its title (the YAML file) and its agency's name (the registry, also in the meta)."""
        return f"{self.report.text}\0{report_names(self.report)}"

    @property
    def body(self) -> str:
        return indexed_body(self.make_document(), self.tables)


AnyRecord = Record | ReportRecord


def agency_record(agency: Agency) -> Record:
    return Record(agency.url, partial(agency_document, agency),
                  {"title": agency.name, "agency": agency.name, "jurisdiction": agency.jurisdiction_label,
                   "kind": agency.kind}, ["a", agency.slug])


def year_record(year: int) -> Record:
    return Record(Year(year).url, partial(year_document, year), {"title": f"{year}年度报告", "year": str(year)},
                  ["y", year])


ShardKey = Callable[[Report], str]


def shard_by_year(report: Report) -> str:
    return str(report.year)


def shard_by_province(report: Report) -> str:
    return report.agency.jurisdiction[0] if report.agency.jurisdiction else "none"


PAGES_SHARD = "pages"
SLICE_REPORTS = 720
"""Reports per search slice, at most (``searchcuts``: about 580 on average). Pagefind's exact-phrase
search costs (result pages) × (postings of the phrase): the page searches slice after slice (a
``shard`` filter), newest year first, so the first results show after one slice's work, not the
whole index's."""
BUNDLE_REPORTS = 840
"""Reports per Pagefind bundle, at most (``searchcuts``: about 680 on average). A query downloads
its words' chunks from every bundle, so fewer bundles mean fewer bytes; but one Pagefind process
holds its bundle in memory, so bundles bound the memory of indexing at any corpus size and let two
processes index at once. This value trades a service's memory against a first query's bytes: the
figures behind it are in docs/performance.md ("Search bundles: memory against bytes", "Search:
the figures behind the index's design" and "Content-defined bundles")."""
NEWEST_BUNDLE_REPORTS = BUNDLE_REPORTS
"""Reports per bundle, at most, in the first group of the search order (the newest year), cut on
its own when smaller than ``BUNDLE_REPORTS``: where a season's edits and adds land (reports for a
year are published January to March of the next), and Pagefind's cost follows the bundle (~0.2 s
+ ~3.6 ms a report). Off (equal: one cut for all) because at 420 the 5,000-report full build's
peak memory rose from 1.12 to 1.27 GiB and a deep link's first results waited for three times the
bytes, for an edit's index child of 2.5 s of CPU instead of ~3.4 s (an 840-report bundle; figures in
docs/performance.md, "The index child after a one-report edit")."""
SLICE_SALT, BUNDLE_SALT = "slice", "bundle"


@dataclass(frozen=True)
class Shard:
    """A slice of the records that the page searches in one go, and the bundle that holds it."""

    key: str  # the value of every record's ``shard`` filter
    bundle: Path  # relative to out_dir
    records: list[AnyRecord]


def stable_key(report: Report) -> str:
    """What a report's place in the cuts is decided by: it never changes while the report exists."""
    return f"{report.agency.slug}/{report.year}"


def _slices(site: Site, shard_by: ShardKey, slice_reports: int) -> Iterator[tuple[str, str, list[Report]]]:
    """Reports grouped by key, descending (newest year first), each group in agency order cut into
    content-defined parts (``searchcuts``). A group in one part is named by its key (``2023``); a
    part of a group by the key and a short name of its first report (``2023.3f9a0c``), so that the
    other parts keep their names, hence their records' ``shard`` filter, when one part changes.
    Yields the group's key, the slice's key and its reports."""
    groups: dict[str, list[Report]] = {}
    for report in sorted(site.reports, key=lambda r: r.agency.slug):
        groups.setdefault(shard_by(report), []).append(report)
    cuts = Cuts(slice_reports, SLICE_SALT)
    for key in sorted(groups, reverse=True):
        group, taken = groups[key], set[str]()
        lengths = cuts.lengths([stable_key(r) for r in group])
        start = 0
        for length in lengths:
            part = group[start:start + length]
            name = key if len(lengths) == 1 else f"{key}.{short_name(stable_key(part[0]), SLICE_SALT, taken)}"
            yield key, name, part
            start += length


def plan_shards(site: Site, shard_by: ShardKey = shard_by_year, slice_reports: int = SLICE_REPORTS,
                bundle_reports: int = BUNDLE_REPORTS, newest_reports: int = NEWEST_BUNDLE_REPORTS) -> list[Shard]:
    """Slices in search order — agency and year pages, then reports by ``shard_by`` — cut in that
    order into bundles of at most ``bundle_reports`` at content-defined boundaries (``searchcuts``):
    the primary ``pagefind/`` first, then ``pagefind/shard-<name>/``, named by a short hash of its
    first report, so that a bundle whose reports did not change keeps its name and its bytes. The
    first group (the newest year) is cut on its own, into bundles of at most ``newest_reports``,
    when that is smaller and the reports fill more than one bundle: where edits land, a smaller
    bundle is indexed again.

    Why bundles are not whole slices: a query fetches index chunks from every bundle, so bytes
    per query grow with the number of bundles; packing whole slices into bundles left one slice a
    bundle, half as many bundles again as needed. A slice split between two bundles is
    two ``Shard`` entries with the same key; the page searches each key once. Why content-defined:
    adding or deleting a report re-indexes the bundle that holds it (rarely one or two more), not
    every bundle after it."""
    pages: list[AnyRecord] = [agency_record(a) for a in site.agencies]
    pages += [year_record(y) for y in site.years]
    shards = [Shard(PAGES_SHARD, BUNDLE, pages)]
    ordered = [(group, key, report) for group, key, part in _slices(site, shard_by, max(1, slice_reports))
               for report in part]
    keys = [stable_key(r) for _, _, r in ordered]
    newest = sum(1 for group, _, _ in ordered if group == ordered[0][0]) if ordered else 0
    bundles: list[Path] = []
    taken: set[str] = set()
    if newest_reports >= bundle_reports or len(ordered) <= bundle_reports:
        newest = 0  # one cut for all (a site in one bundle stays in one)
    for length in Cuts(min(newest_reports, bundle_reports), BUNDLE_SALT).lengths(keys[:newest]) \
            + Cuts(bundle_reports, BUNDLE_SALT).lengths(keys[newest:]):
        first = keys[len(bundles)]
        name = BUNDLE if not bundles else BUNDLE / f"shard-{short_name(first, BUNDLE_SALT, taken)}"
        bundles += [name] * length
    for (_, key, report), bundle in zip(ordered, bundles, strict=True):
        if shards[-1].key != key or shards[-1].bundle != bundle:
            shards.append(Shard(key, bundle, []))
        shards[-1].records.append(ReportRecord(report, key))
    return shards


Row = list[object]
"""A catalog row (``describe()`` in search.js): ``["r", agency, year, slice, tables(, title)]``,
``["a", agency]`` or ``["y", year]``."""


def placed_rows(shards: list[Shard], agencies: Sequence[Agency]) -> Callable[[Row], Row]:
    """A record's row (``Record.row``: the agency by slug, the slice by key) → the catalog's (the
    agency's position in ``agencies``, the slice's among the distinct keys of ``shards``, the
    pages first, as the page counts them)."""
    agency_index = {a.slug: i for i, a in enumerate(agencies)}
    slice_index: dict[str, int] = {}
    for shard in shards:
        slice_index.setdefault(shard.key, len(slice_index))

    def place(row: Row) -> Row:
        if row[0] == "r":
            return ["r", agency_index[row[1]], row[2], slice_index[row[3]], *row[4:]]  # type: ignore[index]
        if row[0] == "a":
            return ["a", agency_index[row[1]]]  # type: ignore[index]
        return row

    return place
