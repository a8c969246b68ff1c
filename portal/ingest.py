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

from .extract import SCHEMA_LINE, Draft, extract
from .load import MAX_SOURCE_BYTES
from .schema import SLUG_RE, Validator, validate_registry
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


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py ingest",
                                description="Draft report YAML from raw reports (text, HTML, .docx, PDF).")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path, help="raw report files")
    p.add_argument("--agency", help="the agency's slug, when the report does not name a registered agency")
    p.add_argument("--year", help="the statistical year, when the title does not say it")
    p.add_argument("--content", type=Path, default=ROOT / "content", help="content directory")
    p.add_argument("--force", action="store_true", help="replace a reviewed report (a backup is kept)")
    return p


def run(argv: list[str]) -> int:
    """Ingest every FILE; 0 when every one became a draft, 1 when any was refused."""
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
    failed = 0
    taken: dict[tuple[str, int], Path] = {}
    for source in args.files:
        try:
            plan = _plan(source, registry, agency, year, content, args.force, taken)
            _write(plan, content, args.force)
            registry = registry + ([plan.new_agency] if plan.new_agency else [])
        except Refusal as exc:
            print(f"{source}: refused: {exc}", file=sys.stderr)
            failed += 1
            continue
        except OSError as exc:
            print(f"{source}: could not write: {exc.strerror or exc}", file=sys.stderr)
            failed += 1
            continue
        for line in plan.messages:
            print(line)
    return 1 if failed else 0


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
    if status != "draft" and not force:
        shown = "reviewed" if status == "reviewed" else "not a draft (status unreadable)"
        raise Refusal(f"{target} is {shown}: not overwritten (use --force to replace it; a backup is kept)")


def _finish(plan: Plan) -> dict:
    data = dict(plan.draft.data)
    data["agency"] = plan.slug
    data["year"] = plan.year
    source = {"file": f"{plan.year}.txt"}
    suffix = ORIGINAL_SUFFIX.get(plan.draft.format)
    if suffix:
        source["original_file"] = f"{plan.year}.source{suffix}"
    data["source"] = source | {k: v for k, v in data["source"].items() if k != "file"}
    data["checks"] = _checks(data)
    return data


def _checks(data: dict) -> list:
    """The consistency-check snapshot, when portal.checks is there to compute it."""
    try:
        from .checks import check_report
    except ImportError:
        return []
    return [c.as_dict() for c in check_report(data)]


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


def _atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path``, then rename it into place."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
