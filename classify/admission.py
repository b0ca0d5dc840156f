"""Admission check (职责准入): is each duty a county notice gives a township already on its confirmed lists?

Each duty sentence of a notice (found by the extraction segmenter) is matched against the township's confirmed
items (`classify.match`), and the best match above `THRESHOLD` decides:

- a basic item -> `basic` (the township does this anyway);
- a cooperative item -> `cooperative_ok`, unless the notice makes the township lead (a clause of the township's
  with 负责/牵头/组织实施 and no 配合/协助/参与) or names another lead department than the item's ->
  `cooperative_lead_shift`;
- a returned item -> `returned_pushdown` (a duty the county took back is pushed down again); a sentence that
  only asks the township to find and report (发现…报告, 劝阻) in that field is not a push-down, so returned items
  are skipped for it;
- nothing above the threshold -> `not_listed` (needs the admission procedure first).

Example:
    >>> with store.open("workspace/dutylist.db") as conn:  # doctest: +SKIP
    ...     report = check_notices(conn, ["通知.docx"], "东坪镇")
    >>> [(c.sentence[:10], c.decision) for c in report.checks]  # doctest: +SKIP
    [('配合县自然资源局对滑坡', 'cooperative_ok'), ...]
"""

import functools
import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from classify.match import MatchIndex, match_text
from dutylist import store
from dutylist.errors import NoConfirmedList
from dutylist.items import LABEL_NAMES, Item
from extract import batch, tagger

DECISIONS = ("basic", "cooperative_ok", "cooperative_lead_shift", "returned_pushdown", "not_listed")
# Four characters wide in a terminal table.
DECISION_SHORT = {
    "basic": "基本事项",
    "cooperative_ok": "配合事项",
    "cooperative_lead_shift": "改为牵头",
    "returned_pushdown": "收回下派",
    "not_listed": "清单以外",
}
DECISION_NAMES = {
    "basic": "基本履职事项（可承接）",
    "cooperative_ok": "配合履职事项（配合牵头部门）",
    "cooperative_lead_shift": "配合事项被改为乡镇牵头（需纠正）",
    "returned_pushdown": "已收回事项被重新下派（退回）",
    "not_listed": "清单外事项（须履行准入程序）",
}
FLAGGED = ("cooperative_lead_shift", "returned_pushdown")
JSONL_FIELDS = ("file", "sentence", "decision", "matches", "similarity", "lead_dept")

# Calibrated on tests/notices (bench/admission_bench.py prints the sweep): 47 of the 52 annotated sentences are
# decided right for every threshold from 0.14 to 0.17; lower, new duties start to match items sharing a word or
# two (0.10: 44 right); higher, reworded duties are lost (低保 in a notice, 最低生活保障 in the list; 0.20: 45
# right). 0.15 sits inside that plateau. Notices written after this choice score 17 of 18 (the bench's held-out
# table).
THRESHOLD = 0.15
TOP = 3

# The township's role in a clause: assisting a department, or made to lead.
_ASSIST = re.compile(r"配合|协助|协同|参与|报送|予以支持")
_LEAD = re.compile(r"负责|牵头|主责|组织实施")
# Who a clause is about: someone else when it opens with a department or another body (县民政局负责…, 学校予以
# 配合) or names one right after 由 (河道采砂由县水利局负责); otherwise the township, to whom the notice is
# addressed (各乡镇要…, or no subject at all). A body named elsewhere is an object (配合县XX局, 督促企业).
_OTHER_SUBJECT = re.compile(r"学校|医院|派出所|部门|公安机关|供电公司|企业")
_ACTOR_BEFORE = re.compile(r"(?:^|由)\s*$")
_CLAUSE = re.compile(r"[，,；;：:]")
# Finding and reporting a problem in an enforcement field is the township's own watch duty, not enforcement.
_REPORT_ONLY = re.compile(r"发现|报告|上报|劝阻|制止|移交|反映")
_POWER = re.compile(r"处罚|罚款|查处|审批|批准|许可|核发|检验|检测|鉴定|认定|执法|立案|吊销")
# Sentences the segmenter keeps that give the township no duty, and why they are set aside (`Skipped`):
# exhortations (高度重视, 加强组织领导 …) and requests to report progress on the notice itself, when they match no
# item; lines that are only department names (a letterhead); and duties the notice gives someone else
# (县民政局负责平台运维), which must not be matched to the township's own items at all.
_EXHORTATION = re.compile(
    r"高度重视|加强组织领导|加强领导|落到实处|亲自部署|主体责任|统筹协调|严肃问责|追责问责|纳入考核|细化(工作)?措施"
    r"|党政同责|一岗双责"
)
_PROGRESS_REPORT = re.compile(
    r"请.{0,30}?(报送|上报)|请.{0,30}?前报|(情况|名单|总结|报表)(书面)?(报送|上报|报)(县|至|给)"
)
SKIP_REASONS = {
    "exhortation": "要求性语句，不是具体事项",
    "progress_report": "报送工作情况的要求",
    "no_content": "只有单位名称，不是事项",
    "other_body": "布置给其他单位的工作",
}


@dataclass
class Check:
    """The decision on one duty sentence of a notice, with its evidence."""

    file: str
    sentence: str
    decision: str
    matches: list[str] = field(default_factory=list)
    similarity: float = 0.0
    lead_dept: str = ""
    match_text: str = ""
    match_label: str = ""
    match_lead: str = ""

    def to_json(self) -> dict:
        """The JSONL line of the CLI contract (DESIGN.md): exactly these six fields."""
        return {name: getattr(self, name) for name in JSONL_FIELDS}


@dataclass
class Skipped:
    """A sentence the segmenter found that is not checked, and why (a key of SKIP_REASONS)."""

    file: str
    sentence: str
    reason: str


@dataclass
class Report:
    """What a check of one or more notices against one township's lists found."""

    township: str
    checks: list[Check] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)
    no_duties: list[str] = field(default_factory=list)
    skipped: list["Skipped"] = field(default_factory=list)
    day: str = field(default_factory=lambda: date.today().isoformat())

    def counts(self) -> dict[str, int]:
        return {decision: sum(c.decision == decision for c in self.checks) for decision in DECISIONS}


# The township's list ------------------------------------------------------------------------------------------


def confirmed_list(conn: sqlite3.Connection, township: str) -> list[dict]:
    """The township's confirmed items; raises NoConfirmedList saying what to do when there are none.

    >>> confirmed_list(conn, "东坪镇")[0]["label"]  # doctest: +SKIP
    'basic'
    """
    known = store.townships(conn)
    if township not in known:
        have = "、".join(name for name in known if name) or "（无）"
        raise NoConfirmedList(
            f"工作库中没有乡镇（街道）“{township}”。已有：{have}。请检查名称，或先导入其清单："
            f"dutylist lists import 清单文件 --township {township}"
            f" / unknown township {township!r}; known: {', '.join(known) or 'none'}"
        )
    items = store.confirmed_items(conn, township)
    if not items:
        raise NoConfirmedList(
            f"“{township}”还没有已确认的清单，无法比对。请导入已公布的清单（dutylist lists import 清单文件 "
            f"--township {township}），或在审核页面（dutylist review）确认其事项后再试。"
            f" / {township!r} has no confirmed list yet: import its published list or confirm items first"
        )
    return items


def item_match_text(item: dict) -> str:
    """What an item is matched by: its name and its content (事项名称 + 事项内容)."""
    return f"{item.get('text') or ''} {item.get('detail') or ''}".strip()


# One sentence -------------------------------------------------------------------------------------------------


def township_role(sentence: str) -> str:
    """ "lead" when the sentence makes the township lead, "assist" when it has the township assist, else "".

    A clause is the township's unless it opens with someone else (a department, a school) or names them after
    由; a clause that assists is not counted as leading, but leading in any clause makes the township lead.

    >>> township_role("各乡镇牵头组织排查整治，县市场监管局做好业务指导")  # doctest: +SKIP
    'lead'
    >>> township_role("配合县市场监管局做好食品安全宣传")  # doctest: +SKIP
    'assist'
    """
    roles = set()
    for clause in _CLAUSE.split(sentence):
        if not clause.strip() or not _township_clause(clause):
            continue
        if _ASSIST.search(clause):
            roles.add("assist")
        elif _LEAD.search(clause):
            roles.add("lead")
    if "lead" in roles:
        return "lead"
    return "assist" if roles else ""


# Cached: a notice's clauses are tagged once to filter sentences and again to read the township's role.
@functools.lru_cache(maxsize=4096)
def _township_clause(clause: str) -> bool:
    verb = _ASSIST.search(clause) or _LEAD.search(clause)
    head = clause[: verb.start()] if verb else clause
    bodies = [match.start() for match in _OTHER_SUBJECT.finditer(head)]
    bodies += [start for start, _, name in tagger.departments(head) if tagger.level(name) != "township"]
    return not any(_ACTOR_BEFORE.search(head[:start]) for start in bodies)


def named_lead(sentence: str) -> tuple[str, str]:
    """(the lead department the sentence names by a cue, the department to show): canonical names or "".

    The second falls back to the first county department mentioned at all (报县住建局备案).
    """
    tags = tagger.tag(sentence)
    shown = tags.lead or next((name for name in tags.departments if tagger.level(name) != "township"), "")
    return tags.lead, shown


def decide(sentence: str, candidates: Sequence[tuple[dict, float]]) -> Check:
    """The decision for one sentence given its candidate items (item, similarity), best first, all above the
    threshold. `file` is left empty for the caller."""
    lead, shown = named_lead(sentence)
    role = township_role(sentence)
    if _REPORT_ONLY.search(sentence) and not _POWER.search(sentence):
        candidates = [(item, score) for item, score in candidates if item["label"] != "returned"]
    check = Check("", sentence, "not_listed", lead_dept=shown)
    if not candidates:
        return check
    best, score = candidates[0]
    check.matches = [item["id"] for item, _ in candidates[:TOP]]
    check.similarity = round(float(score), 3)
    check.match_text, check.match_label = best["text"], best["label"]
    check.match_lead = tagger.canonical(best.get("lead_dept") or "")
    if best["label"] == "basic":
        check.decision = "basic"
    elif best["label"] == "returned":
        check.decision = "returned_pushdown"
    elif role == "lead" or (lead and check.match_lead and tagger.canonical(lead) != check.match_lead):
        check.decision = "cooperative_lead_shift"
    else:
        check.decision = "cooperative_ok"
    return check


# Notices ------------------------------------------------------------------------------------------------------


def check_sentences(items: list[dict], sentences: Sequence[str], threshold: float = THRESHOLD) -> list[Check]:
    """Decide each sentence against the confirmed `items` (dicts with id, text, detail, label, lead_dept)."""
    index = MatchIndex([item_match_text(item) for item in items], [item["id"] for item in items])
    scores = index.scores(sentences)
    checks = []
    for sentence, row in zip(sentences, scores, strict=True):
        order = row.argsort()[::-1]
        candidates = [(items[i], float(row[i])) for i in order if row[i] >= threshold]
        check = decide(sentence, candidates)
        if check.decision == "not_listed" and len(row):
            check.similarity = round(float(row[order[0]]), 3)
        checks.append(check)
    return checks


def notice_sentences(path: str) -> tuple[list[Item], str | None]:
    """The duty sentences of one notice, or ([], reason) when it cannot be read."""
    result = batch.extract_file(path)
    doc = result.doc
    if doc["status"] != "ok":
        return [], "；".join(part for part in (doc.get("error"), doc.get("hint")) if part)
    return result.items, None


def check_notices(
    conn: sqlite3.Connection, paths: Iterable[str | Path], township: str, threshold: float = THRESHOLD
) -> Report:
    """Check every notice in `paths` (files, or folders of notices) against the township's confirmed lists.

    A notice that cannot be read is recorded in `failures` (file, reason) and the others are still checked; a
    township without a confirmed list raises NoConfirmedList before any notice is read.
    """
    items = confirmed_list(conn, township)
    report = Report(township)
    found: list[tuple[str, Item]] = []
    for path, _ in batch.walk(paths):
        sentences, error = notice_sentences(path)
        if error:
            report.failures.append((path, error))
            continue
        report.files.append(path)
        if not sentences:
            report.no_duties.append(path)
        found += [(path, item) for item in sentences]
    duties = []
    for path, item in found:
        reason = _not_for_township(item.text)
        if reason:
            report.skipped.append(Skipped(path, item.text, reason))
        else:
            duties.append((path, item))
    checks = check_sentences(items, [item.text for _, item in duties], threshold)
    for (path, _), check in zip(duties, checks, strict=True):
        check.file = path
        reason = _unmatched_reason(check.sentence) if check.decision == "not_listed" else ""
        if reason:
            report.skipped.append(Skipped(path, check.sentence, reason))
        else:
            report.checks.append(check)
    return report


def _not_for_township(sentence: str) -> str:
    """A reason to leave the sentence out before matching: no content, or a duty of someone else."""
    if len(match_text(sentence).replace(" ", "")) < 4:
        return "no_content"
    clauses = [clause for clause in _CLAUSE.split(sentence) if clause.strip()]
    if clauses and not any(_township_clause(clause) for clause in clauses):
        return "other_body"
    return ""


def _unmatched_reason(sentence: str) -> str:
    """A reason an unmatched sentence is not a duty to report as not listed."""
    if _EXHORTATION.search(sentence):
        return "exhortation"
    if _PROGRESS_REPORT.search(sentence):
        return "progress_report"
    return ""


# Report -------------------------------------------------------------------------------------------------------

REPORT_FORMATS = (".docx", ".xlsx")
_FILLS = {"returned_pushdown": "F8CBAD", "cooperative_lead_shift": "FFE699"}
_REPORT_COLUMNS = ("序号", "来源文件", "通知语句", "审查结论", "匹配的清单事项", "相似度", "通知所列部门")


def matched_item(check: Check) -> str:
    """The matched item as a clerk reads it: name, list and, for a cooperative item, its lead department."""
    if not check.match_text:
        return "（清单中无相近事项）"
    lead = f"，牵头：{check.match_lead}" if check.match_label == "cooperative" and check.match_lead else ""
    return f"{check.match_text}（{LABEL_NAMES[check.match_label]}{lead}）"


def write_report(report: Report, out: str | Path) -> Path:
    """Write the check as a .docx or .xlsx a clerk can attach to a reply; return the path.

    Title, township, notice files, date, a summary count per decision and one row per sentence with its
    decision in Chinese and the matched item; push-downs of returned items and lead shifts are highlighted.
    """
    out = Path(out)
    if out.suffix.lower() not in REPORT_FORMATS:
        raise ValueError(f"report must be one of {', '.join(REPORT_FORMATS)}, got {out.name}")
    out.parent.mkdir(parents=True, exist_ok=True)
    (_write_docx if out.suffix.lower() == ".docx" else _write_xlsx)(report, out)
    return out


def _report_rows(report: Report) -> list[list[str]]:
    return [
        [
            str(number),
            Path(check.file).name,
            check.sentence,
            DECISION_NAMES[check.decision],
            matched_item(check),
            f"{check.similarity:.3f}",
            check.lead_dept,
        ]
        for number, check in enumerate(report.checks, 1)
    ]


def _facts(report: Report) -> list[str]:
    names = "、".join(Path(path).name for path in report.files) or "（无）"
    facts = [f"乡镇（街道）：{report.township}", f"审查文件：{names}", f"审查日期：{report.day}"]
    if report.failures:
        facts.append(
            "未能读取：" + "；".join(f"{Path(path).name}（{reason}）" for path, reason in report.failures)
        )
    facts.append(
        f"说明：逐句比对该乡镇已确认的三张清单；相似度为字符与词语 TF-IDF 余弦（0–1），低于 {THRESHOLD} 视为清单以外。"
        "红色为已收回事项被重新下派，黄色为配合事项被改为乡镇牵头或牵头部门不符。"
    )
    return facts


def _write_docx(report: Report, out: Path) -> None:
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    document.styles["Normal"].font.size = Pt(10.5)
    document.add_heading("职责准入审查报告", level=0)
    for fact in _facts(report):
        document.add_paragraph(fact)
    document.add_heading("审查结论汇总", level=1)
    summary = document.add_table(rows=1, cols=2)
    summary.style = "Table Grid"
    summary.rows[0].cells[0].text, summary.rows[0].cells[1].text = "审查结论", "语句数"
    for decision, count in report.counts().items():
        cells = summary.add_row().cells
        cells[0].text, cells[1].text = DECISION_NAMES[decision], str(count)
    cells = summary.add_row().cells
    cells[0].text, cells[1].text = "合计", str(len(report.checks))
    document.add_heading("逐句审查结果", level=1)
    table = document.add_table(rows=1, cols=len(_REPORT_COLUMNS))
    table.style = "Table Grid"
    for cell, name in zip(table.rows[0].cells, _REPORT_COLUMNS, strict=True):
        cell.text = name
    for check, values in zip(report.checks, _report_rows(report), strict=True):
        row = table.add_row().cells
        for cell, value in zip(row, values, strict=True):
            cell.text = value
            if check.decision in _FILLS:
                shading = OxmlElement("w:shd")
                shading.set(qn("w:val"), "clear")
                shading.set(qn("w:fill"), _FILLS[check.decision])
                cell._tc.get_or_add_tcPr().append(shading)
    document.add_paragraph("")
    document.save(out)


def _write_xlsx(report: Report, out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    from dutylist.export import safe_cell

    book = Workbook()
    sheet = book.active
    sheet.title = "审查结果"
    sheet.append(["职责准入审查报告"])
    sheet["A1"].font = Font(bold=True, size=14)
    for fact in _facts(report):
        sheet.append([fact])
    sheet.append([])
    sheet.append(list(_REPORT_COLUMNS))
    header = sheet.max_row
    for cell in sheet[header]:
        cell.font = Font(bold=True)
    for check, values in zip(report.checks, _report_rows(report), strict=True):
        sheet.append([safe_cell(value) for value in values])
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if check.decision in _FILLS:
                cell.fill = PatternFill("solid", fgColor=_FILLS[check.decision])
    for letter, width in zip("ABCDEFG", (6, 24, 50, 26, 40, 8, 20), strict=True):
        sheet.column_dimensions[letter].width = width
    summary = book.create_sheet("汇总")
    summary.append(["审查结论", "语句数"])
    for decision, count in report.counts().items():
        summary.append([DECISION_NAMES[decision], count])
    summary.append(["合计", len(report.checks)])
    summary.column_dimensions["A"].width = 34
    book.save(out)
