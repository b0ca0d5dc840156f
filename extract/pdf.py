"""PDF reader (pdfplumber), one page at a time: tables as rows, the text around them as paragraphs and headings.

Lines are regrouped into paragraphs (a new one starts at an indented, numbered or centred line, or after a short
line), a paragraph may continue on the next page, and a table that continues on the next page keeps its number
and header. Page headers, footers and page numbers ("- 3 -", "第3页 共9页") are dropped.

Example:
    >>> for block in read(Path("samples/白沙乡/白沙乡履行职责事项清单.pdf")):  # doctest: +SKIP
    ...     print(block.page, block.locator, block.text[:20])
"""

import re
from collections.abc import Generator, Iterator
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import PDFException
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from dutylist.items import Block
from extract import layout, limits, ocr
from extract.layout import Grid
from extract.outline import clean, heading_level, line_block, numbering
from extract.problems import Unreadable
from extract.tables import TableAssembler

# Lines this close to the top or bottom edge are running headers/footers; a little further in, a line is dropped
# when it repeats a line seen there on an earlier page (digits aside) or is a page number.
HARD_MARGIN = 0.06
SOFT_MARGIN = 0.12
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－~]\s*\d{1,4}\s*[-—–－~]|第\s*\d+\s*页(?:\s*[，,/、]?\s*共\s*\d+\s*页)?|\d{1,4}\s*/\s*\d{1,4}"
    r"|\d{1,4}|page\s*\d+(?:\s*of\s*\d+)?)$",
    re.I,
)


def read(path: Path) -> Generator[Block, None, dict]:
    """Yield the blocks of a PDF; return {"pages": n, "empty_pages": [...], "ocr_pages": [...]}.

    A page whose text layer is garbled is read again with pypdfium2 (blocks flagged `garbled`), then with OCR;
    a page with an image and no text (a scan) is OCR'd (blocks flagged `ocr`), up to MAX_OCR_PAGES a file.
    """
    try:
        pdf = pdfplumber.open(path)
    except PdfminerException as exc:
        raise _open_problem(path, exc) from exc
    reader = _Pages(path)
    with pdf:
        if len(pdf.pages) > limits.MAX_PAGES:
            raise limits.too_many_pages(path, len(pdf.pages))
        for number, page in enumerate(pdf.pages, 1):
            try:
                yield from reader.page(page, number)
            except (PDFException, PSException) as exc:
                raise Unreadable(
                    path,
                    f"第 {number} 页已损坏，无法读取",
                    "请用 PDF 阅读器打开后重新导出（打印为 PDF）再试",
                    f"page {number} is corrupt: {exc}",
                ) from exc
            finally:
                page.close()
        yield from reader.finish()
        return {"pages": len(pdf.pages), "empty_pages": reader.empty_pages, "ocr_pages": reader.ocr_pages}


def _open_problem(path: Path, exc: PdfminerException) -> Unreadable:
    cause = exc.args[0] if exc.args else exc
    if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
        return Unreadable(
            path, "PDF 文件已加密，无法读取", "请提供未加密版本（或去除密码后再导出）", "encrypted PDF"
        )
    return Unreadable(
        path,
        "PDF 文件已损坏或不完整（可能下载未完成）",
        "请重新下载或重新导出该 PDF 后再试",
        f"corrupt or truncated PDF: {cause!r}",
    )


class _Pages:
    """State carried from page to page: open paragraph, open table, margins, running headers seen."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.tables = TableAssembler(wrapped=True)
        self.paragraphs = _Paragraphs()
        self.empty_pages: list[int] = []
        self.ocr_pages: list[int] = []
        self.margin_lines: dict[str, int] = {}  # text (digits as #) -> first page it was seen near an edge
        self.table_open = False
        self.table_columns = 0
        self.gutter: float | None = (
            None  # the last page's column gutter: a last page may fill one column only
        )
        self.width = 0.0
        self.left: float | None = None
        self.right: float | None = None

    def page(self, page, number: int) -> Iterator[Block]:
        tables = [
            Grid(table.bbox, table.extract())
            for table in page.find_tables()
            if table.rows and len(table.rows[0].cells) >= 2
        ]
        raw = page.extract_text_lines(strip=True, return_chars=True)
        if ocr.garbled(" ".join(line["text"] for line in raw)):
            tables, raw = [], self._recover(number, page.width)
        elif not tables and not raw and page.images:
            raw = self._ocr(number)
        lines = [
            line for line in raw if not _inside(line, tables) and not self._margin(line, page.height, number)
        ]
        lines, drawn_without_lines = layout.text_tables(lines)
        tables += drawn_without_lines
        if not tables and not lines:
            self.empty_pages.append(number)
            return
        lines, events, self.gutter = layout.reading_order(lines, tables, page.width, self.gutter)
        self._measure(lines, page.width)
        for position, (_, kind, found) in enumerate(events):
            if kind == 1:
                continues = position == 0 and self.table_open and found.columns == self.table_columns
                if not continues:
                    yield from self.paragraphs.flush()
                yield from self.tables.start(continuation=continues)
                for row in found.rows:
                    yield from self.tables.add(row, number)
                self.table_columns = found.columns
            else:
                if position == 0 or events[position - 1][1] == 1:
                    yield from self.tables.flush()
                left, right = found.get("column", (self.left, self.right))
                yield from self.paragraphs.add(found, number, left, right)
        self.table_open = events[-1][1] == 1
        if not self.table_open:
            yield from self.tables.flush()

    def _recover(self, number: int, width: float) -> list[dict]:
        """Lines of a garbled page: pypdfium2's text when it reads clean, else OCR."""
        text = ocr.pdfium_text(self.path, number - 1)
        if text.strip() and not ocr.garbled(text):
            left = self.left if self.left is not None else width * 0.12
            right = self.right if self.right is not None else width * 0.88
            lines, top = [], 200.0
            for line in (line.strip() for line in text.splitlines()):
                if line:
                    lines.append({"text": line, "x0": left, "x1": right, "top": top, "bottom": top + 1})
                    # Without positions, a paragraph ends at a heading or a sentence end (a gap says so).
                    top += 12 if heading_level(line) or line.endswith(("。", "；", "：", ":")) else 1
            return [dict(line, flag="garbled") for line in lines]
        return self._ocr(number)

    def _ocr(self, number: int) -> list[dict]:
        if len(self.ocr_pages) >= limits.MAX_OCR_PAGES:
            return []
        self.ocr_pages.append(number)
        return [dict(line, flag="ocr") for line in ocr.ocr_lines(self.path, number - 1)]

    def finish(self) -> Iterator[Block]:
        yield from self.tables.flush()
        yield from self.paragraphs.flush()

    def _margin(self, line: dict, height: float, number: int) -> bool:
        text = line["text"].strip()
        top, bottom = line["top"] / height, line["bottom"] / height
        if top < HARD_MARGIN or bottom > 1 - HARD_MARGIN:
            return True
        if top < SOFT_MARGIN or bottom > 1 - SOFT_MARGIN:
            if _PAGE_NUMBER.match(text):
                return True
            if len(layout.split_at_gaps(line, layout.TABLE_GAP)) >= 3:
                return False  # a table header repeated on every page, not a running header
            key = re.sub(r"\d+", "#", text)
            if self.margin_lines.setdefault(key, number) < number:
                return True
        return False

    def _measure(self, lines: list[dict], width: float) -> None:
        # The text block's edges, widened page by page (a page with a few short lines has the same margins).
        if width != self.width:
            self.width, self.left, self.right = width, None, None
        lefts = [line["x0"] for line in lines] + ([self.left] if self.left is not None else [])
        rights = [line["x1"] for line in lines] + ([self.right] if self.right is not None else [])
        self.left = min(lefts, default=width * 0.1)
        self.right = max(rights, default=width * 0.9)


def _inside(line: dict, tables: list) -> bool:
    middle = (line["top"] + line["bottom"]) / 2
    centre = (line["x0"] + line["x1"]) / 2
    return any(
        table.bbox[1] - 1 <= middle <= table.bbox[3] + 1 and table.bbox[0] - 1 <= centre <= table.bbox[2] + 1
        for table in tables
    )


class _Paragraphs:
    """Regroups wrapped lines into paragraphs, across a page break when the text runs on."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.page: int | None = None
        self.count = 0
        self.last: dict | None = None
        self.last_short = False
        self.last_centred = False
        self.centred = False
        self.flags: set[str] = set()

    def add(self, line: dict, page: int, left: float, right: float) -> Iterator[Block]:
        size = max(line["bottom"] - line["top"], 6.0)
        text = line["text"].strip()
        indent = line["x0"] - left > size * 1.2
        space_left, space_right = line["x0"] - left, right - line["x1"]
        # Centred: the same space on both sides (a first line indented two characters and short by one is not).
        # An OCR'd line's box is a few points off either way: its spaces must be over a character wide.
        slack = size if line.get("flag") == "ocr" else 1.5
        centred = min(space_left, space_right) > slack and abs(space_left - space_right) <= size * 0.5
        same_page = self.last is not None and self.last["page"] == page
        gap = line["top"] - self.last["bottom"] if same_page else 0
        starts = (
            not self.lines
            or bool(numbering(text)[0])
            or (indent and not (centred and self.last_centred))
            or centred != self.last_centred
            or self.last_short
            and not (centred and self.last_centred)
            or gap > size * 1.5
        )
        if starts:
            yield from self.flush()
            self.page, self.centred = page, centred
        self.lines.append(text)
        if line.get("flag"):
            self.flags.add(line["flag"])
        self.last = {"page": page, "bottom": line["bottom"]}
        self.last_short = space_right > size * 1.5
        self.last_centred = centred

    def flush(self) -> Iterator[Block]:
        if not self.lines:
            return
        text = clean("\n".join(self.lines))
        flags, self.lines, self.flags = sorted(self.flags), [], set()
        self.count += 1
        locator = f"para {self.count}"
        title = self.centred and len(text) <= 60 and not re.search(r"[，。；：,;]", text)
        if title and not heading_level(text):  # a centred short line: the document's title
            yield Block("heading", text, self.page, locator, level=0, flags=flags)
        else:
            yield line_block(text, self.page, locator, flags)
