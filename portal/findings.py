"""What a loaded site asks a person to look at, one ``file:line: field:`` line each.

Three kinds: a consistency check that fails (``checks.py`` and the rules of ``rules.py``), a
table number that is not in the report's source (``trace.py``), and a number read from an image
that no sum of the form can prove (``unproven``: table 2 of a scan, to verify against the image).
None stops a build — official
numbers are published as printed and flagged on the page — but ``build.py check`` lists every one
so an editor can go straight to the line, and ``build --strict`` refuses to publish a reviewed
report with either (unless a reviewer confirmed a check failure in the source: ``as_printed``).

The line numbers come from reading the YAML of those reports again: only reports with something
to say are read, so a clean site costs nothing here.
"""

from __future__ import annotations

from collections.abc import Iterable

from .cells import CELLS
from .checks import Check
from .errors import Problem, display_path
from .model import Report, Site
from .rules import rule_of
from .yamlsafe import Located, YamlProblem, read_yaml

AS_PRINTED = "（审核人已确认原文如此：as_printed）"
DRAFT = "（草稿，尚未人工核对）"
UNPROVEN = "由图片识别的数字 {value}，表内无勾稽关系可核：请对照原图核对，无误后删去 unproven 里的这一格（{how}）"


def place_of(path: str) -> tuple[str | int, ...]:
    """Where a cell path (``table3.new.research``) is in the YAML (``table3, new, 2``)."""
    cell = CELLS.get(path)
    if cell is None:
        return tuple(path.split("."))
    last: tuple[str | int, ...] = () if cell.column is None else (cell.index if cell.index is not None
                                                                    else cell.column,)
    return (cell.table, *cell.row, *last)


def _field(check: Check) -> str:
    """The cell of this report a check names first (cells of another year's report are prefixed)."""
    own = [c for c in check.cells if ":" not in c]
    return own[0] if own else rule_of(check.rule).field


def check_problems(report: Report, located: Located | None) -> list[Problem]:
    """The report's failing checks as problems; confirmed ones (``as_printed``) say so."""
    shown = display_path(report.yaml_path)
    out = []
    for check in report.failing_checks:
        field = _field(check)
        line = located.line_of(place_of(field)) if located else None
        note = AS_PRINTED if check.rule in report.as_printed else ""
        out.append(Problem(shown, f"{rule_of(check.rule).title}：{check.detail}{note}", line, field))
    return out


def untraced_problems(report: Report) -> list[Problem]:
    """The report's table numbers that are not in its source (drafts say they are drafts)."""
    if report.status == "reviewed":
        return list(report.untraced)
    return [Problem(p.file, p.message + DRAFT, p.line, p.field) for p in report.untraced]


def unproven_problems(report: Report, located: Located | None) -> list[Problem]:
    """The report's numbers read from an image that no sum proves (``unproven``), one to verify each."""
    shown = display_path(report.yaml_path)
    out = []
    for path, how in unproven_cells(report).items():
        cell = CELLS.get(path)
        value = cell.find(report.data)[1] if cell is not None else None
        line = located.line_of(place_of(path)) if located else None
        out.append(Problem(shown, UNPROVEN.format(value=value, how=how), line, path))
    return out


def unproven_cells(report: Report) -> dict[str, str]:
    return report.data.get("unproven") or {}


def site_findings(site: Site) -> list[Problem]:
    """Every failing check, untraced table number and unproven OCR number of the site, in file order."""
    out: list[Problem] = []
    for report in site.reports:
        if not (report.failing_checks or report.untraced or unproven_cells(report)):
            continue
        located = _located(report)
        out += untraced_problems(report)
        out += check_problems(report, located)
        out += unproven_problems(report, located)
    return sorted(out, key=lambda p: (p.file, p.line or 0, p.field or ""))


def reviewed_untraced(reports: Iterable[Report]) -> list[Report]:
    """Reviewed reports with a table number their source does not print: ``--strict`` refuses them."""
    return [r for r in reports if r.untraced and r.status == "reviewed"]


def _located(report: Report) -> Located | None:
    try:
        return read_yaml(report.yaml_path)
    except (YamlProblem, OSError):
        return None  # it loaded a moment ago; without lines the problems still name file and field
