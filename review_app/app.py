"""The review app's entrypoint: `dutylist review` (or `make review`) runs it with DUTYLIST_DB set.

    streamlit run review_app/app.py   # workspace from DUTYLIST_DB, else the configured default

It opens the session's workspace, asks for sign-in, draws the shared sidebar and hands over to the chosen page.
Reviewers see the queue, the dashboard, the admission check and the township comparison; admins also export
and adjudicate double-review disagreements.
"""

import streamlit as st

from review_app import session

st.set_page_config(page_title="履职事项审核", page_icon=":material/fact_check:", layout="wide")
st.markdown(session.STYLE, unsafe_allow_html=True)

session.start()
signed_in = "user" in st.session_state
pages = [
    st.Page("views/queue.py", title="审核队列", icon=":material/fact_check:", default=True),
    st.Page("views/dashboard.py", title="概览", icon=":material/monitoring:"),
    st.Page("views/admission.py", title="职责准入审查", icon=":material/rule:", url_path="admission"),
    st.Page("views/compare.py", title="乡镇清单对比", icon=":material/compare_arrows:", url_path="compare"),
]
if not signed_in or session.is_admin():
    pages.append(st.Page("views/export.py", title="导出", icon=":material/download:"))
    pages.append(st.Page("views/adjudicate.py", title="裁决", icon=":material/gavel:", url_path="adjudicate"))
# Before sign-in the pages are registered but hidden, so a link to one of them still leads there afterwards.
page = st.navigation(pages, position="sidebar" if signed_in else "hidden")
with session.locked():
    session.require_user()
    session.sidebar()
    page.run()
