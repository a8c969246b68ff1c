"""Pagefind bundles kept by what they are made from, so a build indexes only the bundles whose
records changed.

Why this is exact: Pagefind writes a bundle from the pages it is given, so the same records with
the same shard keys, salt and code give the same files (tested: an incremental build's index is
byte for byte a full build's). A bundle's key is the hash of all of that: the code version, the
bundle's place (its path: the primary bundle is pruned otherwise), its salt, each shard's key, and
each record's URL, meta, table mask and what its document is made from.

What a report's record reads, and where the key finds it: its text (the source file) and title
(the YAML file), by the hashes of those files' bytes that loading computed anyway
(``ParseStore.files``, passed in as ``files``; the parse they key is the code's too, so the code
version is in them); its agency's name, jurisdiction and kind (the registry) and its URL (slug and
year), in the meta and URL hashed as they are; its table mask (the YAML). Nothing of other reports
(no comparison with the previous year) and nothing of the site's address or shard URLs reaches a
bundle: those are the catalog's, written by every build. So keying a bundle reads no report's text
and makes no document: only the bundles that are indexed again do. A report whose file hashes are
not known (no ``files``, or a file not recorded because it changed while it was parsed) is keyed
by its text and names (``Record.source``), as before. Agency and year pages are keyed by their
documents (a few names each). ``index_site`` runs exactly as in a full build, its clash resolution
included; only the Pagefind run of a bundle found here is replaced by a copy
(``searchbundles.write_bundles``). The cases are tested one by one against a full build
(``tests/test_search_keys.py``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .buildcache import digest
from .searchbundles import Bundle
from .searchrecords import ReportRecord

DONE = "bundle.json"
"""Written last into an entry: an entry without it is incomplete (a build killed while saving)."""
USED = ".used.json"
"""Beside the entries: the entries the last index used, kept by the next one's ``prune``."""


Files = Mapping[Path, tuple[str, str]]
"""A report file's path → the hashes of its bytes (with the code version) and of its source text
(``buildcache.ParseStore.files``)."""


def bundle_key(version: str, bundle: Bundle, files: Files | None = None) -> str:
    """The hash of everything the bundle's files are made from (see the module docstring)."""
    parts: list[bytes | str] = [version, bundle.path.as_posix(), str(bundle.salt)]
    for shard in bundle.shards:
        parts.append(shard.key)
        for rec in shard.records:
            made = files.get(rec.origin) if files is not None and isinstance(rec, ReportRecord) else None
            if made:  # the title and tables are the YAML's: in its hash
                a = rec.report.agency
                parts += [rec.url, a.name, *a.jurisdiction, "\0", a.kind, "files", *made]
                continue
            parts += [rec.url, json.dumps(rec.meta, ensure_ascii=False, sort_keys=True), str(rec.tables),
                      "text", rec.source()]
    return digest(*parts)


def _link_or_copy(src: str, dst: str) -> None:
    """Hard links share the bytes: nothing writes a bundle's files in place once written."""
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


@dataclass(frozen=True)
class BundleStore:
    """Written bundles (pruned, as kept) under ``folder/search/<key>/``."""

    folder: Path
    version: str
    trust: bool = True  # False (``--full``): every bundle indexed again, the results still stored
    files: Files = field(default_factory=dict)  # the loaded report files' hashes; none: keyed by their text
    used: set[str] = field(default_factory=set)  # the entries this index restored or saved
    # each bundle's key, by id: (the bundle, its salt, the key), computed once (``_entry``)
    _keys: dict[int, tuple[Bundle, int, str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def _entries(self) -> Path:
        return self.folder / "search"

    def _entry(self, bundle: Bundle) -> Path:
        """Keyed once per bundle and salt (``holds``, then ``restore`` or ``save``): by the object
        itself, as a store may serve several indexes, whose bundles share paths, not contents (the
        memo holds the bundle, so its id is not reused meanwhile)."""
        known = self._keys.get(id(bundle))
        if known is None or known[1] != bundle.salt:
            known = self._keys[id(bundle)] = (bundle, bundle.salt, bundle_key(self.version, bundle, self.files))
        return self._entries / known[2]

    def holds(self, bundle: Bundle) -> bool:
        """Whether an entry for the bundle is stored (``restore`` may still find it damaged)."""
        return self.trust and (self._entry(bundle) / DONE).is_file()

    def restore(self, bundle: Bundle) -> bool:
        """Put the stored bundle in ``bundle.kept`` with its page ids and tokens; False: not stored."""
        if not self.trust:
            return False
        entry = self._entry(bundle)
        try:
            meta = json.loads((entry / DONE).read_text(encoding="utf-8"))
            rows, tokens = meta["rows"], meta["tokens"]
            if not isinstance(rows, dict) or not isinstance(tokens, int):
                return False
            shutil.rmtree(bundle.kept, ignore_errors=True)
            shutil.copytree(entry / "bundle", bundle.kept, copy_function=_link_or_copy)
        except Exception:  # noqa: BLE001 - missing or damaged: indexed again
            shutil.rmtree(bundle.kept, ignore_errors=True)
            return False
        bundle.rows, bundle.tokens = {str(k): list(v) for k, v in rows.items()}, tokens
        self.used.add(entry.name)
        return True

    def save(self, bundle: Bundle) -> None:
        entry = self._entry(bundle)
        tmp = entry.with_name(f".{entry.name}.{os.getpid()}")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(bundle.kept, tmp / "bundle", copy_function=_link_or_copy)
            (tmp / DONE).write_text(json.dumps({"rows": bundle.rows, "tokens": bundle.tokens},
                                                  ensure_ascii=False), encoding="utf-8")
            shutil.rmtree(entry, ignore_errors=True)
            tmp.rename(entry)
            self.used.add(entry.name)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # a cache that cannot be written is only a slower build

    def prune(self) -> None:
        """Delete the entries neither this index nor the one before used (after an index that
        succeeded). Why: every edit stores its bundle anew, and a bundle is tens of megabytes at
        national scale; keeping the last index's too makes undoing an edit free. The build holds
        the output's lock, so no other index is using the store meanwhile."""
        try:
            before = json.loads((self._entries / USED).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            before = []
        keep = self.used | {name for name in before if isinstance(name, str)} if isinstance(before, list) else self.used
        try:
            for entry in self._entries.iterdir():
                if entry.name != USED and entry.name not in keep:
                    shutil.rmtree(entry, ignore_errors=True)
            tmp = self._entries / f"{USED}.{os.getpid()}"
            tmp.write_text(json.dumps(sorted(self.used)), encoding="utf-8")
            tmp.replace(self._entries / USED)
        except OSError:
            pass  # a cache that cannot be pruned is only a larger one
