"""The labelled corpus (`corpus/items.jsonl`, built by `corpus/build.py`), its locked test split, and the items
written independently of it (`corpus/independent/*.jsonl`).

An item's split depends only on its `source` (the group key shared by variants of one duty), so variants of a
duty never straddle the split and adding items later never moves an existing item to the other side. The
independent items were written by people who never saw the corpus; they are only ever scored, never trained on,
so they show how the model does on wording that is not ours.

Example:
    >>> train_rows = load("train")  # doctest: +SKIP
    >>> {row["split"] for row in train_rows}  # doctest: +SKIP
    {'train'}
"""

import hashlib
from pathlib import Path

from dutylist import config
from dutylist.errors import BadInput
from dutylist.items import LABELS, read_jsonl

ITEMS_FILE = "items.jsonl"
INDEPENDENT_DIR = "independent"
SPLITS = ("train", "test")


def split_of(source: str) -> str:
    """ "test" for one source in five (by SHA-256 of the source key), else "train".

    >>> split_of("A-g0001") in ("train", "test")
    True
    """
    return "test" if int(hashlib.sha256(source.encode("utf-8")).hexdigest()[:8], 16) % 5 == 0 else "train"


def split_digest(ids: list[str]) -> str:
    """SHA-256 of the sorted test ids, one per line: the fingerprint of the locked test split."""
    return hashlib.sha256("\n".join(sorted(ids)).encode("utf-8")).hexdigest()


def load(split: str = "train", corpus_dir: str | Path | None = None) -> list[dict]:
    """The corpus items of one split ("train" or "test"), in file order.

    Raises `BadInput` if `corpus/items.jsonl` is missing (run `python corpus/build.py`) or a line is broken.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
    path = Path(corpus_dir or config.get("corpus")) / ITEMS_FILE
    if not path.exists():
        raise BadInput(
            f"{path}: 语料文件不存在。请先运行 python corpus/build.py 合并 corpus/parts/*.jsonl。"
            f" / corpus file missing: run python corpus/build.py first"
        )
    return [
        row for row in read_jsonl(path, required=("id", "text", "label", "split")) if row["split"] == split
    ]


def load_independent(corpus_dir: str | Path | None = None) -> list[dict]:
    """The independently written items of every `corpus/independent/*.jsonl`, each with `set` (the file stem).

    [] when the folder does not exist. Raises `BadInput` naming the file and line of a broken line or an unknown
    label.
    """
    folder = Path(corpus_dir or config.get("corpus")) / INDEPENDENT_DIR
    rows: list[dict] = []
    for path in sorted(folder.glob("*.jsonl")):
        for number, row in enumerate(read_jsonl(path, required=("id", "text", "label")), 1):
            if row["label"] not in LABELS:
                raise BadInput(
                    f"{path} 第 {number} 条（id {row['id']}）: 标签 {row['label']!r} 无效，应为 {', '.join(LABELS)}。"
                    f" / unknown label {row['label']!r}"
                )
            rows.append({**row, "set": path.stem})
    return rows
