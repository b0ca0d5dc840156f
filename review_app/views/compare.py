"""乡镇清单对比: the townships' confirmed lists side by side, duty by duty, and the differences worth a look.

The page calls the same `classify.compare.compare` as `dutylist compare`: a matrix chart (duty x township ->
list) with Altair, list sizes per township, the findings, and the xlsx `dutylist compare -o` writes.
"""

import io
from functools import partial

import altair as alt
import pandas as pd
import streamlit as st

from classify import compare
from dutylist import store
from dutylist.errors import DutylistError
from dutylist.items import LABEL_NAMES, LABELS
from review_app import session

ABSENT = "未列入"
ORDER = [*(LABEL_NAMES[label] for label in LABELS), ABSENT]
PALETTE = ["#70ad47", "#5b9bd5", "#ed7d31", "#e7e6e6"]


def xlsx_bytes(result: compare.Comparison) -> bytes:
    buffer = io.BytesIO()
    compare.write_xlsx(result, buffer)
    return buffer.getvalue()


conn = session.workspace()
st.title("乡镇清单对比")
st.caption(
    "按相似度把各乡镇（街道）表述不同的同一事项对齐，找出：同一事项归属不同清单、多数乡镇列入而个别未列入、"
    "仅一个乡镇列入，以及清单结构明显不同的乡镇。"
)
names = store.confirmed_townships(conn)
if len(names) < 2:
    st.info(
        "对比至少需要两个乡镇（街道）的已确认清单。请先导入（dutylist lists import 清单文件 --township 名称），"
        "或在「审核队列」中确认事项。"
    )
    st.stop()
chosen = st.multiselect("参与对比的乡镇（街道）", names, default=names, key="compare-townships")
if len(chosen) < 2:
    st.info("请至少选择两个乡镇（街道）。")
    st.stop()
try:
    result = compare.compare(conn, chosen)
except DutylistError as exc:
    st.error(str(exc))
    st.stop()

kinds = compare.kinds_by_duty(result)
columns = st.columns(1 + len(compare.FINDING_NAMES))
columns[0].metric("对齐后的事项", len(result.duties), border=True)
for column, (kind, title) in zip(columns[1:], compare.FINDING_NAMES.items(), strict=True):
    column.metric(title, sum(finding.kind == kind for finding in result.findings), border=True)

st.subheader("事项对照")
only_differences = st.toggle("只看有差异的事项", value=True, key="compare-only-differences")
shown = [number for number in range(len(result.duties)) if number in kinds or not only_differences]
cells = pd.DataFrame(
    [
        {
            "事项": f"{number + 1}. {result.duties[number].name}",
            "乡镇": township,
            "清单": LABEL_NAMES[result.duties[number].labels[township]]
            if township in result.duties[number].labels
            else ABSENT,
            "差异": "、".join(kinds.get(number, [])) or "无",
        }
        for number in shown
        for township in result.townships
    ]
)
if cells.empty:
    st.success("所选乡镇的清单没有差异。")
else:
    matrix = (
        alt.Chart(cells)
        .mark_rect(stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("乡镇:N", sort=result.townships, title=None, axis=alt.Axis(orient="top", labelAngle=0)),
            y=alt.Y("事项:N", sort=None, title=None, axis=alt.Axis(labelLimit=320, labelOverlap=False)),
            color=alt.Color(
                "清单:N", scale=alt.Scale(domain=ORDER, range=PALETTE), legend=alt.Legend(orient="top")
            ),
            tooltip=["事项", "乡镇", "清单", "差异"],
        )
        .properties(height=max(120, 26 * len(shown)))
    )
    st.altair_chart(matrix, width="stretch")

st.subheader("清单规模")
sizes = pd.DataFrame(
    [
        {"乡镇": township, "清单": LABEL_NAMES[label], "条数": counts[label], "顺序": order}
        for township, counts in result.sizes.items()
        for order, label in enumerate(LABELS)
    ]
)
bars = (
    alt.Chart(sizes)
    .mark_bar()
    .encode(
        x=alt.X("条数:Q", stack="zero", title="条数"),
        y=alt.Y("乡镇:N", sort=result.townships, title=None, axis=alt.Axis(labelOverlap=False)),
        color=alt.Color(
            "清单:N", scale=alt.Scale(domain=ORDER[:3], range=PALETTE[:3]), legend=alt.Legend(orient="top")
        ),
        order=alt.Order("顺序:Q"),
        tooltip=["乡镇", "清单", "条数"],
    )
    .properties(height=48 * len(result.townships) + 40)
)
st.altair_chart(bars, width="stretch")

st.subheader("差异")
findings = pd.DataFrame(
    [
        {
            "类型": compare.FINDING_NAMES[finding.kind],
            "事项": finding.name,
            "涉及乡镇": "、".join(finding.townships),
            "说明": finding.detail,
        }
        for finding in result.findings
    ],
    columns=["类型", "事项", "涉及乡镇", "说明"],
)
st.dataframe(findings, hide_index=True, width="stretch", key="compare-findings")

st.download_button(
    "下载对照表（Excel）",
    data=partial(xlsx_bytes, result),  # written when clicked, as on the export page
    file_name="乡镇清单对照.xlsx",
    key="compare-xlsx",
    icon=":material/download:",
    on_click="ignore",
)
st.caption(f"事项对齐：互为最佳匹配且相似度不低于 {result.threshold}（字符与词语 TF-IDF 余弦）。")
