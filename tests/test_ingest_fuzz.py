"""Ingest survives anything: random and mutated reports end in a draft or a clear refusal.

Hypothesis runs derandomized with a fixed budget so CI is reproducible: the same examples are
tried on every run, and a failure prints the example to turn into a fixture.
"""

from __future__ import annotations

import io
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.extract import extract
from portal.ingest import run

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted((ROOT / "content/reports").glob("*/*.txt"))
SEED_TEXTS = [p.read_text(encoding="utf-8") for p in SEEDS]
REGISTRY = yaml.safe_load((ROOT / "content/agencies.yaml").read_text(encoding="utf-8"))["agencies"]
FUZZ = settings(max_examples=150, derandomize=True, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

# Pieces real reports are made of, to build texts that look like reports but are broken.
PIECES = st.sampled_from([
    "一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
    "四、政府信息公开行政复议、行政诉讼情况",
    "本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量", "（七）总计", "结转下年度继续办理", "予以公开",
    "行政许可", "行政处罚", "行政事业性收费", "规章", "行政规范性文件", "结果维持", "总计", "\t", "\n", "\n\n",
    "0", "26", "２６", "1,234", "745.94", "/", "—", "——", "不适用", "-", "[image: 1]", "[bookmark: _Hlk1]",
    "2023年政府信息公开工作年度报告", "威海市文登区民政局", "2024年1月22日", "收到申请7件，较去年减少1件",
    "<table>", "<tr>", "<td rowspan=\"3\">", "</td>", "</table>", "&nbsp;", "<script>alert(1)</script>", "../../",
])
REPORTISH = st.lists(PIECES, max_size=80).map("".join)


def mutate(data: st.DataObject) -> bytes:
    """A seed report with a random slice deleted, duplicated or replaced."""
    text = data.draw(st.sampled_from(SEED_TEXTS))
    a = data.draw(st.integers(0, len(text)))
    b = data.draw(st.integers(a, min(len(text), a + 2000)))
    action = data.draw(st.sampled_from(["delete", "duplicate", "replace", "digits"]))
    if action == "delete":
        text = text[:a] + text[b:]
    elif action == "duplicate":
        text = text[:b] + text[a:b] + text[b:]
    elif action == "replace":
        text = text[:a] + data.draw(REPORTISH) + text[b:]
    else:
        text = "".join(c if not c.isdigit() else data.draw(st.sampled_from("0123456789/—")) for c in text[a:b])
    encoding = data.draw(st.sampled_from(["utf-8", "gb18030", "utf-16", "utf-8-sig"]))
    return text.encode(encoding, errors="replace")


def _extract_ok(raw: bytes, name: str) -> None:
    draft = extract(raw, name, REGISTRY)
    assert isinstance(draft.text, str)
    assert isinstance(draft.data, dict)
    assert isinstance(draft.problems, list)


@FUZZ
@given(st.binary(max_size=4000), st.sampled_from(["r.txt", "r.html", "r.docx", "r.pdf", "r", "r.htm"]))
def test_extract_never_raises_on_random_bytes(raw: bytes, name: str) -> None:
    _extract_ok(raw, name)


@FUZZ
@given(st.data())
def test_extract_never_raises_on_mutated_reports(data: st.DataObject) -> None:
    _extract_ok(mutate(data), data.draw(st.sampled_from(["r.txt", "r.html"])))


@FUZZ
@given(REPORTISH, st.sampled_from(["utf-8", "gbk"]))
def test_extract_never_raises_on_reportish_html(body: str, encoding: str) -> None:
    page = f'<html><head><meta charset="{encoding}"></head><body>{body}</body></html>'
    _extract_ok(page.encode(encoding, errors="replace"), "r.html")


@settings(max_examples=40, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.data())
def test_ingest_writes_a_draft_or_refuses_and_stays_inside_content(tmp_path_factory, data: st.DataObject) -> None:
    work = tmp_path_factory.mktemp("ingest")
    content = work / "content"
    shutil.copytree(ROOT / "content", content)
    raw = mutate(data)
    source = work / "incoming" / data.draw(st.sampled_from(["report.txt", "报告.txt", "a b.html"]))
    source.parent.mkdir()
    source.write_bytes(raw)
    before = set(work.rglob("*"))
    args = [str(source), "--content", str(content)]
    if data.draw(st.booleans()):
        args += ["--agency", data.draw(st.sampled_from(["wendeng-civil-affairs", "../evil", "新机构", "x" * 300]))]
    if data.draw(st.booleans()):
        args += ["--year", data.draw(st.sampled_from(["2023", "-1", "99999", "abc", "2023/../../x"]))]
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = run(args)
        except SystemExit as exc:  # argparse refusing an argument is a clear refusal too
            code = exc.code
    assert "Traceback" not in err.getvalue()
    assert isinstance(code, int)
    if code != 0:
        assert err.getvalue().strip() or out.getvalue().strip(), "a refusal must say why"
    created = set(work.rglob("*")) - before
    for path in created:
        assert path.resolve().is_relative_to(content.resolve()), f"wrote outside content/: {path}"
    for path in created:
        if path.suffix == ".yaml":
            assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict)
    # reviewed seed content is never overwritten without --force
    for seed in (ROOT / "content/reports").glob("*/*.yaml"):
        rel = seed.relative_to(ROOT / "content")
        assert (content / rel).read_bytes() == seed.read_bytes()
