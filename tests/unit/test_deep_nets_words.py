"""Every sentence true: the deep-nets verdicts, readouts and "What is going on" checked against the quantity
each names, recomputed here from the raw probe rows, over activations × inits × depths (1, 2, 6, 12, 20, 30).

The sweep trains on the bundled 8×8 digits with a small budget (width 16, one epoch of 23 steps), which is
enough to reach every regime: vanishing, healthy, exploding, diverged, one hidden layer, learned or not.
Assertions are about agreement between words and numbers, never about one machine's digits."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest

from gradviz import fmt
from gradviz.lessons.deep_nets import experiment as dn
from gradviz.lessons.deep_nets import words
from gradviz.lessons.deep_nets.closed_form import diagonal_chain_uniform, scalar_chain
from gradviz.lessons.deep_nets.summary import CHANCE, HUGE_GRADIENT, summarize
from gradviz.net_options import ACTIVATIONS, INITS

DEPTHS = (1, 2, 6, 12, 20, 30)
BUDGET = {"dataset": "digits", "width": 16, "epochs": 1, "batch": 64, "lr": 0.1}

NUM = r"([0-9.]+(?:e[+-]\d+)?)"


@pytest.fixture(scope="module")
def sweep() -> dict[dn.Config, object]:
    return {
        cfg: dn.run(cfg)
        for cfg in (
            dn.Config(activation=a, init=i, depth=d, **BUDGET)
            for a in ACTIVATIONS
            for i in INITS
            for d in DEPTHS
        )
    }


def _independent(result) -> dict[str, float]:
    """The named quantities, recomputed from the raw rows without the summary's code."""
    layers = result.tables["layers"]
    depth = result.meta["n_layers"] - 1
    back = layers[layers.quantity == "backprop_grad"]
    per_step = {}
    for step, rows in back.groupby("step"):
        v = rows.set_index("layer").value
        if depth > 1 and v[depth] > 0:
            per_step[step] = v[1] / v[depth]
    ratio = float(pd.Series(per_step).median()) if per_step else float("nan")
    grads = layers[layers.quantity == "weight_grad"].value
    evals = result.tables["training"]
    acc = evals[evals.quantity == "held_out_accuracy"].sort_values("step").value
    return {
        "ratio": ratio,
        "max_grad": float(grads.max()) if len(grads) else float("nan"),
        "accuracy": float(acc.iloc[-1]) if len(acc) else float("nan"),
        "depth": depth,
    }


def _no_placeholder(text: str) -> bool:
    bare = text.replace("NaN/inf", "")
    return not re.search(r"\bnan\b|\binf\b|n/a", bare, flags=re.IGNORECASE)


def check_run(cfg: dn.Config, result) -> list[str]:
    """Everything wrong with the words of one run (empty: all true)."""
    s = summarize(result)
    ref = _independent(result)
    kind, sentence = words.verdict(s)
    line = words.run_line(dn.label(cfg), s)
    paragraphs = words.going_on(dn.label(cfg), s, cfg.activation)
    problems = []

    def bad(msg):
        problems.append(f"{cfg.activation}/{cfg.init}/D={cfg.depth}: {msg} | {line}")

    d = ref["depth"]
    if result.diverged:
        if kind != "exploding" or f"step {result.meta['diverged_at']}" not in sentence:
            bad("a diverged run must be called exploding, with its step")
        if len(paragraphs) != 1 or "diverged" not in paragraphs[0]:
            bad("a diverged run's explanation must say what diverged and nothing else")
        if any(v != "—" for _, v, _ in words.readouts(s)[:3]):
            bad("a diverged run shows no gradient readouts")
        return problems
    if ref["max_grad"] > HUGE_GRADIENT:
        shown = float(re.search(r"reaches " + NUM, sentence).group(1))
        if kind != "exploding" or shown != pytest.approx(ref["max_grad"], rel=0.01):
            bad(f"huge gradients ({ref['max_grad']:.3g}) must be called exploding with their size")
    elif d == 1:
        if kind != "shallow" or any("^" in p for p in paragraphs):
            bad("one hidden layer has no product over layers")
    else:
        r = ref["ratio"]
        if s.back_ratio != pytest.approx(r, rel=1e-9):
            bad(f"summary ratio {s.back_ratio} != recomputed {r}")
        expected = (
            "vanishing"
            if r < words.VANISHING_BELOW
            else "exploding"
            if r > words.EXPLODING_ABOVE
            else "healthy"
        )
        if kind != expected:
            bad(f"verdict {kind} but ‖∂L/∂h₁‖/‖∂L/∂h_D‖ = {r:.3g}")
        if r == 0:
            if "exactly 0" not in sentence or "exactly 0" not in paragraphs[0]:
                bad("a zero gradient must be called exactly 0")
            return problems
        factor = float(re.search("×" + NUM + " per layer", sentence).group(1))
        if factor ** (d - 1) != pytest.approx(r, rel=0.03):
            bad(f"per-layer factor {factor}^{d - 1} does not give the ratio {r:.3g}")
        if kind in ("vanishing", "exploding"):
            shown = float(
                re.search(NUM + r"×? of the one|is " + NUM + "×", sentence).group(0).split()[0].rstrip("×")
            )
            if shown != pytest.approx(r, rel=0.06):
                bad(f"sentence shows {shown}, ratio is {r:.3g}")
        if f"= **{words.sci(r)}**" not in paragraphs[0]:
            bad("'What is going on' must state the same ratio as the verdict")
        if ("1/4" in " ".join(paragraphs)) != (cfg.activation == "sigmoid"):
            bad("the sigmoid's 1/4 bound only for the sigmoid")
    acc = ref["accuracy"]
    if acc < 2 * CHANCE:
        if "has not learned" not in line or f"{acc:.1%}" not in line:
            bad(f"accuracy {acc:.1%} is near chance and must be said")
        if "hardly changes" in line and not s.spread_last_end < words.COLLAPSED_BELOW * s.spread_first_end:
            bad("'hardly changes' without the measured collapse")
        if "layer 1's weights" in line and not s.update_first < words.STALLED_BELOW * s.update_last:
            bad("'layer 1's weights' lag without the measured lag")
        if "saturated" in line and not s.saturated_end > 0.5:
            bad("'saturated' without the measured saturation")
    elif "has not learned" in line:
        bad(f"says 'has not learned' at accuracy {acc:.1%}")
    if "every layer's gradient is small" in line:
        bad("the old unmeasured explanation")
    text = " ".join([line, *paragraphs, *(v for _, v, _ in words.readouts(s))])
    if not _no_placeholder(text):
        bad("nan/inf/n/a shown")
    return problems


def test_every_verdict_agrees_with_the_quantity_it_names(sweep):
    problems = [p for cfg, result in sweep.items() for p in check_run(cfg, result)]
    assert not problems, "\n".join(problems[:20])


def test_the_sweep_reaches_every_regime(sweep):
    """The words above were checked where it matters: every verdict kind occurs, and so do learners and not."""
    kinds = {words.verdict(summarize(r))[0] for r in sweep.values()}
    assert kinds == {"vanishing", "healthy", "exploding", "shallow"}
    assert any(r.diverged for r in sweep.values())
    accs = [summarize(r).accuracy for r in sweep.values() if not r.diverged]
    assert min(accs) < 2 * CHANCE < max(accs)


def test_per_layer_factor_is_finite_at_every_depth(sweep):
    for cfg, result in sweep.items():
        s = summarize(result)
        if cfg.depth > 1 and not result.diverged:
            assert 0 <= s.layer_factor < math.inf and s.back_ratio >= 0, (cfg, s.back_ratio)
            assert (s.layer_factor == 0) == (s.back_ratio == 0)


def test_variance_rows_only_for_runs_with_a_hidden_to_hidden_step(sweep):
    items = [
        (dn.label(c), c.init, summarize(r))
        for c, r in sweep.items()
        if c.activation == "relu" and c.init == "he"
    ]
    rows = words.variance_rows(items)
    assert len(rows) == len(DEPTHS) - 1  # depth 1 has none
    assert all(row["n·Var(W) by definition"] == "2" for row in rows)


# -- the by-hand chains at their controls' extremes ------------------------------------------------------


@pytest.mark.parametrize("depth", [2, 50, 60])
@pytest.mark.parametrize("w", [0.5, 0.9, 1.0, 1.5])
def test_linear_chain_caption_says_what_the_value_scales_as(depth, w):
    lin = diagonal_chain_uniform(depth, w)
    caption = words.linear_chain_caption(depth, w, lin["y_hat"])
    assert fmt.power("w", 2 * depth - 1) in caption and fmt.power("w", depth - 1) in caption
    # the shown gradient really is 2·w^(2L−1) (target 0, x = (1, 1))
    assert lin["grad"] == pytest.approx(2 * w ** (2 * depth - 1), rel=1e-9)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
@pytest.mark.parametrize("w", [-4.0, -1.0, 0.5, 1.0, 4.0])
def test_scalar_chain_caption_names_its_own_activations_bound(activation, w):
    chain = scalar_chain([w] * 50, activation)
    caption = words.scalar_chain_caption(activation, chain)
    assert ("|w| < 4 guarantees vanishing" in caption) == (activation == "sigmoid")
    assert ("|w| < 1 guarantees vanishing" in caption) == (activation == "tanh")
    largest = float(re.search(r"Largest \|f′\(a\)·w\| in this chain: " + NUM, caption).group(1))
    assert largest == pytest.approx(chain.factor.abs().max(), rel=5e-3, abs=1e-12)
    assert _no_placeholder(caption)


def test_update_caption_names_exactly_the_layers_that_did_not_move(sweep):
    for cfg, result in sweep.items():
        s = summarize(result)
        layers = result.tables["layers"]
        u = layers[layers.quantity == "update_ratio"].groupby("layer").value.median()
        frozen = [int(ell) for ell, v in u.items() if v == 0]
        assert list(s.frozen_layers) == frozen
        caption = words.update_caption({dn.label(cfg): s})
        assert ("did not change at all" in caption) == bool(frozen)
