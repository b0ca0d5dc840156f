"""What every page of the review app shares: the session's workspace connection, reviewer and township.

A browser session owns one connection kept in `st.session_state`. Streamlit runs each rerun (and the widget
callbacks before it) in a new thread and may start a rerun before the previous one has stopped, so every use of
the connection happens under the session's lock (`locked()`).

Example (inside a page script):
    >>> with session.locked():  # doctest: +SKIP
    ...     store.add_review(session.workspace(), item_id, "confirm", reviewer=session.reviewer())
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from dutylist import config, store
from dutylist.errors import WorkspaceError

ALL_TOWNSHIPS = "__all__"

STYLE = """
<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.5rem;}
.dl-path {color: #5f6b7a; font-size: 0.95rem; margin-bottom: 0.4rem;}
.dl-text {font-size: 1.75rem; font-weight: 600; line-height: 1.45; color: #1f2a37; margin-bottom: 0.6rem;}
.dl-detail {font-size: 1.1rem; line-height: 1.7; color: #333f4d; margin-bottom: 0.8rem;}
.dl-fields {display: grid; grid-template-columns: 7.5em 1fr; row-gap: 0.35rem; column-gap: 0.8rem;
            font-size: 0.98rem; border-top: 1px solid #e3e7ec; padding-top: 0.7rem;}
.dl-fields dt {color: #5f6b7a;}
.dl-fields dd {margin: 0; color: #1f2a37;}
.dl-label {font-size: 1.45rem; font-weight: 700; color: #0b5cad;}
.dl-confidence {font-size: 1.05rem; color: #333f4d; margin-bottom: 0.4rem;}
.dl-gap {margin-top: 0.7rem;}
.dl-prob {display: grid; grid-template-columns: 2.4em 1fr 2.8em; align-items: center; column-gap: 0.4rem;
          font-size: 0.9rem; color: #5f6b7a; margin-top: 0.25rem;}
.dl-bar {height: 0.5rem; background: #e8edf2; border-radius: 3px; overflow: hidden;}
.dl-bar span {display: block; height: 100%; background: #6f96c4;}
.dl-chip {display: inline-block; background: #eef3f8; border: 1px solid #d5dfea; border-radius: 4px;
          padding: 0.05rem 0.45rem; margin: 0 0.3rem 0.3rem 0; font-size: 0.92rem;}
.dl-keys {color: #5f6b7a; font-size: 0.92rem;}
.dl-keys kbd {background: #f4f6f8; border: 1px solid #c9d1da; border-bottom-width: 2px; border-radius: 3px;
              padding: 0 0.35rem; font-size: 0.85rem; color: #1f2a37;}
[data-testid="stBaseButton-primary"] {min-height: 3rem;}
[data-testid="stBaseButton-primary"] p {font-size: 1.1rem; font-weight: 600;}
</style>
"""


def start() -> None:
    """Every run: make sure the session has its lock, undo list, reviewer and township.

    Reviewer and township come from the URL first (a refresh keeps them), then from the settings. They are
    checked every run because Streamlit drops a widget's value in a run that did not draw the widget.
    """
    state = st.session_state
    if "lock" not in state:
        state.lock = threading.Lock()
        state.decided = []
    if "reviewer" not in state:
        state.reviewer = st.query_params.get("reviewer") or config.get("reviewer")
    if "township" not in state:
        state.township = st.query_params.get("township") or ALL_TOWNSHIPS


@contextmanager
def locked() -> Iterator[None]:
    """Hold the session's lock: one thread at a time uses the session's connection."""
    with st.session_state.lock:
        yield


def workspace() -> store.Workspace:
    """The session's workspace connection, opened on first use from DUTYLIST_DB (set by `dutylist review`).

    A workspace that cannot be opened stops the page with the reason and what to do.
    """
    if "workspace" not in st.session_state:
        path = config.get("db")
        try:
            st.session_state.workspace = store.open(path, check_same_thread=False)
        except WorkspaceError as exc:
            st.error(f"无法打开工作库。{exc}")
            st.stop()
    return st.session_state.workspace


def reviewer() -> str:
    return st.session_state.reviewer.strip()


def township() -> str | None:
    """The township chosen in the sidebar, or None for all townships."""
    chosen = st.session_state.township
    return None if chosen == ALL_TOWNSHIPS else chosen


def sidebar() -> None:
    """Reviewer name and township filter, mirrored into the URL so a refresh keeps them.

    The reviewer box comes first so that it stays usable even when the workspace cannot be opened.
    """
    st.sidebar.text_input("审核人", key="reviewer", help="写入每条审核记录 / recorded with every decision")
    if not reviewer():
        st.sidebar.warning("请先填写审核人姓名。")
    st.query_params["reviewer"] = reviewer()
    names = [name for name in store.townships(workspace()) if name]
    if st.session_state.township not in (ALL_TOWNSHIPS, *names):
        st.session_state.township = ALL_TOWNSHIPS
    st.sidebar.selectbox(
        "乡镇（街道）",
        [ALL_TOWNSHIPS, *names],
        key="township",
        format_func=lambda name: "全部" if name == ALL_TOWNSHIPS else name,
    )
    if township() is None:
        st.query_params.pop("township", None)
    else:
        st.query_params["township"] = township()
