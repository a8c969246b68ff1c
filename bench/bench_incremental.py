#!/usr/bin/env python3
"""Incremental publish benchmark: a full build against one-report changes, through ``build_site``.

``python bench/bench_incremental.py --reports 5000,20000 [--full-runs 3] [--edits 3] [--adds 1]`` makes
``bench/out/corpus-<N>`` with ``make_corpus.py`` when it is missing, then for each size:

- ``full``   — ``build_site(full=True)``: every report parsed, every file rendered, every bundle
  indexed (what CI and Netlify run from a clean checkout), into ``bench/out/incremental-<N>/site``;
- ``edit``   — one report's title changed, then ``build_site`` with the cache (what ``build.py build``
  does after a save): a different report each run;
- ``add``, ``delete`` — one report copied to a new year of its agency, then removed again (``--adds``
  times: the same report each time).

Every run is a child process (its CPU time is its own and its children's: render workers, the
index child, Pagefind). The edited files are restored at the end. Printed: medians of wall and
CPU seconds, and the steps of the incremental build (``BuildResult.steps``: load = read, hash,
parse or unpickle, validate and check; select = what changed; render = the outputs made from it;
index = waiting for the search index after rendering; commit = staging into the live site), and
the index child's own figures (bundles Pagefind indexed of all, its wall and CPU seconds: it runs
beside the rendering, so its time shows in the steps only when it outlasts it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TITLE = re.compile(r"^title:[ \t]*(.*)$", re.MULTILINE)


def child(content: Path, out: Path, full: bool) -> dict[str, object]:
    sys.path.insert(0, str(ROOT))
    from portal.build import build_site
    from portal.buildcache import default_cache

    start = time.perf_counter()
    result = build_site(content, out, progress=False, base_url="https://example.org", full=full,
                        cache=default_cache(out))
    t = os.times()
    return {"wall": time.perf_counter() - start, "cpu": t.user + t.system + t.children_user + t.children_system,
            "steps": result.steps, "rendered": result.rendered, "parsed": result.parsed, "changed": result.changed,
            "files": result.pages, "search": result.search}


def run(content: Path, out: Path, full: bool) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--child", "full" if full else "edit", "--content", str(content),
                           "--out", str(out)], capture_output=True, text=True, check=False)
    if proc.returncode:
        raise SystemExit(f"build failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def corpus(n: int) -> Path:
    content = OUT / f"corpus-{n}"
    if not (content / "agencies.yaml").is_file():
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), "--reports", str(n), "--out",
                        str(content)], check=True)
    return content


def edited(content: Path, i: int) -> tuple[Path, bytes]:
    """The i-th report (spread over the corpus) with a new title; its old bytes to restore."""
    paths = sorted((content / "reports").glob("*/*.yaml"))
    path = paths[(i * 7919) % len(paths)]
    old = path.read_bytes()
    text = old.decode("utf-8")
    path.write_text(TITLE.sub(lambda m: f"title: {m.group(1)}（修订{i}）", text, count=1), encoding="utf-8")
    return path, old


def added(content: Path) -> list[Path]:
    """A copy of an agency's newest report as the next year's (the first agency whose newest is not 2024)."""
    for folder in sorted((content / "reports").iterdir()):
        newest = max(folder.glob("*.yaml"))
        year = int(newest.stem) + 1
        if year <= 2024:
            text = newest.read_text(encoding="utf-8").replace(f"year: {newest.stem}", f"year: {year}", 1)
            text = re.sub(r"\npublished: (\d{4})", lambda m: f"\npublished: {int(m.group(1)) + 1}", text, count=1)
            target = newest.with_name(f"{year}.yaml")
            target.write_text(text.replace(f"file: {newest.stem}.txt", f"file: {year}.txt"), encoding="utf-8")
            target.with_suffix(".txt").write_bytes(newest.with_suffix(".txt").read_bytes())
            return [target, target.with_suffix(".txt")]
    raise SystemExit("no agency without a 2024 report")


def median(rows: list[dict], key: str) -> float:
    return statistics.median(float(r[key]) for r in rows)


def show(label: str, rows: list[dict]) -> None:
    steps = {k: statistics.median(r["steps"].get(k, 0.0) for r in rows) for k in rows[0]["steps"]}
    walls = ", ".join(f"{r['wall']:.2f}" for r in rows) + ("; CPU " + ", ".join(f"{r['cpu']:.2f}" for r in rows)
                                                           if len(rows) > 1 else "")
    print(f"  {label:<7} wall {median(rows, 'wall'):7.2f} s  CPU {median(rows, 'cpu'):7.2f} s  "
          f"({len(rows)} run{'s' if len(rows) > 1 else ''}: {walls})  "
          f"rendered {int(median(rows, 'rendered'))}, parsed {int(median(rows, 'parsed'))}, "
          f"changed {int(median(rows, 'changed'))} of {int(median(rows, 'files'))} files")
    print("          steps: " + ", ".join(f"{k} {v:.2f}" for k, v in steps.items()))
    if all(r.get("search") for r in rows):
        search = {k: statistics.median(float(r["search"][k]) for r in rows)
                  for k in ("indexed", "bundles", "seconds", "cpu")}
        print(f"          index child: {search['indexed']:.0f} of {search['bundles']:.0f} bundles indexed, "
              f"wall {search['seconds']:.2f} s, CPU {search['cpu']:.2f} s (with Pagefind's)")


def bench(n: int, full_runs: int, edits: int, adds_deletes: int = 1) -> None:
    content = corpus(n)
    out = OUT / f"incremental-{n}" / "site"
    out.parent.mkdir(parents=True, exist_ok=True)
    print(f"{n} reports ({content}), load average {os.getloadavg()[0]:.1f}")
    if full_runs:  # else: the site and cache already there (built by this code from this corpus)
        show("full", [run(content, out, True) for _ in range(full_runs)])
    restore: list[tuple[Path, bytes]] = []
    new: list[Path] = []
    try:
        rows = []
        for i in range(edits):
            restore.append(edited(content, i))
            rows.append(run(content, out, False))
        show("edit", rows)
        adds, deletes = [], []
        for _ in range(max(1, adds_deletes)):
            new += added(content)
            adds.append(run(content, out, False))
            for path in new:
                path.unlink()
            new.clear()
            deletes.append(run(content, out, False))
        show("add", adds)
        show("delete", deletes)
    finally:
        for path in new:
            path.unlink()
        for path, old in reversed(restore):
            path.write_bytes(old)
    print(f"  (edited files restored; load average now {os.getloadavg()[0]:.1f})")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reports", default="5000,20000", help="corpus sizes, comma-separated")
    p.add_argument("--full-runs", type=int, default=3, help="full builds a size (medians)")
    p.add_argument("--edits", type=int, default=3, help="one-report edits a size (medians)")
    p.add_argument("--adds", type=int, default=1, help="adds, each followed by its delete, a size (medians)")
    p.add_argument("--child", choices=("full", "edit"), help=argparse.SUPPRESS)
    p.add_argument("--content", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.content, args.out, args.child == "full")))
        return 0
    for n in (int(x) for x in args.reports.split(",")):
        bench(n, args.full_runs, args.edits, args.adds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
