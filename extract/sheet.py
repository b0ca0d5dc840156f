"""XLSX reader (openpyxl, read-only): every sheet's rows as table rows; CSV files the same way.

A sheet named after one of the three lists (基本履职事项 …) gives the list heading of its rows.

>>> looks_like_csv("序号,事项名称,牵头部门\n1,河道巡查,县水利局\n")
True

Example:
    >>> blocks = list(read(Path("清单.xlsx")))  # doctest: +SKIP
"""

import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from dutylist.items import Block
from extract.outline import list_label
from extract.plaintext import decode
from extract.problems import Unreadable
from extract.tables import TableAssembler


def read(path: Path) -> Iterator[Block]:
    """Yield, per sheet, its list heading (when the sheet is named after a list) and its rows."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise Unreadable(
            path,
            "Excel 文件已损坏或不完整，无法打开",
            "请用 Excel 或 WPS 打开后另存为 .xlsx 再试",
            f"corrupt xlsx: {exc}",
        ) from exc
    tables = TableAssembler()
    try:
        for sheet in book.worksheets:
            yield from tables.start(name=f"sheet {sheet.title}")
            if list_label(sheet.title):
                yield Block("heading", sheet.title, None, f"sheet {sheet.title}", level=1)
            for values in sheet.iter_rows(values_only=True):
                row = ["" if value is None else str(value) for value in values]
                yield from tables.add(row)
            yield from tables.flush()
    finally:
        book.close()


def looks_like_csv(start: str) -> bool:
    """True when the first lines of a text are comma- or tab-separated with the same number of fields (>= 2)."""
    lines = [line for line in start.splitlines()[:20] if line.strip()]
    if len(lines) > 2:
        lines = lines[:-1]  # the last line of a file's head may be cut short
    for delimiter in (",", "\t"):
        counts = [len(row) for row in csv.reader(lines, delimiter=delimiter)]
        if counts and counts[0] >= 2 and sum(count == counts[0] for count in counts) >= len(counts) * 0.8:
            return True
    return False


def read_csv(path: Path) -> Iterator[Block]:
    """Yield the rows of a CSV (or tab-separated) file in UTF-8, UTF-16 or GB18030 as one table."""
    try:
        text = decode(path.read_bytes())
    except UnicodeDecodeError as exc:
        raise Unreadable(
            path, "CSV 文件的编码无法识别", "请用 Excel 打开后另存为 .xlsx 再试", "unknown encoding"
        ) from exc
    delimiter = "\t" if text.split("\n", 1)[0].count("\t") > text.split("\n", 1)[0].count(",") else ","
    tables = TableAssembler()
    yield from tables.start()
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        yield from tables.add(row)
    yield from tables.flush()
