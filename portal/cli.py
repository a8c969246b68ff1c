"""The command line: argument parsing and exit codes, nothing else.

Content problems print one line each (``file:line: field: message``) and exit 1; they never
show a Python traceback. An unexpected internal error exits 70 with a short message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import ContentError

ROOT = Path(__file__).resolve().parent.parent
EXIT_CONTENT = 1
EXIT_INTERNAL = 70


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="build.py", description="政府信息公开工作年度报告 portal builder")
    sub = p.add_subparsers(dest="command")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--content", type=Path, default=ROOT / "content", help="content directory")

    b = sub.add_parser("build", help="build the site (the default command)")
    common(b)
    b.add_argument("--out", type=Path, default=ROOT / "site", help="output directory")
    b.add_argument("--no-search", action="store_true", help="skip the search index (faster)")
    b.add_argument("--strict", action="store_true", help="treat warnings as errors")
    b.add_argument("--base-url", metavar="URL", help="本站网址，优先于 content/site.yaml 和环境变量 URL")
    c = sub.add_parser("check", help="validate content/ and print every problem")
    common(c)
    c.add_argument("--write-schema", action="store_true", help="rewrite content/schema/*.json")
    s = sub.add_parser("serve", help="build, serve on localhost and rebuild on every save")
    common(s)
    s.add_argument("--out", type=Path, default=ROOT / "site")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument("--host", default="127.0.0.1")
    sub.add_parser("ingest", help="draft report YAML from raw reports (see: build.py ingest -h)", add_help=False)
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

    return build_site(args.content, args.out, search=not args.no_search, strict=args.strict,
                      base_url=args.base_url).exit_code


def _serve(args: argparse.Namespace) -> int:
    from .serve import serve

    return serve(args.content, args.out, host=args.host, port=args.port)


def _check(content: Path, write_schema: bool) -> int:
    from .load import load_content
    from .schemafiles import stale_schemas, write_schemas
    from .settings import check_settings

    if write_schema:
        for path in write_schemas(content):
            print(f"wrote {path}")
    problems = check_settings(content)
    try:
        site = load_content(content)
    except ContentError as exc:
        raise ContentError(problems + exc.problems) from None
    if problems:
        raise ContentError(problems)
    for stale in stale_schemas(content):
        print(f"warning: {stale} is out of date: run `python build.py check --write-schema`")
    failing = sum(len(r.failing_checks) for r in site.reports)
    print(f"ok: {len(site.agencies)} agencies, {len(site.reports)} reports; "
          f"{failing} failing consistency checks (shown on the report pages)")
    return 0


def _guard(action) -> int:  # noqa: ANN001 - a thunk
    """Run a command; content problems become lines and exit 1, never a traceback."""
    try:
        return action()
    except ContentError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s); nothing was written.", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence against a traceback
        print(f"internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("This is a bug in the portal, not in your content; please report it.", file=sys.stderr)
        return EXIT_INTERNAL
