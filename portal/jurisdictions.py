"""Jurisdictions as pages: every level of the registry's ``jurisdiction`` paths (山东省 › 威海市 ›
文登区), with its agencies, its sub-jurisdictions and its own URL.

The registry names an agency's jurisdiction as a path of names; a level exists because some
agency's path passes through it. Each level gets a readable slug made the way agency slugs are
(``extract.slugs.place_slug_words``: pinyin, without 省/市/县/区, with a zone's or a town's kind):
the whole path's words joined, 山东省/威海市/文登区 → ``shandong-weihai-wendeng``. The slug changes
only when the path's names do. Two paths that would share a slug (文登区 and a 文登市 beside it)
both spell their last level in full pinyin instead (``…-wendengqu``, ``…-wendengshi``); a tie even
then is numbered (``-2``) in path order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from .extract.slugs import place_slug_words, plain_pinyin

if TYPE_CHECKING:
    from .model import Agency

INDEX_URL = "/jurisdictions/"


@dataclass(frozen=True, eq=False)
class Jurisdiction:
    """A level of the jurisdiction tree: its agencies (registered at exactly this level) and the
    levels under it, sorted by name. Its parent is ``Jurisdictions.parent``: a tree of immutable
    objects cannot point both ways."""

    path: tuple[str, ...]
    slug: str
    agencies: tuple[Agency, ...]
    children: tuple[Jurisdiction, ...]

    @property
    def name(self) -> str:
        return self.path[-1]

    @property
    def label(self) -> str:
        return " › ".join(self.path)

    @property
    def url(self) -> str:
        return f"{INDEX_URL}{self.slug}/"

    @property
    def feed_url(self) -> str:
        return f"{self.url}feed.xml"

    @property
    def parent_path(self) -> tuple[str, ...] | None:
        return self.path[:-1] or None

    def all_agencies(self) -> Iterator[Agency]:
        """Its own agencies, then its sub-jurisdictions', depth-first."""
        yield from self.agencies
        for child in self.children:
            yield from child.all_agencies()

    def walk(self) -> Iterator[tuple[Jurisdiction, int]]:
        """This level and every level under it, depth-first, with its depth below this one."""
        yield self, 0
        for child in self.children:
            yield from ((j, depth + 1) for j, depth in child.walk())


@dataclass(frozen=True)
class Jurisdictions:
    """The jurisdiction tree of a registry and its lookups (by path, by slug)."""

    roots: tuple[Jurisdiction, ...]
    by_path: dict[tuple[str, ...], Jurisdiction] = field(repr=False, compare=False)

    @classmethod
    def of(cls, agencies: Iterable[Agency]) -> Jurisdictions:
        nested: dict[tuple[str, ...], list[Agency]] = {}
        for agency in agencies:
            nested.setdefault(agency.jurisdiction, []).append(agency)
        paths = {path[:i] for path in nested for i in range(1, len(path) + 1)}
        slugs = jurisdiction_slugs(paths)
        by_path: dict[tuple[str, ...], Jurisdiction] = {}

        def build(prefix: tuple[str, ...]) -> tuple[Jurisdiction, ...]:
            children = sorted(p for p in paths if len(p) == len(prefix) + 1 and p[:len(prefix)] == prefix)
            built = []
            for path in children:
                node = Jurisdiction(path, slugs[path], tuple(sorted(nested.get(path, []), key=lambda a: a.name)),
                                    build(path))
                by_path[path] = node
                built.append(node)
            return tuple(built)

        return cls(build(()), by_path)

    def __iter__(self) -> Iterator[Jurisdiction]:
        """Every level, depth-first from the roots: the site map's and the coverage table's order."""
        for root in self.roots:
            yield from (j for j, _ in root.walk())

    def get(self, path: tuple[str, ...]) -> Jurisdiction | None:
        return self.by_path.get(tuple(path))

    def parent(self, jurisdiction: Jurisdiction) -> Jurisdiction | None:
        return self.by_path.get(jurisdiction.parent_path or ())

    def lineage(self, path: tuple[str, ...]) -> tuple[Jurisdiction, ...]:
        """The levels from the root down to ``path`` (an agency's jurisdiction, linked level by level)."""
        return tuple(self.by_path[path[:i]] for i in range(1, len(path) + 1) if path[:i] in self.by_path)


def jurisdiction_slugs(paths: Iterable[tuple[str, ...]]) -> dict[tuple[str, ...], str]:
    """A unique, readable slug for each path (the rule is the module docstring's)."""
    slug_words = cache(place_slug_words)  # a level's name recurs in every path below it
    words = {p: [w for name in p for w in slug_words(name)] for p in sorted(paths)}
    first: dict[str, list[tuple[str, ...]]] = {}
    for path, ws in words.items():
        first.setdefault("-".join(ws) or "place", []).append(path)
    out: dict[tuple[str, ...], str] = {}
    taken: set[str] = {slug for slug, same in first.items() if len(same) == 1}
    for slug, same in first.items():
        if len(same) == 1:
            out[same[0]] = slug
            continue
        for path in same:  # sorted: the numbering below does not depend on the registry's order
            parent = [w for name in path[:-1] for w in slug_words(name)]
            candidate = base = "-".join([*parent, plain_pinyin(path[-1]) or "place"])
            n = 2
            while candidate in taken:
                candidate, n = f"{base}-{n}", n + 1
            taken.add(candidate)
            out[path] = candidate
    return out
