"""Table rows from any reader turned into Blocks the same way: header rows, merged rows, rows split by a page.

Readers hand raw rows to a `TableAssembler`; a cell is a string, or None when a merged cell covers it (what
pdfplumber gives, and what the DOCX reader gives for gridSpan/vMerge). Columns are known by their header text,
never by position:

>>> column_roles(["序号", "类别", "事项名称", "具体内容", "牵头部门/责任科室", "配合部门", "依据"])["lead"]
4
"""

import re
from collections.abc import Iterator

from dutylist.items import Block
from extract.outline import clean

# Checked in order, the first match gives a column its role ("事项内容" is detail, not the name).
_ROLES = (
    ("index", re.compile(r"^(?:序号|编号|序|No\.?)$", re.I)),
    ("category", re.compile(r"类别|领域|分类|类型|板块")),
    ("basis", re.compile(r"依据")),
    ("note", re.compile(r"备注")),
    ("coop", re.compile(r"配合|协办|协助")),
    ("lead", re.compile(r"牵头|责任(?:单位|部门|科室|主体)|主管|主办|承办|承接|实施主体")),
    ("county_duty", re.compile(r"(?:县|区|市)级?(?:部门)?.{0,4}职责|部门职责")),
    ("township_duty", re.compile(r"(?:乡镇|街道|镇|乡).{0,4}职责")),
    ("detail", re.compile(r"内容|说明|描述|要求|标准")),
    ("name", re.compile(r"事项|名称|职责|任务|工作")),
)
_HEADER_WORD = re.compile(
    r"序号|编号|类别|领域|分类|类型|事项|名称|内容|职责|部门|科室|单位|依据|备注|牵头|配合|说明|主体"
)
# Columns whose vertically merged cell applies to every row it spans.
_CARRIED = ("category", "lead", "coop", "basis")


def column_roles(header: list[str]) -> dict[str, int]:
    """Map roles (index, category, name, detail, township_duty, county_duty, lead, coop, basis, note) to columns."""
    roles: dict[str, int] = {}
    for column, title in enumerate(header):
        title = re.sub(r"\s+", "", title or "")
        for role, pattern in _ROLES:
            if title and pattern.search(title):
                roles.setdefault(role, column)
                break
    return roles


def is_header(cells: list[str | None]) -> bool:
    """True for a row of column titles (序号 | 事项名称 | 具体内容 …)."""
    texts = [cell for cell in cells if cell]
    if len(texts) < 2 or any(text.isdigit() for text in texts):
        return False
    hits = sum(1 for text in texts if len(text) <= 14 and _HEADER_WORD.search(text))
    return hits >= max(2, round(len(texts) * 0.6))


class TableAssembler:
    """Turns raw table rows into "row" and "heading" Blocks, in order, for one document.

    - a header row becomes `Block.header` of the rows below it; a header repeated on a continuation page is dropped;
    - a row whose only text sits in its first column while the rest is merged (一、党的建设) is a "heading" Block
      whose `cells` hold the row, so the segmenter knows it came from a table;
    - a vertically merged 类别/牵头部门/配合部门/依据 cell is carried down to the rows it covers (a blank 类别 cell
      too, since a table without ruling lines shows a merged cell as text on the first row only); a row whose
      事项名称 cell is covered from above belongs to the item above (its text is appended, not a new item);
    - on a continuation page, a first row without a 序号 is the rest of a row the page break split.

    The last row is held back until the next row shows whether it continues; call `flush()` before anything that
    is not part of the table.
    """

    def __init__(self, wrapped: bool = False) -> None:
        # wrapped: a "\n" inside a cell is where the line wrapped (PDF), not a paragraph break (DOCX, HTML).
        self.wrapped = wrapped
        self.count = 0
        self._name = ""
        self._header: list[str] = []
        self._roles: dict[str, int] = {}
        self._row = 0
        self._above: list[str] = []
        self._pending: Block | None = None
        self._resumed = False

    def start(self, continuation: bool = False, name: str | None = None) -> list[Block]:
        """Begin a new table (`name` for the locator, default "table N"), or resume the last one on a new page.

        Returns the row held back from the previous table when a new one begins.
        """
        if continuation and self.count:
            self._resumed = True
            return []
        done = list(self.flush())
        self.count += 1
        self._name = name or f"table {self.count}"
        self._header, self._roles, self._row, self._above = [], {}, 0, []
        self._resumed = False
        return done

    def add(self, raw: list[str | None], page: int | None = None) -> Iterator[Block]:
        """Feed one raw row; yield the Blocks it completes."""
        cells = [None if cell is None else self._clean(cell) for cell in raw]
        if not any(cells):
            return
        if is_header(cells):
            if [cell or "" for cell in cells] == self._header:
                return
            yield from self.flush()
            self._row += 1
            self._header = [cell or "" for cell in cells]
            self._roles = column_roles(self._header)
            self._above = []
            return
        resumed, self._resumed = self._resumed, False
        filled = [cell for cell in cells if cell]
        if len(filled) == 1 and cells[0] and not cells[0].isdigit() and self._heading_row(cells):
            yield from self.flush()
            self._row += 1
            self._above = []
            yield Block(
                "heading", cells[0], page, f"{self._name} row {self._row}", cells=[c or "" for c in cells]
            )
            return
        if self._pending and resumed and self._splits_previous(cells):
            self._join(cells, separator="")
            return
        if self._pending and self._covered_name(cells):
            self._join(cells, separator="\n")
            return
        self._row += 1
        locator = f"{self._name} row {self._row}"
        cells = self._carry_down(cells)
        yield from self.flush()
        self._pending = Block(
            "row", " | ".join(cell for cell in cells if cell), page, locator, cells=cells, header=self._header
        )

    def _clean(self, cell: str) -> str:
        if self.wrapped:
            return clean(cell)
        return "\n".join(line for line in (clean(line) for line in cell.splitlines()) if line)

    def flush(self) -> Iterator[Block]:
        """Yield the row held back."""
        if self._pending:
            pending, self._pending = self._pending, None
            yield pending

    def _heading_row(self, cells: list[str | None]) -> bool:
        # A merged row: the other cells are covered (None); in a spreadsheet, where merges are invisible and the
        # other cells are empty, a row with text only under 序号/类别 (or in a table without header).
        if all(cell is None for cell in cells[1:]):
            return True
        if len(cells) < 3:
            return False
        first = next((role for role, column in self._roles.items() if column == 0), None)
        return not self._header or first in ("index", "category")

    def _carry_down(self, cells: list[str | None]) -> list[str]:
        carried = {self._roles[role] for role in _CARRIED if role in self._roles}
        # A blank 类别 cell is a merge too: a table drawn without ruling lines shows a merged cell's text on the
        # group's first row only. The other carried columns may be blank on purpose (no lead department).
        category = self._roles.get("category")
        out = []
        for column, cell in enumerate(cells):
            covered = (cell is None and column in carried) or (not cell and column == category)
            if covered and column < len(self._above):
                cell = self._above[column]
            out.append(cell or "")
        self._above = out
        return out

    def _splits_previous(self, cells: list[str | None]) -> bool:
        index = self._roles.get("index")
        return (
            index is not None and index < len(cells) and not cells[index] and bool(self._pending.cells[index])
        )

    def _covered_name(self, cells: list[str | None]) -> bool:
        name = self._roles.get("name")
        return name is not None and name < len(cells) and cells[name] is None and any(cells)

    def _join(self, cells: list[str | None], separator: str) -> None:
        pending = self._pending
        carried = {self._roles[role] for role in _CARRIED if role in self._roles}
        for column, cell in enumerate(cells):
            if not cell or column >= len(pending.cells) or (separator and column in carried):
                continue
            pending.cells[column] = (
                (pending.cells[column] + separator + cell) if pending.cells[column] else cell
            )
        pending.text = " | ".join(cell for cell in pending.cells if cell)
        self._above = list(pending.cells)
