"""gradviz.ui.compat holds every private Streamlit call; this fails when an upgrade moves one of them, instead
of gradviz silently taking its slower public fallback (or losing link seeding)."""

from gradviz.ui import compat


def test_every_streamlit_internal_gradviz_uses_is_there():
    assert compat.missing() == []


def test_outside_a_script_run_nothing_is_lost():
    assert compat.session_id() is None
    assert compat.session_gone() is False


def test_the_private_conversion_matches_the_public_spec():
    import altair as alt
    import pandas as pd

    chart = alt.Chart(pd.DataFrame({"x": [0, 1], "y": [1.0, 2.0]})).mark_line().encode(x="x:Q", y="y:Q")
    spec = compat.vega_lite_spec(chart)
    assert spec["mark"]["type"] == "line" and all(isinstance(d, bytes) for d in spec["datasets"].values())
