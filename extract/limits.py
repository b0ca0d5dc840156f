"""Limits that keep one hostile or huge file from stalling a batch: time, decompressed size, pages.

Each limit gives the user a reason and what to do, never a hang or a crash.

>>> with deadline(5, "a.pdf"):
...     1 + 1
2
"""

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from extract.problems import Unreadable

SECONDS_PER_FILE = 300
# Sum of the uncompressed sizes of a .docx/.xlsx package: real documents are far below this, zip bombs far above.
MAX_UNZIPPED_BYTES = 256 * 2**20
MAX_PAGES = 2000
# A text or web page file larger than this is not a document a township hands over.
MAX_TEXT_BYTES = 20 * 2**20
# Scanned pages OCR'd per document (about 1 s each); the rest are listed as needing attention.
MAX_OCR_PAGES = 60


class TimedOut(Unreadable):
    """Reading one file took longer than SECONDS_PER_FILE."""


@contextmanager
def deadline(seconds: int, path: str | Path) -> Iterator[None]:
    """Raise TimedOut inside the block after `seconds` (SIGALRM: only in a process's main thread, which is where
    joblib's loky workers and a one-process batch run files; elsewhere the block runs without a deadline)."""
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise TimedOut(
            path,
            f"读取超时（超过 {seconds} 秒）",
            "文件可能过大或结构异常：请拆分文件或另存一份再试",
            f"timed out after {seconds} s",
        )

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def too_many_pages(path: str | Path, pages: int) -> Unreadable:
    """The error for a document over MAX_PAGES pages."""
    return Unreadable(
        path,
        f"页数过多（{pages} 页，上限 {MAX_PAGES} 页）",
        "请把文件拆分成较小的几份再抽取",
        f"too many pages: {pages} > {MAX_PAGES}",
    )


def too_large(path: str | Path, size: int, limit: int, what: str) -> Unreadable:
    """The error for a file whose (decompressed) size is over `limit` bytes."""
    return Unreadable(
        path,
        f"{what}过大（{size / 2**20:.0f} MB，上限 {limit / 2**20:.0f} MB），可能是异常文件或压缩炸弹",
        "请确认文件来源；如确为清单，请拆分后再抽取",
        f"too large: {size} bytes > {limit}",
    )
