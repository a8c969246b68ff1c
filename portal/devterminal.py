"""What the dev server prints in the editor's terminal: timestamped lines, one report a build."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .devbuild import Outcome


def say(message: str) -> None:
    """One timestamped line on stderr; threads share it, so each line is written whole."""
    stamp = time.strftime("%H:%M:%S")
    text = "\n".join(f"[{stamp}] {line}" for line in message.splitlines() or [""])
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def report(outcome: Outcome) -> None:
    """The terminal's view of a build: what triggered it, what it wrote, or every problem."""
    trigger = ", ".join(short(p) for p in outcome.trigger[:3]) + (" …" if len(outcome.trigger) > 3 else "")
    why = f"（{trigger}）" if trigger else ""
    if outcome.error is None:
        say(f"{outcome.what}{why}，用时 {outcome.seconds:.2f} 秒，{outcome.written} 个文件有改动")
    else:
        say(f"构建失败{why}；仍在提供上次成功构建的版本：\n{outcome.error}")


def short(path: str) -> str:
    """A path relative to the working directory when it is inside it (the terminal's width)."""
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path
