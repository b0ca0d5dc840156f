"""Bad input: each broken file is reported with a reason a clerk understands, the batch goes on, and nothing
already in the workspace is lost. Every bad file is generated here (one folder per module run)."""

import gzip
import os
import shutil
import time
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from reportlab.pdfgen import canvas

from dutylist import store
from extract import batch, legacy, limits, readers

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
NOTICE_PDF = SAMPLES / "白沙乡" / "县民政局关于做好农村低收入人口动态监测工作的通知.pdf"
NOTICE_DOCX = SAMPLES / "青石镇" / "县应急管理局关于做好汛期安全防范工作的通知.docx"
LIST_DOCX = SAMPLES / "青石镇" / "青石镇履行职责事项清单.docx"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _encrypted_pdf(path: Path) -> None:
    page = canvas.Canvas(str(path), encrypt="pw")
    page.drawString(100, 700, "secret duties")
    page.save()


def _drawn_pdf(path: Path) -> None:
    page = canvas.Canvas(str(path))
    for _ in range(3):
        page.rect(100, 100, 300, 500, fill=1)  # marks drawn as vectors, no text and no image to OCR
        page.showPage()
    page.save()


def _blank_pdf(pages: int):
    def write(path: Path) -> None:
        pdf = canvas.Canvas(str(path))
        for _ in range(pages):
            pdf.showPage()
        pdf.save()

    return write


def _corrupt_docx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>未闭合")


def _bomb(part: str):
    """A package whose one member inflates to just over the decompressed-size cap (it compresses ~1000:1)."""

    def write(path: Path) -> None:
        chunk = b"\0" * 2**20
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            with archive.open(part, "w", force_zip64=True) as member:
                for _ in range(limits.MAX_UNZIPPED_BYTES // len(chunk) + 1):
                    member.write(chunk)

    return write


def _empty_docx(path: Path) -> None:
    docx.Document().save(path)


def _empty_xlsx(path: Path) -> None:
    openpyxl.Workbook().save(path)


def _cut(source: Path, fraction: float):
    return lambda path: path.write_bytes(source.read_bytes()[: int(source.stat().st_size * fraction)])


def _pptx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ppt/presentation.xml", "<p/>")


def _odt(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")


# name: (writer, documents.status, words the reason must contain)
BAD_FILES = {
    "empty.pdf": (lambda p: p.write_bytes(b""), "failed", "空"),
    "truncated.pdf": (_cut(NOTICE_PDF, 0.2), "failed", "损坏或不完整"),
    "encrypted.pdf": (_encrypted_pdf, "failed", "加密"),
    "picture.pdf": (lambda p: p.write_bytes(PNG), "failed", "图片"),
    "photo.doc": (lambda p: p.write_bytes(b"\xff\xd8\xff\xe0" + os.urandom(2000)), "failed", "图片"),
    "random.docx": (
        lambda p: p.write_bytes(os.urandom(4096).replace(b"\x00", b"\x01")),
        "failed",
        "无法识别",
    ),
    "old-word.doc": (lambda p: p.write_bytes(OLE + b"\x00" * 600), "failed", "无法转换"),
    "drawn.pdf": (_drawn_pdf, "empty", "没有文字层"),
    "blank-300.pdf": (_blank_pdf(300), "empty", "全部 300 页都没有文字层"),
    "too-many-pages.pdf": (_blank_pdf(limits.MAX_PAGES + 1), "failed", "页数过多"),
    "corrupt.docx": (_corrupt_docx, "failed", "Word 文件已损坏"),
    "truncated.docx": (_cut(LIST_DOCX, 0.5), "failed", "损坏或不完整"),
    "truncated.xlsx": (lambda p: (_empty_xlsx(p), p.write_bytes(p.read_bytes()[:900])), "failed", "损坏"),
    "bomb.docx": (_bomb("word/document.xml"), "failed", "压缩炸弹"),
    "bomb.xlsx": (_bomb("xl/workbook.xml"), "failed", "压缩炸弹"),
    "no-text.docx": (_empty_docx, "empty", "没有文字"),
    "no-rows.xlsx": (_empty_xlsx, "empty", "没有文字"),
    "one-line-5mb.txt": (lambda p: p.write_text("数据" * 2_500_000, encoding="utf-8"), "failed", "没有句号"),
    "binary.txt": (lambda p: p.write_bytes(bytes(range(256)) * 40), "failed", "无法识别"),
    "data.txt": (lambda p: p.write_text('{"id": 1, "text": "巡查"}\n', encoding="utf-8"), "failed", "数据"),
    "archive.docx": (lambda p: p.write_bytes(gzip.compress(b"x" * 100)), "failed", "压缩包"),
    "slides.docx": (_pptx, "failed", "PowerPoint"),
    "writer.odt": (_odt, "failed", "OpenDocument"),
    "letter.rtf": (lambda p: p.write_bytes(b"{\\rtf1\\ansi hello}"), "failed", "RTF"),
}
# Wrong names on good files: read by what their bytes are.
MISNAMED = {
    "page.doc": (
        lambda p: p.write_text(
            "<html><body><nav>首页</nav><p>各乡镇要做好汛期巡查。</p></body></html>", encoding="utf-8"
        ),
        "html",
        1,
    ),
    "notice.xlsx": (lambda p: shutil.copy(NOTICE_PDF, p), "pdf", 12),
    "notice.pdf": (lambda p: shutil.copy(NOTICE_DOCX, p), "docx", 17),
}


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("bad") / "坏文件镇"
    folder.mkdir()
    for name, (write, _, _) in {**BAD_FILES, **MISNAMED}.items():
        write(folder / name)
    return folder


def test_there_are_at_least_twenty_kinds_of_bad_file():
    assert len(BAD_FILES) >= 20


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_reported_with_reason_and_hint(bad_folder, name):
    _, status, reason = BAD_FILES[name]
    result = batch.extract_file(str(bad_folder / name), "坏文件镇")
    assert (result.doc["status"], result.items) == (status, [])
    assert reason in result.doc["error"] and result.doc["hint"]


@pytest.mark.parametrize("name", sorted(MISNAMED))
def test_a_misnamed_file_is_read_by_its_bytes(bad_folder, name):
    _, fmt, count = MISNAMED[name]
    result = batch.extract_file(str(bad_folder / name), "坏文件镇")
    assert (result.doc["status"], result.doc["format"], len(result.items)) == ("ok", fmt, count)


def test_the_whole_bad_folder_completes_and_keeps_the_workspace(bad_folder, tmp_path, conn):
    before = batch.run([str(NOTICE_DOCX)], conn, progress=False)
    kept = {row["id"]: row for row in store.items(conn)}
    assert before.files_ok == 1 and len(kept) == 17
    summary = batch.run([str(bad_folder)], conn, progress=False)
    failed = {Path(path).name: reason for path, reason, _ in summary.files_failed}
    assert set(failed) == set(BAD_FILES)
    assert all(BAD_FILES[name][2] in reason for name, reason in failed.items())
    assert summary.files_ok == 2 and summary.files_skipped == 1  # notice.pdf has the bytes already stored
    now = {row["id"]: row for row in store.items(conn)}
    assert all(now[item_id] == row for item_id, row in kept.items())
    assert len(now) == 17 + 1 + 12
    statuses = {Path(doc["path"]).name: doc["status"] for doc in store.documents(conn)}
    assert {name: statuses[name] for name in BAD_FILES} == {name: spec[1] for name, spec in BAD_FILES.items()}


def test_blank_pages_are_not_sent_to_ocr(bad_folder):
    started = time.perf_counter()
    result = batch.extract_file(str(bad_folder / "blank-300.pdf"))
    assert result.doc["status"] == "empty" and time.perf_counter() - started < 20


def test_a_file_fixed_after_failing_is_extracted_on_the_next_run(tmp_path, conn):
    path = tmp_path / "乡" / "通知.pdf"
    path.parent.mkdir()
    path.write_bytes(NOTICE_PDF.read_bytes()[:3000])
    assert batch.run([str(path)], conn, progress=False).files_failed
    shutil.copy(NOTICE_PDF, path)
    summary = batch.run([str(path)], conn, progress=False)
    assert (summary.files_ok, summary.files_failed, summary.items_new) == (1, [], 12)


def test_a_reader_bug_on_one_file_is_caught_with_its_reason(tmp_path, conn, monkeypatch):
    """Not a dutylist error (a library bug): the file fails with the exception named, the batch goes on."""

    def broken(path):
        raise RuntimeError("parser exploded")
        yield

    monkeypatch.setitem(readers.READERS, "text", broken)
    folder = tmp_path / "乡"
    folder.mkdir()
    (folder / "a.txt").write_text("各乡镇要做好巡查。", encoding="utf-8")
    shutil.copy(NOTICE_DOCX, folder / "b.docx")
    summary = batch.run([str(folder)], conn, progress=False)
    [(path, reason, hint)] = summary.files_failed
    assert path.endswith("a.txt") and "RuntimeError: parser exploded" in reason and hint
    assert summary.files_ok == 1 and summary.items_new == 17


def test_a_file_that_hangs_times_out_and_the_batch_goes_on(tmp_path, conn, monkeypatch):
    """A reader stuck in a library (here: sleeping) is stopped by the per-file deadline."""

    def stuck(path):
        time.sleep(30)
        yield

    monkeypatch.setitem(readers.READERS, "text", stuck)
    monkeypatch.setattr(limits, "SECONDS_PER_FILE", 1)
    folder = tmp_path / "乡"
    folder.mkdir()
    (folder / "a.txt").write_text("各乡镇要做好巡查。", encoding="utf-8")
    shutil.copy(NOTICE_DOCX, folder / "b.docx")
    started = time.perf_counter()
    summary = batch.run([str(folder)], conn, progress=False)
    assert time.perf_counter() - started < 15
    [(path, reason, hint)] = summary.files_failed
    assert path.endswith("a.txt") and "超时" in reason and "拆分" in hint
    assert summary.files_ok == 1


def test_legacy_word_without_libreoffice_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    path = tmp_path / "通知.doc"
    path.write_bytes(OLE + b"\x00" * 600)
    result = batch.extract_file(str(path))
    assert result.doc["status"] == "failed"
    assert "未安装 LibreOffice" in result.doc["error"] and "apt-get install" in result.doc["hint"]


def test_libreoffice_conversion_times_out_with_a_clear_message(tmp_path, monkeypatch):
    monkeypatch.setattr(legacy, "CONVERT_SECONDS", 0.05)
    shutil.copy(Path(__file__).parent / "docs" / "通知_WPS.wps", tmp_path / "通知.wps")
    result = batch.extract_file(str(tmp_path / "通知.wps"))
    assert result.doc["status"] == "failed" and "转换超时" in result.doc["error"]


def test_missing_path_is_reported_not_fatal(tmp_path, conn):
    summary = batch.run([str(tmp_path / "没有这个文件.pdf"), str(NOTICE_PDF)], conn, progress=False)
    [(path, reason, _)] = summary.files_failed
    assert "没有这个文件.pdf" in path and "无法读取" in reason
    assert summary.files_ok == 1
