"""Shared chart conventions: palette, dashes, axes. Every chart builder uses these, so a lesson's
charts look like one family and stay readable for colour-blind students and in dark mode."""

from __future__ import annotations

import altair as alt
import numpy as np

# Okabe & Ito (2008) colour-blind-safe palette, without black (invisible in dark mode).
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999"]

# A second cue beside colour: dash patterns for up to eight series.
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4], [3, 5], [10, 2, 2, 2, 2, 2], [1, 4]]

# Sequential scheme for many ordered series (layers 1..L): viridis is colour-blind safe and ordered.
LAYER_SCHEME = "viridis"

CHART_HEIGHT = 320


def palette(n: int) -> list[str]:
    return [OKABE_ITO[i % len(OKABE_ITO)] for i in range(n)]


def dashes(n: int) -> list[list[int]]:
    return [DASHES[i % len(DASHES)] for i in range(n)]


def log_axis_scale() -> alt.Scale:
    """Log scale for gradient sizes, which span many orders of magnitude."""
    return alt.Scale(type="log")


def sci_axis(title: str) -> alt.Axis:
    """An axis whose labels read 1e-5, 1e-3, ... rather than 0.00001."""
    return alt.Axis(title=title, format=".0e")


def top_legend(title: str | None = None) -> alt.Legend:
    """A horizontal legend above the plot. Streamlit fits legends inside the chart's height, so a tall
    legend below the plot would squash it; one row on top costs ~20 px."""
    return alt.Legend(title=title, orient="top", direction="horizontal", columns=2, labelLimit=220)


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
