#!/usr/bin/env python3
"""Ingest benchmark: how many table cells ``extract`` reads right, per format class.

``python bench/bench_ingest.py [--per-class 100] [--seed 1] [--formats tab,cells,…] [--real DIR]``

Generated reports (``bench/reportgen.py``) have known answers: for each format class, the
first report holds the reviewed seed tables and the others random tables (some breaking a sum,
some with null marks), each printed with a random mix of that class's quirks. ``--real DIR``
adds real reports: each sub-folder of DIR holds one report file and an ``expected.yaml`` with
its ``table2``/``table3``/``table4`` in the report YAML layout (and ``agency``/``year`` when known).

Every cell of the three tables (200 a report) is compared with the answer:

- exact — the draft's value equals the answer (a null where the answer is null too);
- null  — the draft has null where the answer has a number (not read: a person fills it in);
- wrong — the draft has a different number, or a number where the answer is null. A value the
  draft flags for review counts the same way: exact if right, wrong if wrong.

Also printed: the reports whose 200 cells are all exact (``all200``), agency and year right,
and the median seconds ``extract`` took per report.
The same arguments give the same reports; only the seconds vary.

``--image-levels clean,dpi150,…`` (``--image-reports N`` each) measures reports published as
images (图片版), one noise level of ``tests/imagegen.py`` at a time: each report (the seed's
tables first, then random ones) drawn by ``tests/pdfgen.py``, rendered and spoiled as the level
says, and read from an image-only PDF through OCR. Besides exact / null / wrong it prints exact
over tables 3 and 4 alone (``t34``: the tables the form's sums prove), and the wall and
CPU seconds a page (CPU counts the Tesseract children too: the box is shared, wall time is noisy),
the number of wrong cells (``wrong#``: the goal is 0, which a percentage rounds away),
the share of cells kept but marked ``unproven`` (table 2, read twice alike: no sum proves it) and
how many of those are wrong (they count in exact and wrong like any other cell too).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import reportgen  # noqa: E402 - the bench folder is on the path only now

from portal.extract import extract  # noqa: E402

OUTCOMES = ("exact", "null", "wrong")


@dataclass
class Tally:
    """Cell outcomes, meta hits and timings of one format class."""

    cells: Counter = field(default_factory=Counter)
    reports: int = 0
    agency: int = 0
    year: int = 0
    refused: int = 0
    perfect: int = 0  # reports whose every cell is exact
    unprinted: list[str] = field(default_factory=list)  # reports the class's writer failed on, and why
    seconds: list[float] = field(default_factory=list)
    cpu: float = 0.0  # CPU seconds, Tesseract children included
    t34: Counter = field(default_factory=Counter)  # cell outcomes of tables 3 and 4 alone
    unproven: Counter = field(default_factory=Counter)  # exact / wrong over the cells the draft marks unproven
    by_quirk: dict[str, Counter] = field(default_factory=dict)

    def add(self, other: Tally) -> None:
        self.cells += other.cells
        self.reports += other.reports
        self.agency += other.agency
        self.year += other.year
        self.refused += other.refused
        self.perfect += other.perfect
        self.unprinted += other.unprinted
        self.seconds += other.seconds


def score_cells(expected: dict, draft: dict, tables: tuple[str, ...] = ("table2", "table3", "table4")) -> Counter:
    """exact / null / wrong over every cell of ``tables`` (see module doc)."""
    got = reportgen.answer_cells(draft) if draft else {}
    out: Counter = Counter()
    for path, answer in reportgen.answer_cells(expected).items():
        if not path.startswith(tables):
            continue
        value = got.get(path)
        if value is None:
            out["exact" if answer is None else "null"] += 1
        else:
            out["exact" if answer is not None and value == answer else "wrong"] += 1
    return out


def score_unproven(expected: dict, draft: dict) -> Counter:
    """exact / wrong over the cells the draft keeps but marks ``unproven`` (table 2 read from images)."""
    answers, got = reportgen.answer_cells(expected), reportgen.answer_cells(draft) if draft else {}
    return Counter("exact" if got.get(p) == answers.get(p) else "wrong" for p in draft.get("unproven") or {})


def run_one(raw: bytes, filename: str, expected: dict, registry: list[dict], tally: Tally) -> Counter:
    start, cpu = time.perf_counter(), _cpu()
    draft = extract(raw, filename, registry)
    tally.seconds.append(time.perf_counter() - start)
    tally.cpu += _cpu() - cpu
    tally.t34 += score_cells(expected, draft.data, ("table3", "table4"))
    tally.unproven += score_unproven(expected, draft.data)
    tally.reports += 1
    tally.refused += draft.refusal is not None
    cells = score_cells(expected, draft.data)
    tally.cells += cells
    tally.perfect += cells["exact"] == sum(cells.values())
    tally.agency += expected.get("agency") is not None and draft.data.get("agency") == expected.get("agency")
    tally.year += expected.get("year") is not None and draft.data.get("year") == expected.get("year")
    return cells


def generated(fmt: str, per_class: int, seed: int, registry: list[dict]) -> Tally | str:
    """Tally of ``per_class`` generated reports printed as ``fmt``, or why the class was skipped."""
    rng = random.Random(f"{seed}:{fmt}")
    tally = Tally()
    seeds = reportgen.seed_reports()
    for n in range(per_class):
        report = seeds[n] if n < len(seeds) else reportgen.random_report(rng)
        quirks = frozenset() if n < len(seeds) else reportgen.random_quirks(rng, fmt)
        try:
            raw, name = reportgen.render(report, fmt, quirks, rng)
        except reportgen.Unavailable as exc:
            return str(exc)
        except reportgen.RenderError as exc:
            tally.unprinted.append(f"report {n}: {exc}")
            continue
        cells = run_one(raw, name, report, registry, tally)
        for quirk in quirks or {"(none)"}:
            tally.by_quirk.setdefault(quirk, Counter()).update(cells)
    return tally


def real(folder: Path, registry: list[dict]) -> Tally:
    """Tally of the real reports under ``folder`` (one sub-folder each, with expected.yaml)."""
    tally = Tally()
    for sub in sorted(p for p in folder.iterdir() if (p / "expected.yaml").is_file()):
        expected = yaml.safe_load((sub / "expected.yaml").read_text(encoding="utf-8"))
        sources = [p for p in sorted(sub.iterdir()) if p.is_file() and p.name != "expected.yaml"]
        if len(sources) != 1:
            print(f"  {sub.name}: skipped, expected one report file beside expected.yaml, found {len(sources)}")
            continue
        run_one(sources[0].read_bytes(), sources[0].name, expected, registry, tally)
    return tally


def _cpu() -> float:
    """CPU seconds of this process and its finished children (Tesseract runs as a child)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def image_level(level: str, reports: int, seed: int, registry: list[dict]) -> str:
    """One row of the image class: ``reports`` reports at noise ``level``, read back through OCR."""
    from tests import imagegen

    rng = random.Random(f"{seed}:image:{level}")
    tally, pages = Tally(), 0
    for n, report in enumerate(reportgen.seed_reports()[:1] + [reportgen.random_report(rng)
                                                                for _ in range(reports - 1)]):
        noise, quirks = imagegen.level_noise(rng, level)
        images = imagegen.render_pages(report, noise, seed=n, quirks=quirks)
        pages += len(images)
        run_one(imagegen.as_pdf(images, noise.dpi), "scan.pdf", report, registry, tally)
    total, t34 = sum(tally.cells.values()), sum(tally.t34.values())
    return (f"{level:<8} {tally.reports:>7} {pages:>5} " + " ".join(_pct(tally.cells[o], total) for o in OUTCOMES)
            + f" {tally.cells['wrong']:>7} {_pct(tally.t34['exact'], t34)} {_pct(sum(tally.unproven.values()), total)}"
            + f" {tally.unproven['wrong']:>7} {_pct(tally.perfect, tally.reports)} {tally.refused:>7}"
            + f" {sum(tally.seconds) / pages:>7.2f} {tally.cpu / pages:>7.2f}")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:6.1f}%" if whole else "      —"


def row(name: str, t: Tally) -> str:
    total = sum(t.cells.values())
    median = f"{statistics.median(t.seconds):.3f}" if t.seconds else "—"
    return (f"{name:<10} {t.reports:>7} " + " ".join(_pct(t.cells[o], total) for o in OUTCOMES)
            + f" {t.cells['wrong']:>7} {_pct(t.perfect, t.reports)}"
            + f" {_pct(t.agency, t.reports)} {_pct(t.year, t.reports)}"
            + f" {t.refused:>7} {median:>8}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-class", type=int, default=100, help="generated reports per format class")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--formats", default=",".join(reportgen.FORMATS), help="comma-separated format classes")
    parser.add_argument("--real", type=Path, help="folder of real reports, one sub-folder each with expected.yaml")
    parser.add_argument("--by-quirk", action="store_true", help="also print each quirk's cell outcomes")
    parser.add_argument("--image-levels", default="",
                        help="comma-separated noise levels of tests/imagegen.py (LEVELS) for the image class")
    parser.add_argument("--image-reports", type=int, default=20, help="reports per image noise level")
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    unknown = [f for f in formats if f not in reportgen.FORMATS]
    if unknown:
        parser.error(f"unknown format classes {unknown}; known: {', '.join(reportgen.FORMATS)}")
    registry = reportgen.registry() + reportgen.generated_agencies()
    if args.image_levels:
        print(f"{'level':<8} {'reports':>7} {'pages':>5} {'exact':>7} {'null':>7} {'wrong':>7} {'wrong#':>7} "
              f"{'t34':>7} {'unprov':>7} {'unpr-wr':>7} {'all200':>7} {'refused':>7} {'s/page':>7} {'cpu/pg':>7}")
        for level in args.image_levels.split(","):
            print(image_level(level, args.image_reports, args.seed, registry), flush=True)
        return 0

    print(f"{'class':<10} {'reports':>7} {'exact':>7} {'null':>7} {'wrong':>7} {'wrong#':>7} {'all200':>7} "
          f"{'agency':>7} {'year':>7} {'refused':>7} {'s/report':>8}")
    total = Tally()
    skipped: list[str] = []
    tallies: dict[str, Tally] = {}
    for fmt in formats:
        result = generated(fmt, args.per_class, args.seed, registry)
        if isinstance(result, str):
            skipped.append(f"{fmt}: skipped — {result}")
            continue
        tallies[fmt] = result
        total.add(result)
        print(row(fmt, result), flush=True)
    if args.real:
        if args.real.is_dir():
            result = real(args.real, registry)
            total.add(result)
            print(row("real", result))
        else:
            skipped.append(f"real: skipped — {args.real} is not a folder")
    print(row("total", total))
    for line in skipped:
        print(line)
    for fmt, t in tallies.items():
        if t.unprinted:
            print(f"{fmt}: {len(t.unprinted)} reports not printed, e.g. {t.unprinted[0]}")
    if args.by_quirk:
        for fmt, t in tallies.items():
            for quirk, cells in sorted(t.by_quirk.items()):
                n = sum(cells.values())
                print(f"  {fmt:<9} {quirk:<16} " + " ".join(f"{o} {_pct(cells[o], n)}" for o in OUTCOMES))
    return 0


if __name__ == "__main__":
    sys.exit(main())
