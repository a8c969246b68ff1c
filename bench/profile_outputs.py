#!/usr/bin/env python3
"""CPU seconds of each group of outputs (report pages, agency pages, text shards …), in one process.

``python bench/profile_outputs.py bench/out/corpus-1k [--group "report page"]``

Loads the content in one process, then produces every output of the site map once, in its order
(as a render worker meets them: an agency's page parses its reports' texts, their pages reuse them),
and prints the CPU seconds of each group. With ``--group``, that group is produced again under
cProfile and the profile printed. Why beside ``bench_build.py``: a whole build's CPU time on this
shared box moves by a tenth from run to run, while these groups, run in turn for two versions of
the code, show a change of a few percent (docs/performance.md).
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.load import load_content  # noqa: E402
from portal.render import compile_templates, make_env, static_files  # noqa: E402
from portal.sitecache import SiteCache  # noqa: E402
from portal.sitemap import Output, site_map  # noqa: E402


def group(o: Output) -> str:
    """The kind of output, by its URL."""
    url = o.url
    if url.startswith("/reports/"):
        return "text.json" if url.endswith("text.json") else "report page" if url.endswith("/") else "report downloads"
    if url.startswith("/agencies/") and url != "/agencies/":
        return "agency feed" if url.endswith(".xml") else "agency page"
    prefixes = (("/data/", "site downloads"), ("/indicators/", "ranking"), ("/years/", "year"),
                ("/jurisdictions/", "jurisdiction"))
    return next((name for prefix, name in prefixes if url.startswith(prefix) and url != prefix), "other")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("content", type=Path)
    parser.add_argument("--group", help="profile this group (cProfile, produced a second time)")
    args = parser.parse_args()
    start = time.process_time()
    site = load_content(args.content, workers=1)
    print(f"load (one process)     {time.process_time() - start:6.2f} s")
    cache, static = SiteCache(site), static_files()
    env = make_env("https://example.org", static)
    outputs = site_map(site, env=env, static=static, cache=cache)
    cache.warm()  # as the build does before its render workers fork
    compile_templates(env)
    spent: dict[str, float] = defaultdict(float)
    for o in outputs:
        start = time.process_time()
        o.produce()
        spent[group(o)] += time.process_time() - start
    for name, seconds in spent.items():
        print(f"{name:22s} {seconds:6.2f} s")
    print(f"{'every output':22s} {sum(spent.values()):6.2f} s")
    if args.group:
        profile = cProfile.Profile()
        profile.enable()
        for o in outputs:
            if group(o) == args.group:
                o.produce()
        profile.disable()
        pstats.Stats(profile).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
