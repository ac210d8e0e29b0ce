"""Teach: a 50-minute lesson plan through the five lessons, one card per step; prints cleanly."""

import streamlit as st

from gradviz import plan
from gradviz.lessons import available
from gradviz.ui import nav
from gradviz.ui import poll as ui_poll
from gradviz.ui import share as ui_share

# Browser print: no sidebar, toolbar or buttons; one step never split across two sheets; links printed as text.
PRINT_CSS = """
<style>
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  [data-testid="stPopover"], .stButton { display: none !important; }
  [data-testid="stMain"], [data-testid="stAppViewContainer"], .main { overflow: visible !important; }
  [data-testid="stVerticalBlockBorderWrapper"] { break-inside: avoid; page-break-inside: avoid; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; max-width: 100% !important; }
  code { white-space: pre-wrap !important; word-break: break-all; }
}
</style>
"""
st.html(PRINT_CSS)

st.title("A 50-minute lesson plan")
st.markdown(
    f"Ten steps through the five lessons in {plan.TOTAL_MINUTES} minutes. Each link opens the exact view "
    "(the page, its controls and the section). Say the sentence, then poll the question: "
    "the class votes, discusses, and you reveal the answer (or start a revote first). Open this plan beside "
    "the class view, or print it (the browser's print prints the plan without the app's furniture)."
)
code = ui_poll.active()
if code is None:
    st.info(
        "Start a class on the **Teach** page first and the links below carry its code.",
        icon=":material/co_present:",
    )

published = {lesson.path for lesson in available()} | {"app_pages/home.py"}
for start, end, step in plan.schedule():
    params = step.query | ({ui_poll.PARAM: code} if code else {})
    with st.container(border=True):
        st.markdown(f"**{start}–{end} min · {step.title}**")
        if step.file in published:
            st.page_link(
                nav.page(step.file),
                label=f"Open: {step.section_title}",
                icon=":material/open_in_new:",
                query_params=params,
            )
        else:
            st.markdown(f"*{step.file} is not published on this server yet.*")
        st.caption(ui_share.page_url(step.page, params))
        st.markdown(f"**Say:** {step.say}")
        if step.question:
            st.markdown(f"**Poll:** {step.question} *(a predict-then-reveal question on that page)*")
