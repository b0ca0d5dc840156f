"""The registry of readers, keyed by the type `sniff` finds in a file's bytes (never its extension).

>>> sorted(READERS)
['csv', 'docx', 'html', 'ole', 'pdf', 'text', 'xlsx']

Example:
    >>> document = read_document(Path("samples/青石镇/青石镇履行职责事项清单.docx"))  # doctest: +SKIP
    >>> document.format, len(document.blocks)  # doctest: +SKIP
    ('docx', 66)
"""

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from dutylist.items import Block
from extract import legacy, limits, pdf, plaintext, sheet, webpage, word
from extract.problems import NoText, Unreadable, Unsupported

READERS = {
    "pdf": pdf.read,
    "docx": word.read,
    "xlsx": sheet.read,
    "html": webpage.read,
    "text": plaintext.read,
    "csv": sheet.read_csv,
    "ole": legacy.read,
}
SUPPORTED = (
    "PDF（含扫描件，OCR 识别）、Word（.docx/.doc）、WPS 文字（.wps）、Excel（.xlsx/.xls/.csv）、"
    "网页（.html）、文本（.txt，UTF-8/UTF-16/GBK）"
)

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Known types no reader handles yet: what the user should do with each.
_NOT_YET = {
    "image": ("这是图片文件，不是文档（扫描件请先合成为 PDF）", "请提供 PDF 或 Word 文件"),
    "pptx": ("PowerPoint 演示文稿不在支持范围内", "请把清单内容另存为 Word 或 Excel 文件"),
    "odf": ("OpenDocument 文件（.odt/.ods）暂不支持", "请另存为 .docx 或 .xlsx"),
    "rtf": ("RTF 文件暂不支持", "请用 Word 打开后另存为 .docx"),
    "archive": ("这是压缩包，不是文档", "请先解压，再对解压出的文件夹运行抽取"),
    "data": (
        "这是数据或程序文件（JSON、源代码），不是文档",
        "事项 JSONL 请用 dutylist classify --in 或 lists import 读取",
    ),
}
# Text that is data or source code rather than prose: JSON, a script.
_CODE = re.compile(r"[{\[]\s*[\"{\[]|#!|\"{3}|'{3}|(?:import|from)\s+[\w.]+|def |class \w+|<\?php|/[/*]")
_IMAGES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"BM")


@dataclass
class Document:
    """What a reader found in one file: its type, blocks in order, page count, pages without text, OCR'd pages."""

    format: str
    blocks: list[Block]
    pages: int | None = None
    empty_pages: list[int] = field(default_factory=list)
    ocr_pages: list[int] = field(default_factory=list)


def sniff(path: Path) -> str:
    """The real type of a file from its first bytes: pdf, docx, xlsx, ole (legacy Office), html, csv or text.

    Raises Unsupported for a type no reader handles (the message lists what is supported) and Unreadable for
    an empty or unreadable file.
    """
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as exc:
        raise Unreadable(
            path, f"无法打开文件（{exc.strerror}）", "请检查文件是否存在、是否有读取权限"
        ) from exc
    if not head:
        raise Unreadable(path, "文件是空的（0 字节）", "请重新获取该文件", "empty file")
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(path)
    if head.startswith(_OLE):
        return "ole"
    if head.startswith(_IMAGES):
        return _not_yet(path, "image")
    if head.startswith((b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf", b"PK\x05\x06")):
        return _not_yet(path, "archive")
    if head.lstrip().startswith(b"{\\rtf"):
        return _not_yet(path, "rtf")
    name = plaintext.encoding(head, partial=len(head) == 8192)
    if name is None:
        raise Unsupported(
            path,
            "无法识别的文件类型（不是文档）",
            f"支持的类型：{SUPPORTED}",
            f"unknown type; supported: {_keys()}",
        )
    start = head.decode(name, errors="ignore")[:2048].lstrip()
    if re.match(r"<!doctype html|<html|<\?xml[^>]*>\s*<html", start, re.I) or "<html" in start[:512].lower():
        return "html"
    if _CODE.match(start):
        return _not_yet(path, "data")
    return "csv" if sheet.looks_like_csv(start) else "text"


def read_document(path: Path) -> Document:
    """Sniff and read one file; raises NoText when it holds no text at all (a scan, an empty document)."""
    fmt = sniff(path)
    if fmt in ("text", "csv", "html") and path.stat().st_size > limits.MAX_TEXT_BYTES:
        raise limits.too_large(path, path.stat().st_size, limits.MAX_TEXT_BYTES, "文本文件")
    blocks: list[Block] = []
    reader = READERS[fmt](path)
    facts: dict = {}
    while True:
        try:
            blocks.append(next(reader))
        except StopIteration as stop:
            facts = stop.value or {}
            break
    document = Document(
        fmt, blocks, facts.get("pages"), facts.get("empty_pages", []), facts.get("ocr_pages", [])
    )
    if not blocks:
        if document.pages:
            raise NoText(
                path,
                f"全部 {document.pages} 页都没有文字层，可能是扫描件，OCR 也未识别出文字",
                "请提供文字版 PDF 或 Word 原件，或更清晰的扫描件",
                "no text layer and OCR found no text: a blank or unreadable scan",
            )
        raise NoText(path, "文件中没有文字", "请检查是否提供了正确的文件", "no text")
    return document


def _zip_type(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            unzipped = sum(info.file_size for info in archive.infolist())
            mimetype = archive.read("mimetype")[:80] if "mimetype" in names else b""
    except (zipfile.BadZipFile, OSError) as exc:
        raise Unreadable(
            path,
            "文件已损坏或不完整（压缩结构无法读取）",
            "请用 Word/Excel/WPS 打开后另存一份再试",
            "corrupt zip container",
        ) from exc
    if unzipped > limits.MAX_UNZIPPED_BYTES:
        raise limits.too_large(path, unzipped, limits.MAX_UNZIPPED_BYTES, "解压后的内容")
    if "word/document.xml" in names:
        return "docx"
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "ppt/presentation.xml" in names:
        return _not_yet(path, "pptx")
    if mimetype.startswith(b"application/vnd.oasis.opendocument"):
        return _not_yet(path, "odf")
    return _not_yet(path, "archive")


def _not_yet(path: Path, kind: str) -> str:
    reason, hint = _NOT_YET[kind]
    raise Unsupported(
        path, reason, f"{hint}。支持的类型：{SUPPORTED}", f"{kind} is not supported; supported: {_keys()}"
    )


def _keys() -> str:
    return ", ".join(sorted(READERS))
