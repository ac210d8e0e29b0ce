"""The home page's chart: factor^T against T on a log axis."""

from __future__ import annotations

import altair as alt
import pandas as pd

from gradviz.charts.style import (
    NEUTRAL,
    dashes,
    described,
    listing,
    num,
    palette,
)


def product_vs_steps(df: pd.DataFrame, highlight: str) -> alt.Chart:
    """One line per factor; the student's factor drawn thick, reference factors thin and dashed."""
    factors = list(dict.fromkeys(df.factor))
    colour = alt.Scale(domain=factors, range=palette(len(factors)))
    dash = alt.Scale(domain=factors, range=dashes(len(factors)))
    base = alt.Chart(df[df["product"] > 0]).encode(
        x=alt.X("T:Q", title="number of steps T"),
        y=alt.Y("product:Q", scale=alt.Scale(type="log"), axis=alt.Axis(format=".0e"), title="factor^T"),
        color=alt.Color(
            "factor:N", scale=colour, legend=alt.Legend(title="per-step factor", orient="bottom")
        ),
        strokeDash=alt.StrokeDash("factor:N", scale=dash, legend=None),
    )
    # lines: the student's factor thick, the references thin
    lines = base.mark_line().encode(
        strokeWidth=alt.condition(alt.datum.factor == highlight, alt.value(3.5), alt.value(1.5)),
        tooltip=[alt.Tooltip("factor:N"), alt.Tooltip("T:Q"), alt.Tooltip("product:Q", format=".3e")],
    )
    # the level 1: above it the product grows (explodes), below it shrinks (vanishes)
    one = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(color=NEUTRAL, strokeDash=[4, 4]).encode(y="y:Q")
    ends = df[df["T"] == df["T"].max()]
    sentence = (
        f"factor^T against the number of steps T up to {int(df['T'].max())}, log scale, one line per factor (yours,"
        f" {highlight}, drawn thick): "
        + listing([f"{r.factor} reaches {num(r.product)}" for r in ends.itertuples()], 6)
        + "; above 1 the product explodes, below 1 it vanishes."
    )
    return described(alt.layer(one, lines).properties(height=340), sentence)
