"""Section 1, the scalar chain: ∂h_T/∂h_0 as a product of T per-step factors ∂h_t/∂h_{t-1} = w φ'(z_t),
for a linear unit (w^T) and a tanh unit (each factor also multiplied by 1 − h_t²)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gradviz.bounded import _clip, tanh_prime_from_z
from gradviz.lessons.rnn_dynamics.configs import ChainConfig
from gradviz.lessons.rnn_dynamics.words import chain_words
from gradviz.results import Result

# == 1. The scalar chain ==================================================================================
# The lecture's univariate encoder. Backprop through T steps multiplies T per-step factors
# ∂h_t/∂h_{t-1} = w φ'(z_t): with a linear unit every factor is w, with tanh the forward pass squashes
# h_t and every factor is also multiplied by 1 − h_t² < 1.

LECTURE_EXPLODING = 117.4  # the lecture's "w = 1.1, T = 50" value: 1.1**50 = 117.39
LECTURE_VANISHING = 0.00515  # the lecture's "w = 0.9, T = 50" value: 0.9**50 = 0.005154


def linear_chain(w, T) -> np.ndarray:
    """∂h_T/∂h_0 of the linear unit h_t = w h_{t-1}: w^T (T factors), clipped to ±1e300; broadcasts."""
    with np.errstate(over="ignore", under="ignore"):
        # \frac{\partial h_T}{\partial h_0} = \prod_{t=1}^{T} w = w^T
        return _clip(np.power(np.asarray(w, dtype=float), np.asarray(T, dtype=float)))


def scalar_chain(cfg: ChainConfig) -> Result:
    """Per-step factors and running products for the linear and the tanh unit, t = 0..T.

    tables["chain"]: one row per (t, unit): factor ∂h_t/∂h_{t-1}, product ∂h_t/∂h_0 and its magnitude.
    meta: the two products at T, and the lecture's own formula w^(T−1) for comparison.
    """
    t = np.arange(cfg.T + 1)
    # linear unit: every factor is w
    lin_factor = np.full(cfg.T + 1, float(cfg.w))
    lin_factor[0] = 1.0
    lin_product = linear_chain(cfg.w, t)
    # tanh unit: run the forward pass, keep each factor w (1 − h_t²) beside its step
    h = np.empty(cfg.T + 1)
    tanh_factor = np.ones(cfg.T + 1)
    h[0] = cfg.h0
    for k in range(1, cfg.T + 1):
        z = cfg.w * h[k - 1] + cfg.b
        # h_t = \tanh(w h_{t-1} + b)
        h[k] = np.tanh(z)
        # \frac{\partial h_t}{\partial h_{t-1}} = w\,(1 - h_t^2)
        tanh_factor[k] = cfg.w * tanh_prime_from_z(z)
    with np.errstate(over="ignore", under="ignore"):
        # \frac{\partial h_t}{\partial h_0} = \prod_{s \le t} w\,(1 - h_s^2)
        tanh_product = _clip(np.cumprod(tanh_factor))
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "t": t,
                    "unit": "linear",
                    "h": cfg.h0 * lin_product,
                    "factor": lin_factor,
                    "product": lin_product,
                }
            ),
            pd.DataFrame({"t": t, "unit": "tanh", "h": h, "factor": tanh_factor, "product": tanh_product}),
        ],
        ignore_index=True,
    )
    frame["magnitude"] = frame["product"].abs()
    frame["h"] = _clip(frame["h"].to_numpy())
    meta = {
        "linear": float(lin_product[-1]),
        "tanh": float(tanh_product[-1]),
        "lecture_formula": float(linear_chain(cfg.w, cfg.T - 1)),  # w^(T−1): the lecture's indexing
        # geometric mean of |factor|: the per-step shrink or growth that compounds into the product
        "tanh_mean_factor": float(np.exp(np.mean(np.log(np.maximum(np.abs(tanh_factor[1:]), 1e-300))))),
        "h_T": float(h[-1]),
    }
    meta.update(chain_words(cfg, meta))
    return Result({"chain": frame}, meta)
