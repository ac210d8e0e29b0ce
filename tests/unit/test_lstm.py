"""The LSTM lesson against references: the by-hand cell vs torch.nn.LSTMCell, the forget-bias slice of
PyTorch's (i, f, g, o) layout, the cell-path gradient vs the product of forget gates, the IRNN's init vs
Le et al. (2015), the reach curves vs finite differences, the tasks' baselines, every chart through
to_dict(), the words at the controls' extremes, and the default result's regime (bands, not digits)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from torch import nn

from gradviz import tasks
from gradviz.lessons.lstm import cell, charts, configs, learn, questions, reach, words
from gradviz.lessons.lstm.nets import SequenceModel, forget_bias, lstm_gate_slice, set_forget_bias
from gradviz.lessons.lstm.unroll import lstm_unroll, rnn_unroll

ROOT = Path(__file__).resolve().parents[2]


# -- the cell -------------------------------------------------------------------------------------------------


def test_by_hand_cell_matches_torch_lstmcell():
    gen = torch.Generator().manual_seed(3)
    torch_cell = nn.LSTMCell(5, 7, dtype=torch.float64)
    with torch.no_grad():
        for p in torch_cell.parameters():
            p.normal_(0, 0.7, generator=gen)
    x = torch.randn(4, 5, generator=gen, dtype=torch.float64)
    h0, c0 = (
        torch.randn(4, 7, generator=gen, dtype=torch.float64),
        torch.randn(4, 7, generator=gen, dtype=torch.float64),
    )
    h_ref, c_ref = torch_cell(x, (h0, c0))
    p = {k: v.detach().numpy() for k, v in torch_cell.named_parameters()}
    h, c, gates = cell.lstm_cell(
        x.numpy(), h0.numpy(), c0.numpy(), p["weight_ih"], p["weight_hh"], p["bias_ih"], p["bias_hh"]
    )
    np.testing.assert_allclose(h, h_ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(c, c_ref.detach().numpy(), rtol=1e-12, atol=1e-12)
    assert set(gates) == {"i", "f", "g", "o"}


def test_gated_update_and_its_derivatives():
    s = cell.gated_update(i=0.3, f=0.8, o=0.6, g=-0.4, c_prev=1.5)
    assert s.c == pytest.approx(0.8 * 1.5 + 0.3 * -0.4)
    assert s.h == pytest.approx(0.6 * math.tanh(s.c))
    # ∂c/∂c_prev and ∂h/∂c_prev against autograd
    c_prev = torch.tensor(1.5, dtype=torch.float64, requires_grad=True)
    c = 0.8 * c_prev + 0.3 * -0.4
    h = 0.6 * torch.tanh(c)
    (dc,) = torch.autograd.grad(c, c_prev, retain_graph=True)
    (dh,) = torch.autograd.grad(h, c_prev)
    assert s.dc_dcprev == pytest.approx(float(dc)) and s.dh_dcprev == pytest.approx(float(dh))


@pytest.mark.parametrize(("i", "f", "name"), [(0, 1, "remember"), (1, 1, "add"), (0, 0, "erase"), (1, 0, "overwrite"),
                                              (0.2, 0.9, "remember"), (0.5, 0.5, "add")])  # fmt: skip
def test_regimes(i, f, name):
    got, exact = cell.regime(i, f)
    assert got == name and exact == (i in (0, 1) and f in (0, 1))
    corners = cell.regime_corners(i, f)
    assert corners["current"].sum() == 1 and corners.loc[corners["current"], "regime"].item() == name


# -- the forget-gate bias in PyTorch's layout -----------------------------------------------------------------


@pytest.mark.parametrize("module", [nn.LSTM(3, 6), nn.LSTMCell(3, 6)])
def test_forget_bias_lands_on_the_forget_slice_of_both_biases(module):
    before = {k: v.detach().clone() for k, v in module.named_parameters()}
    set_forget_bias(module, 2.5)
    f = lstm_gate_slice(6, "f")
    assert f == slice(6, 12)
    assert torch.allclose(forget_bias(module), torch.full((6,), 2.5))
    for name, p in module.named_parameters():
        other = torch.ones(24, dtype=torch.bool)
        other[f] = False
        if "bias" in name:  # the other three gates' biases are untouched
            assert torch.equal(p.detach()[other], before[name][other])
    # behaviour: with zero weights and zero other biases, x = 0, h = 0, c_prev = 1, the new cell is σ(b_f)
    cellmod = nn.LSTMCell(3, 6, dtype=torch.float64)
    with torch.no_grad():
        for p in cellmod.parameters():
            p.zero_()
    set_forget_bias(cellmod, 2.5)
    _, c = cellmod(
        torch.zeros(1, 3, dtype=torch.float64),
        (torch.zeros(1, 6, dtype=torch.float64), torch.ones(1, 6, dtype=torch.float64)),
    )
    assert torch.allclose(c, torch.full((1, 6), 1 / (1 + math.exp(-2.5)), dtype=torch.float64))


def test_sequence_models_are_what_they_claim():
    gen = lambda: torch.Generator().manual_seed(0)  # noqa: E731
    irnn = SequenceModel("irnn", 2, 64, 1, gen())
    assert irnn.rnn.nonlinearity == "relu"
    assert torch.equal(irnn.rnn.weight_hh_l0, torch.eye(64))
    assert not irnn.rnn.bias_ih_l0.any() and not irnn.rnn.bias_hh_l0.any()
    assert float(irnn.rnn.weight_ih_l0.detach().std()) == pytest.approx(0.001, rel=0.3)
    rnn = SequenceModel("rnn", 2, 64, 1, gen())
    assert rnn.rnn.nonlinearity == "tanh" and float(rnn.rnn.weight_hh_l0.detach().abs().max()) <= 1 / 8
    lstm = SequenceModel("lstm", 2, 16, 1, gen(), forget_bias=1.0)
    assert torch.allclose(forget_bias(lstm.rnn), torch.ones(16))
    with pytest.raises(ValueError):
        SequenceModel("gru", 2, 4, 1, gen())


def test_unrolls_reproduce_the_fused_modules():
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(3, 9, 2, generator=gen)
    for kind in ("rnn", "irnn"):
        m = SequenceModel(kind, 2, 5, 1, torch.Generator().manual_seed(2))
        hs = rnn_unroll(m.rnn, x, torch.zeros(3, 5))
        torch.testing.assert_close(torch.stack(hs[1:], dim=1), m.states(x))
    m = SequenceModel("lstm", 2, 5, 1, torch.Generator().manual_seed(2))
    run = lstm_unroll(m.rnn, x, torch.zeros(3, 5), torch.zeros(3, 5))
    torch.testing.assert_close(torch.stack(run["h"][1:], dim=1), m.states(x))


# -- the reach measurement ----------------------------------------------------------------------------------


def test_cell_path_gradient_is_the_product_of_forget_gates():
    cfg = configs.ReachConfig(T=12, forget_bias=0.5, hidden=6, seed=4)
    m = SequenceModel("lstm", 2, 6, 1, torch.Generator().manual_seed(5), 0.5).double()
    x = reach._one_sequence(cfg)
    run = lstm_unroll(m.rnn, x, reach._zeros(cfg), reach._zeros(cfg), detach_gates=True)
    c = run["c"]
    grads = torch.autograd.grad(c[-1].diagonal().sum(), c, allow_unused=True)
    f = torch.stack(run["f"])[:, 0].detach()  # (T, H)
    for t in range(cfg.T + 1):
        expected = torch.diag(f[t:].prod(dim=0))  # ∂c_T/∂c_t = diag(Π_{k>t} f_k)
        torch.testing.assert_close(grads[t], expected)
    res = reach.measure(cfg).tables["curves"]
    a = res[res["quantity"] == "dc_cell"].sort_values("distance")["value"].to_numpy()
    b = res[res["quantity"] == "forget_product"].sort_values("distance")["value"].to_numpy()
    np.testing.assert_allclose(a, b, rtol=1e-10)


def test_reach_curve_matches_finite_differences():
    cfg = configs.ReachConfig(T=6, forget_bias=1.0, hidden=4, seed=2)
    for kind in ("rnn", "lstm"):
        m = SequenceModel(kind, 2, 4, 1, torch.Generator().manual_seed(cfg.seed + 1), 1.0).double()
        x = reach._one_sequence(cfg)[:1]

        def last(h0: torch.Tensor, m=m, x=x, kind=kind) -> torch.Tensor:
            if kind == "rnn":
                return rnn_unroll(m.rnn, x, h0)[-1][0]
            return lstm_unroll(m.rnn, x, h0, torch.zeros(1, 4, dtype=torch.float64))["h"][-1][0]

        eps, h0 = 1e-6, torch.zeros(1, 4, dtype=torch.float64)
        with torch.no_grad():
            cols = [
                (
                    last(h0 + eps * torch.eye(4, dtype=torch.float64)[j])
                    - last(h0 - eps * torch.eye(4, dtype=torch.float64)[j])
                )
                / (2 * eps)
                for j in range(4)
            ]
        fd = float(torch.linalg.matrix_norm(torch.stack(cols, dim=1), ord=2))
        curves = reach.measure(cfg).tables["curves"]
        assert words.gain_at(curves, kind, "dh", cfg.T) == pytest.approx(fd, rel=1e-6)


def test_irnn_passes_the_gradient_unchanged_at_init_and_readouts():
    res = reach.measure(configs.ReachConfig(T=30, forget_bias=1.0, hidden=8))
    c = res.tables["curves"]
    assert words.gain_at(c, "irnn", "dh", 30) == pytest.approx(1.0)  # W = I, active ReLUs: identity Jacobian
    assert words.gain_at(c, "rnn", "dh", 30) < 1e-2
    m = res.meta
    assert m["retention"] == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert m["half_life"] == pytest.approx(math.log(0.5) / math.log(m["retention"]))
    assert abs(m["mean_forget"] - m["retention"]) < 0.1


# -- tasks ----------------------------------------------------------------------------------------------------


def test_temporal_order_task_and_its_baseline():
    x, y = tasks.temporal_order(4000, 100, torch.Generator().manual_seed(0))
    assert x.shape == (4000, 100, 8) and torch.all(x.sum(dim=2) == 1)
    sym = x.argmax(dim=2)
    assert torch.all(sym[:, 0] == tasks.ORDER_SYMBOLS.index("E")) and torch.all(
        sym[:, -1] == tasks.ORDER_SYMBOLS.index("B")
    )
    marked = tasks.marked_positions("order", x)
    assert torch.all(marked.sum(dim=1) == 2)
    pos = torch.nonzero(marked)[:, 1].reshape(-1, 2)
    assert pos[:, 0].min() >= 10 and pos[:, 0].max() <= 20 and pos[:, 1].min() >= 50 and pos[:, 1].max() <= 60
    first, second = sym[marked].reshape(-1, 2).T - 4  # 0 = X, 1 = Y
    assert torch.equal(y, 2 * first + second)
    share = torch.bincount(y, minlength=4).double() / len(y)
    assert torch.all((share - 0.25).abs() < 0.03)
    uniform = nn.functional.cross_entropy(torch.zeros(len(y), 4), y)
    assert float(uniform) == pytest.approx(tasks.UNIFORM_PREDICTOR_CE)
    with pytest.raises(ValueError):
        tasks.temporal_order(1, 9, torch.Generator())


def test_adding_baseline_and_marks():
    x, y = tasks.adding_problem(20000, 30, torch.Generator().manual_seed(0))
    assert float(((y - 1) ** 2).mean()) == pytest.approx(tasks.MEAN_PREDICTOR_MSE, rel=0.05)
    assert torch.all(tasks.marked_positions("adding", x).sum(dim=1) == 2)


# -- charts and words -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_run():
    return learn.train_models(configs.LearnConfig(T=12, steps=30, seed=1))


@pytest.fixture(scope="module")
def small_order_run():
    return learn.train_models(configs.LearnConfig(task="order", T=12, steps=20, models="rnn+lstm"))


def test_every_chart_builds(small_run):
    s = cell.gated_update(0.5, 0.5, 0.5, 0.5, 0.5)
    assert cell.cell_table(s).shape == (5, 3)
    charts.cell_bars(cell.cell_table(s)).to_dict()
    charts.regime_map(cell.regime_corners(0.5, 0.5), 0.5, 0.5).to_dict()
    charts.reach_chart(reach.measure(configs.ReachConfig(T=8, hidden=4)).tables["curves"]).to_dict()
    t = small_run.tables
    charts.loss_chart(t["curves"], small_run.meta["baseline"], "MSE").to_dict()
    charts.input_grad_chart(t["input_grads"]).to_dict()
    charts.inside_chart(t["inside"], t["example"]).to_dict()


def test_learn_tables_are_long_form(small_run, small_order_run):
    for res in (small_run, small_order_run):
        t = res.tables
        assert list(t["curves"].columns) == ["model", "step", "quantity", "value"]
        assert set(t["inside"]["quantity"]) == {"i", "f", "o", "g", "c"}
        assert t["example"]["marked"].sum() == 2
    s = small_order_run.tables["summary"]
    assert "final_accuracy" in set(s["quantity"])
    assert set(small_run.meta["cost_per_step_T"]) == {"rnn", "irnn", "lstm"}


@pytest.mark.parametrize("f", [0.0, 0.3, 1.0])
@pytest.mark.parametrize("i", [0.0, 1.0])
def test_cell_words_at_the_extremes(i, f):
    s = cell.gated_update(i, f, 1.0, 0.5, 1.0)
    name, exact = cell.regime(i, f)
    text = words.cell_verdict(s, name, exact)
    assert "nan" not in text.lower() and name in text
    if f == 1.0:
        assert "unchanged" in text
    elif f == 0.0:
        assert "**nothing**" in text
    else:
        assert "unchanged" not in text and "half-life" in text
    for notation in words.NOTATIONS:
        lines = words.equations(notation) + words.cell_latex(s, notation)
        assert all("nan" not in line for line in lines)
        assert ("rem" in " ".join(lines)) == (notation == "notes")


def test_question_answer_is_what_the_cell_computes():
    q = questions.question()
    s = cell.gated_update(0.0, 1.0, 1.0, 0.5, 1.0)
    assert s.dc_dcprev == 1.0 and s.c == s.c_prev
    assert q["answer"] == "It passes unchanged: exactly 1" and q["answer"] in q["options"]


def test_status_bands():
    assert words.status(0.005, 1 / 6).startswith("solved")
    assert words.status(0.1, 1 / 6).startswith("learned part")
    assert words.status(0.16, 1 / 6).startswith("stayed at the baseline")
    assert words.status(math.nan, 1 / 6) == "diverged"
    assert words.half_life_text(1.0).startswith("infinite") and words.half_life_text(0.0).startswith("zero")


def test_estimate_and_cap():
    cost = {"rnn": 1e-4, "irnn": 1e-4, "lstm": 2e-4}
    d = configs.LearnConfig()
    assert configs.estimate_seconds(d, cost) == pytest.approx(4e-4 * d.steps * d.T)
    assert configs.work(d) <= configs.MAX_WORK
    big = configs.LearnConfig(T=200, steps=3000)
    assert configs.work(big) > configs.MAX_WORK
    assert "Lower the steps" in words.estimate_text(99, False, configs.work(big), configs.work(d))
    assert "about **99 s**" in words.estimate_text(99, True, 2 * configs.work(d), configs.work(d))
    auto, allowed, secs, w = configs.live_plan(configs.LearnConfig(seed=7), cost)
    assert auto and allowed and w == configs.work(d)  # default size, another seed: starts by itself
    auto, allowed, _, _ = configs.live_plan(configs.LearnConfig(steps=1200), cost)
    assert not auto and allowed
    assert configs.live_plan(big, cost)[:2] == (False, False)


def test_words_on_a_trained_run(small_run, small_order_run):
    for res, cfg in ((small_run, configs.LearnConfig(T=12, steps=30, seed=1)),
                     (small_order_run, configs.LearnConfig(task="order", T=12, steps=20, models="rnn+lstm"))):  # fmt: skip
        t, base = res.tables, res.meta["baseline"]
        for text in (
            words.learn_verdict(t["summary"], base, cfg.kinds, cfg.task),
            words.input_grad_text(t["mark_grads"], t["summary"], base, cfg.kinds),
            words.irnn_text(t["summary"], t["mark_grads"], base, cfg) or "none",
            words.inside_text(t["inside"], t["example"], res.meta["runs"]["lstm"], cfg.task),
            words.task_text(cfg.task, cfg.T, base),
            " ".join(words.learn_latex(cfg.task, base, t["mark_grads"], cfg.kinds)),
        ):
            assert text and "nan" not in text.replace("n/a", "")


# -- the default view's regime (a fresh run: it must hold on this CPU, not just on the one that precomputed) --


def test_default_result_is_in_its_regime():
    cfg = configs.LEARN_PRESETS["default"]
    res = learn.train_models(cfg)
    s = res.tables["summary"].set_index(["model", "quantity"])["value"]
    base = res.meta["baseline"]
    assert s[("lstm", "final_loss")] <= base / 20
    assert s[("rnn", "final_loss")] >= 0.8 * base
    assert isinstance(res.tables["curves"], pd.DataFrame)


def test_first_marked_value_and_memory_units():
    x, _ = tasks.adding_problem(64, 20, torch.Generator().manual_seed(3))
    marked = tasks.marked_positions("adding", x)
    v = learn.first_marked_value("adding", x, marked)
    first = torch.nonzero(marked)[:, 1].reshape(-1, 2)[:, 0]
    torch.testing.assert_close(v, x[torch.arange(64), first, 0])
    xo, yo = tasks.temporal_order(64, 20, torch.Generator().manual_seed(3))
    vo = learn.first_marked_value("order", xo, tasks.marked_positions("order", xo))
    torch.testing.assert_close(vo, torch.where(yo >= 2, -1.0, 1.0))  # classes YX, YY start with Y
    m = SequenceModel("lstm", 2, 8, 1, torch.Generator().manual_seed(0))
    units, r = learn.memory_units(m, "adding", x, marked)
    assert len(units) == len(set(units)) == learn.INSIDE_UNITS and all(abs(a) <= 1 + 1e-9 for a in r)
    # the first unit is the one whose final cell has the largest |covariance| with the first marked value
    with torch.no_grad():
        _, (_, c_n) = m.rnn(x)
    assert units[0] == int(np.argmax(np.abs(((c_n[0] - c_n[0].mean(0)).T @ (v - v.mean())).numpy())))
