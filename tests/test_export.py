"""Exports read back as a clerk would open them: three lists, category rows, the usual columns."""

import csv
import io
import json

from docx import Document
from openpyxl import load_workbook

from dutylist import export, store
from dutylist.items import Item

DOC = "e" * 64
ROWS = [
    (["一、基本履职事项", "党的建设"], "党员教育管理", "组织党员参加“三会一课”", "党建办", "basic"),
    (["一、基本履职事项", "民生服务"], "农村低保对象初审", "受理申请并入户调查", "社会事务办", "basic"),
    (["二、配合履职事项", "平安法治"], "流动人口信息采集", "协助派出所登记", "县公安局", "cooperative"),
    (["三、上级部门收回事项"], "=对无证经营的行政处罚", "", "县市场监督管理局", "returned"),
]


def fill(conn):
    items = [
        Item(
            doc=DOC,
            file="清单.docx",
            text=text,
            detail=detail,
            township="青石镇",
            section=section,
            lead_dept=lead,
            locator=f"table 1 row {n}",
        )
        for n, (section, text, detail, lead, _) in enumerate(ROWS, 1)
    ]
    store.save_document(
        conn, {"sha256": DOC, "path": "清单.docx", "township": "青石镇", "status": "ok"}, items
    )
    store.add_model(conn, "m-test", "p", "0" * 64, {})
    store.add_proposals(
        conn,
        "m-test",
        [{"item_id": item.id, "label": "basic", "confidence": 0.5, "probs": {}} for item in items],
    )
    for item, row in zip(items, ROWS, strict=True):
        store.add_review(conn, item.id, "relabel", row[-1], reviewer="李四")
    return items


def test_xlsx_has_the_three_lists_with_category_rows_and_columns(conn, tmp_path):
    fill(conn)
    out = tmp_path / "清单.xlsx"
    assert export.export(conn, "xlsx", out) == 4
    book = load_workbook(out)
    assert book.sheetnames == ["基本履职事项", "配合履职事项", "上级部门收回事项"]
    basic = [
        [cell for cell in row if cell is not None] for row in book["基本履职事项"].iter_rows(values_only=True)
    ]
    assert basic[0] == ["青石镇履行职责事项清单——基本履职事项"]
    assert basic[1][:6] == ["序号", "事项名称", "事项内容", "牵头部门或责任科室", "配合部门", "依据"]
    assert basic[2] == ["党的建设"]
    assert basic[3][:4] == [1, "党员教育管理", "组织党员参加“三会一课”", "党建办"]
    assert basic[4] == ["民生服务"]
    assert basic[5][:2] == [2, "农村低保对象初审"]
    returned = list(book["上级部门收回事项"].iter_rows(values_only=True))
    assert returned[2][1] == "'=对无证经营的行政处罚", "a leading = must not become a formula"


def test_only_confirmed_items_are_exported(conn, tmp_path):
    items = fill(conn)
    store.add_review(conn, items[0].id, "reject")
    out = tmp_path / "清单.jsonl"
    assert export.export(conn, "jsonl", out) == 3
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert "党员教育管理" not in {row["text"] for row in rows}
    assert {row["label"] for row in rows} == {"basic", "cooperative", "returned"}
    assert rows[0]["history"][0]["action"] == "relabel" and rows[0]["history"][0]["reviewer"] == "李四"


def test_csv_opens_in_excel_with_bom_and_provenance(conn, tmp_path):
    fill(conn)
    out = tmp_path / "清单.csv"
    export.export(conn, "csv", out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["清单", "类别", "序号"]
    assert rows[1][:4] == ["基本履职事项", "党的建设", "1", "党员教育管理"]
    assert rows[3][0] == "配合履职事项" and rows[3][rows[0].index("来源文件")] == "清单.docx"


def test_docx_has_a_title_three_headings_and_tables(conn, tmp_path):
    fill(conn)
    out = tmp_path / "清单.docx"
    export.export(conn, "docx", out)
    document = Document(out)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == ["一、基本履职事项", "二、配合履职事项", "三、上级部门收回事项"]
    assert len(document.tables) == 3
    assert document.tables[1].rows[2].cells[1].text == "流动人口信息采集"


def test_proposals_export_shows_confidence(conn, tmp_path):
    fill(conn)
    out = tmp_path / "建议.xlsx"
    assert export.export_proposals(conn, out) == 4
    header = next(load_workbook(out)["基本履职事项"].iter_rows(min_row=2, max_row=2, values_only=True))
    assert header[-1] == "置信度"


def test_docx_keeps_markup_characters_and_drops_control_characters(conn, tmp_path):
    doc = "f" * 64
    item = Item(
        doc=doc, file="通知.docx", text="<村规民约>备案 & 公示\x0b", township="青石镇", locator="para 1"
    )
    store.save_document(
        conn, {"sha256": doc, "path": "通知.docx", "township": "青石镇", "status": "ok"}, [item]
    )
    store.add_model(conn, "m-test", "p", "0" * 64, {})
    store.add_proposals(
        conn, "m-test", [{"item_id": item.id, "label": "basic", "confidence": 0.9, "probs": {}}]
    )
    store.add_review(conn, item.id, "confirm")
    out = tmp_path / "清单.docx"
    export.export(conn, "docx", out)
    assert Document(out).tables[0].rows[1].cells[1].text == "<村规民约>备案 & 公示"
