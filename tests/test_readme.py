"""Every command in the README runs, and does what the README says (Datasette's test_docs.py).

The commands are read from the README's ```sh blocks, so a command added there is run here
without anyone remembering to add it:

- the two set-up commands (``./scripts/dev.sh``, ``./scripts/test.sh``) run as written in a
  fresh ``git clone`` of the committed repository, which creates its own virtualenv (slow);
- ``python build.py serve …`` starts, serves a page, and is stopped;
- the other commands of each README section (``## …``) run in order as one bash script, as the
  section tells a reader to, in a scratch copy of the working tree inside the project's
  virtualenv; some have their result checked.

Only two kinds of edit are made to a command before it runs: absolute ``/tmp/`` paths go to the
test's own folder, and benchmark sizes are scaled down (``SCALE_DOWN``) to keep CI within minutes.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from _repo import ROOT, clean_env, copy_repo

README = ROOT / "README.md"
SH_BLOCK = re.compile(r"^[ \t]*```sh\n(.*?)^[ \t]*```[ \t]*$", re.MULTILINE | re.DOTALL)
SETUP = ("./scripts/dev.sh", "./scripts/test.sh")
ACTIVATE = ". .venv/bin/activate"
SCALE_DOWN = (("--reports 1000", "--reports 40"), ("bench/bench_search.py", "bench/bench_search.py --limit 3"),
              ("bench/bench_serve.py", "bench/bench_serve.py --edits 5"))
INGESTED = "content/reports/wendeng-gov-office/2022"
REPORT_URL = "/reports/weihai-torch-hitech-zone/2023/"


def _commands(block: str) -> list[str]:
    return [line.strip() for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def sh_blocks() -> list[list[str]]:
    """The README's ```sh blocks, each a list of commands (blank lines and comments dropped)."""
    return [_commands(block) for block in SH_BLOCK.findall(README.read_text(encoding="utf-8"))]


def is_serve(command: str) -> bool:
    return command.startswith("python build.py serve")


def section_scripts() -> list[list[str]]:
    """Per README section, its commands in order, minus set-up, activation and the server."""
    out = []
    for section in re.split(r"^## ", README.read_text(encoding="utf-8"), flags=re.MULTILINE):
        commands = [c for block in SH_BLOCK.findall(section) for c in _commands(block)]
        rest = [c for c in commands if c not in SETUP and c != ACTIVATE and not is_serve(c)]
        if rest:
            out.append(rest)
    return out


def adapt(command: str, tmp: Path) -> str:
    command = command.replace(" /tmp/", f" {tmp}/")
    for old, new in SCALE_DOWN:
        if old in command and new not in command:
            command = command.replace(old, new)
    return command


# ------------------------------------------------------------------ what the blocks must produce


def _stage_raw_report(repo: Path) -> None:
    """The ingest example adds wendeng-gov-office 2022 from its raw text: start without it."""
    raw = repo / "downloads" / "2022-report.txt"
    raw.parent.mkdir()
    shutil.copyfile(repo / f"{INGESTED}.txt", raw)
    for suffix in (".yaml", ".txt"):
        (repo / f"{INGESTED}{suffix}").unlink()


def _ingested(repo: Path, output: str) -> None:
    """Ingest wrote a draft and the verbatim text; check accepted it; the build published it."""
    draft = (repo / f"{INGESTED}.yaml").read_text(encoding="utf-8")
    assert "status: draft" in draft and "agency: wendeng-gov-office" in draft
    assert (repo / f"{INGESTED}.txt").read_bytes() == (ROOT / f"{INGESTED}.txt").read_bytes()
    agencies = (ROOT / "content/agencies.yaml").read_text(encoding="utf-8").count("\n  - slug: ")
    reports = len(list((ROOT / "content/reports").glob("*/*.yaml")))
    assert f"检查通过：{agencies} 个机构，{reports} 份报告；" in output
    assert (repo / "site" / "reports" / "wendeng-gov-office" / "2022" / "index.html").is_file()
    assert (repo / "site" / "pagefind" / "pagefind.js").is_file()


def _cli(repo: Path, output: str) -> None:
    for command in ("build", "check", "serve", "ingest"):
        assert command in output  # --help lists them
    assert (repo / "site" / "index.html").is_file()


def _benches(repo: Path, output: str) -> None:
    assert output.count("save→reload median") == 2
    assert (repo / "bench" / "out" / "corpus-1k" / "agencies.yaml").is_file()


PREPARE: dict[str, Callable[[Path], None]] = {
    "python build.py ingest downloads/2022-report.txt --agency wendeng-gov-office": _stage_raw_report,
}
CHECK: dict[str, Callable[[Path, str], None]] = {
    "python build.py ingest downloads/2022-report.txt --agency wendeng-gov-office": _ingested,
    "python build.py --help": _cli,
    "python bench/bench_serve.py": _benches,
}


# ------------------------------------------------------------------ the tests


def test_readme_has_the_two_commands_first_and_every_command_is_run() -> None:
    blocks = sh_blocks()
    assert blocks[0] == ["./scripts/dev.sh"] and blocks[1] == ["./scripts/test.sh"]
    commands = [c for block in blocks for c in block]
    scripted = {c for script in section_scripts() for c in script}
    for command in commands:
        assert command in SETUP or command == ACTIVATE or is_serve(command) or command in scripted, command
    assert len(commands) >= 15


def test_readme_links_and_screenshot_exist() -> None:
    text = README.read_text(encoding="utf-8")
    targets = [t for t in re.findall(r"\]\(([^)#\s]+)\)", text) if not re.match(r"[a-z]+:", t)]
    assert "docs/screenshot.png" in targets
    for target in targets:
        assert (ROOT / target).exists(), target
    png = (ROOT / "docs" / "screenshot.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < 300_000


@pytest.fixture
def scratch_repo(tmp_path: Path) -> Path:
    """A copy of the working tree whose .venv is the one running the tests."""
    repo = copy_repo(tmp_path / "repo")
    (repo / ".venv").symlink_to(Path(sys.prefix))
    return repo


@pytest.mark.slow
@pytest.mark.parametrize("block", section_scripts(), ids=lambda block: block[0])
def test_readme_section_runs(block: list[str], scratch_repo: Path, tmp_path: Path) -> None:
    for command in block:
        if command in PREPARE:
            PREPARE[command](scratch_repo)
    lines = ["set -euo pipefail", ACTIVATE]
    lines += [f"echo {shlex.quote('$ ' + c)} && {adapt(c, tmp_path)}" for c in block]
    done = subprocess.run(["bash", "-c", "\n".join(lines)], cwd=scratch_repo, env=clean_env(),
                          capture_output=True, text=True, timeout=1200, stdin=subprocess.DEVNULL)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Traceback" not in output
    for command in block:
        if command in CHECK:
            CHECK[command](scratch_repo, output)


def _wait_for_page(url: str, proc: subprocess.Popen[str], timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _stop(proc: subprocess.Popen[str]) -> str:
    """Stop a server started in its own session (the script and its python), return its output."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    return proc.communicate()[0]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(command: str, cwd: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(["bash", "-c", command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True)


@pytest.mark.slow
def test_readme_serve_command_serves_the_site(scratch_repo: Path) -> None:
    (command,) = [c for block in sh_blocks() for c in block if is_serve(c)]
    port = _free_port()
    command = re.sub(r"--port \d+", f"--port {port}", command)
    proc = _start(f"{ACTIVATE} && {command}", scratch_repo, clean_env())
    try:
        page = _wait_for_page(f"http://127.0.0.1:{port}{REPORT_URL}", proc, 120)
    finally:
        output = _stop(proc)
    assert "<h1" in page and '<script src="/livereload.js"></script>' in page, output
    assert "预览地址 http://" in output and "Traceback" not in output


@pytest.mark.slow
def test_the_two_commands_work_in_a_fresh_clone(tmp_path: Path) -> None:
    """A newcomer's first minutes: clone, ./scripts/dev.sh, then ./scripts/test.sh, new .venv.

    The clone has the committed tree only, and no .venv: dev.sh must create and fill it. test.sh
    then adds the test tools and runs pytest; inside it a small selection is run (through pytest's
    own PYTEST_ADDOPTS, the command stays as written) — one browser test, so Chromium works from
    the new environment — since the full suite is what CI already runs with this same command.
    """
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, capture_output=True)
    assert not (clone / ".venv").exists()
    port = _free_port()
    dev = _start("./scripts/dev.sh", clone, clean_env(PORT=str(port)))
    try:
        page = _wait_for_page(f"http://127.0.0.1:{port}{REPORT_URL}", dev, 900)
    finally:
        dev_output = _stop(dev)
    assert "<h1" in page and "威海火炬高技术产业开发区管委会" in page, dev_output
    assert (clone / ".venv" / "bin" / "python").is_file()

    selection = "tests/test_serve.py::test_a_save_changes_the_open_page tests/test_netlify.py::test_build_settings"
    done = subprocess.run(["bash", "-c", "./scripts/test.sh"], cwd=clone, capture_output=True, text=True,
                          timeout=1800, stdin=subprocess.DEVNULL,
                          env=clean_env(PYTEST_ADDOPTS=f"-p no:cacheprovider {selection}"))
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert re.search(r"^=+ 2 passed\b", output, re.MULTILINE), output
    assert "BROWSER TESTS SKIPPED" not in output
