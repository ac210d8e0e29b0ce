"""The deep-nets lesson's words: the promise, verdicts, "what is going on", captions and the question.

Every sentence that states a number reads it from a `Summary` (or a by-hand table) passed in, and every
sentence that depends on a regime (vanishing, exploding, one hidden layer, a diverged run, the activation)
computes the regime first. Nothing here hard-codes a number a run produced. Numpy-free, torch-free.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from gradviz import sources
from gradviz.fmt import power, sci, sig
from gradviz.lessons.deep_nets.closed_form import chain_factors
from gradviz.lessons.deep_nets.summary import CHANCE, HUGE_GRADIENT, Summary

PROMISE = (
    "A real network trained on real MNIST digits: measure, layer by layer, the gradient on its way back from "
    "the output to the first layer, and the factor each layer multiplies it by. Change the activation, the "
    "initialization or the depth, and compare that factor with what the variance condition of Glorot & Bengio "
    "(2010) and He et al. (2015) predicts."
)

# Verdict thresholds on ‖∂L/∂h_1‖ / ‖∂L/∂h_D‖: beyond a factor 10 either way, the first layer's signal is an
# order of magnitude off the last hidden layer's.
VANISHING_BELOW = 0.1
EXPLODING_ABOVE = 10.0
NOT_LEARNED_BELOW = 2 * CHANCE  # held-out accuracy under twice chance: the net has not learned the digits
COLLAPSED_BELOW = 1e-2  # top/bottom spread of hidden activations across examples: the input is washed out
STALLED_BELOW = 0.1  # layer 1's update ratio under a tenth of the output layer's: the first layer lags behind

INIT_HELP = (
    "normal: N(0, 1) · default: PyTorch's U(±1/√fan_in) · lecun: N(0, 1/fan_in) · "
    "glorot: U(±√(6/(fan_in+fan_out))) · he: N(0, 2/fan_in) · orthogonal: gain 1"
)
# n·Var(W) of a hidden-to-hidden layer (fan_in = fan_out = n) as each scheme defines it, in LaTeX
NOMINAL_NVAR = {"normal": "n", "default": "1/3", "lecun": "1", "glorot": "1", "he": "2", "orthogonal": "1"}


LECUN_1998 = (
    "Y. LeCun, L. Bottou, G. Orr & K.-R. Müller (1998), Efficient BackProp (LeCun init: Var(W) = 1/fan_in)",
    "http://yann.lecun.com/exdb/publis/pdf/lecun-98b.pdf",
)
SOURCES = (
    sources.SURESH_2016,
    sources.LECTURE_NOTES,
    sources.GLOROT_2010,
    sources.HE_2015,
    LECUN_1998,
    sources.SAXE_2014,
    sources.CS231N,
    sources.MNIST,
    sources.UCI_DIGITS,
)
BY_DEPTH_CAPTION = (
    "‖∂L/∂h_ℓ‖ at initialization (faint) and at the end (solid). A straight slope on this log axis means a "
    "constant factor per layer."
)
UPDATE_CAPTION = "Median step size relative to the weights. The green band is the usual ~1e-3 rule of thumb."


def _layer_span(layers: Sequence[int]) -> str:
    """ "layer 3", "layers 1–20" (consecutive) or "layers 1, 4, 7"."""
    if len(layers) == 1:
        return f"layer {layers[0]}"
    if list(layers) == list(range(layers[0], layers[-1] + 1)):
        return f"layers {layers[0]}–{layers[-1]}"
    return "layers " + ", ".join(map(str, layers))


def update_caption(summaries: dict[str, Summary]) -> str:
    """The update-ratio caption, naming the layers a log axis cannot show because they did not move at all."""
    notes = []
    for name, s in summaries.items():
        if s.frozen_layers:
            span = _layer_span(s.frozen_layers)
            notes.append(
                f"{name}: {span} not shown, their weights did not change at all in float32 "
                "(each update was below the rounding of the weight)."
            )
    return " ".join([UPDATE_CAPTION, *notes])


def provenance(description: str, runs: dict) -> str:
    """Where the curves come from: dataset, training time, precomputed or live (and what that promises)."""
    seconds = sum(r.meta.get("seconds", 0.0) for r in runs.values())
    if all(r.meta.get("precomputed") for r in runs.values()):
        how = "precomputed: every visitor sees these exact numbers"
    else:
        how = "trained live and cached for everyone; another machine can differ in the last digits"
    return f"{description}. {seconds:.1f} s of training ({how})."


def readouts(s: Summary) -> list[tuple[str, str, str | None]]:
    """(label, value, help) for the row of metrics under a run's verdict: the verdict's own quantities first."""
    d = s.depth
    deep = d >= 2 and s.diverged_at is None
    return [
        (
            f"‖∂L/∂h₁‖ / ‖∂L/∂h_{d}‖",
            sci(s.back_ratio) if deep else "—",
            "median over training of the gradient reaching layer 1 over the one reaching the last hidden layer"
            + ("" if d >= 2 else " (needs two hidden layers)"),
        ),
        (
            "per-layer factor",
            sig(s.layer_factor, 4) if deep else "—",
            "(‖∂L/∂h₁‖ / ‖∂L/∂h_D‖)^(1/(D−1)): what one hidden-to-hidden step multiplies the gradient by",
        ),
        (
            f"‖∂L/∂W₁‖ / ‖∂L/∂W_{d + 1}‖",
            sci(s.weight_ratio) if s.diverged_at is None else "—",
            "median over training: first weight layer against the output layer",
        ),
        (
            "held-out accuracy",
            f"{s.accuracy:.1%}" if s.diverged_at is None and math.isfinite(s.accuracy) else "—",
            f"at the end of training; chance is {CHANCE:.0%}",
        ),
    ]






def diverged_sentence(s: Summary) -> str:
    """What became NaN/inf, and at which step (the training loop's own words)."""
    return s.reason or f"values became NaN/inf at step {s.diverged_at}"


def verdict(s: Summary) -> tuple[str, str]:
    """(kind, sentence): kind is "exploding", "vanishing", "healthy" or "shallow", judged on the
    back-propagated gradient ‖∂L/∂h_ℓ‖ (and on divergence and huge absolute norms)."""
    if s.diverged_at is not None:
        return "exploding", f"exploding: {diverged_sentence(s)}"
    if math.isfinite(s.max_grad) and s.max_grad > HUGE_GRADIENT:
        return "exploding", (
            f"exploding: ‖∂L/∂W_{s.max_grad_layer}‖ reaches {sci(s.max_grad)} at step {s.max_grad_step}, "
            f"so one SGD step moves those weights by the learning rate times that"
        )
    if s.depth < 2:
        return "shallow", (
            "one hidden layer: the gradient crosses no hidden-to-hidden layer, so depth cannot shrink or grow it"
        )
    r, f, d = s.back_ratio, s.layer_factor, s.depth
    per_layer = f"×{sig(f, 4)} per layer"
    if not math.isfinite(r):
        return "exploding", "exploding: no finite gradient ratio was recorded"
    if r == 0:
        return "vanishing", (
            f"vanishing: no gradient reaches layer 1 at all (‖∂L/∂h₁‖ is exactly 0 in float32 on at least half of "
            f"the recorded steps, against {sci(s.back_last, 1)} reaching layer {d})"
        )
    if r < VANISHING_BELOW:
        return "vanishing", (
            f"vanishing: the gradient reaching layer 1 is {sci(r, 1)} of the one reaching layer {d} ({per_layer})"
        )
    if r > EXPLODING_ABOVE:
        return "exploding", (
            f"exploding: the gradient reaching layer 1 is {sci(r, 1)}× the one reaching layer {d} ({per_layer})"
        )
    return "healthy", (
        f"healthy: the gradient reaching layer 1 is within a factor {max(r, 1 / r):.2g} of the one reaching "
        f"layer {d} ({per_layer})"
    )


def learning_clause(s: Summary, kind: str) -> str:
    """Whether the net learned, and why not from what was measured (or no reason where none was)."""
    if s.diverged_at is not None or not math.isfinite(s.accuracy):
        return ""
    if s.accuracy >= NOT_LEARNED_BELOW:
        if kind == "healthy" and s.saturated_end > 0.5:
            return (
                f"; {s.saturated_end:.0%} of the units end saturated (f′ ≈ 0), held-out accuracy "
                f"{s.accuracy:.1%}"
            )
        return f"; held-out accuracy {s.accuracy:.1%}"
    head = f"; it has not learned (held-out accuracy {s.accuracy:.1%}, chance {CHANCE:.0%})"
    spread_ratio = s.spread_last_end / s.spread_first_end if s.spread_first_end > 0 else float("nan")
    if s.depth >= 2 and math.isfinite(spread_ratio) and spread_ratio < COLLAPSED_BELOW:
        return head + (
            f": layer {s.depth}'s output hardly changes from one digit to another (spread across examples "
            f"{sci(s.spread_last_end, 1)}, against {sci(s.spread_first_end, 1)} in layer 1), so the output layer "
            "has little to tell the digits apart"
        )
    if kind == "vanishing" and s.update_first < STALLED_BELOW * s.update_last:
        moved = (
            "did not change at all in float32"
            if s.update_first == 0
            else f"moved {sci(s.update_first, 1)} of their size per step"
        )
        return head + f": layer 1's weights {moved}, the output layer's {sci(s.update_last, 1)}"
    if s.saturated_end > 0.5:
        return head + f": {s.saturated_end:.0%} of the hidden units end saturated (f′ near 0)"
    return head


def run_line(name: str, s: Summary) -> str:
    """The line above a run's readouts: its name, the verdict and what it learned."""
    kind, sentence = verdict(s)
    return f"**{name}** — {sentence}{learning_clause(s, kind)}."


# -- what is going on ---------------------------------------------------------------------------------

RECURSION = (
    r"\frac{\partial L}{\partial h_{D}} = W_{D+1}^{\top}\,\frac{\partial L}{\partial \hat y},\qquad"
    r"\frac{\partial L}{\partial h_{\ell}} = W_{\ell+1}^{\top}\,\mathrm{diag}\big(f'(z_{\ell+1})\big)\,"
    r"\frac{\partial L}{\partial h_{\ell+1}}\quad(\ell < D)"
)
PRODUCT = (
    r"\frac{\partial L}{\partial h_1} = \Big[\prod_{\ell=2}^{D} W_{\ell}^{\top}\,\mathrm{diag}\big(f'(z_\ell)\big)\Big]"
    r"\,W_{D+1}^{\top}\,\frac{\partial L}{\partial \hat y},\qquad "
    r"\frac{\partial L}{\partial W_\ell} = \Big(f'(z_\ell)\odot\frac{\partial L}{\partial h_\ell}\Big)\,h_{\ell-1}^{\top}"
)
RECURSION_INTRO = (
    "Backpropagation passes the gradient down one layer at a time. The output layer is linear, so the gradient "
    "reaching the last hidden layer h_D carries no activation slope; every hidden-to-hidden step multiplies by "
    "that layer's weights and its activation's slope:"
)


def regime(ratio: float) -> str:
    """ "vanishing", "level" or "exploding" for a first/last ratio, by the verdict's thresholds."""
    return "vanishing" if ratio < VANISHING_BELOW else "exploding" if ratio > EXPLODING_ABOVE else "level"


def going_on(name: str, s: Summary, activation: str) -> list[str]:
    """Markdown paragraphs tied to the numbers of the run `name` (the base configuration)."""
    if s.diverged_at is not None:
        return [f"The **{name}** run diverged: {diverged_sentence(s)}."]
    d = s.depth
    if d < 2:
        return [
            f"The **{name}** run has one hidden layer: ∂L/∂h₁ = W₂ᵀ ∂L/∂ŷ, one matrix and no activation slope, "
            "so there is no product over layers to vanish or explode. Its weight gradients: "
            f"‖∂L/∂W₁‖ / ‖∂L/∂W₂‖ = {sci(s.weight_ratio)} (median over training). "
            "Add hidden layers to see the product appear."
        ]
    f, r = s.layer_factor, s.back_ratio
    if r == 0:
        return [
            f"In the **{name}** run the gradient reaching layer 1 is exactly 0 in float32 on at least half of the "
            "recorded steps: "
            "somewhere on the way down every path is multiplied by a slope f′(z) or a value that is 0 in float32, "
            "and a single zero factor makes the whole product 0."
        ]
    out = [
        f"In the **{name}** run, each of the {d - 1} hidden-to-hidden steps multiplies the gradient by about "
        f"**{sig(f, 4)}** (median over training; {sig(s.layer_factor_init, 4)} at initialization), so "
        f"{power(sig(f, 4), d - 1)} = **{sci(r)}** = ‖∂L/∂h₁‖ / ‖∂L/∂h_{d}‖, the ratio the verdict names."
    ]
    if activation == "sigmoid":
        out.append(
            f"The sigmoid's slope never exceeds 1/4 (here its mean |f′| at initialization is {s.mean_fprime:.3f}), "
            "so unless the weights are large each step shrinks the gradient."
        )
    wr = s.weight_ratio
    if math.isfinite(wr) and wr > 0:
        if regime(wr) == regime(r):
            how = "tell the same story"
        elif regime(wr) == "level":
            how = "stay level nonetheless"
        else:
            how = "differ"
        out.append(
            f"The weight gradients {how}: ‖∂L/∂W₁‖ / ‖∂L/∂W_{d + 1}‖ = {sci(wr)} (median). A weight gradient is the "
            "back-propagated signal times the layer's input (the activations of the layer below), and when the "
            "activations shrink or grow with depth they move the other way (Glorot & Bengio 2010, eqs. 13–14); "
            "that is why the verdict judges ∂L/∂h, not ∂L/∂W."
        )
    return out


VARIANCE_INTRO = (
    "**Why the good initializations work.** Treat the weights and the slopes as independent at initialization. "
    "One backward step through a layer of width n then multiplies the gradient's squared norm by "
    "n·Var(W)·E[f′(z)²], so the norm by its square root:"
)
VARIANCE_LATEX = (
    r"\frac{\|\partial L/\partial h_{\ell}\|}{\|\partial L/\partial h_{\ell+1}\|}\approx"
    r"\sqrt{\,n\,\mathrm{Var}(W)\;\mathbb{E}\big[f'(z)^2\big]\,}\qquad\text{stable when}\qquad "
    r"n\,\mathrm{Var}(W)\,\mathbb{E}\big[f'(z)^2\big]\approx 1"
)
VARIANCE_OUTRO = (
    "For units linear near 0 (tanh: f′(0) = 1) this asks n·Var(W) = 1: LeCun's 1/n, Glorot's 2/(fan_in+fan_out) "
    "(equal to 1/n when fan_in = fan_out), an orthogonal matrix. ReLU passes half its inputs, E[f′²] = 1/2, so it "
    "asks n·Var(W) = 2: He's 2/n. The sigmoid's E[f′²] is at most 1/16, so the standard schemes shrink it. "
    "The table measures both sides on the runs on screen, at initialization:"
)
NO_VARIANCE_ROWS = (
    "The variance condition needs two hidden layers or more: no run on screen has a hidden-to-hidden step."
)




def variance_rows(items: Sequence[tuple[str, str, Summary]]) -> list[dict[str, str]]:
    """One row per run on screen (name, init, summary): both sides of the variance condition, at init."""
    rows = []
    for name, init, s in items:
        if s.depth < 2:
            continue
        rows.append(
            {
                "run": name,
                "n·Var(W) by definition": NOMINAL_NVAR[init],
                "n·Var(W) measured": sig(s.nvar),
                "E[f′(z)²] measured": sig(s.fprime_sq),
                "predicted factor": sig(s.predicted_factor),
                "measured factor": sig(s.layer_factor_init),
            }
        )
    return rows


def variance_latex(name: str, s: Summary) -> str | None:
    """The condition with the base run's numbers, or None when not measurable."""
    if s.depth < 2 or not all(map(math.isfinite, (s.nvar, s.fprime_sq, s.layer_factor_init))):
        return None
    return (
        rf"\text{{{name}: }}\sqrt{{{s.nvar:.3g}\times{s.fprime_sq:.3g}}} = {s.predicted_factor:.3g}"
        rf"\quad\text{{measured: }}{s.layer_factor_init:.3g}"
    )


# -- by hand ------------------------------------------------------------------------------------------

LINEAR_CHAIN_INTRO = "**Linear chain with 2×2 diagonal weights** (lecture notes): all weights equal *w*, input (1, 1), target 0."


def linear_chain_caption(depth: int, w: float, y_hat: float) -> str:
    """The target is 0, so the residual is itself a product of weights: say what the shown value scales as."""
    return (
        f"With target 0 the residual ŷ − y = 2{power('w', depth)} = {sci(y_hat)} is itself a product of the weights, "
        f"so the gradient goes as {power('w', 2 * depth - 1)}; the chain rule's own contribution is the factor "
        f"{power('w', depth - 1)}."
    )


SCALAR_CHAIN_INTRO = "**One neuron per layer** (Suresh 2016): every weight equal *w*, input 1, target 0."


def scalar_chain_caption(activation: str, chain) -> str:
    """What bounds the factors f′(a)·w for this activation, and what this chain (a `scalar_chain` table) measures."""
    largest, product = chain_factors(chain)
    n = len(chain)
    measured = (
        f"Largest |f′(a)·w| in this chain: {largest:.3g}; the product of the {n - 1} factors from layer 2 "
        f"to {n}: {sci(product)}."
    )
    if activation == "sigmoid":
        bound = "The sigmoid's f′ ≤ 1/4, so every factor is at most |w|/4: |w| < 4 guarantees vanishing."
    elif activation == "tanh":
        bound = (
            "tanh's f′ ≤ 1, so |w| < 1 guarantees vanishing; a larger |w| drives the unit into saturation, "
            "where f′ is small."
        )
    else:
        bound = (
            "ReLU's f′ is 1 where the unit is active and 0 where it is not, so an active chain multiplies "
            "w per layer, and one inactive layer stops the gradient entirely."
        )
    return f"{bound} {measured}"


# -- predict, then reveal -------------------------------------------------------------------------------






def phone_controls(configs) -> str:
    """On a phone the sidebar starts collapsed: say where the controls are and what the charts show now."""
    shown = "; ".join(
        f"{c.activation}, {c.init} init, {c.depth} hidden layers of {c.width}, {c.optimizer} at lr {c.lr:g}"
        for c in configs[:3]
    )
    more = f" and {len(configs) - 3} more runs" if len(configs) > 3 else ""
    return (
        "**The controls are in the sidebar:** tap **»** at the top left to choose the activation, "
        f"initialization, depth and training settings. The charts below show {shown}{more}."
    )
