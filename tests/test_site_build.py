"""The build: deterministic, atomic, incremental (write_site), strict, and honest about search."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CONTENT, ROOT

from portal.build import BuildResult, build_site, recover, write_site
from portal.errors import ContentError
from portal.load import load_content


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_seed_build_result(built: tuple[Path, BuildResult]) -> None:
    out, result = built
    # content/site.yaml leaves the address to the deploy (Netlify's URL): the only warning here
    assert result.exit_code == 0 and [w[:7] for w in result.warnings] == ["本站网址未设置"]
    assert result.pages == len(snapshot(out)) and result.changed == result.pages
    assert result.seconds < 30


def test_build_is_deterministic(tmp_path: Path, site_dir: Path) -> None:
    other = tmp_path / "again"
    build_site(CONTENT, other, search=False, progress=False)
    assert snapshot(other) == snapshot(site_dir)


def test_rebuild_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(CONTENT, out, search=False, progress=False)
    before = {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()}
    again = build_site(CONTENT, out, search=False, progress=False)
    assert again.exit_code == 0 and again.changed == 0
    assert {p: p.stat().st_ino for p in out.rglob("*") if p.is_file()} == before  # hard-linked, not rewritten


def test_failed_build_leaves_the_previous_site_untouched(scratch_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(scratch_content, out, search=False, progress=False)
    before = snapshot(out)
    (scratch_content / "reports/weihai-torch-hitech-zone/2023.yaml").write_text("agency: [unclosed\n", encoding="utf-8")
    with pytest.raises(ContentError) as problem:
        build_site(scratch_content, out, search=False, progress=False)
    assert "2023.yaml" in str(problem.value.problems[0])
    assert snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["content", "site"]  # temp dirs removed


def _file_size_limit() -> None:
    """In the child: writes past 150 kB fail (EFBIG) as they would on a full disk (ENOSPC)."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (150_000, 150_000))


def test_a_failed_write_while_rendering_keeps_the_previous_site(scratch_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(scratch_content, out, search=False, progress=False)
    before = snapshot(out)
    path = scratch_content / "reports/weihai-torch-hitech-zone/2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("licensing: 34240", "licensing: 34241"), encoding="utf-8")
    # /data/reports.json (190 kB) changes with that number and can no longer be written
    run = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(scratch_content),
                          "--out", str(out), "--no-search"], capture_output=True, text=True, check=False,
                         preexec_fn=_file_size_limit)
    assert run.returncode == 74, run.stderr
    assert "读写文件失败" in run.stderr and "文件超过系统允许的大小（EFBIG）" in run.stderr
    assert "Traceback" not in run.stderr and "内部错误" not in run.stderr
    assert snapshot(out) == before
    assert not list(tmp_path.glob("build-tmp-site-*"))


def test_hard_linked_files_of_the_live_site_are_never_modified(scratch_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(scratch_content, out, search=False, progress=False)
    page = out / "reports/weihai-torch-hitech-zone/2023/index.html"
    held = tmp_path / "held.html"
    os.link(page, held)  # a reader holding the old file open, in effect
    old = held.read_bytes()
    path = scratch_content / "reports/weihai-torch-hitech-zone/2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("licensing: 34240", "licensing: 34241"), encoding="utf-8")
    result = build_site(scratch_content, out, search=False, progress=False)
    assert held.read_bytes() == old
    assert "34241" in page.read_text(encoding="utf-8")
    changed = result.changed
    assert 0 < changed < result.pages  # only what depends on that number


def test_recover_after_dying_between_the_renames(tmp_path: Path) -> None:
    out = tmp_path / "site"
    old = tmp_path / "build-tmp-site-old"
    new = tmp_path / "build-tmp-site-new"
    old.mkdir()
    (old / "index.html").write_text("previous", encoding="utf-8")
    new.mkdir()
    recover(out)  # died after "out → old": put the old site back, drop the half-built one
    assert (out / "index.html").read_text(encoding="utf-8") == "previous"
    assert not old.exists() and not new.exists()
    old.mkdir()
    recover(out)  # died after "new → out": the new site is in place, drop the old one
    assert out.exists() and not old.exists()


def test_write_site_writes_only_changed_files_and_deletes_stale_ones(scratch_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "dev"
    site = load_content(scratch_content)
    first = write_site(site, out)
    assert len(first) == len(snapshot(out))
    assert write_site(site, out) == []
    (out / "pagefind").mkdir()
    (out / "pagefind" / "index.json").write_text("{}", encoding="utf-8")
    (out / "stale.html").write_text("old", encoding="utf-8")
    shutil.rmtree(scratch_content / "reports/wendeng-science-tech")
    changed = {p.relative_to(out).as_posix() for p in write_site(load_content(scratch_content), out)}
    assert "stale.html" in changed and not (out / "stale.html").exists()
    assert "reports/wendeng-science-tech/2022/index.html" in changed
    assert not (out / "reports/wendeng-science-tech").exists()  # empty folders go too
    assert "index.html" in changed  # the counts on the home page changed
    assert "reports/weihai-torch-hitech-zone/2023/index.html" not in changed
    assert (out / "pagefind/index.json").exists()  # the search index belongs to another step


def test_a_failure_a_reviewer_traced_to_the_source_is_shown_but_is_no_warning(soup, seed_site,
                                                                             scratch_content: Path,
                                                                             tmp_path: Path) -> None:
    # Pingtan 2020 prints outcomes that do not add up to its total; the reviewer recorded it as_printed
    report = seed_site.report("pingtan-zonghe-shiyanqu", 2020)
    assert {c.rule for c in report.failing_checks} == {"t3.outcomes"} and report.unconfirmed_failures == ()
    items = [" ".join(li.get_text(" ").split()) for li in soup(report.url).select(".failing-checks li")]
    assert len(items) == 2 and all("已与原文核对：原文即如此印制" in item for item in items)
    # without the reviewer's word, the same numbers are a warning (a typo until shown otherwise)
    path = scratch_content / "reports/pingtan-zonghe-shiyanqu/2020.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("as_printed:\n  - t3.outcomes\n", ""), encoding="utf-8")
    result = build_site(scratch_content, tmp_path / "site", search=False, progress=False,
                        base_url="https://nianbao.example.gov.cn")
    assert result.warnings == ["1 份报告共 2 项勾稽关系检查未通过（已在其页面上标出）："
                               "/reports/pingtan-zonghe-shiyanqu/2020/"]


def test_strict_fails_on_warnings_and_keeps_the_previous_site(scratch_content: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(scratch_content, out, search=False, progress=False)
    before = snapshot(out)
    path = scratch_content / "reports/weihai-torch-hitech-zone/2023.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("total: [25, 0, 0, 0, 0, 0, 25]",
                                                             "total: [24, 0, 0, 0, 0, 0, 25]"), encoding="utf-8")
    lenient = build_site(scratch_content, tmp_path / "lenient", search=False, progress=False)
    assert lenient.exit_code == 0 and any("勾稽关系检查未通过" in w for w in lenient.warnings)
    strict = build_site(scratch_content, out, search=False, strict=True, progress=False)
    assert strict.exit_code == 1 and strict.warnings == lenient.warnings
    assert snapshot(out) == before


def test_search_step_is_guarded_until_the_search_module_exists(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "portal.search", None)  # import fails, as before it is written
    result = build_site(CONTENT, tmp_path / "site", search=True, progress=False)
    assert result.exit_code == 0
    assert any("未建搜索索引" in w for w in result.warnings)


def test_cli_build_prints_a_summary(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "build.py", "build", "--out", str(tmp_path / "site"), "--no-search"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "个文件" in done.stderr and "份报告" in done.stderr and "条警告" in done.stderr
    assert (tmp_path / "site/index.html").is_file()


def test_cli_bad_content_exits_1_with_file_and_line(scratch_content: Path, tmp_path: Path) -> None:
    (scratch_content / "reports/weihai-torch-hitech-zone/2023.yaml").write_text("agency: [x\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "build.py", "build", "--content", str(scratch_content),
                           "--out", str(tmp_path / "site"), "--no-search"],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 1
    assert "2023.yaml" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "site").exists()
