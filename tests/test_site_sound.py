"""The published site is sound: no script injection from any field, and accessible pages.

The hostile site is the real seed content with script payloads planted in every field an
editor (or a pasted government web page) can fill: registry, report metadata, contact, notes,
missing-table reasons, recorded cell printings, narrative quotes and the source text itself.
It is built with the search index and every page is opened in Chromium; a payload that runs
sets ``window.__xss`` or opens a dialog.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe
from browser import launch_chromium, serve_directory
from playwright.sync_api import sync_playwright

from portal.build import build_site

ROOT = Path(__file__).resolve().parent.parent
PAYLOAD = ("<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">"
           "\"'><svg onload=window.__xss=3>]]></x>{{7*7}}")
CSV_PAYLOAD = "=HYPERLINK(\"http://evil.example\")"
HITECH = "reports/weihai-torch-hitech-zone/2023"
OFFICE = "reports/wendeng-gov-office/2022"


def _edit_yaml(path: Path, edit) -> None:  # noqa: ANN001 - a function of the loaded data
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    edit(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _plant(content: Path) -> None:
    def registry(data: dict) -> None:
        for agency in data["agencies"]:
            agency["name"] = agency["name"] + PAYLOAD
            agency["jurisdiction"][-1] += PAYLOAD
            agency["aliases"].append(PAYLOAD)
            agency["address"] = PAYLOAD
            agency["phone"] = CSV_PAYLOAD

    def report(data: dict) -> None:
        data["title"] = CSV_PAYLOAD + data["title"] + PAYLOAD
        data["contact"]["office"] = PAYLOAD
        data["contact"]["email"] = "-" + PAYLOAD
        data["notes"] = [PAYLOAD, "@" + PAYLOAD]
        data["source"]["sha256"] = None  # the payload below changes the text: no longer the file as retrieved
        data["narrative"].append({"key": "proactive_disclosed", "value": 1, "bound": "exact", "quote": PAYLOAD})
        if data.get("table3"):
            data["table3"]["new"][2] = None
            data["cells"] = {"table3.new.research": PAYLOAD}
        else:
            data["missing_tables"] = {k: PAYLOAD for k in ("table2", "table3", "table4")}

    _edit_yaml(content / "agencies.yaml", registry)
    for folder in (HITECH, OFFICE):
        _edit_yaml(content / f"{folder}.yaml", report)
        text = content / f"{folder}.txt"
        text.write_text(text.read_text(encoding="utf-8") + "\n" + PAYLOAD + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("hostile")
    shutil.copytree(ROOT / "content", work / "content")
    _plant(work / "content")
    result = build_site(work / "content", work / "site", search=True, progress=False)
    assert result.exit_code == 0
    return work / "site"


def _pages(site: Path) -> list[str]:
    return sorted("/" + str(p.relative_to(site)).removesuffix("index.html") for p in site.rglob("*.html"))


def test_payloads_are_escaped_in_every_html_file(hostile_site: Path) -> None:
    for page in hostile_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for raw in ("<script>window.__xss", "<img src=x onerror", "<svg onload"):
            assert raw not in html, f"{raw} unescaped in {page}"


def test_no_payload_runs_in_chromium(hostile_site: Path) -> None:
    pages = _pages(hostile_site)
    assert len(pages) >= 15
    queries = ["window", "xss", "威海", "HYPERLINK"]
    urls = pages + [f"/search/?q={quote(q)}" for q in queries]
    with serve_directory(hostile_site) as base, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for url in urls:
            page.goto(base + url)
            if "?q=" in url:
                page.wait_for_selector("[data-state=done]", state="attached", timeout=15000)
            page.wait_for_timeout(50)
            assert page.evaluate("window.__xss") is None, f"payload ran on {url}"
        found = page.locator("#results a[href^='/reports/']").count()
        browser.close()
    assert dialogs == []
    assert found >= 1, "the search for HYPERLINK should find the planted reports"


def test_atom_feed_and_json_carry_payloads_as_text(hostile_site: Path) -> None:
    feed = ET.parse(hostile_site / "feed.xml").getroot()
    titles = [e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert any(PAYLOAD in t for t in titles)
    reports = json.loads((hostile_site / "data/reports.json").read_text(encoding="utf-8"))
    reports = reports["reports"] if isinstance(reports, dict) else reports
    assert any(r["title"].endswith(PAYLOAD) for r in reports)


def test_csv_cells_cannot_start_a_formula(hostile_site: Path) -> None:
    for name in ("reports.csv", "table3.csv"):
        text = (hostile_site / "data" / name).read_text(encoding="utf-8-sig")
        for row in csv.reader(io.StringIO(text)):
            for cell in row:
                assert not cell.startswith(("=", "+", "@")), f"{name}: formula cell {cell[:40]!r}"
                if cell.startswith("-"):
                    assert cell[1:].replace(".", "", 1).isdigit(), f"{name}: formula cell {cell[:40]!r}"
    rows = list(csv.DictReader(io.StringIO((hostile_site / "data/reports.csv").read_text(encoding="utf-8-sig"))))
    assert any(r["title"].startswith("'" + CSV_PAYLOAD) for r in rows if "title" in r)


# ---------------------------------------------------------------- accessibility (axe-core)

SERIOUS = ("serious", "critical")
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]},
               "resultTypes": ["violations"]}
PAGE_KINDS = (
    "/", "/agencies/", "/agencies/weihai-torch-hitech-zone/", "/reports/weihai-torch-hitech-zone/2023/",
    "/reports/wendeng-huanshan-subdistrict/2023/", "/years/2023/", "/data/", "/about/", "/404.html",
    "/jurisdictions/", "/jurisdictions/fujian-pingtan-zonghe-shiyanqu/", "/jurisdictions/shandong-weihai/",
    "/coverage/",
    "/search/?q=%E8%A1%8C%E6%94%BF%E5%A4%8D%E8%AE%AE",
    "/indicators/", "/indicators/substantive_disclosure_rate/2023/",
    "/compare/?c=weihai-torch-hitech-zone:2023&c=pingtan-zonghe-shiyanqu:2020&c=wendeng-gov-office", "/reasons/",
)


@pytest.fixture(scope="module")
def searchable_seed_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("a11y") / "site"
    assert build_site(ROOT / "content", out, search=True, progress=False).exit_code == 0
    return out


def _axe_problems(site: Path, urls: list[str], width: int) -> list[str]:
    axe = Axe()
    problems = []
    with serve_directory(site) as base, sync_playwright() as p:
        browser = launch_chromium(p)
        page = browser.new_page(viewport={"width": width, "height": 900})
        for url in urls:
            page.goto(base + url)
            if "?q=" in url or url.startswith(("/compare/", "/reasons/")):  # what their scripts draw, too
                page.wait_for_selector("[data-state=done]", state="attached", timeout=15000)
            results = axe.run(page, options=AXE_OPTIONS).response
            for v in results["violations"]:
                if v["impact"] in SERIOUS:
                    targets = [n["target"] for n in v["nodes"]][:3]
                    problems.append(f"{url}: {v['id']} ({v['impact']}): {v['help']} at {targets}")
        browser.close()
    return problems


@pytest.mark.parametrize("width", [390, 1280])
def test_no_serious_accessibility_violations(searchable_seed_site: Path, width: int) -> None:
    assert _axe_problems(searchable_seed_site, list(PAGE_KINDS), width) == []


def test_no_serious_accessibility_violations_on_synthetic_reports(synthetic_site_dir: Path) -> None:
    """Pages the seeds cannot show: failing checks, recorded null cells, many years, big year tables."""
    data = json.loads((synthetic_site_dir / "data/reports.json").read_text(encoding="utf-8"))
    reports = data["reports"] if isinstance(data, dict) else data
    failing = next(r for r in reports if any(c["status"] == "fail" for c in r["checks"]))
    nulls = next(r for r in reports if r.get("cells"))
    missing = next(r for r in reports if r.get("missing_tables"))
    busiest = max({r["agency_slug"] for r in reports}, key=lambda s: sum(r["agency_slug"] == s for r in reports))
    year = max(r["year"] for r in reports)
    urls = [failing["url"], nulls["url"], missing["url"], f"/agencies/{busiest}/", f"/years/{year}/", "/agencies/",
            "/coverage/", "/jurisdictions/", "/indicators/", f"/indicators/not_held_rate/{year}/"]
    assert _axe_problems(synthetic_site_dir, urls, 1280) == []
