"""What the pages show of the rule registry (``rules.py``) and of the source trace (``trace.py``).

A report page shows every rule's result for that report — pass, fail, cannot tell, or does not
apply — with the checks that did not pass, the cells they read (linked) and the quoted sentence;
and whether its table numbers were found in the source. ``/checks/`` lists the rules with their
results across the whole site.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .checks import FAIL, PASS, UNKNOWN, Check
from .model import Report, Site
from .rules import REGISTRY, Rule
from .trace import Mismatch

NONE = "none"
STATUS_LABELS = {PASS: "通过", FAIL: "未通过", UNKNOWN: "无法判断", NONE: "不适用"}
SHOWN_PER_RULE = 12
"""A rule's notes on a report page stop here (a column of 21 unknown outcome rows says little more)."""


@dataclass(frozen=True)
class CheckNote:
    """One check of a rule on a report page: what it compared, and links to the cells it read."""

    status: str
    detail: str
    links: tuple[tuple[str, str], ...]  # (cell path, url of the cell)

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass(frozen=True)
class RuleResult:
    """One rule's result for one report (or, on /checks/, across the site)."""

    rule: Rule
    status: str  # fail when any check fails, else unknown when any cannot tell, else pass; none: no check
    counts: dict[str, int]
    notes: tuple[CheckNote, ...] = ()
    more: int = 0  # notes not shown
    failing_above: int = 0  # failing checks the page lists above the rules, not repeated here

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def badge(self) -> str:
        """The badge's class: a report page writes 11 rules, and a choice here costs less than in Jinja."""
        return "fail" if self.status == FAIL else "ok" if self.status == PASS else "muted"

    @property
    def checked(self) -> int:
        """How many checks of the rule ran (passed, failed or could not tell)."""
        return self.counts[PASS] + self.counts[FAIL] + self.counts[UNKNOWN]


def _status(counts: dict[str, int]) -> str:
    return FAIL if counts[FAIL] else UNKNOWN if counts[UNKNOWN] else PASS if counts[PASS] else NONE


def _counts(checks: Iterable[Check]) -> dict[str, dict[str, int]]:
    out = {r.id: {PASS: 0, FAIL: 0, UNKNOWN: 0} for r in REGISTRY}
    for c in checks:
        out[c.rule][c.status] += 1
    return out


def rule_results(report: Report, link: Callable[[Report, str], str]) -> tuple[RuleResult, ...]:
    """Every registered rule's result for ``report``. Notes: the checks that could not tell, and a
    rule's only check when it passed (its detail says what was compared: 原文提到的年份 …). The
    failing ones are only counted: the page lists each of them in full above the rules."""
    counts = _counts(report.checks)
    by_rule: dict[str, list[Check]] = {}
    for c in report.checks:
        by_rule.setdefault(c.rule, []).append(c)
    out = []
    for rule in REGISTRY:
        checks = by_rule.get(rule.id, [])
        shown = [c for c in checks if c.status == UNKNOWN] or (checks if len(checks) == 1 else [])
        shown = [c for c in shown if c.status != FAIL]
        notes = tuple(CheckNote(c.status, c.detail, tuple((p, link(report, p)) for p in c.cells))
                      for c in shown[:SHOWN_PER_RULE])
        out.append(RuleResult(rule, _status(counts[rule.id]), counts[rule.id], notes,
                              max(0, len(shown) - SHOWN_PER_RULE), counts[rule.id][FAIL]))
    return tuple(out)


def site_rule_results(site: Site) -> tuple[RuleResult, ...]:
    """Every rule with its counts over all reports of the site (for /checks/)."""
    counts = _counts(c for r in site.reports for c in r.checks)
    return tuple(RuleResult(rule, _status(counts[rule.id]), counts[rule.id]) for rule in REGISTRY)


@dataclass(frozen=True)
class TraceView:
    """Whether a report's table numbers were found in its source, for the quality box."""

    checked: int
    mismatches: tuple[tuple[Mismatch, str], ...]  # (mismatch, url of the cell)
    exempt: tuple[tuple[str, str], ...]  # (table title, why it was not traced)

    @property
    def shown(self) -> bool:
        return bool(self.checked or self.mismatches or self.exempt)


def trace_view(report: Report, titles: dict[str, str]) -> TraceView:
    trace = report.trace
    return TraceView(trace.checked, tuple((m, f"#c-{m.path}") for m in trace.mismatches),
                     tuple((titles.get(k, k), why) for k, why in trace.exempt))
