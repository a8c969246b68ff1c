#!/usr/bin/env python3
"""Write a deterministic synthetic content directory for benchmarks and scale tests.

``python bench/make_corpus.py --reports N --out DIR [--seed S]`` writes ``DIR/agencies.yaml`` and
``DIR/reports/<slug>/<year>.yaml`` + ``.txt`` in exactly the layout of ``docs/content.md``.

Why synthetic: the five real seeds cannot tell us how the build, the search index or the
consistency checks behave with 20,000 reports. The corpus therefore imitates the real thing
closely — prose composed from a large pool of phrases so the search index sees a realistic
vocabulary, tables laid out one cell per line like seed 002, and a fixed share of the defects
real reports have (tables lost or published as images, sums that do not add up, cells printed
``/``) so the checks and pages for those cases are exercised at scale too.

Determinism: every random choice comes from ``random.Random`` seeded with the corpus seed (one
generator for the corpus-wide allocation of defects, one per agency for its reports), and every
collection is iterated in a fixed order, so the same ``--reports`` and ``--seed`` give
byte-identical files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import form  # noqa: E402  (the repo root must be importable when run as a script)

YEARS = tuple(range(2019, 2025))
LATE_FORM_YEAR = 2020  # 2019-form reports (single-row （六）其他处理) come from years up to this one

# Shares of reports with each defect; they are disjoint, allocated exactly (see allocate_variants).
SHARE_MISSING = 0.08
SHARE_FAILING = 0.05
SHARE_NULLS = 0.03
SHARE_SINGLE_ROW = 0.02

MISSING_HEADING_REASON = "原文只保留了表格标题，表格本身在转换中丢失，没有数字。"
IMAGE_REASON = "表格以图片形式发布（[image: {}]），原文中没有可读的数字。"

# ================================================================ geography
# province: (name, slug code, pinyin for the website, postcode prefix)
# city: (name, slug, area code, [(district name, slug), …]); a district's last character
# (区 / 县 / 市) decides how its agencies abbreviate themselves in the prose (区民政局, 县政府 …).

PROVINCES: tuple[tuple[str, str, str, str, tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...]], ...] = (
    ("山东省", "sd", "shandong", "26", (
        ("威海市", "weihai", "0631", (("环翠区", "huancui"), ("文登区", "wendeng"), ("荣成市", "rongcheng"),
                                     ("乳山市", "rushan"))),
        ("济南市", "jinan", "0531", (("历下区", "lixia"), ("市中区", "shizhong"), ("槐荫区", "huaiyin"),
                                    ("章丘区", "zhangqiu"), ("平阴县", "pingyin"))),
        ("青岛市", "qingdao", "0532", (("市南区", "shinan"), ("市北区", "shibei"), ("黄岛区", "huangdao"),
                                      ("崂山区", "laoshan"), ("即墨区", "jimo"))),
        ("烟台市", "yantai", "0535", (("芝罘区", "zhifu"), ("福山区", "fushan"), ("莱山区", "laishan"),
                                     ("蓬莱区", "penglai"))),
        ("潍坊市", "weifang", "0536", (("潍城区", "weicheng"), ("奎文区", "kuiwen"), ("寿光市", "shouguang"),
                                      ("青州市", "qingzhou"), ("临朐县", "linqu"))),
    )),
    ("江苏省", "js", "jiangsu", "21", (
        ("南京市", "nanjing", "025", (("玄武区", "xuanwu"), ("秦淮区", "qinhuai"), ("鼓楼区", "gulou"),
                                     ("江宁区", "jiangning"))),
        ("苏州市", "suzhou", "0512", (("姑苏区", "gusu"), ("吴中区", "wuzhong"), ("相城区", "xiangcheng"),
                                     ("昆山市", "kunshan"), ("常熟市", "changshu"))),
        ("无锡市", "wuxi", "0510", (("梁溪区", "liangxi"), ("滨湖区", "binhu"), ("江阴市", "jiangyin"),
                                   ("宜兴市", "yixing"))),
        ("徐州市", "xuzhou", "0516", (("鼓楼区", "gulou"), ("云龙区", "yunlong"), ("铜山区", "tongshan"),
                                     ("沛县", "peixian"), ("丰县", "fengxian"))),
    )),
    ("浙江省", "zj", "zhejiang", "31", (
        ("杭州市", "hangzhou", "0571", (("上城区", "shangcheng"), ("拱墅区", "gongshu"), ("西湖区", "xihu"),
                                       ("余杭区", "yuhang"), ("萧山区", "xiaoshan"), ("桐庐县", "tonglu"))),
        ("宁波市", "ningbo", "0574", (("海曙区", "haishu"), ("江北区", "jiangbei"), ("鄞州区", "yinzhou"),
                                     ("余姚市", "yuyao"), ("象山县", "xiangshan"))),
        ("温州市", "wenzhou", "0577", (("鹿城区", "lucheng"), ("龙湾区", "longwan"), ("瑞安市", "ruian"),
                                      ("乐清市", "yueqing"))),
        ("绍兴市", "shaoxing", "0575", (("越城区", "yuecheng"), ("柯桥区", "keqiao"), ("上虞区", "shangyu"),
                                       ("诸暨市", "zhuji"), ("新昌县", "xinchang"))),
    )),
    ("广东省", "gd", "guangdong", "51", (
        ("广州市", "guangzhou", "020", (("越秀区", "yuexiu"), ("天河区", "tianhe"), ("海珠区", "haizhu"),
                                       ("番禺区", "panyu"), ("白云区", "baiyun"))),
        ("深圳市", "shenzhen", "0755", (("福田区", "futian"), ("罗湖区", "luohu"), ("南山区", "nanshan"),
                                       ("宝安区", "baoan"), ("龙岗区", "longgang"))),
        ("佛山市", "foshan", "0757", (("禅城区", "chancheng"), ("南海区", "nanhai"), ("顺德区", "shunde"),
                                     ("三水区", "sanshui"))),
        ("珠海市", "zhuhai", "0756", (("香洲区", "xiangzhou"), ("斗门区", "doumen"), ("金湾区", "jinwan"))),
    )),
    ("四川省", "sc", "sichuan", "61", (
        ("成都市", "chengdu", "028", (("锦江区", "jinjiang"), ("青羊区", "qingyang"), ("武侯区", "wuhou"),
                                     ("成华区", "chenghua"), ("双流区", "shuangliu"), ("大邑县", "dayi"))),
        ("绵阳市", "mianyang", "0816", (("涪城区", "fucheng"), ("游仙区", "youxian"), ("江油市", "jiangyou"),
                                       ("三台县", "santai"))),
        ("宜宾市", "yibin", "0831", (("翠屏区", "cuiping"), ("南溪区", "nanxi"), ("叙州区", "xuzhou"),
                                    ("长宁县", "changning"))),
        ("南充市", "nanchong", "0817", (("顺庆区", "shunqing"), ("高坪区", "gaoping"), ("嘉陵区", "jialing"),
                                       ("阆中市", "langzhong"))),
    )),
    ("河南省", "ha", "henan", "45", (
        ("郑州市", "zhengzhou", "0371", (("中原区", "zhongyuan"), ("二七区", "erqi"), ("金水区", "jinshui"),
                                        ("管城回族区", "guancheng"), ("中牟县", "zhongmu"))),
        ("洛阳市", "luoyang", "0379", (("西工区", "xigong"), ("老城区", "laocheng"), ("涧西区", "jianxi"),
                                      ("偃师区", "yanshi"), ("栾川县", "luanchuan"))),
        ("开封市", "kaifeng", "0371", (("龙亭区", "longting"), ("鼓楼区", "gulou"), ("祥符区", "xiangfu"),
                                      ("兰考县", "lankao"))),
        ("南阳市", "nanyang", "0377", (("宛城区", "wancheng"), ("卧龙区", "wolong"), ("邓州市", "dengzhou"),
                                      ("西峡县", "xixia"))),
    )),
    ("湖北省", "hb", "hubei", "43", (
        ("武汉市", "wuhan", "027", (("江岸区", "jiangan"), ("江汉区", "jianghan"), ("武昌区", "wuchang"),
                                   ("洪山区", "hongshan"), ("江夏区", "jiangxia"))),
        ("宜昌市", "yichang", "0717", (("西陵区", "xiling"), ("伍家岗区", "wujiagang"), ("夷陵区", "yiling"),
                                      ("宜都市", "yidu"))),
        ("襄阳市", "xiangyang", "0710", (("襄城区", "xiangcheng"), ("樊城区", "fancheng"), ("枣阳市", "zaoyang"),
                                        ("南漳县", "nanzhang"))),
    )),
    ("福建省", "fj", "fujian", "35", (
        ("福州市", "fuzhou", "0591", (("鼓楼区", "gulou"), ("台江区", "taijiang"), ("仓山区", "cangshan"),
                                     ("福清市", "fuqing"), ("闽侯县", "minhou"))),
        ("厦门市", "xiamen", "0592", (("思明区", "siming"), ("湖里区", "huli"), ("集美区", "jimei"),
                                     ("海沧区", "haicang"))),
        ("泉州市", "quanzhou", "0595", (("鲤城区", "licheng"), ("丰泽区", "fengze"), ("晋江市", "jinjiang"),
                                       ("石狮市", "shishi"), ("安溪县", "anxi"))),
    )),
)


@dataclass(frozen=True)
class Dept:
    """A government department, named as it is at each level (局 / 委员会 / 厅)."""

    code: str
    county: str
    city: str
    province: str | None
    profile: tuple[int, int, int, int]  # magnitude 0–3 of 许可, 处罚, 强制, 收费 in table 2
    demand: float  # how many information requests it draws, relative to 1.0
    topics: tuple[str, ...]  # what its requesters ask about


DEPTS = (
    Dept("fgj", "发展和改革局", "发展和改革委员会", "发展和改革委员会", (1, 1, 0, 0), 1.0,
         ("重大建设项目", "价格监管", "项目审批")),
    Dept("jyj", "教育局", "教育局", "教育厅", (1, 1, 0, 1), 1.0, ("义务教育招生", "学校规划建设", "教师招聘")),
    Dept("kjj", "科学技术局", "科学技术局", "科学技术厅", (0, 0, 0, 0), 0.4, ("科技项目资金", "高新技术企业认定")),
    Dept("gxj", "工业和信息化局", "工业和信息化局", "工业和信息化厅", (1, 1, 0, 0), 0.6,
         ("企业技术改造", "产业扶持资金")),
    Dept("gaj", "公安局", "公安局", "公安厅", (3, 3, 3, 2), 2.0, ("户籍管理", "交通违法处理", "治安案件办理")),
    Dept("mzj", "民政局", "民政局", "民政厅", (2, 1, 0, 0), 1.0, ("社会救助", "养老服务", "婚姻登记")),
    Dept("sfj", "司法局", "司法局", "司法厅", (1, 1, 0, 0), 0.8, ("行政复议", "法律援助", "人民调解")),
    Dept("czj", "财政局", "财政局", "财政厅", (0, 1, 0, 1), 1.2, ("财政预决算", "政府采购", "专项资金分配")),
    Dept("rsj", "人力资源和社会保障局", "人力资源和社会保障局", "人力资源和社会保障厅", (2, 2, 1, 0), 1.5,
         ("社会保险", "工伤认定", "劳动保障监察")),
    Dept("zrj", "自然资源局", "自然资源和规划局", "自然资源厅", (2, 2, 1, 2), 3.0,
         ("征地拆迁", "土地征收", "不动产登记")),
    Dept("sthj", "生态环境分局", "生态环境局", "生态环境厅", (2, 3, 2, 0), 1.5,
         ("环境影响评价", "污染防治", "环境信访")),
    Dept("zjj", "住房和城乡建设局", "住房和城乡建设局", "住房和城乡建设厅", (3, 2, 1, 1), 3.0,
         ("房屋征收补偿", "物业管理", "老旧小区改造")),
    Dept("jtj", "交通运输局", "交通运输局", "交通运输厅", (3, 3, 2, 1), 1.2, ("道路建设", "公交运营", "出租汽车管理")),
    Dept("slj", "水务局", "水务局", "水利厅", (2, 1, 1, 1), 0.8, ("水利工程", "河湖长制", "防汛抗旱")),
    Dept("nyj", "农业农村局", "农业农村局", "农业农村厅", (2, 2, 1, 0), 1.5,
         ("涉农补贴", "农村集体资产", "宅基地管理")),
    Dept("swj", "商务局", "商务局", "商务厅", (1, 1, 0, 0), 0.5, ("招商引资", "外贸企业扶持")),
    Dept("wlj", "文化和旅游局", "文化和旅游局", "文化和旅游厅", (2, 2, 1, 0), 0.6, ("文物保护", "旅游市场监管")),
    Dept("wjj", "卫生健康局", "卫生健康委员会", "卫生健康委员会", (3, 3, 1, 1), 1.2,
         ("医疗机构管理", "医疗纠纷", "疫苗接种")),
    Dept("tyj", "退役军人事务局", "退役军人事务局", "退役军人事务厅", (0, 0, 0, 0), 0.6, ("优抚安置", "退役军人就业")),
    Dept("yjj", "应急管理局", "应急管理局", "应急管理厅", (2, 3, 2, 0), 0.8,
         ("安全生产", "事故调查", "危险化学品管理")),
    Dept("sjj", "审计局", "审计局", "审计厅", (0, 0, 0, 0), 0.5, ("审计结果", "经济责任审计")),
    Dept("scj", "市场监督管理局", "市场监督管理局", "市场监督管理局", (3, 3, 3, 1), 2.0,
         ("食品药品安全", "企业登记", "价格投诉")),
    Dept("tjj", "统计局", "统计局", "统计局", (0, 1, 0, 0), 0.3, ("统计数据", "经济普查")),
    Dept("ybj", "医疗保障局", "医疗保障局", "医疗保障局", (1, 2, 0, 0), 0.8, ("医保报销", "医保基金监管")),
    Dept("spj", "行政审批服务局", "行政审批服务局", None, (3, 0, 0, 1), 1.0, ("建设项目审批", "营业执照办理")),
    Dept("zfj", "综合行政执法局", "城市管理局", None, (1, 3, 3, 0), 2.0, ("违法建设查处", "市容环境整治")),
    Dept("lyj", "林业局", "林业局", "林业局", (2, 2, 1, 1), 0.5, ("林地占用", "古树名木保护")),
    Dept("mzw", "民族宗教事务局", "民族宗教事务委员会", "民族宗教事务委员会", (1, 0, 0, 0), 0.2, ("宗教活动场所管理",)),
)

ZONES = (("经济技术开发区", "etdz"), ("高新技术产业开发区", "htz"), ("综合保税区", "ftz"), ("临港经济区", "port"))

PLACE_MORPHEMES = (
    "环山", "龙山", "凤凰", "青山", "石门", "东湖", "白沙", "金港", "新华", "文昌", "振华", "长安", "永安",
    "太平", "和平", "兴隆", "柳林", "桃源", "梅溪", "竹园", "松岭", "杏坛", "河口", "黄岗", "北关", "南关",
    "城关", "马集", "张庄", "李家", "王村", "高桥", "大营", "小河", "清水", "红旗", "双河", "三里", "五里",
    "七星", "九龙", "米山", "葛家", "泽头", "界石", "侯家", "宋村", "大水泊", "天福", "龙泉", "铁山", "汤泊",
)
PLACE_SUFFIXES = ("桥", "庄", "店", "集", "铺", "坊", "湾", "岭", "屯", "寨", "堡", "口", "洼", "岗")
ROADS = (
    "文化路", "人民路", "世纪大道", "建设路", "解放路", "中山路", "新华路", "青年路", "府前街", "政务路", "和平路",
    "文山东路", "米山路", "圣经山路", "长江路", "黄河路", "滨海大道", "学府路", "光明街", "朝阳路", "迎宾大道",
)
EMAIL_HOSTS = ("163.com", "126.com", "qq.com")

# ================================================================ prose vocabulary
# Composed at random, these give every report its own wording while staying on-topic.

KEYWORDS = (
    "征地拆迁", "土地征收", "房屋征收补偿", "不动产登记", "房证办理", "物业管理", "城乡规划", "建设项目审批",
    "生态环境保护", "食品药品安全", "安全生产", "义务教育招生", "医疗卫生", "社会救助", "养老服务", "就业创业",
    "社会保障", "财政预决算", "政府采购", "公共资源配置", "重大建设项目", "乡村振兴", "农村集体资产", "涉农补贴",
    "保障性住房", "棚户区改造", "交通运输", "水利工程", "应急管理", "市场监管", "减税降费", "优化营商环境",
    "行政执法", "“双随机、一公开”", "耕地保护", "河湖长制", "老旧小区改造", "退役军人优抚", "残疾人帮扶",
    "医保报销", "公共文化服务", "城市更新", "人才引进", "民生实事", "惠企政策", "政务服务事项",
)
COVID_KEYWORDS = ("疫情防控", "复工复产", "疫苗接种", "助企纾困")
PLATFORMS = (
    "政府门户网站", "政府信息公开专栏", "政务新媒体", "微信公众号", "政务微博", "政务服务网", "政府公报",
    "新闻发布会", "政务公开专区", "便民服务中心公开栏", "村（居）务公开栏", "抖音政务号",
)
INTERPRETATION_FORMS = (
    "图文解读", "视频解读", "在线访谈", "动漫动画", "新闻发布会", "主要负责人解读", "专家解读", "H5长图",
    "“一图读懂”", "音频解读", "问答解读", "媒体解读",
)
RULE_DOCS = (
    "《政府信息公开保密审查办法》", "《政府信息发布协调工作规定》", "《政务新媒体管理办法》",
    "《依申请公开办理工作规范》", "《政府网站信息发布审核制度》", "《政策解读工作办法》",
    "《行政机关公文类信息公开审核办法》", "《政务公开工作考核细则》", "《主动公开基本目录》",
    "《政府信息公开指南》", "《重大行政决策公众参与办法》",
)
COLUMNS = (
    "政策文件", "政策解读", "回应关切", "民生实事", "重点领域信息公开", "优化营商环境", "惠企政策",
    "乡村振兴", "财政资金直达基层", "办事服务", "政府开放日", "建议提案办理", "行政执法公示",
)
GOALS = (
    "以公开促落实、促规范、促服务", "持续深化决策、执行、管理、服务、结果“五公开”",
    "全面推进基层政务公开标准化规范化建设", "着力提升政策解读回应质效", "进一步规范依申请公开办理工作",
    "扎实推进重点领域信息公开", "不断加强政务新媒体和政府网站建设",
    "切实保障人民群众知情权、参与权、表达权和监督权", "更好发挥以公开促落实、强监管功能",
)
RESULTS = (
    "公开质量和实效取得明显提升", "政府信息公开工作水平进一步提升",
    "有效保障了公民、法人和其他组织依法获取政府信息", "群众满意度和获得感不断增强",
    "为推动经济社会高质量发展提供了有力支撑", "政务公开各项工作取得了积极进展",
)
FOCUSES = (
    "优化营商环境", "乡村振兴", "民生保障", "城市更新", "安全生产", "生态环境保护", "项目建设", "基层治理",
    "稳经济促发展", "共同富裕", "法治政府建设",
)
AIMS = ("执政为民", "建设法治政府", "打造阳光政府", "转变政府职能", "推进治理能力现代化", "建设人民满意政府")
VERBS = ("完善", "健全", "规范", "强化", "深化", "拓展", "优化", "加强", "落实", "推进", "创新", "夯实")
OBJECTS = (
    "公开制度规范", "决策公开机制", "政策解读机制", "保密审查机制", "信息发布审核流程", "依申请公开办理流程",
    "政务新媒体管理", "政府网站栏目设置", "基层政务公开标准化规范化建设", "重点领域信息公开", "政务公开专区建设",
    "政民互动渠道", "主动公开基本目录", "行政规范性文件管理", "公共企事业单位信息公开", "政府开放日活动",
)
PROBLEMS = (
    "政策解读的形式还不够丰富，图解、视频等群众喜闻乐见的解读方式运用不多",
    "政府信息公开的深度和广度还需进一步拓展",
    "依申请公开答复的规范化水平有待提升",
    "政务新媒体发挥作用不显著，政民互动效果不够深入",
    "部分信息更新不够及时，栏目内容存在空白或更新滞后现象",
    "工作人员业务能力有待提升，对政务公开的理解还不到位",
    "对部分信息是否可以公开、公开范围和公开程度把握不准",
    "基层政务公开标准化规范化建设还需持续深化",
    "部门之间协调联动不够，数据之间没法互通",
    "重点领域信息公开的系统性和完整性仍有不足",
    "政策文件解读与回应关切的针对性有待加强",
    "信息发布审核把关还不够严格，错敏词时有出现",
    "线下公开渠道利用不充分，政务公开专区作用发挥不够",
    "公众参与决策的渠道还不够畅通",
)
REMEDIES = (
    "加强业务培训，组织工作人员定期学习《条例》等法规政策，提升政务公开意识和业务水平",
    "丰富解读形式，广泛运用在线访谈、视频解读、新闻发布会等方式，凡主动公开的政策性文件均配发解读",
    "健全政府信息动态更新调整机制，定期梳理栏目内容，确保信息发布及时准确",
    "畅通依申请公开受理渠道，规范答复文书格式，确保按时限依法依规作出答复",
    "严格执行内容发布审核制度，坚持分级分类审核，杜绝错敏信息",
    "加强与各业务科室的沟通协调，对政务公开的数据进行严格审核，确保与上级要求一致",
    "聚焦群众关切，围绕{kw1}、{kw2}等重点领域加大公开力度",
    "推进政务公开专区规范化建设，拓展线下公开渠道",
    "完善公众参与机制，扩大重大行政决策公众参与范围",
    "强化考核评估，将政务公开工作纳入年度绩效考核",
    "加强政务新媒体备案审查，确定专人运维，确保安全有序运行",
    "对失效、废止的政府信息定期清理，及时公开清理结果",
)
INNOVATIONS = (
    "建立“{kw1}”全过程公开机制，清单化公开责任单位、目标任务，按季度发布进展情况，使群众获得“一站式”政务公开体验。",
    "在{n}个村（社区）设置政务公开服务点，打通政务公开“最后一公里”。",
    "开设“{col}”专栏，集中发布{kw1}、{kw2}等信息，累计发布{n}条。",
    "组织开展{n}场政府开放日活动，邀请企业代表及群众{m}人次参加，征集意见建议{k}条并全部反馈。",
    "探索推进公共企事业单位信息公开，全面梳理{kw1}等领域所属{n}家单位的公开事项。",
    "以数字政府建设为契机，打造“{kw1}”政策服务包，推动“群众跑腿”向“数据直达”转变。",
    "推行“政策明白卡”，将{kw1}、{kw2}等政策编印成册，累计发放{n}份。",
    "建立政策解读专家库，邀请{n}名专家学者参与重大政策解读。",
)


# ================================================================ model


@dataclass(frozen=True)
class Agency:
    """One registered agency of the synthetic corpus, with what its reports print about it."""

    slug: str
    name: str
    short: str  # how its own prose refers to it: 区民政局, 市政府, 环山街道
    jurisdiction: tuple[str, ...]
    kind: str
    website: str
    address: str
    phone: str
    postcode: str
    office: str
    email: str | None
    aliases: tuple[str, ...]
    demand: float
    topics: tuple[str, ...]
    profile: tuple[int, int, int, int]
    issues_regulations: bool


Row7 = list[int | None]


@dataclass
class Tables:
    """The three statistics tables of one report, plus what its narrative quotes from them."""

    table2: dict[str, object]
    table3: dict[tuple[str, ...], Row7]
    table4: dict[str, dict[str, int]]
    missing: dict[str, str] = field(default_factory=dict)  # table key → reason
    images: dict[str, str] = field(default_factory=dict)  # table key → image id printed in place
    cells: dict[str, str] = field(default_factory=dict)  # cell path → how the null cell was printed
    single_row: bool = False
    notes: list[str] = field(default_factory=list)


@dataclass
class AgencyState:
    """What one year's report hands to the next: the cross-year rules compare these."""

    carried_forward: Row7 | None = None  # last year's 四、结转下年度, when its table 3 was printed
    applications: int | None = None  # last year's 一、本年新收 总计
    in_force: dict[str, int] = field(default_factory=dict)  # last year's 现行有效 by table-2 row


@dataclass(frozen=True)
class Narrative:
    """A figure the prose states, with the verbatim sentence it comes from."""

    key: str
    value: int
    bound: str
    quote: str
    derivation: str | None = None


# ================================================================ agencies


def _county_prefix(city: str, district: str) -> str:
    """How county-level agencies are named: 威海市文登区民政局, but 荣成市民政局 and 沛县民政局."""
    return city + district if district.endswith("区") else district


def _level_char(district: str) -> str:
    return district[-1]


def _district_agencies(prov: tuple, city: tuple, district: tuple[str, str], rng: random.Random) -> Iterator[dict]:
    """Every agency of one county-level area: government, office, departments, 街道 and 乡镇."""
    p_name, p_code, _p_py, _post, _cities = prov
    c_name, c_slug, _area, _districts = city
    d_name, d_slug = district
    prefix = _county_prefix(c_name, d_name)
    lvl = _level_char(d_name)
    base = dict(jurisdiction=(p_name, c_name, d_name), slug_base=f"{p_code}-{c_slug}-{d_slug}", site=d_slug)
    yield dict(base, code="gov", name=f"{prefix}人民政府", short=f"{lvl}政府", kind="人民政府", demand=3.0,
               topics=("征地拆迁", "土地征收", "信访事项"), profile=(0, 0, 0, 0), regs=False)
    yield dict(base, code="gov-office", name=f"{prefix}人民政府办公室", short=f"{lvl}政府办公室", kind="政府办公室",
               demand=1.5, topics=("政府会议纪要", "政府文件"), profile=(0, 0, 0, 0), regs=False)
    for dept in DEPTS:
        yield dict(base, code=dept.code, name=prefix + dept.county, short=lvl + dept.county, kind="部门",
                   demand=dept.demand, topics=dept.topics, profile=dept.profile, regs=False)
    morphemes = rng.sample(PLACE_MORPHEMES, 12)
    for i, m in enumerate(morphemes[:6]):
        yield dict(base, code=f"jd{i + 1:02d}", name=f"{prefix}{m}街道办事处", short=f"{m}街道", kind="街道办事处",
                   demand=0.4, topics=("房屋征收补偿", "社区建设", "低保审批"), profile=(1, 0, 0, 0), regs=False)
    for i, m in enumerate(morphemes[6:]):
        unit = "乡" if i % 4 == 3 else "镇"
        yield dict(base, code=f"zh{i + 1:02d}", name=f"{prefix}{m}{unit}人民政府", short=f"{m}{unit}",
                   kind="乡镇人民政府", demand=0.5, topics=("土地征收", "宅基地管理", "涉农补贴"),
                   profile=(1, 1, 0, 0), regs=False)


def _city_agencies(prov: tuple, city: tuple) -> Iterator[dict]:
    """The city government, its office, its departments and its development zones."""
    p_name, p_code, _p_py, _post, _cities = prov
    c_name, c_slug, _area, _districts = city
    base = dict(jurisdiction=(p_name, c_name), slug_base=f"{p_code}-{c_slug}", site=c_slug)
    yield dict(base, code="gov", name=f"{c_name}人民政府", short="市政府", kind="人民政府", demand=8.0,
               topics=("征地拆迁", "重大建设项目", "政府会议纪要"), profile=(0, 0, 0, 0), regs=True)
    yield dict(base, code="gov-office", name=f"{c_name}人民政府办公室", short="市政府办公室", kind="政府办公室",
               demand=3.0, topics=("政府文件", "政府会议纪要"), profile=(0, 0, 0, 0), regs=True)
    for dept in DEPTS:
        yield dict(base, code=dept.code, name=c_name + dept.city, short="市" + dept.city, kind="部门",
                   demand=dept.demand * 2.5, topics=dept.topics, profile=dept.profile, regs=False)
    for zone, code in ZONES[: 1 + len(c_slug) % 2]:
        name = f"{c_name[:-1]}{zone}管委会"
        yield dict(base, code=code, name=name, short=f"{zone[:2]}区管委会", kind="开发区管委会", demand=1.5,
                   topics=("招商引资", "征地拆迁", "企业扶持政策"), profile=(2, 1, 0, 1), regs=False,
                   aliases=(f"{c_name[:-1]}{zone}管理委员会",))


def _province_agencies(prov: tuple) -> Iterator[dict]:
    """The provincial government, its general office and its departments (厅, 委员会, 局)."""
    p_name, p_code, p_py, _post, cities = prov
    capital = cities[0][1]
    base = dict(jurisdiction=(p_name,), slug_base=p_code, site=p_py, capital=capital)
    yield dict(base, code="gov", name=f"{p_name}人民政府", short="省政府", kind="人民政府", demand=20.0,
               topics=("征地拆迁", "土地征收", "重大建设项目"), profile=(0, 0, 0, 0), regs=True)
    yield dict(base, code="gov-office", name=f"{p_name}人民政府办公厅", short="省政府办公厅", kind="政府办公室",
               demand=6.0, topics=("政府文件", "政府会议纪要"), profile=(0, 0, 0, 0), regs=True)
    for dept in DEPTS:
        if dept.province is not None:
            yield dict(base, code=dept.code, name=p_name + dept.province, short="省" + dept.province, kind="部门",
                       demand=dept.demand * 6, topics=dept.topics, profile=dept.profile, regs=False)


def _overflow_agencies(rng: random.Random) -> Iterator[dict]:
    """Extra 乡镇 with compound names, only needed when a corpus outgrows the base pool."""
    districts = [(p, c, d) for p in PROVINCES for c in p[4] for d in c[3]]
    for round_no, suffix in enumerate(PLACE_SUFFIXES):
        for prov, city, (d_name, d_slug) in districts:
            m = PLACE_MORPHEMES[(round_no * 7 + len(d_slug)) % len(PLACE_MORPHEMES)]
            prefix = _county_prefix(city[0], d_name)
            yield dict(jurisdiction=(prov[0], city[0], d_name), slug_base=f"{prov[1]}-{city[1]}-{d_slug}",
                       site=d_slug, code=f"x{round_no:02d}", name=f"{prefix}{m}{suffix}镇人民政府",
                       short=f"{m}{suffix}镇", kind="乡镇人民政府", demand=0.5, topics=("土地征收", "涉农补贴"),
                       profile=(1, 1, 0, 0), regs=False)
    raise SystemExit("make_corpus: the agency pool is exhausted; lower --reports")


def agency_stream(seed: int) -> Iterator[Agency]:
    """Agencies in a fixed shuffled order: the i-th agency is the same whatever --reports is."""
    rng = random.Random(f"agencies:{seed}")
    specs: list[dict] = []
    for prov in PROVINCES:
        specs.extend(_province_agencies(prov))
        for city in prov[4]:
            specs.extend(_city_agencies(prov, city))
            for district in city[3]:
                specs.extend(_district_agencies(prov, city, district, rng))
    rng.shuffle(specs)
    for index, spec in enumerate(_chain(specs, _overflow_agencies(rng))):
        yield _make_agency(spec, index, random.Random(f"agency:{seed}:{index}"))


def _chain(first: list[dict], rest: Iterator[dict]) -> Iterator[dict]:
    yield from first
    yield from rest


def _make_agency(spec: dict, index: int, rng: random.Random) -> Agency:
    """Fill in contact details; the slug ends in the agency's ordinal so it is unique and stable."""
    prov = next(p for p in PROVINCES if p[0] == spec["jurisdiction"][0])
    city = next((c for c in prov[4] if len(spec["jurisdiction"]) > 1 and c[0] == spec["jurisdiction"][1]), prov[4][0])
    place = "".join(spec["jurisdiction"][1:]) or spec["jurisdiction"][0]
    dash = rng.choice(("—", "—", "-"))
    digits = 8 if len(city[2]) == 3 else 7
    phone = f"{city[2]}{dash}{rng.randrange(10 ** (digits - 1) * 2, 10**digits)}"
    postcode = f"{prov[3]}{rng.randrange(10, 100):02d}{rng.randrange(0, 10)}{rng.randrange(0, 10)}"
    office_suffix = rng.choice(("办公室", "办公室", "党政办公室", "政务公开科", "综合科"))
    if spec["kind"] in ("人民政府", "政府办公室"):
        office_suffix = "政务公开办公室" if spec["kind"] == "人民政府" else "政务公开科"
    email = None
    if rng.random() < 0.4:
        email = f"{spec['code'].replace('-', '')}{spec['site']}@{rng.choice(EMAIL_HOSTS)}"
    return Agency(
        slug=f"{spec['slug_base']}-{spec['code']}-{index:04d}",
        name=spec["name"],
        short=spec["short"],
        jurisdiction=tuple(spec["jurisdiction"]),
        kind=spec["kind"],
        website=f"http://www.{spec['site']}.gov.cn",
        address=f"{place}{rng.choice(ROADS)}{rng.randrange(1, 400)}号",
        phone=phone,
        postcode=postcode,
        office=spec["name"] + office_suffix,
        email=email,
        aliases=tuple(spec.get("aliases", ())),
        demand=spec["demand"],
        topics=tuple(spec["topics"]),
        profile=tuple(spec["profile"]),  # type: ignore[arg-type]
        issues_regulations=spec["regs"],
    )


def years_for(agency: Agency, seed: int) -> tuple[int, ...]:
    """Consecutive report years: most agencies cover 2019–2024, some joined the portal later."""
    rng = random.Random(f"years:{seed}:{agency.slug}")
    if rng.random() < 0.6:
        return YEARS
    length = rng.randrange(3, 6)
    end = YEARS[-1] if rng.random() < 0.8 else YEARS[-2]
    return tuple(range(end - length + 1, end + 1))


def plan_corpus(n_reports: int, seed: int) -> list[tuple[Agency, tuple[int, ...]]]:
    """Take agencies in order until exactly n_reports (agency, year) pairs are covered."""
    plan: list[tuple[Agency, tuple[int, ...]]] = []
    remaining = n_reports
    for agency in agency_stream(seed):
        if remaining <= 0:
            break
        years = years_for(agency, seed)[:remaining]
        plan.append((agency, years))
        remaining -= len(years)
    return plan


# ================================================================ variants


def _quota(n: int, share: float) -> int:
    """Exact number of reports with a defect; at least one once the corpus is big enough to notice."""
    return max(1, round(n * share)) if n >= 20 else round(n * share)


def allocate_variants(keys: Sequence[tuple[str, int]], seed: int) -> dict[tuple[str, int], str]:
    """Give disjoint, exactly counted sets of reports a defect, so tests can count them."""
    rng = random.Random(f"variants:{seed}")
    order = list(keys)
    rng.shuffle(order)
    variants: dict[tuple[str, int], str] = {}
    early = [k for k in order if k[1] <= LATE_FORM_YEAR]
    for key in early[: _quota(len(keys), SHARE_SINGLE_ROW)]:
        variants[key] = "single_row"
    rest = [k for k in order if k not in variants]
    for name, share in (("missing", SHARE_MISSING), ("failing", SHARE_FAILING), ("nulls", SHARE_NULLS)):
        take = _quota(len(keys), share)
        for key in rest[:take]:
            variants[key] = name
        rest = rest[take:]
    return variants


# ================================================================ numbers


def _split(rng: random.Random, total: int, cum_weights: Sequence[float], bins: int) -> list[int]:
    """Deal `total` items into bins by weight (a multinomial draw, deterministic under rng)."""
    counts = [0] * bins
    if total > 400:  # large counts: proportional share plus a small random remainder, for speed
        whole = cum_weights[-1]
        prev = 0.0
        for i, cw in enumerate(cum_weights):
            counts[i] = int(total * (cw - prev) / whole * rng.uniform(0.85, 1.15))
            prev = cw
        over = sum(counts) - total
        while over > 0:
            i = max(range(bins), key=counts.__getitem__)
            cut = min(over, counts[i])
            counts[i] -= cut
            over -= cut
        total = -over if over < 0 else 0
    for i in rng.choices(range(bins), cum_weights=cum_weights, k=total):
        counts[i] += 1
    return counts


def _cumulative(weights: Sequence[float]) -> list[float]:
    out, acc = [], 0.0
    for w in weights:
        acc += w
        out.append(acc)
    return out


APPLICANT_WEIGHTS = _cumulative((85, 9, 0.4, 0.6, 2.5, 2.5))
OUTCOME_WEIGHTS = (
    40, 8,  # granted, partially granted
    0.3, 0.5, 0.3, 2, 1.5, 2, 0.5, 1.5,  # withheld
    20, 3, 2,  # unable
    3, 2, 0.5, 0.5, 0.5,  # not processed
    4, 0.2, 5,  # other handling
)
OUTCOME_ROWS = tuple(r for r in form.TABLE3_ROWS if r.is_outcome)
SINGLE_ROW_PATH = form.TABLE3_SINGLE_ROW.path
OTHER_HANDLING_PATHS = tuple(r.path for r in OUTCOME_ROWS if r.path[0] == "other_handling")
MAGNITUDES = (0, 30, 800, 12000)


def _count_of(rng: random.Random, level: int, scale: float) -> int:
    """A table-2 count of plausible size for an agency whose profile says `level`."""
    if level == 0:
        return 0 if rng.random() < 0.85 else rng.randrange(1, 6)
    return int(MAGNITUDES[level] * scale * rng.lognormvariate(0, 0.6))


def _triple(rng: random.Random, in_force: int, issue_max: int) -> dict[str, int]:
    """制发 / 废止 / 现行有效 that follow on from last year's 现行有效 (the cross-year rule)."""
    issued = rng.randrange(0, issue_max + 1)
    repealed = rng.randrange(0, min(in_force, 4) + 1) if in_force and rng.random() < 0.4 else 0
    return {"issued": issued, "repealed": repealed, "in_force": in_force + issued - repealed}


def make_table2(rng: random.Random, agency: Agency, state: AgencyState) -> dict[str, object]:
    """Table 2 sized by what the agency does: only governments make 规章, only some charge fees."""
    lic, pun, coe, fee = agency.profile
    scale = max(agency.demand, 0.3)
    if not state.in_force or rng.random() < 0.08:  # first year, or a break in the series
        state.in_force = {"regulations": rng.randrange(20, 160) if agency.issues_regulations else 0,
                          "normative_documents": rng.randrange(0, 60)}
    regs = _triple(rng, state.in_force["regulations"], 8) if agency.issues_regulations else \
        {"issued": 0, "repealed": 0, "in_force": 0}
    docs = _triple(rng, state.in_force["normative_documents"], 3 + int(4 * min(scale, 2)))
    state.in_force = {"regulations": regs["in_force"], "normative_documents": docs["in_force"]}
    cents = 0 if fee == 0 or rng.random() < 0.3 else int(10 ** (fee + 1) * scale * rng.lognormvariate(0, 0.8))
    return {
        "regulations": regs,
        "normative_documents": docs,
        "licensing": _count_of(rng, lic, scale),
        "punishment": _count_of(rng, pun, scale),
        "coercion": _count_of(rng, coe, scale),
        "fees_10k_yuan": round(cents / 100, 2),
    }


def make_table3(rng: random.Random, agency: Agency, carried_over: Row7 | None) -> dict[tuple[str, ...], Row7]:
    """A consistent table 3: every column balances and every row's 总计 is its sum."""
    mean = 6 * agency.demand * rng.lognormvariate(0, 0.5)
    n_new = 0 if rng.random() < 0.12 else int(rng.expovariate(1 / mean) + 0.5)
    new = _split(rng, n_new, APPLICANT_WEIGHTS, 6)
    if carried_over is None:
        carried = [0] * 6
        if rng.random() < 0.35:
            carried = _split(rng, rng.randrange(1, 4), APPLICANT_WEIGHTS, 6)
    else:
        carried = [int(v or 0) for v in carried_over[:6]]
    cf_share = rng.uniform(0.0, 0.15) if rng.random() < 0.5 else 0.0
    jitter = _cumulative([w * rng.uniform(0.5, 1.5) for w in OUTCOME_WEIGHTS])
    table: dict[tuple[str, ...], Row7] = {r.path: [0] * 7 for r in form.TABLE3_ROWS}
    for col in range(6):
        available = new[col] + carried[col]
        forward = int(available * cf_share + rng.random() * 0.5) if available else 0
        table[("new",)][col] = new[col]
        table[("carried_over",)][col] = carried[col]
        table[("carried_forward",)][col] = forward
        table[("total",)][col] = available - forward
        for row, count in zip(OUTCOME_ROWS, _split(rng, available - forward, jitter, len(OUTCOME_ROWS)), strict=True):
            table[row.path][col] = count
    for row in table.values():
        row[6] = sum(row[:6])  # type: ignore[arg-type]
    return table


def _carried_over(rng: random.Random, state: AgencyState) -> Row7 | None:
    """Usually last year's carried_forward, verbatim; sometimes the series does not join up."""
    if state.carried_forward is None:
        return None
    row = [int(v or 0) for v in state.carried_forward]
    if rng.random() < 0.1:
        row[0] += rng.randrange(1, 3)
        row[6] = sum(row[:6])
    return row


def make_table4(rng: random.Random, applications: int) -> dict[str, dict[str, int]]:
    """Reviews and lawsuits: rare, and roughly proportional to how many applications there were."""
    out: dict[str, dict[str, int]] = {}
    for group, share in (("review", 0.06), ("litigation_direct", 0.025), ("litigation_after_review", 0.015)):
        n = sum(1 for _ in range(min(applications, 300)) if rng.random() < share)
        cells = _split(rng, n, _cumulative((6, 1.5, 1, 1.5)), 4)
        out[group] = {"upheld": cells[0], "corrected": cells[1], "other": cells[2], "pending": cells[3], "total": n}
    return out


# ================================================================ defects


def apply_missing(rng: random.Random, tables: Tables) -> None:
    """Lose tables the way real sources do: only headings left, or published as images."""
    roll = rng.random()
    lost = ("table2", "table3", "table4") if roll < 0.8 else (rng.choice(("table2", "table3", "table4")),)
    as_image = rng.random() < 0.5
    for key in lost:
        if as_image:
            image = str(rng.randrange(1_600_000_000_000, 1_720_000_000_000))
            tables.images[key] = image
            tables.missing[key] = IMAGE_REASON.format(image)
        else:
            tables.missing[key] = MISSING_HEADING_REASON


def apply_failing(rng: random.Random, tables: Tables) -> None:
    """Break exactly one consistency rule, the way official tables really get it wrong."""
    t3 = tables.table3
    col = 0 if rng.random() < 0.8 else rng.randrange(1, 6)
    delta = rng.randrange(1, 4)
    kind = rng.choice(("outcomes", "balance", "table4"))
    if kind == "outcomes":
        path = rng.choice((("granted",), ("unable", "not_held")))
        for i in (col, 6):
            t3[path][i] = int(t3[path][i] or 0) + delta
        tables.notes.append("原文表三“（七）总计”与各办理结果之和不一致，按原文照录。")
    elif kind == "balance":
        for i in (col, 6):
            t3[("carried_forward",)][i] = int(t3[("carried_forward",)][i] or 0) + delta
        tables.notes.append("原文表三“本年新收”加“上年结转”不等于“办理结果总计”加“结转下年度”，按原文照录。")
    else:
        tables.table4["review"]["total"] += delta
        tables.notes.append("原文表四行政复议“总计”与各项结果之和不一致，按原文照录。")


def apply_nulls(rng: random.Random, tables: Tables) -> None:
    """Print some zero cells as `/` or `—`: they become null, so no rule changes its verdict."""
    mark = rng.choice(("/", "—"))
    if rng.random() < 0.5 and tables.table2["regulations"] == {"issued": 0, "repealed": 0, "in_force": 0}:
        tables.table2["regulations"] = {k: None for k in ("issued", "repealed", "in_force")}
        for cell in ("issued", "repealed", "in_force"):
            tables.cells[f"table2.regulations.{cell}"] = mark
        return
    col = rng.choice((2, 3))  # 科研机构 / 社会公益组织: almost never anything in them
    column = form.TABLE3_COLUMNS[col].key
    zero_rows = [r for r in form.TABLE3_ROWS if tables.table3[r.path][col] == 0]
    for row in zero_rows[: rng.randrange(1, 6)]:
        tables.table3[row.path][col] = None
        tables.cells[f"table3.{row.key}.{column}"] = mark


def apply_single_row(tables: Tables) -> None:
    """The 2019 form: （六）其他处理 is one row; its three sub-rows do not exist."""
    t3 = tables.table3
    t3[SINGLE_ROW_PATH] = [sum(int(t3[p][i] or 0) for p in OTHER_HANDLING_PATHS) for i in range(7)]
    for path in OTHER_HANDLING_PATHS:
        t3[path] = None  # type: ignore[assignment]  # the row does not exist on this form
    tables.single_row = True


def make_tables(rng: random.Random, agency: Agency, variant: str | None, state: AgencyState) -> Tables:
    """All three tables for one report year, with its defect (if any) applied."""
    t3 = make_table3(rng, agency, _carried_over(rng, state))
    tables = Tables(make_table2(rng, agency, state), t3, make_table4(rng, int(t3[("new",)][6] or 0)))
    if variant == "missing":
        apply_missing(rng, tables)
    elif variant == "failing":
        apply_failing(rng, tables)
    elif variant == "nulls":
        apply_nulls(rng, tables)
    elif variant == "single_row":
        apply_single_row(tables)
    return tables


# ================================================================ prose


ORDINALS = ("一是", "二是", "三是", "四是", "五是")
SUBSECTIONS = ("主动公开", "依申请公开", "政府信息管理", "政府信息公开平台建设", "监督保障")
CN_NUMS = ("一", "二", "三", "四", "五", "六", "七")

MEASURES = (  # (what was done, how it was done: templates filled by Prose.fill)
    ("完善公开制度规范", ("严格落实{doc}等系列制度，出台《{y}年{place}政务公开重点工作及责任分工》，明确责任分工",
                  "修订完善{doc}，规范信息公开申请、审查、发布等环节{p}项")),
    ("加大决策公开力度", ("{y}年发布重大行政决策{p}项，公开政府常务会议{p}次，邀请公众代表列席{p}次",
                  "对涉及{kw1}的{p}项重大决策事项提前公开征求意见，收到意见建议{k}条")),
    ("持续做好政策文件解读工作", ("对涉及公众切身利益的政策文件，采用{f1}、{f2}、{f3}等形式解读政策文件{p}件",
                      "凡主动公开的政策性文件均配发解读，全年采用{f1}、{f2}等方式解读{k}次，解读率达100%")),
    ("做好重点领域信息公开", ("围绕{kw1}、{kw2}、{kw3}等重点领域，及时公开相关信息{k}条，完善信息要素，优化公开方式",
                    "全年公开{kw1}相关信息{k}条、{kw2}相关信息{k}条，切实回应群众关切")),
    ("推进财政信息公开", ("及时公开财政预决算、“三公”经费等信息{k}条，公开率达到100%",
                  "按季度公开财政资金直达基层使用情况，全年公开{kw1}专项资金信息{k}条")),
    ("加强行政执法信息公开", ("公开行政许可、行政处罚等行政执法信息{m}条，做到执法信息“应公开尽公开”",
                    "落实行政执法公示制度，在{platform}公示“双随机、一公开”抽查结果{k}批次")),
    ("拓展线下公开渠道", ("组织开展政府开放日活动{p}场，邀请企业代表及群众{m}人次参加，征集意见建议{k}条",
                  "在{k}个村（社区）公开栏同步张贴{kw1}、{kw2}等惠民政策，方便群众就近查阅")),
    ("强化政策发布解读回应", ("在{platform}开设“{col}”专栏，集中发布{kw1}、{kw2}等信息{k}条",
                    "通过{platform}、{platform2}等渠道同步推送{kw1}政策信息{k}条，阅读量累计{m}余次")),
    ("做好政策信息公开", ("主动公开本机关文件{k}件，公开率、关联率和保密审查率均达100%，有效保障了群众知情权",
                  "坚持“公开为常态、不公开为例外”原则，对{k}件政策文件开展公开属性源头认定")),
    ("深化基层政务公开", ("动态更新{kw1}、{kw2}等领域公开事项标准目录，梳理公开事项{k}项",
                  "推动基层政务公开标准化规范化，指导{p}个镇街完善{kw1}领域公开事项清单")),
    ("推进重大建设项目信息公开", ("公开重大建设项目批准、实施和结果信息{k}条，覆盖{kw1}、{kw2}等项目",
                      "按照“谁审批、谁公开”原则，公开建设项目审批信息{k}条")),
    ("做好建议提案办理结果公开", ("公开人大代表建议和政协提案办理复文{k}件，主动接受社会监督",)),
)
MANAGEMENT = (
    "严格落实“三审三校”和政府信息公开保密审查机制，坚持“先审查、后公开”和“一事一审”原则，确保信息发布准确、及时。",
    "常态化开展行政规范性文件清理工作，及时在{platform}标注有效性，{y}年清理失效文件{k}件。",
    "动态更新调整{kw1}、{kw2}等领域的主动公开基本目录，编制更新了《政府信息公开指南》。",
    "全面整理行政规范性文件和政策文件{k}件，集中录入政策文件库，实现文件的权威发布、集中公开和统一检索。",
    "按照“谁公开谁审查、谁审查谁负责”的原则，规范信息发布流程，全年审核各类信息{m}条。",
    "按年度对未公开的政府信息进行评估，对因情势变化可以公开的及时予以公开。",
    "建立政府信息公开台账，对公开内容、公开时间、公开渠道实行动态管理。",
    "修订完善{doc}，明确信息公开申请、审查、发布等环节的责任主体和办理时限。",
    "对{kw1}、{kw2}等领域的存量信息开展全面梳理，更新完善信息{m}条，撤下过期失效信息{k}条。",
    "建立政策文件“一文一解读”制度，政策文件与解读材料同步组织、同步审签、同步部署。",
    "加强政府信息公开属性源头认定，公文办理中同步明确公开方式，全年认定主动公开文件{k}件。",
    "在{platform}设置行政规范性文件专栏，集中公开现行有效文件，标注文件有效性和废止情况。",
    "对照上级最新要求，完善{kw1}领域政务公开事项清单，细化公开内容、公开时限和公开主体。",
)
PLATFORM_LINES = (
    "充分发挥{platform}政务公开第一平台作用，优化“政府信息公开”专栏设置，全年更新栏目{k}个。",
    "健全政府网站、政务新媒体监管机制，定期对错敏词及更新超期问题进行监测，组织自查自纠各类问题{m}次。",
    "全{lvl}{k}个政务新媒体均配备互动交流、政策查询、办事服务功能，推动政务新媒体与网站协同联动、融合发展。",
    "依托{platform}，利用“{short}发布”微信公众号等平台发布{kw1}、{kw2}等工作动态{m}余条。",
    "在政务服务大厅、图书馆、档案馆等{p}个场所设立政务公开专区，提供信息查阅、自助办理、咨询服务。",
    "拓展线下公开渠道，在{k}个村（社区）公开栏同步公开惠民惠农政策，打通政务公开“最后一公里”。",
    "优化政府公报数据库检索功能，新增年份、期号、文号及主题词查询功能和往期公报下载功能。",
    "推进{platform}集约化建设，完成栏目整合{k}个，规范栏目名称和信息分类，提升信息检索便利度。",
    "开设“{col}”专题，集中展示{kw1}、{kw2}等方面政策文件和办事指南，全年访问量{m}余次。",
    "加强政务新媒体日常监管，开展季度检查{p}次，关停整合“僵尸”“睡眠”账号{p}个。",
    "完善{platform}互动交流功能，全年办理网民留言{m}件，按期办结率100%。",
    "规范政府网站信息发布，全年在{platform}发布信息{m}条，未发生重大网络安全事件。",
    "推动政务公开与政务服务融合，在{platform}公开办事指南{k}项，实现“一网通查”。",
)
OVERSIGHT_LINES = (
    "强化组织领导，主要负责同志{p}次听取和研究政务公开工作，研究部署{kw1}等重点领域公开工作。",
    "将政务公开工作纳入年度绩效考核体系，制定并印发{doc}，确保年度工作平稳有序推进。",
    "组织开展政务公开、政务新媒体专题培训{k}次，累计培训{m}余人次，有效提升工作人员业务能力。",
    "配齐配强工作力量，设置专职工作人员{p}名，形成主要领导负总责、分管领导具体抓、业务科室抓落实的工作格局。",
    "通过召开专题会议、分组讨论交流等形式，及时收集{kw1}等方面的意见和建议{k}条，为改进政务公开工作提供参考。",
    "聘请社会监督评议员{k}名，定期开展政务公开工作社会评议，主动接受群众监督。",
    "将政务公开工作纳入年度重点工作统筹部署，召开专题会议{p}次研究解决{kw1}信息公开等重点难点问题。",
    "开展政务公开自查自纠{p}次，针对发现的{k}个问题建立整改台账，逐项销号。",
    "建立政务公开工作月调度、季通报制度，全年印发通报{p}期。",
    "严格落实责任追究制度，对信息发布不及时、不规范的问题及时督促整改，全年未发生违规公开问题。",
    "邀请法律顾问参与依申请公开答复审核，全年审核答复文书{k}件，确保答复合法规范。",
)
HIGHLIGHTS = (
    "认真贯彻落实上级政务公开工作要点，围绕{kw1}、{kw2}、{kw3}等领域，丰富公开途径，拓展公开范围，提高公开实效。",
    "对照年度政务公开工作要点，逐项分解任务{k}项，明确责任科室和完成时限，定期调度重点工作进展情况，逐项推动落实。",
    "聚焦{kw1}和{kw2}，加大政策发布解读力度，全年发布解读材料{k}件，其中主要负责人解读{m}次。",
    "严格按照要点要求设置相应栏目，按时上传政务信息，发布部门政策文件，并严格按照规定发布年度工作计划、行政执法等工作信息。",
)


NUMBER_RANGES = {"p": (1, 20), "k": (2, 60), "n": (3, 90), "m": (60, 2000)}  # few, some, dozens, many
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
WORD_POOLS = {"f": INTERPRETATION_FORMS, "platform": PLATFORMS, "doc": RULE_DOCS, "col": COLUMNS}


@dataclass
class Prose:
    """A random source of phrases for one report: its wording, numbers and topic words."""

    rng: random.Random
    agency: Agency
    year: int
    short: str

    def pick(self, options: Sequence[str]) -> str:
        return options[self.rng.randrange(len(options))]

    def keywords(self) -> tuple[str, ...]:
        """This report's topic pool: the national list, the agency's own topics, COVID years' extras."""
        return KEYWORDS + (COVID_KEYWORDS if 2020 <= self.year <= 2022 else ()) + self.agency.topics

    def fixed(self, name: str) -> str | None:
        """Placeholders that do not vary within a report."""
        if name == "y":
            return str(self.year)
        if name == "place":
            return self.agency.jurisdiction[-1]
        if name == "short":
            return self.agency.short
        if name == "lvl":
            return self.agency.short[0] if self.agency.short[0] in "省市区县" else "系统"
        return None

    def fill(self, template: str) -> str:
        """Fill a template: each number gets its own draw; kw1, kw2 … are distinct words."""
        used: dict[str, str] = {}

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in NUMBER_RANGES:
                return str(self.rng.randrange(*NUMBER_RANGES[name]))
            if name not in used:
                fixed = self.fixed(name)
                if fixed is not None:
                    return fixed
                pool = self.keywords() if name.startswith("kw") else WORD_POOLS[name.rstrip("0123456789")]
                word = self.pick(pool)
                while word in used.values():
                    word = self.pick(pool)
                used[name] = word
            return used[name]

        return _PLACEHOLDER.sub(value, template)

    def enumerate(self, items: Sequence[str], sep: str = "。") -> str:
        """一是…。二是…。: the way these reports list their measures and problems."""
        return "".join(f"{ORDINALS[i]}{item}{sep}" for i, item in enumerate(items))


def opening(p: Prose) -> str:
    """The lead paragraph of 一、总体情况."""
    goal, result = p.pick(GOALS), p.pick(RESULTS)
    return p.pick((
        f"{p.year}年，{p.short}认真贯彻落实《条例》和上级关于政务公开工作的决策部署，围绕中心工作，{goal}，{result}。",
        f"{p.year}年，{p.short}坚持“公开为常态、不公开为例外”原则，紧扣{p.pick(FOCUSES)}，{goal}，{result}。",
        f"{p.year}年，{p.short}把政务公开作为{p.pick(AIMS)}的重要举措，{goal}，政府信息公开工作质量和实效稳步提升。",
        f"{p.year}年，{p.short}秉承及时、高效、便民的工作原则，不断健全工作机制，优化工作流程，拓展公开渠道，{goal}。",
        f"{p.year}年，{p.short}"
        + p.fill("通过{platform}和{platform2}等多种形式，及时、全面、规范地开展政府信息公开工作，") + f"{result}。",
        f"{p.year}年，{p.short}按照国家和省、市关于政务公开工作决策部署，围绕{p.pick(FOCUSES)}工作，进一步深化政务公开，{result}。",
    ))


def proactive(p: Prose) -> tuple[str, list[Narrative]]:
    """（一）主动公开: the count of items published, in one of the ways reports phrase it."""
    r = p.rng
    n = int(40 + 150 * p.agency.demand * r.lognormvariate(0, 0.7))
    bound = "exact" if r.random() < 0.7 else "at_least" if r.random() < 0.8 else "approx"
    if bound == "at_least":
        n = max(10, n // 10 * 10)
        quote = p.pick((f"{p.year}年，{p.short}共主动公开信息{n}余条", f"累计主动公开各类政务信息{n}余条",
                        f"通过{p.pick(PLATFORMS)}主动发布各类信息{n}余条"))
    elif bound == "approx":
        quote = f"全年主动公开政府信息约{n}条"
    else:
        quote = p.pick((f"{p.year}年，{p.short}共主动公开政府信息{n}条",
                        f"通过{p.pick(PLATFORMS)}主动公开政府信息{n}条",
                        f"全年共主动公开各类政府信息{n}条", f"共主动公开政务信息{n}条"))
    web = r.randrange(n // 4, n // 2 + 1)
    media = r.randrange(0, n - web + 1)
    parts = [f"{quote}，其中{p.pick(PLATFORMS[:2])}{web}条，{p.pick(PLATFORMS[2:6])}{media}条。"]
    measures = r.sample(MEASURES, r.randrange(2, 5))
    parts.append(p.enumerate([f"{title}。{p.fill(p.pick(details))}" for title, details in measures]))
    return "".join(parts), [Narrative("proactive_disclosed", n, bound, quote)]


def _comparison(p: Prose, n: int, previous: int) -> tuple[str, str]:
    """较去年增加/减少 phrasing, and how the previous year's figure follows from it."""
    diff = n - previous
    if diff == 0:
        return "，与上年持平", f"{n}（与上年持平）"
    word = p.pick(("较去年", "比上年", "同比"))
    if diff > 0:
        return f"，{word}增加{diff}件", f"{n} − {diff}（{word}增加{diff}件）"
    return f"，{word}减少{-diff}件", f"{n} + {-diff}（{word}减少{-diff}件）"


def on_request(p: Prose, tables: Tables, state: AgencyState) -> tuple[str, list[Narrative]]:
    """（二）依申请公开: applications received (and vs last year), carried over, disputes."""
    r = p.rng
    t3 = tables.table3
    n = int(t3[("new",)][6] or 0)
    out: list[Narrative] = []
    if n == 0:
        quote = p.pick(("本年度未收到政府信息公开申请", f"{p.year}年，{p.short}未收到政府信息公开申请"))
        text = quote + "。"
        out.append(Narrative("applications_received", 0, "exact", quote))
    else:
        lead = p.pick((f"{p.year}年，{p.short}共收到政府信息公开申请{n}件",
                       f"{p.year}年共收到和处理政府信息公开申请{n}件", f"全年共受理政府信息公开申请{n}件"))
        quote = lead
        if state.applications is not None and r.random() < 0.6:
            previous = state.applications if r.random() < 0.9 else state.applications + r.randrange(1, 4)
            phrase, derivation = _comparison(p, n, previous)
            quote = lead + phrase
            out.append(Narrative("applications_received_previous", previous, "exact", quote, derivation))
        out.insert(0, Narrative("applications_received", n, "exact", quote))
        topic = p.pick(p.agency.topics)
        other = p.pick(KEYWORDS)
        text = (f"{quote}，申请内容主要集中在{topic}和{other}等方面，"
                f"{p.pick(('均按时予以答复', '已全部按期办理答复', '均在法定期限内依法作出答复'))}。")
    carried = int(t3[("carried_over",)][6] or 0)
    if r.random() < 0.5:
        quote = f"上年结转政府信息公开申请{carried}件" if carried else "无上年结转政府信息公开申请"
        text += quote + "。"
        out.append(Narrative("applications_carried_over", carried, "exact", quote))
    text += p.fill(p.pick((
        "通过调整网上依申请公开端口、修改政府信息公开指南等措施，确保对申请人依法作出答复。",
        "进一步强化对办件问题源头的协调处理，通过沟通协商，申请人主动撤回申请{p}件。",
        "规范了处理流程，明确了责任科室，大幅提高了处理效率，能够快速及时有效地答复申请人。",
        "依托依申请公开平台，将线上线下办件全部归集，精准把控办件进度，全方位监控办件质量。",
    )))
    if r.random() < 0.6:
        review = tables.table4["review"]["total"]
        suits = tables.table4["litigation_direct"]["total"] + tables.table4["litigation_after_review"]["total"]
        if review == suits == 0:
            quote = p.pick(("本年度无因政府信息公开申请产生的行政复议、行政诉讼情况发生",
                            "未发生因政府信息公开引发的行政复议、行政诉讼案件"))
        else:
            quote = f"因政府信息公开引发行政复议{review}件、行政诉讼{suits}件"
        text += quote + "。"
        out += [Narrative("reconsiderations", review, "exact", quote), Narrative("lawsuits", suits, "exact", quote)]
    return text, out


def management(p: Prose, tables: Tables) -> tuple[str, list[Narrative]]:
    """（三）政府信息管理, stating how many 行政规范性文件 were issued."""
    lines = [p.fill(x) for x in p.rng.sample(MANAGEMENT, p.rng.randrange(2, 4))]
    issued = tables.table2["normative_documents"]["issued"]  # type: ignore[index]
    if p.rng.random() < 0.6 and isinstance(issued, int):
        quote = f"{p.year}年制发行政规范性文件{issued}件" if issued else f"{p.year}年未制定行政规范性文件"
        lines.append(quote + "。")
        return "".join(lines), [Narrative("normative_documents_issued", issued, "exact", quote)]
    return "".join(lines), []


def fees_paragraph(p: Prose) -> tuple[str, list[Narrative]]:
    """六、（一）信息处理费: usually none was charged; rarely a small sum in 元."""
    if p.rng.random() < 0.04:
        yuan = p.rng.randrange(50, 3000)
        quote = f"共收取信息处理费{yuan}元"
        return f"{p.year}年，{p.short}{quote}。", [Narrative("fees_collected_yuan", yuan, "exact", quote)]
    quote = p.pick(("未收取信息处理费", "无收取政府信息公开处理费相关情况", "未收取政府信息公开信息处理费"))
    narrative = [Narrative("fees_collected_yuan", 0, "exact", quote)] if p.rng.random() < 0.7 else []
    return f"{p.year}年，{p.short}{quote}。", narrative


def proposals_paragraph(p: Prose) -> str:
    r = p.rng
    if r.random() < 0.3:
        return f"{p.year}年，{p.short}未承办人大代表建议和政协委员提案。"
    a, b = r.randrange(0, 30), r.randrange(0, 30)
    return (f"{p.year}年，{p.short}共承办人大代表建议{a}件、政协委员提案{b}件，"
            f"内容主要涉及{p.pick(KEYWORDS)}、{p.pick(KEYWORDS)}等方面，已全部办理完毕，办结率100%。")


def problems_section(p: Prose) -> list[str]:
    """五、存在的主要问题及改进情况, in one of the three layouts the seeds use."""
    problems = p.rng.sample(PROBLEMS, p.rng.randrange(2, 4))
    remedies = [p.fill(x) for x in p.rng.sample(REMEDIES, p.rng.randrange(2, 5))]
    style = p.rng.randrange(3)
    if style == 0:
        return ["（一）主要问题", f"{p.year}年，政务公开工作虽取得了一定进展，但仍存在{'、'.join(problems)}等问题。",
                "（二）改进措施", p.enumerate(remedies)]
    if style == 1:
        return ["存在的问题：" + "；".join(f"{ORDINALS[i]}{x}" for i, x in enumerate(problems)) + "。",
                "改进措施：" + p.enumerate(remedies)]
    return [f"工作中存在的主要问题：{p.enumerate(problems)}", f"具体的解决办法及改进措施：{p.enumerate(remedies)}"]


# ================================================================ tables as printed text


BOOKMARK = "[bookmark: _Hlk{}]"
T3_HEADER = (
    "\t（本列数据的勾稽关系为：第一项加第二项之和，\n等于第三项加第四项之和）",
    "\t申请人情况", "",
    "\t", "\t自然人", "\t法人或其他组织", "\t总计", "",
    "\t", "\t", *("\t" + c.label for c in form.TABLE3_COLUMNS[1:6]), "\t", "",
)
T4_HEADER_WRAPPED = (
    "\t行政复议", "\t行政诉讼", "",
    "\t结果\n维持", "\t结果纠正", "\t其他结果", "\t尚未\n审结", "\t总\n计", "\t未经复议直接起诉", "\t复议后起诉", "",
    "\t", "\t", "\t", "\t", "\t", "\t结果维持", "\t结果纠正", "\t其他\n结果", "\t尚未\n审结", "\t总计",
    "\t结果维持", "\t结果\n纠正", "\t其他\n结果", "\t尚未审结", "\t总计", "",
)
T4_HEADER_PLAIN = (
    "\t行政复议", "\t行政诉讼", "",
    *("\t" + c.label for c in form.TABLE4_CELLS), "\t未经复议直接起诉", "\t复议后起诉", "",
    *(["\t"] * 5), *("\t" + c.label for c in form.TABLE4_CELLS), *("\t" + c.label for c in form.TABLE4_CELLS), "",
)


ROW_CELL_PATHS = {r.path: tuple(f"table3.{r.key}.{c.key}" for c in form.TABLE3_COLUMNS)
                  for r in (*form.TABLE3_ROWS, form.TABLE3_SINGLE_ROW)}


def _printed(value: object, path: str, cells: dict[str, str]) -> str:
    if type(value) is int:
        return str(value)
    if value is None:
        return cells.get(path, "")
    if isinstance(value, float):
        return f"{value:.2f}" if value else "0"
    return str(value)


def table2_lines(t2: dict, cells: dict[str, str], rng: random.Random) -> list[str]:
    """Table 2 flattened one cell per line, as Word-to-text conversion leaves it (seed 002)."""
    lines: list[str] = []
    for section, items in form.TABLE2_SECTIONS:
        lines += ["", "\t" + section, "", "\t信息内容"]
        if items == form.TABLE2_TRIPLES:
            lines += ["\t" + c.label for c in form.TRIPLE_CELLS]
        else:
            lines.append("\t本年收费金额（单位：万元）" if items[0] == form.TABLE2_FEES else "\t本年处理决定数量")
        for item in items:
            lines += ["", "\t" + item.label]
            if item in form.TABLE2_TRIPLES:
                lines += ["\t" + _printed(t2[item.key][c.key], f"table2.{item.key}.{c.key}", cells)
                          for c in form.TRIPLE_CELLS]
            else:
                lines.append("\t" + _printed(t2[item.key], f"table2.{item.key}", cells))
    return lines + ["", ""]


def table3_lines(t3: dict, cells: dict[str, str], rng: random.Random, single_row: bool) -> list[str]:
    """Table 3 flattened, with the merged label cells and occasional Word bookmarks of seed 002."""
    bookmarks = rng.random() < 0.15
    lines = list(T3_HEADER)
    started: set[str | None] = set()
    rows = [r for r in form.TABLE3_ROWS if not (single_row and r.path[0] == "other_handling")]
    if single_row:
        at = next(i for i, r in enumerate(rows) if r.path == ("total",))
        rows.insert(at, form.TABLE3_SINGLE_ROW)
    for row in rows:
        label = row.label
        if bookmarks and rng.random() < 0.3:
            label = BOOKMARK.format(rng.randrange(66_000_000, 67_100_000)) + label
        if label.endswith("5.要求行政机关确认或重新出具已获取信息"):
            label = label.replace("重新出具", "重新\n出具")
        head: list[str] = []
        if row.path == ("granted",):
            head = ["\t" + form.TABLE3_RESULTS_LABEL]
        elif row.is_outcome or row.path == ("total",):
            head = ["\t"]
        if row.group_label is not None:
            head.append("\t" + row.group_label if row.group_label not in started else "\t")
            started.add(row.group_label)
        lines += head + ["\t" + label]
        lines += ["\t" + _printed(v, path, cells) for v, path in zip(t3[row.path], ROW_CELL_PATHS[row.path],
                                                                       strict=True)]
        lines.append("")
    return lines + [""]


def table4_lines(t4: dict, cells: dict[str, str], rng: random.Random) -> list[str]:
    lines = list(T4_HEADER_WRAPPED if rng.random() < 0.5 else T4_HEADER_PLAIN)
    for group in form.TABLE4_GROUPS:
        lines += ["\t" + _printed(t4[group.key][c.key], f"table4.{group.key}.{c.key}", cells)
                  for c in form.TABLE4_CELLS]
    return lines + ["", "", ""]


# ================================================================ one report


@dataclass(frozen=True)
class Report:
    """Everything written for one agency-year: the text and what the YAML records about it."""

    agency: Agency
    year: int
    text: str
    tables: Tables
    narrative: list[Narrative]
    published: dt.date | None
    contact: dict[str, str | None]
    original_name: str
    url: str | None
    form_id: str


def publication_date(rng: random.Random, agency: Agency, year: int) -> dt.date | None:
    """Mostly January–March of the next year; some late; some reports print no date."""
    roll = rng.random()
    if roll < 0.07:
        return None
    deadline = dt.date(year + 1, 3, 31) if agency.kind == "人民政府" else dt.date(year + 1, 1, 31)
    start = dt.date(year + 1, 1, 5)
    if roll < 0.85:
        return start + dt.timedelta(days=rng.randrange((deadline - start).days + 1))
    return deadline + dt.timedelta(days=rng.randrange(1, 75))


def title_lines(p: Prose, agency: Agency, year: int) -> list[str]:
    blank = [""] if p.rng.random() < 0.5 else []
    return [agency.name, *blank, f"{year}年政府信息公开工作年度报告", ""]


def intro_lines(p: Prose, agency: Agency, year: int, form_id: str) -> tuple[list[str], dict[str, str | None]]:
    """The preamble: legal basis, contents, period, and the contact details it prints."""
    r = p.rng
    fmt = "国办公开办函〔2021〕30号" if form_id == form.FORM_ID else "国办公开办函〔2019〕60号"
    basis = p.pick((
        f"根据《中华人民共和国政府信息公开条例》（国务院令第711号，以下简称《条例》）和《中华人民共和国政府信息公开工作"
        f"年度报告格式》（{fmt}）要求，结合{year}年{agency.name}政府信息公开工作实际，编制发布本报告。",
        f"根据《中华人民共和国政府信息公开条例》（国务院令第711号，以下简称《条例》）和《中华人民共和国政府信息公开工作"
        f"年度报告格式》（{fmt}）要求，现公布{agency.name}{year}年度政府信息公开工作报告。",
        f"根据《中华人民共和国政府信息公开条例》（以下简称《条例》）的规定，现公布{agency.name}{year}年度信息公开工作报告。",
    ))
    contents = p.pick((
        "本报告内容包括：总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议及行政诉讼情况、"
        "存在的主要问题及改进情况、其他事项，以及相关指标统计附表等。",
        "本报告由总体情况，主动公开政府信息情况，收到和处理政府信息公开申请情况，政府信息公开行政复议、行政诉讼情况，"
        "存在的主要问题及改进措施，其他需要报告的事项共6部分组成。",
    ))
    contact: dict[str, str | None] = {
        "office": agency.office, "address": agency.address,
        "postcode": agency.postcode if r.random() < 0.5 else None, "phone": agency.phone,
        "fax": None,
        "email": agency.email if agency.email and r.random() < 0.8 else None,
        "website": agency.website if r.random() < 0.85 else None,
    }
    if r.random() < 0.15:
        contact["fax"] = agency.phone[:-2] + f"{r.randrange(100):02d}"
    details = [f"地址：{contact['address']}"]
    details += [f"{label}：{contact[key]}" for key, label in (("postcode", "邮政编码"), ("phone", "电话"),
                                                              ("fax", "传真"), ("email", "电子邮箱")) if contact[key]]
    period = f"报告中所列数据统计期限从{year}年1月1日到12月31日止。"
    if contact["website"]:
        period += f"报告电子版可从{agency.name}门户网站（网址：{contact['website']}）查阅或下载。"
    period += f"如对本报告有疑问，请与{agency.office}联系（{p.pick(('，', '；')).join(details)}）。"
    return [basis, contents, period], contact


def overview_lines(p: Prose, tables: Tables, state: AgencyState) -> tuple[list[str], list[Narrative]]:
    """一、总体情况 with its five sub-sections in one of the seeds' heading styles."""
    style = p.rng.randrange(3)
    pro_text, pro_n = proactive(p)
    req_text, req_n = on_request(p, tables, state)
    mgmt_text, mgmt_n = management(p, tables)
    platform = "".join(p.fill(x) for x in p.rng.sample(PLATFORM_LINES, p.rng.randrange(2, 4)))
    oversight = "".join(p.fill(x) for x in p.rng.sample(OVERSIGHT_LINES, p.rng.randrange(2, 4)))
    lines = ["一、总体情况", opening(p)]
    for i, (name, body) in enumerate(zip(SUBSECTIONS, (pro_text, req_text, mgmt_text, platform, oversight),
                                         strict=True)):
        if style == 0:
            lines += [f"（{CN_NUMS[i]}）{name}{'工作情况' if i < 2 else '情况'}", body]
        elif style == 1:
            lines.append(f"（{CN_NUMS[i]}）{name}方面。{body}")
        else:
            lines.append(f"{i + 1}.{name}{'工作' if i == 1 else ''}方面。{body}")
    return lines, pro_n + req_n + mgmt_n


def table_section(key: str, heading: str, tables: Tables, rng: random.Random) -> list[str]:
    """A table's heading, then its cells, or an image marker, or nothing (lost in conversion).

    Cells are one per line with blank lines between rows, as Word-to-text leaves them (seed 002).
    """
    if key in tables.images:
        return [heading, f"[image: {tables.images[key]}]"]
    if key in tables.missing:
        return [" " + heading if rng.random() < 0.5 else heading]
    if key == "table2":
        body = table2_lines(tables.table2, tables.cells, rng)
    elif key == "table3":
        body = ["", *table3_lines(tables.table3, tables.cells, rng, tables.single_row)]
    else:
        body = ["", *table4_lines(tables.table4, tables.cells, rng)]
    return [heading + "\n" + "\n".join(body)]  # one block: paragraph spacing must not reach inside a table


def other_lines(p: Prose) -> tuple[list[str], list[Narrative]]:
    """六、其他需要报告的事项: fees, proposals, the year's work points, innovations."""
    fee_text, fee_n = fees_paragraph(p)
    items = [("收取信息处理费情况", fee_text), ("人大代表建议和政协提案办理结果公开情况", proposals_paragraph(p)),
             ("落实上级年度政务公开工作要点情况", p.fill(p.pick(HIGHLIGHTS)))]
    if p.rng.random() < 0.7:
        items.append(("政务公开工作创新情况", "".join(p.fill(x) for x in p.rng.sample(INNOVATIONS, 2))))
    items.append(("其他需要报告的事项", "无。"))
    lines = ["六、其他需要报告的事项"]
    for i, (head, body) in enumerate(items):
        lines += [f"（{CN_NUMS[i]}）{head}", body]
    return lines, fee_n


def heading_quirks(rng: random.Random) -> tuple[dict[str, str], list[str]]:
    """A few reports mis-number or lose section numerals, as seeds 001 and 002 do."""
    roll = rng.random()
    if roll < 0.02:
        return ({"四": "4、 ", "五": "5、 "}, ["原文第四、五部分标题误编为“4、”“5、”。"])
    if roll < 0.03:
        return ({"二": ""}, ["原文“二、主动公开政府信息情况”一节标题缺少序号“二、”。"])
    return {}, []


def build_report(agency: Agency, year: int, variant: str | None, state: AgencyState, rng: random.Random) -> Report:
    """Compose one report: tables first, then the prose that quotes them, then the layout."""
    form_id = "gov-2019" if variant == "single_row" else form.FORM_ID
    tables = make_tables(rng, agency, variant, state)
    short = agency.short if rng.random() < 0.8 else first_person(agency)
    p = Prose(rng, agency, year, short)
    published = publication_date(rng, agency, year)
    intro, contact = intro_lines(p, agency, year, form_id)
    overview, narrative = overview_lines(p, tables, state)
    others, fee_n = other_lines(p)
    renumber, notes = heading_quirks(rng)
    tables.notes.extend(notes)

    def heading(num: str, title: str) -> str:
        return f"{renumber.get(num, num + '、')}{title}"

    lines = title_lines(p, agency, year) + intro + overview
    for num, key in (("二", "table2"), ("三", "table3"), ("四", "table4")):
        lines += table_section(key, heading(num, form.TABLE_TITLES[key].split("、", 1)[1]), tables, rng)
    lines += [heading("五", "存在的主要问题及改进情况"), *problems_section(p), *others, ""]
    indent = " " * rng.choice((0, 0, 16, 32))
    lines.append(indent + agency.name)
    if published is not None:
        lines.append(f"{published.year}年{published.month}月{published.day}日")
    separator = "\n\n" if rng.random() < 0.3 else "\n"
    text = separator.join(lines) + "\n"
    state.carried_forward = tables.table3[("carried_forward",)]
    state.applications = int(tables.table3[("new",)][6] or 0)
    original = f"{rng.randrange(1000):03d}_{rng.getrandbits(64):016x}.txt"
    url = None
    if published is not None and rng.random() < 0.5:
        url = (f"{agency.website}/art/{published.year}/{published.month}/{published.day}/"
               f"art_{rng.randrange(1000, 9999)}_{rng.randrange(100000, 999999)}.html")
    return Report(agency, year, text, tables, narrative + fee_n, published, contact, original, url, form_id)


def first_person(agency: Agency) -> str:
    """How an agency calls itself in the first person: 我局, 本委, 我办 …"""
    last = agency.name[-1]
    return {"局": "我局", "厅": "我厅", "会": "本委", "室": "我办", "处": "本街道", "府": "本机关"}.get(last, "本机关")


# ================================================================ YAML


_NEEDS_QUOTES = re.compile(r"""^[-?:,\[\]{}#&*!|>'"%@`\s]|[\s:]$|: | #|[,\[\]{}\n"\\]""")
_ASCII_PLAIN = re.compile(r"^(https?://[A-Za-z0-9./_-]+|[A-Za-z0-9._-]+@[A-Za-z0-9.-]+)$")


def ystr(value: str | None) -> str:
    """A YAML scalar that loads back as this exact string (or null).

    Plain style when it cannot be mis-typed — any string with a non-ASCII character can't be
    read as a number, date or boolean — else JSON quoting, which is valid YAML.
    """
    if value is None:
        return "null"
    if value and not _NEEDS_QUOTES.search(value) and (not value.isascii() or _ASCII_PLAIN.match(value)):
        return value
    return json.dumps(value, ensure_ascii=False)


def _flow_list(items: Sequence[str]) -> str:
    return "[" + ", ".join(ystr(i) for i in items) + "]"


def _row(values: Row7 | None) -> str:
    if values is None:
        return "null"
    return "[" + ", ".join("null" if v is None else str(v) for v in values) + "]"


def _flow_map(mapping: dict) -> str:
    return "{" + ", ".join(f"{k}: {'null' if v is None else v}" for k, v in mapping.items()) + "}"


def table3_yaml(t3: dict[tuple[str, ...], Row7], single_row: bool) -> list[str]:
    lines = ["table3:", "  # " + ", ".join(c.key for c in form.TABLE3_COLUMNS)]
    groups = {g.key for g in form.TABLE3_GROUPS}
    for key in dict.fromkeys(r.path[0] for r in form.TABLE3_ROWS):
        if key not in groups:
            lines.append(f"  {key}: {_row(t3[(key,)])}")
            continue
        lines.append(f"  {key}:")
        lines += [f"    {r.path[1]}: {_row(t3[r.path])}" for r in form.TABLE3_ROWS if r.path[0] == key]
        if key == "other_handling":
            lines.append(f"    {form.SINGLE_ROW}: {_row(t3[SINGLE_ROW_PATH] if single_row else None)}")
    return lines


def report_yaml(report: Report) -> str:
    """The report YAML in the layout of docs/content.md, written by hand for speed."""
    t = report.tables
    lines = [
        "# yaml-language-server: $schema=../../schema/report.schema.json",
        f"agency: {report.agency.slug}",
        f"year: {report.year}",
        f"title: {ystr(f'{report.agency.name}{report.year}年政府信息公开工作年度报告')}",
        f"published: {report.published.isoformat() if report.published else 'null'}",
        "status: reviewed",
        f"form: {report.form_id}",
        "source:",
        f"  file: {report.year}.txt",
        f"  original_name: {report.original_name}",
        "  format: text",
        f"  url: {ystr(report.url)}",
        "  retrieved: null",
        "contact:",
        *(f"  {k}: {ystr(v)}" for k, v in report.contact.items()),
    ]
    lines += _mapping_block("missing_tables", dict(sorted(t.missing.items())))
    if "table2" in t.missing:
        lines.append("table2: null")
    else:
        t2 = t.table2
        lines += ["table2:", *(f"  {i.key}: {_flow_map(t2[i.key])}" for i in form.TABLE2_TRIPLES),  # type: ignore[arg-type]
                  *(f"  {i.key}: {'null' if t2[i.key] is None else t2[i.key]}" for i in form.TABLE2_COUNTS),
                  f"  {form.TABLE2_FEES.key}: {t2[form.TABLE2_FEES.key]!r}"]
    lines += ["table3: null"] if "table3" in t.missing else table3_yaml(t.table3, t.single_row)
    if "table4" in t.missing:
        lines.append("table4: null")
    else:
        lines += ["table4:", *(f"  {g.key}: {_flow_map(t.table4[g.key])}" for g in form.TABLE4_GROUPS)]
    lines += _mapping_block("cells", dict(sorted(t.cells.items())))
    lines += _narrative_block(report.narrative)
    lines += ["notes: []"] if not t.notes else ["notes:", *(f"  - {ystr(n)}" for n in t.notes)]
    lines.append("checks: []")
    return "\n".join(lines) + "\n"


def _mapping_block(name: str, mapping: dict[str, str]) -> list[str]:
    if not mapping:
        return [f"{name}: {{}}"]
    return [f"{name}:", *(f"  {k}: {ystr(v)}" for k, v in mapping.items())]


def _narrative_block(items: Sequence[Narrative]) -> list[str]:
    if not items:
        return ["narrative: []"]
    lines = ["narrative:"]
    for n in items:
        lines += [f"  - key: {n.key}", f"    value: {n.value}", f"    bound: {n.bound}", f"    quote: {ystr(n.quote)}"]
        if n.derivation:
            lines.append(f"    derivation: {ystr(n.derivation)}")
    return lines


def agencies_yaml(agencies: Sequence[Agency]) -> str:
    lines = ["# yaml-language-server: $schema=schema/agencies.schema.json",
             "# A synthetic registry written by bench/make_corpus.py. See docs/content.md.", "agencies:"]
    for a in agencies:
        lines += [
            f"  - slug: {a.slug}", f"    name: {ystr(a.name)}", f"    jurisdiction: {_flow_list(a.jurisdiction)}",
            f"    kind: {a.kind}", f"    website: {ystr(a.website)}", f"    address: {ystr(a.address)}",
            f"    phone: {ystr(a.phone)}", f"    aliases: {_flow_list(a.aliases)}", "    draft: false",
        ]
    return "\n".join(lines) + "\n"


# ================================================================ the corpus


def generate(n_reports: int, seed: int) -> Iterator[Report | list[Agency]]:
    """Yield the agency list first, then every report in (agency order, year) order."""
    plan = plan_corpus(n_reports, seed)
    yield [agency for agency, _ in plan]
    variants = allocate_variants([(a.slug, y) for a, years in plan for y in years], seed)
    for agency, years in plan:
        rng = random.Random(f"reports:{seed}:{agency.slug}")
        state = AgencyState()
        for year in years:
            yield build_report(agency, year, variants.get((agency.slug, year)), state, rng)


def write_corpus(n_reports: int, out: Path, seed: int) -> tuple[int, int, int]:
    """Write the corpus; return (agencies, reports, bytes written)."""
    stream = generate(n_reports, seed)
    agencies = next(stream)
    assert isinstance(agencies, list)
    out.mkdir(parents=True, exist_ok=True)
    registry = agencies_yaml(agencies).encode()
    (out / "agencies.yaml").write_bytes(registry)
    total, count, made = len(registry), 0, set()
    for report in stream:
        assert isinstance(report, Report)
        folder = out / "reports" / report.agency.slug
        if folder not in made:
            os.makedirs(folder, exist_ok=True)
            made.add(folder)
        text, data = report.text.encode(), report_yaml(report).encode()
        with open(folder / f"{report.year}.txt", "wb") as f:
            f.write(text)
        with open(folder / f"{report.year}.yaml", "wb") as f:
            f.write(data)
        total += len(text) + len(data)
        count += 1
    return len(agencies), count, total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, required=True, help="exact number of reports to write")
    parser.add_argument("--out", type=Path, required=True, help="content directory to create")
    parser.add_argument("--seed", type=int, default=1, help="same seed and --reports give byte-identical output")
    parser.add_argument("--force", action="store_true",
                        help="replace DIR/agencies.yaml and DIR/reports/ if DIR is not empty")
    args = parser.parse_args(argv)
    if args.reports < 1:
        parser.error("--reports must be at least 1")
    if args.out.exists() and any(args.out.iterdir()):
        if not args.force:
            parser.error(f"{args.out} is not empty (use --force to replace its agencies.yaml and reports/)")
        shutil.rmtree(args.out / "reports", ignore_errors=True)
        (args.out / "agencies.yaml").unlink(missing_ok=True)
    start = time.perf_counter()
    agencies, reports, size = write_corpus(args.reports, args.out, args.seed)
    elapsed = time.perf_counter() - start
    print(f"wrote {reports} reports of {agencies} agencies to {args.out}: "
          f"{size / 1e6:.1f} MB in {elapsed:.2f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
