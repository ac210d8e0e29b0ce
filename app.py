"""gradviz: the router. Page config, navigation over app_pages/, and the shared sidebar. Nothing else."""

import os

# One thread per training run: every student's session is a thread of this one process, so runs in
# parallel use the cores side by side instead of fighting over them (must be set before torch loads).
os.environ.setdefault("OMP_NUM_THREADS", "1")

import streamlit as st  # noqa: E402

from gradviz.lessons import available  # noqa: E402
from gradviz.ui import assets, memory, nav  # noqa: E402
from gradviz.ui import poll as ui_poll  # noqa: E402

memory.tune_once()  # the garbage collector, tuned for a class on one process (gradviz/ui/memory.py)

# The favicon, global CSS (phone layout, focus rings) and the equation fitter, read once per process
# (gradviz/ui/assets.py; the files are in gradviz/assets/).
st.set_page_config(
    page_title="gradviz: vanishing & exploding gradients", page_icon=assets.FAVICON, layout="wide"
)
st.html(assets.CSS)
with st.container(key="gv-scripts"):
    st.html(assets.SCRIPT, unsafe_allow_javascript=True)

# Lessons are listed once, in the catalogue gradviz/lessons/__init__.py (not here): a lesson appears when its page file exists.
# The page files live in app_pages/, not pages/: a folder named pages/ beside app.py makes Streamlit run a
# shared lesson link on a cold server as an old-style page, without this router (tests/e2e checks it).


def declare() -> tuple[list[st.Page], list[st.Page]]:
    """The lessons (home first), then the instructor's pages: the Teach page (start a class: its code, link
    and key) and the 50-minute lesson plan. Built once per version of this file (gradviz/ui/nav.py)."""
    lessons = [st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True)] + [
        st.Page(lesson.path, title=lesson.title, icon=lesson.icon) for lesson in available()
    ]
    teach = [
        st.Page("app_pages/teach.py", title="Teach", icon=":material/co_present:"),
        st.Page("app_pages/plan.py", title="Lesson plan", icon=":material/checklist:"),
    ]
    return lessons, teach


PAGES, TEACH = nav.pages(declare)
page = st.navigation(PAGES + TEACH)

with st.sidebar:
    st.caption(
        "**gradviz** teaches why gradients vanish and explode in deep and recurrent networks, "
        "with real networks trained on real data. Every number on screen is measured.\n\n"
        "Sources: Suresh (2016) *Vanishing Gradients & LSTMs*; Grosse & Ba, CSC421/2516 Lecture 14; "
        "Pascanu, Mikolov & Bengio (2013); Glorot & Bengio (2010). Each lesson lists its own.\n\n"
        "MIT licence · the README explains how to run gradviz locally or from a notebook."
    )

# The class poll: a link's ?class= code (notice if it is not one) and the class in the sidebar (gradviz/ui/poll.py).
ui_poll.class_bar()

page.run()
