"""The dev server's cheap rebuild gives exactly the site a full rebuild gives.

A save under ``reports/<slug>/`` re-parses only the files whose stamps changed (``ParseCache``)
and renders only that agency's files, then the site-wide ones (``devbuild.Rebuilder``). These tests
edit a synthetic corpus (several years per agency, so the cross-year checks and the previous /
next links are exercised) and then ask a full ``write_site`` what is still different: nothing
may be.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from portal import devbuild
from portal.build import write_site
from portal.load import ParseCache, load_content
from portal.model import Site
from portal.sitemap import site_map
from tests.conftest import load_script


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    content = tmp_path_factory.mktemp("incremental") / "content"
    load_script("make_corpus").write_corpus(60, content, seed=11)
    return content


@pytest.fixture()
def content(pristine: Path, tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(pristine, target)
    return target


def _agency_with_years(site: Site) -> str:
    """An agency with at least three years whose middle year has table 3: that report has a
    previous and a next report, and a carried-over figure the next year is checked against."""
    counts: dict[str, int] = {}
    for report in site.reports:
        counts[report.agency.slug] = counts.get(report.agency.slug, 0) + 1
    return next(slug for slug, n in counts.items()
                if n >= 3 and "carried_over: [" in _middle_year(site.content_dir, slug).read_text(encoding="utf-8"))


def _edit(path: Path, old: str, new: str) -> None:
    """Replace text and move the stamp on, as an editor's save does (even within one clock tick)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))


def _middle_year(content: Path, slug: str) -> Path:
    years = sorted((content / "reports" / slug).glob("*.yaml"))
    return years[len(years) // 2]


@dataclass
class Written:
    """A site the dev server's builder wrote from ``content``, and the report the test changes."""

    rebuild: devbuild.Rebuilder
    out: Path
    slug: str
    yaml_path: Path

    def scoped_write(self) -> int:
        """What the dev server does after a save of that report: the agency's files, then the
        site-wide pages, then (in the indexer thread) the site-wide downloads. Files written."""
        first = self.rebuild((str(self.yaml_path),))
        assert first.error is None and first.then is not None, first.error
        rest = first.then()
        assert rest.error is None, rest.error
        self.rebuild.output.write_downloads(rest.site)
        return first.written + rest.written

    def page(self, url: str) -> Path:
        return self.out / url.strip("/") / "index.html"


@pytest.fixture()
def written(content: Path, tmp_path: Path) -> Written:
    rebuild = devbuild.Rebuilder(content, devbuild.DevOutput(tmp_path / "site"))
    assert rebuild().error is None
    site = load_content(content)
    slug = _agency_with_years(site)
    return Written(rebuild, tmp_path / "site", slug, _middle_year(content, slug))


def _nothing_left(content: Path, out: Path) -> bool:
    """A full write of the site finds nothing the scoped build missed."""
    return write_site(load_content(content), out, keep=devbuild.DEV_KEEP) == []


def test_a_scoped_write_leaves_nothing_for_a_full_write(content: Path, written: Written) -> None:
    yaml_path = written.yaml_path
    # a new title and a changed carried-over figure: the report, its agency page, the next
    # year's cross-year check and the site-wide totals all change
    _edit(yaml_path, "\ntitle:", "\ntitle: 改过的标题")
    carried = re.search(r"carried_over: \[(\d+)", yaml_path.read_text(encoding="utf-8"))
    assert carried
    _edit(yaml_path, carried.group(0), f"carried_over: [{int(carried.group(1)) + 7}")

    assert written.scoped_write() > 0
    assert "改过的标题" in written.page(f"reports/{written.slug}/{yaml_path.stem}").read_text(encoding="utf-8")
    assert "改过的标题" in written.page(f"agencies/{written.slug}").read_text(encoding="utf-8")
    assert _nothing_left(content, written.out)


def test_deleting_a_report_deletes_its_files_in_a_scoped_write(content: Path, written: Written) -> None:
    written.yaml_path.unlink()
    written.yaml_path.with_suffix(".txt").unlink()
    report_page = written.page(f"reports/{written.slug}/{written.yaml_path.stem}")
    assert report_page.is_file()
    assert written.scoped_write() > 0
    assert not report_page.parent.exists()
    assert _nothing_left(content, written.out)


def test_a_cached_load_is_a_fresh_load(content: Path) -> None:
    """Edits to a YAML file and to a source text alone are both seen; unchanged files are reused."""
    cache = ParseCache()
    load_content(content, cache=cache)
    site = load_content(content)
    slug = _agency_with_years(site)
    yaml_path = _middle_year(content, slug)
    _edit(yaml_path, "\ntitle:", "\ntitle: 新")
    source = yaml_path.with_suffix(".txt")
    _edit(source, "\n", "\n加了一行\n")

    cached, fresh = load_content(content, cache=cache), load_content(content)
    assert [(r.key, r.data, r.text, r.checks) for r in cached.reports] == \
           [(r.key, r.data, r.text, r.checks) for r in fresh.reports]
    edited = next(r for r in cached.reports if r.yaml_path == yaml_path)
    assert edited.title.startswith("新") and "加了一行" in edited.text

    unchanged = next(r for r in site.reports if r.agency.slug != slug)
    assert cache.get(unchanged.yaml_path) is not None  # reused, not parsed again


def test_a_broken_source_text_is_not_served_from_the_cache(content: Path) -> None:
    cache = ParseCache()
    site = load_content(content, cache=cache)
    source = site.reports[0].source_path
    source.write_bytes(b"\xef\xbb\xbf" + source.read_bytes())
    with pytest.raises(Exception, match="字节顺序标记（BOM）"):
        load_content(content, cache=cache)


def test_saves_map_to_the_agencies_they_can_change(tmp_path: Path) -> None:
    content = tmp_path / "content"
    assert devbuild.agencies_touched(content, [str(content / "reports/a/2023.yaml"),
                                            str(content / "reports/b/2022.txt")]) == {"a", "b"}
    for shared in ("agencies.yaml", "pages/about.md", "reports/stray.yaml"):
        assert devbuild.agencies_touched(content, [str(content / shared)]) is None
    assert devbuild.agencies_touched(content, [str(tmp_path / "templates/base.html")]) is None


def test_the_dev_build_catches_up_on_agencies_a_failed_build_skipped(content: Path, tmp_path: Path) -> None:
    """Save A broken (nothing written), then save B: the good build must write A's fix too."""
    out = tmp_path / "site"
    rebuild = devbuild.Rebuilder(content, devbuild.DevOutput(out))
    assert rebuild().error is None
    site = load_content(content)
    slugs = list(dict.fromkeys(r.agency.slug for r in site.reports))
    a, b = (_middle_year(content, s) for s in slugs[:2])

    _edit(a, "\ntitle:", "\ntitle: 甲")
    _edit(b, "\nyear:", "\nyear: [")
    assert rebuild((str(a), str(b))).error is not None
    _edit(b, "\nyear: [", "\nyear:")
    outcome = rebuild((str(b),))
    assert outcome.error is None and outcome.then is not None
    assert "甲" in (out / f"reports/{slugs[0]}/{a.stem}/index.html").read_text(encoding="utf-8")
    # the first part reloads the pages of the agencies saved, the second the site-wide pages
    assert outcome.pages and outcome.pages(f"reports/{slugs[0]}/{a.stem}/") and outcome.pages(f"agencies/{slugs[1]}/")
    assert not outcome.pages(f"agencies/{slugs[2]}/") and not outcome.pages("years/2023/")
    rest = outcome.then()
    assert rest.error is None and rest.then is None and rest.written > 0
    assert rest.pages and rest.pages("") and rest.pages("years/2023/") and not rest.pages(f"agencies/{slugs[0]}/")
    # the downloads are written after the reload, by the indexer thread
    rebuild.output.write_downloads(outcome.site)
    assert _nothing_left(content, out)


def test_site_downloads_are_the_data_files_only(seed_site: Site) -> None:
    downloads = {o.path for o in site_map(seed_site) if o.site_download}
    assert {"data/reports.json", "data/table3.csv"} <= downloads
    assert "data/index.html" not in downloads
    assert not any(p.startswith("reports/") and p.endswith("report.json") for p in downloads)
