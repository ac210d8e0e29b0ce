"""Home: the one-line essence (a per-step factor multiplied T times) and a card per lesson. No torch here."""

import streamlit as st

from gradviz import sources, ui
from gradviz.lessons import available
from gradviz.lessons.home.charts import product_vs_steps
from gradviz.lessons.home.product import repeated_product

ui.page_header(
    "Why gradients vanish and explode",
    "Backpropagation multiplies one factor per layer, or per time step. Multiply anything T times and it "
    "either dies out or blows up, unless each factor stays very close to 1: move the sliders and see.",
)

left, right = st.columns([1, 2], gap="large")
with left:
    factor = ui.slider("Per-step factor", "factor", 0.5, 1.5, 1.1, step=0.01,
                       help="The size of one layer's (or one time step's) contribution to the gradient.")
    steps = ui.slider("Number of steps T", "T", 1, 100, 50,
                      help="How many layers the gradient passes through, or how many time steps back.")
    product = factor**steps
    st.metric(f"{factor:g}^{steps}", ui.sci(product, 3))
    shown = f"{product:.3g}" if 1e-3 <= product <= 1e4 else ui.sci(product)
    if product < 1e-2:
        st.markdown(f"**Vanishing.** After {steps} steps only {shown} of the signal is left.")
    elif product > 1e2:
        st.markdown(f"**Exploding.** After {steps} steps the signal is {shown} times larger.")
    else:
        st.markdown(f"**Survives.** After {steps} steps the signal is still {product:.3g} times its size.")
    st.caption(f"For comparison, computed here: 1.1^50 = {1.1**50:.1f} and 0.9^50 = {0.9**50:.5f}.")

with right:
    data = repeated_product([factor, 1.1, 0.9], 100) if factor not in (1.1, 0.9) else repeated_product([1.1, 0.9], 100)
    ui.altair(product_vs_steps(data, highlight=f"{factor:g}"), key="home-product")
    ui.download_csv(data, "factor_power.csv")

st.latex(r"\frac{\partial L}{\partial h_1} \;=\; \frac{\partial L}{\partial h_T}\prod_{t=2}^{T}"
         r"\frac{\partial h_t}{\partial h_{t-1}} \qquad\text{one factor per layer or time step}")

st.subheader("Lessons")
lessons = available()
for row_start in range(0, len(lessons), 3):
    for col, lesson in zip(st.columns(3), lessons[row_start : row_start + 3], strict=False):
        with col, st.container(border=True, height="stretch"):
            st.page_link(lesson.path, label=f"**{lesson.title}**", icon=lesson.icon)
            st.write(lesson.promise)

ui.sources([sources.GROSSE_BA, sources.SURESH_2016])
