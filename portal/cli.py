"""The command line: argument parsing and exit codes, nothing else.

Content problems print one line each (``file:line: field: message``, in Chinese) and exit 1;
they never show a Python traceback. An unexpected internal error exits 70 with a short message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ContentError, describe_os_error

ROOT = Path(__file__).resolve().parent.parent
EXIT_CONTENT = 1
EXIT_INTERNAL = 70
EXIT_IO = 74  # sysexits' EX_IOERR: the machine failed a read or write


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py",
                                description="政府信息公开工作年度报告网站：检查内容、生成网站、本地预览、导入报告")
    sub = p.add_subparsers(dest="command", title="命令")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--content", type=Path, default=ROOT / "content", help="内容文件夹（默认 content/）")

    b = sub.add_parser("build", help="生成网站（不写命令时就是它）", description="检查内容并生成网站")
    common(b)
    b.add_argument("--out", type=Path, default=ROOT / "site", help="输出文件夹（默认 site/）")
    b.add_argument("--no-search", action="store_true", help="不建搜索索引（更快）")
    b.add_argument("--strict", action="store_true", help="有警告也算失败（上线前用）")
    b.add_argument("--base-url", metavar="URL", help="本站网址，优先于 content/site.yaml 和环境变量 URL")
    b.add_argument("--full", action="store_true",
                   help="完整构建：不用缓存、不沿用现有站点的文件（结果与增量构建逐字节相同）")
    b.add_argument("--cache", type=Path, metavar="DIR",
                   help="构建缓存文件夹（默认在输出文件夹旁：.<输出名>.cache；缺失或损坏时即完整构建）")
    c = sub.add_parser("check", help="检查 content/，列出所有问题", description="检查内容，列出所有问题；不生成网站")
    common(c)
    c.add_argument("--write-schema", action="store_true", help="重写 content/schema/*.json（供编辑器自动补全）")
    s = sub.add_parser("serve", help="生成网站并在本机预览，每次保存后重建",
                       description="生成网站，在本机预览，每次保存后重建")
    common(s)
    s.add_argument("--out", type=Path, default=ROOT / "site", help="输出文件夹（默认 site/）")
    s.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    s.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只有本机能访问）")
    sub.add_parser("ingest", help="从报告原件起草报告 YAML（详见 build.py ingest -h）", add_help=False)
    return p


def main(argv: list[str]) -> int:
    if argv[:1] == ["ingest"]:
        from .ingest import run

        return _guard(lambda: run(argv[1:]))
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["build", *argv]  # `build.py --out DIR` means `build.py build --out DIR`
    args = _parser().parse_args(argv)
    if args.command == "check":
        return _guard(lambda: _check(args.content, args.write_schema))
    if args.command == "serve":
        return _guard(lambda: _serve(args))
    return _guard(lambda: _build(args))


def _build(args: argparse.Namespace) -> int:
    from .build import build_site
    from .buildcache import default_cache

    return build_site(args.content, args.out, search=not args.no_search, strict=args.strict,
                      base_url=args.base_url, full=args.full,
                      cache=args.cache or default_cache(args.out.resolve())).exit_code


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(args.content, args.out, host=args.host, port=args.port)


def _check(content: Path, write_schema: bool) -> int:
    from .findings import site_findings, unproven_cells
    from .load import load_content
    from .schemafiles import stale_schemas, write_schemas
    from .settings import check_settings

    if write_schema:
        for path in write_schemas(content):
            print(f"已写出 {path}")
    problems = check_settings(content)
    try:
        site = load_content(content)
    except ContentError as exc:
        raise ContentError(problems + exc.problems) from None
    if problems:
        raise ContentError(problems)
    for stale in stale_schemas(content):
        print(f"警告：{stale} 已过时：请运行 python build.py check --write-schema")
    for finding in site_findings(site):
        print(finding)
    failing = sum(len(r.unconfirmed_failures) for r in site.reports)
    confirmed = sum(len(r.failing_checks) for r in site.reports) - failing
    untraced = sum(len(r.untraced) for r in site.reports)
    unproven = sum(len(unproven_cells(r)) for r in site.reports)
    # "passed" only when nothing is left for a person: a confirmed (as_printed) inconsistency is the source's own
    verdict = "检查通过" if not (failing or untraced or unproven) else "检查完成，有问题待处理"
    print(f"{verdict}：{len(site.agencies)} 个机构，{len(site.reports)} 份报告；"
          f"{failing} 项勾稽关系核对不一致，{untraced} 个表格数字在原文中找不到"
          + (f"，{unproven} 个图片识别的数字待对照原图核对（unproven）" if unproven else "")
          + (f"，{confirmed} 项不一致已确认原文如此（as_printed）" if confirmed else "")
          + ("（以上逐条列出，并在各报告页上注明）" if failing or untraced or confirmed or unproven else ""))
    return 0


def _without_traceback(message: str) -> str:
    """A child process's failure carries its traceback (the dev server shows it); a command names
    what failed and the error's own last line."""
    head, marker, rest = message.partition("Traceback (most recent call last):")
    if not marker:
        return message
    last = [line for line in rest.splitlines() if line.strip() and not line.startswith((" ", "\t"))]
    return f"{head.strip()} {last[-1].strip() if last else ''}".strip()


def _guard(action) -> int:  # noqa: ANN001 - a thunk
    """Run a command; content problems become lines and exit 1, never a traceback."""
    try:
        return action()
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"共 {len(exc.problems)} 个问题；什么也没有写出。", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except OSError as exc:
        print(describe_os_error(exc), file=sys.stderr)
        print("没有写出半成品；原有的网站和内容文件没有改动。", file=sys.stderr)
        return EXIT_IO
    except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
        print(f"内部错误：{type(exc).__name__}: {_without_traceback(str(exc))}", file=sys.stderr)
        print("这是网站程序的缺陷，不是内容的问题；请报告它。", file=sys.stderr)
        return EXIT_INTERNAL
