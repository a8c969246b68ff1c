"""A crawl of the built site: every internal href and src resolves to a file, and every
#fragment to an id on the target page. Zero broken links."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup
from conftest import html_pages, url_file

from portal.render import DEFAULT_BASE_URL


def internal_links(page: BeautifulSoup) -> list[str]:
    links = []
    for tag in page.find_all(["a", "link", "script", "img", "form"]):
        for attr in ("href", "src", "action"):
            value = tag.get(attr)
            if not value:
                continue
            if value.startswith(DEFAULT_BASE_URL):  # canonical links point at the deployed site
                value = value[len(DEFAULT_BASE_URL):] or "/"
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or value.startswith("mailto:"):
                continue
            links.append(value)
    return links


def test_zero_broken_links(published_site: Path) -> None:
    site_dir = published_site
    ids: dict[Path, set[str]] = {}
    pages = {path: BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser") for path in html_pages(site_dir)}
    for path, page in pages.items():
        ids[path] = {el["id"] for el in page.find_all(id=True)}
    broken: list[str] = []
    checked = 0
    for path, page in pages.items():
        here = "/" + path.relative_to(site_dir).as_posix()
        for link in internal_links(page):
            checked += 1
            target_url, _, fragment = link.partition("#")
            if target_url == "":
                target = path
            elif target_url.startswith("/"):
                target = url_file(site_dir, unquote(target_url))
            else:
                broken.append(f"{here}: relative link {link} (all site links are root-relative)")
                continue
            if not target.is_file():
                broken.append(f"{here}: {link} → no file {target.relative_to(site_dir)}")
            elif fragment and target.suffix == ".html" and unquote(fragment) not in ids[target]:
                broken.append(f"{here}: {link} → no id {fragment!r}")
    assert not broken, "\n".join(broken)
    assert checked > 500  # the crawl really crawled


def test_every_page_is_reachable_from_the_home_page(site_dir: Path) -> None:
    seen: set[Path] = set()
    todo = [site_dir / "index.html"]
    while todo:
        path = todo.pop()
        if path in seen or path.suffix != ".html":
            continue
        seen.add(path)
        page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for link in internal_links(page):
            target = url_file(site_dir, link.partition("#")[0] or "/" + path.relative_to(site_dir).as_posix())
            if target.is_file():
                todo.append(target)
    unreachable = {p.relative_to(site_dir).as_posix() for p in html_pages(site_dir)} - \
        {p.relative_to(site_dir).as_posix() for p in seen}
    assert unreachable <= {"404.html"}
