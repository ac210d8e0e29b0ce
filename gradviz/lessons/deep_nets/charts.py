"""Charts of the deep-nets lesson. Inputs are the long-form tables of `gradviz.lessons.deep_nets.experiment`
(with a `run` column added by `deep_nets.combine`), or of `gradviz.lessons.deep_nets.closed_form`."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from gradviz.charts.downsample import m4
from gradviz.charts.style import CHART_HEIGHT, LAYER_SCHEME, accuracy_y, dashes, palette, top_legend

QUANTITY_TITLES = {
    "weight_grad": "‖∂L/∂W_ℓ‖ (weight-gradient norm)",
    "backprop_grad": "‖∂L/∂h_ℓ‖ (gradient reaching layer ℓ)",
    "update_ratio": "‖ΔW_ℓ‖ / ‖W_ℓ‖ (update ratio)",
}


def _positive(df: pd.DataFrame) -> pd.DataFrame:
    """Log axes cannot show zeros or non-finite values: keep what can be drawn."""
    return df[np.isfinite(df.value) & (df.value > 0)]


def _run_scales(runs: list[str]) -> tuple[alt.Scale, alt.Scale]:
    return alt.Scale(domain=runs, range=palette(len(runs))), alt.Scale(domain=runs, range=dashes(len(runs)))


def gradient_over_steps(
    layers: pd.DataFrame, quantity: str = "backprop_grad", total_width: int = 760
) -> alt.FacetChart:
    """One line per layer over training steps, log scale, one panel per run; each line labelled at its end."""
    df = m4(_positive(layers[layers.quantity == quantity]), "step", "value", ["run", "layer"])
    runs = list(dict.fromkeys(df.run))
    n_layers = int(df.layer.max()) if len(df) else 1
    # label every layer when there are few, else the first, the last and every k-th
    k = max(1, int(np.ceil(n_layers / 8)))
    df = df.assign(
        labelled=(df.layer % k == 1) | (df.layer == n_layers) | (k == 1),
        # a run that diverged at its first step has one point per layer: a line cannot show it, a dot can
        lone=df.groupby("run").step.transform("nunique") == 1,
    )
    colour = alt.Color(
        "layer:O",
        scale=alt.Scale(scheme=alt.SchemeParams(LAYER_SCHEME, extent=[0.15, 0.85])),
        legend=alt.Legend(title="layer ℓ", columns=2, symbolLimit=40),
    )
    base = alt.Chart().encode(
        x=alt.X("step:Q", title="training step", axis=alt.Axis(format="d", tickMinStep=1)),
        y=alt.Y(
            "value:Q",
            scale=alt.Scale(type="log"),
            axis=alt.Axis(format=".0e"),
            title=QUANTITY_TITLES[quantity],
        ),
        color=colour,
    )
    # lines: one per layer
    lines = base.mark_line(strokeWidth=1.8).encode(
        detail="layer:O",
        tooltip=[
            alt.Tooltip("run:N"),
            alt.Tooltip("layer:O"),
            alt.Tooltip("step:Q"),
            alt.Tooltip("value:Q", title="norm", format=".2e"),
        ],
    )
    # dots: for runs with a single recorded step
    dots = (
        base.transform_filter(alt.datum.lone)
        .mark_point(filled=True, size=40)
        .encode(
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("layer:O"),
                alt.Tooltip("value:Q", title="norm", format=".2e"),
            ]
        )
    )
    # labels: the second cue besides colour, at each line's last point (computed per panel)
    labels = (
        base.transform_filter(alt.datum.labelled)
        .transform_joinaggregate(last="max(step)", groupby=["run", "layer"])
        .transform_filter(alt.datum.step == alt.datum.last)
        .mark_text(align="left", dx=4, fontSize=11)
        .encode(text=alt.Text("layer:O"))
    )
    per_row = min(3, max(1, len(runs)))  # up to three panels a row; more runs wrap
    panel_width = max(200, (total_width - 90) // per_row - 30)
    return (
        alt.layer(lines, dots, labels, data=df)
        .properties(height=CHART_HEIGHT, width=panel_width)
        .facet(
            facet=alt.Facet(
                "run:N", title=None, sort=runs, header=alt.Header(labelFontSize=13, labelFontWeight="bold")
            ),
            columns=per_row,
        )
    )


def gradient_by_depth(layers: pd.DataFrame, quantity: str = "backprop_grad") -> alt.Chart:
    """Norm against layer index at initialization (step 0) and at the last recorded step, one colour and dash per run."""
    df = _positive(layers[layers.quantity == quantity])
    first = df.groupby("run").step.transform("min")
    last = df.groupby("run").step.transform("max")
    df = df[(df.step == first) | (df.step == last)].assign(
        moment=lambda d: np.where(
            d.step == d.groupby("run").step.transform("min"), "at initialization", "at the end"
        )
    )
    runs = list(dict.fromkeys(df.run))
    colour, dash = _run_scales(runs)
    base = alt.Chart(df).encode(
        x=alt.X("layer:Q", title="layer ℓ (1 = nearest the input)", axis=alt.Axis(tickMinStep=1, format="d")),
        y=alt.Y(
            "value:Q",
            scale=alt.Scale(type="log"),
            axis=alt.Axis(format=".0e"),
            title=QUANTITY_TITLES[quantity],
        ),
        color=alt.Color("run:N", scale=colour, legend=top_legend()),
        strokeDash=alt.StrokeDash("run:N", scale=dash, legend=None),
    )
    lines = base.mark_line(point=True).encode(
        shape=alt.Shape("moment:N", legend=top_legend()),
        detail="moment:N",
        opacity=alt.Opacity(
            "moment:N",
            scale=alt.Scale(domain=["at initialization", "at the end"], range=[0.45, 1.0]),
            legend=None,
        ),
        tooltip=[
            alt.Tooltip("run:N"),
            alt.Tooltip("moment:N"),
            alt.Tooltip("layer:O"),
            alt.Tooltip("value:Q", title="norm", format=".2e"),
        ],
    )
    return lines.properties(height=CHART_HEIGHT)


def update_ratio_by_layer(layers: pd.DataFrame) -> alt.Chart:
    """Median ‖ΔW‖/‖W‖ per layer over training, per run, with the ~1e-3 rule of thumb as a band."""
    df = _positive(layers[layers.quantity == "update_ratio"])
    med = df.groupby(["run", "layer"], as_index=False, sort=False).value.median()
    runs = list(dict.fromkeys(med.run))
    colour, dash = _run_scales(runs)
    y = alt.Y(
        "value:Q",
        scale=alt.Scale(type="log"),
        axis=alt.Axis(format=".0e"),
        title="median ‖ΔW_ℓ‖ / ‖W_ℓ‖ per step",
    )
    # the rule of thumb: updates around 1e-3 of the weights per step
    band = (
        alt.Chart(pd.DataFrame({"lo": [3e-4], "hi": [3e-3]}))
        .mark_rect(opacity=0.12, color="#009E73")
        .encode(y=alt.Y("lo:Q", scale=alt.Scale(type="log")), y2="hi:Q")
    )
    lines = (
        alt.Chart(med)
        .mark_line(point=True)
        .encode(
            x=alt.X("layer:Q", title="layer ℓ", axis=alt.Axis(tickMinStep=1, format="d")),
            y=y,
            color=alt.Color("run:N", scale=colour, legend=top_legend()),
            strokeDash=alt.StrokeDash("run:N", scale=dash, legend=None),
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("layer:O"),
                alt.Tooltip("value:Q", title="ratio", format=".2e"),
            ],
        )
    )
    return alt.layer(band, lines).properties(height=CHART_HEIGHT)


def activation_heatmap(hist: pd.DataFrame) -> alt.FacetChart:
    """Distribution of each hidden layer's activations (rows) at initialization and at the end (columns)."""
    df = hist.copy()
    first = df.groupby("run").step.transform("min")
    df["moment"] = np.where(df.step == first, "at initialization", "at the end")
    df["share_pct"] = 100 * df.share
    return (
        alt.Chart(df)
        .mark_rect()
        .encode(
            x=alt.X("bin_start:Q", bin="binned", title="activation value h"),
            x2="bin_end:Q",
            y=alt.Y("layer:O", title="hidden layer ℓ", sort="descending"),
            color=alt.Color(
                "share_pct:Q",
                scale=alt.Scale(type="sqrt", scheme="viridis"),
                legend=alt.Legend(title="% of units", format=".0f"),
            ),
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("layer:O"),
                alt.Tooltip("bin_start:Q", title="from", format=".2f"),
                alt.Tooltip("bin_end:Q", title="to", format=".2f"),
                alt.Tooltip("share_pct:Q", title="% of activations", format=".1f"),
            ],
        )
        .properties(height=min(270, max(120, 18 * int(df.layer.max() if len(df) else 1))), width=260)
        .facet(
            column=alt.Column("moment:N", title=None, sort=["at initialization", "at the end"]),
            row=alt.Row("run:N", title=None, sort=list(dict.fromkeys(df.run))),
        )
        .resolve_scale(x="independent")
    )


def saturation_by_layer(layers: pd.DataFrame) -> alt.Chart:
    """Share of saturated (sigmoid, tanh) or dead (ReLU, GELU) units per layer, at the end of training."""
    df = layers[layers.quantity.isin(["frac_saturated", "frac_dead"])]
    last = df.groupby("run").step.transform("max")
    df = df[df.step == last].assign(
        pct=lambda d: 100 * d.value,
        what=lambda d: d.quantity.map(
            {"frac_saturated": "saturated (f′ < 10% of max)", "frac_dead": "dead (f′ = 0 on the batch)"}
        ),
    )
    runs = list(dict.fromkeys(df.run))
    colour, dash = _run_scales(runs)
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X("layer:Q", title="hidden layer ℓ", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y("pct:Q", title="% of units", scale=alt.Scale(domain=[0, 100])),
            color=alt.Color("run:N", scale=colour, legend=top_legend()),
            strokeDash=alt.StrokeDash("run:N", scale=dash, legend=None),
            shape=alt.Shape("what:N", legend=top_legend()),
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("layer:O"),
                alt.Tooltip("what:N"),
                alt.Tooltip("pct:Q", title="%", format=".1f"),
            ],
        )
        .properties(height=CHART_HEIGHT)
    )


def _run_encodings(df: pd.DataFrame) -> dict:
    runs = list(dict.fromkeys(df.run))
    colour, dash = _run_scales(runs)
    return {
        "x": alt.X("step:Q", title="training step"),
        "color": alt.Color("run:N", scale=colour, legend=top_legend()),
        "strokeDash": alt.StrokeDash("run:N", scale=dash, legend=None),
    }


LOSS_NAMES = {"loss": "minibatch loss", "held_out_loss": "held-out loss"}


def loss_curves(training: pd.DataFrame) -> alt.Chart:
    """Minibatch loss (faint) and held-out loss (solid) over steps, log scale, one colour and dash per run."""
    loss = training[
        training.quantity.isin(LOSS_NAMES) & np.isfinite(training.value) & (training.value > 0)
    ].assign(what=lambda d: d.quantity.map(LOSS_NAMES))
    loss = m4(loss, "step", "value", ["run", "quantity"])
    return (
        alt.Chart(loss)
        .mark_line(strokeWidth=1.5)
        .encode(
            y=alt.Y("value:Q", scale=alt.Scale(type="log"), title="cross-entropy loss"),
            opacity=alt.Opacity(
                "what:N",
                scale=alt.Scale(domain=list(LOSS_NAMES.values()), range=[0.3, 1.0]),
                legend=top_legend(),
            ),
            detail="what:N",
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("what:N"),
                alt.Tooltip("step:Q"),
                alt.Tooltip("value:Q", title="loss", format=".3f"),
            ],
            **_run_encodings(loss),
        )
        .properties(height=280)
    )


def accuracy_curves(training: pd.DataFrame) -> alt.Chart:
    """Held-out accuracy over steps, one colour and dash per run; chance (10%) is the floor to beat."""
    acc = training[training.quantity == "held_out_accuracy"]
    return (
        alt.Chart(acc)
        .mark_line(point=True)
        .encode(
            y=accuracy_y(),
            tooltip=[
                alt.Tooltip("run:N"),
                alt.Tooltip("step:Q"),
                alt.Tooltip("value:Q", title="accuracy", format=".1%"),
            ],
            **_run_encodings(acc),
        )
        .properties(height=280)
    )


def chain_gradients(chain: pd.DataFrame) -> alt.Chart:
    """|∂L/∂W_ℓ| of the one-neuron chain against ℓ (log), with the |factor| of each layer as bars."""
    df = chain.assign(abs_grad=lambda d: d.grad.abs(), abs_factor=lambda d: d.factor.abs())
    df = df[np.isfinite(df.abs_grad) & (df.abs_grad > 0)]
    return (
        alt.Chart(df)
        .mark_line(point=True, color="#0072B2")
        .encode(
            x=alt.X("layer:Q", title="layer ℓ", axis=alt.Axis(tickMinStep=1, format="d")),
            y=alt.Y(
                "abs_grad:Q", scale=alt.Scale(type="log"), axis=alt.Axis(format=".0e"), title="|∂L/∂W_ℓ|"
            ),
            tooltip=[
                alt.Tooltip("layer:O"),
                alt.Tooltip("abs_grad:Q", title="|∂L/∂W_ℓ|", format=".2e"),
                alt.Tooltip("fprime:Q", title="f′(a_ℓ)", format=".3f"),
                alt.Tooltip("factor:Q", title="f′(a_ℓ)·W_ℓ", format=".3f"),
            ],
        )
        .properties(height=260)
    )
