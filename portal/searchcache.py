"""Pagefind bundles kept by what they are made from, so a build indexes only the bundles whose
records changed.

Why this is exact: Pagefind writes a bundle from the pages it is given, so the same records with
the same shard keys, salt and code give the same files (tested: an incremental build's index is
byte for byte a full build's). A bundle's key is the hash of all of that: the code version, the
bundle's place, its salt, and each record's URL, shard, meta, table mask and the inputs its
document is made from (``Record.source``: the report's text and names, cheaper to hash than the
coded document). ``index_site`` runs exactly as in a full build, its clash resolution included;
only the Pagefind run of a bundle found here is replaced by a copy (``searchbundles.write_bundles``).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from .buildcache import digest
from .searchbundles import Bundle

DONE = "bundle.json"
"""Written last into an entry: an entry without it is incomplete (a build killed while saving)."""


def bundle_key(version: str, bundle: Bundle) -> str:
    parts: list[bytes | str] = [version, bundle.path.as_posix(), str(bundle.salt)]
    for shard in bundle.shards:
        parts.append(shard.key)
        for rec in shard.records:
            parts += [rec.url, json.dumps(rec.meta, ensure_ascii=False, sort_keys=True), str(rec.tables),
                      rec.source()]
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

    def _entry(self, bundle: Bundle) -> Path:
        return self.folder / "search" / bundle_key(self.version, bundle)

    def restore(self, bundle: Bundle) -> bool:
        """Put the stored bundle in ``bundle.kept`` with its page ids and tokens; False: not stored."""
        if not self.trust:
            return False
        entry = self._entry(bundle)
        try:
            meta = json.loads((entry / DONE).read_text(encoding="utf-8"))
            urls, tokens = meta["urls"], meta["tokens"]
            if not isinstance(urls, dict) or not isinstance(tokens, int):
                return False
            shutil.rmtree(bundle.kept, ignore_errors=True)
            shutil.copytree(entry / "bundle", bundle.kept, copy_function=_link_or_copy)
        except Exception:  # noqa: BLE001 - missing or damaged: indexed again
            shutil.rmtree(bundle.kept, ignore_errors=True)
            return False
        bundle.urls, bundle.tokens = {str(k): str(v) for k, v in urls.items()}, tokens
        return True

    def save(self, bundle: Bundle) -> None:
        entry = self._entry(bundle)
        tmp = entry.with_name(f".{entry.name}.{os.getpid()}")
        try:
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(bundle.kept, tmp / "bundle", copy_function=_link_or_copy)
            (tmp / DONE).write_text(json.dumps({"urls": bundle.urls, "tokens": bundle.tokens}), encoding="utf-8")
            shutil.rmtree(entry, ignore_errors=True)
            tmp.rename(entry)
        except OSError:
            shutil.rmtree(tmp, ignore_errors=True)  # a cache that cannot be written is only a slower build
