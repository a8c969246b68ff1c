"""Debian's Tesseract (``tesseract-ocr`` + ``tesseract-ocr-chi-sim``, 5.3) run as a bounded child process.

Files come from the internet: Tesseract runs with a timeout, an address-space and CPU limit, one
thread and no shell, and every failure is a one-line ``OcrError``. A batch of images goes to one
process as a list file, so the models load once a batch.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import tempfile
import time
from functools import lru_cache
from pathlib import Path

TESSERACT = "tesseract"  # a path or a name on PATH; tests point it at a missing binary
PACKAGES = ("tesseract-ocr", "tesseract-ocr-chi-sim")
NEEDS_OCR = (f"has no text layer (a scan or an image): reading it needs OCR — as root run "
             f"apt-get install -y {' '.join(PACKAGES)}")
PAGE_SECONDS = 60.0  # one Tesseract batch
MEMORY_BYTES = 2 << 30


class OcrError(ValueError):
    """The image cannot be read; the message says why in one line."""


@lru_cache(maxsize=4)
def engine_version(binary: str = TESSERACT) -> str:
    """``tesseract 5.3.0`` with its chi_sim model, or an ``OcrError`` naming the packages."""
    try:
        done = subprocess.run([binary, "--list-langs"], capture_output=True, timeout=20, stdin=subprocess.DEVNULL,
                              env=_env(), check=False)
        version = subprocess.run([binary, "--version"], capture_output=True, timeout=20, stdin=subprocess.DEVNULL,
                                 env=_env(), check=False)
    except (OSError, subprocess.SubprocessError):
        raise OcrError(NEEDS_OCR) from None
    if "chi_sim" not in done.stdout.decode(errors="replace").split():
        raise OcrError(NEEDS_OCR)
    first = (version.stdout or version.stderr).decode(errors="replace").splitlines()
    return first[0].strip() if first else "tesseract"


def _env() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "OMP_THREAD_LIMIT": "1", "LANG": "C.UTF-8"}


def _limits() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    cpu = int(PAGE_SECONDS) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


class _Crashed(OcrError):
    """Tesseract died of a signal of its own (not our timeout) on some image of the batch."""


def read_batch(images: list, *, lang: str, psm: int, whitelist: str | None = None,
               deadline: float | None = None) -> list[str]:
    """Tesseract's text for each image, in one process (a list file: one model load).

    Tesseract 5.3 dies of a floating-point exception (SIGFPE) on a rare crop (a label cell's
    broken strokes in --psm 7 with a digits whitelist: one cell of a 150-dpi scan took the whole
    report down). Then the batch is read again in halves, down to the image that crashes, which
    reads as nothing (unread): the other cells keep their readings.
    """
    try:
        return _read_batch(images, lang=lang, psm=psm, whitelist=whitelist, deadline=deadline)
    except _Crashed:
        if len(images) == 1:
            return [""]
        half = len(images) // 2
        return (read_batch(images[:half], lang=lang, psm=psm, whitelist=whitelist, deadline=deadline)
                + read_batch(images[half:], lang=lang, psm=psm, whitelist=whitelist, deadline=deadline))


def _read_batch(images: list, *, lang: str, psm: int, whitelist: str | None, deadline: float | None) -> list[str]:
    if not images:
        return []
    timeout = PAGE_SECONDS if deadline is None else max(1.0, min(PAGE_SECONDS, deadline - time.monotonic()))
    with tempfile.TemporaryDirectory(prefix="portal-ocr-") as tmp:
        work = Path(tmp)
        names = []
        for n, image in enumerate(images):
            name = work / f"{n}.png"
            image.save(name)
            names.append(str(name))
        (work / "list.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
        command = [TESSERACT, str(work / "list.txt"), str(work / "out"), "-l", lang, "--psm", str(psm)]
        if whitelist:
            command += ["-c", f"tessedit_char_whitelist={whitelist}"]
        try:
            child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, cwd=tmp, env=_env(), preexec_fn=_limits,
                                     start_new_session=True)
        except OSError:
            raise OcrError(NEEDS_OCR) from None
        try:
            _, err = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)
            child.communicate()
            raise OcrError(f"OCR did not finish within {timeout:.0f} s: refused") from None
        out = work / "out.txt"
        if child.returncode in (-signal.SIGFPE, -signal.SIGSEGV, -signal.SIGABRT):
            raise _Crashed(f"OCR crashed (signal {-child.returncode})")
        if child.returncode != 0 or not out.is_file():
            said = " ".join(err.decode(errors="replace").split())[:160]
            raise OcrError(f"OCR failed (exit status {child.returncode}{': ' + said if said else ''})")
        pages = out.read_text(encoding="utf-8", errors="replace").split("\f")
    pages += [""] * (len(images) - len(pages))
    return [p.strip() for p in pages[:len(images)]]
