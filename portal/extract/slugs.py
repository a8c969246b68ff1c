"""Slugs and drafted registry entries for agencies the registry lacks.

- ``slug_for``: a readable, unique slug from the printed name (pinyin of its most specific place,
  then of the rest, one word per known word).
- ``place_slug_words`` / ``plain_pinyin``: how a jurisdiction's slug spells a place.
- ``draft_agency``: a registry entry for a person to review, with the jurisdiction the name prints
  and the kind it shows.
"""

from __future__ import annotations

import re
import unicodedata

from pypinyin import lazy_pinyin

from .agency import _CJK, Place, jurisdiction_of, kind_of, places_of

_MAX_SLUG = 60
"""Longest slug: a URL segment a person can still read and type."""

_SLUG_WORDS = (
    ("人民政府办公室", "zhengfu-bangongshi"), ("政府办公室", "zhengfu-bangongshi"), ("人民政府", "zhengfu"),
    ("政府", "zhengfu"), ("管理委员会", "guanweihui"), ("管委会", "guanweihui"), ("街道办事处", "jiedao"),
    ("办事处", "banshichu"), ("办公室", "bangongshi"), ("办公厅", "bangongting"), ("委员会", "weiyuanhui"),
    ("综合实验区", "zonghe-shiyanqu"), ("综合试验区", "zonghe-shiyanqu"), ("经济技术开发区", "jingji-jishu-kaifaqu"),
    ("高新技术产业开发区", "gaoxin-jishu-chanye-kaifaqu"), ("高技术产业开发区", "gaojishu-chanye-kaifaqu"),
    ("开发区", "kaifaqu"), ("高新区", "gaoxinqu"), ("新区", "xinqu"), ("实验区", "shiyanqu"), ("试验区", "shiyanqu"),
    ("示范区", "shifanqu"), ("保税区", "baoshuiqu"), ("工业园区", "gongye-yuanqu"),
)
"""Words of a name that read better as their own slug word (or a shorter one: 人民政府 → zhengfu)."""
_TOWN_WORDS = {"街道": "jiedao", "镇": "zhen", "乡": "xiang"}
_DROPPED_LEVELS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "盟", "县", "区", "旗")


def _pinyin(text: str) -> str:
    """Pinyin of ``text`` run together, lower-case ASCII (ü as v); letters and digits kept."""
    out = []
    for part in re.findall(rf"[{_CJK}]+|[A-Za-z0-9]+", unicodedata.normalize("NFKC", text)):
        out.append("".join(lazy_pinyin(part, errors="ignore")) if re.match(f"[{_CJK}]", part) else part.lower())
    return "".join(out)


def _words(text: str) -> list[str]:
    """Slug words of a stretch of a name: known words on their own, the runs between run together."""
    words: list[str] = []
    run = ""
    i = 0
    while i < len(text):
        known = next(((w, s) for w, s in _SLUG_WORDS if text.startswith(w, i)), None)
        if known is None:
            run += text[i]
            i += 1
            continue
        if run:
            words.append(_pinyin(run))
            run = ""
        words.append(known[1])
        i += len(known[0])
    if run:
        words.append(_pinyin(run))
    return [w for w in words if w]


def _place_words(place: Place) -> list[str]:
    """A place's slug words: its core alone for a province, city, county or district (威海市 →
    weihai), with its level for a town or zone (测试镇 → ceshi-zhen, 平潭综合实验区 →
    pingtan-zonghe-shiyanqu)."""
    if place.level in _DROPPED_LEVELS:
        return _words(place.core)
    return _words(place.core) + ([_TOWN_WORDS[place.level]] if place.is_town else _words(place.level))


def place_slug_words(name: str) -> list[str]:
    """The slug words of one jurisdiction level's name, as an agency's slug spells its place
    (威海市 → [weihai], 平潭综合实验区 → [pingtan, zonghe-shiyanqu]); a name that is no place
    (火炬高技术产业开发区's 火炬 is one; 某某委员会 is not) as the words of a name."""
    compact = re.sub(r"\s+", "", name)
    places = places_of(compact)
    if len(places) == 1 and places[0].name == compact:
        return _place_words(places[0])
    return _words(compact)


def plain_pinyin(text: str) -> str:
    """Pinyin of the whole text, levels included (文登区 → wendengqu): a slug word that tells two
    places apart where ``place_slug_words`` would not."""
    return _pinyin(text)


def _fit(words: list[str]) -> str:
    slug = "-".join(w for w in words if w)
    while len(slug) > _MAX_SLUG and "-" in slug:
        slug = slug.rsplit("-", 1)[0]
    return slug[:_MAX_SLUG].strip("-")


def slug_for(name: str, taken: set[str]) -> str:
    """A readable, unique slug for a new agency; the same name and registry give the same slug.

    The rule: pinyin of the most specific place the name starts with (without 省/市/县/区, with
    镇/乡/街道 or a zone's kind), then of the rest of the name, one word per known word
    (人民政府 → zhengfu, 管委会 → guanweihui, 办公室 → bangongshi …) and the runs between them
    run together; lower-case ASCII, hyphens, at most 60 characters. 威海市文登区民政局 →
    wendeng-minzhengju; 平潭综合实验区 → pingtan-zonghe-shiyanqu. When that is taken, the larger
    places are put before it one by one (weihai-wendeng-minzhengju, shandong-weihai-…), and only
    then a number (-2, -3 …).
    """
    compact = re.sub(r"\s+", "", name)
    places = places_of(compact)
    rest = compact[sum(len(p.name) for p in places):]
    if places and places[-1].level == "街道":
        rest = rest.removeprefix("办事处")  # 环山街道办事处 → huanshan-jiedao
    body = ([] if not places else _place_words(places[-1])) + _words(rest)
    body = body or ["agency"]
    candidates = [_fit(body)]
    for i in range(len(places) - 2, -1, -1):
        parents = [w for p in places[i:-1] for w in _words(p.core)]
        candidates.append(_fit(parents + body))
    for slug in candidates:
        if slug and slug not in taken:
            return slug
    n = 2
    while (slug := f"{_fit(body)[: _MAX_SLUG - 4]}-{n}") in taken:
        n += 1
    return slug


def draft_agency(name: str, contact: dict[str, str | None], taken: set[str]) -> dict:
    """A registry entry for an agency the registry lacks, for a person to review (``draft: true``).

    Its name is the printed one, so next year's report by the same agency finds it by name.
    """
    return {
        "slug": slug_for(name, taken),
        "name": name,
        "jurisdiction": jurisdiction_of(name) or ["待核实"],
        "kind": kind_of(name),
        "website": contact.get("website"),
        "address": contact.get("address"),
        "phone": contact.get("phone"),
        "aliases": [],
        "draft": True,
    }
