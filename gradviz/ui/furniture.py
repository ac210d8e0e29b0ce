"""Page furniture every lesson shares: header, "show the code", predict-then-reveal, sources, readouts,
notices, links to other lessons."""

from __future__ import annotations

import functools
import inspect
import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from gradviz import lessons
from gradviz.results import Result
from gradviz.ui.runs import provenance


def page_header(title: str, promise: str) -> None:
    st.title(title)
    st.markdown(promise)


def lesson_header(name: str, promise: str) -> None:
    """A lesson page's heading, its title read from the catalogue (gradviz.lessons), and its promise."""
    page_header(lessons.lesson(name).title, promise)


def show_code(*functions: Callable[..., Any], title: str = "Show the code") -> None:
    """An expander with the source of the gradviz functions the section teaches."""
    with st.expander(title, icon=":material/code:"):
        for fn in functions:
            st.caption(f"`{fn.__module__}.{fn.__qualname__}`")
            st.code(_source(fn), language="python")


@functools.lru_cache(maxsize=256)
def _source(fn: Callable[..., Any]) -> str:
    """A function's source, read once per process (inspect.getsource reads and scans the file each time)."""
    return textwrap.dedent(inspect.getsource(fn))


def predict_then_reveal(question: str, options: Sequence[str], answer: str, explanation: str, key: str) -> None:
    """A 'predict, then reveal' question: the student commits to a guess before seeing the answer."""
    with st.container(border=True):
        st.markdown(f"**Predict, then reveal.** {question}")
        guess = st.radio("Your prediction", options, index=None, key=f"{key}-guess", label_visibility="collapsed")
        if guess is not None:
            if guess == answer:
                st.success(f"Right. {explanation}", icon=":material/check_circle:")
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
    """A row of `st.metric`s: (label, value already formatted, help)."""
    for col, (label, value, help_text) in zip(st.columns(len(items)), items, strict=True):
        col.metric(label, value, help=help_text)


def lesson_link(name: str, why: str) -> None:
    """A link to another lesson (title and icon from the catalogue), or a plain note while that lesson's
    page is not registered yet."""
    lesson = lessons.lesson(name)
    try:
        st.page_link(lesson.path, label=lesson.title, icon=lesson.icon)
    except Exception:  # noqa: BLE001 - StreamlitPageNotFoundError while the lesson is not published
        st.markdown(f"**{lesson.title}** (coming soon)")
    st.caption(why)
