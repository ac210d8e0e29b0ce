"""The framework's floor: the cheapest page a lesson could be (a title, one slider, one number).

bench/bench_classroom.py serves this with a `streamlit run` process of its own and measures it beside the
app, in the same run, so every lesson's figure has a ratio to what Streamlit itself costs on this machine.
The slider sits in a fragment, like a lesson's control, so a move re-runs only that fragment.
"""

import streamlit as st

st.title("Floor")


@st.fragment
def section() -> None:
    n = st.slider("n", 1, 100, 10, key="n", bind="query-params")
    st.metric("n squared", n * n)


section()
