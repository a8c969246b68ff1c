#!/usr/bin/env python3
"""The index child alone after a one-report edit: what ``build_site`` waits for, without the rest.

``python bench/bench_index_edit.py --content bench/out/corpus-20000 [--runs 3] [--newest]``

Loads the content through a parse cache of its own (``bench/out/index-edit-<N>/``, keyed by a
fixed version, so a change to the search code does not parse 20,000 reports again), indexes it
once into a bundle store keyed by the search code (every bundle, the first time after a change
to ``portal/search*.py``), then for each run changes one report's title (spread over the corpus
as ``bench_incremental.edited`` does, or with ``--newest`` among the newest year's reports, where
a season's edits land), loads again and forks ``indexing.IndexChild`` as the build does (the
model frozen: ``parallel.frozen``), waiting
at once (no render beside it). Printed per run and as medians: the child's wall and CPU seconds
(with Pagefind's) and the bundles it indexed. The edited files are restored at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.buildcache import ParseStore, digest  # noqa: E402
from portal.indexing import IndexChild  # noqa: E402
from portal.load import load_content  # noqa: E402
from portal.model import Site  # noqa: E402
from portal.parallel import frozen  # noqa: E402
from portal.searchbundles import Indexing  # noqa: E402
from portal.searchcache import BundleStore  # noqa: E402

TITLE = re.compile(r"^title:[ \t]*(.*)$", re.MULTILINE)


def search_version() -> str:
    return digest(*(p.read_bytes() for p in sorted((ROOT / "portal").glob("search*.py"))))


def load(content: Path, cache: Path) -> tuple[Site, ParseStore]:
    store = ParseStore(cache, "index-edit-bench")
    return load_content(content, cache=store), store


def index(site: Site, store: ParseStore, cache: Path) -> dict[str, float]:
    version = search_version()  # each version its own store: one's pruning leaves the other's bundles
    indexing = Indexing(store=BundleStore(cache / "bundles" / version[:16], version, files=store.files))
    with tempfile.TemporaryDirectory(prefix="index-edit-", dir=cache) as tmp:
        start = time.perf_counter()
        with frozen():  # as the build forks it: the child's collections never walk the model
            child = IndexChild(site, Path(tmp) / "index", narrow=True, indexing=indexing)
        child.bundle()
        wall = time.perf_counter() - start
    return {**child.stats, "waited": wall}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--content", type=Path, default=Path("bench/out/corpus-20000"))
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--newest", action="store_true", help="edit reports of the newest year")
    p.add_argument("--cache", type=Path, help="default: bench/out/index-edit-<content folder's name>")
    args = p.parse_args()
    cache = args.cache or ROOT / "bench" / "out" / f"index-edit-{args.content.name}"
    cache.mkdir(parents=True, exist_ok=True)
    paths = sorted((args.content / "reports").glob("*/*.yaml"))
    if args.newest:
        newest = max(p.stem for p in paths)
        paths = [p for p in paths if p.stem == newest]
    site, store = load(args.content, cache)
    first = index(site, store, cache)
    print(f"{len(site.reports)} reports; warm-up index: {first['indexed']:.0f} of {first['bundles']:.0f} bundles "
          f"indexed, {first['seconds']:.2f} s; load average {os.getloadavg()[0]:.1f}")
    rows = []
    for i in range(args.runs):
        path = paths[(i * 7919 + 1) % len(paths)]
        old = path.read_bytes()
        try:
            path.write_text(TITLE.sub(lambda m, i=i: f"title: {m.group(1)}（索引{i}）", old.decode("utf-8"), count=1),
                            encoding="utf-8")
            site, store = load(args.content, cache)
            rows.append(index(site, store, cache))
        finally:
            path.write_bytes(old)
        r = rows[-1]
        print(f"  {path.parent.name}/{path.name}: {r['indexed']:.0f} of {r['bundles']:.0f} indexed, child wall "
              f"{r['seconds']:.2f} s, CPU {r['cpu']:.2f} s, waited {r['waited']:.2f} s")
    med = {k: statistics.median(r[k] for r in rows) for k in ("seconds", "cpu", "waited")}
    print(f"median of {len(rows)}: child wall {med['seconds']:.2f} s, CPU {med['cpu']:.2f} s, "
          f"waited {med['waited']:.2f} s; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
