"""What every page of the review app shares: the session's workspace connection, the signed-in user, township.

A browser session owns one connection kept in `st.session_state`. Streamlit runs each rerun (and the widget
callbacks before it) in a new thread and may start a rerun before the previous one has stopped, so every use of
the connection happens under the session's lock (`locked()`).

Nothing is shown before sign-in: `require_user()` draws the sign-in form and stops the run until a user of the
workspace (`dutylist user add`) gives the right password. The reviewer written to every review is that user.

Example (inside a page script):
    >>> with session.locked():  # doctest: +SKIP
    ...     store.add_review(session.workspace(), item_id, "confirm", reviewer=session.reviewer())
"""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st

from dutylist import config, store
from dutylist.errors import SignInLocked, WorkspaceError

ALL_TOWNSHIPS = "__all__"
ROLE_NAMES = {"admin": "管理员", "reviewer": "审核员"}

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
.dl-status {display: inline-block; border-radius: 4px; padding: 0 0.4rem; font-size: 0.85rem;
            background: #fff4e0; color: #8a5a00; margin-left: 0.4rem; vertical-align: middle;}
.dl-keys {color: #5f6b7a; font-size: 0.92rem;}
.dl-keys kbd {background: #f4f6f8; border: 1px solid #c9d1da; border-bottom-width: 2px; border-radius: 3px;
              padding: 0 0.35rem; font-size: 0.85rem; color: #1f2a37;}
.dl-context {font-size: 0.95rem; line-height: 1.6; color: #5f6b7a; padding: 0.15rem 0.5rem;}
.dl-context b {color: #1f2a37;}
.dl-context.dl-here {background: #eef3f8; border-left: 3px solid #0b5cad; color: #1f2a37;}
[data-testid="stBaseButton-primary"] {min-height: 3rem;}
[data-testid="stBaseButton-primary"] p {font-size: 1.1rem; font-weight: 600;}
.st-key-undo_backspace {display: none;}
</style>
"""


def start() -> None:
    """Every run: make sure the session has its lock, undo list and township.

    The township comes from the URL first (a refresh keeps it). It is checked every run because Streamlit drops
    a widget's value in a run that did not draw the widget.
    """
    state = st.session_state
    if "lock" not in state:
        state.lock = threading.Lock()
        state.decided = []
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


def sign_in() -> None:
    """Sign-in form callback: sign the user in, or leave a message saying why not (a wrong password, or a name
    locked after too many failures); the password is not kept."""
    state = st.session_state
    error = "用户名或密码不对，请重试。/ wrong name or password"
    with locked():
        try:
            user = store.check_password(workspace(), state.sign_in_name, state.sign_in_password)
        except SignInLocked as exc:
            user, error = None, str(exc)
    state.sign_in_password = ""
    if user is None:
        state.sign_in_error = error
    else:
        state.user = user
        state.pop("sign_in_error", None)


def sign_out() -> None:
    """Button callback: give back the user's leases and forget the user (the place stays in the URL)."""
    with locked():
        store.release(workspace(), reviewer())
    del st.session_state.user
    st.session_state.decided = []


def require_user() -> dict:
    """The signed-in user ({name, role}); before sign-in, draw the sign-in form and stop the run."""
    if "user" in st.session_state:
        return st.session_state.user
    conn = workspace()
    st.title("履职事项审核")
    if not store.users(conn):
        st.info(
            "这个工作库还没有用户。请管理员在命令行添加一个，例如：\n\n"
            "`dutylist user add 张三 --role admin`\n\n然后刷新本页登录。"
            " / No user yet: add one with `dutylist user add NAME --role admin`."
        )
        st.stop()
    with st.form("sign-in", border=True, width=420):
        st.subheader("登录")
        st.text_input("用户名", key="sign_in_name")
        st.text_input("密码", type="password", key="sign_in_password")
        st.form_submit_button("登录", type="primary", on_click=sign_in, width="stretch")
        if "sign_in_error" in st.session_state:
            st.error(st.session_state.sign_in_error)
    st.stop()


def reviewer() -> str:
    return st.session_state.user["name"]


def is_admin() -> bool:
    return st.session_state.user["role"] == "admin"


def township() -> str | None:
    """The township chosen in the sidebar, or None for all townships."""
    chosen = st.session_state.township
    return None if chosen == ALL_TOWNSHIPS else chosen


def sidebar() -> None:
    """Who is signed in (with sign-out) and the township filter, mirrored into the URL so a refresh keeps it."""
    user = st.session_state.user
    st.sidebar.markdown(f"**{user['name']}**（{ROLE_NAMES[user['role']]}）")
    st.sidebar.button("退出登录", key="sign_out", on_click=sign_out, icon=":material/logout:")
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
