"""Predict, then reveal: each section's question, with its options and answer, and an explanation whose
numbers are computed at the settings the question tells the student to use (so it says what the page
then shows). tests/unit/test_rnn_dynamics_words.py checks each answer against the page's own readouts."""

from __future__ import annotations

import functools
import math

from gradviz.fmt import sci_bounded
from gradviz.lessons.rnn_dynamics.cliffs import cliff_curves
from gradviz.lessons.rnn_dynamics.configs import ChainConfig, CliffConfig, ManyConfig, MapConfig, UnitConfig
from gradviz.lessons.rnn_dynamics.logistic import iterated_map
from gradviz.lessons.rnn_dynamics.many_units import many_units
from gradviz.lessons.rnn_dynamics.one_unit import unit_dynamics
from gradviz.lessons.rnn_dynamics.scalar_chain import scalar_chain

# the settings each question sends the student to (what the page shows after they follow it)
SETTINGS = {
    "chain": ChainConfig(w=1.1, T=50),  # the "exploding" preset
    "map": MapConfig(r=3.2),  # the "2-cycle" preset
    "unit": UnitConfig(w=2.0, b=0.0, T=20),  # the default
    "cliff": CliffConfig(),  # the default, then "b onto the cliff"
    "many": ManyConfig(rho=1.1),  # the "ρ = 1.1" preset
}
CLIFF_LR = 0.1  # the learning rate of the cliff question's one plain step
B_SLIDER = (-3.0, 3.0)  # the cliff section's b slider range

QUESTIONS: dict[str, dict] = {
    "chain": {
        "question": "With w = 1.1 and T = 50 (preset “exploding”) the linear unit's product is w^T = 1.1⁵⁰. "
        "What does the tanh unit give?",
        "options": ["more than the linear unit", "about the same", "far less than 1"],
        "answer": "far less than 1",
    },
    "map": {
        "question": "At r = 3.2 (preset “2-cycle”) the orbit settles on a 2-cycle. As n grows, |dxₙ/dx₀| will…",
        "options": ["grow", "shrink", "stay near 1"],
        "answer": "shrink",
    },
    "unit": {
        "question": "w = 2, b = 0, T = 20 (the default): at which start h_0 is |∂h_T/∂h_0| largest?",
        "options": ["near h_0 = ±1", "at h_0 = 0", "the same everywhere"],
        "answer": "at h_0 = 0",
    },
    "cliff": {
        "question": "From the default settings, press **b onto the cliff** (it sets b to the slider value on the "
        "cliff face) and take one plain gradient step with learning rate 0.1. What happens to b?",
        "options": [
            "a small careful step",
            "a giant step that throws b off the slider's range",
            "no step: the gradient is zero",
        ],
        "answer": "a giant step that throws b off the slider's range",
    },
    "many": {
        "question": "ρ = 1.1 (preset): linear units explode over T = 100 steps. With tanh units the same W gives…",
        "options": ["an even bigger number", "about the same", "a number of order 1 or less"],
        "answer": "a number of order 1 or less",
    },
}


def _chain() -> str:
    m = scalar_chain(SETTINGS["chain"]).meta
    return (
        f"Each factor is w(1 − h_t²) ≤ w. The state settles near h ≈ {m['h_T']:.2f}, so the factors' geometric mean "
        f"is {m['tanh_mean_factor']:.2f} and fifty of them multiply to {sci_bounded(m['tanh'])}, against "
        f"{sci_bounded(m['linear'])} for the linear unit: the squashing forward pass makes it vanish."
    )


def _map() -> str:
    m = iterated_map(SETTINGS["map"]).meta
    r = SETTINGS["map"].r
    mu = -(r**2) + 2 * r + 4
    return (
        f"The 2-cycle's multiplier is −r² + 2r + 4 = {mu:.2f}, so λ = ½ ln {mu:.2f} = {0.5 * math.log(abs(mu)):.2f} "
        f"(measured: {m['lyapunov']:.3f}): each step divides the sensitivity by about {math.exp(-m['lyapunov']):.1f}."
    )


def _unit() -> str:
    cfg = SETTINGS["unit"]
    m = unit_dynamics(cfg).meta
    return (
        f"0 is the repelling fixed point, with f′(0) = w = {cfg.w:g}, so the product there is {cfg.w:g}^{cfg.T} = "
        f"{sci_bounded(m['max_derivative'])} (largest at h_0 = {m['argmax_h0']:.3f}), while the median start, "
        f"inside a basin, gives {sci_bounded(m['median_derivative'])}."
    )


def _cliff() -> str:
    cfg = SETTINGS["cliff"]
    on = cliff_curves(cfg).meta["b_slider_on_cliff"]
    m = cliff_curves(CliffConfig(w=cfg.w, b=on, T=cfg.T, target=cfg.target, h0=cfg.h0)).meta
    step = CLIFF_LR * abs(m["grad_b"])
    lands = on - CLIFF_LR * m["grad_b"]
    return (
        f"At b = {on:g}, on the face of the cliff at b* ≈ {m['b_boundary']:.4f}, |∂L/∂b| = {abs(m['grad_b']):.3g}, so one "
        f"step moves b by {CLIFF_LR:g} × {abs(m['grad_b']):.3g} = {step:.3g}, to b = {lands:.2f}, off the slider's "
        f"range ({B_SLIDER[0]:g}, {B_SLIDER[1]:g}) and onto a plateau where the gradient is tiny. Raise T and the face "
        "gets steeper and thinner. Clipping the gradient's norm is the fix the next lesson teaches."
    )


CHAOS = ManyConfig(rho=1.5, T=200, activation="tanh", seed=36)  # a seed whose tanh product explodes there


def _many() -> str:
    m = many_units(SETTINGS["many"]).meta
    chaos = many_units(CHAOS).meta
    return (
        f"Here linear units give {sci_bounded(m['gain_linear'])} and tanh units {sci_bounded(m['gain_tanh'])}. Not "
        f"because the backward pass saturates (it is linear): the tanh net's state grows until its mean slope "
        f"⟨tanh′⟩ = {m['mean_tanh_slope']:.3f} offsets ρ, ρ⟨tanh′⟩ = {m['effective_gain']:.3f}, and over the second "
        "half of the run the product hardly grows or shrinks. At larger ρ the tanh net's product can explode "
        f"(chaos, Sompolinsky et al. 1988): ρ = {CHAOS.rho:g}, T = {CHAOS.T}, seed {CHAOS.seed} gives "
        f"{sci_bounded(chaos['gain_tanh'])}."
    )


_EXPLAIN = {"chain": _chain, "map": _map, "unit": _unit, "cliff": _cliff, "many": _many}


@functools.cache
def question(section: str) -> dict:
    """The section's question with its explanation computed at the question's settings (once per process)."""
    return {**QUESTIONS[section], "explanation": _EXPLAIN[section]()}
