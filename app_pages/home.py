"""Home: the one-line essence (a per-step factor multiplied T times) and a card per lesson. No torch here."""

import streamlit as st

from gradviz import sources, ui
from gradviz.lessons import available
from gradviz.lessons.home import words
from gradviz.lessons.home.charts import product_vs_steps
from gradviz.lessons.home.product import repeated_product

ui.page_header(words.TITLE, words.PROMISE)
curves = ui.cached(repeated_product)


@st.fragment
def essence() -> None:
    """The sliders, the readout, the verdict, the formula and the chart: a slider re-runs only this."""
    left, right = st.columns([1, 2], gap="large")
    with left:
        factor = ui.slider(
            "Per-step factor",
            "factor",
            0.5,
            1.5,
            1.1,
            step=0.01,
            help="The size of one layer's (or one time step's) contribution to the gradient.",
        )
        steps = ui.slider(
            "Number of steps T",
            "T",
            1,
            100,
            50,
            help="How many layers the gradient passes through, or how many time steps back.",
        )
        st.metric(f"{factor:g}^{steps}", ui.sci(factor**steps, 3))
        st.markdown(words.verdict(factor, steps))
        st.caption(words.comparison())
    with right:
        data = curves(tuple(dict.fromkeys([factor, 1.1, 0.9])), 100)
        ui.chart(
            product_vs_steps,
            data,
            highlight=f"{factor:g}",
            key="home-product",
            tables=[("factor_power.csv", data, ui.CSV_LABEL)],
        )
    st.latex(words.product_latex(factor, steps))
    st.caption(words.CAPTION)


essence()

st.subheader("Lessons")
lessons = available()
for row_start in range(0, len(lessons), 3):
    for col, lesson in zip(st.columns(3), lessons[row_start : row_start + 3], strict=False):
        with col, st.container(border=True, height="stretch"):
            st.page_link(ui.nav.page(lesson.path), label=f"**{lesson.title}**", icon=lesson.icon)
            st.write(lesson.promise)

ui.sources([sources.GROSSE_BA, sources.SURESH_2016])
