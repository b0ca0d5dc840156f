"""`make bench`: every benchmark in one run, written to bench/results.md with the date and the machine.

Each section comes from one benchmark module in bench/ with a `markdown()` function. Speed is reported as ratios
measured in the same run (our extractor against raw pdfplumber on the same pages), since these machines are shared
and noisy. Quality figures come from the locked corpus split and the team's documents with expected answers.

Example:
    $ .venv/bin/python bench/run.py            # writes bench/results.md
"""

import importlib
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results.md"


def machine() -> str:
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split()[1])
        memory = f", {kib / 2**20:.0f} GiB memory"
    return f"{platform.node()} ({platform.machine()}, {os.cpu_count()} cores{memory}), Python {platform.python_version()}"


def section(module: str, title: str) -> list[str]:
    """One benchmark module's `markdown()` under a heading, with how long it took."""
    bench = importlib.import_module(module)
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
        *section("bench.extract_bench", "Extraction (samples/, tests/docs/)"),
        *section("bench.classify_bench", "Classifier (locked test split)"),
        *section(
            "bench.admission_bench", "Admission check and township comparison (tests/notices, tests/lists)"
        ),
        *section("bench.review_bench", "Review workspace at scale"),
    ]
    RESULTS.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    print(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
