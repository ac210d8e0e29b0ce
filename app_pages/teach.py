"""Teach: start a class (its code, student link, QR code and instructor key) or open one you started."""

import io

import segno
import streamlit as st

from gradviz.lessons import available
from gradviz.ui import nav
from gradviz.ui import poll as ui_poll
from gradviz.ui import share as ui_share

st.title("Teach with gradviz")
st.markdown(
    "Start a class and share its link: every *predict, then reveal* question then collects the class's "
    "answers, anonymously. You see the live histogram, reveal the answer when the class has voted, and "
    "start a second round for a revote after the discussion."
)


def start() -> None:
    try:
        code, key = ui_poll.store().create_class()
    except ui_poll.db_error():
        st.session_state["teach-error"] = ui_poll.UNAVAILABLE
        return
    ui_poll.become_instructor(code, key)
    st.session_state["teach-new-key"] = (code, key)  # shown once, right after the class is made


@st.cache_data(show_spinner=False, max_entries=64)
def qr_png(link: str) -> bytes:
    buf = io.BytesIO()
    segno.make(link, error="m").save(buf, kind="png", scale=8, border=2)
    return buf.getvalue()


if error := st.session_state.pop("teach-error", None):
    st.error(error, icon=":material/cloud_off:")

code = ui_poll.active()
if code and ui_poll.instructor_key(code):
    link = ui_share.page_url("", {ui_poll.PARAM: code})
    st.header(f"Class {code}")
    new = st.session_state.get("teach-new-key")
    if new and new[0] == code:
        st.warning(
            "Your instructor key, shown only now: write it down. It opens this class's instructor view "
            "(reveal, new round) from any browser; nobody else can reveal or reset without it.",
            icon=":material/key:",
        )
        st.code(new[1], language=None)
        st.button("I have written it down", on_click=st.session_state.pop, args=("teach-new-key", None))
    left, right = st.columns([3, 2])
    with left:
        st.markdown("**Student link** (any lesson works with `?class=` added):")
        st.code(link, language=None)
        st.markdown("**Open a lesson as the instructor** (in this tab, which holds your key):")
        for lesson in available():
            st.page_link(
                nav.page(lesson.path),
                label=lesson.title,
                icon=lesson.icon,
                query_params={ui_poll.PARAM: code},
            )
        st.page_link(
            nav.page("app_pages/plan.py"),
            label="The 50-minute lesson plan",
            icon=":material/checklist:",
            query_params={ui_poll.PARAM: code},
        )
    with right:
        st.image(qr_png(link), caption=f"QR code of {link}", width=280)
    st.divider()

st.header("Start a class")
st.button("Start a new class", on_click=start, type="primary", icon=":material/add:")
st.caption(
    "The class lives in this server's database (an SQLite file unless `.streamlit/secrets.toml` names a "
    "PostgreSQL database). Students join with the link; no account, name or cookie is needed."
)

st.header("Open a class you started")
with st.form("teach-open"):
    c1, c2 = st.columns(2)
    typed_code = c1.text_input("Class code", max_chars=8, placeholder="K7Q2")
    typed_key = c2.text_input("Instructor key", type="password")
    if st.form_submit_button("Open as instructor"):
        found = ui_poll.codes.normalize_code(typed_code)
        if found and ui_poll.become_instructor(found, typed_key):
            st.rerun()
        st.error("That code and key do not open a class here.", icon=":material/key_off:")
