"""Parallel loading and rendering change nothing: same problems, same model, same bytes.

The build uses worker processes only above a size threshold, so the seed content would always
take the serial path; these tests force the workers on (threshold 0) and compare with one process.
"""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest

from portal import load
from portal.build import build_site, write_site
from portal.errors import ContentError
from portal.parallel import SERIAL, Child, ChildStopped, Parallelism
from tests.test_bad_content import CASES, Case

ROOT = Path(__file__).resolve().parent.parent


def _problems(content: Path, workers: int) -> list[str]:
    try:
        load.load_content(content, workers=workers, parallel_from=0)
    except ContentError as exc:
        return [str(p) for p in exc.problems]
    return []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_parallel_load_reports_the_same_problems(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    content = tmp_path / "content"
    case.mutate(content)
    serial = _problems(content, workers=1)
    assert serial, f"{case.name} should fail"
    assert _problems(content, workers=2) == serial


def test_parallel_load_builds_the_same_model() -> None:
    serial = load.load_content(ROOT / "content", workers=1)
    parallel = load.load_content(ROOT / "content", workers=2, parallel_from=0)
    assert parallel.agencies == serial.agencies
    assert [(r.key, r.data, r.text, r.yaml_path, r.source_path, r.checks) for r in parallel.reports] == \
           [(r.key, r.data, r.text, r.yaml_path, r.source_path, r.checks) for r in serial.reports]


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small synthetic corpus (bench/make_corpus.py): every defect kind, several years."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("corpus")
    subprocess.run([sys.executable, str(ROOT / "bench" / "make_corpus.py"), "--reports", "80", "--out", str(out),
                    "--force"], check=True, capture_output=True)
    return out


@pytest.mark.parametrize("source", ["seed", "corpus"])
def test_parallel_write_is_byte_identical_to_serial(source: str, corpus: Path, tmp_path: Path) -> None:
    content = ROOT / "content" if source == "seed" else corpus
    site = load.load_content(content, workers=1)
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    write_site(site, serial, parallelism=SERIAL)
    # many chunks, so both workers take part, and are replaced by fresh forks many times
    two = Parallelism(workers=2, parallel_from=0, chunk=3, recycle_after=2)
    changed = write_site(site, parallel, parallelism=two)
    assert _files(parallel) == _files(serial)
    assert sorted(changed) == sorted(parallel / rel for rel in _files(serial))
    assert write_site(site, parallel, parallelism=two) == []  # nothing changed: nothing written


def test_fresh_build_and_rebuild_agree(corpus: Path, tmp_path: Path) -> None:
    """A build into a new folder (written without comparing) and a rebuild over it (hard-linked
    copy, compare, delete stale) give the same site; the rebuild changes nothing."""
    out = tmp_path / "site"
    first = build_site(corpus, out, search=False, progress=False)
    before = _files(out)
    second = build_site(corpus, out, search=False, progress=False)
    assert first.changed == first.pages and second.changed == 0
    assert _files(out) == before


def test_parallel_load_shares_equal_checks(corpus: Path) -> None:
    """Checks come back from the load workers as one object per distinct check (memory: most
    checks are equal across reports), and sharing them changes no report's checks."""
    site = load.load_content(corpus, workers=2, parallel_from=0)
    checks = [c for r in site.reports for c in r.checks]
    objects: dict[object, set[int]] = {}
    for c in checks:
        objects.setdefault(c, set()).add(id(c))
    assert all(len(ids) == 1 for ids in objects.values())
    assert len(objects) < len(checks) / 2
    serial = load.load_content(corpus, workers=1)
    assert [r.checks for r in serial.reports] == [r.checks for r in site.reports]


def _interrupted() -> None:
    raise KeyboardInterrupt  # what Ctrl-C, sent to the whole process group, does in a child


def _killed() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _failing() -> None:
    raise ValueError("a real failure")


def test_a_child_stopped_by_ctrl_c_or_a_signal_is_an_interruption_not_a_failure() -> None:
    """The dev server says the downloads' update was stopped, without a traceback, when Ctrl-C
    reaches the child writing them; a real failure still comes back with its traceback."""
    for stopped in (_interrupted, _killed):
        with pytest.raises(ChildStopped):
            Child(stopped, "test-child").result()
    with pytest.raises(RuntimeError, match="ValueError: a real failure") as failed:
        Child(_failing, "test-child").result()
    assert not isinstance(failed.value, ChildStopped)
