"""Rendering a page: the Jinja environment (one a build), its globals and filters, the
fingerprinted static files (the markup helpers pages call most are ``figuremarkup``'s and
``reportmarkup``'s, made globals here).

Which page is rendered with which context into which file is the site map's business
(``sitemap``); what a context holds is ``pages``'.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from . import form
from .checks import FAIL, PASS, UNKNOWN
from .feedentries import cn_date, feed_entries
from .figuremarkup import indicator_rows_markup, total_markup, value_markup, year_rows_markup, yoy_rows_markup
from .figures import fmt_number
from .formtables import NULL_MARK, UNPROVEN_MARK, UNPROVEN_NOTE
from .model import compare_url
from .reportmarkup import rules_markup, text_markup
from .settings import PLACEHOLDER
from .similarity import MIN_CHARS, REPEAT_SHARE
from .text import CELLS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
STATIC = ROOT / "static"

SITE_NAME = "政府信息公开年报库"
SITE_TAGLINE = "各级行政机关《政府信息公开工作年度报告》的原文与数据"
DEFAULT_BASE_URL = PLACEHOLDER
"""Where absolute links point while no public address is configured. The build passes the real
one (``settings.resolve_address``: content/site.yaml, Netlify's URL, --base-url)."""

NAV = (
    ("home", "首页", "/"),
    ("agencies", "机构", "/agencies/"),
    ("years", "年度", "/years/"),
    ("indicators", "指标", "/indicators/"),
    ("compare", "比较", "/compare/"),
    ("data", "数据", "/data/"),
    ("search", "检索", "/search/"),
    ("about", "关于", "/about/"),
)


def render_markdown(text: str) -> Markup:
    """Editor-written prose; raw HTML is off so the CSP-safe pages cannot be broken from content."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    return Markup(md.render(text))


def static_files(static_dir: Path = STATIC) -> dict[str, tuple[str, Path]]:
    """name → (fingerprinted URL, file): /static/style.3f2a9c1d.css can be cached for a year."""
    manifest = {}
    for path in sorted(p for p in static_dir.iterdir() if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        manifest[path.name] = (f"/static/{path.stem}.{digest}{path.suffix}", path)
    return manifest


class MissingTemplate(LookupError):
    """A template that is not in templates/: the message says which file was tried."""


def make_env(base_url: str, static: dict[str, tuple[str, Path]], templates: Path = TEMPLATES) -> jinja2.Environment:
    """One environment per build: templates compile once and are reused for every page."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # a build makes its own environment; no stat() of three templates a page
    )

    def static_url(name: str) -> str:
        if name not in static:
            raise MissingTemplate(f"static file {name!r} not found in {STATIC}")
        return static[name][0]

    env.globals.update(
        SITE_NAME=SITE_NAME, SITE_TAGLINE=SITE_TAGLINE, NAV=NAV, BASE_URL=base_url,
        static_url=static_url, value=value_markup, total=total_markup, form=form, PASS=PASS, FAIL=FAIL,
        UNKNOWN=UNKNOWN, CELLS=CELLS, NULL_MARK=NULL_MARK, UNPROVEN_MARK=UNPROVEN_MARK, UNPROVEN_NOTE=UNPROVEN_NOTE,
    )
    # the report page's text and rule list, the agency page's key figures: written in Python for speed
    env.globals.update(text_blocks=text_markup, rule_items=rules_markup, yoy_rows=yoy_rows_markup,
                       year_rows=year_rows_markup, indicator_rows=indicator_rows_markup)
    env.globals["compare_url"] = compare_url  # the "compare with…" links of agency and report pages
    env.globals.update(REPEAT_PERCENT=round(REPEAT_SHARE * 100), MIN_SENTENCE_CHARS=MIN_CHARS)  # similarity.py
    env.filters["number"] = fmt_number
    env.filters["cn_date"] = cn_date
    env.globals["feed_entries"] = feed_entries  # the Atom feeds' entries, as markup (``feedentries``)
    return env


def compile_templates(env: jinja2.Environment) -> None:
    """Compile every template now: before render workers fork, so that every worker (and every
    fresh one replacing it) inherits them compiled instead of compiling them again."""
    for name in env.list_templates():
        env.get_template(name)


def render_page(env: jinja2.Environment, template_name: str, make_context: Callable[[], Any]) -> bytes:
    """The page's bytes: its template rendered with the fields of the context ``make_context`` builds."""
    try:
        template = env.get_template(template_name)
    except jinja2.TemplateNotFound as exc:
        tried = Path(env.loader.searchpath[0]) / template_name if isinstance(env.loader, jinja2.FileSystemLoader) \
            else template_name
        raise MissingTemplate(f"template {template_name!r} not found (tried {tried})") from exc
    made = make_context()
    context = {f.name: getattr(made, f.name) for f in fields(made)}
    return template.render(**context).encode("utf-8")
