"""gradviz.charts.downsample: a long curve is cut to what a chart can draw (M4), keeping every extreme a
verdict talks about (the divergence step, the minimum, the last value), checked against the full table."""

import numpy as np
import pandas as pd

from gradviz.charts.downsample import m4


def _runs(n: int = 20_000) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    steps = np.arange(n)
    calm = 1.0 / (1 + steps) + 0.01 * rng.random(n)
    wild = np.exp(steps / 2_000.0) * (1 + 0.5 * rng.random(n))
    wild[int(0.75 * n) :] = np.inf  # diverged: inf from step 15,000 on (of 20,000)
    return pd.concat(
        [pd.DataFrame({"run": "calm", "step": steps, "value": calm}),
         pd.DataFrame({"run": "wild", "step": steps, "value": wild})],
        ignore_index=True,
    )  # fmt: skip


def test_a_short_table_is_sent_whole():
    frame = _runs(500)
    assert m4(frame, "step", "value", ["run"]) is frame


def test_a_long_curve_keeps_what_the_verdict_names():
    full = _runs()
    cut = m4(full, "step", "value", ["run"], buckets=600)
    assert len(cut) <= 2 * (4 * 600 + 10) < len(full) / 4
    assert cut.index.is_monotonic_increasing and set(cut.columns) == set(full.columns)
    for run, series in full.groupby("run"):
        kept = cut[cut["run"] == run]
        finite, kept_finite = (f[np.isfinite(f["value"])]["value"] for f in (series, kept))
        # the minimum, the maximum, the first and the last value
        assert finite.min() == kept_finite.min() and finite.max() == kept_finite.max()
        assert kept["step"].iloc[0] == 0 and kept["step"].iloc[-1] == series["step"].iloc[-1]
        assert kept["value"].iloc[-1] == series["value"].iloc[-1]
        if run == "wild":  # the divergence: the last finite step and the first non-finite one
            first_bad = int(series.loc[~np.isfinite(series["value"]), "step"].min())
            assert first_bad == 15_000 and {first_bad - 1, first_bad} <= set(kept["step"])
            assert np.isinf(kept.loc[kept["step"] == first_bad, "value"]).all()


def test_every_pixel_column_draws_the_same_span():
    full = _runs()
    cut = m4(full, "step", "value", ["run"], buckets=600)
    for run in ("calm", "wild"):
        a = full[(full["run"] == run) & np.isfinite(full["value"])]
        b = cut[(cut["run"] == run) & np.isfinite(cut["value"])]
        lo, hi = a["step"].min(), a["step"].max()
        col_a, col_b = (np.minimum(((f["step"] - lo) / ((hi - lo) / 600)).astype(int), 599) for f in (a, b))
        span_full = a.groupby(col_a)["value"].agg(["min", "max", "count"])
        span_cut = b.groupby(col_b)["value"].agg(["min", "max"])
        assert (span_full[["min", "max"]] == span_cut).all().all()
