"""概览: workspace counts (store.stats) as metrics, proposals against confirmed items per list, failed files."""

import altair as alt
import pandas as pd
import streamlit as st

from dutylist import store
from dutylist.items import LABEL_NAMES, LABELS
from review_app import session

conn = session.workspace()
counts = store.stats(conn)
documents = counts["documents"]
status = counts["status"]

st.title("概览")
st.caption("全部乡镇（街道）的工作库统计。")
columns = st.columns(5)
columns[0].metric("文件", sum(documents.values()), border=True)
columns[1].metric("事项", counts["items"], border=True)
columns[2].metric("待审核", status["pending"], border=True)
columns[3].metric("已确认", status["confirmed"], border=True)
columns[4].metric("已剔除", status["rejected"], border=True)

st.subheader("三张清单")
names = [LABEL_NAMES[label] for label in LABELS]
table = pd.DataFrame(
    [
        {"清单": LABEL_NAMES[label], "类别": kind, "条数": counts[key][label]}
        for label in LABELS
        for kind, key in (("模型建议", "proposed"), ("已确认", "confirmed"))
    ]
)
bars = (
    alt.Chart(table)
    .mark_bar()
    .encode(
        x=alt.X("条数:Q", title="条数", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y("清单:N", sort=names, title=None),
        yOffset=alt.YOffset("类别:N", sort=["模型建议", "已确认"]),
        color=alt.Color(
            "类别:N",
            sort=["模型建议", "已确认"],
            scale=alt.Scale(range=["#9cb8d6", "#0b5cad"]),
            legend=alt.Legend(orient="top", title=None),
        ),
        tooltip=["清单", "类别", "条数"],
    )
)
chart = (
    bars + bars.mark_text(align="left", dx=4).encode(text="条数:Q", color=alt.value("#333f4d"))
).properties(height=300)
st.altair_chart(chart)

failed = [doc for doc in store.documents(conn) if doc["status"] == "failed"]
st.subheader("未能读取的文件")
if failed:
    st.dataframe(
        pd.DataFrame(
            {
                "文件": [doc["path"] for doc in failed],
                "原因": [doc["error"] or "" for doc in failed],
                "建议": [doc["hint"] or "" for doc in failed],
            }
        ),
        hide_index=True,
    )
else:
    st.caption("没有读取失败的文件。")
