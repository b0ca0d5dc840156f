"""Export items in the layout offices publish: three lists, category rows, the usual columns.

`export(conn, "xlsx", "清单.xlsx")` writes confirmed items only; `export_proposals` writes the model's proposals
(for a first look before review). Cells are neutralised against spreadsheet formula injection.

Example:
    >>> with store.open() as conn:  # doctest: +SKIP
    ...     export(conn, "xlsx", "workspace/青石镇清单.xlsx", township="青石镇")
"""

import csv
import io
import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

from docx import Document
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.shared import Pt
from docx.table import Table
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dutylist import store
from dutylist.items import HEADING_NUMBER, ITEM_FIELDS, LABEL_NAMES, LABELS, LIST_NAMES

FORMATS = ("xlsx", "docx", "csv", "jsonl")
COLUMNS = ("序号", "事项名称", "事项内容", "牵头部门或责任科室", "配合部门", "依据")
XML_INVALID = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Target = str | Path | BinaryIO


def safe_cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe; other values pass through."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def category(section: list[str]) -> str:
    """The category a published list groups an item under: the first heading that does not name a list."""
    for heading in section:
        name = HEADING_NUMBER.sub("", heading).strip()
        if name and not any(list_name[:4] in name for list_name in LIST_NAMES):
            return name
    return ""


def row_cells(number: int, item: dict) -> list[str | int]:
    return [
        number,
        item["text"],
        item.get("detail") or "",
        item.get("lead_dept") or "",
        "、".join(item.get("coop_depts") or []),
        item.get("basis") or "",
    ]


def grouped(rows: list[dict]) -> dict[str, dict[str, list[dict]]]:
    """label -> category -> items, keeping document order inside each group."""
    groups: dict[str, dict[str, list[dict]]] = {label: {} for label in LABELS}
    for row in rows:
        groups[row["label"]].setdefault(category(row.get("section") or []), []).append(row)
    return groups


def export(conn: sqlite3.Connection, fmt: str, out: Target, township: str | None = None) -> int:
    """Write the confirmed items of the workspace (or of one township) to `out`; return how many."""
    fmt = _checked(fmt)
    rows = store.confirmed_items(conn, township)
    if fmt in ("csv", "jsonl"):  # the tabular formats carry each item's label history
        history: dict[str, list[dict]] = {}
        for event in store.reviews(conn):
            history.setdefault(event["item_id"], []).append(
                {key: event[key] for key in ("at", "reviewer", "action", "old_label", "new_label")}
            )
        for row in rows:
            row["history"] = history.get(row["id"], [])
    return WRITERS[fmt](rows, out, _title(rows, township))


def export_proposals(conn: sqlite3.Connection, out: Target, township: str | None = None) -> int:
    """Write every item with its latest proposal as an xlsx in the three-list layout, with a confidence column."""
    rows = [{**row, "label": row["proposed_label"]} for row in store.items_with_proposals(conn, township)]
    return write_xlsx(
        rows, out, _title(rows, township) + "（模型建议，待审核）", extra=("置信度", _confidence)
    )


def _confidence(row: dict) -> str:
    return f"{row['confidence']:.0%}"


def _checked(fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return fmt


def _title(rows: list[dict], township: str | None) -> str:
    names = sorted({row.get("township") or "" for row in rows} - {""})
    name = township or ("、".join(names) if len(names) <= 3 else f"{len(names)}个乡镇（街道）")
    return f"{name}履行职责事项清单"


@contextmanager
def _binary(out: Target) -> Iterator[BinaryIO]:
    """A binary handle on `out`: a path is opened (parents made) and closed after; a stream is used as it is."""
    if isinstance(out, str | Path):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        with Path(out).open("wb") as handle:
            yield handle
    else:
        yield out


WRAP = Alignment(wrap_text=True, vertical="top")


def _cell(
    sheet, value: object, font: Font | None = None, background: PatternFill | None = None
) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=safe_cell(value))
    cell.alignment = WRAP
    if font:
        cell.font = font
    if background:
        cell.fill = background
    return cell


def write_xlsx(rows: list[dict], out: Target, title: str, extra: tuple[str, Callable] | None = None) -> int:
    # Write-only mode streams rows to the file: a 50,000-item export stays within seconds and bounded memory.
    book = Workbook(write_only=True)
    columns = [*COLUMNS, "乡镇（街道）"] + ([extra[0]] if extra else [])
    last = get_column_letter(len(columns))
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    for label, categories in grouped(rows).items():
        sheet = book.create_sheet(LABEL_NAMES[label])
        for letter, width in zip("ABCDEFGH", (6, 36, 48, 20, 20, 28, 12, 8), strict=False):
            sheet.column_dimensions[letter].width = width

        sheet.append([_cell(sheet, f"{title}——{LABEL_NAMES[label]}", Font(bold=True, size=14))])
        sheet.merged_cells.add(f"A1:{last}1")
        sheet.append([_cell(sheet, name, bold, fill) for name in columns])
        row_number, number = 2, 0
        for name, items in categories.items():
            if name:
                sheet.append([_cell(sheet, name, bold)])
                row_number += 1
                sheet.merged_cells.add(f"A{row_number}:{last}{row_number}")
            for item in items:
                number += 1
                cells = [*row_cells(number, item), item.get("township") or ""]
                if extra:
                    cells.append(extra[1](item))
                sheet.append([_cell(sheet, value) for value in cells])
                row_number += 1
    with _binary(out) as handle:
        book.save(handle)
    return len(rows)


def _add_docx_row(table: Table, values: list, span: int = 1) -> None:
    """Append a row as one parsed XML fragment: python-docx's `add_row().cells` rebuilds the table grid on every
    call and its text setter builds elements one by one, which makes a 50,000-row export take minutes."""
    properties = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
    cells = "".join(
        f'<w:tc>{properties}<w:p><w:r><w:t xml:space="preserve">{_xml_text(value)}</w:t></w:r></w:p></w:tc>'
        for value in values
    )
    table._tbl.append(parse_xml(f"<w:tr {nsdecls('w')}>{cells}</w:tr>"))


def _xml_text(value: object) -> str:
    return escape(XML_INVALID.sub("", str(value)))


def write_docx(rows: list[dict], out: Target, title: str) -> int:
    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading(title, level=0)
    chinese_numbers = "一二三"
    for index, (label, categories) in enumerate(grouped(rows).items()):
        document.add_heading(f"{chinese_numbers[index]}、{LABEL_NAMES[label]}", level=1)
        table = document.add_table(rows=1, cols=len(COLUMNS))
        table.style = "Table Grid"
        for cell, name in zip(table.rows[0].cells, COLUMNS, strict=True):
            cell.text = name
        number = 0
        for name, items in categories.items():
            if name:
                _add_docx_row(table, [name], span=len(COLUMNS))
            for item in items:
                number += 1
                _add_docx_row(table, row_cells(number, item))
        if not categories:
            document.add_paragraph("（无）")
    document.add_paragraph("")
    with _binary(out) as handle:
        document.save(handle)
    return len(rows)


def write_csv(rows: list[dict], out: Target, title: str) -> int:
    header = ["清单", "类别", *COLUMNS, "乡镇（街道）", "来源文件", "页码", "位置", "审核记录"]
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    for label, categories in grouped(rows).items():
        number = 0
        for name, items in categories.items():
            for item in items:
                number += 1
                cells = [
                    LABEL_NAMES[label],
                    name,
                    *row_cells(number, item),
                    item.get("township") or "",
                    item.get("file") or "",
                    item.get("page") or "",
                    item.get("locator") or "",
                    json.dumps(item.get("history", []), ensure_ascii=False),
                ]
                writer.writerow([safe_cell(value) for value in cells])
    # UTF-8 with BOM so that Excel on Chinese Windows opens it without garbling.
    return _write_text(out, text.getvalue(), bom=True, count=len(rows))


def write_jsonl(rows: list[dict], out: Target, title: str) -> int:
    lines = [
        json.dumps(
            {
                **{key: row.get(key) for key in ITEM_FIELDS},
                "label": row["label"],
                "history": row.get("history", []),
            },
            ensure_ascii=False,
        )
        for row in rows
    ]
    return _write_text(out, "".join(line + "\n" for line in lines), bom=False, count=len(rows))


def _write_text(out: Target, text: str, bom: bool, count: int) -> int:
    data = text.encode("utf-8-sig" if bom else "utf-8")
    with _binary(out) as handle:
        handle.write(data)
    return count


WRITERS = {"xlsx": write_xlsx, "docx": write_docx, "csv": write_csv, "jsonl": write_jsonl}
