"""The clipping lesson's network: a tanh RNN whose recurrent matrix is scaled to a chosen spectral radius."""

from __future__ import annotations

import math

import torch
from torch import nn


def scale_to_spectral_radius(w: torch.Tensor, rho: float) -> torch.Tensor:
    """W * rho / max|eig(W)|: the same matrix, stretched so its largest eigenvalue modulus is rho."""
    radius = torch.linalg.eigvals(w).abs().max()
    return w * (rho / radius)


class TanhRNN(nn.Module):
    """h_t = tanh(W h_{t-1} + U x_t + b), prediction y = v·h_T + c.

    W starts as a Gaussian matrix scaled to spectral radius `rho`: below 1 the backward products
    ∂h_T/∂h_t shrink, above 1 they can grow (Pascanu et al. 2013, https://arxiv.org/abs/1211.5063).
    """

    def __init__(self, n_in: int, hidden: int, n_out: int, rho: float, generator: torch.Generator):
        super().__init__()
        self.hidden_size = hidden
        f32 = torch.float32  # explicit: the default dtype is process-wide state that other code may change
        w = torch.randn(hidden, hidden, generator=generator, dtype=f32) / math.sqrt(hidden)
        self.w = nn.Parameter(scale_to_spectral_radius(w, rho))  # (hidden, hidden)
        self.u = nn.Parameter(torch.randn(hidden, n_in, generator=generator, dtype=f32) / math.sqrt(n_in))
        self.b = nn.Parameter(torch.zeros(hidden, dtype=f32))
        self.readout = nn.Linear(hidden, n_out, dtype=f32)
        with torch.no_grad():
            self.readout.weight.copy_(torch.randn(n_out, hidden, generator=generator, dtype=f32) / math.sqrt(hidden))
            self.readout.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (batch, T, n_in)
        ux = x @ self.u.T + self.b  # (batch, T, hidden): U x_t + b for every t in one product
        h = x.new_zeros(x.shape[0], self.hidden_size)  # (batch, hidden)
        w_t = self.w.T
        for t in range(x.shape[1]):
            # h_t = tanh(W h_{t-1} + U x_t + b), the product and sum fused in one addmm
            h = torch.tanh(torch.addmm(ux[:, t], h, w_t))
        return self.readout(h)  # (batch, n_out)
