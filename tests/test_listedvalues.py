"""The small values the pages listing a year or the site read of each report (``listedvalues``:
the granted share's parts, the refusal reasons, the indicators, the repeats of last year's text),
stored per agency: an add and a delete publish the full build's bytes, the stored values are the
ones computed from the reports, no report's data is unpickled to read them, and another code
version's store is not read."""

from __future__ import annotations

import json
from pathlib import Path

from portal.buildcache import Inputs, ParseStore, code_version
from portal.comparepages import reasons_json
from portal.figures import share_parts
from portal.fragments import FragmentStore
from portal.listedvalues import PIECE
from portal.load import load_content
from portal.model import Site
from portal.sitecache import SiteCache
from tests import test_incremental
from tests.test_incremental_build import BASE, _build, _same_as_full

pristine, content = test_incremental.pristine, test_incremental.content  # the same synthetic corpus (fixtures)

ZERO = "state_secret: [0, 0, 0, 0, 0, 0, 0]"


def _stored(content: Path, cache: Path, version: str) -> tuple[Site, SiteCache, FragmentStore]:
    """The site as an incremental build loads it (stored reports), with the fragment store of
    ``version``'s code."""
    store = ParseStore(cache, code_version())
    site = load_content(content, cache=store)
    inputs = Inputs.of(content, version, BASE, store.files)
    fragments = FragmentStore(cache / "fragments", inputs.everything, inputs.reports)
    return site, SiteCache(site, stored=fragments), fragments


def _reasons_row(out: Path, slug: str, year: int) -> list | None:
    data = json.loads((out / "data" / "reasons.json").read_text(encoding="utf-8"))
    return next((row for row in data["reports"] if data["agencies"][row[0]][0] == slug and row[1] == year), None)


def test_a_deleted_then_added_report_is_listed_as_in_a_full_build(content: Path, tmp_path: Path) -> None:
    """A newest-year report with table 3 deleted, then added back with 7 refusals for state secrets:
    each publish renders the year page, the rankings, /indicators/, /reasons/, reasons.json and the
    home page from the stored values of the other agencies and the computed ones of this agency,
    and the site is the full build's byte for byte. The added report's values are stored by that
    publish: the next build computes none."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    path = next(p for p in sorted((content / "reports").glob("*/2024.yaml")) if ZERO in p.read_text("utf-8"))
    slug, text, source = path.parent.name, path.read_text(encoding="utf-8"), path.with_suffix(".txt").read_bytes()
    assert _reasons_row(out, slug, 2024)[3][0] == 0  # 属于国家秘密

    path.unlink()
    path.with_suffix(".txt").unlink()
    _build(content, out, cache)
    assert _reasons_row(out, slug, 2024) is None
    _same_as_full(content, out, tmp_path / "deleted")

    path.write_text(text.replace(ZERO, "state_secret: [7, 0, 0, 0, 0, 0, 7]", 1), encoding="utf-8")
    path.with_suffix(".txt").write_bytes(source)
    _build(content, out, cache)
    assert _reasons_row(out, slug, 2024)[3][0] == 7
    _same_as_full(content, out, tmp_path / "added")

    site, stored, fragments = _stored(content, cache, code_version())
    assert reasons_json(site, stored) == (out / "data" / "reasons.json").read_bytes()
    assert fragments.made[PIECE] == set()  # every agency's stored, the added report's agency's by its publish
    assert [r.key for r in site.reports if "data" in r.__dict__ or "indicators" in r.__dict__] == []  # not unpickled
    added = site.report(slug, 2024)
    assert stored.reasons(added).counts[0] == 7
    computed = SiteCache(site)
    assert [stored.share_parts(r) for r in site.reports] == [share_parts(r) for r in site.reports]
    assert [stored.indicators(r) for r in site.reports] == [r.indicators for r in site.reports]
    assert [stored.repeats(r) for r in site.reports] == [computed.similarity(r) for r in site.reports]
    assert any(stored.repeats(r).share for r in site.reports)  # repeats to list, not only "nothing to compare"


def test_the_listed_values_are_not_read_from_another_code_versions_store(content: Path, tmp_path: Path) -> None:
    """The pieces are keyed by ``Inputs.everything`` (code version, registry, base URL): under another
    code version every agency's values are computed again from the reports (and equal them)."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    _build(content, out, cache)
    site, stored, fragments = _stored(content, cache, "another code version")
    report = site.reports[0]
    assert stored.reasons(report).counts == SiteCache(site).reasons(report).counts
    assert fragments.made[PIECE] == {a.slug for a in site.agencies if site.reports_of(a.slug)}
    assert "data" in report.__dict__  # read from the report itself
