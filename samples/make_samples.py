"""Write the sample documents and `samples/expected.jsonl` from the text below (written by the team).

    .venv/bin/python samples/make_samples.py

- 青石镇/青石镇履行职责事项清单.docx: a township list, three list headings each followed by a table
  (序号 | 类别 | 事项名称 | 具体内容 | 牵头部门/责任科室 | 配合部门 | 依据) with merged category rows;
- 白沙乡/白沙乡履行职责事项清单.pdf: the same kind of list for another township (some duties differ, other column
  titles and order, short department names), a DOCX converted by LibreOffice so tables cross page breaks;
- 青石镇/县应急管理局关于做好汛期安全防范工作的通知.docx: a county notice, Word automatic numbering;
- 白沙乡/县民政局关于做好农村低收入人口动态监测工作的通知.pdf: a county notice over two pages, typed numbering,
  page header and page numbers;
- expected.jsonl: every item a person expects in each file (file, text, detail, section, source_label, lead_dept).

The PDFs need LibreOffice and the WenQuanYi Micro Hei font (`apt-get install libreoffice-writer-nogui
fonts-wqy-microhei`): a TrueType CJK font keeps the embedded font subsets, and so each PDF, under 200 KB (Noto CJK
is embedded as Type 1 and doubles the size). The generated files are committed, so `make demo` needs neither.
"""

import copy
import json
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = Path(__file__).resolve().parent
MAX_BYTES = 200_000
FIXED_TIME = (2024, 6, 1, 0, 0, 0)
FONT = "WenQuanYi Micro Hei"


@dataclass
class Duty:
    """One list item. `lead` is the canonical department; a township may write it in a short form."""

    category: str
    kind: str
    name: str
    content: str
    lead: str
    coop: str = ""
    basis: str = ""
    only: str = ""  # "" = both townships list it; else the one that does


BASIC = [
    Duty(
        "党的建设",
        "基层党建",
        "村（社区）党组织换届选举",
        "指导村（社区）党组织按期换届，审核候选人资格，组织召开党员大会选举产生新一届班子。",
        "党建工作办公室",
        "纪检监察办公室",
        "《中国共产党农村基层组织工作条例》第十条",
    ),
    Duty(
        "党的建设",
        "基层党建",
        "党员发展和教育管理",
        "做好入党积极分子培养、发展对象考察和预备党员转正工作，组织党员开展“三会一课”和主题党日活动。",
        "党建工作办公室",
        "",
        "《中国共产党发展党员工作细则》",
    ),
    Duty(
        "党的建设",
        "基层党建",
        "软弱涣散村党组织整顿",
        "每年排查确定软弱涣散村党组织，制定整顿方案，落实镇领导班子成员包村整顿责任。",
        "党建工作办公室",
    ),
    Duty(
        "党的建设",
        "党风廉政",
        "村级小微权力监督",
        "督促村（社区）落实小微权力清单，开展村务监督委员会业务培训，受理群众对村干部的信访举报。",
        "纪检监察办公室",
        "党建工作办公室",
    ),
    Duty(
        "党的建设",
        "宣传思想",
        "新时代文明实践站建设",
        "统筹镇村新时代文明实践所（站）阵地建设，组织志愿服务队伍开展理论宣讲和文明实践活动。",
        "党政综合办公室",
        "综合文化站",
    ),
    Duty(
        "经济发展",
        "财政管理",
        "镇级预算编制和执行",
        "编制镇级年度预算草案和决算草案，按规定报镇人民代表大会审查批准，严格执行预算管理制度。",
        "财政所",
        "",
        "《中华人民共和国预算法》第二十四条",
    ),
    Duty(
        "经济发展",
        "集体经济",
        "农村集体“三资”管理",
        "指导村级组织建立集体资金、资产、资源台账，监督村级财务公开和集体资产处置。",
        "经济发展办公室",
        "财政所",
    ),
    Duty(
        "经济发展",
        "企业服务",
        "辖区企业走访服务",
        "建立辖区企业联系制度，定期走访了解企业生产经营困难，协调解决用工、用地、用电等问题。",
        "经济发展办公室",
        only="青石镇",
    ),
    Duty(
        "经济发展",
        "产业发展",
        "茶叶产业发展服务",
        "组织茶农参加种植加工技术培训，引导茶叶专业合作社规范运营，协助申报茶园基地建设项目。",
        "经济发展办公室",
        "农业综合服务中心",
        only="白沙乡",
    ),
    Duty(
        "经济发展",
        "统计",
        "统计调查和数据报送",
        "组织开展辖区农业、工业、服务业等常规统计调查，按时报送统计报表，确保数据真实准确。",
        "经济发展办公室",
        "",
        "《中华人民共和国统计法》第七条",
    ),
    Duty(
        "民生服务",
        "社会救助",
        "最低生活保障申请受理和初审",
        "受理辖区居民低保申请，组织入户调查、民主评议和张榜公示，提出初审意见报县民政局审批。",
        "社会事务办公室",
        "",
        "《社会救助暂行办法》第十一条",
    ),
    Duty(
        "民生服务",
        "社会救助",
        "特困人员供养",
        "受理特困供养申请，做好分散供养人员照料服务和集中供养人员入院转介工作。",
        "社会事务办公室",
    ),
    Duty(
        "民生服务",
        "社会救助",
        "临时救助",
        "对遭遇突发性、紧迫性困难的家庭实施临时救助，小额临时救助由乡镇直接审批发放。",
        "社会事务办公室",
        "财政所",
        "《社会救助暂行办法》第四十八条",
    ),
    Duty(
        "民生服务",
        "养老服务",
        "高龄津贴发放",
        "核实辖区80周岁以上老年人信息，按月做好高龄津贴申报、公示和动态调整。",
        "社会事务办公室",
    ),
    Duty(
        "民生服务",
        "就业社保",
        "城乡居民养老保险参保缴费",
        "组织村（社区）开展城乡居民养老保险政策宣传和参保登记，督促按时缴费，办理待遇领取资格认证。",
        "社会保障服务中心",
    ),
    Duty(
        "民生服务",
        "退役军人",
        "退役军人服务保障",
        "建立退役军人信息台账，开展走访慰问和帮扶援助，落实优抚对象各项待遇。",
        "退役军人服务站",
    ),
    Duty(
        "平安法治",
        "矛盾纠纷化解",
        "矛盾纠纷排查化解",
        "组织镇村两级定期排查矛盾纠纷，对一般纠纷及时调处，重大疑难纠纷报县级相关部门联合化解。",
        "平安建设办公室",
        "司法所",
        "《中华人民共和国人民调解法》第五条",
    ),
    Duty(
        "平安法治",
        "社会治安",
        "网格化服务管理",
        "划分综合网格，配齐专兼职网格员，组织网格员开展日常巡查、信息采集和问题上报。",
        "平安建设办公室",
        "党建工作办公室",
    ),
    Duty(
        "平安法治",
        "信访",
        "信访事项受理办理",
        "受理群众来信来访，按期办理属于本级职权范围的信访事项，做好信访人的政策解释和疏导工作。",
        "党政综合办公室",
        "",
        "《信访工作条例》第二十一条",
    ),
    Duty(
        "平安法治",
        "综合执法",
        "露天焚烧秸秆行为处罚",
        "对在露天焚烧秸秆、落叶等产生烟尘污染物质的行为依法实施行政处罚（县级赋权事项）。",
        "综合行政执法队",
        "农业农村办公室",
        "《中华人民共和国大气污染防治法》第一百一十九条",
    ),
    Duty(
        "平安法治",
        "综合执法",
        "农村村民非法占地建住宅查处",
        "对农村村民未经批准或者采取欺骗手段骗取批准，非法占用土地建住宅的行为依法查处（县级赋权事项）。",
        "综合行政执法队",
        "自然资源所",
        "《中华人民共和国土地管理法》第七十八条",
    ),
    Duty(
        "平安法治",
        "安全生产",
        "安全生产日常巡查",
        "组织对辖区小作坊、小商铺、小餐饮等九小场所开展安全生产日常巡查，建立隐患台账，督促整改。",
        "应急管理办公室",
    ),
    Duty(
        "平安法治",
        "自然灾害防治",
        "地质灾害隐患点群测群防",
        "落实地质灾害隐患点监测员，汛期组织开展巡查监测，发现险情立即组织受威胁群众撤离。",
        "应急管理办公室",
        "自然资源所",
        only="白沙乡",
    ),
    Duty(
        "乡村振兴",
        "防返贫",
        "防返贫动态监测",
        "组织村（社区）开展防返贫动态监测排查，对监测对象及时识别纳入，落实帮扶措施。",
        "农业农村办公室",
        "社会事务办公室",
    ),
    Duty(
        "乡村振兴",
        "农业生产",
        "耕地撂荒整治",
        "摸排辖区撂荒地面积和成因，制定复耕复种计划，引导农户或经营主体恢复生产。",
        "农业农村办公室",
    ),
    Duty(
        "乡村振兴",
        "人居环境",
        "农村人居环境整治",
        "组织开展村庄清洁行动，督促落实农村生活垃圾收运处置和农户门前三包责任。",
        "生态环境办公室",
        only="青石镇",
    ),
    Duty(
        "乡村振兴",
        "农村饮水",
        "农村饮水工程日常管护",
        "落实村级供水管理员，做好农村饮水工程日常巡查、水源地保护和小型供水设施维修。",
        "农业农村办公室",
        "",
        only="白沙乡",
    ),
    Duty(
        "生态环保",
        "河湖管护",
        "乡镇河长制工作",
        "落实乡镇级河长巡河制度，组织村级河长和保洁员开展河道巡查保洁，发现问题及时处理或报告。",
        "生态环境办公室",
        "农业农村办公室",
    ),
    Duty(
        "生态环保",
        "森林防火",
        "森林防火宣传和野外用火管控",
        "在防火期组织开展森林防火宣传，落实护林员巡山和重点时段野外用火管控。",
        "应急管理办公室",
        "综合行政执法队",
    ),
]

COOPERATIVE = [
    Duty(
        "经济发展",
        "市场监管",
        "农村食品安全监管",
        "协助开展农村集体聚餐备案指导，发现食品安全隐患及时报告。",
        "县市场监督管理局",
        "经济发展办公室",
        "《中华人民共和国食品安全法》第六条",
    ),
    Duty(
        "经济发展",
        "农业",
        "重大动物疫病防控",
        "配合开展春秋两季强制免疫和疫情排查，督促养殖户落实防疫措施。",
        "县农业农村局",
        "农业农村办公室",
        "《中华人民共和国动物防疫法》第八条",
    ),
    Duty(
        "民生服务",
        "医疗保障",
        "城乡居民医保参保征缴",
        "组织村（社区）开展参保宣传和动员，协助做好困难群众参保资助对象核对。",
        "县医疗保障局",
        "社会保障服务中心",
    ),
    Duty(
        "民生服务",
        "教育",
        "控辍保学",
        "开展适龄儿童少年入学摸排，对疑似辍学学生开展劝返。",
        "县教育局",
        "社会事务办公室",
        "《中华人民共和国义务教育法》第十三条",
    ),
    Duty(
        "民生服务",
        "卫生健康",
        "疫苗接种组织动员",
        "做好适龄人群疫苗接种摸底、通知和组织动员工作。",
        "县卫生健康局",
        "社会事务办公室",
    ),
    Duty(
        "民生服务",
        "文化",
        "农家书屋管理",
        "协助开展农家书屋出版物补充更新，督促村（社区）落实日常开放管理。",
        "县文化和旅游局",
        "综合文化站",
        only="青石镇",
    ),
    Duty(
        "平安法治",
        "安全生产",
        "经营性自建房安全排查",
        "协助开展经营性自建房安全隐患排查，发现安全隐患督促产权人落实整改并上报。",
        "县住房和城乡建设局",
        "应急管理办公室",
    ),
    Duty(
        "平安法治",
        "道路交通",
        "农村道路交通安全劝导",
        "设立农村交通安全劝导站，组织劝导员在重要节点劝导农用车违法载人等行为。",
        "县公安局交通警察大队",
        "平安建设办公室",
    ),
    Duty(
        "平安法治",
        "消防",
        "农村消防安全宣传和隐患排查",
        "协助开展农村消防安全宣传，排查九小场所和独居老人家庭消防安全隐患。",
        "县消防救援大队",
        "应急管理办公室",
    ),
    Duty(
        "乡村振兴",
        "耕地保护",
        "耕地“非农化”问题排查",
        "协助开展乱占耕地建房等问题摸排，发现问题及时制止并报告。",
        "县自然资源局",
        "自然资源所",
        "《中华人民共和国土地管理法》第三十六条",
    ),
    Duty(
        "生态环保",
        "环境保护",
        "畜禽养殖污染防治",
        "配合开展畜禽养殖场粪污治理情况巡查，督促养殖户落实粪污资源化利用。",
        "县生态环境局",
        "生态环境办公室",
    ),
    Duty(
        "生态环保",
        "水利",
        "小型水库山塘安全度汛",
        "落实小型水库巡查责任人，汛期加密巡查频次，发现险情立即报告并组织转移。",
        "县水利局",
        "应急管理办公室",
    ),
    Duty(
        "生态环保",
        "林业",
        "松材线虫病疫木清理",
        "组织护林员开展松材线虫病疫情普查，配合做好疫木清理和除治作业监管。",
        "县林业局",
        "农业农村办公室",
        only="白沙乡",
    ),
]

RETURNED = [
    Duty(
        "经济发展",
        "测绘",
        "土地测绘和权籍调查",
        "集体土地所有权、宅基地使用权确权登记涉及的测绘和权籍调查。",
        "县自然资源局",
    ),
    Duty(
        "民生服务",
        "卫生健康",
        "公共场所卫生许可",
        "公共场所卫生许可证核发和卫生监督检查。",
        "县卫生健康局",
        only="青石镇",
    ),
    Duty(
        "平安法治",
        "安全生产",
        "危险化学品经营许可初审",
        "危险化学品经营许可的审查和现场核查，乡镇不再承担初审。",
        "县应急管理局",
        "",
        "《危险化学品安全管理条例》第三十五条",
    ),
    Duty(
        "平安法治",
        "特种设备",
        "特种设备安全监督检查",
        "电梯、锅炉、压力容器等特种设备的安全监督检查和检验检测。",
        "县市场监督管理局",
        "",
        "《中华人民共和国特种设备安全法》第五十七条",
    ),
    Duty(
        "乡村振兴", "城乡建设", "农村房屋安全鉴定", "农村房屋安全性鉴定和危险等级评定。", "县住房和城乡建设局"
    ),
    Duty(
        "生态环保",
        "环境监测",
        "企业排污监督性监测",
        "对辖区企业污染物排放开展监督性监测和执法检查。",
        "县生态环境局",
    ),
    Duty(
        "生态环保",
        "林业",
        "林木采伐许可",
        "林木采伐许可证核发及采伐现场查验。",
        "县林业局",
        "",
        "《中华人民共和国森林法》第五十六条",
        only="白沙乡",
    ),
]

LISTS = (
    ("基本履职事项", "basic", BASIC),
    ("配合履职事项", "cooperative", COOPERATIVE),
    ("上级部门收回事项", "returned", RETURNED),
)

# How each township writes department names (canonical -> as written).
WRITTEN = {
    "青石镇": {"县市场监督管理局": "县市场监管局", "县医疗保障局": "县医保局", "县卫生健康局": "县卫健局"},
    "白沙乡": {
        "党政综合办公室": "党政办",
        "党建工作办公室": "党建办",
        "社会事务办公室": "社会事务办",
        "平安建设办公室": "平安办",
        "应急管理办公室": "应急办",
        "县农业农村局": "县农业局",
        "县住房和城乡建设局": "县住建局",
        "县文化和旅游局": "县文旅局",
        "县生态环境局": "县生态环境分局",
    },
}
CN = "一二三四五六七八九十"


@dataclass
class S:
    """A sentence of a notice: its text with punctuation, whether a person counts it as a duty, and its lead."""

    text: str
    duty: bool = True
    lead: str = ""


FLOOD = {
    "file": "青石镇/县应急管理局关于做好汛期安全防范工作的通知.docx",
    "number": "青应急〔2024〕18号",
    "title": "县应急管理局关于做好汛期安全防范工作的通知",
    "addressee": "各乡镇人民政府、街道办事处，县防汛抗旱指挥部各成员单位：",
    "intro": [
        S("当前我县已全面进入主汛期，强降雨、山洪、地质灾害等风险明显上升。", False),
        S("为切实做好汛期安全防范工作，最大限度减少灾害损失，现将有关事项通知如下：", False),
    ],
    "body": [
        ("h1", "压实防汛责任"),
        ("h2", "落实防汛责任人"),
        (
            "p",
            [
                S("各乡镇要落实党政同责、一岗双责，明确乡镇党政主要负责人为本辖区防汛第一责任人。"),
                S(
                    "各村（社区）要明确防汛责任人和巡查员，确保每个地质灾害隐患点、小型水库和山塘都有专人负责。"
                ),
                S("防汛责任人名单请于5月31日前报送县防汛抗旱指挥部办公室。"),
            ],
        ),
        ("h2", "健全工作机制"),
        ("p", [S("乡镇应急管理办公室负责统筹本辖区防汛日常工作，建立汛情信息日报告制度。")]),
        ("h1", "强化隐患排查"),
        (
            "n3",
            [
                S(
                    "各乡镇要在6月10日前组织开展一次汛前隐患全面排查，重点排查小型水库、山塘、河道堤防、"
                    "地质灾害隐患点和在建工地。"
                )
            ],
        ),
        (
            "n3",
            [
                S("配合县水利局做好小型水库和山塘安全鉴定的前期资料收集；", lead="县水利局"),
                S("配合县自然资源局对地质灾害隐患点开展汛前复核。", lead="县自然资源局"),
            ],
        ),
        ("n3", [S("对排查发现的隐患，要建立台账、明确责任人和整改时限，一时难以整改的要落实临时管控措施。")]),
        ("n3", [S("河道采砂管理由县水利局负责，乡镇发现非法采砂行为要及时制止并报告。", lead="县水利局")]),
        ("h1", "做好应急处置"),
        (
            "h2p",
            "加强监测预警",
            [S("各乡镇要密切关注县气象局发布的预警信息，及时通过应急广播、微信群等渠道传达到村到户到人。")],
        ),
        (
            "h2p",
            "及时转移避险",
            [
                S(
                    "遇强降雨时，各乡镇要按照“宁可十防九空，不可失防万一”的要求，"
                    "提前组织危险区域群众转移避险。"
                ),
                S("群众转移后要落实安置点生活保障，严防擅自返回。"),
            ],
        ),
        (
            "h2p",
            "强化应急值守",
            [
                S("汛期实行24小时值班和领导带班制度，值班人员要保持通讯畅通。"),
                S("发生险情灾情后，乡镇要在30分钟内电话报告县应急管理局，1小时内书面报告。"),
            ],
        ),
        ("h1", "加强宣传培训"),
        (
            "p",
            [
                S("乡镇要组织村（社区）干部、网格员开展防汛知识培训和避险演练，每年不少于一次。"),
                S("县应急管理局负责培训教材编制和师资支持。", lead="县应急管理局"),
            ],
        ),
    ],
    "closing": [
        S("请各乡镇于6月15日前将隐患排查情况报送县应急管理局。"),
        S("联系人：李明，联系电话：0799-1234567。", False),
    ],
    "attachments": ["附件：1．汛期安全隐患排查台账", "2．乡镇防汛责任人名单"],
    "signature": "县应急管理局",
    "date": "2024年5月20日",
}

MONITORING = {
    "file": "白沙乡/县民政局关于做好农村低收入人口动态监测工作的通知.pdf",
    "number": "青民发〔2024〕9号",
    "title": "县民政局关于做好农村低收入人口动态监测工作的通知",
    "addressee": "各乡镇人民政府，县直有关单位：",
    "intro": [
        S(
            "为贯彻落实省、市关于加强低收入人口动态监测和常态化救助帮扶的部署要求，进一步织密扎牢社会救助"
            "兜底保障网，现就有关工作通知如下：",
            False,
        )
    ],
    "body": [
        ("h1", "明确监测范围"),
        (
            "p",
            [
                S(
                    "监测对象包括最低生活保障对象、特困人员、低保边缘家庭、刚性支出困难家庭以及其他困难人员。",
                    False,
                ),
                S("各乡镇要以村（社区）为单位，对辖区内农村低收入人口开展全面摸底，做到应纳尽纳、不漏一户。"),
            ],
        ),
        ("h1", "落实监测职责"),
        (
            "h2p",
            "乡镇职责",
            [
                S(
                    "乡镇人民政府负责本辖区低收入人口的信息采集、入户核查和动态更新，每季度至少"
                    "开展一次集中排查。"
                ),
                S("对新发现的困难群众，乡镇要在5个工作日内完成入户核查。"),
            ],
        ),
        (
            "h2p",
            "部门职责",
            [
                S(
                    "县民政局负责监测信息平台的运行维护和预警信息推送，会同县乡村振兴局、县医保局、"
                    "县人社局开展数据比对。",
                    lead="县民政局",
                ),
                S("县教育局、县卫生健康局、县残联按职责分工及时推送教育、医疗、残疾等相关数据。"),
            ],
        ),
        ("h1", "及时落实帮扶"),
        (
            "p",
            [
                S("对符合条件的监测对象，乡镇要及时纳入低保、特困供养等救助范围，做到应保尽保。"),
                S("对遭遇突发困难的家庭，乡镇可先行实施临时救助，救助后报县民政局备案。"),
            ],
        ),
        (
            "p",
            [
                S("配合县乡村振兴局做好防返贫监测对象的识别认定和帮扶措施落实。", lead="县乡村振兴局"),
                S(
                    "需要就业帮扶的，由县人社局负责组织职业技能培训和岗位推荐。",
                    lead="县人力资源和社会保障局",
                ),
            ],
        ),
        ("h1", "强化工作保障"),
        (
            "p",
            [
                S("各乡镇要配齐配强社会救助经办人员，村级设立社会救助协理员。"),
                S("县财政局负责将监测帮扶工作经费纳入年度预算。", lead="县财政局"),
                S("县民政局将把监测帮扶工作情况纳入对乡镇的年度考评。", False),
            ],
        ),
    ],
    "closing": [
        S("请各乡镇于每季度末月25日前将监测帮扶情况报送县民政局社会救助股。"),
        S("联系人：王芳；", False),
        S("联系电话：0799-7654321。", False),
    ],
    "attachments": [],
    "signature": "县民政局",
    "date": "2024年6月3日",
}


# Documents -----------------------------------------------------------------------------------------------------


def new_document(header: str = "", footer: str = "", body_size: float = 12) -> docx.Document:
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(body_size)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    # One CJK font for every script keeps the PDFs' embedded font subsets small.
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), FONT)
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.5)
    section.top_margin, section.bottom_margin = Cm(3), Cm(2.8)
    section.header_distance = section.footer_distance = Cm(1.2)
    if header:
        section.header.paragraphs[0].text = header
        section.header.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    if footer:
        paragraph = section.footer.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for piece in footer.split("{"):
            field, _, rest = piece.partition("}") if "}" in piece else ("", "", piece)
            if field:
                _add_field(paragraph, field)
            if rest:
                paragraph.add_run(rest)
    document.core_properties.created = document.core_properties.modified = datetime(*FIXED_TIME)
    document.core_properties.author = "dutylist samples"
    return document


def _add_field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) so LibreOffice prints the real page number."""
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, f" {code} "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif text.strip() == "1":
            element = OxmlElement("w:t")
            element.text = text
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def add_numbering(document) -> str:
    """A three-level list (一、 / （一） / 1.) in numbering.xml; returns its numId."""
    numbering = document.part.numbering_part.element
    abstract = OxmlElement("w:abstractNum")
    abstract.set(qn("w:abstractNumId"), "90")
    for level, (fmt, text) in enumerate(
        (("chineseCounting", "%1、"), ("chineseCounting", "（%2）"), ("decimal", "%3."))
    ):
        lvl = OxmlElement("w:lvl")
        lvl.set(qn("w:ilvl"), str(level))
        for name, value in (("start", "1"), ("numFmt", fmt), ("suff", "nothing"), ("lvlText", text)):
            child = OxmlElement(f"w:{name}")
            child.set(qn("w:val"), value)
            lvl.append(child)
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = OxmlElement("w:num")
    num.set(qn("w:numId"), "90")
    ref = OxmlElement("w:abstractNumId")
    ref.set(qn("w:val"), "90")
    num.append(ref)
    numbering.append(num)
    return "90"


def numbered(paragraph, num_id: str, level: int) -> None:
    props = paragraph._p.get_or_add_pPr()
    num_pr = OxmlElement("w:numPr")
    for name, value in (("w:ilvl", str(level)), ("w:numId", num_id)):
        child = OxmlElement(name)
        child.set(qn("w:val"), value)
        num_pr.append(child)
    props.append(num_pr)


def paragraph(document, text: str, bold: bool = False, align=None, indent: bool = False, size: float = 0):
    para = document.add_paragraph()
    run = para.add_run(text)
    run.bold = bold
    if size:
        run.font.size = Pt(size)
    if align is not None:
        para.alignment = align
    if indent:
        para.paragraph_format.first_line_indent = Pt((size or 12) * 2)
    return para


def list_document(township: str, pdf_layout: bool) -> docx.Document:
    """A township list: title, intro, then per list a heading and a table; a closing note after the last table."""
    written = WRITTEN[township]
    header = f"{township}履行职责事项清单" if pdf_layout else ""
    document = new_document(header, "第 {PAGE} 页 共 {NUMPAGES} 页" if pdf_layout else "", body_size=10.5)
    if pdf_layout:
        section = document.sections[0]
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21)
        section.left_margin = section.right_margin = Cm(2)
        section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    bold = not pdf_layout  # a bold face would embed a second font in the PDF
    paragraph(document, f"{township}履行职责事项清单", bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER, size=18)
    paragraph(
        document,
        f"根据中央和省、市关于推进乡镇（街道）履行职责事项清单管理的部署要求，结合我{township[-1]}实际，"
        "经全面梳理、交叉比对和联审会商，制定本清单。",
        indent=True,
    )
    headers = {
        "basic": ["序号", "类别", "事项名称", "具体内容", "牵头部门/责任科室", "配合部门", "依据"],
        "cooperative": ["序号", "类别", "事项名称", "具体内容", "牵头部门/责任科室", "配合部门", "依据"],
        "returned": ["序号", "类别", "事项名称", "具体内容", "牵头部门/责任科室", "配合部门", "依据"],
    }
    if township == "白沙乡":
        headers = {
            "basic": ["序号", "领域", "事项名称", "具体内容", "责任科室", "配合科室", "依据"],
            "cooperative": ["序号", "领域", "事项名称", "县级牵头部门", "乡镇职责", "配合科室", "依据"],
            "returned": ["序号", "领域", "事项名称", "收回内容", "承接部门", "备注", "依据"],
        }
    for number, (title, label, duties) in enumerate(LISTS):
        paragraph(document, f"{CN[number]}、{title}", bold=bold, size=14)
        rows = [duty for duty in duties if duty.only in ("", township)]
        table_for(document, headers[label], rows, written, bold)
    paragraph(document, "本清单实行动态调整，由乡镇党政综合办公室负责解释。", indent=True)
    return document


def table_for(document, header: list[str], duties: list[Duty], written: dict[str, str], bold: bool) -> None:
    columns = {title: column for column, title in enumerate(header)}
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for column, title in enumerate(header):
        cell = table.rows[0].cells[column]
        cell.text = title
        cell.paragraphs[0].runs[0].bold = bold
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)
    number, category, kind_start, kind = 0, None, None, None
    for duty in duties:
        if duty.category != category:
            category = duty.category
            row = table.add_row()
            merged = row.cells[0].merge(row.cells[-1])
            merged.text = f"{CN[_category_number(duty, duties) - 1]}、{category}"
            merged.paragraphs[0].runs[0].bold = bold
            kind_start, kind = None, None
        number += 1
        row = table.add_row()
        values = {
            "序号": str(number),
            "类别": duty.kind,
            "领域": duty.kind,
            "事项名称": duty.name,
            "具体内容": duty.content,
            "乡镇职责": duty.content,
            "收回内容": duty.content,
            "牵头部门/责任科室": written.get(duty.lead, duty.lead),
            "责任科室": written.get(duty.lead, duty.lead),
            "县级牵头部门": written.get(duty.lead, duty.lead),
            "承接部门": written.get(duty.lead, duty.lead),
            "配合部门": "、".join(written.get(name, name) for name in duty.coop.split("、") if name),
            "配合科室": "、".join(written.get(name, name) for name in duty.coop.split("、") if name),
            "依据": duty.basis,
            "备注": "",
        }
        for title, column in columns.items():
            if title in ("类别", "领域") and duty.kind == kind:
                continue
            row.cells[column].text = values[title]
        kind_column = columns.get("类别", columns.get("领域"))
        if duty.kind == kind:
            table.cell(kind_start, kind_column).merge(table.cell(len(table.rows) - 1, kind_column))
        else:
            kind_start, kind = len(table.rows) - 1, duty.kind


def _category_number(duty: Duty, duties: list[Duty]) -> int:
    return list(dict.fromkeys(d.category for d in duties)).index(duty.category) + 1


def notice_document(notice: dict, typed_numbers: bool) -> docx.Document:
    """A county notice: number, title, addressee, numbered sections with duties in prose, closing, signature."""
    size = 15 if typed_numbers else 12
    document = new_document("", "- {PAGE} -" if typed_numbers else "", body_size=size)
    if typed_numbers:
        document.sections[0].top_margin = Cm(3.7)
        document.sections[0].bottom_margin = Cm(3.5)
    num_id = None if typed_numbers else add_numbering(document)
    paragraph(document, notice["number"], align=WD_ALIGN_PARAGRAPH.CENTER, size=size)
    title = document.add_paragraph(notice["title"], style=None if typed_numbers else "Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if typed_numbers:
        title.runs[0].font.size = Pt(20)
    paragraph(document, notice["addressee"], size=size)
    paragraph(document, "".join(s.text for s in notice["intro"]), indent=True, size=size)
    counters = [0, 0, 0]
    for entry in notice["body"]:
        kind = entry[0]
        level = {"h1": 0, "h2": 1, "h2p": 1, "n3": 2, "p": -1}[kind]
        if level >= 0:
            counters[level] += 1
            counters[level + 1 :] = [0] * (2 - level)
        if kind in ("h1", "h2"):
            prefix = (
                (f"{CN[counters[0] - 1]}、" if kind == "h1" else f"（{CN[counters[1] - 1]}）")
                if typed_numbers
                else ""
            )
            para = paragraph(document, prefix + entry[1], bold=not typed_numbers, indent=True, size=size)
        elif kind == "h2p":
            prefix = f"（{CN[counters[1] - 1]}）" if typed_numbers else ""
            para = paragraph(
                document, f"{prefix}{entry[1]}。" + "".join(s.text for s in entry[2]), indent=True, size=size
            )
        else:
            prefix = f"{counters[2]}." if kind == "n3" and typed_numbers else ""
            para = paragraph(document, prefix + "".join(s.text for s in entry[1]), indent=True, size=size)
        if num_id and level >= 0:
            numbered(para, num_id, level)
    paragraph(document, "".join(s.text for s in notice["closing"]), indent=True, size=size)
    for line in notice["attachments"]:
        paragraph(document, line, indent=True, size=size)
    paragraph(document, notice["signature"], align=WD_ALIGN_PARAGRAPH.RIGHT, size=size)
    paragraph(document, notice["date"], align=WD_ALIGN_PARAGRAPH.RIGHT, size=size)
    paragraph(document, "（此件公开发布）", indent=True, size=size)
    return document


# Expected items ------------------------------------------------------------------------------------------------


def expected_list(file: str, township: str) -> list[dict]:
    rows = []
    for title, label, duties in LISTS:
        for duty in duties:
            if duty.only not in ("", township):
                continue
            rows.append(
                {
                    "file": file,
                    "text": duty.name,
                    "detail": duty.content,
                    "section": [title, duty.category, duty.kind],
                    "source_label": label,
                    "lead_dept": duty.lead,
                }
            )
    return rows


def expected_notice(notice: dict) -> list[dict]:
    rows, section = [], []

    def add(sentences: list[S]) -> None:
        for sentence in sentences:
            if sentence.duty:
                rows.append(
                    {
                        "file": "samples/" + notice["file"],
                        "text": sentence.text.rstrip("。；"),
                        "detail": "",
                        "section": list(section),
                        "source_label": None,
                        "lead_dept": sentence.lead,
                    }
                )

    add(notice["intro"])
    for entry in notice["body"]:
        if entry[0] == "h1":
            section[:] = [entry[1]]
        elif entry[0] == "h2":
            section[1:] = [entry[1]]
        elif entry[0] == "h2p":
            section[1:] = [entry[1]]
            add(entry[2])
        else:
            add(entry[1])
    add(notice["closing"])
    return rows


# Writing -------------------------------------------------------------------------------------------------------


def save_docx(document, path: Path) -> None:
    """Save with fixed zip timestamps, so an unchanged sample has unchanged bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw.docx"
        document.save(raw)
        with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                fixed = copy.copy(info)
                fixed.date_time = FIXED_TIME
                target.writestr(fixed, source.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)


def to_pdf(document, path: Path) -> None:
    """Convert with LibreOffice headless, with the font that keeps the committed PDFs small."""
    fonts = subprocess.run(["fc-list", f":family={FONT}"], capture_output=True, text=True).stdout
    if FONT not in fonts:
        raise SystemExit(
            f"需要字体 {FONT} 来生成小体积的 PDF 样例 / install it: apt-get install fonts-wqy-microhei"
        )
    convert(document, path, "pdf")


def convert(document, path: Path, target: str) -> None:
    """Save a python-docx document through LibreOffice headless as `target` (a --convert-to filter such as "pdf"
    or "doc:MS Word 97"), with its own profile so parallel runs do not block each other."""
    soffice = shutil.which("soffice")
    if not soffice:
        raise SystemExit(
            "需要 LibreOffice（soffice）来生成样例 / LibreOffice is needed: apt-get install "
            "libreoffice-writer-nogui fonts-noto-cjk"
        )
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "source.docx"
        save_docx(document, source)
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{tmp}/profile",
                "--headless",
                "--convert-to",
                target,
                "--outdir",
                tmp,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(Path(tmp) / f"source.{target.split(':')[0]}", path)


def scanned_pdf(path: Path) -> None:
    """A page as a scanner makes it: one grey image with ruled lines and no text layer, so that the demo shows
    how a file that needs OCR is reported."""
    from PIL import Image, ImageDraw
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    image = Image.new("L", (620, 877), 236)
    draw = ImageDraw.Draw(image)
    for top in range(120, 800, 34):
        draw.line((60, top, 560, top), fill=90, width=2)
        draw.rectangle((70, top + 8, 70 + (top * 7) % 380, top + 20), fill=150)
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    pdf.drawImage(ImageReader(image), 0, 0, *A4)
    pdf.showPage()
    pdf.save()


def main() -> None:
    outputs = {
        "白沙乡/扫描件_村规民约备案表.pdf": scanned_pdf,
        "青石镇/青石镇履行职责事项清单.docx": lambda p: save_docx(list_document("青石镇", False), p),
        "白沙乡/白沙乡履行职责事项清单.pdf": lambda p: to_pdf(list_document("白沙乡", True), p),
        FLOOD["file"]: lambda p: save_docx(notice_document(FLOOD, typed_numbers=False), p),
        MONITORING["file"]: lambda p: to_pdf(notice_document(MONITORING, typed_numbers=True), p),
    }
    for name, write in outputs.items():
        path = HERE / name
        write(path)
        size = path.stat().st_size
        print(f"{name}: {size // 1024} KB")
        if size > MAX_BYTES:
            raise SystemExit(f"{name} is {size} bytes, over the {MAX_BYTES} limit for committed samples")
    expected = (
        expected_list("samples/青石镇/青石镇履行职责事项清单.docx", "青石镇")
        + expected_list("samples/白沙乡/白沙乡履行职责事项清单.pdf", "白沙乡")
        + expected_notice(FLOOD)
        + expected_notice(MONITORING)
    )
    with (HERE / "expected.jsonl").open("w", encoding="utf-8") as handle:
        for row in expected:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"expected.jsonl: {len(expected)} items")


if __name__ == "__main__":
    main()
