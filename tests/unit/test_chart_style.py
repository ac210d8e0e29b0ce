"""The shared chart conventions every screen relies on: colours readable on both themes (WCAG 1.4.11,
3:1 for lines and text), a one-sentence description as each chart's accessible name, numbers in sentences."""

from __future__ import annotations

import altair as alt
import pandas as pd
import pytest

from gradviz.charts import style


@pytest.mark.parametrize("colour", [*style.PALETTE, style.NEUTRAL])
def test_palette_contrast_on_both_themes(colour):
    assert style.contrast(colour, style.LIGHT_BG) >= 3.0
    assert style.contrast(colour, style.DARK_BG) >= 3.0


@pytest.mark.parametrize("n", range(1, 31))
def test_ordered_colours_keep_contrast(n):
    colours = style.ordered_colours(n)
    assert len(colours) == n and colours[0] == style.ORDERED_ANCHORS[0]
    assert n == 1 or colours[-1] == style.ORDERED_ANCHORS[-1]
    for c in colours:
        assert min(style.contrast(c, style.LIGHT_BG), style.contrast(c, style.DARK_BG)) >= 3.0


def test_contrast_reference_values():
    assert style.contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert style.contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # WCAG's known grey


def test_okabe_ito_originals_that_fail_were_replaced():
    # Okabe & Ito's orange, sky blue and yellow are under 3:1 on white: the palette must not use them
    for original in ("#E69F00", "#56B4E9", "#F0E442", "#999999"):
        assert style.contrast(original, style.LIGHT_BG) < 3.0
        assert original not in style.PALETTE


def test_described_sets_the_accessible_name_and_keeps_titles_inside():
    chart = alt.Chart(pd.DataFrame({"x": [1, 2], "y": [3, 4]})).mark_line().encode(x="x:Q", y="y:Q")
    spec = style.described(chart, "  A line   from 3 to 4. ").to_dict()
    assert spec["description"] == "A line from 3 to 4."
    assert spec["config"]["axisX"]["titleLimit"] == {"expr": "width"}


def test_numbers_in_sentences():
    assert style.num(6.0e-05) == "6.0e-05" and style.num(0.5) == "0.5" and style.num(12345.0) == "1.2e+04"
    assert style.num(float("nan")) == "n/a" and style.num(float("inf")) == "infinity"
    assert style.span([3, float("nan"), 1]) == "1 to 3"
    assert style.listing(["a", "b", "c"]) == "a, b and c"
    assert style.listing(list("abcdef"), limit=4) == "a, b, c and 3 more"


def test_ends_sentence_is_built_from_the_data():
    frame = pd.DataFrame({"step": [0, 1, 0, 1], "v": [1.0, 0.25, 1.0, 4.0], "run": ["a", "a", "b", "b"]})
    text = style.ends_sentence("Loss", frame, "step", "v", "run", "steps", log=True)
    assert text == "Loss over steps 0 to 1, log scale: a ends at 0.25 and b at 4."


def test_with_description_wraps_a_builder():
    def sentence(frame):
        return f"{len(frame)} points."

    @style.with_description(sentence)
    def builder(frame):
        """doc"""
        return alt.Chart(frame).mark_point()

    assert builder.__name__ == "builder" and builder.__doc__ == "doc"
    assert builder(pd.DataFrame({"x": [1, 2, 3]})).to_dict()["description"] == "3 points."


def test_top_legend_switches_to_one_column_on_a_narrow_plot():
    legend = style.top_legend("runs").to_dict()
    assert legend["columns"] == {"expr": f"width < {style.NARROW_PLOT} ? 1 : 2"}
