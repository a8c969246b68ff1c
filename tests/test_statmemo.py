"""The stat memo (``statmemo``): an incremental build does not read a file whose stat is the one it
hashed, and never serves a hash for bytes it did not read — a file edited within its size and
mtime, or a file too young to trust, is read again."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from portal.buildcache import ParseStore, code_version
from portal.load import load_content
from portal.statmemo import StatMemo, digest
from tests import test_incremental
from tests.test_incremental_build import _build, _latest, _same_as_full

WINDOW = 200_000_000  # 0.2 s: the racy window these tests use, so they need not wait seconds

pristine, content = test_incremental.pristine, test_incremental.content  # the same synthetic corpus (fixtures)


def _aged(path: Path, window: int = WINDOW) -> None:
    """Wait until the file's last change is older than the window."""
    st = os.stat(path)
    time.sleep(max(0.0, (max(st.st_mtime_ns, st.st_ctime_ns) + window - time.time_ns()) / 1e9) + 0.05)


def test_an_unchanged_file_is_answered_from_the_memo(tmp_path: Path) -> None:
    f, memo_path = tmp_path / "a.txt", tmp_path / "memo"
    f.write_bytes(b"first")
    _aged(f)
    memo = StatMemo(memo_path, racy_ns=WINDOW)
    assert memo.hash(f) == digest(b"first") and memo.read == 1
    memo.save()
    again = StatMemo(memo_path, racy_ns=WINDOW)
    assert again.hash(f) == digest(b"first") and again.read == 0
    assert StatMemo(memo_path, racy_ns=WINDOW, trust=False).hash(f) == digest(b"first")  # --full reads


def test_a_file_edited_within_its_size_and_mtime_is_read_again(tmp_path: Path) -> None:
    f, memo_path = tmp_path / "a.txt", tmp_path / "memo"
    f.write_bytes(b"first")
    _aged(f)
    memo = StatMemo(memo_path, racy_ns=WINDOW)
    memo.hash(f)
    memo.save()
    before = os.stat(f)
    f.write_bytes(b"fir5t")  # same size
    os.utime(f, ns=(before.st_atime_ns, before.st_mtime_ns))  # and the same mtime: only the ctime tells
    again = StatMemo(memo_path, racy_ns=WINDOW)
    assert again.hash(f) == digest(b"fir5t") and again.read == 1


def test_a_file_too_young_to_trust_is_not_remembered(tmp_path: Path) -> None:
    """A file changed less than the racy window before it was read may be written again in the same
    clock tick without its stat changing: it is read again until it has aged."""
    f, memo_path = tmp_path / "a.txt", tmp_path / "memo"
    f.write_bytes(b"first")
    memo = StatMemo(memo_path, racy_ns=60_000_000_000)  # a minute: the file is certainly younger
    assert memo.hash(f) == digest(b"first")
    memo.save()
    again = StatMemo(memo_path, racy_ns=60_000_000_000)
    assert again.hash(f) == digest(b"first") and again.read == 1
    assert StatMemo(tmp_path / "none").hash(tmp_path / "missing") is None


def test_a_report_edited_within_its_size_and_mtime_is_parsed_again(content: Path, tmp_path: Path) -> None:
    """Through the build: the memo spares the unchanged files' reads, and the edited one (same size,
    mtime set back) is parsed again; the site is the full build's."""
    out, cache = tmp_path / "site", tmp_path / "cache"
    report = _latest(content)
    _aged(report, 3_000_000_000)  # the default window: files younger than it are not remembered
    _build(content, out, cache)
    store = ParseStore(cache, code_version())
    load_content(content, cache=store)
    assert store.memo.read == 0 and store.hits == 60
    store.save()

    before = os.stat(report)
    text = report.read_text(encoding="utf-8")
    title = re.search(r"\ntitle: (.*)", text)
    assert title is not None and len(title[1]) >= 2
    edited = text.replace(title[0], f"\ntitle: {title[1][:-2]}{title[1][-1]}{title[1][-2]}", 1)
    assert edited != text and len(edited.encode("utf-8")) == before.st_size
    report.write_text(edited, encoding="utf-8")
    os.utime(report, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert os.stat(report).st_size == before.st_size and os.stat(report).st_mtime_ns == before.st_mtime_ns

    assert _build(content, out, cache).parsed == 1
    _same_as_full(content, out, tmp_path)
