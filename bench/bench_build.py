#!/usr/bin/env python3
"""Build benchmark: medians of wall and CPU time, peak memory and output size, per phase.

``python bench/bench_build.py --reports 5000 [--runs 3] [--phases load,render,index,full,rebuild,edit,publish]``
(``--reports N`` makes ``bench/out/corpus-<N>`` with ``make_corpus.py`` when it is missing), or
``--content DIR`` for any content folder. Every run is a fresh child process, so its peak RSS
and CPU time are its own; the shared box is noisy, so the figures are medians, and CPU time
(user + sys, the child and everything it started: render workers, Pagefind) is printed beside
wall time because CPU time is what does not move when other people's jobs run.

Phases:

- ``load``    — ``load_content``: YAML, validation, checks, the model.
- ``pages``   — load, then write the HTML pages only into an empty folder: what the reference's
  minimal jinja2 + markdown-it-py script does (pages/s over the render step's wall time).
- ``render``  — load, then write every page and download into an empty folder (no search);
  pages/s counts the HTML pages over the render step's wall time, though the step also writes
  ~3 downloads a report (report.json, report.yaml, source.txt) and the site-wide data files.
- ``index``   — load, then ``index_site`` alone (Pagefind), into an empty folder.
- ``full``    — ``build_site`` with the search index into a new output folder (the deploy).
- ``rebuild`` — ``build_site`` again over that output, nothing changed.
- ``edit``    — the dev server's rebuild of everything (what a template or registry save costs):
  ``load_content`` + ``write_site`` into the live folder. A saved report costs far less (only
  changed files are parsed, only its agency and the site-wide pages rendered): that is measured
  end to end, browser included, by ``bench_serve.py``.
- ``publish`` — the one-report publish: ``build_site`` with its cache (what ``build.py build`` does
  after a report is saved) over a site that same command built, after one report's title changed (a
  different report each run, spread over the corpus). The first build, which fills the cache, is not
  measured. Its steps and the index child's figures are printed; ``bench_incremental.py`` also
  measures an added and a deleted report.

Peak memory is given two ways: the largest single process (``ru_maxrss``) and the whole process
tree's PSS (the main process, render workers and Pagefind together; pages
shared copy-on-write by forked workers count once), sampled every 0.25 s.
Nothing is deleted until every run is measured (``INODE_REUSE_S``): runs' output goes to
``bench/out/trash``, emptied at the end unless ``--keep-trash`` (for a series of benchmarks,
e.g. old and new code interleaved: empty it after the last one).
The reference figures of issue 7 (2 cores, per 5,000 pages) are printed beside ours.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PHASES = ("load", "pages", "render", "index", "full", "rebuild", "edit", "publish")
REFERENCE_PAGES_PER_S = {"Pelican": 67, "jinja2 + markdown-it-py, 2 processes": 640}
REFERENCE_5K_S = {"Hugo": 5.8, "Pelican": 75, "jinja2 + markdown-it-py, 2 processes": 7.8,
                  "Pagefind extended indexing": 22.9}
TITLE_LINE = re.compile(r"^title:[ \t]*(.*)$", re.MULTILINE)


# ---------------------------------------------------------------- the child: one phase, one run


def _cpu() -> float:
    """CPU seconds of this process and of its children that have finished."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def child(phase: str, content: Path, out: Path) -> dict[str, float]:
    """Run one phase in this process; return in-process timings of its steps."""
    from portal.build import build_site, write_site
    from portal.load import load_content

    timings: dict[str, float] = {}

    def step(name: str, action):  # noqa: ANN001, ANN202 - a thunk and whatever it returns
        w, c = time.perf_counter(), _cpu()
        value = action()
        timings[f"{name}_wall"] = time.perf_counter() - w
        timings[f"{name}_cpu"] = _cpu() - c
        return value

    if phase in ("full", "rebuild"):
        result = step(phase, lambda: build_site(content, out, search=True, progress=False))
        timings["files"], timings["changed"] = result.pages, result.changed
        return timings
    if phase == "publish":
        from portal.buildcache import default_cache

        result = step(phase, lambda: build_site(content, out, search=True, progress=False,
                                                cache=default_cache(out)))
        timings.update({f"step_{k}": v for k, v in result.steps.items()})
        timings.update({f"search_{k}": float(v) for k, v in result.search.items()})
        timings["rendered"], timings["changed"] = result.rendered, result.changed
        return timings
    site = step("load", lambda: load_content(content))
    timings["reports"] = len(site.reports)
    if phase in ("render", "pages"):
        only = (lambda o: o.path.endswith(".html")) if phase == "pages" else None
        step("render", lambda: write_site(site, out, keep=(), select=only))
        timings["html_pages"] = sum(1 for _ in out.rglob("*.html"))
    elif phase == "index":
        from portal.search import index_site

        stats = step("index", lambda: index_site(site, out))
        timings["bundles"], timings["pagefind_rss_mb"] = stats.bundles, stats.peak_rss_mb
    elif phase == "edit":
        from portal.build import KEEP
        from portal.devbuild import SEARCH_NEXT, SEARCH_OLD

        changed = step("write", lambda: write_site(site, out, keep=(*KEEP, SEARCH_NEXT, SEARCH_OLD)))
        timings["changed"] = len(changed)
    return timings


# ---------------------------------------------------------------- the parent: runs and medians


class TreeRss:
    """Peak memory of a process and all its descendants, sampled from /proc.

    PSS (proportional set size) is the honest sum for forked workers: a page the model shares
    copy-on-write between the parent and two render workers counts once, not three times as in
    summed RSS.

    Why every 0.25 s: a sample reads every process's stat and each build process's
    smaps_rollup (a walk of its page tables). Every 0.05 s that took 7.9 s of CPU during one
    38 s build of 5,000 reports, a fifth of a core taken from the build it measures; every
    0.5 s it took 1.6 s and saw the same peak (1.19 GiB): the peaks last seconds."""

    def __init__(self, pid: int, every: float = 0.25):
        self.pid, self.every, self.peak = pid, every, 0
        self.at_peak: dict[str, float] = {}
        """PSS (MB) by process name at the peak sample: which process the memory is in."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            parts = self._sample()
            total = sum(pss for _, pss, _ in parts)
            if total > self.peak:
                self.peak, self.at_peak = total, _by_name(parts)
            self._stop.wait(self.every)

    def _sample(self) -> list[tuple[str, int, int]]:
        parents: dict[int, int] = {}
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            try:
                with open(f"/proc/{entry.name}/stat", "rb") as f:
                    parents[int(entry.name)] = int(f.read().rsplit(b")", 1)[1].split()[1])
            except OSError:
                continue
        tree, grew = {self.pid}, True
        while grew:
            more = {p for p, pp in parents.items() if pp in tree} - tree
            grew, tree = bool(more), tree | more
        with_children = {parents[p] for p in tree if p != self.pid}
        return [(_role(p, self.pid, p in with_children), *_pss(p)) for p in tree]

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def _role(pid: int, root: int, has_children: bool) -> str:
    """The build's own process, the index child (the Python process that runs Pagefind), a
    render or load worker (a Python process without children), or the program's name."""
    try:
        with open(f"/proc/{pid}/comm") as f:
            name = f.read().strip()
    except OSError:
        return "?"
    if pid == root:
        return "main"
    if name.startswith("python"):
        return "index child" if has_children else "worker"
    return name


def _by_name(parts: list[tuple[str, int, int]]) -> dict[str, tuple[int, int]]:
    """'worker', 'worker #2', 'pagefind_extended' …: each process's PSS and private memory in MiB,
    largest first. Private memory is what the process alone holds (pages it wrote since the fork
    and its own allocations); the rest of its PSS is its share of pages shared with others."""
    seen: dict[str, int] = {}
    out = {}
    for name, pss, private in sorted(parts, key=lambda p: -p[1]):
        seen[name] = seen.get(name, 0) + 1
        out[name if seen[name] == 1 else f"{name} #{seen[name]}"] = (round(pss / 2**20), round(private / 2**20))
    return out


def _pss(pid: int) -> tuple[int, int]:
    """(PSS, private) bytes of one process."""
    pss = private = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as f:
            for line in f:
                if line.startswith(b"Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith((b"Private_Clean:", b"Private_Dirty:")):
                    private += int(line.split()[1]) * 1024
    except OSError:
        pass
    return pss, private


def run_once(phase: str, content: Path, out: Path) -> dict[str, float]:
    """One phase in a fresh child process: its timings plus wall, CPU and memory seen from outside."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", phase, "--content", str(content),
           "--out", str(out)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    sampler = TreeRss(proc.pid)
    assert proc.stdout
    output = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    tree_peak = sampler.stop()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{phase} failed (exit {proc.returncode}):\n{output}")
    result = json.loads(output.strip().splitlines()[-1])
    result.update(wall=wall, cpu=usage.ru_utime + usage.ru_stime, max_rss_mb=usage.ru_maxrss / 1024,
                  tree_rss_mb=tree_peak / 2**20, at_peak=sampler.at_peak)
    return result


def set_title(yaml_path: Path, title: str) -> str:
    """Replace the report's ``title:`` line; return the old title."""
    text = yaml_path.read_text(encoding="utf-8")
    old = TITLE_LINE.search(text)
    assert old, yaml_path
    yaml_path.write_text(text[:old.start()] + f"title: {title}" + text[old.end():], encoding="utf-8")
    return old.group(1)


TRASH = ROOT / "bench" / "out" / "trash"
EMPTIED = ROOT / "bench" / "out" / ".trash-emptied"
INODE_REUSE_S = 360
"""How long after a mass deletion creating files on this box stays slow (``RECENTCY_MIN`` 60 s
+ ``RECENTCY_DIRTY`` 300 s in ext4's ``ialloc.c``).

Why it matters: the build box's ext4 has no journal, and without one ext4 does not reuse an
inode freed in the last 60 s, or 360 s while its inode-table block is still dirty, which any
file created or deleted beside it keeps it. Allocating an inode scans past every such free inode
(``perf``: ``recently_deleted``, ``find_get_block_common``). Measured with a loop creating
20,000 small files: 0.034 ms of system time a file with no deletion in the last minutes, 0.19 ms
40 s after deleting 20,000 files, 0.11 ms after 70 s, 0.09 ms after 100 s. A build creates
~36,000 files and folders at 5,000 reports, so a run started after deleting the previous run's
output paid several seconds of CPU for the benchmark's own cleanup (the 35 s wait this module
used to make was too short). A real build does not follow a mass deletion (a deploy builds in
a fresh clone; a rebuild replaces only changed files, the rest are hard links), so the
benchmark deletes nothing until it has measured everything: see ``discard``."""


def discard(*paths: Path) -> None:
    """Move runs' output into ``TRASH``: a rename frees no inode, so the next run's files are
    created as fast as a real build's (``INODE_REUSE_S``). ``empty_trash`` deletes it at the end.
    A folder on another file system (``--keep-site`` elsewhere) cannot be renamed there and is
    deleted at once."""
    TRASH.mkdir(parents=True, exist_ok=True)
    for path in paths:
        if path.exists():
            try:
                path.rename(TRASH / f"{time.time_ns()}-{path.name}")
            except OSError:
                shutil.rmtree(path, ignore_errors=True)


def empty_trash() -> None:
    """Delete the discarded output and note when, for the next benchmark's warning."""
    if TRASH.exists():
        shutil.rmtree(TRASH, ignore_errors=True)
        EMPTIED.touch()


def recent_deletion() -> float | None:
    """Seconds since a benchmark last emptied its trash, if that is under ``INODE_REUSE_S``."""
    try:
        age = time.time() - EMPTIED.stat().st_mtime
    except OSError:
        return None
    return age if age < INODE_REUSE_S else None


def dir_bytes(path: Path) -> tuple[int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(r[key] for r in runs if key in r)


def fmt_row(name: str, runs: list[dict[str, float]], wall: str = "wall", cpu: str = "cpu") -> str:
    walls = [r[wall] for r in runs]
    return (f"{name:<26} wall {median(runs, wall):7.2f} s  cpu {median(runs, cpu):7.2f} s  "
            f"(wall min {min(walls):.2f} max {max(walls):.2f}; n={len(runs)})")


def bench(content: Path, phases: list[str], runs: int, keep_site: Path | None) -> None:
    results: dict[str, list[dict[str, float]]] = {p: [] for p in phases}
    with tempfile.TemporaryDirectory(prefix="bench-build-", dir=ROOT / "bench" / "out") as tmp:
        work = Path(tmp)
        for phase in phases:
            for i in range(runs):
                out = work / f"{phase}-{i}" / "site"
                if phase == "rebuild":
                    out = work / "full" / "site"
                    if not out.exists():
                        run_once("full", content, out)
                elif phase == "edit":
                    out = work / "edit" / "site"
                    if not out.exists():
                        run_once("render", content, out)
                    first = sorted((content / "reports").glob("*/*.yaml"))[0]
                    old = set_title(first, f"测速{i}号 bench edit")
                    try:
                        results[phase].append(run_once(phase, content, out))
                    finally:
                        set_title(first, old)
                    continue
                elif phase == "publish":
                    out = work / "publish" / "site"
                    if not out.exists():
                        run_once(phase, content, out)  # fills the cache: a full build, not measured
                    paths = sorted((content / "reports").glob("*/*.yaml"))
                    edited = paths[(i * 7919 + 1) % len(paths)]
                    old = set_title(edited, "")
                    set_title(edited, f"{old}（测速修订{i}）")
                    try:
                        results[phase].append(run_once(phase, content, out))
                    finally:
                        set_title(edited, old)
                    continue
                elif phase == "full":
                    out = work / "full" / "site"
                    discard(out.parent)
                results[phase].append(run_once(phase, content, out))
                if phase in ("load", "pages", "render", "index"):
                    discard(out.parent)
            print_phase(phase, results[phase])
        if "full" in results:
            site = work / "full" / "site"
            files, size = dir_bytes(site)
            _, search = dir_bytes(site / "pagefind")
            shards = sum(p.stat().st_size for p in (site / "reports").glob("*/*/text.json"))
            print(f"{'output':<26} {files} files, {size / 2**20:.1f} MiB (search index {search / 2**20:.1f} MiB, "
                  f"text shards {shards / 2**20:.1f} MiB)")
            if keep_site:
                discard(keep_site)
                shutil.move(site, keep_site)
                print(f"kept the full build in {keep_site}")
        discard(*work.iterdir())
    summary(results)


def print_phase(phase: str, runs: list[dict[str, float]]) -> None:
    print(fmt_row(phase, runs))
    if phase == "publish":
        steps = [k for k in runs[0] if k.startswith("step_")]  # in the build's order
        print(f"{'':<26} steps (wall s, medians): "
              + ", ".join(f"{k.removeprefix('step_')} {median(runs, k):.2f}" for k in steps)
              + f"; rendered {median(runs, 'rendered'):.0f} outputs, {median(runs, 'changed'):.0f} files changed")
        if all("search_seconds" in r for r in runs):
            indexed, bundles = median(runs, "search_indexed"), median(runs, "search_bundles")
            print(f"{'':<26} index child: {indexed:.0f} of {bundles:.0f} bundles indexed, "
                  f"wall {median(runs, 'search_seconds'):.2f} s, CPU {median(runs, 'search_cpu'):.2f} s")
    if phase in ("pages", "render", "index", "edit"):
        step = {"pages": "render", "render": "render", "index": "index", "edit": "write"}[phase]
        print(fmt_row("  of which load", runs, "load_wall", "load_cpu"))
        print(fmt_row(f"  of which {step}", runs, f"{step}_wall", f"{step}_cpu"))
    print(f"{'':<26} peak RSS: largest process {median(runs, 'max_rss_mb'):.0f} MiB, "
          f"process tree (PSS) {median(runs, 'tree_rss_mb'):.0f} MiB")
    top = max(runs, key=lambda r: r["tree_rss_mb"])["at_peak"]
    print(f"{'':<26} at the highest peak, MiB PSS (private): "
          + ", ".join(f"{k} {pss} ({private})" for k, (pss, private) in top.items()))
    sys.stdout.flush()


def summary(results: dict[str, list[dict[str, float]]]) -> None:
    print("\nsummary (medians)")
    for phase, what in (("pages", "HTML pages only"), ("render", "with every download")):
        if not results.get(phase):
            continue
        runs = results[phase]
        pages, wall, cpu = median(runs, "html_pages"), median(runs, "render_wall"), median(runs, "render_cpu")
        rate = pages / wall
        print(f"  rendering {pages:.0f} HTML pages ({what}): {rate:.0f} pages/s wall, {pages / cpu:.0f} pages per "
              "CPU-s; " + ", ".join(f"{rate / v:.1f}x {k}" for k, v in REFERENCE_PAGES_PER_S.items()))
    if results.get("full"):
        runs = results["full"]
        print(f"  full build with search: {median(runs, 'wall'):.1f} s wall, {median(runs, 'cpu'):.1f} s CPU, "
              f"peak memory {median(runs, 'tree_rss_mb') / 1024:.2f} GiB PSS (process tree), "
              f"largest process {median(runs, 'max_rss_mb') / 1024:.2f} GiB")
        print("  reference per 5,000 pages: " + ", ".join(f"{k} {v} s" for k, v in REFERENCE_5K_S.items()))


def corpus(reports: int) -> Path:
    path = ROOT / "bench" / "out" / f"corpus-{reports // 1000}k" if reports % 1000 == 0 else \
        ROOT / "bench" / "out" / f"corpus-{reports}"
    if not (path / "agencies.yaml").is_file():
        subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), "--reports", str(reports),
                        "--out", str(path)], check=True)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    src = p.add_mutually_exclusive_group()
    src.add_argument("--reports", type=int, help="use (and make if missing) bench/out/corpus-<N>")
    src.add_argument("--content", type=Path, help="a content folder (the edit phase edits one title and restores it)")
    p.add_argument("--runs", type=int, default=3, help="runs per phase (medians; ≥ 3)")
    p.add_argument("--phases", default=",".join(PHASES), help=f"comma-separated, of {', '.join(PHASES)}")
    p.add_argument("--keep-site", type=Path, help="move the last full build here (for bench_search.py --site)")
    p.add_argument("--keep-trash", action="store_true",
                   help="leave runs' output in bench/out/trash (a series of benchmarks: delete it after the last)")
    p.add_argument("--child", choices=PHASES, help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.content, args.out)))
        return 0
    content = (corpus(args.reports) if args.reports else args.content or ROOT / "content").resolve()
    phases = [x for x in args.phases.split(",") if x]
    unknown = set(phases) - set(PHASES)
    if unknown:
        p.error(f"unknown phase(s): {', '.join(sorted(unknown))}")
    print(f"content {content}; {args.runs} run(s) per phase; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f}")
    age = recent_deletion()
    if age is not None:
        print(f"warning: a benchmark deleted its output {age:.0f} s ago; on ext4 without a journal, creating "
              f"files stays slower for up to {INODE_REUSE_S} s after a mass deletion (see INODE_REUSE_S)")
    try:
        bench(content, phases, args.runs, args.keep_site)
    finally:
        if not args.keep_trash:
            empty_trash()
    return 0


if __name__ == "__main__":
    sys.exit(main())
