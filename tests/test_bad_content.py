"""Bad and hostile content: one clear line per problem, exit 1, and the previous site untouched.

Each case starts from a copy of the real seed content, breaks one thing, and asserts the exact
message a data editor would read. The messages are the contract (Zola's invalid-site tests).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from portal.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = "reports/weihai-torch-hitech-zone/2023.yaml"
SEED_TXT = "reports/weihai-torch-hitech-zone/2023.txt"
OTHER = "reports/wendeng-gov-office/2022.yaml"
REG = "agencies.yaml"


@dataclass(frozen=True)
class Case:
    name: str
    mutate: Callable[[Path], None]
    expected: tuple[str, ...]  # lines that must appear in stderr, exactly


def replace(rel: str, old: str, new: str, count: int = 1) -> Callable[[Path], None]:
    def go(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, f"fixture drift: {old!r} not in {rel}"
        path.write_text(text.replace(old, new, count), encoding="utf-8")

    return go


def write(rel: str, data: bytes | str) -> Callable[[Path], None]:
    def go(root: Path) -> None:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))

    return go


def append(rel: str, text: str) -> Callable[[Path], None]:
    def go(root: Path) -> None:
        with (root / rel).open("a", encoding="utf-8") as f:
            f.write(text)

    return go


def copy(src: str, dst: str) -> Callable[[Path], None]:
    return lambda root: shutil.copy(root / src, root / dst)


def symlink(rel: str, target: str) -> Callable[[Path], None]:
    def go(root: Path) -> None:
        (root / rel).unlink()
        (root / rel).symlink_to(target)

    return go


def source_bytes(make: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def go(root: Path) -> None:
        path = root / SEED_TXT
        path.write_bytes(make(path.read_bytes()))

    return go


S = f"content/{SEED}"
R = f"content/{REG}"
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b]\n"

CASES = [
    Case("yaml-syntax", replace(SEED, "title: 威海", "title: [威海"),
         (f"{S}:5: YAML syntax error: did not find expected ',' or ']'",)),
    Case("yaml-bad-indent", replace(SEED, "  licensing: 34240", "    licensing: 34240"),
         (f"{S}:26: YAML syntax error: did not find expected key",)),
    Case("yaml-alias-bomb", write(SEED, BOMB),
         (f"{S}:2: YAML aliases (*name) are not allowed in content",)),
    Case("yaml-python-tag", replace(SEED, "title: 威海", "title: !!python/object/apply:os.system [echo] #"),
         (f"{S}:4: unsupported YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'",)),
    Case("yaml-custom-tag", replace(SEED, "year: 2023", "year: !include other.yaml"),
         (f"{S}:3: unsupported YAML tag '!include'",)),
    Case("yaml-deep-nesting", append(SEED, "deep: " + "[" * 60 + "]" * 60 + "\n"),
         (f"{S}:80: nested deeper than 24 levels",)),
    Case("yaml-million-brackets", append(SEED, "deep: " + "[" * 1_000_000 + "\n"),  # no stack to overflow
         (f"{S}:80: nested deeper than 24 levels",)),
    Case("yaml-alias-key", replace(SEED, "year: 2023\n", "year: 2023\n*year : 2024\n"),
         (f"{S}:4: YAML aliases (*name) are not allowed in content",)),
    Case("yaml-huge", append(SEED, "# " + "x" * 2_100_000 + "\n"),
         (f"{S}: file is 2,102,701 bytes", "content YAML may be at most 2,000,000")),
    Case("yaml-empty", write(SEED, ""), (f"{S}: file is empty",)),
    Case("yaml-list-not-mapping", write(SEED, "- a\n- b\n"),
         (f"{S}:1: expected a mapping with keys agency, year,",)),
    Case("yaml-nul-byte", write(SEED, b"agency: x\x00\n"), (f"{S}: file contains NUL bytes",)),
    Case("yaml-gbk", write(SEED, "agency: 威海\n".encode("gbk")), (f"{S}:1: not valid UTF-8",)),
    Case("yaml-duplicate-key", replace(SEED, "year: 2023\n", "year: 2023\nyear: 2024\n"),
         (f"{S}:4: duplicate key 'year'",)),
    Case("unknown-field", replace(SEED, "title:", "titel:"),
         (f"{S}:4: titel: unknown field", "Hint: did you mean 'title'?", f"{S}:2: missing field 'title'")),
    Case("missing-field", replace(SEED, "agency: weihai-torch-hitech-zone\n", ""),
         (f"{S}:2: missing field 'agency'",)),
    Case("year-text", replace(SEED, "year: 2023", "year: 2023年"),
         (f"{S}:3: year: expected a year like 2023, got '2023年'",)),
    Case("year-not-file-name", replace(SEED, "year: 2023", "year: 2022"),
         (f"{S}:3: year: year 2022 does not match the file name '2023.yaml'",)),
    Case("agency-not-folder", replace(SEED, "agency: weihai-torch-hitech-zone", "agency: wendeng-gov-office"),
         (f"{S}:2: agency: agency 'wendeng-gov-office' does not match the folder 'weihai-torch-hitech-zone'",)),
    Case("agency-path-escape", replace(SEED, "agency: weihai-torch-hitech-zone", "agency: ../../etc"),
         (f"{S}:2: agency: expected an agency slug like wendeng-gov-office, got '../../etc'",)),
    Case("agency-unknown", lambda root: (
        shutil.move(root / "reports/weihai-torch-hitech-zone", root / "reports/no-such-agency"),
        replace("reports/no-such-agency/2023.yaml", "agency: weihai-torch-hitech-zone",
                "agency: no-such-agency")(root)),
         ("content/reports/no-such-agency/2023.yaml:2: agency: unknown agency 'no-such-agency'",)),
    Case("published-slashes", replace(SEED, "published: null", "published: 2024/1/22"),
         (f"{S}:5: published: expected a date like 2024-01-22 or null, got '2024/1/22'",
          "Hint: write the date as YYYY-MM-DD")),
    Case("status-invalid", replace(SEED, "status: reviewed", "status: done"),
         (f"{S}:6: status: expected one of draft, reviewed, got 'done'",)),
    Case("count-negative", replace(SEED, "licensing: 34240", "licensing: -5"),
         (f"{S}:26: table2.licensing: a count cannot be negative, got -5",)),
    Case("count-fraction", replace(SEED, "punishment: 1505", "punishment: 1505.5"),
         (f"{S}:27: table2.punishment: expected a whole number or null, got 1505.5",
          "Hint: counts are whole numbers")),
    Case("count-absurd", replace(SEED, "coercion: 2276", "coercion: 22760000000000"),
         (f"{S}:28: table2.coercion: 22,760,000,000,000 is implausibly large for one cell (limit 100,000,000)",)),
    Case("count-slash-text", replace(SEED, "new: [26, 0, 0, 0, 0, 0, 26]", "new: [26, /, 0, 0, 0, 0, 26]"),
         (f"{S}:32: table3.new[1]: expected a whole number or null, got '/'",
          'Hint: a cell not printed as a number is null, with its printing kept in "cells"')),
    Case("count-yes", replace(SEED, "upheld: 0, corrected: 0", "upheld: yes, corrected: 0"),
         (f"{S}:63: table4.review.upheld: expected a whole number or null, got true (a yes/no value)",)),
    Case("row-too-short", replace(SEED, "new: [26, 0, 0, 0, 0, 0, 26]", "new: [26, 0, 0, 0, 0, 26]"),
         (f"{S}:32: table3.new: expected 7 cells (natural_person, commercial, research, social_welfare, "
          "legal_services, other, total), got 6",)),
    Case("row-too-long", replace(SEED, "granted: [5, 0, 0, 0, 0, 0, 5]", "granted: [5, 0, 0, 0, 0, 0, 0, 5]"),
         (f"{S}:34: table3.granted: expected 7 cells",)),
    Case("row-missing", replace(SEED, "  carried_forward: [4, 0, 0, 0, 0, 0, 4]\n", ""),
         (f"{S}:32: table3: missing field 'carried_forward'",)),
    Case("table2-missing-key", replace(SEED, "  coercion: 2276\n", ""),
         (f"{S}:24: table2: missing field 'coercion'",)),
    Case("table4-extra-key", replace(SEED, "review: {upheld: 0,", "review: {upheld: 0, won: 1,"),
         (f"{S}:63: table4.review.won: unknown field",)),
    Case("table-null-no-reason", replace(SEED, "table4:\n  review:", "table4: null\nx_table4:\n  review:"),
         (f"{S}:62: table4: table is null but missing_tables gives no reason",
          f"{S}:64: x_table4: unknown field")),
    Case("reason-for-present-table", replace(SEED, "missing_tables: {}", "missing_tables: {table2: 图片}"),
         (f"{S}:22: missing_tables.table2: table2 is present, so it needs no reason for missing",)),
    Case("cells-for-nonnull", replace(SEED, "cells: {}", "cells: {table3.new.research: /}"),
         (f"{S}:66: cells.table3.new.research: cell holds 0, but a recorded printing is only for null cells",)),
    Case("cells-bad-path", replace(SEED, "cells: {}", "cells: {table3.nope.research: /}"),
         (f"{S}:66: cells.table3.nope.research: no such table cell",)),
    Case("quote-not-in-source", replace(SEED, "quote: 2023年，全区共公开信息16500余条", "quote: 全区共公开信息99999条"),
         (f"{S}:71: narrative[0].quote: quote does not occur in the source text",)),
    Case("narrative-unknown-key", replace(SEED, "key: proactive_disclosed", "key: proactive"),
         (f"{S}:68: narrative[0].key: expected one of proactive_disclosed,",)),
    Case("fees-negative", replace(SEED, "fees_10k_yuan: 745.94", "fees_10k_yuan: -745.94"),
         (f"{S}:29: table2.fees_10k_yuan: amount -745.94 out of range (0 to 10,000,000 万元)",)),
    Case("postcode-number", replace(SEED, 'postcode: "264209"', "postcode: 264209"),
         (f"{S}:17: contact.postcode: expected text or null, got 264209", "Hint: put the value in quotes")),
    Case("source-missing", lambda root: (root / SEED_TXT).unlink(),
         (f"{S}:9: source.file: source text 2023.txt is missing beside the YAML",)),
    Case("source-path-escape", replace(SEED, "file: 2023.txt", "file: ../../../etc/passwd"),
         (f"{S}:9: source.file: expected a file name beside the YAML such as 2023.txt, got '../../../etc/passwd'",)),
    Case("source-absolute", replace(SEED, "file: 2023.txt", "file: /etc/passwd"),
         (f"{S}:9: source.file: expected a file name beside the YAML such as 2023.txt, got '/etc/passwd'",)),
    Case("source-symlink", symlink(SEED_TXT, "/etc/hostname"),
         (f"{S}:9: source.file: source text 2023.txt is a symbolic link",)),
    Case("source-gbk", source_bytes(lambda b: b.decode("utf-8").encode("gbk")),
         (f"{S}:9: source.file: source text 2023.txt is not valid UTF-8 (line 1)",
          "Hint: it looks GBK-encoded: run ingest on it, which converts")),
    Case("source-bom", source_bytes(lambda b: b"\xef\xbb\xbf" + b),
         (f"{S}:9: source.file: source text 2023.txt starts with a byte-order mark",)),
    Case("source-nul", source_bytes(lambda b: b[:30] + b"\x00" + b[30:]),
         (f"{S}:9: source.file: source text 2023.txt contains a NUL byte at line 1",)),
    Case("source-invalid-utf8", source_bytes(lambda b: b + b"\n\xff\xfe broken"),
         (f"{S}:9: source.file: source text 2023.txt is not valid UTF-8 (line 416)",)),
    Case("source-empty", source_bytes(lambda b: b""), (f"{S}:9: source.file: source text 2023.txt is empty",)),
    Case("source-huge", source_bytes(lambda b: b * 100),
         (f"{S}:9: source.file: source text 2023.txt is 1,170,500 bytes, more than 1,000,000",)),
    Case("duplicate-report", copy(SEED, "reports/weihai-torch-hitech-zone/2023-copy.yaml"),
         ("content/reports/weihai-torch-hitech-zone/2023.yaml:3: year: duplicate report: "
          "content/reports/weihai-torch-hitech-zone/2023-copy.yaml is also weihai-torch-hitech-zone 2023",)),
    Case("website-javascript", replace(REG, "website: http://www.whctp.gov.cn", "website: javascript:alert(1)"),
         (f"{R}:26: agencies[2].website: expected a web address starting with http:// or https://, "
          "got 'javascript:alert(1)'",)),
    Case("contact-website-data-url", replace(SEED, "website: http://www.whctp.gov.cn", "website: data:text/html,x"),
         (f"{S}:21: contact.website: expected a web address starting with http:// or https://, "
          "got 'data:text/html,x'",)),
    Case("published-before-year-end", replace(SEED, "published: null", "published: 2023-05-01"),
         (f"{S}:5: published: published 2023-05-01 before the statistical year 2023 ended",)),
    Case("narrative-absurd", replace(SEED, "value: 26\n", "value: 1.7e+308\n"),
         (f"{S}:73: narrative[1].value: 1.7e+308 is implausibly large (limit 100,000,000)",)),
    Case("single-row-and-sub-rows", replace(SEED, "single_row: null", "single_row: [9, 0, 0, 0, 0, 0, 9]"),
         (f"{S}:59: table3.other_handling.single_row: single_row (（六）其他处理 printed as one row) "
          "needs its three sub-rows null",)),
    Case("cells-bogus-path-in-null-table", lambda root: (
        replace(OTHER, "cells: {}", "cells: {table2.bogus.x: /}")(root)),
         ("content/reports/wendeng-gov-office/2022.yaml:29: cells.table2.bogus.x: no such table cell",)),
    Case("registry-missing", lambda root: (root / REG).unlink(), (f"{R}: agency registry is missing",)),
    Case("registry-duplicate-slug", replace(REG, "slug: wendeng-civil-affairs", "slug: wendeng-gov-office"),
         (f"{R}:13: agencies[1].slug: duplicate agency slug 'wendeng-gov-office' (also entry 1)",)),
    Case("registry-unicode-slug", replace(REG, "slug: wendeng-civil-affairs", "slug: 文登民政"),
         (f"{R}:13: agencies[1].slug: expected an ASCII slug like wendeng-gov-office, got '文登民政'",)),
    Case("registry-bad-kind", replace(REG, "kind: 部门", "kind: 局"),
         (f"{R}:16: agencies[1].kind: expected one of 人民政府, 政府办公室, 部门,",)),
    Case("registry-jurisdiction-text", replace(REG, "jurisdiction: [山东省, 威海市, 火炬高技术产业开发区]",
                                               "jurisdiction: 山东省威海市"),
         (f"{R}:24: agencies[2].jurisdiction: expected a list like [山东省, 威海市, 文登区], got '山东省威海市'",)),
]


@pytest.fixture()
def content(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A private copy of the seed content; messages then read ``content/…`` from tmp_path."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "content"


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_there_are_at_least_forty_distinct_cases() -> None:
    assert len({c.name for c in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_content_is_refused_with_its_message(case: Case, content: Path, capsys: pytest.CaptureFixture) -> None:
    previous = content.parent / "site"
    previous.mkdir()
    (previous / "index.html").write_text("<p>the previous site</p>", encoding="utf-8")
    (previous / ".portal-site").write_text("built by build.py", encoding="utf-8")
    before = _snapshot(previous)
    case.mutate(content)

    check_code = main(["check", "--content", str(content)])
    check_err = capsys.readouterr().err
    build_code = main(["build", "--content", str(content), "--out", str(previous), "--no-search"])
    build_err = capsys.readouterr().err

    assert check_code == 1 and build_code == 1
    for expected in case.expected:
        assert expected in check_err, f"missing {expected!r} in:\n{check_err}"
    assert "Traceback" not in check_err + build_err
    assert "nothing was written" in build_err
    assert _snapshot(previous) == before
    assert not [p for p in content.parent.iterdir() if p.name not in ("content", "site")], "temp output left"


def test_crlf_source_is_accepted_verbatim(content: Path) -> None:
    from portal.load import load_content

    path = content / SEED_TXT
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    site = load_content(content)
    assert site.report("weihai-torch-hitech-zone", 2023).text.encode("utf-8") == crlf


def test_every_problem_is_reported_in_one_run(content: Path, capsys: pytest.CaptureFixture) -> None:
    replace(SEED, "licensing: 34240", "licensing: -1")(content)
    replace(OTHER, "year: 2022", "year: 2022年")(content)
    assert main(["check", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert "table2.licensing: a count cannot be negative" in err
    assert "content/reports/wendeng-gov-office/2022.yaml:3: year:" in err
    assert "2 problem(s)" in err


@pytest.mark.parametrize("target", ["repo", "content", "folder-of-other-files"])
def test_build_refuses_an_output_folder_it_would_destroy(content: Path, target: str,
                                                         capsys: pytest.CaptureFixture) -> None:
    other = content.parent / "mine"
    other.mkdir()
    (other / "thesis.docx").write_text("years of work", encoding="utf-8")
    out = {"repo": ROOT, "content": content, "folder-of-other-files": other}[target]
    before = _snapshot(other)
    assert main(["build", "--content", str(content), "--out", str(out), "--no-search"]) == 1
    err = capsys.readouterr().err
    assert "--out: 输出目录" in err and "nothing was written" in err
    assert _snapshot(other) == before and (content / SEED).is_file() and (ROOT / "build.py").is_file()


def test_command_line_never_shows_a_traceback(content: Path) -> None:
    write(SEED, BOMB)(content)
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(content)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "YAML aliases (*name) are not allowed in content" in proc.stderr
    assert "Traceback" not in proc.stderr
