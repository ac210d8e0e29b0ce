"""The deep-nets lesson's network: an MLP of any depth and width (Suresh 2016's MNIST experiment), with
the initializations of `gradviz.nets`."""

from __future__ import annotations

import torch
from torch import nn

from gradviz.nets import activation_module, init_linear


class MLP(nn.Module):
    """x -> [Linear -> activation] * depth -> Linear -> logits.

    `depth` counts hidden layers, so there are depth + 1 weight matrices; layer ℓ = 1 is nearest the input,
    layer depth + 1 is the output layer. `hidden` holds the activation modules, so a probe can hook them.
    """

    def __init__(
        self, n_in: int, width: int, depth: int, n_out: int, activation: str, init: str, generator: torch.Generator
    ):
        super().__init__()
        if depth < 1:
            raise ValueError("depth counts hidden layers and must be at least 1")
        sizes = [n_in] + [width] * depth + [n_out]
        # float32 explicitly: the default dtype is process-wide state that other code may change
        self.linears = nn.ModuleList(
            nn.Linear(a, b, dtype=torch.float32) for a, b in zip(sizes[:-1], sizes[1:], strict=True)
        )
        self.hidden = nn.ModuleList(activation_module(activation) for _ in range(depth))
        self.activation = activation
        for layer in self.linears:
            init_linear(layer, init, generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (batch, n_in)
        h = x
        for linear, act in zip(self.linears[:-1], self.hidden, strict=True):
            # h_ℓ = f(W_ℓ h_{ℓ-1} + b_ℓ)
            h = act(linear(h))  # (batch, width)
        return self.linears[-1](h)  # (batch, n_out) logits
