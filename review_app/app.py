"""The review app's entrypoint: `dutylist review` (or `make review`) runs it with DUTYLIST_DB set.

    streamlit run review_app/app.py   # workspace from DUTYLIST_DB, else the configured default

It opens the session's workspace, draws the shared sidebar and hands over to the chosen page.
"""

import streamlit as st

from review_app import session

st.set_page_config(page_title="履职事项审核", page_icon=":material/fact_check:", layout="wide")
st.markdown(session.STYLE, unsafe_allow_html=True)

pages = st.navigation(
    [
        st.Page("views/queue.py", title="审核队列", icon=":material/fact_check:", default=True),
        st.Page("views/dashboard.py", title="概览", icon=":material/monitoring:"),
        st.Page("views/export.py", title="导出", icon=":material/download:"),
    ]
)
session.start()
with session.locked():
    session.sidebar()
    pages.run()
