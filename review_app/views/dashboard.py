"""概览: how far review has got (per document, per list), how sure the model is, who reviewed how much, how
much the auto-accept threshold covers and how well double reviewers agree; counted in SQL (store.dashboard,
store.agreement), drawn with Altair."""

import altair as alt
import pandas as pd
import streamlit as st

from dutylist import store
from dutylist.items import LABEL_NAMES
from review_app import filters, session

STATUS_NAMES = filters.STATUS_NAMES
STATUS_ORDER = list(STATUS_NAMES.values())
STATUS_COLORS = ["#c9d4e0", "#0b5cad", "#9aa5b1", "#e0a030"]
TOP_DOCUMENTS = 25
COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")  # counts are whole numbers
AGREEMENT_COLUMNS = {"items": "事项数", "agree": "一致", "disagree": "不一致", "kappa": "κ"}
VERDICT_NAMES = {**LABEL_NAMES, "rejected": "不是事项"}


def status_color() -> alt.Color:
    return alt.Color(
        "状态:N",
        sort=STATUS_ORDER,
        scale=alt.Scale(domain=STATUS_ORDER, range=STATUS_COLORS),
        legend=alt.Legend(orient="top", title=None),
    )


def progress_bars(rows: list[dict], key: str, title: str, names: dict | None = None) -> alt.Chart:
    """Stacked bars of item counts by status for each value of `key` (a document or a list)."""
    table = pd.DataFrame(
        {
            title: [(names or {}).get(row[key], row[key]) for row in rows],
            "状态": [STATUS_NAMES.get(row["status"], row["status"]) for row in rows],
            "条数": [row["n"] for row in rows],
        }
    )
    order = table.groupby(title)["条数"].sum().sort_values(ascending=False).index.tolist()
    return (
        alt.Chart(table)
        .mark_bar()
        .encode(
            x=alt.X("sum(条数):Q", title="条数", axis=COUNT_AXIS),
            y=alt.Y(f"{title}:N", sort=order, title=None, axis=alt.Axis(labelLimit=360)),
            color=status_color(),
            tooltip=[title, "状态", "条数"],
        )
        .properties(height=alt.Step(32))
    )


conn = session.workspace()
township = session.township()
figures = store.dashboard(conn, township)
by_status = {name: 0 for name in STATUS_NAMES}
for row in figures["labels"]:
    by_status[row["status"]] += row["n"]
files = store.documents(conn, township)

st.title("概览")
st.caption(f"范围：{township or '全部乡镇（街道）'}。事项指有模型建议的候选事项。")
columns = st.columns(6)
columns[0].metric("文件", len(files), border=True)
columns[1].metric("事项", sum(by_status.values()), border=True)
for column, (status, name) in zip(columns[2:], STATUS_NAMES.items(), strict=True):
    column.metric(name, by_status[status], border=True)

if not figures["labels"]:
    st.info("还没有模型建议，图表会在运行 `dutylist classify` 之后出现。")
    st.stop()

left, right = st.columns(2, gap="large")
with left:
    st.subheader("各清单审核进度")
    st.altair_chart(progress_bars(figures["labels"], "label", "模型建议", LABEL_NAMES), key="chart_labels")
    st.subheader("置信度分布")
    histogram = pd.DataFrame(
        {
            "置信度": [row["bin"] for row in figures["confidence"]],
            "条数": [row["n"] for row in figures["confidence"]],
        }
    )
    st.altair_chart(
        alt.Chart(histogram)
        .mark_bar(color="#6f96c4")
        .encode(
            x=alt.X(
                "置信度:Q", bin=alt.Bin(step=0.05, extent=[0, 1]), title="置信度", axis=alt.Axis(format="%")
            ),
            y=alt.Y("sum(条数):Q", title="条数", axis=COUNT_AXIS),
            tooltip=["置信度", "条数"],
        )
        .properties(height=220),
        key="chart_confidence",
    )
with right:
    st.subheader("审核人工作量")
    if figures["throughput"]:
        throughput = pd.DataFrame(figures["throughput"]).rename(
            columns={"reviewer": "审核人", "day": "日期", "n": "条数"}
        )
        st.altair_chart(
            alt.Chart(throughput)
            .mark_bar()
            .encode(
                x=alt.X("日期:N", title=None),
                y=alt.Y("sum(条数):Q", title="审核条数（不含撤销）", axis=COUNT_AXIS),
                color=alt.Color("审核人:N", legend=alt.Legend(orient="top", title=None)),
                xOffset="审核人:N",
                tooltip=["审核人", "日期", "条数"],
            )
            .properties(height=220),
            key="chart_throughput",
        )
    else:
        st.caption("还没有审核记录。")
    st.subheader("自动通过覆盖率")
    accepted = [row for row in figures["auto_accept"] if row["auto_accept"]]
    total = sum(row["n"] for row in figures["auto_accept"])
    covered = sum(row["n"] for row in accepted)
    audited = sum(row["n"] for row in accepted if row["status"] != "pending")
    st.markdown(
        f"模型有把握、可自动通过的事项 **{covered}** 条，占 **{covered / total:.0%}**；其中已人工抽查 {audited} 条"
        "（审核队列的「抽查自动通过的事项」）。"
    )
    coverage = pd.DataFrame(
        {
            "类别": ["自动通过" if row["auto_accept"] else "需人工审核" for row in figures["auto_accept"]],
            "状态": [STATUS_NAMES.get(row["status"], row["status"]) for row in figures["auto_accept"]],
            "条数": [row["n"] for row in figures["auto_accept"]],
        }
    )
    st.altair_chart(
        alt.Chart(coverage)
        .mark_bar()
        .encode(
            x=alt.X("sum(条数):Q", title="条数", axis=COUNT_AXIS),
            y=alt.Y("类别:N", sort=["自动通过", "需人工审核"], title=None),
            color=status_color(),
            tooltip=["类别", "状态", "条数"],
        )
        .properties(height=alt.Step(32)),
        key="chart_auto_accept",
    )

st.subheader("双人审核一致性")
agreement = store.agreement(conn, township)
if agreement["pairs"]:
    st.caption(
        "同一事项由两位审核人独立判断（剔除也算一种判断）；κ 为 Cohen's kappa，1 为完全一致，0 为与随机相当。"
    )
    left, right = st.columns(2, gap="large")
    left.dataframe(
        pd.DataFrame(agreement["pairs"]).rename(columns=AGREEMENT_COLUMNS | {"pair": "审核人"}),
        hide_index=True,
        key="agreement_pairs",
    )
    labels = pd.DataFrame(agreement["labels"]).rename(
        columns=AGREEMENT_COLUMNS | {"label": "分类（一对其余）"}
    )
    labels["分类（一对其余）"] = labels["分类（一对其余）"].map(VERDICT_NAMES)
    right.dataframe(labels, hide_index=True, key="agreement_labels")
else:
    st.caption("还没有两人都审核过的事项。")

documents = figures["documents"]
shown = sorted({row["file"] for row in documents})
st.subheader("各文件审核进度")
if len(shown) > TOP_DOCUMENTS:
    pending = {}
    for row in documents:
        pending[row["file"]] = pending.get(row["file"], 0) + row["n"] * (row["status"] == "pending")
    shown = sorted(pending, key=pending.get, reverse=True)[:TOP_DOCUMENTS]
    st.caption(f"共 {len(pending)} 个文件，显示待审核最多的 {TOP_DOCUMENTS} 个。")
st.altair_chart(
    progress_bars([row for row in documents if row["file"] in shown], "file", "文件"), key="chart_documents"
)

failed = [doc for doc in files if doc["status"] == "failed"]
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
