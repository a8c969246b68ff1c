#!/usr/bin/env python3
"""Screenshots of the built site at phone and desktop widths, with Debian's Chromium.

    python scripts/screenshots.py --site site --out /tmp/shots

Serves ``--site`` on 127.0.0.1, opens every kind of page (PAGES: the report is seed 002, which has
all three tables; an agency with ten years; a 2019-form report; the 404 page) at 390 px and 1280 px,
and saves full-page PNGs. For looking
at the design, not for pixel tests: assert on HTML structure instead (tests/test_site_*.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser import launch_chromium, serve_directory  # noqa: E402

PAGES = (
    ("home", "/"),
    ("agencies", "/agencies/"),
    ("agency", "/agencies/weihai-torch-hitech-zone/"),
    ("agency-decade", "/agencies/pingtan-zonghe-shiyanqu/"),
    ("report", "/reports/weihai-torch-hitech-zone/2023/"),
    ("report-2019-form", "/reports/pingtan-zonghe-shiyanqu/2019/"),
    ("years", "/years/"),
    ("year", "/years/2023/"),
    ("data", "/data/"),
    ("about", "/about/"),
    ("search", "/search/"),
    ("not-found", "/no-such-page/"),
)
WIDTHS = (("phone", 390, 844), ("desktop", 1280, 900))


def capture(site: Path, out: Path, pages: tuple[tuple[str, str], ...] = PAGES, full_page: bool = True) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with serve_directory(site) as base, sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for device, width, height in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": height},
                                              device_scale_factor=1, locale="zh-CN")
                page = context.new_page()
                for name, url in pages:
                    page.goto(base + url, wait_until="load")
                    path = out / f"{name}-{device}.png"
                    page.screenshot(path=str(path), full_page=full_page)
                    written.append(path)
                context.close()
        finally:
            browser.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site", help="a built site folder")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "screenshots", help="where PNGs go")
    parser.add_argument("--viewport-only", action="store_true", help="capture the first screen, not the full page")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        print(f"error: {args.site} is not a built site (no index.html); run: python build.py --out {args.site}",
              file=sys.stderr)
        return 1
    for path in capture(args.site, args.out, full_page=not args.viewport_only):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
