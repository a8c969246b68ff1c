"""What search indexes: the records (a report, agency or year page and the catalog row the result
list shows), the documents they index, and how they are cut into search slices and Pagefind bundles.

Pure: nothing here writes a file or runs Pagefind (``portal.searchbundles`` does).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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

    def source(self) -> str:
        """What the search cache hashes for this record (``searchcache.bundle_key``): its document
        (an agency's or a year's: a few names)."""
        return self.make_document()

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
BUNDLE_REPORTS = 420
"""Reports per Pagefind bundle, at most (``searchcuts``: about 340 on average), and so per search
slice. Why this size: Pagefind re-indexes a whole bundle when one of its reports changes (~0.2 s +
~3.6 ms a report), and one Pagefind process holds its bundle in memory, so smaller bundles make a
one-report publish and the build's peak memory smaller; a query downloads its words' chunks from
every bundle it searches, so more bundles cost a whole answer more bytes. The first results come
from the primary bundle alone (a slice never spans two bundles: ``plan_shards``), so a reader's
first results do not wait for that. The figures behind it are in docs/performance.md ("Slices cut
from bundles", "Search bundles: memory against bytes", "Content-defined bundles")."""
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


def _bundle_names(keys: Sequence[str], bundle_reports: int) -> list[Path]:
    """Each report's bundle (``keys``: the reports' stable keys in search order), cut at
    content-defined boundaries (``searchcuts``): the primary ``pagefind/`` first, then
    ``pagefind/shard-<name>/``, named by a short hash of its first report, so that a bundle whose
    reports did not change keeps its name and its bytes."""
    bundles: list[Path] = []
    taken: set[str] = set()
    for length in Cuts(max(1, bundle_reports), BUNDLE_SALT).lengths(keys):
        first = keys[len(bundles)]
        name = BUNDLE if not bundles else BUNDLE / f"shard-{short_name(first, BUNDLE_SALT, taken)}"
        bundles += [name] * length
    return bundles


def plan_shards(site: Site, shard_by: ShardKey = shard_by_year, bundle_reports: int = BUNDLE_REPORTS) -> list[Shard]:
    """The agency and year pages, then the reports grouped by ``shard_by``, descending (newest year
    first), each group in agency order; cut in that order into bundles of at most
    ``bundle_reports`` (``_bundle_names``); and each bundle's part of a group is one search slice.

    Why a slice never spans two bundles: the page searches slice after slice and shows each one's
    results as they come, merging the other bundles only when it reaches a slice outside the
    primary one, so the first slices' results need the primary bundle's chunks alone. A group in
    one slice is named by its key (``2023``); a part of a group by the key and a short name of its
    first report (``2023.3f9a0c``), so that its name depends only on its own bundle's reports (a
    stored bundle keeps its records' ``shard`` filter and catalog rows). Why content-defined:
    adding or deleting a report re-indexes the bundle that holds it (rarely one or two more), not
    every bundle after it."""
    pages: list[AnyRecord] = [agency_record(a) for a in site.agencies]
    pages += [year_record(y) for y in site.years]
    shards = [Shard(PAGES_SHARD, BUNDLE, pages)]
    groups: dict[str, list[Report]] = {}
    for report in sorted(site.reports, key=lambda r: r.agency.slug):
        groups.setdefault(shard_by(report), []).append(report)
    ordered = [(group, report) for group in sorted(groups, reverse=True) for report in groups[group]]
    keys = [stable_key(r) for _, r in ordered]
    bundles = _bundle_names(keys, bundle_reports)
    held: dict[str, set[Path]] = {}
    for (group, _), bundle in zip(ordered, bundles, strict=True):
        held.setdefault(group, set()).add(bundle)
    split = {group for group, holding in held.items() if len(holding) > 1}
    taken: dict[str, set[str]] = {}
    current: tuple[str, Path] | None = None
    for (group, report), key, bundle in zip(ordered, keys, bundles, strict=True):
        if current != (group, bundle):
            current = (group, bundle)
            name = f"{group}.{short_name(key, SLICE_SALT, taken.setdefault(group, set()))}" if group in split else group
            shards.append(Shard(name, bundle, []))
        shards[-1].records.append(ReportRecord(report, shards[-1].key))
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
