"""The item schema shared by every stage, and the JSONL contract of DESIGN.md.

A reader yields `Block`s (a heading, a paragraph or a table row with provenance); the segmenter turns them into
`Item`s; the classifier adds a `Proposal`.
"""

import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from dutylist.errors import BadInput

LABELS = ("basic", "cooperative", "returned")
LABEL_NAMES = {"basic": "基本履职事项", "cooperative": "配合履职事项", "returned": "上级部门收回事项"}
LIST_NAMES = {name: label for label, name in LABEL_NAMES.items()}
# The outline number in front of a list's heading ("一、", "（三）", "2."), as exports and model features strip it.
HEADING_NUMBER = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])\s*"
)

ITEM_FIELDS = (
    "id",
    "doc",
    "file",
    "township",
    "page",
    "locator",
    "section",
    "text",
    "detail",
    "lead_dept",
    "coop_depts",
    "basis",
    "source_label",
    "flags",
)


@dataclass
class Block:
    """One unit a reader found, in document order.

    kind: "heading" (a title or numbered heading), "para" (a paragraph) or "row" (a table row, `cells` filled and
    `header` the table's column names when known). `level` orders headings (1 = 一、, 2 = （一）, 3 = 1. …).
    """

    kind: str
    text: str
    page: int | None = None
    locator: str = ""
    level: int = 0
    cells: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)


@dataclass
class Item:
    """A candidate duty item with where it came from (the item JSONL line of DESIGN.md)."""

    doc: str
    file: str
    text: str
    township: str = ""
    page: int | None = None
    locator: str = ""
    section: list[str] = field(default_factory=list)
    detail: str = ""
    lead_dept: str = ""
    coop_depts: list[str] = field(default_factory=list)
    basis: str = ""
    source_label: str | None = None
    flags: list[str] = field(default_factory=list)
    id: str = ""

    def __post_init__(self) -> None:
        if not self.id:
            self.id = item_id(self.doc, self.locator, self.text)

    def to_dict(self) -> dict:
        row = asdict(self)
        return {name: row[name] for name in ITEM_FIELDS}


def normalise(text: str) -> str:
    """Text as compared for identity: NFKC (full-width digits and letters folded), no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes, read in 1 MB chunks: a document's key in the workspace, a model file's
    fingerprint."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def item_id(doc: str, locator: str, text: str) -> str:
    """The stable key of an item: its document, locator and normalised text, so re-extraction adds nothing.

    >>> item_id("ab" * 32, "table 1 row 3", "农村低保 审核") == item_id("ab" * 32, "table 1 row 3", "农村低保审核")
    True
    """
    digest = hashlib.sha256(f"{doc}\x1f{locator}\x1f{normalise(text)}".encode()).hexdigest()
    return digest[:16]


def read_jsonl(
    path: str | Path, required: Iterable[str] = ("id", "text"), skip: Callable[[BadInput], None] | None = None
) -> Iterator[dict]:
    """Yield the JSON objects of a JSONL file; a bad line raises `BadInput` naming the file and line.

    Blank lines are skipped; lines must be objects with the `required` keys (non-empty). With `skip`, a bad line
    is handed to it and reading goes on (a batch keeps its good lines).
    """
    path = Path(path)
    try:
        handle = path.open(encoding="utf-8-sig")
    except OSError as exc:
        raise BadInput(
            f"{path}: 无法打开（{exc.strerror}）。请检查路径。/ cannot open: {exc.strerror}"
        ) from exc
    with handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                yield _parse_line(path, number, line, tuple(required))
            except BadInput as problem:
                if skip is None:
                    raise
                skip(problem)


def _parse_line(path: Path, number: int, line: str, required: tuple[str, ...]) -> dict:
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BadInput(
            f"{path} 第 {number} 行不是合法的 JSON（{exc.msg}）。请修正该行后重试。"
            f" / line {number} is not valid JSON: {exc.msg}"
        ) from exc
    if not isinstance(row, dict):
        raise BadInput(f"{path} 第 {number} 行不是 JSON 对象。/ line {number} is not a JSON object")
    missing = [key for key in required if not str(row.get(key) or "").strip()]
    if missing:
        raise BadInput(
            f"{path} 第 {number} 行缺少字段 {', '.join(missing)}。每行至少需要 {', '.join(required)}。"
            f" / line {number} lacks {', '.join(missing)}"
        )
    return row


def write_jsonl(path: str | Path, rows: Iterable[dict]) -> int:
    """Write rows as UTF-8 JSONL (Chinese kept readable); return how many were written."""
    count = 0
    with Path(path).open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            count += 1
    return count
