"""Search's words: how a text becomes the words Pagefind indexes, and a query the words it asks for.

One character is one word, written as its base-36 code point (``code``), so Pagefind's tokenizer,
stemmer, diacritics and punctuation rules cannot touch it; between two runs (text between
separators) comes ``BOUNDARY``, which no query contains, so a phrase never matches across runs.
``static/search.js`` mirrors the query side (``fold``, ``parse_query``, ``query_tokens``). Why this
design: the docstring of ``portal.search``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from collections.abc import Set as AbstractSet

CODE_WIDTH = 4
"""36**4 > 0x10FFFF: every code point fits in four base-36 letters."""

SEPARATORS = frozenset("\x00 \t\n\r\f\v\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000\ufeff"
                       + "".join(chr(c) for c in range(0x2000, 0x200B)))
"""Characters that end a run. Spelled out (not ``str.isspace``) because search.js must use the
very same set and JavaScript's ``\\s`` differs from Python's."""


def _fold_table() -> dict[int, str]:
    """Full-width ASCII (Ａ-Ｚ, ０-９, （）…) to ASCII, ideographic space to space, A-Z to a-z.

    Every mapping is one UTF-16 unit to one, so offsets in folded text are offsets in the
    original: excerpts highlight the verbatim source."""
    table = {c: chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)}
    table[0x3000] = " "
    for c in list(table) + list(range(0x41, 0x5B)):
        table[c] = table.get(c, chr(c)).lower()
    return table


FOLD = _fold_table()


def fold(text: str) -> str:
    """The form both the index and the query are compared in (search.js ``fold`` mirrors it)."""
    return text.translate(FOLD)


def code(char: str) -> str:
    """A character as four base-36 letters: a Pagefind word that no tokenizer rule can split."""
    n = ord(char)
    digits = ""
    while n:
        n, r = divmod(n, 36)
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[r] + digits
    return digits.rjust(CODE_WIDTH, "0")


BOUNDARY = "0000"
"""The word between two runs: the code of U+0000, itself a separator, so no query has it."""


class _CodeTable(dict[int, str]):
    """``str.translate`` table: a character → its folded character's code and a space; a separator
    → a newline (which no code contains), where ``coded`` puts ``BOUNDARY``.

    Filled on first sight of each character (``__missing__``), so it holds only the few thousand
    characters the corpus uses. Why a translate table: a per-character Python loop of ``code``
    was a large share of the index's time (docs/performance.md); ``translate`` does the same in C."""

    def __missing__(self, c: int) -> str:
        folded = fold(chr(c))
        value = "\n" if folded in SEPARATORS else code(folded) + " "
        self[c] = value
        return value


CODES = _CodeTable()


def coded(text: str, found_elsewhere: AbstractSet[str] = frozenset()) -> str:
    """The indexed body of a text: one word a character, and one ``BOUNDARY`` between two runs
    (a report has hundreds of separators, often several in a row: one word each was a fifth of
    the words Pagefind indexed). Runs whose codes are in ``found_elsewhere`` are left out (see
    ``searchrecords.label_pieces``)."""
    runs = filter(None, text.translate(CODES).split("\n"))
    if found_elsewhere:
        runs = (run for run in runs if run not in found_elsewhere)
    return (BOUNDARY + " ").join(runs)


def tokens(text: str) -> list[str]:
    """The words Pagefind indexes for ``text``, in order."""
    return coded(text).split()


# ------------------------------------------------------------------ queries (mirrors search.js)

QUERY_RE = re.compile(r'"([^"]*)"|(\S+)')
MAX_TERMS = 8


def parse_query(query: str) -> list[str]:
    """Terms of a query: ``"quoted phrases"`` (inner spaces kept) and space-separated words."""
    terms = []
    for quoted, bare in QUERY_RE.findall(query.replace("“", '"').replace("”", '"')):
        term = " ".join(quoted.split()) if quoted else bare
        if term and term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


def query_tokens(part: str) -> tuple[str, bool]:
    """Pagefind query for one run of a term and whether it is an exact phrase search."""
    codes = [code(c) for c in fold(part)]
    return " ".join(codes), len(codes) > 1


def contains_all(document: str, terms: Iterable[str]) -> bool:
    """The ground truth search must equal: every term is a substring of the folded document."""
    folded = fold(document)
    return all(fold(t) in folded for t in terms)
