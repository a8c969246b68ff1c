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
from conftest import drop_original

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
    Case("yaml-syntax", replace(SEED, "title: 威海", "title: [威海"),  # PyYAML notices it on line 5
         (f"{S}:4: title: YAML 语法错误：“[”没有配对的“]”",
          "  提示：列表写成 [a, b, c]；文字里有“[”时，给整个值加上引号")),
    Case("yaml-syntax-at-end", append(SEED, "broken: [unclosed\n"),  # PyYAML notices it past the last line
         (f"{S}:82: broken: YAML 语法错误：“[”没有配对的“]”",)),
    Case("yaml-unclosed-quote", replace(SEED, "quote: 2023年，高区", 'quote: "2023年，高区'),
         (f"{S}:77: narrative[1].quote: YAML 语法错误：引号没有闭合", "  提示：在值的末尾补上同样的引号")),
    Case("yaml-missing-colon", replace(SEED, "  fax: null", "  fax null"),  # PyYAML notices it on line 20
         (f"{S}:21: YAML 语法错误：这一行缺少“:”", "  提示：字段写成“名称: 值”，冒号后面留一个空格")),
    Case("yaml-colon-in-value", replace(SEED, "title: 威海", "title: 威海: 火炬"),
         (f"{S}:4: title: YAML 语法错误：这一行多了一个“: ”", "  提示：值里含有“: ”时，给整个值加上引号")),
    Case("yaml-tab", replace(SEED, "  punishment: 1505", "\tpunishment: 1505"),
         (f"{S}:29: punishment: YAML 语法错误：第 29 行第 1 个字符是制表符（Tab），YAML 只能用空格缩进",
          "  提示：把 Tab 换成空格，与同一层的字段对齐")),
    Case("yaml-bad-indent", replace(SEED, "  licensing: 34240", "    licensing: 34240"),
         (f"{S}:28: licensing: YAML 语法错误：这一行的缩进不对", "  提示：同一层的字段左端对齐，只用空格缩进")),
    Case("yaml-alias-bomb", write(SEED, BOMB),
         (f"{S}:2: b[0]: 内容文件里不能用 YAML 别名（*名称）", "  提示：把值完整写出来")),
    Case("yaml-python-tag", replace(SEED, "title: 威海", "title: !!python/object/apply:os.system [echo] #"),
         (f"{S}:4: title: 不支持的 YAML 标签 'tag:yaml.org,2002:python/object/apply:os.system'",)),
    Case("yaml-custom-tag", replace(SEED, "year: 2023", "year: !include other.yaml"),
         (f"{S}:3: year: 不支持的 YAML 标签 '!include'", "  提示：内容文件只放普通数据：删去这个标签")),
    Case("yaml-deep-nesting", append(SEED, "deep: " + "[" * 60 + "]" * 60 + "\n"),
         (f"{S}:82: 嵌套超过 24 层",)),
    Case("yaml-million-brackets", append(SEED, "deep: " + "[" * 1_000_000 + "\n"),  # no stack to overflow
         (f"{S}:82: 嵌套超过 24 层",)),
    Case("yaml-alias-key", replace(SEED, "year: 2023\n", "year: 2023\n*year : 2024\n"),
         (f"{S}:4: 内容文件里不能用 YAML 别名（*名称）",)),
    Case("yaml-huge", append(SEED, "# " + "x" * 2_100_000 + "\n"),
         (f"{S}: 文件有 2,102,802 字节，内容 YAML 最多 2,000,000 字节",)),
    Case("yaml-empty", write(SEED, ""), (f"{S}: 文件是空的", "  提示：报告文件的写法见 docs/content.md")),
    Case("yaml-list-not-mapping", write(SEED, "- a\n- b\n"),
         (f"{S}:1: 应为含字段 agency, year,", "的映射，实际是一个 2 项的列表")),
    Case("yaml-nul-byte", write(SEED, b"agency: x\x00\n"), (f"{S}: 文件里有 NUL 字节",)),
    Case("yaml-gbk", write(SEED, "agency: 威海\n".encode("gbk")),
         (f"{S}:1: 不是有效的 UTF-8 编码", "  提示：把文件存为 UTF-8 编码")),
    Case("yaml-duplicate-key", replace(SEED, "year: 2023\n", "year: 2023\nyear: 2024\n"),
         (f"{S}:4: year: 字段 'year' 重复出现（第 3 行已有）",)),
    Case("unknown-field", replace(SEED, "title:", "titel:"),
         (f"{S}:4: titel: 未知字段", "  提示：是不是 'title'？", f"{S}:2: 缺少字段 'title'")),
    Case("missing-field", replace(SEED, "agency: weihai-torch-hitech-zone\n", ""),
         (f"{S}:2: 缺少字段 'agency'",)),
    Case("year-text", replace(SEED, "year: 2023", "year: 2023年"),
         (f"{S}:3: year: 应为 2023 这样的年份（1990 至 2100），实际是 '2023年'", "  提示：只写数字：写成 2023")),
    Case("year-quoted", replace(SEED, "year: 2023", 'year: "2023"'),
         (f"{S}:3: year: 应为 2023 这样的年份（1990 至 2100），实际是带引号的文字 '2023'",
          "  提示：去掉引号：写成 2023")),
    Case("year-not-file-name", replace(SEED, "year: 2023", "year: 2022"),
         (f"{S}:3: year: 年份 2022 与文件名 '2023.yaml' 不一致", "  提示：把文件改名为 2022.yaml")),
    Case("agency-not-folder", replace(SEED, "agency: weihai-torch-hitech-zone", "agency: wendeng-gov-office"),
         (f"{S}:2: agency: 机构代号 'wendeng-gov-office' 与所在文件夹 'weihai-torch-hitech-zone' 不一致",
          "  提示：把文件移到 reports/wendeng-gov-office/2023.yaml")),
    Case("agency-mistyped", replace(SEED, "agency: weihai-torch-hitech-zone", "agency: weihai-torch-hitec-zone"),
         (f"{S}:2: agency: 机构代号 'weihai-torch-hitec-zone' 与所在文件夹 'weihai-torch-hitech-zone' 不一致",
          "  提示：是不是 weihai-torch-hitech-zone（威海火炬高技术产业开发区管委会）？")),
    Case("agency-name-for-slug", replace(SEED, "agency: weihai-torch-hitech-zone", "agency: 高区管委会"),
         (f"{S}:2: agency: 应为 agencies.yaml 里的机构代号（如 wendeng-gov-office），实际是 '高区管委会'",
          "  提示：是不是 weihai-torch-hitech-zone（威海火炬高技术产业开发区管委会）？")),
    Case("agency-path-escape", replace(SEED, "agency: weihai-torch-hitech-zone", "agency: ../../etc"),
         (f"{S}:2: agency: 应为 agencies.yaml 里的机构代号（如 wendeng-gov-office），实际是 '../../etc'",)),
    Case("agency-unknown", lambda root: (
        shutil.move(root / "reports/weihai-torch-hitech-zone", root / "reports/no-such-agency"),
        replace("reports/no-such-agency/2023.yaml", "agency: weihai-torch-hitech-zone",
                "agency: no-such-agency")(root)),
         ("content/reports/no-such-agency/2023.yaml:2: agency: agencies.yaml 里没有机构代号 'no-such-agency'",
          "  提示：改正代号，或先在 agencies.yaml 里登记这个机构")),
    Case("agency-unknown-close", lambda root: (
        shutil.move(root / "reports/weihai-torch-hitech-zone", root / "reports/weihai-torch-zone"),
        replace("reports/weihai-torch-zone/2023.yaml", "agency: weihai-torch-hitech-zone",
                "agency: weihai-torch-zone")(root)),
         ("content/reports/weihai-torch-zone/2023.yaml:2: agency: agencies.yaml 里没有机构代号 'weihai-torch-zone'",
          "  提示：是不是 weihai-torch-hitech-zone（威海火炬高技术产业开发区管委会）？")),
    Case("published-slashes", replace(SEED, "published: null", "published: 2024/1/22"),
         (f"{S}:5: published: 应为 2024-01-22 这样的日期或 null，实际是 '2024/1/22'",
          "  提示：日期写成 YYYY-MM-DD")),
    Case("published-no-such-month", replace(SEED, "published: null", "published: 2024-13-01"),
         (f"{S}:5: published: 2024-13-01 不是有效的日期：没有 13 月", "  提示：日期写成 YYYY-MM-DD，如 2024-01-22")),
    Case("retrieved-no-such-day", replace(SEED, "retrieved: null", "retrieved: 2023-02-30"),
         (f"{S}:13: source.retrieved: 2023-02-30 不是有效的日期：2023 年 2 月没有 30 日",)),
    Case("status-invalid", replace(SEED, "status: reviewed", "status: reviwed"),
         (f"{S}:6: status: 应为 draft、reviewed 之一，实际是 'reviwed'", "  提示：是不是 'reviewed'？")),
    Case("count-negative", replace(SEED, "licensing: 34240", "licensing: -5"),
         (f"{S}:28: table2.licensing: 件数不能是负数，实际是 -5",)),
    Case("count-fraction", replace(SEED, "punishment: 1505", "punishment: 1505.5"),
         (f"{S}:29: table2.punishment: 应为整数或 null，实际是 1505.5", "  提示：件数是整数")),
    Case("count-thousands-separator", replace(SEED, "punishment: 1505", "punishment: 1,505"),
         (f"{S}:29: table2.punishment: 应为整数或 null，实际是 '1,505'",
          "  提示：数字不要写千位分隔符：写成 1505")),
    Case("count-quoted", replace(SEED, "licensing: 34240", 'licensing: "34240"'),
         (f"{S}:28: table2.licensing: 应为整数或 null，实际是带引号的文字 '34240'", "  提示：去掉引号：写成 34240")),
    Case("count-absurd", replace(SEED, "coercion: 2276", "coercion: 22760000000000"),
         (f"{S}:30: table2.coercion: 22,760,000,000,000 作为一格的数大得不合理（上限 100,000,000）",
          "  提示：检查是否有数字连在了一起")),
    Case("count-slash-text", replace(SEED, "new: [26, 0, 0, 0, 0, 0, 26]", "new: [26, /, 0, 0, 0, 0, 26]"),
         (f"{S}:34: table3.new[1]: 应为整数或 null，实际是 '/'",
          "  提示：原文这一格不是数字（如“/”“—”）时写 null，原样记进 cells")),
    Case("count-yes", replace(SEED, "upheld: 0, corrected: 0", "upheld: yes, corrected: 0"),
         (f"{S}:65: table4.review.upheld: 应为整数或 null，实际是 true（YAML 把 yes、no、on、off 读作真/假）",)),
    Case("row-too-short", replace(SEED, "new: [26, 0, 0, 0, 0, 0, 26]", "new: [26, 0, 0, 0, 0, 26]"),
         (f"{S}:34: table3.new: 应为 7 格（natural_person, commercial, research, social_welfare, "
          "legal_services, other, total），实际是 6 格",)),
    Case("row-too-long", replace(SEED, "granted: [5, 0, 0, 0, 0, 0, 5]", "granted: [1,505, 0, 0, 0, 0, 0, 5]"),
         (f"{S}:36: table3.granted: 应为 7 格（", "），实际是 8 格",
          "  提示：格数多了：方括号里的逗号分隔各格，数字里的千位分隔符会把一格分成两格（1,505 要写成 1505）")),
    Case("row-missing", replace(SEED, "  carried_forward: [4, 0, 0, 0, 0, 0, 4]\n", ""),
         (f"{S}:34: table3: 缺少字段 'carried_forward'",)),
    Case("table2-missing-key", replace(SEED, "  coercion: 2276\n", ""),
         (f"{S}:26: table2: 缺少字段 'coercion'",)),
    Case("table4-extra-key", replace(SEED, "review: {upheld: 0,", "review: {upheld: 0, won: 1,"),
         (f"{S}:65: table4.review.won: 未知字段", "  提示：可用的字段：upheld, corrected, other, pending, total")),
    Case("table-null-no-reason", replace(SEED, "table4:\n  review:", "table4: null\nx_table4:\n  review:"),
         (f"{S}:64: table4: 这张表是 null，但 missing_tables 没有说明原因",
          '  提示：加上 missing_tables: {table4: "……原文为什么没有这张表……"}',
          f"{S}:66: x_table4: 未知字段")),
    Case("reason-for-present-table", replace(SEED, "missing_tables: {}", "missing_tables: {table2: 图片}"),
         (f"{S}:24: missing_tables.table2: table2 有数据，不需要说明缺失原因",)),
    Case("cells-for-nonnull", replace(SEED, "cells: {}", "cells: {table3.new.research: /}"),
         (f"{S}:68: cells.table3.new.research: 这一格的值是 0；cells 只记录值为 null 的格在原文里的印法",)),
    Case("cells-bad-path", replace(SEED, "cells: {}", "cells: {table3.nwe.research: /}"),
         (f"{S}:68: cells.table3.nwe.research: 没有这个表格单元格", "  提示：是不是 table3.new.research？")),
    Case("quote-not-in-source", replace(SEED, "quote: 2023年，全区共公开信息16500余条", "quote: 全区共公开信息99999条"),
         (f"{S}:73: narrative[0].quote: 原文里找不到这句引文",)),
    Case("narrative-unknown-key", replace(SEED, "key: proactive_disclosed", "key: proactive"),
         (f"{S}:70: narrative[0].key: 应为 proactive_disclosed、", "  提示：是不是 'proactive_disclosed'？")),
    Case("fees-negative", replace(SEED, "fees_10k_yuan: 745.94", "fees_10k_yuan: -745.94"),
         (f"{S}:31: table2.fees_10k_yuan: 金额 -745.94 超出范围（0 至 10,000,000 万元）",)),
    Case("postcode-number", replace(SEED, 'postcode: "264209"', "postcode: 264209"),
         (f"{S}:19: contact.postcode: 应为文字或 null，实际是 264209", '  提示：加上引号：写成 "264209"')),
    Case("source-missing", lambda root: (root / SEED_TXT).unlink(),
         (f"{S}:9: source.file: YAML 旁边没有原文 2023.txt",)),
    Case("source-path-escape", replace(SEED, "file: 2023.txt", "file: ../../../etc/passwd"),
         (f"{S}:9: source.file: 应为 YAML 旁边的文件名（如 2023.txt），实际是 '../../../etc/passwd'",)),
    Case("source-absolute", replace(SEED, "file: 2023.txt", "file: /etc/passwd"),
         (f"{S}:9: source.file: 应为 YAML 旁边的文件名（如 2023.txt），实际是 '/etc/passwd'",)),
    Case("source-symlink", symlink(SEED_TXT, "/etc/hostname"),
         (f"{S}:9: source.file: 原文 2023.txt 是符号链接",)),
    Case("source-gbk", source_bytes(lambda b: b.decode("utf-8").encode("gbk")),
         (f"{S}:9: source.file: 原文 2023.txt 不是有效的 UTF-8 编码（第 1 行）",
          "  提示：它像是 GBK 编码：对它运行 ingest，会转换编码")),
    Case("source-bom", source_bytes(lambda b: b"\xef\xbb\xbf" + b),
         (f"{S}:9: source.file: 原文 2023.txt 以字节顺序标记（BOM）开头",)),
    Case("source-nul", source_bytes(lambda b: b[:30] + b"\x00" + b[30:]),
         (f"{S}:9: source.file: 原文 2023.txt 第 1 行有 NUL 字节",)),
    Case("source-invalid-utf8", source_bytes(lambda b: b + b"\n\xff\xfe broken"),
         (f"{S}:9: source.file: 原文 2023.txt 不是有效的 UTF-8 编码（第 416 行）",)),
    Case("source-empty", source_bytes(lambda b: b""), (f"{S}:9: source.file: 原文 2023.txt 是空的",)),
    Case("source-huge", source_bytes(lambda b: b * 100),
         (f"{S}:9: source.file: 原文 2023.txt 有 1,170,500 字节，超过上限 1,000,000",)),
    Case("duplicate-report", copy(SEED, "reports/weihai-torch-hitech-zone/2023-copy.yaml"),
         ("content/reports/weihai-torch-hitech-zone/2023.yaml:3: year: 重复的报告："
          "content/reports/weihai-torch-hitech-zone/2023-copy.yaml 也是 weihai-torch-hitech-zone 的 2023 年报告",)),
    Case("website-javascript", replace(REG, "website: http://www.whctp.gov.cn", "website: javascript:alert(1)"),
         (f"{R}:26: agencies[2].website: 应为以 http:// 或 https:// 开头的网址，实际是 'javascript:alert(1)'",)),
    Case("contact-website-data-url", replace(SEED, "website: http://www.whctp.gov.cn", "website: data:text/html,x"),
         (f"{S}:23: contact.website: 应为以 http:// 或 https:// 开头的网址，实际是 'data:text/html,x'",)),
    Case("published-before-year-end", replace(SEED, "published: null", "published: 2023-05-01"),
         (f"{S}:5: published: 印发日期 2023-05-01 早于统计年度 2023 年结束",)),
    Case("narrative-absurd", replace(SEED, "value: 26\n", "value: 1.7e+308\n"),
         (f"{S}:75: narrative[1].value: 1.7e+308 大得不合理（上限 100,000,000）",)),
    Case("single-row-and-sub-rows", replace(SEED, "single_row: null", "single_row: [9, 0, 0, 0, 0, 0, 9]"),
         (f"{S}:61: table3.other_handling.single_row: "
          "有 single_row（“（六）其他处理”印成一行）时，三个子行应为 null",)),
    Case("cells-bogus-path-in-null-table", lambda root: (
        replace(OTHER, "cells: {}", "cells: {table2.bogus.x: /}")(root)),
         ("content/reports/wendeng-gov-office/2022.yaml:31: cells.table2.bogus.x: 没有这个表格单元格",)),
    Case("registry-missing", lambda root: (root / REG).unlink(), (f"{R}: 找不到机构名录",)),
    Case("registry-duplicate-slug", replace(REG, "slug: wendeng-civil-affairs", "slug: wendeng-gov-office"),
         (f"{R}:13: agencies[1].slug: 机构代号 'wendeng-gov-office' 重复（第 1 个机构已用）",)),
    Case("registry-unicode-slug", replace(REG, "slug: wendeng-civil-affairs", "slug: 文登民政"),
         (f"{R}:13: agencies[1].slug: 应为英文的机构代号（如 wendeng-gov-office），实际是 '文登民政'",)),
    Case("registry-bad-kind", replace(REG, "kind: 部门", "kind: 局"),
         (f"{R}:16: agencies[1].kind: 应为 人民政府、政府办公室、部门、",)),
    Case("registry-jurisdiction-text", replace(REG, "jurisdiction: [山东省, 威海市, 火炬高技术产业开发区]",
                                               "jurisdiction: 山东省威海市"),
         (f"{R}:24: agencies[2].jurisdiction: 应为 [山东省, 威海市, 文登区] 这样的列表，实际是 '山东省威海市'",)),
    Case("registry-expected-from-text", replace(REG, "kind: 部门\n", "kind: 部门\n    expected_from: 2019年\n"),
         (f"{R}:17: agencies[1].expected_from: 应为 2019 这样的年份（2008 至 2100）或 null，实际是 '2019年'",
          "  提示：只写数字：写成 2019")),
    Case("registry-expected-until-before-from",
         replace(REG, "kind: 部门\n", "kind: 部门\n    expected_from: 2020\n    expected_until: 2018\n"),
         (f"{R}:18: agencies[1].expected_until: 2018 早于 expected_from 的 2020",)),
    Case("report-deadline-as-unknown-kind",
         replace(SEED, "status: reviewed\n", "status: reviewed\ndeadline_as: 政府\n"),
         (f"{S}:7: deadline_as: 应为 人民政府、政府办公室、部门、", "其他 之一，实际是 '政府'",
          "  提示：是不是 '人民政府'？")),
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
    assert "什么也没有写出" in build_err
    assert _snapshot(previous) == before
    assert not [p for p in content.parent.iterdir() if p.name not in ("content", "site")], "temp output left"


def test_crlf_source_is_accepted_verbatim(content: Path) -> None:
    from portal.load import load_content

    path = content / SEED_TXT
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    drop_original(path.with_suffix(".yaml"))
    site = load_content(content)
    assert site.report("weihai-torch-hitech-zone", 2023).text.encode("utf-8") == crlf


def test_linked_report_files_and_folders_are_not_published(content: Path, tmp_path: Path) -> None:
    """A deploy preview must not publish files from outside content/: a linked report file or a
    linked agency folder is skipped, and a real file in a real folder is still found, in order."""
    from portal.load import load_content, report_paths

    outside = tmp_path / "outside"
    shutil.copytree(content / "reports" / "wendeng-gov-office", outside)
    (content / "reports" / "wendeng-link").symlink_to(outside, target_is_directory=True)
    (content / "reports" / "wendeng-gov-office" / "2030.yaml").symlink_to(outside / "2022.yaml")
    (content / "reports" / "wendeng-gov-office" / "notes.txt.yaml").mkdir()  # a folder, not a report
    before = sorted((content / "reports").glob("*/*.yaml"))

    paths = report_paths(content)
    assert paths == sorted(p for p in before if p.is_file() and not p.is_symlink() and not p.parent.is_symlink())
    assert not [p for p in paths if "wendeng-link" in p.parts or p.name in ("2030.yaml", "notes.txt.yaml")]
    assert len(load_content(content).reports) == len(paths) == len(list((ROOT / "content").glob("reports/*/*.yaml")))


def test_every_problem_is_reported_in_one_run(content: Path, capsys: pytest.CaptureFixture) -> None:
    replace(SEED, "licensing: 34240", "licensing: -1")(content)
    replace(OTHER, "year: 2022", "year: 2022年")(content)
    assert main(["check", "--content", str(content)]) == 1
    err = capsys.readouterr().err
    assert "table2.licensing: 件数不能是负数" in err
    assert "content/reports/wendeng-gov-office/2022.yaml:3: year:" in err
    assert "共 2 个问题；什么也没有写出。" in err


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
    assert "--out: 输出目录" in err and "什么也没有写出" in err
    assert _snapshot(other) == before and (content / SEED).is_file() and (ROOT / "build.py").is_file()


def test_command_line_never_shows_a_traceback(content: Path) -> None:
    write(SEED, BOMB)(content)
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--content", str(content)],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "内容文件里不能用 YAML 别名（*名称）" in proc.stderr
    assert "Traceback" not in proc.stderr
