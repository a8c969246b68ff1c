"""The text of a table region as a stream of tokens: labels, cells, blank cells, row breaks.

All input formats end up as text (see ``html.py``, ``docx.py``, ``pdf.py``), where a table is
either a flattened Word table — one cell per line, tab-indented, a blank line between rows, as
in seed 002 — or lines of a PDF / archive text that hold a label and its numbers separated by
spaces. One tokenizer serves both, so there is a single table reader behind every format.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

from .numbers import is_cell

BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]")
IMAGE = re.compile(r"\[image:[^\]]*\]")
_GLUED = re.compile(r"^(.*[\u4e00-\u9fff)）”’」』】])(\d[\d,，]*(?:\.\d+)?)$")
_NUMBERING = re.compile(
    r"^(?:[(（][一二三四五六七八九十\d]{1,3}[)）]|[一二三四五六七八九十]{1,3}[、.．]|\d{1,2}[、.．,，](?!\d))"
)
_AMOUNT = re.compile(r"^[\d０-９]+(?:[.．][\d０-９]+)?万?元$")
"""A sum of money printed with its unit inside its cell (``745.94万元``): a token of its own, which
the reader of the table that knows the column's unit may take as a cell."""
_NOT_LETTER = re.compile(r"[^\u4e00-\u9fffA-Za-z]")

Kind = Literal["text", "cell", "blank", "break"]


@dataclass(frozen=True)
class Token:
    kind: Kind
    text: str
    line: int  # 0-based line of the source text


def tokenize(lines: list[str], first_line: int = 0) -> list[Token]:
    """Tokens of ``lines``: a line of only a tab is a blank cell, an empty line a row break.

    Other lines split on whitespace; consecutive label pieces join into one text token, and a
    number glued to the end of a label (``（七）总计25``, seen in archive text) is cut off.
    """
    out: list[Token] = []
    for n, line in enumerate(lines, first_line):
        line = BOOKMARK.sub("", line)
        if not line.strip():
            out.append(Token("blank" if "\t" in line else "break", "", n))
            continue
        words: list[str] = []
        for field_text in _fields(line):
            if field_text is None:
                _flush(words, out, n)
                out.append(Token("blank", "", n))
                continue
            for piece in field_text.split():
                glued = _GLUED.match(piece)
                if is_cell(piece):
                    _flush(words, out, n)
                    out.append(Token("cell", piece, n))
                elif _AMOUNT.match(piece):
                    _flush(words, out, n)
                    out.append(Token("text", piece, n))
                elif glued and not is_cell(glued.group(1)):
                    words.append(glued.group(1))
                    _flush(words, out, n)
                    out.append(Token("cell", glued.group(2), n))
                else:
                    words.append(piece)
        _flush(words, out, n)
    return out


def _fields(line: str) -> list[str | None]:
    """The tab-separated fields of a line; None for an empty field between two cells.

    Text copied from a web page keeps a row on one line with a tab between cells, so two tabs
    in a row are a blank cell. Only an empty field with a cell on both sides is taken as one:
    at the start of a line (Word indentation), at its end, or after the label it may just as
    well be layout (a merged label column), and then the row is left to the width checks.
    """
    fields = line.split("\t")
    out: list[str | None] = []
    for i, text in enumerate(fields):
        if text.strip():
            out.append(text)
        elif 0 < i < len(fields) - 1 and _ends_with_cell(fields[:i]) and _starts_with_cell(fields[i + 1:]):
            out.append(None)
    return out


def _ends_with_cell(fields: list[str]) -> bool:
    filled = [f for f in fields if f.strip()]
    return bool(filled) and is_cell(filled[-1].split()[-1])


def _starts_with_cell(fields: list[str]) -> bool:
    filled = [f for f in fields if f.strip()]
    return bool(filled) and is_cell(filled[0].split()[0])


def _flush(words: list[str], out: list[Token], line: int) -> None:
    if words:
        out.append(Token("text", " ".join(words), line))
        words.clear()


def norm_label(text: str) -> str:
    """A label reduced to its letters: no numbering (一、 （2） 4. 4、), punctuation or spaces.

    Numbering is cut at the start of each whitespace-separated piece only, because 三 and 一
    inside a label (危及“三安全一稳定”) are part of it.
    """
    text = IMAGE.sub("", BOOKMARK.sub("", unicodedata.normalize("NFKC", text)))
    pieces = []
    for piece in text.split():
        while True:
            cut = _NUMBERING.sub("", piece, count=1)
            if cut == piece:
                break
            piece = cut
        pieces.append(piece)
    return _NOT_LETTER.sub("", "".join(pieces))
