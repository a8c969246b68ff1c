"""Who published the report, for which year, when, and how to reach them.

The agency's name is the one printed before the year of the title (or on the line before it),
without what archives, CMS pages and Markdown wrap it in (``agency.printed_name``); it is then
looked up in the registry (``agency.match_agency``), so a short name, an alias or a stray word
before the name (seed 000's 加大) still finds the registered agency, and the report carries the
registered name. A near miss is only suggested to the editor. The statistical year is the one
in the title, never a web archive's 发布时间; the publication date is a date standing alone at
the end, or failing that the archive's 发布时间, said so in a note.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .agency import (
    kind_of,
    known_places,
    match_agency,
    printed_name,
    registered_name_in,
    strip_stray_prefix,
)
from .numbers import fold
from .slugs import draft_agency

_DIGIT = "0-9０-９"
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0", "O": "0"}
TITLE = re.compile(
    rf"([{_DIGIT}]{{4}}|[〇零○Ｏ一二三四五六七八九]{{4}})\s*年度?([^。；]{{0,16}}?)(?:政府信息公开|政务公开|信息公开)[^。；]{{0,12}}?报告"
)
TITLE_YEAR_AFTER = re.compile(
    rf"(?:政府信息公开|政务公开|信息公开)[^。；（(]{{0,12}}?报告\s*[（(]\s*([{_DIGIT}]{{4}}|[〇零○Ｏ一二三四五六七八九]{{4}})"
    rf"\s*年度?\s*[）)]()"
)
"""A title that prints its year after it: ``XX局政府信息公开工作年度报告（2022年度）``."""
_DATE = re.compile(rf"([{_DIGIT}]{{4}})\s*年\s*([{_DIGIT}]{{1,2}})\s*月\s*([{_DIGIT}]{{1,2}})\s*日")
_CN = "〇零○Ｏ一二三四五六七八九"
_CN_DATE = re.compile(rf"([{_CN}]{{4}})年([{_CN}十]{{1,2}})月([{_CN}十]{{1,3}})日")
_MARKER = re.compile(r"\[(?:bookmark|image):[^\]]*\]")
_SEAL_NOTE = re.compile(r"\s*[（(【\[][^）)】\]]{0,12}[）)】\]]$")
_SIGNER = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}?(?:人民政府|政府|办公室|办公厅|局|委员会|管委会|办事处|厅)\s+")
_ARCHIVE_DATE = re.compile(
    rf"^\s*(?:发布时间|发布日期|发文日期|成文日期|印发日期|日期|时间)\s*[:：]\s*"
    rf"([{_DIGIT}]{{4}})\s*[-/.年]\s*([{_DIGIT}]{{1,2}})\s*[-/.月]\s*([{_DIGIT}]{{1,2}})\s*日?"
    rf"(?:\s+[{_DIGIT}]{{1,2}}[:：][{_DIGIT}]{{2}}(?:[:：][{_DIGIT}]{{2}})?)?\s*$"
)
"""A web archive's or CMS page's header field: ``发布时间: 2020-01-20 15:22``."""
_ARCHIVE_LINK = re.compile(r"^\s*(?:原文链接|原文地址|原文网址|页面地址|本地目录)\s*[:：]\s*(\S*)")
_HEADER_LINES = 15
"""How many non-blank lines at the top may be an archive's header (title, date, link)."""

_PHONE = rf"([{_DIGIT}(（][{_DIGIT}—\-－–()（） ]{{5,24}}[{_DIGIT}])"
CONTACT_PATTERNS: dict[str, tuple[str, ...]] = {
    "office": (r"请与\s*([^，。；、（()\n]{2,40}?)\s*联系", r"联系(?:单位|部门)[:：]\s*([^，。；、\s()（）]{2,40})"),
    # an address stops at the next field's name, too: flattened web text glues 邮编/电话 onto it
    "address": (r"(?:通讯地址|联系地址|办公地址|地址)[:：]\s*((?:(?!邮\s*编|邮政编码|电\s*话|传\s*真|电子邮箱|网\s*址)"
                r"[^，。；;,）)\n]){3,60})",),
    "postcode": (rf"(?:邮政编码|邮\s?编)[:：]?\s*([{_DIGIT}]{{6}})(?![{_DIGIT}])",),
    "phone": (rf"(?:办公电话|联系电话|咨询电话|电\s?话)(?:/传真)?[:：]?\s*{_PHONE}",),
    "fax": (rf"传\s?真[:：]?\s*{_PHONE}",),
    "email": (r"([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)",),
    "website": (r"(https?://[A-Za-z0-9._~:/?#@!$&'*+,;=%-]+)",),
}


@dataclass
class Meta:
    """What the first and last lines of a report say about it."""

    year: int | None = None
    title: str | None = None
    published: dt.date | None = None
    agency: dict | None = None  # the registry entry, when registered
    printed_name: str | None = None  # the name as the report prints it, without archive/CMS furniture
    suggestion: str | None = None  # "did you mean SLUG (NAME)?" when the name nearly matches an entry
    tied: tuple[str, ...] = ()  # slugs of agencies the name matches equally well: ask, do not draft
    notes: list[str] = field(default_factory=list)


def cn_number(text: str) -> int | None:
    """一 … 三十一 and digit-by-digit 二〇二三 as an int."""
    if all(c in _CN_DIGITS for c in text):
        return int("".join(_CN_DIGITS[c] for c in text))
    if "十" in text:
        tens, _, ones = text.partition("十")
        t = int(_CN_DIGITS.get(tens, "")) if tens else 1
        return t * 10 + (int(_CN_DIGITS[ones]) if ones else 0)
    return None


def _year(text: str) -> int | None:
    value = int(fold(text)) if fold(text).isdigit() else cn_number(text)
    return value if value is not None and 1990 <= value <= 2100 else None


def find_title(clean: str, following: str) -> tuple[str, re.Match[str]] | None:
    """The title on one line, or on this line and the next when it wraps mid-phrase.

    A wrapped title (``…2022年度政府信息`` / ``公开工作年度报告``, or ``2022年度`` /
    ``…局政府信息公开工作年度报告``) counts only when the match spans the line break. The year
    may also follow the title in brackets (``…年度报告（2022年度）``).
    """
    for text in (clean, clean + following):
        for pattern in (TITLE, TITLE_YEAR_AFTER):
            match = pattern.search(text) if len(text) <= 80 else None
            spans = text is clean or (match is not None and match.start() < len(clean) < match.end())
            if match and _year(match.group(1)) is not None and spans:
                return text, match
    return None


def read_meta(lines: list[str], registry: list[dict]) -> Meta:
    meta = Meta()
    head: list[str] = []
    cleaned = [_MARKER.sub("", line).strip() for line in lines[:200]]
    for n, clean in enumerate(cleaned):
        following = next((c for c in cleaned[n + 1:] if c), "")
        found = find_title(clean, following) if clean else None
        if found is None:
            if clean:
                head = (head + [clean])[-3:]
            continue
        clean, match = found
        meta.year = _year(match.group(1))
        rest = clean[match.start():match.end()]
        name = printed_name(clean[: match.start()])
        middle = match.group(2).strip()
        if name is None and (named := printed_name(middle)) and kind_of(named) != "其他":
            name, rest = named, rest.replace(middle, "", 1)  # 2022年度 / XX局政府信息公开工作年度报告
        on_title_line = name is not None
        if name is None and head:
            name = printed_name(head[-1])
        _identify(meta, name, registry, [] if on_title_line else head)
        registered = meta.agency["name"] if meta.agency else meta.printed_name
        meta.title = f"{registered}{rest}" if registered else rest
        break
    if meta.agency is None and meta.printed_name is None:
        meta.agency = registered_name_in("".join(lines[:40]), registry)
    meta.published = read_published(lines)
    if meta.published is None:
        _archive_date(meta, lines)
    return meta


def _identify(meta: Meta, name: str | None, registry: list[dict], head: list[str]) -> None:
    """The registry entry ``name`` is; else the printed name, and a suggestion when one is near."""
    found = match_agency(name, registry)
    if found.entry is None and not found.tied and name:
        stripped, stray = strip_stray_prefix(name, known_places(registry))
        if stray:
            name, found = stripped, match_agency(stripped, registry)
            meta.notes.append(f"原文机关名称前印有“{stray}”，不是名称的一部分，未计入机关名称。")
    if found.entry is None and not found.tied and head:  # a name broken over the lines before the title
        entry = registered_name_in("".join(head), registry)
        if entry is not None:
            name, found = entry["name"], match_agency(entry["name"], registry)
    meta.printed_name = name
    meta.agency = found.entry
    meta.suggestion = found.suggestion_text()
    meta.tied = tuple(str(e.get("slug")) for e in found.tied)
    if found.entry and name and name != found.entry["name"]:
        meta.notes.append(f"原文机关名称印作“{name}”，按登记名称“{found.entry['name']}”记录，原文保持原样。")


def _header(lines: list[str]) -> list[str]:
    return [line for line in lines if line.strip()][:_HEADER_LINES]


def _archive_date(meta: Meta, lines: list[str]) -> None:
    """A web archive's 发布时间 as the publication date, when the body prints none.

    It is never the statistical year (that is the title's), and is taken only when it falls
    after that year: a report is published the year after the one it reports on.
    """
    for line in _header(lines):
        if not (m := _ARCHIVE_DATE.match(line)):
            continue
        try:
            date = dt.date(*(int(fold(g)) for g in m.groups()))
        except ValueError:
            return
        if meta.year is not None and date.year > meta.year:
            meta.published = date
            meta.notes.append(f"印发日期取自网页存档页首的“{line.strip()}”，正文末尾没有印发日期。")
        return


def _date_part(line: str) -> str:
    """A signature line without a seal note after the date or the signer's name before it."""
    line = _SEAL_NOTE.sub("", line).strip()
    signer = _SIGNER.match(line)
    return line[signer.end():] if signer else line


def read_published(lines: list[str]) -> dt.date | None:
    """The date standing alone on one of the last lines, or None when none is printed.

    "Alone" allows what a signature block puts beside it: the signer's name before it
    (``XX乡人民政府 2023年1月16日``) and a seal note after it (``（印章）``), nothing else.
    """
    tail = [_date_part(line.strip()) for line in lines if line.strip()][-6:]
    for line in reversed(tail):
        parts: tuple[int | None, ...] | None = None
        if m := _DATE.fullmatch(line):
            parts = tuple(int(fold(g)) for g in m.groups())
        elif m := _CN_DATE.fullmatch(line):
            parts = tuple(cn_number(g) for g in m.groups())
        if parts is None or None in parts:
            continue
        try:
            return dt.date(*parts)  # type: ignore[arg-type]
        except ValueError:
            return None
    return None


def read_contact(text: str) -> dict[str, str | None]:
    """Contact details as printed (first occurrence of each), None when not printed.

    A web archive's ``原文链接: https://…`` is where the report was copied from, not the
    agency's website: such header lines are not read.
    """
    text = "\n".join(line for line in text.split("\n") if not _ARCHIVE_LINK.match(line))
    out: dict[str, str | None] = {}
    for key, patterns in CONTACT_PATTERNS.items():
        out[key] = None
        for pattern in patterns:
            if m := re.search(pattern, text):
                value = m.group(1).strip().rstrip(".,;:")
                out[key] = value or None
                break
    return out


__all__ = ["Meta", "draft_agency", "find_title", "kind_of", "read_contact", "read_meta", "read_published"]
