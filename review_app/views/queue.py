"""审核队列: one item at a time in the chosen order and filters; a decision is one click or one key.

The item shown is leased to the signed-in reviewer (nobody else is served it) until a decision or the lease
expires. Its id and the filters are kept in the URL (`?item=`, `?mode=` …), so a refresh or a restart comes back
to it; an item decided meanwhile is replaced by the next one.
"""

from html import escape

import streamlit as st

from dutylist import store
from dutylist.errors import StaleItem
from dutylist.items import LABEL_NAMES, LABELS
from review_app import detail, filters, restructure, session

SHORT_NAMES = {"basic": "基本", "cooperative": "配合", "returned": "收回"}
LABEL_KEYS = {"basic": "1", "cooperative": "2", "returned": "3"}
ACTION_NAMES = {
    "confirm": "确认为",
    "relabel": "改判为",
    "reject": "剔除（不是事项）",
    "flag": "标记为抽取错误",
    "edit": "已修改",
}
KEY_HINTS = (
    ("Enter", "确认建议"),
    ("1", "基本"),
    ("2", "配合"),
    ("3", "收回"),
    ("X", "不是事项"),
    ("U / Backspace", "撤销上一步"),
    ("J", "下一条"),
    ("K", "上一条"),
)
BULK_DEFAULT = 0.9


def decide(
    item_id: str, action: str, label: str | None = None, shown: str = "pending", note: str = ""
) -> None:
    """Button callback: write the decision unless the item changed since it was shown (a double key press, or
    another reviewer), then move on to the next item."""
    with session.locked():
        try:
            review = store.add_review(
                session.workspace(), item_id, action, label, session.reviewer(), note=note, shown=shown
            )
        except (StaleItem, KeyError):
            st.session_state.notice = "这条事项已经审核过，已显示下一条。"
            st.session_state.step = 1
            return
    st.session_state.decided.append({"id": item_id, "text": review["text"], "review": review})
    st.session_state.goto, st.session_state.step = item_id, 1


def flag(item_id: str, shown: str) -> None:
    """Flag form callback: the reason and the note go into the review event."""
    reason = st.session_state[f"flag_reason_{item_id}"]
    note = st.session_state[f"flag_note_{item_id}"].strip()
    decide(item_id, "flag", shown=shown, note=f"{reason}：{note}" if note else reason)


def move(step: int) -> None:
    st.session_state.step = step


def undo() -> None:
    """Button callback (U or Backspace): undo this session's latest decision, edit, split or merge and show that
    item again."""
    with session.locked():
        last = st.session_state.decided.pop()
        if "batch" in last:
            store.undo_restructure(session.workspace(), last["batch"], session.reviewer())
        else:
            store.add_review(session.workspace(), last["id"], "undo", reviewer=session.reviewer())
    st.session_state.goto, st.session_state.step = last["id"], 0


def preview(queue: store.QueueFilter, minimum: float) -> None:
    """Preview button callback: count what a bulk confirm would touch (counted on demand: 50,000 rows)."""
    with session.locked():
        count = store.queue_count(session.workspace(), store.bulk_filter(queue, minimum), session.reviewer())
    st.session_state.bulk_count = {"queue": queue, "minimum": minimum, "count": count}


def bulk(queue: store.QueueFilter, minimum: float, expected: int) -> None:
    """Bulk button callback: confirm every pending item of the filter at or above `minimum` as one batch."""
    with session.locked():
        batch, count = store.bulk_confirm(session.workspace(), queue, minimum, session.reviewer())
    st.session_state.pop("bulk_count", None)
    st.session_state.batch = {"id": batch, "count": count}
    extra = f"（预览时为 {expected} 条，期间有变化）" if count != expected else ""
    st.session_state.notice = f"已批量确认 {count} 条{extra}。"


def undo_bulk() -> None:
    with session.locked():
        count = store.undo_batch(session.workspace(), st.session_state.pop("batch")["id"], session.reviewer())
    st.session_state.notice = f"已撤销批量确认：{count} 条回到原状态。"


def source(item: dict) -> str:
    parts = [item["file"]]
    if item.get("page"):
        parts.append(f"第 {item['page']} 页")
    if item.get("locator"):
        parts.append(detail.place(item["locator"]))
    return "，".join(parts)


def item_card(item: dict, blind: bool = False) -> str:
    """The item as HTML, every value escaped (item text comes from documents).

    blind: a second opinion on a double-review item; the first reviewer's decision is not shown.
    """
    fields = [
        ("牵头部门", item.get("lead_dept")),
        ("配合部门", "、".join(item.get("coop_depts") or [])),
        ("依据", item.get("basis")),
        ("来源", source(item)),
    ]
    rows = "".join(f"<dt>{name}</dt><dd>{escape(value or '—')}</dd>" for name, value in fields)
    path = escape(" › ".join(item.get("section") or []) or "（无章节）")
    if blind:
        path += '<span class="dl-status">双人审核：请独立判断</span>'
    elif item["status"] != "pending":
        label = LABEL_NAMES.get(item.get("final_label"), "")
        status = (
            f"{filters.STATUS_NAMES[item['status']]}{label and '：' + label}（{item.get('reviewer') or ''}）"
        )
        path += f'<span class="dl-status">{escape(status)}</span>'
    detail_html = f'<div class="dl-detail">{escape(item["detail"])}</div>' if item.get("detail") else ""
    return (
        f'<div class="dl-path">{path}</div>'
        f'<div class="dl-text">{escape(item["text"])}</div>{detail_html}<dl class="dl-fields">{rows}</dl>'
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
    proposed, shown = item["proposed_label"], item["status"]
    st.button(
        f"确认建议：{LABEL_NAMES[proposed]}",
        key="confirm",
        type="primary",
        on_click=decide,
        args=(item["id"], "confirm", None, shown),
        shortcut="Enter",
        width="stretch",
    )
    columns = st.columns([5, 5, 6, 4, 4, 4])
    for column, label in zip(columns, LABELS, strict=False):
        column.button(
            LABEL_NAMES[label],
            key=label,
            on_click=decide,
            args=(item["id"], "confirm" if label == proposed else "relabel", label, shown),
            shortcut=LABEL_KEYS[label],
            width="stretch",
        )
    columns[3].button(
        "不是事项",
        key="reject",
        on_click=decide,
        args=(item["id"], "reject", None, shown),
        shortcut="X",
        width="stretch",
    )
    columns[4].button("上一条", key="previous", on_click=move, args=(-1,), shortcut="K", width="stretch")
    columns[5].button("下一条", key="next", on_click=move, args=(1,), shortcut="J", width="stretch")


def footer(hints: bool) -> None:
    """Key hints, the last decision of this session (what undo would take back) and the undo button."""
    decided = st.session_state.decided
    left, right = st.columns([4, 1], vertical_alignment="center")
    if hints:
        keys = " ".join(f"<kbd>{key}</kbd> {name}" for key, name in KEY_HINTS)
        left.markdown(f'<div class="dl-keys">快捷键：{keys}</div>', unsafe_allow_html=True)
    if decided:
        left.markdown(
            f'<div class="dl-keys">上一步：「{escape(decided[-1]["text"])}」{verdict(decided[-1])}'
            f"（审核人 {escape(session.reviewer())}）</div>",
            unsafe_allow_html=True,
        )
    right.button("撤销上一步", key="undo", on_click=undo, disabled=not decided, shortcut="U", width="stretch")
    # Backspace is the second undo key; a button takes one shortcut, so this twin is hidden (session.STYLE).
    right.button("撤销", key="undo_backspace", on_click=undo, disabled=not decided, shortcut="Backspace")


def verdict(decision: dict) -> str:
    """What a decision of this session did, in words (a split or merge says so itself)."""
    if "verdict" in decision:
        return decision["verdict"]
    review = decision["review"]
    if review["action"] in ("edit", "flag"):
        return ACTION_NAMES[review["action"]]
    return ACTION_NAMES[review["action"]] + LABEL_NAMES.get(review["new_label"], "")


def bulk_panel(queue: store.QueueFilter) -> None:
    """Confirm every pending item of the current filter above a confidence: count first, one undo after."""
    minimum = st.slider("置信度不低于", 0.5, 1.0, BULK_DEFAULT, 0.01, key="bulk_minimum", format="%.2f")
    st.button(
        "预览条数", key="bulk_preview", on_click=preview, args=(queue, minimum), icon=":material/search:"
    )
    shown = st.session_state.get("bulk_count")
    if shown and shown["queue"] == queue and shown["minimum"] == minimum:
        count = shown["count"]
        st.markdown(
            f"按当前筛选，置信度不低于 {minimum:.0%} 的待审核事项共 **{count}** 条，将全部确认为模型建议的分类。"
        )
        st.button(
            f"确认这 {count} 条",
            key="bulk_confirm",
            type="primary",
            on_click=bulk,
            args=(queue, minimum, count),
            disabled=count == 0,
            icon=":material/done_all:",
        )
    batch = st.session_state.get("batch")
    if batch:
        st.button(
            f"撤销刚才的批量确认（{batch['count']} 条）",
            key="bulk_undo",
            on_click=undo_bulk,
            icon=":material/undo:",
        )


def chosen_item(conn: store.Workspace, queue: store.QueueFilter) -> dict | None:
    """Lease and return the item to show: the URL's (or the one a callback named), moved by j/k or a decision.

    A changed filter starts from the top of its queue.
    """
    state = st.session_state
    step = state.pop("step", 0)
    current = state.pop("goto", None) or st.query_params.get("item")
    if state.get("queue_filter") not in (None, queue):
        current, step = None, 0
    state.queue_filter = queue
    return store.take_item(conn, session.reviewer(), queue, current=current, step=step)


conn = session.workspace()
township = session.township()
queue = filters.sidebar(conn, township)
st.title("审核队列")
if "notice" in st.session_state:
    st.toast(st.session_state.pop("notice"))
counts = store.queue_progress(conn, township)
reviewed, total = counts["reviewed"], counts["total"]
item = chosen_item(conn, queue)

if total:
    st.progress(reviewed / total, text=f"已审核 {reviewed} / 共 {total} 条")
if item is None:
    st.query_params.pop("item", None)
    if not total:
        st.info(
            "还没有待审核的事项。请先运行 `dutylist extract 文件夹/` 抽取事项，再运行 `dutylist classify`"
            " 生成模型建议，然后刷新本页。"
        )
    elif queue == filters.to_filter(filters.DEFAULTS, township):
        st.success("这里的事项都已审核完毕。可到「导出」页下载三张清单。")
    else:
        st.info("当前筛选下没有可审核的事项（或正由其他审核人处理）。可在左侧修改筛选条件。")
    if st.session_state.decided:
        footer(hints=False)
    if st.session_state.get("batch"):
        bulk_panel(queue)
    st.stop()

st.query_params["item"] = item["id"]
# Served decided while the queue asks for pending items: a second opinion (double review), given blind.
blind = item["status"] != "pending" and queue.status == "pending"
with st.container(border=True):
    text_column, proposal_column = st.columns([3, 1], gap="large")
    text_column.markdown(item_card(item, blind), unsafe_allow_html=True)
    proposal_column.markdown(proposal_card(item), unsafe_allow_html=True)
actions(item)
footer(hints=True)

tabs = st.tabs(["原文与上下文", "审核记录", "修改事项", "拆分或合并", "标记抽取错误", "批量确认"])
with tabs[0]:
    detail.source(conn, item)
with tabs[1]:
    if blind:
        st.caption("双人审核的事项，在您作出判断之前不显示他人的审核记录。")
    else:
        detail.history(conn, item)
with tabs[2]:
    detail.edit_form(item)
with tabs[3]:
    restructure.forms(conn, item)
with tabs[4]:
    detail.flag_form(item, flag)
with tabs[5]:
    bulk_panel(queue)
