"""Initializations named exactly as their papers define them, with no activation-dependent gain, and the
probe's float64 norms (a 30-layer sigmoid net's first-layer gradient is ~1e-25 of its last, not 0)."""

import math

import pytest
import torch
from torch import nn

from gradviz.lessons.deep_nets.nets import MLP
from gradviz.net_options import INITS
from gradviz.nets import init_linear, weight_variance
from gradviz.probe import LayerProbe


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


FAN_IN, FAN_OUT = 400, 300


def _layer(scheme: str) -> nn.Linear:
    layer = nn.Linear(FAN_IN, FAN_OUT)
    init_linear(layer, scheme, _gen())
    return layer


@pytest.mark.parametrize(
    ("scheme", "variance"),
    [
        ("normal", 1.0),  # N(0, 1)
        ("default", 1 / (3 * FAN_IN)),  # U(±1/√fan_in)
        ("lecun", 1 / FAN_IN),  # LeCun et al. 1998
        ("glorot", 2 / (FAN_IN + FAN_OUT)),  # Glorot & Bengio 2010, eq. 16
        ("he", 2 / FAN_IN),  # He et al. 2015, eq. 10
    ],
)
def test_each_scheme_draws_the_variance_its_paper_defines(scheme, variance):
    w = _layer(scheme).weight.detach().double()
    assert w.var().item() == pytest.approx(variance, rel=0.03)
    assert weight_variance(scheme, FAN_IN, FAN_OUT) == pytest.approx(variance)


def test_uniform_schemes_have_the_papers_bounds():
    assert _layer("glorot").weight.abs().max().item() <= math.sqrt(6 / (FAN_IN + FAN_OUT)) + 1e-7
    assert _layer("default").weight.abs().max().item() <= 1 / math.sqrt(FAN_IN) + 1e-7


def test_orthogonal_has_gain_one():
    w = _layer("orthogonal").weight.detach().double()  # (300, 400): orthonormal rows
    assert torch.allclose(w @ w.T, torch.eye(FAN_OUT, dtype=torch.float64), atol=1e-5)
    assert torch.linalg.svdvals(w).sub(1).abs().max().item() < 1e-5  # every singular value exactly 1


@pytest.mark.parametrize("scheme", INITS)
def test_no_scheme_depends_on_the_activation(scheme):
    """A gain-adjusted variant would need its own name: the same seed draws the same weights for every activation."""
    nets = [MLP(20, 16, 3, 4, a, scheme, _gen(3)) for a in ("sigmoid", "tanh", "relu", "gelu")]
    for other in nets[1:]:
        for pa, pb in zip(nets[0].parameters(), other.parameters(), strict=True):
            assert torch.equal(pa, pb)


def test_biases_start_at_zero_except_pytorch_default():
    for scheme in INITS:
        bias = _layer(scheme).bias
        assert (bias.abs().max().item() == 0.0) == (scheme != "default"), scheme


def test_probe_norms_do_not_underflow_at_depth_30():
    """30 sigmoid layers, PyTorch's default init: the gradient reaching layer 1 is ~1e-25 of the last hidden
    layer's. In float32, Σ g² of such entries underflows to 0; the probe's float64 norms match autograd in float64."""
    depth = 30
    model = MLP(64, 100, depth, 10, "sigmoid", "default", _gen(0))
    x = torch.rand(128, 64, generator=_gen(1))
    y = torch.randint(0, 10, (128,), generator=_gen(2))
    probe = LayerProbe(model, record_steps=[0], hist_steps=[0])
    probe.before_forward(0)
    nn.CrossEntropyLoss()(model(x), y).backward()
    probe.after_backward(0)
    rows = probe.layers_frame()
    b = rows[rows.quantity == "backprop_grad"].set_index("layer").value
    ratio = b[1] / b[depth]
    assert 0 < ratio < 1e-15 and math.isfinite(ratio ** (1 / (depth - 1)))
    # reference: the same net in float64, differentiated by autograd
    ref = MLP(64, 100, depth, 10, "sigmoid", "default", _gen(0)).double()
    hs = []

    def keep(module, inputs, output):
        output.retain_grad()
        hs.append(output)

    ref.hidden[0].register_forward_hook(keep)
    ref.hidden[depth - 1].register_forward_hook(keep)
    nn.CrossEntropyLoss()(ref(x.double()), y).backward()
    ref_ratio = (hs[0].grad.norm() / hs[1].grad.norm()).item()
    assert ratio == pytest.approx(ref_ratio, rel=1e-2)
    w1 = rows[(rows.quantity == "weight_grad") & (rows.layer == 1)].value.item()
    assert w1 > 0 and w1 == pytest.approx(ref.linears[0].weight.grad.norm().item(), rel=1e-2)
