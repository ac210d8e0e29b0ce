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
BALDUZZI_2017 = (
    "D. Balduzzi, M. Frean, L. Leary, J. P. Lewis, K. W.-D. Ma & B. McWilliams (2017), The Shattered Gradients "
    "Problem: If resnets are the answer, then what is the question?, ICML",
    "https://arxiv.org/abs/1702.08591",
)
HE_2015 = (
    "K. He, X. Zhang, S. Ren & J. Sun (2015), Delving Deep into Rectifiers (He init: gain √2 for ReLU), ICCV",
    "https://arxiv.org/abs/1502.01852",
)
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
    BALDUZZI_2017,
    HE_2015,
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
    "Left: the lecture's top-5 error for each ImageNet challenge year (hover a bar for exactly what each row is: "
    "2012's 16.4 % is AlexNet without extra data, its winning entry scored 15.3 %; 2015's 4.5 % is ResNet-152 as a "
    "single model, the winning entry, an ensemble, scored 3.57 %); the dashed line is the human error it quotes. Right: He et al.'s residual nets of 20 to 110 layers on CIFAR-10 (test error, "
    "Table 6; the 110-layer figure is their best of five runs, mean 6.61 %). Their plain nets of the same depths "
    "are published only as curves (Fig. 6): deeper plain nets had higher training and test error."
)


# -- section 1: the depth sweep -----------------------------------------------------------------------


def loss_text(v: float) -> str:
    """A final loss for a sentence, three decimals; "n/a (diverged)" when the run blew up."""
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
        return f"The deepest **{name}** net ends at training loss {loss_text(d.deepest_loss)}; every shallower one diverged."
    if d.degrades:
        return (
            f"The deepest **{name}** net ({d.deepest} blocks) ends at training loss **{loss_text(d.deepest_loss)}**, "
            f"worse than the {d.best_depth}-block net's **{loss_text(d.best_loss)}**: it **degrades** with depth."
        )
    better = d.deepest_loss <= d.best_loss
    return (
        f"The deepest **{name}** net ({d.deepest} blocks) ends at training loss **{loss_text(d.deepest_loss)}**, "
        + (
            "the lowest of the sweep"
            if better
            else f"within {d.margin:.2f} of the best shallower net "
            f"({loss_text(d.best_loss)} at {d.best_depth} blocks)"
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
    deepest_plain_end: GradientFlow | None = None,
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
    lines.append(why_plain(plain, norm, deepest_plain, plain_accuracy, deepest_plain_end))
    return "\n\n".join(x for x in lines if x)


# PyTorch's default init, W ~ U(±1/√fan_in): Var W = 1/(3·fan_in). A ReLU block J = W₂ D W₁ then scales a
# gradient's squared norm by fan_in·Var W₂ · ½ · fan_in·Var W₁ = ½ · (1/3)², so its norm by 1/(3√2) ≈ 0.236
DEFAULT_INIT_BLOCK_FACTOR = 1 / (3 * math.sqrt(2))


def why_plain(
    plain: Degradation, norm: str, g: GradientFlow | None, accuracy: float, end: GradientFlow | None = None
) -> str:
    """Why the deepest plain net did (or did not) train, from its measured back-propagated gradient (at init,
    and at the end of training when given)."""
    if g is None or g.regime == "diverged" or not math.isfinite(g.ratio):
        return ""
    at_chance = math.isfinite(accuracy) and accuracy < CHANCE
    measured = (
        f"its back-propagated gradient at initialization ‖∂L/∂x⁽⁰⁾‖ / ‖∂L/∂{x_at(g.depth)}‖ = "
        f"{sci(g.ratio)} (a factor {g.per_block:.3g} per block)"
    )
    if g.regime == "vanishing":
        tail = " and it stays at chance accuracy" if at_chance else ""
        text = (
            f"Why the {g.depth}-block plain net struggles: {measured}, so its first blocks barely learn{tail}: "
            "**vanishing gradients**."
        )
        if norm == "none":
            text += (
                " The init causes it: PyTorch's default U(±1/√fan_in) has variance 1/(3·fan_in), so each ReLU "
                f"block's ∂F/∂x = W₂ diag(φ′) W₁ scales a gradient by about √(½ · (1/3)²) = "
                f"{DEFAULT_INIT_BLOCK_FACTOR:.3f} (measured here: {g.per_block:.3g}). This is **not** He et al.'s "
                "degradation: they used He init and batch norm precisely so that plain nets do not vanish, and "
                "argue that their degradation is not vanishing. Their view is the one with batch norm on "
                "(Normalization: batch)."
            )
        return text
    if g.regime == "exploding":
        return f"In the {g.depth}-block plain net, {measured}: **exploding** towards the input."
    if plain.degrades and norm == "batch":
        after, within = "", "within"
        if end is not None and math.isfinite(end.ratio):
            after = f", and {sci(end.ratio)} at the end of training"
            within = (
                "both within"
                if end.regime == "healthy"
                else f"at initialization within (at the end: {end.regime})"
            )
        return (
            f"Yet the {g.depth}-block plain net is not starved of gradient: {measured}{after}; {within} a factor "
            f"{EXPLODING_ABOVE:g} either way. With batch norm the deep plain net's trouble is "
            "**not** a vanishing gradient, as He et al. argue: the gradient arrives, but the deeper plain net is "
            "harder to optimize. Balduzzi et al. (2017) measured one reason beyond norms: in deep plain nets the "
            "gradients *shatter* — their correlation between nearby inputs decays with depth towards white noise "
            "— while their norms stay fine, and skip connections slow that decay (gradient correlations are not "
            "measured on this page). Switch batch norm off to compare it with the vanishing failure."
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


def direction_verdict(largest: float, smallest: float, zeros: int) -> str:
    """How ∂x⁽ⁿ⁾/∂x⁽⁰⁾ treats directions, from its singular values: every one shrinks (largest < 1; zero σ
    shrink too), every one grows (smallest > 1, none zero), else some of each; the size words only beyond a
    factor 10 (vanishing, exploding) or within it."""
    if not zeros and abs(largest - 1) < 1e-3 and abs(smallest - 1) < 1e-3:
        return "every direction passes unchanged (every σ is 1 to three decimals)"
    if largest < 1:
        return "every direction shrinks (the largest σ is below 1)" + (": vanishing" if largest < 0.1 else "")
    if smallest > 1 and not zeros:
        return "every direction grows (the smallest σ is above 1)" + (": exploding" if smallest > 10 else "")
    mixed = "some directions shrink, others grow"
    if smallest > 0.1 and largest < 10 and not zeros:
        mixed += ", every one within a factor 10 of unchanged"
    return mixed


def jacobian_sentence(
    summary: pd.DataFrame,
    depth: int,
    activation: str,
    width: int,
    zero_below: float,
    sweep_norm: str = "none",
    sweep_plain: GradientFlow | None = None,
) -> str:
    """Which nets keep the singular values of ∂x⁽ⁿ⁾/∂x⁽⁰⁾ near 1, from the computed values."""
    rows = {r.net: r for r in summary.itertuples()}
    out = []
    for net, r in rows.items():
        zeros, exact = int(r.zeros), int(getattr(r, "exact_zeros", 0))
        desc = f"**{net}**: the resolvable σ run from {sci(r.smallest)} to {sci(r.largest)} (median {sci(r.median)})"
        if exact:
            desc += (
                f", and {zeros} of {width} are zero: at this input its ReLUs switch units off, so the Jacobian is "
                f"rank-deficient and at least {exact} σ are exactly 0 (SVD returns them as rounding noise)"
            )
            if zeros > exact:
                desc += f"; the other {zeros - exact} are below {zero_below:g} × the largest, too small for float64 to tell from zero"
        elif zeros:
            desc += f", and {zeros} of {width} are below {zero_below:g} × the largest: too small for float64 to tell from zero"
        out.append(f"{desc} — {direction_verdict(r.largest, r.smallest, zeros)}.")
    tail = ""
    ortho = rows.get("plain, orthogonal")
    if activation == "relu":
        tail = (
            " The orthogonal plain net's first layer in each block has gain √2 (He et al. 2015): a ReLU passes "
            "half of the squared norm, and ½ · (√2)² = 1 keeps the mean squared σ at 1 per block (with gain 1 each "
            "block would shrink by ≈ 1/√2). Even at that gain the product's σ spread apart with depth — what "
            "Pennington et al. (2017) found for ReLU nets — because each layer passes only the directions of its "
            "active units."
        )
    if ortho is not None and not int(ortho.zeros) and ortho.smallest > 0.999 and ortho.largest < 1.001:
        tail += (
            " The orthogonal plain net's Jacobian is itself orthogonal: every σ equals 1 (up to the float32 "
            "rounding of the weights), the ideal of Saxe et al. (2014)."
        )
    if sweep_norm == "batch":
        tail += (
            " These nets have **no batch norm**: this section's Jacobian is of the bare blocks at PyTorch's "
            "default init, unlike the sweep above at norm = batch"
        )
        if sweep_plain is not None and math.isfinite(sweep_plain.ratio):
            tail += (
                f", whose {sweep_plain.depth}-block plain net's gradient ratio at initialization is "
                f"{sci(sweep_plain.ratio)} ({sweep_plain.regime}, section 2)"
            )
        tail += ". Batch norm rescales every ∂F/∂x, so the two verdicts are about different nets."
    blocks = f"{depth} block{'s' if depth != 1 else ''}"
    return f"At initialization, {blocks}, {activation}: " + " ".join(out) + tail


# -- section 4: paths ----------------------------------------------------------------------------------


def paths_sentence(n: int, central: tuple[int, int], by_length: pd.DataFrame | None) -> str:
    """The path count and, when measured, where the gradient comes from (Veit et al.'s estimate) and how much
    one path carries at the two extreme lengths."""
    lo, hi = central
    from gradviz.lessons.resnet.paths import effective_range, path_length_distribution

    dist = path_length_distribution(n)
    # share of paths with lo ≤ k ≤ hi = Σ_k C(n, k) / 2ⁿ
    mass = float(dist[(dist.k >= lo) & (dist.k <= hi)].share.sum())
    text = (
        f"A residual net of {n} blocks has 2{superscript(n)} = {2**n:,} paths. Their lengths follow the binomial "
        f"distribution C({n}, k)/2{superscript(n)}: {mass:.1%} of the paths go through {lo} to {hi} blocks (the narrowest "
        f"range about the mean, {n / 2:g}, holding at least 95 %)."
    )
    if by_length is None or not np.isfinite(by_length.total_share).any():
        return text
    a, b = effective_range(by_length)
    # \bar k_g = \sum_k k \cdot \text{share of the gradient}_k
    mean_k = float((by_length.k * by_length.total_share.fillna(0)).sum())
    text += (
        f" Measured on the trained net, 90 % of the estimated gradient comes from paths {a} to {b} blocks long, "
        f"with a gradient-weighted mean length of {mean_k:.1f} blocks"
    )
    text += (
        ": shorter than the typical path." if mean_k < n / 2 - 1 else ": not shorter than the typical path."
    )
    per = by_length.set_index("k").mean_norm
    m0, mn = float(per.get(0, math.nan)), float(per.get(n, math.nan))
    if math.isfinite(m0) and math.isfinite(mn) and m0 > 0:
        text += (
            f" One path's gradient, measured: {sci(m0)} along the skips only (k = 0) and {sci(mn)} through all "
            f"{n} blocks (k = {n})"
        )
        if mn < m0:
            text += (
                f", {sci(m0 / mn)} times less: each block's ∂F/∂x shrinks what passes through it, so long paths "
                "carry little gradient each, as Veit et al. found (in their 110-layer ResNet most of it came from "
                "paths 10–34 layers deep)."
            )
        else:
            text += ": the longest path carries no less than the shortest here, at these settings."
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






def cost_refusal(estimate: float, cap: float) -> str:
    return (
        f"These settings would train for about **{estimate:.0f} s** on a core this server shares with every "
        f"student; live runs here are capped at {cap:.0f} s. Choose fewer or shallower depths, fewer steps or a "
        "narrower width (the estimate is steps × the measured cost of one step at each depth)."
    )
