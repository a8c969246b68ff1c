"""Load and validate content/: files in, a `Site` out, or every problem at once.

Reports live at ``reports/<agency-slug>/<year>.yaml`` with their source text beside them. The
path must agree with the YAML (``agency`` and ``year``) so that a report cannot masquerade as
another agency's, and so that one agency-year has exactly one file. Problems are worded in
Chinese, for the people who edit the content (see ``errors.py``).
"""

from __future__ import annotations

import difflib
import multiprocessing
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from .checks import Check, check_no_previous, check_report, check_years, forget_shared, share
from .errors import ContentError, Problem, display_path
from .indicators import IndicatorValue, compute_all
from .model import Agency, Report, Site
from .parallel import default_workers, uncollected
from .provenance import check_original
from .schema import Validator, validate_registry, validate_report
from .similarity import sentence_keys
from .textchecks import text_checks
from .trace import Trace, trace_report
from .yamlsafe import Located, YamlProblem, read_yaml

MAX_SOURCE_BYTES = 1_000_000
"""A report is 5–60 KB of text; 1 MB is a pasted archive or the wrong file, not a report."""
REGISTRY = "agencies.yaml"
REPORTS = "reports"


def _read(path: Path, shown: str, problems: list[Problem]) -> Located | None:
    try:
        return read_yaml(path)
    except YamlProblem as exc:
        problems.append(Problem(shown, exc.message, exc.line, exc.field, exc.hint))
    except OSError as exc:
        problems.append(Problem(shown, f"无法读取文件：{exc.strerror or exc}"))
    return None


def read_source(path: Path, shown: str, field_name: str = "source.file") -> tuple[str | None, Problem | None]:
    """Read a source text: UTF-8, no BOM, no NUL, not absurdly large. CRLF is kept as is."""

    def problem(message: str, hint: str | None = None) -> tuple[None, Problem]:
        return None, Problem(shown, message, None, field_name, hint)

    if path.is_symlink():
        return problem(f"原文 {path.name} 是符号链接", "把原文文件本身放在 YAML 旁边")
    if not path.is_file():
        return problem(f"YAML 旁边没有原文 {path.name}", "ingest 会写出它；它必须是报告的原文，一字不改")
    size = path.stat().st_size
    if size == 0:
        return problem(f"原文 {path.name} 是空的")
    if size > MAX_SOURCE_BYTES:
        return problem(f"原文 {path.name} 有 {size:,} 字节，超过上限 {MAX_SOURCE_BYTES:,}", "这是一份报告的文字吗？")
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return problem(f"原文 {path.name} 以字节顺序标记（BOM）开头", "存为不带 BOM 的 UTF-8（ingest 会这样存）")
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        return problem(f"原文 {path.name} 第 {line} 行有 NUL 字节",
                       "它是 UTF-16 或二进制文件吗？请对原始文件运行 ingest")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "它像是 GBK 编码：对它运行 ingest，会转换编码" if _looks_gbk(raw) else \
            "对原始文件运行 ingest，它会识别编码"
        return problem(f"原文 {path.name} 不是有效的 UTF-8 编码（第 {line} 行）", hint)


def _looks_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
        return True
    except UnicodeDecodeError:
        return False


def load_registry(content_dir: Path, problems: list[Problem]) -> tuple[dict[str, Agency], set[str]]:
    """The valid agencies by slug, and every slug the registry names (valid entry or not)."""
    path = content_dir / REGISTRY
    shown = display_path(path)
    if not path.is_file():
        problems.append(Problem(shown, "找不到机构名录", hint="内容文件夹里要有 agencies.yaml，写法见 docs/content.md"))
        return {}, set()
    located = _read(path, shown, problems)
    if located is None:
        return {}, set()
    v = Validator(shown, located)
    entries = validate_registry(v)
    problems += v.problems
    agencies = {e["slug"]: Agency.from_entry(e) for e in entries}
    # An entry with problems is still "known": its reports should not also be "unknown agency".
    raw = located.data.get("agencies") if isinstance(located.data, dict) else None
    named = {e.get("slug") for e in raw if isinstance(e, dict)} if isinstance(raw, list) else set()
    return agencies, {s for s in named if isinstance(s, str)}


FileStamp = tuple[int, int, int]
"""(mtime_ns, size, inode) of a file: a save by rename changes the inode even within one clock
tick. The dev server's watcher compares the same stamps."""
Stamp = FileStamp | None
"""A file's stamp, None when it is missing."""


def stamp_of(st: os.stat_result) -> FileStamp:
    return (st.st_mtime_ns, st.st_size, st.st_ino)


def stamp(path: Path) -> Stamp:
    try:
        return stamp_of(os.stat(path, follow_symlinks=False))
    except OSError:
        return None


@dataclass(frozen=True)
class Parsed:
    """One report file as a loading worker returns it: everything that does not depend on the
    other files, small enough to send between processes (no line table, no YAML nodes).

    ``problems`` stop the file before the duplicate check (unreadable, invalid); ``after`` are the
    problems the serial order finds only once the file has claimed its agency-year (path
    mismatch, source text, quotes)."""

    path: Path
    shown: str
    problems: tuple[Problem, ...] = ()
    agency: str | None = None  # the agency as written, for a "did you mean" from the registry
    key: tuple[str, int] | None = None
    year_line: int | None = None
    agency_line: int | None = None
    after: tuple[Problem, ...] = ()
    data: dict | None = None
    text: str | None = None
    source_path: Path | None = None
    checks: tuple[Check, ...] = ()
    trace: Trace = Trace()
    untraced: tuple[Problem, ...] = ()
    sentences: tuple[int, ...] = ()
    indicators: tuple[IndicatorValue, ...] = ()
    reads: tuple[Path, Stamp] | None = None  # the source text read, stamped before reading

    def to_report(self, agency: Agency, checks: tuple[Check, ...]) -> Report:
        """The report of this clean result (a stored one reads its data when first asked:
        ``storedreports.StoredParsed``)."""
        assert self.key is not None and self.data is not None and self.text is not None
        assert self.source_path is not None
        return Report(agency, self.key[1], self.data, self.text, self.path, self.source_path, checks, self.trace,
                      self.untraced, self.sentences, self.indicators)


def parse_report_file(path: Path) -> Parsed:
    """Everything about one report file that needs no other file: parse, validate, check the
    path against agency and year, read the source, match the quotes, run the report's checks."""
    shown = display_path(path)
    problems: list[Problem] = []
    located = _read(path, shown, problems)
    if located is None:
        return Parsed(path, shown, tuple(problems))
    v = Validator(shown, located)
    validate_report(v)
    data = located.data
    written = data.get("agency") if isinstance(data, dict) and isinstance(data.get("agency"), str) else None
    if v.problems:
        return Parsed(path, shown, tuple(v.problems), agency=written)
    common = dict(key=(data["agency"], data["year"]), year_line=located.line_of(("year",)),
                  agency_line=located.line_of(("agency",)), agency=written)
    _check_path(v, path, data)
    if v.problems:
        return Parsed(path, shown, after=tuple(v.problems), **common)
    source_path = path.parent / data["source"]["file"]
    common["reads"] = (source_path, stamp(source_path))
    text, problem = read_source(source_path, shown)
    if problem:
        return Parsed(path, shown, after=(Problem(problem.file, problem.message, located.line_of(("source", "file")),
                                                  problem.field, problem.hint),), **common)
    assert text is not None
    kept = check_original(path.parent, data["source"], shown, located.line_of)
    if kept:
        return Parsed(path, shown, after=tuple(kept), **common)
    squashed = _squash(text)
    bad_quotes = tuple(
        Problem(shown, "原文里找不到这句引文",
                located.line_of(("narrative", i, "quote")), f"narrative[{i}].quote",
                "从原文中原样复制这句话（空白和换行不计）")
        for i, item in enumerate(data.get("narrative") or [])
        if _squash(item["quote"]) not in squashed
    )
    if bad_quotes:
        return Parsed(path, shown, after=bad_quotes, **common)
    trace = trace_report(data, text)
    untraced = tuple(Problem(shown, m.message, located.line_of(m.yaml_path), m.path) for m in trace.mismatches)
    checks = (*check_report(data), *text_checks(data, text))
    return Parsed(path, shown, data=data, text=text, source_path=source_path, checks=checks, trace=trace,
                  untraced=untraced, sentences=sentence_keys(text), indicators=compute_all(data),
                  **common)


def _claim(parsed: Parsed, problems: list[Problem], seen: dict[tuple[str, int], Path]) -> Parsed | None:
    """The cross-file step, in path order: one report per agency-year (the first file wins).

    Returns the parsed report when it is good, else adds its problems."""
    if parsed.problems:
        problems += parsed.problems
        return None
    assert parsed.key is not None
    if parsed.key in seen:
        agency, year = parsed.key
        problems.append(Problem(parsed.shown, f"重复的报告：{display_path(seen[parsed.key])} 也是 "
                                              f"{agency} 的 {year} 年报告", parsed.year_line, "year",
                                "一个机构每年只有一份报告：合并或删除其中一份"))
        return None
    seen[parsed.key] = parsed.path
    if parsed.after:
        problems += parsed.after
        return None
    return parsed


def _check_path(v: Validator, path: Path, data: dict) -> None:
    """A report is stored at reports/<agency>/<year>.yaml."""
    if data["agency"] != path.parent.name:
        v.add(("agency",), f"机构代号 {data['agency']!r} 与所在文件夹 {path.parent.name!r} 不一致",
              f"把文件移到 reports/{data['agency']}/{data['year']}.yaml")  # or a "did you mean": _hint_agency
    elif str(data["year"]) != path.stem:
        v.add(("year",), f"年份 {data['year']} 与文件名 {path.name!r} 不一致", f"把文件改名为 {data['year']}.yaml")


def _squash(text: str) -> str:
    """Whitespace-insensitive form for quote matching: sources wrap lines anywhere."""
    return "".join(text.split())


def report_paths(content_dir: Path) -> list[Path]:
    """Every report YAML, in a stable order. Symbolic links (to a file or to an agency folder)
    are skipped: a deploy preview must not publish files from outside content/."""
    root = (content_dir / REPORTS)
    if not root.is_dir() or root.is_symlink():
        return []
    found: list[tuple[str, str]] = []  # (folder, file): the order of the paths' parts, as Path sorts
    with os.scandir(root) as folders:  # one stat a file instead of glob's and three checks' (20,000 reports)
        for folder in folders:
            if not folder.is_dir(follow_symlinks=False):
                continue
            try:
                with os.scandir(folder.path) as files:
                    found += ((folder.name, f.name) for f in files
                              if f.name.endswith(".yaml") and f.is_file(follow_symlinks=False))
            except OSError:
                continue  # an unreadable folder, as glob skips it
    return [root.joinpath(folder, name) for folder, name in sorted(found)]


PARALLEL_FROM = 200
"""Below this many report files, loading in one process is faster than starting workers."""
CHUNK = 32


def parse_report_files(paths: list[Path], workers: int | None = None,
                       parallel_from: int = PARALLEL_FROM) -> Iterator[Parsed]:
    """``parse_report_file`` over ``paths``, in order; in forked worker processes when it pays.

    Why processes: parsing, validating and checking are pure Python (about 4 ms of CPU a report),
    so threads would share one core. Why fork: the workers need no set-up and no arguments but
    the paths, and return only ``Parsed`` records, never the YAML nodes or line tables.
    """
    workers = default_workers() if workers is None else workers
    if workers < 2 or len(paths) < parallel_from:
        yield from map(parse_report_file, paths)
        return
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        yield from pool.imap(parse_report_file, paths, chunksize=CHUNK)


class ParseCache:
    """``parse_report_file`` results kept between loads, for the dev server.

    Why: with 1,000 reports, parsing and checking every file is ~4 s of CPU, while a save
    changes one. A result is reused only while the YAML file and the source text it read keep
    their stamps, so a cached load returns exactly what a fresh one would (tested); the
    cross-file steps (duplicates, agencies, cross-year checks) always run again."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[Stamp, Parsed]] = {}

    def get(self, path: Path) -> Parsed | None:
        entry = self._entries.get(path)
        if entry is None or entry[0] != stamp(path):
            return None
        reads = entry[1].reads
        return entry[1] if reads is None or reads[1] == stamp(reads[0]) else None

    def parse(self, paths: list[Path], workers: int | None, parallel_from: int = PARALLEL_FROM) -> Iterator[Parsed]:
        """``parse_report_files`` over the paths whose results are not cached, in path order."""
        hits = {p: hit for p in paths if (hit := self.get(p)) is not None}
        before = {p: stamp(p) for p in paths if p not in hits}  # stamped before reading
        fresh = parse_report_files(list(before), workers, parallel_from)
        for path in paths:
            if path in hits:
                yield hits[path]
                continue
            parsed = next(fresh)
            self._entries[path] = (before[path], parsed)
            yield parsed
        for gone in self._entries.keys() - set(paths):
            del self._entries[gone]


@uncollected()
def load_content(content_dir: Path, *, workers: int | None = None, cache: ParseCache | None = None,
                 parallel_from: int = PARALLEL_FROM) -> Site:
    """Load the whole content directory; raise ContentError listing every problem.

    Files are parsed independently (in ``workers`` processes, default: every core, once there are
    ``parallel_from`` files), then joined in path order, so the problems and the model are the
    same however many workers ran. With a ``cache``, files whose stamps did not change since the
    last load are not parsed again."""
    problems: list[Problem] = []
    if not content_dir.is_dir():
        raise ContentError([Problem(str(content_dir), "找不到内容文件夹")])
    agencies, named = getattr(cache, "registry", load_registry)(content_dir, problems)
    seen: dict[tuple[str, int], Path] = {}
    claimed: list[tuple[Agency, Parsed]] = []
    paths = report_paths(content_dir)
    parsed_files = (cache.parse(paths, workers, parallel_from) if cache
                    else parse_report_files(paths, workers, parallel_from))
    for parsed in parsed_files:
        item = _claim(_hint_agency(parsed, agencies, named), problems, seen)
        if item is None:
            continue
        assert item.key is not None
        slug = item.key[0]  # the YAML's ``agency`` (not its data: a stored result reads that only when asked)
        agency = agencies.get(slug)
        if agency is None:
            if agencies and slug not in named:  # else the registry's own problem says it
                problems.append(Problem(item.shown, f"{REGISTRY} 里没有机构代号 {slug!r}",
                                        item.agency_line, "agency", suggest_agency(slug, agencies)
                                        or f"改正代号，或先在 {REGISTRY} 里登记这个机构"))
            continue
        claimed.append((agency, item))
    if problems:
        raise ContentError(problems)
    return build_model(content_dir, list(agencies.values()), claimed, getattr(cache, "cross_year", cross_year))


def suggest_agency(written: str, agencies: dict[str, Agency]) -> str | None:
    """``是不是 slug（name）？`` for the registered agency whose slug, name or alias is closest to
    what was written (difflib), or None when none is close."""
    by_text: dict[str, Agency] = {}
    for agency in agencies.values():
        for text in (agency.slug, agency.name, *agency.aliases):
            by_text.setdefault(text, agency)
    close = difflib.get_close_matches(written, by_text, n=1, cutoff=0.75)
    return f"是不是 {by_text[close[0]].slug}（{by_text[close[0]].name}）？" if close else None


def _hint_agency(parsed: Parsed, agencies: dict[str, Agency], named: set[str]) -> Parsed:
    """The file's agency problems (a malformed slug, a slug unlike its folder) with the registry's
    "did you mean" when the agency written is not registered: the workers parse without the
    registry, so the hint is added here, and a cached parse never keeps a stale one."""
    if parsed.agency is None or parsed.agency in named or not (parsed.problems or parsed.after):
        return parsed
    guess = suggest_agency(parsed.agency, agencies) or f"改正代号，或先在 {REGISTRY} 里登记这个机构"

    def hinted(problems: tuple[Problem, ...]) -> tuple[Problem, ...]:
        return tuple(replace(p, hint=guess) if p.field == "agency" else p for p in problems)

    return replace(parsed, problems=hinted(parsed.problems), after=hinted(parsed.after))


def cross_year(previous: Parsed | None, report: Parsed) -> tuple[Check, ...]:
    """The checks of a report file against the previous year's (``checks.check_years``), or what
    they say without one (None)."""
    assert report.data is not None
    if previous is None:
        return tuple(map(share, check_no_previous(report.data)))
    assert previous.data is not None
    return tuple(map(share, check_years(previous.data, report.data)))


def build_model(content_dir: Path, agencies: list[Agency], claimed: list[tuple[Agency, Parsed]],
                checked: Callable[[Parsed | None, Parsed], tuple[Check, ...]] = cross_year) -> Site:
    """The site of the claimed report files (each a clean ``Parsed`` and its agency), each joined
    with the previous year's report of the same agency for the cross-year checks (``checked``:
    ``cross_year``, or a cache of its results: ``buildcache.ParseStore``)."""
    by_key = {item.key: item for _, item in claimed}
    reports = []
    for agency, item in sorted(claimed, key=lambda pair: pair[1].key or ("", 0)):
        assert item.key is not None
        prev = by_key.get((agency.slug, item.key[1] - 1))
        reports.append(item.to_report(agency, item.checks + checked(prev, item)))
    forget_shared()
    return Site(tuple(sorted(agencies, key=lambda a: a.slug)), tuple(reports), content_dir)
