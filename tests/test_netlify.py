"""netlify.toml: its build command builds the site, and the site works under its headers.

Netlify cannot be reached from here, so the test does what Netlify would: it runs the build
command in a copy of the repository (in a new virtualenv), then serves the published folder with
the headers Netlify would send for each path — the rules of netlify.toml and of the site's own
``_headers`` file, merged as Netlify merges them — and opens the pages in Chromium. Any Content-
Security-Policy violation, in a page or in Pagefind's worker, fails the test; the search page must
really run a query under the policy.
"""

from __future__ import annotations

import re
import subprocess
import threading
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from _repo import ROOT, clean_env, copy_repo, make_venv

NETLIFY = tomllib.loads((ROOT / "netlify.toml").read_text(encoding="utf-8"))
LONG = "max-age=31536000"
FINGERPRINT = re.compile(r"[._-][0-9a-f]{7,}\.[a-z0-9_]+$")
"""A content hash in the file name: style.2e02650e9c.css, und_34a90ad.pf_index."""
SEARCH_QUERY = "行政复议"
NETLIFY_ENV = {"URL": "https://nianbao.example.gov.cn", "DEPLOY_PRIME_URL": "https://main--nianbao.netlify.app",
               "CONTEXT": "production"}
"""What Netlify sets in every build (here: a production deploy of a site with a custom domain)."""


# ------------------------------------------------------------------ Netlify's header rules


def pattern(rule_path: str) -> re.Pattern[str]:
    """A Netlify path rule as a regex: ``*`` is a splat (crosses ``/``), ``:name`` one segment."""
    out = ""
    for token in re.split(r"(\*|:[A-Za-z_]\w*)", rule_path):
        out += ".*" if token == "*" else "[^/]+" if token.startswith(":") else re.escape(token)
    return re.compile(out)


@dataclass
class HeaderRules:
    """Netlify's header rules; ``_headers`` first, then netlify.toml, which wins for the same path."""

    rules: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, path: str, values: dict[str, str]) -> None:
        self.rules.setdefault(path, {}).update(values)

    def matching(self, url_path: str) -> list[tuple[str, dict[str, str]]]:
        return [(path, values) for path, values in self.rules.items() if pattern(path).fullmatch(url_path)]

    def headers_for(self, url_path: str) -> dict[str, str]:
        merged: dict[str, str] = {}
        for _, values in self.matching(url_path):
            for name, value in values.items():
                merged[name] = f"{merged[name]}, {value}" if name in merged else value  # Netlify concatenates
        return merged


def parse_headers_file(text: str) -> list[tuple[str, dict[str, str]]]:
    """Netlify's ``_headers`` syntax: a path line, then indented ``Name: value`` lines."""
    rules: list[tuple[str, dict[str, str]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            rules.append((line.strip(), {}))
        else:
            name, _, value = line.strip().partition(":")
            rules[-1][1][name.strip()] = value.strip()
    return rules


def netlify_rules(site: Path | None) -> HeaderRules:
    rules = HeaderRules()
    headers_file = site / "_headers" if site else None
    if headers_file and headers_file.is_file():
        for path, values in parse_headers_file(headers_file.read_text(encoding="utf-8")):
            rules.add(path, values)
    for rule in NETLIFY.get("headers", []):
        rules.add(rule["for"], dict(rule["values"]))
    return rules


def csp() -> dict[str, list[str]]:
    value = netlify_rules(None).headers_for("/")["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in (x.strip() for x in value.split(";")) if d}


def url_of(site: Path, file: Path) -> str:
    rel = "/" + file.relative_to(site).as_posix()
    return rel[: -len("index.html")] if rel.endswith("/index.html") or rel == "/index.html" else rel


# ------------------------------------------------------------------ the build, as Netlify runs it


@pytest.fixture(scope="module")
def netlify_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Run the build command of netlify.toml in a copy of the repo, in a new virtualenv, with the
    environment variables Netlify sets."""
    tmp = tmp_path_factory.mktemp("netlify")
    repo = copy_repo(tmp / "repo")
    bin_dir = make_venv(tmp / "venv", inherit=True)
    done = subprocess.run(["bash", "-c", NETLIFY["build"]["command"]], cwd=repo, env=clean_env(bin_dir, **NETLIFY_ENV),
                          capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, f"netlify build command failed:\n{done.stdout}\n{done.stderr}"
    assert f"本站网址 {NETLIFY_ENV['URL']}" in done.stderr and "本站网址未设置" not in done.stderr
    site = repo / NETLIFY["build"]["publish"]
    assert (site / "index.html").is_file()
    return site


def test_build_settings() -> None:
    build = NETLIFY["build"]
    assert build["publish"] == "site"
    assert re.search(r"\bpip install\b.*&&\s*python build\.py\s*$", build["command"])
    assert build["environment"]["PYTHON_VERSION"] == "3.11"


@pytest.mark.slow
def test_build_command_publishes_pages_search_and_404(netlify_site: Path) -> None:
    for needed in ("index.html", "404.html", "search/index.html", "pagefind/pagefind.js",
                   "pagefind/pagefind-entry.json", "pagefind/pagefind-worker.js"):
        assert (netlify_site / needed).is_file(), needed
    assert any(netlify_site.glob("reports/*/*/index.html"))


@pytest.mark.slow
def test_a_deploy_publishes_netlifys_address(netlify_site: Path) -> None:
    """Netlify's URL, not a placeholder, in the canonical links, the sitemap and the data package."""
    home = (netlify_site / "index.html").read_text(encoding="utf-8")
    assert f'<link rel="canonical" href="{NETLIFY_ENV["URL"]}/">' in home
    assert f"<loc>{NETLIFY_ENV['URL']}/</loc>" in (netlify_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f'"homepage": "{NETLIFY_ENV["URL"]}/data/"' in (netlify_site / "data/datapackage.json").read_text("utf-8")
    assert not [p for p in netlify_site.rglob("*.*") if p.suffix in {".html", ".xml", ".json", ".txt"}
                and "example.org" in p.read_text(encoding="utf-8")]


def test_unknown_paths_get_the_404_page() -> None:
    fallback = [r for r in NETLIFY["redirects"] if r["from"] == "/*"]
    assert fallback == [{"from": "/*", "to": "/404.html", "status": 404}]  # not forced: files win


def test_security_headers_on_every_path() -> None:
    headers = netlify_rules(None).headers_for("/reports/x/2023/")
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] in {"strict-origin-when-cross-origin", "no-referrer", "same-origin"}
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    policy = csp()
    assert policy["default-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["script-src"] == ["'self'", "'wasm-unsafe-eval'"]  # Pagefind's WebAssembly, nothing inline
    assert policy["style-src"] == ["'self'"]
    assert policy["worker-src"] == ["'self'"] and policy["connect-src"] == ["'self'"]
    assert not any("unsafe-inline" in v or v == "'unsafe-eval'" for values in policy.values() for v in values)


@pytest.mark.slow
def test_no_inline_script_or_style_that_the_policy_would_block(netlify_site: Path) -> None:
    from bs4 import BeautifulSoup

    offenders = []
    for page in sorted(netlify_site.rglob("*.html")):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        rel = page.relative_to(netlify_site).as_posix()
        offenders += [f"{rel}: inline <script>" for s in soup.find_all("script") if not s.get("src")
                      and s.get("type") not in {"application/json", "application/ld+json"}]
        offenders += [f"{rel}: <style>" for _ in soup.find_all("style")]
        offenders += [f"{rel}: style= on <{t.name}>" for t in soup.find_all(style=True)]
        offenders += [f"{rel}: {a} on <{t.name}>" for t in soup.find_all(True) for a in t.attrs if a.startswith("on")]
    assert offenders == []


@pytest.mark.slow
def test_every_published_file_has_exactly_one_cache_rule(netlify_site: Path) -> None:
    """Overlapping rules would concatenate two Cache-Control values; long life only for hashed names."""
    rules = netlify_rules(netlify_site)
    checked = 0
    for file in sorted(p for p in netlify_site.rglob("*") if p.is_file() and p.name != "_headers"):
        url = url_of(netlify_site, file)
        setting = [path for path, values in rules.matching(url) if "Cache-Control" in values]
        assert len(setting) <= 1, f"{url}: Cache-Control set by {setting}"
        cache = rules.headers_for(url).get("Cache-Control", "public, max-age=0, must-revalidate")  # Netlify's default
        if LONG in cache:
            assert "immutable" in cache
            assert FINGERPRINT.search(file.name), f"{url} is cached for a year but its name has no hash"
        checked += 1
    assert checked > 20
    unhashed = ("/", "/search/", "/pagefind/pagefind-entry.json", "/pagefind/pagefind.js",
                "/pagefind/pagefind-worker.js")
    for url in unhashed:
        assert LONG not in rules.headers_for(url).get("Cache-Control", ""), url
    statics = list((netlify_site / "static").iterdir())
    assert statics and all(LONG in rules.headers_for(url_of(netlify_site, f))["Cache-Control"] for f in statics)
    chunks = list((netlify_site / "pagefind" / "index").iterdir())
    assert chunks and all(LONG in rules.headers_for(url_of(netlify_site, f))["Cache-Control"] for f in chunks)
    # A large site's other bundles (the seeds have one): hashed chunks and filters, unhashed entry.
    for url, rule in (("/pagefind/shard-3/index/3f6465a.pf_index", "/pagefind/:bundle/index/*"),
                      ("/pagefind/shard-3/filter/b1c2d3e.pf_filter", "/pagefind/:bundle/filter/*")):
        assert [p for p, v in rules.matching(url) if "Cache-Control" in v] == [rule]
        assert LONG in rules.headers_for(url)["Cache-Control"], url
    assert LONG not in rules.headers_for("/pagefind/shard-3/pagefind-entry.json").get("Cache-Control", "")


# ------------------------------------------------------------------ in Chromium, under the policy


class NetlifyLikeHandler(SimpleHTTPRequestHandler):
    """Serves the published folder with Netlify's headers for the path, and 404.html for misses."""

    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "text/javascript", ".pagefind": "application/octet-stream"}

    def __init__(self, *args, rules: HeaderRules, **kwargs) -> None:  # noqa: ANN002, ANN003
        self.rules = rules
        super().__init__(*args, **kwargs)

    def end_headers(self) -> None:
        for name, value in self.rules.headers_for(self.path.split("?", 1)[0]).items():
            self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


@pytest.fixture(scope="module")
def netlify_server(netlify_site: Path) -> Iterator[str]:
    handler = partial(NetlifyLikeHandler, directory=str(netlify_site), rules=netlify_rules(netlify_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


COLLECT_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  e => window.__csp.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));
"""


def open_and_watch(browser, url: str):  # noqa: ANN001, ANN201
    """A page at ``url`` and a list that collects every CSP complaint: events, console, workers."""
    page = browser.new_page()
    problems: list[str] = []

    def console(msg) -> None:  # noqa: ANN001
        text = msg.text
        if "Content Security Policy" in text or "Refused to" in text or "web worker encountered an error" in text:
            problems.append(f"console {msg.type}: {text}")

    page.on("console", console)
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on("worker", lambda worker: worker.on("console", console))
    page.add_init_script(COLLECT_VIOLATIONS)
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert "default-src 'none'" in response.headers.get("content-security-policy", "")
    return page, problems


def violations(page, problems: list[str]) -> list[str]:  # noqa: ANN001
    page.wait_for_timeout(300)  # late reports (workers, lazy images)
    return problems + page.evaluate("window.__csp")


@pytest.mark.browser
@pytest.mark.slow
def test_home_and_a_report_page_run_clean_under_the_policy(browser, netlify_server: str, netlify_site: Path) -> None:
    report = sorted(netlify_site.glob("reports/*/*/index.html"))[0]
    for url in ("/", url_of(netlify_site, report)):
        page, problems = open_and_watch(browser, netlify_server + url)
        page.wait_for_load_state("networkidle")
        assert violations(page, problems) == [], url
        page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_search_runs_a_query_under_the_policy(browser, netlify_server: str) -> None:
    page, problems = open_and_watch(browser, f"{netlify_server}/search/?q={SEARCH_QUERY}")
    page.wait_for_selector("#results[data-state=done]", timeout=30_000)
    links = page.locator("#results a.search-result-link")
    assert links.count() >= 1, page.inner_text("#results")
    assert all(href.startswith("/reports/") for href in links.evaluate_all("as => as.map(a => a.getAttribute('href'))"))
    assert violations(page, problems) == []
    page.close()


@pytest.mark.browser
@pytest.mark.slow
def test_the_violation_detector_sees_an_inline_script(browser, netlify_server: str, netlify_site: Path) -> None:
    """Guard against a test that cannot fail: an inline script must be reported."""
    (netlify_site / "csp-probe.html").write_text(
        "<!doctype html><html><head><title>p</title><script>document.title='ran'</script></head><body></body></html>")
    try:
        page, problems = open_and_watch(browser, f"{netlify_server}/csp-probe.html")
        assert page.title() == "p"
        assert any("script-src" in v for v in violations(page, problems))
        page.close()
    finally:
        (netlify_site / "csp-probe.html").unlink()
