"""Which agency published a report: its name as printed, its registry entry, or a draft of one.

Three questions, each a pure function:

- ``printed_name``: the agency's name in the text before the year of a title line, without what
  web archives, CMS pages and Markdown put around it (``# ``, ``**``, ``标题：``, ``正文``,
  breadcrumbs, ``关于``, quotes). Otherwise the name is kept exactly as printed.
- ``match_agency``: the registry entry that name is, by its exact name, an alias, or a
  normalised comparison (full-width/half-width, spaces, 人民政府 = 政府, the province or city of
  the entry's own jurisdiction printed before the name, a government for its 办公室, a stray
  word before a registered name). A near miss (one character off, or a short form such as the
  zone without its 管委会) is only a *suggestion* for the editor, never a match. Two agencies
  matching equally well give no match: the wrong agency is worse than none.
- ``jurisdiction_of`` / ``kind_of``: the places a name prints and the kind it shows, for a
  drafted entry (``slugs.draft_agency``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

PROVINCES = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
    "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区",
    "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
)
"""The provincial-level names: the one gazetteer built in (a name's first place, when printed)."""

_CJK = "\u4e00-\u9fff"
_ZONES = ("综合实验区", "综合试验区", "经济技术开发区", "高新技术产业开发区", "高技术产业开发区", "开发区",
          "高新区", "新区", "实验区", "试验区", "示范区", "保税区", "工业园区")
_COUNTY_LEVELS = ("自治区", "自治州", "自治县", "自治旗", "地区", "省", "市", "盟", "县", "区", "旗")
_TOWN_LEVELS = ("街道", "镇", "乡")
_COUNTY_PLACE = re.compile(rf"([{_CJK}]{{1,12}}?)({'|'.join(_ZONES + _COUNTY_LEVELS)})")
_TOWN_PLACE = re.compile(rf"([{_CJK}]{{1,8}}?)({'|'.join(_TOWN_LEVELS)})")
_NOT_PLACES = ("城市", "城乡", "市场", "社区", "辖区", "片区", "景区", "山区", "街区", "小区", "城区管理")
"""Words ending in a level character that are not place names (城市管理局, 住房和城乡建设局)."""

_FURNITURE = re.compile(
    r"^(?:正\s*文|内\s*容|原\s*文|全\s*文|附\s*件|首\s*页|标\s*题|当前位置|您的位置|打印|关闭|分享|字体|来源|"
    r"发布时间|发布日期|阅读次数|浏览次数|信息来源|返回顶部)"
)
_LABEL = re.compile(r"^(?:文章|信息|新闻|公文)?(?:标\s*题|正\s*文|内\s*容|名\s*称)\s*[:：]?\s*")
_LOCATION = re.compile(r"^(?:当前位置|您的位置|您现在的位置|所在位置|位置)\s*[:：]?\s*")
_BREADCRUMB_WORDS = (
    "网站首页", "首页", "政务公开", "政府信息公开年报", "政府信息公开年度报告", "政府信息公开", "信息公开年报",
    "信息公开目录", "信息公开", "政务公开年报", "年度报告", "工作年报", "公开年报", "年报", "法定主动公开内容",
    "主动公开", "公开目录", "部门信息公开", "专题专栏",
)
_SEPARATORS = re.compile(r"(?:>>|[>＞›»→|｜/\\_:：、，,]|&gt;)")
_MARKUP = re.compile(r"[*#`~]+|^\s*>+\s*|^\s*[-+]\s+|</?[A-Za-z][^>]*>")
_EDGE_MARKS = "《》〈〉「」『』“”‘’\"'【】[]〔〕 \t　.。,，、:：;；-—"
_TRAILING_WORDS = re.compile(r"(?:关于|发布|公布|印发|公开)$")

_GOVERNMENT_OFFICE = re.compile(r"政府办公室$")
_ORG_SUFFIXES = ("管理委员会", "管委会", "街道办事处", "办事处", "政府", "办公室")
"""What a short form leaves off the end of a registered name (威海火炬高技术产业开发区 + 管委会)."""
_MAX_STRAY = 6
"""At most this many characters of stray words (a slogan's 加大, 进一步) before a name."""

_KINDS = (
    ("街道办事处", "街道办事处"),
    ("街道", "街道办事处"),
    ("人民政府办公室", "政府办公室"),
    ("政府办公室", "政府办公室"),
    ("管委会办公室", "政府办公室"),
    ("管理委员会办公室", "政府办公室"),
    ("镇人民政府", "乡镇人民政府"),
    ("乡人民政府", "乡镇人民政府"),
    ("镇政府", "乡镇人民政府"),
    ("乡政府", "乡镇人民政府"),
    ("人民政府", "人民政府"),
    ("政府", "人民政府"),
    ("镇", "乡镇人民政府"),
    ("乡", "乡镇人民政府"),
    ("管委会", "开发区管委会"),
    ("管理委员会", "开发区管委会"),
    *((zone, "开发区管委会") for zone in _ZONES),
    ("办事处", "街道办事处"),
    ("局", "部门"),
    ("委员会", "部门"),
    ("办公室", "部门"),
    ("办公厅", "部门"),
    ("厅", "部门"),
    ("委", "部门"),
    ("署", "部门"),
)


def kind_of(name: str) -> str:
    """The registry kind an agency's name implies (its deadline depends on it), or 其他.

    A zone (综合实验区, 开发区 …) publishes through its 管委会, a dispatched body; an office
    abroad of a government (驻京办事处) is a department, not a street office.
    """
    name = re.sub(r"\s+", "", name)
    if name.endswith("办事处") and "驻" in name:
        return "部门"
    return next((k for suffix, k in _KINDS if name.endswith(suffix)), "其他")


# --- the printed name -------------------------------------------------------------------------


def printed_name(text: str) -> str | None:
    """The agency name in ``text`` (what a title prints before its year), or None when it holds none.

    ``# **标题：XX县人民政府`` → ``XX县人民政府``; ``首页 > 政务公开 > 年报 > XX局`` → ``XX局``;
    ``关于XX局`` → ``XX局``; ``正文`` → None. Spaces inside a name are kept as printed.
    """
    text = _MARKUP.sub("", unicodedata.normalize("NFC", text)).strip()
    text = _LOCATION.sub("", text)
    text = _SEPARATORS.split(text)[-1]  # the last step of a breadcrumb or an archive's path
    text = _strip_breadcrumb(_LABEL.sub("", text.strip()))
    text = re.sub(r"^关于", "", text.strip(_EDGE_MARKS))
    text = _TRAILING_WORDS.sub("", text.strip(_EDGE_MARKS)).strip(_EDGE_MARKS)
    text = _balanced(text)
    if not looks_like_agency(text):
        return None
    return text


def _strip_breadcrumb(text: str) -> str:
    """Column names a page's breadcrumb leaves before the title when its separators are lost."""
    changed = True
    while changed:
        changed = False
        for word in _BREADCRUMB_WORDS:
            rest = text[len(word):].lstrip()
            if text.startswith(word) and rest:
                text, changed = rest, True
                break
    return text


def _balanced(text: str) -> str:
    """Without an unmatched bracket at either end (``（XX局`` from ``（XX局2022年…报告）``)."""
    for opening, closing in (("（", "）"), ("(", ")")):
        if text.startswith(opening) and closing not in text:
            text = text[1:]
        if text.endswith(opening):
            text = text[:-1]
        if text.endswith(closing) and opening not in text:
            text = text[:-1]
    return text.strip()


def looks_like_agency(name: str | None) -> bool:
    """Whether ``name`` can be an agency's name: Chinese, short, not page furniture, and ending
    like a body (局, 人民政府 …) or naming a place."""
    if not name or len(name) > 40 or _FURNITURE.match(name):
        return False
    if len(re.findall(f"[{_CJK}]", name)) < 2 or re.search(r"[。；;！？]", name):
        return False
    return kind_of(name) != "其他" or bool(places_of(name))


def strip_stray_prefix(name: str, places: Iterable[str]) -> tuple[str, str]:
    """``(name, stray)``: a few words printed before a known place name, split off.

    ``加大威海市文登区人民政府办公室`` with 威海市 known → (``威海市文登区…``, ``加大``). Only a
    place the registry or the province list knows is trusted: without a gazetteer a stray word
    and the start of an unknown place name look alike, and then the name is kept whole.
    """
    best = len(name)
    for place in places:
        at = name.find(place)
        if 0 < at <= _MAX_STRAY and at < best:
            best = at
    stray = name[:best]
    return (name[best:], stray) if best < len(name) and _is_stray(stray) else (name, "")


def _is_stray(words: str) -> bool:
    """Words before a name that are not a place of it (山东省 before 威海市… is the name's own)."""
    return not places_of(words) and not words.endswith(_COUNTY_LEVELS + _TOWN_LEVELS)


def known_places(registry: list[dict]) -> set[str]:
    """Place names the province list and the registry's names print (a small gazetteer for stray
    words). Names, not jurisdictions: a jurisdiction may shorten a place (火炬高技术产业开发区
    for 威海火炬高技术产业开发区), and a shortened place would cut a real name in two."""
    places = set(PROVINCES)
    for entry in registry:
        for _, text in _entry_names(entry):
            places.update(p.name for p in places_of(text) if len(p.name) >= 3)
    return places


# --- places, jurisdiction -----------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """One place at the start of a name: 威海市 is core 威海, level 市."""

    core: str
    level: str

    @property
    def name(self) -> str:
        return self.core + self.level

    @property
    def is_town(self) -> bool:
        return self.level in _TOWN_LEVELS


def places_of(name: str) -> list[Place]:
    """The places a name starts with, largest first: 山东省威海市文登区民政局 → 山东省, 威海市, 文登区."""
    name = re.sub(r"\s+", "", name)
    found: list[Place] = []
    at = 0
    province = next((p for p in PROVINCES if name.startswith(p)), None)
    if province:
        level = next(lv for lv in ("特别行政区", "自治区", "省", "市") if province.endswith(lv))
        found.append(Place(province[: -len(level)], level))
        at = len(province)
    # A county-level place is tried before a town, so that 西乡塘区 is not read as the town 西乡.
    while m := next((m for pattern in (_COUNTY_PLACE, _TOWN_PLACE)
                     if (m := pattern.match(name, at)) and not _not_a_place(name, m)), None):
        core, level = m.group(1), m.group(2)
        found.append(Place(core, level))
        at = m.end()
        if level in _TOWN_LEVELS:
            break
    return found


def _not_a_place(name: str, match: re.Match[str]) -> bool:
    """城市 of 城市管理局, 城乡 of 住房和城乡建设局, 市 of 市场监督管理局: a level character in a word."""
    return any(w in name[match.start():match.end() + 1] for w in _NOT_PLACES) or "的" in match.group(1)


def jurisdiction_of(name: str) -> list[str]:
    """Province, city and county/district as the name prints them (no town), at most three.

    ``山东省威海市文登区民政局`` → [山东省, 威海市, 文登区]; ``文登区民政局`` → [文登区]: a name
    without its province gets only what it prints. A zone is its own jurisdiction
    (``平潭综合实验区`` → [平潭综合实验区]).
    """
    return [p.name for p in places_of(name) if not p.is_town][:3]


# --- the registry ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyMatch:
    """What the registry says about a printed name.

    ``entry`` is set only for a match (``how`` says which kind); ``suggestions`` are near misses
    for the editor to confirm; ``tied`` lists agencies that matched equally well (then no entry).
    """

    entry: dict | None = None
    how: str | None = None  # name | alias | normalised | government office | stray words
    matched: str | None = None  # the registered name or alias that matched
    suggestions: tuple[dict, ...] = ()
    tied: tuple[dict, ...] = ()

    def suggestion_text(self) -> str | None:
        """``did you mean weihai-torch-hitech-zone (威海火炬高技术产业开发区管委会)?``, or None."""
        candidates = self.suggestions or self.tied
        if not candidates:
            return None
        return "did you mean " + " or ".join(f"{e.get('slug')} ({e.get('name')})" for e in candidates) + "?"


def name_key(name: str) -> str:
    """A name for comparison only: full-width folded, no spaces or dots, 人民政府 as 政府."""
    key = unicodedata.normalize("NFKC", name)
    key = re.sub(r"[\s·•・.。\"'“”‘’《》「」【】]+", "", key)
    return key.replace("人民政府", "政府")


def _entry_names(entry: dict) -> list[tuple[str, str]]:
    """(kind, text) of every way the registry writes an entry's name: name first, then aliases."""
    names = [("name", entry.get("name"))] + [("alias", a) for a in entry.get("aliases") or []]
    return [(how, text) for how, text in names if isinstance(text, str) and text.strip()]


def _entry_keys(entry: dict) -> set[str]:
    """Keys of the entry's names and aliases, also with its own province and city printed before.

    威海市文登区民政局 in [山东省, 威海市, 文登区] is also 山东省威海市文登区民政局; an alias
    文登区民政局 is also 威海市文登区民政局 and 山东省威海市文登区民政局.
    """
    jurisdiction = [p for p in entry.get("jurisdiction") or [] if isinstance(p, str)]
    keys: set[str] = set()
    for _, text in _entry_names(entry):
        keys.add(name_key(text))
        for i, place in enumerate(jurisdiction):
            if i and text.startswith(place):
                keys.update(name_key("".join(jurisdiction[j:i]) + text) for j in range(i))
    return keys


def _one(hits: list[tuple[dict, str]], how: str) -> AgencyMatch | None:
    """A match when every hit is one agency; no match (but the tie shown) when they differ."""
    if not hits:
        return None
    entries = {id(e): e for e, _ in hits}
    if len({e.get("slug") for e, _ in hits}) > 1:
        return AgencyMatch(tied=tuple(entries.values()))
    return AgencyMatch(entry=hits[0][0], how=how, matched=hits[0][1])


def match_agency(printed: str | None, registry: list[dict]) -> AgencyMatch:
    """The registry entry ``printed`` names, tried from the surest comparison to the loosest."""
    if not printed:
        return AgencyMatch()
    text = printed.strip()
    key = name_key(text)
    by_name = [(e, t) for e in registry for how, t in _entry_names(e) if how == "name" and t.strip() == text]
    by_alias = [(e, t) for e in registry for how, t in _entry_names(e) if how == "alias" and t.strip() == text]
    normalised = [(e, e.get("name")) for e in registry if key in _entry_keys(e)]
    office = re.sub(_GOVERNMENT_OFFICE, "政府", key)
    government = [(e, e.get("name")) for e in registry
                  if office in {re.sub(_GOVERNMENT_OFFICE, "政府", k) for k in _entry_keys(e)}]
    for hits, how in ((by_name, "name"), (by_alias, "alias"), (normalised, "normalised"),
                      (government, "government office"), (_after_stray_words(key, registry), "stray words")):
        if (found := _one(hits, how)) is not None:
            return found
    return AgencyMatch(suggestions=tuple(suggest_agencies(text, registry)))


def _after_stray_words(key: str, registry: list[dict]) -> list[tuple[dict, str]]:
    """Entries whose name ends the printed name after a few stray words (加大 + 威海市文登区…).

    Only names that start with a place of the entry's own jurisdiction count, and the words
    before must not be a place: 环翠区政府办公室 does not end in 区政府办公室 by accident.
    """
    hits = []
    for entry in registry:
        jurisdiction = [p for p in entry.get("jurisdiction") or [] if isinstance(p, str)]
        for _, text in _entry_names(entry):
            name = name_key(text)
            stray = key[: len(key) - len(name)]
            placed = any(name.startswith(p) for p in jurisdiction)
            if key.endswith(name) and 0 < len(stray) <= _MAX_STRAY and placed and _is_stray(stray):
                hits.append((entry, text))
    return hits


def suggest_agencies(printed: str, registry: list[dict]) -> list[dict]:
    """Registered agencies ``printed`` nearly names: one character off (an OCR slip), or a short
    form (the registered name without or with one of 管委会, 政府, 办公室 …). For the editor only."""
    key = name_key(printed)
    found: dict[str, dict] = {}
    for entry in registry:
        for other in _entry_keys(entry):
            short = any(key + s == other or other + s == key for s in _ORG_SUFFIXES)
            if short or (min(len(key), len(other)) >= 4 and _one_edit_apart(key, other)):
                found.setdefault(str(entry.get("slug")), entry)
    return list(found.values())


def ocr_suggestions(printed: str, registry: list[dict]) -> list[dict]:
    """For a title read by OCR: entries two characters off a long name that ends in the same organ
    (…区教育局). chi_sim misreads a rare place name twice about as often as once (寒亭区 as 塞学区,
    泉州市丰泽区 as 录州市三泽区, in the benchmark's scans). Only for OCR'd text: in printed text,
    测试市另一区政府办公室 is another district's office, not a slip. At most three, only suggested."""
    key = name_key(printed)
    if len(key) < 8:
        return []
    near: dict[str, dict] = {}
    for entry in registry:
        for other in _entry_keys(entry):
            if len(other) >= 8 and other[-3:] == key[-3:] and _edits(key, other) <= 2:
                near.setdefault(str(entry.get("slug")), entry)
    return list(near.values()) if len(near) <= 3 else []


def _edits(a: str, b: str) -> int:
    """Levenshtein distance (characters replaced, added or dropped)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def _one_edit_apart(a: str, b: str) -> bool:
    """Exactly one character replaced, added or dropped."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long = sorted((a, b), key=len)
    i = next((i for i, (x, y) in enumerate(zip(short, long, strict=False)) if x != y), len(short))
    return short[i:] == long[i + 1:]


def registered_name_in(text: str, registry: list[dict]) -> dict | None:
    """The entry whose registered name (not alias) is the longest printed in ``text``; None on a tie.

    For a report whose title names no agency at all: its opening lines may still name one.
    """
    text = re.sub(r"\s+", "", text)
    hits = [(len(e["name"]), e) for e in registry if isinstance(e.get("name"), str) and e["name"] and e["name"] in text]
    if not hits:
        return None
    longest = max(n for n, _ in hits)
    top = {e.get("slug"): e for n, e in hits if n == longest}
    return next(iter(top.values())) if len(top) == 1 else None
