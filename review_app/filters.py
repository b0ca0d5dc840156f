"""The queue's order and filters: sidebar widgets whose values live in the URL (a refresh or a shared link keeps
them) and in the session (a visit to another page keeps them), turned into a `store.QueueFilter`.

Example (inside the queue page):
    >>> queue = filters.sidebar(conn, township)  # doctest: +SKIP
    >>> store.take_item(conn, session.reviewer(), queue)  # doctest: +SKIP
"""

import streamlit as st

from dutylist import config, store
from dutylist.errors import DutylistError
from dutylist.items import LABEL_NAMES, LABELS

MODES = {"uncertain": "最不确定的优先", "document": "按文件顺序", "audit": "抽查自动通过的事项"}
# Confidence bands: URL value -> (label, lower bound, upper bound).
BANDS = {
    "": ("全部", None, None),
    "low": ("低于 60%", None, 0.6),
    "mid": ("60%–80%", 0.6, 0.8),
    "high": ("80%–90%", 0.8, 0.9),
    "top": ("90% 以上", 0.9, None),
}
STATUS_NAMES = {"pending": "待审核", "confirmed": "已确认", "rejected": "已剔除", "flagged": "已标记问题"}
STATUSES = {**STATUS_NAMES, "any": "全部"}
# URL parameter -> default; each has a widget keyed "f_" + name.
DEFAULTS = {
    "mode": "uncertain",
    "q": "",
    "doc": "",
    "section": "",
    "label": "",
    "band": "",
    "status": "pending",
    "by": "",
    "flagged": "",
}


def _restore() -> dict:
    """The saved filter values (from the URL on the session's first run), copied into missing widget keys."""
    state = st.session_state
    if "filters" not in state:
        state.filters = {name: st.query_params.get(name, default) for name, default in DEFAULTS.items()}
    for name, value in state.filters.items():
        if f"f_{name}" not in state:
            state[f"f_{name}"] = bool(value) if name == "flagged" else value
    return state.filters


def _valid(name: str, options: list[str] | dict) -> None:
    """A value the options no longer hold (a link from another workspace) falls back to the default."""
    if st.session_state[f"f_{name}"] not in options:
        st.session_state[f"f_{name}"] = DEFAULTS[name]


def sidebar(conn: store.Workspace, township: str | None) -> store.QueueFilter:
    """Draw the order and filter widgets in the sidebar; return the filter they describe."""
    saved = _restore()
    docs = {doc["sha256"]: doc["path"] for doc in store.documents(conn, township)}
    doc_options = ["", *docs]
    by_options = ["", *store.reviewers(conn)]
    for name, options in (
        ("mode", MODES),
        ("doc", doc_options),
        ("label", ["", *LABELS]),
        ("band", BANDS),
        ("status", STATUSES),
        ("by", by_options),
    ):
        _valid(name, options)

    bar = st.sidebar
    bar.divider()
    bar.radio("审核顺序", list(MODES), key="f_mode", format_func=MODES.get)
    bar.text_input("全文搜索", key="f_q", placeholder="事项名称或内容中的词")
    bar.selectbox("文件", doc_options, key="f_doc", format_func=lambda sha: docs.get(sha, "全部"))
    bar.text_input("章节包含", key="f_section", placeholder="如：民生服务")
    bar.selectbox("模型建议", ["", *LABELS], key="f_label", format_func=lambda x: LABEL_NAMES.get(x, "全部"))
    bar.selectbox("置信度", list(BANDS), key="f_band", format_func=lambda band: BANDS[band][0])
    bar.selectbox("状态", list(STATUSES), key="f_status", format_func=STATUSES.get)
    bar.selectbox("审核人", by_options, key="f_by", format_func=lambda name: name or "全部")
    bar.checkbox("只看标记了问题的", key="f_flagged", help="审核人标记的抽取错误，或抽取时发现的乱码等")

    for name, default in DEFAULTS.items():
        value = st.session_state[f"f_{name}"]
        saved[name] = ("1" if value else "") if name == "flagged" else value
        if saved[name] == default:
            st.query_params.pop(name, None)
        else:
            st.query_params[name] = saved[name]
    return to_filter(saved, township)


def to_filter(values: dict, township: str | None) -> store.QueueFilter:
    """The `store.QueueFilter` for URL-style filter values."""
    _, low, high = BANDS[values["band"]]
    return store.QueueFilter(
        mode=values["mode"],
        township=township,
        doc=values["doc"] or None,
        section=values["section"].strip(),
        label=values["label"] or None,
        min_confidence=low,
        max_confidence=high,
        status=None if values["status"] == "any" else values["status"],
        reviewer=values["by"] or None,
        flagged=bool(values["flagged"]),
        search=values["q"].strip(),
        overlap=overlap(),
    )


def overlap() -> float:
    """The fraction of items reviewed by two reviewers (chosen by item id): setting `overlap`; 0 is off.

    >>> overlap()  # doctest: +SKIP
    0.1
    """
    value = config.get("overlap")
    try:
        fraction = float(value)
    except ValueError:
        fraction = -1.0
    if not 0 <= fraction <= 1:
        raise DutylistError(
            f"DUTYLIST_OVERLAP={value!r} 应是 0 到 1 之间的小数（如 0.1）/ must be a fraction from 0 to 1"
        )
    return fraction
