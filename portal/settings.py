"""The site's own settings (``content/site.yaml``) and the public address the build writes.

The address starts every absolute link the site publishes: canonical and OpenGraph links, the
sitemap and robots.txt, the Atom feed, ``/data/datapackage.json`` and the citation example on
``/data/``. It is set in one place, ``content/site.yaml`` (``url:``), and may be overridden,
strongest first, by:

1. ``--base-url`` on the command line (``build_site(base_url=…)``);
2. Netlify's own variables, which every Netlify build has: ``DEPLOY_PRIME_URL`` in a deploy
   preview or branch deploy (``CONTEXT`` = ``deploy-preview`` / ``branch-deploy``), so a preview
   links to itself, and ``URL`` otherwise (the site's main address);
3. ``url:`` in ``content/site.yaml``.

With none of them, or with a placeholder (example.org, localhost …), pages still build with
``PLACEHOLDER`` and the build warns, so ``build --strict`` fails and says how to set it.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .errors import ContentError, Problem, display_path
from .schema import Validator
from .yamlsafe import YamlProblem, read_yaml

SETTINGS_FILE = "site.yaml"
SETTINGS_KEYS = ("url", "ranking_min_denominator")
RANKING_MIN_DENOMINATOR = 30
"""Below this denominator an agency is listed on the indicator rankings but not ranked: 2 of 2
is 100 %, and means nothing (``ranking_min_denominator`` in site.yaml overrides it)."""
PLACEHOLDER = "https://example.org"
"""What the links start with while no address is configured (a warning says so)."""
PREVIEW_CONTEXTS = ("deploy-preview", "branch-deploy")
"""Netlify's ``CONTEXT`` values of a build published at its own address (``DEPLOY_PRIME_URL``)."""
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
RESERVED_TLDS = ("example", "test", "invalid", "localhost", "local")
"""Names that can never be a public site (RFC 2606, RFC 6761): a placeholder, not an address."""
HOW_TO_SET = ("设置方法：在 content/site.yaml 中写 url: https://本站域名；"
              "或构建时设环境变量 URL（Netlify 上自动设置）；或加参数 --base-url https://本站域名")


@dataclass(frozen=True)
class Address:
    """The address the build writes, where it came from, and what is wrong with it (a warning)."""

    url: str
    source: str
    warning: str | None = None


def settings_path(content_dir: Path) -> Path:
    return content_dir / SETTINGS_FILE


def read_settings(content_dir: Path) -> dict:
    """``content/site.yaml`` as validated data (``{}`` when the file is missing or empty).

    Raises ``ContentError`` naming the file, line and field of every problem."""
    path = settings_path(content_dir)
    if not path.exists():
        return {}
    shown = display_path(path)
    try:
        located = read_yaml(path)
    except YamlProblem as exc:
        raise ContentError([Problem(shown, exc.message, exc.line, exc.field, exc.hint)]) from None
    except OSError as exc:
        raise ContentError([Problem(shown, f"无法读取文件：{exc.strerror or exc}")]) from None
    if located.data is None:
        return {}
    v = Validator(shown, located)
    if v.mapping(located.data, (), SETTINGS_KEYS):
        url = located.data.get("url")
        if url is not None:
            before = len(v.problems)
            v.url(url, ("url",))
            if len(v.problems) == before and (problem := _not_a_site_root(url)):
                v.add(("url",), problem, "只写协议和域名，如 https://nianbao.example.gov.cn")
        minimum = located.data.get("ranking_min_denominator")
        if minimum is not None and (isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1):
            v.add(("ranking_min_denominator",), f"应为正整数，实际是 {minimum!r}",
                  f"如 ranking_min_denominator: {RANKING_MIN_DENOMINATOR}")
    if v.problems:
        raise ContentError(v.problems)
    return located.data


def ranking_min_denominator(content_dir: Path) -> int:
    """The smallest denominator an agency is ranked with (``ranking_min_denominator``, default 30)."""
    return read_settings(content_dir).get("ranking_min_denominator") or RANKING_MIN_DENOMINATOR


def check_settings(content_dir: Path) -> list[Problem]:
    """Every problem of ``content/site.yaml`` (for ``build.py check``)."""
    try:
        read_settings(content_dir)
    except ContentError as exc:
        return exc.problems
    return []


def resolve_address(content_dir: Path, override: str | None = None,
                    environ: Mapping[str, str] | None = None) -> Address:
    """The site's public address, by the precedence of the module docstring.

    Raises ``ContentError`` when the settings file or the chosen value is not a web address."""
    environ = os.environ if environ is None else environ
    settings = read_settings(content_dir)
    context = environ.get("CONTEXT", "")
    candidates = [("--base-url", override)]
    if context in PREVIEW_CONTEXTS:
        candidates.append((f"环境变量 DEPLOY_PRIME_URL（Netlify，{context}）", environ.get("DEPLOY_PRIME_URL")))
    candidates += [("环境变量 URL", environ.get("URL")),
                   (display_path(settings_path(content_dir)), settings.get("url"))]
    source, url = next(((s, u.strip()) for s, u in candidates if u and u.strip()), ("", None))
    if url is None:
        return Address(PLACEHOLDER, "占位",
                       f"本站网址未设置，页面中的完整链接暂用占位地址 {PLACEHOLDER}。{HOW_TO_SET}")
    problem = None if url.lower().startswith(("http://", "https://")) else "应以 http:// 或 https:// 开头"
    problem = problem or _not_a_site_root(url)
    if problem:
        raise ContentError([Problem(source, f"本站网址 {url!r} {problem}",
                                    hint="只写协议和域名，如 https://nianbao.example.gov.cn")])
    url = url.rstrip("/")
    if _is_placeholder(url):
        return Address(url, source, f"本站网址 {url}（来自{source}）是占位地址，不是公开网址。{HOW_TO_SET}")
    return Address(url, source)


def _not_a_site_root(url: str) -> str | None:
    """Why ``url`` cannot start the site's links, or None: the site is served from its root."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return "不是有效的网址"
    if not parts.hostname:
        return "缺少域名"
    if parts.path.strip("/") or parts.query or parts.fragment:
        return "不能带路径、查询或锚点：本站的链接都从域名根目录开始"
    return None


def _is_placeholder(url: str) -> bool:
    host = (urlsplit(url).hostname or "").rstrip(".").lower()
    if host.rsplit(".", 1)[-1] in RESERVED_TLDS or any(host == d or host.endswith("." + d) for d in RESERVED_DOMAINS):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private or address.is_unspecified

