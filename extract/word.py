"""DOCX reader: body paragraphs and tables in document order, with Word's automatic numbering rendered.

python-docx opens the package; the body is read from its XML because python-docx neither renders numbering
(numPr + numbering.xml) nor says which cells are merged. Content controls (w:sdt) are read through; a text box's
paragraphs follow the paragraph that anchors it (its VML fallback copy is skipped, so it is read once).

Example:
    >>> blocks = list(read(Path("samples/青石镇/青石镇履行职责事项清单.docx")))  # doctest: +SKIP
"""

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from dutylist.items import Block
from extract.outline import clean, line_block, numbering
from extract.problems import Unreadable
from extract.tables import TableAssembler

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
TEXT_BOX = W + "txbxContent"
_SKIPPED = {W + "del", W + "instrText", W + "delText", TEXT_BOX, MC_FALLBACK}

_CN_DIGITS = "零一二三四五六七八九"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
# Formats Word and LibreOffice write for 一、二、三 (LibreOffice exports them as taiwaneseCountingThousand).
_COUNTING = {
    "chineseCounting",
    "chineseCountingThousand",
    "japaneseCounting",
    "taiwaneseCounting",
    "taiwaneseCountingThousand",
}


def read(path: Path) -> Iterator[Block]:
    """Yield headings, paragraphs and table rows of a .docx file in the order a reader meets them."""
    try:
        document = docx.Document(str(path))
    # What python-docx raises on a broken package: a missing part, bad XML, a part of the wrong type.
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        AttributeError,
        etree.XMLSyntaxError,
    ) as exc:
        raise Unreadable(
            path,
            "Word 文件已损坏或不完整，无法打开",
            "请用 Word 或 WPS 打开后另存为 .docx 再试",
            f"corrupt or incomplete docx: {exc!r}",
        ) from exc
    body = _Body(document)
    yield from body.blocks(document.element.body)
    yield from body.tables.flush()


class _Body:
    def __init__(self, document) -> None:
        self.styles = _Styles(document)
        self.numbering = _Numbering(document, self.styles)
        self.tables = TableAssembler()
        self.paragraphs = 0

    def blocks(self, container) -> Iterator[Block]:
        for element in container.iterchildren():
            if element.tag == W + "p":
                yield from self.paragraph(element)
            elif element.tag == W + "tbl":
                yield from self.tables.start()
                for row in self.rows(element):
                    yield from self.tables.add(row)
            elif element.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
                yield from self.blocks(element)

    def paragraph(self, element) -> Iterator[Block]:
        yield from self.own_paragraph(element)
        for box in _text_boxes(element):
            yield from self.blocks(box)

    def own_paragraph(self, element) -> Iterator[Block]:
        text = clean(self.numbering.label(element) + _text(element))
        if not text:
            return
        yield from self.tables.flush()
        self.paragraphs += 1
        style_level = self.styles.heading_level(element)
        if style_level is None:
            yield line_block(text, None, f"para {self.paragraphs}")
        else:
            level = numbering(text)[0] or style_level
            yield Block("heading", text, None, f"para {self.paragraphs}", level=level)

    def rows(self, table) -> Iterator[list[str | None]]:
        for tr in _table_rows(table):
            row: list[str | None] = [""] * _grid_skip(tr, "gridBefore")
            for tc in _cells(tr):
                props = tc.find(W + "tcPr")
                span = _int_val(props, "gridSpan", 1)
                merge = props.find(W + "vMerge") if props is not None else None
                covered = merge is not None and merge.get(W + "val") != "restart"
                row.append(None if covered else self.cell_text(tc))
                row.extend([None] * (span - 1))
            yield row

    def cell_text(self, tc) -> str:
        lines = []
        for child in tc.iterchildren():
            if child.tag == W + "p":
                lines.append(self.numbering.label(child) + _text(child))
            elif child.tag == W + "tbl":
                # A nested table stays inside its cell: one line per nested row.
                lines.extend(" | ".join(cell for cell in row if cell) for row in self.rows(child))
        return "\n".join(line for line in lines if line.strip())


def _text_boxes(paragraph) -> list:
    """The outermost text boxes anchored in a paragraph, not counting the VML fallback copies."""
    boxes = []
    for box in paragraph.iter(TEXT_BOX):
        ancestor = box.getparent()
        while ancestor is not None and ancestor is not paragraph:
            if ancestor.tag in (TEXT_BOX, MC_FALLBACK):
                break
            ancestor = ancestor.getparent()
        else:
            boxes.append(box)
    return boxes


def _unwrapped(element, tag: str) -> Iterator:
    """Children of `element` with `tag`, also those wrapped in content controls or custom XML."""
    for child in element.iterchildren():
        if child.tag == tag:
            yield child
        elif child.tag in (W + "sdt", W + "sdtContent", W + "customXml"):
            yield from _unwrapped(child, tag)


def _table_rows(table) -> Iterator:
    return _unwrapped(table, W + "tr")


def _cells(tr) -> Iterator:
    return _unwrapped(tr, W + "tc")


def _grid_skip(tr, name: str) -> int:
    props = tr.find(W + "trPr")
    return _int_val(props, name, 0)


def _int_val(props, name: str, default: int) -> int:
    found = props.find(W + name) if props is not None else None
    try:
        return int(found.get(W + "val")) if found is not None else default
    except (TypeError, ValueError):
        return default


def _text(element) -> str:
    """Visible text of a paragraph: runs, hyperlinks, fields' results; not deleted text, field codes or the
    fallback copy of a drawing."""
    parts = []
    for child in element.iterchildren():
        if child.tag == W + "t":
            parts.append(child.text or "")
        elif child.tag in (W + "br", W + "cr"):
            parts.append("\n")
        elif child.tag == W + "tab":
            parts.append(" ")
        elif child.tag not in _SKIPPED and len(child):
            parts.append(_text(child))
    return "".join(parts)


class _Styles:
    """Paragraph styles by id: heading level (Heading N / 标题 N / outline level) and style-borne numbering."""

    def __init__(self, document) -> None:
        self.by_id = {}
        for style in document.styles.element.iterchildren(W + "style"):
            self.by_id[style.get(W + "styleId")] = style

    def chain(self, element) -> Iterator:
        """The paragraph's own properties, then its style's, then the styles it is based on."""
        props = element.find(W + "pPr")
        if props is not None:
            yield props
        style_ref = props.find(W + "pStyle") if props is not None else None
        style_id = style_ref.get(W + "val") if style_ref is not None else None
        seen = set()
        while style_id and style_id not in seen and style_id in self.by_id:
            seen.add(style_id)
            style = self.by_id[style_id]
            style_props = style.find(W + "pPr")
            if style_props is not None:
                yield style_props
            name = style.find(W + "name")
            if name is not None:
                yield name
            based = style.find(W + "basedOn")
            style_id = based.get(W + "val") if based is not None else None

    def heading_level(self, element) -> int | None:
        """1-9 for a heading style, 0 for the Title style, None for body text."""
        for props in self.chain(element):
            if props.tag == W + "name":
                name = (props.get(W + "val") or "").strip().lower()
                found = re.fullmatch(r"(?:heading|标题)\s*(\d)", name)
                if found:
                    return int(found.group(1))
                if name in ("title", "标题"):
                    return 0
                continue
            outline = props.find(W + "outlineLvl")
            if outline is not None and (outline.get(W + "val") or "9").isdigit():
                value = int(outline.get(W + "val"))
                if value < 9:
                    return value + 1
        return None

    def numbering(self, element) -> tuple[str, int] | None:
        """(numId, ilvl) from the paragraph or its style."""
        num_id, level = None, None
        for props in self.chain(element):
            if props.tag == W + "name":
                continue
            num = props.find(W + "numPr")
            if num is None:
                continue
            if level is None and num.find(W + "ilvl") is not None:
                level = int(num.find(W + "ilvl").get(W + "val") or 0)
            if num_id is None and num.find(W + "numId") is not None:
                num_id = num.find(W + "numId").get(W + "val")
        if num_id in (None, "0"):
            return None
        return num_id, level or 0


class _Numbering:
    """Word's list numbering (numbering.xml) rendered as the reader sees it: 一、 （一） 1. ① …"""

    def __init__(self, document, styles: _Styles) -> None:
        self.styles = styles
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return
        for abstract in root.iterchildren(W + "abstractNum"):
            levels = {}
            for lvl in abstract.iterchildren(W + "lvl"):
                levels[int(lvl.get(W + "ilvl"))] = (
                    _child_val(lvl, "numFmt", "decimal"),
                    _child_val(lvl, "lvlText", ""),
                    int(_child_val(lvl, "start", "1") or 1),
                )
            self.levels[abstract.get(W + "abstractNumId")] = levels
        for num in root.iterchildren(W + "num"):
            overrides = {}
            for override in num.iterchildren(W + "lvlOverride"):
                start = override.find(W + "startOverride")
                if start is not None:
                    overrides[int(override.get(W + "ilvl"))] = int(start.get(W + "val"))
            self.nums[num.get(W + "numId")] = (_child_val(num, "abstractNumId", ""), overrides)

    def label(self, element) -> str:
        """The number Word shows before this paragraph ("" when it has none); advances the list's counters."""
        found = self.styles.numbering(element)
        if not found or found[0] not in self.nums:
            return ""
        num_id, ilvl = found
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        if ilvl not in levels:
            return ""
        counters = self.counters.setdefault(num_id, {})
        start = overrides.get(ilvl, levels[ilvl][2])
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [key for key in counters if key > ilvl]:
            del counters[deeper]
        fmt, text, _ = levels[ilvl]
        if fmt in ("bullet", "none"):
            return ""

        def render(match: re.Match) -> str:
            level = int(match.group(1)) - 1
            level_fmt, _, level_start = levels.get(level, ("decimal", "", 1))
            return _format(counters.get(level, overrides.get(level, level_start)), level_fmt)

        return re.sub(r"%(\d)", render, text)


def _child_val(element, name: str, default: str) -> str:
    child = element.find(W + name)
    return child.get(W + "val", default) if child is not None else default


def _format(value: int, fmt: str) -> str:
    """A list number in one of Word's formats (the common ones in Chinese documents)."""
    if fmt in _COUNTING:
        return _chinese(value)
    if fmt == "ideographTraditional" and 1 <= value <= 10:
        return _HEAVENLY_STEMS[value - 1]
    if fmt.startswith("decimalEnclosedCircle") and 1 <= value <= 20:
        return chr(0x2460 + value - 1)
    if fmt in ("lowerLetter", "upperLetter") and value >= 1:
        letter = chr(ord("a") + (value - 1) % 26)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman") and value >= 1:
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(digit) + 0xFEE0) for digit in str(value))
    return str(value)


def _chinese(value: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 25 -> 二十五, 100 -> 一百."""
    if value < 10:
        return _CN_DIGITS[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")
    hundreds, rest = divmod(value, 100)
    head = _CN_DIGITS[hundreds % 10] + "百"
    if not rest:
        return head
    return head + ("零" + _CN_DIGITS[rest] if rest < 10 else "一" * (rest < 20) + _chinese(rest))


def _roman(value: int) -> str:
    numerals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"))
    numerals += ((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = ""
    for number, numeral in numerals:
        while value >= number:
            out += numeral
            value -= number
    return out
