"""The words and equations of the "Gradient clipping" lesson, filled in with the numbers on screen.

Each function takes a config and the measured results and returns plain text or LaTeX; the page only
lays them out. No torch, no streamlit. tests/unit/test_clipping.py checks every number a question claims.
"""

from __future__ import annotations

import math

import pandas as pd

from gradviz import results, sources
from gradviz.fmt import latex_sci_bounded, sci

PROMISE = (
    "Watch one plain gradient step land on a cliff in the loss and fly off the map, while the same step "
    "clipped to a maximum length stays put. Then train a real recurrent net three ways from the same seed: "
    "where the unclipped run blows up to inf/NaN, the clipped runs keep training, and the page measures how "
    "much each one learned against a predictor that ignores its input."
)

TORCH_CLIP = (
    "PyTorch documentation: `torch.nn.utils.clip_grad_norm_` and `clip_grad_value_` (what gradviz is tested against)",
    "https://pytorch.org/docs/stable/generated/torch.nn.utils.clip_grad_norm_.html",
)
SOURCES = [
    sources.PASCANU_2013,
    sources.GROSSE_BA,
    sources.SURESH_2016,
    sources.RNN_GRADIENT_BLOG,
    sources.HOCHREITER_1997,
    sources.LE_2015,
    TORCH_CLIP,
]

RUN_NAMES = {"none": "no clipping", "norm": "clip by norm", "value": "clip by value"}


# -- part 1: on the cliff -------------------------------------------------------------------------------


def cliff_status(run: dict, short: bool = False) -> str:
    """What became of a descent, in a few words (or one or two for a readout)."""
    if run["nonfinite_at"] is not None:
        return "inf/NaN" if short else f"inf/NaN at step {run['nonfinite_at']}"
    if run["left_region_at"] is not None:
        return "off the map" if short else f"left the map at step {run['left_region_at']}"
    return "on the map" if short else "stayed on the map"


def cliff_verdict(lr: float, threshold: float, meta: dict) -> str:
    plain, clipped = meta["runs"]["unclipped"], meta["runs"]["clipped by norm"]
    bound = lr * threshold
    if plain["largest_step"] <= bound * 1.0001:
        return (
            f"From this start no gradient was longer than η = {threshold:g}, so clipping never acted and both "
            f"descents took the same steps (the longest {plain['largest_step']:.3g}). Click a start just left of "
            "the white dashed cliff line, or raise the learning rate."
        )
    where = cliff_status(plain)
    return (
        f"**Without clipping** the longest step was **{sci(plain['largest_step'])}** and the descent {where}; "
        f"it ended at (w, b) = ({plain['final_w']:.3g}, {plain['final_b']:.3g}) with loss {plain['final_loss']:.3g}. "
        f"**Clipped by norm** no step was longer than lr·η = {bound:.3g} (longest {clipped['largest_step']:.3g}); "
        f"it ended at loss {clipped['final_loss']:.3g}, clipping {clipped['clipped_steps']} of "
        f"{clipped['n_steps']} steps."
    )


CLIFF_EXPLAIN = (
    "The loss L(w, b) = ½(h_T − y)² of the one-unit RNN h_t = tanh(w h_{t−1} + b) is nearly flat on both sides "
    "of the white dashed line and drops steeply across it: there, a tiny change of b moves the state from one "
    "attractor to the other (the backprop-through-time lesson derives the line). On that face the gradient is "
    "huge, and a plain step lr·g is huge with it. Clipping by norm rescales g to length η whenever it is longer, "
    "so the step keeps its direction (downhill, across the cliff) but is never longer than lr·η."
)


def cliff_latex(lr: float, threshold: float, meta: dict) -> list[str]:
    """The clipping rule, then the first clipped step of the current descent with its numbers."""
    lines = [
        r"\mathbf{g} \leftarrow \eta\,\frac{\mathbf{g}}{\|\mathbf{g}\|}\quad\text{if } \|\mathbf{g}\| > \eta,"
        r"\qquad \theta_{k+1} = \theta_k - \text{lr}\cdot\mathbf{g}"
    ]
    ex = meta["clip_example"]
    if ex is None:
        return lines + [
            rf"\text{{no step had }}\|\mathbf{{g}}\| > \eta = {threshold:g}\text{{: clipping never acted}}"
        ]
    gw, gb, n = ex["grad_w"], ex["grad_b"], ex["norm"]
    lines.append(
        rf"k = {ex['step']}:\ \mathbf{{g}} = \Big(\tfrac{{\partial L}}{{\partial w}}, \tfrac{{\partial L}}{{\partial b}}\Big)"
        rf" = ({gw:.3g},\ {gb:.3g}),\quad \|\mathbf{{g}}\| = {latex_sci_bounded(n)} > \eta = {threshold:g}"
    )
    lines.append(
        rf"\mathbf{{g}} \leftarrow \frac{{{threshold:g}}}{{{latex_sci_bounded(n)}}}\,({gw:.3g},\ {gb:.3g})"
        rf" = ({ex['clipped_w']:.3g},\ {ex['clipped_b']:.3g})"
    )
    lines.append(
        rf"\text{{plain step: }} \text{{lr}}\,\|\mathbf{{g}}\| = {lr:g}\times{latex_sci_bounded(n)} = {latex_sci_bounded(lr * n)}"
        rf"\qquad \text{{clipped step: }} \text{{lr}}\,\eta = {lr * threshold:.3g}"
    )
    return lines


# -- part 2: training a real RNN ------------------------------------------------------------------------


def _summary(summary: pd.DataFrame, run: str, quantity: str) -> float:
    return results.value(summary, run=run, quantity=quantity)


def run_status(summary: pd.DataFrame, run: str) -> str:
    k = _summary(summary, run, "diverged_at")
    return f"diverged at step {int(k)}" if math.isfinite(k) else "finished"


LEARNED_RATIO = (
    0.5  # "learned": final loss below half the mean predictor's; between half and 1: "learned little"
)


def learning_words(final: float, baseline: float) -> str:
    """How much a run that finished learned, judged against the mean predictor's loss."""
    ratio = final / baseline
    if ratio < LEARNED_RATIO:
        return (
            f"learned: final loss {final:.3g}, below the mean predictor's {baseline:.3g} ({ratio:.0%} of it)"
        )
    if ratio < 1.0:
        return (
            f"kept training but learned little: final loss {final:.3g}, below the mean predictor's "
            f"{baseline:.3g} by only {1 - ratio:.0%}"
        )
    return f"did not learn: final loss {final:.3g}, not below the mean predictor's {baseline:.3g}"


def rnn_verdict(rho: float, baseline: float, summary: pd.DataFrame) -> str:
    lines = []
    for run, name in RUN_NAMES.items():
        k, final = _summary(summary, run, "diverged_at"), _summary(summary, run, "final_loss")
        if math.isfinite(k):
            lines.append(f"**{name}**: blew up, the loss or gradient became inf/NaN at step **{int(k)}**")
        else:
            lines.append(f"**{name}**: {learning_words(final, baseline)}")
    exploded = math.isfinite(_summary(summary, "none", "diverged_at"))
    survived = [
        RUN_NAMES[r] for r in ("norm", "value") if not math.isfinite(_summary(summary, r, "diverged_at"))
    ]
    if exploded:
        head = f"With ρ = {rho:g} the unclipped run exploded" + (
            " while clipping kept training alive (both clipped runs finished). "
            if len(survived) == 2
            else f"; only {survived[0]} kept training to the end. "
            if survived
            else ", and so did the clipped runs. "
        )
    else:
        head = (
            f"With ρ = {rho:g} nothing exploded: clipping is a safety net that here costs little (press **explodes** "
            "for ρ = 3). "
        )
    return head + "; ".join(lines) + "."




def rnn_latex(threshold: float, lr: float, steps: pd.DataFrame, run: str, n_params: int) -> list[str]:
    """The clipping rule of `run`, with the numbers of its step with the largest gradient."""
    norms = steps[(steps["run"] == run) & (steps["quantity"] == "grad_norm")]
    if norms.empty:
        return [r"\text{no finite gradient was recorded}"]
    row = norms.loc[norms["value"].idxmax()]
    k, n = int(row["step"]), float(row["value"])
    if run == "norm":
        rule = r"\mathbf{g} \leftarrow \eta\,\mathbf{g}/\|\mathbf{g}\|\ \text{ if } \|\mathbf{g}\| > \eta"
        after = min(n, threshold)
        detail = rf"k = {k}:\ \|\mathbf{{g}}\| = {latex_sci_bounded(n)}" + (
            rf" > \eta = {threshold:g} \Rightarrow \mathbf{{g}} \times \eta/\|\mathbf{{g}}\| = \mathbf{{g}} \times {latex_sci_bounded(threshold / n)}"
            if n > threshold
            else rf" \le \eta = {threshold:g} \Rightarrow \text{{unchanged}}"
        )
        detail += rf"\\ \text{{step length }} \text{{lr}}\,\min(\|\mathbf{{g}}\|, \eta) = {lr:g}\times{after:.3g} = {latex_sci_bounded(lr * after)}"
    elif run == "value":
        rule = r"g_i \leftarrow \max(-\eta, \min(\eta, g_i))\ \text{ for every one of the net's weights}"
        # every one of the P components is at most η, so the clipped vector is at most η√P long
        detail = (
            rf"k = {k}:\ \|\mathbf{{g}}\| = {latex_sci_bounded(n)}\ \text{{before; after, }}"
            rf"\|\mathbf{{g}}\| \le \eta\sqrt{{P}} = {threshold:g}\sqrt{{{n_params}}} = {threshold * math.sqrt(n_params):.3g}"
        )
    else:
        rule = r"\theta_{k+1} = \theta_k - \text{lr}\,\mathbf{g}\quad\text{(no clipping)}"
        detail = (
            rf"k = {k}:\ \text{{lr}}\,\|\mathbf{{g}}\| = {lr:g}\times{latex_sci_bounded(n)} = {latex_sci_bounded(lr * n)}"
        )
    product = (
        r"\frac{\partial h_T}{\partial h_t} = \prod_{s=t+1}^{T} \operatorname{diag}(1-h_s^2)\,W,"
        r"\qquad \rho(W) > 1 \Rightarrow \text{it can grow like } \rho^{T-t}"
    )
    return [product, rule, detail]


def heuristic_text(h: dict, threshold: float) -> str:
    text = (
        "Pascanu et al. (2013, §3.2) suggest setting η from “statistics on the average norm over a sufficiently "
        "large number of updates”; the arXiv version adds that half to ten times that average can still "
        f"converge. This page takes a shortcut: it averages the unclipped run's first {h['steps_used']} steps, "
        f"**{sci(h['mean_norm'])}**, a short window taken before training settles, so it is noisier than the "
        f"long average they advise. Half to ten times it is **{sci(h['low'])} to {sci(h['high'])}**. Your "
        f"η = {threshold:g} is "
        + ("inside" if h["low"] <= threshold <= h["high"] else "outside")
        + " that range."
    )
    if not h["reliable"]:
        text += (
            f" Careful: the unclipped run was already blowing up in those steps (median {sci(h['median_norm'])}), "
            "so this average measures the explosion, not a typical gradient. The rule assumes a run that is still "
            "training normally; try it at ρ = 1."
        )
    return text


# -- part 3: norm vs value ------------------------------------------------------------------------------


def vector_verdict(meta: dict, threshold: float) -> str:
    if not meta["norm_clipped"] and not meta["value_clipped"]:
        return f"g is inside both the circle and the box (η = {threshold:g}): neither rule changes it."
    turned = meta["turn_value_deg"] >= 0.05
    return (
        f"Clipping by norm shrinks g from length {meta['norm']:.3g} to {meta['norm_after_norm_clip']:.3g} and turns it "
        f"by **{meta['turn_norm_deg']:.1f}°**. Clipping by value leaves length {meta['norm_after_value_clip']:.3g} "
        f"and turns it by **{meta['turn_value_deg']:.1f}°**"
        + (
            ": its step no longer points straight downhill."
            if turned
            else ": here it keeps the direction, because g lies on an axis or a diagonal, or no component exceeds η."
        )
    )


def vector_latex(gx: float, gy: float, threshold: float, vectors: pd.DataFrame) -> list[str]:
    v = vectors.set_index("vector")
    n, nx, ny = v.loc["gradient g", "norm"], v.loc["clipped by norm", "x"], v.loc["clipped by norm", "y"]
    vx, vy = v.loc["clipped by value", "x"], v.loc["clipped by value", "y"]
    return [
        rf"\text{{norm: }} \|\mathbf{{g}}\| = \|({gx:g}, {gy:g})\| = {n:.3f}"
        + (
            rf" > {threshold:g} \Rightarrow \frac{{{threshold:g}}}{{{n:.3f}}}({gx:g}, {gy:g}) = ({nx:.3f}, {ny:.3f})"
            if n > threshold
            else rf" \le {threshold:g} \Rightarrow \text{{unchanged}}"
        ),
        rf"\text{{value: }} (\operatorname{{clip}}({gx:g}, \pm{threshold:g}),\ \operatorname{{clip}}({gy:g}, \pm{threshold:g})) = ({vx:.3f}, {vy:.3f})",
    ]


# -- predict, then reveal: tests/unit/test_clipping.py checks every number claimed here ----------------

