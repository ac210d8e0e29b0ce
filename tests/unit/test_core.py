"""The training core against references: inits against their defining statistics, the probe against
torch.autograd computed independently, the loop's determinism and its NaN/inf detection."""

import math

import pytest
import torch
from torch import nn

from gradviz.lessons.clipping.nets import TanhRNN, scale_to_spectral_radius
from gradviz.lessons.deep_nets.nets import MLP
from gradviz.probe import LayerProbe, activation_derivative
from gradviz.train import TrainConfig, train


def _gen(seed=0):
    return torch.Generator().manual_seed(seed)


# -- initializations ------------------------------------------------------------------------------------


# (each scheme against its paper's definition: tests/unit/test_deep_nets_inits.py)


def test_models_are_seeded_by_their_generator_not_the_global_rng():
    a = MLP(20, 8, 3, 4, "tanh", "glorot", _gen(7))
    torch.manual_seed(123)  # disturbing the global RNG must change nothing
    b = MLP(20, 8, 3, 4, "tanh", "glorot", _gen(7))
    c = MLP(20, 8, 3, 4, "tanh", "glorot", _gen(8))
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(pa, pb)
    assert not torch.equal(a.linears[0].weight, c.linears[0].weight)


def test_spectral_radius_scaling():
    w = torch.randn(30, 30, generator=_gen(1), dtype=torch.float64)
    for rho in (0.5, 1.0, 2.5):
        assert torch.linalg.eigvals(scale_to_spectral_radius(w, rho)).abs().max().item() == pytest.approx(rho)
    rnn = TanhRNN(2, 16, 1, 1.7, _gen(2))
    assert torch.linalg.eigvals(rnn.w.detach()).abs().max().item() == pytest.approx(1.7, rel=1e-5)


# -- the probe against autograd -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "gelu"])
def test_activation_derivative_matches_autograd(name):
    z = torch.linspace(-6, 6, 241, dtype=torch.float64, requires_grad=True)
    h = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu, "gelu": nn.functional.gelu}[name](z)
    (ref,) = torch.autograd.grad(h.sum(), z)
    assert torch.allclose(activation_derivative(name, z.detach(), h.detach()), ref, atol=1e-12)


def test_probe_records_what_autograd_computes():
    torch.manual_seed(0)
    x = torch.rand(64, 12, generator=_gen(3))
    y = torch.randint(0, 3, (64,), generator=_gen(4))
    model = MLP(12, 10, 3, 3, "sigmoid", "default", _gen(5))
    # reference: a copy of the model, gradients by torch.autograd.grad on hidden outputs
    ref = MLP(12, 10, 3, 3, "sigmoid", "default", _gen(5))
    hs, h = [], x
    for lin, act in zip(ref.linears[:-1], ref.hidden, strict=True):
        h = act(lin(h))
        hs.append(h)
    loss = nn.functional.cross_entropy(ref.linears[-1](h), y)
    grads_h = torch.autograd.grad(loss, hs, retain_graph=True)
    grads_w = torch.autograd.grad(loss, [lin.weight for lin in ref.linears])

    lr = 0.5
    probe = LayerProbe(model, record_steps=[0], hist_steps=[0])
    cfg = TrainConfig(lr=lr, epochs=1, batch=64, seed=0, max_steps=1)
    train(model, x, y, nn.functional.cross_entropy, cfg, probe=probe)
    rows = probe.layers_frame().set_index(["layer", "quantity"]).value
    for ell, g in enumerate(grads_w, start=1):
        assert rows[(ell, "weight_grad")] == pytest.approx(g.norm().item(), rel=1e-5)
        # plain SGD: ‖ΔW‖/‖W‖ = lr ‖g‖ / ‖W‖
        w0 = ref.linears[ell - 1].weight.detach()
        assert rows[(ell, "update_ratio")] == pytest.approx(lr * g.norm().item() / w0.norm().item(), rel=1e-4)
    for ell, g in enumerate(grads_h, start=1):
        assert rows[(ell, "backprop_grad")] == pytest.approx(g.norm().item(), rel=1e-5)
        assert rows[(ell, "act_mean")] == pytest.approx(hs[ell - 1].mean().item(), rel=1e-5)
    hist = probe.hist_frame()
    assert hist.groupby("layer").share.sum().tolist() == pytest.approx([1.0, 1.0, 1.0])


def test_dead_relu_units_are_counted():
    model = MLP(5, 6, 1, 2, "relu", "he", _gen(0))
    with torch.no_grad():
        model.linears[0].bias[:3] = -100.0  # three of six units can never fire
        model.linears[0].bias[3:] = 100.0  # and three always do
    x, y = torch.rand(32, 5, generator=_gen(1)), torch.randint(0, 2, (32,), generator=_gen(2))
    probe = LayerProbe(model, record_steps=[0], hist_steps=[0])
    train(model, x, y, nn.functional.cross_entropy, TrainConfig(epochs=1, batch=32, max_steps=1), probe=probe)
    frame = probe.layers_frame()
    assert frame[frame.quantity == "frac_dead"].value.item() == pytest.approx(0.5)


# -- the loop -------------------------------------------------------------------------------------------


def _task():
    x = 2 * torch.rand(256, 10, generator=_gen(10)) - 1
    y = (x.sum(1) > 0).long()
    return x, y


def test_training_is_deterministic_and_learns():
    x, y = _task()
    logs = []
    for _ in range(2):
        model = MLP(10, 16, 2, 2, "relu", "he", _gen(1))
        logs.append(train(model, x, y, nn.functional.cross_entropy, TrainConfig(lr=0.3, epochs=20, batch=32, seed=3)))
    assert logs[0].steps.equals(logs[1].steps)
    loss = logs[0].steps[logs[0].steps.quantity == "loss"].value
    assert loss.iloc[-8:].mean() < 0.5 * loss.iloc[:8].mean()
    assert logs[0].diverged_at is None and logs[0].n_steps == 20 * 8


def test_divergence_is_reported_with_its_step():
    x, y = _task()
    model = MLP(10, 64, 4, 2, "relu", "normal", _gen(1))  # N(0,1) weights: activations grow ~8x per layer
    log = train(model, x * 50, y, nn.functional.cross_entropy, TrainConfig(lr=10.0, epochs=50, batch=32))
    assert log.diverged_at is not None and log.diverged_at < log.n_steps + 1
    assert f"step {log.diverged_at}" in log.reason and "NaN/inf" in log.reason
    # everything recorded before the divergence is finite
    finite = log.steps[log.steps.quantity == "loss"].value.map(math.isfinite)
    assert finite.all()


def test_progress_callback_reaches_one():
    x, y = _task()
    seen = []
    model = MLP(10, 8, 1, 2, "tanh", "glorot", _gen(0))
    train(model, x, y, nn.functional.cross_entropy, TrainConfig(epochs=2, batch=32), on_step=lambda f, m: seen.append(f))
    assert seen == sorted(seen) and seen[-1] == 1.0
