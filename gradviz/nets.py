"""What more than one lesson's networks share: the activations by name and the weight initializations.

Each lesson's own networks live in its package (`lessons/<lesson>/nets.py`), so a new network in one lesson
changes no other lesson's code version (and re-keys none of its results).

Initializations, each named for exactly what its paper defines (fan_in = inputs of a layer, fan_out = outputs).
None is multiplied by an activation-dependent gain: the name alone says what is drawn.
- "normal":     W ~ N(0, 1), the "Gaussian with standard deviation one" of Suresh (2016).
- "default":    PyTorch's nn.Linear default, U(±1/sqrt(fan_in)), so Var(W) = 1/(3 fan_in); its bias likewise.
- "lecun":      LeCun et al. (1998), "Efficient BackProp" §4.6: N(0, 1/fan_in).
- "glorot":     Glorot & Bengio (2010), eq. 16, "normalized initialization": U(±sqrt(6/(fan_in+fan_out))),
                so Var(W) = 2/(fan_in+fan_out), the compromise between keeping the forward variance
                (fan_in Var(W) = 1) and the backward variance (fan_out Var(W) = 1) for units linear near 0.
                https://proceedings.mlr.press/v9/glorot10a.html
- "he":         He et al. (2015), eq. 10: N(0, 2/fan_in), which makes up for ReLU zeroing half its inputs
                (½ fan_in Var(W) = 1). https://arxiv.org/abs/1502.01852
- "orthogonal": Saxe et al. (2014): a random (semi-)orthogonal matrix with gain 1, every singular value
                exactly 1. https://arxiv.org/abs/1312.6120
Biases start at zero for every scheme except "default", which keeps PyTorch's own bias init.
"""

from __future__ import annotations

import math

import torch
from torch import nn

# The names live in a torch-free module, so pages can list them without importing torch.
from gradviz.net_options import INITS


def activation_module(name: str) -> nn.Module:
    """The activation φ by name; "linear" is φ(z) = z (the residual lesson's linear blocks)."""
    return {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "gelu": nn.GELU, "linear": nn.Identity}[name]()


def weight_variance(scheme: str, fan_in: int, fan_out: int) -> float:
    """Var(W_ij) that `scheme` draws from, as its paper defines it (orthogonal: 1/fan_in for a square matrix)."""
    return {
        "normal": 1.0,
        "default": 1.0 / (3 * fan_in),  # U(-a, a) has variance a²/3, a = 1/sqrt(fan_in)
        "lecun": 1.0 / fan_in,
        "glorot": 2.0 / (fan_in + fan_out),
        "he": 2.0 / fan_in,
        "orthogonal": 1.0 / max(fan_in, fan_out),  # rows (or columns) of unit length: Σ W_ij² = min(fan_in, fan_out)
    }[scheme]


def init_linear(layer: nn.Linear, scheme: str, generator: torch.Generator) -> None:
    """Re-initialize one linear layer in place with the named scheme (no activation-dependent gain).

    Every draw takes an explicit generator: sessions train in threads of one process, so the global
    RNG would make one student's run depend on another's.
    """
    w = layer.weight  # (fan_out, fan_in)
    fan_out, fan_in = w.shape
    with torch.no_grad():
        if scheme == "default":
            # W_ij, b_i ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)): what nn.Linear.reset_parameters draws
            bound = 1.0 / math.sqrt(fan_in)
            w.uniform_(-bound, bound, generator=generator)
            if layer.bias is not None:
                layer.bias.uniform_(-bound, bound, generator=generator)
            return
        if scheme == "normal":
            # W_ij ~ N(0, 1)
            nn.init.normal_(w, 0.0, 1.0, generator=generator)
        elif scheme == "lecun":
            # W_ij ~ N(0, 1/fan_in)
            nn.init.normal_(w, 0.0, math.sqrt(1.0 / fan_in), generator=generator)
        elif scheme == "glorot":
            # W_ij ~ U(-a, a),  a = sqrt(6 / (fan_in + fan_out)),  so Var(W) = a²/3 = 2 / (fan_in + fan_out)
            bound = math.sqrt(6.0 / (fan_in + fan_out))
            w.uniform_(-bound, bound, generator=generator)
        elif scheme == "he":
            # W_ij ~ N(0, 2/fan_in)
            nn.init.normal_(w, 0.0, math.sqrt(2.0 / fan_in), generator=generator)
        elif scheme == "orthogonal":
            # W = Q,  Q Qᵀ = I or Qᵀ Q = I (gain 1: every singular value is 1)
            nn.init.orthogonal_(w, gain=1.0, generator=generator)
        else:
            raise ValueError(f"unknown init {scheme!r}; choose from {INITS}")
        if layer.bias is not None:
            layer.bias.zero_()
