"""审核队列: one pending item at a time, least confident first; a decision is one click or one key.

The current item's id is kept in the URL (`?item=`), so a refresh or a restart comes back to it; an item that
was decided meanwhile is replaced by the next pending one.
"""

import re
from html import escape

import streamlit as st

from dutylist import store
from dutylist.items import LABEL_NAMES, LABELS
from review_app import session

SHORT_NAMES = {"basic": "基本", "cooperative": "配合", "returned": "收回"}
LABEL_KEYS = {"basic": "1", "cooperative": "2", "returned": "3"}
ACTION_NAMES = {"confirm": "确认为", "relabel": "改判为", "reject": "剔除（不是事项）"}
KEY_HINTS = (
    ("Enter", "确认建议"),
    ("1", "基本"),
    ("2", "配合"),
    ("3", "收回"),
    ("X", "不是事项"),
    ("U", "撤销上一步"),
)


def decide(item_id: str, action: str, label: str | None = None) -> None:
    """Button callback: write the decision unless the item is no longer pending (a double key press)."""
    with session.locked():
        conn = session.workspace()
        state = store.item_state(conn, item_id)
        if state is None or state["status"] != "pending":
            st.session_state.notice = "这条事项已经审核过，已显示下一条。"
            return
        review = store.add_review(conn, item_id, action, label, session.reviewer())
    st.session_state.decided.append({"id": item_id, "text": state["text"], "review": review})


def undo() -> None:
    """Button callback: undo this session's latest decision and show that item again."""
    with session.locked():
        last = st.session_state.decided.pop()
        store.add_review(session.workspace(), last["id"], "undo", reviewer=session.reviewer())
    st.query_params["item"] = last["id"]


def current_item(conn: store.Workspace, township: str | None) -> dict | None:
    """The item named in the URL if it still waits for review, else the least confident pending one."""
    wanted = st.query_params.get("item")
    if wanted:
        state = store.item_state(conn, wanted)
        if (
            state
            and state["status"] == "pending"
            and state["proposed_label"]
            and township in (None, state["township"])
        ):
            return state
    queue = store.review_queue(conn, township, limit=1)
    return queue[0] if queue else None


def place(locator: str) -> str:
    """A reader's locator in words a clerk uses: "table 2 row 14" -> "表 2 第 14 行", "para 7" -> "第 7 段"."""
    words = re.sub(r"^table (\d+)", r"表 \1", locator)
    words = re.sub(r"^sheet (.+?)(?= row |$)", r"工作表「\1」", words)
    words = re.sub(r" row (\d+)$", r" 第 \1 行", words)
    return re.sub(r"^para (\d+)$", r"第 \1 段", words)


def source(item: dict) -> str:
    parts = [item["file"]]
    if item.get("page"):
        parts.append(f"第 {item['page']} 页")
    if item.get("locator"):
        parts.append(place(item["locator"]))
    return "，".join(parts)


def item_card(item: dict) -> str:
    """The item as HTML, every value escaped (item text comes from documents)."""
    fields = [
        ("牵头部门", item.get("lead_dept")),
        ("配合部门", "、".join(item.get("coop_depts") or [])),
        ("依据", item.get("basis")),
        ("来源", source(item)),
    ]
    rows = "".join(f"<dt>{name}</dt><dd>{escape(value or '—')}</dd>" for name, value in fields)
    path = " › ".join(item.get("section") or []) or "（无章节）"
    detail = f'<div class="dl-detail">{escape(item["detail"])}</div>' if item.get("detail") else ""
    return (
        f'<div class="dl-path">{escape(path)}</div><div class="dl-text">{escape(item["text"])}</div>'
        f'{detail}<dl class="dl-fields">{rows}</dl>'
    )


def proposal_card(item: dict) -> str:
    """The proposed label, its confidence, the three probabilities as bars and the evidence words."""
    probs = item.get("probs") or {}
    bars = "".join(
        f'<div class="dl-prob"><span>{SHORT_NAMES[label]}</span>'
        f'<span class="dl-bar"><span style="width:{probs.get(label, 0):.0%}"></span></span>'
        f"<span>{probs.get(label, 0):.0%}</span></div>"
        for label in LABELS
    )
    evidence = "".join(f'<span class="dl-chip">{escape(word)}</span>' for word in item.get("evidence") or [])
    return (
        f'<div class="dl-path">模型建议</div><div class="dl-label">{LABEL_NAMES[item["proposed_label"]]}</div>'
        f'<div class="dl-confidence">置信度 {item["confidence"]:.0%}</div>{bars}'
        + (f'<div class="dl-path dl-gap">依据词</div>{evidence}' if evidence else "")
    )


def actions(item: dict) -> None:
    """The decision buttons; each shows its key. Pressing a label equal to the proposal confirms it."""
    proposed = item["proposed_label"]
    ready = bool(session.reviewer())
    st.button(
        f"确认建议：{LABEL_NAMES[proposed]}",
        key="confirm",
        type="primary",
        on_click=decide,
        args=(item["id"], "confirm"),
        shortcut="Enter",
        disabled=not ready,
        width="stretch",
    )
    columns = st.columns(4)
    for column, label in zip(columns, LABELS, strict=False):
        column.button(
            LABEL_NAMES[label],
            key=label,
            on_click=decide,
            args=(item["id"], "confirm" if label == proposed else "relabel", label),
            shortcut=LABEL_KEYS[label],
            disabled=not ready,
            width="stretch",
        )
    columns[3].button(
        "不是事项",
        key="reject",
        on_click=decide,
        args=(item["id"], "reject"),
        shortcut="X",
        disabled=not ready,
        width="stretch",
    )


def footer(hints: bool) -> None:
    """Key hints, the last decision of this session (what undo would take back) and the undo button."""
    decided = st.session_state.decided
    left, right = st.columns([4, 1], vertical_alignment="center")
    if hints:
        keys = " ".join(f"<kbd>{key}</kbd> {name}" for key, name in KEY_HINTS)
        left.markdown(f'<div class="dl-keys">快捷键：{keys}</div>', unsafe_allow_html=True)
    if decided:
        review = decided[-1]["review"]
        verdict = ACTION_NAMES[review["action"]] + LABEL_NAMES.get(review["new_label"], "")
        left.markdown(
            f'<div class="dl-keys">上一步：「{escape(decided[-1]["text"])}」{verdict}'
            f"（审核人 {escape(review['reviewer'])}）</div>",
            unsafe_allow_html=True,
        )
    right.button("撤销上一步", key="undo", on_click=undo, disabled=not decided, shortcut="U", width="stretch")


conn = session.workspace()
township = session.township()
st.title("审核队列")
if "notice" in st.session_state:
    st.toast(st.session_state.pop("notice"))
counts = store.review_progress(conn, township)
reviewed, total = counts["reviewed"], counts["total"]
item = current_item(conn, township)

if total:
    st.progress(reviewed / total, text=f"已审核 {reviewed} / 共 {total} 条")
if item is None:
    st.query_params.pop("item", None)
    if total:
        st.success("这里的事项都已审核完毕。可到「导出」页下载三张清单。")
    else:
        st.info(
            "还没有待审核的事项。请先运行 `dutylist extract 文件夹/` 抽取事项，再运行 `dutylist classify`"
            " 生成模型建议，然后刷新本页。"
        )
    if st.session_state.decided:
        footer(hints=False)
    st.stop()

st.query_params["item"] = item["id"]
with st.container(border=True):
    text_column, proposal_column = st.columns([3, 1], gap="large")
    text_column.markdown(item_card(item), unsafe_allow_html=True)
    proposal_column.markdown(proposal_card(item), unsafe_allow_html=True)
actions(item)
footer(hints=True)
