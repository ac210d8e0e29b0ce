"""Charts for the "Backprop through time" lesson (`gradviz.lessons.rnn_dynamics`): one function per chart, a long-form
DataFrame in, an `alt.Chart` out. Gradient sizes go on log axes; a size too small for a float (below
1e-300, drawn at `FLOOR`) is said in the tooltip rather than dropped."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from gradviz.charts.style import (
    CHART_HEIGHT,
    LAYER_SCHEME,
    dashes,
    grid_cells,
    grid_spacing,
    log_axis_scale,
    palette,
    sci_axis,
)

FLOOR = 1e-300  # magnitudes below this (0 after underflow) are drawn here, at the bottom of a log axis

SMALL_HEIGHT = 230  # secondary panels under a main chart
MANDELBROT_WIDTH = 440  # the picture keeps the complex plane's aspect (2.7 wide, 2.4 high)
GAPLESS = 0.65  # heatmap cells reach 65% of the grid spacing each way: they overlap, so no white seams


def _floored(frame: pd.DataFrame, column: str = "magnitude") -> pd.DataFrame:
    """A copy with `shown` = max(column, FLOOR), so a log axis can draw every row."""
    return frame.assign(shown=np.maximum(frame[column].to_numpy(dtype=float), FLOOR))


def _inline(*rows: dict) -> alt.InlineData:
    """A few literal rows (markers, reference lines): inline values, cheaper to send than a DataFrame."""
    return alt.InlineData(
        values=[{k: (float(v) if isinstance(v, (int, float)) else v) for k, v in r.items()} for r in rows]
    )


def _rule_x(value: float, color: str, dash: list[int], label: str) -> alt.Chart:
    """A vertical marker at x = value with its label in the tooltip."""
    return (
        alt.Chart(_inline({"x": value, "label": label}))
        .mark_rule(color=color, strokeDash=dash, strokeWidth=2)
        .encode(
            x=alt.X("x:Q"), tooltip=[alt.Tooltip("label:N", title="marker"), alt.Tooltip("x:Q", format=".4f")]
        )
    )


CLIFF_LABELS = {
    "boundary": "basin boundary: h0 = repelling fixed point",
    "saddle-node": "saddle-node: h0's attractor disappears",
}


def _bias_markers(b: float, b_boundary: float | None, kind: str = "boundary") -> alt.Chart:
    """One rule layer: the current b (grey, solid) and, if there is one, the cliff's b (dashed)."""
    rows = [{"x": float(b), "label": "your b"}]
    if b_boundary is not None:
        rows.append({"x": float(b_boundary), "label": CLIFF_LABELS.get(kind, "cliff")})
    labels = [r["label"] for r in rows]
    return (
        alt.Chart(alt.InlineData(values=rows))
        .mark_rule(strokeWidth=2)
        .encode(
            x=alt.X("x:Q"),
            color=alt.Color(
                "label:N",
                scale=alt.Scale(domain=labels, range=["#777777", palette(4)[3]][: len(rows)]),
                legend=None,
            ),
            strokeDash=alt.StrokeDash(
                "label:N", scale=alt.Scale(domain=labels, range=[[1, 0], [6, 3]][: len(rows)]), legend=None
            ),
            tooltip=[alt.Tooltip("label:N", title="marker"), alt.Tooltip("x:Q", title="b", format=".4f")],
        )
    )


# -- 1. the scalar chain --------------------------------------------------------------------------------


def chain_chart(chain: pd.DataFrame) -> alt.Chart:
    """|∂h_t/∂h_0| against t for the linear and the tanh unit, log scale, with the line |·| = 1."""
    units = ["linear", "tanh"]
    data = _floored(chain)
    base = alt.Chart(data).encode(
        x=alt.X("t:Q", title="step t (number of factors multiplied)", axis=alt.Axis(tickMinStep=1)),
        y=alt.Y("shown:Q", scale=log_axis_scale(), axis=sci_axis("|∂h_t / ∂h_0|")),
        color=alt.Color("unit:N", scale=alt.Scale(domain=units, range=palette(2)), title="unit"),
        strokeDash=alt.StrokeDash("unit:N", scale=alt.Scale(domain=units, range=dashes(2)), title="unit"),
        tooltip=[
            alt.Tooltip("unit:N"),
            alt.Tooltip("t:Q"),
            alt.Tooltip("factor:Q", title="factor ∂h_t/∂h_(t−1)", format=".4f"),
            alt.Tooltip("product:Q", title="∂h_t/∂h_0", format=".3e"),
        ],
    )
    # the products, one line per unit, with a dot per step (so a short chain shows its few steps)
    lines = base.mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(size=14))
    # where a product neither grows nor shrinks
    one = alt.Chart(_inline({"y": 1.0})).mark_rule(color="#999999", strokeDash=[2, 2]).encode(y=alt.Y("y:Q"))
    return alt.layer(lines, one, height=CHART_HEIGHT)


# -- 2. iterated maps -----------------------------------------------------------------------------------


def cobweb_chart(curve: pd.DataFrame, cobweb: pd.DataFrame) -> alt.Chart:
    """The map y = f(x) and the identity, with the cobweb of the orbit drawn between them."""
    names = sorted(curve["curve"].unique(), key=lambda s: not s.startswith("f"))
    axes = {
        "x": alt.X("x:Q", title="x_n", scale=alt.Scale(domain=[0, 1])),
        "y": alt.Y("y:Q", title="x_(n+1)"),
    }
    # f and the diagonal
    curves = (
        alt.Chart(curve)
        .mark_line(strokeWidth=2)
        .encode(
            **axes,
            color=alt.Color(
                "curve:N", scale=alt.Scale(domain=names, range=[palette(3)[0], "#999999"]), title=None
            ),
            strokeDash=alt.StrokeDash(
                "curve:N", scale=alt.Scale(domain=names, range=[[1, 0], [4, 4]]), title=None
            ),
        )
    )
    # the cobweb: up to the curve, across to the diagonal, repeat
    web = (
        alt.Chart(cobweb)
        .mark_line(color=palette(4)[3], strokeWidth=1.2, opacity=0.85)
        .encode(
            **axes,
            order=alt.Order("order:Q"),
            tooltip=[alt.Tooltip("x:Q", format=".4f"), alt.Tooltip("y:Q", format=".4f")],
        )
    )
    return alt.layer(curves, web, height=CHART_HEIGHT)


def orbit_chart(orbit: pd.DataFrame) -> alt.Chart:
    """x_n against n."""
    return (
        alt.Chart(orbit, height=SMALL_HEIGHT)
        .mark_line(point=alt.OverlayMarkDef(size=18), color=palette(1)[0])
        .encode(
            x=alt.X("n:Q", title="step n"),
            y=alt.Y("x:Q", title="x_n", scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("n:Q"), alt.Tooltip("x:Q", format=".5f")],
        )
    )


def orbit_derivative_chart(orbit: pd.DataFrame) -> alt.Chart:
    """|dx_n/dx_0| against n on a log axis: shrinking on a stable cycle, growing in chaos."""
    data = _floored(orbit)
    line = (
        alt.Chart(data)
        .mark_line(point=alt.OverlayMarkDef(size=18), color=palette(3)[2])
        .encode(
            x=alt.X("n:Q", title="step n"),
            y=alt.Y("shown:Q", scale=log_axis_scale(), axis=sci_axis("|dx_n / dx_0|")),
            tooltip=[alt.Tooltip("n:Q"), alt.Tooltip("dxn_dx0:Q", title="dx_n/dx_0", format=".3e")],
        )
    )
    one = alt.Chart(_inline({"y": 1.0})).mark_rule(color="#999999", strokeDash=[2, 2]).encode(y=alt.Y("y:Q"))
    return alt.layer(line, one, height=SMALL_HEIGHT)


def bifurcation_chart(points: pd.DataFrame, r: float, marks: pd.DataFrame, r_min: float = 2.5) -> alt.Chart:
    """The attractor's points for every r ≥ r_min (the bifurcation diagram), the current r as a solid rule
    and the period-doubling points (`marks`: columns r, label) as dashed rules."""
    points = points[points["r"] >= r_min]
    dots = (
        alt.Chart(points)
        .mark_circle(size=4, opacity=0.6, color=palette(1)[0])
        .encode(
            x=alt.X(
                "r:Q",
                title="r",
                scale=alt.Scale(domain=[float(points["r"].min()), float(points["r"].max())], nice=False),
            ),
            y=alt.Y("x:Q", title="attractor points x", scale=alt.Scale(domain=[0, 1])),
            tooltip=[alt.Tooltip("r:Q", format=".4f"), alt.Tooltip("x:Q", format=".4f")],
        )
    )
    doubling = (
        alt.Chart(marks)
        .mark_rule(color="#999999", strokeDash=[3, 3])
        .encode(
            x=alt.X("r:Q"), tooltip=[alt.Tooltip("label:N", title="point"), alt.Tooltip("r:Q", format=".6f")]
        )
    )
    # labels low in the plot, where no attractor points are, staggered so r3 and r∞ (0.026 apart) don't collide
    labels = (
        alt.Chart(marks.assign(lane=0.04 + 0.05 * np.arange(len(marks))))
        .mark_text(align="left", dx=3, fontSize=11, color="#777777")
        .encode(x=alt.X("r:Q"), y=alt.Y("lane:Q"), text=alt.Text("label:N"))
    )
    here = _rule_x(r, palette(4)[3], [1, 0], "your r")
    return alt.layer(dots, doubling, labels, here, height=CHART_HEIGHT)


def lyapunov_chart(table: pd.DataFrame, r: float, r_min: float = 2.5) -> alt.Chart:
    """λ(r) for r ≥ r_min with the zero line: below 0 nearby orbits converge (derivatives vanish), above 0
    they separate."""
    table = table[table["r"] >= r_min]
    line = (
        alt.Chart(table)
        .mark_line(color=palette(3)[2], strokeWidth=1.2)
        .encode(
            x=alt.X(
                "r:Q",
                title="r",
                scale=alt.Scale(domain=[float(table["r"].min()), float(table["r"].max())], nice=False),
            ),
            y=alt.Y("shown:Q", title="Lyapunov exponent λ"),  # drawn ≥ −5; the tooltip says −∞ where it is
            tooltip=[alt.Tooltip("r:Q", format=".4f"), alt.Tooltip("label:N", title="λ")],
        )
    )
    zero = alt.Chart(_inline({"y": 0.0})).mark_rule(color="#999999").encode(y=alt.Y("y:Q"))
    here = _rule_x(r, palette(4)[3], [1, 0], "your r")
    return alt.layer(line, zero, here, height=SMALL_HEIGHT)


def mandelbrot_chart(table: pd.DataFrame, c: float) -> alt.Chart:
    """Escape time of z ↦ z² + c from z = 0 (bounded points darkest), the real segment the logistic map
    covers (c ∈ [−2, ¼]) and the current c = r(2 − r)/4."""
    d_re, d_im = grid_spacing(table["re"]), grid_spacing(table["im"])
    # one cell per c, dark where the iterates stay bounded (they never escape: steps = the maximum)
    cells = (
        alt.Chart(table)
        .transform_calculate(re2=f"datum.re + {2 * GAPLESS * d_re}", im2=f"datum.im + {2 * GAPLESS * d_im}")
        .mark_rect()
        .encode(
            x=alt.X("re:Q", title="Re c", scale=alt.Scale(domain=[-2.1, 0.6], nice=False)),
            x2=alt.X2("re2:Q"),
            y=alt.Y("im:Q", title="Im c", scale=alt.Scale(domain=[-1.2, 1.2], nice=False)),
            y2=alt.Y2("im2:Q"),
            color=alt.Color(
                "steps:Q", scale=alt.Scale(scheme="magma", type="log", reverse=True), title="steps to escape"
            ),
            tooltip=[
                alt.Tooltip("re:Q", format=".3f"),
                alt.Tooltip("im:Q", format=".3f"),
                alt.Tooltip("steps:Q"),
            ],
        )
    )
    segment = (
        alt.Chart(_inline({"re": -2.0, "im": 0.0}, {"re": 0.25, "im": 0.0}))
        .mark_line(color="white", strokeWidth=1.5, strokeDash=[4, 2])
        .encode(x=alt.X("re:Q"), y=alt.Y("im:Q"))
    )
    here = (
        alt.Chart(_inline({"re": c, "im": 0.0, "label": "c for your r"}))
        .mark_point(
            shape="diamond", size=140, filled=True, color=palette(4)[3], stroke="white", strokeWidth=1
        )
        .encode(
            x=alt.X("re:Q"),
            y=alt.Y("im:Q"),
            tooltip=[alt.Tooltip("label:N"), alt.Tooltip("re:Q", title="c", format=".4f")],
        )
    )
    return alt.layer(cells, segment, here, width=MANDELBROT_WIDTH, height=MANDELBROT_WIDTH * 24 // 27)


# -- 3. one unit as a dynamical system ------------------------------------------------------------------


def unit_map_chart(curve: pd.DataFrame, fixed: pd.DataFrame) -> alt.Chart:
    """One step of the unit, f(h), with the identity line; fixed points marked stable (filled) or
    unstable (open)."""
    names = sorted(curve["curve"].unique(), key=lambda s: not s.startswith("f"))
    lines = (
        alt.Chart(curve)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("h:Q", title="state h_(t−1)"),
            y=alt.Y("f:Q", title="next state h_t"),
            color=alt.Color(
                "curve:N", scale=alt.Scale(domain=names, range=[palette(1)[0], "#999999"]), title=None
            ),
            strokeDash=alt.StrokeDash(
                "curve:N", scale=alt.Scale(domain=names, range=[[1, 0], [4, 4]]), title=None
            ),
        )
    )
    kinds = ["stable", "unstable", "marginal"]
    if "kind" not in fixed:
        fixed = fixed.assign(kind=np.where(fixed["stable"], "stable", "unstable"))
    points = (
        alt.Chart(fixed.assign(f=fixed["h"]))
        .mark_point(size=130, strokeWidth=2.5, color=palette(4)[3])
        .encode(
            x=alt.X("h:Q"),
            y=alt.Y("f:Q"),
            shape=alt.Shape(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=["circle", "square", "diamond"]),
                title="fixed point",
            ),
            fill=alt.Fill(
                "kind:N",
                scale=alt.Scale(domain=kinds, range=[palette(4)[3], "transparent", "transparent"]),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("kind:N", title="fixed point"),
                alt.Tooltip("h:Q", title="h*", format=".5f"),
                alt.Tooltip("slope:Q", title="f′(h*)", format=".4f"),
            ],
        )
    )
    return alt.layer(lines, points, height=CHART_HEIGHT)


def final_state_chart(final: pd.DataFrame) -> alt.Chart:
    """h_T against h_0: flat across each basin, a step at each boundary."""
    return (
        alt.Chart(final, height=SMALL_HEIGHT)
        .mark_line(color=palette(1)[0], strokeWidth=2)
        .encode(
            x=alt.X("h0:Q", title="start h_0"),
            y=alt.Y("hT:Q", title="end state h_T"),
            tooltip=[alt.Tooltip("h0:Q", format=".5f"), alt.Tooltip("hT:Q", title="h_T", format=".5f")],
        )
    )


def final_derivative_chart(final: pd.DataFrame) -> alt.Chart:
    """|∂h_T/∂h_0| against h_0 on a log axis: vanishing inside basins, exploding at their boundaries."""
    data = _floored(final)
    return (
        alt.Chart(data, height=SMALL_HEIGHT)
        .mark_line(color=palette(3)[2], strokeWidth=2)
        .encode(
            x=alt.X("h0:Q", title="start h_0"),
            y=alt.Y("shown:Q", scale=log_axis_scale(), axis=sci_axis("|∂h_T / ∂h_0|")),
            tooltip=[
                alt.Tooltip("h0:Q", format=".5f"),
                alt.Tooltip("dhT_dh0:Q", title="∂h_T/∂h_0", format=".3e"),
            ],
        )
    )


def stable_count_chart(table: pd.DataFrame, w: float, b: float) -> alt.Chart:
    """The (w, b) plane coloured by the number of stable fixed points, with the current (w, b) marked."""
    counts = [0, 1, 2]
    # sent as the chart draws it: a grid position to 7 digits and a count in one byte (a third of the bytes)
    table = table.astype({"w": "float32", "b": "float32", "n_stable": "int8"})
    cells = grid_cells(table, reach=GAPLESS).encode(
        color=alt.Color(
            "n_stable:O",
            scale=alt.Scale(domain=counts, range=["#999999", palette(3)[0], palette(3)[1]]),
            title="stable fixed points",
        ),
        tooltip=[
            alt.Tooltip("w:Q", format=".2f"),
            alt.Tooltip("b:Q", format=".2f"),
            alt.Tooltip("n_stable:Q"),
        ],
    )
    here = (
        alt.Chart(_inline({"w": w, "b": b}))
        .mark_point(shape="cross", size=160, filled=True, color="black", stroke="white", strokeWidth=1)
        .encode(
            x=alt.X("w:Q"),
            y=alt.Y("b:Q"),
            tooltip=[alt.Tooltip("w:Q", format=".2f"), alt.Tooltip("b:Q", format=".2f")],
        )
    )
    return alt.layer(cells, here, height=CHART_HEIGHT)


# -- 4. cliffs ------------------------------------------------------------------------------------------


def cliff_loss_chart(
    bias: pd.DataFrame, b: float, b_boundary: float | None, kind: str = "boundary"
) -> alt.Chart:
    """Loss (one start) and cost (mean over starts) against the bias, with the current b and the basin
    boundary's b marked."""
    names = bias["curve"].unique().tolist()
    lines = (
        alt.Chart(bias)
        .mark_line(strokeWidth=2)
        .encode(
            x=alt.X("b:Q", title="bias b"),
            y=alt.Y("value:Q", title="loss ½ (h_T − target)²"),
            color=alt.Color("curve:N", scale=alt.Scale(domain=names, range=palette(2)), title=None),
            strokeDash=alt.StrokeDash("curve:N", scale=alt.Scale(domain=names, range=dashes(2)), title=None),
            tooltip=[
                alt.Tooltip("curve:N"),
                alt.Tooltip("b:Q", format=".4f"),
                alt.Tooltip("value:Q", title="value", format=".4f"),
                alt.Tooltip("grad_b:Q", title="∂/∂b", format=".2e"),
            ],
        )
    )
    return alt.layer(lines, _bias_markers(b, b_boundary, kind), height=CHART_HEIGHT).resolve_scale(
        color="independent", strokeDash="independent"
    )


def cliff_gradient_chart(
    bias: pd.DataFrame, b: float, b_boundary: float | None, kind: str = "boundary"
) -> alt.Chart:
    """|∂L/∂b| and |∂cost/∂b| against b, log scale: a spike at the cliff, tiny on the plateaus."""
    names = bias["curve"].unique().tolist()
    data = _floored(bias, "abs_grad_b")
    lines = (
        alt.Chart(data)
        .mark_line(strokeWidth=1.8)
        .encode(
            x=alt.X("b:Q", title="bias b"),
            y=alt.Y("shown:Q", scale=log_axis_scale(), axis=sci_axis("|∂/∂b|")),
            color=alt.Color("curve:N", scale=alt.Scale(domain=names, range=palette(2)), title=None),
            strokeDash=alt.StrokeDash("curve:N", scale=alt.Scale(domain=names, range=dashes(2)), title=None),
            tooltip=[
                alt.Tooltip("curve:N"),
                alt.Tooltip("b:Q", format=".4f"),
                alt.Tooltip("grad_b:Q", title="∂/∂b", format=".2e"),
            ],
        )
    )
    return alt.layer(lines, _bias_markers(b, b_boundary, kind), height=SMALL_HEIGHT).resolve_scale(
        color="independent", strokeDash="independent"
    )


def _surface(
    grid: pd.DataFrame, boundary: pd.DataFrame, w: float, b: float, color: alt.Color, tooltip: list
) -> alt.Chart:
    cells = grid_cells(grid, reach=GAPLESS).encode(
        color=color,
        tooltip=tooltip,
    )
    # the basin boundary of section 3, seen from parameter space: b = atanh(h0) − w h0
    edge = (
        alt.Chart(boundary)
        .mark_line(color="white", strokeDash=[5, 3], strokeWidth=2)
        .encode(x=alt.X("w:Q"), y=alt.Y("b:Q"), detail=alt.Detail("branch:N"))
    )
    here = (
        alt.Chart(_inline({"w": w, "b": b}))
        .mark_point(shape="cross", size=160, filled=True, color="black", stroke="white", strokeWidth=1)
        .encode(x=alt.X("w:Q"), y=alt.Y("b:Q"))
    )
    return alt.layer(cells, edge, here, height=CHART_HEIGHT)


def loss_heatmap(grid: pd.DataFrame, boundary: pd.DataFrame, w: float, b: float) -> alt.Chart:
    """The loss over (w, b), the basin boundary curve (white, dashed) and the current (w, b)."""
    color = alt.Color("loss:Q", scale=alt.Scale(scheme=LAYER_SCHEME), title="loss")
    tooltip = [
        alt.Tooltip("w:Q", format=".2f"),
        alt.Tooltip("b:Q", format=".2f"),
        alt.Tooltip("loss:Q", format=".4f"),
    ]
    # only the columns drawn, to the digits drawn (a bounded loss and grid positions: 7 digits)
    return _surface(grid[["w", "b", "loss"]].astype("float32"), boundary, w, b, color, tooltip)


def grad_norm_heatmap(grid: pd.DataFrame, boundary: pd.DataFrame, w: float, b: float) -> alt.Chart:
    """‖∇L‖ over (w, b) on a log colour scale: it is huge exactly along the cliff."""
    # only the columns drawn; the norm stays float64 (it spans 1e-300 to 1e+30)
    data = _floored(grid[["w", "b", "grad_norm"]].astype({"w": "float32", "b": "float32"}), "grad_norm")
    color = alt.Color(
        "shown:Q", scale=alt.Scale(scheme="magma", type="log"), title="‖∇L‖", legend=alt.Legend(format=".0e")
    )
    tooltip = [
        alt.Tooltip("w:Q", format=".2f"),
        alt.Tooltip("b:Q", format=".2f"),
        alt.Tooltip("grad_norm:Q", title="‖∇L‖", format=".2e"),
    ]
    return _surface(data, boundary, w, b, color, tooltip)


# -- 5. many units --------------------------------------------------------------------------------------


def eigenvalue_chart(eigen: pd.DataFrame, circles: pd.DataFrame) -> alt.Chart:
    """Eigenvalues of W in the complex plane, with the unit circle and the circle |λ| = ρ, each labelled
    on the circle itself (no legend, so the plotting area stays square)."""
    lim = float(max(1.2, circles["re"].abs().max() * 1.1))
    scale = alt.Scale(domain=[-lim, lim], nice=False)
    names = circles["circle"].unique().tolist()
    colors = alt.Scale(domain=names, range=["#999999", palette(4)[3]])
    rings = (
        alt.Chart(circles)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=alt.X("re:Q", title="Re λ", scale=scale),
            y=alt.Y("im:Q", title="Im λ", scale=scale),
            order=alt.Order("order:Q"),
            color=alt.Color("circle:N", scale=colors, legend=None),
            strokeDash=alt.StrokeDash(
                "circle:N", scale=alt.Scale(domain=names, range=[[4, 3], [1, 0]]), legend=None
            ),
        )
    )
    # each circle's name on the circle itself: the unit circle's at 135°, ρ's at 225°, so they never collide
    tags = circles.groupby("circle", sort=False).first().reset_index()
    radius = np.hypot(tags["re"], tags["im"])
    angle = np.deg2rad([135.0, 225.0][: len(tags)])
    tags = tags.assign(re=radius * np.cos(angle), im=radius * np.sin(angle))
    labels = (
        alt.Chart(tags)
        .mark_text(align="left", dx=6, fontSize=11)
        .encode(
            x=alt.X("re:Q"),
            y=alt.Y("im:Q"),
            text=alt.Text("circle:N"),
            color=alt.Color("circle:N", scale=colors, legend=None),
        )
    )
    dots = (
        alt.Chart(eigen)
        .mark_circle(size=36, color=palette(1)[0], opacity=0.85)
        .encode(
            x=alt.X("re:Q"),
            y=alt.Y("im:Q"),
            tooltip=[
                alt.Tooltip("re:Q", format=".3f"),
                alt.Tooltip("im:Q", format=".3f"),
                alt.Tooltip("modulus:Q", title="|λ|", format=".3f"),
            ],
        )
    )
    return alt.layer(rings, labels, dots, width=CHART_HEIGHT, height=CHART_HEIGHT)


def gain_chart(gains: pd.DataFrame) -> alt.Chart:
    """‖∂h_t/∂h_0‖ (RMS singular value) against t, log scale, one line per spectral radius; the student's
    own ρ drawn thicker."""
    names = gains.sort_values("rho")["series"].unique().tolist()
    data = _floored(gains, "gain").assign(yours=gains["series"].str.endswith("(yours)"))
    return (
        alt.Chart(data, height=CHART_HEIGHT)
        .mark_line()
        .encode(
            x=alt.X("t:Q", title="steps t"),
            y=alt.Y("shown:Q", scale=log_axis_scale(), axis=sci_axis("‖∂h_t / ∂h_0‖  (RMS singular value)")),
            color=alt.Color(
                "series:N", scale=alt.Scale(domain=names, range=palette(len(names))), title="spectral radius"
            ),
            strokeDash=alt.StrokeDash(
                "series:N", scale=alt.Scale(domain=names, range=dashes(len(names))), title="spectral radius"
            ),
            strokeWidth=alt.StrokeWidth(
                "yours:N", scale=alt.Scale(domain=[False, True], range=[1.6, 3.5]), legend=None
            ),
            tooltip=[
                alt.Tooltip("series:N", title="ρ"),
                alt.Tooltip("t:Q"),
                alt.Tooltip("gain:Q", title="‖∂h_t/∂h_0‖", format=".2e"),
            ],
        )
    )
