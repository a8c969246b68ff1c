"""Provenance on every report page: the official address, the retrieval date, the original as
retrieved with its SHA-256 and its download, the hash of the source text, the citation line, and
cell permalinks a browser scrolls to and highlights.

The expected addresses and hashes come from outside the portal: the corpus folders' ORIGIN.md
and page.txt, and the seed files (../shared), read by the test itself."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import CONTENT, SEED_002, url_file
from test_ingest import incoming

from portal.cli import main
from portal.ingest import run
from portal.load import load_content
from portal.render import DEFAULT_BASE_URL
from portal.sitemap import report_downloads

SHARED = CONTENT.parent.parent / "shared"
ORIGINAL_PAGE = re.compile(r"^- Original page: (\S+)$", re.M)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def corpus_originals() -> dict[str, tuple[str, bytes]]:
    """The official address and the retrieved bytes of each Pingtan report, by address."""
    out = {}
    for origin in sorted((SHARED / "corpus").glob("*/ORIGIN.md")):
        url = ORIGINAL_PAGE.search(origin.read_text(encoding="utf-8"))
        assert url, origin
        out[url.group(1)] = (origin.parent.name, (origin.parent / "page.txt").read_bytes())
    return out


def facts(page: BeautifulSoup) -> dict[str, str]:
    section = page.select_one("section.provenance")
    return {div.dt.get_text(strip=True): " ".join(div.dd.get_text(" ").split()) for div in section.select("dl div")}


REPORTS = sorted((CONTENT / "reports").glob("*/*.yaml"))


@pytest.mark.parametrize("path", REPORTS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_real_report_page_shows_where_its_text_came_from(path: Path, soup, site_dir: Path, seed_site) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    url = f"/reports/{data['agency']}/{data['year']}/"
    page = soup(url)
    shown = facts(page)
    text = path.with_suffix(".txt").read_bytes()
    if data["source"]["url"]:  # every Pingtan report: the address ORIGIN.md gives
        assert page.select_one("a.source-url")["href"] == data["source"]["url"] == shown["原文网址"]
    else:  # the Weihai seeds: no address known, and the page says so
        assert shown["原文网址"] == "未记录（整理时没有记下原文的网址）"
        assert page.select_one("a.source-url") is None
    assert shown["获取日期"] == "未记录（整理时没有记下获取原文的日期）"
    # the original is the source text itself, kept byte for byte; its hash is on the page, checked
    assert page.select_one("#original-sha256").get_text() == sha(text) == page.select_one("#text-sha256").get_text()
    assert f"original.txt （{len(text)} 字节）" in shown["原始文件"] and "获取时记录，每次构建核验" in shown["原始文件"]
    assert "（与原始文件相同）" in shown["原文文本"]
    download = page.select_one('section.provenance a[download]')["href"]
    assert download == f"{url}original.txt" and url_file(site_dir, download).read_bytes() == text
    assert f"{url}original.txt" in {o.url for o in report_downloads(seed_site.report(data["agency"], data["year"]))}
    title = page.select_one("h1").get_text()
    agency = page.select_one(".report-header .kicker a").get_text()
    assert page.select_one("#cite-line").get_text() == (
        f"{agency}：《{title}》（{data['year']}年度）。政府信息公开年报库，{DEFAULT_BASE_URL}{url}。"
        f"原文网址：{data['source']['url'] or '未记录'}；获取日期未记录。")
    # the copy button needs the script: hidden in the HTML, so no dead button without it
    assert page.select_one("button.copy[data-copy=cite-line]").has_attr("hidden")


def test_pingtan_addresses_and_hashes_are_those_of_the_corpus() -> None:
    """Each Pingtan report's address is the one its ORIGIN.md states, and its kept original is
    the archive's page.txt, byte for byte (the hash recorded in the YAML is that file's)."""
    if not SHARED.is_dir():
        pytest.skip("../shared (the corpus) is not beside this checkout")
    originals = corpus_originals()
    pingtan = [p for p in REPORTS if p.parent.name.startswith("pingtan")]
    assert len(pingtan) == len(originals) == 14
    for path in pingtan:
        source = yaml.safe_load(path.read_text(encoding="utf-8"))["source"]
        folder, raw = originals[source["url"]]
        assert source["sha256"] == sha(raw) == sha(path.with_suffix(".txt").read_bytes()), folder


def test_weihai_seeds_are_kept_as_the_seed_files() -> None:
    if not SHARED.is_dir():
        pytest.skip("../shared (the seeds) is not beside this checkout")
    for name in ("weihai-torch-hitech-zone/2023", "wendeng-civil-affairs/2023", "wendeng-gov-office/2022",
                 "wendeng-huanshan-subdistrict/2023", "wendeng-science-tech/2022"):
        source = yaml.safe_load((CONTENT / "reports" / f"{name}.yaml").read_text(encoding="utf-8"))["source"]
        assert source["sha256"] == sha((SHARED / "seeds" / source["original_name"]).read_bytes()), name
        assert source["url"] is None and source["retrieved"] is None  # the seeds state neither


def test_a_changed_original_is_an_error_naming_file_line_and_field(scratch_content: Path, capsys) -> None:
    source = scratch_content / "reports/weihai-torch-hitech-zone/2023.txt"
    source.write_bytes(source.read_bytes().replace(b"34240", b"34241", 1))
    assert main(["check", "--content", str(scratch_content)]) == 1
    err = capsys.readouterr().err
    recorded = sha((CONTENT / "reports/weihai-torch-hitech-zone/2023.txt").read_bytes())
    assert (f"content/reports/weihai-torch-hitech-zone/2023.yaml:15: source.sha256: 原始文件 2023.txt 的 SHA-256 是 "
            f"{sha(source.read_bytes())}，与记录的 {recorded} 不符") in err


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("original_file: 2023.txt", "original_file: 2023.source.pdf",
     "2023.yaml:14: source.original_file: YAML 旁边没有原始文件 2023.source.pdf"),
    ("sha256: ", "sha256: ABC", "2023.yaml:15: source.sha256: 应为 64 位小写十六进制的 SHA-256，实际是 "),
    ("  original_file: 2023.txt\n", "", "2023.yaml:14: source.sha256: 记录了 SHA-256，却没有原始文件"),
])
def test_bad_original_fields_are_refused(scratch_content: Path, capsys, old: str, new: str, expected: str) -> None:
    path = scratch_content / "reports/weihai-torch-hitech-zone/2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    assert main(["check", "--content", str(scratch_content)]) == 1
    assert f"content/reports/weihai-torch-hitech-zone/{expected}" in capsys.readouterr().err


def test_a_report_without_a_kept_original_says_so(scratch_content: Path, tmp_path: Path) -> None:
    from portal.build import build_site

    path = scratch_content / "reports/weihai-torch-hitech-zone/2023.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"  original_file: .*\n  sha256: .*\n", "", text), encoding="utf-8")
    assert build_site(scratch_content, tmp_path / "site", search=False, progress=False).exit_code == 0
    page = BeautifulSoup(url_file(tmp_path / "site", SEED_002).read_text(encoding="utf-8"), "html.parser")
    assert facts(page)["原始文件"] == "本站没有保存原始文件"
    assert not (tmp_path / "site" / SEED_002.lstrip("/") / "original.txt").exists()


# ---------------------------------------------------------------- ingest keeps the original


def test_ingest_records_the_hash_of_a_word_original(empty_content: Path, tmp_path: Path) -> None:
    from test_extract_formats import docx_bytes

    raw = docx_bytes()
    assert run([str(incoming(tmp_path, "年报.docx", raw)), "--content", str(empty_content)]) == 0
    folder = empty_content / "reports/weihai-torch-hitech-zone"
    source = yaml.safe_load((folder / "2023.yaml").read_text(encoding="utf-8"))["source"]
    assert (source["original_file"], source["sha256"]) == ("2023.source.docx", sha(raw))
    report = load_content(empty_content).report("weihai-torch-hitech-zone", 2023)
    assert report is not None and report.original_url == "/reports/weihai-torch-hitech-zone/2023/original.docx"


def test_ingest_keeps_a_text_in_another_encoding_as_it_came(empty_content: Path, tmp_path: Path) -> None:
    text = (CONTENT / "reports/wendeng-civil-affairs/2023.txt").read_text(encoding="utf-8")
    raw = text.encode("gb18030")
    assert run([str(incoming(tmp_path, "民政.txt", raw)), "--content", str(empty_content)]) == 0
    folder = empty_content / "reports/wendeng-civil-affairs"
    source = yaml.safe_load((folder / "2023.yaml").read_text(encoding="utf-8"))["source"]
    assert (source["original_file"], source["sha256"]) == ("2023.source.txt", sha(raw))
    assert (folder / "2023.source.txt").read_bytes() == raw
    assert (folder / "2023.txt").read_text(encoding="utf-8") == text


def test_reingest_from_another_format_sets_the_old_original_aside(empty_content: Path, tmp_path: Path,
                                                                   capsys) -> None:
    from test_extract_formats import docx_bytes

    folder = empty_content / "reports/weihai-torch-hitech-zone"
    assert run([str(incoming(tmp_path, "年报.docx", docx_bytes())), "--content", str(empty_content)]) == 0
    utf8 = (folder / "2023.txt").read_bytes()
    assert run([str(incoming(tmp_path, "年报.txt", utf8)), "--content", str(empty_content)]) == 0
    source = yaml.safe_load((folder / "2023.yaml").read_text(encoding="utf-8"))["source"]
    assert (source["original_file"], source["sha256"]) == ("2023.txt", sha(utf8))
    assert not (folder / "2023.source.docx").exists()
    assert [p.name.split("-")[0] for p in folder.glob("2023.source.docx.replaced-*")] == ["2023.source.docx.replaced"]
    assert "旧的原始文件 2023.source.docx 已改名为 2023.source.docx.replaced-" in capsys.readouterr().out
    load_content(empty_content)


# ---------------------------------------------------------------- cell permalinks in a browser


def test_a_cell_address_scrolls_to_the_cell_and_highlights_it(browser, site_dir: Path) -> None:
    from browser import serve_directory

    with serve_directory(site_dir) as base:
        page = browser.new_page(viewport={"width": 390, "height": 800})
        page.goto(f"{base}{SEED_002}#c-table2.licensing")
        cell = page.locator("td[id='c-table2.licensing']")
        other = page.locator("td[id='c-table2.punishment']")
        assert cell.inner_text().startswith("34240")
        style = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).fontWeight]"
        assert cell.evaluate(style) == ["rgb(253, 241, 216)", "700"]  # --warn-bg, bold
        assert other.evaluate(style)[0] != "rgb(253, 241, 216)"
        box = cell.bounding_box()
        assert box is not None and 0 <= box["y"] < 800  # scrolled into view
        # the keyboard: the table is one tab stop (the linked cell), arrows move, Enter links
        assert cell.get_attribute("tabindex") == "0" and other.get_attribute("tabindex") == "-1"
        cell.focus()
        link = page.locator("td[id='c-table2.licensing'] a.cell-link")
        assert link.get_attribute("href") == "#c-table2.licensing"
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.id") == "c-table2.punishment"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#c-table2.punishment"
        assert other.evaluate(style) == ["rgb(253, 241, 216)", "700"]
        # the pointer: the one "#" link moves into the cell under it
        page.locator("td[id='c-table2.coercion']").hover()
        assert page.locator("td[id='c-table2.coercion'] a.cell-link").get_attribute("href") == "#c-table2.coercion"
        page.close()
