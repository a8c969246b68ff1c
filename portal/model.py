"""The site model: agencies, reports and years, built once from validated content.

Everything the renderer, the exports and the search index need is here, computed up front
(MkDocs' lesson: gather everything, then write). Objects own their URLs so templates never
assemble paths, and the link check can run against the model.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import form
from .checks import FAIL, Check
from .errors import Problem
from .indicators import IndicatorValue
from .numfmt import bounded, format_number
from .statmemo import digest
from .trace import Trace

if TYPE_CHECKING:
    from .jurisdictions import Jurisdictions

GOVERNMENT_KIND = "人民政府"
DEPARTMENT_KINDS = ("部门", "政府办公室", "街道办事处", "开发区管委会")
FIRST_YEAR_OF_2008_RULES = 2008  # the 2008 条例 took effect on 1 May 2008
LAST_YEAR_OF_2008_RULES = 2018
TABLES = ("table2", "table3", "table4")


def agency_url(slug: str) -> str:
    return f"/agencies/{slug}/"


def report_url(slug: str, year: int) -> str:
    """A report's page; also where a check's cell of another year's report links to."""
    return f"/reports/{slug}/{year}/"


def compare_url(slug: str, year: int | None = None) -> str:
    """/compare/ with this agency (and year) preselected: the "compare with…" links (comparepages)."""
    return f"/compare/?c={slug}" + (f":{year}" if year is not None else "")


@dataclass(frozen=True, order=True)
class Year:
    """A statistical year of the site, as a page: shown as its number, linked by its URL."""

    number: int

    @property
    def url(self) -> str:
        return f"/years/{self.number}/"

    def __str__(self) -> str:
        return str(self.number)


@dataclass(frozen=True)
class Deadline:
    """A legal publication deadline and the rule that sets it, as shown to readers."""

    date: dt.date
    basis: str


@cache  # a few kinds and years; a report page asks ~5 times (its date, whether on time …)
def deadline_for(kind: str, year: int) -> Deadline | None:
    """When a report of a body of ``kind`` for ``year`` was due, and under which rule; None where
    no rule says (docs/content.md, "Deadlines").

    Reports for 2019 on fall under the 2019 条例 (国务院令第711号) 第四十九条: departments of a
    county-level or higher government by 31 January, the government's own report by 31 March.
    Dispatched bodies (街道办事处, 开发区管委会) are counted as departments, as local rules do. The
    article names no date for 乡镇 governments. Reports for 2008 to 2018 fell under the 2008 条例
    第三十一条: every body by 31 March; before 2008 there was no 条例.
    """
    if year < FIRST_YEAR_OF_2008_RULES:
        return None
    if year <= LAST_YEAR_OF_2008_RULES:
        return Deadline(dt.date(year + 1, 3, 31), "2008年施行的条例第三十一条：每年3月31日前")
    if kind == GOVERNMENT_KIND:
        return Deadline(dt.date(year + 1, 3, 31), "条例第四十九条：本级政府年报于每年3月31日前公布")
    if kind in DEPARTMENT_KINDS:
        note = "" if kind in ("部门", "政府办公室") else "（派出机关、机构参照政府部门）"
        return Deadline(dt.date(year + 1, 1, 31), f"条例第四十九条：政府部门于每年1月31日前公布{note}")
    return None


@dataclass(frozen=True)
class Agency:
    """One administrative body of the registry."""

    slug: str
    name: str
    jurisdiction: tuple[str, ...]
    kind: str
    website: str | None = None
    address: str | None = None
    phone: str | None = None
    aliases: tuple[str, ...] = ()
    draft: bool = False
    expected_from: int | None = None  # the first year the registry expects a report (coverage)
    expected_until: int | None = None  # the last one, for a body merged or abolished

    @property
    def url(self) -> str:
        return agency_url(self.slug)

    @property
    def feed_url(self) -> str:
        """Its reports as an Atom feed, for a reader following this one agency."""
        return f"{self.url}feed.xml"

    @property
    def jurisdiction_label(self) -> str:
        return " › ".join(self.jurisdiction)

    def deadline(self, year: int) -> Deadline | None:
        """When this body's report for ``year`` was due, and under which rule (``deadline_for``)."""
        return deadline_for(self.kind, year)

    def expected_in(self, year: int) -> bool:
        """Whether the registry expects a report for ``year``: only from ``expected_from`` on (and
        up to ``expected_until``); with no ``expected_from``, no year's absence is counted."""
        return self.expected_from is not None and self.expected_from <= year \
            and (self.expected_until is None or year <= self.expected_until)

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Agency:
        return cls(
            slug=entry["slug"],
            name=entry["name"].strip(),
            jurisdiction=tuple(c.strip() for c in entry["jurisdiction"]),
            kind=entry["kind"],
            website=entry.get("website"),
            address=entry.get("address"),
            phone=entry.get("phone"),
            aliases=tuple(entry.get("aliases") or ()),
            draft=bool(entry.get("draft", False)),
            expected_from=entry.get("expected_from"),
            expected_until=entry.get("expected_until"),
        )


@dataclass(frozen=True)
class NarrativeFigure:
    """A number that only the prose states, with the sentence it came from."""

    key: str
    value: float
    bound: str  # exact | at_least | approx
    quote: str
    derivation: str | None = None

    @property
    def label(self) -> str:
        return form.NARRATIVE_KEYS[self.key]

    @property
    def display(self) -> str:
        return bounded(format_number(self.value), self.bound)


@dataclass(frozen=True, eq=False)
class Report:
    """One annual report: its validated data, its verbatim source text, and its checks."""

    agency: Agency
    year: int
    data: dict[str, Any]  # the validated YAML; treat as read-only
    text: str  # the source text, verbatim
    yaml_path: Path
    source_path: Path
    checks: tuple[Check, ...] = ()
    trace: Trace = Trace()  # its table cells looked for in the source (``trace.py``)
    untraced: tuple[Problem, ...] = ()  # the cells not found there, as file:line: field: problems
    sentences: tuple[int, ...] = ()  # its counted sentences as keys (``similarity.sentence_keys``)
    indicators: tuple[IndicatorValue, ...] = ()  # ``indicators.compute_all`` of its data, computed at load

    @property
    def url(self) -> str:
        return report_url(self.agency.slug, self.year)

    @property
    def key(self) -> tuple[str, int]:
        return (self.agency.slug, self.year)

    @property
    def title(self) -> str:
        return self.data["title"]

    @property
    def published(self) -> dt.date | None:
        return self.data.get("published")

    @property
    def status(self) -> str:
        return self.data.get("status", "draft")

    @property
    def deadline_as(self) -> str | None:
        """The kind of body whose deadline this report has, when not its agency's: a 政府办公室
        publishing its government's report is due as a 人民政府 (``deadline_as: 人民政府``)."""
        return self.data.get("deadline_as")

    @property
    def deadline(self) -> Deadline | None:
        return deadline_for(self.deadline_as or self.agency.kind, self.year)

    @property
    def on_time(self) -> bool | None:
        """Whether publication met the legal deadline; None when no date is printed or no rule applies."""
        if self.published is None or self.deadline is None:
            return None
        return self.published <= self.deadline.date

    @property
    def table2(self) -> dict | None:
        return self.data.get("table2")

    @property
    def table3(self) -> dict | None:
        return self.data.get("table3")

    @property
    def table4(self) -> dict | None:
        return self.data.get("table4")

    @property
    def present_tables(self) -> frozenset[str]:
        """Which of ``table2``, ``table3``, ``table4`` it has (cheap for a stored report: ``storedreports``)."""
        return frozenset(name for name in TABLES if self.data.get(name) is not None)

    @cached_property
    def indicator_digest(self) -> str:
        """The hash of its indicator values: what a year's rankings read of it (``buildcache.ranked``),
        kept with a stored report so an edit need not read every report's indicators."""
        return digest(repr([(v.value, v.numerator, v.denominator, v.reason) for v in self.indicators]))

    @property
    def missing_tables(self) -> dict[str, str]:
        return dict(self.data.get("missing_tables") or {})

    @property
    def cells(self) -> dict[str, str]:
        """How each null cell was printed (``/``, ``—``, blank …), by dotted path."""
        return dict(self.data.get("cells") or {})

    @property
    def contact(self) -> dict[str, str | None]:
        return dict(self.data.get("contact") or {})

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self.data.get("notes") or ())

    @cached_property
    def narrative(self) -> tuple[NarrativeFigure, ...]:
        return tuple(
            NarrativeFigure(n["key"], n["value"], n.get("bound", "exact"), n["quote"], n.get("derivation"))
            for n in self.data.get("narrative") or ()
        )

    def narrative_figure(self, key: str) -> NarrativeFigure | None:
        return next((n for n in self.narrative if n.key == key), None)

    @property
    def failing_checks(self) -> tuple[Check, ...]:
        return tuple(c for c in self.checks if c.status == FAIL)

    @property
    def as_printed(self) -> frozenset[str]:
        """Rules a reviewer found failing in the source itself: the agency's numbers, not a typo."""
        return frozenset(self.data.get("as_printed") or ())

    @property
    def unconfirmed_failures(self) -> tuple[Check, ...]:
        """Failing checks no reviewer has traced to the source: a typo until shown otherwise."""
        return tuple(c for c in self.failing_checks if c.rule not in self.as_printed)

    @property
    def source_url(self) -> str:
        return f"{self.url}source.txt"

    @property
    def year_url(self) -> str:
        """Its year's page."""
        return Year(self.year).url

    @property
    def yaml_url(self) -> str:
        return f"{self.url}report.yaml"

    @property
    def json_url(self) -> str:
        return f"{self.url}report.json"

    @property
    def original_path(self) -> Path | None:
        """The original file as retrieved, kept beside the YAML (``source.original_file``), if any."""
        name = self.data["source"].get("original_file")
        return self.yaml_path.parent / name if name else None

    @property
    def original_url(self) -> str | None:
        """Its download: ``original.<ext>``, the extension of the kept file."""
        path = self.original_path
        return f"{self.url}original{path.suffix.lower()}" if path else None


@dataclass(frozen=True)
class Site:
    """All agencies and reports, sorted, with the lookups pages need."""

    agencies: tuple[Agency, ...]
    reports: tuple[Report, ...]  # sorted by (agency slug, year)
    content_dir: Path
    _by_key: dict[tuple[str, int], Report] = field(default_factory=dict, repr=False, compare=False)
    _by_agency: dict[str, tuple[Report, ...]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_key.update({r.key: r for r in self.reports})
        grouped: dict[str, list[Report]] = {}
        for r in self.reports:
            grouped.setdefault(r.agency.slug, []).append(r)
        self._by_agency.update({k: tuple(v) for k, v in grouped.items()})

    @cached_property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted({r.year for r in self.reports}))

    def agency(self, slug: str) -> Agency | None:
        return next((a for a in self.agencies if a.slug == slug), None)

    def report(self, slug: str, year: int) -> Report | None:
        return self._by_key.get((slug, year))

    def reports_of(self, slug: str) -> tuple[Report, ...]:
        return self._by_agency.get(slug, ())

    def reports_in(self, year: int) -> tuple[Report, ...]:
        return tuple(r for r in self.reports if r.year == year)

    def previous(self, report: Report) -> Report | None:
        """The same agency's report of the year before, when there is one."""
        return self._by_key.get((report.agency.slug, report.year - 1))

    def next(self, report: Report) -> Report | None:
        return self._by_key.get((report.agency.slug, report.year + 1))

    @cached_property
    def year_pages(self) -> tuple[Year, ...]:
        """The years with reports, as pages (each knows its URL), oldest first."""
        return tuple(Year(y) for y in self.years)

    @cached_property
    def jurisdictions(self) -> Jurisdictions:
        """Every level of the agencies' jurisdiction paths, as pages with URLs (``jurisdictions``)."""
        from .jurisdictions import Jurisdictions  # that module builds on Agency: imported here, no cycle

        return Jurisdictions.of(self.agencies)
