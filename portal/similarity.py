"""What changed since last year: the share of a report's sentences found word for word in the same
agency's previous report, and which sentences are new.

Some agencies republish last year's text with new numbers, or not even that. Readers see it here
as a share, and every new sentence is marked in the report's text. Pure: text blocks in, counts
and marks out; ``SiteCache.similarity`` remembers the result for the pages that show it.

How sentences are counted (the report page says so too):

- only the text's paragraphs are read (``text.PARAGRAPH`` blocks): not the title, the headings,
  the flattened tables (``text.CELLS``), images or the date line;
- a paragraph is cut into sentences after 。！？； (and their ASCII forms) and at line breaks;
- whitespace inside a sentence is removed before comparing (sources wrap lines anywhere, and a
  Chinese sentence has no spaces of its own);
- a piece that does not end a sentence and is made of digits for a fifth or more is a table row
  glued into the text (the old 统计表 of many pre-2019 reports), not a sentence: it is skipped;
- a sentence shorter than ``MIN_CHARS`` characters (邮编、电话 lines, stray numbering) is skipped.

A sentence is "the same" when it occurs, after that normalisation, anywhere in the previous
report. The share is same / counted over this report's sentences; each occurrence counts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from .text import PARAGRAPH, Block, parse_text

SENTENCE_END = "。！？；!?;"
_ENDS = tuple(SENTENCE_END)
PIECE_RE = re.compile(rf"[^{SENTENCE_END}\n]*(?:[{SENTENCE_END}]+\s*|\n|$)")
MIN_CHARS = 10
"""Sentences shorter than this (characters, whitespace removed) are not counted."""
TABLE_DIGITS = 0.2
"""An unterminated piece whose characters are digits for at least this share is a table row."""
REPEAT_SHARE = 0.9
"""The setting: a report whose sentences are at least this share identical to the previous
report's repeats last year's text, and is flagged on its page, its agency's and its year's."""
CHANGED_CLASS = "changed"


def pieces(text: str) -> list[str]:
    """The text cut after each sentence end and line break; the pieces joined are the text."""
    return [p for p in PIECE_RE.findall(text) if p]


def normal(piece: str) -> str:
    return "".join(piece.split())


def counted(piece: str) -> str | None:
    """The piece's comparable form, or None when it is not a sentence that counts."""
    key = normal(piece)
    if len(key) < MIN_CHARS:
        return None
    if not key.endswith(_ENDS) and sum(c.isdigit() for c in key) >= TABLE_DIGITS * len(key):
        return None
    return key


def sentences(blocks: Sequence[Block]) -> list[str]:
    """Every counted sentence of the report's paragraphs, normalised, in text order."""
    return [key for b in blocks if b.kind == PARAGRAPH for p in pieces(b.text) if (key := counted(p)) is not None]


def sentence_key(sentence: str) -> int:
    """A counted sentence as a stable 64-bit key: the model keeps every report's keys (compared
    across years), not its sentences, and the keys are the same in every process and every run
    (the build cache keeps them), which Python's own ``hash`` of a string is not."""
    return int.from_bytes(hashlib.blake2b(sentence.encode("utf-8"), digest_size=8).digest(), "little")


def sentence_keys(text: str) -> tuple[int, ...]:
    """A report's counted sentences (``sentences``) as keys, in text order: computed when the report
    is loaded (in the load workers, and kept by the build cache), so no page parses a text for it."""
    return tuple(sentence_key(s) for s in sentences(parse_text(text)))


@dataclass(frozen=True)
class Similarity:
    """A report against its agency's previous report. ``share`` is None, with ``reason``, when
    there is nothing to compare."""

    previous_year: int | None
    counted: int
    same: int
    reason: str | None = None

    @property
    def share(self) -> float | None:
        return self.same / self.counted if self.reason is None and self.counted else None

    @property
    def percent(self) -> str:
        """The share as the pages print it: whole percent, never rounded up to 100 % or down to 0 %."""
        share = self.share
        if share is None:
            return "—"
        whole = round(share * 100)
        if whole == 100 and self.same < self.counted:
            whole = 99
        if whole == 0 and self.same:
            whole = 1
        return f"{whole}%"

    @property
    def repeats(self) -> bool:
        """Whether the report repeats last year's text (``REPEAT_SHARE`` or more identical)."""
        share = self.share
        return share is not None and share >= REPEAT_SHARE


def compare(mine: Sequence[int], previous: tuple[int, frozenset[int]] | None) -> Similarity:
    """This report's sentence keys (``sentence_keys``) against the previous report's year and
    key set (None: the agency has no earlier report)."""
    if previous is None:
        return Similarity(None, len(mine), 0, "本机关没有更早的报告可比")
    year, before = previous
    if not before:
        return Similarity(year, len(mine), 0, f"{year}年度报告没有可比的句子")
    if not mine:
        return Similarity(year, 0, 0, "本报告没有可比的句子")
    return Similarity(year, len(mine), sum(s in before for s in mine))


@dataclass(frozen=True)
class Changes:
    """The report page's "changed since last year": the share, and the paragraphs with new
    sentences marked (``changed_markup``), by block index."""

    similarity: Similarity
    marks: dict[int, Markup]


def changed_markup(blocks: Sequence[Block], keys: Sequence[int], previous: frozenset[int]) -> dict[int, Markup]:
    """The paragraphs that hold a new sentence (its key not in ``previous``), as markup with each
    new sentence in ``<ins>``, by block index. The text is the block's display text, character for
    character, so the block's anchor, the search marks and the narrative quote links work as before.

    ``keys`` are the blocks' sentence keys (``sentence_keys``, made at load), in the order this walk
    meets the sentences: no sentence is hashed again for the page."""
    out: dict[int, Markup] = {}
    mine = iter(keys)
    for b in blocks:
        if b.kind != PARAGRAPH:
            continue
        parts = pieces(b.text)
        new = [counted(p) is not None and next(mine) not in previous for p in parts]
        if any(new):
            out[b.index] = Markup("".join(f'<ins class="{CHANGED_CLASS}">{escape(p)}</ins>' if is_new
                                          else str(escape(p)) for p, is_new in zip(parts, new, strict=True)))
    return out
