"""``build.py ingest FILE…``: write draft report YAML (and the source beside it) into content/.

This is the only module of the extractor that touches files. It refuses rather than guesses:
an agency or year it cannot tell must be given on the command line; a slug or year that could
lead outside content/ is refused; a report a person has reviewed is never replaced without
``--force``, and then only after a timestamped backup. Every file is written to a temporary
name and renamed into place, so an interrupted run leaves either the old file or the new one.
What it prints is in Chinese, for the people who edit the content.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .cells import CELLS, Cell, single_row
from .checks import check_report
from .extract import SCHEMA_LINE, Draft, extract
from .extract.ocr_embedded import pictures_beside
from .extract.ocr_table2 import continuity
from .form import SINGLE_ROW
from .load import MAX_SOURCE_BYTES
from .output import write_durably
from .provenance import MAX_ORIGINAL_BYTES, sha256_bytes
from .schema import SLUG_RE, SOURCE_NAME_RE, TABLES, Validator, validate_registry
from .yamlsafe import YamlProblem, parse_yaml, read_yaml
from .yamlwrite import dump

ROOT = Path(__file__).resolve().parent.parent
MAX_INPUT_BYTES = MAX_ORIGINAL_BYTES  # the input is kept as the original
MAX_TEXT_BYTES = MAX_SOURCE_BYTES  # a draft must pass `build.py check`
ORIGINAL_SUFFIX = {"html": ".html", "docx": ".docx", "doc": ".doc", "rtf": ".rtf", "pdf": ".pdf"}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


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
    raw: bytes = b""  # the input as read: the original kept, and its hash
    messages: list[str] = field(default_factory=list)
    checks: list = field(default_factory=list)  # computed for the summary; drafts carry no snapshot


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py ingest",
                                description="从报告原件（纯文本、HTML、Markdown、.docx、.doc、PDF）起草报告 YAML，"
                                            "原文写在旁边。给出文件夹时，导入其中的每个文件。")
    p.add_argument("files", nargs="+", metavar="FILE", type=Path, help="报告原件，或装着原件的文件夹")
    p.add_argument("--agency", metavar="SLUG", help="机构代号：报告里没有写出已登记的机构时用")
    p.add_argument("--year", help="统计年度：标题里没有年份时用")
    p.add_argument("--content", type=Path, default=ROOT / "content", help="内容文件夹（默认 content/）")
    p.add_argument("--force", action="store_true", help="替换已审核的报告（会保留备份）")
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
            summary.append(f"{source}: 保留 {exc}")
            if len(sources) == 1:
                print(summary[-1])
            continue
        except Refusal as exc:
            progress.clear()
            print(f"{source}: 不导入：{exc}", file=sys.stderr)
            summary.append(f"{source}: 不导入 — {exc}")
            failed += 1
            continue
        try:
            _write(plan, content, args.force)
        except (Refusal, OSError) as exc:
            progress.clear()
            why = exc if isinstance(exc, Refusal) else f"无法写入：{exc.strerror or exc}"
            print(f"{source}: 不导入：{why}", file=sys.stderr)
            summary.append(f"{source}: 不导入 — {why}")
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
        print(f"ingest: {len(sources)} 个文件，{len(sources) - failed} 个已起草或保留，{failed} 个不导入")
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
             f"读出 {count.read}/{count.total} 格"]
    nulls = [f"{why} {n}" for n, why in ((count.missing, "原文缺表"),
                                           (count.printed, "印为空白或横线"),
                                           (count.unread, "未能读出")) if n]
    if nulls:
        parts.append("null 格：" + "，".join(nulls))
    failing = sum(1 for c in plan.checks if c.status == "fail")
    if failing:
        parts.append(f"{failing} 项核对按原文不一致")
    review = [p for p in plan.draft.problems if not p.startswith("agency ")]
    if plan.new_agency is not None:
        parts.append(f"新机构 {plan.slug}（{plan.new_agency['name']}）")
    if review:
        parts.append(f"{len(review)} 处待审核")
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
    single = single_row(data.get("table3"))
    printed = data.get("cells") or {}
    read = missing = blank = unread = 0
    cells = [c for c in CELLS.values() if c.table in TABLES and _in_layout(c, single)]
    for cell in cells:
        if data.get(cell.table) is None:
            missing += 1
        elif cell.read(data) is not None:
            read += 1
        elif cell.path in printed:
            blank += 1
        else:
            unread += 1
    return CellCount(len(cells), read, missing, blank, unread)


def _in_layout(cell: Cell, single: bool) -> bool:
    """Whether a table-3 cell is printed in this report's layout of （六）: one row or three."""
    if cell.table != "table3" or cell.row[0] != "other_handling":
        return True
    return (cell.row[-1] == SINGLE_ROW) == single


def _checked_slug(slug: str) -> str:
    if not (SLUG_RE.match(slug) and len(slug) <= 80):
        raise Refusal(f"--agency {slug!r} 不是机构代号：只能用小写英文字母、数字和单个连字符")
    return slug


def _checked_year(text: str) -> int:
    if not re.fullmatch(r"\d{4}", text.strip()) or not 1990 <= int(text) <= 2100:
        raise Refusal(f"--year {text!r} 不是 2023 这样的年份")
    return int(text)


def _registry(content: Path) -> list[dict]:
    path = content / "agencies.yaml"
    if not path.is_file():
        raise Refusal(f"找不到 {path}：{content} 是内容文件夹吗？")
    try:
        located = read_yaml(path)
    except YamlProblem as exc:
        where = f"{path}:{exc.line}" if exc.line else str(path)
        raise Refusal(f"{where}: {exc.message}：请先改好机构名录") from None
    except OSError as exc:
        raise Refusal(f"{path}: 无法读取：{exc.strerror or exc}") from None
    v = Validator(str(path), located)
    entries = validate_registry(v)
    if v.problems:
        raise Refusal(f"机构名录有问题，请先改好（python build.py check 列出所有问题）：{v.problems[0]}")
    return entries


def _plan(source: Path, registry: list[dict], agency: str | None, year: int | None, content: Path,
          force: bool, taken: dict[tuple[str, int], Path]) -> Plan:
    try:
        if not source.is_file():
            raise Refusal("没有这个文件")
        if source.stat().st_size > MAX_INPUT_BYTES:
            raise Refusal(f"文件有 {source.stat().st_size:,} 字节；一份报告远没有这么大")
        raw = source.read_bytes()
    except OSError as exc:
        raise Refusal(f"无法读取：{exc.strerror or exc}") from None
    draft = extract(raw, source.name, registry, beside=pictures_beside(source))
    if draft.refusal:
        raise Refusal(draft.refusal)
    if len(draft.text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise Refusal(f"文字超过 {MAX_TEXT_BYTES:,} 字节；一份报告远没有这么多")
    new_agency = draft.agency_entry
    slug = agency or draft.data.get("agency")
    registered = {e["slug"] for e in registry}
    if agency is not None and agency not in registered:
        if new_agency is None:
            raise Refusal(f"agencies.yaml 里没有机构 {agency}：请先在那里登记")
        new_agency = dict(new_agency, slug=agency)
    elif agency is not None:
        new_agency = None
    if slug is None:
        raise Refusal("看不出是哪个机构发布的：请用 --agency 机构代号 指定")
    year = year or draft.data.get("year")
    if year is None:
        raise Refusal("标题里找不到年份：请用 --year 年份 指定")
    if (slug, year) in taken:
        raise Refusal(f"与 {taken[slug, year]} 是同一机构同一年：每个机构每年只有一份报告")
    folder = _inside(content, Path("reports") / slug)
    plan = Plan(source, draft, slug, year, folder, new_agency, raw)
    _check_existing(plan, force)
    taken[slug, year] = source
    return plan


def _inside(content: Path, relative: Path) -> Path:
    """``content/relative``, refused when it (or a link on the way) leads outside content."""
    root = content.resolve()
    path = content / relative
    if path.resolve() != root / relative or not path.resolve().is_relative_to(root):
        raise Refusal(f"{relative} 会指到 {content} 之外")
    for parent in (path, *path.parents):
        if parent == content:
            break
        if parent.is_symlink():
            raise Refusal(f"{parent} 是符号链接：不写入")
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
        raise Kept(f"{target}（已审核，status: reviewed；用 --force 可替换，会保留备份）")
    if status != "draft" and not force:
        raise Refusal(f"{target} 不是草稿（读不出 status）：没有覆盖（用 --force 可替换，会保留备份）")


def _finish(plan: Plan) -> dict:
    data = dict(plan.draft.data)
    data["agency"] = plan.slug
    data["year"] = plan.year
    plan.draft.problems += _check_continuity(data, plan.folder / f"{plan.year - 1}.yaml", plan.year - 1)
    source = {"file": f"{plan.year}.txt"}
    source["original_file"] = original_name(plan)
    source["sha256"] = sha256_bytes(plan.raw)
    data["source"] = source | {k: v for k, v in data["source"].items() if k != "file"}
    plan.checks = check_report(data)
    return data


def _check_continuity(data: dict, previous: Path, previous_year: int) -> list[str]:
    """Table 2 read from images (``unproven``) against the agency's previous report: 现行有效件数 = last
    year's + 制发 − 废止 is a check (noted, or the cell is null with both numbers), never a source."""
    if not data.get("unproven") or not isinstance(data.get("table2"), dict) or not previous.is_file():
        return []
    try:
        before = read_yaml(previous).data.get("table2")
    except (YamlProblem, OSError, AttributeError):
        return []  # a broken previous report checks nothing; `build.py check` names it
    if not isinstance(before, dict):
        return []
    unproven, table2 = dict(data["unproven"]), {k: dict(v) if isinstance(v, dict) else v
                                                 for k, v in data["table2"].items()}
    problems = continuity(table2, unproven, before, previous_year)
    data["table2"], data["unproven"] = table2, unproven
    data["notes"] = [*data.get("notes", []), *(f"提取：{p}" for p in problems)]
    return problems


def original_name(plan: Plan) -> str:
    """Where the input is kept beside the YAML: the source text itself when the input was UTF-8
    text written byte for byte, else ``<year>.source.<ext>`` by the detected format (a text in
    another encoding keeps its bytes as ``.source.txt``)."""
    if plan.draft.format == "text":
        return f"{plan.year}.txt" if plan.draft.text.encode("utf-8") == plan.raw else f"{plan.year}.source.txt"
    suffix = ORIGINAL_SUFFIX.get(plan.draft.format, "")
    if plan.draft.format == "image":  # a scan keeps its own kind of file
        named = plan.source.suffix.lower()
        suffix = named if named in IMAGE_SUFFIXES else ".png"
    return f"{plan.year}.source{suffix}"


def _kept_original(yaml_path: Path) -> Path | None:
    """The original file the report being replaced names, when it is not its source text."""
    try:
        name = read_yaml(yaml_path).data["source"]["original_file"]
    except (YamlProblem, OSError, KeyError, TypeError):
        return None
    if not isinstance(name, str) or not SOURCE_NAME_RE.match(name) or name == yaml_path.with_suffix(".txt").name:
        return None
    return yaml_path.parent / name


def _write(plan: Plan, content: Path, force: bool) -> None:
    data = _finish(plan)
    yaml_path = plan.folder / f"{plan.year}.yaml"
    plan.folder.mkdir(parents=True, exist_ok=True)
    shown = [yaml_path]
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    kept = _kept_original(yaml_path) if yaml_path.exists() else None
    if yaml_path.exists() and force:
        for old in (yaml_path, plan.folder / f"{plan.year}.txt", kept):
            if old is not None and old.exists():
                backup = old.with_name(f"{old.name}.bak-{stamp}")
                write_durably(backup, old.read_bytes())
                plan.messages.append(f"  已备份：{backup}")
    if kept is not None and kept.name != data["source"]["original_file"] and kept.is_file():
        # re-ingested from another format: the old original is no longer this report's (kept aside)
        kept.rename(kept.with_name(f"{kept.name}.replaced-{stamp}"))
        plan.messages.append(f"  旧的原始文件 {kept.name} 已改名为 {kept.name}.replaced-{stamp}")
    if plan.new_agency is not None:
        _add_agency(content / "agencies.yaml", plan.new_agency)
        plan.messages.append(f"  已在 {content / 'agencies.yaml'} 添加草稿机构 {plan.slug}"
                             f"（{plan.new_agency['name']}）：请核对它的代号、类别和辖区")
    write_durably(plan.folder / f"{plan.year}.txt", plan.draft.text.encode("utf-8"))
    shown.append(plan.folder / f"{plan.year}.txt")
    if data["source"]["original_file"] != f"{plan.year}.txt":  # else the text written is the original
        original = plan.folder / data["source"]["original_file"]
        write_durably(original, plan.raw)
        shown.append(original)
    write_durably(yaml_path, dump(data, SCHEMA_LINE).encode("utf-8"))
    plan.messages.insert(0, f"{plan.source}: 已写出 {', '.join(str(p) for p in shown)}（status: draft）")
    for key, reason in (data.get("missing_tables") or {}).items():
        plan.messages.append(f"  {key}：原文没有 — {reason}")
    for problem in plan.draft.problems:
        plan.messages.append(f"  {problem}")
    for check in plan.checks:
        if check.status == "fail":
            plan.messages.append(f"  核对 {check.rule} 按原文不一致：{check.detail}")
    plan.messages.append(f"  {summarize(plan).split(': ', 1)[1]}")
    plan.messages.append("  审核草稿后，把 status 改为 reviewed")


def _add_agency(path: Path, entry: dict) -> None:
    """Append a draft entry to the registry, keeping the file's text; refuse if it would break."""
    text = path.read_text(encoding="utf-8")
    block = dump({"agencies": [entry]}).split("\n", 1)[1]
    new = text + ("" if text.endswith("\n") else "\n") + block
    try:
        entries = parse_yaml(new).data["agencies"]
        assert entries[-1] == entry
    except (YamlProblem, KeyError, TypeError, IndexError, AssertionError):
        raise Refusal(f"无法把机构 {entry['slug']} 加进 {path}：请手工添加，再用 --agency 指定") from None
    write_durably(path, new.encode("utf-8"))
