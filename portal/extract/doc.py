"""Old binary Word .doc (and RTF) to text: LibreOffice converts it to .docx, and ``docx.py`` reads that.

Why LibreOffice (Debian ``libreoffice-writer-nogui``) and not antiword or catdoc, measured on
.doc files of seed 002's report with the national form's merged cells (tests/fixtures/word/):
antiword printed table 3's header rows and none of its 25 data rows (0 of 200 table cells);
catdoc read table 3 but dropped 一/二 rows, garbled a merged header into ``Õl‹_`` and hard-wraps
long lines unless told not to (25 of 200 cells on the seed, 172 of 200 on a table of distinct
numbers); LibreOffice to .docx kept every cell, merges included (200 of 200), so the .doc
takes the same path as a .docx. It costs about 0.9 s and 210 MB per file (a fresh profile
each run, so that runs never share a LibreOffice instance), against milliseconds for antiword.

The converter is a child process that gets no shell and no network, a private temporary
directory, a timeout (its whole process group is killed: soffice hands the work to a child),
and limits on address space, CPU time and the size of files it writes.
"""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from .docx import DocxError, docx_to_text

PACKAGE = "libreoffice-writer-nogui"
CONVERTER = "soffice"
TIMEOUT_S = 60.0
MAX_DOC_BYTES = 50_000_000
MEMORY_BYTES = 2 << 30  # address space: soffice maps ~0.5 GB before it reads a byte (it fails under that)
MAX_OUTPUT_BYTES = 200_000_000
IMPORT_FILTERS = {"doc": "MS Word 97", "rtf": "Rich Text Format"}
"""LibreOffice's import filter per format, named so that it never falls back to reading the bytes
as plain text (it does, for a file it cannot identify)."""


class DocError(ValueError):
    """The file is not a .doc that can be read here; the message says why in one line."""


def _limits() -> None:
    """Run in the child before soffice starts: bound what a hostile file can make it use."""
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_BYTES, MEMORY_BYTES))
    cpu = int(TIMEOUT_S) + 5
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_OUTPUT_BYTES, MAX_OUTPUT_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def doc_to_docx(raw: bytes, fmt: str = "doc", *, timeout: float | None = None) -> bytes:
    """The .doc (or .rtf: ``fmt``) converted to .docx by LibreOffice, or a ``DocError`` saying why not."""
    if len(raw) > MAX_DOC_BYTES:
        raise DocError(f"这个 .{fmt} 文件有 {len(raw):,} 字节，太大")
    timeout = TIMEOUT_S if timeout is None else timeout
    converter = shutil.which(CONVERTER)
    if converter is None:
        raise DocError(f"这是{'旧版 Word .doc' if fmt == 'doc' else ' RTF '}文件，读取需要 LibreOffice："
                       f"请以 root 运行 apt-get install -y {PACKAGE}")
    with tempfile.TemporaryDirectory(prefix="portal-doc-") as tmp:  # mode 0700: private to this user
        work = Path(tmp)
        source = work / f"report.{fmt}"
        source.write_bytes(raw)
        out = work / "out"
        command = [converter, "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                   f"-env:UserInstallation={(work / 'profile').as_uri()}",
                   f"--infilter={IMPORT_FILTERS[fmt]}", "--convert-to", "docx:MS Word 2007 XML",
                   "--outdir", str(out), str(source)]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": tmp, "LANG": "C.UTF-8",
               "TMPDIR": tmp, "SAL_USE_VCLPLUGIN": "svp"}
        try:
            child = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, cwd=tmp, env=env, preexec_fn=_limits,
                                     start_new_session=True)
        except OSError as exc:
            raise DocError(f"无法启动 {CONVERTER} 读取这个 .{fmt} 文件（{exc.strerror}）") from None
        try:
            output, _ = child.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(child.pid, signal.SIGKILL)  # the leader is not reaped yet, so its group id is still ours
            child.communicate()
            raise DocError(f"LibreOffice 在 {timeout:g} 秒内没有转换完这个 .{fmt} 文件，拒绝") from None
        converted = out / "report.docx"
        if not converted.is_file():
            said = " ".join(output.decode("utf-8", "replace").split())
            said = said.replace("Warning: failed to launch javaldx - java may not function correctly", "").strip()
            reason = f"：{said[:160]}" if said else f"（退出码 {child.returncode}）"
            raise DocError(f"不是 LibreOffice 能读的 .{fmt} 文件{reason}")
        return converted.read_bytes()


def doc_to_text(raw: bytes, fmt: str = "doc", *, timeout: float | None = None) -> str:
    """The file's text, as ``docx_to_text`` gives it for the converted file."""
    try:
        return docx_to_text(doc_to_docx(raw, fmt, timeout=timeout))
    except DocxError as exc:
        raise DocError(f"已由 .{fmt} 转换，但{exc}") from None
