"""The words and equations of the residual-connections lesson, filled in with the numbers on screen.

Every function takes measured results and returns plain text (markdown) or LaTeX; the page only lays them
out. No sentence states a number a run produced unless it reads it from that run, and every verdict names
the quantity it was computed from (the back-propagated gradient ∂L/∂x⁽ℓ⁾, the final training loss, the
singular values, the lesion accuracies). tests/unit/test_resnet.py checks them at the controls' extremes.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from gradviz import sources
from gradviz.fmt import latex_num, sci, superscript
from gradviz.lessons.resnet import context
from gradviz.lessons.resnet.experiment import (
    EXPLODING_ABOVE,
    VANISHING_BELOW,
    Degradation,
    GradientFlow,
)

PROMISE = (
    "Train plain and residual twins of the same network on real MNIST digits at growing depth, with the same "
    "optimizer, steps and seed: see the deep plain nets train worse while the residual ones keep improving. "
    "Then follow the gradient block by block, through the Jacobian's singular values and along the paths a "
    "residual net is made of, to see why."
)

VEIT_2016 = (
    "A. Veit, M. Wilber & S. Belongie (2016), Residual Networks Behave Like Ensembles of Relatively Shallow Networks, NeurIPS",
    "https://arxiv.org/abs/1605.06431",
)
HE_2016B = (
    "K. He, X. Zhang, S. Ren & J. Sun (2016), Identity Mappings in Deep Residual Networks, ECCV",
    "https://arxiv.org/abs/1603.05027",
)
IOFFE_2015 = ("S. Ioffe & C. Szegedy (2015), Batch Normalization, ICML", "https://arxiv.org/abs/1502.03167")
PENNINGTON_2017 = (
    "J. Pennington, S. Schoenholz & S. Ganguli (2017), Resurrecting the sigmoid in deep learning through dynamical isometry, NeurIPS",
    "https://arxiv.org/abs/1711.04735",
)
SOURCES = [
    context.LECTURE,
    context.HE_2016,
    VEIT_2016,
    HE_2016B,
    IOFFE_2015,
    sources.SAXE_2014,
    PENNINGTON_2017,
    sources.GLOROT_2010,
    context.RUSSAKOVSKY_2015,
    sources.MNIST,
]

NET_NAMES = {"plain": "plain", "residual": "residual"}


def x_at(ell: int) -> str:
    """x⁽ℓ⁾ in plain text, ℓ as superscript digits."""
    return f"x⁽{superscript(ell)}⁾"






CHANCE = 0.2  # held-out accuracy below this is "at chance" for ten classes (chance is 10 %)


CONTEXT_CAPTION = (
    "Left: the winning (or leading) top-5 error of each ImageNet challenge year, as the lecture lists it; the dashed "
    "line is the human error it quotes. Right: He et al.'s residual nets of 20 to 110 layers on CIFAR-10 (test error, "
    "Table 6; the 110-layer figure is their best of five runs, mean 6.61 %). Their plain nets of the same depths "
    "are published only as curves (Fig. 6): deeper plain nets had higher training and test error."
)


# -- section 1: the depth sweep -----------------------------------------------------------------------


def _loss(v: float) -> str:
    return "n/a (diverged)" if not math.isfinite(v) else f"{v:.3f}"


def degradation_sentence(d: Degradation | None, diverged: dict[tuple[int, str], int]) -> str:
    """One net's degradation, in words, from the measured final training losses."""
    if d is None:
        return ""
    name = NET_NAMES[d.net]
    if not math.isfinite(d.deepest_loss):
        step = diverged.get((d.deepest, d.net))
        when = f" at step {step}" if step is not None else ""
        return f"The deepest **{name}** net ({d.deepest} blocks) **diverged**{when}: its loss became NaN/inf."
    if not math.isfinite(d.best_loss):
        return f"The deepest **{name}** net ends at training loss {_loss(d.deepest_loss)}; every shallower one diverged."
    if d.degrades:
        return (
            f"The deepest **{name}** net ({d.deepest} blocks) ends at training loss **{_loss(d.deepest_loss)}**, "
            f"worse than the {d.best_depth}-block net's **{_loss(d.best_loss)}**: it **degrades** with depth."
        )
    better = d.deepest_loss <= d.best_loss
    return (
        f"The deepest **{name}** net ({d.deepest} blocks) ends at training loss **{_loss(d.deepest_loss)}**, "
        + (
            "the lowest of the sweep"
            if better
            else f"within {d.margin:.2f} of the best shallower net "
            f"({_loss(d.best_loss)} at {d.best_depth} blocks)"
        )
        + ": **no degradation**."
    )


def sweep_verdict(
    plain: Degradation | None,
    residual: Degradation | None,
    norm: str,
    deepest_plain: GradientFlow | None,
    diverged: dict[tuple[int, str], int],
    plain_accuracy: float,
) -> str:
    """The headline of the sweep: who degrades, and, for the plain net, what the gradient says about why."""
    if plain is None or residual is None:
        return (
            "One depth only: there is nothing to compare. Choose a sweep of several depths to see how the "
            "training loss changes with depth."
        )
    lines = [degradation_sentence(plain, diverged), degradation_sentence(residual, diverged)]
    if plain.degrades and not residual.degrades:
        lines.append(
            "Deeper plain nets train worse while their residual twins do not, on the same data, steps and "
            "initial weights: what He et al. (2016) reported for plain vs residual nets."
        )
    elif plain.degrades and residual.degrades:
        lines.append(
            "At these settings both kinds degrade: the skip connection alone does not rescue this budget "
            "(try a smaller learning rate or more steps)."
        )
    elif not plain.degrades and not residual.degrades:
        lines.append(
            "At these settings neither kind trains worse with depth, so this budget does not show the "
            "degradation He et al. (2016) reported."
        )
    else:
        lines.append(
            "Here the residual nets degrade and the plain ones do not: the opposite of He et al.'s "
            "finding, at these settings."
        )
    lines.append(why_plain(plain, norm, deepest_plain, plain_accuracy))
    return "\n\n".join(x for x in lines if x)


def why_plain(plain: Degradation, norm: str, g: GradientFlow | None, accuracy: float) -> str:
    """Why the deepest plain net did (or did not) train, from its measured back-propagated gradient."""
    if g is None or g.regime == "diverged" or not math.isfinite(g.ratio):
        return ""
    at_chance = math.isfinite(accuracy) and accuracy < CHANCE
    measured = (
        f"its back-propagated gradient at initialization ‖∂L/∂x⁽⁰⁾‖ / ‖∂L/∂{x_at(g.depth)}‖ = "
        f"{sci(g.ratio)} (a factor {g.per_block:.3g} per block)"
    )
    if g.regime == "vanishing":
        tail = " and it stays at chance accuracy" if at_chance else ""
        return (
            f"Why the {g.depth}-block plain net struggles: {measured}, so its first blocks barely learn{tail}: "
            "**vanishing gradients**."
        )
    if g.regime == "exploding":
        return f"In the {g.depth}-block plain net, {measured}: **exploding** towards the input."
    if plain.degrades and norm == "batch":
        return (
            f"Yet the {g.depth}-block plain net is not starved of gradient: {measured}, within a factor "
            f"{EXPLODING_ABOVE:g} either way. With batch norm the deep plain net's trouble is **not** a "
            "vanishing gradient, as He et al. argue: the gradient arrives, but the deeper plain net is "
            "harder to optimize. Switch batch norm off to compare it with the other failure."
        )
    if plain.degrades:
        return (
            f"The {g.depth}-block plain net's gradient does not vanish at initialization ({measured}), so "
            "its higher training loss is an optimization difficulty, not a vanishing gradient."
        )
    return f"The {g.depth}-block plain net's gradient: {measured}."


def sweep_budget_note(norm: str, plain: Degradation | None) -> str | None:
    """Said plainly when the budget on screen does not reproduce He et al.'s batch-norm degradation."""
    if norm == "batch" and plain is not None and not plain.degrades:
        return (
            "With batch norm at this budget the deepest plain net does **not** train worse than the shallower "
            "ones, so He et al.'s degradation is not reproduced here. Their plain nets degraded after training "
            "far longer on CIFAR-10; try more steps or more depth."
        )
    return None


# -- section 2: where the gradient goes ---------------------------------------------------------------


def flow_sentence(g: GradientFlow) -> str:
    """One net's back-propagated gradient at one moment, judged on ∂L/∂x⁽ℓ⁾ (not on weight gradients)."""
    when = "at initialization" if g.moment == "init" else "after training"
    if g.regime == "diverged":
        return f"**{g.net}**, {when}: no finite gradient was recorded (the run diverged)."
    ratio = f"‖∂L/∂x⁽⁰⁾‖ / ‖∂L/∂{x_at(g.depth)}‖ = {sci(g.ratio)}, a factor {g.per_block:.3g} per block"
    if g.regime == "vanishing":
        return f"**{g.net}**, {when}: **vanishing** — {ratio}."
    if g.regime == "exploding":
        return f"**{g.net}**, {when}: **exploding** — {ratio}."
    return (
        f"**{g.net}**, {when}: **healthy** — {ratio}, within a factor {1 / VANISHING_BELOW:g} of the "
        "gradient the head sends back."
    )


def flow_latex(plain: GradientFlow, residual: GradientFlow) -> list[str]:
    """The lecture's backprop rule for a residual block, then the measured per-block factors."""
    lines = [
        r"\overline{\mathbf{x}^{(\ell)}} = \overline{\mathbf{x}^{(\ell+1)}} + \overline{\mathbf{x}^{(\ell+1)}}"
        r"\,\frac{\partial \mathcal{F}}{\partial \mathbf{x}} = \overline{\mathbf{x}^{(\ell+1)}}\Big(\mathbf{I} + "
        r"\frac{\partial \mathcal{F}}{\partial \mathbf{x}}\Big)"
        r"\qquad\text{vs. plain:}\qquad \overline{\mathbf{x}^{(\ell)}} = \overline{\mathbf{x}^{(\ell+1)}}\,"
        r"\frac{\partial \mathcal{F}}{\partial \mathbf{x}}"
    ]
    n = plain.depth
    parts = []
    for g in (plain, residual):
        if math.isfinite(g.ratio) and g.ratio > 0:
            parts.append(
                rf"\text{{{g.net}: }}\ \Big(\tfrac{{\|\bar x^{{(0)}}\|}}{{\|\bar x^{{({n})}}\|}}\Big)^{{1/{n}}}"
                rf" = {g.per_block:.3g},\quad {g.per_block:.3g}^{{{n}}} = {latex_num(g.ratio)}"
            )
    if parts:
        lines.append(r"\qquad".join(parts))
    return lines


def flow_explain(plain: GradientFlow, residual: GradientFlow, norm: str) -> str:
    """What the numbers on screen say about I + ∂F/∂x, computed from the two nets' per-block factors."""
    p, r = plain.per_block, residual.per_block
    if not (math.isfinite(p) and math.isfinite(r) and p > 0 and r > 0):
        return "One of the runs diverged or its gradient underflowed to zero, so its per-block factor is not defined."
    verb = "shrinks" if p < 1 else "grows"
    text = (
        f"Backprop multiplies by one Jacobian per block. In the plain net that Jacobian is ∂F/∂x alone; measured "
        f"at initialization, it {verb} the gradient by a factor **{p:.3g}** per block on average. The residual "
        f"twin has the same ∂F/∂x plus the identity, and its factor is **{r:.3g}**."
    )
    if abs(math.log(r)) < abs(math.log(p)):
        text += (
            " Whatever ∂F/∂x does, the identity term passes the incoming gradient on unchanged, so the residual "
            "product stays nearer 1."
        )
    if norm == "batch":
        text += " Batch norm rescales each block's pre-activations, and so changes ∂F/∂x itself" + (
            ": here the plain net's factor is not small, so its gradient does not vanish." if p > 0.5 else "."
        )
    return text


# -- section 3: the Jacobian ---------------------------------------------------------------------------


def jacobian_sentence(
    summary: pd.DataFrame, depth: int, activation: str, width: int, zero_below: float
) -> str:
    """Which nets keep the singular values of ∂x⁽ⁿ⁾/∂x⁽⁰⁾ near 1, from the computed values."""
    rows = {r.net: r for r in summary.itertuples()}
    out = []
    for net, r in rows.items():
        zeros = int(r.zeros)
        near = r.smallest > 0.1 and r.largest < 10 and not zeros
        desc = f"**{net}**: the resolvable σ run from {sci(r.smallest)} to {sci(r.largest)} (median {sci(r.median)})"
        if zeros:
            desc += f", and {zeros} of {width} are below {zero_below:g} × the largest: too small for float64 to tell from zero"
        if near:
            desc += " — every direction passes within a factor 10 of unchanged"
        elif r.largest < 0.1:
            desc += " — every direction shrinks: vanishing"
        elif r.smallest > 10 and not zeros:
            desc += " — every direction grows: exploding"
        else:
            desc += " — some directions shrink, others grow"
        out.append(desc + ".")
    tail = ""
    if activation == "relu":
        tail = (
            " With ReLU, each layer passes only the directions of its active units, so even orthogonal weights "
            "lose directions in a plain net (Pennington et al. 2017)."
        )
    ortho = rows.get("plain, orthogonal")
    if ortho is not None and not int(ortho.zeros) and ortho.smallest > 0.999 and ortho.largest < 1.001:
        tail += (
            " The orthogonal plain net's Jacobian is itself orthogonal: every σ equals 1 (up to the float32 "
            "rounding of the weights), the ideal of Saxe et al. (2014)."
        )
    return f"At initialization, {depth} blocks, {activation}: " + " ".join(out) + tail


# -- section 4: paths ----------------------------------------------------------------------------------


def paths_sentence(n: int, central: tuple[int, int], by_length: pd.DataFrame | None) -> str:
    """The path count and, when measured, where the gradient comes from (Veit et al.'s estimate)."""
    lo, hi = central
    text = (
        f"A residual net of {n} blocks has 2{superscript(n)} = {2**n:,} paths. Their lengths follow the binomial "
        f"distribution C({n}, k)/2{superscript(n)}: 95 % of the paths go through {lo} to {hi} blocks (mean {n / 2:g})."
    )
    if by_length is None or not np.isfinite(by_length.total_share).any():
        return text
    from gradviz.lessons.resnet.paths import effective_range

    a, b = effective_range(by_length)
    # \bar k_g = \sum_k k \cdot \text{share of the gradient}_k
    mean_k = float((by_length.k * by_length.total_share.fillna(0)).sum())
    text += (
        f" Measured on the trained net, 90 % of the estimated gradient comes from paths {a} to {b} blocks long, "
        f"with a gradient-weighted mean length of {mean_k:.1f} blocks"
    )
    if mean_k < n / 2 - 1:
        text += (
            ": shorter than the typical path. Each block's ∂F/∂x shrinks what passes through it, so long paths "
            "carry little gradient, as Veit et al. found (in their 110-layer ResNet most of it came from paths "
            "10–34 layers deep)."
        )
    else:
        text += ": not shorter than the typical path, at these settings."
    return text


def lesion_sentence(lesion: pd.DataFrame, depth: int) -> str:
    """What deleting one block did to each trained net, from the measured accuracies."""
    out = []
    for net in ("plain", "residual"):
        d = lesion[(lesion.depth == depth) & (lesion.net == net)]
        if not len(d) or not (d.block == 0).any():
            out.append(f"The {net} net diverged, so there is nothing to delete from.")
            continue
        intact = float(d[d.block == 0].accuracy.iloc[0])
        deleted = d[d.block > 0].accuracy
        worst, mean = float(deleted.min()), float(deleted.mean())
        if intact < CHANCE:
            out.append(
                f"The {depth}-block **{net}** net never learned (intact {intact:.1%}, chance is 10 %), so "
                "deleting a block cannot show anything: pick a depth at which it trained, or switch on batch norm."
            )
            continue
        out.append(
            f"**{net}** ({depth} blocks, intact {intact:.1%}): deleting one block leaves on average "
            f"**{mean:.1%}** (worst {worst:.1%})."
        )
    return " ".join(out)


def lesion_question(lesion: pd.DataFrame, depth: int) -> dict | None:
    """Predict-then-reveal on the lesion study; the answer is computed from the measured accuracies."""
    d = lesion[(lesion.depth == depth) & (lesion.net == "residual")]
    if depth < 2 or not len(d) or not (d.block == 0).any():
        return None
    intact = float(d[d.block == 0].accuracy.iloc[0])
    mean = float(d[d.block > 0].accuracy.mean())
    drop = intact - mean
    options = [
        "it falls to chance (about 10 %)",
        "it drops by less than 5 points on average",
        "it drops by 5 points or more, but stays above chance",
    ]
    if mean < CHANCE:
        answer = options[0]
    elif drop < 0.05:
        answer = options[1]
    else:
        answer = options[2]
    return {
        "question": f"Delete one block, any one, from the trained {depth}-block residual net (intact: {intact:.1%} "
        "held-out accuracy). What happens to its accuracy?",
        "options": options,
        "answer": answer,
        "explanation": (
            f"Measured: on average {mean:.1%} with one block deleted, a drop of {100 * drop:.1f} points. "
            "Deleting a block removes the paths through it, half of all paths, but leaves every other path "
            "intact; in a plain net there is only one path, and deleting a block breaks it."
        ),
    }


def depth_question(plain: Degradation | None, residual: Degradation | None) -> dict | None:
    """Predict-then-reveal on the sweep: which ends lower, the deepest plain net or its residual twin?"""
    if plain is None or residual is None or not math.isfinite(residual.deepest_loss):
        return None
    options = ["the plain net", "the residual net", "about the same (within 0.05)"]
    p, r = plain.deepest_loss, residual.deepest_loss
    if not math.isfinite(p) or p > r + 0.05:
        answer = options[1]
    elif r > p + 0.05:
        answer = options[0]
    else:
        answer = options[2]
    return {
        "question": f"Both {plain.deepest}-block twins start from the same weights and see the same minibatches. "
        "Which ends with the lower training loss?",
        "options": options,
        "answer": answer,
        "explanation": f"Measured: plain {_loss(p)}, residual {_loss(r)}. The only difference is the skip connection.",
    }


def cost_refusal(estimate: float, cap: float) -> str:
    return (
        f"These settings would train for about **{estimate:.0f} s** on a core this server shares with every "
        f"student; live runs here are capped at {cap:.0f} s. Choose fewer or shallower depths, fewer steps or a "
        "narrower width (the estimate is steps × the measured cost of one step at each depth)."
    )
