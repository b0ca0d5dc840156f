"""导出 (admins only): the confirmed items as the three published lists, in the formats `dutylist export` writes,
and the items reviewers flagged as extraction errors (JSONL, for extraction test cases).

Each file is generated only when its button is clicked, on Streamlit's download thread with its own read
connection, so a large workspace never slows the page down.
"""

import io
import json
from functools import partial

import streamlit as st

from dutylist import config, store
from dutylist.items import ITEM_FIELDS, LABEL_NAMES, LABELS
from dutylist.store import open as open_workspace
from review_app import session

FORMATS = (
    ("xlsx", "Excel 表格（三张工作表）", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    (
        "docx",
        "Word 文档（公布格式）",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    ("csv", "CSV（含来源和审核记录）", "text/csv"),
    ("jsonl", "JSONL（每行一条事项）", "application/jsonl"),
)


def exported(path: str, fmt: str, township: str | None) -> bytes:
    """The export file's bytes, written by dutylist.export from a connection of this thread."""
    from dutylist import export  # the export stage loads openpyxl and python-docx: only when asked

    buffer = io.BytesIO()
    with open_workspace(path) as conn:
        export.export(conn, fmt, buffer, township=township)
    return buffer.getvalue()


def flagged_jsonl(path: str, township: str | None) -> bytes:
    """Items flagged as extraction errors, one JSON line each: the item as extracted plus the reviewer's note."""
    with open_workspace(path) as conn:
        rows = store.flagged_items(conn, township)
    keys = (*ITEM_FIELDS, "flag_note", "flag_reviewer", "flag_at")
    lines = (json.dumps({key: row[key] for key in keys}, ensure_ascii=False) for row in rows)
    return "".join(line + "\n" for line in lines).encode("utf-8")


conn = session.workspace()
township = session.township()
per_list = store.confirmed_counts(conn, township)
confirmed = sum(per_list.values())

st.title("导出")
st.caption(f"范围：{township or '全部乡镇（街道）'}。只导出已确认的事项，按三张清单分组。")
columns = st.columns(3)
for column, label in zip(columns, LABELS, strict=True):
    column.metric(LABEL_NAMES[label], per_list[label], border=True)
if not confirmed:
    st.info("还没有已确认的事项。请先在「审核队列」中确认事项，再回到这里导出。")

stem = f"{township or '全部'}履行职责事项清单"
grid = [column for _ in range(2) for column in st.columns(2)]
for column, (fmt, description, mime) in zip(grid, FORMATS, strict=True):
    column.download_button(
        f"下载 {fmt.upper()}：{description}",
        data=partial(exported, config.get("db"), fmt, township),
        file_name=f"{stem}.{fmt}",
        mime=mime,
        key=f"export-{fmt}",
        on_click="ignore",
        disabled=not confirmed,
        icon=":material/download:",
        width="stretch",
    )

st.subheader("抽取错误")
flagged = store.queue_count(conn, store.QueueFilter(township=township, status="flagged"))
st.caption(
    f"审核人标记为抽取错误的事项 {flagged} 条（乱码、边界错误等），附审核人说明；可交给抽取模块作为测试用例。"
)
st.download_button(
    "下载抽取错误（JSONL）",
    data=partial(flagged_jsonl, config.get("db"), township),
    file_name=f"{township or '全部'}抽取错误.jsonl",
    mime="application/jsonl",
    key="export-flagged",
    on_click="ignore",
    disabled=not flagged,
    icon=":material/flag:",
)
