"""Charts of the LSTM lesson: one function per chart, long-form data in, an Altair chart out.
Gradient sizes on log axes; values below gradviz.lessons.lstm.charts.FLOOR (underflow) are left out."""

from __future__ import annotations

import altair as alt
import pandas as pd

from gradviz.charts.downsample import m4
from gradviz.charts.style import CHART_HEIGHT, OKABE_ITO, sci_axis, top_legend

FLOOR = 1e-300  # a log axis cannot show 0: products that underflowed are not drawn
TEXT = "#8c8c8c"  # a mid grey for text marks: readable on the light and the dark theme (Altair defaults to black)
MODEL_COLORS = {"tanh RNN": OKABE_ITO[3], "IRNN": OKABE_ITO[1], "LSTM": OKABE_ITO[0]}
MODEL_NAMES = {"rnn": "tanh RNN", "irnn": "IRNN", "lstm": "LSTM"}


# -- section 1: one cell -------------------------------------------------------------------------------------


def cell_bars(values: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of one cell step: (quantity, value, role) rows, in the order given."""
    order = list(values["quantity"])
    base = alt.Chart(values).encode(
        y=alt.Y(
            "quantity:N",
            sort=order,
            title=None,
            scale=alt.Scale(paddingInner=0.3),
            axis=alt.Axis(labelLimit=260, labelFontSize=13, labelOverlap=False),
        ),
        tooltip=[alt.Tooltip("quantity:N"), alt.Tooltip("value:Q", format=".3f")],
    )
    # the bars, coloured by role (what came in, what the gates made of it, what goes out); the labels name them
    bars = base.mark_bar().encode(
        x=alt.X("value:Q", title="value", scale=alt.Scale(domain=[-3.5, 3.5], clamp=True)),
        color=alt.Color(
            "role:N", scale=alt.Scale(domain=["in", "gated", "out"], range=OKABE_ITO[:3]), legend=None
        ),
    )
    # the numbers just beyond the bars' ends (left of negative bars, right of positive ones)
    right = base.transform_filter("datum.value >= 0").mark_text(align="left", dx=5, fontSize=13, color=TEXT)
    left = base.transform_filter("datum.value < 0").mark_text(align="right", dx=-5, fontSize=13, color=TEXT)
    labels = [layer.encode(x="value:Q", text=alt.Text("value:Q", format=".3f")) for layer in (right, left)]
    zero = alt.Chart(pd.DataFrame({"x": [0.0]})).mark_rule(color="gray").encode(x="x:Q")
    return alt.layer(bars, zero, *labels).properties(height=220)


def regime_map(corners: pd.DataFrame, i: float, f: float) -> alt.Chart:
    """The (f, i) square with the lecture's four regimes at its corners and the current gates as a point."""
    scale = alt.Scale(domain=[-0.15, 1.15], nice=False)
    base = alt.Chart(corners).encode(
        x=alt.X("f:Q", title="forget gate f (rem)", scale=scale),
        y=alt.Y("i:Q", title="input gate i (save)", scale=scale),
    )
    # corners: the nearest one to the current gates is filled
    dots = base.mark_point(size=260, filled=True).encode(
        color=alt.Color(
            "current:N", scale=alt.Scale(domain=[True, False], range=[OKABE_ITO[3], "#999999"]), legend=None
        ),
        tooltip=[alt.Tooltip("regime:N"), alt.Tooltip("rule:N")],
    )
    names = base.mark_text(dy=-18, fontSize=13, color=TEXT).encode(text="regime:N")
    here = (
        alt.Chart(pd.DataFrame({"f": [f], "i": [i]}))
        .mark_point(shape="cross", size=300, strokeWidth=3, color=OKABE_ITO[0])
        .encode(
            x="f:Q", y="i:Q", tooltip=[alt.Tooltip("f:Q", format=".2f"), alt.Tooltip("i:Q", format=".2f")]
        )
    )
    return (dots + names + here).properties(width=260, height=240)


# -- section 2: how far back the gradient reaches ------------------------------------------------------------

REACH_SERIES = {
    ("rnn", "dh"): "tanh RNN ‖∂h_T/∂h_t‖",
    ("irnn", "dh"): "IRNN ‖∂h_T/∂h_t‖",
    ("lstm", "dh"): "LSTM ‖∂h_T/∂h_t‖",
    ("lstm", "dc"): "LSTM cell ‖∂c_T/∂c_t‖",
    ("lstm", "dc_cell"): "LSTM cell, gate paths detached",
    ("lstm", "forget_product"): "LSTM Π f (measured gates)",
    ("lstm", "bias_only"): "σ(b_f)^d (bias alone)",
}


def reach_frame(curves: pd.DataFrame) -> pd.DataFrame:
    """The drawn series of the reach table, named, distance ≥ 1, underflowed values left out."""
    keys = list(zip(curves["model"], curves["quantity"], strict=True))
    named = curves.assign(series=[REACH_SERIES.get(k) for k in keys])
    return named[named["series"].notna() & (named["distance"] >= 1) & (named["value"] > FLOOR)]


def reach_chart(curves: pd.DataFrame) -> alt.Chart:
    """‖∂s_T/∂s_t‖ against the distance T − t, log axis, one line per (model, quantity)."""
    data = reach_frame(curves)
    names = list(REACH_SERIES.values())
    colors = [OKABE_ITO[3], OKABE_ITO[1], OKABE_ITO[5], OKABE_ITO[0], OKABE_ITO[4], OKABE_ITO[2], "#999999"]
    # the detached cell path (solid) and the product of the gates (dashed, on top) coincide: that is the check
    dashes = [[1, 0], [1, 0], [1, 0], [1, 0], [1, 0], [6, 3], [2, 3]]
    return (
        alt.Chart(data)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("distance:Q", title="distance T − t (steps back)"),
            y=alt.Y(
                "value:Q",
                title="gradient gain (spectral norm)",
                scale=alt.Scale(type="log"),
                axis=sci_axis("gradient gain (spectral norm)"),
            ),
            color=alt.Color("series:N", scale=alt.Scale(domain=names, range=colors), legend=top_legend()),
            strokeDash=alt.StrokeDash("series:N", scale=alt.Scale(domain=names, range=dashes), legend=None),
            tooltip=[
                alt.Tooltip("series:N"),
                alt.Tooltip("distance:Q", title="T − t"),
                alt.Tooltip("value:Q", format=".2e"),
            ],
        )
        .properties(height=CHART_HEIGHT + 40)
    )


# -- section 3: learning a long dependency -------------------------------------------------------------------


def loss_chart(curves: pd.DataFrame, baseline: float, loss_name: str) -> alt.Chart:
    """Held-out loss against training step per model, with the baseline and baseline/20 as rules."""
    data = curves[curves["quantity"] == "test_loss"].assign(model=lambda d: d["model"].map(MODEL_NAMES))
    data = m4(data, "step", "value", ["model"])
    domain = [m for m in MODEL_COLORS if m in set(data["model"])]
    lines = (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=2.5)
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y(
                "value:Q",
                title=f"held-out {loss_name}",
                scale=alt.Scale(type="log"),
                axis=sci_axis(f"held-out {loss_name}"),
            ),
            color=alt.Color(
                "model:N",
                scale=alt.Scale(domain=domain, range=[MODEL_COLORS[m] for m in domain]),
                legend=top_legend(),
            ),
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("step:Q"),
                alt.Tooltip("value:Q", format=".3e", title=loss_name),
            ],
        )
    )
    rules = pd.DataFrame({"value": [baseline, baseline / 20], "label": ["ignores the input", "1/20 of that"]})
    # the baseline (a net that ignores the sequence) and the "solved" line at 1/20 of it
    rule = alt.Chart(rules).mark_rule(strokeDash=[6, 4], color="gray").encode(y="value:Q")
    text = (
        alt.Chart(rules)
        .mark_text(align="left", dx=4, dy=-6, color=TEXT)
        .encode(y="value:Q", x=alt.value(0), text="label:N")
    )
    return (lines + rule + text).properties(height=CHART_HEIGHT)


def input_grad_chart(input_grads: pd.DataFrame) -> alt.Chart:
    """‖∂L/∂x_t‖ over input positions t per model, at initialization (dashed) and after training (solid)."""
    data = input_grads[input_grads["value"] > FLOOR].assign(model=lambda d: d["model"].map(MODEL_NAMES))
    domain = [m for m in MODEL_COLORS if m in set(data["model"])]
    return (
        alt.Chart(data)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("t:Q", title="input position t (the loss is measured after the last step)"),
            y=alt.Y("value:Q", scale=alt.Scale(type="log"), axis=sci_axis("‖∂L/∂x_t‖ (mean over sequences)")),
            color=alt.Color(
                "model:N",
                scale=alt.Scale(domain=domain, range=[MODEL_COLORS[m] for m in domain]),
                legend=top_legend(),
            ),
            strokeDash=alt.StrokeDash(
                "phase:N",
                scale=alt.Scale(domain=["trained", "init"], range=[[1, 0], [5, 4]]),
                legend=top_legend("phase"),
            ),  # fmt: skip
            tooltip=[
                alt.Tooltip("model:N"),
                alt.Tooltip("phase:N"),
                alt.Tooltip("t:Q"),
                alt.Tooltip("value:Q", format=".2e"),
            ],
        )
        .properties(height=CHART_HEIGHT)
    )


# -- section 4: inside a trained LSTM ------------------------------------------------------------------------

INSIDE_WIDTH = 820
INSIDE_TITLES = {
    "i": "input gate i (save)",
    "f": "forget gate f (rem)",
    "o": "output gate o (focus)",
    "c": "cell c (ltm)",
}


def inside_chart(inside: pd.DataFrame, example: pd.DataFrame) -> alt.VConcatChart:
    """The example sequence on top, then the input, forget and output gates and the cell over time for a
    few units, every panel with the marked positions as vertical rules."""
    marks = example[example["marked"]][["t"]]
    width = INSIDE_WIDTH  # a fixed width: panels of a vconcat cannot stretch to the page
    x = alt.X("t:Q", title="position t", scale=alt.Scale(domain=[0, int(example["t"].max())], nice=False))
    rules = alt.Chart(marks).mark_rule(color=OKABE_ITO[3], strokeWidth=2, opacity=0.6).encode(x="t:Q")
    # the input: the number (or symbol) at each position, marked positions highlighted
    top = (
        alt.Chart(example)
        .mark_bar(width=3)
        .encode(
            x=x,
            y=alt.Y("input:Q", title="input"),
            color=alt.Color(
                "marked:N",
                scale=alt.Scale(domain=[True, False], range=[OKABE_ITO[3], "#999999"]),
                legend=top_legend("marked position"),
            ),  # fmt: skip
            tooltip=[alt.Tooltip("t:Q"), alt.Tooltip("label:N", title="input"), alt.Tooltip("marked:N")],
        )
        .properties(height=70, width=width)
    )
    # the marked inputs' values (a number, or X / Y) written above them
    marked_labels = (
        alt.Chart(example[example["marked"]])
        .mark_text(dy=-8, fontSize=12, color=TEXT)
        .encode(x=x, y=alt.Y("input:Q"), text="label:N")
    )
    panels = [top + marked_labels]
    for q, title in INSIDE_TITLES.items():
        data = inside[inside["quantity"] == q].assign(unit=lambda d: "unit " + d["unit"].astype(str))
        domain = [0, 1] if q != "c" else None
        line = (
            alt.Chart(data)
            .mark_line(strokeWidth=2)
            .encode(
                x=x,
                y=alt.Y(
                    "value:Q",
                    title=title,
                    scale=alt.Scale(domain=domain) if domain else alt.Scale(zero=False),
                ),
                color=alt.Color(
                    "unit:N",
                    scale=alt.Scale(range=OKABE_ITO[:4] + OKABE_ITO[5:6]),
                    legend=top_legend("LSTM unit") if q == "i" else None,
                ),
                tooltip=[
                    alt.Tooltip("unit:N"),
                    alt.Tooltip("t:Q"),
                    alt.Tooltip("value:Q", format=".3f", title=q),
                ],
            )
        )
        panels.append((rules + line).properties(height=110, width=width))
    return alt.vconcat(*panels, spacing=6).resolve_scale(color="independent")
