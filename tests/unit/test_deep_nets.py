"""The deep-nets lesson reproduces the seed's figure on real MNIST, He et al.'s 30-layer result, and the
variance condition; its charts build. Checked in regimes and bands (any CPU), never one machine's digits."""

import math

import pytest

from gradviz import results
from gradviz.charts.style import num
from gradviz.lessons.deep_nets import charts, questions, words
from gradviz.lessons.deep_nets import experiment as dn
from gradviz.lessons.deep_nets.summary import CHANCE, summarize
from gradviz.net_options import ACTIVATIONS, INITS


def _committed(preset):
    cfg = dn.PRESETS[preset]
    found = results.load("deep_nets", cfg, results.code_version(dn.__file__))
    assert found is not None, f"missing precomputed result for {preset}"
    return found


def _verdict(preset):
    return words.verdict(summarize(_committed(preset)))[0]


def test_fresh_sigmoid_run_vanishes_on_mnist(mnist_dir):
    """The issue's bar: sigmoid, depth ≥ 5, real MNIST: the gradient reaching layer 1 ≥ 100× below the last's."""
    result = dn.run(dn.Config(activation="sigmoid", depth=5, epochs=1))
    s = summarize(result)
    assert (
        result.meta["dataset"] == "mnist" and result.meta["n_train"] == 8000 and result.meta["n_test"] == 2000
    )
    assert s.back_ratio < 1e-2 and s.back_ratio_init < 1e-2 and s.weight_ratio < 1e-2
    assert words.verdict(s)[0] == "vanishing"
    assert s.mean_fprime <= 0.25  # the sigmoid's slope never exceeds 1/4


@pytest.mark.parametrize(
    "preset", ["default", "sigmoid_deep", "sigmoid_glorot", "sigmoid_lecun", "sigmoid_he"]
)
def test_committed_sigmoid_runs_vanish_and_do_not_learn(preset):
    s = summarize(_committed(preset))
    assert s.back_ratio < 1e-2 and _verdict(preset) == "vanishing"
    assert s.accuracy < 2 * CHANCE


@pytest.mark.parametrize("preset", ["relu_default", "gelu_default", "tanh_default"])
def test_pytorch_default_init_shrinks_the_backward_signal(preset):
    """n·Var(W) = 1/3 for PyTorch's default: item 1 of issue 9 (the old verdict called ReLU here 'healthy')."""
    s = summarize(_committed(preset))
    assert s.nvar == pytest.approx(1 / 3, rel=0.05)
    assert s.layer_factor_init < 0.7 and _verdict(preset) == "vanishing"


@pytest.mark.parametrize("preset", ["relu_he", "relu_he_deep", "tanh_lecun", "tanh_glorot", "gelu_he"])
def test_good_inits_keep_the_gradient_level_and_learn(preset):
    s = summarize(_committed(preset))
    assert _verdict(preset) == "healthy" and 0.1 <= s.back_ratio <= 10
    assert s.accuracy > 0.6


def test_thirty_relu_layers_train_with_he_and_stall_with_glorot():
    """He et al. (2015), Fig. 3, measured: with Glorot's init (n·Var(W) = 1, factor ≈ √½ per layer) the
    30-layer ReLU net's backward signal vanishes and it stays at chance; with He's (n·Var(W) = 2) it trains."""
    he, glorot = summarize(_committed("relu_he_30")), summarize(_committed("relu_glorot_30"))
    assert _verdict("relu_he_30") == "healthy" and he.accuracy > 0.3
    assert _verdict("relu_glorot_30") == "vanishing" and glorot.accuracy < 2 * CHANCE
    assert glorot.layer_factor_init == pytest.approx(math.sqrt(0.5), rel=0.05)
    assert he.layer_factor_init == pytest.approx(1.0, rel=0.05)


def test_normal_init_with_relu_explodes():
    s = summarize(_committed("relu_normal_30"))
    assert words.verdict(s)[0] == "exploding"
    # N(0,1) at width 100: n·Var(W)·E[f'²] ≈ 100 · 1/2, so ≈ 7 per layer (issue 9: 7.04 ≈ √(100/2))
    assert s.predicted_factor == pytest.approx(math.sqrt(50), rel=0.05)


def test_thirty_sigmoid_layers_have_a_finite_tiny_ratio():
    """Issue 9 item 4: float64 norms; the ratio near 1e-25 is measured, not 0, and the factor stays finite."""
    s = summarize(_committed("sigmoid_30"))
    assert 0 < s.back_ratio < 1e-15 and 0 < s.weight_ratio < 1e-15
    assert 0.05 < s.layer_factor < 0.3


@pytest.mark.parametrize("preset", [p for p in dn.PRESETS if p != "shallow"])
def test_variance_condition_predicts_the_measured_factor(preset):
    """√(n·Var(W)·E[f'(z)²]) against the measured ‖∂L/∂h_ℓ‖/‖∂L/∂h_{ℓ+1}‖ at initialization, for every preset."""
    s = summarize(_committed(preset))
    assert s.layer_factor_init == pytest.approx(s.predicted_factor, rel=0.1), preset


def test_depth_question_answer_is_what_the_runs_show():
    shallow, deep = summarize(_committed("default")), summarize(_committed("sigmoid_deep"))
    question, options, answer, explanation = questions.depth_question(shallow, deep)
    assert "now 11 times" in answer  # the factor's power, not halving and not "the same"
    assert words.sci(deep.back_ratio, 1) in explanation and words.sci(shallow.back_ratio, 1) in question


def test_presets_cover_every_compare_mode_at_the_default_depth():
    have = {(c.activation, c.init) for c in dn.PRESETS.values() if c.depth == dn.Config().depth}
    assert have == {(a, i) for a in ACTIVATIONS for i in INITS}


@pytest.mark.parametrize("mode", dn.COMPARE_MODES)
@pytest.mark.parametrize(
    "base", [dn.Config(activation=a) for a in ACTIVATIONS] + [dn.Config(init=i) for i in INITS]
)
def test_compared_runs_always_include_the_base(mode, base):
    """Issue 7: '?compare=inits' (base init 'default') and '?compare=activations&activation=gelu' crashed
    because the page explained a base run that was not among the compared ones."""
    configs = dn.compared(base, mode, (dn.Config(activation="relu", init="he"),))
    assert base in configs and len(configs) == len(set(configs))
    assert len({dn.label(c) for c in configs}) == len(configs)


def test_digits_fallback_trains():
    result = dn.run(dn.Config(dataset="digits", activation="relu", init="he", depth=3, epochs=3, lr=0.1))
    assert result.meta["dataset"] == "digits" and not result.diverged
    assert summarize(result).accuracy > 0.5


def test_diverging_run_is_reported_not_raised(mnist_dir):
    result = dn.run(dn.Config(activation="relu", init="normal", lr=3.0, depth=8, epochs=1))
    assert result.diverged and "NaN/inf" in result.meta["reason"]
    kind, sentence = words.verdict(summarize(result))
    assert kind == "exploding" and f"step {result.meta['diverged_at']}" in sentence


def test_every_chart_builds():
    tables = dn.combine({"a": _committed("default"), "b": _committed("relu_he"), "c": _committed("shallow")})
    specs = [
        charts.gradient_over_steps(tables["layers"]),
        charts.gradient_over_steps(tables["layers"], "weight_grad"),
        charts.gradient_by_depth(tables["layers"]),
        charts.update_ratio_by_layer(tables["layers"]),
        charts.activation_heatmap(tables["hist"]),
        charts.saturation_by_layer(tables["layers"]),
        charts.loss_curves(tables["training"]),
        charts.accuracy_curves(tables["training"]),
    ]
    for chart in specs:
        spec = chart.to_dict()
        assert spec["$schema"].startswith("https://vega.github.io/schema/vega-lite/")
    # the headline chart: the back-propagated gradient on a log axis, one panel per run
    over = specs[0].to_dict()
    assert over["spec"]["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
    assert over["facet"]["field"] == "run" and "∂L/∂h" in over["spec"]["layer"][0]["encoding"]["y"]["title"]
    # every chart names itself for a screen reader, from its data (style.described)
    for chart in specs:
        assert len(chart.to_dict()["description"]) > 40
    grads = tables["layers"][(tables["layers"].quantity == "backprop_grad") & (tables["layers"].run == "a")]
    end = grads[grads.step == grads.step.max()].set_index("layer").value
    ratio = end.loc[end.index.min()] / end.loc[end.index.max()]
    assert f"in a, layer 1 ends at {num(ratio)} of layer {end.index.max()}'s" in over["description"]
    # a phone: the panels stacked, narrow enough for a 390-px screen, legend below
    narrow = charts.gradient_over_steps(tables["layers"], narrow=True).to_dict()
    assert narrow["columns"] == 1 and narrow["spec"]["width"] <= 260
    assert narrow["config"]["legend"]["orient"] == "bottom"
    heat = charts.activation_heatmap(tables["hist"], narrow=True).to_dict()
    assert heat["facet"]["row"]["field"] == "moment" and heat["spec"]["width"] <= 260
    # one run: a single view as wide as its container, no facet
    one = charts.gradient_over_steps(dn.combine({"a": _committed("default")})["layers"]).to_dict()
    assert "facet" not in one and one["width"] == "container"


def test_init_question_answer_is_what_the_runs_show():
    """Glorot's n·Var(W) = 1 with ReLU's E[f'²] = 1/2: √½ per layer, measured on the committed 30-layer run."""
    glorot, he = summarize(_committed("relu_glorot_30")), summarize(_committed("relu_he_30"))
    question, options, answer, explanation = questions.init_question(glorot, he)
    assert answer.startswith("about 0.71")
    assert f"{glorot.accuracy:.1%}" in explanation and f"{he.accuracy:.1%}" in explanation
    assert words.sci(glorot.back_ratio_init, 1) in explanation
