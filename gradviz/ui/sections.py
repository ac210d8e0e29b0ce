"""A lesson's sections as lazy tabs bound to `?section=<slug>`: only the open section runs, computes and sends.

The sections, their tab labels and the URL keys each one owns are declared in the catalogue
(gradviz/lessons/__init__.py). Which section opens:
- `?section=<slug>` (checked like every other link value: anything else is named in a notice and ignored);
- else the first section whose keys the link carries, so links made before lessons had sections
  (`/lstm?reach_T=100`) open the view they were made on;
- else the first section.
Switching tabs writes the new slug into the URL (a copied link opens the same section). A hidden section's
controls are not drawn, so Streamlit drops their keys from the URL: a link holds the open section's settings.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from gradviz import lessons
from gradviz.lessons import Lesson, Section
from gradviz.ui import links

KEY = "section"  # the URL key
_TABS = "gradviz-section-tabs"  # the tabs' widget key (its value is the open tab's label)


def _switched(lesson: Lesson) -> None:
    """The student picked another tab: name its section in the URL."""
    title = st.session_state.get(_TABS)
    for s in lesson.sections:
        if s.title == title:
            st.query_params[KEY] = s.slug


def opened(lesson: Lesson) -> Section:
    """The section this run shows (see the module's docstring); a bad `section=` gets a notice."""
    by_slug = {s.slug: s for s in lesson.sections}
    fallback = lesson.section_for(st.query_params.keys())
    slugs = ", ".join(by_slug)
    return links.from_link(KEY, by_slug.get, lambda s: s.slug, f"one of {slugs}", fallback)


def sections(name: str, draw: Mapping[str, Callable[[], None]]) -> Section:
    """Draw lesson `name`'s sections as tabs and run only the open one: `draw[slug]()` inside its tab.
    `draw` must name exactly the catalogue's sections (a missing or extra one is a programming error)."""
    lesson = lessons.lesson(name)
    declared = [s.slug for s in lesson.sections]
    if sorted(draw) != sorted(declared):
        raise KeyError(f"{name}: sections drawn {sorted(draw)} but catalogued {declared}")
    shown = opened(lesson)
    st.session_state[_TABS] = shown.title  # the URL decides; a click arrives here through `_switched`
    tabs = st.tabs([s.title for s in lesson.sections], key=_TABS, on_change=_switched, args=(lesson,))
    for tab, section in zip(tabs, lesson.sections, strict=True):
        if tab.open:
            with tab:
                draw[section.slug]()
    return shown
