"""The class's answers to one question: a long-form table and its bar chart (one function per chart)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from gradviz.poll.store import Tally

RIGHT, OTHER = "#009E73", "#999999"  # Okabe-Ito green for the right answer, grey for the rest


def tally_frame(tally: Tally, answer: str | None = None) -> pd.DataFrame:
    """One row per choice: choice, order, answers, share of the class (0 when nobody answered), and
    whether it is the right answer (only when `answer` is given, i.e. after the reveal)."""
    total = tally.total
    return pd.DataFrame(
        {
            "choice": [c for c, _ in tally.counts],
            "order": range(len(tally.counts)),
            "answers": [n for _, n in tally.counts],
            # share = answers / total
            "share": [n / total if total else 0.0 for _, n in tally.counts],
            "result": [
                "right answer" if answer is not None and c == answer else "answer" for c, _ in tally.counts
            ],
        }
    )


def answers_chart(frame: pd.DataFrame) -> alt.Chart:
    """Horizontal bars, one per choice in the question's order; the right answer green once revealed."""
    base = alt.Chart(frame).encode(
        y=alt.Y(
            "choice:N",
            sort=list(frame.sort_values("order")["choice"]),
            title=None,
            axis=alt.Axis(labelLimit=360),
        ),
        tooltip=[
            alt.Tooltip("choice:N"),
            alt.Tooltip("answers:Q"),
            alt.Tooltip("share:Q", format=".0%", title="share of the class"),
        ],
    )
    # bars: how many chose each answer
    bars = base.mark_bar().encode(
        x=alt.X("answers:Q", title="answers", axis=alt.Axis(tickMinStep=1, format="d")),
        color=alt.Color(
            "result:N",
            scale=alt.Scale(domain=["right answer", "answer"], range=[RIGHT, OTHER]),
            legend=None,
        ),
    )
    # labels: the count at the end of each bar
    labels = base.mark_text(align="left", dx=4).encode(x=alt.X("answers:Q"), text=alt.Text("answers:Q"))
    return alt.layer(bars, labels).properties(height=alt.Step(34))
