"""职责准入审查: paste or upload a county notice, choose a township, see the decision on every duty sentence.

The page calls the same `classify.admission.check_notices` as `dutylist check`; push-downs of returned items and
lead shifts are coloured, and the report a clerk attaches to a reply can be downloaded as Word or Excel.
"""

import tempfile
from functools import partial
from pathlib import Path

import pandas as pd
import streamlit as st

from classify import admission
from dutylist import store
from dutylist.errors import DutylistError
from review_app import session

COLOURS = {
    "basic": "#e2efda",
    "cooperative_ok": "#ddebf7",
    "cooperative_lead_shift": "#ffe699",
    "returned_pushdown": "#f8cbad",
    "not_listed": "#ededed",
}
UPLOAD_TYPES = ["docx", "pdf", "txt", "html", "htm", "xlsx"]
PASTED_NAME = "粘贴的通知.txt"

if "admission_report" not in st.session_state:
    st.session_state.admission_report = None


def run_check(conn: store.Workspace, township: str, text: str, upload) -> admission.Report:
    """Write the pasted text or the uploaded file to a temporary folder and check it there."""
    with tempfile.TemporaryDirectory(prefix="dutylist-notice-") as folder:
        if upload is not None:
            path = Path(folder) / Path(upload.name).name
            path.write_bytes(upload.getvalue())
        else:
            path = Path(folder) / PASTED_NAME
            path.write_text(text, encoding="utf-8")
        report = admission.check_notices(conn, [str(path)], township)
    report.files = [Path(name).name for name in report.files]
    report.failures = [(Path(name).name, reason) for name, reason in report.failures]
    return report


def report_bytes(report: admission.Report, suffix: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="dutylist-report-") as folder:
        return admission.write_report(report, Path(folder) / f"report{suffix}").read_bytes()


def show(report: admission.Report) -> None:
    for name, reason in report.failures:
        st.error(f"{name}：{reason}")
    for name in report.no_duties:
        st.warning(f"{Path(name).name}：没有找到履职语句（布置工作的句子）。请检查是否为通知正文。")
    if not report.checks:
        return
    counts = report.counts()
    for column, decision in zip(st.columns(len(admission.DECISIONS)), admission.DECISIONS, strict=True):
        column.metric(admission.DECISION_SHORT[decision], counts[decision], border=True)
    flagged = sum(counts[decision] for decision in admission.FLAGGED)
    if flagged:
        st.error(f"有 {flagged} 句需要纠正：已收回事项被重新下派，或配合事项被改为乡镇牵头。")
    table = pd.DataFrame(
        [
            {
                "语句": check.sentence,
                "结论": admission.DECISION_NAMES[check.decision],
                "匹配的清单事项": admission.matched_item(check),
                "相似度": check.similarity,
                "通知所列部门": check.lead_dept,
                "decision": check.decision,
            }
            for check in report.checks
        ]
    )
    styled = table.style.apply(
        lambda row: [f"background-color: {COLOURS[row['decision']]}"] * len(row), axis=1
    ).format({"相似度": "{:.3f}"})
    st.dataframe(
        styled,
        column_order=["语句", "结论", "匹配的清单事项", "相似度", "通知所列部门"],
        column_config={
            "语句": st.column_config.TextColumn(width="large"),
            "匹配的清单事项": st.column_config.TextColumn(width="medium"),
        },
        hide_index=True,
        width="stretch",
        key="admission-table",
    )
    if report.skipped:
        with st.expander(f"未作判断的语句（{len(report.skipped)}）"):
            for skip in report.skipped:
                st.write(f"{skip.sentence}　——{admission.SKIP_REASONS[skip.reason]}")
    stem = f"{report.township}职责准入审查报告"
    for column, (suffix, kind) in zip(st.columns(2), ((".docx", "Word"), (".xlsx", "Excel")), strict=True):
        column.download_button(
            f"下载审查报告（{kind}）",
            data=partial(report_bytes, report, suffix),  # written when clicked, as on the export page
            file_name=f"{stem}{suffix}",
            key=f"admission-{suffix[1:]}",
            icon=":material/download:",
            on_click="ignore",
        )


conn = session.workspace()
st.title("职责准入审查")
st.caption(
    "把县级部门的新通知逐句与乡镇（街道）已确认的三张清单比对：清单内可承接；配合事项只能配合牵头部门；"
    "已收回事项不得重新下派；清单以外的事项须先履行准入程序。"
)
names = store.confirmed_townships(conn)
if not names:
    st.info(
        "还没有任何乡镇（街道）的已确认清单。请先导入已公布的清单（dutylist lists import 清单文件 --township 名称），"
        "或在「审核队列」中确认事项。"
    )
    st.stop()
chosen = session.township()
township = st.selectbox(
    "对照哪个乡镇（街道）的清单",
    names,
    index=names.index(chosen) if chosen in names else 0,
    key="admission-township",
)
pasted, uploaded = st.tabs(["粘贴通知文本", "上传通知文件"])
text = pasted.text_area("通知正文", height=220, key="admission-text", placeholder="把通知全文粘贴到这里……")
upload = uploaded.file_uploader("通知文件（Word、PDF、文本）", type=UPLOAD_TYPES, key="admission-upload")
if st.button("开始审查", type="primary", key="admission-run", icon=":material/rule:"):
    if upload is None and not text.strip():
        st.warning("请先粘贴通知正文或上传通知文件。")
    else:
        try:
            st.session_state.admission_report = run_check(conn, township, text, upload)
        except DutylistError as exc:
            st.session_state.admission_report = None
            st.error(str(exc))
report = st.session_state.admission_report
if report is not None and report.township == township:
    show(report)
