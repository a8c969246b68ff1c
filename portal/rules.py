"""The registry of consistency rules: every rule the portal applies to a report, in one place.

Each rule has a stable id (used in ``as_printed``, in the data downloads and in the page anchors
``/checks/#<id>``), a title, its formula, the cells or text it reads and where it comes from. The
report page shows every rule's result for that report (pass / fail / cannot tell), ``/checks/``
lists them all, and docs/checks.md describes them. Computing them is elsewhere: the form's own
identities and the carry-over between years in ``checks.py``, the rules that read the report's
text in ``textchecks.py``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    """One consistency rule."""

    id: str
    title: str  # short, for lists and messages
    formula: str  # what must hold, with the form's row and column names
    reads: str  # the cells or text it reads
    basis: str  # where the rule comes from
    field: str = "table3"  # the YAML field a problem names when the check names no cell of its own
    unknown_when: str = "所需单元格为空（空格不是 0）"

    @property
    def anchor(self) -> str:
        return "rule-" + self.id.replace(".", "-")


FORM = "《政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）表内注明的勾稽关系"

REGISTRY: tuple[Rule, ...] = (
    Rule("t3.balance", "表三：新收 + 上年结转 = 办理结果总计 + 结转下年度",
         "一（新收）+ 二（上年结转）= 三（七）总计 + 四（结转下年度），每一列分别核对",
         "表三 table3.new、table3.carried_over、table3.total、table3.carried_forward 各列", FORM),
    Rule("t3.outcomes", "表三：办理结果之和 = 总计",
         "三（七）总计 = （一）予以公开 + （二）部分公开 + （三）至（六）各小项之和，每一列分别核对",
         "表三 table3.total 与 21 个办理结果行（或 2019 年版的 （六） 一行 single_row）", FORM),
    Rule("t3.row_total", "表三：每行总计 = 各类申请人之和",
         "每一行的“总计”列 = 自然人 + 商业企业 + 科研机构 + 社会公益组织 + 法律服务机构 + 其他",
         "表三每一行的七格", FORM),
    Rule("t4.total", "表四：总计 = 维持 + 纠正 + 其他 + 尚未审结",
         "行政复议、未经复议直接起诉、复议后起诉三组，每组 总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
         "表四 table4.review、table4.litigation_direct、table4.litigation_after_review", FORM, "table4"),
    Rule("narrative", "正文所述数字与表格一致",
         "正文所述的数 = 它所说的表格单元格：收到申请 N 件 = table3.new.total；上年结转 N 件 = "
         "table3.carried_over.total；制发规范性文件 N 件 = table2.normative_documents.issued；行政复议 N 件 = "
         "table4.review.total；行政诉讼 N 件 = table4.litigation_direct.total + "
         "table4.litigation_after_review.total。“N 余件”只要求表格不少于 N；“约 N”不核对。"
         "主动公开 N 条在表格中没有对应的单元格，不核对。",
         "YAML 的 narrative（每项附原句）与上述单元格", "正文与表格说的是同一件事", "narrative",
         "表格缺失，或所需单元格为空"),
    Rule("year.carried", "本年上年结转 = 上年结转下年度",
         "本年表三 二（上年结转）= 上年报告表三 四（结转下年度继续办理），每一列分别核对",
         "本年 table3.carried_over 与上年 table3.carried_forward", "前后两年的报告说的是同一批申请",
         "table3", "没有上年报告，或所需单元格为空"),
    Rule("year.in_force", "现行有效 = 上年现行有效 + 本年制发 − 本年废止",
         "规章、行政规范性文件分别核对：本年现行有效件数 = 上年报告现行有效件数 + 本年制发件数 − 本年废止件数",
         "本年 table2.regulations / table2.normative_documents 的 issued、repealed、in_force 与上年的 in_force",
         "件数的结转：去年有效的，加上今年制发的，减去今年废止的", "table2",
         "没有上年报告；或任一年是 2019 年版或更早的格式（其表二栏目是“本年新制作”“对外公开总数量”，"
         "不是制发、废止、现行有效）；或所需单元格为空"),
    Rule("year.narrative_previous", "正文所述上年数字 = 上年报告表格",
         "正文“比上年增加/减少 N 件”推算出的上年收到申请数 = 上年报告表三 一（新收）总计",
         "YAML narrative 中的 applications_received_previous 与上年 table3.new.total",
         "同比表述与上年报告一致", "narrative", "没有上年报告，或上年表三缺失"),
    Rule("text.year", "正文所说的年份与报告年度一致",
         "正文中出现次数最多的“XXXX年”是报告的统计年度（标题、正文都算）；另一个年份出现得比统计年度还多，"
         "多半是沿用了往年的文本",
         "报告原文全文中的“XXXX年”", "条例第四十九条：每年公布的是本机关上一年度的年度报告", "year",
         "原文中没有写出任何年份"),
    Rule("text.problems_section", "第五部分（存在的主要问题及改进情况）不是空的",
         "“五、存在的主要问题及改进情况”标题之后、下一部分标题之前有文字",
         "报告原文的第五部分",
         "条例第五十条（年度报告应当包括存在的主要问题及改进情况）、年度报告格式第五部分", "source.file",
         "原文中找不到这一部分的标题（2019 年以前的报告按 2008 年条例编写，部分名称不同）"),
    Rule("text.fees", "收费情况前后一致",
         "第六部分说“未收取信息处理费”时，正文其他地方不应写收取了信息处理费 N 元（N > 0），反之亦然。"
         "表三“申请人逾期未按收费通知要求缴纳费用”一行只说明发过收费通知、申请人未缴，不算收费。",
         "报告原文第六部分的收费说明，与正文其他地方的 fees_collected_yuan（收取信息处理费）",
         "年度报告格式第六部分：报告依《政府信息公开信息处理费管理办法》收取信息处理费的情况", "source.file",
         "第六部分没有说明收费情况，或正文别处没有可比的收费数字"),
)

RULE_BY_ID = {r.id: r for r in REGISTRY}
RULES = {r.id: r.title for r in REGISTRY}
"""Rule id → title (what ``as_printed`` may name, what a check's description is)."""


def rule_of(rule_id: str) -> Rule:
    return RULE_BY_ID[rule_id]
