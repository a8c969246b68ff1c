"""Coverage and timeliness on a registry and reports built here: every status, the exact days
late, the deadline rules of 2008 and 2019, the ``deadline_as`` override, and coverage.csv's rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from portal.coverage import LATE, MISSING, NO_DEADLINE, NOT_DUE, ON_TIME, UNKNOWN, coverage_of
from portal.downloads import coverage_csv
from portal.model import Agency, Report, Site


def _agency(slug: str, kind: str, expected_from: int | None = None, expected_until: int | None = None,
            place: tuple[str, ...] = ("测试省", "测试市")) -> Agency:
    return Agency(slug, f"测试{slug}", place, kind, expected_from=expected_from, expected_until=expected_until)


def _report(agency: Agency, year: int, published: dt.date | None, **extra: object) -> Report:
    data = {"agency": agency.slug, "year": year, "title": f"{agency.name}{year}年报告", "published": published,
            **extra}
    return Report(agency, year, data, "", Path(f"{year}.yaml"), Path(f"{year}.txt"))


GOV = _agency("gov", "人民政府", expected_from=2021)
DEPT = _agency("dept", "部门", expected_from=2022)
OFFICE = _agency("office", "政府办公室")  # no expected_from: its absent years are not counted
TOWN = _agency("town", "乡镇人民政府", place=("测试省", "测试市", "测试镇"))
OLD = _agency("old", "部门", expected_from=2018, expected_until=2018)
REPORTS = (
    _report(GOV, 2021, dt.date(2022, 3, 31)),  # the last day: on time
    _report(GOV, 2022, dt.date(2023, 4, 12)),  # 12 days after 31 March
    _report(DEPT, 2023, dt.date(2024, 1, 20)),  # the newest date of the collection
    _report(OFFICE, 2021, dt.date(2022, 3, 15), deadline_as="人民政府"),  # the government's report
    _report(OFFICE, 2022, None),
    _report(TOWN, 2022, dt.date(2023, 2, 1)),
    _report(OLD, 2018, dt.date(2019, 3, 20)),  # a department, but under the 2008 条例: 31 March
)
SITE = Site((GOV, DEPT, OFFICE, TOWN, OLD), tuple(sorted(REPORTS, key=lambda r: r.key)), Path("."))


def _standing(slug: str, year: int) -> tuple[str, int | None] | None:
    entry = coverage_of(SITE).entry(slug, year)
    return None if entry is None else (entry.status, entry.days_late)


def test_every_status_with_its_days() -> None:
    coverage = coverage_of(SITE)
    assert coverage.years == (2018, 2019, 2020, 2021, 2022, 2023)
    assert coverage.as_of == dt.date(2024, 1, 20)
    assert _standing("gov", 2021) == (ON_TIME, 0)
    assert _standing("gov", 2022) == (LATE, 12)
    assert _standing("gov", 2023) == (NOT_DUE, None)  # due 2024-03-31, after the newest date held
    assert _standing("gov", 2020) is None  # before expected_from
    assert _standing("dept", 2022) == (MISSING, None)  # due 2023-01-31, none collected
    assert _standing("dept", 2023) == (ON_TIME, 0)
    assert _standing("dept", 2021) is None
    assert _standing("office", 2022) == (UNKNOWN, None)  # no date printed: never guessed
    assert _standing("office", 2023) is None  # no expected_from: an absence is not counted
    assert _standing("town", 2022) == (NO_DEADLINE, None)  # 第四十九条 names no date for 乡镇
    assert _standing("old", 2018) == (ON_TIME, 0)
    assert _standing("old", 2019) is None  # after expected_until


def test_deadline_as_gives_the_report_its_governments_deadline() -> None:
    office = SITE.report("office", 2021)
    assert office.deadline.date == dt.date(2022, 3, 31) and office.on_time is True
    assert _standing("office", 2021) == (ON_TIME, 0)
    plain = _report(OFFICE, 2021, dt.date(2022, 3, 15))  # as its own kind it was 43 days late
    assert plain.deadline.date == dt.date(2022, 1, 31) and plain.on_time is False
    assert (plain.published - plain.deadline.date).days == 43


def test_tallies_count_each_agency_once_a_year_newest_first() -> None:
    coverage = coverage_of(SITE)
    city = [a for a in SITE.agencies if a.jurisdiction == ("测试省", "测试市")]
    tallies = {t.year: dict(t.counts) for t in coverage.tallies(city)}
    assert list(tallies) == [2023, 2022, 2021, 2018]  # 2019 and 2020: nobody counts
    assert tallies[2023] == {ON_TIME: 1, LATE: 0, UNKNOWN: 0, NO_DEADLINE: 0, MISSING: 0, NOT_DUE: 1}
    assert tallies[2022] == {ON_TIME: 0, LATE: 1, UNKNOWN: 1, NO_DEADLINE: 0, MISSING: 1, NOT_DUE: 0}
    assert tallies[2021] == {ON_TIME: 2, LATE: 0, UNKNOWN: 0, NO_DEADLINE: 0, MISSING: 0, NOT_DUE: 0}


def test_coverage_csv_rows() -> None:
    text = b"".join(coverage_csv(SITE)).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    got = [(r["agency_slug"], r["year"], r["timeliness"], r["published"], r["deadline"], r["days_late"], r["url"])
           for r in rows]
    assert got == [
        ("gov", "2021", "on_time", "2022-03-31", "2022-03-31", "0", "/reports/gov/2021/"),
        ("gov", "2022", "late", "2023-04-12", "2023-03-31", "12", "/reports/gov/2022/"),
        ("gov", "2023", "not_due", "", "2024-03-31", "", ""),
        ("dept", "2022", "missing", "", "2023-01-31", "", ""),
        ("dept", "2023", "on_time", "2024-01-20", "2024-01-31", "0", "/reports/dept/2023/"),
        ("office", "2021", "on_time", "2022-03-15", "2022-03-31", "0", "/reports/office/2021/"),
        ("office", "2022", "unknown", "", "2023-01-31", "", "/reports/office/2022/"),
        ("town", "2022", "no_deadline", "2023-02-01", "", "", "/reports/town/2022/"),
        ("old", "2018", "on_time", "2019-03-20", "2019-03-31", "0", "/reports/old/2018/"),
    ]
    assert rows[0]["jurisdiction"] == "测试省 › 测试市" and rows[0]["kind"] == "人民政府"


def test_without_any_date_a_missing_report_is_missing() -> None:
    """No date in the whole collection: no "now" to say a deadline is still ahead."""
    site = Site((DEPT,), (_report(DEPT, 2023, None),), Path("."))
    coverage = coverage_of(site)
    assert coverage.as_of is None and coverage.years == (2023,)
    assert coverage.entry("dept", 2023).status == UNKNOWN
    site = Site((DEPT, GOV), (_report(DEPT, 2023, None),), Path("."))
    assert coverage_of(site).entry("gov", 2023).status == MISSING
