"""`make bench`: every benchmark in one run, written to bench/results.md with the date and the machine.

Speed is reported as ratios measured in the same run (our extractor against raw pdfplumber on the same pages),
since these machines are shared and noisy. Quality figures come from the locked corpus split and the team's
documents with expected answers.

Example:
    $ .venv/bin/python bench/run.py            # writes bench/results.md
"""

import importlib
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pdfplumber

from dutylist.items import normalise
from extract.batch import extract_file

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.md"
REPEATS = 3


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB memory"
    return f"{platform.node()} ({platform.machine()}, {os.cpu_count()} cores{memory}), Python {platform.python_version()}"


def raw_pdfplumber(path: Path) -> None:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()


def best_time(function, *args) -> float:
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function(*args)
        times.append(time.perf_counter() - started)
    return min(times)


def extraction() -> list[str]:
    """Item recall/precision on the samples' expected items, and PDF pages/s against raw pdfplumber."""
    expected: dict[str, set[str]] = {}
    for line in (ROOT / "samples" / "expected.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        expected.setdefault(row["file"], set()).add(normalise(row["text"]))
    lines = [
        "## Extraction (samples/, expected items in samples/expected.jsonl)",
        "",
        "| file | expected | found | recall | precision | seconds |",
        "|---|---|---|---|---|---|",
    ]
    hits = found_total = expected_total = 0
    extract_file(str(ROOT / min(expected)))  # load jieba and spaCy once, outside the timings
    for file, texts in sorted(expected.items()):
        result = extract_file(str(ROOT / file))
        found = {normalise(item.text) for item in result.items}
        hit = len(found & texts)
        hits, found_total, expected_total = hits + hit, found_total + len(found), expected_total + len(texts)
        lines.append(
            f"| {file} | {len(texts)} | {len(found)} | {hit / len(texts):.3f} "
            f"| {hit / max(len(found), 1):.3f} | {result.seconds:.3f} |"
        )
    lines += [
        f"| **all** | {expected_total} | {found_total} | {hits / expected_total:.3f} "
        f"| {hits / max(found_total, 1):.3f} | |",
        "",
    ]
    pdfs = sorted(ROOT.glob("samples/**/*.pdf")) + sorted(ROOT.glob("tests/**/*.pdf"))
    pages = ours = raw = 0.0
    for pdf in pdfs:
        with pdfplumber.open(pdf) as document:
            pages += len(document.pages)
        ours += best_time(extract_file, str(pdf))
        raw += best_time(raw_pdfplumber, pdf)
    lines += [
        f"PDF speed over {len(pdfs)} files, {pages:.0f} pages (best of {REPEATS}): dutylist {pages / ours:.1f} pages/s, "
        f"raw pdfplumber extract_text + extract_tables {pages / raw:.1f} pages/s; ratio dutylist/raw time "
        f"{ours / raw:.2f}.",
        "",
    ]
    return lines


def optional(module: str, title: str) -> list[str]:
    """Sections from the other benchmarks in bench/, each a module with `markdown() -> list[str]`."""
    try:
        bench = importlib.import_module(module)
    except ModuleNotFoundError:
        return []
    started = time.perf_counter()
    body = bench.markdown()
    return [f"## {title}", "", *body, "", f"_{time.perf_counter() - started:.0f} s_", ""]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    lines = [
        "# Benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}. Regenerate with `make bench`.",
        "",
        *extraction(),
        *optional("bench.classify_bench", "Classifier (locked test split)"),
        *optional(
            "bench.admission_bench", "Admission check and township comparison (tests/notices, tests/lists)"
        ),
        *optional("bench.review_bench", "Review workspace at scale"),
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
