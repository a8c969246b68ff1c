"""The build's content-addressed cache, and what the live site was built from.

Why: after a one-report edit, re-parsing, re-validating and re-checking every report costs most of
a build's load step (about 4 ms of CPU a report). The cache keeps each report file's ``Parsed``
result under the hash of the code version and the file's bytes, and its source text's hash beside
it, so a result is reused only for exactly the bytes it was made from: nothing in it can go stale,
and a missing, foreign or corrupt entry is only a miss (the file is parsed again). Where it lives is
passed in (``build_site(cache=…)``; the CLI's default is a folder beside the output, gitignored).

``Inputs`` says what the site is made from, as hashes: the code and every content file that is
not a report (``everything``), and each report file with its source text (``reports``). It is
written beside the live site after a build (``Inputs.save``), naming that site folder's identity,
so the next build renders only the outputs made from what changed (``sitemap.Output.agency`` and
``made_from``) and trusts the rest of the live site. It is not a dependency database: the dependencies are the site
map's, recomputed every build; it only records hashes of what the live site was made from. Any
doubt — another folder, another code version, a dev server having written into the site
(``build.write_site`` deletes the record) — means every output is rendered again.
"""

from __future__ import annotations

import gc
import json
import os
import pickle
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .checks import Check
from .errors import Problem
from .load import PARALLEL_FROM, REGISTRY, REPORTS, Parsed, cross_year, load_registry, parse_report_files
from .model import Agency, Site
from .parallel import uncollected
from .statmemo import StatMemo, digest
from .storedreports import ORIGINAL, PATH, SOURCE, Light, StoredParsed, fits, read_pack, write_pack

REPO = Path(__file__).resolve().parent.parent
PACK, DELTA, MEMO, AGENCIES = "parsed.pickle", "parsed-delta.pickle", "stat-memo.pickle", "registry.pickle"
"""The parsed report files, in the cache folder (``ParseStore``), those added since the pack, the
hashes of the report files and their source texts by their stat (``statmemo``), and the registry's
agencies."""
CODE = ("portal", "templates", "static")
"""What the code version is the hash of (with the Python and Pagefind versions)."""


def code_version(root: Path = REPO) -> str:
    """The hash of every file of the code that produces the site: a change to any of them makes
    every cache entry a miss (an entry made by other code is never trusted)."""
    try:
        from importlib.metadata import version

        pagefind = version("pagefind")
    except Exception:  # noqa: BLE001 - not installed: the build without search
        pagefind = "none"
    parts: list[bytes | str] = [sys.version, pagefind]
    for top in CODE:
        for path in sorted((root / top).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                parts += [path.relative_to(root).as_posix(), path.read_bytes()]
    return digest(*parts)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _original(parsed: Parsed) -> Path | None:
    """The kept original when it is a file of its own (a PDF, a Word file): loading checks its
    recorded SHA-256 (``provenance.check_original``), so a replaced original must be a miss."""
    if isinstance(parsed, StoredParsed):
        return parsed.original
    source = (parsed.data or {}).get("source") or {}
    name = source.get("original_file") if isinstance(source, dict) else None
    if not isinstance(name, str) or not name or "/" in name or "\\" in name or \
            (parsed.source_path is not None and name == parsed.source_path.name):
        return None
    return parsed.path.parent / name


def _inputs_hash(text: str, original: str | None) -> str:
    """The hash of what a report file's result read besides the file itself, from the hashes of
    its source text's bytes and of its original (``_original``; None: there is none)."""
    return text if original is None else digest(text, original)


Entry = tuple[Parsed, str]
"""A report file's ``Parsed`` result and the hash of the inputs it read (``_inputs_hash``)."""
Packed = tuple[Light, str, memoryview, str]
"""A result in a pack (``storedreports``): its header entry, the hash of its inputs, the pack's heavy parts."""


@dataclass
class ParseStore:
    """``Parsed`` results by the hash of (code version, report file bytes); a drop-in for
    ``load.ParseCache`` (``load_content(cache=…)``).

    Why one file (``PACK``) for all of them and not a file each: a report's checks are three
    quarters of its result, and most checks are one object shared by many reports
    (``checks.shared``); pickled together they are written once, and the results load in a
    fraction of the time one file each took (figures in docs/performance.md); the checks and what
    every build reads of every report are in the pack's header, each report's data and text are
    bytes of their own, unpickled only when a page asks for them (``storedreports``). Why a ``DELTA``
    beside it: writing the whole pack again after a one-report edit would cost more than the
    edit's build; the results the pack lacks go to the small delta, and the pack is written again
    only when the delta, or the pack's results no longer used, have grown to a fraction of it.

    Only clean results are stored (a file with problems fails the build anyway, and its problems
    must be found again). ``files`` records, for this load, each report file's hash and its source
    text's: what ``Inputs`` is made of."""

    folder: Path
    version: str
    trust: bool = True  # False (``--full``): every file parsed again, the results still stored
    files: dict[Path, tuple[str, str]] = field(default_factory=dict)
    hits: int = 0
    memo: StatMemo = field(init=False)  # the files' hashes by their stat: trusted unless ``--full``
    _entries: dict[str, Entry] = field(default_factory=dict)  # this load's, by key (stored ones read on demand)
    _pairs: dict[tuple[str, str], tuple[Check, ...]] = field(default_factory=dict)  # stored cross-year checks
    _pairs_used: dict[tuple[str, str], tuple[Check, ...]] = field(default_factory=dict)  # this load's
    _packed_keys: frozenset[str] = frozenset()  # the keys the pack (not the delta) holds
    _registry: tuple[str, dict[str, Agency], set[str]] | None = None  # this load's, when not read from the store

    REWRITE = 8
    """The pack is written again when the delta, or its unused results, exceed 1/REWRITE of it."""

    def __post_init__(self) -> None:
        self.memo = StatMemo(self.folder / MEMO, trust=self.trust)

    @property
    def pack(self) -> Path:
        return self.folder / PACK

    def _read_pack(self, path: Path) -> dict[str, Packed]:
        """The results a pack file holds (each report's heavy part still pickled, in the mapped file:
        ``storedreports``), or none at all if it is missing, damaged or another code's.

        The garbage collector is off meanwhile: unpickling makes many objects, none of them
        garbage, and collecting while they arrive took half the time. Afterwards they are moved out
        of its reach (``gc.freeze``): they live as long as the build, and each later collection
        would walk all of them again. ``build_site`` runs inside ``parallel.frozen``, which
        unfreezes at its end."""
        with uncollected():
            try:
                (version, entries, pairs), view = read_pack(path)
                gc.freeze()
                if version != self.version or not isinstance(entries, dict) or not isinstance(pairs, dict):
                    return {}
                self._pairs.update(pairs)
                return {key: (light, source_hash, view, str(path)) for key, (light, source_hash) in entries.items()}
            except Exception:  # noqa: BLE001 - missing, truncated, foreign: those files are parsed again
                return {}

    def _packed(self) -> dict[str, Packed]:
        packed = self._read_pack(self.pack)
        self._packed_keys = frozenset(packed)
        return {**packed, **self._read_pack(self.folder / DELTA)} if packed else {}

    def cross_year(self, previous: Parsed | None, report: Parsed) -> tuple[Check, ...]:
        """``load.cross_year``, kept by the hashes of the two report files (the checks read their
        data only; "" for no previous report): recomputing them was a fifth of loading 20,000
        stored reports, and would read every stored report's data."""
        a = ("", "") if previous is None else self.files.get(previous.path)
        b = self.files.get(report.path)
        if a is None or b is None:
            return cross_year(previous, report)
        key = (a[0], b[0])
        checks = self._pairs.get(key)
        if checks is None:
            checks = self._pairs[key] = cross_year(previous, report)
        self._pairs_used[key] = checks
        return checks

    def _hit(self, path: Path, key: str, entry: Packed | None) -> Parsed | None:
        """The stored result for the file whose bytes hash to ``key``, if its source text still
        has the stored hash; None for a miss, whatever is wrong with the entry."""
        if entry is None:
            return None
        light, source_hash, view, pack_path = entry
        if not fits(light, view) or light[PATH] != str(path):
            return None
        original = light[ORIGINAL]  # a symbolic link or a missing file hashes to None: a miss
        if _inputs_hash(self.memo.hash(light[SOURCE]) or "",
                        None if original is None else self.memo.hash(original) or "") != source_hash:
            return None
        parsed = StoredParsed.of(path, light, view, pack_path)
        self.files[path] = (key, source_hash)
        self._entries[key] = (parsed, source_hash)
        return parsed

    def _store(self, parsed: Parsed, key: str) -> None:
        if parsed.data is None or parsed.text is None or parsed.source_path is None or \
                self._key(_read(parsed.path) or b"") != key:
            return  # not clean, or the file changed while it was parsed: not stored under this key
        original = _original(parsed)
        source_hash = _inputs_hash(digest(parsed.text.encode("utf-8")),
                                   None if original is None else self.memo.hash(original) or "")
        self.memo.hash(parsed.source_path)  # remembered for the next build (a changed file: a miss then)
        self.files[parsed.path] = (key, source_hash)
        self._entries[key] = (parsed, source_hash)

    def parse(self, paths: list[Path], workers: int | None, parallel_from: int = PARALLEL_FROM) -> Iterator[Parsed]:
        """The results for ``paths`` in order: stored ones loaded, the others parsed (and kept for
        ``save``)."""
        keys = [digest(self.version, self.memo.hash(p) or "") for p in paths]
        packed = self._packed() if self.trust else {}
        hits = [self._hit(p, key, packed.get(key)) for p, key in zip(paths, keys, strict=True)]
        self.hits = len(paths) - hits.count(None)
        fresh = parse_report_files([p for p, hit in zip(paths, hits, strict=True) if hit is None], workers,
                                   parallel_from)
        for key, hit in zip(keys, hits, strict=True):
            if hit is not None:
                yield hit
                continue
            parsed = next(fresh)
            self._store(parsed, key)
            yield parsed

    def registry(self, content_dir: Path, problems: list[Problem]) -> tuple[dict[str, Agency], set[str]]:
        """``load.load_registry``, kept by the hash of the code version and the registry's bytes:
        parsing and validating 4,000 agencies is a quarter second of every incremental build.
        Only a registry without problems is kept (its problems must be found again)."""
        path = content_dir / REGISTRY
        data = _read(path)
        if data is None:
            return load_registry(content_dir, problems)
        key = self._key(data)
        stored = self._stored_registry(key) if self.trust else None
        if stored is not None:
            return stored
        before = len(problems)
        agencies, named = load_registry(content_dir, problems)
        if len(problems) == before and _read(path) == data:  # parsed from the bytes hashed: stored by ``save``
            self._registry = (key, agencies, named)
        return agencies, named

    def _stored_registry(self, key: str) -> tuple[dict[str, Agency], set[str]] | None:
        try:
            with open(self.folder / AGENCIES, "rb") as f:
                stored_key, agencies, named = pickle.load(f)
        except Exception:  # noqa: BLE001 - missing, truncated, foreign: parsed again
            return None
        return (agencies, named) if stored_key == key and isinstance(agencies, dict) else None

    def _key(self, data: bytes) -> str:
        """The key of a report file's bytes (as ``parse`` computes it through the memo)."""
        return digest(self.version, digest(data))

    def save(self) -> None:
        """Store this load's results that the pack lacks: in the delta, or, when the delta or the
        pack's unused results have grown too large, as a new pack (with an empty delta); and the
        registry, when it was parsed again. Only a build that succeeded saves: a failed one leaves
        the cache as it was."""
        delta = {k: v for k, v in self._entries.items() if k not in self._packed_keys}
        unused = len(self._packed_keys - self._entries.keys())
        whole = max(len(delta), unused) * self.REWRITE > len(self._packed_keys)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if whole:
                self._write(self.folder / DELTA, {}, {})
                self._write(self.pack, self._entries, self._pairs_used)
                self._packed_keys = frozenset(self._entries)
            else:
                packed = self._packed_keys
                self._write(self.folder / DELTA, delta, {k: v for k, v in self._pairs_used.items()
                                                         if k[0] not in packed or k[1] not in packed})
            if self._registry is not None:
                self._dump(self.folder / AGENCIES, self._registry)
        except OSError:
            pass  # a cache that cannot be written is only a slower next build
        self.memo.save()

    def _write(self, path: Path, entries: dict[str, Entry], pairs: dict[tuple[str, str], tuple[Check, ...]]) -> None:
        """A pack (``storedreports``): the stored results' heavy parts are copied as they are."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        with open(tmp, "wb") as f:
            write_pack(f, self.version, entries, pairs, _original)
        os.replace(tmp, path)

    @staticmethod
    def _dump(path: Path, value: object) -> None:
        """Pickle into a temporary name and rename: a reader sees the old file or the new one."""
        tmp = path.with_name(f".{path.name}.{os.getpid()}")
        with open(tmp, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)


@dataclass(frozen=True)
class Inputs:
    """What a site is made from, as hashes: see the module docstring."""

    everything: str
    reports: dict[str, str]  # "<agency>/<year>.yaml" → the hash of the file and its source text
    facts: str = ""  # ``site_facts``: what every agency's coverage reads besides its own reports
    ranked: dict[str, str] = field(default_factory=dict)  # year → ``ranked``: what its rankings are made from
    pages: dict[str, str] = field(default_factory=dict)  # ``pageinputs``: a site-wide page → what it reads

    @classmethod
    def of(cls, content_dir: Path, version: str, base_url: str, files: dict[Path, tuple[str, str]],
           facts: str = "") -> Inputs:
        """``files``: every report file's hash and its source's (``ParseStore.files``); ``facts``:
        ``site_facts`` of the loaded site."""
        shared: list[bytes | str] = [version, base_url]
        for folder, dirs, names in os.walk(content_dir):
            if folder == str(content_dir):
                dirs[:] = [d for d in dirs if d != REPORTS]
            dirs.sort()
            for name in sorted(names):
                path = Path(folder, name)
                shared += [path.relative_to(content_dir).as_posix(), _read(path) or b""]
        return cls(digest(*shared), {f"{p.parent.name}/{p.name}": digest(*files[p]) for p in sorted(files)}, facts)

    def changed(self, before: Inputs | None) -> set[str] | None:
        """What changed since ``before``, as the keys outputs are made from (``sitemap.Output``):
        the agencies whose report files changed, ``year:<n>`` for the years of those files
        (every year, when the set of years changed: each year page links the others), ``FACTS``
        when ``site_facts`` changed, and ``ranked:<n>`` for the years whose ``ranked`` hash did.
        None: anything may have (no record, or the code or a shared content file changed)."""
        if before is None or before.everything != self.everything:
            return None
        files = {rel for rel in self.reports.keys() | before.reports.keys()
                 if self.reports.get(rel) != before.reports.get(rel)}
        years, years_before = _years(self.reports), _years(before.reports)
        # a report is what its agency's next report is compared with (what changed since last year,
        # repeats listed on the year page), so the next year's outputs are made from it too
        edited = {rel.split("/")[1].removesuffix(".yaml") for rel in files}
        changed_years = edited | {str(int(y) + 1) for y in edited if y.isdigit()}
        if years != years_before:
            changed_years |= years | years_before
        facts = {FACTS} if self.facts != before.facts else set()
        ranked = {f"ranked:{y}" for y in self.ranked.keys() | before.ranked.keys()
                  if self.ranked.get(y) != before.ranked.get(y)}
        # a page whose inputs one of the builds did not hash (``pageinputs``) is changed
        pages = {f"page:{p}" for p in self.pages.keys() | before.pages.keys()
                 if self.pages.get(p, "?") != before.pages.get(p, "!")}
        return {rel.split("/")[0] for rel in files} | {f"year:{y}" for y in changed_years} | facts | ranked | pages

    def with_ranked(self, site: Site, before: Inputs | None) -> Inputs:
        """These inputs with ``ranked`` for every year: computed again for the years whose report
        files changed, the others' carried over from ``before`` (when made by the same code and
        content but the reports, and with the same years)."""
        same = before is not None and before.everything == self.everything and \
            _years(before.reports) == _years(self.reports) and before.ranked.keys() == _years(self.reports)
        stale = {rel.split("/")[1].removesuffix(".yaml") for rel in self.reports.keys() | before.reports.keys()
                 if self.reports.get(rel) != before.reports.get(rel)} if same and before else _years(self.reports)
        kept = {y: h for y, h in before.ranked.items() if y not in stale} if same and before else {}
        return replace(self, ranked={**kept, **ranked(site, {int(y) for y in stale if y.isdigit()})})

    def save(self, site_dir: Path) -> None:
        """Record these as the inputs of the site now at ``site_dir`` (its folder identity)."""
        st = os.stat(site_dir)
        record = {"site": [st.st_dev, st.st_ino], "everything": self.everything, "reports": self.reports,
                  "facts": self.facts, "ranked": self.ranked, "pages": self.pages}
        path = record_path(site_dir)
        tmp = path.with_name(f"{path.name}.{os.getpid()}")
        tmp.write_text(json.dumps(record), encoding="utf-8")
        os.replace(tmp, path)

    @classmethod
    def of_site(cls, site_dir: Path) -> Inputs | None:
        """The inputs the site at ``site_dir`` was built from, if the record names this very folder."""
        try:
            record = json.loads(record_path(site_dir).read_text(encoding="utf-8"))
            st = os.stat(site_dir)
            if record["site"] != [st.st_dev, st.st_ino]:
                return None
            reports = record["reports"]
            if not isinstance(record["everything"], str) or not all(
                    isinstance(k, str) and k.count("/") == 1 and isinstance(v, str) for k, v in reports.items()):
                return None
            facts, ranked, pages = record.get("facts", ""), record.get("ranked", {}), record.get("pages", {})
            if not isinstance(facts, str) or not isinstance(ranked, dict) or not isinstance(pages, dict):
                return None
            return cls(record["everything"], dict(reports), facts, {str(k): str(v) for k, v in ranked.items()},
                       {str(k): str(v) for k, v in pages.items()})
        except Exception:  # noqa: BLE001 - missing or damaged: render everything
            return None


FACTS = "site:facts"
"""The key (``Inputs.changed``, ``sitemap.Output.made_from``) of ``site_facts`` (with a colon, as the
year keys: never an agency's slug)."""


def site_facts(site: Site) -> str:
    """What an agency's coverage reads besides its own reports (``coverage.coverage_of``): the
    range of the site's years (and so which year pages exist) and the newest publication date."""
    newest = max((r.published for r in site.reports if r.published), default=None)
    return digest(repr(site.years), repr(newest))


def ranked(site: Site, years: set[int]) -> dict[str, str]:
    """For each of ``years``, the hash of what its rankings read (``indicatorpages.ranking_context``):
    its reports' agencies and indicator values, and the site's years (a ranking links the others).
    A report's title or text does not reach them: editing one renders no ranking."""
    values: dict[int, list[str]] = {y: [] for y in years}
    for r in site.reports:
        if r.year in values:
            values[r.year].append(f"{r.agency.slug}:{r.indicator_digest}")
    return {str(y): digest(repr(site.years), *rows) for y, rows in values.items()}


def _years(reports: dict[str, str]) -> set[str]:
    return {rel.split("/")[1].removesuffix(".yaml") for rel in reports}


def record_path(site_dir: Path) -> Path:
    """Beside the site, never in it: the site's bytes are a full build's."""
    return site_dir.with_name(f".{site_dir.name}.inputs.json")


def forget_inputs(site_dir: Path) -> None:
    """Something other than a build wrote into ``site_dir``: the next build trusts none of it."""
    record_path(site_dir).unlink(missing_ok=True)


def default_cache(out_dir: Path) -> Path:
    """The CLI's cache folder: beside the output (gitignored), so it moves with it."""
    return out_dir.with_name(f".{out_dir.name}.cache")
