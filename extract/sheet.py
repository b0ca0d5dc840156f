"""XLSX reader (openpyxl, read-only): every sheet's rows as table rows.

A sheet named after one of the three lists (基本履职事项 …) gives the list heading of its rows.

Example:
    >>> blocks = list(read(Path("清单.xlsx")))  # doctest: +SKIP
"""

import zipfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from dutylist.items import Block
from extract.outline import list_label
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
