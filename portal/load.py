"""Load and validate content/: files in, a `Site` out, or every problem at once.

Reports live at ``reports/<agency-slug>/<year>.yaml`` with their source text beside them. The
path must agree with the YAML (``agency`` and ``year``) so that a report cannot masquerade as
another agency's, and so that one agency-year has exactly one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .checks import check_report, check_years
from .errors import ContentError, Problem, display_path
from .model import Agency, Report, Site
from .schema import Validator, validate_registry, validate_report
from .yamlsafe import Located, YamlProblem, read_yaml

MAX_SOURCE_BYTES = 2_000_000
"""A report is 5–60 KB of text; 2 MB is a pasted archive or the wrong file, not a report."""
REGISTRY = "agencies.yaml"
REPORTS = "reports"


@dataclass(frozen=True)
class Loaded:
    """A report file that parsed and validated, before it is joined to the registry."""

    path: Path
    located: Located
    text: str
    source_path: Path


def _read(path: Path, shown: str, problems: list[Problem]) -> Located | None:
    try:
        return read_yaml(path)
    except YamlProblem as exc:
        problems.append(Problem(shown, exc.message, exc.line, None, exc.hint))
    except OSError as exc:
        problems.append(Problem(shown, f"cannot read file: {exc.strerror or exc}"))
    return None


def read_source(path: Path, shown: str, field_name: str = "source.file") -> tuple[str | None, Problem | None]:
    """Read a source text: UTF-8, no BOM, no NUL, not absurdly large. CRLF is kept as is."""

    def problem(message: str, hint: str | None = None) -> tuple[None, Problem]:
        return None, Problem(shown, message, None, field_name, hint)

    if not path.is_file():
        return problem(f"source text {path.name} is missing beside the YAML",
                       "ingest writes it; it must be the report's text, verbatim")
    size = path.stat().st_size
    if size == 0:
        return problem(f"source text {path.name} is empty")
    if size > MAX_SOURCE_BYTES:
        return problem(f"source text {path.name} is {size:,} bytes, more than {MAX_SOURCE_BYTES:,}",
                       "is this one report's text?")
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return problem(f"source text {path.name} starts with a byte-order mark",
                       "save it as UTF-8 without BOM (ingest does this)")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return problem(f"source text {path.name} contains a NUL byte at line {line}",
                       "is it UTF-16 or a binary file? run ingest on the original")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "it looks GBK-encoded: run ingest on it, which converts" if _looks_gbk(raw) else \
            "run ingest on the original, which detects the encoding"
        return problem(f"source text {path.name} is not valid UTF-8 (line {line})", hint)


def _looks_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
        return True
    except UnicodeDecodeError:
        return False


def load_registry(content_dir: Path, problems: list[Problem]) -> dict[str, Agency]:
    path = content_dir / REGISTRY
    shown = display_path(path)
    if not path.is_file():
        problems.append(Problem(shown, "agency registry is missing", hint="see docs/content.md"))
        return {}
    located = _read(path, shown, problems)
    if located is None:
        return {}
    v = Validator(shown, located)
    entries = validate_registry(v)
    problems += v.problems
    return {e["slug"]: Agency.from_entry(e) for e in entries}


def load_report_file(path: Path, content_dir: Path, problems: list[Problem]) -> Loaded | None:
    """Parse, validate and read the source of one report YAML; None when it has problems."""
    shown = display_path(path)
    located = _read(path, shown, problems)
    if located is None:
        return None
    v = Validator(shown, located)
    validate_report(v)
    data = located.data
    if not v.problems:
        if data["agency"] != path.parent.name:
            v.add(("agency",), f"agency {data['agency']!r} does not match the folder {path.parent.name!r}",
                  f"move the file to reports/{data['agency']}/{data['year']}.yaml")
        if str(data["year"]) != path.stem:
            v.add(("year",), f"year {data['year']} does not match the file name {path.name!r}",
                  f"rename the file to {data['year']}.yaml")
    problems += v.problems
    if v.problems:
        return None
    source_path = path.parent / data["source"]["file"]
    text, problem = read_source(source_path, shown)
    if problem:
        problems.append(Problem(problem.file, problem.message, located.line_of(("source", "file")),
                                problem.field, problem.hint))
        return None
    assert text is not None
    bad_quotes = [
        Problem(shown, "quote does not occur in the source text",
                located.line_of(("narrative", i, "quote")), f"narrative[{i}].quote",
                "copy the sentence from the source exactly")
        for i, item in enumerate(data.get("narrative") or [])
        if _squash(item["quote"]) not in _squash(text)
    ]
    problems += bad_quotes
    return None if bad_quotes else Loaded(path, located, text, source_path)


def _squash(text: str) -> str:
    """Whitespace-insensitive form for quote matching: sources wrap lines anywhere."""
    return "".join(text.split())


def report_paths(content_dir: Path) -> list[Path]:
    """Every report YAML, in a stable order; symlinks are not followed out of content/."""
    root = (content_dir / REPORTS)
    if not root.is_dir():
        return []
    return sorted(p for p in root.glob("*/*.yaml") if p.is_file() and not p.is_symlink())


def load_content(content_dir: Path) -> Site:
    """Load the whole content directory; raise ContentError listing every problem."""
    problems: list[Problem] = []
    if not content_dir.is_dir():
        raise ContentError([Problem(str(content_dir), "content directory not found")])
    agencies = load_registry(content_dir, problems)
    loaded = [x for p in report_paths(content_dir) if (x := load_report_file(p, content_dir, problems))]
    reports: list[Report] = []
    for item in loaded:
        data = item.located.data
        agency = agencies.get(data["agency"])
        if agency is None:
            if agencies:  # without a registry every report would repeat the registry's problem
                problems.append(Problem(display_path(item.path), f"unknown agency {data['agency']!r}",
                                        item.located.line_of(("agency",)), "agency",
                                        f"add it to {REGISTRY} or fix the slug"))
            continue
        reports.append(Report(agency, data["year"], data, item.text, item.path, item.source_path,
                              tuple(check_report(data))))
    if problems:
        raise ContentError(problems)
    return build_model(content_dir, list(agencies.values()), reports)


def build_model(content_dir: Path, agencies: list[Agency], reports: list[Report]) -> Site:
    """Join reports with the previous year's report of the same agency for cross-year checks."""
    by_key = {r.key: r for r in reports}
    joined = []
    for r in sorted(reports, key=lambda r: r.key):
        prev = by_key.get((r.agency.slug, r.year - 1))
        checks = r.checks + tuple(check_years(prev.data, r.data)) if prev else r.checks
        joined.append(Report(r.agency, r.year, r.data, r.text, r.yaml_path, r.source_path, checks))
    return Site(tuple(sorted(agencies, key=lambda a: a.slug)), tuple(joined), content_dir)
