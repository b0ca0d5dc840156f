"""Merge the team's corpus parts into `corpus/items.jsonl` with the locked test split.

Reads `corpus/parts/*.jsonl` in file-name order, checks every line (unique id, known label, text present), drops
items whose normalised text repeats an earlier one (keeping the first), adds `split` from the item's `source`
(see `classify.corpus.split_of`) and writes `corpus/test_split.sha256`, the SHA-256 of the sorted test ids.
Running it again on the same parts writes the same bytes.

Example:
    $ .venv/bin/python corpus/build.py
    corpus/items.jsonl: 3312 items (train 2650, test 662); dropped 4 duplicate texts
"""

import sys
from collections import Counter
from pathlib import Path

from classify.corpus import ITEMS_FILE, split_digest, split_of
from dutylist.errors import BadInput, DutylistError
from dutylist.items import LABELS, normalise, read_jsonl, write_jsonl

CORPUS_DIR = Path(__file__).resolve().parent
DIGEST_FILE = "test_split.sha256"
REQUIRED = ("id", "text", "label", "source")


def merge(parts_dir: Path) -> tuple[list[dict], list[str]]:
    """The checked, de-duplicated items of every part with their split, and a note per dropped duplicate."""
    parts = sorted(parts_dir.glob("*.jsonl"))
    if not parts:
        raise BadInput(f"{parts_dir}: 没有 *.jsonl 语料文件。/ no corpus parts found")
    rows: list[dict] = []
    seen_ids: dict[str, str] = {}
    seen_texts: dict[str, dict] = {}
    dropped: list[str] = []
    for part in parts:
        for number, row in enumerate(read_jsonl(part, required=REQUIRED), 1):
            where = f"{part.name} 第 {number} 条（id {row['id']}）"
            if row["label"] not in LABELS:
                raise BadInput(
                    f"{where}: 标签 {row['label']!r} 无效，应为 {', '.join(LABELS)}。/ unknown label {row['label']!r}"
                )
            if row["id"] in seen_ids:
                raise BadInput(
                    f"{where}: id 与 {seen_ids[row['id']]} 重复，请改为唯一 id。/ duplicate id {row['id']}"
                )
            seen_ids[row["id"]] = part.name
            key = normalise(row["text"])
            if key in seen_texts:
                first = seen_texts[key]
                conflict = "，标签不同" if first["label"] != row["label"] else ""
                dropped.append(f"{where} 与 {first['id']} 文本相同{conflict}，已去掉")
                continue
            seen_texts[key] = row
            rows.append({**row, "split": split_of(str(row["source"]))})
    return rows, dropped


def build(corpus_dir: Path = CORPUS_DIR) -> dict:
    """Write items.jsonl and test_split.sha256 under `corpus_dir`; return counts for the summary line."""
    rows, dropped = merge(corpus_dir / "parts")
    write_jsonl(corpus_dir / ITEMS_FILE, rows)
    test_ids = [row["id"] for row in rows if row["split"] == "test"]
    (corpus_dir / DIGEST_FILE).write_text(split_digest(test_ids) + "\n", encoding="utf-8")
    return {
        "items": len(rows),
        "split": dict(Counter(row["split"] for row in rows)),
        "labels": dict(Counter(row["label"] for row in rows)),
        "dropped": dropped,
    }


def main() -> int:
    try:
        summary = build()
    except DutylistError as exc:
        print(f"错误 error: {exc}", file=sys.stderr)
        return 1
    for note in summary["dropped"]:
        print(f"  - {note}", file=sys.stderr)
    split, labels = summary["split"], summary["labels"]
    print(
        f"corpus/{ITEMS_FILE}: {summary['items']} 条 items (train {split.get('train', 0)}, test "
        f"{split.get('test', 0)}); "
        + ", ".join(f"{label} {labels.get(label, 0)}" for label in LABELS)
        + f"; 去重 dropped {len(summary['dropped'])} duplicate texts"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
