"""The LSTM lesson's sentences against the quantities they name, recomputed independently (issue 17): growth is
called growth, the hidden state is compared with the cell by per-step rate, the IRNN's gain is its ReLU mask,
the direct-path factor is named as such beside the measured rate, the input-gradient ratio is taken at the marked
positions and the causal sentence follows the outcomes, the traced units' latching is said, and the forget-bias
trick shows seeds 0–2 (or says which are missing). Reach configs sweep T, b_f and the width; the learning
sentences are checked on small live runs of both tasks and on tables built to hit each branch."""

from __future__ import annotations

import inspect
import math

import numpy as np
import pandas as pd
import pytest
import torch

from gradviz import fmt, tasks
from gradviz.lessons.lstm import configs, learn, reach, words
from gradviz.lessons.lstm import experiment as exp
from gradviz.lessons.lstm.nets import SequenceModel
from gradviz.results import Result

# -- section 2: reach, across T, b_f and width ------------------------------------------------------------

REACH_SWEEP = [
    configs.ReachConfig(T=5),
    configs.ReachConfig(T=200),  # the issue's case: the cell/hidden ratio levels off
    configs.ReachConfig(T=400, forget_bias=5.0, hidden=64),  # both LSTM gains grow
    configs.ReachConfig(T=100, forget_bias=3.0),  # the cell grows (1.78), the hidden state shrinks
    configs.ReachConfig(forget_bias=-2.0),
    configs.ReachConfig(forget_bias=0.0, hidden=8),
    configs.ReachConfig(T=400, forget_bias=-2.0, hidden=8),  # underflow
]


def _gains(curves: pd.DataFrame, T: int) -> dict[tuple[str, str], float]:
    at = curves[curves["distance"] == T].set_index(["model", "quantity"])["value"]
    return {k: float(v) for k, v in at.items()}


def _rate(curves: pd.DataFrame, model: str, q: str, d0: int, d1: int) -> float:
    c = curves[(curves["model"] == model) & (curves["quantity"] == q)].set_index("distance")["value"]
    a, b = float(c.loc[d0]), float(c.loc[d1])
    return math.exp((math.log(b) - math.log(a)) / (d1 - d0)) if a > 0 and b > 0 else math.nan


@pytest.fixture(scope="module", params=REACH_SWEEP, ids=lambda c: f"T{c.T}-bf{c.forget_bias:g}-H{c.hidden}")
def reached(request):
    cfg = request.param
    return cfg, reach.measure(cfg)


def test_growth_is_called_growth(reached):
    cfg, res = reached
    c, m = res.tables["curves"], res.meta
    verdict, bias = words.reach_verdict(c, m), words.forget_bias_text(c, m)
    g = _gains(c, cfg.T)
    labels = {
        ("rnn", "dh"): "tanh RNN ‖∂h_T/∂h_0‖",
        ("irnn", "dh"): "IRNN ‖∂h_T/∂h_0‖",
        ("lstm", "dc"): "LSTM cell ‖∂c_T/∂c_0‖",
        ("lstm", "dh"): "LSTM ‖∂h_T/∂h_0‖",
    }
    for key, label in labels.items():
        grew = g[key] > 1 + 1e-9
        assert (f"{label} = {fmt.sci_underflow(g[key])} (grew)" in verdict) == grew
    top_key = max(labels, key=lambda k: g[k])
    top = labels[top_key].split(" ‖")[0]
    if g[top_key] > 1 + 1e-9:
        assert f"The largest gain is through the **{top}**, and it is **above 1**" in verdict
        assert "**exploding**" in verdict and "reaches furthest" not in verdict
    else:
        assert f"reaches furthest through the **{top}**" in verdict
    assert "still shrink" not in verdict
    assert ("**grew**" in bias) == (g[("lstm", "dc")] > 1 + 1e-9)
    readouts = dict((label, help_) for label, _, help_ in words.reach_readouts(c, m))
    assert ("above 1" in readouts["LSTM ‖∂c_T/∂c_0‖"]) == (g[("lstm", "dc")] > 1 + 1e-9)


def test_hidden_state_is_compared_with_the_cell_by_per_step_rate(reached):
    cfg, res = reached
    c, m = res.tables["curves"], res.meta
    verdict = words.reach_verdict(c, m)
    d0, d1 = cfg.T // 2, cfg.T
    rh, rc = _rate(c, "lstm", "dh", d0, d1), _rate(c, "lstm", "dc", d0, d1)
    if math.isnan(rh) or math.isnan(rc):
        assert "Per step" not in verdict
        return
    assert f"changes by a factor {rh:.3f} and the cell's by {rc:.3f}" in verdict
    assert ("**the same rate**" in verdict) == (abs(rh - rc) <= words.RATE_TOL)
    assert ("shrink faster per step" in verdict) == (rh < rc - words.RATE_TOL)


def test_the_issue_case_levels_off():
    """T = 200, b_f = 1: ‖∂c/∂c‖ / ‖∂h/∂h‖ levels off with distance, so the page must say 'the same rate'."""
    res = reach.measure(configs.ReachConfig(T=200))
    c = res.tables["curves"]
    ratio = {
        d: words.gain_at(c, "lstm", "dc", d) / words.gain_at(c, "lstm", "dh", d) for d in (100, 150, 200)
    }
    assert max(ratio.values()) / min(ratio.values()) < 2  # levels off (3.6 at d = 1 … ~8 beyond d = 50)
    assert "**the same rate**" in words.reach_verdict(c, res.meta)


def test_irnn_gain_is_the_relu_mask(reached):
    cfg, res = reached
    c, m = res.tables["curves"], res.meta
    # independently: the fused nn.RNN on the same sequence; a unit active at every step passes gain 1
    net = reach._model("irnn", cfg)
    with torch.no_grad():
        out, _ = net.rnn(reach._one_sequence(cfg)[:1])  # (1, T, H)
    n_on = int((out[0] > 0).all(dim=0).sum())
    assert m["irnn_always_active"] == n_on
    g = words.gain_at(c, "irnn", "dh", cfg.T)
    assert g == (1.0 if n_on else 0.0) or abs(g - 1.0) < 1e-12
    verdict = words.reach_verdict(c, m)
    assert f"here {n_on} of {cfg.hidden} units are active at all {cfg.T} steps" in verdict
    assert "necessary for a long reach, not sufficient" in verdict


def test_direct_path_factor_named_beside_the_measured_rate(reached):
    cfg, res = reached
    c, m = res.tables["curves"], res.meta
    bias = words.forget_bias_text(c, m)
    sigma = 1 / (1 + math.exp(-cfg.forget_bias))
    n = math.log(0.5) / math.log(sigma)
    assert "the direct-path factor σ(b_f)ⁿ halves every" in bias and "the cell halves" not in bias
    assert f"halves every {n:.3g}" in bias
    assert ("of a step (less than one step)" in words.half_life_text(sigma)) == (n < 1)
    dc = words.gain_at(c, "lstm", "dc", cfg.T)
    if dc > 0:
        rate = dc ** (1 / cfg.T)
        assert f"‖∂c_T/∂c_0‖^(1/{cfg.T}) = {rate:.3f} per step" in bias
        assert ("**grows**, doubling every" in bias) == (rate > 1 + 1e-9)
    else:
        assert "not measurable" in bias


def test_configs_comment_half_life():
    src = inspect.getsource(configs)
    n = math.log(0.5) / math.log(reach.sigmoid(3.0))
    assert f"{n:.1f}" == "14.3" and "14.3 steps" in src and "about 13" not in src


# -- section 3: the tasks' text, the marked-position gradients, the causal sentence ------------------------


def test_task_text_cites_the_version_used():
    adding = words.task_text("adding", 50, 1 / 6)
    assert "Le, Jaitly & Hinton (2015)'s version" in adding and "0.5 + (x₁ + x₂)/4" in adding
    order = words.task_text("order", 50, math.log(4))
    assert "start symbol E" in order and "trigger symbol B" in order
    x, _ = tasks.temporal_order(8, 50, torch.Generator().manual_seed(0))
    assert (x[:, 0].argmax(1) == tasks.ORDER_SYMBOLS.index("E")).all()
    assert (x[:, -1].argmax(1) == tasks.ORDER_SYMBOLS.index("B")).all()


@pytest.mark.parametrize("task", ["adding", "order"])
@pytest.mark.parametrize("kind", ["rnn", "irnn", "lstm"])
def test_mark_gradients_match_per_sequence_autograd(task, kind):
    t = learn.TASKS[task]
    x, y = t.make(6, 20, torch.Generator().manual_seed(2))
    marked = tasks.marked_positions(task, x)
    model = SequenceModel(kind, t.n_in, 8, t.n_out, torch.Generator().manual_seed(3), 1.0)
    profile, (first, second) = learn.input_gradients(model, t, x, y, marked)
    ones, twos, full = [], [], []
    for n in range(x.shape[0]):
        xn = x[n : n + 1].clone().requires_grad_(True)
        (g,) = torch.autograd.grad(t.loss(model(xn), y[n : n + 1]), xn)
        norms = g[0].double().norm(dim=1)  # (T,)
        t1, t2 = torch.nonzero(marked[n])[:, 0].tolist()
        assert (
            0 < t1 < t2 < x.shape[1] - 1 or task == "adding"
        )  # order: never the start or the trigger symbol
        ones.append(float(norms[t1]))
        twos.append(float(norms[t2]))
        full.append(norms.numpy())
    assert first == pytest.approx(np.mean(ones), rel=1e-5)
    assert second == pytest.approx(np.mean(twos), rel=1e-5)
    np.testing.assert_allclose(profile, np.mean(full, axis=0), rtol=1e-5)


def _tables(init: dict, trained: dict, finals: dict, base: float = 1 / 6):
    rows = []
    for phase, ratios in (("init", init), ("trained", trained)):
        for k, r in ratios.items():
            rows += [(k, phase, "first", r * 1e-3), (k, phase, "second", 1e-3)]
    mark = pd.DataFrame(rows, columns=["model", "phase", "mark", "value"])
    summary = pd.DataFrame(
        [(k, "final_loss", v) for k, v in finals.items()], columns=["model", "quantity", "value"]
    )
    return mark, summary, base


def test_causal_sentence_follows_the_outcomes():
    # the issue's adding-problem numbers: LSTM 3.9e-05 at init learns, IRNN 1.02 fails
    mark, summary, base = _tables({"irnn": 1.02, "lstm": 3.9e-5}, {"irnn": 7.6e-7, "lstm": 0.9},
                                  {"irnn": 1.06 / 6, "lstm": 0.001})  # fmt: skip
    text = words.input_grad_text(mark, summary, base, ("irnn", "lstm"))
    assert "did **not** decide" in text and "IRNN started with 1.02e+00" in text
    assert "gets almost no signal" not in text
    assert "LSTM respond" in text and "IRNN barely feels" in text
    mark, summary, base = _tables(
        {"rnn": 1e-6, "lstm": 0.3}, {"rnn": 1e-6, "lstm": 0.9}, {"rnn": 0.16, "lstm": 1e-3}
    )
    assert "consistent with (not proof of)" in words.input_grad_text(mark, summary, base, ("rnn", "lstm"))
    mark, summary, base = _tables(
        {"irnn": 1.0, "lstm": 1e-4}, {"irnn": 0.9, "lstm": 0.9}, {"irnn": 1e-3, "lstm": 1e-3}
    )
    assert "cannot be compared" in words.input_grad_text(mark, summary, base, ("irnn", "lstm"))


def test_irnn_text_is_regime_and_measured_collapse():
    cfg = configs.LearnConfig()
    mark, summary, base = _tables({"irnn": 1.02}, {"irnn": 7.6e-7}, {"irnn": 1.06 / 6})
    text = words.irnn_text(summary, mark, base, cfg)
    assert "necessary, not sufficient" in text and "Adam, lr 0.02, 600 steps" in text
    assert "Training collapsed its reach" in text and "1.02e+00" in text and "7.60e-07" in text
    mark, summary, base = _tables({"irnn": 0.5}, {"irnn": 0.9}, {"irnn": 1.06 / 6})
    assert "did not collapse" in words.irnn_text(summary, mark, base, cfg)
    mark, summary, base = _tables({"irnn": 0.5}, {"irnn": 0.9}, {"irnn": 1e-3})
    assert "solved it here" in words.irnn_text(summary, mark, base, cfg)
    assert words.irnn_text(summary, mark, base, configs.LearnConfig(models="rnn+lstm")) == ""


@pytest.fixture(scope="module", params=["adding", "order"])
def small(request):
    cfg = configs.LearnConfig(task=request.param, T=12, steps=30, seed=1)
    return cfg, learn.train_models(cfg)


def test_ratios_on_a_live_run(small):
    cfg, res = small
    t, base = res.tables, res.meta["baseline"]
    text = words.input_grad_text(t["mark_grads"], t["summary"], base, cfg.kinds)
    m = t["mark_grads"].set_index(["model", "phase", "mark"])["value"]
    for k in cfg.kinds:
        for phase in ("init", "trained"):
            r = m[(k, phase, "first")] / m[(k, phase, "second")]
            assert fmt.sci_underflow(r, "float32") in text
    assert "x_0" not in text and "x_(T−1)" not in text


def test_inside_text_says_whether_units_latch(small):
    cfg, res = small
    t = res.tables
    text = words.inside_text(t["inside"], t["example"], res.meta["runs"]["lstm"], cfg.task)
    marks = t["example"].loc[t["example"]["marked"], "t"].tolist()
    n_latch = 0
    for u in dict.fromkeys(t["inside"]["unit"]):
        q = t["inside"][t["inside"]["unit"] == u].pivot(index="t", columns="quantity", values="value")
        i_at, i_else = q.loc[marks, "i"].mean(), q.drop(index=marks)["i"].mean()
        held = float(np.prod(q.loc[marks[0] + 1 :, "f"].to_numpy()))
        n_latch += bool(i_at - i_else >= 0.2 and held >= 0.5)
        if u == t["inside"]["unit"].iloc[0]:
            first_latches = i_at - i_else >= 0.2 and held >= 0.5
    assert ("**latches**" in text) == first_latches and ("**does not latch**" in text) != first_latches
    assert f"{n_latch} latch" in text and "not by whether they latch" in text


def test_inside_text_on_a_built_latching_unit():
    T, marks = 10, [2, 7]
    rows = []
    for u, (i_mark, i_else, f) in {5: (0.9, 0.1, 1.0), 6: (0.74, 0.70, 0.5)}.items():
        for t in range(T):
            vals = {"i": i_mark if t in marks else i_else, "f": f, "o": 0.5, "g": 0.5, "c": 0.3}
            rows += [(t, u, q, v) for q, v in vals.items()]
    inside = pd.DataFrame(rows, columns=["t", "unit", "quantity", "value"])
    example = pd.DataFrame({"t": range(T), "marked": [t in marks for t in range(T)]})
    meta = {
        "inside_correlations": [0.9, 0.1],
        "inside_sequences": 256,
        "example_target": 1.0,
        "example_prediction": 1.0,
    }
    text = words.inside_text(inside, example, meta, "adding")
    assert "Unit 5 **latches**" in text and "1 latches" in text
    flipped = inside.assign(unit=inside["unit"].map({5: 6, 6: 5}))  # now the non-latching unit comes first
    text = words.inside_text(flipped.sort_values("unit", key=lambda u: u != 5), example, meta, "adding")
    assert "**does not latch**" in text and "0.74 vs 0.70 elsewhere" in text


# -- the forget-bias trick: seeds 0–2 ------------------------------------------------------------------------


def test_forget_trick_runs_are_presets_and_the_lstm_alone_is_the_same_lstm():
    for b in configs.FORGET_TRICK_BIASES:
        for s in configs.FORGET_TRICK_SEEDS:
            cfg = configs.forget_trick_config(b, s)
            assert cfg in exp.PRESETS.values() and (cfg.forget_bias, cfg.seed, cfg.task) == (b, s, "adding")
    # seed 0 reuses the all-models presets: training the LSTM alone gives the same LSTM
    alone = learn.train_models(configs.LearnConfig(T=12, steps=20, models="lstm"))
    both = learn.train_models(configs.LearnConfig(T=12, steps=20, models="rnn+lstm"))
    a, b = (
        r.tables["summary"].set_index(["model", "quantity"]).loc[("lstm", "final_loss"), "value"]
        for r in (alone, both)
    )
    assert a == pytest.approx(b, rel=1e-5)


def test_forget_trick_text_lists_every_seed_and_says_what_is_missing():
    def fake(final: float, solved: float) -> Result:
        s = pd.DataFrame(
            [("lstm", "final_loss", final), ("lstm", "solved_at", solved)],
            columns=["model", "quantity", "value"],
        )
        return Result(tables={"summary": s}, meta={"baseline": 1 / 6})

    learn_runs = [
        (configs.forget_trick_config(0.0, 0), fake(0.0095, math.nan)),
        (configs.forget_trick_config(0.0, 1), fake(0.002, 450.0)),
        (configs.forget_trick_config(1.0, 0), fake(0.001, 400.0)),
    ]
    text = words.forget_trick_text([], learn_runs, [(0.0, 2), (1.0, 1), (1.0, 2)])
    assert "seed 0: 9.50e-03 = 5.7% of the baseline, never below 1/20" in text
    assert (
        "Solved (≤ 1/20 of the baseline) in 1 of 2" in text
        and "Solved (≤ 1/20 of the baseline) in 1 of 1" in text
    )
    assert "not precomputed yet" in text and "b_f = 0 seed 2" in text
    assert "not precomputed" not in words.forget_trick_text([], learn_runs, [])
    # the reach presets: a gain above 1 (b_f = 3 at T = 100 measures 1.78) is called growth
    reach_runs = [(c, reach.measure(c)) for c in configs.REACH_PRESETS.values()]
    text = words.forget_trick_text(reach_runs, [], [])
    for c, res in reach_runs:
        dc = words.gain_at(res.tables["curves"], "lstm", "dc", c.T)
        line = next(x for x in text.splitlines() if x.startswith(f"- at init, b_f = {c.forget_bias:g}:"))
        assert ("**grew**" in line) == (dc > 1 + 1e-9)
