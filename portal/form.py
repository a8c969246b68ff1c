"""The national annual-report form (国办公开办函〔2021〕30号), as data.

Everything that knows the shape of the three statistics tables — the extractor, the
validator, the JSON Schema, the HTML tables, the CSV columns — reads it from here, so the
keys of the public data contract (see FORMAT.md) are spelled exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass

FORM_ID = "gov-2021"
FORM_NAME = "中华人民共和国政府信息公开工作年度报告格式（国办公开办函〔2021〕30号）"


@dataclass(frozen=True)
class Item:
    """One labelled thing of a table: a row, a column or a cell group."""

    key: str
    label: str


# ---------------------------------------------------------------- table 2

TRIPLE_CELLS = (
    Item("issued", "本年制发件数"),
    Item("repealed", "本年废止件数"),
    Item("in_force", "现行有效件数"),
)
TABLE2_TRIPLES = (
    Item("regulations", "规章"),
    Item("normative_documents", "行政规范性文件"),
)
TABLE2_COUNTS = (
    Item("licensing", "行政许可"),
    Item("punishment", "行政处罚"),
    Item("coercion", "行政强制"),
)
TABLE2_FEES = Item("fees_10k_yuan", "行政事业性收费")
TABLE2_SECTIONS = (
    ("第二十条第（一）项", TABLE2_TRIPLES),
    ("第二十条第（五）项", (TABLE2_COUNTS[0],)),
    ("第二十条第（六）项", TABLE2_COUNTS[1:]),
    ("第二十条第（八）项", (TABLE2_FEES,)),
)

# ---------------------------------------------------------------- table 2 of the 2019 form

FORM_2019_ID = "gov-2019"
FORM_2019_NAME = "政府信息公开工作年度报告格式（国办公开办函〔2019〕60号）"
TABLE2_2019_KEY = "table2_2019"
"""Table 2 as the 2019 form prints it: its columns mean other things than the 2021 form's, so it
is kept whole under its own key; only the decision counts carry over into ``table2``."""

_MADE_PUBLISHED = (Item("made", "本年新制作数量"), Item("published", "本年新公开数量"),
                   Item("public_total", "对外公开总数量"))
_ITEMS_DECISIONS = (Item("previous", "上一年项目数量"), Item("change", "本年增/减"), Item("decisions", "处理决定数量"))
SIGNED_CELLS = frozenset({"change"})
"""Cells that may be negative (本年增/减 is a change)."""
AMOUNT_CELLS = frozenset({"amount_yuan"})
"""Cells that are sums of money in 元 (a report printing 万元 is converted)."""


@dataclass(frozen=True)
class Row2019:
    """A row of the 2019 form's table 2, and the 2021 ``table2`` key its decisions fill, if any."""

    key: str
    label: str
    section: str
    cells: tuple[Item, ...]
    carries_to: str | None = None


TABLE2_2019_ROWS = (
    Row2019("regulations", "规章", "第二十条第（一）项", _MADE_PUBLISHED),
    Row2019("normative_documents", "规范性文件", "第二十条第（一）项", _MADE_PUBLISHED),
    Row2019("licensing", "行政许可", "第二十条第（五）项", _ITEMS_DECISIONS, "licensing"),
    Row2019("other_services", "其他对外管理服务事项", "第二十条第（五）项", _ITEMS_DECISIONS),
    Row2019("punishment", "行政处罚", "第二十条第（六）项", _ITEMS_DECISIONS, "punishment"),
    Row2019("coercion", "行政强制", "第二十条第（六）项", _ITEMS_DECISIONS, "coercion"),
    Row2019("fees", "行政事业性收费", "第二十条第（八）项", _ITEMS_DECISIONS[:2]),
    Row2019("procurement", "政府集中采购", "第二十条第（九）项",
            (Item("items", "采购项目数量"), Item("amount_yuan", "采购总金额（元）"))),
)

# ---------------------------------------------------------------- table 3

TABLE3_COLUMNS = (
    Item("natural_person", "自然人"),
    Item("commercial", "商业企业"),
    Item("research", "科研机构"),
    Item("social_welfare", "社会公益组织"),
    Item("legal_services", "法律服务机构"),
    Item("other", "其他"),
    Item("total", "总计"),
)
TABLE3_WIDTH = len(TABLE3_COLUMNS)
APPLICANT_COLUMNS = TABLE3_COLUMNS[:-1]


@dataclass(frozen=True)
class Group:
    """An outcome row of table 3 that is split into numbered sub-rows."""

    key: str
    label: str
    rows: tuple[Item, ...]


TABLE3_GROUPS = (
    Group(
        "withheld",
        "（三）不予公开",
        (
            Item("state_secret", "1.属于国家秘密"),
            Item("prohibited_by_law", "2.其他法律行政法规禁止公开"),
            Item("endangers_security", "3.危及“三安全一稳定”"),
            Item("third_party_rights", "4.保护第三方合法权益"),
            Item("internal_affairs", "5.属于三类内部事务信息"),
            Item("process_information", "6.属于四类过程性信息"),
            Item("enforcement_files", "7.属于行政执法案卷"),
            Item("query_matters", "8.属于行政查询事项"),
        ),
    ),
    Group(
        "unable",
        "（四）无法提供",
        (
            Item("not_held", "1.本机关不掌握相关政府信息"),
            Item("needs_creation", "2.没有现成信息需要另行制作"),
            Item("unclear", "3.补正后申请内容仍不明确"),
        ),
    ),
    Group(
        "not_processed",
        "（五）不予处理",
        (
            Item("petition_complaint", "1.信访举报投诉类申请"),
            Item("duplicate", "2.重复申请"),
            Item("publications", "3.要求提供公开出版物"),
            Item("mass_repetitive", "4.无正当理由大量反复申请"),
            Item("confirm_reissue", "5.要求行政机关确认或重新出具已获取信息"),
        ),
    ),
    Group(
        "other_handling",
        "（六）其他处理",
        (
            Item("no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
            Item("fee_unpaid", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
            Item("other", "3.其他"),
        ),
    ),
)
TABLE3_GROUP_BY_KEY = {g.key: g for g in TABLE3_GROUPS}
SINGLE_ROW = "single_row"
"""Key of （六）其他处理 printed as one row, as on the 2019 form."""

TABLE3_TOP = (
    Item("new", "一、本年新收政府信息公开申请数量"),
    Item("carried_over", "二、上年结转政府信息公开申请数量"),
)
TABLE3_SIMPLE_OUTCOMES = (
    Item("granted", "（一）予以公开"),
    Item("partially_granted", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
)
TABLE3_TOTAL = Item("total", "（七）总计")
TABLE3_CARRIED_FORWARD = Item("carried_forward", "四、结转下年度继续办理")
TABLE3_RESULTS_LABEL = "三、本年度办理结果"


@dataclass(frozen=True)
class Row:
    """One printed row of table 3, in form order, with where it lives in the data."""

    path: tuple[str, ...]  # ("new",) or ("withheld", "state_secret")
    label: str
    group_label: str | None  # the （三）… label a sub-row sits under
    is_outcome: bool  # one of the 21 outcome rows summed into （七）总计

    @property
    def key(self) -> str:
        return ".".join(self.path)


def table3_rows() -> tuple[Row, ...]:
    """Every data row of table 3 in printed order (25 rows; single_row is extra)."""
    rows = [Row((i.key,), i.label, None, False) for i in TABLE3_TOP]
    rows += [Row((i.key,), i.label, None, True) for i in TABLE3_SIMPLE_OUTCOMES]
    for group in TABLE3_GROUPS:
        rows += [Row((group.key, i.key), i.label, group.label, True) for i in group.rows]
    rows.append(Row((TABLE3_TOTAL.key,), TABLE3_TOTAL.label, None, False))
    rows.append(Row((TABLE3_CARRIED_FORWARD.key,), TABLE3_CARRIED_FORWARD.label, None, False))
    return tuple(rows)


TABLE3_ROWS = table3_rows()
TABLE3_SINGLE_ROW = Row(("other_handling", SINGLE_ROW), "（六）其他处理", None, True)

# ---------------------------------------------------------------- table 4

TABLE4_GROUPS = (
    Item("review", "行政复议"),
    Item("litigation_direct", "行政诉讼 未经复议直接起诉"),
    Item("litigation_after_review", "行政诉讼 复议后起诉"),
)
TABLE4_CELLS = (
    Item("upheld", "结果维持"),
    Item("corrected", "结果纠正"),
    Item("other", "其他结果"),
    Item("pending", "尚未审结"),
    Item("total", "总计"),
)

TABLE_TITLES = {
    "table2": "二、主动公开政府信息情况",
    "table3": "三、收到和处理政府信息公开申请情况",
    "table4": "四、政府信息公开行政复议、行政诉讼情况",
}

# ---------------------------------------------------------------- narrative figures

NARRATIVE_KEYS = {
    "proactive_disclosed": "主动公开政府信息（条）",
    "applications_received": "收到政府信息公开申请（件）",
    "applications_received_previous": "上年收到政府信息公开申请（件，据同比表述推算）",
    "applications_carried_over": "上年结转申请（件）",
    "normative_documents_issued": "制发行政规范性文件（件）",
    "reconsiderations": "行政复议（件）",
    "lawsuits": "行政诉讼（件）",
    "fees_collected_yuan": "收取信息处理费（元）",
}
"""Figures that narrative sentences state; the key says what the number counts."""
