"""The deep-nets lesson's predict-then-reveal questions, each answered from the runs on screen."""

from __future__ import annotations

import math

from gradviz.fmt import power, sci, sig
from gradviz.lessons.deep_nets.summary import Summary


def depth_question(shallow: Summary, deep: Summary) -> tuple[str, list[str], str, str]:
    """(question, options, answer, explanation) for doubling a sigmoid net's depth. The answer is the option
    closest (on a log scale) to what the deeper run measures."""
    d1, d2 = shallow.depth, deep.depth
    r1, r2, f = shallow.back_ratio, deep.back_ratio, shallow.layer_factor
    options = {
        f"about {sci(r1 / 2, 0)} (halved)": r1 / 2,
        f"about {sci(f ** (d2 - 1), 0)} (the per-layer factor {f:.2g}, now {d2 - 1} times)": f ** (d2 - 1),
        "about the same": r1,
    }
    answer = min(options, key=lambda k: abs(math.log10(options[k]) - math.log10(r2)))
    question = (
        f"Double a sigmoid net from {d1} to {d2} hidden layers (default init). The gradient reaching layer 1 is "
        f"{sci(r1, 1)} of the one reaching layer {d1} ({d1 - 1} steps of about ×{f:.2g}). At depth {d2} it becomes:"
    )
    explanation = (
        f"Each hidden-to-hidden step multiplies the gradient by a similar factor, so {d2 - 1} steps give the factor's "
        f"{d2 - 1}th power. The {d2}-layer run measures {sci(r2, 1)} (×{deep.layer_factor:.2g} per layer)."
    )
    return question, list(options), answer, explanation


def init_question(glorot: Summary, he: Summary) -> tuple[str, list[str], str, str]:
    """(question, options, answer, explanation) on the variance condition for 30 ReLU layers. The answer is the
    option closest to the per-layer factor the Glorot run measures at initialization."""
    options = {
        "about 1: Glorot's init was designed to keep it level": 1.0,
        "about 0.71 = √½: ReLU zeroes half the slopes, E[f′²] = 1/2": math.sqrt(0.5),
        "about 0.25, as for the sigmoid": 0.25,
    }
    measured = glorot.layer_factor_init
    answer = min(options, key=lambda k: abs(math.log(options[k]) - math.log(measured)))
    d = glorot.depth
    question = (
        f"A {d}-layer ReLU net (the other settings at their defaults) starts with Glorot's initialization, "
        "n·Var(W) = 1 for its square hidden layers. "
        "At initialization, each hidden-to-hidden step multiplies the gradient's norm by:"
    )
    explanation = (
        f"√(n·Var(W)·E[f′²]) = √({glorot.nvar:.3g} × {glorot.fprime_sq:.3g}) = {glorot.predicted_factor:.3g}; the run "
        f"measures {sig(measured, 4)}, so over {d - 1} steps {power(sig(measured, 4), d - 1)} = "
        f"{sci(glorot.back_ratio_init, 1)}. He's 2/n doubles n·Var(W): √({he.nvar:.3g} × {he.fprime_sq:.3g}) = "
        f"{he.predicted_factor:.3g}, measured {he.layer_factor_init:.3g}. That is He et al.'s (2015) point: "
        f"with He's init this net reaches {he.accuracy:.1%} held-out accuracy here, with Glorot's {glorot.accuracy:.1%}."
    )
    return question, list(options), answer, explanation
