"""``build.py ingest FILE…``: write draft report YAML (and the source beside it) into content/.

This is the only module of the extractor that touches files. It refuses rather than guesses:
an agency or year it cannot tell must be given on the command line; a slug or year that could
lead outside content/ is refused; a report a person has reviewed is never replaced without
``--force``, and then only after a timestamped backup. Every file is written to a temporary
name and renamed into place, so an interrupted run leaves either the old file or the new one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .checks import check_report
from .extract import SCHEMA_LINE, Draft, extract
from .form import SINGLE_ROW
from .load import MAX_SOURCE_BYTES
from .schema import CELL_PATHS, SLUG_RE, TABLES, Validator, cell_value, validate_registry
from .yamlsafe import YamlProblem, parse_yaml, read_yaml
from .yamlwrite import dump

ROOT = Path(__file__).resolve().parent.parent
MAX_INPUT_BYTES = 30_000_000
MAX_TEXT_BYTES = MAX_SOURCE_BYTES  # a draft must pass `build.py check`
ORIGINAL_SUFFIX = {"html": ".html", "docx": ".docx", "pdf": ".pdf"}


class Refusal(Exception):
    """One input that cannot become a draft; the message is one line saying why."""


@dataclass
class Plan:
    """What one input will write, decided before anything is written."""

    source: Path
    draft: Draft
    slug: str
    year: int
    folder: Path
    new_agency: dict | None = None
    messages: list[str] = field(default_factory=list)
    checks: list = field(default_factory=list)  # computed for the summary; drafts carry no snapshot


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py ingest",
                                description="Draft report YAML from raw reports (text, HTML, Markdown, .docx, .doc, "
                                            "PDF). A folder stands for every file under it.")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path, help="raw report files or folders of them")
    p.add_argument("--agency", help="the agency's slug, when the report does not name a registered agency")
    p.add_argument("--year", help="the statistical year, when the title does not say it")
    p.add_argument("--content", type=Path, default=ROOT / "content", help="content directory")
    p.add_argument("--force", action="store_true", help="replace a reviewed report (a backup is kept)")
    return p


def run(argv: list[str]) -> int:
    """Ingest every FILE; 0 when every one became a draft (or was a reviewed report kept), 1 when any
    was refused. Each file is planned and written before the next is read, so a second year of a new
    agency finds the registry entry the first year drafted."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 2
    try:
        agency = _checked_slug(args.agency) if args.agency is not None else None
        year = _checked_year(args.year) if args.year is not None else None
        content = args.content
        registry = _registry(content)
    except Refusal as exc:
        print(f"ingest: {exc}", file=sys.stderr)
        return 1
    sources = _inputs(args.files)
    failed = 0
    taken: dict[tuple[str, int], Path] = {}
    summary: list[str] = []
    progress = Progress(len(sources), sys.stderr)
    for source in sources:
        progress.step(source)
        try:
            plan = _plan(source, registry, agency, year, content, args.force, taken)
        except Kept as exc:
            summary.append(f"{source}: kept {exc}")
            if len(sources) == 1:
                print(summary[-1])
            continue
        except Refusal as exc:
            progress.clear()
            print(f"{source}: refused: {exc}", file=sys.stderr)
            summary.append(f"{source}: refused — {exc}")
            failed += 1
            continue
        try:
            _write(plan, content, args.force)
        except (Refusal, OSError) as exc:
            progress.clear()
            why = exc if isinstance(exc, Refusal) else f"could not write: {exc.strerror or exc}"
            print(f"{source}: {why}", file=sys.stderr)
            summary.append(f"{source}: refused — {why}")
            failed += 1
            continue
        registry = registry + ([plan.new_agency] if plan.new_agency else [])
        summary.append(summarize(plan))
        if len(sources) == 1:
            progress.clear()
            print("\n".join(plan.messages))
    progress.clear()
    if len(sources) > 1:
        print("\n".join(summary))
        print(f"ingest: {len(sources) - failed} of {len(sources)} files drafted or kept, {failed} refused")
    return 1 if failed else 0


class Kept(Exception):
    """A reviewed report already stands where this input would go: it is kept, not an error."""


class Progress:
    """A one-line progress bar on a terminal; nothing at all when the output is a file or a pipe."""

    def __init__(self, total: int, stream) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.live = total > 1 and stream.isatty()

    def step(self, source: Path) -> None:
        self.done += 1
        if self.live:
            width = 24
            filled = width * self.done // self.total
            self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} "
                              f"{source.name[:40]:<40}")
            self.stream.flush()

    def clear(self) -> None:
        if self.live:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()


def _inputs(paths: list[Path]) -> list[Path]:
    """The files named, with each folder replaced by the files under it (hidden ones skipped), sorted."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out += sorted(p for p in path.rglob("*") if p.is_file()
                          and not any(part.startswith(".") for part in p.relative_to(path).parts))
        else:
            out.append(path)
    return out


def summarize(plan: Plan) -> str:
    """One line: where the draft went, its form, how many table cells were read, and what needs review."""
    data = plan.draft.data
    count = count_cells(data)
    parts = [f"{plan.slug}/{plan.year}", str(data.get("form")),
             f"cells {count.read}/{count.total} read"]
    nulls = [f"{n} {why}" for n, why in ((count.missing, "in tables the source lacks"),
                                          (count.printed, "printed blank or as a dash"),
                                          (count.unread, "unreadable")) if n]
    if nulls:
        parts.append("null: " + ", ".join(nulls))
    failing = sum(1 for c in plan.checks if c.status == "fail")
    if failing:
        parts.append(f"{failing} failing checks (as printed)")
    review = [p for p in plan.draft.problems if not p.startswith("agency ")]
    if plan.new_agency is not None:
        parts.append(f"new agency {plan.slug} ({plan.new_agency['name']})")
    if review:
        parts.append(f"{len(review)} to review")
    return f"{plan.source}: " + " · ".join(parts)


@dataclass(frozen=True)
class CellCount:
    total: int
    read: int
    missing: int  # in a table the source lacks (missing_tables says why)
    printed: int  # printed as blank, / or — (``cells`` keeps the printing)
    unread: int  # in the source but not read with certainty


def count_cells(data: dict) -> CellCount:
    """The contract's table cells of a draft, by what became of them."""
    single = ((data.get("table3") or {}).get("other_handling") or {}).get(SINGLE_ROW) is not None
    printed = data.get("cells") or {}
    read = missing = blank = unread = 0
    paths = [p for p in CELL_PATHS if p.split(".", 1)[0] in TABLES and _in_layout(p, single)]
    for path in paths:
        if data.get(path.split(".", 1)[0]) is None:
            missing += 1
        elif cell_value(data, path)[1] is not None:
            read += 1
        elif path in printed:
            blank += 1
        else:
            unread += 1
    return CellCount(len(paths), read, missing, blank, unread)


def _in_layout(path: str, single: bool) -> bool:
    """Whether a table-3 path is printed in this report's layout of （六）: one row or three."""
    if not path.startswith("table3.other_handling."):
        return True
    return (f".{SINGLE_ROW}." in path) == single


def _checked_slug(slug: str) -> str:
    if not (SLUG_RE.match(slug) and len(slug) <= 80):
        raise Refusal(f"--agency {slug!r} is not a slug: lower-case ASCII letters, digits and single hyphens")
    return slug


def _checked_year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text.strip()) or not 1990 <= int(text) <= 2100:
        raise Refusal(f"--year {text!r} is not a year like 2023")
    return int(text)


def _registry(content: Path) -> list[dict]:
    path = content / "agencies.yaml"
    if not path.is_file():
        raise Refusal(f"{path} not found: is {content} a content directory?")
    try:
        located = read_yaml(path)
    except (YamlProblem, OSError) as exc:
        raise Refusal(f"{path}: {getattr(exc, 'message', exc)}: fix the registry first") from None
    v = Validator(str(path), located)
    entries = validate_registry(v)
    if v.problems:
        raise Refusal(f"{v.problems[0]}: fix the registry first")
    return entries


def _plan(source: Path, registry: list[dict], agency: str | None, year: int | None, content: Path,
          force: bool, taken: dict[tuple[str, int], Path]) -> Plan:
    try:
        if not source.is_file():
            raise Refusal("no such file")
        if source.stat().st_size > MAX_INPUT_BYTES:
            raise Refusal(f"is {source.stat().st_size:,} bytes; a report is far smaller")
        raw = source.read_bytes()
    except OSError as exc:
        raise Refusal(f"cannot read: {exc.strerror or exc}") from None
    draft = extract(raw, source.name, registry)
    if draft.refusal:
        raise Refusal(draft.refusal)
    if len(draft.text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise Refusal(f"its text is more than {MAX_TEXT_BYTES:,} bytes: one report is far less")
    new_agency = draft.agency_entry
    slug = agency or draft.data.get("agency")
    registered = {e["slug"] for e in registry}
    if agency is not None and agency not in registered:
        if new_agency is None:
            raise Refusal(f"agency {agency} is not in agencies.yaml: add it there first")
        new_agency = dict(new_agency, slug=agency)
    elif agency is not None:
        new_agency = None
    if slug is None:
        raise Refusal("could not tell which agency published it: pass --agency SLUG")
    year = year or draft.data.get("year")
    if year is None:
        raise Refusal("could not find the year in the title: pass --year N")
    if (slug, year) in taken:
        raise Refusal(f"same agency and year as {taken[slug, year]}: one report per agency and year")
    folder = _inside(content, Path("reports") / slug)
    plan = Plan(source, draft, slug, year, folder, new_agency)
    _check_existing(plan, force)
    taken[slug, year] = source
    return plan


def _inside(content: Path, relative: Path) -> Path:
    """``content/relative``, refused when it (or a link on the way) leads outside content."""
    root = content.resolve()
    path = content / relative
    if path.resolve() != root / relative or not path.resolve().is_relative_to(root):
        raise Refusal(f"{relative} would lead outside {content}")
    for parent in (path, *path.parents):
        if parent == content:
            break
        if parent.is_symlink():
            raise Refusal(f"{parent} is a symbolic link: refused")
    return path


def _check_existing(plan: Plan, force: bool) -> None:
    target = plan.folder / f"{plan.year}.yaml"
    if not target.exists():
        return
    try:
        data = read_yaml(target).data
        status = data.get("status") if isinstance(data, dict) else None
    except (YamlProblem, OSError):
        status = None
    if status == "reviewed" and not force:
        raise Kept(f"{target} (reviewed; --force replaces it, keeping a backup)")
    if status != "draft" and not force:
        raise Refusal(f"{target} is not a draft (status unreadable): not overwritten "
                      "(use --force to replace it; a backup is kept)")


def _finish(plan: Plan) -> dict:
    data = dict(plan.draft.data)
    data["agency"] = plan.slug
    data["year"] = plan.year
    source = {"file": f"{plan.year}.txt"}
    suffix = ORIGINAL_SUFFIX.get(plan.draft.format)
    if suffix:
        source["original_file"] = f"{plan.year}.source{suffix}"
    data["source"] = source | {k: v for k, v in data["source"].items() if k != "file"}
    plan.checks = check_report(data)
    return data


def _write(plan: Plan, content: Path, force: bool) -> None:
    data = _finish(plan)
    yaml_path = plan.folder / f"{plan.year}.yaml"
    plan.folder.mkdir(parents=True, exist_ok=True)
    shown = [yaml_path]
    if yaml_path.exists() and force:
        stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        for old in (yaml_path, plan.folder / f"{plan.year}.txt"):
            if old.exists():
                backup = old.with_name(f"{old.name}.bak-{stamp}")
                _atomic(backup, old.read_bytes())
                plan.messages.append(f"  kept a backup: {backup}")
    if plan.new_agency is not None:
        _add_agency(content / "agencies.yaml", plan.new_agency)
        plan.messages.append(f"  added draft agency {plan.slug} ({plan.new_agency['name']}) to "
                             f"{content / 'agencies.yaml'}: review its slug, kind and jurisdiction")
    _atomic(plan.folder / f"{plan.year}.txt", plan.draft.text.encode("utf-8"))
    shown.append(plan.folder / f"{plan.year}.txt")
    if "original_file" in data["source"]:
        original = plan.folder / data["source"]["original_file"]
        _atomic(original, plan.source.read_bytes())
        shown.append(original)
    _atomic(yaml_path, dump(data, SCHEMA_LINE).encode("utf-8"))
    plan.messages.insert(0, f"{plan.source}: wrote {', '.join(str(p) for p in shown)} (status: draft)")
    for key, reason in (data.get("missing_tables") or {}).items():
        plan.messages.append(f"  {key}: not in the source — {reason}")
    for problem in plan.draft.problems:
        plan.messages.append(f"  {problem}")
    for check in plan.checks:
        if check.status == "fail":
            plan.messages.append(f"  check {check.rule} fails as printed: {check.detail}")
    plan.messages.append(f"  {summarize(plan).split(': ', 1)[1]}")
    plan.messages.append("  review the draft, then set status: reviewed")


def _add_agency(path: Path, entry: dict) -> None:
    """Append a draft entry to the registry, keeping the file's text; refuse if it would break."""
    text = path.read_text(encoding="utf-8")
    block = dump({"agencies": [entry]}).split("\n", 1)[1]
    new = text + ("" if text.endswith("\n") else "\n") + block
    try:
        entries = parse_yaml(new).data["agencies"]
        assert entries[-1] == entry
    except (YamlProblem, KeyError, TypeError, IndexError, AssertionError):
        raise Refusal(f"could not add agency {entry['slug']} to {path}: add it by hand, then use --agency") from None
    _atomic(path, new.encode("utf-8"))


def _mode(path: Path) -> int:
    """The file's own mode when it exists; else what the umask gives a new file (mkstemp's 0600 would
    hide drafts from the web server or a colleague's account)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _mode(path))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
