"""gradviz.figures: Vega-Lite to SVG/PNG on the server, in the app's light and dark colours, no network."""

from __future__ import annotations

import struct

import altair as alt
import pandas as pd
import pytest

from gradviz import figures


def _chart():
    frame = pd.DataFrame({"step": [1, 2, 3, 4], "norm": [1e-3, 1e-2, float("nan"), 1.0]})
    return alt.Chart(frame).mark_point().encode(x="step:Q", y=alt.Y("norm:Q", scale=alt.Scale(type="log")))


def test_svg_draws_every_finite_point_and_the_themes_background():
    spec = _chart().to_dict()
    light = figures.render(spec, "svg", figures.LIGHT).decode()
    dark = figures.render(spec, "svg", figures.DARK).decode()
    assert light.startswith("<svg") and light.count('role="graphics-symbol"') >= 3
    assert (
        figures.DARK.background.lower() in dark.lower() and figures.LIGHT.background.lower() in light.lower()
    )
    assert figures.DARK.text.lower() in dark.lower()


def test_png_is_twice_the_svg_size():
    spec = _chart().to_dict()
    png = figures.render(spec, "png")
    w, h = struct.unpack(">II", png[16:24])
    svg = figures.render(spec, "svg").decode()
    import re

    sw, sh = (float(v) for v in re.search(r'width="([\d.]+)" height="([\d.]+)"', svg).groups())
    assert (w, h) == (round(2 * sw), round(2 * sh))


def test_a_data_url_is_never_fetched():
    spec = {"data": {"url": "https://example.com/data.json"}, "mark": "point"}
    with pytest.raises(Exception):  # noqa: B017, PT011 - vl-convert's error type is its own
        figures.render(spec, "svg")


def test_file_names_carry_the_settings_safely():
    assert (
        figures.file_stem("lstm_cell.csv", {"i": "0.0", "f": "1.0"}, figures.DARK)
        == "lstm_cell__i-0.0_f-1.0_dark"
    )
    assert figures.file_stem("x.csv", {}) == "x"
    odd = figures.file_stem("x.csv", {"a/b": "../../etc", "c": "1 2"})
    assert "/" not in odd and " " not in odd
    assert len(figures.file_stem("x.csv", {f"k{i}": "v" * 20 for i in range(40)})) == figures.MAX_NAME_CHARS


def test_arrow_data_comes_back_at_full_precision():
    """Streamlit sends a chart's data as Arrow bytes; the rows are read back without rounding (gradients of
    1e-11 must stay on a log axis), with NaN and infinities as null."""
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes

    frame = pd.DataFrame({"v": [7.370981e-11, float("nan"), float("inf"), 2.5], "k": ["a", "b", "c", "d"]})
    spec = {"data": {"name": "d"}, "mark": "point", "datasets": {"d": convert_anything_to_arrow_bytes(frame)}}
    rows = figures.inline_spec(spec)["datasets"]["d"]
    assert rows == [
        {"v": 7.370981e-11, "k": "a"},
        {"v": None, "k": "b"},
        {"v": None, "k": "c"},
        {"v": 2.5, "k": "d"},
    ]
