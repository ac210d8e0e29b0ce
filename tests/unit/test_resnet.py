"""The residual-connections lesson: the twins differ only by the skip, the maths against references
(autograd vs finite differences, the binomial formula, the exact path decomposition), the published tables,
every chart builder, the words at the extremes, and the committed default's regime (bands, not digits)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
import torch

from gradviz import fmt, results
from gradviz.lessons.resnet import charts, context, paths, questions, words
from gradviz.lessons.resnet import experiment as exp
from gradviz.lessons.resnet import jacobian as jac
from gradviz.lessons.resnet.nets import BlockMLP, residual_twins

torch.set_num_threads(1)


def _committed(name, module, preset):
    found = results.load(name, module.PRESETS[preset], results.code_version(module.__file__))
    assert found is not None, f"missing precomputed {name}/{preset}: run python -m gradviz.precompute {name}"
    return found


# -- the twins ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("norm", ["none", "batch"])
@pytest.mark.parametrize("blocks", [1, 3, 16])
def test_twins_have_the_same_parameters_and_initial_values(norm, blocks):
    plain, residual = residual_twins(784, 32, blocks, 10, norm, seed=3)
    assert sum(p.numel() for p in plain.parameters()) == sum(p.numel() for p in residual.parameters())
    sp, sr = plain.state_dict(), residual.state_dict()
    assert sp.keys() == sr.keys()
    assert all(torch.equal(sp[k], sr[k]) for k in sp)
    assert not plain.skip and residual.skip  # the only difference


def test_the_skip_is_the_only_difference_in_the_forward_pass():
    plain, residual = residual_twins(20, 8, 3, 4, seed=1)
    x0 = torch.randn(5, 8, generator=torch.Generator().manual_seed(0))
    # residual: x⁽ℓ⁾ = x⁽ℓ⁻¹⁾ + F(x⁽ℓ⁻¹⁾), built by hand from the plain net's own blocks
    x = x0
    for block in plain.blocks:
        x = x + block(x)
    torch.testing.assert_close(residual.body(x0), x)
    x = x0
    for block in plain.blocks:
        x = block(x)
    torch.testing.assert_close(plain.body(x0), x)


def test_residual_block_backprop_is_identity_plus_block_jacobian():
    """x̄⁽ℓ⁾ = x̄⁽ℓ⁺¹⁾ (I + ∂F/∂x), the lecture's formula, checked with autograd."""
    net = BlockMLP(10, 6, 1, 3, skip=True, generator=torch.Generator().manual_seed(2)).double()
    x = torch.randn(6, dtype=torch.float64, generator=torch.Generator().manual_seed(5))
    j_block = torch.autograd.functional.jacobian(lambda v: net.blocks[0](v.unsqueeze(0)).squeeze(0), x)
    j_res = jac.jacobian_at(net, x)
    torch.testing.assert_close(j_res, torch.eye(6, dtype=torch.float64) + j_block)


# -- the Jacobian ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("skip", [False, True])
@pytest.mark.parametrize("activation", ["relu", "tanh", "linear"])
def test_jacobian_matches_finite_differences(skip, activation):
    net = BlockMLP(
        12, 7, 4, 3, skip, activation=activation, generator=torch.Generator().manual_seed(4)
    ).double()
    x = torch.randn(7, dtype=torch.float64, generator=torch.Generator().manual_seed(9))
    j = jac.jacobian_at(net, x)
    eps = 1e-6
    fd = torch.stack(
        [
            (net.body((x + eps * e).unsqueeze(0)) - net.body((x - eps * e).unsqueeze(0))).squeeze(0)
            / (2 * eps)
            for e in torch.eye(7, dtype=torch.float64)
        ],  # fmt: skip
        dim=1,
    )
    torch.testing.assert_close(j, fd, rtol=1e-6, atol=1e-8)


def test_orthogonal_linear_plain_net_is_an_isometry():
    """Saxe et al.: a product of orthogonal matrices is orthogonal: every singular value is exactly 1."""
    res = jac.run(jac.Config(depth=12, activation="linear", width=16))
    s = res.tables["singular"]
    ortho = s[s.net == "plain, orthogonal"].value
    np.testing.assert_allclose(ortho, 1.0, atol=1e-5)  # the weights are orthogonal to float32 rounding
    assert s[s.net == "plain"].value.max() < 1e-3  # PyTorch's default init: ‖W‖ well below 1 per layer


def test_committed_jacobian_default_regime():
    s = jac.summary(_committed("resnet_jacobian", jac, "default")).set_index("net")
    assert s.loc["plain", "largest"] < 1e-6  # 16 ReLU blocks, default init: every direction collapses
    assert s.loc["residual", "smallest"] > 0.02 and s.loc["residual", "largest"] < 50
    assert 0.5 < s.loc["residual", "median"] < 2  # I + ∂F/∂x keeps the typical direction near 1
    assert s.loc["plain, orthogonal", "zeros"] > 0  # ReLU switches directions off even with orthogonal W


# -- paths ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 5, 16, 54])
def test_path_length_distribution_is_binomial(n):
    dist = path_length_distribution = paths.path_length_distribution(n)
    assert dist.n_paths.sum() == 2**n
    assert math.isclose(dist.share.sum(), 1.0)
    for k in (0, n // 2, n):
        assert dist.n_paths.iloc[k] == math.comb(n, k)
    if n <= 16:  # count subsets by brute force
        counts = np.bincount(
            [len(s) for r in range(n + 1) for s in itertools.combinations(range(n), r)], minlength=n + 1
        )
        np.testing.assert_array_equal(path_length_distribution.n_paths.to_numpy(), counts)


def test_central_range_matches_veit_for_54_blocks():
    """Veit et al.: for 54 modules, more than 95 % of paths go through 19 to 35 modules."""
    lo, hi = paths.central_range(54)
    assert lo >= 19 and hi <= 35 and lo + hi == 54  # the shortest symmetric range is inside theirs
    share = paths.path_length_distribution(54).share
    assert share[19:36].sum() > 0.95


@pytest.mark.parametrize("activation", ["linear", "relu"])
@pytest.mark.parametrize("norm", ["none", "batch"])
def test_path_gradients_sum_to_the_full_gradient(activation, norm):
    """Π(I + J_ℓ) = Σ_S Π_{ℓ∈S} J_ℓ: the 2ⁿ routed gradients add up to the full one (exact for the
    linearised net; for a linear net it is the net itself)."""
    n = 4
    net = BlockMLP(
        12, 6, n, 3, skip=True, norm=norm, activation=activation, generator=torch.Generator().manual_seed(6)
    ).double()
    net.eval()
    x = torch.randn(9, 12, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    y = torch.randint(0, 3, (9,), generator=torch.Generator().manual_seed(2))
    full = paths.full_gradient(net, x, y)
    total = sum(
        paths.path_gradient(net, x, y, set(s))
        for r in range(n + 1)
        for s in itertools.combinations(range(1, n + 1), r)
    )
    torch.testing.assert_close(total, full, rtol=1e-10, atol=1e-12)
    assert not torch.allclose(
        paths.path_gradient(net, x, y, set()), full
    )  # the skip-only path is not all of it


def test_gradient_by_length_and_effective_range():
    samples = pd.DataFrame(
        {"k": [0, 1, 1, 2, 3], "sample": [0, 0, 1, 0, 0], "grad_norm": [1.0, 0.5, 0.3, 0.1, 0.01]}
    )
    by = paths.gradient_by_length(samples, 3)
    np.testing.assert_allclose(by.total, [1.0, 3 * 0.4, 3 * 0.1, 0.01])
    assert math.isclose(by.total_share.sum(), 1.0)
    assert paths.effective_range(by, mass=0.5) == (0, 1)


def test_lesion_deletes_exactly_one_block():
    net = BlockMLP(10, 6, 3, 4, skip=True, generator=torch.Generator().manual_seed(0))
    x = torch.rand(50, 10, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        out = net(x, removed=(2,))
        net.blocks[1].fc2.weight.zero_()
        net.blocks[1].fc2.bias.zero_()  # F₂ ≡ 0: the block passes x on, as if deleted
        torch.testing.assert_close(out, net(x))
    les = paths.lesion(net, x, torch.zeros(50, dtype=torch.long))
    assert les.block.tolist() == [0, 1, 2, 3]


# -- the published tables --------------------------------------------------------------------------------


def test_context_tables_hold_the_published_values():
    im = context.imagenet_table().set_index("year").top5_error.to_dict()
    assert im == {2010: 28.2, 2011: 25.8, 2012: 16.4, 2013: 11.7, 2014: 6.6, 2015: 4.5}
    assert context.HUMAN_TOP5 == 5.1
    cifar = dict(context.cifar_table()[["layers", "test_error"]].itertuples(index=False))
    assert cifar == {20: 8.75, 32: 7.51, 44: 7.17, 56: 6.97, 110: 6.43}
    assert context.HE_2016[1] == "https://arxiv.org/abs/1512.03385"


# -- a tiny fresh run: every table, chart and sentence ------------------------------------------------------


@pytest.fixture(scope="module")
def tiny():
    """Two depths on the bundled 8×8 digits: seconds, no MNIST needed."""
    return exp.run(exp.Config(depths=(1, 3), width=16, steps=30, dataset="digits"))


def test_tiny_run_tables(tiny):
    assert set(tiny.tables) == {"curves", "final", "grads", "lesion", "paths"}
    f = exp.final_table(tiny)
    assert len(f) == 4 and set(f.net) == {"plain", "residual"}
    g = tiny.tables["grads"]
    assert (
        set(g.moment) == {"init", "end"}
        and g.groupby(["depth", "net", "moment"]).block.max().to_dict()[(3, "plain", "init")] == 3
    )
    assert set(tiny.tables["paths"].k) == {0, 1, 2, 3} and (tiny.tables["paths"].depth == 3).all()
    assert tiny.meta["n_params"]["3"] > 0


def test_every_chart_builds(tiny):
    t = tiny.tables
    built = [
        charts.loss_curves(t["curves"]),
        charts.degradation_chart(t["final"]),
        charts.gradient_by_block(t["grads"], 3),
        charts.singular_values(jac.run(jac.Config(depth=3, width=8)).tables["singular"]),
        charts.path_lengths(paths.gradient_by_length(t["paths"], 3)),
        charts.path_gradient_norms(t["paths"]),
        charts.lesion_chart(t["lesion"], 3),
        charts.imagenet_chart(context.imagenet_table(), context.HUMAN_TOP5),
        charts.cifar_chart(context.cifar_table()),
    ]
    for chart in built:
        spec = chart.to_dict()  # validates against the Vega-Lite schema
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")


def test_words_on_a_tiny_run(tiny):
    plain, residual = exp.degradation(tiny, "plain"), exp.degradation(tiny, "residual")
    g = exp.gradient_flow(tiny, "plain", 3, "init")
    text = words.sweep_verdict(plain, residual, "none", g, {}, 0.5)
    assert "plain" in text and "residual" in text and "nan" not in text.lower()
    for net in exp.NETS:
        for m in ("init", "end"):
            assert "nan" not in words.flow_sentence(exp.gradient_flow(tiny, net, 3, m)).lower()
    assert "deleting one block" in words.lesion_sentence(tiny.tables["lesion"], 3)


# -- words at the extremes -----------------------------------------------------------------------------------


def _deg(net, deepest_loss, best_loss, degrades, deepest=16, best=4):
    return exp.Degradation(net, deepest, deepest_loss, best, best_loss, degrades, max(0.05, 0.25 * best_loss))


def _flow(ratio, net="plain", depth=16):
    per = ratio ** (1 / depth) if ratio > 0 else 0.0
    regime = (
        "vanishing"
        if ratio < exp.VANISHING_BELOW
        else "exploding"
        if ratio > exp.EXPLODING_ABOVE
        else "healthy"
    )
    return exp.GradientFlow(net, depth, "init", ratio, 1.0, ratio, per, regime)


def test_single_depth_has_nothing_to_compare():
    assert "One depth only" in words.sweep_verdict(None, None, "none", None, {}, math.nan)
    assert questions.depth_question(None, None) is None


def test_vanishing_is_named_only_when_measured():
    p, r = _deg("plain", 2.3, 0.4, True), _deg("residual", 0.13, 0.19, False)
    vanishing = words.sweep_verdict(p, r, "none", _flow(1e-11), {}, 0.10)
    assert "vanishing gradients" in vanishing and "chance" in vanishing and "He et al." in vanishing
    healthy = words.sweep_verdict(p, r, "batch", _flow(60.0), {}, 0.9)
    assert "**not** a vanishing gradient" in healthy and "vanishing gradients**" not in healthy
    assert "exploding" in words.sweep_verdict(p, r, "none", _flow(1e4), {}, 0.1)


def test_no_degradation_is_said_plainly():
    p, r = _deg("plain", 0.05, 0.04, False), _deg("residual", 0.02, 0.03, False)
    text = words.sweep_verdict(p, r, "batch", _flow(3.0), {}, 0.95)
    assert "neither kind trains worse" in text and "no degradation" in text
    assert "is not reproduced here" in words.sweep_budget_note("batch", p)
    assert words.sweep_budget_note("batch", _deg("plain", 0.2, 0.04, True)) is None


def test_divergence_is_reported_with_its_step():
    p, r = _deg("plain", math.nan, 0.4, True), _deg("residual", math.nan, 0.2, True)
    text = words.sweep_verdict(p, r, "none", None, {(16, "plain"): 12, (16, "residual"): 30}, math.nan)
    assert (
        "diverged** at step 12" in text and "diverged** at step 30" in text and "both kinds degrade" in text
    )
    assert questions.depth_question(p, r) is None
    assert "diverged" in words.flow_sentence(exp.GradientFlow("plain", 4, "end", *[math.nan] * 4, "diverged"))


def test_depth_question_answer_follows_the_numbers():
    r = _deg("residual", 0.13, 0.19, False)
    assert questions.depth_question(_deg("plain", 2.3, 0.4, True), r)["answer"] == "the residual net"
    assert questions.depth_question(_deg("plain", 0.05, 0.04, False), r)["answer"] == "the plain net"
    assert questions.depth_question(_deg("plain", 0.14, 0.1, False), r)["answer"].startswith("about the same")


def test_lesion_question_answer_follows_the_numbers():
    def table(res_acc, plain_acc):
        rows = [(b, a, 4, "residual") for b, a in enumerate(res_acc)] + [
            (b, a, 4, "plain") for b, a in enumerate(plain_acc)
        ]
        return pd.DataFrame(rows, columns=["block", "accuracy", "depth", "net"])

    q = questions.lesion_question(table([0.93, 0.92, 0.91, 0.93, 0.92], [0.94, 0.1, 0.1, 0.1, 0.1]), 4)
    assert q["answer"] == q["options"][1] and "1.0 points" in q["explanation"]
    q = questions.lesion_question(table([0.93, 0.1, 0.1, 0.1, 0.1], [0.9] * 5), 4)
    assert q["answer"] == q["options"][0]
    q = questions.lesion_question(table([0.93, 0.7, 0.8, 0.9, 0.6], [0.9] * 5), 4)
    assert q["answer"] == q["options"][2]
    assert questions.lesion_question(table([0.9, 0.9], [0.9, 0.9]), 1) is None
    untrained = words.lesion_sentence(table([0.93, 0.92, 0.91, 0.93, 0.92], [0.104] * 5), 4)
    assert "never learned" in untrained and "**residual** (4 blocks, intact 93.0%)" in untrained


def test_jacobian_sentence_counts_zeros_and_names_the_regime():
    s = pd.DataFrame({"net": ["plain", "residual", "plain, orthogonal"], "largest": [1e-10, 4.0, 1.0],
                      "median": [1e-12, 1.0, 1.0], "smallest": [1e-14, 0.3, 1.0], "zeros": [30, 0, 0]})  # fmt: skip
    text = words.jacobian_sentence(s, 16, "linear", 64, jac.ZERO_BELOW)
    assert (
        "30 of 64 are below 1e-12 × the largest" in text
        and "every direction shrinks (the largest σ is below 1): vanishing" in text
    )
    assert "within a factor 10 of unchanged" in text and "every σ equals 1" in text


def test_cost_estimate_and_cap():
    d = exp.Config()
    long = exp.Config(norm="batch", steps=1000)
    assert exp.estimate_seconds(long) > exp.LIVE_CAP_S  # a long sweep is refused on a shared server
    for key, depths in exp.DEPTH_CHOICES.items():  # any single depth at the defaults: the 10 s live goal
        for norm in ("none", "batch"):
            if len(depths) == 1:
                assert exp.estimate_seconds(exp.Config(depths=depths, norm=norm)) <= 10, (key, norm)
    wider = exp.Config(width=128)
    assert exp.estimate_seconds(wider) > exp.estimate_seconds(d)
    assert "capped at" in words.cost_refusal(40.0, exp.LIVE_CAP_S)


def test_every_depth_choice_parses():
    for key, depths in exp.DEPTH_CHOICES.items():
        assert exp.config_from_controls(key, "none", 64, 400, 0.05, 0).depths == depths
        assert exp.depth_key(depths) == key


# -- the committed default: regimes, with bands --------------------------------------------------------------


def test_default_sweep_plain_degrades_residual_does_not():
    res = _committed("resnet", exp, "default")
    t = exp.final_table(res).set_index(["depth", "net"])
    deepest = max(exp.PRESETS["default"].depths)
    assert t.loc[(deepest, "plain"), "train_loss"] > 1.5  # near ln 10 ≈ 2.30: nothing learned
    assert t.loc[(deepest, "plain"), "held_out_accuracy"] < 0.2
    assert t.loc[(1, "plain"), "train_loss"] < 1.0 and t.loc[(1, "plain"), "held_out_accuracy"] > 0.7
    assert (
        t.loc[(deepest, "residual"), "train_loss"] < 0.5
        and t.loc[(deepest, "residual"), "held_out_accuracy"] > 0.85
    )
    assert exp.degradation(res, "plain").degrades and not exp.degradation(res, "residual").degrades
    g_plain, g_res = (exp.gradient_flow(res, n, deepest, "init") for n in exp.NETS)
    assert g_plain.regime == "vanishing" and g_plain.ratio < 1e-6 and g_plain.per_block < 0.5
    assert g_res.regime == "healthy" and 0.5 < g_res.per_block < 2
    les = res.tables["lesion"]
    r = les[(les.net == "residual") & (les.depth == deepest)]
    assert (
        r[r.block > 0].accuracy.mean() > r[r.block == 0].accuracy.iloc[0] - 0.1
    )  # one block deleted: little lost


def test_batchnorm_sweep_degrades_without_vanishing():
    """He et al.'s subtlety: with batch norm the deep plain net trains worse though its gradient is healthy."""
    res = _committed("resnet", exp, "batchnorm")
    deepest = max(exp.PRESETS["batchnorm"].depths)
    assert exp.degradation(res, "plain").degrades and not exp.degradation(res, "residual").degrades
    g = exp.gradient_flow(res, "plain", deepest, "init")
    assert g.regime != "vanishing" and g.ratio > 1e-2
    t = exp.final_table(res).set_index(["depth", "net"])
    assert t.loc[(deepest, "plain"), "held_out_accuracy"] > 0.5  # it trains, just worse


def test_flow_explain_at_the_extremes():
    vanishing, residual = _flow(1e-11), _flow(1.5, net="residual")
    text = words.flow_explain(vanishing, residual, "none")
    assert "shrinks the gradient" in text and "stays nearer 1" in text
    assert "grows the gradient" in words.flow_explain(_flow(60.0), residual, "batch")
    assert "does not vanish" in words.flow_explain(_flow(60.0), residual, "batch")
    assert "not defined" in words.flow_explain(_flow(0.0), residual, "none")  # underflow to zero: no log(0)
    latex = words.flow_latex(vanishing, residual)
    assert len(latex) == 2 and r"\times10^{-11}" in latex[1] and "1.5" in latex[1]
    assert fmt.superscript(16) == "¹⁶" and words.x_at(3) == "x⁽³⁾"
    assert fmt.pct(float("nan")) == "n/a" and fmt.pct(0.5) == "50.0%"


def test_the_code_shown_is_the_code_that_runs():
    import inspect

    from gradviz import code_text
    from gradviz.lessons.resnet.sweep import run_sweep

    assert "x = x + block(x)" in code_text.source("gradviz.lessons.resnet.nets:BlockMLP.body")
    shown = code_text.source("gradviz.lessons.resnet.sweep:run_sweep")
    assert shown.startswith("def run_sweep(") and shown == inspect.getsource(run_sweep).rstrip("\n")
    assert code_text.of(run_sweep) == shown and code_text.label(run_sweep) == "gradviz.lessons.resnet.sweep.run_sweep"
    import textwrap

    from gradviz.lessons.resnet.nets import ResidualBlock

    method = code_text.source("gradviz.lessons.resnet.nets:ResidualBlock.forward")  # a method, dedented
    assert method == textwrap.dedent(inspect.getsource(ResidualBlock.forward)).rstrip("\n")
