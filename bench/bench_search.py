#!/usr/bin/env python3
"""Benchmark the search page: exactness against substring truth, latency, and bytes per query.

``python bench/bench_search.py [--content DIR | --site DIR --content DIR] [--queries FILE]``

Builds the site with the real build (``portal.build.build_site``) — or takes a built ``--site``
— serves it on 127.0.0.1 (gzip for text files, as any static host does; Pagefind's own files are
already compressed) and drives ``/search/`` in headless Chromium:

1. **Deep link**, fresh browser context per query (cold cache): open ``/search/?q=…``, wait for
   ``#results[data-state=done]``, read every result link. The report URLs are compared with the
   truth: a report is relevant iff its searchable document (text, title, agency name, table
   labels: ``portal.search.report_document``) contains every term as a substring after the
   width/case folding the search applies. Recall, precision and exact-set count are printed, and
   bytes transferred for the whole cold query (page, scripts, WebAssembly, catalog, index), and
   the bytes served and time taken until the first results were on screen.
2. **Typing**, one page for all queries (warm cache, as a reader searching repeatedly): type
   the query into the box, and take the page's own ``data-elapsed`` — milliseconds from the
   last input event to the rendered results — plus the bytes that query fetched.

Why a server-side byte count: it is what crosses the network, independent of the browser's
caching quirks, and it includes requests the page makes after the results are shown (excerpts).
"""

from __future__ import annotations

import argparse
import gzip
import re
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.load import load_content  # noqa: E402
from portal.searchrecords import report_document  # noqa: E402
from portal.searchtokens import fold, parse_query  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
GZIP_TYPES = (".html", ".js", ".json", ".css", ".svg", ".txt", ".xml")
DONE = "#results[data-state=done]"
TIMEOUT_MS = 30_000


# ------------------------------------------------------------------ server


class Counter:
    """Bytes and requests served since the last reset (thread-safe: the server is threaded)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.bytes = 0
        self.requests = 0
        self.paths: list[tuple[str, int]] = []

    def add(self, path: str, n: int) -> None:
        with self.lock:
            self.bytes += n
            self.requests += 1
            self.paths.append((path, n))

    def peek(self) -> int:
        """Bytes served since the last reset, without resetting."""
        with self.lock:
            return self.bytes

    def take(self) -> tuple[int, int, list[tuple[str, int]]]:
        with self.lock:
            out = (self.bytes, self.requests, self.paths)
            self.bytes, self.requests, self.paths = 0, 0, []
            return out


class Handler(SimpleHTTPRequestHandler):
    """Static files with gzip for text types and a byte count of everything sent."""

    counter: Counter

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base signature
        pass

    def send_head(self):  # noqa: ANN201 - mirrors the base class
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix in GZIP_TYPES and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", ""):
            body = gzip.compress(path.read_bytes(), 6)
            self.send_response(200)
            self.send_header("Content-Type", self.guess_type(str(path)))
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()
            self.wfile.write(body)
            self.counter.add(self.path, len(body))
            return None
        return super().send_head()

    def copyfile(self, source, outputfile) -> None:  # noqa: ANN001 - mirrors the base class
        data = source.read()
        outputfile.write(data)
        self.counter.add(self.path, len(data))


Handler.extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".js": "text/javascript",
                          ".json": "application/json", ".wasm": "application/wasm"}


@contextmanager
def serve(site: Path) -> Iterator[tuple[str, Counter]]:
    """Serve ``site`` on an ephemeral port of 127.0.0.1; yields (base URL, byte counter)."""
    counter = Counter()
    handler = type("CountingHandler", (Handler,), {"counter": counter})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", counter
    finally:
        server.shutdown()
        server.server_close()


# ------------------------------------------------------------------ the browser side


def result_urls(page) -> list[str]:  # noqa: ANN001 - a Playwright page
    """Every result link of the finished search, without its #t<N> anchor."""
    hrefs = page.eval_on_selector_all("#results a.search-result-link", "els => els.map(e => e.getAttribute('href'))")
    return [urlsplit(h).path for h in hrefs]


def wait_done(page, query: str) -> None:  # noqa: ANN001
    page.wait_for_function(
        "q => { const r = document.getElementById('results');"
        " return r && r.dataset.state === 'done' && r.dataset.query === q; }",
        arg=query.strip(), timeout=TIMEOUT_MS)


FIRST_SHOWN = ("() => { const r = document.getElementById('results');"
               " return r && (r.dataset.first !== undefined || r.dataset.state === 'done'); }")
"""The page has shown its first results (``data-first``), or finished with none."""


def type_query(page, query: str) -> tuple[float, float]:  # noqa: ANN001
    """Type a query into the box as a reader does; returns the page's own timings from the last
    keystroke: to the first results on screen, and to the complete answer (data-state=done)."""
    box = page.locator("#search-q")
    box.fill("")
    box.type(query, delay=15)
    wait_done(page, query)
    first, done = (page.get_attribute("#results", f"data-{k}") for k in ("first", "elapsed"))
    return float(first or "nan"), float(done or "nan")


# ------------------------------------------------------------------ measuring


@dataclass
class QueryResult:
    query: str
    truth: set[str]
    found: set[str]
    cold_bytes: int = 0
    cold_ms: float = 0.0
    cold_first_bytes: int = 0  # served by the time the first results were on screen (or none were found)
    cold_first_ms: float = 0.0
    typed_ms: float = 0.0  # last keystroke → first results
    done_ms: float = 0.0  # last keystroke → complete answer
    warm_bytes: int = 0
    paths: list[tuple[str, int]] = field(default_factory=list)  # cold: (path, bytes) of every request
    warm_paths: list[tuple[str, int]] = field(default_factory=list)

    @property
    def exact(self) -> bool:
        return self.truth == self.found


def read_queries(path: Path) -> list[str]:
    lines = (ln.strip() for ln in path.read_text(encoding="utf-8").splitlines())
    return [ln for ln in lines if ln and not ln.startswith("#")]


def truth_sets(content: Path, queries: list[str]) -> dict[str, set[str]]:
    """Report URLs whose searchable document contains every term (plain substring, folded)."""
    site = load_content(content)
    docs = [(r.url, fold(report_document(r))) for r in site.reports]
    wanted = {q: [fold(t) for t in parse_query(q)] for q in queries}
    return {q: {url for url, doc in docs if all(t in doc for t in terms)} for q, terms in wanted.items()}


def measure(base: str, counter: Counter, queries: list[str], truth: dict[str, set[str]],
            cold: bool = True) -> list[QueryResult]:
    from playwright.sync_api import sync_playwright

    results = [QueryResult(q, truth[q], set()) for q in queries]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        if cold:
            for res in results:
                context = browser.new_context()
                page = context.new_page()
                counter.take()
                start = time.perf_counter()
                page.goto(f"{base}/search/?q={quote(res.query)}")
                page.wait_for_function(FIRST_SHOWN, timeout=TIMEOUT_MS)
                res.cold_first_ms = (time.perf_counter() - start) * 1000
                res.cold_first_bytes = counter.peek()
                wait_done(page, res.query)
                res.cold_ms = (time.perf_counter() - start) * 1000
                res.found = {u for u in result_urls(page) if u.startswith("/reports/")}
                page.wait_for_load_state("networkidle")
                res.cold_bytes, _, res.paths = counter.take()
                context.close()
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"{base}/search/")
        page.wait_for_load_state("networkidle")
        type_query(page, "政府")  # warm up: Pagefind, WebAssembly and the catalog are loaded once
        page.wait_for_load_state("networkidle")
        for res in results:
            counter.take()
            res.typed_ms, res.done_ms = type_query(page, res.query)
            found = {u for u in result_urls(page) if u.startswith("/reports/")}
            if not cold:
                res.found = found
            elif found != res.found:
                print(f"  ! typed and deep-linked results differ for {res.query!r}", file=sys.stderr)
            page.wait_for_timeout(50)
            res.warm_bytes, _, res.warm_paths = counter.take()
        browser.close()
    return results


KINDS = (("index", re.compile(r"^/pagefind/(shard-[^/]+/)?index/")),
         ("text", re.compile(r"^/reports/.*/text\.json$")),
         ("filter", re.compile(r"^/pagefind/(shard-[^/]+/)?filter/")),
         ("meta", re.compile(r"\.pf_meta$|pagefind-entry")),
         ("fragment", re.compile(r"\.pf_fragment$")), ("catalog", re.compile(r"catalog\.json$")))
"""What a request fetched: Pagefind's index chunks, filters, meta and fragments, our text shards (excerpts)
and catalog, or anything else (the page, scripts, WebAssembly)."""


def kind(path: str) -> str:
    return next((name for name, pattern in KINDS if pattern.search(path)), "other")


def by_kind(paths: list[tuple[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for path, n in paths:
        name = kind(urlsplit(path).path)
        out[name] = out.get(name, 0) + n
    return out


def kind_shares(queries: list[list[tuple[str, int]]]) -> str:
    """Median and max KB a query fetched of each kind, on one line."""
    kinds = [by_kind(paths) for paths in queries]
    split = {k: [q.get(k, 0) / 1024 for q in kinds] for k in [name for name, _ in KINDS] + ["other"]}
    return "  ".join(f"{k} {statistics.median(v):.1f}/{max(v):.0f}" for k, v in split.items())


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def report(results: list[QueryResult], cold: bool) -> int:
    """Print per-query lines and totals; exit status 1 unless every query is exact."""
    for r in results:
        flag = "ok " if r.exact else "BAD"
        missing, extra = sorted(r.truth - r.found), sorted(r.found - r.truth)
        print(f"{flag} {r.query:<28} truth {len(r.truth):>4} found {len(r.found):>4}"
              f"  first {r.typed_ms:5.0f} done {r.done_ms:5.0f} ms  warm {r.warm_bytes / 1024:6.1f} KB"
              + (f"  cold {r.cold_ms:6.0f} ms {r.cold_bytes / 1024:7.1f} KB" if cold else "")
              + (f"  missing {missing[:3]}" if missing else "") + (f"  extra {extra[:3]}" if extra else ""))
    relevant = sum(len(r.truth) for r in results)
    found = sum(len(r.found) for r in results)
    hits = sum(len(r.truth & r.found) for r in results)
    multi = [r for r in results if len("".join(parse_query(r.query))) >= 2]
    print()
    print(f"queries                 {len(results)}  ({len(multi)} of 2+ characters)")
    print(f"recall                  {hits}/{relevant} = {hits / max(relevant, 1):.2%}")
    print(f"precision               {hits}/{found} = {hits / max(found, 1):.2%}")
    print(f"exact result sets       {sum(r.exact for r in results)}/{len(results)}")
    typed = [r.typed_ms for r in results]
    warm = [r.warm_bytes / 1024 for r in results]
    done = [r.done_ms for r in results]
    print(f"keystroke → first (ms)  median {statistics.median(typed):.0f}  p90 {pct(typed, 0.9):.0f}"
          f"  max {max(typed):.0f}  (≤300 ms in {sum(t <= 300 for t in typed)}/{len(typed)})")
    print(f"keystroke → done (ms)   median {statistics.median(done):.0f}  p90 {pct(done, 0.9):.0f}"
          f"  max {max(done):.0f}")
    print(f"bytes/query, warm (KB)  median {statistics.median(warm):.1f}  p90 {pct(warm, 0.9):.1f}"
          f"  max {max(warm):.1f}")
    print(f"warm KB by kind         {kind_shares([r.warm_paths for r in results])}  (median/max)")
    if cold:
        cms = [r.cold_ms for r in results]
        cb = [r.cold_bytes / 1024 for r in results]
        fms = [r.cold_first_ms for r in results]
        fb = [r.cold_first_bytes / 1024 for r in results]
        print(f"deep link cold (ms)     median {statistics.median(cms):.0f}  p90 {pct(cms, 0.9):.0f}"
              f"  (first results: median {statistics.median(fms):.0f}  p90 {pct(fms, 0.9):.0f})")
        print(f"bytes to first, cold    median {statistics.median(fb):.1f} KB  p90 {pct(fb, 0.9):.1f}"
              f"  max {max(fb):.1f}  (≤ 300 KB in {sum(b <= 300 for b in fb)}/{len(fb)})")
        print(f"bytes/query, cold (KB)  median {statistics.median(cb):.1f}  p90 {pct(cb, 0.9):.1f}"
              f"  max {max(cb):.1f}  (< 1 MB in {sum(b < 1024 for b in cb)}/{len(cb)})")
        print(f"cold KB by kind         {kind_shares([r.paths for r in results])}  (median/max)")
    return 0 if all(r.exact for r in results) else 1


def build(content: Path, out: Path) -> None:
    from portal.build import build_site

    start = time.perf_counter()
    result = build_site(content, out, search=True, progress=False)
    print(f"built {out} in {time.perf_counter() - start:.1f} s (exit {result.exit_code})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "content", help="content dir (truth, and build)")
    parser.add_argument("--site", type=Path, help="an already built site (skips the build)")
    parser.add_argument("--queries", type=Path, default=ROOT / "bench" / "search_queries.txt")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold deep-link pass")
    parser.add_argument("--limit", type=int, help="only the first N queries")
    args = parser.parse_args(argv)
    queries = read_queries(args.queries)[: args.limit]
    with tempfile.TemporaryDirectory(prefix="bench-search-") as tmp:
        site = args.site
        if site is None:
            site = Path(tmp) / "site"
            build(args.content, site)
        start = time.perf_counter()
        truth = truth_sets(args.content, queries)
        print(f"truth for {len(queries)} queries in {time.perf_counter() - start:.1f} s")
        with serve(site) as (base, counter):
            results = measure(base, counter, queries, truth, cold=not args.no_cold)
    return report(results, cold=not args.no_cold)


if __name__ == "__main__":
    sys.exit(main())
