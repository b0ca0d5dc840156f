"""HTML reader (stdlib html.parser): a web page saved as a file, or a ".doc" that is really HTML.

Navigation, scripts and styles are skipped; tables give rows, other block elements give paragraphs, h1-h6 give
headings. A nested table stays inside the cell that holds it.

>>> [block.text for block in parse("<h2>一、基本履职事项</h2><p>负责辖区河道巡查。</p>")]
['一、基本履职事项', '负责辖区河道巡查。']
"""

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

from dutylist.items import Block
from extract.outline import clean, heading_level, numbering
from extract.plaintext import encoding
from extract.problems import Unreadable
from extract.tables import TableAssembler

_SKIPPED = {"script", "style", "nav", "header", "footer", "aside", "noscript", "select", "button", "template"}
_BLOCK = {"p", "div", "li", "ul", "ol", "section", "article", "main", "blockquote", "pre", "dd", "dt", "body"}
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


def read(path: Path) -> Iterator[Block]:
    """Yield the headings, paragraphs and table rows of an HTML file."""
    data = path.read_bytes()
    declared = re.search(rb"charset=[\"']?([A-Za-z0-9_-]+)", data[:4096])
    name = declared.group(1).decode("ascii") if declared else encoding(data)
    try:
        text = data.decode(name or "utf-8")
    except (LookupError, UnicodeDecodeError) as exc:
        raise Unreadable(
            path, "网页文件的编码无法识别", "请用浏览器打开后另存为 UTF-8 网页再试", "unknown encoding"
        ) from exc
    yield from parse(text)


def parse(html: str) -> Iterator[Block]:
    """The blocks of an HTML text, in order (see the module docstring)."""
    parser = _Parser()
    parser.feed(html)
    parser.close()
    tables = TableAssembler()
    paragraphs = 0
    for kind, value, level in parser.events:
        if kind == "table":
            yield from tables.start()
        elif kind == "row":
            yield from tables.add(value)
        else:
            yield from tables.flush()
            paragraphs += 1
            # <h1> is the page title (level 0); numbering, when present, outranks the tag.
            level = heading_level(value) or (level - 1 if kind == "heading" else 0)
            block_kind = "heading" if kind == "heading" or level else "para"
            yield Block(block_kind, value, None, f"para {paragraphs}", level=level or numbering(value)[0])
    yield from tables.flush()


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple[str, object, int]] = []
        self.text: list[str] = []
        self.skip = 0
        self.table_depth = 0
        self.row: list[str | None] | None = None
        self.cell: list[str] | None = None
        self.heading = 0
        self.pending_span = 1

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED:
            self.skip += 1
        elif tag == "table":
            self.table_depth += 1
            if self.table_depth == 1:
                self._flush()
                self.events.append(("table", None, 0))
        elif self.table_depth == 1 and tag == "tr":
            self.row = []
        elif self.table_depth == 1 and tag in ("td", "th"):
            self.cell = []
            span = dict(attrs).get("colspan") or "1"
            self.pending_span = int(span) if span.isdigit() else 1
        elif self.table_depth > 1 and tag in ("tr", "br", "p", "div"):
            self._text("\n")
        elif tag in _HEADINGS and not self.table_depth:
            self._flush()
            self.heading = _HEADINGS[tag]
        elif tag in _BLOCK | {"br"} and not self.table_depth:
            self._flush()
        elif tag == "br":
            self._text("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skip = max(0, self.skip - 1)
        elif tag == "table":
            self.table_depth = max(0, self.table_depth - 1)
        elif self.table_depth == 1 and tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell))
            self.row.extend([None] * (self.pending_span - 1))
            self.cell = None
        elif self.table_depth == 1 and tag == "tr" and self.row is not None:
            self.events.append(("row", self.row, 0))
            self.row = None
        elif (tag in _HEADINGS or tag in _BLOCK) and not self.table_depth:
            self._flush()

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self._text(data)

    def _text(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)
        elif not self.table_depth:
            self.text.append(data)

    def _flush(self) -> None:
        text = clean(" ".join("".join(self.text).split("\n")))
        self.text = []
        if text:
            self.events.append(("heading" if self.heading else "para", text, self.heading))
        self.heading = 0

    def close(self) -> None:
        super().close()
        self._flush()
