"""Residual nets as collections of paths (Veit, Wilber & Belongie 2016, https://arxiv.org/abs/1605.06431).

Unrolling n residual blocks x⁽ℓ⁾ = x⁽ℓ⁻¹⁾ + F_ℓ(x⁽ℓ⁻¹⁾) gives 2ⁿ paths from input to output: at each block a
path either enters F_ℓ or takes the skip. Backprop is linear in the incoming gradient, so

    ∂x⁽ⁿ⁾/∂x⁽⁰⁾ = Π_ℓ (I + J_ℓ) = Σ_{S ⊆ {1..n}} Π_{ℓ∈S} J_ℓ          (J_ℓ = ∂F_ℓ/∂x at the forward point)

exactly: the full gradient is the sum of one term per path, and the path through the blocks S has length |S|.
The number of paths of length k is C(n, k) — a binomial distribution centred on n/2. Veit et al. measured
the gradient one path carries by backpropagating through F_ℓ for k sampled blocks and through the skip for
the others, and estimated the gradient of all length-k paths as C(n, k) × the mean per-path norm; in their
54-block ResNet-110 most of it came from paths 5–17 blocks (10–34 layers) long. Deleting a single block of a
trained residual net removes half its paths and leaves the rest working; deleting a layer of a plain net
breaks its only path.

The counting is numpy; the measurements (`path_gradient`, `sample_path_gradients`, `lesion`) take a
`gradviz.lessons.resnet.nets.BlockMLP` and import torch when called.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from gradviz import lazy

torch = lazy.module("torch")  # imported at first use: reading a precomputed result never loads it
F = lazy.module("torch.nn.functional")

if TYPE_CHECKING:
    from gradviz.lessons.resnet.nets import BlockMLP


def path_length_distribution(n: int) -> pd.DataFrame:
    """k, n_paths = C(n, k), share = C(n, k) / 2ⁿ for k = 0..n (paths through exactly k of n blocks)."""
    k = np.arange(n + 1)
    # \#\{S : |S| = k\} = \binom{n}{k}
    counts = np.array([math.comb(n, int(i)) for i in k], dtype=float)
    return pd.DataFrame({"k": k, "n_paths": counts, "share": counts / 2.0**n})


def central_range(n: int, mass: float = 0.95) -> tuple[int, int]:
    """The shortest range of lengths [lo, hi], symmetric about n/2, holding at least `mass` of the paths."""
    share = path_length_distribution(n).share.to_numpy()
    for half in range(n + 1):
        lo, hi = max(0, math.floor(n / 2 - half)), min(n, math.ceil(n / 2 + half))
        if share[lo : hi + 1].sum() >= mass:
            return lo, hi
    return 0, n


def route_for(subset: frozenset[int] | set[int], n: int) -> tuple[str, ...]:
    """The per-block routing that backpropagates along the single path through `subset` (1-based blocks)."""
    return tuple("branch" if b in subset else "skip" for b in range(1, n + 1))


def path_gradient(model: BlockMLP, x: torch.Tensor, y: torch.Tensor, subset: set[int]) -> torch.Tensor:
    """∂L/∂x⁽⁰⁾ along the one path through the blocks in `subset`: Π_{ℓ∈S} J_ℓ applied to ∂L/∂x⁽ⁿ⁾.

    The forward values are those of the whole net; only the backward pass is routed."""

    n = len(model.blocks)
    x0 = model.stem(x).detach().requires_grad_(True)  # (batch, width)
    loss = F.cross_entropy(model.head(model.body(x0, route=route_for(subset, n))), y)
    (grad,) = torch.autograd.grad(loss, x0)
    return grad  # (batch, width)


def full_gradient(model: BlockMLP, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """∂L/∂x⁽⁰⁾ through the whole net (every path at once)."""

    x0 = model.stem(x).detach().requires_grad_(True)
    (grad,) = torch.autograd.grad(F.cross_entropy(model.head(model.body(x0)), y), x0)
    return grad


def sample_path_gradients(
    model: BlockMLP, x: torch.Tensor, y: torch.Tensor, samples: int, generator: torch.Generator
) -> pd.DataFrame:
    """Veit et al.'s experiment: for every length k, `samples` random paths through k blocks, and the norm
    of the gradient each carries to x⁽⁰⁾. Long-form: k, sample, grad_norm. (Length 0 and n have one path.)"""

    n = len(model.blocks)
    rows = []
    was_training = model.training
    model.eval()  # batch norm with its running statistics: each example's path is its own
    for k in range(n + 1):
        draws = 1 if k in (0, n) else samples
        for s in range(draws):
            subset = {int(b) + 1 for b in torch.randperm(n, generator=generator)[:k]}
            g = path_gradient(model, x, y, subset)
            rows.append((k, s, float(torch.linalg.vector_norm(g.double()))))
    model.train(was_training)
    return pd.DataFrame(rows, columns=["k", "sample", "grad_norm"])


def gradient_by_length(samples: pd.DataFrame, n: int) -> pd.DataFrame:
    """k, mean per-path gradient norm, n_paths, and Veit et al.'s total estimate C(n, k) × mean, with each
    length's share of the total."""
    mean = samples.groupby("k").grad_norm.mean()
    dist = path_length_distribution(n).set_index("k")
    out = dist.join(mean.rename("mean_norm"), how="left").reset_index()
    # \text{total}_k \approx \binom{n}{k}\,\overline{\|g_{\text{path}}\|}_k
    out["total"] = out.n_paths * out.mean_norm
    out["total_share"] = out.total / out.total.sum()
    return out


def effective_range(by_length: pd.DataFrame, mass: float = 0.9) -> tuple[int, int]:
    """The narrowest contiguous range of lengths holding at least `mass` of the estimated total gradient."""
    share = by_length.sort_values("k").total_share.fillna(0).to_numpy()
    n = len(share)
    best = (0, n - 1)
    for lo in range(n):
        acc = 0.0
        for hi in range(lo, n):
            acc += share[hi]
            if acc >= mass:
                if hi - lo < best[1] - best[0]:
                    best = (lo, hi)
                break
    return best


def lesion(model: BlockMLP, x: torch.Tensor, y: torch.Tensor) -> pd.DataFrame:
    """Held-out accuracy with each block deleted in turn (block 0: nothing deleted). Long-form: block, accuracy."""

    was_training = model.training
    model.eval()
    rows = []
    with torch.no_grad():
        for b in range(len(model.blocks) + 1):
            logits = model(x, removed=(b,) if b else ())
            rows.append((b, float((logits.argmax(1) == y).double().mean())))
    model.train(was_training)
    return pd.DataFrame(rows, columns=["block", "accuracy"])
