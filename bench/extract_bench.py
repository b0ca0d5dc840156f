"""Extraction benchmark (`make bench`): quality per document kind, speed against raw pdfplumber, memory on a
1,000-page PDF.

- recall, precision and lead-department accuracy per document, on the samples (samples/expected.jsonl) and the
  test documents (tests/docs/expected.jsonl: legacy .doc, .wps, scan, doubled text layer, GBK CSV);
- pages/s of `extract_file` against raw pdfplumber `extract_text` + `extract_tables` on the same text PDFs, as a
  ratio from the same run (the machines are shared), and seconds per OCR'd page;
- peak RSS of a fresh process extracting a generated 1,000-page PDF, against the same process before it reads.

Example:
    $ .venv/bin/python bench/extract_bench.py
"""

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pdfplumber

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from dutylist.items import normalise  # noqa: E402
from extract.batch import extract_file  # noqa: E402

KINDS = {
    ".docx": "Word",
    ".pdf": "PDF",
    ".doc": "legacy Word (LibreOffice)",
    ".wps": "WPS (LibreOffice)",
    ".csv": "CSV",
}
BIG_PAGES = 1000
_MEMORY_PROBE = """
import sys, time
from extract.batch import extract_file

def peak_kib():  # VmHWM: this process's own peak (ru_maxrss would include the parent's, inherited at fork)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

extract_file(sys.argv[2])  # a one-page file: loads jieba, spaCy and the readers
before = peak_kib()
started = time.perf_counter()
result = extract_file(sys.argv[1])
seconds = time.perf_counter() - started
print(before, peak_kib(), seconds, result.doc["pages"], len(result.items), result.doc["status"])
"""


def expected() -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {}
    for source in (ROOT / "samples" / "expected.jsonl", ROOT / "tests" / "docs" / "expected.jsonl"):
        for line in source.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            rows.setdefault(row["file"], []).append(row)
    return rows


# What a test document's name says about its layout (tests/docs/make_docs.py).
LAYOUTS = {"无框线": "PDF, table without lines", "两栏": "PDF, two columns"}


def kind(file: str, flags: set[str]) -> str:
    name = KINDS.get(Path(file).suffix, Path(file).suffix)
    name = next((layout for word, layout in LAYOUTS.items() if word in file), name)
    if "ocr" in flags:
        return "scanned PDF (OCR)"
    if "garbled" in flags:
        return "PDF, garbled text layer"
    return name


def quality() -> tuple[list[str], list[Path]]:
    """The per-document table, and the PDFs read from their text layer (for the speed comparison)."""
    lines = [
        "| document | kind | expected | found | recall | precision | lead dept | section path | seconds |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    hits = found_total = wanted_total = lead_hits = section_hits = section_rows = 0
    text_pdfs = []
    for file, rows in sorted(expected().items()):
        result = extract_file(str(ROOT / file))
        found = {normalise(item.text): item for item in result.items}
        wanted = {normalise(row["text"]): row for row in rows}
        hit = [text for text in wanted if text in found]
        leads = sum(normalise(found[text].lead_dept) == normalise(wanted[text]["lead_dept"]) for text in hit)
        # Section paths are written beside the samples only; "—" where a document's expectations have none.
        with_section = [text for text in hit if "section" in wanted[text]]
        sections = sum(found[text].section == wanted[text]["section"] for text in with_section)
        section_hits, section_rows = section_hits + sections, section_rows + len(with_section)
        section_cell = f"{sections / len(with_section):.3f}" if with_section else "—"
        flags = {flag for item in result.items for flag in item.flags}
        if file.endswith(".pdf") and not flags & {"ocr", "garbled"}:
            text_pdfs.append(ROOT / file)
        hits, found_total, wanted_total = (
            hits + len(hit),
            found_total + len(found),
            wanted_total + len(wanted),
        )
        lead_hits += leads
        lines.append(
            f"| {Path(file).name} | {kind(file, flags)} | {len(wanted)} | {len(found)} "
            f"| {len(hit) / len(wanted):.3f} | {len(hit) / max(len(found), 1):.3f} "
            f"| {leads / max(len(hit), 1):.3f} | {section_cell} | {result.seconds:.2f} |"
        )
    lines.append(
        f"| **all** | | {wanted_total} | {found_total} | {hits / wanted_total:.3f} "
        f"| {hits / max(found_total, 1):.3f} | {lead_hits / max(hits, 1):.3f} "
        f"| {section_hits / max(section_rows, 1):.3f} | |"
    )
    return lines, text_pdfs


def _best(function, *args, repeats: int = 3) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - started)
    return min(times)


def _raw(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()


def speed(pdfs: list[Path]) -> list[str]:
    pages = ours = raw = 0.0
    for pdf in pdfs:
        with pdfplumber.open(pdf) as document:
            pages += len(document.pages)
        ours += _best(extract_file, str(pdf))
        raw += _best(_raw, pdf)
    scan = ROOT / "tests" / "docs" / "通知_扫描件.pdf"
    ocr_seconds = _best(extract_file, str(scan), repeats=1)
    with pdfplumber.open(scan) as document:
        scan_pages = len(document.pages)
    return [
        f"Text PDFs ({len(pdfs)} files, {pages:.0f} pages, best of 3): dutylist {pages / ours:.1f} pages/s, raw "
        f"pdfplumber extract_text + extract_tables {pages / raw:.1f} pages/s; time ratio dutylist/raw "
        f"{ours / raw:.2f}. Scanned PDF: {ocr_seconds / scan_pages:.1f} s per OCR'd page.",
    ]


def big_pdf(path: Path, pages: int = BIG_PAGES) -> None:
    """A long county compilation: every page a heading, numbered duty clauses and a page number."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=(595, 842), invariant=1)
    for number in range(1, pages + 1):
        pdf.setFont("STSong-Light", 12)
        pdf.drawString(72, 760, f"{number}、第{number}片区工作任务")
        for clause in range(1, 9):
            pdf.drawString(
                96, 760 - clause * 60, f"（{clause}）各乡镇要做好第{number}片区第{clause}项日常巡查。"
            )
        pdf.drawCentredString(297, 40, f"- {number} -")
        pdf.showPage()
    pdf.save()


def memory() -> list[str]:
    with tempfile.TemporaryDirectory() as folder:
        big, small = Path(folder) / "big.pdf", Path(folder) / "small.pdf"
        big_pdf(big)
        big_pdf(small, pages=1)
        output = subprocess.run(
            [sys.executable, "-c", _MEMORY_PROBE, str(big), str(small)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        ).stdout.split()
    before, after, seconds, pages, items, status = output
    return [
        f"{BIG_PAGES}-page generated PDF ({status}, {items} items): peak RSS {int(after) / 1024:.0f} MB, "
        f"{int(before) / 1024:.0f} MB before reading it (+{(int(after) - int(before)) / 1024:.0f} MB); "
        f"{int(pages) / float(seconds):.1f} pages/s.",
    ]


def markdown() -> list[str]:
    """The extraction benchmark as Markdown lines."""
    extract_file(
        str(ROOT / "samples" / "青石镇" / "县应急管理局关于做好汛期安全防范工作的通知.docx")
    )  # warm up
    table, text_pdfs = quality()
    return [*table, "", *speed(text_pdfs), "", *memory()]


if __name__ == "__main__":
    print("\n".join(markdown()))
