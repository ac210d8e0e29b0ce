"""The class poll in the app (Streamlit side of gradviz/poll): the class a link names, the instructor's
key, and the poll drawn in every "predict, then reveal" question.

- A link with ``?class=K7Q2`` puts the session in that class (`class_bar`, called by the router on every
  page): a malformed or unknown code gets a notice and the page works as without one. The class stays with
  the session across the sidebar's pages (the code is put back into each page's URL).
- A student answers each question once per round (changeable until the reveal) and sees the class's
  histogram and the right answer only after the instructor reveals it; the question refreshes itself every
  few seconds (a fragment), so the reveal reaches every student without a reload.
- The instructor (whoever typed the class's key in this browser session, kept only in the session) sees
  the live histogram, the count, and the reveal and new-round buttons; the store checks the key again on
  every click, so a wrong key is refused there too.

Storage goes through ``st.connection("sql")``: the URL in ``.streamlit/secrets.toml``'s
``[connections.sql]`` if there is one, else gradviz.poll.store.default_url() (an SQLite file).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING

import streamlit as st

from gradviz.poll import codes
from gradviz.ui import share

if TYPE_CHECKING:
    from gradviz.poll.store import Store, Tally

# SQLAlchemy (about half a second to import here) and the poll's store load on first use, i.e. when a link
# carries a class or the Teach page runs: an ordinary visit never pays for them.


def db_error() -> type[Exception]:
    """The database's error type (SQLAlchemy's), for `except db_error():`."""
    from sqlalchemy.exc import SQLAlchemyError

    return SQLAlchemyError


PARAM = "class"  # the query parameter of a class link
# How often an open question asks the database for news. Each refresh is a fragment rerun: measured about 14 ms
# of server time (30 at once took 0.42 s, bench/bench_class_poll.py), so 30 students on a page with one question
# cost 30/5 s x 14 ms ~ 0.08 of a core; the instructor's live histogram refreshes faster.
STUDENT_REFRESH = timedelta(seconds=5)
INSTRUCTOR_REFRESH = timedelta(seconds=3)
_STATE = "gradviz-poll"  # session state: {"code": active class or None, "keys": {code: key}, "voter": id}
MAX_ID_CHARS = 64  # = gradviz.poll.store.MAX_ID_CHARS (tests/unit/test_poll_store.py checks)
RECORDED, CLOSED = "recorded", "closed"  # = gradviz.poll.store's outcomes (checked there too)
UNAVAILABLE = "The class poll cannot reach its database right now; the page works as without a class."


def _state() -> dict:
    if _STATE not in st.session_state:
        st.session_state[_STATE] = {"code": None, "keys": {}, "voter": uuid.uuid4().hex}
    return st.session_state[_STATE]


def _sql_secret() -> dict:
    """The `[connections.sql]` section of .streamlit/secrets.toml ({} when there is none)."""
    try:
        return dict(st.secrets["connections"]["sql"])
    except Exception:  # noqa: BLE001 - no secrets file, no such section, or an unreadable file
        return {}


@st.cache_resource(show_spinner=False)
def _store(url: str, _engine) -> Store:
    """One Store (tables created if missing) per database per process."""
    from gradviz.poll.store import Store

    return Store(_engine)


def store() -> Store:
    """The poll's store on the app's database."""
    from gradviz.poll import store as poll_store

    secret = _sql_secret()
    if (
        secret and "url" not in secret
    ):  # dialect, host, username, ... in the secrets: Streamlit builds the URL
        conn = st.connection("sql")
    else:
        conn = st.connection("sql", url=secret.get("url") or poll_store.default_url())
    return _store(conn.engine.url.render_as_string(hide_password=True), conn.engine)


# -- which class this session is in ------------------------------------------------------------------


def active() -> str | None:
    """The class this session answers in (None: no class, the lesson as usual)."""
    return _state()["code"] if _STATE in st.session_state else None


def instructor_key(code: str | None = None) -> str | None:
    """The key this session opened the class with, if it is the class's instructor."""
    code = code or active()
    return _state()["keys"].get(code) if code and _STATE in st.session_state else None


def join(code: str) -> None:
    _state()["code"] = code
    st.query_params[PARAM] = code


def become_instructor(code: str, key: str) -> bool:
    """Remember `key` for `code` in this session if it is the class's key (checked by the store)."""
    try:
        ok = store().key_matches(code, key)
    except db_error():
        ok = False
    if ok:
        _state()["keys"][code] = key.strip()
        join(code)
    return ok


def _drop_param() -> None:
    with contextlib.suppress(KeyError):
        del st.query_params[PARAM]


def class_bar() -> None:
    """Read the link's class code (notice for a malformed or unknown one) and show the class in the sidebar.
    The router calls it on every page, before the page runs. No class in the link or the session: no
    database is touched."""
    raw = list(st.query_params.get_all(PARAM))
    state = _state() if (raw or _STATE in st.session_state) else None
    if raw:
        code = codes.normalize_code(raw[0]) if len(set(raw)) == 1 else None
        if code is None:
            st.warning(
                "This link's class code is not one: a class code is 4 letters and digits, such as K7Q2. "
                "The page works as without a class; ask your instructor for the class link.",
                icon=":material/group_off:",
            )
            _drop_param()
            state["code"] = None
        elif code != state["code"] or raw[0] != code:
            try:
                known = store().class_exists(code)
            except db_error():
                st.warning(UNAVAILABLE, icon=":material/cloud_off:")
                known = False
            if known:
                join(code)
            else:
                st.warning(
                    f"There is no class {code} on this server (a class lives on the server it was started "
                    "on). The page works as without a class; ask your instructor for the class link.",
                    icon=":material/group_off:",
                )
                _drop_param()
                state["code"] = None
    elif state is not None and state["code"]:
        st.query_params[PARAM] = state["code"]  # keep the class across the sidebar's pages
    if state is not None and state["code"]:
        _sidebar(state["code"])


def _sidebar(code: str) -> None:
    with st.sidebar:
        st.markdown(f"**Class {code}** · your answers are anonymous: no name is asked or stored.")
        if instructor_key(code):
            st.caption("You are this class's instructor (in this browser tab).")
            return
        with (
            st.expander("Instructor: open the class with its key"),
            st.form("poll-instructor-key", border=False),
        ):
            key = st.text_input("Instructor key", type="password", key="poll-key-input")
            if st.form_submit_button("Open as instructor"):
                if become_instructor(code, key):
                    st.rerun()
                st.error("That is not this class's instructor key.", icon=":material/key_off:")


# -- one question -------------------------------------------------------------------------------------


def question(
    prompt: str, options: Sequence[str], answer: str, key: str, feedback: Callable[[str | None], None]
) -> None:
    """The poll's version of a "predict, then reveal" question (in a class). `feedback(guess)` draws the
    lesson's own verdict for a guess (None: the student did not answer), shown only after the reveal."""
    code = active()
    if code is None:
        return
    options = list(options)
    key = question_id(key)
    if instructor_key(code):
        st.fragment(_instructor_view, run_every=INSTRUCTOR_REFRESH)(code, prompt, options, answer, key)
    else:
        st.fragment(_student_view, run_every=STUDENT_REFRESH)(code, prompt, options, answer, key, feedback)


def question_id(key: str) -> str:
    """The poll's id of a question: its page and its key there (two lessons may both have a "q-depth")."""
    return f"{share.page_path() or 'home'}/{key}"[:MAX_ID_CHARS]


def _histogram(tally: Tally, answer: str | None, key: str) -> None:
    from gradviz.poll import charts as poll_charts

    frame = poll_charts.tally_frame(tally, answer)
    st.altair_chart(poll_charts.answers_chart(frame), key=f"poll-chart-{key}", width="stretch")
    # the same counts in words, for screen readers and for reading off a projector at the back of the room
    st.caption(" · ".join(f"{choice}: **{n}**" for choice, n in tally.counts))


def _count(tally: Tally) -> str:
    n = tally.total
    return f"{n} answer{'s' if n != 1 else ''} · round {tally.round}"


def _student_view(code: str, prompt: str, options: list[str], answer: str, key: str, feedback) -> None:
    voter = _state()["voter"]
    db = store()
    with st.container(border=True):
        st.markdown(f"**Predict, then reveal** (class {code}). {prompt}")
        try:
            tally = db.tally(code, key, options)
            mine = db.my_answer(code, key, voter)
        except db_error():
            st.warning(UNAVAILABLE, icon=":material/cloud_off:")
            return
        widget = f"{key}-class-{code}-r{tally.round}"  # a new round starts from no answer
        index = options.index(mine) if mine in options else None
        if not tally.revealed:
            guess = st.radio(
                "Your prediction", options, index=index, key=widget, label_visibility="collapsed"
            )
            if guess is not None and guess != mine:
                try:
                    outcome = db.answer(code, key, voter, guess, options)
                except db_error():
                    outcome = None
                    st.warning("Your answer could not be saved just now: choose it again in a moment.", icon=":material/cloud_off:")  # fmt: skip
                mine = guess if outcome == RECORDED else mine
                if outcome == CLOSED:
                    st.info("The instructor revealed the answer just now: that change was not counted.")
            if mine is None:
                st.caption("Answer to take part: the class's answers and the right one appear when the instructor reveals them.")  # fmt: skip
            else:
                st.caption(f"Your answer, **{mine}**, is in. You can change it until the instructor reveals the answer.")  # fmt: skip
            return
        st.radio("Your prediction", options, index=index, key=f"{widget}-shown", disabled=True, label_visibility="collapsed")  # fmt: skip
        st.caption(f"The class's answers ({_count(tally)}), revealed by the instructor:")
        _histogram(tally, answer, key)
        feedback(mine)


def _set_notice(text: str | None) -> None:
    st.session_state["gradviz-poll-notice"] = text


REFUSED = "Refused: this session does not hold the class's instructor key."


def _reveal(code: str, key: str) -> None:
    try:
        done = store().reveal(code, key, instructor_key(code))
    except db_error():
        _set_notice(UNAVAILABLE)
        return
    if not done:
        _set_notice(REFUSED)


def _new_round(code: str, key: str) -> None:
    try:
        done = store().new_round(code, key, instructor_key(code)) is not None
    except db_error():
        _set_notice(UNAVAILABLE)
        return
    if not done:
        _set_notice(REFUSED)


def _instructor_view(code: str, prompt: str, options: list[str], answer: str, key: str) -> None:
    with st.container(border=True):
        st.markdown(f"**Predict, then reveal** (class {code}, your instructor view). {prompt}")
        try:
            tally = store().tally(code, key, options)
        except db_error():
            st.warning(UNAVAILABLE, icon=":material/cloud_off:")
            return
        notice = st.session_state.pop("gradviz-poll-notice", None)
        if notice:
            st.error(notice, icon=":material/key_off:")
        state = "revealed to the class" if tally.revealed else "students see it after you reveal it"
        st.caption(f"{_count(tally)} · the right answer is **{answer}**; {state}.")
        _histogram(tally, answer if tally.revealed else None, key)
        with st.container(horizontal=True):
            st.button(
                "Reveal to the class", key=f"poll-reveal-{key}", on_click=_reveal, args=(code, key),
                disabled=tally.revealed, icon=":material/visibility:", type="primary",
            )  # fmt: skip
            st.button(
                "New round (revote)", key=f"poll-round-{key}", on_click=_new_round, args=(code, key),
                icon=":material/restart_alt:",
            )  # fmt: skip
