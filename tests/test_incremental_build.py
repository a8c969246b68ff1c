"""``build.py build`` after a one-report change gives exactly the site a full build gives.

The incremental build (``build_site(cache=…)``) re-parses only the report files whose bytes it has
not seen (``buildcache.ParseStore``), renders only the outputs of the agencies whose reports
changed plus the site-wide ones (``buildcache.Inputs``), and runs Pagefind only for the bundles
whose records changed (``searchcache.BundleStore``). Each test changes a synthetic corpus (edits,
adds, deletes a report; damages the cache), builds incrementally, builds the same content in full
into a fresh folder without a cache, and compares every file.

What Pagefind itself does not fix: the order of a filter's values in its filter file (a hash map's),
so two full builds of the same content differ in the filter file's bytes, hence its name, the meta
file naming it and the entry file naming the meta. Those three are compared by their contents
(the filter's values sorted; the hashes in the names left out); every other file byte for byte.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import pickle
import re
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import counted_pagefind

from portal.build import BuildResult, build_site
from portal.buildcache import Inputs, ParseStore, code_version, record_path
from portal.errors import ContentError
from portal.load import load_content
from portal.model import Site
from portal.pageinputs import page_inputs
from portal.pages import newest_reports
from portal.search import index_site
from portal.searchbundles import Indexing
from portal.searchcache import BundleStore
from portal.sitemap import site_map, url_to_path
from tests import test_incremental

pristine, content = test_incremental.pristine, test_incremental.content  # the same synthetic corpus (fixtures)

BASE = "https://example.org"
HASHED = re.compile(r"und_[0-9a-f]+")


def _build(content: Path, out: Path, cache: Path | None, **kw: object) -> BuildResult:
    result = build_site(content, out, progress=False, base_url=BASE, cache=cache, **kw)
    assert result.exit_code == 0
    return result


def _cbor(data: bytes, at: int = 0) -> tuple[object, int]:
    """The little CBOR Pagefind's filter files use: integers, strings, arrays, maps."""
    head = data[at]
    major, info = head >> 5, head & 31
    at += 1
    if info >= 24:
        width = 1 << (info - 24)
        info, at = int.from_bytes(data[at:at + width], "big"), at + width
    if major == 0:
        return info, at
    if major in (2, 3):
        return data[at:at + info].decode("utf-8", "replace"), at + info
    items = []
    for _ in range(info * (2 if major == 5 else 1)):
        item, at = _cbor(data, at)
        items.append(item)
    return items, at


def _canonical(obj: object) -> object:
    """Arrays of pairs (a filter's values and their pages) in a fixed order."""
    if isinstance(obj, list):
        items = [_canonical(o) for o in obj]
        return sorted(items, key=repr) if all(isinstance(i, list) and len(i) == 2 for i in items) else items
    return obj


def _tree(site: Path) -> dict[str, object]:
    """Every file of a built site by its path: bytes, or for Pagefind's filter, meta and entry
    files (see the module docstring) their contents without the hashes it draws at random."""
    files: dict[str, object] = {}
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        rel = path.relative_to(site).as_posix()
        data = path.read_bytes()
        if rel.startswith("pagefind/") and (path.suffix in (".pf_filter", ".pf_meta")):
            raw = gzip.decompress(data)
            value: object = (_canonical(_cbor(raw, len(b"pagefind_dcd"))[0]) if path.suffix == ".pf_filter"
                             else HASHED.sub("H", raw.decode("utf-8", "replace")))
            files[HASHED.sub("H", rel)] = value
        elif path.name == "pagefind-entry.json":
            files[rel] = HASHED.sub("H", data.decode("utf-8"))
        else:
            files[rel] = data
    return files


def _same_as_full(content: Path, out: Path, tmp_path: Path) -> None:
    full = tmp_path / "full" / "site"
    _build(content, full, None)
    ours, theirs = _tree(out), _tree(full)
    assert sorted(ours) == sorted(theirs)
    assert [rel for rel in theirs if ours[rel] != theirs[rel]] == []


def _latest(content: Path) -> Path:
    """The newest report of the first agency whose newest year is before 2024."""
    for folder in sorted((content / "reports").iterdir()):
        newest = max(folder.glob("*.yaml"))
        if int(newest.stem) < 2024:
            return newest
    raise AssertionError("every agency has a 2024 report")


def test_an_edited_report_rebuilds_its_agency_and_gives_the_full_site(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    first = _build(content, out, cache)
    assert first.parsed == 60 and first.rendered == first.pages
    report = _latest(content)
    text = report.read_text(encoding="utf-8")
    report.write_text(re.sub(r"\ntitle: .*", "\ntitle: 改过的标题", text, count=1), encoding="utf-8")
    slug = report.parent.name

    again = _build(content, out, cache)
    assert again.parsed == 1  # the other 59 from the cache
    assert (again.search["indexed"], again.search["bundles"]) == (1, 1)  # 60 reports: one bundle, indexed again
    agency_files = sum(1 for folder in (out / "reports" / slug, out / "agencies" / slug)  # + its page and feed
                       for p in folder.rglob("*") if p.is_file())
    site_wide = [rel for rel in _tree(out) if not rel.startswith(("reports/", "agencies/", "pagefind/"))]
    by_year = re.compile(r"(?:years|indicators/\w+)/(\d+)/index\.html")
    other_years = [rel for rel in site_wide if by_year.fullmatch(rel)]
    assert len(other_years) == 6 + 6 * 8  # 2019–2024: no year page and no ranking reads a title (``pageinputs``)
    site = load_content(content, workers=1)
    assert report not in {r.yaml_path for r in newest_reports(site.reports)}  # nor the home page, but its newest
    # nor these (``pageinputs``): the home page, the reasons, the rules' counts, the lists of reports, the spreads
    unread = ["index.html", "reasons/index.html", "data/reasons.json", "checks/index.html", "years/index.html",
              "sitemap.xml", "data/compare.json", "indicators/index.html", "coverage/index.html", "data/coverage.csv"]
    agency = next(a for a in site.agencies if a.slug == slug)
    lineage = {url_to_path(u) for j in site.jurisdictions.lineage(agency.jurisdiction) for u in (j.url, j.feed_url)}
    other_places = [rel for rel in site_wide if rel.startswith("jurisdictions/") and rel.count("/") > 1
                    and rel not in lineage]  # made from other agencies
    assert lineage and other_places
    assert again.rendered == agency_files + len(site_wide) - len(other_years) - len(other_places) - len(unread)
    assert "改过的标题" in (out / "reports" / slug / report.stem / "index.html").read_text(encoding="utf-8")
    _same_as_full(content, out, tmp_path)
    # the edited report's result is kept beside the pack (a delta), not parsed a third time
    assert _build(content, out, cache).parsed == 0


def add_next_year(content: Path) -> tuple[Path, int]:
    """A copy of ``_latest`` as its agency's next year's report; that report and the new year."""
    report = _latest(content)
    year = int(report.stem) + 1
    text = report.read_text(encoding="utf-8").replace(f"year: {report.stem}", f"year: {year}", 1)
    text = re.sub(r"\npublished: (\d{4})", lambda m: f"\npublished: {int(m.group(1)) + 1}", text, count=1)
    report.with_name(f"{year}.yaml").write_text(text.replace(f"file: {report.stem}.txt", f"file: {year}.txt"),
                                                encoding="utf-8")
    shutil.copy(report.with_suffix(".txt"), report.with_name(f"{year}.txt"))
    return report, year


def test_an_added_report_gives_the_full_site(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    report, year = add_next_year(content)

    again = _build(content, out, cache)
    assert again.parsed == 1
    assert (out / "reports" / report.parent.name / str(year) / "index.html").is_file()
    _same_as_full(content, out, tmp_path)


def test_a_deleted_report_gives_the_full_site(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    report = _latest(content)
    report.unlink()
    report.with_suffix(".txt").unlink()

    again = _build(content, out, cache)
    assert again.parsed == 0
    assert not (out / "reports" / report.parent.name / report.stem).exists()
    _same_as_full(content, out, tmp_path)


def test_the_content_folder_spelled_another_way_still_hits_the_cache(content: Path, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """``build.py build --content content`` then ``--content ./content`` or its absolute path (the
    dev server, a script): the stored reports are the same files, not parsed again."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    monkeypatch.chdir(content.parent)
    for spelled in (Path(content.name), Path(".") / content.name / "reports" / ".."):
        again = _build(spelled, out, cache)
        assert (again.parsed, again.changed) == (0, 0)


def test_a_renamed_agency_and_a_broken_registry_are_read_again(content: Path, tmp_path: Path) -> None:
    """The registry's parse is kept by its bytes (``ParseStore.registry``): a rename reaches the
    pages as in a full build, and a registry with a problem is refused on every build."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    registry = content / "agencies.yaml"
    text = registry.read_text(encoding="utf-8")
    slug = _latest(content).parent.name
    name = re.search(rf"slug: {slug}\n\s+name: (.+)\n", text)
    assert name
    registry.write_text(text.replace(f"name: {name[1]}\n", "name: 改过名的机构\n", 1), encoding="utf-8")
    _build(content, out, cache)
    assert "改过名的机构" in (out / "agencies" / slug / "index.html").read_text(encoding="utf-8")
    _same_as_full(content, out, tmp_path)

    registry.write_text(text.replace(f"slug: {slug}\n", "slug: Bad Slug\n", 1), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ContentError, match="slug"):
            build_site(content, out, progress=False, base_url=BASE, cache=cache)


def test_a_damaged_cache_means_a_full_build(content: Path, tmp_path: Path) -> None:
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    damaged = [p for p in cache.rglob("*") if p.is_file()]
    assert cache / "parsed.pickle" in damaged and any("search" in p.parts for p in damaged)
    for path in damaged:
        path.write_bytes(path.read_bytes()[:7])  # truncated pickles, bundles and their records
    record_path(out).write_text("{not json", encoding="utf-8")
    report = _latest(content)
    report.write_text(report.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: 又改", 1), encoding="utf-8")

    again = _build(content, out, cache)
    assert again.parsed == 60 and again.rendered == again.pages
    _same_as_full(content, out, tmp_path)


def test_a_dev_server_write_means_everything_is_rendered(content: Path, tmp_path: Path) -> None:
    """``write_site`` into the live folder (the dev server) voids the record of its inputs: the
    next build cannot know what that folder holds."""
    from portal.build import write_site

    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    assert record_path(out).is_file()
    write_site(load_content(content), out, base_url=BASE)
    assert not record_path(out).exists()
    again = _build(content, out, cache)
    assert again.parsed == 0 and again.rendered == again.pages


def test_only_the_bundle_holding_an_edited_report_is_indexed_again(content: Path, tmp_path: Path) -> None:
    runs, counted = counted_pagefind()
    store = BundleStore(tmp_path / "cache", "v1")  # no file hashes: records keyed by their text and names
    indexing = Indexing(workers=1, run_pagefind=counted, store=store)
    index_site(load_content(content), tmp_path / "a", bundle_reports=15, indexing=indexing)
    assert len(runs) == 6  # 60 reports in 6 bundles of at most 15 (agency and year pages in the first one too)
    report = _latest(content)
    source = report.with_suffix(".txt")
    source.write_text(source.read_text(encoding="utf-8") + "\n新增的一句话。\n", encoding="utf-8")
    runs.clear()
    index_site(load_content(content), tmp_path / "b", bundle_reports=15, indexing=indexing)
    assert len(runs) == 1
    index_site(load_content(content), tmp_path / "c", bundle_reports=15, indexing=Indexing(workers=1))
    assert _tree(tmp_path / "b") == _tree(tmp_path / "c")


def test_the_edited_bundle_is_staged_before_any_stored_bundle_is_restored(content: Path, tmp_path: Path) -> None:
    """After an edit the one bundle to index goes first: its Pagefind run starts before the first
    restore (restoring first kept its staging waiting behind the restores, on the edit's critical
    path); the index is still a full index's."""
    events: list[str] = []
    runs, counted = counted_pagefind()

    async def pagefind(staging: Path) -> None:
        events.append("pagefind")
        await counted(staging)

    class Watched(BundleStore):
        def restore(self, bundle) -> bool:  # noqa: ANN001
            events.append("restore")
            return super().restore(bundle)

    cache = tmp_path / "cache"
    index_site(load_content(content), tmp_path / "a", bundle_reports=15,
               indexing=Indexing(workers=1, run_pagefind=pagefind, store=Watched(cache, "v1")))
    assert events == ["pagefind"] * 6  # nothing stored yet: no restore tried
    source = _latest(content).with_suffix(".txt")
    source.write_text(source.read_text(encoding="utf-8") + "\n新增的一句话。\n", encoding="utf-8")
    events.clear()
    index_site(load_content(content), tmp_path / "b", bundle_reports=15,
               indexing=Indexing(workers=1, run_pagefind=pagefind, store=Watched(cache, "v1")))
    assert events == ["pagefind"] + ["restore"] * 5
    index_site(load_content(content), tmp_path / "c", bundle_reports=15, indexing=Indexing(workers=1))
    assert _tree(tmp_path / "b") == _tree(tmp_path / "c")


def test_the_bundle_store_keeps_the_last_two_indexes_bundles_only(content: Path, tmp_path: Path) -> None:
    """Every edit stores its bundle anew: the store keeps what this index and the one before used
    (an undo is free), and deletes the rest, so it does not grow with every edit."""
    runs, counted = counted_pagefind()
    cache = tmp_path / "cache"
    indexing = Indexing(workers=1, run_pagefind=counted, store=BundleStore(cache, "v1"))

    def index(edit: str | None, name: str) -> list[str]:
        if edit is not None:
            source.write_text(original + edit, encoding="utf-8")
        runs.clear()
        index_site(load_content(content), tmp_path / name, bundle_reports=15,
                   indexing=replace(indexing, store=BundleStore(cache, "v1")))  # a store a build, as a build makes
        return sorted(p.name for p in (cache / "search").iterdir() if not p.name.startswith("."))

    source = _latest(content).with_suffix(".txt")
    original = source.read_text(encoding="utf-8")
    first = index(None, "a")
    assert len(runs) == 6 and len(first) == 6
    once = index("\n第一次改动。\n", "b")
    assert len(runs) == 1 and len(once) == 7 and set(first) < set(once)  # the last index's bundles kept too
    twice = index("\n第二次改动。\n", "c")
    assert len(runs) == 1 and len(twice) == 7 and not set(first) <= set(twice)  # the first edit's original gone
    undone = index("\n第一次改动。\n", "d")
    assert runs == [] and undone == twice  # back to the first edit: restored, nothing indexed
    assert _tree(tmp_path / "d") == _tree(tmp_path / "b")


def test_a_failed_incremental_build_leaves_the_site_as_it_was(content: Path, tmp_path: Path) -> None:
    from portal.errors import ContentError

    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    before = _tree(out)
    report = _latest(content)
    report.write_text(report.read_text(encoding="utf-8").replace("\nyear: ", "\nyear: 19", 1), encoding="utf-8")
    with pytest.raises(ContentError):
        _build(content, out, cache)
    assert _tree(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".site.inputs.json", "cache", "content", "site"]


def test_a_commit_killed_halfway_is_finished_by_the_next_build(tmp_path: Path) -> None:
    """The journal is written before the first rename: ``recover`` (run by every build, under the
    lock) finishes whatever the killed commit had not done."""
    from portal.output import JOURNAL, recover, siblings

    out = tmp_path / "site"
    staged, _ = siblings(out)
    for folder, files in ((out, {"a/page.html": "old", "same.html": "same", "gone.html": "stale"}),
                          (staged, {"a/page.html": "new", "b/added.html": "added", ".old-pagefind/x": "old index"})):
        for rel, text in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_text(text, encoding="utf-8")
    (out / "pagefind").mkdir()
    (out / "pagefind" / "x").write_text("new index", encoding="utf-8")  # swapped in before the kill
    (staged / JOURNAL).write_text(json.dumps({"stale": ["gone.html"], "whole": ["pagefind"]}), encoding="utf-8")

    recover(out)
    assert not staged.exists()
    assert {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()} == {
        "a/page.html": "new", "b/added.html": "added", "same.html": "same", "pagefind/x": "new index"}


def test_an_unchanged_site_is_left_alone(content: Path, tmp_path: Path) -> None:
    """Nothing changed: no report parsed, only the site-wide outputs produced, and not a file of the
    live site replaced (a deploy that syncs by inode or time uploads nothing), except the search
    index, which every build replaces whole (its catalog is written again, with the same bytes)."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    before = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file() and "pagefind" not in p.parts}
    again = _build(content, out, cache)
    assert (again.parsed, again.changed) == (0, 0)
    assert (again.search["indexed"], again.search["bundles"]) == (0, 1)  # copied from the cache
    always = [o.url for o in site_map(load_content(content), base_url=BASE) if o.agency is o.made_from is None]
    assert "/years/2023/" not in always and "/years/" not in always and "/data/reports.json" in always
    assert again.rendered == len(always)
    assert {p: p.stat().st_ino for p in out.rglob("*") if p.is_file() and "pagefind" not in p.parts} == before


def test_an_edited_text_reaches_the_next_years_pages(content: Path, tmp_path: Path) -> None:
    """A report's text is what its agency's next report is compared with (what changed since last
    year, repeats flagged on the year page): the next year's text appended to the middle year's of an
    agency's three makes that next report a 100 % repeat, on its own page and on its year's."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    slug = test_incremental._agency_with_years(load_content(content, workers=1))
    years = sorted((content / "reports" / slug).glob("*.txt"))
    middle = test_incremental._middle_year(content, slug).with_suffix(".txt")
    following = years[years.index(middle) + 1]
    middle.write_bytes(middle.read_bytes() + b"\n" + following.read_bytes())
    _build(content, out, cache)
    assert "repeat-flag" in (out / "years" / following.stem / "index.html").read_text(encoding="utf-8")
    _same_as_full(content, out, tmp_path)


def test_a_replaced_original_is_refused_as_in_a_full_build(content: Path, tmp_path: Path) -> None:
    """A kept original of its own (a PDF) is part of what a report's cached result read: replaced
    after its hash was recorded, the incremental build refuses it as a full build does."""
    report = _latest(content)
    original = report.with_name(f"{report.stem}.source.pdf")
    original.write_bytes(b"%PDF-1.4 as retrieved")
    sha = hashlib.sha256(original.read_bytes()).hexdigest()
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace("  retrieved: null\n",
                                   f"  retrieved: null\n  original_file: {original.name}\n  sha256: {sha}\n", 1),
                      encoding="utf-8")
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    original.write_bytes(b"%PDF-1.4 replaced later")
    with pytest.raises(ContentError) as refused:
        build_site(content, out, progress=False, base_url=BASE, cache=cache)
    assert [p.field for p in refused.value.problems] == ["source.sha256"]


def _built_then_retitled(content: Path, out: Path, cache: Path) -> tuple[Path, Site, Inputs]:
    """A site built with a cache, then one report's title edited: the report file, the content
    loaded as the next build loads it, and its inputs."""
    _build(content, out, cache)
    report = _latest(content)
    report.write_text(report.read_text(encoding="utf-8").replace("\ntitle: ", "\ntitle: 改过的", 1), encoding="utf-8")
    store = ParseStore(cache, code_version())
    return report, load_content(content, cache=store), Inputs.of(content, store.version, BASE, store.files)


def test_the_downloads_are_assembled_from_the_unchanged_agencies_fragments(content: Path, tmp_path: Path) -> None:
    """After a one-report edit, the site-wide downloads, and the key figures the home page sums, are
    made from the bytes the first build stored for every other agency (``fragments.FragmentStore``):
    only the edited agency's are computed, and each file is byte for byte the one made from the
    model alone."""
    from portal.downloads import coverage_csv, indicators_csv, reports_csv, reports_json, table3_csv, text_changes_csv
    from portal.fragments import FragmentStore
    from portal.sitecache import SiteCache

    out, cache = tmp_path / "site", tmp_path / "cache"
    report, site, inputs = _built_then_retitled(content, out, cache)
    fragments = FragmentStore(cache / "fragments", inputs.everything, inputs.reports)
    similarity = SiteCache(site).similarity
    downloads = {"reports.json": reports_json, "reports.csv": reports_csv, "table3.csv": table3_csv,
                 "indicators.csv": indicators_csv, "coverage.csv": coverage_csv,
                 "text_changes.csv": lambda site, f=None: text_changes_csv(site, similarity, f)}
    for name, produce in downloads.items():
        assembled = b"".join(produce(site, fragments))
        assert assembled == b"".join(produce(site)), name
        assert "改过的".encode() in assembled or name not in ("reports.json", "reports.csv")
    stored = SiteCache(site, stored=fragments)  # the home page's key figures, every report's
    stored.warm()
    assert stored.values == {r.key: SiteCache(site).value(r) for r in site.reports}
    # what the site-wide pages read (``pageinputs``): the edited agency's part computed, the others' stored
    assert page_inputs(site, SiteCache(site), fragments) == page_inputs(site, SiteCache(site), None)
    names = [*downloads, "values.pickle", "pageinputs.txt", "listed.pickle"]  # ``warm`` reads ``listedvalues`` too
    assert fragments.made == {name: {report.parent.name} for name in names}

    packs = {p.name: p.read_bytes() for p in (cache / "fragments").iterdir() if p.suffix != ".layout"}
    assert sorted(packs) == sorted(f"{name}.{part}" for name in names for part in ("index", "pack"))
    # where each agency's bytes lie in the live downloads (``FragmentStore.settled``), for the next build's spans
    assert sorted(p.name for p in (cache / "fragments").glob("*.layout")) == sorted(f"{n}.layout" for n in downloads)
    _build(content, out, cache)  # every agency's bytes stored by now: none computed, none stored
    assert {p.name: p.read_bytes() for p in (cache / "fragments").iterdir() if p.suffix != ".layout"} == packs
    _same_as_full(content, out, tmp_path)
    assert b"".join(downloads["reports.json"](site)) == (out / "data" / "reports.json").read_bytes()


def test_the_downloads_are_copied_from_the_live_files_but_the_changed_pieces(content: Path, tmp_path: Path) -> None:
    """After a one-report edit, the staged downloads are spans of the live files (``splice``) but for
    the edited agency's piece: reports.json is the full build's bytes; a file the edit leaves alone
    (table3.csv after a title edit) is not written at all; a live file changed behind the build's
    back (its identity no longer the recorded layout's) is not copied from, and the result is still right."""
    from portal.downloads import reports_json, table3_csv
    from portal.fragments import FragmentStore
    from portal.splice import Span, splice

    out, cache = tmp_path / "site", tmp_path / "cache"
    report, site, inputs = _built_then_retitled(content, out, cache)
    live = out / "data"

    def staged(produce: object, name: str) -> tuple[list[object], bytes | None]:
        fragments = FragmentStore(cache / "fragments", inputs.everything, inputs.reports, live=live)
        parts = list(produce(site, fragments))  # type: ignore[operator]
        target = tmp_path / f"staged-{name}"
        changed = splice(str(target), str(live / name), parts)
        return parts, target.read_bytes() if changed else None

    parts, data = staged(reports_json, "reports.json")
    spans = [p for p in parts if isinstance(p, Span)]
    assert len(spans) == len({r.agency.slug for r in site.reports}) - 1  # every agency's but the edited one
    assert data == b"".join(reports_json(site)) and "改过的".encode() in data
    assert staged(table3_csv, "table3.csv")[1] is None  # unchanged: nothing staged
    (live / "table3.csv").write_bytes((live / "table3.csv").read_bytes())  # same bytes, another file: no spans
    parts, data = staged(table3_csv, "table3.csv")
    assert not any(isinstance(p, Span) for p in parts) and data is None
    _build(content, out, cache)
    _same_as_full(content, out, tmp_path)


def test_a_pack_of_mostly_unused_pieces_is_written_again(tmp_path: Path) -> None:
    """A changed agency's piece is appended to its file's pack; once the pieces no longer used are
    more than an eighth of the pack, it is written again with the used ones only (same output)."""
    from portal.fragments import FragmentStore

    groups = [(f"a{i}", f"piece {i};".encode()) for i in range(10)]  # 8 bytes each

    def assemble(edits: dict[str, str]) -> tuple[set[str], int]:
        store = FragmentStore(tmp_path, "code", {f"a{i}/2023.yaml": "h" for i in range(10)} | edits)
        assert b"".join(store.pieces("x.csv", iter(groups), lambda piece: piece)) == b"".join(g for _, g in groups)
        return store.made["x.csv"], (tmp_path / "x.csv.pack").stat().st_size

    assert assemble({}) == ({f"a{i}" for i in range(10)}, 80)
    assert assemble({}) == (set(), 80)
    assert assemble({"a3/2023.yaml": "h2"}) == ({"a3"}, 88)  # 8 bytes unused of 88: kept
    assert assemble({"a3/2023.yaml": "h3"}) == ({"a3"}, 80)  # 16 of 96: written again
    assert assemble({"a3/2023.yaml": "h3"}) == (set(), 80)


def test_the_key_figures_are_read_from_the_store_one_agency_at_a_time(content: Path, tmp_path: Path) -> None:
    """An incremental build's ``SiteCache`` reads an agency's stored key figures when one of its
    reports' is first asked for, and no other agency's; an agency whose file changed has none stored
    (its key names the new bytes): its figures are computed, the changed one included."""
    from portal.figures import read_all
    from portal.fragments import FragmentStore
    from portal.sitecache import SiteCache

    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    granted = re.compile(r"\n  granted: \[(\d+), (.*), (\d+)\]")
    path = next(p for p in sorted((content / "reports").glob("*/*.yaml")) if granted.search(p.read_text("utf-8")))
    before = load_content(content, workers=1)
    path.write_text(granted.sub(lambda m: f"\n  granted: [{int(m[1]) + 1}, {m[2]}, {int(m[3]) + 1}]",
                                path.read_text(encoding="utf-8"), count=1), encoding="utf-8")
    store = ParseStore(cache, code_version())
    site = load_content(content, cache=store)
    inputs = Inputs.of(content, store.version, BASE, store.files)
    stored = SiteCache(site, stored=FragmentStore(cache / "fragments", inputs.everything, inputs.reports))
    edited = next(r for r in site.reports if r.yaml_path == path)
    other = next(r for r in site.reports if r.agency.slug != edited.agency.slug)
    assert stored.value(other) == read_all(other)
    assert set(stored.values) == {r.key for r in site.reports_of(other.agency.slug)}  # its agency's, no other
    assert stored.value(edited) == read_all(edited) != read_all(before.report(*edited.key))
    assert all(stored.value(r) == read_all(r) for r in site.reports)

    # a page summing every report: after ``one_at_a_time`` agencies read singly, every agency's at once
    # (the changed agency's computed and stored, the others' read), the same figures
    fragments = FragmentStore(cache / "fragments", inputs.everything, inputs.reports)
    summing = SiteCache(site, stored=fragments, one_at_a_time=2)
    assert [summing.value(r) for r in site.reports] == [read_all(r) for r in site.reports]
    assert len(summing.one_by_one) == 2 and fragments.made["values.pickle"] == {edited.agency.slug}


def test_a_commit_moves_large_replaced_files_to_the_trash_the_next_build_empties(tmp_path: Path) -> None:
    """A replaced live file of ``KEPT_FROM`` bytes or more is hard-linked into the trash before the
    rename (so the commit frees none of its blocks), the replaced search index is moved there, a
    small file is just replaced; ``empty_later`` deletes the trash (and one a killed build left)."""
    from portal.output import KEPT_FROM, commit_staged, empty_later, siblings, trash_sibling

    out = tmp_path / "site"
    staged, _ = siblings(out)
    big_old, big_new = b"o" * KEPT_FROM, b"n" * (KEPT_FROM + 1)
    for folder, files in ((out, {"data/big.json": big_old, "small.html": b"old", "pagefind/x": b"old index"}),
                          (staged, {"data/big.json": big_new, "small.html": b"new", "pagefind/x": b"new index"})):
        for rel, data in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(data)
    inode = (out / "data" / "big.json").stat().st_ino
    commit_staged(staged, out, [], ("pagefind",), trash=trash_sibling(out))
    assert {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()} == {
        "data/big.json": big_new, "small.html": b"new", "pagefind/x": b"new index"}
    trash = trash_sibling(out)
    kept = sorted(p for p in trash.rglob("*") if p.is_file())
    assert [p.read_bytes() for p in kept] == [big_old, b"old index"] and kept[0].stat().st_ino == inode
    left = tmp_path / f"{trash.name}-12345"  # a build killed while emptying
    left.mkdir()
    emptying = empty_later(trash)
    assert emptying is not None and emptying.wait() == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_an_unchanged_download_keeps_its_saved_layouts(content: Path, tmp_path: Path) -> None:
    """Each site-wide download's layout (where each agency's bytes lie) is saved with the file's
    identity, the two before kept for a build that failed. A rebuild that leaves the downloads as
    they were writes no layout file again, and the layouts kept name distinct files."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    report = _latest(content)
    report.write_text(re.sub(r"\ntitle: .*", "\ntitle: 改过的标题", report.read_text(encoding="utf-8"), count=1),
                      encoding="utf-8")
    _build(content, out, cache)
    files = sorted((cache / "fragments").glob("*.layout"))
    assert len(files) == 6

    def kept() -> dict[str, tuple[int, list[tuple[int, ...]]]]:
        return {f.name: (f.stat().st_mtime_ns, [identity for identity, _ in pickle.loads(f.read_bytes())[1]])
                for f in files}

    before = kept()
    titled = {"reports.json.layout", "reports.csv.layout"}  # the files that print a title: written again
    assert {name: len(ids) for name, (_, ids) in before.items()} == \
        {f.name: 2 if f.name in titled else 1 for f in files}
    _build(content, out, cache)
    assert kept() == before
    for _, ids in before.values():
        assert len(set(ids)) == len(ids)
