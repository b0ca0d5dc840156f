"""Score the admission check on the test notices: per sentence, the expected decision against the one given.

Used by tests/test_admission.py and bench/admission_bench.py. `workspace(folder)` builds the sample lists and
notices in `folder` and imports the four lists; `outcomes(conn, folder)` checks every notice against every
township `expected.jsonl` names for it; `scores(outcomes)` gives precision and recall per decision.

Example:
    >>> conn, folder = workspace(Path("/tmp/bench"))  # doctest: +SKIP
    >>> scores(outcomes(conn, folder))["basic"]["recall"]  # doctest: +SKIP
    0.875
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "lists"))
sys.path.insert(0, str(HERE))

import make_lists  # noqa: E402
import make_notices  # noqa: E402

from classify import admission  # noqa: E402
from dutylist import store  # noqa: E402
from dutylist.items import normalise  # noqa: E402
from extract.published import import_list  # noqa: E402

# What a sentence can end up as besides a decision: not found by the segmenter, or set aside as an exhortation.
MISSED, SKIPPED = "missed", "skipped"


@dataclass
class Outcome:
    file: str
    township: str
    sentence: str
    expected: str | None  # None: not a duty, should not be reported
    got: str  # a decision, MISSED or SKIPPED
    expected_lead: str = ""
    got_lead: str = ""
    match: str = ""
    similarity: float = 0.0
    split: str = "calibration"  # "heldout": notices written after the thresholds were calibrated


def workspace(folder: Path) -> tuple[store.Workspace, Path]:
    """Sample lists and notices written into `folder`, the lists imported into `folder`/ws.db."""
    lists = make_lists.make(folder / "lists")
    make_notices.make(folder / "notices")
    conn = store.open(folder / "ws.db")
    for township, path in lists.items():
        import_list(conn, path, township)
    return conn, folder / "notices"


def expected(notices: Path) -> list[dict]:
    return [
        json.loads(line) for line in (notices / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    ]


def outcomes(conn: store.Workspace, notices: Path, threshold: float = admission.THRESHOLD) -> list[Outcome]:
    """Every expected sentence with what the check made of it, plus any sentence reported but not expected."""
    rows = expected(notices)
    splits = {row["file"]: row.get("split", "calibration") for row in rows}
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["file"], row["township"]), []).append(row)
    found = []
    for (file, township), wanted in groups.items():
        report = admission.check_notices(conn, [notices / file], township, threshold)
        checks = {normalise(check.sentence): check for check in report.checks}
        skipped = {normalise(skip.sentence) for skip in report.skipped}
        for row in wanted:
            key = normalise(row["sentence"])
            check = checks.pop(key, None)
            got = check.decision if check else (SKIPPED if key in skipped else MISSED)
            found.append(
                Outcome(
                    file,
                    township,
                    row["sentence"],
                    row["decision"],
                    got,
                    row["lead_dept"],
                    check.lead_dept if check else "",
                    check.match_text if check else "",
                    check.similarity if check else 0.0,
                    splits[file],
                )
            )
        for check in checks.values():
            found.append(
                Outcome(
                    file,
                    township,
                    check.sentence,
                    None,
                    check.decision,
                    "",
                    check.lead_dept,
                    split=splits[file],
                )
            )
    return found


def scores(found: list[Outcome], split: str | None = None) -> dict[str, dict]:
    """Precision and recall of each decision (a sentence missed or skipped counts against recall), on the
    notices of one split ("calibration" or "heldout") or on all of them."""
    found = [o for o in found if not (o.expected is None and o.got == SKIPPED) and split in (None, o.split)]
    table = {}
    for decision in admission.DECISIONS:
        tp = sum(o.got == decision and o.expected == decision for o in found)
        fp = sum(o.got == decision and o.expected != decision for o in found)
        fn = sum(o.expected == decision and o.got != decision for o in found)
        table[decision] = {
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "precision": tp / (tp + fp) if tp + fp else 0.0,
            "recall": tp / (tp + fn) if tp + fn else 0.0,
        }
    return table
