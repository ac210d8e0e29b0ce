"""The input–output Jacobian of the block stack at initialization, and its singular values.

For x⁽ⁿ⁾ = body(x⁽⁰⁾) the Jacobian is a product of one factor per block (lecture: ∂h⁽ᵀ⁾/∂h⁽¹⁾ is the
product of the individual Jacobians):

    plain:     ∂x⁽ⁿ⁾/∂x⁽⁰⁾ = Π_ℓ J_ℓ                 J_ℓ = ∂F_ℓ/∂x = W₂ diag(φ′(z_ℓ)) W₁
    residual:  ∂x⁽ⁿ⁾/∂x⁽⁰⁾ = Π_ℓ (I + J_ℓ)

Its singular values say how much the backward pass stretches or shrinks a gradient in each direction:
all far below 1 is vanishing, far above exploding. With small J_ℓ (PyTorch's default init gives
‖J_ℓ‖ well below 1) the plain product collapses geometrically while I + J_ℓ stays near the identity.
Orthogonal weights (Saxe et al. 2014) make every singular value of a *linear* plain net exactly 1. A ReLU
zeroes about half the directions at every layer, so the orthogonal ReLU net scales the first layer of each
block by the gain √2 (He et al. 2015: ½ · gain² = 1 keeps the mean squared singular value at 1; with gain 1
each block would shrink by ≈ 1/√2 on average, 0.707¹⁶ ≈ 4e-3 over 16 blocks). Even at the right gain a deep
ReLU product's spectrum spreads (Pennington, Schoenholz & Ganguli 2017, https://arxiv.org/abs/1711.04735):
that spread, not the gain, is what remains. At one input a ReLU Jacobian is rank-deficient: the units a layer
switches off pass nothing, so some singular values are exactly 0 (SVD returns them as rounding noise).

Computed with autograd (`torch.autograd.functional.jacobian`) at one input x⁽⁰⁾ ~ N(0, I), so the numbers
are the exact derivatives at that point; the tests check them against finite differences. Registered as
the experiment "resnet_jacobian" so the default view is precomputed (torch imported inside `run` only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from gradviz import lazy
from gradviz.progress import ProgressFn
from gradviz.results import Result

torch = lazy.module("torch")  # imported at first use: reading a precomputed result never loads it

NETS = {  # label -> (skip connection, init)
    "plain": (False, "default"),
    "residual": (True, "default"),
    "plain, orthogonal": (False, "orthogonal"),  # gain √2 on each block's first layer with ReLU
}
DEPTH_RANGE = (1, 50)
ZERO_BELOW = 1e-12  # σ below 1e-12 × the largest cannot be told from zero in float64 (a lost or unresolvable direction)


@dataclass(frozen=True)
class Config:
    depth: int = 16  # blocks: the default sweep's deepest net
    activation: Literal["relu", "tanh", "linear"] = "relu"  # the sweep's; "linear" shows the orthogonal ideal
    width: int = 64  # as in the sweep: a 64 × 64 Jacobian, 64 singular values
    seed: int = 0  # the weights (shared by the plain and residual nets) and the input point


PRESETS: dict[str, Config] = {
    "default": Config(),
    "linear": Config(activation="linear"),
    "tanh": Config(activation="tanh"),
}


def orthogonal_gain(activation: str) -> float:
    """The gain of an orthogonal layer followed by `activation` that keeps E‖J v‖² = ‖v‖² (He et al. 2015):
    √2 for ReLU (it passes half of the squared norm), 1 for the linear net (Saxe et al. 2014) and for tanh
    (its slope is 1 at 0, the point the orthogonal net's small inputs sit near)."""
    # ½ · g² = 1 ⇒ g = √2 (ReLU)
    return math.sqrt(2.0) if activation == "relu" else 1.0


def min_active_units(model, x0) -> int:
    """The fewest units any block's ReLU keeps active at x0, in a plain net: ∂x⁽ⁿ⁾/∂x⁽⁰⁾ = Π W₂ D_ℓ W₁ with
    D_ℓ = diag(1[z_ℓ > 0]), so its rank is at most min_ℓ rank D_ℓ, and at least width − that many singular
    values are exactly 0."""
    x, fewest = x0.unsqueeze(0), x0.numel()
    with torch.no_grad():
        for block in model.blocks:
            fewest = min(fewest, int((block.norm(block.fc1(x)) > 0).sum()))
            x = block(x)  # plain: x⁽ℓ⁾ = F(x⁽ℓ⁻¹⁾)
    return fewest


def jacobian_at(model, x0):
    """∂ body(x) / ∂x at x = x0, for one input vector x0 of shape (width,): a (width, width) matrix."""

    # J_ij = ∂x⁽ⁿ⁾_i / ∂x⁽⁰⁾_j
    return torch.autograd.functional.jacobian(lambda v: model.body(v.unsqueeze(0)).squeeze(0), x0)


def run(cfg: Config, on_step: ProgressFn | None = None) -> Result:
    """Singular values of the stack's Jacobian at init, for the plain, residual and orthogonal plain nets.

    Long-form table "singular": net, index (1 = largest), value."""

    from gradviz.lessons.resnet.nets import BlockMLP

    if not DEPTH_RANGE[0] <= cfg.depth <= 200 or cfg.width < 1:
        raise ValueError(f"invalid config {cfg}")
    x0 = torch.randn(cfg.width, generator=torch.Generator().manual_seed(cfg.seed + 1000), dtype=torch.float64)
    rows, meta = [], {}
    for i, (label, (skip, init)) in enumerate(NETS.items()):
        gen = torch.Generator().manual_seed(cfg.seed)
        model = (
            BlockMLP(784, cfg.width, cfg.depth, 10, skip, "none", cfg.activation, init, gen).double().eval()
        )
        if init == "orthogonal":
            with torch.no_grad():  # W₁ = g·Q: the layer each block's activation follows (W₂ stays Q)
                for block in model.blocks:
                    block.fc1.weight.mul_(orthogonal_gain(cfg.activation))
        s = torch.linalg.svdvals(jacobian_at(model, x0)).tolist()  # descending
        rows += [(label, k + 1, v) for k, v in enumerate(s)]
        meta[label] = {"largest": s[0], "smallest": s[-1], "median": float(np.median(s))}
        meta[label]["min_active"] = (
            min_active_units(model, x0) if cfg.activation == "relu" and not skip else None
        )
        if on_step is not None:
            on_step((i + 1) / len(NETS), f"{label} net")
    return Result(
        tables={"singular": pd.DataFrame(rows, columns=["net", "index", "value"])}, meta={"nets": meta}
    )


def summary(result: Result) -> pd.DataFrame:
    """net, largest, median and smallest of the nonzero singular values, zeros: how many are zero to float64
    precision (below ZERO_BELOW × the largest: directions the net kills, or shrinks beyond resolution), and
    exact_zeros: how many of those are exactly 0 by the ReLU rank bound (plain ReLU nets; else 0)."""
    s = result.tables["singular"]
    top = s.groupby("net", sort=False).value.transform("max")
    s = s.assign(zero=s.value <= ZERO_BELOW * top)
    nonzero = s[~s.zero].groupby("net", sort=False).value
    out = pd.DataFrame({"largest": nonzero.max(), "median": nonzero.median(), "smallest": nonzero.min()})
    out["zeros"] = s.groupby("net", sort=False).zero.sum().astype(int)
    out = out.reset_index()
    width = s.groupby("net", sort=False).index.max()
    # σ that are exactly 0 by the rank bound: width − the fewest active ReLU units (0 where not measured)
    nets = result.meta.get("nets", {})
    out["exact_zeros"] = [
        int(width[n] - nets[n]["min_active"]) if nets.get(n, {}).get("min_active") is not None else 0
        for n in out.net
    ]
    return out
