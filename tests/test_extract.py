"""Readers, segmenter and tagger on small real documents written here (python-docx, reportlab, openpyxl)."""

import shutil
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml import OxmlElement
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from dutylist.errors import UnsupportedFormat
from extract import pdf, readers, segment, tagger, word
from extract.outline import heading_level, list_label, numbering
from extract.tables import TableAssembler, column_roles

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
LIST_DOCX = SAMPLES / "青石镇" / "青石镇履行职责事项清单.docx"
LIST_PDF = SAMPLES / "白沙乡" / "白沙乡履行职责事项清单.pdf"
NOTICE_DOCX = SAMPLES / "青石镇" / "县应急管理局关于做好汛期安全防范工作的通知.docx"
NOTICE_PDF = SAMPLES / "白沙乡" / "县民政局关于做好农村低收入人口动态监测工作的通知.pdf"


def items_of(path: Path, township: str = "") -> list:
    document = readers.read_document(path)
    return segment.segment(document.blocks, "ab" * 32, str(path), township)


def by_text(items) -> dict:
    return {item.text: item for item in items}


# Sniffing: the bytes decide, not the extension ---------------------------------------------------------------


def test_sniff_uses_bytes_not_extension(tmp_path):
    cases = {
        "清单.docx": LIST_PDF.read_bytes(),
        "通知.pdf": NOTICE_DOCX.read_bytes(),
        "网页.doc": "<!DOCTYPE html><html><body><p>各乡镇要做好巡查。</p></body></html>".encode(),
        "通知.dat": "一、总体要求\n各乡镇要落实防汛责任。\n".encode("gb18030"),
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    book = openpyxl.Workbook()
    book.save(tmp_path / "表格.txt")
    found = {name: readers.sniff(tmp_path / name) for name in [*cases, "表格.txt"]}
    assert found == {
        "清单.docx": "pdf",
        "通知.pdf": "docx",
        "网页.doc": "html",
        "通知.dat": "text",
        "表格.txt": "xlsx",
    }


def test_unknown_type_lists_what_is_supported(tmp_path):
    path = tmp_path / "slides.docx"
    with __import__("zipfile").ZipFile(path, "w") as archive:
        archive.writestr("ppt/presentation.xml", "<p/>")
    with pytest.raises(UnsupportedFormat) as caught:
        readers.sniff(path)
    message = str(caught.value)
    assert "slides.docx" in message and "PowerPoint" in message
    assert all(key in message for key in readers.READERS)


# Outline -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("一、基本履职事项", 1),
        ("（二）健全工作机制", 2),
        ("3．强化值守", 3),
        ("（4）做好转移", 4),
        ("②加强宣传", 5),
        ("1. 各乡镇要在6月10日前组织开展一次汛前隐患全面排查，建立台账。", 0),
        ("2024年5月20日", 0),
        ("1.5万元专项资金", 0),
    ],
)
def test_heading_levels(text, level):
    assert heading_level(text) == level


def test_list_headings_and_their_variants():
    assert list_label("一、基本履职事项清单") == "basic"
    assert list_label("乡镇（街道）配合履职事项（共12项）") == "cooperative"
    assert list_label("三、上级部门收回事项：") == "returned"
    assert list_label("收回事项") == "returned"
    assert list_label("配合履职") == "cooperative"
    assert list_label("（二）配合做好防汛工作") is None
    assert list_label("青石镇履行职责事项清单") is None
    assert numbering("第三章 附则") == (1, "第三章 ")


# DOCX --------------------------------------------------------------------------------------------------------


def test_docx_automatic_numbering_is_rendered():
    blocks = list(word.read(NOTICE_DOCX))
    headings = [block.text for block in blocks if block.kind == "heading" and block.level]
    assert headings[:2] == ["一、压实防汛责任", "（一）落实防汛责任人"]
    assert "四、加强宣传培训" in headings
    numbered = [block.text for block in blocks if block.kind == "para" and block.level == 3]
    assert [text[:2] for text in numbered] == ["1.", "2.", "3.", "4."]
    assert blocks[1].kind == "heading" and blocks[1].level == 0  # the Title style: not a section


def _grid_doc(path: Path, rows: list[list[str]]) -> docx.Document:
    document = docx.Document()
    document.add_paragraph("基本履职事项", style="Heading 1")
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    return document, table


def test_docx_merged_cells_nested_tables_and_heading_styles(tmp_path):
    header = ["序号", "领域", "事项名称", "具体内容", "责任科室"]
    rows = [
        header,
        ["", "", "", "", ""],
        ["1", "社会救助", "临时救助", "受理临时救助申请", "社会事务办"],
        ["2", "", "特困供养", "做好分散供养人员照料", "社会事务办"],
        ["", "", "", "做好集中供养人员入院转介", ""],
        ["3", "防汛", "山塘巡查", "", "应急办"],
    ]
    document, table = _grid_doc(tmp_path, rows)
    category = table.rows[1].cells[0].merge(table.rows[1].cells[-1])
    category.text = "三、民生服务"
    table.cell(2, 1).merge(table.cell(4, 1))  # 领域 spans three rows
    table.cell(3, 2).merge(table.cell(4, 2))  # 事项名称 spans two rows: one item, two lines of content
    table.cell(3, 0).merge(table.cell(4, 0))
    nested = table.cell(5, 3).add_table(rows=2, cols=2)
    nested.cell(0, 0).text, nested.cell(0, 1).text = "汛前", "排查隐患"
    nested.cell(1, 0).text, nested.cell(1, 1).text = "汛中", "加密巡查"
    document.add_paragraph("本清单由乡镇党政办负责解释。")
    path = tmp_path / "list.docx"
    document.save(path)

    items = items_of(path)
    assert [item.text for item in items] == ["临时救助", "特困供养", "山塘巡查"]
    care = by_text(items)["特困供养"]
    assert care.section == ["基本履职事项", "民生服务", "社会救助"]
    assert care.detail == "做好分散供养人员照料\n做好集中供养人员入院转介"
    assert care.source_label == "basic"
    assert care.lead_dept == "社会事务办公室"
    assert by_text(items)["山塘巡查"].detail == "汛前 | 排查隐患\n汛中 | 加密巡查"
    assert by_text(items)["山塘巡查"].section == ["基本履职事项", "民生服务", "防汛"]


def test_docx_style_based_numbering_and_content_controls(tmp_path):
    document = docx.Document()
    document.add_paragraph("各乡镇要做好以下工作：")
    for text in ("组织开展河道巡查", "及时上报险情"):
        document.add_paragraph(text, style="List Number")
    sdt = OxmlElement("w:sdt")
    content = OxmlElement("w:sdtContent")
    sdt.append(content)
    inner = document.add_paragraph("配合县水利局做好山塘安全鉴定。")._p
    content.append(inner)
    document.element.body.insert(len(document.element.body) - 1, sdt)
    path = tmp_path / "list-number.docx"
    document.save(path)
    blocks = list(word.read(path))
    assert [block.text for block in blocks] == [
        "各乡镇要做好以下工作：",
        "1.组织开展河道巡查",
        "2.及时上报险情",
        "配合县水利局做好山塘安全鉴定。",
    ]
    items = items_of(path)
    assert [item.text for item in items] == [
        "组织开展河道巡查",
        "及时上报险情",
        "配合县水利局做好山塘安全鉴定",
    ]
    assert items[-1].lead_dept == "县水利局"


# PDF ---------------------------------------------------------------------------------------------------------


def _cjk_pdf(path: Path, pages: list[list[tuple[float, float, str]]], encrypt: str | None = None) -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    page = canvas.Canvas(str(path), pagesize=(595, 842), encrypt=encrypt)
    for lines in pages:
        page.setFont("STSong-Light", 14)
        for x, y, text in lines:
            page.drawString(x, y, text)
        page.showPage()
    page.save()


def test_pdf_drops_headers_footers_and_joins_a_paragraph_across_pages(tmp_path):
    header = (230, 810, "青山县人民政府办公室")
    page_one = [
        header,
        (100, 700, "一、加强隐患排查"),
        # 14 pt characters: an indented first line of 30 and a full line of 32 end at the same right edge (520).
        (100, 670, "各乡镇要在汛前组织开展隐患排查，对小型水库、山塘和地质灾害隐"),
        (72, 650, "患点逐一建立台账，对排查中发现的问题要立即整改，一时难以整改的"),
        (200, 100, "第1页 共2页"),
        (280, 30, "- 1 -"),
    ]
    page_two = [
        header,
        (72, 760, "要落实临时管控措施。"),  # the paragraph runs on from page 1
        (100, 730, "二、做好应急值守"),
        (100, 700, "汛期实行24小时值班制度。"),
        (200, 100, "第2页 共2页"),
        (280, 30, "- 2 -"),
    ]
    path = tmp_path / "notice.pdf"
    _cjk_pdf(path, [page_one, page_two])
    blocks = list(pdf.read(path))
    texts = [block.text for block in blocks]
    assert texts == [
        "一、加强隐患排查",
        "各乡镇要在汛前组织开展隐患排查，对小型水库、山塘和地质灾害隐患点逐一建立台账，对排查中发现的问题要立即整改，"
        "一时难以整改的要落实临时管控措施。",
        "二、做好应急值守",
        "汛期实行24小时值班制度。",
    ]
    assert [block.page for block in blocks] == [1, 1, 2, 2]
    items = items_of(path)
    assert [(item.section, item.page) for item in items] == [(["加强隐患排查"], 1), (["做好应急值守"], 2)]


def test_pdf_tables_continue_over_pages_without_repeated_headers():
    blocks = list(pdf.read(LIST_PDF))
    rows = [block for block in blocks if block.kind == "row"]
    assert not [block for block in rows if block.cells[:3] == ["序号", "领域", "事项名称"]]
    assert len({block.page for block in rows}) >= 6
    first_table = [block for block in rows if block.locator.startswith("table 1 ")]
    assert [int(block.cells[0]) for block in first_table] == list(range(1, len(first_table) + 1))
    assert all(block.header[:3] == ["序号", "领域", "事项名称"] for block in rows)
    assert not [text for text in (block.text for block in blocks) if "第 " in text and " 页" in text]


def test_table_row_split_by_a_page_break_is_joined():
    tables = TableAssembler()
    header = ["序号", "事项名称", "具体内容", "牵头部门"]
    out = list(tables.start())
    for row in (header, ["1", "农村低保审核", "受理申请，组织入户", "社会事务办"]):
        out += tables.add(row, page=1)
    out += tables.start(continuation=True)
    for row in (header, ["", "", "调查和民主评议", ""], ["2", "高龄津贴", "按月发放", "社会事务办"]):
        out += tables.add(row, page=2)
    out += tables.flush()
    assert [block.cells for block in out] == [
        ["1", "农村低保审核", "受理申请，组织入户调查和民主评议", "社会事务办"],
        ["2", "高龄津贴", "按月发放", "社会事务办"],
    ]
    assert [block.locator for block in out] == ["table 1 row 2", "table 1 row 3"]


def test_column_roles_follow_header_text_not_position():
    roles = column_roles(
        ["事项名称", "县级牵头部门", "乡镇职责", "县级部门职责", "配合科室", "序号", "法律依据"]
    )
    assert roles == {
        "name": 0,
        "lead": 1,
        "township_duty": 2,
        "county_duty": 3,
        "coop": 4,
        "index": 5,
        "basis": 6,
    }


# Other formats -----------------------------------------------------------------------------------------------


def test_xlsx_sheets_named_after_lists_give_the_label(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "配合履职事项"
    sheet.append(["序号", "事项名称", "乡镇职责", "牵头部门"])
    sheet.append(["一、平安法治", None, None, None])
    sheet.append([1, "农村道路交通安全劝导", "设立劝导站，劝导农用车违法载人", "县公安局交警大队"])
    other = book.create_sheet("说明")
    other.append(["本表由县委编办汇总"])
    path = tmp_path / "清单.xlsx"
    book.save(path)
    items = items_of(path)
    assert len(items) == 1
    item = items[0]
    assert (item.text, item.detail, item.source_label) == (
        "农村道路交通安全劝导",
        "设立劝导站，劝导农用车违法载人",
        "cooperative",
    )
    assert item.section == ["配合履职事项", "平安法治"]
    assert item.lead_dept == "县公安局交通警察大队"
    assert item.locator == "sheet 配合履职事项 row 3"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "gb18030"])
def test_plain_text_encodings(tmp_path, encoding):
    text = "县农业农村局关于做好秸秆禁烧工作的通知\n一、压实责任\n各乡镇要落实秸秆禁烧网格化管理；配合县生态环境局开展巡查。\n"
    path = tmp_path / "notice.txt"
    path.write_bytes(text.encode(encoding))
    items = items_of(path)
    assert [(item.text, item.section, item.lead_dept) for item in items] == [
        ("各乡镇要落实秸秆禁烧网格化管理", ["压实责任"], ""),
        ("配合县生态环境局开展巡查", ["压实责任"], "县生态环境局"),
    ]


def test_html_page_skips_navigation_and_reads_the_list_table(tmp_path):
    html = """<html><head><meta charset="gbk"><title>清单公示</title><style>p{}</style></head><body>
      <nav><a>首页</a><a>政务公开</a><p>负责网站维护</p></nav>
      <h1>白沙乡履行职责事项清单</h1><h2>上级部门收回事项</h2>
      <table><tr><th>序号</th><th>事项名称</th><th>具体内容</th><th>承接部门</th></tr>
      <tr><td>1</td><td>林木采伐许可</td><td>林木采伐许可证核发</td><td>县林业局</td></tr></table>
      <footer>主办单位：白沙乡人民政府 负责解释</footer></body></html>"""
    path = tmp_path / "page.doc"
    path.write_bytes(html.encode("gbk"))
    items = items_of(path)
    assert [(item.text, item.source_label, item.lead_dept) for item in items] == [
        ("林木采伐许可", "returned", "县林业局")
    ]


# Segmentation and tagging ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sentence",
    [
        "各乡镇要落实党政同责、一岗双责。",
        "配合县水利局做好小型水库安全鉴定资料收集；",
        "河道采砂管理由县水利局负责。",
        "严格落实24小时值班制度。",
        "发现险情后，立即组织群众撤离。",
        "乡镇可先行实施临时救助。",
        "请各乡镇于6月15日前报送排查情况。",
    ],
)
def test_duty_sentences_are_kept(sentence):
    assert segment.is_duty(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "为切实做好汛期安全防范工作，现将有关事项通知如下：",
        "各乡镇人民政府、街道办事处：",
        "当前我县已全面进入主汛期，强降雨风险明显上升。",
        "监测对象包括低保对象、特困人员和低保边缘家庭。",
        "附件：汛期安全隐患排查台账",
        "联系人：李明，联系电话：0799-1234567。",
        "2024年5月20日",
        "特此通知。",
        "本清单自印发之日起施行，由县委编办负责解释。",
        "近年来，各乡镇认真落实防返贫监测机制，取得了明显成效。",
    ],
)
def test_non_duty_sentences_are_dropped(sentence):
    assert not segment.is_duty(sentence)


def test_sentences_split_outside_brackets_and_quotes():
    assert segment.sentences("按照“宁可十防九空。不可失防万一”要求转移；落实安置。") == [
        "按照“宁可十防九空。不可失防万一”要求转移；",
        "落实安置。",
    ]


def test_notice_prose_one_item_per_duty_sentence(tmp_path):
    document = docx.Document()
    document.add_paragraph("县农业农村局关于做好重大动物疫病防控工作的通知", style="Title")
    document.add_paragraph("各乡镇人民政府：")
    document.add_paragraph("为做好春季动物防疫工作，现将有关事项通知如下：")
    document.add_paragraph("一、全面开展强制免疫")
    document.add_paragraph(
        "各乡镇要组织村级防疫员开展春季集中免疫，做到应免尽免。"
        "由县动物疫病预防控制中心负责疫苗调拨；配合县农业农村局做好免疫效果监测。"
    )
    document.add_paragraph("二、加强监测排查")
    document.add_paragraph("（一）组织开展疫情排查")
    document.add_paragraph("（二）做好病死畜禽无害化处理")
    document.add_paragraph("县农业农村局")
    document.add_paragraph("2024年3月1日")
    path = tmp_path / "notice.docx"
    document.save(path)
    items = items_of(path)
    assert [(item.text, item.section, item.lead_dept) for item in items] == [
        ("各乡镇要组织村级防疫员开展春季集中免疫，做到应免尽免", ["全面开展强制免疫"], ""),
        ("由县动物疫病预防控制中心负责疫苗调拨", ["全面开展强制免疫"], "县动物疫病预防控制中心"),
        ("配合县农业农村局做好免疫效果监测", ["全面开展强制免疫"], "县农业农村局"),
        ("组织开展疫情排查", ["加强监测排查"], ""),
        ("做好病死畜禽无害化处理", ["加强监测排查"], ""),
    ]
    assert all(item.source_label is None for item in items)
    assert items[0].locator == "para 5"


def test_table_without_list_columns_gives_no_items(tmp_path):
    document = docx.Document()
    document.add_paragraph("附件2 乡镇防汛责任人名单")
    table = document.add_table(rows=3, cols=3)
    for r, values in enumerate(
        [["姓名", "职务", "联系电话"], ["李明", "镇长", "13800000000"], ["王芳", "副镇长", "1390000"]]
    ):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    document.add_paragraph("")
    path = tmp_path / "names.docx"
    document.save(path)
    assert items_of(path) == []


def test_tagger_normalises_departments_and_finds_lead_and_basis():
    tags = tagger.tag(
        "配合县市场监管局、县卫健局做好农村集体聚餐食品安全指导，依据《中华人民共和国食品安全法》第六条、第九条。"
    )
    assert tags.lead == "县市场监督管理局"
    assert tags.coop == ["县卫生健康局"]
    assert tags.basis == "《中华人民共和国食品安全法》第六条、第九条"
    assert tagger.tag("县自然资源局牵头，党政办、自然资源所配合开展排查").lead == "县自然资源局"
    assert tagger.tag("由县城乡融合发展局负责规划编制").lead == "县城乡融合发展局"  # not in the gazetteer


def test_township_offices_are_never_the_lead_from_text():
    tags = tagger.tag("由党政办牵头，乡镇综合行政执法队负责查处焚烧秸秆行为")
    assert tags.lead == ""
    assert tags.departments == ["党政综合办公室", "综合行政执法队"]
    assert tagger.level("县应急局") == "county" and tagger.level("应急办") == "township"


def test_gazetteer_and_dictionary_sizes():
    from dutylist import lexicon

    names = lexicon.departments()
    assert len(names) >= 150
    assert names["县市场监管局"] == "县市场监督管理局"
    assert sum(1 for _ in lexicon.corpus_file("userdict.txt").open(encoding="utf-8")) >= 300


def test_copied_sample_reads_the_same(tmp_path):
    """A file's items depend on its bytes, not on where it lies."""
    copy = tmp_path / "copy.bin"
    shutil.copy(NOTICE_PDF, copy)
    assert [item.text for item in items_of(copy)] == [item.text for item in items_of(NOTICE_PDF)]


def test_joint_notice_with_numbered_duty_lines(tmp_path):
    """Letterhead and signature naming several departments are not items; "二、配合……。" lines are."""
    text = (
        "县水利局 县农业农村局\n"
        "关于加强农村饮水工程管护的通知\n\n"
        "各乡镇人民政府：\n"
        "为保障农村群众饮水安全，现就有关事项通知如下：\n"
        "一、各乡镇要落实村级供水管理员，做好日常巡查。\n"
        "二、配合县水利局开展水质抽检。\n"
        "三、对小型供水设施开展汛后维修。\n\n"
        "县水利局    县农业农村局\n"
        "2025年9月1日\n"
    )
    path = tmp_path / "joint.txt"
    path.write_text(text, encoding="utf-8")
    assert [(item.text, item.lead_dept) for item in items_of(path)] == [
        ("各乡镇要落实村级供水管理员，做好日常巡查", ""),
        ("配合县水利局开展水质抽检", "县水利局"),
        ("对小型供水设施开展汛后维修", ""),
    ]


_TEXT_BOX_RUN = """
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"
     xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
     xmlns:v="urn:schemas-microsoft-com:vml">
  <mc:AlternateContent>
    <mc:Choice Requires="wps"><w:drawing><wps:wsp><wps:txbx><w:txbxContent>
      <w:p><w:r><w:t>各乡镇负责辖区山洪灾害预警信息的转发和群众转移。</w:t></w:r></w:p>
    </w:txbxContent></wps:txbx></wps:wsp></w:drawing></mc:Choice>
    <mc:Fallback><w:pict><v:shape><v:textbox><w:txbxContent>
      <w:p><w:r><w:t>各乡镇负责辖区山洪灾害预警信息的转发和群众转移。</w:t></w:r></w:p>
    </w:txbxContent></v:textbox></v:shape></w:pict></mc:Fallback>
  </mc:AlternateContent>
</w:r>
"""


def test_docx_text_boxes_are_read_once_after_their_anchor_and_row_content_controls(tmp_path):
    from docx.oxml import parse_xml

    document = docx.Document()
    anchor = document.add_paragraph("一、防汛工作")
    anchor._p.append(parse_xml(_TEXT_BOX_RUN))
    document.add_paragraph("配合县水利局做好山塘安全鉴定。")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("序号", "事项名称", "牵头部门"), strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ("1", "河道日常巡查", "县水利局"), strict=True):
        cell.text = text
    # Wrap the second row in a repeating-section content control, as form templates do.
    row = table.rows[1]._tr
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    row.addprevious(sdt)
    sdt.append(content)
    content.append(row)
    document.add_paragraph("")
    path = tmp_path / "text-box.docx"
    document.save(path)
    texts = [block.text for block in word.read(path)]
    assert texts[:3] == [
        "一、防汛工作",
        "各乡镇负责辖区山洪灾害预警信息的转发和群众转移。",
        "配合县水利局做好山塘安全鉴定。",
    ]
    assert [item.text for item in items_of(path)] == [
        "各乡镇负责辖区山洪灾害预警信息的转发和群众转移",
        "配合县水利局做好山塘安全鉴定",
        "河道日常巡查",
    ]


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_csv_is_sniffed_from_its_content_and_read_as_a_table(tmp_path, encoding):
    text = '序号,事项名称,事项内容,牵头部门\n1,河道巡查,"负责辖区河道日常巡查，发现问题及时上报",县水利局\n'
    text += "2,森林防火,组织护林员巡山,县林业局\n"
    path = tmp_path / "清单.txt"  # the extension says text, the bytes say CSV
    path.write_bytes(text.encode(encoding))
    assert readers.sniff(path) == "csv"
    items = items_of(path)
    assert [(item.text, item.detail, item.lead_dept) for item in items] == [
        ("河道巡查", "负责辖区河道日常巡查，发现问题及时上报", "县水利局"),
        ("森林防火", "组织护林员巡山", "县林业局"),
    ]
    assert items[1].locator == "table 1 row 3"


def test_prose_with_commas_is_not_csv(tmp_path):
    path = tmp_path / "通知.txt"
    path.write_text(
        "一、总体要求\n各乡镇要落实防汛责任, 做好巡查。\n配合县水利局做好山塘鉴定。\n", encoding="utf-8"
    )
    assert readers.sniff(path) == "text"


def test_docx_numbering_as_libreoffice_writes_it():
    assert word._format(3, "taiwaneseCountingThousand") == "三"
    assert word._format(12, "chineseCounting") == "十二"


def test_pdf_two_column_page_is_read_column_by_column(tmp_path):
    left = [
        "一、压实防汛责任",
        "各乡镇要落实防汛责任人，明",
        "确主要负责人为第一责任人。",
        "二、排查风险隐患",
    ]
    right = [
        "各乡镇要组织开展汛前隐患排",
        "查，建立隐患台账。",
        "三、加强值班值守",
        "配合县水利局做好山塘巡查。",
    ]
    lines = [(150, 740, "县应急管理局关于做好防汛工作的通知")]  # full width: read first
    for row, (one, two) in enumerate(zip(left, right, strict=True)):
        lines += [(60, 700 - row * 24, one), (320, 700 - row * 24, two)]
    _cjk_pdf(tmp_path / "two-columns.pdf", [lines])
    items = items_of(tmp_path / "two-columns.pdf")
    assert [(item.text, item.section) for item in items] == [
        ("各乡镇要落实防汛责任人，明确主要负责人为第一责任人", ["压实防汛责任"]),
        ("各乡镇要组织开展汛前隐患排查，建立隐患台账", ["排查风险隐患"]),
        ("配合县水利局做好山塘巡查", ["加强值班值守"]),
    ]


def test_pdf_one_column_page_with_a_right_aligned_signature_keeps_its_order(tmp_path):
    # The first lines sit in the top margin band: a line seen there is a running header only on a later page.
    lines = [(72, 760 - row * 24, f"{row + 1}.各乡镇要做好第{row + 1}项巡查工作。") for row in range(6)]
    lines += [(400, 560, "县应急管理局"), (400, 536, "2024年6月1日")]
    _cjk_pdf(tmp_path / "one-column.pdf", [lines])
    assert [item.text for item in items_of(tmp_path / "one-column.pdf")] == [
        f"各乡镇要做好第{row + 1}项巡查工作" for row in range(6)
    ]


def _borderless_lines(title: str, columns: tuple[int, ...], rows: list[tuple]) -> list[tuple[int, int, str]]:
    """Text lines of a table drawn without ruling lines: each row's cells at the column x positions."""
    lines = [(200, 740, title)]
    for row, cells in enumerate(rows):
        for x, text in zip(columns, cells, strict=True):
            if text:
                lines.append((x, 700 - row * 24, text))
    return lines


def test_pdf_table_drawn_without_lines_is_read_as_rows(tmp_path):
    rows = [
        ("序号", "事项名称", "事项内容", "牵头部门"),
        ("1", "河道日常巡查", "负责辖区河道巡查，发现问题", "县水利局"),
        ("", "", "及时上报。", ""),
        ("一、安全生产", None, None, None),
        ("2", "企业安全检查", "配合开展辖区企业安全检查。", "县应急管理局"),
    ]
    lines = _borderless_lines("青石镇履行职责事项清单", (60, 100, 220, 450), rows)
    lines.append((60, 560, "联系人：张明，联系电话：0000-1234567，请各乡镇于月底前报送。"))
    _cjk_pdf(tmp_path / "borderless.pdf", [lines])
    items = items_of(tmp_path / "borderless.pdf")
    assert [(item.text, item.detail, item.lead_dept, item.locator) for item in items] == [
        ("河道日常巡查", "负责辖区河道巡查，发现问题及时上报。", "县水利局", "table 1 row 2"),
        ("企业安全检查", "配合开展辖区企业安全检查。", "县应急管理局", "table 1 row 4"),
    ]
    assert items[1].section[-1] == "安全生产"


def test_prose_with_spaced_words_is_not_a_table(tmp_path):
    lines = [
        (72, 700, "一、工作任务"),
        (96, 676, "各乡镇要做好河道巡查、森林防火和安全生产检查等工作。"),
        (72, 652, "序号      名称      备注"),
        (96, 628, "配合县水利局做好山塘安全鉴定。"),
    ]
    _cjk_pdf(tmp_path / "prose.pdf", [lines])
    texts = [item.text for item in items_of(tmp_path / "prose.pdf")]
    assert "配合县水利局做好山塘安全鉴定" in texts


def test_pdf_table_without_lines_carries_a_category_given_once_down_its_group(tmp_path):
    # without ruling lines a merged 类别 cell is only text on the group's first row; the rows below are blank there
    rows = [
        ("序号", "类别", "事项名称", "牵头部门"),
        ("1", "民生服务", "农村低保申请受理", "社会事务办"),
        ("2", "", "临时救助对象初审", "社会事务办"),
        ("3", "平安法治", "矛盾纠纷排查调处", "综治中心"),
        ("4", "", "流动人口信息采集", "县公安局"),
    ]
    lines = _borderless_lines("白沙乡履行职责事项清单", (60, 100, 190, 330), rows)
    _cjk_pdf(tmp_path / "grouped.pdf", [lines])
    items = items_of(tmp_path / "grouped.pdf")
    assert [(item.text, item.section[-1] if item.section else "") for item in items] == [
        ("农村低保申请受理", "民生服务"),
        ("临时救助对象初审", "民生服务"),
        ("矛盾纠纷排查调处", "平安法治"),
        ("流动人口信息采集", "平安法治"),
    ]
