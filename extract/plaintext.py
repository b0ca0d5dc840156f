"""Plain-text reader: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (which covers GBK and GB2312).

Each non-empty line is a paragraph or, when it reads as one, a heading.

>>> decode("一、基本履职事项".encode("gb18030"))
'一、基本履职事项'
"""

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from dutylist.items import Block
from extract.outline import clean, line_block
from extract.problems import Unreadable

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def encoding(data: bytes, partial: bool = False) -> str | None:
    """The text encoding of `data` from its BOM or by strict decoding; None when it is not text at all.

    `partial`: `data` is the head of a file and may end inside a character.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    if b"\x00" in data:
        return None
    for name in ("utf-8", "gb18030"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError as exc:
            if not (partial and exc.start >= len(data) - 4):
                continue
            text = data[: exc.start].decode(name)
        controls = sum(1 for char in text if ord(char) < 32 and char not in "\r\n\t\f")
        return name if controls <= len(text) * 0.01 else None
    return None


def decode(data: bytes) -> str:
    """The text of `data` in the encoding `encoding` finds; UnicodeDecodeError when it is not text."""
    name = encoding(data)
    if name is None:
        raise UnicodeDecodeError("text", data[:1], 0, 1, "neither UTF-8/16/32 nor GB18030")
    return data.decode(name)


MAX_LINE_CHARS = 20_000


def lines(text: str, path: Path) -> Iterator[str]:
    """The non-empty cleaned lines of `text`; a line too long to be one paragraph is cut after each 。；.

    Raises Unreadable when a piece is still over MAX_LINE_CHARS (not prose: a dump, a binary turned to text).
    """
    for line in text.splitlines():
        pieces = re.findall(r"[^。；]*[。；]?", line) if len(line) > MAX_LINE_CHARS else [line]
        for piece in pieces:
            if len(piece) > MAX_LINE_CHARS:
                raise Unreadable(
                    path,
                    f"文本中有一段超过 {MAX_LINE_CHARS} 字且没有句号，不像正常文档",
                    "请检查文件内容，或用 Word 打开后另存为 .docx 再试",
                    f"a line of {len(piece)} characters without sentence ends",
                )
            piece = clean(piece)
            if piece:
                yield piece


def read(path: Path) -> Iterator[Block]:
    """Yield one block per non-empty line of a text file."""
    try:
        text = decode(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise Unreadable(
            path,
            "文本文件的编码无法识别（不是 UTF-8、UTF-16 或 GBK/GB18030）",
            "请用记事本打开后另存为 UTF-8 编码再试",
            "unknown text encoding",
        ) from exc
    count = 0
    for line in lines(text, path):
        count += 1
        yield line_block(line, None, f"para {count}")
