"""The site map: every file of the site, in one function. Reading ``site_map`` is reading the
site's whole URL layout.

Each ``Output`` owns its URL, its output path (``url_to_path``, the one place a URL becomes a
file), what it is made from (one agency's registry entry and reports, or the whole site) and how
its bytes are produced. Listing is cheap: a page's context is built when the page is rendered,
and producers run one at a time while writing, so the HTML of thousands of reports is never held
in memory at once. The build writes every output; the dev server writes the outputs made from
the agencies a save touched (``Output.agency``), then the site-wide ones.

    /data/reports.json  reports.csv  table3.csv  datapackage.json     site-wide downloads
    /data/indicators.csv                                                the indicators, one row a report
    /data/text_changes.csv                                              what changed since last year
    /reports/<slug>/<year>/report.json  report.yaml  source.txt         a report's downloads
    /reports/<slug>/<year>/original.<ext>                               the file as retrieved, when kept
    /                                                                   home
    /agencies/   /agencies/<slug>/                                      agencies
    /reports/<slug>/<year>/   …/text.json                               a report, its search text
    /years/   /years/<year>/                                            years
    /jurisdictions/   /jurisdictions/<slug>/   …/feed.xml               jurisdictions: agencies, coverage
    /agencies/<slug>/feed.xml                                           an agency's reports (Atom)
    /coverage/   /data/coverage.csv                                     who published, on time or late
    /indicators/   /indicators/<key>/<year>/                            indicators, rankings by peer group
    /compare/   /reasons/   /data/compare.json  reasons.json            side by side; refusal reasons
    /data/   /search/   /about/   /checks/   /404.html                  the other pages
    /feed.xml   /sitemap.xml   /robots.txt                              for machines
    /static/<name>.<hash>.<ext>                                         assets, cached for a year
    /.portal-site                                                       the marker of a built site
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import jinja2

from .buildcache import FACTS
from .comparepages import (
    COMPARE_INDEX_URL,
    REASONS_DATA_URL,
    compare_context,
    compare_index,
    reasons_context,
    reasons_json,
)
from .coverage import COVERAGE_CSV_URL, COVERAGE_URL
from .downloads import (
    coverage_csv,
    indicators_csv,
    reports_csv,
    reports_json,
    table3_csv,
    text_changes_csv,
)
from .export import datapackage, report_json
from .fragments import FragmentStore
from .indicatorpages import indicators_context, ranking_context, ranking_url
from .indicators import INDICATORS
from .jurisdictionpages import (
    coverage_context,
    jurisdiction_context,
    jurisdiction_feed_context,
    jurisdiction_index_context,
    jurisdiction_meta,
)
from .jurisdictions import INDEX_URL as JURISDICTIONS_URL
from .model import Report, Site
from .output import MARKER, MARKER_TEXT, Bytes
from .pageinputs import CHECKS, COVERAGE, HOME, LISTING, REASONS, page_key, year_page
from .pages import (
    Meta,
    SimpleContext,
    SitemapContext,
    about_context,
    agency_context,
    agency_index_context,
    checks_context,
    data_context,
    feed_context,
    home_context,
    report_context,
    report_text_shard,
    reports_feed_context,
    year_context,
    year_index_context,
)
from .render import DEFAULT_BASE_URL, SITE_NAME, SITE_TAGLINE, make_env, render_page, static_files
from .searchtext import text_shard_url
from .settings import ranking_min_denominator
from .sitecache import SiteCache

ABOUT_PAGE = Path("pages") / "about.md"
"""The about page's prose, relative to the content folder."""

PAGE, DOWNLOAD, TEXT, STATIC = "page", "download", "text", "static"
"""What an output is: a templated page, a data download, a report's search text, an asset (or the
marker)."""


def url_to_path(url: str) -> str:
    """'/agencies/x/' → 'agencies/x/index.html'; '/feed.xml' → 'feed.xml'."""
    path = url.lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


@dataclass(frozen=True)
class Output:
    """One file of the site."""

    url: str
    path: str  # site-relative output path: ``url_to_path(url)``
    kind: str  # PAGE | DOWNLOAD | TEXT | STATIC
    agency: str | None
    """The agency whose registry entry and reports alone it is made from (a report is compared
    only with the same agency's other years); None: made from the whole site."""
    produce: Callable[[], Bytes]
    made_from: frozenset[str] | None = None
    """For a site-wide output, finer: the keys of what it is made from besides the registry and the
    list of years (``year:<n>``: that year's reports), for the incremental build; None: everything."""

    @property
    def site_download(self) -> bool:
        """A site-wide data download (every field of every report): the largest files to produce,
        and ones no page shows, so the dev server writes them after the reload."""
        return self.kind == DOWNLOAD and self.agency is None


def output(url: str, kind: str, agency: str | None, produce: Callable[[], Bytes], *,
           made_from: frozenset[str] | None = None) -> Output:
    return Output(url, url_to_path(url), kind, agency, produce, made_from)


def site_map(site: Site, *, base_url: str = DEFAULT_BASE_URL, env: jinja2.Environment | None = None,
             static: dict[str, tuple[str, Path]] | None = None, cache: SiteCache | None = None,
             fragments: FragmentStore | None = None, agencies: Callable[[str], bool] | None = None) -> list[Output]:
    """Every output of the site, in a stable order; see the module docstring for the layout.

    ``agencies`` (an incremental build): list the outputs made from one agency (``Output.agency``)
    only for the agencies it accepts, every site-wide one still (listing 100,000 outputs to render
    50 was a tenth of a one-report publish at 20,000 reports); sitemap.xml still names every page.

    The order matters for speed only: the site-wide downloads first (the longest tasks), and an
    agency's page followed by its reports' pages, each with its text shard, so neighbours, which
    parse the same reports' text (``SiteCache.blocks``), are written by the same render worker."""
    cache = cache or SiteCache(site)
    static = static if static is not None else static_files()
    env = env or make_env(base_url, static)
    out: list[Output] = []
    indexable: list[str] = []  # what sitemap.xml lists

    def page(template: str, meta: Meta, make: Callable[..., Any], *args: Any, agency: str | None = None,
             made_from: frozenset[str] | None = None) -> None:
        """The page whose context is ``make(meta, *args)``, built when it is rendered."""
        if meta.indexable:
            indexable.append(meta.url)
        out.append(output(meta.url, PAGE, agency, partial(render_page, env, template, partial(make, meta, *args)),
                          made_from=made_from))

    # the site-wide downloads, then each report's own three
    # (``fragments``, an incremental build: each assembled from the unchanged agencies' stored bytes)
    out.append(output("/data/reports.json", DOWNLOAD, None, lambda: reports_json(site, fragments)))
    out.append(output("/data/reports.csv", DOWNLOAD, None, lambda: reports_csv(site, fragments)))
    out.append(output("/data/table3.csv", DOWNLOAD, None, lambda: table3_csv(site, fragments)))
    out.append(output("/data/datapackage.json", DOWNLOAD, None, lambda: datapackage(site, base_url)))
    out.append(output("/data/indicators.csv", DOWNLOAD, None, lambda: indicators_csv(site, fragments)))
    out.append(output("/data/text_changes.csv", DOWNLOAD, None,
                      lambda: text_changes_csv(site, cache.similarity, fragments)))
    listed = (lambda slug: True) if agencies is None else agencies
    for report in site.reports:
        if listed(report.agency.slug):
            out += report_downloads(report)

    # /  — what the portal is, counts, newest reports, agencies by jurisdiction, headline figures
    page("home.html", Meta(
        SITE_NAME, "/", f"{SITE_TAGLINE}：表格数字、正文摘录与一致性检查，可按机构和年度比较、下载。", "home",
    ), home_context, site, cache, made_from=frozenset({page_key(HOME)}))  # what it reads: ``pageinputs``

    # /agencies/, then each agency's page followed by its reports' pages and their search texts
    listing = frozenset({page_key(LISTING)})  # made from which reports there are (``pageinputs``)
    page("agencies.html", Meta(
        "机构", "/agencies/", "按行政区划列出的全部机构及其年度报告。", "agencies", (("首页", "/"),),
    ), agency_index_context, site, cache, made_from=listing)
    for agency in site.agencies:
        reports = site.reports_of(agency.slug)
        if not listed(agency.slug):  # not listed: the pages below (all indexable) named for sitemap.xml only
            indexable += [agency.url, *(r.url for r in reports)]
            continue
        page("agency.html", Meta(
            agency.name, agency.url,
            f"{agency.name}（{agency.jurisdiction_label}）历年政府信息公开工作年度报告与主要数字。",
            "agencies", (("首页", "/"), ("机构", "/agencies/")), "profile",
        ), agency_context, agency, reports, cache, agency=agency.slug)
        for report in reports:
            page("report.html", Meta(
                report.title, report.url,
                f"{agency.name}{report.year}年政府信息公开工作年度报告：原文全文、统计表格与数据检查。",
                "agencies", (("首页", "/"), ("机构", "/agencies/"), (agency.name, agency.url)), "article",
            ), report_context, site, report, cache, base_url, agency=agency.slug)
            out.append(output(text_shard_url(report), TEXT, agency.slug, partial(report_text_shard, report, cache)))

    # /years/ and /years/<year>/
    years = site.year_pages
    page("years.html", Meta("年度", "/years/", "按统计年度比较各机构的报告。", "years", (("首页", "/"),)),
         year_index_context, years, cache, made_from=listing)
    for i, year in enumerate(years):
        page("year.html", Meta(
            f"{year}年度", year.url, f"{year}年度各机构政府信息公开工作年度报告的主要数字对比与合计。",
            "years", (("首页", "/"), ("年度", "/years/")),
        ), year_context, year, years[i - 1] if i > 0 else None, years[i + 1] if i + 1 < len(years) else None,
            cache, made_from=frozenset({page_key(year_page(year.number))}))

    # /jurisdictions/, each level of the registry's jurisdiction paths with its Atom feed, each agency's
    # feed, and /coverage/: a jurisdiction is made from the agencies at and under it (its page also from
    # the years and the newest publication date its agencies' coverage reads: ``FACTS``)
    jurisdictions = site.jurisdictions
    page("jurisdictions.html", Meta("行政区划", JURISDICTIONS_URL, "按行政区划浏览机构、报告与按期发布情况。",
                                    "agencies", (("首页", "/"),)), jurisdiction_index_context, jurisdictions, site)
    for place in jurisdictions:
        meta = jurisdiction_meta(place, jurisdictions)
        under = frozenset(a.slug for a in place.all_agencies())
        page("jurisdiction.html", meta, jurisdiction_context, place, cache, made_from=under | {FACTS})
        page("feed.xml", feed_meta(place.label, place.feed_url), jurisdiction_feed_context, place, site,
             made_from=under)
    for agency in filter(lambda a: listed(a.slug), site.agencies):
        page("feed.xml", feed_meta(agency.name, agency.feed_url), reports_feed_context, site.reports_of(agency.slug),
             agency.url, agency=agency.slug)
    page("coverage.html", Meta("按期发布情况", COVERAGE_URL, "各机构各年度报告是否收录、是否在法定期限内发布。",
                               "agencies", (("首页", "/"), ("行政区划", JURISDICTIONS_URL))), coverage_context, cache,
         made_from=frozenset({page_key(COVERAGE), FACTS}))
    out.append(output(COVERAGE_CSV_URL, DOWNLOAD, None, lambda: coverage_csv(site, fragments),
                      made_from=frozenset({page_key(COVERAGE), FACTS})))

    # /indicators/ and /indicators/<key>/<year>/ — every indicator's formula and spread, its rankings
    minimum = ranking_min_denominator(site.content_dir)
    page("indicators.html", Meta(
        "指标", "/indicators/", "实质公开率、不予公开率等八项指标的公式、口径与各年度机构间分布。", "indicators",
        (("首页", "/"),),
    ), indicators_context, cache, minimum,
        made_from=frozenset(f"ranked:{year.number}" for year in years))  # every year's indicator values
    for indicator in INDICATORS:
        for year in years:
            page("ranking.html", Meta(
                f"{indicator.title}：{year}年度排名", ranking_url(indicator.key, year),
                f"{year}年度各机构{indicator.title}，按同级同类机构分组排名，附分子、分母与来源单元格。", "indicators",
                (("首页", "/"), ("指标", "/indicators/")),
            ), ranking_context, indicator, year.number, cache, minimum,
                made_from=frozenset({f"ranked:{year.number}"}))  # that year's indicators (``buildcache.ranked``)

    # /compare/ (reports side by side, chosen in the query string: compare.js reads compare.json and each
    # report.json) and /reasons/ (refusal reasons per year; reasons.js filters over reasons.json)
    out.append(output(COMPARE_INDEX_URL, DOWNLOAD, None, lambda: compare_index(site), made_from=listing))
    out.append(output(REASONS_DATA_URL, DOWNLOAD, None, lambda: reasons_json(site, cache),
                      made_from=frozenset({page_key(REASONS)})))
    page("compare.html", Meta(
        "比较", "/compare/", "选择两到四个机构（或一个机构的几个年度），并排比较表二至表四、指标与趋势。", "compare",
        (("首页", "/"),),
    ), compare_context)
    page("reasons.html", Meta(
        "拒绝理由", "/reasons/", "各年度不予公开、无法提供、不予处理的各项理由：件数与占比，可按地区和机构类型筛选。",
        "compare", (("首页", "/"), ("比较", "/compare/")),
    ), reasons_context, site, cache, made_from=frozenset({page_key(REASONS)}))

    # /data/ — downloads, licence, how to cite
    page("data.html", Meta(
        "数据下载", "/data/", "全部报告的结构化数据：JSON、CSV 与 Frictionless 数据包，附许可与引用方式。", "data",
        (("首页", "/"),),
    ), data_context, site)

    # /search/ — the search page (its index is written by ``search.index_site``, under /pagefind/)
    page("search.html", Meta("检索", "/search/", "全文检索年度报告。", "search", (("首页", "/"),),
                             indexable=False), SimpleContext)

    # /about/ — prose from content/pages/about.md
    page("about.html", Meta("关于本站", "/about/", "年度报告是什么、法律依据、数据如何提取和检查。", "about",
                            (("首页", "/"),)), about_context, about_markdown(site.content_dir))

    # /checks/ — the registry of consistency rules, with their results across the site
    page("checks.html", Meta("核对规则", "/checks/",
                             "本站对每份报告做的一致性检查：规则、公式、读取的单元格与全站结果。",
                             "about", (("首页", "/"), ("关于本站", "/about/"))),
         checks_context, site, made_from=frozenset({page_key(CHECKS)}))

    # /404.html, and the machine-readable files
    page("404.html", Meta("页面不存在", "/404.html", "找不到该页面。", "home", indexable=False), SimpleContext)
    page("feed.xml", Meta(f"{SITE_NAME}：新收录的年度报告", "/feed.xml", SITE_TAGLINE, "home", indexable=False),
         feed_context, site)
    page("sitemap.xml", Meta("sitemap", "/sitemap.xml", "", "home", indexable=False),
         SitemapContext, tuple(sorted(indexable)), made_from=listing)
    page("robots.txt", Meta("robots", "/robots.txt", "", "home", indexable=False), SimpleContext)

    # /static/ — fingerprinted: netlify.toml caches /static/* for a year
    for url, path in static.values():
        out.append(output(url, STATIC, None, path.read_bytes))
    out.append(output(f"/{MARKER}", STATIC, None, lambda: MARKER_TEXT))
    return out


def feed_meta(name: str, url: str) -> Meta:
    """An agency's or a jurisdiction's Atom feed (the site's own is listed above with its words)."""
    return Meta(f"{name}：新收录的年度报告", url, f"{SITE_NAME}收录的{name}政府信息公开工作年度报告", "home",
                indexable=False)


def report_downloads(report: Report) -> list[Output]:
    """A report's own downloads. Its record is computed for /data/reports.json and again for its
    report.json: keeping every record between the two would hold the whole data set in memory
    (and the two files may be written by different render workers anyway)."""
    slug = report.agency.slug
    return [output(report.json_url, DOWNLOAD, slug, partial(report_json, report)),
            output(report.yaml_url, DOWNLOAD, slug, report.yaml_path.read_bytes),
            output(report.source_url, DOWNLOAD, slug, report.source_path.read_bytes)] + (
        [] if report.original_path is None or report.original_url is None  # the file as retrieved (provenance)
        else [output(report.original_url, DOWNLOAD, slug, report.original_path.read_bytes)])


def about_markdown(content_dir: Path) -> str | None:
    """The editor's about page, if there is one (a symlink is not followed out of content/)."""
    about = content_dir / ABOUT_PAGE
    return about.read_text(encoding="utf-8") if about.is_file() and not about.is_symlink() else None

