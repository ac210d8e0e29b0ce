"""Charts of the residual-connections lesson, one function per chart. Inputs are the long-form tables of
`experiment` (curves, final, grads, lesion, paths), `jacobian` (singular) and `context`; numpy/pandas/altair only."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from gradviz.charts.downsample import m4
from gradviz.charts.style import CHART_HEIGHT, LAYER_SCHEME, accuracy_y, dashes, palette, top_legend
from gradviz.lessons.resnet.jacobian import ZERO_BELOW

NET_ORDER = ["plain", "residual"]
JACOBIAN_ORDER = ["plain", "residual", "plain, orthogonal"]


def _net_scales(nets: list[str]) -> tuple[alt.Scale, alt.Scale]:
    return alt.Scale(domain=nets, range=palette(len(nets))), alt.Scale(domain=nets, range=dashes(len(nets)))


def _finite_positive(df: pd.DataFrame, col: str = "value") -> pd.DataFrame:
    """Log axes cannot show zeros or non-finite values: keep what can be drawn."""
    return df[np.isfinite(df[col]) & (df[col] > 0)]


def loss_curves(curves: pd.DataFrame, total_width: int = 760) -> alt.FacetChart:
    """Training loss (on 1,000 training digits, evaluated during training) over steps: one line per depth,
    one panel per net. The viridis colour runs from shallow (dark) to deep (light); lines are labelled."""
    df = m4(curves[(curves.quantity == "train_loss") & np.isfinite(curves.value)], "step", "value", ["net", "depth"])
    depths = sorted(df.depth.unique().tolist())
    colour = alt.Color("depth:O", sort=depths, scale=alt.Scale(scheme=alt.SchemeParams(LAYER_SCHEME, extent=[0.1, 0.85])),
                       legend=alt.Legend(title="blocks", orient="top", direction="horizontal"))  # fmt: skip
    base = alt.Chart().encode(
        x=alt.X("step:Q", title="training step"),
        y=alt.Y("value:Q", title="training loss (cross-entropy)", scale=alt.Scale(zero=True)),
        color=colour,
    )
    # lines: one per depth
    lines = base.mark_line(strokeWidth=2, point=alt.OverlayMarkDef(size=18)).encode(
        detail="depth:O",
        tooltip=[
            alt.Tooltip("net:N"),
            alt.Tooltip("depth:O", title="blocks"),
            alt.Tooltip("step:Q"),
            alt.Tooltip("value:Q", title="training loss", format=".3f"),
        ],
    )
    # labels at each line's end: a cue besides colour
    labels = (
        base.transform_joinaggregate(last="max(step)", groupby=["net", "depth"])
        .transform_filter(alt.datum.step == alt.datum.last)
        .mark_text(align="left", dx=5, fontSize=11)
        .encode(text=alt.Text("depth:O"))
    )
    panel = max(220, (total_width - 80) // 2 - 40)
    return (
        alt.layer(lines, labels, data=df)
        .properties(height=CHART_HEIGHT - 40, width=panel)
        .facet(
            column=alt.Column(
                "net:N",
                title=None,
                sort=NET_ORDER,
                header=alt.Header(labelFontSize=13, labelFontWeight="bold"),
            )
        )
    )


def degradation_chart(final: pd.DataFrame) -> alt.HConcatChart:
    """Final training loss (left) and held-out accuracy (right) against depth, plain vs residual."""
    df = final[final.quantity.isin(["train_loss", "held_out_accuracy"]) & np.isfinite(final.value)]
    colour, dash = _net_scales(NET_ORDER)
    x = alt.X("depth:Q", title="blocks (2 weight layers each)", scale=alt.Scale(type="log", base=2),
              axis=alt.Axis(values=sorted(df.depth.unique().tolist()) or [1], format="d"))  # fmt: skip
    enc = {"x": x, "color": alt.Color("net:N", scale=colour, legend=top_legend()),
           "strokeDash": alt.StrokeDash("net:N", scale=dash, legend=None)}  # fmt: skip
    loss = (
        alt.Chart(df[df.quantity == "train_loss"])
        .mark_line(point=alt.OverlayMarkDef(size=60))
        .encode(
            y=alt.Y("value:Q", title="final training loss (whole training set)", scale=alt.Scale(zero=True)),
            tooltip=[
                alt.Tooltip("net:N"),
                alt.Tooltip("depth:Q", title="blocks"),
                alt.Tooltip("value:Q", title="training loss", format=".3f"),
            ],
            **enc,
        )  # fmt: skip
        .properties(height=CHART_HEIGHT - 60, width=330)
    )
    acc = (
        alt.Chart(df[df.quantity == "held_out_accuracy"])
        .mark_line(point=alt.OverlayMarkDef(size=60))
        .encode(
            y=accuracy_y(),
            tooltip=[
                alt.Tooltip("net:N"),
                alt.Tooltip("depth:Q", title="blocks"),
                alt.Tooltip("value:Q", title="accuracy", format=".1%"),
            ],
            **enc,
        )  # fmt: skip
        .properties(height=CHART_HEIGHT - 60, width=330)
    )
    # chance: one in ten digits
    chance = (
        alt.Chart(pd.DataFrame({"y": [0.1]})).mark_rule(strokeDash=[2, 3], color="#999999").encode(y="y:Q")
    )
    return alt.hconcat(loss, acc + chance)


def gradient_by_block(grads: pd.DataFrame, depth: int) -> alt.Chart:
    """‖∂L/∂x⁽ℓ⁾‖ against ℓ for one depth: plain vs residual (colour, dash), at init (faint) and at the end."""
    df = _finite_positive(grads[grads.depth == depth]).assign(
        moment_label=lambda d: d.moment.map({"init": "at initialization", "end": "after training"})
    )
    colour, dash = _net_scales(NET_ORDER)
    return (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=alt.X(
                "block:Q",
                title="ℓ: gradient at the output of block ℓ (0 = input of block 1)",
                axis=alt.Axis(tickMinStep=1, format="d"),
            ),
            y=alt.Y(
                "value:Q",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(format=".0e"),
                title="‖∂L/∂x⁽ℓ⁾‖ (back-propagated)",
            ),
            color=alt.Color("net:N", scale=colour, legend=top_legend()),
            strokeDash=alt.StrokeDash("net:N", scale=dash, legend=None),
            shape=alt.Shape(
                "moment_label:N", legend=top_legend(), sort=["at initialization", "after training"]
            ),
            detail="moment_label:N",
            opacity=alt.Opacity(
                "moment_label:N",
                scale=alt.Scale(domain=["at initialization", "after training"], range=[0.45, 1.0]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("net:N"),
                alt.Tooltip("moment_label:N", title="when"),
                alt.Tooltip("block:O", title="ℓ"),
                alt.Tooltip("value:Q", title="‖∂L/∂x⁽ℓ⁾‖", format=".2e"),
            ],
        )
        .properties(height=CHART_HEIGHT)
    )


def singular_values(singular: pd.DataFrame) -> alt.Chart:
    """Singular values of ∂x⁽ⁿ⁾/∂x⁽⁰⁾, largest first, log scale, one line per net; values that are zero to
    float64 precision (below 1e-12 × the net's largest) are left out (the words count them)."""
    top = singular.groupby("net").value.transform("max")
    df = _finite_positive(singular[singular.value > ZERO_BELOW * top])
    nets = [n for n in JACOBIAN_ORDER if n in set(singular.net)]
    colour, dash = (
        alt.Scale(domain=nets, range=palette(len(nets))),
        alt.Scale(domain=nets, range=dashes(len(nets))),
    )
    # the ideal: every direction passed on unchanged
    one = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(color="#999999", strokeDash=[4, 4]).encode(y="y:Q")
    lines = (
        alt.Chart(df)
        .mark_line(point=alt.OverlayMarkDef(size=14))
        .encode(
            x=alt.X(
                "index:Q", title="singular value, largest first", axis=alt.Axis(tickMinStep=1, format="d")
            ),
            y=alt.Y(
                "value:Q",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(format=".0e"),
                title="singular value σᵢ of ∂x⁽ⁿ⁾/∂x⁽⁰⁾",
            ),
            color=alt.Color("net:N", scale=colour, legend=top_legend()),
            strokeDash=alt.StrokeDash("net:N", scale=dash, legend=None),
            tooltip=[
                alt.Tooltip("net:N"),
                alt.Tooltip("index:Q", title="i"),
                alt.Tooltip("value:Q", title="σᵢ", format=".3e"),
            ],
        )
    )
    return alt.layer(one, lines).properties(height=CHART_HEIGHT)


def path_lengths(by_length: pd.DataFrame) -> alt.Chart:
    """Share of paths of each length (bars: the binomial distribution) and, when measured, the share of the
    estimated total gradient carried by paths of that length (line), for one residual net."""
    whats = ["share of the 2ⁿ paths", "share of the gradient (Veit's estimate)"]
    parts = [by_length[["k", "share"]].rename(columns={"share": "value"}).assign(what=whats[0])]
    if "total_share" in by_length:
        parts.append(
            by_length[["k", "total_share"]].rename(columns={"total_share": "value"}).assign(what=whats[1])
        )
    long = pd.concat(parts, ignore_index=True)
    long = long[np.isfinite(long.value)]
    n = int(by_length.k.max())
    colour = alt.Scale(domain=whats, range=palette(3)[1:3])
    x = alt.X("k:Q", title="path length k (blocks whose F the path goes through)",
              scale=alt.Scale(domain=[-0.5, n + 0.5], nice=False), axis=alt.Axis(tickMinStep=1, format="d"))  # fmt: skip
    tooltip = [alt.Tooltip("what:N"), alt.Tooltip("k:Q"), alt.Tooltip("value:Q", title="share", format=".2%")]
    enc = {"x": x, "color": alt.Color("what:N", scale=colour, legend=top_legend()), "tooltip": tooltip}
    # bars: the binomial distribution C(n, k) / 2ⁿ
    bars = alt.Chart(long[long.what == whats[0]]).mark_bar(opacity=0.55, size=max(2, 300 // (n + 1))).encode(
        y=alt.Y("value:Q", title="share", axis=alt.Axis(format="%")), **enc)  # fmt: skip
    # line: C(n, k) × the mean gradient of one sampled path of length k, as a share of the total
    line = (
        alt.Chart(long[long.what == whats[1]])
        .mark_line(point=True, strokeWidth=2.5)
        .encode(y="value:Q", **enc)
    )
    return alt.layer(bars, line).properties(height=CHART_HEIGHT - 40)


def path_gradient_norms(samples: pd.DataFrame) -> alt.Chart:
    """The gradient one path carries to x⁽⁰⁾ against its length: every sampled path (dots) and the mean."""
    df = _finite_positive(samples, "grad_norm")
    mean = df.groupby("k", as_index=False).grad_norm.mean()
    y = alt.Y(
        "grad_norm:Q",
        scale=alt.Scale(type="log"),
        axis=alt.Axis(format=".0e"),
        title="‖∂L/∂x⁽⁰⁾‖ along one path",
    )
    x = alt.X("k:Q", title="path length k", axis=alt.Axis(tickMinStep=1, format="d"))
    dots = alt.Chart(df).mark_circle(size=18, opacity=0.45, color=palette(1)[0]).encode(
        x=x, y=y, tooltip=[alt.Tooltip("k:Q"), alt.Tooltip("grad_norm:Q", title="norm", format=".2e")])  # fmt: skip
    line = alt.Chart(mean).mark_line(color=palette(4)[3], strokeWidth=2).encode(
        x=x, y=y, tooltip=[alt.Tooltip("k:Q"), alt.Tooltip("grad_norm:Q", title="mean norm", format=".2e")])  # fmt: skip
    return alt.layer(dots, line).properties(height=CHART_HEIGHT - 40)


def lesion_chart(lesion: pd.DataFrame, depth: int) -> alt.Chart:
    """Held-out accuracy with one block deleted (x), plain vs residual, for one depth; the intact nets'
    accuracy as horizontal rules, chance as a dotted rule."""
    df = lesion[lesion.depth == depth]
    colour, dash = _net_scales(NET_ORDER)
    enc_colour = alt.Color("net:N", scale=colour, legend=top_legend())
    deleted = df[df.block > 0]
    intact = df[df.block == 0]
    lines = (
        alt.Chart(deleted)
        .mark_line(point=True)
        .encode(
            x=alt.X("block:Q", title="deleted block", axis=alt.Axis(tickMinStep=1, format="d")),
            y=accuracy_y("accuracy"),
            color=enc_colour,
            strokeDash=alt.StrokeDash("net:N", scale=dash, legend=None),
            tooltip=[
                alt.Tooltip("net:N"),
                alt.Tooltip("block:Q", title="deleted block"),
                alt.Tooltip("accuracy:Q", format=".1%"),
            ],
        )
    )
    # the intact nets
    rules = alt.Chart(intact).mark_rule(opacity=0.5).encode(
        y="accuracy:Q", color=enc_colour, tooltip=[alt.Tooltip("net:N"), alt.Tooltip("accuracy:Q", title="intact", format=".1%")])  # fmt: skip
    chance = (
        alt.Chart(pd.DataFrame({"y": [0.1]})).mark_rule(strokeDash=[2, 3], color="#999999").encode(y="y:Q")
    )
    return alt.layer(rules, chance, lines).properties(height=CHART_HEIGHT - 60)


def imagenet_chart(table: pd.DataFrame, human: float) -> alt.Chart:
    """The lecture's ILSVRC top-5 error by year (bars, labelled by model) with the human error as a rule."""
    bars = (
        alt.Chart(table)
        .mark_bar(color=palette(1)[0])
        .encode(
            x=alt.X("year:O", title="ILSVRC year"),
            y=alt.Y("top5_error:Q", title="top-5 error (%)"),
            tooltip=[
                alt.Tooltip("year:O"),
                alt.Tooltip("model:N"),
                alt.Tooltip("top5_error:Q", title="top-5 error %", format=".1f"),
                alt.Tooltip("what:N", title="exactly"),
            ],
        )
    )
    text = bars.mark_text(dy=-6, fontSize=11).encode(
        text=alt.Text("top5_error:Q", format=".1f"), color=alt.value("#888888")
    )
    rule = alt.Chart(pd.DataFrame({"y": [human], "label": [f"humans {human:g} %"]})).mark_rule(
        color=palette(4)[3], strokeDash=[6, 3]).encode(y="y:Q", tooltip=[alt.Tooltip("label:N", title="")])  # fmt: skip
    # the rule is named in the title: a label on the line would sit on the bars
    title = alt.TitleParams(f"dashed line: humans, {human:g} %", fontSize=11, fontWeight="normal",
                            anchor="end", color=palette(4)[3])  # fmt: skip
    return alt.layer(bars, text, rule).properties(height=CHART_HEIGHT - 60, title=title)


def cifar_chart(table: pd.DataFrame) -> alt.Chart:
    """He et al.'s CIFAR-10 test error of ResNet-20 … ResNet-110 against depth (Table 6)."""
    base = alt.Chart(table).encode(
        x=alt.X(
            "layers:Q",
            title="layers",
            scale=alt.Scale(type="log", base=2),
            axis=alt.Axis(values=table.layers.tolist(), format="d"),
        ),
        y=alt.Y("test_error:Q", title="CIFAR-10 test error (%)", scale=alt.Scale(zero=False)),
        tooltip=[alt.Tooltip("model:N"), alt.Tooltip("test_error:Q", title="test error %", format=".2f")],
    )
    line = base.mark_line(point=alt.OverlayMarkDef(size=60), color=palette(2)[1])
    text = base.mark_text(dy=-10, fontSize=11).encode(text="model:N", color=alt.value("#888888"))
    return alt.layer(line, text).properties(height=CHART_HEIGHT - 60)
