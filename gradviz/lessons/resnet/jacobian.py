"""The input–output Jacobian of the block stack at initialization, and its singular values.

For x⁽ⁿ⁾ = body(x⁽⁰⁾) the Jacobian is a product of one factor per block (lecture: ∂h⁽ᵀ⁾/∂h⁽¹⁾ is the
product of the individual Jacobians):

    plain:     ∂x⁽ⁿ⁾/∂x⁽⁰⁾ = Π_ℓ J_ℓ                 J_ℓ = ∂F_ℓ/∂x = W₂ diag(φ′(z_ℓ)) W₁
    residual:  ∂x⁽ⁿ⁾/∂x⁽⁰⁾ = Π_ℓ (I + J_ℓ)

Its singular values say how much the backward pass stretches or shrinks a gradient in each direction:
all far below 1 is vanishing, far above exploding. With small J_ℓ (PyTorch's default init gives
‖J_ℓ‖ well below 1) the plain product collapses geometrically while I + J_ℓ stays near the identity.
Orthogonal weights (Saxe et al. 2014) make every singular value of a *linear* plain net exactly 1; a
ReLU zeroes about half the directions at every layer, so orthogonality alone cannot keep a deep ReLU
product near 1 (Pennington, Schoenholz & Ganguli 2017, https://arxiv.org/abs/1711.04735).

Computed with autograd (`torch.autograd.functional.jacobian`) at one input x⁽⁰⁾ ~ N(0, I), so the numbers
are the exact derivatives at that point; the tests check them against finite differences. Registered as
the experiment "resnet_jacobian" so the default view is precomputed (torch imported inside `run` only).
"""

from __future__ import annotations

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
    "plain, orthogonal": (False, "orthogonal"),
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
        s = torch.linalg.svdvals(jacobian_at(model, x0)).tolist()  # descending
        rows += [(label, k + 1, v) for k, v in enumerate(s)]
        meta[label] = {"largest": s[0], "smallest": s[-1], "median": float(np.median(s))}
        if on_step is not None:
            on_step((i + 1) / len(NETS), f"{label} net")
    return Result(
        tables={"singular": pd.DataFrame(rows, columns=["net", "index", "value"])}, meta={"nets": meta}
    )


def summary(result: Result) -> pd.DataFrame:
    """net, largest, median and smallest of the nonzero singular values, and zeros: how many are zero to
    float64 precision (below ZERO_BELOW × the largest: directions the net kills, or shrinks beyond resolution)."""
    s = result.tables["singular"]
    top = s.groupby("net", sort=False).value.transform("max")
    s = s.assign(zero=s.value <= ZERO_BELOW * top)
    nonzero = s[~s.zero].groupby("net", sort=False).value
    out = pd.DataFrame({"largest": nonzero.max(), "median": nonzero.median(), "smallest": nonzero.min()})
    out["zeros"] = s.groupby("net", sort=False).zero.sum().astype(int)
    return out.reset_index()
