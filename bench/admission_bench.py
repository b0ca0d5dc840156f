"""Admission-check and comparison benchmark (`make bench`): what the lists are for, measured on the test data.

Builds the four sample lists (tests/lists) and the test notices (tests/notices) in a temporary folder, imports
the lists, then prints Markdown:

- precision and recall of each decision on the notices' duty sentences at `admission.THRESHOLD`, the sentences
  decided wrongly, and how the number of right decisions changes with the threshold (how it was calibrated);
- the comparison of the four lists against the planted differences, and the alignment across thresholds.

Example:
    $ .venv/bin/python bench/admission_bench.py
"""

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "notices"))
import evaluate  # noqa: E402

from classify import admission, compare  # noqa: E402

make_lists = evaluate.make_lists
SWEEP = [round(0.06 + 0.01 * step, 2) for step in range(17)]


SPLITS = {
    "calibration": "Calibration notices (the thresholds and rules were tuned on these)",
    "heldout": "Held-out notices (written after the thresholds were fixed; measured, never tuned on)",
}


def decision_table(found: list, split: str) -> list[str]:
    table = evaluate.scores(found, split)
    mine = [o for o in found if o.split == split]
    duties = [o for o in mine if o.expected]
    lines = [
        f"#### {SPLITS[split]}",
        "",
        f"{len({(o.file, o.township) for o in mine})} notice checks, {len(duties)} annotated duty sentences, "
        f"{sum(o.expected is None for o in mine)} non-duty sentences; "
        f"decisions right: {sum(o.got == o.expected for o in duties)} / {len(duties)}.",
        "",
        "| decision | expected | precision | recall | TP | FP | FN |",
        "|---|---|---|---|---|---|---|",
    ]
    for decision, row in table.items():
        lines.append(
            f"| {decision} | {row['tp'] + row['fn']} | {row['precision']:.3f} | {row['recall']:.3f} "
            f"| {row['tp']} | {row['fp']} | {row['fn']} |"
        )
    return [*lines, ""]


def admission_section(conn, notices: Path) -> list[str]:
    started = time.monotonic()
    found = evaluate.outcomes(conn, notices)
    seconds = time.monotonic() - started
    duties = [o for o in found if o.expected]
    lines = [f"### Admission check (`dutylist check`), threshold {admission.THRESHOLD}", ""]
    lines += [f"All notices checked in {seconds:.2f} s.", ""]
    for split in SPLITS:
        lines += decision_table(found, split)
    leads = sum(o.got_lead == o.expected_lead for o in duties if o.got != evaluate.MISSED)
    read = sum(o.got != evaluate.MISSED for o in duties)
    lines += [
        f"Department named in the sentence (`lead_dept`) right: {leads} / {read} sentences the segmenter found.",
        "",
        "Sentences decided wrongly (expected → given; `missed`: the segmenter did not return the sentence):",
        "",
    ]
    for o in found:
        if o.got != o.expected and not (o.expected is None and o.got == evaluate.SKIPPED):
            match = f" (best match {o.match}, {o.similarity:.3f})" if o.match else ""
            lines.append(f"- [{o.split}] {o.township} · {o.sentence}: {o.expected} → {o.got}{match}")
    lines += [
        "",
        "Threshold sweep on the calibration notices (decisions right of the annotated sentences):",
        "",
    ]
    lines += ["| threshold | " + " | ".join(f"{t:.2f}" for t in SWEEP) + " |"]
    lines += ["|---|" + "---|" * len(SWEEP)]
    counts = []
    for threshold in SWEEP:
        swept = evaluate.outcomes(conn, notices, threshold)
        counts.append(sum(o.got == o.expected for o in swept if o.expected and o.split == "calibration"))
    lines += ["| right | " + " | ".join(str(n) for n in counts) + " |", ""]
    return lines


def compare_section(conn) -> list[str]:
    expected = make_lists.expected_findings()
    keys = {(t, cell["text"]): key for key, where in expected["duties"].items() for t, cell in where.items()}
    started = time.monotonic()
    result = compare.compare(conn)
    seconds = time.monotonic() - started
    planted = {
        "label_conflict": {row["duty"] for row in expected["label_conflicts"]},
        "missing_in_one": {row["duty"] for row in expected["missing_in_one"]},
        "unique": {row["duty"] for row in expected["unique"]},
        "size_outlier": {(row["township"], row["label"]) for row in expected["size_outliers"]},
    }

    def finding_key(finding: compare.Finding):
        if finding.duty is None:
            return finding.townships[0], finding.label
        duty = result.duties[finding.duty]
        return "+".join(sorted({keys[t, item["text"]] for t, item in duty.items.items()}))

    lines = [
        f"### Cross-township comparison (`dutylist compare`), threshold {compare.THRESHOLD}",
        "",
        f"Four sample lists ({', '.join(f'{t} {sum(c.values())}' for t, c in result.sizes.items())} items), "
        f"{len(expected['duties'])} planted duties; aligned into {len(result.duties)} duties in {seconds:.2f} s.",
        "",
        "| finding | planted | found | planted and found | found, not planted |",
        "|---|---|---|---|---|",
    ]
    for kind, wanted in planted.items():
        got = {finding_key(f) for f in result.findings if f.kind == kind}
        lines.append(f"| {kind} | {len(wanted)} | {len(got)} | {len(got & wanted)} | {len(got - wanted)} |")
    lines += ["", "Alignment across thresholds (duties that mix planted duties / planted duties split):", ""]
    row = []
    for threshold in (0.02, 0.04, 0.08, 0.12, 0.16, 0.2, 0.25, 0.3):
        duties = compare.compare(conn, threshold=threshold).duties
        groups = [{keys[t, item["text"]] for t, item in duty.items.items()} for duty in duties]
        mixed = sum(len(group) > 1 for group in groups)
        split = sum(sum(key in group for group in groups) > 1 for key in expected["duties"])
        row.append(f"{threshold:.2f}: {mixed} / {split}")
    lines += ["; ".join(row), ""]
    return lines


def markdown() -> list[str]:
    """The admission and comparison sections, for bench/run.py."""
    with tempfile.TemporaryDirectory(prefix="dutylist-bench-") as folder:
        conn, notices = evaluate.workspace(Path(folder))
        with conn:
            return admission_section(conn, notices) + compare_section(conn)


def main() -> None:
    print("\n".join(["# Admission check and comparison benchmark", "", *markdown()]))


if __name__ == "__main__":
    main()
