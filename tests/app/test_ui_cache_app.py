"""gradviz.ui's shared caches draw exactly what Streamlit would: a built chart's once-converted spec equals
st.altair_chart's own (of the same chart, its labels dictionary-encoded as gradviz sends them), on every
visit."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def script() -> None:
    import altair as alt
    import pandas as pd
    import streamlit as st

    from gradviz import ui

    def chart(frame: pd.DataFrame, title: str) -> alt.Chart:
        return alt.Chart(frame, title=title).mark_line().encode(x="step:Q", y="value:Q", color="run:N")

    frame = pd.DataFrame(
        {"step": [0, 1, 2, 0, 1, 2], "value": [1.0, 0.5, 0.25, 1, 2, 4], "run": ["a"] * 3 + ["b"] * 3}
    )
    # Streamlit's own conversion, of the table as gradviz sends it: repeated labels dictionary-encoded
    # (gradviz.ui.charts._compact; the same rows, tests/unit/test_ui_compat.py)
    st.altair_chart(chart(frame.astype({"run": "category"}), "t"), key="plain")
    ui.altair(ui.built(chart, frame, "t"), key="shared")  # gradviz: built once, converted once


def test_a_shared_chart_draws_what_streamlit_draws():
    from gradviz import ui

    ui.clear_caches()  # whatever ran before in this process, the first visit below builds and converts
    at = AppTest.from_function(script, default_timeout=60)
    for _ in range(2):  # the first visit builds and converts, the second finds both cached
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        plain, shared = (c.proto for c in at.get("vega_lite_chart"))
        assert shared.spec == plain.spec and '"line"' in shared.spec
        assert [(d.name, d.data.data) for d in shared.datasets] == [
            (d.name, d.data.data) for d in plain.datasets
        ]
