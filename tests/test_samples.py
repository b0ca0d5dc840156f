"""The bundled samples: every item a person expects is found (recall 1.0), little else (precision >= 0.95), with
its section, list, lead department and page right. Expected items come from samples/expected.jsonl, which
samples/make_samples.py writes from the same text that built the documents."""

import importlib.util
import json
import re
from collections import defaultdict
from pathlib import Path

import pdfplumber
import pytest

from dutylist.items import normalise
from extract import batch

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
RECALL_FLOOR = 1.0
PRECISION_FLOOR = 0.95
FIELD_FLOOR = 0.98  # share of found items whose section / lead_dept / detail match


def expected() -> dict[str, list[dict]]:
    rows = defaultdict(list)
    for line in (SAMPLES / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        rows[row["file"]].append(row)
    return dict(rows)


EXPECTED = expected()


@pytest.fixture(scope="module")
def extracted() -> dict:
    return {file: batch.extract_file(str(ROOT / file), Path(file).parent.name) for file in EXPECTED}


SCANNED = "samples/白沙乡/扫描件_村规民约备案表.pdf"


def test_every_sample_file_has_expected_items():
    files = {str(path.relative_to(ROOT)) for path in SAMPLES.rglob("*") if path.suffix in (".pdf", ".docx")}
    assert files - {SCANNED} == set(EXPECTED)
    assert {Path(file).suffix for file in files} == {".pdf", ".docx"}


def test_the_scanned_sample_is_reported_as_needing_ocr():
    result = batch.extract_file(str(ROOT / SCANNED), "白沙乡")
    assert result.doc["status"] == "empty" and result.items == []
    assert "扫描件" in result.doc["error"] and result.doc["hint"]


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_recall_and_precision(file, extracted):
    result = extracted[file]
    assert result.doc["status"] == "ok", result.doc["error"]
    found = {normalise(item.text) for item in result.items}
    wanted = {normalise(row["text"]) for row in EXPECTED[file]}
    recall = len(found & wanted) / len(wanted)
    precision = len(found & wanted) / len(found)
    assert recall >= RECALL_FLOOR, sorted(wanted - found)
    assert precision >= PRECISION_FLOOR, sorted(found - wanted)


@pytest.mark.parametrize("file", sorted(EXPECTED))
def test_section_list_lead_and_detail(file, extracted):
    found = {normalise(item.text): item for item in extracted[file].items}
    rows = [row for row in EXPECTED[file] if normalise(row["text"]) in found]
    for field in ("section", "lead_dept", "detail"):
        same = [
            row
            for row in rows
            if normalise(str(getattr(found[normalise(row["text"])], field))) == normalise(str(row[field]))
        ]
        assert len(same) / len(rows) >= FIELD_FLOOR, field
    assert all(found[normalise(row["text"])].source_label == row["source_label"] for row in rows)


def test_labels_and_normalised_departments_of_the_township_lists(extracted):
    items = extracted["samples/白沙乡/白沙乡履行职责事项清单.pdf"].items
    by_text = {item.text: item for item in items}
    counts = {
        label: sum(item.source_label == label for item in items)
        for label in ("basic", "cooperative", "returned")
    }
    assert counts == {"basic": 27, "cooperative": 12, "returned": 6}
    assert by_text["重大动物疫病防控"].lead_dept == "县农业农村局"  # written 县农业局
    assert by_text["信访事项受理办理"].lead_dept == "党政综合办公室"  # written 党政办
    assert by_text["农村食品安全监管"].basis == "《中华人民共和国食品安全法》第六条"
    assert by_text["农村食品安全监管"].coop_depts == ["经济发展办公室"]


def test_pdf_pages_and_locators_point_at_the_item(extracted):
    for file in (
        "samples/白沙乡/白沙乡履行职责事项清单.pdf",
        "samples/白沙乡/县民政局关于做好农村低收入人口动态监测工作的通知.pdf",
    ):
        with pdfplumber.open(ROOT / file) as pdf:
            # A page's running text and, since wrapped cells interleave there, each table cell on its own.
            pages = [
                "\x1f".join(
                    [normalise(page.extract_text())]
                    + [
                        normalise(cell or "")
                        for table in page.extract_tables()
                        for row in table
                        for cell in row
                    ]
                )
                for page in pdf.pages
            ]
        for item in extracted[file].items:
            assert re.fullmatch(r"table \d+ row \d+|para \d+", item.locator)
            assert normalise(item.text) in pages[item.page - 1], (item.text, item.page)
    docx_items = extracted["samples/青石镇/青石镇履行职责事项清单.docx"].items
    assert all(item.page is None for item in docx_items)
    assert docx_items[0].locator == "table 1 row 3"  # header row 1, category row 2


def test_page_headers_and_numbers_are_not_items(extracted):
    texts = [item.text for result in extracted.values() for item in result.items]
    assert not [text for text in texts if re.search(r"第\s*\d+\s*页|^-\s*\d+\s*-$|履行职责事项清单$", text)]


def test_expected_file_is_what_the_generator_writes():
    """expected.jsonl is regenerated with the documents; a stale one would test the wrong thing."""
    spec = importlib.util.spec_from_file_location("make_samples", SAMPLES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rows = (
        module.expected_list("samples/青石镇/青石镇履行职责事项清单.docx", "青石镇")
        + module.expected_list("samples/白沙乡/白沙乡履行职责事项清单.pdf", "白沙乡")
        + module.expected_notice(module.FLOOD)
        + module.expected_notice(module.MONITORING)
    )
    assert rows == [row for file in EXPECTED for row in EXPECTED[file]]


def test_committed_samples_are_small():
    assert all(path.stat().st_size < 200_000 for path in SAMPLES.rglob("*") if path.is_file())
