"""What the pages that list or sum every report of a year (or of the site) read of each report
besides its key figures, small and stored per agency: the granted share's parts (the home page's
headline, the year page's totals), table 3's refusal reasons (/reasons/, reasons.json), the eight
indicator values (/indicators/, the rankings) and the repeats of last year's text (the year page).

Why: adding or deleting one report re-renders those pages, and each read every report's data,
indicators or sentences — at 20,000 reports, the stored heavy part of every report unpickled one by
one (``storedreports``: ~150 µs each, ~3 s in all) for a few numbers each. Here those numbers are
kept per agency in the fragment store (``fragments.FragmentStore``, like the key figures,
``sitecache.VALUES``): keyed by the hash of the agency's report files and ``Inputs.everything``
(code, registry, base URL), so nothing stored can go stale — each value is made from the report
itself and, for the repeats, its agency's previous report only. An incremental build reads every
agency's piece at the first value asked (``SiteCache.listed``) and computes (and stores) only the
changed agencies'. Without a store (a full build from a clean checkout: CI, Netlify) nothing is
stored nor read: the pages compute from the reports as before.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .figures import share_parts
from .indicators import IndicatorValue
from .model import Report
from .reasons import ReportReasons, report_reasons
from .similarity import Similarity

PIECE = "listed.pickle"
"""The fragment store's name for an agency's piece: a pickled list, one ``Listed`` tuple a report
in the model's order."""


@dataclass(frozen=True)
class Listed:
    """One report's small values, as the listing pages read them."""

    share: tuple[Any, ...] | None  # ``figures.share_parts``
    reasons: tuple[tuple[int | None, ...], int | None, str | None]  # ``ReportReasons``: counts, handled, excluded
    indicators: tuple[IndicatorValue, ...]
    similarity: Similarity

    def report_reasons(self, report: Report) -> ReportReasons:
        return ReportReasons(report, *self.reasons)


def listed(report: Report, similarity: Callable[[Report], Similarity]) -> Listed:
    """Computed from the report (its data, indicators and sentences: the heavy part)."""
    r = report_reasons(report)
    return Listed(share_parts(report), (r.counts, r.handled, r.excluded), report.indicators, similarity(report))


def dump(values: list[Listed]) -> bytes:
    """An agency's piece (plain tuples: a tenth of the bytes of pickled dataclasses' state)."""
    return pickle.dumps([(v.share, v.reasons, v.indicators, v.similarity) for v in values],
                        protocol=pickle.HIGHEST_PROTOCOL)


def load(piece: bytes | memoryview) -> list[Listed]:
    return [Listed(*row) for row in pickle.loads(piece)]
