"""Throwaway copies of the repository and virtualenvs, for tests that run commands as a user would.

Why never in the real checkout or the project's .venv: the README and Netlify commands install the
portal (`pip install -e .`) and write site/; done in place, an editable install would repoint the
shared .venv at a temporary folder, and site/ would change under other people's feet.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANYWHERE = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "*.egg-info")
AT_TOP = {".git", ".venv", "site", "bench/out"}


def _ignore(folder: str, names: list[str]) -> set[str]:
    rel = Path(folder).relative_to(ROOT).as_posix()
    top = {n for n in names if (n if rel == "." else f"{rel}/{n}") in AT_TOP or n.startswith("build-tmp-")}
    return set(ANYWHERE(folder, names)) | top


def copy_repo(dest: Path) -> Path:
    """The working tree (uncommitted edits included) without VCS data, builds and caches."""
    shutil.copytree(ROOT, dest, ignore=_ignore, symlinks=True)
    return dest


def make_venv(dest: Path, *, inherit: bool) -> Path:
    """A new virtualenv; its bin/ folder.

    With ``inherit`` it also sees this interpreter's installed packages (through a .pth line), so
    ``pip install -e .`` finds every dependency satisfied and installs only the project, offline.
    """
    subprocess.run([sys.executable, "-m", "venv", str(dest)], check=True, capture_output=True)
    if inherit:
        purelib = Path(subprocess.run([str(dest / "bin" / "python"), "-c",
                                       "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                      check=True, capture_output=True, text=True).stdout.strip())
        (purelib / "_inherited.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return dest / "bin"


def clean_env(bin_dir: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment a user's shell would have: no trace of the virtualenv running the tests."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME", "PYTEST_ADDOPTS"} and not k.startswith("PYTEST_")}
    ours = str(Path(sys.executable).parent)
    path = [p for p in env.get("PATH", "").split(os.pathsep) if p and p != ours]
    if bin_dir is not None:
        path.insert(0, str(bin_dir))
        env["VIRTUAL_ENV"] = str(bin_dir.parent)
    env["PATH"] = os.pathsep.join(path)
    env.update(extra)
    return env
