"""The review app's test workspace, shared by the AppTest, store, split/merge, double-review and browser tests:
items filled through dutylist.store (documents, items, a model, proposals, users), so no trained model is needed."""

from pathlib import Path

from dutylist import store
from dutylist.items import Item

# (township, text, detail, proposed label, confidence): the queue serves the least confident first.
ITEMS = (
    (
        "青石镇",
        "农村最低生活保障申请受理、初审和动态管理",
        "受理低保申请，入户调查核实家庭经济状况，提出初审意见并公示。",
        "basic",
        0.55,
    ),
    (
        "青石镇",
        "配合开展森林防火巡查和野外火源管控",
        "在防火期组织巡查，劝阻野外用火，发现火情及时报告。",
        "cooperative",
        0.42,
    ),
    ("青石镇", "食品生产许可证核发", "", "returned", 0.91),
    ("青石镇", "城乡居民基本养老保险参保登记", "为辖区居民办理参保登记和信息变更。", "basic", 0.78),
    ("白沙乡", "河道日常巡查和保洁", "落实河长制，组织保洁员清理河面垃圾。", "basic", 0.66),
)
QUEUE_ORDER = sorted(range(len(ITEMS)), key=lambda index: ITEMS[index][4])


def make_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF with one line of Chinese text per page (reportlab's built-in CID font, no font file needed)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    drawing = canvas.Canvas(str(path), pagesize=A4)
    for number, text in enumerate(pages, 1):
        drawing.setFont("STSong-Light", 16)
        drawing.drawCentredString(297, 780, "白沙乡履行职责事项清单")
        drawing.setFont("STSong-Light", 10.5)
        for row, cells in enumerate(
            [("序号", "事项名称", "事项内容", "责任科室"), (str(number), *text.split("|"))]
        ):
            y = 740 - 28 * row
            drawing.rect(60, y - 8, 475, 28)
            for x, cell in zip((66, 100, 250, 450), cells, strict=False):
                drawing.drawString(x, y + 2, cell.strip())
        drawing.drawCentredString(297, 40, f"第 {number} 页")
        drawing.showPage()
    drawing.save()
    return path


def fill_workspace(path: Path, pdf_file: str | None = None) -> list[str]:
    """Two documents (one per township) with ITEMS and a proposal each; return the item ids in ITEMS order.

    `pdf_file` names the second (白沙乡) document's file, so its page can be shown."""
    ids = []
    with store.open(path) as conn:
        store.add_model(conn, "test-model", "models/test.joblib", "0" * 64, {})
        for number, township in enumerate(("青石镇", "白沙乡")):
            sha = f"{number}" * 64
            file = f"samples/{township}/{township}履行职责事项清单.{'docx' if number == 0 else 'pdf'}"
            file = pdf_file if pdf_file and number == 1 else file
            items = [
                Item(
                    doc=sha,
                    file=file,
                    text=text,
                    township=township,
                    page=None if number == 0 else row + 1,
                    locator=f"table 1 row {row + 2}",
                    section=["一、基本履职事项", "（三）民生服务"],
                    detail=detail,
                    lead_dept="社会事务办公室",
                    coop_depts=["县民政局", "县财政局"],
                    basis="《社会救助暂行办法》",
                )
                for row, (name, text, detail, _, _) in enumerate(ITEMS)
                if name == township
            ]
            store.save_document(
                conn, {"sha256": sha, "path": file, "township": township, "status": "ok"}, items
            )
            ids.extend(item.id for item in items)
        proposals = []
        for item_id, (*_, label, confidence) in zip(ids, ITEMS, strict=True):
            rest = (1 - confidence) / 2
            probs = {
                name: confidence if name == label else rest for name in ("basic", "cooperative", "returned")
            }
            proposals.append(
                {
                    "item_id": item_id,
                    "label": label,
                    "confidence": confidence,
                    "probs": probs,
                    "evidence": ["受理"],
                }
            )
        store.add_proposals(conn, "test-model", proposals)
    return ids


USERS = {"李红": ("admin", "李红-pass-1"), "王强": ("reviewer", "王强-pass-2")}


def add_users(path: Path) -> None:
    with store.open(path) as conn:
        for name, (role, password) in USERS.items():
            store.add_user(conn, name, role, password)
