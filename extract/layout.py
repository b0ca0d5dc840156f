"""Page layout from positioned text lines: tables drawn without lines, two-column pages in reading order.

Lines are pdfplumber text lines (text, x0, x1, top, bottom, and chars when known); a table is a `Grid` with
its box and its rows of cell texts, whether pdfplumber found it from ruling lines or `text_tables` from aligned
columns of text.

>>> grid = Grid((0, 0, 10, 10), [["序号", "事项名称"], ["1", "河道巡查"]])
>>> grid.columns
2
"""

from dataclasses import dataclass

from extract.outline import heading_level
from extract.tables import is_header

# Columns of a table drawn without lines stand apart by most of a character; Chinese prose has no such gaps.
TABLE_GAP = 0.8
# Two text columns stand at least this many characters apart (LibreOffice's default gutter is about two).
COLUMN_GAP = 1.5


@dataclass
class Grid:
    """A table on a page: its box (x0, top, x1, bottom) and its rows (None for a merged cell's covered parts)."""

    bbox: tuple[float, float, float, float]
    rows: list[list[str | None]]

    @property
    def columns(self) -> int:
        return len(self.rows[0]) if self.rows else 0


def split_at_gaps(line: dict, gap: float) -> list[dict]:
    """A text line cut where its characters are more than `gap` characters' width apart."""
    chars = line.get("chars") or []
    pieces: list[list[dict]] = []
    for char in chars:
        size = max(char["x1"] - char["x0"], 4.0)
        if pieces and char["x0"] - pieces[-1][-1]["x1"] <= size * gap:
            pieces[-1].append(char)
        else:
            pieces.append([char])
    if len(pieces) < 2:
        return [line]
    out = []
    for piece in pieces:
        text = "".join(char["text"] for char in piece).strip()
        if text:
            top, bottom = min(char["top"] for char in piece), max(char["bottom"] for char in piece)
            out.append(
                {"text": text, "x0": piece[0]["x0"], "x1": piece[-1]["x1"], "top": top, "bottom": bottom}
            )
    return out


def text_tables(lines: list[dict]) -> tuple[list[dict], list[Grid]]:
    """Tables drawn without ruling lines, found from a header line (序号 事项名称 牵头部门 …) whose words stand
    apart, and the lines below whose pieces start under its columns. Returns the other lines and the tables.

    A line whose first column is empty continues the row above (a wrapped cell); a numbered heading line that
    crosses the columns (一、党的建设) is a category row; any other line that does not fit ends the table.
    """
    rest: list[dict] = []
    grids: list[Grid] = []
    index = 0
    while index < len(lines):
        header = split_at_gaps(lines[index], TABLE_GAP)
        if len(header) < 3 or not is_header([piece["text"] for piece in header]):
            rest.append(lines[index])
            index += 1
            continue
        starts = [piece["x0"] for piece in header]
        rows: list[list[str | None]] = [[piece["text"] for piece in header]]
        size = max(lines[index]["bottom"] - lines[index]["top"], 6.0)
        last = lines[index]
        index += 1
        while index < len(lines) and lines[index]["top"] - last["bottom"] < size * 2.5:
            line = lines[index]
            cells = _fit(split_at_gaps(line, TABLE_GAP), starts, size)
            if cells is None and heading_level(line["text"]):
                cells = [line["text"]] + [None] * (len(starts) - 1)
            if cells is None:
                break
            if not cells[0]:  # a wrapped cell, in a row or in the header
                rows[-1] = [(old or "") + (new or "") for old, new in zip(rows[-1], cells, strict=True)]
            else:
                rows.append(cells)
            last = line
            index += 1
        bbox = (min(starts), header[0]["top"], max(piece["x1"] for piece in header), last["bottom"])
        grids.append(Grid(bbox, rows))
    return rest, grids


def _fit(pieces: list[dict], starts: list[float], size: float) -> list[str | None] | None:
    """The line's pieces placed under the header's columns, or None when a piece does not fit one column."""
    cells: list[str | None] = [""] * len(starts)
    for piece in pieces:
        column = max((k for k, start in enumerate(starts) if piece["x0"] >= start - size), default=None)
        if column is None:
            return None
        if column + 1 < len(starts) and piece["x1"] > starts[column + 1] - size * 0.5:
            return None
        cells[column] = (cells[column] or "") + piece["text"]
    return cells


def reading_order(
    lines: list[dict], grids: list[Grid], width: float, previous: float | None = None
) -> tuple[list[dict], list[tuple], float | None]:
    """The page's lines, its events (top, kind, line or grid; kind 0 = line, 1 = table) in reading order, and the
    x of its column gutter (None for one column). Reading order: top to bottom, and on a two-column page the left
    column before the right one between two full-width lines (a title, a table).

    pdfplumber joins the two columns' lines that share a row; they are cut apart at wide gaps first. A column
    line gets a "column" key with its column's edges, so its length is judged against the column, not the page.
    `previous`, the gutter of the page before, is kept when no line crosses it (a last page filling one column).
    """
    pieces = [piece for line in lines for piece in split_at_gaps(line, COLUMN_GAP)]
    gutter = _gutter(pieces, width)
    if gutter is None and previous is not None and pieces:
        gutter = previous if not any(line["x0"] < previous < line["x1"] for line in pieces) else None
    if gutter is None:
        events = [(line["top"], 0, line) for line in lines] + [(grid.bbox[1], 1, grid) for grid in grids]
        return lines, sorted(events, key=lambda event: (event[0], event[1])), None
    lines = pieces
    events = [(line["top"], 0, line) for line in lines] + [(grid.bbox[1], 1, grid) for grid in grids]
    spanning = sorted(
        [line["top"] for line in lines if line["x0"] < gutter < line["x1"]] + [grid.bbox[1] for grid in grids]
    )
    sides: dict[int, list[dict]] = {1: [], 2: []}
    for line in lines:
        if not line["x0"] < gutter < line["x1"]:
            sides[1 if line["x1"] <= gutter else 2].append(line)
    for side in sides.values():
        edges = (min(line["x0"] for line in side), max(line["x1"] for line in side)) if side else (0, 0)
        for line in side:
            line["column"] = edges

    def key(event: tuple) -> tuple:
        top, kind, found = event
        band = sum(1 for start in spanning if start <= top)
        if kind == 1 or found["x0"] < gutter < found["x1"]:
            return (band, 0, top, kind)
        return (band, 1 if found["x1"] <= gutter else 2, top, kind)

    return lines, sorted(events, key=key), gutter


def _gutter(lines: list[dict], width: float) -> float | None:
    """The x of the blank strip between two text columns, or None for a one-column page.

    Two columns: some x in the middle fifth of the page that no more than a few lines cross, with at least four
    lines on each side, most of them as wide as their column, running down the same stretch of the page.
    """
    for step in range(21):
        x = width * (0.4 + 0.01 * step)
        left = [line for line in lines if line["x1"] <= x]
        right = [line for line in lines if line["x0"] >= x]
        crossing = len(lines) - len(left) - len(right)
        if len(left) < 4 or len(right) < 4 or crossing > max(2, len(lines) // 10):
            continue
        if not (_fills(left) and _fills(right)):
            continue  # narrow pieces: the cells of a table drawn without lines, not columns of prose
        # Side by side: the two sides' text runs down the same stretch of the page (rows need not line up).
        spans = [
            (min(line["top"] for line in side), max(line["bottom"] for line in side))
            for side in (left, right)
        ]
        overlap = min(spans[0][1], spans[1][1]) - max(spans[0][0], spans[1][0])
        if overlap >= 0.5 * min(bottom - top for top, bottom in spans):
            return x
    return None


def _fills(side: list[dict]) -> bool:
    """True when at least half the lines of one side span most of its width, as lines of running text do."""
    left, right = min(line["x0"] for line in side), max(line["x1"] for line in side)
    full = sum(1 for line in side if line["x1"] - line["x0"] >= 0.6 * (right - left))
    return full * 2 >= len(side)
