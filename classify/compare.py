"""Cross-township comparison (`dutylist compare`): align the townships' confirmed lists and report differences.

Items are aligned by similarity (`classify.match`): two items of different townships are the same duty when each
is the other's best match in its township and their similarity is at least `THRESHOLD`; such pairs are joined
greedily, best first, never putting two items of one township in one duty. Then, per duty and per township:

- label conflicts: the same duty basic in one township and cooperative or returned in another;
- missing in one: a duty every township but one lists (three townships or more);
- unique: a duty only one township lists;
- size outliers: a township whose share of a label differs from the other townships' median share by at least
  `OUTLIER_SHARE` and by a factor of at least `OUTLIER_RATIO` (a town with 18 basic and 69 returned items).

Example:
    >>> with store.open("workspace/dutylist.db") as conn:  # doctest: +SKIP
    ...     result = compare(conn)
    >>> [f.kind for f in result.findings][:2]  # doctest: +SKIP
    ['label_conflict', 'label_conflict']
"""

import sqlite3
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from classify.admission import confirmed_list, item_match_text
from classify.match import MatchIndex
from dutylist import store
from dutylist.errors import NoConfirmedList
from dutylist.export import safe_cell
from dutylist.items import LABEL_NAMES, LABELS

# Calibrated on the sample lists of tests/lists (four townships, each wording the county catalogue its own way):
# with mutual best matches they align exactly (58 duties, none mixed) for any threshold from 0.04 to 0.16; at 0.20
# a reworded pair falls apart (环境污染投诉协查 ~ 生态环境信访协查). The threshold matters where a township lacks a
# duty and its best candidate is another duty: unrelated pairs score below 0.105 in 99% of cases, so 0.12 keeps
# above them and below the first reworded pair that would be lost.
THRESHOLD = 0.12
OUTLIER_SHARE, OUTLIER_RATIO = 0.15, 1.5

FINDING_NAMES = {
    "label_conflict": "同一事项归属不同清单",
    "missing_in_one": "多数乡镇列入、个别乡镇未列入",
    "unique": "仅一个乡镇列入",
    "size_outlier": "清单结构明显不同",
}
LABEL_FILLS = {"basic": "E2EFDA", "cooperative": "DDEBF7", "returned": "FCE4D6"}


@dataclass
class Duty:
    """One duty as the townships list it: township -> that township's item (with its confirmed `label`)."""

    items: dict[str, dict]

    @property
    def name(self) -> str:
        """The duty's name as most townships word it (the first township's wording on a tie)."""
        texts = [item["text"] for item in self.items.values()]
        return max(texts, key=texts.count)

    @property
    def labels(self) -> dict[str, str]:
        return {township: item["label"] for township, item in self.items.items()}


@dataclass
class Finding:
    """One difference worth a look; `duty` (the duty's position in Comparison.duties) is None for a size outlier."""

    kind: str
    townships: list[str]
    duty: int | None = None
    name: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    label: str = ""
    direction: str = ""
    detail: str = ""


@dataclass
class Comparison:
    townships: list[str]
    duties: list[Duty]
    findings: list[Finding]
    sizes: dict[str, dict[str, int]]
    threshold: float = THRESHOLD


def compare(
    conn: sqlite3.Connection, townships: Sequence[str] | None = None, threshold: float = THRESHOLD
) -> Comparison:
    """Compare the confirmed lists of `townships` (default: every township with a confirmed list).

    Raises NoConfirmedList when a named township is unknown or unconfirmed, or fewer than two lists remain.
    """
    if townships:
        names = list(dict.fromkeys(name.strip() for name in townships if name.strip()))
    else:
        names = store.confirmed_townships(conn)
    if len(names) < 2:
        raise NoConfirmedList(
            f"比较至少需要两个乡镇（街道）的已确认清单，目前只有：{'、'.join(names) or '（无）'}。请先导入清单："
            f"dutylist lists import 清单文件 --township 名称 / need confirmed lists of two townships or more"
        )
    lists = {name: confirmed_list(conn, name) for name in names}
    duties = align(lists, threshold)
    sizes = {
        name: {label: sum(i["label"] == label for i in items) for label in LABELS}
        for name, items in lists.items()
    }
    return Comparison(names, duties, find(duties, names) + size_outliers(sizes), sizes, threshold)


def align(lists: dict[str, list[dict]], threshold: float = THRESHOLD) -> list[Duty]:
    """Group the items of several townships into duties (see the module docstring), in first-seen order."""
    entries = [(township, item) for township, items in lists.items() for item in items]
    if not entries:
        return []
    index = MatchIndex([item_match_text(item) for _, item in entries], [item["id"] for _, item in entries])
    scores = index.pairwise()
    town = np.array([township for township, _ in entries])
    best = {}
    for i in range(len(entries)):
        for township in lists:
            if township != town[i]:
                columns = np.flatnonzero(town == township)
                best[i, township] = int(columns[np.argmax(scores[i, columns])])
    pairs = sorted(
        (
            (scores[i, j], i, j)
            for (i, _), j in best.items()
            if i < j and scores[i, j] >= threshold and best[j, town[i]] == i
        ),
        reverse=True,
    )
    group = list(range(len(entries)))
    members = {i: {town[i]} for i in group}

    def root(i: int) -> int:
        while group[i] != i:
            group[i] = group[group[i]]
            i = group[i]
        return i

    for _, i, j in pairs:
        a, b = root(i), root(j)
        if a != b and not members[a] & members[b]:
            group[b] = a
            members[a] |= members.pop(b)
    duties: dict[int, Duty] = {}
    for position, (township, item) in enumerate(entries):
        duties.setdefault(root(position), Duty({})).items[township] = item
    return list(duties.values())


def find(duties: list[Duty], townships: list[str]) -> list[Finding]:
    """Label conflicts, duties all townships but one list, and duties only one lists."""
    found = []
    for number, duty in enumerate(duties):
        labels = duty.labels
        if len(set(labels.values())) > 1:
            text = "；".join(f"{t}：{LABEL_NAMES[label]}" for t, label in labels.items())
            found.append(Finding("label_conflict", list(labels), number, duty.name, labels, detail=text))
    for number, duty in enumerate(duties):
        if len(townships) >= 3 and len(duty.items) == len(townships) - 1:
            lacking = next(name for name in townships if name not in duty.items)
            text = f"{lacking}未列入；其他乡镇均已列入"
            found.append(Finding("missing_in_one", [lacking], number, duty.name, duty.labels, detail=text))
    for number, duty in enumerate(duties):
        if len(duty.items) == 1:
            township, label = next(iter(duty.labels.items()))
            text = f"仅{township}列入{LABEL_NAMES[label]}"
            found.append(Finding("unique", [township], number, duty.name, duty.labels, label, detail=text))
    return found


def size_outliers(sizes: dict[str, dict[str, int]]) -> list[Finding]:
    """Townships whose share of a label is far from the other townships' median share (module docstring)."""
    shares = {
        t: {label: n / max(1, sum(counts.values())) for label, n in counts.items()}
        for t, counts in sizes.items()
    }
    found = []
    for township, own in shares.items():
        for label, share in own.items():
            median = statistics.median(shares[other][label] for other in shares if other != township)
            low, high = min(share, median), max(share, median)
            if high - low >= OUTLIER_SHARE and high >= OUTLIER_RATIO * low:
                direction = "high" if share > median else "low"
                detail = (
                    f"{township}{LABEL_NAMES[label]}{sizes[township][label]}项，占{share:.0%}；"
                    f"其他乡镇中位数占{median:.0%}（{'偏多' if direction == 'high' else '偏少'}）"
                )
                found.append(
                    Finding("size_outlier", [township], label=label, direction=direction, detail=detail)
                )
    return found


# Export -------------------------------------------------------------------------------------------------------


def write_xlsx(result: Comparison, out: str | Path | BinaryIO) -> None:
    """The aligned matrix (duty x township -> list name), the findings and the list sizes, one sheet each."""
    book = Workbook()
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="D9D9D9")
    matrix = book.active
    matrix.title = "事项对照"
    matrix.append(["序号", "事项", *result.townships, "差异"])
    kinds = kinds_by_duty(result)
    for number, duty in enumerate(result.duties):
        labels = duty.labels
        cells = [LABEL_NAMES[labels[t]] if t in labels else "未列入" for t in result.townships]
        matrix.append([number + 1, safe_cell(duty.name), *cells, "、".join(kinds.get(number, []))])
        for column, township in enumerate(result.townships, 3):
            if township in labels:
                matrix.cell(matrix.max_row, column).fill = PatternFill(
                    "solid", fgColor=LABEL_FILLS[labels[township]]
                )
    findings = book.create_sheet("差异")
    findings.append(["类型", "事项", "涉及乡镇", *result.townships, "说明"])
    for finding in result.findings:
        cells = [LABEL_NAMES[finding.labels[t]] if t in finding.labels else "" for t in result.townships]
        findings.append(
            [
                FINDING_NAMES[finding.kind],
                safe_cell(finding.name),
                "、".join(finding.townships),
                *cells,
                safe_cell(finding.detail),
            ]
        )
    sizes = book.create_sheet("清单规模")
    sizes.append(["乡镇（街道）", *LABEL_NAMES.values(), "合计"])
    for township, counts in result.sizes.items():
        sizes.append([township, *(counts[label] for label in LABELS), sum(counts.values())])
    sizes.append([])
    sizes.append(
        [f"事项对齐的相似度阈值：{result.threshold}（字符 2-4 元组与词的 TF-IDF 余弦，取互为最佳匹配者）"]
    )
    for sheet, widths in ((matrix, (6, 40)), (findings, (22, 40, 16)), (sizes, (16,))):
        for cell in sheet[1]:
            cell.font, cell.fill = bold, header_fill
        for column, width in enumerate(widths, 1):
            sheet.column_dimensions[sheet.cell(1, column).column_letter].width = width
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sizes["A" + str(sizes.max_row)].alignment = Alignment(wrap_text=False)
    if isinstance(out, str | Path):
        Path(out).parent.mkdir(parents=True, exist_ok=True)
    book.save(out)


def kinds_by_duty(result: Comparison) -> dict[int, list[str]]:
    """Duty position -> the Chinese names of the findings about it."""
    kinds: dict[int, list[str]] = {}
    for finding in result.findings:
        if finding.duty is not None:
            kinds.setdefault(finding.duty, []).append(FINDING_NAMES[finding.kind])
    return kinds
