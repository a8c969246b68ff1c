"""The synthetic benchmark corpus (bench/make_corpus.py) is deterministic, valid and realistic.

Benchmarks are only comparable if the corpus is the same bytes every time, and only meaningful
if it is real content: it must load through the portal's own loader, and carry the advertised
share of defective reports so the checks and the "missing table" pages are exercised at scale.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import load_script

ROOT = Path(__file__).resolve().parent.parent
N_REPORTS = 60


make_corpus = load_script("make_corpus")
from portal import form  # noqa: E402


def _digest(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    assert make_corpus.main(["--reports", str(N_REPORTS), "--out", str(out), "--seed", "7"]) == 0
    return out


@pytest.fixture(scope="module")
def reports(corpus: Path) -> list[tuple[Path, dict, str]]:
    """Every report as (yaml path, data, source text)."""
    out = []
    for path in sorted((corpus / "reports").glob("*/*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.append((path, data, (path.parent / data["source"]["file"]).read_text(encoding="utf-8")))
    return out


def _rows(t3: dict) -> dict[str, list | None]:
    return {r.key: t3[r.path[0]] if len(r.path) == 1 else t3[r.path[0]][r.path[1]]
            for r in [*form.TABLE3_ROWS, form.TABLE3_SINGLE_ROW]}


def _broken_rules(data: dict) -> set[str]:
    """The form's own 勾稽关系, computed independently of portal.checks; null cells are unknown."""
    broken: set[str] = set()
    t3, t4 = data["table3"], data["table4"]
    if t3 is not None:
        rows = _rows(t3)
        single = rows["other_handling.single_row"] is not None
        outcomes = [r.key for r in form.TABLE3_ROWS if r.is_outcome and not (single and r.path[0] == "other_handling")]
        outcomes += ["other_handling.single_row"] if single else []
        for col in range(form.TABLE3_WIDTH):
            def cells(keys: list[str], col: int = col) -> list:
                return [rows[k][col] for k in keys]
            balance = cells(["new", "carried_over", "total", "carried_forward"])
            if None not in balance and balance[0] + balance[1] != balance[2] + balance[3]:
                broken.add("balance")
            summed = cells(outcomes)
            if None not in summed and rows["total"][col] is not None and sum(summed) != rows["total"][col]:
                broken.add("outcomes")
    if t4 is not None:
        for group in t4.values():
            if group["total"] != group["upheld"] + group["corrected"] + group["other"] + group["pending"]:
                broken.add("table4")
    return broken


def test_same_seed_gives_identical_bytes(tmp_path: Path, corpus: Path) -> None:
    again = tmp_path / "again"
    make_corpus.main(["--reports", str(N_REPORTS), "--out", str(again), "--seed", "7"])
    assert _digest(again) == _digest(corpus)
    other = tmp_path / "other"
    make_corpus.main(["--reports", str(N_REPORTS), "--out", str(other), "--seed", "8"])
    assert _digest(other) != _digest(corpus)


def test_exact_report_count_and_layout(corpus: Path, reports: list) -> None:
    assert len(reports) == N_REPORTS
    for path, data, _text in reports:
        assert path.read_text(encoding="utf-8").startswith("# yaml-language-server: $schema=")
        assert data["agency"] == path.parent.name and str(data["year"]) == path.stem
        assert (path.parent / f"{data['year']}.txt").is_file()
        assert 2019 <= data["year"] <= 2024


def test_registry_is_unique_and_covers_every_report(corpus: Path, reports: list) -> None:
    registry = yaml.safe_load((corpus / "agencies.yaml").read_text(encoding="utf-8"))["agencies"]
    slugs = [a["slug"] for a in registry]
    assert len(slugs) == len(set(slugs))
    assert all(make_corpus.re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", s) for s in slugs)
    assert {data["agency"] for _, data, _ in reports} == set(slugs)
    assert len(slugs) < N_REPORTS / 2, "each agency reports for several years"
    names = [a["name"] for a in registry]
    assert len(names) == len(set(names))


def test_yaml_types_load_as_intended(reports: list) -> None:
    for _, data, _ in reports:
        assert isinstance(data["year"], int)
        contact = data["contact"]
        assert all(v is None or isinstance(v, str) for v in contact.values())
        if data["table2"] is not None:
            assert isinstance(data["table2"]["fees_10k_yuan"], float)
        for n in data["narrative"]:
            assert n["key"] in form.NARRATIVE_KEYS and isinstance(n["value"], int)


def test_rows_have_seven_cells_and_quotes_are_verbatim(reports: list) -> None:
    for _, data, text in reports:
        if data["table3"] is not None:
            for key, row in _rows(data["table3"]).items():
                assert row is None or len(row) == form.TABLE3_WIDTH, key
        assert data["narrative"], "every report states some figures in its prose"
        for item in data["narrative"]:
            assert item["quote"] in text


def test_text_prints_the_yaml_numbers(reports: list) -> None:
    """The flattened table in the text carries exactly the YAML's cells, in form order."""
    checked = 0
    for _, data, text in reports:
        t3 = data["table3"]
        if t3 is None:
            continue
        printed = text.split("收到和处理政府信息公开申请情况\n", 1)[1].split("政府信息公开行政复议、行政诉讼情况\n")[0]
        cells = [line[1:] for line in printed.split("\n") if line.startswith("\t")]
        numbers = [c for c in cells if c.isdigit() or c in ("/", "—")]
        expected = [data["cells"].get(f"table3.{key}.{form.TABLE3_COLUMNS[i].key}", str(v)) if v is None else str(v)
                    for key, row in _rows(t3).items() if row is not None and key != "other_handling.single_row"
                    for i, v in enumerate(row)]
        if t3["other_handling"]["single_row"] is not None:
            assert "\t（六）其他处理\n\t" + "\n\t".join(map(str, t3["other_handling"]["single_row"])) in printed
            numbers = numbers[: 7 * 20] + numbers[7 * 21:]  # drop the single row, checked above
        assert numbers == expected
        checked += 1
    assert checked > N_REPORTS // 2


def test_advertised_defects_are_present(reports: list) -> None:
    kinds: Counter[str] = Counter()
    for _, data, text in reports:
        missing = data["missing_tables"]
        if missing:
            kinds["missing"] += 1
            for key, reason in missing.items():
                assert data[key] is None
                if "[image:" in reason:
                    assert reason[reason.index("[image:"):reason.index("]") + 1] in text
        if _broken_rules(data):
            kinds["failing"] += 1
            assert data["notes"], "a report whose sums fail says so in its notes"
        if data["cells"]:
            kinds["nulls"] += 1
            assert all(v in ("/", "—") for v in data["cells"].values())
        if data["table3"] is not None and data["table3"]["other_handling"]["single_row"] is not None:
            kinds["single_row"] += 1
            assert data["form"] == "gov-2019"
    assert kinds == {"missing": round(0.08 * N_REPORTS), "failing": round(0.05 * N_REPORTS),
                     "nulls": round(0.03 * N_REPORTS), "single_row": 1}


def test_carried_forward_usually_becomes_next_years_carried_over(reports: list) -> None:
    by_key = {(d["agency"], d["year"]): d for _, d, _ in reports}
    pairs = same = 0
    for (agency, year), data in by_key.items():
        prev = by_key.get((agency, year - 1))
        if prev and prev["table3"] is not None and data["table3"] is not None:
            pairs += 1
            same += prev["table3"]["carried_forward"] == data["table3"]["carried_over"]
    assert pairs > 20 and same / pairs > 0.7


def test_publication_dates(reports: list) -> None:
    dates = [d["published"] for _, d, _ in reports]
    printed = [d for d in dates if d is not None]
    assert len(printed) < len(dates) or N_REPORTS < 30
    early = [d for (_, data, _), d in zip(reports, dates, strict=True)
             if d and d.year == data["year"] + 1 and d.month <= 3]
    assert len(early) > 0.7 * len(printed)
    for _, data, text in reports:
        if data["published"]:
            p = data["published"]
            assert text.rstrip().endswith(f"{p.year}年{p.month}月{p.day}日")


def test_prose_vocabulary_varies(reports: list) -> None:
    """Not the same text 60 times: the search index must see a realistic spread of wording."""
    sentences: Counter[str] = Counter()
    for _, _, text in reports:
        overview = text.split("一、总体情况", 1)[1].split("二、", 1)[0]
        sentences.update(s for s in overview.replace("\n", "。").split("。") if len(s) > 15)
    assert len(sentences) > 10 * N_REPORTS
    assert sentences.most_common(1)[0][1] < N_REPORTS * 0.4, sentences.most_common(1)
    sizes = [len(text.encode()) for _, _, text in reports]
    assert 5_000 < sum(sizes) / len(sizes) < 12_000


def test_loader_accepts_the_corpus(corpus: Path) -> None:
    load = pytest.importorskip("portal.load")
    site = load.load_content(corpus)  # raises ContentError listing problems if any
    assert len(site.reports) == N_REPORTS
    failing = {r.key for r in site.reports if any(c.status == "fail" and c.rule.startswith(("t3.", "t4."))
                                                  for c in r.checks)}
    assert len(failing) == round(0.05 * N_REPORTS)
