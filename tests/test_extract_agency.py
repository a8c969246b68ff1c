"""Agency identity at ingest: the printed name, the registry match, the draft's slug and places.

The registry below is made up for the tests (测试 = "test"), shaped like content/agencies.yaml;
the reports are small synthetic texts in the layouts real ones arrive in.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.extract import extract
from portal.extract.agency import (
    jurisdiction_of,
    kind_of,
    match_agency,
    ocr_suggestions,
    printed_name,
    suggest_agencies,
)
from portal.extract.meta import read_meta
from portal.extract.origin import source_url
from portal.extract.slugs import draft_agency, slug_for
from portal.schema import SLUG_RE

REGISTRY = [
    {"slug": "test-gov-office", "name": "测试市测试区人民政府办公室", "jurisdiction": ["测试省", "测试市", "测试区"],
     "kind": "政府办公室", "aliases": ["区政府办公室"]},
    {"slug": "test-civil-affairs", "name": "测试市测试区民政局", "jurisdiction": ["测试省", "测试市", "测试区"],
     "kind": "部门", "aliases": ["测试区民政局"]},
    {"slug": "test-finance", "name": "测试市测试区财政局", "jurisdiction": ["测试省", "测试市", "测试区"],
     "kind": "部门", "aliases": []},
    {"slug": "test-hitech-zone", "name": "测试高新技术产业开发区管委会",
     "jurisdiction": ["测试省", "测试市", "高新技术产业开发区"], "kind": "开发区管委会", "aliases": ["高新区管委会"]},
]


def title_text(first_lines: str, year_line: str = "") -> list[str]:
    return (first_lines + "\n" + year_line + "\n一、总体情况\n本年度主动公开政府信息12条。\n").split("\n")


# --- the printed name ------------------------------------------------------------------------------


@pytest.mark.parametrize(("before_year", "name"), [
    ("# 测试县人民政府", "测试县人民政府"),
    ("## **测试县财政局", "测试县财政局"),
    ("标题: 测试综合实验区", "测试综合实验区"),
    ("标题：测试综合实验区", "测试综合实验区"),
    ("标 题: 测试综合实验区", "测试综合实验区"),
    ("文章标题：测试县交通运输局", "测试县交通运输局"),
    ("正文 测试县民政局", "测试县民政局"),
    ("首页 > 政务公开 > 政府信息公开年报 > 测试县教育局", "测试县教育局"),
    ("当前位置：首页政务公开政府信息公开年报测试县地方税务局", "测试县地方税务局"),
    ("zwgk/zfxxgknb/202001/80576_测试综合实验区", "测试综合实验区"),
    ("关于测试区测试街道办事处", "测试区测试街道办事处"),
    ("《测试县财政局", "测试县财政局"),
    ("【测试县财政局】", "测试县财政局"),
    ("（测试县财政局", "测试县财政局"),
    ("测试县 卫生健康局", "测试县 卫生健康局"),  # kept as printed; the comparison ignores the space
    ("加大威海市文登区人民政府办公室", "加大威海市文登区人民政府办公室"),  # only the registry can tell 加大
])
def test_printed_name_loses_what_pages_put_around_it(before_year: str, name: str) -> None:
    assert printed_name(before_year) == name


@pytest.mark.parametrize("before_year", ["", "正文", "==== 正文 ====", "标题：", "一、总体情况", "来源：本网", "2022"])
def test_page_furniture_is_no_name(before_year: str) -> None:
    assert printed_name(before_year) is None


# --- matching the registry ---------------------------------------------------------------------


@pytest.mark.parametrize(("printed", "slug", "how"), [
    ("测试市测试区民政局", "test-civil-affairs", "name"),
    ("测试区民政局", "test-civil-affairs", "alias"),
    ("测试市　测试区民政局", "test-civil-affairs", "normalised"),  # full-width space
    ("测试省测试市测试区民政局", "test-civil-affairs", "normalised"),  # its own province printed first
    ("测试市测试区政府办公室", "test-gov-office", "normalised"),  # 政府 for 人民政府
    ("测试市测试区人民政府", "test-gov-office", "government office"),  # the government, for its office
    ("大力推进测试市测试区民政局", "test-civil-affairs", "stray words"),
])
def test_registered_agency_is_found(printed: str, slug: str, how: str) -> None:
    found = match_agency(printed, REGISTRY)
    assert found.entry is not None and (found.entry["slug"], found.how) == (slug, how)
    assert found.suggestion_text() is None


def test_a_place_before_a_short_alias_is_another_agency() -> None:
    # 区政府办公室 is an alias of the 测试区 office, but 测试市另一区政府办公室 is another district's
    found = match_agency("测试市另一区政府办公室", REGISTRY)
    assert found.entry is None and found.suggestions == ()


def test_one_character_off_is_suggested_never_merged() -> None:
    found = match_agency("测试市测式区民政局", REGISTRY)  # 式 for 试: an OCR slip
    assert found.entry is None
    assert [e["slug"] for e in found.suggestions] == ["test-civil-affairs"]
    assert found.suggestion_text() == "did you mean test-civil-affairs (测试市测试区民政局)?"


def test_short_form_is_suggested_never_merged() -> None:
    found = match_agency("测试高新技术产业开发区", REGISTRY)
    assert found.entry is None
    assert found.suggestion_text() == "did you mean test-hitech-zone (测试高新技术产业开发区管委会)?"


def test_ties_between_agencies_are_not_broken() -> None:
    registry = REGISTRY + [{"slug": "other-gov-office", "name": "另一市另一区人民政府办公室",
                            "jurisdiction": ["另一市", "另一区"], "kind": "政府办公室", "aliases": ["区政府办公室"]}]
    found = match_agency("区政府办公室", registry)
    assert found.entry is None
    assert {e["slug"] for e in found.tied} == {"test-gov-office", "other-gov-office"}
    assert found.suggestion_text() == ("did you mean test-gov-office (测试市测试区人民政府办公室) or "
                                       "other-gov-office (另一市另一区人民政府办公室)?")


def test_a_different_department_two_characters_off_is_not_suggested() -> None:
    assert suggest_agencies("测试市测试区税务局", REGISTRY) == []


def test_an_ocr_title_two_characters_off_in_its_place_is_suggested_never_merged() -> None:
    """A scan's title read by chi_sim: 测试区 as 洲忒区 (the benchmark's 寒亭区 as 塞学区): the same organ."""
    assert match_agency("测试市洲忒区民政局", REGISTRY).suggestions == ()  # printed text: another district
    assert [e["slug"] for e in ocr_suggestions("测试市洲忒区民政局", REGISTRY)] == ["test-civil-affairs"]
    assert ocr_suggestions("测洲忒区民政局", REGISTRY) == []  # short names: two slips are too many
    assert ocr_suggestions("测试市洲忒区税务局", REGISTRY) == []  # another organ


# --- slugs, jurisdiction, kind ------------------------------------------------------------------


@pytest.mark.parametrize(("name", "slug"), [
    ("平潭综合实验区", "pingtan-zonghe-shiyanqu"),
    ("平潭县人民政府", "pingtan-zhengfu"),
    ("威海市文登区民政局", "wendeng-minzhengju"),
    ("威海市文登区人民政府办公室", "wendeng-zhengfu-bangongshi"),
    ("威海市文登区环山街道办事处", "huanshan-jiedao"),
    ("测试市测试县测试镇人民政府", "ceshi-zhen-zhengfu"),
    ("山东省济南市历下区统计局", "lixia-tongjiju"),
    ("长沙市人民政府", "changsha-zhengfu"),  # 长 read in context, not zhang
    ("广西壮族自治区南宁市西乡塘区人民政府", "xixiangtang-zhengfu"),  # 西乡塘区 is no town 西乡
    ("北京市海淀区住房和城乡建设委员会", "haidian-zhufanghechengxiangjianshe-weiyuanhui"),
    ("平潭综合实验区管委会办公室", "pingtan-zonghe-shiyanqu-guanweihui-bangongshi"),
])
def test_slug_is_the_pinyin_of_place_then_body(name: str, slug: str) -> None:
    assert slug_for(name, set()) == slug


def test_a_taken_slug_gets_the_larger_places_then_a_number() -> None:
    name = "山东省威海市文登区民政局"
    assert slug_for(name, {"wendeng-minzhengju"}) == "weihai-wendeng-minzhengju"
    assert slug_for(name, {"wendeng-minzhengju", "weihai-wendeng-minzhengju"}) == "shandong-weihai-wendeng-minzhengju"
    taken = {"pingtan-zonghe-shiyanqu"}
    assert slug_for("平潭综合实验区", taken) == "pingtan-zonghe-shiyanqu-2"
    assert slug_for("平潭综合实验区", taken | {"pingtan-zonghe-shiyanqu-2"}) == "pingtan-zonghe-shiyanqu-3"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("测试市县区镇乡街道办事处人民政府局长重行乐ABC12 -　·（）"), max_size=80))
def test_every_slug_is_a_valid_slug_and_the_same_for_the_same_name(name: str) -> None:
    slug = slug_for(name, {"agency"})
    assert SLUG_RE.match(slug) and len(slug) <= 60
    assert slug_for(name, {"agency"}) == slug


@pytest.mark.parametrize(("name", "places"), [
    ("山东省威海市文登区民政局", ["山东省", "威海市", "文登区"]),
    ("威海市文登区民政局", ["威海市", "文登区"]),
    ("文登区民政局", ["文登区"]),  # no province printed, none invented
    ("测试市测试县测试镇人民政府", ["测试市", "测试县"]),  # a town is not a jurisdiction level
    ("平潭综合实验区地方税务局", ["平潭综合实验区"]),
    ("内蒙古自治区呼和浩特市新城区人民政府", ["内蒙古自治区", "呼和浩特市", "新城区"]),
    ("北京市海淀区住房和城乡建设委员会", ["北京市", "海淀区"]),
    ("测试市城市管理局", ["测试市"]),  # 城市 is not a place
    ("教育局", []),
])
def test_jurisdiction_is_what_the_name_prints(name: str, places: list[str]) -> None:
    assert jurisdiction_of(name) == places


@pytest.mark.parametrize(("name", "kind"), [
    ("平潭综合实验区", "开发区管委会"),
    ("测试经济技术开发区管理委员会", "开发区管委会"),
    ("平潭综合实验区管委会办公室", "政府办公室"),
    ("测试区测试街道办事处", "街道办事处"),
    ("测试区测试街道", "街道办事处"),
    ("测试市驻北京办事处", "部门"),
    ("测试县政府", "人民政府"),
    ("测试县人民政府", "人民政府"),
    ("测试县测试镇人民政府", "乡镇人民政府"),
    ("测试县卫健委", "部门"),
    ("测试县民政局", "部门"),
    ("测试中心", "其他"),
])
def test_kind_is_what_the_name_shows(name: str, kind: str) -> None:
    assert kind_of(name) == kind


def test_draft_entry_is_for_review_with_the_printed_name() -> None:
    entry = draft_agency("平潭综合实验区", {"website": None, "address": None, "phone": "0591-1"}, set())
    assert entry == {"slug": "pingtan-zonghe-shiyanqu", "name": "平潭综合实验区", "jurisdiction": ["平潭综合实验区"],
                     "kind": "开发区管委会", "website": None, "address": None, "phone": "0591-1", "aliases": [],
                     "draft": True}
    assert draft_agency("某某", {}, set())["jurisdiction"] == ["待核实"]


# --- year, date and the registry over several years ------------------------------------------------


@pytest.mark.parametrize(("title", "year"), [
    ("测试县民政局2019年度政府信息公开工作年度报告", 2019),
    ("测试县民政局2019年政府信息公开工作年度报告", 2019),
    ("测试县民政局二〇一九年度政府信息公开工作年度报告", 2019),
    ("测试县民政局二零一九年政府信息公开工作年度报告", 2019),
    ("测试县民政局２０１９年政府信息公开工作年度报告", 2019),
    ("测试县民政局政府信息公开工作年度报告（2019年度）", 2019),
    ("测试县民政局政府信息公开工作年度报告(二〇一九年)", 2019),
])
def test_year_is_the_title_s_however_printed(title: str, year: int) -> None:
    meta = read_meta(title_text(title), REGISTRY)
    assert (meta.year, meta.printed_name) == (year, "测试县民政局")


ARCHIVED = "标题: 测试县民政局{title}\n发布时间: {date} 15:22\n原文链接: https://example.org/a.htm\n==== 正文 ===="


def test_tie_reaches_meta_so_ingest_can_ask_instead_of_drafting() -> None:
    registry = REGISTRY + [{"slug": "other-gov-office", "name": "另一市另一区人民政府办公室",
                            "jurisdiction": ["另一市", "另一区"], "kind": "政府办公室", "aliases": ["区政府办公室"]}]
    meta = read_meta(title_text("区政府办公室2023年政府信息公开工作年度报告"), registry)
    assert meta.agency is None and meta.tied == ("test-gov-office", "other-gov-office")


def test_stray_words_before_a_province_are_left_out_of_a_new_name() -> None:
    meta = read_meta(title_text("进一步山东省济南市历下区统计局2023年政府信息公开工作年度报告"), REGISTRY)
    assert meta.agency is None and meta.printed_name == "山东省济南市历下区统计局"
    assert meta.notes == ["原文机关名称前印有“进一步”，不是名称的一部分，未计入机关名称。"]
    assert meta.title == "山东省济南市历下区统计局2023年政府信息公开工作年度报告"


def test_a_name_broken_over_two_lines_finds_the_registered_agency() -> None:
    meta = read_meta(title_text("测试市测试区\n民政局", "2023年政府信息公开工作年度报告"), REGISTRY)
    assert meta.agency is not None and meta.agency["slug"] == "test-civil-affairs"


def test_archive_date_is_not_the_year() -> None:
    meta = read_meta(title_text(ARCHIVED.format(title="政府信息公开工作年度报告", date="2020-01-20")), REGISTRY)
    assert meta.year is None and meta.published is None  # no year in the title: none taken from 发布时间


def test_archive_date_is_offered_only_when_the_body_prints_none_and_after_the_year() -> None:
    lines = title_text(ARCHIVED.format(title="2019年度政府信息公开工作年度报告", date="2020-01-20"))
    meta = read_meta(lines, REGISTRY)
    assert (meta.year, meta.published) == (2019, dt.date(2020, 1, 20))
    assert meta.notes == ["印发日期取自网页存档页首的“发布时间: 2020-01-20 15:22”，正文末尾没有印发日期。"]
    text = "\n".join(lines)
    assert source_url(text.encode("utf-8"), text) == "https://example.org/a.htm"  # the report's provenance
    signed = read_meta(lines + ["测试县民政局", "2020年1月15日"], REGISTRY)
    assert signed.published == dt.date(2020, 1, 15) and signed.notes == []
    early_text = ARCHIVED.format(title="2019年度政府信息公开工作年度报告", date="2019-12-30")
    early = read_meta(title_text(early_text), REGISTRY)
    assert early.published is None  # a report on 2019 is not published in 2019


def test_archive_link_is_not_the_agency_website() -> None:
    text = ARCHIVED.format(title="2019年度政府信息公开工作年度报告", date="2020-01-20") + "\n一、总体情况\n略。\n"
    draft = extract(text.encode(), "page.txt", REGISTRY)
    assert draft.data["contact"]["website"] is None


def test_suggestion_reaches_meta_for_the_editor() -> None:
    meta = read_meta(title_text("测试高新技术产业开发区", "2023年政府信息公开工作年度报告"), REGISTRY)
    assert meta.agency is None and meta.printed_name == "测试高新技术产业开发区"
    assert meta.suggestion == "did you mean test-hitech-zone (测试高新技术产业开发区管委会)?"


def test_five_years_of_one_new_agency_get_one_slug() -> None:
    """Each year's report finds the entry drafted from the first one by its name (as ingest adds it)."""
    registry = list(REGISTRY)
    slugs = []
    for year in range(2016, 2021):
        title = "2019年度" if year == 2019 else f"{year}年"
        text = (f"标题: 平潭综合实验区{title}政府信息公开工作年度报告\n发布时间: {year + 1}-01-20 15:22\n"
                f"==================== 正文 ====================\n一、总体情况\n略。\n")
        draft = extract(text.encode(), "page.txt", registry)
        slugs.append(draft.data["agency"])
        if draft.agency_entry is not None:
            registry.append(draft.agency_entry)
    assert slugs == ["pingtan-zonghe-shiyanqu"] * 5
    assert [e["name"] for e in registry[len(REGISTRY):]] == ["平潭综合实验区"]


def test_only_a_title_read_by_ocr_gets_the_two_slip_suggestion() -> None:
    from portal.extract import _suggestion
    from portal.extract.meta import Meta
    from portal.extract.ocr import OcrText

    meta = Meta(printed_name="测试市洲忒区民政局")
    assert _suggestion(meta, OcrText(text="", engine="tesseract 5.3.0"), REGISTRY) == (
        "did you mean test-civil-affairs (测试市测试区民政局)?")
    assert _suggestion(meta, None, REGISTRY) is None
