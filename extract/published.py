"""Import a township's already published list as its confirmed list (`dutylist lists import FILE --township N`).

A Word, PDF or Excel list is read by the extraction readers and segmenter; each item's label is the list its
section heading names (`source_label`: 基本履职事项 / 配合履职事项 / 上级部门收回事项). An item JSONL (lines with
at least `text` and `label`, e.g. from `dutylist export --format jsonl`) gives the label per line. The document
and its items are stored like extracted ones, and each labelled item is confirmed with a review event of action
"import" by reviewer "import", so the audit trail shows where the label came from.

Items without a label (a table before any list heading, a JSONL line without `label`) are reported, never
guessed. Importing the same file again adds nothing; an item a reviewer relabelled after the import keeps the
reviewer's label.

Example:
    >>> with store.open("workspace/dutylist.db") as conn:  # doctest: +SKIP
    ...     summary = import_list(conn, "东坪镇履行职责事项清单.docx", "东坪镇")
    >>> summary["confirmed"], summary["labels"]  # doctest: +SKIP
    (46, {'basic': 27, 'cooperative': 11, 'returned': 8})
"""

import sqlite3
from pathlib import Path

from dutylist import store
from dutylist.errors import BadInput
from dutylist.items import LABEL_NAMES, LABELS, LIST_NAMES, Item, file_sha256, read_jsonl
from extract import batch, tagger

IMPORT = "import"


def import_list(conn: sqlite3.Connection, path: str | Path, township: str) -> dict:
    """Store the published list at `path` as `township`'s confirmed list; return what happened.

    Returns {"file", "township", "format", "items", "new", "confirmed", "unchanged", "kept", "labels",
    "unlabelled"}: items read, items new to the workspace, newly confirmed, already confirmed with the same
    label, kept with a reviewer's later label, confirmed count per label, and the texts that had no label.
    Raises UnreadableDocument / UnsupportedFormat / BadInput (naming the file) when the list cannot be read.
    """
    path = str(path)
    township = township.strip()
    if not township:
        raise BadInput(f"{path}: 请用 --township 指定清单所属的乡镇（街道）。/ a township name is required")
    digest = file_sha256(path)
    known = store.document(conn, digest)
    if known and known["township"] and known["township"] != township:
        raise BadInput(
            f"{path}: 该文件已作为“{known['township']}”的清单导入，不能再导入为“{township}”。"
            f"请检查 --township。/ already imported for {known['township']!r}"
        )
    doc, items = read_list(path, digest, township)
    new = store.save_document(conn, doc, items)
    summary = {
        "file": path,
        "township": township,
        "format": doc["format"],
        "items": len(items),
        "new": new,
        "confirmed": 0,
        "unchanged": 0,
        "kept": 0,
        "labels": dict.fromkeys(LABELS, 0),
        "unlabelled": [],
    }
    for item in items:
        _confirm(conn, item, summary)
    return summary


def read_list(path: str, digest: str, township: str) -> tuple[dict, list[Item]]:
    """A published list's documents row and items, ready for `store.save_document`: an item JSONL line by line,
    any other file through the extraction readers and segmenter (each item's `source_label` from its list heading).
    Raises UnreadableDocument / UnsupportedFormat / BadInput naming the file."""
    doc = {"sha256": digest, "path": path, "township": township, "status": "ok"}
    if not _is_jsonl(path):
        return doc, batch.read_items(doc)
    doc.update(format="jsonl", pages=None, size=Path(path).stat().st_size)
    return doc, _jsonl_items(path, digest, township)


def _confirm(conn: sqlite3.Connection, item: Item, summary: dict) -> None:
    label = item.source_label
    if label not in LABELS:
        summary["unlabelled"].append(item.text)
        return
    state = store.item_state(conn, item.id)
    events = store.reviews(conn, item.id)
    if state["status"] == "confirmed" and state["final_label"] == label:
        summary["unchanged"] += 1
        summary["labels"][label] += 1
        return
    if events and events[-1]["action"] != IMPORT:
        # A reviewer decided after the import: their decision stands.
        summary["kept"] += 1
        if state["status"] == "confirmed":
            summary["labels"][state["final_label"]] += 1
        return
    store.add_review(conn, item.id, IMPORT, label, reviewer=IMPORT, note=f"导入已公布清单 {summary['file']}")
    summary["confirmed"] += 1
    summary["labels"][label] += 1


def _is_jsonl(path: str) -> bool:
    if Path(path).suffix.lower() in (".jsonl", ".ndjson"):
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(256).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"{")


def _jsonl_items(path: str, digest: str, township: str) -> list[Item]:
    """Items from a JSONL list; `label` may be the English label or the Chinese list name."""
    items = []
    for number, row in enumerate(read_jsonl(path, required=("text",)), 1):
        label = str(row.get("label") or "").strip()
        label = LIST_NAMES.get(label, label)
        if label and label not in LABELS:
            raise BadInput(
                f"{path} 第 {number} 行的 label “{label}” 无法识别：应为 {', '.join(LABELS)} 或"
                f" {'、'.join(LABEL_NAMES.values())}。/ line {number}: unknown label {label!r}"
            )
        lead = tagger.split_names(str(row.get("lead_dept") or ""))
        coop = row.get("coop_depts") or []
        items.append(
            Item(
                doc=digest,
                file=path,
                text=str(row["text"]).strip(),
                township=township,
                page=row.get("page") if isinstance(row.get("page"), int) else None,
                # The line number, not the source's own id: ids are this workspace's keys, and a line copied from
                # another workspace must not collide with an item already stored here.
                locator=f"line {number}",
                section=list(row.get("section") or []),
                detail=str(row.get("detail") or ""),
                lead_dept=lead[0] if lead else "",
                coop_depts=[tagger.canonical(name) for name in coop] if isinstance(coop, list) else [],
                basis=str(row.get("basis") or ""),
                source_label=label or None,
            )
        )
    return items
