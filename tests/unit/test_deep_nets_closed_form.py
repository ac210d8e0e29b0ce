"""The by-hand gradients of the deep-nets lesson against torch.autograd, and the home page's numbers."""

import numpy as np
import pytest
import torch

from gradviz.lessons.deep_nets.closed_form import (
    diagonal_chain_grad_w11_first,
    diagonal_chain_output,
    diagonal_chain_uniform,
    scalar_chain,
)


@pytest.mark.parametrize("depth", [2, 3, 8, 25])
def test_diagonal_chain_gradient_matches_autograd(depth):
    rng = np.random.default_rng(depth)
    diag = rng.uniform(0.5, 1.5, size=(depth - 1, 2))
    w_out, x, y = rng.normal(size=2), rng.normal(size=2), 0.3
    # reference: the network written as matrices, differentiated by autograd
    ws = [torch.tensor(np.diag(d), requires_grad=True) for d in diag]
    h = torch.tensor(x)
    for w in ws:
        h = w @ h
    y_hat = torch.tensor(w_out) @ h
    loss = 0.5 * (y_hat - y) ** 2
    loss.backward()
    assert diagonal_chain_output(diag, w_out, x) == pytest.approx(y_hat.item(), rel=1e-12)
    assert diagonal_chain_grad_w11_first(diag, w_out, x, y) == pytest.approx(
        ws[0].grad[0, 0].item(), rel=1e-10
    )


def test_uniform_chain_is_a_power():
    out = diagonal_chain_uniform(50, 0.9)
    assert out["y_hat"] == pytest.approx(2 * 0.9**50)
    assert out["grad"] == pytest.approx(2 * 0.9**50 * 0.9**49)
    assert diagonal_chain_uniform(50, 1.1)["grad"] > 1e3  # explodes


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu"])
def test_scalar_chain_matches_autograd(activation):
    rng = np.random.default_rng(1)
    weights = rng.uniform(0.2, 3.0, size=9)
    f = {"sigmoid": torch.sigmoid, "tanh": torch.tanh, "relu": torch.relu}[activation]
    ws = [torch.tensor(w, dtype=torch.float64, requires_grad=True) for w in weights]
    z = torch.tensor(0.7, dtype=torch.float64)
    for w in ws:
        z = f(w * z)
    (0.5 * (z - 0.2) ** 2).backward()
    table = scalar_chain(weights, activation, x=0.7, y=0.2)
    assert table.grad.to_numpy() == pytest.approx([w.grad.item() for w in ws], rel=1e-9)


def test_sigmoid_factor_is_at_most_a_quarter_of_the_weight():
    table = scalar_chain(np.full(30, 2.0), "sigmoid")
    assert (table.fprime <= 0.25).all()
    assert (table.factor.abs() <= 0.25 * 2.0 + 1e-15).all()
    assert abs(table.grad.iloc[0]) < 0.5**29  # every factor ≤ 1/2, so 29 of them shrink it at least 2^29-fold
