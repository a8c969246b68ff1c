"""Debian's Chromium for the browser tests: installed when missing, skipped only when impossible.

Why here and not only in ``scripts/test.sh``: ``python -m pytest`` on its own must enforce the same
rule, so this module is both a pytest plugin (imported by ``tests/conftest.py``) and a script
(``python -m tests._chromium``, run by ``scripts/test.sh`` before pytest so apt-get's output is not
captured). The rule:

- ``/usr/bin/chromium`` present: use it. Never download a browser (Playwright's own builds are
  not reachable here, and CI must test the Chromium users of Debian get).
- missing, and we are root with apt-get: ``apt-get install chromium fonts-noto-cjk`` (the fonts so
  screenshots show Chinese rather than boxes). An install that fails is an error, not a skip.
- LibreOffice (``libreoffice-writer-nogui``), which ingest uses to read old binary Word .doc files,
  and the TrueType font the PDF tests draw with (``fonts-wqy-microhei``) are installed the same way
  in the same apt-get run; their tests skip by themselves without them. So is Tesseract with its
  Chinese model (``tesseract-ocr``, ``tesseract-ocr-chi-sim``), which ingest reads images and scans with.
- missing, and installing is impossible (not root, no apt-get): browser tests are skipped, with a
  banner at the start and at the end of the run saying so.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
PACKAGES = ("chromium", "fonts-noto-cjk", "libreoffice-writer-nogui", "fonts-wqy-microhei", "tesseract-ocr",
            "tesseract-ocr-chi-sim")
WQY_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
CHI_SIM = Path("/usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata")
"""Tesseract's Simplified Chinese model, which ingest reads images and scanned PDFs with."""
"""The TrueType CJK font tests/pdfgen.py draws test PDFs with (Noto CJK is CFF, which pdfminer cannot read)."""
BROWSER_FIXTURES = frozenset({"browser", "page", "chromium", "browser_page", "chromium_browser"})
BANNER = "!" * 78


@dataclass(frozen=True)
class Status:
    """Whether the browser tests can run, and if not, the sentence that says why."""

    available: bool
    reason: str = ""
    installed_now: bool = False


def _has_cjk_font() -> bool:
    """fontconfig knows a Chinese font; without one Chromium renders Chinese as boxes."""
    if not shutil.which("fc-list"):
        return False
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return bool(out.stdout.strip())


def _can_install() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None


def _apt_install(packages: tuple[str, ...]) -> None:
    """apt-get update + install, raising with apt's output when it fails."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", *packages]):
        print("==>", " ".join(cmd), file=sys.stderr, flush=True)
        done = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def ensure_chromium() -> Status:
    """Make /usr/bin/chromium (and a CJK font, and LibreOffice) present if we may; say why not otherwise."""
    present = (CHROMIUM.exists(), _has_cjk_font(), shutil.which("soffice") is not None, WQY_FONT.exists(),
               shutil.which("tesseract") is not None, CHI_SIM.exists())
    missing = [pkg for pkg, ok in zip(PACKAGES, present, strict=True) if not ok]
    if not missing:
        return Status(True)
    if not _can_install():
        if CHROMIUM.exists():  # only the font (boxes in screenshots) or LibreOffice (.doc tests skip) missing
            names = " ".join(missing)
            print(f"warning: {names} missing; as root run: apt-get install -y {names}", file=sys.stderr)
            return Status(True)
        who = "not root" if shutil.which("apt-get") else "no apt-get on this machine"
        return Status(False, f"{CHROMIUM} is missing and cannot be installed here ({who}); "
                             f"as root run: apt-get install -y {' '.join(PACKAGES)}")
    _apt_install(tuple(missing))
    if not CHROMIUM.exists():
        raise RuntimeError(f"apt-get installed {' '.join(missing)} but {CHROMIUM} is still missing")
    return Status(True, installed_now=True)


def loud(reason: str) -> str:
    return f"\n{BANNER}\nBROWSER TESTS SKIPPED: {reason}\n{BANNER}\n"


# ------------------------------------------------------------------ pytest plugin

_STATUS_KEY = pytest.StashKey[Status]()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "browser: the test drives Debian's Chromium through Playwright")


def pytest_sessionstart(session: pytest.Session) -> None:
    """Check (and install) once, before collection, so every browser test sees the same answer."""
    try:
        status = ensure_chromium()
    except RuntimeError as exc:  # installing was possible and failed: that is a broken machine
        raise pytest.UsageError(f"could not install Chromium for the browser tests: {exc}") from exc
    session.config.stash[_STATUS_KEY] = status
    if not status.available:
        print(loud(status.reason), file=sys.stderr)


def uses_browser(item: pytest.Item) -> bool:
    """A browser test: marked, asks for a browser fixture, or its module imports Playwright."""
    if item.get_closest_marker("browser"):
        return True
    if BROWSER_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    module = getattr(item, "module", None)
    return module is not None and any(_from_browser_code(v) for v in vars(module).values())


def _from_browser_code(value: object) -> bool:
    """Defined in Playwright or in tests/browser.py (the shared launch helpers)."""
    origin = str(getattr(value, "__module__", None) or getattr(value, "__name__", None) or "")
    return origin.startswith("playwright") or origin.rsplit(".", 1)[-1] == "browser"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    status = config.stash.get(_STATUS_KEY, None)
    if status is None or status.available:
        return
    skip = pytest.mark.skip(reason=f"BROWSER TESTS SKIPPED: {status.reason}")
    for item in items:
        if uses_browser(item):
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:  # noqa: ANN001
    status = config.stash.get(_STATUS_KEY, None)
    if status is not None and not status.available:
        terminalreporter.write_line(loud(status.reason), red=True, bold=True)


@pytest.fixture(scope="session")
def chromium_executable(request: pytest.FixtureRequest) -> str:
    """The path to hand to ``launch(executable_path=…)``; skips loudly when it cannot exist."""
    status = request.config.stash.get(_STATUS_KEY, None) or ensure_chromium()
    if not status.available:
        pytest.skip(f"BROWSER TESTS SKIPPED: {status.reason}")
    return str(CHROMIUM)


def main() -> int:
    """``python -m tests._chromium``: install before pytest starts, so apt's output is visible."""
    try:
        status = ensure_chromium()
    except RuntimeError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if not status.available:
        print(loud(status.reason), file=sys.stderr)
    elif status.installed_now:
        print(f"==> installed Chromium at {CHROMIUM}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
