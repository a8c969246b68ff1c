"""The site's public address: set in content/site.yaml, overridden by Netlify's URL and
DEPLOY_PRIME_URL and by --base-url, written into every absolute link, and required by --strict.

Most tests run the command line in a subprocess with a chosen environment, as Netlify runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, SEED_002

from portal.build import build_site
from portal.errors import ContentError

NETLIFY_VARS = ("URL", "DEPLOY_PRIME_URL", "DEPLOY_URL", "CONTEXT")
ADDRESS = "https://example.gov.cn"
PREVIEW = "https://deploy-preview-12--nianbao.netlify.app"
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture(autouse=True)
def no_netlify(monkeypatch: pytest.MonkeyPatch) -> None:
    """Not on Netlify unless a test says so."""
    for name in NETLIFY_VARS:
        monkeypatch.delenv(name, raising=False)


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k not in NETLIFY_VARS} | env
    return subprocess.run([sys.executable, "build.py", *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=300, check=False)


def set_url(content: Path, line: str) -> None:
    path = content / "site.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nurl:\n", f"\n{line}\n"), encoding="utf-8")


def page(site: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((site / url.lstrip("/") / "index.html").read_text(encoding="utf-8"), "html.parser")


def absolute_links(site: Path) -> list[str]:
    """Every absolute link the site publishes about itself."""
    report = page(site, SEED_002)
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    feed = ET.parse(site / "feed.xml").getroot()
    package = json.loads((site / "data/datapackage.json").read_text(encoding="utf-8"))
    robots = (site / "robots.txt").read_text(encoding="utf-8")
    cite = page(site, "/data/").select_one("blockquote.cite").get_text()
    return [
        report.select_one("link[rel=canonical]")["href"],
        report.select_one('meta[property="og:url"]')["content"],
        *(loc.text for loc in sitemap.iter(f"{SITEMAP}loc")),
        feed.find(f"{ATOM}id").text,
        *(link.attrib["href"] for link in feed.iter(f"{ATOM}link")),
        *(entry.find(f"{ATOM}id").text for entry in feed.iter(f"{ATOM}entry")),
        package["homepage"],
        *(source["path"] for source in package["sources"]),
        robots.split("Sitemap: ", 1)[1].strip(),
        "http" + cite.split("http", 1)[1].split()[0].rstrip("。."),
    ]


def test_netlifys_url_is_written_into_every_absolute_link(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = run("--no-search", "--out", str(site), URL=ADDRESS)  # `URL=… python build.py`
    assert done.returncode == 0, done.stderr
    links = absolute_links(site)
    assert len(links) > 20 and all(link.startswith(ADDRESS + "/") for link in links), links
    assert page(site, SEED_002).select_one("link[rel=canonical]")["href"] == ADDRESS + SEED_002
    assert not [p for p in site.rglob("*") if p.is_file() and b"example.org" in p.read_bytes()]
    assert "警告：" not in done.stderr and "0 条警告，" in done.stderr and f"本站网址 {ADDRESS}" in done.stderr


def test_a_deploy_preview_links_to_itself(scratch_content: Path, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    set_url(scratch_content, "url: https://nianbao.example.gov.cn")
    monkeypatch.setenv("URL", ADDRESS)
    monkeypatch.setenv("DEPLOY_PRIME_URL", PREVIEW)
    for context, expected in (("deploy-preview", PREVIEW), ("branch-deploy", PREVIEW), ("production", ADDRESS)):
        monkeypatch.setenv("CONTEXT", context)
        out = tmp_path / context
        result = build_site(scratch_content, out, search=False, progress=False)
        assert result.warnings == []
        assert page(out, SEED_002).select_one("link[rel=canonical]")["href"] == expected + SEED_002, context
        assert all(link.startswith(expected + "/") for link in absolute_links(out)), context


def test_the_settings_file_sets_the_address_and_base_url_overrides_everything(
        scratch_content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    set_url(scratch_content, "url: https://nianbao.example.gov.cn/  # 末尾的斜杠可有可无")
    result = build_site(scratch_content, tmp_path / "file", search=False, progress=False, strict=True)
    assert result.exit_code == 0 and result.warnings == []
    assert absolute_links(tmp_path / "file")[0] == "https://nianbao.example.gov.cn" + SEED_002
    monkeypatch.setenv("URL", ADDRESS)
    build_site(scratch_content, tmp_path / "env", search=False, progress=False)
    assert absolute_links(tmp_path / "env")[0] == ADDRESS + SEED_002
    done = run("build", "--no-search", "--content", str(scratch_content), "--out", str(tmp_path / "flag"),
               "--base-url", "https://gkml.example.gov.cn", URL=ADDRESS)
    assert done.returncode == 0, done.stderr
    assert absolute_links(tmp_path / "flag")[0] == "https://gkml.example.gov.cn" + SEED_002


def test_strict_fails_without_an_address_and_says_how_to_set_it(tmp_path: Path) -> None:
    out = tmp_path / "site"
    done = run("build", "--strict", "--no-search", "--out", str(out))
    assert done.returncode == 1
    assert "本站网址未设置" in done.stderr
    for way in ("content/site.yaml", "url: https://", "环境变量 URL", "--base-url"):
        assert way in done.stderr, way
    assert "保持不变" not in done.stderr and f"没有写入 {out}" in done.stderr  # there was no previous site
    assert not out.exists()
    lenient = run("build", "--no-search", "--out", str(out))  # a preview on this machine still builds
    assert lenient.returncode == 0 and lenient.stderr.count("本站网址未设置") == 1
    again = run("build", "--strict", "--no-search", "--out", str(out))
    assert again.returncode == 1 and f"原有的站点 {out} 保持不变" in again.stderr


@pytest.mark.parametrize("placeholder", ["https://example.org", "http://www.example.com", "http://localhost:8000",
                                         "http://127.0.0.1:8000", "https://portal.test"])
def test_a_placeholder_address_is_a_warning(placeholder: str, scratch_content: Path, tmp_path: Path) -> None:
    result = build_site(scratch_content, tmp_path / "site", search=False, progress=False, strict=True,
                        base_url=placeholder)
    assert result.exit_code == 1
    assert result.warnings == [f"本站网址 {placeholder}（来自--base-url）是占位地址，不是公开网址。"
                               "设置方法：在 content/site.yaml 中写 url: https://本站域名；"
                               "或构建时设环境变量 URL（Netlify 上自动设置）；或加参数 --base-url https://本站域名"]


@pytest.mark.parametrize(("line", "message"), [
    ("url: nianbao.gov.cn", "site.yaml:8: url: "),  # not a web address (the validator's own words)
    ("url: https://nianbao.gov.cn/reports/", "site.yaml:8: url: 不能带路径、查询或锚点"),
    ("ulr: https://nianbao.gov.cn", "site.yaml:8: ulr: "),  # an unknown field
    ("url: [https://nianbao.gov.cn", "site.yaml:"),  # a YAML syntax error
])
def test_a_bad_settings_file_is_one_line_with_file_and_line(line: str, message: str, scratch_content: Path,
                                                            tmp_path: Path) -> None:
    set_url(scratch_content, line)
    for command in (["build", "--out", str(tmp_path / "site")], ["check"]):
        done = run(*command, "--content", str(scratch_content))
        assert done.returncode == 1, done.stderr
        assert message in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "site").exists()


def test_every_problem_of_the_settings_file_and_the_content_is_listed_at_once(scratch_content: Path,
                                                                             tmp_path: Path) -> None:
    set_url(scratch_content, "url: https://nianbao.gov.cn/a/\nfoo: 1")
    report = scratch_content / "reports/weihai-torch-hitech-zone/2023.yaml"
    report.write_text(report.read_text(encoding="utf-8").replace("year: 2023", "year: 二〇二三"), encoding="utf-8")
    with pytest.raises(ContentError) as error:
        build_site(scratch_content, tmp_path / "site", search=False, progress=False)
    where = [(Path(p.file).name, p.line, p.field) for p in error.value.problems]
    assert where == [("2023.yaml", 3, "year"), ("site.yaml", 8, "url"), ("site.yaml", 9, "foo")]


def test_a_bad_address_from_the_environment_names_the_variable(tmp_path: Path) -> None:
    done = run("build", "--no-search", "--out", str(tmp_path / "site"), URL="nianbao.gov.cn")
    assert done.returncode == 1
    assert "环境变量 URL: 本站网址 'nianbao.gov.cn' 应以 http:// 或 https:// 开头" in done.stderr


def test_strict_names_each_draft_once(scratch_content: Path, tmp_path: Path) -> None:
    for name in ("weihai-torch-hitech-zone/2023", "wendeng-gov-office/2022"):
        path = scratch_content / f"reports/{name}.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("status: reviewed", "status: draft"), encoding="utf-8")
    done = run("build", "--strict", "--no-search", "--content", str(scratch_content),
               "--out", str(tmp_path / "site"), "--base-url", ADDRESS)
    assert done.returncode == 1
    drafts = [line for line in done.stderr.splitlines() if "草稿" in line]
    assert drafts == ["警告：2 份报告仍是草稿（status: draft），尚未经人工核对（已在其页面上标明）："
                      f"{scratch_content}/reports/weihai-torch-hitech-zone/2023.yaml、"
                      f"{scratch_content}/reports/wendeng-gov-office/2022.yaml"]
    assert done.stderr.count("警告：") == 1 and "有 1 条警告" in done.stderr
