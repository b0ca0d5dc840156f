"""Test documents for the extraction cases the samples do not cover, with their expected items.

Built from the sample content (samples/make_samples.py), so the expected items are known exactly:
- 清单_旧版.doc: the 青石镇 list saved as legacy Word (LibreOffice), read through conversion;
- 通知_WPS.wps: the flood notice as an OLE Word file named .wps, as WPS writes them;
- 通知_扫描件.pdf: the monitoring notice printed and scanned (grey, slightly tilted, noisy image, no text layer);
- 通知_重影.pdf: a notice whose text is drawn twice (fake bold), so its text layer reads every character doubled;
- 清单_GBK.csv: the 白沙乡 list exported as CSV in GBK;
- 清单_无框线.pdf: the 白沙乡 list with its tables drawn without ruling lines;
- 通知_两栏.pdf: the flood notice laid out in two columns.

Run: `.venv/bin/python tests/docs/make_docs.py` (needs LibreOffice and the WenQuanYi Micro Hei font, like the
samples). Writes the files and expected.jsonl beside this script.
"""

import csv
import importlib.util
import io
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
PREFIX = "tests/docs/"
MAX_BYTES = 300_000
DOUBLED = [
    "一、做好防汛准备",
    "各乡镇要在汛前完成山塘水库安全检查，建立隐患台账。",
    "配合县水利局做好河道清障和堤防加固工作。",
    "二、加强值班值守",
    "各乡镇负责落实24小时值班和领导带班制度。",
]
DOUBLED_DUTIES = [DOUBLED[1], DOUBLED[2], DOUBLED[4]]


def samples():
    spec = importlib.util.spec_from_file_location("make_samples", ROOT / "samples" / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def to_doc(document, path: Path, module) -> None:
    """Save a python-docx document as legacy .doc (Word 97) with LibreOffice."""
    document.add_paragraph("")  # a .doc export drops a table that ends the document
    module.convert(document, path, "doc:MS Word 97")


def borderless(document):
    """The same document with every table's borders removed (the "Normal Table" style draws none)."""
    for table in document.tables:
        table.style = document.styles["Normal Table"]
    return document


def two_columns(document):
    """The same document laid out in two newspaper columns."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    columns = OxmlElement("w:cols")
    columns.set(qn("w:num"), "2")
    columns.set(qn("w:space"), "567")
    document.sections[0]._sectPr.append(columns)
    return document


def scanned(source: Path, path: Path) -> None:
    """Each page of `source` rendered at 130 dpi, tilted half a degree, with speckles, as a JPEG-only PDF."""
    import pypdfium2
    from PIL import Image, ImageFilter
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    noise = random.Random(7)
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    document = pypdfium2.PdfDocument(str(source))
    for page in document:
        image = page.render(scale=130 / 72, grayscale=True).to_pil().convert("L")
        image = image.rotate(0.5, resample=Image.BICUBIC, fillcolor=245).filter(ImageFilter.GaussianBlur(0.6))
        pixels = image.load()
        for _ in range(4000):
            pixels[noise.randrange(image.width), noise.randrange(image.height)] = noise.choice((90, 200))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=40)
        pdf.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 0, 0, *A4)
        pdf.showPage()
    document.close()
    pdf.save()


def doubled(path: Path) -> None:
    """A text PDF drawn as some printers' "bold" does it: every line twice, 0.4 pt apart."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("wqy", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", subfontIndex=0))
    pdf = canvas.Canvas(str(path), pagesize=A4, invariant=1)
    top = 720
    for line in DOUBLED:
        for shift in (0, 0.4):
            pdf.setFont("wqy", 14)
            pdf.drawString(72 + shift + (0 if line[1] == "、" else 28), top, line)
        top -= 36
    pdf.showPage()
    pdf.save()


def gbk_csv(rows: list[dict], path: Path) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["序号", "类别", "事项名称", "事项内容", "牵头部门"])
    for number, row in enumerate(rows, 1):
        writer.writerow([number, row["section"][1], row["text"], row["detail"], row["lead_dept"]])
    path.write_bytes(out.getvalue().encode("gbk"))


def main() -> None:
    module = samples()
    qingshi = module.expected_list("x", "青石镇")
    baisha = module.expected_list("x", "白沙乡")
    flood = module.expected_notice(module.FLOOD)
    monitoring = module.expected_notice(module.MONITORING)
    to_doc(module.list_document("青石镇", False), HERE / "清单_旧版.doc", module)
    to_doc(module.notice_document(module.FLOOD, typed_numbers=False), HERE / "通知_WPS.wps", module)
    scanned(ROOT / "samples" / module.MONITORING["file"], HERE / "通知_扫描件.pdf")
    doubled(HERE / "通知_重影.pdf")
    gbk_csv(baisha, HERE / "清单_GBK.csv")
    module.to_pdf(borderless(module.list_document("白沙乡", True)), HERE / "清单_无框线.pdf")
    module.to_pdf(
        two_columns(module.notice_document(module.FLOOD, typed_numbers=True)), HERE / "通知_两栏.pdf"
    )
    expected = {
        "清单_旧版.doc": qingshi,
        "通知_WPS.wps": flood,
        "通知_扫描件.pdf": monitoring,
        "通知_重影.pdf": [
            {"text": text.rstrip("。"), "lead_dept": "县水利局" if "县水利局" in text else ""}
            for text in DOUBLED_DUTIES
        ],
        "清单_GBK.csv": baisha,
        "清单_无框线.pdf": baisha,
        "通知_两栏.pdf": flood,
    }
    with (HERE / "expected.jsonl").open("w", encoding="utf-8") as handle:
        for name, rows in expected.items():
            size = (HERE / name).stat().st_size
            print(f"{name}: {size // 1024} KB, {len(rows)} items")
            if size > MAX_BYTES:
                sys.exit(f"{name} is {size} bytes, over {MAX_BYTES}")
            for row in rows:
                line = {"file": PREFIX + name, "text": row["text"], "lead_dept": row.get("lead_dept", "")}
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
