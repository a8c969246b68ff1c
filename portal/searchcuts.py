"""Content-defined cuts: where a sequence of reports is cut into Pagefind bundles (and so into search slices).

Why content-defined: a bundle is indexed again whenever its records change, and cutting the
reports into parts of equal size moved every later boundary when one report was added or deleted
(at 20,000 reports an add re-indexed every later bundle: figures in docs/performance.md). Here, as
in the chunkers of rsync and restic, a part ends after a report whose stable key (agency slug and
year) hashes to 0 modulo ``spread``, once the part holds ``minimum`` reports, and at the latest at
``maximum``. A boundary depends only on the reports near it, so adding or deleting a report
changes the part that holds it and, rarely, the next one or two, until a boundary both cuts share.

``maximum`` bounds what a part costs (a Pagefind process holds its whole bundle in memory); the
mean lies between ``minimum`` and ``maximum`` (about 0.8 of ``maximum``: 2/3 plus a geometric
excess of mean ``spread`` = 1/6, cut at 1/3). A narrow band keeps the number of bundles, and so
the bytes a query fetches (one chunk a word from every bundle), near what equal cuts gave.

Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass


def key_hash(key: str, salt: str) -> int:
    """A stable hash (not Python's ``hash``, which changes with every process) of a report's key."""
    return int.from_bytes(hashlib.blake2b(f"{salt}\0{key}".encode(), digest_size=8).digest(), "big")


def short_name(key: str, salt: str, taken: set[str]) -> str:
    """A short name for the part that begins with ``key``: stable while that report begins it (so
    the other parts keep their names when one changes), unique among ``taken`` (added to it)."""
    full = f"{key_hash(key, salt):016x}"
    for width in range(6, len(full) + 1):
        if full[:width] not in taken:
            taken.add(full[:width])
            return full[:width]
    raise ValueError(f"two parts begin with the same key {key!r}")


@dataclass(frozen=True)
class Cuts:
    """Parts of at most ``maximum`` items, content-defined (see the module docstring)."""

    maximum: int
    salt: str  # what the keys are hashed with (names and cuts of one kind of part hash apart from others)

    @property
    def minimum(self) -> int:
        return max(1, self.maximum * 2 // 3)

    @property
    def spread(self) -> int:
        return max(1, (self.maximum - self.minimum) // 2)

    def lengths(self, keys: Sequence[str]) -> list[int]:
        """The lengths of the consecutive parts ``keys`` is cut into (each ≥ 1, summing to its length).

        The last part is whatever is left; shorter than ``minimum``, it joins the one before when
        both fit in ``maximum`` (a small last bundle would cost every query a bundle's chunks)."""
        maximum = max(1, self.maximum)
        minimum, spread = min(self.minimum, maximum), self.spread
        out: list[int] = []
        size = 0
        for key in keys:
            size += 1
            if size >= maximum or (size >= minimum and key_hash(key, self.salt) % spread == 0):
                out.append(size)
                size = 0
        if size:
            if out and size < minimum and out[-1] + size <= maximum:
                out[-1] += size
            else:
                out.append(size)
        return out
