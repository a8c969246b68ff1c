#!/usr/bin/env python3
"""What one Pagefind bundle costs to index, by its size: what an edit pays after its bundle changed.

``python bench/bench_bundle.py --content bench/out/corpus-5000 [--sizes 840,560,420,280] [--runs 3]``

Loads the content, takes the first *n* reports in search order (``plan_shards`` with slices and
bundles as large as the corpus: one slice, one bundle) and indexes them as one shard bundle through
``write_bundles`` with one Pagefind process, as a build does after an edit; printed per size, medians
of the wall time, the Python CPU (staging the HTML, reading the fragments back) and Pagefind's CPU (a
child process, counted when it exits), and the peak memory of the Pagefind process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.load import load_content  # noqa: E402
from portal.peakrss import PeakRss  # noqa: E402
from portal.searchbundles import Bundle, Indexing, run_async, write_bundles  # noqa: E402
from portal.searchrecords import BUNDLE, Shard, plan_shards  # noqa: E402


def children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def one(records: Shard, tmp: Path) -> dict[str, float]:
    bundle = Bundle(BUNDLE / "shard-x", [records], tmp / "staging", tmp / "kept")
    start, cpu, pagefind = time.perf_counter(), time.process_time(), children_cpu()
    with PeakRss() as rss:
        run_async(lambda: write_bundles([bundle], Indexing(workers=1)))
    return {"wall": time.perf_counter() - start, "python": time.process_time() - cpu,
            "pagefind": children_cpu() - pagefind, "rss_mb": rss.peak_kb / 1024}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--content", type=Path, default=ROOT / "bench" / "out" / "corpus-5000")
    p.add_argument("--sizes", default="840,560,420,280", help="reports a bundle, comma-separated")
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args()
    site = load_content(args.content)
    reports = [r for s in plan_shards(site, bundle_reports=len(site.reports))
               if s.key != "pages" for r in s.records]
    print(f"{len(site.reports)} reports ({args.content}); one Pagefind process, {args.runs} runs a size (medians)")
    for size in (int(x) for x in args.sizes.split(",")):
        rows = []
        for _ in range(args.runs):
            with tempfile.TemporaryDirectory(prefix="bench-bundle-") as tmp:
                rows.append(one(Shard("s", BUNDLE / "shard-x", reports[:size]), Path(tmp)))
        med = {k: statistics.median(r[k] for r in rows) for k in rows[0]}
        print(f"  {size:5d} reports  wall {med['wall']:6.2f} s  Python CPU {med['python']:5.2f} s  "
              f"Pagefind CPU {med['pagefind']:5.2f} s  Pagefind peak {med['rss_mb']:6.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
