"""Page contexts: what each kind of page shows, as a frozen dataclass, and how it is computed.

Templates never assemble paths or compute numbers: objects own their URLs (``model``), the key
figures come with their provenance (``figures``), and the statistics tables arrive laid out
(``formtables``). Which page goes where is the site map's business (``sitemap``): it builds each
page's ``Meta`` and names the function here that makes its context, called when the page is
rendered, not when it is listed.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from . import form
from .charts import Series, bar_chart
from .checks import FAIL, RULES, UNKNOWN, Check, summarize
from .feedentries import FEED_NEWEST
from .figures import FIGURES_BY_KEY, HEADLINE, KEY_FIGURES, NARRATIVE, YEAR_COLUMNS, Figure, Total, Value, change, total
from .formtables import TableView, table_views
from .jurisdictions import Jurisdiction
from .model import Agency, NarrativeFigure, Report, Site, Year, report_url
from .provenance import Provenance, provenance
from .render import render_markdown
from .ruleviews import RuleResult, TraceView, rule_results, site_rule_results, trace_view
from .searchtext import text_shard
from .similarity import Changes, Similarity, changed_markup
from .sitecache import SiteCache
from .text import Block, TocEntry, block_of, blocks_of, toc

# ---------------------------------------------------------------- page contexts


@dataclass(frozen=True)
class Meta:
    """What every page has: title, canonical URL, description, and the nav item it belongs to."""

    title: str
    url: str
    description: str
    section: str  # a key of NAV
    breadcrumbs: tuple[tuple[str, str], ...] = ()  # (label, url) from the home page down
    og_type: str = "website"
    indexable: bool = True  # listed in sitemap.xml



@dataclass(frozen=True)
class Footnote:
    """A numbered note under a table: a narrative quote (with a link to it) or why data is missing."""

    number: int
    text: str
    quote: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class YoyCell:
    value: Value
    change: str | None
    footnote: int | None
    report: Report | None


@dataclass(frozen=True)
class YoyRow:
    figure: Figure
    cells: tuple[YoyCell, ...]


@dataclass(frozen=True)
class YoyTable:
    """The agency page's year-over-year table: one column per year, a row per key figure."""

    years: tuple[int, ...]
    reports: tuple[Report | None, ...]
    rows: tuple[YoyRow, ...]
    footnotes: tuple[Footnote, ...]

@dataclass(frozen=True)
class CheckView:
    check: Check
    links: tuple[tuple[str, str], ...]  # (cell path, url of the cell)
    as_printed: bool = False  # a reviewer confirmed the source itself prints these numbers

    @property
    def description(self) -> str:
        return RULES[self.check.rule]


@dataclass(frozen=True)
class Quality:
    """The data-quality box of a report page."""

    missing: tuple[tuple[str, str], ...]  # (table title, reason)
    failing: tuple[CheckView, ...]
    counts: dict[str, int]
    unknown_rules: tuple[str, ...]
    notes: tuple[str, ...]
    draft: bool
    rules: tuple[RuleResult, ...] = ()  # every rule of the registry, with this report's result
    trace: TraceView | None = None  # the table numbers looked for in the source

    @property
    def ok(self) -> bool:
        return not (self.missing or self.failing or self.draft or (self.trace and self.trace.mismatches))

    @property
    def rules_fail(self) -> bool:
        """Whether a rule failed: the rule list is then shown unfolded."""
        return any(r.status == FAIL for r in self.rules)


@dataclass(frozen=True)
class NarrativeView:
    figure: NarrativeFigure
    block: Block | None


@dataclass(frozen=True)
class Download:
    label: str
    url: str
    note: str


@dataclass(frozen=True)
class HomeContext:
    meta: Meta
    counts: tuple[tuple[str, int], ...]
    newest: tuple[Report, ...]
    tree: tuple[Jurisdiction, ...]
    headline: HeadlineTable


@dataclass(frozen=True)
class HeadlineTable:
    """Site-wide totals per year for a few key figures, with coverage."""

    years: tuple[Year, ...]
    reports: tuple[int, ...]
    rows: tuple[tuple[Figure, tuple[Total, ...]], ...]


@dataclass(frozen=True)
class AgencyIndexContext:
    meta: Meta
    tree: tuple[Jurisdiction, ...]
    years_of: dict[str, tuple[Report, ...]]


@dataclass(frozen=True)
class AgencyContext:
    meta: Meta
    agency: Agency
    reports: tuple[Report, ...]
    yoy: YoyTable
    chart: Markup | None
    chart_series: tuple[Series, ...]
    changes: tuple[tuple[Report, Similarity], ...]  # each report against the agency's previous one
    jurisdictions: tuple[Jurisdiction, ...] = ()  # its jurisdiction path, level by level, as pages
    indicators: Any = None  # indicatorpages.AgencyIndicators (imported there: it imports Meta from here)


@dataclass(frozen=True)
class ReportContext:
    meta: Meta
    report: Report
    previous: Report | None
    next: Report | None
    tables: tuple[TableView, ...]
    quality: Quality
    narrative: tuple[NarrativeView, ...]
    blocks: tuple[Block, ...]
    toc: tuple[TocEntry, ...]
    downloads: tuple[Download, ...]
    null_marks: tuple[str, ...]
    provenance: Provenance
    changes: Changes


@dataclass(frozen=True)
class YearRow:
    report: Report
    values: tuple[Value, ...]
    failing: int
    checked: bool  # some check could be decided: 0 failing means "0", not "无法检查"


@dataclass(frozen=True)
class YearContext:
    meta: Meta
    year: Year
    columns: tuple[Figure, ...]
    rows: tuple[YearRow, ...]
    totals: tuple[tuple[Jurisdiction, int, tuple[Total, ...]], ...]  # node, depth, totals
    previous_year: Year | None
    next_year: Year | None
    changes: tuple[tuple[Report, Similarity], ...]  # the year's reports compared with a previous one
    repeating: tuple[tuple[Report, Similarity], ...]  # those that repeat their agency's previous text


@dataclass(frozen=True)
class YearIndexContext:
    meta: Meta
    years: tuple[tuple[Year, int], ...]  # (year, number of reports)


@dataclass(frozen=True)
class DataContext:
    meta: Meta
    downloads: tuple[Download, ...]
    report_fields: tuple[Any, ...]
    table3_fields: tuple[Any, ...]
    licence: dict[str, str]
    reports: tuple[Report, ...]
    indicator_fields: tuple[tuple[str, str, str], ...] = ()  # indicators.csv: (name, Chinese title, description)


@dataclass(frozen=True)
class SimpleContext:
    """Search, 404: pages with nothing but their metadata."""

    meta: Meta


@dataclass(frozen=True)
class ChecksContext:
    """/checks/: the registry of consistency rules, with their results across the site."""

    meta: Meta
    rules: tuple[RuleResult, ...]


@dataclass(frozen=True)
class AboutContext:
    meta: Meta
    body: Markup


@dataclass(frozen=True)
class FeedEntry:
    report: Report
    updated: str


@dataclass(frozen=True)
class FeedContext:
    meta: Meta
    updated: str
    entries: tuple[FeedEntry, ...]
    alternate: str  # the HTML page the feed follows
    newest: int | None = None  # the site's and a jurisdiction's feeds: only the newest so many (``FEED_NEWEST``)


@dataclass(frozen=True)
class SitemapContext:
    meta: Meta
    urls: tuple[str, ...]

def quality(report: Report) -> Quality:
    failing = tuple(
        CheckView(c, tuple((p, _cell_link(report, p)) for p in c.cells), c.rule in report.as_printed)
        for c in report.failing_checks
    )
    unknown = tuple(sorted({c.rule for c in report.checks if c.status == UNKNOWN}))
    missing = tuple((form.TABLE_TITLES[k], v) for k, v in sorted(report.missing_tables.items()))
    return Quality(missing, failing, summarize(report.checks), unknown, report.notes, report.status == "draft",
                   rule_results(report, _cell_link), trace_view(report, form.TABLE_TITLES))


def checks_context(meta: Meta, site: Site) -> ChecksContext:
    return ChecksContext(meta, site_rule_results(site))


def _cell_link(report: Report, path: str) -> str:
    """A failing check's cell: on this page, or on the previous year's report page."""
    if ":" in path:
        year, cell = path.split(":", 1)
        return f"{report_url(report.agency.slug, int(year))}#c-{cell}"
    return f"#c-{path}"


# ---------------------------------------------------------------- agency year-over-year


def yoy_table(reports: Sequence[Report], cache: SiteCache) -> YoyTable:
    """One column per year from the first to the last report (gaps shown as missing reports)."""
    if not reports:
        return YoyTable((), (), (), ())
    by_year = {r.year: r for r in reports}
    years = tuple(range(min(by_year), max(by_year) + 1))
    notes: dict[tuple[str, str | None, str | None], int] = {}

    def footnote(text: str, quote: str | None = None, url: str | None = None) -> int:
        return notes.setdefault((text, quote, url), len(notes) + 1)

    rows = []
    for figure in KEY_FIGURES:
        cells = []
        previous: Value | None = None
        for year in years:
            report = by_year.get(year)
            if report is None:
                value = Value(None, "missing", note="本年度报告未收录", percent=figure.percent)
                cells.append(YoyCell(value, None, footnote("本年度报告未收录"), None))
                previous = None
                continue
            value = cache.value(report)[figure.key]
            if value.source == NARRATIVE:
                block = block_of(cache.blocks(report), value.note or "")
                url = f"{report.url}#{block.id}" if block else report.url
                number = footnote(f"{year}年数字取自报告正文", value.note, url)
            elif not value.known:
                number = footnote(value.note or "原文无此数字")
            else:
                number = None
            delta = change(value, previous) if figure.compare else None
            cells.append(YoyCell(value, delta, number, report))
            previous = value
        rows.append(YoyRow(figure, tuple(cells)))
    footnotes = tuple(Footnote(n, text, quote, url) for (text, quote, url), n in notes.items())
    return YoyTable(years, tuple(by_year.get(y) for y in years), tuple(rows), footnotes)


def agency_chart(agency: Agency, yoy: YoyTable) -> tuple[Markup | None, tuple[Series, ...]]:
    rows = [r for r in yoy.rows if r.figure.chart]
    series = tuple(Series(r.figure.label, tuple(c.value for c in r.cells)) for r in rows)
    if not any(v.known for s in series for v in s.values):
        return None, series
    title = f"{agency.name}：政府信息公开申请的收到与办理（件）"
    return bar_chart(f"chart-{agency.slug}", title, [str(y) for y in yoy.years], series), series


# ---------------------------------------------------------------- year pages and totals


def totals_for(node_reports: Sequence[Report], figures: Sequence[Figure], cache: SiteCache) -> tuple[Total, ...]:
    values = {r.key: cache.value(r) for r in node_reports}
    return tuple(total(f, node_reports, values, cache.share_parts) for f in figures)


def year_totals(year_reports: Sequence[Report], figures: Sequence[Figure], tree: Sequence[Jurisdiction],
                cache: SiteCache) -> tuple[tuple[Jurisdiction, int, tuple[Total, ...]], ...]:
    """A total per jurisdiction level that has reports this year, depth-first."""
    by_slug = {r.agency.slug: r for r in year_reports}
    out: list[tuple[Jurisdiction, int, tuple[Total, ...]]] = []

    def walk(node: Jurisdiction, depth: int) -> None:
        reports = [by_slug[a.slug] for a in node.all_agencies() if a.slug in by_slug]
        if not reports:
            return
        out.append((node, depth, totals_for(reports, figures, cache)))
        for child in node.children:
            walk(child, depth + 1)

    for node in tree:
        walk(node, 0)
    return tuple(out)


def report_text_shard(report: Report, cache: SiteCache) -> bytes:
    return text_shard(report, cache.blocks(report))


def home_context(meta: Meta, site: Site, cache: SiteCache) -> HomeContext:
    return HomeContext(meta, (("机构", len(site.agencies)), ("报告", len(site.reports)), ("年度", len(cache.by_year))),
                       newest_reports(site.reports), cache.tree, headline(cache))


def agency_context(meta: Meta, agency: Agency, reports: tuple[Report, ...], cache: SiteCache) -> AgencyContext:
    from .indicatorpages import agency_indicators

    yoy = yoy_table(reports, cache)
    chart, series = agency_chart(agency, yoy)
    lineage = cache.site.jurisdictions.lineage(agency.jurisdiction)
    changes = tuple((r, cache.similarity(r)) for r in reports)
    return AgencyContext(meta, agency, reports, yoy, chart, series, changes, lineage,
                         agency_indicators(agency, reports))


def year_context(meta: Meta, year: Year, previous: Year | None, following: Year | None,
                 cache: SiteCache) -> YearContext:
    columns = tuple(FIGURES_BY_KEY[k] for k in YEAR_COLUMNS)
    year_reports = cache.by_year[year.number]
    rows = tuple(YearRow(r, tuple(cache.value(r)[c.key] for c in columns), *cache.checked(r))
                 for r in year_reports)
    compared = tuple((r, s) for r in year_reports if (s := cache.repeats(r)).share is not None)
    return YearContext(meta, year, columns, rows, year_totals(year_reports, columns, cache.tree, cache),
                       previous, following, compared, tuple((r, s) for r, s in compared if s.repeats))


def data_context(meta: Meta, site: Site) -> DataContext:
    from .export import LICENCE, indicator_columns, indicator_title, report_columns, table3_columns

    labels = tuple((c.name, indicator_title(c), c.description) for c in indicator_columns())
    return DataContext(meta, DATA_DOWNLOADS, report_columns(), table3_columns(), LICENCE, site.reports, labels)


DATA_DOWNLOADS = (
    Download("全部报告（JSON）", "/data/reports.json",
             "每份报告的全部字段：表格、正文数字与原句、缺表原因、检查结果。"),
    Download("主要数字（CSV）", "/data/reports.csv",
             "每份报告一行，列名即数据字段名；空格表示原文没有该数字。"),
    Download("表三明细（CSV）", "/data/table3.csv", "每份报告表三的每一行，七列申请人数字。"),
    Download("收录与按期发布（CSV）", "/data/coverage.csv",
             "每个机构每个年度一行：是否收录、是否按期发布、逾期天数（说明见“按期发布情况”页）。"),
    Download("指标（CSV）", "/data/indicators.csv",
             "每份报告一行：八项指标的数值、分子、分母和为空的原因；中文列名见 datapackage.json 和指标页。"),
    Download("与上一份报告相比（CSV）", "/data/text_changes.csv",
             "每份报告一行：正文与本机关上一份报告相同的句子数与比例，是否重复上年文字。"),
    Download("拒绝理由（JSON）", "/data/reasons.json",
             "每份有表三的报告：不予公开、无法提供、不予处理各项理由的件数，附机构、地区与类型（“拒绝理由”页的数据）。"),
    Download("比较页索引（JSON）", "/data/compare.json",
             "“比较”页读取的机构与年度索引、表格行与指标的说明；各报告的数字在其 report.json 中。"),
    Download("数据包说明（datapackage.json）", "/data/datapackage.json",
             "Frictionless Data Package：各文件的字段、类型与许可。"),
)

MISSING_ABOUT = "# 关于本站\n\n（content/pages/about.md 尚未编写。）\n"


def about_context(meta: Meta, markdown: str | None) -> AboutContext:
    return AboutContext(meta, render_markdown(markdown or MISSING_ABOUT))


def year_index_context(meta: Meta, years: Sequence[Year], cache: SiteCache) -> YearIndexContext:
    return YearIndexContext(meta, tuple((y, len(cache.by_year[y.number])) for y in years))


def agency_index_context(meta: Meta, site: Site, cache: SiteCache) -> AgencyIndexContext:
    return AgencyIndexContext(meta, cache.tree, {a.slug: site.reports_of(a.slug) for a in site.agencies})



def newest_reports(reports: Sequence[Report], limit: int = 10) -> tuple[Report, ...]:
    """By publication date, newest first; undated reports after dated ones of the same year."""
    return tuple(sorted(
        reports,
        key=lambda r: (r.year, r.published or dt.date.min, r.agency.slug),
        reverse=True,
    )[:limit])


def headline(cache: SiteCache) -> HeadlineTable:
    figures = [FIGURES_BY_KEY[k] for k in HEADLINE]
    years = tuple(cache.by_year)
    per_year = [totals_for(cache.by_year[y], figures, cache) for y in years]
    rows = tuple((f, tuple(per_year[j][i] for j in range(len(years)))) for i, f in enumerate(figures))
    return HeadlineTable(tuple(Year(y) for y in years), tuple(len(cache.by_year[y]) for y in years), rows)


def report_context(meta: Meta, site: Site, report: Report, cache: SiteCache, base_url: str) -> ReportContext:
    blocks = cache.blocks(report)
    null_marks = tuple(sorted({m or "（空白）" for m in report.cells.values()}))
    original = () if report.original_url is None else (
        Download(f"原始文件（{report.original_url.rsplit('.', 1)[-1].upper()}）", report.original_url,
                 "获取时的原件，未作任何改动。"),)
    return ReportContext(
        meta, report, site.previous(report), site.next(report), table_views(report), quality(report),
        tuple(map(NarrativeView, report.narrative, blocks_of(blocks, [n.quote for n in report.narrative]))),
        blocks, toc(blocks),
        (
            *original,
            Download("原文（TXT）", report.source_url, "报告原文，逐字节照录。"),
            Download("结构化数据（YAML）", report.yaml_url, "本站整理的数据文件，即内容库中的原文件。"),
            Download("结构化数据（JSON）", report.json_url, "同上，JSON 格式，含一致性检查结果。"),
        ),
        null_marks, provenance(report, base_url), report_changes(report, cache),
    )


def report_changes(report: Report, cache: SiteCache) -> Changes:
    """The share of last year's sentences and this year's new ones marked; nothing marked in an
    agency's first report, which has nothing to be new against."""
    similarity, previous = cache.similarity(report), cache.earlier(report)
    if previous is None:
        return Changes(similarity, {})
    return Changes(similarity, changed_markup(cache.blocks(report), report.sentences, frozenset(previous.sentences)))


def feed_context(meta: Meta, site: Site) -> FeedContext:
    return reports_feed_context(meta, site.reports, "/", FEED_NEWEST)


def reports_feed_context(meta: Meta, reports: Iterable[Report], alternate: str,
                         newest: int | None = None) -> FeedContext:
    """Atom entries for dated reports, newest first (by date, then URL), all or the ``newest`` so many; 'updated'
    from the content, not the clock. The site's, an agency's, a jurisdiction's: ``alternate`` the page it follows."""
    dated, order = (r for r in reports if r.published), (lambda r: (r.published, r.url))  # sorted or picked
    chosen = sorted(dated, key=order, reverse=True) if newest is None else heapq.nlargest(newest, dated, key=order)
    entries = tuple(FeedEntry(r, f"{r.published.isoformat()}T00:00:00+08:00") for r in chosen if r.published)
    return FeedContext(meta, entries[0].updated if entries else "2000-01-01T00:00:00+08:00", entries, alternate, newest)
