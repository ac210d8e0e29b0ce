"""Page furniture every lesson shares: header, "show the code", predict-then-reveal, sources, readouts,
notices, links to other lessons."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from gradviz import code_text, lessons
from gradviz.results import Result
from gradviz.ui import nav, poll, share
from gradviz.ui.runs import provenance


def page_header(title: str, promise: str) -> None:
    st.title(title)
    st.markdown(promise)
    # -- view-link hook (gradviz/ui/share.py): the exact URL of this view (controls, class, section) --
    share.copy_link()


def lesson_header(name: str, promise: str) -> None:
    """A lesson page's heading, its title read from the catalogue (gradviz.lessons), and its promise."""
    page_header(lessons.lesson(name).title, promise)


def explain(
    text: str | None = None, latex: Sequence[str] = (), after: str | None = None, expanded: bool = True
) -> None:
    """A section's "What is going on": `text`, then each LaTeX line (equations with the numbers on screen),
    then `after`."""
    with st.expander("What is going on", icon=":material/functions:", expanded=expanded):
        if text:
            st.markdown(text)
        for line in latex:
            st.latex(line)
        if after:
            st.markdown(after)


def code(*items: str | Callable[..., Any], title: str = "Show the code") -> None:
    """An expander with the source of the gradviz definitions the section teaches: function or class
    objects, or `"package.module:Qual.name"` for code the page must not import (torch). Read by
    gradviz.code_text, each file once per process."""
    labels = [code_text.label(item) for item in items]
    # A lazy expander: the source is sent only while it is open (opening it reruns the section), so a visit
    # sends one element for it, not every listing.
    shown = st.expander(title, icon=":material/code:", key=_code_key(labels), on_change="rerun")
    if shown.open:
        with shown:
            for item, label in zip(items, labels, strict=True):
                st.caption(f"`{label}`")
                st.code(code_text.of(item), language="python")


def _code_key(labels: Sequence[str]) -> str:
    """The widget key of the "show the code" expander listing these definitions (stable across runs)."""
    return "gv-code-" + hashlib.blake2b("|".join(labels).encode(), digest_size=6).hexdigest()


def predict_then_reveal(
    question: str, options: Sequence[str], answer: str, explanation: str, key: str
) -> None:
    """A 'predict, then reveal' question: the student commits to a guess before seeing the answer. Drawn by
    its own fragment, so answering reruns only the question."""
    # -- class poll hook (gradviz/ui/poll.py): in a class, the poll draws the question instead --
    if poll.active():
        feedback = functools.partial(_verdict, answer=answer, explanation=explanation)
        poll.question(question, options, answer, key, feedback)
        return
    _question(question, tuple(options), answer, explanation, key)


@st.fragment
def _question(question: str, options: tuple[str, ...], answer: str, explanation: str, key: str) -> None:
    with st.container(border=True):
        st.markdown(f"**Predict, then reveal.** {question}")
        guess = st.radio(
            "Your prediction", options, index=None, key=f"{key}-guess", label_visibility="collapsed"
        )
        if guess is not None:
            _verdict(guess, answer, explanation)


def _verdict(guess: str | None, answer: str, explanation: str) -> None:
    """The verdict on a guess (None: no guess was made, e.g. a student who did not vote in a class)."""
    if guess == answer:
        st.success(f"Right. {explanation}", icon=":material/check_circle:")
    elif guess is None:
        st.info(f"The answer is **{answer}**. {explanation}", icon=":material/lightbulb:")
    else:
        st.info(f"Not quite: the answer is **{answer}**. {explanation}", icon=":material/lightbulb:")


def sources(items: Sequence[tuple[str, str | None]]) -> None:
    """The lesson's sources: (citation, link or None)."""
    st.subheader("Sources")
    lines = [f"- [{text}]({url})" if url else f"- {text}" for text, url in items]
    st.markdown("\n".join(lines))


def provenance_caption(runs: Result | Sequence[Result] | dict[str, Result], prefix: str = "") -> None:
    """`st.caption` of `provenance(runs)`, after `prefix` (e.g. the dataset's description). For the line
    under a lesson's trained results; README says the same once."""
    st.caption(f"{prefix.rstrip('. ')}. {provenance(runs)}" if prefix else provenance(runs))


def diverged_notice(result: Result, label: str = "This run") -> None:
    if result.diverged:
        st.error(
            f"{label} diverged: {result.meta.get('reason', 'values became NaN/inf')}. "
            "Curves stop at the last finite step. Try a smaller learning rate or a gentler initialization.",
            icon=":material/error:",
        )


def readouts(items: Sequence[tuple[str, str, str | None]]) -> None:
    """A row of `st.metric`s: (label, value already formatted, help), sharing the row and wrapping onto
    more rows on a narrow screen. One horizontal container, not st.columns: a column is a message of its
    own on every rerun, so a row of four costs five messages instead of nine."""
    with st.container(horizontal=True, gap="medium"):
        for label, value, help_text in items:
            st.metric(label, value, help=help_text)


def lesson_link(name: str, why: str) -> None:
    """A link to another lesson (title and icon from the catalogue), or a plain note while that lesson's
    page is not registered yet."""
    lesson = lessons.lesson(name)
    try:
        st.page_link(nav.page(lesson.path), label=lesson.title, icon=lesson.icon)
    except Exception:  # noqa: BLE001 - StreamlitPageNotFoundError while the lesson is not published
        st.markdown(f"**{lesson.title}** (coming soon)")
    st.caption(why)
