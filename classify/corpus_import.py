"""Turn another township's published list into labelled training items (`dutylist corpus import LIST`).

A county collects dozens of published lists of other townships; their items, worded by other writers, are the
breadth of wording the classifier needs. The list is read as `dutylist lists import` reads it
(`extract.published.read_list`) and stored as a document of the workspace; each item the list puts under one of the
three list headings (`source_label`) gets a proposal of that label from the pseudo-model `SOURCE_MODEL`, never
auto-accepted. A reviewer confirms (or corrects) it in the app, and from then on `make train` learns from it
through `store.reviewed_labels`.

How this differs from `lists import` (extract/published.py): that command loads a township's *own* list as its
confirmed list, used at once by the admission check and the comparison; this one only proposes, because another
county's catalogue may label the same duty differently, and a reviewer must agree before it becomes training data.

Example:
    >>> with store.open("workspace/dutylist.db") as conn:  # doctest: +SKIP
    ...     summary = import_corpus_list(conn, "东坪镇履行职责事项清单.docx")
    >>> summary["township"], summary["proposed"], summary["labels"]  # doctest: +SKIP
    ('东坪镇', 46, {'basic': 27, 'cooperative': 11, 'returned': 8})
"""

import re
import sqlite3
from pathlib import Path

from dutylist import store
from dutylist.items import LABEL_NAMES, LABELS, file_sha256
from extract import published

SOURCE_MODEL = "source-label"
# The township a file name starts with: "东坪镇履行职责事项清单.docx" -> 东坪镇.
_TOWNSHIP = re.compile(r"^(.+?(?:街道|镇|乡))")


def township_from_name(path: str | Path) -> str:
    """The township a list's file name names, else the file name without its suffix.

    >>> township_from_name("lists/东坪镇履行职责事项清单.docx"), township_from_name("清单2024.xlsx")
    ('东坪镇', '清单2024')
    """
    stem = Path(path).stem.strip()
    match = _TOWNSHIP.match(stem)
    return match.group(1) if match else stem


def import_corpus_list(conn: sqlite3.Connection, path: str | Path, township: str | None = None) -> dict:
    """Store the published list at `path` with a proposal from each item's list heading; return what happened.

    Returns {"file", "township", "format", "items", "new", "proposed", "labels", "unlabelled"}: items read, items
    new to the workspace, proposals added now (an item proposed by an earlier import is not proposed again, so
    importing twice adds nothing and never hides a later model proposal), proposals per label, and the texts under
    no list heading (left for the model's own proposal). Raises UnreadableDocument / UnsupportedFormat (naming the
    file) when the list cannot be read.
    """
    path = str(path)
    township = (township or "").strip() or township_from_name(path)
    doc, items = published.read_list(path, file_sha256(path), township)
    new = store.save_document(conn, doc, items)
    store.add_model(
        conn, SOURCE_MODEL, "", "", {"note": "清单标题给出的归属 / label from the list's heading"}
    )
    waiting = {row["id"] for row in store.items_without_proposal(conn, SOURCE_MODEL)}
    labelled = [item for item in items if item.source_label in LABELS]
    proposals = [_proposal(item.id, item.source_label) for item in labelled if item.id in waiting]
    store.add_proposals(conn, SOURCE_MODEL, proposals)
    labels = dict.fromkeys(LABELS, 0)
    for proposal in proposals:
        labels[proposal["label"]] += 1
    return {
        "file": path,
        "township": township,
        "format": doc["format"],
        "items": len(items),
        "new": new,
        "proposed": len(proposals),
        "labels": labels,
        "unlabelled": [item.text for item in items if item.source_label not in LABELS],
    }


def _proposal(item_id: str, label: str) -> dict:
    return {
        "item_id": item_id,
        "label": label,
        "confidence": 1.0,
        "probs": {name: float(name == label) for name in LABELS},
        "evidence": [f"清单标题：{LABEL_NAMES[label]}"],
        "auto_accept": False,
    }
