"""Shared chart conventions: palette, dashes, axes. Every chart builder uses these, so a lesson's
charts look like one family and stay readable for colour-blind students and in dark mode."""

from __future__ import annotations

import functools

import altair as alt
import numpy as np

# The hues of Okabe & Ito's (2008) colour-blind-safe palette (blue, orange, green, vermillion, pink, sky
# blue, yellow, grey), without black, each darkened where needed so that a line or a label has a contrast
# of at least 3:1 (WCAG 1.4.11) on both backgrounds, light #FFFFFF and dark #0E1117: relative luminance
# between 0.117 and 0.30 (tests/unit/test_chart_style.py checks it). Orange, sky blue, yellow and grey
# are darker than Okabe & Ito's own (#E69F00, #56B4E9, #F0E442, #999999 are 2.3, 2.3, 1.3, 2.8:1 on white).
PALETTE = ["#0072B2", "#B07800", "#009E73", "#D55E00", "#C06A9A", "#3889C0", "#8C8000", "#8A8A8A"]
NEUTRAL = "#8A8A8A"  # reference lines and quiet labels: 3.4:1 on white, 5.5:1 on the dark background
LIGHT_BG, DARK_BG = "#FFFFFF", "#0E1117"  # .streamlit/config.toml's two backgrounds

# A second cue beside colour: dash patterns for up to eight series.
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4], [3, 5], [10, 2, 2, 2, 2, 2], [1, 4]]

# Sequential scheme for heatmaps (cells, not lines): viridis is colour-blind safe and ordered.
LAYER_SCHEME = "viridis"
LAYER_EXTENT = [0.34, 0.6]  # viridis's middle: the only part with 3:1 on both backgrounds
# Many ordered lines (layers 1..L, depths): blue → green → olive → orange → vermillion, all from PALETTE, so
# every colour in between keeps ≥3:1 on both backgrounds (tests/unit/test_chart_style.py, n = 1..30).
ORDERED_ANCHORS = ["#0072B2", "#009E73", "#8C8000", "#B07800", "#D55E00"]

CHART_HEIGHT = 320


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #RRGGBB colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #RRGGBB colours (1 to 21)."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def ordered_colours(n: int) -> list[str]:
    """n colours from first to last of ORDERED_ANCHORS, interpolated in sRGB: for layers or depths in order."""
    rgb = np.array([[int(a[i : i + 2], 16) for i in (1, 3, 5)] for a in ORDERED_ANCHORS], dtype=float)
    out = []
    for t in np.linspace(0.0, 1.0, n) if n > 1 else [0.0]:
        pos = t * (len(rgb) - 1)
        i = min(int(pos), len(rgb) - 2)
        c = rgb[i] * (1 - (pos - i)) + rgb[i + 1] * (pos - i)
        out.append("#" + "".join(f"{int(round(x)):02X}" for x in c))
    return out


def palette(n: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


def dashes(n: int) -> list[list[int]]:
    return [DASHES[i % len(DASHES)] for i in range(n)]


def log_axis_scale() -> alt.Scale:
    """Log scale for gradient sizes, which span many orders of magnitude."""
    return alt.Scale(type="log")


def sci_axis(title: str) -> alt.Axis:
    """An axis whose labels read 1e-5, 1e-3, ... rather than 0.00001."""
    return alt.Axis(title=title, format=".0e")


# Below this plot width (a phone) a legend above the plot has one entry per row, each label as wide as the
# plot: two columns of 220-px labels would be cut off at the chart's right edge.
NARROW_PLOT = 420


def top_legend(title: str | None = None) -> alt.Legend:
    """A legend above the plot: two entries a row, one a row on a phone (the plot's `width` signal decides
    in the browser). Streamlit fits legends inside the chart's height, so a tall legend below the plot
    would squash it; one row on top costs ~20 px."""
    return alt.Legend(
        title=title,
        orient="top",
        direction="horizontal",
        columns=alt.ExprRef(f"width < {NARROW_PLOT} ? 1 : 2"),
        labelLimit=alt.ExprRef(f"width < {NARROW_PLOT} ? max(width - 30, 60) : 220"),
    )


def grid_spacing(values) -> float:
    """Spacing of a regular grid along one axis (1.0 for a single value)."""
    u = np.unique(np.asarray(values))
    return float(u[1] - u[0]) if len(u) > 1 else 1.0


def grid_cells(
    grid,
    x: str = "w",
    y: str = "b",
    x_title: str = "weight w",
    y_title: str = "bias b",
    reach: float = 0.55,
    x_scale: alt.Scale | None = None,
    y_scale: alt.Scale | None = None,
    **mark: object,
) -> alt.Chart:
    """A heatmap's cells: one rect per point of a regular (x, y) grid, centred on it, reaching `reach`
    grid spacings each way (a little over 0.5 overlaps neighbours, so no white seams show). Add the
    colour, tooltip and selections with `.encode(...)` / `.add_params(...)`; `mark` styles the rects."""
    dx, dy = grid_spacing(grid[x]), grid_spacing(grid[y])
    return (
        alt.Chart(grid)
        .transform_calculate(
            cell_x0=f"datum['{x}'] - {dx * reach}",
            cell_x1=f"datum['{x}'] + {dx * reach}",
            cell_y0=f"datum['{y}'] - {dy * reach}",
            cell_y1=f"datum['{y}'] + {dy * reach}",
        )
        .mark_rect(clip=True, **mark)  # overlapping cells stay inside a fixed domain
        .encode(
            x=alt.X("cell_x0:Q", title=x_title, scale=x_scale or alt.Scale(nice=False)),
            x2=alt.X2("cell_x1:Q"),
            y=alt.Y("cell_y0:Q", title=y_title, scale=y_scale or alt.Scale(nice=False)),
            y2=alt.Y2("cell_y1:Q"),
        )
    )


def accuracy_y(field: str = "value", title: str = "held-out accuracy") -> alt.Y:
    """The y encoding of an accuracy in [0, 1], shown in percent: the same axis in every lesson."""
    return alt.Y(f"{field}:Q", title=title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))


# -- every screen: a phone's width and a screen reader's sentence ----------------------------------------

# A phone's column (a 390-px screen less Streamlit's padding is 358 px): the plot area of a stacked panel,
# leaving room for a y axis's labels and title. Compound charts (facets, concatenations) cannot take
# Vega-Lite's width="container", so their narrow variant uses this fixed width instead.
NARROW_PANEL_WIDTH = 250


def described(chart, sentence: str):
    """`chart` with its one-sentence description as Vega-Lite's top-level `description`. Vega draws it as
    the chart's `aria-label`, the name a screen reader announces (WCAG 1.1.1), instead of the generic
    "Vega visualization". Build the sentence from the data the chart draws, never from a constant."""
    # x-axis titles never run past the plot (a phone's narrow plot would cut them off at the chart's edge)
    return chart.properties(description=" ".join(sentence.split())).configure_axisX(
        titleLimit=alt.ExprRef("width")
    )


def stretch(chart):
    """A single view (or layer) as wide as its container: Vega-Lite's width="container"."""
    return chart.properties(width="container")


def num(value: float) -> str:
    """A number for a sentence: 3 significant digits, scientific beyond [1e-3, 1e4); n/a, ∞ as words."""
    v = float(value)
    if not np.isfinite(v):
        return "n/a" if np.isnan(v) else ("infinity" if v > 0 else "minus infinity")
    if v != 0 and not 1e-3 <= abs(v) < 1e4:
        return f"{v:.1e}"
    return f"{v:.3g}"


def span(values) -> str:
    """'a to b' of the finite values, or 'no values'."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    return f"{num(v.min())} to {num(v.max())}" if len(v) else "no finite values"


def listing(items: list[str], limit: int = 4) -> str:
    """'a, b and c'; beyond `limit` items, 'a, b, c and 2 more'."""
    if len(items) > limit:
        items = [*items[: limit - 1], f"{len(items) - limit + 1} more"]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def ends_sentence(
    what: str, frame, x: str, y: str, by: str | None, x_name: str, log: bool = False, unit: str = ""
) -> str:
    """'{what} over {x_name} a to b[, log scale]: A ends at 1.2e-03, B at 0.5.' One clause per series
    (the last finite point of each, in the frame's order of series)."""
    df = frame[np.isfinite(frame[y].astype(float))] if len(frame) else frame
    if not len(df):
        return f"{what}: nothing to draw."
    head = f"{what} over {x_name} {span(df[x])}{', log scale' if log else ''}"
    if by is None:
        last = df.sort_values(x).iloc[-1]
        return f"{head}: ends at {num(last[y])}{unit}."
    clauses = []
    for i, (name, group) in enumerate(df.groupby(by, sort=False)):
        last = group.sort_values(x).iloc[-1]
        clauses.append(f"{name} {'ends at ' if i == 0 else 'at '}{num(last[y])}{unit}")
    return f"{head}: {listing(clauses)}."


def with_description(sentence):
    """Decorator for a chart builder: the chart it returns carries `sentence(*args, **kwargs)` (built from
    the same arguments, so from the data drawn) as its description. For lessons whose builders share one
    shape of sentence; a builder may also call `described` itself."""

    def wrap(builder):
        @functools.wraps(builder)
        def build(*args, **kwargs):
            return described(builder(*args, **kwargs), sentence(*args, **kwargs))

        return build

    return wrap


def axes_sentence(what: str, frame, x: str, x_name: str, y: str, y_name: str, log: bool = False) -> str:
    """'{what}: {x_name} a to b, {y_name} c to d[, log scale].' From the finite values drawn."""
    if not len(frame):
        return f"{what}: nothing to draw."
    return f"{what}: {x_name} {span(frame[x])}, {y_name} {span(frame[y])}{' (log scale)' if log else ''}."
