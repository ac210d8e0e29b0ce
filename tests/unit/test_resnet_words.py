"""The residual lesson's sentences against the quantities they name, recomputed independently (issue 17): the
Jacobian's direction verdict across depth and activation, the ReLU rank bound behind its exact zeros, the √2
orthogonal gain, the default init's per-block factor behind "vanishing at norm = none", the batch-norm views,
the path counts and the measured per-path gradients, and what each ImageNet row is."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch

from gradviz.lessons.resnet import charts, context, paths, words
from gradviz.lessons.resnet import experiment as exp
from gradviz.lessons.resnet import jacobian as jac
from gradviz.lessons.resnet.nets import BlockMLP

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(
    scope="module",
    params=[(d, a) for d in (1, 2, 16, 50) for a in ("relu", "tanh", "linear")],
    ids=lambda p: f"{p[1]}-{p[0]}",
)
def jacobian(request):
    depth, act = request.param
    return depth, act, jac.run(jac.Config(depth=depth, activation=act))


def test_direction_verdict_follows_the_singular_values(jacobian):
    depth, act, res = jacobian
    text = words.jacobian_sentence(jac.summary(res), depth, act, 64, jac.ZERO_BELOW)
    for net, g in res.tables["singular"].groupby("net", sort=False):
        sv = g.value.to_numpy()
        zero = sv <= jac.ZERO_BELOW * sv.max()
        big, small = sv.max(), sv[~zero].min()
        part = text.split(f"**{net}**: ")[1].split(". **")[0]
        if not zero.any() and abs(big - 1) < 1e-3 and abs(small - 1) < 1e-3:
            assert "every direction passes unchanged" in part
        elif big < 1:
            assert "every direction shrinks" in part and "others grow" not in part
        elif small > 1 and not zero.any():
            assert "every direction grows" in part
        else:
            assert "some directions shrink, others grow" in part
        assert ("vanishing" in part) == (big < 0.1)


def test_issue_case_linear_depth_one_is_every_direction_shrinks():
    res = jac.run(jac.Config(depth=1, activation="linear"))
    text = words.jacobian_sentence(jac.summary(res), 1, "linear", 64, jac.ZERO_BELOW)
    plain = text.split("**plain**: ")[1].split(". **")[0]
    assert jac.summary(res).set_index("net").loc["plain", "largest"] < 1
    assert "every direction shrinks" in plain and "At initialization, 1 block, linear" in text


def test_relu_zeros_are_exact_by_the_rank_bound(jacobian):
    depth, act, res = jacobian
    s = jac.summary(res).set_index("net")
    if act != "relu":
        assert (s.exact_zeros == 0).all()
        return
    for net, (skip, init) in jac.NETS.items():
        if skip:
            assert s.loc[net, "exact_zeros"] == 0
            continue
        # independently: hook every block's activation and count the units it keeps at the same input
        model = BlockMLP(
            784, 64, depth, 10, False, "none", "relu", init, torch.Generator().manual_seed(0)
        ).double()
        if init == "orthogonal":
            with torch.no_grad():
                for b in model.blocks:
                    b.fc1.weight.mul_(math.sqrt(2))
        counts = []
        hooks = [
            b.act.register_forward_hook(lambda m, i, o, counts=counts: counts.append(int((o > 0).sum())))
            for b in model.blocks
        ]
        x0 = torch.randn(64, generator=torch.Generator().manual_seed(1000), dtype=torch.float64)
        with torch.no_grad():
            model.body(x0.unsqueeze(0))
        for h in hooks:
            h.remove()
        assert s.loc[net, "exact_zeros"] == 64 - min(counts)
        sv = np.sort(res.tables["singular"].query("net == @net").value.to_numpy())[::-1]
        assert (sv[min(counts) :] <= 1e-12 * sv[0]).all()  # beyond the rank: rounding noise only
        assert s.loc[net, "zeros"] >= s.loc[net, "exact_zeros"]
    text = words.jacobian_sentence(jac.summary(res), depth, act, 64, jac.ZERO_BELOW)
    plain = text.split("**plain**: ")[1].split(". **")[0]
    assert "rank-deficient" in plain and f"at least {s.loc['plain', 'exact_zeros']} σ are exactly 0" in plain


def test_orthogonal_relu_gain_is_sqrt2():
    assert jac.orthogonal_gain("relu") == pytest.approx(math.sqrt(2)) and jac.orthogonal_gain("linear") == 1.0
    res = jac.run(jac.Config(depth=1, activation="relu"))
    s = res.tables["singular"].query("net == 'plain, orthogonal'").value.to_numpy()
    live = s[s > 1e-12 * s.max()]
    np.testing.assert_allclose(live, math.sqrt(2), rtol=1e-5)  # √2·Q₂ D Q₁: active directions pass with √2
    mean_sq = float((s**2).mean())  # the He gain keeps the mean squared σ near 1 (half the units are active)
    assert 0.7 < mean_sq < 1.3
    text = words.jacobian_sentence(jac.summary(res), 1, "relu", 64, jac.ZERO_BELOW)
    assert "gain √2 (He et al. 2015)" in text and "lose directions in a plain net" not in text


def test_default_init_block_factor_predicted_and_measured():
    """1/(3√2): the RMS singular value of one ReLU block's Jacobian at PyTorch's default init."""
    assert pytest.approx(math.sqrt(0.5 * (1 / 3) ** 2)) == words.DEFAULT_INIT_BLOCK_FACTOR
    width, rms = 256, []
    for seed in range(4):
        m = BlockMLP(784, width, 1, 10, False, generator=torch.Generator().manual_seed(seed)).double()
        x0 = torch.randn(width, generator=torch.Generator().manual_seed(seed + 50), dtype=torch.float64)
        j = jac.jacobian_at(m, x0)
        rms.append(float(torch.linalg.matrix_norm(j) / math.sqrt(width)))
    assert np.mean(rms) == pytest.approx(words.DEFAULT_INIT_BLOCK_FACTOR, rel=0.1)


def _deg(net, deepest_loss, best_loss, degrades):
    return exp.Degradation(net, 16, deepest_loss, 4, best_loss, degrades, max(0.05, 0.25 * best_loss))


def _flow(ratio, moment="init"):
    per = ratio ** (1 / 16)
    regime = "vanishing" if ratio < 1e-2 else "exploding" if ratio > 1e2 else "healthy"
    return exp.GradientFlow("plain", 16, moment, ratio, 1.0, ratio, per, regime)


@pytest.mark.parametrize("norm", ["none", "batch"])
@pytest.mark.parametrize("ratio", [1e-11, 0.5, 61.0])
def test_plain_verdict_names_the_failure_per_norm(norm, ratio):
    p, r = _deg("plain", 2.3, 0.4, True), _deg("residual", 0.13, 0.19, False)
    text = words.sweep_verdict(p, r, norm, _flow(ratio), {}, 0.1, _flow(9.01, "end"))
    vanishing = ratio < exp.VANISHING_BELOW
    assert ("**vanishing gradients**" in text) == vanishing
    assert ("The init causes it" in text) == (vanishing and norm == "none")
    if vanishing and norm == "none":
        assert f"{words.DEFAULT_INIT_BLOCK_FACTOR:.3f}" in text and f"{ratio ** (1 / 16):.3g}" in text
        assert "**not** He et al.'s degradation" in text
    if norm == "batch" and not vanishing:
        assert "Balduzzi et al. (2017)" in text and "9.01e+00 at the end of training" in text


@pytest.mark.parametrize("sweep_norm", ["none", "batch"])
def test_jacobian_says_it_has_no_batch_norm_when_the_sweep_does(sweep_norm):
    res = jac.run(jac.Config(depth=4))
    text = words.jacobian_sentence(jac.summary(res), 4, "relu", 64, jac.ZERO_BELOW, sweep_norm, _flow(61.0))
    assert ("**no batch norm**" in text) == (sweep_norm == "batch")
    if sweep_norm == "batch":
        assert "6.10e+01 (healthy, section 2)" in text


@pytest.mark.parametrize("n", [1, 4, 16, 54])
def test_paths_share_is_the_binomial_mass(n):
    lo, hi = paths.central_range(n)
    mass = sum(math.comb(n, k) for k in range(lo, hi + 1)) / 2**n
    text = words.paths_sentence(n, (lo, hi), None)
    assert (
        f"{mass:.1%} of the paths go through {lo} to {hi} blocks" in text and "95 % of the paths" not in text
    )
    if n == 16:
        assert "97.9%" in text


@pytest.mark.parametrize("long_norm", [1e-5, 3.0])
def test_paths_sentence_shows_the_measured_per_path_norms(long_norm):
    n = 4
    samples = pd.DataFrame(
        [(0, 0, 2.0)] + [(k, s, 1.0) for k in range(1, n) for s in range(2)] + [(n, 0, long_norm)],
        columns=["k", "sample", "grad_norm"],
    )
    by = paths.gradient_by_length(samples, n)
    text = words.paths_sentence(n, paths.central_range(n), by)
    assert "2.00e+00 along the skips only (k = 0)" in text and f"{long_norm:.2e} through all 4 blocks" in text
    assert ("times less" in text) == (long_norm < 2.0)
    assert "long paths carry little gradient" not in text or long_norm < 2.0


def test_sidebar_help_and_imagenet_rows_say_exactly_what_they_are():
    page = (ROOT / "app_pages" / "resnet.py").read_text()
    assert "in the spirit of He et al." in page and "as in He et al." not in page
    t = context.imagenet_table().set_index("year")
    assert t.what.str.len().gt(0).all()
    assert "3.57 %" in t.loc[2015, "what"] and "single model" in t.loc[2015, "what"]
    assert "15.3 %" in t.loc[2012, "what"] and "without extra data" in t.loc[2012, "what"]
    assert "3.57 %" in words.CONTEXT_CAPTION and "winning top-5" not in words.CONTEXT_CAPTION
    spec = charts.imagenet_chart(context.imagenet_table(), context.HUMAN_TOP5).to_dict()
    assert "what" in str(spec["layer"][0]["encoding"]["tooltip"])
