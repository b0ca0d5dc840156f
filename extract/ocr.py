"""Text of PDF pages whose text layer is missing or garbled: pypdfium2's own text first, then offline OCR.

OCR is rapidocr_onnxruntime (its Chinese models ship inside the wheel, so it works with the network off); the
engine is loaded once per process, on the first page that needs it. Results come back as text lines with their
box in PDF points, so the PDF reader groups them into paragraphs like any other line.

Example:
    >>> lines = ocr_lines(Path("扫描件.pdf"), 0)  # doctest: +SKIP
    >>> lines[0]["text"]  # doctest: +SKIP
    '县民政局关于做好农村低收入人口动态监测工作的'
"""

import re
from functools import cache
from pathlib import Path

import pypdfium2

from extract.problems import Unsupported

# Rendering scale: 2.0 = 144 dpi, about 21 px for 10.5 pt text, which the OCR model reads reliably.
SCALE = 2.0
MIN_SCORE = 0.5
_CID = re.compile(r"\(cid:\d+\)")


def garbled(text: str) -> bool:
    """True when a page's text is not readable text: CID codes, private-use glyphs, replacement characters, or
    every character doubled (fake bold drawn twice).

    >>> garbled("(cid:12)(cid:7)(cid:99)(cid:3)"), garbled("各乡镇要做好巡查。"), garbled("各各乡乡镇镇要要做做好好")
    (True, False, True)
    """
    text = re.sub(r"\s+", "", text)
    if not text:
        return False
    cids = sum(len(match) for match in _CID.findall(text))
    odd = sum(1 for char in text if "\ue000" <= char <= "\uf8ff" or char == "\ufffd")
    if (cids + odd) / len(text) > 0.2:
        return True
    pairs = len(text) // 2
    doubled = sum(1 for i in range(0, pairs * 2, 2) if text[i] == text[i + 1])
    return pairs >= 4 and doubled / pairs > 0.8


def pdfium_text(path: Path, index: int) -> str:
    """The text pypdfium2 reads from page `index` (0-based): another decoder of the same text layer."""
    document = pypdfium2.PdfDocument(str(path))
    try:
        page = document[index]
        textpage = page.get_textpage()
        return textpage.get_text_range().replace("\r\n", "\n")
    finally:
        document.close()


@cache
def _engine():
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise Unsupported(
            "OCR",
            "扫描页需要 OCR，但本机未安装 OCR 组件",
            "请安装：pip install rapidocr_onnxruntime（另需 apt-get install libgl1）",
            "OCR engine missing: pip install rapidocr_onnxruntime",
        ) from exc
    return RapidOCR()


def ocr_lines(path: Path, index: int) -> list[dict]:
    """OCR page `index` (0-based): text lines, top to bottom, as {text, x0, x1, top, bottom} in PDF points."""
    import numpy

    document = pypdfium2.PdfDocument(str(path))
    try:
        image = document[index].render(scale=SCALE).to_pil().convert("RGB")
    finally:
        document.close()
    found, _ = _engine()(numpy.array(image))
    boxes = []
    for box, text, score in found or []:
        if float(score) < MIN_SCORE or not text.strip():
            continue
        xs, ys = [point[0] for point in box], [point[1] for point in box]
        boxes.append(
            {
                "text": text.strip(),
                "x0": min(xs) / SCALE,
                "x1": max(xs) / SCALE,
                "top": min(ys) / SCALE,
                "bottom": max(ys) / SCALE,
            }
        )
    return _merge_rows(boxes)


def _merge_rows(boxes: list[dict]) -> list[dict]:
    """Boxes on the same text row (OCR may cut a line in two) joined left to right."""
    rows: list[list[dict]] = []
    for box in sorted(boxes, key=lambda box: box["top"]):
        middle = (box["top"] + box["bottom"]) / 2
        if rows and rows[-1][0]["top"] <= middle <= rows[-1][0]["bottom"]:
            rows[-1].append(box)
        else:
            rows.append([box])
    merged = []
    for row in rows:
        row.sort(key=lambda box: box["x0"])
        merged.append(
            {
                "text": "".join(box["text"] for box in row),
                "x0": row[0]["x0"],
                "x1": max(box["x1"] for box in row),
                "top": min(box["top"] for box in row),
                "bottom": max(box["bottom"] for box in row),
            }
        )
    return merged
