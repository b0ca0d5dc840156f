"""Extraction on the generated test documents (tests/docs): legacy Word and WPS through LibreOffice, a scanned
notice through OCR, a notice whose text layer doubles every character, a GBK CSV list.

Each document is checked for recall and precision against tests/docs/expected.jsonl and for the flags that tell
a reviewer how its text was obtained."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dutylist.items import normalise
from extract import batch, ocr

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "tests" / "docs"
RECALL_FLOOR, PRECISION_FLOOR = 0.98, 0.95


def expected() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for line in (DOCS / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows.setdefault(row["file"], []).append(row)
    return rows


EXPECTED = expected()
FLAGS = {
    "tests/docs/清单_旧版.doc": "converted",
    "tests/docs/通知_WPS.wps": "converted",
    "tests/docs/通知_扫描件.pdf": "ocr",
    "tests/docs/通知_重影.pdf": "garbled",
    "tests/docs/清单_GBK.csv": None,
    "tests/docs/清单_无框线.pdf": None,
    "tests/docs/通知_两栏.pdf": None,
}


@pytest.fixture(scope="module")
def extracted() -> dict:
    return {file: batch.extract_file(str(ROOT / file), "青石镇") for file in EXPECTED}


def test_every_document_has_expected_items_and_a_known_kind():
    assert set(EXPECTED) == set(FLAGS)
    made = {f"tests/docs/{path.name}" for path in DOCS.iterdir() if path.suffix not in (".py", ".jsonl")}
    assert made == set(EXPECTED)


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_recall_and_precision(file, extracted):
    result = extracted[file]
    assert result.doc["status"] == "ok", result.doc["error"]
    found = {normalise(item.text) for item in result.items}
    wanted = {normalise(row["text"]) for row in EXPECTED[file]}
    assert len(found & wanted) / len(wanted) >= RECALL_FLOOR, sorted(wanted - found)
    assert len(found & wanted) / len(found) >= PRECISION_FLOOR, sorted(found - wanted)


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_items_say_how_their_text_was_obtained(file, extracted):
    flag = FLAGS[file]
    assert {tuple(item.flags) for item in extracted[file].items} == {(flag,) if flag else ()}


def test_scanned_pages_are_ocrd_once_with_page_numbers_and_a_note(extracted):
    result = extracted["tests/docs/通知_扫描件.pdf"]
    assert result.doc["format"] == "pdf" and result.doc["pages"] == 2
    assert {item.page for item in result.items} == {1, 2}
    assert "OCR" in result.doc["hint"] and "核对" in result.doc["hint"]
    assert ocr._engine.cache_info().currsize == 1  # the engine is loaded once per process
    by_text = {normalise(item.text): item for item in result.items}
    wanted = {normalise(row["text"]): row for row in EXPECTED["tests/docs/通知_扫描件.pdf"]}
    leads = [by_text[text].lead_dept == row["lead_dept"] for text, row in wanted.items() if text in by_text]
    assert sum(leads) / len(leads) >= 0.9


def test_legacy_list_keeps_its_sections_and_labels(extracted):
    items = extracted["tests/docs/清单_旧版.doc"].items
    assert {item.source_label for item in items} == {"basic", "cooperative", "returned"}
    assert all(len(item.section) >= 2 for item in items)


def test_garbled_text_detection():
    assert ocr.garbled("(cid:12)(cid:7)(cid:99)(cid:3)各乡")
    assert ocr.garbled("\ue001\ue002\ue003\ue004各乡镇")
    assert ocr.garbled("各各乡乡镇镇要要做做好好巡巡查查")
    assert not ocr.garbled("各乡镇要做好巡查，县县通公路。")
    assert not ocr.garbled("")


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare (util-linux)")
def test_ocr_works_with_the_network_off(tmp_path):
    """The OCR models ship in the wheel: a process without any network still reads a scanned page."""
    import pypdfium2

    page_one = pypdfium2.PdfDocument.new()
    page_one.import_pages(pypdfium2.PdfDocument(str(DOCS / "通知_扫描件.pdf")), [0])
    page_one.save(str(tmp_path / "scan.pdf"))
    probe = (
        "import json, socket, sys\n"
        "from extract.batch import extract_file\n"
        "try:\n"
        "    socket.create_connection(('pypi.org', 443), timeout=2)\n"
        "    sys.exit('network is up')\n"
        "except OSError:\n"
        "    pass\n"
        "items = extract_file(sys.argv[1]).items\n"
        "print(json.dumps([[item.text, item.flags] for item in items], ensure_ascii=False))\n"
    )
    command = ["unshare", "-rn", sys.executable, "-c", probe, str(tmp_path / "scan.pdf")]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    if done.returncode and "unshare" in done.stderr:
        pytest.skip(f"no network namespace here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    wanted = {normalise(row["text"]) for row in EXPECTED["tests/docs/通知_扫描件.pdf"]}
    assert len(items) >= 5 and all(flags == ["ocr"] for _, flags in items)
    assert {normalise(text) for text, _ in items} <= wanted


CALC = Path("/usr/lib/libreoffice/program/libsclo.so")


@pytest.mark.skipif(not CALC.exists() and not os.environ.get("CI"), reason="needs libreoffice-calc-nogui")
def test_legacy_excel_list_is_converted_and_keeps_its_list_label(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "配合履职事项"
    sheet.append(["序号", "事项名称", "具体内容", "牵头部门"])
    sheet.append([1, "农村低收入人口动态监测", "摸排辖区困难群众并报送县民政局", "县民政局"])
    sheet.append([2, "森林防火巡查", "配合县林业局开展野外火源巡查", "县林业局"])
    book.save(tmp_path / "清单.xlsx")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xls",
            "--outdir",
            str(tmp_path / "out"),
            str(tmp_path / "清单.xlsx"),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    legacy = tmp_path / "out" / "清单.xls"
    assert legacy.read_bytes()[:4] == b"\xd0\xcf\x11\xe0", "LibreOffice should write an OLE .xls"
    result = batch.extract_file(str(legacy), "青石镇")
    assert result.doc["status"] == "ok", result.doc["error"]
    assert [item.text for item in result.items] == ["农村低收入人口动态监测", "森林防火巡查"]
    assert {item.source_label for item in result.items} == {"cooperative"}
    assert all("converted" in item.flags for item in result.items)
    assert result.items[0].lead_dept == "县民政局"
