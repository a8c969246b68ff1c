"""Shared fixtures: the seed site built once per session, and scratch copies of the content.

The seed site (every real report in content/) is built once, without the search index, into a
temporary folder and read by many small tests (Lektor's ``built_demo``). Tests that need other
data copy content/ into a scratch folder and edit it (``scratch_content``), never the real one.
``weihai_content`` is content/ cut down to the five Weihai reports the site started from: the
search machinery's tests count bundles, slices and hits on a set that does not grow.
"""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent
CONTENT = ROOT / "content"
for entry in (str(ROOT), str(TESTS)):
    if entry not in sys.path:
        sys.path.insert(0, entry)

pytest_plugins = ["_chromium"]  # Debian's Chromium for browser tests: installed or loudly skipped

from portal.build import BuildResult, build_site  # noqa: E402
from portal.load import load_content  # noqa: E402
from portal.model import Site  # noqa: E402

SEED_002 = "/reports/weihai-torch-hitech-zone/2023/"
NO_TABLES = (
    "/reports/wendeng-gov-office/2022/",
    "/reports/wendeng-civil-affairs/2023/",
    "/reports/wendeng-science-tech/2022/",
    "/reports/wendeng-huanshan-subdistrict/2023/",
)


def url_file(site_dir: Path, url: str) -> Path:
    """The file a site-relative URL is served from, as a static host does."""
    path = url.split("#", 1)[0].split("?", 1)[0].lstrip("/")
    target = site_dir / path
    return target / "index.html" if path == "" or path.endswith("/") or target.is_dir() else target


@pytest.fixture(scope="session")
def seed_site() -> Site:
    return load_content(CONTENT)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    out = tmp_path_factory.mktemp("seed") / "site"
    result = build_site(CONTENT, out, search=False, progress=False)
    assert result.exit_code == 0
    return out, result


@pytest.fixture(scope="session")
def site_dir(built: tuple[Path, BuildResult]) -> Path:
    """The seed site, built once with search disabled."""
    return built[0]


@pytest.fixture(scope="session")
def soup(site_dir: Path) -> Callable[[str], BeautifulSoup]:
    """Parse a page of the seed site by its URL (cached: pages are read by many tests)."""
    cache: dict[str, BeautifulSoup] = {}

    def get(url: str) -> BeautifulSoup:
        if url not in cache:
            cache[url] = BeautifulSoup(url_file(site_dir, url).read_text(encoding="utf-8"), "html.parser")
        return cache[url]

    return get


SYNTHETIC_REPORTS = 300


def load_script(name: str) -> ModuleType:
    """A script of bench/ (not a package) as a module, e.g. ``load_script("make_corpus")``."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def synthetic_site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site of a few hundred synthetic reports (bench/make_corpus.py): many agencies, years,
    missing tables, failing sums and recorded null cells that the five seeds do not have."""
    corpus = load_script("make_corpus")
    work = tmp_path_factory.mktemp("synthetic")
    corpus.write_corpus(SYNTHETIC_REPORTS, work / "content", seed=7)
    result = build_site(work / "content", work / "site", search=False, progress=False)
    assert result.exit_code == 0
    return work / "site"


@pytest.fixture(scope="session", params=["seed", "synthetic"])
def published_site(request: pytest.FixtureRequest) -> Path:
    """Each site the soundness checks run on: the seeds, and a few hundred synthetic reports."""
    return request.getfixturevalue("site_dir" if request.param == "seed" else "synthetic_site_dir")


WEIHAI_SEEDS = ("weihai-torch-hitech-zone/2023", "wendeng-civil-affairs/2023", "wendeng-gov-office/2022",
                "wendeng-huanshan-subdistrict/2023", "wendeng-science-tech/2022")
"""The five reports of ../shared/seeds/, as reviewed in content/reports."""


@pytest.fixture(scope="session")
def weihai_content(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """content/ with only the five Weihai seed reports and their agencies."""
    import yaml

    from portal.yamlwrite import dump

    target = tmp_path_factory.mktemp("weihai") / "content"
    shutil.copytree(CONTENT, target)
    for folder in (target / "reports").iterdir():
        for report in folder.glob("*.yaml"):
            if f"{folder.name}/{report.stem}" not in WEIHAI_SEEDS:
                for part in folder.glob(f"{report.stem}.*"):
                    part.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()
    registry = yaml.safe_load((target / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    kept = {seed.split("/")[0] for seed in WEIHAI_SEEDS}
    (target / "agencies.yaml").write_text(dump({"agencies": [a for a in registry if a["slug"] in kept]}),
                                          encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def browser(chromium_executable: str) -> Iterator[object]:
    """Debian's Chromium through Playwright, one a test module (the flags are in tests/browser.py)."""
    from browser import launch_chromium
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.fixture()
def scratch_content(tmp_path: Path) -> Path:
    """A private copy of content/ that a test may edit."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


@pytest.fixture
def empty_content(tmp_path: Path) -> Path:
    """content/ with the real registry and no reports (what ingest writes into)."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    shutil.rmtree(content / "reports")
    (content / "reports").mkdir()
    return content


def drop_original(yaml_path: Path) -> None:
    """For a test that rewrites a real report's source text: the text is then no longer the file
    as retrieved, so its YAML stops naming it as the original (and its recorded hash)."""
    lines = yaml_path.read_text(encoding="utf-8").splitlines(keepends=True)
    yaml_path.write_text("".join(line for line in lines if not line.startswith(("  original_file:", "  sha256:"))),
                         encoding="utf-8")


def counted_pagefind() -> tuple[list[Path], Callable[[Path], Awaitable[None]]]:
    """A real Pagefind run (``Indexing.run_pagefind``) that also records the staging folder of
    every bundle it indexes: the list, and the function to pass as ``run_pagefind``."""
    from portal.searchbundles import Indexing

    runs: list[Path] = []
    real = Indexing().run_pagefind

    async def counted(staging: Path) -> None:
        runs.append(staging)
        await real(staging)

    return runs, counted


def html_pages(site_dir: Path) -> Iterator[Path]:
    yield from sorted(site_dir.rglob("*.html"))


def text_of(node) -> str:  # noqa: ANN001 - a BeautifulSoup node
    return " ".join(node.get_text(" ").split())
