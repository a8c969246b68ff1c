"""Who published the report, for which year, when, and how to reach them.

The agency is found through the registry (names and aliases) in the lines before and on the
title line, so a stray word before the name (seed 000's 加大) or a short name still finds
the registered agency; the report then carries the registered name. The statistical year is
the one in the title; the publication date is a date standing alone at the end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

from .numbers import fold

_DIGIT = "0-9０-９"
_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "Ｏ": "0", "O": "0"}
TITLE = re.compile(
    rf"([{_DIGIT}]{{4}}|[〇零○Ｏ一二三四五六七八九]{{4}})\s*年度?([^。；]{{0,16}}?)(?:政府信息公开|政务公开|信息公开)[^。；]{{0,12}}?报告"
)
_DATE = re.compile(rf"([{_DIGIT}]{{4}})\s*年\s*([{_DIGIT}]{{1,2}})\s*月\s*([{_DIGIT}]{{1,2}})\s*日")
_CN = "〇零○Ｏ一二三四五六七八九"
_CN_DATE = re.compile(rf"([{_CN}]{{4}})年([{_CN}十]{{1,2}})月([{_CN}十]{{1,3}})日")
_NAME_LINE = re.compile(r"^[\u4e00-\u9fff（）()·]{2,40}$")
_MARKER = re.compile(r"\[(?:bookmark|image):[^\]]*\]")
_LEAD_WORD = re.compile(r"^关于")  # 关于XX局2022年度政府信息公开工作年度报告
_SEAL_NOTE = re.compile(r"\s*[（(【\[][^）)】\]]{0,12}[）)】\]]$")
_SIGNER = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}?(?:人民政府|政府|办公室|办公厅|局|委员会|管委会|办事处|厅)\s+")

_PHONE = rf"([{_DIGIT}(（][{_DIGIT}—\-－–()（） ]{{5,24}}[{_DIGIT}])"
CONTACT_PATTERNS: dict[str, tuple[str, ...]] = {
    "office": (r"请与\s*([^，。；、（()\n]{2,40}?)\s*联系", r"联系(?:单位|部门)[:：]\s*([^，。；、\s()（）]{2,40})"),
    "address": (r"(?:通讯地址|联系地址|办公地址|地址)[:：]\s*([^，。；;,）)\n]{3,60})",),
    "postcode": (rf"(?:邮政编码|邮编)[:：]?\s*([{_DIGIT}]{{6}})(?![{_DIGIT}])",),
    "phone": (rf"(?:办公电话|联系电话|咨询电话|电话)[:：]?\s*{_PHONE}",),
    "fax": (rf"传真[:：]?\s*{_PHONE}",),
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
    printed_name: str | None = None  # the name as the report prints it
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
    ``…局政府信息公开工作年度报告``) counts only when the match spans the line break.
    """
    for text in (clean, clean + following):
        match = TITLE.search(text) if len(text) <= 80 else None
        if match and _year(match.group(1)) is not None and (text is clean or match.start() < len(clean) < match.end()):
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
        before = _LEAD_WORD.sub("", clean[: match.start()].strip())
        rest = clean[match.start():].strip()
        middle = match.group(2).strip()
        if not before and kind_of(middle) != "其他":  # 2022年度 / XX局政府信息公开工作年度报告
            before, rest = middle, clean[match.start():].replace(middle, "", 1).strip()
        if before:
            head = [before]
        elif head and not _NAME_LINE.match(head[-1]):
            head = []
        meta.printed_name = before or (head[-1] if head else None)
        meta.agency, alias = match_agency(head, registry)
        name = meta.agency["name"] if meta.agency else meta.printed_name
        meta.title = f"{name}{rest}" if name else rest
        if meta.agency and alias and alias not in (meta.agency["name"],) and alias == meta.printed_name:
            meta.notes.append(f"原文机关名称印作“{alias}”，按登记名称“{meta.agency['name']}”记录，原文保持原样。")
        break
    meta.published = read_published(lines)
    if meta.agency is None and meta.printed_name is None:
        meta.agency, _ = match_agency(["".join(lines[:40])], registry, names_only=True)
    return meta


def match_agency(head: list[str], registry: list[dict], names_only: bool = False) -> tuple[dict | None, str | None]:
    """The registry entry whose name or alias is the longest one printed in ``head``.

    Ties between different agencies are not broken: the wrong agency is worse than none.
    """
    text = re.sub(r"\s+", "", "".join(head))
    best: list[tuple[int, str, dict]] = []
    for entry in registry:
        names = [entry.get("name")] + ([] if names_only else list(entry.get("aliases") or []))
        for name in names:
            if isinstance(name, str) and name and name in text:
                best.append((len(name), name, entry))
    if not best:
        return None, None
    best.sort(key=lambda b: -b[0])
    top = [b for b in best if b[0] == best[0][0]]
    if len({b[2].get("slug") for b in top}) > 1:
        return None, None
    return top[0][2], top[0][1]


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
    """Contact details as printed (first occurrence of each), None when not printed."""
    out: dict[str, str | None] = {}
    for key, patterns in CONTACT_PATTERNS.items():
        out[key] = None
        for pattern in patterns:
            if m := re.search(pattern, text):
                value = m.group(1).strip().rstrip(".,;:")
                out[key] = value or None
                break
    return out


_KINDS = (
    ("街道办事处", "街道办事处"),
    ("街道", "街道办事处"),
    ("人民政府办公室", "政府办公室"),
    ("政府办公室", "政府办公室"),
    ("镇人民政府", "乡镇人民政府"),
    ("乡人民政府", "乡镇人民政府"),
    ("镇政府", "乡镇人民政府"),
    ("乡政府", "乡镇人民政府"),
    ("人民政府", "人民政府"),
    ("镇", "乡镇人民政府"),
    ("乡", "乡镇人民政府"),
    ("管委会", "开发区管委会"),
    ("管理委员会", "开发区管委会"),
    ("局", "部门"),
    ("委员会", "部门"),
    ("办公室", "部门"),
    ("厅", "部门"),
)


def kind_of(name: str) -> str:
    """The registry kind an agency's name implies (its deadline depends on it), or 其他."""
    return next((k for suffix, k in _KINDS if name.endswith(suffix)), "其他")


def draft_agency(name: str, contact: dict[str, str | None], taken: set[str]) -> dict:
    """A registry entry for an agency the registry lacks, for a person to review.

    The slug is ASCII but not a reading of the name (no pinyin library here): a person
    replaces it with a meaningful one when reviewing, before the URL is published.
    """
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()
    n = 8
    while (slug := f"agency-{digest[:n]}") in taken and n < len(digest):
        n += 2
    jurisdiction = re.findall(r"[\u4e00-\u9fff]{1,8}?(?:省|自治区|市|自治州|地区|盟|区|县|旗)", name)[:3]
    kind = kind_of(name)
    return {
        "slug": slug,
        "name": name,
        "jurisdiction": jurisdiction or ["待核实"],
        "kind": kind,
        "website": contact.get("website"),
        "address": contact.get("address"),
        "phone": contact.get("phone"),
        "aliases": [],
        "draft": True,
    }
