"""Batch extraction: walk folders, skip unchanged files, extract the rest in parallel, store each file as it arrives.

Workers (joblib: loky processes, or a Dask cluster through joblib's dask backend) read and segment files; the
parent process alone writes the workspace, one transaction per file, so an interrupted batch loses at most the
files in flight and a rerun finishes the rest. A file that cannot be read becomes a `failed` documents row with a
reason and a hint, and the batch goes on.

Example:
    >>> with store.open("workspace/dutylist.db") as conn:  # doctest: +SKIP
    ...     summary = run(["samples/青石镇"], conn, jobs=2)
    >>> summary.files_ok, summary.items_new  # doctest: +SKIP
    (2, 61)
"""

import csv
import hashlib
import os
import sqlite3
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import joblib
from tqdm import tqdm

from dutylist import store
from dutylist.errors import DutylistError
from dutylist.items import Item, file_sha256
from extract import limits, readers, segment
from extract.problems import NoText

FAILURE_COLUMNS = ("文件 file", "原因 reason", "处理建议 what to do")
_GENERIC_HINT = "文件可能已损坏：请用 Word/WPS/PDF 阅读器打开后另存一份再试；仍不行请把文件交给技术支持"


@dataclass
class FileResult:
    """One file's outcome: its documents row (status ok / empty / failed) and its items."""

    doc: dict
    items: list[Item] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class Summary:
    """What a batch did. `items_found` counts the items of every given file (unchanged ones too)."""

    files_ok: int = 0
    files_skipped: int = 0
    files_failed: list[tuple[str, str, str]] = field(default_factory=list)
    items_found: int = 0
    items_new: int = 0
    item_ids: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)


def run(
    paths: Iterable[str | Path],
    conn: sqlite3.Connection,
    township: str | None = None,
    jobs: int = 1,
    backend: str = "loky",
    scheduler: str | None = None,
    progress: bool = True,
) -> Summary:
    """Extract every document under `paths` (files or folders) into the workspace `conn`.

    township: the township of every file; default, the name of the folder given (for a file given directly,
    its folder's name). Files whose SHA-256 is already stored with status ok are skipped.
    """
    summary = Summary()
    todo: list[tuple[str, str, str]] = []
    seen: set[str] = set()
    unchanged: set[str] = set()
    for path, default_township in walk(paths):
        try:
            digest = file_sha256(path)
        except OSError as exc:
            summary.files_failed.append(
                (path, f"无法读取文件（{exc.strerror}）", "请检查文件是否存在、是否有读取权限")
            )
            continue
        if digest in seen:
            summary.files_skipped += 1
            continue
        seen.add(digest)
        known = store.document(conn, digest)
        if known and known["status"] == "ok":
            summary.files_skipped += 1
            unchanged.add(digest)
            continue
        todo.append((path, township or default_township, digest))
    if unchanged:
        summary.item_ids.extend(row["id"] for row in store.items(conn, docs=unchanged))
    with tqdm(total=len(todo), file=sys.stderr, disable=not progress, unit="file", desc="extract") as bar:
        for result in _results(todo, jobs, backend, scheduler):
            doc = result.doc
            summary.items_new += store.save_document(conn, doc, result.items)
            summary.item_ids.extend(item.id for item in result.items)
            summary.seconds[doc["path"]] = result.seconds
            if doc["status"] == "ok":
                summary.files_ok += 1
            else:
                summary.files_failed.append((doc["path"], doc["error"], doc["hint"]))
            bar.update()
    summary.items_found = len(summary.item_ids)
    return summary


def extract_file(path: str, township: str = "", digest: str | None = None) -> FileResult:
    """Read one file into a documents row and its items; never raises for a bad document.

    >>> result = extract_file("samples/青石镇/青石镇履行职责事项清单.docx", "青石镇")  # doctest: +SKIP
    >>> result.doc["status"], len(result.items)  # doctest: +SKIP
    ('ok', 44)
    """
    started = time.perf_counter()
    doc = {"path": path, "township": township, "status": "ok", "error": None, "hint": None, "format": None}
    try:
        doc["sha256"] = digest or file_sha256(path)
        items = read_items(doc)
    except DutylistError as exc:
        doc.update(status="empty" if isinstance(exc, NoText) else "failed")
        doc.update(error=getattr(exc, "reason", str(exc)), hint=getattr(exc, "hint", _GENERIC_HINT))
        items = []
    except Exception as exc:  # noqa: BLE001 - any bug or library error on one file must not stop the batch
        doc.update(status="failed", error=f"读取时出错（{type(exc).__name__}: {exc}）", hint=_GENERIC_HINT)
        items = []
    # A file that could not even be hashed is keyed by its path, so its failure is still recorded once.
    doc.setdefault("sha256", hashlib.sha256(path.encode()).hexdigest())
    return FileResult(doc, items, time.perf_counter() - started)


def write_failures(summary: Summary, path: str | Path) -> int:
    """Write the files that failed or need attention as CSV (file, reason, what to do); return how many.

    UTF-8 with a BOM, so Excel opens the Chinese text as it is. The file is written even when nothing failed (a
    header only), so a report never describes an older run.

    >>> write_failures(Summary(files_failed=[("a.pdf", "PDF 文件已加密", "请提供未加密版本")]), "f.csv")  # doctest: +SKIP
    1
    """
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(FAILURE_COLUMNS)
        writer.writerows(summary.files_failed)
    return len(summary.files_failed)


def read_items(doc: dict) -> list[Item]:
    """The items of the file `doc["path"]` (keyed by `doc["sha256"]`, for `doc["township"]`), read within the
    per-file deadline; fills in the row's size, format, pages and hint (pages that needed OCR or gave no text).
    Raises the DutylistError of a bad file; the row keeps what was learnt before it failed."""
    path = doc["path"]
    doc["size"] = Path(path).stat().st_size
    with limits.deadline(limits.SECONDS_PER_FILE, path):
        document = readers.read_document(Path(path))
        doc.update(format=document.format, pages=document.pages)
        items = segment.segment(document.blocks, doc["sha256"], path, doc["township"])
    notes = []
    if document.ocr_pages:
        notes.append(f"第 {_pages(document.ocr_pages)} 页是扫描页，已用 OCR 识别（事项标记 ocr），请核对文字")
    if document.empty_pages:
        notes.append(f"第 {_pages(document.empty_pages)} 页没有识别出文字，这些页未抽取；需要时请提供文字版")
    doc["hint"] = "；".join(notes) or None
    return items


def walk(paths: Iterable[str | Path]) -> Iterator[tuple[str, str]]:
    """(file path as given, default township) for every file under `paths`, in sorted order.

    Hidden files and folders and Office lock files (~$*) are skipped; symbolic links to folders are followed
    once (a link back to a folder already walked is not).
    """
    for given in paths:
        given = str(given)
        root = Path(given)
        if not root.is_dir():
            yield given, _folder_name(root.parent)
            continue
        township = _folder_name(root)
        visited: set[tuple[int, int]] = set()
        for folder, dirs, files in os.walk(given, followlinks=True):
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in visited:
                dirs[:] = []
                continue
            visited.add((info.st_dev, info.st_ino))
            dirs[:] = sorted(name for name in dirs if not name.startswith("."))
            for name in sorted(files):
                if not name.startswith((".", "~$")):
                    yield os.path.join(folder, name), township


def _pages(numbers: list[int]) -> str:
    shown = "、".join(str(page) for page in numbers[:10])
    return shown + (f" 等 {len(numbers)} " if len(numbers) > 10 else "")


def _folder_name(folder: Path) -> str:
    return folder.resolve().name


def _results(
    todo: list[tuple[str, str, str]], jobs: int, backend: str, scheduler: str | None
) -> Iterator[FileResult]:
    if not todo:
        return
    tasks = (joblib.delayed(extract_file)(path, township, digest) for path, township, digest in todo)
    if backend == "dask":
        try:
            from dask.distributed import Client
        except ImportError as exc:
            raise DutylistError(
                '使用 --backend dask 需要先安装 Dask：pip install "dask[distributed]"'
                ' / the dask backend needs: pip install "dask[distributed]"'
            ) from exc
        with Client(scheduler) as _client, joblib.parallel_config(backend="dask"):
            yield from joblib.Parallel(n_jobs=-1, return_as="generator_unordered")(tasks)
        return
    if backend != "loky":
        raise DutylistError(
            f"未知的并行方式 {backend!r}：可选 loky 或 dask / unknown backend; use loky or dask"
        )
    if jobs == 1 or len(todo) == 1:
        yield from (extract_file(path, township, digest) for path, township, digest in todo)
        return
    yield from joblib.Parallel(n_jobs=jobs, backend="loky", return_as="generator_unordered")(tasks)
