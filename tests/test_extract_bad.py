"""Bad input: each broken file is reported with a reason a clerk understands, the batch goes on, and nothing
already in the workspace is lost. Every bad file is generated here in tmp_path."""

import os
import shutil
import zipfile
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from dutylist import store
from extract import batch

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
NOTICE_PDF = SAMPLES / "白沙乡" / "县民政局关于做好农村低收入人口动态监测工作的通知.pdf"
NOTICE_DOCX = SAMPLES / "青石镇" / "县应急管理局关于做好汛期安全防范工作的通知.docx"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _encrypted_pdf(path: Path) -> None:
    page = canvas.Canvas(str(path), encrypt="pw")
    page.drawString(100, 700, "secret duties")
    page.save()


def _image_only_pdf(path: Path) -> None:
    page = canvas.Canvas(str(path))
    for _ in range(3):
        page.rect(100, 100, 300, 500, fill=1)  # a "scan": marks, no text layer
        page.showPage()
    page.save()


def _corrupt_docx(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document><w:body><w:p>未闭合")


BAD_FILES = {
    "empty.pdf": (lambda p: p.write_bytes(b""), "failed", "空"),
    "truncated.pdf": (lambda p: p.write_bytes(NOTICE_PDF.read_bytes()[:3000]), "failed", "损坏或不完整"),
    "encrypted.pdf": (_encrypted_pdf, "failed", "加密"),
    "picture.pdf": (lambda p: p.write_bytes(PNG), "failed", "图片"),
    "random.docx": (
        lambda p: p.write_bytes(os.urandom(4096).replace(b"\x00", b"\x01")),
        "failed",
        "无法识别",
    ),
    "old-word.doc": (
        lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600),
        "failed",
        "旧版",
    ),
    "scan.pdf": (_image_only_pdf, "empty", "OCR"),
    "corrupt.docx": (_corrupt_docx, "failed", "Word 文件已损坏"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_reported_with_reason_and_hint(tmp_path, conn, name):
    write, status, reason = BAD_FILES[name]
    folder = tmp_path / "坏文件镇"
    folder.mkdir()
    write(folder / name)
    summary = batch.run([str(folder)], conn, progress=False)
    assert summary.files_ok == 0
    [(path, error, hint)] = summary.files_failed
    assert path.endswith(name) and reason in error and hint
    [doc] = store.documents(conn)
    assert (doc["status"], doc["error"], doc["hint"], doc["township"]) == (status, error, hint, "坏文件镇")
    assert store.items(conn) == []


def test_unsupported_type_names_the_supported_ones(tmp_path, conn):
    path = tmp_path / "清单.pptx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("ppt/presentation.xml", "<p/>")
    summary = batch.run([str(path)], conn, progress=False)
    [(_, reason, hint)] = summary.files_failed
    assert "PowerPoint" in reason
    assert "PDF" in hint and "Word" in hint and "Excel" in hint


def test_scanned_pdf_is_listed_as_needing_attention_not_silently_empty(tmp_path, conn):
    _image_only_pdf(tmp_path / "scan.pdf")
    summary = batch.run([str(tmp_path / "scan.pdf")], conn, progress=False)
    [(_, reason, hint)] = summary.files_failed
    assert "3 页都没有文字层" in reason and "可能是扫描件，需要 OCR（暂不支持）" in reason
    assert store.documents(conn)[0]["status"] == "empty"


def test_batch_goes_on_and_keeps_what_the_workspace_already_holds(tmp_path, conn):
    before = batch.run([str(NOTICE_PDF)], conn, progress=False)
    kept = {row["id"]: row for row in store.items(conn)}
    assert before.files_ok == 1 and len(kept) == 12

    folder = tmp_path / "青石镇"
    folder.mkdir()
    for name, (write, _, _) in BAD_FILES.items():
        write(folder / name)
    shutil.copy(NOTICE_DOCX, folder / "通知.docx")
    summary = batch.run([str(folder)], conn, progress=False)

    assert summary.files_ok == 1
    assert sorted(Path(path).name for path, _, _ in summary.files_failed) == sorted(BAD_FILES)
    assert summary.items_new == 17
    now = {row["id"]: row for row in store.items(conn)}
    assert len(now) == 12 + 17
    assert all(now[item_id] == row for item_id, row in kept.items())
    statuses = {Path(doc["path"]).name: doc["status"] for doc in store.documents(conn)}
    assert statuses["通知.docx"] == "ok" and statuses["scan.pdf"] == "empty"
    # "empty.pdf" and "picture.pdf" … all stored as failed rows (different bytes, different rows)
    assert sum(status == "failed" for status in statuses.values()) == len(BAD_FILES) - 1


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
    from extract import readers

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


def test_missing_path_is_reported_not_fatal(tmp_path, conn):
    summary = batch.run([str(tmp_path / "没有这个文件.pdf"), str(NOTICE_PDF)], conn, progress=False)
    [(path, reason, _)] = summary.files_failed
    assert "没有这个文件.pdf" in path and "无法读取" in reason
    assert summary.files_ok == 1
