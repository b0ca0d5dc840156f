"""裁决 (admins only): double-reviewed items whose two reviewers disagree; the admin picks the final verdict,
recorded as a review event in the admin's name (note 裁决), and the item leaves the list."""

from html import escape

import streamlit as st

from dutylist import store
from dutylist.items import LABEL_NAMES
from review_app import session

VERDICT_NAMES = {**LABEL_NAMES, "rejected": "不是事项（剔除）"}


def decide(item_id: str) -> None:
    """Verdict button callback: record the admin's verdict (the choice made in this item's radio)."""
    verdict = st.session_state[f"verdict_{item_id}"]
    with session.locked():
        store.adjudicate(session.workspace(), item_id, verdict, session.reviewer())
    st.session_state.notice = f"已裁决为「{VERDICT_NAMES[verdict]}」。"


st.title("双人审核裁决")
if not session.is_admin():
    st.warning("只有管理员可以裁决。/ Admins only.")
    st.stop()
if "notice" in st.session_state:
    st.toast(st.session_state.pop("notice"))
conn = session.workspace()
rows = store.disagreements(conn, session.township())
st.caption("两位审核人判断不一致的事项。请查看原文后选定最终分类，裁决记入审核记录。")
if not rows:
    st.success("没有待裁决的分歧。")
    st.stop()
st.markdown(f"待裁决 **{len(rows)}** 条。")
for row in rows:
    item = store.item_state(conn, row["item_id"])
    with st.container(border=True, key=f"dispute_{row['item_id']}"):
        st.markdown(f"**{escape(item['text'])}**")
        if item["detail"]:
            st.caption(item["detail"])
        (a, b), names = row["labels"], (row["first"], row["second"])
        st.markdown(
            f"{escape(names[0])}：**{VERDICT_NAMES[a]}**　·　{escape(names[1])}：**{VERDICT_NAMES[b]}**"
            f"　·　模型建议：{LABEL_NAMES.get(item['proposed_label'], '—')}（{item['file']}）"
        )
        left, right = st.columns([4, 1], vertical_alignment="bottom")
        left.radio(
            "最终分类",
            list(VERDICT_NAMES),
            index=list(VERDICT_NAMES).index(b),
            key=f"verdict_{row['item_id']}",
            format_func=VERDICT_NAMES.get,
            horizontal=True,
        )
        right.button(
            "裁决",
            key=f"adjudicate_{row['item_id']}",
            on_click=decide,
            args=(row["item_id"],),
            type="primary",
        )
