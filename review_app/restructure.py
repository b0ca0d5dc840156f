"""Split one candidate into two, or merge it with the next one of its document (a wrong extraction boundary).

The originals stay in the workspace, rejected with the reason; the new items enter the queue with the original's
proposal. Undo (the queue's 撤销上一步) restores the originals and withdraws the new items.

Example (inside the queue page):
    >>> restructure.forms(conn, item)  # doctest: +SKIP
"""

import streamlit as st

from dutylist import store
from review_app import session


def _done(item_id: str, result: dict, text: str, verdict: str) -> None:
    """Remember the split or merge for undo (which shows the original again) and show the first new item."""
    state = st.session_state
    state.decided.append({"id": item_id, "text": text, "batch": result["batch"], "verdict": verdict})
    state.goto, state.step = result["ids"][0], 0


def split(item_id: str, text: str) -> None:
    """Split form callback: the two texts become two new items after the original."""
    state = st.session_state
    texts = [state[f"split_{n}_{item_id}"] for n in (1, 2)]
    with session.locked():
        try:
            result = store.split_item(session.workspace(), item_id, texts, session.reviewer())
        except ValueError as exc:
            state.notice = f"没有拆分：{exc}"
            return
    state.notice = "已拆分为两条新事项，可用「撤销上一步」恢复。"
    _done(item_id, result, text, "已拆分为两条")


def merge(item_id: str, text: str) -> None:
    """Merge form callback: this item and the next become one new item with the text from the form."""
    state = st.session_state
    with session.locked():
        try:
            result = store.merge_with_next(
                session.workspace(), item_id, session.reviewer(), state[f"merge_text_{item_id}"]
            )
        except ValueError as exc:
            state.notice = f"没有合并：{exc}"
            return
    state.notice = "已与下一条合并为一条新事项，可用「撤销上一步」恢复。"
    _done(item_id, result, text, "已与下一条合并")


def forms(conn: store.Workspace, item: dict) -> None:
    """The split form (two texts, prefilled with the original) and the merge form (with the next item's text)."""
    item_id, text = item["id"], item["text"]
    st.caption("拆分：原事项保留并标为已剔除，两条新事项进入审核队列，沿用原事项的模型建议和出处。")
    with st.form(f"split-{item_id}", border=False):
        middle = len(text) // 2
        st.text_input("第一条事项名称", value=text[:middle], key=f"split_1_{item_id}")
        st.text_input("第二条事项名称", value=text[middle:], key=f"split_2_{item_id}")
        st.form_submit_button(
            "拆分为两条", on_click=split, args=(item_id, text), icon=":material/call_split:"
        )
    st.divider()
    following = store.next_in_document(conn, item_id)
    if following is None:
        st.caption("这是本文件的最后一条事项，没有下一条可合并。")
        return
    st.caption(f"合并：与本文件的下一条「{following['text']}」合并为一条新事项，两条原事项标为已剔除。")
    with st.form(f"merge-{item_id}", border=False):
        st.text_input("合并后的事项名称", value=text + following["text"], key=f"merge_text_{item_id}")
        st.form_submit_button(
            "与下一条合并", on_click=merge, args=(item_id, text), icon=":material/call_merge:"
        )
