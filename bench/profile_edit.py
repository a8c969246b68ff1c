#!/usr/bin/env python3
"""Where a one-report publish spends its time, in the build's own process, under cProfile.

``python bench/profile_edit.py --content bench/out/corpus-20000 --out bench/out/incremental-20000/site
[--report 1234 | --add] [--top 40] [--sort cumulative] [--sync]``

Changes the title of the ``--report``-th report file (sorted by path), runs ``build_site`` with the
cache as ``build.py build`` does, restores the file, and prints the build's steps, the index child's
figures and the profile's top functions. ``--add`` instead copies one report to a new year of its
agency (``bench_incremental.added``), profiles that publish, removes the copy and profiles the
delete. Each publish also says how many stored reports' heavy parts were unpickled in this process
(``storedreports.Body``). The render workers, the downloads child and the index
child are other processes: their time shows here only as waiting. ``--sync`` first builds once
without profiling, so the live site matches the content (after a change of code, that build is a
full one). Why beside ``bench_incremental.py``: that one gives medians of whole runs; this one
says which functions a run spent them in.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.build import build_site  # noqa: E402
from portal.buildcache import default_cache  # noqa: E402
from portal.storedreports import Body  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_incremental import added  # noqa: E402

TITLE = re.compile(r"^title:[ \t]*(.*)$", re.MULTILINE)


def publish(content: Path, out: Path, profile: cProfile.Profile | None) -> None:
    UNPICKLED.clear()
    start = time.perf_counter()
    if profile:
        profile.enable()
    result = build_site(content, out, progress=False, base_url="https://example.org", cache=default_cache(out))
    if profile:
        profile.disable()
    steps = ", ".join(f"{k} {v:.2f}" for k, v in result.steps.items())
    print(f"wall {time.perf_counter() - start:.2f} s; steps: {steps}; rendered {result.rendered}; "
          f"stored reports unpickled here: {len(UNPICKLED)}; index child: {result.search}")


UNPICKLED: set[int] = set()
"""The stored reports whose heavy part this process unpickled during the publish (``counted``)."""


def _counting(part: Callable[[Body, str], object]) -> Callable[[Body, str], object]:
    def counted(self: Body, name: str) -> object:
        if self._parts is None:
            UNPICKLED.add(id(self))
        return part(self, name)

    return counted


Body.part = _counting(Body.part)  # type: ignore[method-assign]  # this script's measurement, never a test's


def profiled(content: Path, out: Path, label: str, top: int, sort: str) -> None:
    print(f"--- {label}")
    profile = cProfile.Profile()
    publish(content, out, profile)
    pstats.Stats(profile).sort_stats(sort).print_stats(top)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--content", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--report", type=int, default=1234, help="which report file to edit, by its place in path order")
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--sort", default="cumulative", help="pstats order: cumulative, tottime …")
    p.add_argument("--sync", action="store_true", help="build once unprofiled first")
    p.add_argument("--add", action="store_true", help="profile adding a report to a new year, then deleting it")
    args = p.parse_args()
    if args.sync:
        publish(args.content, args.out, None)
    if args.add:
        new = added(args.content)
        try:
            profiled(args.content, args.out, f"add {new[0]}", args.top, args.sort)
        finally:
            for path in new:
                path.unlink()
        profiled(args.content, args.out, "delete", args.top, args.sort)
        return 0
    path = sorted((args.content / "reports").glob("*/*.yaml"))[args.report]
    old = path.read_bytes()
    path.write_text(TITLE.sub(lambda m: f"{m.group(0)}（修订）", old.decode("utf-8"), count=1), encoding="utf-8")
    try:
        profiled(args.content, args.out, f"edit {path}", args.top, args.sort)
    finally:
        path.write_bytes(old)
    return 0


if __name__ == "__main__":
    sys.exit(main())
