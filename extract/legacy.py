"""Legacy Office files (.doc, .wps, .xls: OLE compound files) converted with LibreOffice headless, then read as
.docx/.xlsx. Every block from a converted file carries the flag `converted`.

Each conversion gets its own LibreOffice profile (parallel conversions sharing one block each other) and a
timeout; a missing LibreOffice is reported with how to install it.

Example:
    >>> blocks = list(read(Path("通知.doc")))  # doctest: +SKIP
"""

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from dutylist.items import Block
from extract import sheet, word
from extract.problems import Unreadable, Unsupported

CONVERT_SECONDS = 120
_WORKBOOK = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


def read(path: Path) -> Iterator[Block]:
    """Convert an OLE Word/WPS/Excel file to .docx/.xlsx and yield that file's blocks, flagged `converted`."""
    target = "xlsx" if _is_workbook(path) else "docx"
    with tempfile.TemporaryDirectory(prefix="dutylist-lo-") as tmp:
        converted = convert(path, target, Path(tmp))
        reader = sheet.read if target == "xlsx" else word.read
        for block in reader(converted):
            block.flags.append("converted")
            yield block


def convert(path: Path, target: str, outdir: Path) -> Path:
    """Convert `path` to `target` ("docx", "xlsx") in `outdir` with LibreOffice; return the new file.

    LibreOffice is killed after CONVERT_SECONDS.
    """
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise Unsupported(
            path,
            "这是旧版 Word/WPS/Excel 文件，需要 LibreOffice 转换，但本机未安装 LibreOffice",
            "请安装 LibreOffice（apt-get install libreoffice-writer-nogui libreoffice-calc-nogui），"
            "或用 Word/WPS 另存为 .docx/.xlsx",
            "LibreOffice (soffice) is missing",
        )
    # A plain copy name: LibreOffice names its output after the input and chokes on odd extensions.
    source = (
        outdir / f"source{path.suffix.lower() if path.suffix.lower() in ('.doc', '.wps', '.xls') else ''}"
    )
    shutil.copyfile(path, source)
    command = [
        soffice,
        f"-env:UserInstallation={(outdir / 'profile').as_uri()}",
        "--headless",
        "--norestore",
        "--convert-to",
        target,
        "--outdir",
        str(outdir / "out"),
        str(source),
    ]
    # Its own process group: soffice starts soffice.bin, and a timeout must stop both.
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    try:
        process.wait(timeout=CONVERT_SECONDS)
    except subprocess.TimeoutExpired as exc:
        raise Unreadable(
            path,
            f"LibreOffice 转换超时（超过 {CONVERT_SECONDS} 秒）",
            "请用 Word/WPS 打开后另存为 .docx/.xlsx 再试",
            "LibreOffice conversion timed out",
        ) from exc
    finally:
        if process.poll() is None:  # timed out here, or the whole file's deadline struck
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    converted = outdir / "out" / f"{source.stem}.{target}"
    if not converted.exists() or converted.stat().st_size == 0:
        hint = "请用 Word/WPS/Excel 打开后另存为 .docx/.xlsx 再试"
        if target == "xlsx":
            hint += "；转换 .xls 需要 LibreOffice Calc（apt-get install libreoffice-calc-nogui）"
        raise Unreadable(
            path,
            "旧版 Office 文件无法转换（可能已损坏或不是 Word/WPS/Excel 文件）",
            hint,
            "LibreOffice could not convert the file",
        )
    return converted


def _is_workbook(path: Path) -> bool:
    # The OLE directory names its streams in UTF-16: a workbook has "Workbook" (or "Book" before Excel 97).
    with path.open("rb") as handle:
        data = handle.read(8 * 2**20)
    return "WordDocument".encode("utf-16-le") not in data and any(name in data for name in _WORKBOOK)
