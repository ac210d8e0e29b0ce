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


def test_chart_labels_are_sent_dictionary_encoded_as_the_same_rows():
    """gradviz.ui.charts._compact: a long-form table's repeated labels are dictionary-encoded in the Arrow
    data the browser receives: fewer bytes, the same rows read back; the shared table is not edited."""
    import altair as alt
    import numpy as np
    import pandas as pd

    from gradviz.figures import _rows
    from gradviz.ui.charts import _compact

    n = 600
    table = pd.DataFrame(
        {
            "step": np.tile(np.arange(n), 2),
            "value": np.r_[np.linspace(0, 1, n), np.linspace(1, 2, n)],
            "curve": ["loss (h0 = 0.5)"] * n + ["cost (mean over 41 starts)"] * n,
            "tag": [f"row {i}" for i in range(2 * n)],  # all distinct: left as it is
        }
    )
    before = table.copy()

    def build():
        line = alt.Chart(table).mark_line().encode(x="step:Q", y="value:Q", color="curve:N")
        return alt.hconcat(alt.layer(line, line.mark_point()), line)

    def sent(chart) -> tuple[list, int]:
        spec = compat.vega_lite_spec(chart)
        datasets = list(spec["datasets"].values())
        return [_rows(d) for d in datasets], sum(len(d) for d in datasets)

    plain_rows, plain_bytes = sent(build())
    compact = _compact(build())
    rows, n_bytes = sent(compact)
    assert rows == plain_rows  # the same rows, in the same order
    assert n_bytes < plain_bytes - 20_000  # the labels' bytes are gone (about 22 kB of strings)
    pd.testing.assert_frame_equal(table, before)  # the shared table is untouched
    drawn = (
        compact.data if compact.data is not alt.Undefined else compact.hconcat[1].data
    )  # Altair may hoist it
    assert str(drawn["curve"].dtype) == "category" and drawn["tag"].dtype == table["tag"].dtype
