"""Published duty lists of four townships with planted differences, and the findings a comparison must report.

The four lists share one county catalogue (as real lists of one county do) but each township words its items in
its own way, and some differ on purpose:

- 耕地保护日常巡查 is basic in 东坪镇, 南湖街道, 北山镇 but cooperative (lead 县自然资源局) in 西岭乡;
- 农村宅基地审批 is basic elsewhere but returned to 县自然资源局 by 南湖街道;
- 兵役登记和征兵 is on every list except 北山镇's;
- each township has items no other township lists (北山镇: ten enforcement items it returned);
- 北山镇 returned six duties the others keep as basic, so it has few basic and many returned items.

Run: `.venv/bin/python tests/lists/make_lists.py [OUT_DIR]` (default: this folder). It writes one list per
township (东坪镇 and 南湖街道 as .docx, 西岭乡 and 北山镇 as .xlsx) and `expected_findings.json` beside them.
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
A, B, C, D = "东坪镇", "西岭乡", "南湖街道", "北山镇"
TOWNSHIPS = (A, B, C, D)
FORMATS = {A: "docx", B: "xlsx", C: "docx", D: "xlsx"}
# Which wording of a duty each township uses (an index into Duty.wordings, modulo their number).
WORDING = {A: 0, B: 1, C: 2, D: 1}
LABEL_NAMES = {"basic": "基本履职事项", "cooperative": "配合履职事项", "returned": "上级部门收回事项"}
# Planted by construction: 北山镇 returns six duties the others keep as basic and lists ten enforcement items of its
# own, so its basic share is far below the others' and its returned share far above. Written out here rather than
# computed, so that the comparison's own rule is tested, not copied.
PLANTED_OUTLIERS = [
    {"township": D, "label": "basic", "direction": "low"},
    {"township": D, "label": "returned", "direction": "high"},
]


@dataclass(frozen=True)
class Duty:
    key: str
    category: str
    label: str
    office: str  # basic: the township's own office; cooperative / returned: the county department
    basis: str
    wordings: tuple[tuple[str, str], ...]  # (事项名称, 事项内容) as different townships write them


def duty(key, category, label, office, basis, *wordings) -> Duty:
    return Duty(key, category, label, office, basis, tuple(wordings))


# fmt: off
CATALOGUE = (
    # Basic: the township's own work.
    duty(
        "dj_org", "党的建设", "basic", "党建办", "《中国共产党农村基层组织工作条例》",
        ("村（社区）党组织建设", "指导村（社区）党组织按期换届，落实“三会一课”、主题党日等组织生活制度"),
        ("加强村级党组织规范化建设", "督促村（社区）党组织规范开展组织生活，做好村（社区）“两委”换届工作"),
    ),
    duty(
        "dj_member", "党的建设", "basic", "党建办", "《中国共产党党员教育管理工作条例》",
        ("党员发展和教育管理", "做好发展党员、党员教育培训、党费收缴和流动党员管理工作"),
        ("发展党员及党员日常管理", "按程序发展党员，组织党员学习培训，收缴党费，管理流动党员"),
    ),
    duty(
        "cunwu", "党的建设", "basic", "党建办", "《中华人民共和国村民委员会组织法》第三十条",
        ("村务公开和民主管理", "指导村（社区）落实村务公开、财务公开和“四议两公开”民主决策制度"),
        ("指导村级民主决策和村务公开", "督促村（社区）按“四议两公开”议事，定期公开村务和财务"),
    ),
    duty(
        "budget", "综合保障", "basic", "财政所", "《中华人民共和国预算法》第二十四条",
        ("本级财政预决算管理", "编制乡镇财政预算、决算草案，管理本级财政资金和国有资产"),
        ("乡镇财政收支和资产管理", "组织编制本级预算、决算，做好财政资金拨付和乡镇国有资产管理"),
    ),
    duty(
        "grid", "平安法治", "basic", "综治中心", "《关于加强基层治理体系和治理能力现代化建设的意见》",
        ("网格化服务管理", "划分综合网格，配备网格员，组织开展网格巡查、信息采集和问题上报"),
        ("基层网格员队伍管理", "科学划分网格，管理网格员队伍，督促网格员日常走访巡查并上报问题"),
        ("全科网格建设", "建立街道、社区、网格三级网格体系，网格员落实日常巡查走访、信息采集和事件上报"),
    ),
    duty(
        "dispute", "平安法治", "basic", "综治中心", "《中华人民共和国人民调解法》第五条",
        ("矛盾纠纷排查化解", "定期排查矛盾纠纷，组织人民调解委员会依法调解婚姻家庭、邻里、土地等民间纠纷"),
        ("民间纠纷调解", "组织开展矛盾纠纷常态化排查，依法调处邻里、婚姻家庭和土地承包等纠纷"),
    ),
    duty(
        "petition", "平安法治", "basic", "信访办", "《信访工作条例》第十六条",
        ("信访接待和办理", "接待群众来信来访，按期办理信访事项，做好重点时段信访维稳工作"),
        ("群众来信来访处理", "受理、转送、办理群众信访事项，落实领导干部接访下访制度"),
    ),
    duty(
        "dibao", "民生服务", "basic", "社会事务办", "《社会救助暂行办法》第十一条",
        ("最低生活保障申请受理和初审", "受理最低生活保障申请，组织入户调查、民主评议并提出初审意见，张榜公示"),
        ("低保对象审核", "受理辖区居民低保申请，开展家庭经济状况入户核查和民主评议，公示初审结果"),
        ("城乡低保初审", "受理城乡居民最低生活保障申请，入户核查家庭收入和财产状况，召开民主评议会并公示"),
    ),
    duty(
        "tekun", "民生服务", "basic", "社会事务办", "《社会救助暂行办法》第十九条",
        ("特困人员救助供养", "受理特困人员救助供养申请，落实分散供养特困人员照料服务"),
        ("特困供养对象照料服务", "受理特困供养申请，为分散供养的特困人员确定照料服务人并定期探访"),
    ),
    duty(
        "linshi", "民生服务", "basic", "社会事务办", "《社会救助暂行办法》第四十七条",
        ("临时救助", "对遭遇突发事件、意外伤害等导致基本生活暂时困难的家庭实施临时救助"),
        ("困难群众临时救助", "对因火灾、交通事故、重大疾病等陷入临时困境的群众开展急难救助"),
    ),
    duty(
        "renju", "乡村振兴", "basic", "乡村振兴办", "《农村人居环境整治提升五年行动方案（2021—2025年）》",
        ("农村人居环境整治", "组织开展村庄清洁行动，推进农村生活垃圾收运、生活污水治理和农村改厕"),
        ("村庄环境卫生整治", "推进农村厕所革命、生活垃圾和污水治理，常态化开展村庄清洁行动"),
    ),
    duty(
        "hezhang", "生态环保", "basic", "河长办", "《关于全面推行河长制的意见》",
        ("镇级河长巡河", "落实镇级河长巡河制度，组织开展河道保洁，清理河道乱占、乱采、乱堆、乱建问题"),
        ("河湖日常巡查保洁", "乡级河长定期巡河，组织村级河长和保洁员开展河面保洁和“四乱”清理"),
    ),
    duty(
        "fire_forest", "生态环保", "basic", "应急办", "《森林防火条例》第二十四条",
        ("森林防灭火", "落实森林防火责任制，加强野外火源管控，组织护林员巡山和扑救初期火情"),
        ("野外用火管控和森林防火巡查", "组织护林员开展防火巡查，管控清明、秋冬等重点时段野外用火"),
    ),
    duty(
        "flood", "平安法治", "basic", "应急办", "《中华人民共和国防洪法》第三十八条",
        ("防汛抗旱", "组织开展汛前隐患排查，落实汛期值班值守，及时组织危险区域群众转移避险"),
        ("汛期防汛救灾", "排查山塘、河道、低洼地带等防汛隐患，汛期24小时值班，组织受威胁群众转移"),
        ("防汛防台", "开展汛前检查和隐患排查，落实防汛值班和巡堤查险，组织危险区群众转移安置"),
    ),
    duty(
        "safety_patrol", "平安法治", "basic", "应急办", "《中华人民共和国安全生产法》第九条",
        ("安全生产网格巡查", "组织网格员对辖区生产经营单位开展安全生产巡查，发现隐患督促整改并报告"),
        ("生产经营单位安全巡查", "对辖区小作坊、小门店等生产经营场所开展日常安全检查，发现重大隐患及时上报"),
    ),
    duty(
        "veteran", "社会事业", "basic", "退役军人服务站", "《中华人民共和国退役军人保障法》第十一条",
        ("退役军人服务保障", "运行退役军人服务站，做好退役军人信息采集、走访慰问和困难帮扶"),
        ("退役军人和其他优抚对象服务", "采集退役军人信息，开展节日走访慰问，协调解决困难退役军人帮扶援助"),
    ),
    duty(
        "medical_ins", "民生服务", "basic", "社会保障服务中心", "《中华人民共和国社会保险法》第二十五条",
        ("城乡居民医疗保险参保动员", "组织开展城乡居民基本医疗保险参保登记和缴费动员"),
        ("居民医保征缴", "宣传动员辖区居民参加城乡居民基本医保，做好参保登记和费用征缴"),
        ("城乡居民基本医疗保险征缴", "做好辖区居民基本医疗保险参保宣传、登记和缴费工作"),
    ),
    duty(
        "pension", "民生服务", "basic", "社会保障服务中心", "《中华人民共和国社会保险法》第二十条",
        ("城乡居民养老保险经办", "办理城乡居民养老保险参保登记、待遇领取资格认证"),
        ("居民养老保险参保和资格认证", "为城乡居民办理养老保险参保，开展领取待遇人员生存认证"),
    ),
    duty(
        "farmland", "乡村振兴", "basic", "乡村振兴办", "《中华人民共和国土地管理法》第三十五条",
        ("耕地保护日常巡查", "开展耕地保护和永久基本农田日常巡查，发现违法占用耕地行为及时制止并报告"),
        ("耕地和基本农田巡查", "对辖区耕地、永久基本农田开展动态巡查，发现乱占耕地建房等问题及时劝阻上报"),
    ),
    duty(
        "straw", "生态环保", "basic", "乡村振兴办", "《中华人民共和国大气污染防治法》第七十七条",
        ("秸秆禁烧和综合利用", "开展秸秆禁烧宣传和巡查，推进秸秆综合利用"),
        ("农作物秸秆禁烧巡查", "组织村（社区）开展秸秆禁烧巡查，引导农户秸秆还田和综合利用"),
    ),
    duty(
        "homestead", "乡村振兴", "basic", "村镇建设办", "《中华人民共和国土地管理法》第六十二条",
        ("农村宅基地审批", "受理农村村民宅基地申请，组织审核并依法批准，开展批后监管"),
        ("农村村民建房审批管理", "受理村民宅基地和建房（规划许可）申请，审查批准并到场丈量放线"),
    ),
    duty(
        "health_campaign", "社会事业", "basic", "社会事务办", "《国务院关于深入开展爱国卫生运动的意见》",
        ("爱国卫生运动", "组织开展爱国卫生运动和病媒生物防制，推进卫生村创建"),
        ("爱国卫生和病媒防制", "组织群众开展环境卫生大扫除，做好灭鼠、灭蚊、灭蝇等病媒生物防制"),
    ),
    duty(
        "service_center", "综合保障", "basic", "便民服务中心", "《关于加强基层治理体系和治理能力现代化建设的意见》",
        ("便民服务中心运行", "建设运行便民服务中心，为群众提供政务服务事项咨询、受理和代办"),
        ("政务服务代办", "管理乡镇便民服务中心和村级代办点，为群众代办社保、民政等政务服务事项"),
    ),
    duty(
        "culture", "社会事业", "basic", "综合文化站", "《中华人民共和国公共文化服务保障法》",
        ("综合文化站管理", "管理乡镇综合文化站，组织开展群众性文化体育活动"),
        ("群众文体活动组织", "用好综合文化站和村级文化活动室，组织开展广场舞、村晚等文体活动"),
    ),
    duty(
        "conscription", "综合保障", "basic", "武装部", "《中华人民共和国兵役法》第二十二条",
        ("兵役登记和征兵", "组织适龄青年开展兵役登记，做好征兵宣传、初检初审和役前教育"),
        ("征兵工作", "组织适龄男性青年兵役登记，开展征兵宣传动员和初检、政治考核"),
    ),
    # Cooperative: a county department leads, the township assists.
    duty(
        "food_safety", "平安法治", "cooperative", "县市场监督管理局", "《中华人民共和国食品安全法》第六条",
        ("食品安全协管", "配合开展食品安全宣传和隐患排查，发现问题及时报告，协助处置食品安全事件"),
        ("协助开展食品安全监管", "协助做好农村集体聚餐备案指导和食品安全隐患巡查报告"),
        ("食品安全隐患排查报告", "配合开展食品安全宣传，排查报告小餐饮、小作坊食品安全隐患"),
    ),
    duty(
        "selfbuilt", "城乡建设", "cooperative", "县住房和城乡建设局", "《自建房安全专项整治工作方案》",
        ("农村自建房安全隐患排查", "配合开展农村自建房安全隐患排查整治，督促房屋使用人落实安全责任"),
        ("经营性自建房安全排查整治", "配合对用作经营的农村自建房开展安全排查，建立隐患台账，督促整改"),
    ),
    duty(
        "geohazard", "平安法治", "cooperative", "县自然资源局", "《地质灾害防治条例》第十七条",
        ("地质灾害群测群防", "配合开展地质灾害隐患点巡查监测，落实群测群防员，组织受威胁群众转移"),
        ("地质灾害隐患点巡查", "配合对滑坡、崩塌等地质灾害隐患点开展汛期巡查，发现险情立即报告并转移群众"),
        ("地质灾害防治", "配合做好地质灾害隐患点监测预警和汛期巡查，落实监测员和避险转移预案"),
    ),
    duty(
        "animal_epidemic", "乡村振兴", "cooperative", "县农业农村局", "《中华人民共和国动物防疫法》第八条",
        ("动物防疫", "配合开展重大动物疫病强制免疫，做好疫情监测报告和病死畜禽无害化处理"),
        ("重大动物疫病防控", "配合落实口蹄疫、禽流感等强制免疫，及时报告畜禽异常死亡情况"),
    ),
    duty(
        "dropout", "社会事业", "cooperative", "县教育局", "《中华人民共和国义务教育法》第十三条",
        ("控辍保学", "配合做好义务教育阶段适龄儿童少年控辍保学和劝返复学"),
        ("义务教育劝返复学", "配合教育部门摸排辍学学生，开展劝返复学工作"),
    ),
    duty(
        "traffic", "平安法治", "cooperative", "县公安局", "《中华人民共和国道路交通安全法》第八条",
        ("农村道路交通安全劝导", "配合开展农村道路交通安全宣传，设置劝导站，劝导农用车违法载人"),
        ("交通安全劝导站管理", "配合公安交管部门管理农村交通安全劝导站，劝导无证驾驶、酒后驾驶等交通违法行为"),
    ),
    duty(
        "gas", "城乡建设", "cooperative", "县住房和城乡建设局", "《城镇燃气管理条例》第五条",
        ("燃气使用安全检查", "配合开展餐饮场所和居民瓶装液化石油气使用安全检查"),
        ("瓶装燃气安全排查", "配合对辖区餐饮单位、居民用户使用瓶装液化气情况开展安全排查"),
    ),
    duty(
        "drugs", "平安法治", "cooperative", "县公安局", "《中华人民共和国禁毒法》第十一条",
        ("禁毒宣传和排查", "配合开展禁毒宣传教育，协助排查吸毒人员和非法种植毒品原植物"),
        ("禁毒工作", "配合做好社区戒毒社区康复，协助铲除非法种植罂粟等毒品原植物"),
    ),
    duty(
        "env_complaint", "生态环保", "cooperative", "县生态环境局", "《中华人民共和国环境保护法》第十条",
        ("环境污染投诉协查", "配合调查处理群众反映的环境污染投诉，协助开展现场核查"),
        ("生态环境信访协查", "配合生态环境部门核查群众举报的废气、废水、噪声污染问题"),
    ),
    duty(
        "statistics", "经济发展", "cooperative", "县统计局", "《中华人民共和国统计法》第七条",
        ("统计调查", "配合开展经济普查、农业普查、人口普查等重大国情国力调查，报送基础数据"),
        ("重大统计普查", "配合做好人口普查、经济普查等统计调查，组织普查员入户登记并报送数据"),
    ),
    duty(
        "epidemic", "社会事业", "cooperative", "县卫生健康局", "《中华人民共和国传染病防治法》第九条",
        ("传染病防控", "配合开展重大传染病疫情防控，做好疫苗接种宣传动员和密切接触者排查"),
        ("疫情防控和疫苗接种动员", "配合卫生健康部门开展传染病防控，组织群众接种疫苗"),
    ),
    # Returned: professional, enforcement or approval work the county department does itself.
    duty(
        "food_license", "经济发展", "returned", "县市场监督管理局", "《中华人民共和国食品安全法》第三十五条",
        ("食品经营许可", "食品生产经营许可证的审批、核发和变更"),
        ("食品生产经营许可审批", "受理食品生产、经营许可申请并核发许可证"),
    ),
    duty(
        "building_quality", "城乡建设", "returned", "县住房和城乡建设局", "《建设工程质量管理条例》第三十一条",
        ("建设工程质量安全检测", "房屋建筑和市政基础设施工程质量检测、房屋安全鉴定"),
        ("房屋安全鉴定和工程质量检测", "对房屋建筑开展安全鉴定，对建设工程开展质量检测"),
    ),
    duty(
        "pollution_penalty", "生态环保", "returned", "县生态环境局", "《中华人民共和国环境保护法》第五十九条",
        ("环境违法行为行政处罚", "对企业超标排放污染物等环境违法行为进行调查和行政处罚"),
        ("查处企业违法排污", "对排污单位超标排放污染物、偷排漏排的行为立案查处"),
    ),
    duty(
        "special_equipment", "平安法治", "returned", "县市场监督管理局", "《中华人民共和国特种设备安全法》第五十条",
        ("特种设备安全监督检验", "对锅炉、压力容器、电梯等特种设备实施安全监督检验"),
        ("电梯、锅炉等特种设备检验", "对辖区电梯、锅炉、压力容器开展定期检验和安全评估"),
        ("特种设备检验检测", "电梯、锅炉、压力容器等特种设备的定期检验和检测"),
    ),
    duty(
        "illegal_mining", "生态环保", "returned", "县自然资源局", "《中华人民共和国矿产资源法》第三十九条",
        ("非法采矿行政处罚", "对无证开采矿产资源的违法行为实施行政处罚"),
        ("查处无证采矿", "对未取得采矿许可证擅自采矿的行为立案查处"),
    ),
    duty(
        "illegal_fishing", "生态环保", "returned", "县农业农村局", "《中华人民共和国渔业法》第三十八条",
        ("非法捕捞行政处罚", "对电鱼、毒鱼、炸鱼等非法捕捞行为实施行政处罚"),
        ("查处电鱼毒鱼炸鱼", "对使用禁用渔具、电鱼毒鱼炸鱼等违法捕捞行为进行查处"),
    ),
    duty(
        "forest_quarantine", "生态环保", "returned", "县林业局", "《植物检疫条例》第七条",
        ("林业有害生物检疫", "对松材线虫病等林业检疫性有害生物开展检疫检验和鉴定"),
        ("松材线虫病疫木检疫鉴定", "开展林业植物检疫，对疑似松材线虫病疫木取样鉴定"),
    ),
    duty(
        "water_permit", "生态环保", "returned", "县水利局", "《取水许可和水资源费征收管理条例》第十四条",
        ("取水许可审批", "对单位和个人取用地下水、地表水的取水许可进行审批"),
        ("取用水许可", "受理取水申请，审查核发取水许可证"),
    ),
)

# Items only one township lists.
UNIQUE = {
    A: (
        duty(
            "a_tea", "经济发展", "basic", "乡村振兴办", "",
            ("茶产业发展服务", "组织茶农开展标准化茶园建设，举办茶叶品鉴推介活动，培育茶叶专业合作社"),
        ),
        duty(
            "a_old_village", "社会事业", "basic", "综合文化站", "《传统村落保护发展规划》",
            ("传统村落保护利用", "做好辖区中国传统村落古建筑日常巡查和保护修缮申报，发展乡村旅游"),
        ),
    ),
    B: (
        duty(
            "b_hydro", "平安法治", "cooperative", "县水利局", "《小型水电站安全管理办法》",
            ("小水电站安全度汛", "配合督促辖区小水电站落实安全度汛措施，汛期加强巡查"),
        ),
    ),
    C: (
        duty(
            "c_property", "民生服务", "basic", "社区建设办", "《物业管理条例》第十九条",
            ("物业服务企业监督指导", "指导小区成立业主委员会，协调监督物业服务企业履行物业服务合同"),
        ),
    ),
    D: tuple(
        duty(key, "综合执法", "returned", office, "", wording)
        for key, office, wording in (
            ("d_pesticide", "县农业农村局",
             ("农药经营违法行为处罚", "对经营假劣农药、禁用农药的违法行为实施行政处罚")),
            ("d_tobacco", "县烟草专卖局",
             ("无证烟草经营查处", "对未取得烟草专卖零售许可证经营烟草制品的行为进行查处")),
            ("d_billboard", "县城市管理局",
             ("户外广告设置审批", "对在城区设置大型户外广告设施进行审批")),
            ("d_soil", "县水利局",
             ("水土保持方案审批", "审批生产建设项目水土保持方案，对造成水土流失的违法行为实施处罚")),
            ("d_clinic", "县卫生健康局",
             ("非法行医查处", "对未取得医疗机构执业许可证擅自执业的行为进行查处")),
            ("d_publication", "县文化广电和旅游局",
             ("出版物市场违法经营查处", "对无证经营出版物和销售非法出版物的行为进行查处")),
            ("d_transport", "县交通运输局",
             ("非法营运行为处罚", "对未取得道路运输经营许可擅自从事客货运输的行为实施处罚")),
            ("d_price", "县市场监督管理局",
             ("价格违法行为查处", "对不明码标价、哄抬价格等价格违法行为进行调查处罚")),
            ("d_livestock", "县农业农村局",
             ("畜禽养殖污染处罚", "对畜禽规模养殖场未配套粪污处理设施、直排粪污的行为实施处罚")),
            ("d_weights", "县市场监督管理局",
             ("计量器具强制检定", "对集贸市场在用计量器具实施强制检定，查处计量作弊行为")),
        )
    ),
}

# fmt: on

# The planted differences: township -> (label, lead department), or None when the township does not list it.
PLANTED: dict[str, dict[str, tuple[str, str] | None]] = {
    "farmland": {B: ("cooperative", "县自然资源局")},
    "homestead": {C: ("returned", "县自然资源局")},
    "conscription": {D: None},
    "hezhang": {D: ("returned", "县水利局")},
    "fire_forest": {D: ("returned", "县林业局")},
    "safety_patrol": {D: ("returned", "县应急管理局")},
    "straw": {D: ("returned", "县生态环境局")},
    "health_campaign": {D: ("returned", "县卫生健康局")},
    "culture": {D: ("returned", "县文化广电和旅游局")},
}


@dataclass(frozen=True)
class Entry:
    """One row of a township's published list."""

    key: str
    label: str
    category: str
    name: str
    detail: str
    lead: str
    basis: str


def entries(township: str) -> list[Entry]:
    """The rows of a township's list, catalogue order, planted differences applied."""
    rows = []
    for item in (*CATALOGUE, *UNIQUE.get(township, ())):
        label, lead = item.label, item.office
        if township in PLANTED.get(item.key, {}):
            change = PLANTED[item.key][township]
            if change is None:
                continue
            label, lead = change
        name, detail = item.wordings[WORDING[township] % len(item.wordings)]
        rows.append(Entry(item.key, label, item.category, name, detail, lead, item.basis))
    return rows


# Writers ------------------------------------------------------------------------------------------------------

CN = "一二三"


def write_docx(township: str, rows: list[Entry], path: Path) -> None:
    """A Word list: title, one heading and one table per list; 东坪镇 has a 类别 column, 南湖街道 category rows."""
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    title = document.add_paragraph(f"{township}履行职责事项清单")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.runs[0].bold = True
    category_column = township == A
    for number, label in enumerate(LABEL_NAMES):
        group = [row for row in rows if row.label == label]
        document.add_paragraph(f"{CN[number]}、{LABEL_NAMES[label]}（{len(group)}项）")
        lead_title = (
            "责任科室" if label == "basic" else ("牵头部门" if label == "cooperative" else "责任部门")
        )
        header = ["序号", *(["类别"] if category_column else []), "事项名称", "具体内容", lead_title, "依据"]
        table = document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            cell.text = text
        current = None
        for index, row in enumerate(group, 1):
            if not category_column and row.category != current:
                current = row.category
                merged = table.add_row().cells
                merged[0].merge(merged[-1]).text = current
            values = [str(index), *([row.category] if category_column else []), row.name, row.detail]
            for cell, text in zip(table.add_row().cells, [*values, row.lead, row.basis], strict=True):
                cell.text = text
        document.add_paragraph("")
    document.save(path)


def write_xlsx(township: str, rows: list[Entry], path: Path) -> None:
    """An Excel list: 西岭乡 one sheet per list, 北山镇 one sheet with the list headings as rows."""
    book = Workbook()
    book.remove(book.active)
    header = ["序号", "类别", "事项名称", "具体内容", "牵头部门或责任科室", "依据"]
    if township == B:
        for label, name in LABEL_NAMES.items():
            sheet = book.create_sheet(name)
            sheet.append([f"{township}{name}清单"])
            sheet.append(header)
            group = [row for row in rows if row.label == label]
            for index, row in enumerate(group, 1):
                sheet.append([index, row.category, row.name, row.detail, row.lead, row.basis])
    else:
        sheet = book.create_sheet(f"{township}清单")
        sheet.append([f"{township}履行职责事项清单"])
        sheet.append(header)
        for number, (label, name) in enumerate(LABEL_NAMES.items()):
            sheet.append([f"{CN[number]}、{name}"])
            group = [row for row in rows if row.label == label]
            for index, row in enumerate(group, 1):
                sheet.append([index, row.category, row.name, row.detail, row.lead, row.basis])
    book.save(path)


# Expected findings --------------------------------------------------------------------------------------------


def expected_findings() -> dict:
    """What a comparison of the four lists must report, derived from the design above (not from the comparer)."""
    lists = {township: entries(township) for township in TOWNSHIPS}
    duties: dict[str, dict[str, dict]] = {}
    for township, rows in lists.items():
        for row in rows:
            duties.setdefault(row.key, {})[township] = {"label": row.label, "text": row.name}
    conflicts, missing, unique = [], [], []
    for key, where in duties.items():
        labels = {township: cell["label"] for township, cell in where.items()}
        if len(set(labels.values())) > 1:
            conflicts.append({"duty": key, "labels": labels})
        if len(where) == len(TOWNSHIPS) - 1:
            missing.append({"duty": key, "missing": next(t for t in TOWNSHIPS if t not in where)})
        if len(where) == 1:
            unique.append({"duty": key, "township": next(iter(where))})
    sizes = {
        township: {label: sum(row.label == label for row in rows) for label in LABEL_NAMES}
        for township, rows in lists.items()
    }
    return {
        "townships": list(TOWNSHIPS),
        "duties": duties,
        "label_conflicts": conflicts,
        "missing_in_one": missing,
        "unique": unique,
        "sizes": sizes,
        "size_outliers": PLANTED_OUTLIERS,
    }


def make(out: Path) -> dict[str, Path]:
    """Write the four lists and expected_findings.json into `out`; return township -> list file."""
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    for township in TOWNSHIPS:
        path = out / f"{township}履行职责事项清单.{FORMATS[township]}"
        (write_docx if FORMATS[township] == "docx" else write_xlsx)(township, entries(township), path)
        files[township] = path
    text = json.dumps(expected_findings(), ensure_ascii=False, indent=1)
    (out / "expected_findings.json").write_text(text + "\n", encoding="utf-8")
    return files


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    for township, path in make(target).items():
        print(f"{township}: {path}")
