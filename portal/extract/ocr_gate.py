"""The form's own arithmetic as the gate for numbers read by OCR: a number is kept only when a sum proves it.

OCR misreads digits (``1`` as ``7``, ``8`` as ``3``) without saying so, and a misread count looks
like any other count. But the national form checks itself: every row of table 3 adds up to its
总计, every column obeys 新收 + 上年结转 = 总计 + 结转下年度 and 总计 = the sum of the outcomes, and each
group of table 4 adds up to its total. So:

- a number read by OCR is accepted only when an identity that involves it is fully read and
  holds, and none that involves it fails;
- when identities fail, the cell at the crossing of the failing ones (a row and a column) is the
  suspect: it is left null with the value the sums want in its reason — never replaced, because
  the arithmetic cannot tell an OCR misreading from a typo printed in the report itself;
- a cell OCR could not read at all is inferred when one identity gives its value and another,
  fully read, confirms it; a single identity (table 4 has only one per cell) proves nothing about
  the other cells it holds, so then it and they stay null;
- a printed null mark (``/``, ``—``, blank) stays null and is never inferred; when a sum is
  checked it counts as 0 (a mark standing for a number breaks the sum, so nothing is proven by
  it), but no unreadable cell is solved from a sum that holds a mark.

Pure: readings in, decisions out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .. import form


@dataclass(frozen=True)
class Reading:
    """One number cell as OCR saw it: a number, a null mark as printed, or nothing readable."""

    value: int | float | None
    printed: str
    unread: bool = False  # OCR found ink it could not read as a number or a null mark


@dataclass(frozen=True)
class Identity:
    """``sum(left) == sum(right)``, over cell paths; ``name`` says which rule of the form it is."""

    name: str
    left: tuple[str, ...]
    right: tuple[str, ...]

    @property
    def paths(self) -> tuple[str, ...]:
        return self.left + self.right


@dataclass
class Gated:
    values: dict[str, int | float | None] = field(default_factory=dict)  # accepted and inferred numbers
    inferred: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, str] = field(default_factory=dict)  # path → why it is null (English, one line)


def table3_identities(rows: Iterable[str] = tuple(r.key for r in form.TABLE3_ROWS)) -> list[Identity]:
    rows = list(rows)
    cols = [c.key for c in form.TABLE3_COLUMNS]
    outcomes = [r.key for r in form.TABLE3_ROWS if r.is_outcome]
    out = [Identity(f"table 3 row {r}: the six applicant columns add up to 总计",
                    tuple(f"table3.{r}.{c}" for c in cols[:-1]), (f"table3.{r}.{cols[-1]}",)) for r in rows]
    for c in cols:
        out.append(Identity(f"table 3 column {c}: 新收 + 上年结转 = 总计 + 结转下年度",
                            (f"table3.new.{c}", f"table3.carried_over.{c}"),
                            (f"table3.total.{c}", f"table3.carried_forward.{c}")))
        out.append(Identity(f"table 3 column {c}: the outcomes add up to 总计",
                            tuple(f"table3.{o}.{c}" for o in outcomes), (f"table3.total.{c}",)))
    return out


def table4_identities() -> list[Identity]:
    parts = [c.key for c in form.TABLE4_CELLS if c.key != "total"]
    return [Identity(f"table 4 {g.key}: total = upheld + corrected + other + pending",
                     tuple(f"table4.{g.key}.{p}" for p in parts), (f"table4.{g.key}.total",))
            for g in form.TABLE4_GROUPS]


def gate(readings: dict[str, Reading], identities: list[Identity]) -> Gated:
    """Which readings the identities prove, which unreadable cells they pin, and why the rest are null."""
    identities = [i for i in identities if all(p in readings for p in i.paths)]
    # a null mark (/, —, blank) counts as 0 when a sum is checked: a row of readings that adds up
    # with its marks as 0 is proven, and a mark that stood for a number would break the sum instead
    marks = {p for p, r in readings.items() if r.value is None and not r.unread}
    known: dict[str, int | float] = {p: r.value for p, r in readings.items() if r.value is not None}
    known |= dict.fromkeys(marks, 0)
    by_path: dict[str, list[int]] = {}
    for n, ident in enumerate(identities):
        for p in ident.paths:
            by_path.setdefault(p, []).append(n)
    result = Gated()

    def balance(n: int, values: dict[str, int | float]) -> float | None:
        ident = identities[n]
        if any(p not in values for p in ident.paths):
            return None
        return sum(values[p] for p in ident.left) - sum(values[p] for p in ident.right)

    # 1. readings that break identities: the crossing of the failing ones is the suspect
    while True:
        failing = [n for n in range(len(identities)) if (b := balance(n, known)) is not None and b != 0]
        if not failing:
            break
        hits: dict[str, int] = {}
        for n in failing:
            for p in identities[n].paths:
                hits[p] = hits.get(p, 0) + 1
        most = max(hits.values())
        suspects = [p for p, k in hits.items() if k == most] if most >= 2 else list(hits)
        for p in suspects:
            why = (f"OCR read {readings[p].printed!r}, which breaks "
                   + "; ".join(identities[n].name for n in failing if p in identities[n].paths))
            result.rejected[p] = why
            del known[p]

    # 2. cells OCR could not read: pinned by one identity, confirmed by another
    fillable = {p for p, r in readings.items() if r.unread}
    derived: dict[str, int] = {}  # path → the identity it was solved from
    progress = True
    while progress:
        progress = False
        for n, ident in enumerate(identities):
            missing = [p for p in ident.paths if p not in known]
            if len(missing) != 1 or missing[0] not in fillable or marks.intersection(ident.paths):
                continue  # a value is never solved from a sum that counts a mark as 0
            p = missing[0]
            rest = sum(known[q] for q in ident.left if q != p) - sum(known[q] for q in ident.right if q != p)
            value = -rest if p in ident.left else rest
            if value < 0 or value != int(value):
                continue
            known[p] = int(value)
            derived[p] = n
            progress = True

    def confirming(p: str) -> list[int]:
        """Identities that hold, are fully known, and were not used to solve any cell they hold."""
        solved_from = set(derived.values())
        return [n for n in by_path.get(p, []) if n not in solved_from and balance(n, known) == 0]

    changed = True
    while changed:  # an inference without a second identity to confirm it is withdrawn
        changed = False
        for p in list(derived):
            if not confirming(p) or any(balance(n, known) not in (None, 0) for n in by_path.get(p, [])):
                del known[p], derived[p]
                changed = True

    # 3. the verdicts
    for p, reading in readings.items():
        if p in result.rejected:
            wanted = _wanted(p, identities, by_path.get(p, []), known)
            if wanted is not None:
                result.rejected[p] += f"; the sums want {wanted}"
            result.values[p] = None
        elif p in derived:
            result.values[p] = known[p]
            result.inferred[p] = int(known[p])
        elif reading.value is None:
            result.values[p] = None
            if reading.unread:
                result.rejected[p] = (f"OCR could not read {reading.printed!r} as a number, and no two identities "
                                      "pin its value")
        elif confirming(p):
            result.values[p] = reading.value
        else:
            result.values[p] = None
            result.rejected[p] = (f"OCR read {reading.printed!r}, but no identity that involves it could be checked "
                                  "(another cell in each is unread or a null mark)")
    return result


def _wanted(p: str, identities: list[Identity], mine: list[int], known: dict) -> int | None:
    """The value every fully-known identity through ``p`` agrees on, if there is one."""
    values = set()
    for n in mine:
        ident = identities[n]
        if any(q not in known for q in ident.paths if q != p):
            continue
        rest = sum(known[q] for q in ident.left if q != p) - sum(known[q] for q in ident.right if q != p)
        values.add(-rest if p in ident.left else rest)
    return int(values.pop()) if len(values) == 1 else None
