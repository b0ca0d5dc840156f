"""County notices in Word, written as county offices write them, for the admission check (`dutylist check`).

The plain-text notices sit beside this script as .txt files; these three are built as .docx (a red-header title,
an addressee line, numbered headings, body paragraphs, a signature and a date). `expected.jsonl` beside them gives
the decision every duty sentence should get against a township's list (tests/lists/make_lists.py).

Run: `.venv/bin/python tests/notices/make_notices.py [OUT_DIR]` (default: this folder).
"""

import shutil
import sys
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

HERE = Path(__file__).resolve().parent

NOTICES = {
    "县防指办_主汛期防汛和地质灾害防御.docx": (
        "县防汛抗旱指挥部办公室",
        "关于切实做好2025年主汛期防汛和地质灾害防御工作的通知",
        "各乡镇人民政府、街道办事处，县防指各成员单位：",
        [
            "据气象部门预测，今年我县主汛期降雨偏多，发生区域性暴雨洪涝和地质灾害的可能性较大。为切实做好主汛期"
            "防汛和地质灾害防御工作，现将有关事项通知如下：",
            "一、全面排查风险隐患",
            "各乡镇要在6月10日前完成对辖区内山塘、河道堤防、低洼易涝区的全面排查，逐处建立隐患台账并明确整改"
            "责任人。配合县自然资源局对滑坡、崩塌、泥石流隐患点开展雨前排查、雨中巡查和雨后核查，发现险情第一时间"
            "报告并组织受威胁群众撤离。",
            "各乡镇负责组织实施辖区地质灾害隐患点的专业监测和工程治理，县自然资源局给予技术指导。",
            "二、加强值班值守",
            "汛期各乡镇实行24小时值班和领导带班制度，确保雨情、水情、险情信息及时上报。督促辖区小水电站落实安全"
            "度汛措施，汛期加强对电站大坝的巡查。",
            "三、落实房屋安全责任",
            "由各乡镇组织对辖区内汛期受损房屋开展安全鉴定，出具鉴定结论后报县住建局备案。",
            "配合县住房和城乡建设局对经营性自建房开展汛期安全排查，督促房屋使用人落实防范措施。",
            "四、工作要求",
            "各乡镇要高度重视，主要负责同志亲自部署，切实扛起防汛主体责任。",
            "联系人：张明，联系电话：0000-1234567。",
        ],
        "2025年5月20日",
    ),
    "县委农办_秋冬季农业农村重点工作.docx": (
        "中共XX县委农村工作领导小组办公室",
        "关于扎实做好2025年秋冬季农业农村重点工作的通知",
        "各乡镇党委、政府：",
        [
            "为巩固拓展全年农业农村工作成效，现就做好秋冬季重点工作通知如下。",
            "一、持续改善农村人居环境",
            "持续开展村庄清洁行动，加快推进农户卫生厕所改造和农村生活污水治理。镇级河长每月至少巡河一次，及时清理"
            "河道垃圾和乱堆乱建。",
            "二、抓好森林防火和秸秆禁烧",
            "组织护林员加强巡山护林，严格管控秋冬季节野外用火。推进秸秆还田和离田利用，严防焚烧秸秆污染环境。",
            "三、做好动物疫病防控",
            "配合县农业农村局落实秋季重大动物疫病集中免疫，及时报告畜禽异常死亡情况。",
            "各乡镇负责辖区非洲猪瘟等重大动物疫病的强制免疫和疫情处置，县农业农村局负责督导检查。",
            "四、加强渔业资源保护",
            "各乡镇要对辖区河道电鱼、毒鱼等非法捕捞行为依法实施行政处罚。",
            "河道巡查中发现电鱼、毒鱼行为的，要及时劝阻并向县农业农村局报告。",
            "五、推进农村集体经济发展",
            "各乡镇要全面建立农村集体经营性资产台账，开展清产核资。",
            "各乡镇要组织开展高标准农田建设项目的竣工验收和工程质量检测。",
            "六、工作要求",
            "各乡镇要加强组织领导，细化工作措施，确保各项任务落到实处。",
        ],
        "2025年9月15日",
    ),
    "县委政法委_深入推进平安乡村建设.docx": (
        "中共XX县委政法委员会",
        "关于深入推进平安乡村建设的通知",
        "各乡镇党委、政府，县直有关单位：",
        [
            "为深入推进平安乡村建设，提升基层社会治理水平，现将有关事项通知如下：",
            "一、强化矛盾纠纷化解",
            "组织村（社区）人民调解委员会及时调解邻里纠纷、土地承包纠纷，防止矛盾激化。各乡镇网格员每周走访所包"
            "网格，采集人口、房屋等基础信息，发现问题及时上报。畅通群众来信来访渠道，落实乡镇领导干部接访制度。",
            "二、加强道路交通安全管理",
            "配合县公安局在重点路口设置交通安全劝导点，劝导农用车违法载人。",
            "辖区内发生的道路交通事故，由各乡镇负责现场勘查和事故责任认定。",
            "三、深化禁毒工作",
            "开展禁毒宣传进村入户，协助排查非法种植罂粟线索。",
            "四、加强环境保护",
            "各乡镇要对辖区企业超标排放污染物行为立案查处并处以罚款。",
            "配合县生态环境局核查群众反映的噪声、废气污染投诉。",
            "各乡镇负责调查处理辖区内的环境污染投诉，县生态环境局不再派员核查。",
        ],
        "2025年10月8日",
    ),
    # Held out: written after the thresholds were calibrated on the notices above, scored separately.
    "县卫健局_秋冬季传染病防控和健康社区建设.docx": (
        "XX县卫生健康局",
        "关于做好秋冬季传染病防控和健康社区建设工作的通知",
        "各乡镇人民政府、街道办事处：",
        [
            "秋冬季是流感、诺如病毒感染等传染病高发季节，为切实保障群众健康，现就有关工作通知如下：",
            "一、做好传染病防控",
            "配合县卫生健康局开展流感、诺如病毒等秋冬季传染病防控，组织重点人群接种疫苗。",
            "各街道负责辖区传染病疫情的流行病学调查和密切接触者判定，县疾控中心给予技术支持。",
            "各街道要对辖区诊所、药店开展执业许可审查，查处无证行医行为。",
            "二、推进健康社区建设",
            "组织开展爱国卫生月活动，推进卫生社区创建。督促物业服务企业做好小区公共区域消毒和垃圾清运。",
            "各街道要建立辖区居民健康档案，为65岁以上老年人提供免费体检。",
            "三、关心关爱困难群众",
            "做好特困人员、低保对象等困难群众的冬季走访和临时救助。",
            "配合县公安局开展禁毒宣传，协助做好社区戒毒社区康复人员管理。",
            "四、工作要求",
            "各街道要加强组织领导，确保各项防控措施落到实处。",
        ],
        "2025年10月20日",
    ),
}


def write_notice(path: Path, office: str, title: str, addressee: str, body: list[str], date: str) -> None:
    document = Document()
    document.styles["Normal"].font.size = Pt(14)
    header = document.add_paragraph()
    header.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = header.add_run(f"{office}文件")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(22), RGBColor(0xC0, 0, 0)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(title).bold = True
    document.add_paragraph(addressee)
    for text in body:
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(28)
    for text in (office, date):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    document.save(path)


def make(out: Path) -> list[Path]:
    """Write the Word notices into `out` and copy the text notices and expected.jsonl beside them."""
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, (office, title, addressee, body, date) in NOTICES.items():
        write_notice(out / name, office, title, addressee, body, date)
        files.append(out / name)
    for path in sorted(HERE.glob("*.txt")):
        if out.resolve() != HERE:
            shutil.copy(path, out / path.name)
        files.append(out / path.name)
    if out.resolve() != HERE:
        shutil.copy(HERE / "expected.jsonl", out / "expected.jsonl")
    return files


if __name__ == "__main__":
    for path in make(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
