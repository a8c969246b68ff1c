"""Search: exact substring search of the seed reports through the real search page in Chromium.

The truth is computed here, independently of the index: a report is a result iff its searchable
document (text, title, agency name, table labels) contains every term. The browser tests type
into the real /search/ page of the real build and read the result links it renders.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from browser import serve_directory
from conftest import CONTENT, ROOT, counted_pagefind, url_file

from portal.build import build_site
from portal.load import load_content
from portal.model import Site
from portal.scratch import STAGING_PREFIX, Scratch
from portal.search import DATA_DIR, index_site
from portal.searchbundles import Bundle, Indexing, read_fragments, run_async, write_bundles
from portal.searchrecords import (
    BUNDLE,
    indexed_body,
    indexed_document,
    plan_shards,
    report_document,
    shard_by_year,
    table_labels,
    table_mask,
)
from portal.searchtext import LABEL_TABLES, text_shard_url
from portal.searchtokens import BOUNDARY, SEPARATORS, code, contains_all, fold, parse_query, query_tokens, tokens
from portal.text import parse_text

DONE = "#results[data-state=done]"


def truth(site: Site, query: str) -> set[str]:
    terms = parse_query(query)
    return {r.url for r in site.reports if contains_all(report_document(r), terms)}


# ------------------------------------------------------------------ tokens and queries


def test_fold_is_width_and_case_folding_one_unit_for_one() -> None:
    assert fold("ＡＢｃ２６（一）\u3000Http") == "abc26(一) http"
    assert len(fold("（２０２３）年")) == len("（２０２３）年")


def test_every_character_is_a_token_and_runs_are_parted_by_one_boundary() -> None:
    assert tokens("征地拆迁 \n 2023") == [
        code("征"), code("地"), code("拆"), code("迁"), BOUNDARY, code("2"), code("0"), code("2"), code("3"),
    ]
    assert all(re.fullmatch(r"[0-9a-z]{4}", t) for t in tokens("〔2021〕30号、Ｗeb—😀"))
    assert BOUNDARY not in tokens("〔2021〕30号、Ｗeb—😀")


def reference_tokens(text: str) -> list[str]:
    """The token rule spelled out character by character (``tokens`` does it in C)."""
    out: list[str] = []
    run = False  # inside a run of non-separators
    for c in fold(text):
        if c in SEPARATORS:
            run = False
            continue
        if not run and out:
            out.append(BOUNDARY)
        out.append(code(c))
        run = True
    return out


@pytest.mark.parametrize("text", ["", " \u3000\n", "字", "Ａ\u3000ｂ", "a\u2028b\u200ac\xa0d\ufeffe",
                                  "〔2021〕30号、Ｗeb—😀😀 x", "\t征地  拆迁\n\n行政复议\r\n"])
def test_tokens_follow_the_rule_at_every_separator_width_and_plane(text: str) -> None:
    assert tokens(text) == reference_tokens(text)


def test_tokens_of_every_seed_document_follow_the_rule(seeds: Site) -> None:
    for report in seeds.reports:
        assert tokens(report_document(report)) == reference_tokens(report_document(report)), report.url


def test_runs_that_are_pieces_of_the_reports_table_labels_are_not_indexed(seeds: Site) -> None:
    """The rule spelled out on plain text: a run of the document is left out of the index iff
    it occurs within one run of the labels of the tables the report has (the page finds those
    from the catalog); every other run is indexed, in order, parted by one boundary."""
    def runs_of(text: str) -> list[str]:
        return [r for r in re.split("[" + re.escape("".join(SEPARATORS)) + "]+", fold(text)) if r]

    left_out = 0
    for report in seeds.reports:
        label_runs = runs_of("\n".join(table_labels(report)))
        kept = [run for run in runs_of(indexed_document(report)) if not any(run in label for label in label_runs)]
        left_out += len(runs_of(indexed_document(report))) - len(kept)
        expected = f" {BOUNDARY} ".join(" ".join(code(c) for c in run) for run in kept)
        assert indexed_body(indexed_document(report), table_mask(report)).split() == expected.split(), report.url
    assert left_out > 50  # 85: the seeds print their tables (本年新收政府信息公开申请数量, 行政许可 …)
    table2 = 1 << LABEL_TABLES.index("table2")
    assert indexed_body("行政许可\n行政许可证\n许可 规章", table2).split() == tokens("行政许可证")  # whole runs only
    assert indexed_body("行政许可", 0).split() == tokens("行政许可")  # without the table: indexed


def test_a_query_run_becomes_its_characters_as_one_exact_phrase() -> None:
    assert query_tokens("征地拆迁") == (" ".join(tokens("征地拆迁")), True)
    assert query_tokens("征") == (code("征"), False)  # one character: one word (all words are 4 letters)
    assert parse_query('政务新媒体  "16500余条" “行政 复议” 政务新媒体') == ["政务新媒体", "16500余条", "行政 复议"]


def test_the_phrase_of_a_term_occurs_in_the_token_stream_iff_the_term_occurs() -> None:
    """Consecutive codes are the term, never across a separator: what Pagefind's exact phrase
    search relies on."""
    site = load_content(CONTENT)
    for term in ("征地拆迁", "行政复议", "0631—8988877", "国办公开办函〔2021〕30号", "营商", "复议征地", "。一"):
        phrase = query_tokens(term)[0]
        for report in site.reports:
            stream = " " + " ".join(tokens(report_document(report))) + " "
            assert (f" {phrase} " in stream) == contains_all(report_document(report), [term]), (term, report.url)


# ------------------------------------------------------------------ what index_site writes


@pytest.fixture(scope="session")
def search_site(tmp_path_factory: pytest.TempPathFactory, weihai_content: Path) -> Path:
    """The five Weihai seeds built by the real build, with the search index."""
    out = tmp_path_factory.mktemp("search") / "site"
    assert build_site(weihai_content, out, search=True, progress=False).exit_code == 0
    return out


@pytest.fixture(scope="session")
def seeds(weihai_content: Path) -> Site:
    return load_content(weihai_content)


def spy_fragments(read: Callable[[Path], dict[str, dict[str, object]]] = read_fragments,
                  ) -> tuple[Callable[[Path], dict[str, dict[str, object]]], list[dict[str, dict[str, object]]]]:
    """A reader of a written bundle's fragments (Pagefind's record of each page it indexed: URL,
    filters, meta, word count) for ``Indexing.read_pages``, and every read it made, in order; the
    bundle is kept without them."""
    reads: list[dict[str, dict[str, object]]] = []

    def spy(bundle: Path) -> dict[str, dict[str, object]]:
        reads.append(read(bundle))
        return reads[-1]

    return spy, reads


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory: pytest.TempPathFactory, seeds: Site) -> tuple[Path, dict[str, dict[str, object]]]:
    """The seeds indexed in this process as the build indexes them, and the pages Pagefind wrote."""
    out = tmp_path_factory.mktemp("seed-index")
    spy, reads = spy_fragments()
    index_site(seeds, out, indexing=Indexing(read_pages=spy))
    return out, {page_id: page for read in reads for page_id, page in read.items()}


def test_the_deployed_index_holds_no_fragments(search_site: Path, seed_index: tuple[Path, dict]) -> None:
    """The page lists results from the catalog and excerpts from the text shards: Pagefind's
    per-page fragments are read for the catalog and left out of the site."""
    for root in (search_site, seed_index[0]):
        assert (root / BUNDLE / "index").is_dir() and (root / BUNDLE / "pagefind-entry.json").is_file()
        assert not list((root / BUNDLE).rglob("*.pf_fragment")) and not list((root / BUNDLE).rglob("fragment"))


def test_catalog_maps_every_pagefind_page_to_a_page_of_the_site(search_site: Path, seed_index: tuple[Path, dict],
                                                                 seeds: Site) -> None:
    out, pages = seed_index
    assert json.loads((search_site / DATA_DIR / "catalog.json").read_text(encoding="utf-8"))["pages"].keys() == \
        pages.keys()  # the build's index: the same pages under the same ids
    catalog = json.loads((out / DATA_DIR / "catalog.json").read_text(encoding="utf-8"))
    # agency and year pages, then one slice per year, newest first: the order the page searches in
    assert catalog["shards"] == [["pages", "/pagefind/"], ["2023", "/pagefind/"], ["2022", "/pagefind/"]]
    fragments = sorted(pages)
    assert sorted(catalog["pages"]) == fragments and len(fragments) == len(seeds.agencies) + len(
        seeds.years) + len(seeds.reports)
    rows = list(catalog["pages"].values())
    assert sorted((catalog["agencies"][r[1]][0], r[2]) for r in rows if r[0] == "r") == sorted(
        (r.agency.slug, r.year) for r in seeds.reports)
    assert sorted(r[1] for r in rows if r[0] == "y") == list(seeds.years)
    assert len([r for r in rows if r[0] == "a"]) == len(seeds.agencies)
    for page_id in fragments:
        fragment = pages[page_id]
        assert url_file(search_site, fragment["url"]).is_file()
        row = catalog["pages"][page_id]
        if row[0] == "r":  # its slice (an index into the distinct shard keys) and its tables
            report = next(r for r in seeds.reports if r.url == fragment["url"])
            keys = list(dict.fromkeys(key for key, _ in catalog["shards"]))
            assert keys[row[3]] == fragment["filters"]["shard"][0] == str(report.year)
            assert row[4] == table_mask(report)
            assert fragment["word_count"] == len(indexed_body(indexed_document(report), table_mask(report)).split())


def test_table_labels_are_in_the_catalog_not_in_the_index(search_site: Path, seeds: Site) -> None:
    """A report's document is its indexed text and names plus the labels of the tables it has;
    the labels are listed once in the catalog, and a row's table mask names its tables."""
    catalog = json.loads((search_site / DATA_DIR / "catalog.json").read_text(encoding="utf-8"))
    for report in seeds.reports:
        mask = table_mask(report)
        labels = [text for i, text in enumerate(catalog["labels"]) if mask & (1 << i)]
        assert report_document(report) == "\n".join([indexed_document(report), *labels])
    assert sum(table_mask(r) == 7 for r in seeds.reports) == 1  # seed 002 has all three tables


def test_report_records_carry_their_slice_as_the_only_filter_and_their_meta(seed_index: tuple[Path, dict]) -> None:
    by_url = {fragment["url"]: fragment for fragment in seed_index[1].values()}
    report = by_url["/reports/wendeng-civil-affairs/2023/"]
    assert report["filters"] == {"shard": ["2023"]}  # agency, year, place, kind: from the catalog
    assert report["meta"]["title"] == "威海市文登区民政局2023年政府信息公开工作年度报告"
    assert report["meta"]["jurisdiction"] == "山东省 › 威海市 › 文登区"


def test_text_shards_are_the_report_blocks_in_anchor_order(search_site: Path, seeds: Site) -> None:
    """Beside each report page, written with it: the blocks its ``t<N>`` anchors number."""
    for report in seeds.reports:
        shard = json.loads(url_file(search_site, text_shard_url(report)).read_text(encoding="utf-8"))
        assert shard["blocks"] == [b.raw for b in parse_text(report.text)]
        assert report.agency.name in shard["extra"]


def test_bundles_are_cut_to_their_limit_and_slices_from_bundles(tmp_path: Path, seeds: Site) -> None:
    """Bundles of at most 3 (the pages and two of 2023's reports; 2023's third with 2022's two): a
    slice is a bundle's part of a year, so 2023 is two slices, each named by its first report, and
    2022, wholly in one bundle, is one slice named by its year."""
    spy, reads = spy_fragments()
    stats = index_site(seeds, tmp_path, bundle_reports=3, indexing=Indexing(read_pages=spy))
    catalog = json.loads((tmp_path / DATA_DIR / "catalog.json").read_text(encoding="utf-8"))
    keys = [key for key, _ in catalog["shards"]]
    assert [re.sub(r"\.[0-9a-f]{6}$", ".*", key) for key in keys] == ["pages", "2023.*", "2023.*", "2022"]
    assert len(set(keys)) == 4
    bundles = [bundle for _, bundle in catalog["shards"]]
    assert bundles[:2] == ["/pagefind/"] * 2 and bundles[2] == bundles[3] != bundles[1]
    assert re.fullmatch(r"/pagefind/shard-[0-9a-f]{6}/", bundles[3])
    pages = len(seeds.agencies) + len(seeds.years)
    assert stats.bundles == 2 and stats.shards == {"pages": pages, keys[1]: 2, keys[2]: 1, "2022": 2}
    shard = tmp_path / bundles[3].strip("/")
    assert not (shard / "pagefind.js").exists() and (shard / "pagefind-entry.json").exists()  # no JS when merged
    assert sorted(len(read) for read in reads) == [3, pages + 2]
    assert sorted(catalog["pages"]) == sorted(page_id for read in reads for page_id in read)


def test_a_slice_never_spans_two_bundles(seeds: Site) -> None:
    """Whatever the bundles' size, every slice lies in one bundle, the years come newest first, and
    a year held by one bundle is one slice named by its year: bundles of 2 (a minimum of 1) hold a
    report each; of 5, the whole site in one bundle, one slice a year."""
    for bundle_reports in (1, 2, 3, 4, 5, 6):
        shards = plan_shards(seeds, bundle_reports=bundle_reports)
        keys = [s.key for s in shards]
        assert len(set(keys)) == len(keys), bundle_reports  # a key names one part of one bundle
        years = [s.key.split(".")[0] for s in shards[1:]]
        assert years == sorted(years, reverse=True)
        for year in set(years):
            holding = {s.bundle for s in shards if s.key.split(".")[0] == year}
            assert (year in keys) == (len(holding) == 1), (bundle_reports, year)
    assert [(s.key, len(s.records)) for s in plan_shards(seeds, bundle_reports=5)[1:]] == [("2023", 3), ("2022", 2)]
    assert [len(s.records) for s in plan_shards(seeds, bundle_reports=2)[1:]] == [1] * 5
    names = {s.bundle for s in plan_shards(seeds, bundle_reports=2)}
    assert len(names) == 5 and {s.bundle for s in plan_shards(seeds, bundle_reports=4)} < names  # named by first report


def test_a_page_id_in_two_bundles_is_renamed_by_indexing_that_bundle_again(
        tmp_path: Path, seeds: Site) -> None:
    """Pagefind's page ids (7 hex digits of a hash) are unique in a bundle, not across bundles:
    a clash is simulated by reporting a page of the second bundle under an id of the first."""
    real, written = spy_fragments()
    reads: list[dict[str, dict[str, object]]] = []

    def clashing(bundle: Path) -> dict[str, dict[str, object]]:
        pages = real(bundle)
        reads.append(pages)
        if len(reads) == 2:
            first_id, renamed = next(iter(reads[0])), next(iter(pages))
            pages = {first_id if page_id == renamed else page_id: page for page_id, page in pages.items()}
        return pages

    index_site(seeds, tmp_path, bundle_reports=3, indexing=Indexing(workers=1, read_pages=clashing))
    assert len(reads) == 3  # the second bundle was indexed again, under other ids
    catalog = json.loads((tmp_path / DATA_DIR / "catalog.json").read_text(encoding="utf-8"))
    fragments = {**written[0], **written[2]}  # the first bundle, and the second as indexed again
    assert sorted(catalog["pages"]) == sorted(fragments)
    for page_id, fragment in fragments.items():
        row = catalog["pages"][page_id]
        if row[0] == "r":
            assert fragment["url"] == f"/reports/{catalog['agencies'][row[1]][0]}/{row[2]}/"
    assert {f["meta"].get("salt") for f in fragments.values()} == {None, "1"}


def test_parallel_services_write_the_same_index_and_leave_no_staging(tmp_path: Path, seeds: Site) -> None:
    """Bundles staged ahead and indexed two at a time come out byte for byte as one at a time.

    Except Pagefind's filter files (and so the meta and entry files naming them by hash), which
    differ from one run to the next even with one service: Pagefind writes filters in hash-map
    order."""
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and p.parent.name != "filter" and p.suffix != ".pf_meta"
                and p.name != "pagefind-entry.json"}

    one, two = tmp_path / "one", tmp_path / "two"
    index_site(seeds, one, bundle_reports=1, indexing=Indexing(workers=1))
    stats = index_site(seeds, two, bundle_reports=1, indexing=Indexing(workers=2))
    assert stats.bundles == len(seeds.reports) and stats.tokens > 0
    assert files(one) == files(two)
    assert [p.name for p in two.iterdir()] == [BUNDLE.name]


def test_staging_in_the_scratch_folder_or_beside_the_output_gives_the_same_index(
        tmp_path: Path, seeds: Site) -> None:
    """Bundles are staged and written in the ``Scratch`` folder (a tmpfs) and copied out, or staged beside
    the output when there is no scratch folder: the same index either way, and nothing is left
    behind, also of an earlier build that died (a leftover named after a process that is gone)."""
    import subprocess

    def files(root: Path) -> dict[str, bytes]:  # Pagefind's filter-derived files vary (see above)
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and p.parent.name != "filter" and p.suffix != ".pf_meta"
                and p.name != "pagefind-entry.json"}

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (scratch / f"{STAGING_PREFIX}{dead.pid}" / "b0").mkdir(parents=True)
    in_scratch, beside = tmp_path / "in-scratch", tmp_path / "beside"
    index_site(seeds, in_scratch, bundle_reports=2,
               indexing=Indexing(workers=1, scratch=Scratch(scratch)))
    assert list(scratch.iterdir()) == []
    index_site(seeds, beside, bundle_reports=2,
               indexing=Indexing(workers=1, scratch=Scratch(tmp_path / "no-such-folder")))
    assert files(in_scratch) and files(in_scratch) == files(beside)
    assert [p.name for p in in_scratch.iterdir()] == [p.name for p in beside.iterdir()] == [BUNDLE.name]

    # A scratch folder without room (a container's 64 MB /dev/shm) is not used.
    seen, watched = counted_pagefind()
    no_room = tmp_path / "no-room"
    index_site(seeds, no_room, bundle_reports=2,
               indexing=Indexing(workers=1, scratch=Scratch(scratch, free=1 << 62), run_pagefind=watched))
    assert seen and all(no_room in staging.parents for staging in seen)
    assert files(no_room) == files(beside)


# ------------------------------------------------------------------ the page in Chromium


@pytest.fixture(scope="module")
def base(search_site: Path) -> Iterator[str]:
    with serve_directory(search_site) as url:
        yield url


@pytest.fixture()
def page(browser, base: str):  # noqa: ANN001, ANN201 - Playwright objects
    context = browser.new_context()
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.goto(f"{base}/search/")
    yield pg
    context.close()
    assert not errors


def wait_done(page, query: str) -> None:  # noqa: ANN001
    page.wait_for_function("q => { const r = document.getElementById('results');"
                           " return r.dataset.state === 'done' && r.dataset.query === q; }", arg=query)


def search(page, query: str) -> set[str]:  # noqa: ANN001
    box = page.locator("#search-q")
    box.fill("")
    box.type(query, delay=10)
    wait_done(page, query)
    return report_links(page)


def report_links(page) -> set[str]:  # noqa: ANN001
    hrefs = page.eval_on_selector_all("#results a", "els => els.map(e => e.getAttribute('href'))")
    return {urlsplit(h).path for h in hrefs if h.startswith("/reports/")}


@pytest.mark.parametrize("query", ["征地拆迁", "行政复议", "信息处理费", "政务新媒体", "环山街道", "年度报告格式"])
def test_typed_query_returns_exactly_the_reports_that_contain_it(page, seeds: Site, query: str) -> None:  # noqa: ANN001
    expected = truth(seeds, query)
    assert expected  # the seeds do contain each of these
    assert search(page, query) == expected
    assert page.locator("#results").get_attribute("data-count") == str(len(page.locator("#results li").all()))


def test_latin_and_digit_queries(page, seeds: Site) -> None:  # noqa: ANN001
    for query in ("0631", "16500", "wendeng", "WENDENG", "国办公开办函〔2021〕30号"):
        assert search(page, query) == truth(seeds, query), query
    assert search(page, "16500") == {"/reports/weihai-torch-hitech-zone/2023/"}


def test_several_terms_must_all_occur(page, seeds: Site) -> None:  # noqa: ANN001
    both = search(page, "征地拆迁 行政复议")
    assert both == truth(seeds, "征地拆迁 行政复议") == {"/reports/weihai-torch-hitech-zone/2023/"}
    assert search(page, "文登 民政局") == truth(seeds, "文登 民政局")
    assert len(truth(seeds, "文登")) > len(truth(seeds, "文登 民政局"))


def test_quoted_phrase(page, seeds: Site) -> None:  # noqa: ANN001
    assert search(page, '"16500余条"') == truth(seeds, '"16500余条"') == {"/reports/weihai-torch-hitech-zone/2023/"}
    assert search(page, '"余条 16500"') == set()  # a phrase keeps its order and its space


LABEL_QUERIES = ("要求行政机关确认或重新出具已获取信息", '"第二十条第（一）项 规章"', "复议后起诉", "行政复议",
                 "规章 行政处罚", '"项 行政许可"', "本机关不掌握")
"""Terms in table labels: some only there (the report's text has not), some also in texts."""


def test_table_labels_find_exactly_the_reports_with_the_table(page, seeds: Site) -> None:  # noqa: ANN001
    label_only = 0
    for query in LABEL_QUERIES:
        assert search(page, query) == truth(seeds, query), query
        terms = parse_query(query)
        label_only += bool(truth(seeds, query)) and not any(
            contains_all(indexed_document(r), terms) for r in seeds.reports)
    assert label_only >= 2  # the queries test the labels, not only the text


def test_no_result_says_so(page) -> None:  # noqa: ANN001
    assert search(page, "婚姻登记") == set()
    status = page.locator("[role=status]").inner_text()
    assert "没有找到" in status and "婚姻登记" in status
    assert page.locator("#results li").count() == 0


def test_a_filter_narrows_the_results(page, seeds: Site) -> None:  # noqa: ANN001
    everything = search(page, "政务公开")
    assert everything == truth(seeds, "政务公开") and len(everything) == 5
    page.select_option("#search-filter-year", "2022")
    wait_done(page, "政务公开")
    narrowed = report_links(page)
    assert narrowed == {u for u in everything if u.endswith("/2022/")} and len(narrowed) == 2
    assert "year=2022" in page.url
    page.select_option("#search-filter-kind", "部门")
    assert report_links(page) == {"/reports/wendeng-science-tech/2022/"}
    page.select_option("#search-filter-year", "")
    page.select_option("#search-filter-kind", "")
    page.select_option("#search-filter-jurisdiction", "火炬高技术产业开发区")
    assert report_links(page) == {"/reports/weihai-torch-hitech-zone/2023/"}


def test_deep_link_runs_the_search_and_marks_it_done(browser, base: str, seeds: Site) -> None:  # noqa: ANN001
    context = browser.new_context()
    pg = context.new_page()
    pg.goto(f"{base}/search/?q={quote('信息处理费')}&year=2023")
    pg.wait_for_selector(DONE)
    links = pg.eval_on_selector_all("#results li", "els => els.map(li => li.querySelector('a').getAttribute('href'))")
    assert links and all(re.fullmatch(r"/reports/[a-z-]+/2023/(\?q=[^#]+)?(#t\d+)?", h) for h in links)
    assert {urlsplit(h).path for h in links} == {u for u in truth(seeds, "信息处理费") if "/2023/" in u}
    assert pg.input_value("#search-q") == "信息处理费"
    assert pg.input_value("#search-filter-year") == "2023"
    context.close()


def test_typing_updates_the_address_for_sharing(page) -> None:  # noqa: ANN001
    search(page, "征地拆迁")
    assert urlsplit(page.url).query == "q=" + quote("征地拆迁")


def test_excerpt_highlights_the_term_and_links_to_its_passage(page, search_site: Path) -> None:  # noqa: ANN001
    search(page, "征地拆迁")
    page.wait_for_selector("#results li mark")
    assert page.locator("#results li mark").first.inner_text() == "征地拆迁"
    href = page.locator("#results li a").first.get_attribute("href")
    url, anchor = href.split("#")
    html = url_file(search_site, url).read_text(encoding="utf-8")
    block = re.search(rf'id="{anchor}"[^>]*>(.*?)</', html, re.S)
    assert block and "征地拆迁" in block.group(1)


def test_agency_pages_are_found_by_name(page) -> None:  # noqa: ANN001
    search(page, "文登区民政局")
    hrefs = page.eval_on_selector_all("#results a", "els => els.map(e => e.getAttribute('href'))")
    assert "/agencies/wendeng-civil-affairs/" in hrefs
    search(page, "区政府办公室")  # an alias of the registry
    hrefs = page.eval_on_selector_all("#results a", "els => els.map(e => e.getAttribute('href'))")
    assert "/agencies/wendeng-gov-office/" in hrefs


def test_keyboard_moves_from_the_box_through_the_results(page) -> None:  # noqa: ANN001
    search(page, "行政复议")
    page.focus("#search-q")
    page.keyboard.press("Enter")
    wait_done(page, "行政复议")
    page.keyboard.press("ArrowDown")
    first = page.evaluate("document.activeElement.getAttribute('href')")
    page.keyboard.press("ArrowDown")
    second = page.evaluate("document.activeElement.getAttribute('href')")
    assert first != second and first.startswith("/reports/") and second.startswith("/reports/")
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") == "search-q"
    assert page.locator("[role=status][aria-live=polite]").inner_text().startswith("找到 5 份")


def test_search_works_under_the_sites_content_security_policy(browser, search_site: Path) -> None:  # noqa: ANN001
    netlify = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
    csp = next(h["values"]["Content-Security-Policy"] for h in netlify["headers"] if h["for"] == "/*")
    context = browser.new_context()
    pg = context.new_page()
    violations: list[str] = []
    pg.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    with serve_directory(search_site, {"Content-Security-Policy": csp}) as url:
        pg.goto(f"{url}/search/?q={quote('政务新媒体')}")
        pg.wait_for_selector(DONE)
        assert len(report_links(pg)) == 5
        pg.wait_for_selector("#results li mark")
    context.close()
    assert violations == []


def resliced(search_site: Path, seeds: Site, site: Path, bundle_reports: int) -> Path:
    """A copy of the seed site at ``site`` with its search index cut into other bundles and slices."""
    import shutil

    shutil.copytree(search_site, site)
    index_site(seeds, site, shard_by=shard_by_year, bundle_reports=bundle_reports)
    return site


@pytest.mark.parametrize("bundle_reports", [1, 3, 2500])
def test_any_slicing_gives_the_same_answers(browser, tmp_path: Path, search_site: Path, seeds: Site,  # noqa: ANN001
                                            bundle_reports: int) -> None:
    site = resliced(search_site, seeds, tmp_path / "site", bundle_reports)
    context = browser.new_context()
    pg = context.new_page()
    with serve_directory(site) as url:
        for query in ("政务公开", "征地拆迁 行政复议", "文登", "2022"):
            pg.goto(f"{url}/search/?q={quote(query)}")
            wait_done(pg, query)
            assert report_links(pg) == truth(seeds, query), query
            links = pg.eval_on_selector_all("#results a", "els => els.map(e => e.getAttribute('href'))")
            years = [int(h.split("/")[3]) for h in links if h.startswith("/reports/")]
            assert years == sorted(years, reverse=True)  # newest first, as the shards are searched
    context.close()


def test_the_first_results_do_not_wait_for_the_other_bundles(browser, tmp_path: Path, search_site: Path,  # noqa: ANN001
                                                              seeds: Site) -> None:
    """A reader who follows a search link sees the primary bundle's results (the pages and the
    newest slices) while every other bundle is still on its way; the next bundle is merged alone
    (a round of one), so its results show while the round of two after it is held; then the
    answer completes. Bundles of one report: the primary holds the pages and one report."""
    site = resliced(search_site, seeds, tmp_path / "site", 1)
    shards = plan_shards(seeds, bundle_reports=1)
    order = list(dict.fromkeys(s.bundle for s in shards))
    held_bundles = {f"/{b.as_posix()}/" for b in order[2:]}
    by_bundle = [{r.url for s in shards if s.bundle == b for r in s.records if r.url.startswith("/reports/")}
                 for b in order]
    query = "政务公开"
    assert by_bundle[0] and by_bundle[1] and by_bundle[0] | by_bundle[1] < truth(seeds, query)
    held, released, asked = [], [], set()

    def hold(route) -> None:  # noqa: ANN001
        bundle = re.match(r".*(/pagefind/shard-[0-9a-f]+/)", route.request.url)[1]
        asked.add(bundle)
        if released or bundle not in held_bundles:
            route.continue_()
        else:
            held.append(route)

    context = browser.new_context()
    pg = context.new_page()
    pg.route(re.compile(r"/pagefind/shard-[0-9a-f]+/"), hold)
    with serve_directory(site) as url:
        pg.goto(f"{url}/search/?q={quote(query)}")
        pg.wait_for_selector("#results li.search-result-r")
        pg.wait_for_function("n => document.querySelectorAll('#results li.search-result-r').length >= n",
                             arg=len(by_bundle[0] | by_bundle[1]))
        assert report_links(pg) == (by_bundle[0] | by_bundle[1]) & truth(seeds, query)
        assert held and pg.get_attribute("#results", "data-state") != "done"
        assert asked == {f"/{b.as_posix()}/" for b in order[1:4]}  # the round of one, then of two
        released.append(True)
        for route in held:
            route.continue_()
        wait_done(pg, query)
        assert report_links(pg) == truth(seeds, query)
    context.close()


def _services_at_once(seeds: Site, tmp_path: Path, widen_after: float | None) -> int:
    """The most Pagefind services running at once over five one-report bundles, two workers."""
    import asyncio
    import threading

    running = peak = 0

    async def fake_pagefind(staging: Path) -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.15)
        running -= 1
        (staging / "out").mkdir(parents=True, exist_ok=True)

    indexing = Indexing(workers=2, run_pagefind=fake_pagefind, read_pages=lambda _out: {})
    shards = [s for s in plan_shards(seeds, bundle_reports=1) if s.key != "pages"]
    bundles = [Bundle(s.bundle, [s], tmp_path / f"b{i}", tmp_path / f"kept-{i}")
               for i, s in enumerate(shards)]
    widen = threading.Event() if widen_after is not None else None
    timer = threading.Timer(widen_after or 0, widen.set if widen else lambda: None)
    timer.start()
    try:
        run_async(lambda: write_bundles(bundles, indexing, widen))
    finally:
        timer.cancel()
    return peak


def test_one_pagefind_service_until_the_build_widens_the_index(seeds: Site, tmp_path: Path) -> None:
    """While the build renders beside it, the index runs one service; two once it is told."""
    assert _services_at_once(seeds, tmp_path / "never", widen_after=60) == 1
    assert _services_at_once(seeds, tmp_path / "later", widen_after=0.2) == 2
    assert _services_at_once(seeds, tmp_path / "plain", widen_after=None) == 2


def test_a_task_that_will_not_end_does_not_hold_the_index(tmp_path: Path) -> None:
    """The work is done but a task it left ignores being cancelled (as a task of the Pagefind
    package once did, holding a build for good): ``run_async`` still returns the work's result,
    after its bounded goodbye, from a plain thread and from one that runs an event loop."""
    import asyncio
    import threading

    async def stubborn() -> None:
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                continue

    async def work() -> int:
        asyncio.get_running_loop().create_task(stubborn())
        await asyncio.sleep(0)
        return 7

    async def inside_a_loop() -> int:
        return run_async(work, settle=0.2)

    results: list[int] = []
    threads = [threading.Thread(target=lambda: results.append(run_async(work, settle=0.2)), daemon=True),
               threading.Thread(target=lambda: results.append(asyncio.run(inside_a_loop())), daemon=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert results == [7, 7]
