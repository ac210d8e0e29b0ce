"""Charts for the "Gradient clipping" lesson (`gradviz.lessons.clipping.cliff`, `gradviz.lessons.clipping.experiment`): one
function per chart, a long-form DataFrame in, an `alt.Chart` out. Gradient sizes and losses that blow up
go on log axes; tooltips give exact values in scientific notation."""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from gradviz.charts.downsample import m4
from gradviz.charts.style import (
    CHART_HEIGHT,
    DASHES,
    LAYER_SCHEME,
    OKABE_ITO,
    grid_cells,
    log_axis_scale,
    sci_axis,
)

# One colour and one dash pattern per clip mode, the same in every chart of the lesson.
RUNS = ["none", "norm", "value"]
RUN_COLORS = [OKABE_ITO[3], OKABE_ITO[0], OKABE_ITO[2]]  # vermillion (danger), blue, green
RUN_DASHES = [DASHES[0], DASHES[1], DASHES[2]]
CLIFF_RUNS = ["unclipped", "clipped by norm"]
VECTORS = ["gradient g", "clipped by norm", "clipped by value"]
VECTOR_COLORS = [OKABE_ITO[3], OKABE_ITO[0], OKABE_ITO[2]]
SMALL_HEIGHT = 230  # secondary panels
FLOOR = 1e-300  # sizes below this (0 after underflow) are drawn here, at the bottom of a log axis
CLICK_GRID = 0.25  # a click on the vector plane sets the tip to the nearest multiple of this
STEP_FLOOR = 1e-6  # step lengths below this are drawn here: the plot is about long steps, not tiny ones


def _run_color(domain: list[str], colors: list[str], title: str | None, legend: bool = True) -> alt.Color:
    """Colour by run; secondary layers (markers, labels) pass legend=False so the legend keeps line symbols."""
    return alt.Color(
        "run:N",
        scale=alt.Scale(domain=domain, range=colors),
        title=title,
        legend=alt.Legend(symbolType="stroke") if legend else None,
    )


def _run_dash(domain: list[str], title: str | None) -> alt.StrokeDash:
    return alt.StrokeDash(
        "run:N", scale=alt.Scale(domain=domain, range=RUN_DASHES[: len(domain)]), title=title
    )


def _hline(value: float, color: str, dash: list[int], label: str) -> alt.Chart:
    """A horizontal marker at y = value, named in its tooltip."""
    data = pd.DataFrame({"y": [value], "label": [label]})
    return (
        alt.Chart(data)
        .mark_rule(color=color, strokeDash=dash, strokeWidth=1.5)
        .encode(
            y="y:Q",
            tooltip=[alt.Tooltip("label:N", title="line"), alt.Tooltip("y:Q", title="value", format=".3g")],
        )
    )


def _survivors_scale(frame: pd.DataFrame, column: str) -> tuple[alt.Scale, float]:
    """A log scale whose top is a decade above the largest value of the runs that reached the last step,
    so runs that blew up leave through the top instead of squashing the others into one flat line.
    Returns (scale, top); top is inf when nothing needs cutting."""
    values = frame[column].to_numpy(dtype=float)
    positive = values[np.isfinite(values) & (values > 0)]
    if positive.size == 0:
        return log_axis_scale(), math.inf
    last = frame.groupby("run")["step"].max()
    survivors = frame[frame["run"].isin(last[last == last.max()].index)][column].to_numpy(dtype=float)
    survivors = survivors[np.isfinite(survivors) & (survivors > 0)]
    if survivors.size == 0 or survivors.max() * 10 >= positive.max():
        return log_axis_scale(), math.inf
    top = 10.0 ** math.ceil(math.log10(survivors.max() * 10))
    bottom = 10.0 ** math.floor(math.log10(positive.min()))
    return alt.Scale(type="log", domain=[bottom, top]), top


def _light(grid: pd.DataFrame) -> pd.DataFrame:
    """Only the columns the map draws, with the digits its tooltips show (about a third of the JSON the
    browser would otherwise download on every rerun), as float32: 7 digits, more than any tooltip shows,
    and half the bytes of float64 (the norms on this map stay far inside float32's range)."""
    sig3 = np.vectorize(lambda v: float(f"{v:.3g}"), otypes=[float])
    light = grid[["w", "b"]].assign(loss=grid["loss"].round(5), grad_norm=sig3(grid["grad_norm"].to_numpy()))
    return light.astype("float32")


# -- part 1: on the cliff ---------------------------------------------------------------------------------


def cliff_map(
    grid: pd.DataFrame,
    boundary: pd.DataFrame,
    trajectories: pd.DataFrame,
    w_range: tuple[float, float],
    b_range: tuple[float, float],
) -> alt.Chart:
    """The loss over (w, b) as a heatmap with a click-to-pick `start` selection (fields w, b), the cliff
    line, and both descents as numbered step markers joined by lines. Points off the map are drawn on
    its edge as triangles; their tooltip keeps the true (w, b)."""
    x_scale = alt.Scale(domain=list(w_range), nice=False)
    y_scale = alt.Scale(domain=list(b_range), nice=False)
    start = alt.selection_point(name="start", fields=["w", "b"], on="click", clear=False)
    # the loss surface: one rect per grid point, centred on it
    cells = (
        grid_cells(_light(grid), x_title="recurrent weight w", x_scale=x_scale, y_scale=y_scale)
        .encode(
            color=alt.Color("loss:Q", scale=alt.Scale(scheme=LAYER_SCHEME), title="loss"),
            tooltip=[
                alt.Tooltip("w:Q", format=".2f"),
                alt.Tooltip("b:Q", format=".2f"),
                alt.Tooltip("loss:Q", format=".4f"),
                alt.Tooltip("grad_norm:Q", title="‖∇L‖", format=".2e"),
            ],
        )
        .add_params(start)
    )
    # the cliff: the basin boundary b* = atanh(h0) − w h0, continued by the saddle-node fold (white, dashed)
    edge = (
        alt.Chart(boundary)
        .mark_line(color="white", strokeDash=[5, 3], strokeWidth=1.5)
        .encode(x=alt.X("w:Q", scale=x_scale), y=alt.Y("b:Q", scale=y_scale))
    )
    data = trajectories.assign(
        w_shown=trajectories["w"].clip(*w_range),
        b_shown=trajectories["b"].clip(*b_range),
        where=np.where(trajectories["in_region"], "on the map", "off the map (at edge)"),
    )
    base = alt.Chart(data).encode(
        x=alt.X("w_shown:Q", scale=x_scale),
        y=alt.Y("b_shown:Q", scale=y_scale),
        color=_run_color(CLIFF_RUNS, [RUN_COLORS[0], RUN_COLORS[1]], "descent"),
        order="step:Q",
    )
    # each descent's path, in step order
    paths = base.mark_line(strokeWidth=2).encode(strokeDash=_run_dash(CLIFF_RUNS, "descent"))
    # one marker per step; triangles where the true point is off the map
    markers = base.mark_point(filled=True, size=28, stroke="white", strokeWidth=0.5).encode(
        shape=alt.Shape(
            "where:N",
            scale=alt.Scale(domain=["on the map", "off the map (at edge)"], range=["circle", "triangle-up"]),
            title=None,
        ),
        tooltip=[
            alt.Tooltip("run:N", title="descent"),
            alt.Tooltip("step:Q"),
            alt.Tooltip("w:Q", format=".4g"),
            alt.Tooltip("b:Q", format=".4g"),
            alt.Tooltip("loss:Q", format=".4f"),
            alt.Tooltip("grad_norm:Q", title="‖∇L‖ (before clipping)", format=".2e"),
            alt.Tooltip("step_size:Q", title="length of the step here", format=".2e"),
        ],
    )
    # the common start
    origin = data[data["step"] == 0].head(1)
    here = (
        alt.Chart(origin)
        .mark_point(shape="cross", size=220, filled=True, color="white", stroke="black", strokeWidth=0.8)
        .encode(x="w_shown:Q", y="b_shown:Q")
    )
    return alt.layer(cells, edge, paths, markers, here).properties(height=CHART_HEIGHT + 80)


def step_size_chart(trajectories: pd.DataFrame, bound: float) -> alt.Chart:
    """‖θ_k − θ_{k−1}‖ for each step of both descents, log scale (floored at 1e-6), with the clipped bound lr·η."""
    data = trajectories[trajectories["step"] > 0]
    # steps shorter than STEP_FLOOR (a flat plateau: the float does not even move) sit on the bottom edge
    data = data.assign(shown=np.maximum(data["step_size"].to_numpy(dtype=float), STEP_FLOOR))
    lines = (
        alt.Chart(data)
        .mark_line(point=True, strokeWidth=1.8)
        .encode(
            x=alt.X("step:Q", title="step k"),
            y=alt.Y("shown:Q", scale=log_axis_scale(), axis=sci_axis("step length ‖θₖ − θₖ₋₁‖")),
            color=_run_color(CLIFF_RUNS, [RUN_COLORS[0], RUN_COLORS[1]], "descent"),
            strokeDash=_run_dash(CLIFF_RUNS, "descent"),
            tooltip=[
                alt.Tooltip("run:N", title="descent"),
                alt.Tooltip("step:Q"),
                alt.Tooltip("step_size:Q", title="step length", format=".2e"),
                alt.Tooltip("grad_norm:Q", title="‖∇L‖ before it", format=".2e"),
            ],
        )
    )
    return alt.layer(lines, _hline(bound, "#999999", [4, 3], "lr · η: the longest clipped step")).properties(
        height=SMALL_HEIGHT
    )


# -- part 2: training a real RNN -----------------------------------------------------------------------


def loss_chart(steps: pd.DataFrame, summary: pd.DataFrame, baseline: float) -> alt.Chart:
    """Minibatch loss per step for the three runs (log scale), the mean-predictor baseline, and a label
    at the step where a run diverged. A run that blew up leaves through the top of the chart."""
    data = m4(steps[steps["quantity"] == "loss"], "step", "value", ["run"])
    scale, top = _survivors_scale(data, "value")
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=1.5, clip=True)
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y("value:Q", scale=scale, axis=sci_axis("training loss (MSE, log scale)")),
            color=_run_color(RUNS, RUN_COLORS, "clipping"),
            strokeDash=_run_dash(RUNS, "clipping"),
            tooltip=[
                alt.Tooltip("run:N", title="clipping"),
                alt.Tooltip("step:Q"),
                alt.Tooltip("value:Q", title="loss", format=".3e"),
            ],
        )
    )
    base_line = _hline(baseline, "#999999", [2, 2], "mean predictor: MSE 1/6")
    base_text = (
        alt.Chart(
            pd.DataFrame(
                {"y": [baseline], "x": [data["step"].max()], "text": ["always answering 1: MSE 1/6"]}
            )
        )
        .mark_text(align="right", dy=-8, color="#999999", fontSize=11)
        .encode(x="x:Q", y="y:Q", text="text:N")
    )
    # where a run stopped on NaN/inf: a cross at its last finite loss
    div = summary[(summary["quantity"] == "diverged_at") & summary["value"].notna()][["run", "value"]]
    last = data.sort_values("step").groupby("run").tail(1)[["run", "step", "value"]]
    ends = last.merge(div.rename(columns={"value": "diverged_at"}), on="run")
    ends = ends.assign(
        label="diverged at step " + ends["diverged_at"].astype(int).astype(str),
        value=ends["value"].clip(upper=top),  # at the top edge when the curve left the chart
    )
    end_marks = (
        alt.Chart(ends)
        .mark_point(shape="cross", size=160, strokeWidth=3, filled=True)
        .encode(
            x="step:Q",
            y="value:Q",
            color=_run_color(RUNS, RUN_COLORS, "clipping", legend=False),
            tooltip=[alt.Tooltip("run:N", title="clipping"), alt.Tooltip("label:N", title="what happened")],
        )
    )
    end_text = (
        alt.Chart(ends)
        .mark_text(align="right", dx=-8, dy=-8, fontWeight="bold")
        .encode(
            x="step:Q",
            y="value:Q",
            text="label:N",
            color=_run_color(RUNS, RUN_COLORS, "clipping", legend=False),
        )
    )
    return alt.layer(lines, base_line, base_text, end_marks, end_text).properties(height=CHART_HEIGHT)


def grad_norm_chart(
    steps: pd.DataFrame, threshold: float, band: tuple[float, float] | None = None
) -> alt.Chart:
    """‖g‖ before clipping per step for the three runs (log scale), the threshold η, a dot on every step
    where a run was clipped, and optionally the heuristic's band [½, 10] × average norm."""
    wide = steps.pivot_table(index=["run", "step"], columns="quantity", values="value").reset_index()
    norms = wide[["run", "step", "grad_norm", "clipped"]].dropna(subset=["grad_norm"])
    norms = norms.assign(shown=np.maximum(norms["grad_norm"].to_numpy(dtype=float), FLOOR))
    scale, _ = _survivors_scale(norms, "shown")  # an exploding run leaves through the top
    lines = (
        alt.Chart(m4(norms, "step", "shown", ["run"]))
        .mark_line(strokeWidth=1.4, clip=True)
        .encode(
            x=alt.X("step:Q", title="training step"),
            y=alt.Y("shown:Q", scale=scale, axis=sci_axis("gradient norm ‖g‖ before clipping")),
            color=_run_color(RUNS, RUN_COLORS, "clipping"),
            strokeDash=_run_dash(RUNS, "clipping"),
            tooltip=[
                alt.Tooltip("run:N", title="clipping"),
                alt.Tooltip("step:Q"),
                alt.Tooltip("grad_norm:Q", title="‖g‖", format=".2e"),
                alt.Tooltip("clipped:Q", title="clipped (1 = yes)", format=".0f"),
            ],
        )
    )
    # a dot on every step where a run's gradient was clipped; one fixed-colour layer per run, so the
    # legend keeps the lines' symbols
    clipped = norms[norms["clipped"] > 0]
    dots = [
        alt.Chart(clipped[clipped["run"] == run])
        .mark_point(filled=True, size=16, opacity=0.8, color=color, shape=shape, clip=True)
        .encode(
            x="step:Q",
            y="shown:Q",
            tooltip=[
                alt.Tooltip("run:N", title="clipped run"),
                alt.Tooltip("step:Q"),
                alt.Tooltip("grad_norm:Q", title="‖g‖ before clipping", format=".2e"),
            ],
        )
        for run, color, shape in zip(RUNS[1:], RUN_COLORS[1:], ["circle", "square"], strict=True)
    ]
    layers: list[alt.Chart] = []
    if band is not None and np.all(np.isfinite(band)):
        lo, hi = band
        # the heuristic's range: thresholds from ½ to 10 × the unclipped run's average early norm
        layers.append(
            alt.Chart(pd.DataFrame({"lo": [lo], "hi": [hi], "label": ["heuristic range ½–10 × average ‖g‖"]}))
            .mark_rect(color=OKABE_ITO[5], opacity=0.15, clip=True)
            .encode(
                y="lo:Q",
                y2="hi:Q",
                tooltip=[
                    alt.Tooltip("label:N", title="band"),
                    alt.Tooltip("lo:Q", format=".2e"),
                    alt.Tooltip("hi:Q", format=".2e"),
                ],
            )
        )
    layers += [lines, *dots, _hline(threshold, "#999999", [6, 3], "threshold η")]
    return alt.layer(*layers).properties(height=CHART_HEIGHT)


# -- part 3: norm vs value ------------------------------------------------------------------------------


def vector_chart(
    vectors: pd.DataFrame, circle: pd.DataFrame, box: pd.DataFrame, extent: float, size: int = 380
) -> alt.Chart:
    """The gradient g and its two clipped versions as arrows from the origin, over the circle ‖g‖ = η
    (norm clipping lands on it) and the box |gᵢ| ≤ η (value clipping lands in it). Faint cells tiling the
    plane carry a click-to-set `tip` selection (fields x, y, the cell centre). Drawn square, so angles look right."""
    scale = alt.Scale(domain=[-extent, extent], nice=False)
    ticks = np.round(np.arange(-extent, extent + 1e-9, CLICK_GRID), 2)
    targets = pd.DataFrame([(x, y) for x in ticks for y in ticks], columns=["x", "y"])
    tip = alt.selection_point(name="tip", fields=["x", "y"], on="click", clear=False)
    # the plane tiled with faint cells centred on the grid points: a click anywhere picks the nearest one
    cells = (
        grid_cells(
            targets, x="x", y="y", x_title="g₁", y_title="g₂", reach=0.5, x_scale=scale, y_scale=scale,
            color="#999999", opacity=0.06, stroke="#999999", strokeOpacity=0.12, strokeWidth=0.5,
        )  # fmt: skip
        .encode(
            tooltip=[
                alt.Tooltip("x:Q", title="click to set g₁", format=".2f"),
                alt.Tooltip("y:Q", title="click to set g₂", format=".2f"),
            ],
        )
        .add_params(tip)
    )
    ring = (
        alt.Chart(circle)
        .mark_line(color="#999999", strokeDash=[4, 3])
        .encode(x="x:Q", y="y:Q", order="order:Q")
    )
    square = (
        alt.Chart(box).mark_line(color="#999999", strokeDash=[1, 3]).encode(x="x:Q", y="y:Q", order="order:Q")
    )
    arrows = vectors.assign(
        x0=0.0,
        y0=0.0,
        # Vega rotates a point's shape clockwise from "up"; the vector points at angle θ anticlockwise from +x
        rotate=(90.0 - vectors["angle_deg"]) % 360.0,
    )
    color = alt.Color(
        "vector:N",
        scale=alt.Scale(domain=VECTORS, range=VECTOR_COLORS),
        title=None,
        legend=alt.Legend(orient="bottom", symbolType="stroke"),
    )
    dash = alt.StrokeDash("vector:N", scale=alt.Scale(domain=VECTORS, range=RUN_DASHES), title=None)
    tooltip = [
        alt.Tooltip("vector:N"),
        alt.Tooltip("x:Q", title="g₁", format=".3f"),
        alt.Tooltip("y:Q", title="g₂", format=".3f"),
        alt.Tooltip("norm:Q", title="‖·‖", format=".3f"),
        alt.Tooltip("angle_deg:Q", title="direction (degrees)", format=".1f"),
    ]
    # each vector's shaft, from the origin to its tip
    shafts = (
        alt.Chart(arrows)
        .mark_rule(strokeWidth=3)
        .encode(x="x0:Q", y="y0:Q", x2="x:Q", y2="y:Q", color=color, strokeDash=dash, tooltip=tooltip)
    )
    # the arrow heads, turned to point along the vector
    heads = (
        alt.Chart(arrows[arrows["norm"] > 0])  # a zero vector has no direction to point in
        .mark_point(shape="triangle-up", size=150, filled=True, opacity=1)
        .encode(x="x:Q", y="y:Q", angle=alt.Angle("rotate:Q", scale=None), color=color, tooltip=tooltip)
    )
    # autosize "pad": the plot area is exactly size × size (Streamlit's default "fit" squeezes it)
    return alt.layer(cells, ring, square, shafts, heads).properties(
        width=size, height=size, autosize=alt.AutoSizeParams(type="pad")
    )
