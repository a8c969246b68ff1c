"""A search bundle is indexed again exactly when what it is made from changed, and its bytes are then
a full index's.

``searchcache.BundleStore`` keys a bundle by its reports' file hashes (known from loading,
``ParseStore.files``), their records' URL and meta, and the pages' documents, without making any
report's document; ``searchcuts`` cuts bundles where the reports themselves say, so adding or
deleting one report re-indexes the bundle that holds it (rarely one more). Each test changes one
input of a synthetic corpus, indexes with the cache, counts the Pagefind runs and compares the
index with one made from scratch without a cache: a key that missed an input would serve a stale
bundle, and the comparison would show it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from portal.buildcache import ParseStore
from portal.load import load_content
from portal.search import index_site
from portal.searchbundles import Bundle, Indexing
from portal.searchcache import BundleStore, bundle_key
from portal.searchcuts import Cuts
from portal.searchrecords import BUNDLE, ReportRecord, plan_shards
from tests import test_incremental
from tests.test_incremental_build import _latest, _tree, add_next_year

pristine, content = test_incremental.pristine, test_incremental.content  # the same synthetic corpus (fixtures)
BUNDLE_REPORTS = 15  # 60 reports in five or six bundles
CUTS = {"bundle_reports": BUNDLE_REPORTS}
VERSION = "v1"


class Indexer:
    """Indexes a content folder as the build does with a cache, counting Pagefind's runs."""

    def __init__(self, content: Path, tmp_path: Path) -> None:
        self.content, self.tmp, self.cache, self.runs, self.count = content, tmp_path, tmp_path / "cache", 0, 0
        self.real = Indexing().run_pagefind

    async def counted(self, staging: Path) -> None:
        self.runs += 1
        await self.real(staging)

    def index(self) -> Path:
        """Index with the cache; the index's folder. ``runs``: Pagefind runs this time."""
        self.runs, self.count = 0, self.count + 1
        store = ParseStore(self.cache, VERSION)
        site = load_content(self.content, workers=1, cache=store)
        store.save()
        assert len(store.files) == len(site.reports)  # every record keyed by its files, none by its text
        out = self.tmp / f"cached-{self.count}"
        index_site(site, out, **CUTS, indexing=Indexing(
            workers=1, run_pagefind=self.counted, store=BundleStore(self.cache, VERSION, files=store.files)))
        return out

    def same_as_full(self, out: Path) -> None:
        full = self.tmp / f"full-{self.count}"
        index_site(load_content(self.content, workers=1), full, **CUTS, indexing=Indexing(workers=1))
        ours, theirs = _tree(out), _tree(full)
        assert sorted(ours) == sorted(theirs)
        assert [rel for rel in theirs if ours[rel] != theirs[rel]] == []


def _bundles_of(content: Path, slug: str) -> set[Path]:
    """The bundles holding the agency's page and its reports' records."""
    return {s.bundle for s in plan_shards(load_content(content, workers=1), **CUTS)
            for r in s.records if f"/{slug}/" in r.url}


def _edit(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed = re.sub(pattern, new, text, count=1)
    assert changed != text, pattern
    path.write_text(changed, encoding="utf-8")


def _registry_entry(content: Path, slug: str, field: str, new: str) -> None:
    """Replace a field of one agency in the registry (the entry that follows ``slug:``)."""
    _edit(content / "agencies.yaml", rf"(- slug: {re.escape(slug)}\n(?:    .*\n)*?    {field}: ).*", rf"\g<1>{new}")


def _text(report: Path) -> None:
    source = report.with_suffix(".txt")
    source.write_text(source.read_text(encoding="utf-8") + "\n新增的一句话：征地拆迁补偿公示。\n", encoding="utf-8")


def _title(report: Path) -> None:
    _edit(report, r"\ntitle: .*", "\ntitle: 改过的标题")


def _name(report: Path) -> None:
    _registry_entry(report.parents[2], report.parent.name, "name", "改过名字的局")


def _jurisdiction(report: Path) -> None:
    _registry_entry(report.parents[2], report.parent.name, "jurisdiction", "[山东省, 威海市, 环翠区]")


def _kind(report: Path) -> None:
    _registry_entry(report.parents[2], report.parent.name, "kind", "人民政府")


@pytest.mark.parametrize("change", [_text, _title, _name, _jurisdiction, _kind], ids=lambda f: f.__name__[1:])
def test_each_input_of_a_record_indexes_its_bundles_again(content: Path, tmp_path: Path,
                                                          change: Callable[[Path], None]) -> None:
    indexer = Indexer(content, tmp_path)
    indexer.index()
    assert indexer.runs >= 5
    report = _latest(content)
    holding = _bundles_of(content, report.parent.name)
    change(report)
    out = indexer.index()
    # the text and the title reach the report's bundle only; the registry reaches every bundle
    # holding one of the agency's reports, and the primary bundle (its agency page)
    assert indexer.runs == (1 if change in (_text, _title) else len(holding | {BUNDLE}))
    indexer.same_as_full(out)
    again = indexer.index()
    assert indexer.runs == 0
    assert _tree(again) == _tree(out)


def _add(content: Path) -> None:
    add_next_year(content)


def _delete(content: Path) -> None:
    report = _latest(content)
    report.unlink()
    report.with_suffix(".txt").unlink()


@pytest.mark.parametrize("change", [_add, _delete], ids=["add", "delete"])
def test_adding_or_deleting_a_report_indexes_one_or_two_bundles_again(content: Path, tmp_path: Path,
                                                                      change: Callable[[Path], None]) -> None:
    """With bundles of equal size, one report more or less moved every later boundary, and every
    later bundle was indexed again."""
    indexer = Indexer(content, tmp_path)
    indexer.index()
    bundles = indexer.runs
    assert bundles >= 5
    change(content)
    out = indexer.index()
    assert 1 <= indexer.runs <= 2
    indexer.same_as_full(out)


def test_a_bundle_is_keyed_without_making_a_document(content: Path, tmp_path: Path) -> None:
    """The key reads the report files' hashes, not the text: a record whose document cannot be made
    is keyed all the same, and a different hash of one file changes its bundle's key only."""
    store = ParseStore(tmp_path / "cache", VERSION)
    site = load_content(content, workers=1, cache=store)

    class Unmade(ReportRecord):
        def make_document(self) -> str:
            raise AssertionError("a document made to key a bundle")

        def source(self) -> str:
            raise AssertionError("a report's text read to key a bundle")

    shards = [s for s in plan_shards(site, bundle_reports=BUNDLE_REPORTS) if s.key != "pages"]
    for shard in shards:
        shard.records[:] = [Unmade(r.report, r.slice_key) for r in shard.records if isinstance(r, ReportRecord)]
    bundles = [Bundle(s.bundle, [s], tmp_path, tmp_path) for s in shards]
    keys = [bundle_key(VERSION, b, store.files) for b in bundles]
    first = bundles[0].shards[0].records[0].origin
    assert first is not None
    files = {**store.files, first: ("another", "hash")}
    assert [k == bundle_key(VERSION, b, files) for k, b in zip(keys, bundles, strict=True)] == \
        [False] + [True] * (len(bundles) - 1)


def test_cuts_move_only_near_a_change() -> None:
    """Content-defined cuts: one key inserted anywhere changes at most the parts around it, and
    every part holds between the minimum and the maximum (the last may be shorter)."""
    keys = [f"agency-{i:05d}/{2019 + i % 6}" for i in range(20_000)]
    cuts = Cuts(840, "bundle")

    def parts(ks: list[str]) -> set[tuple[str, ...]]:
        out, start = set(), 0
        for length in cuts.lengths(ks):
            out.add(tuple(ks[start:start + length]))
            start += length
        return out

    lengths = cuts.lengths(keys)
    assert sum(lengths) == len(keys) and max(lengths) <= 840 and min(lengths[:-1]) >= cuts.minimum == 560
    assert 620 <= len(keys) / len(lengths) <= 740  # about 0.8 of the maximum: as many bundles as equal cuts of 700
    before = parts(keys)
    for at in range(0, 20_000, 997):
        assert len(parts(keys[:at] + ["new/2024"] + keys[at:]) - before) <= 3, at
        assert len(parts(keys[:at] + keys[at + 1:]) - before) <= 3, at
