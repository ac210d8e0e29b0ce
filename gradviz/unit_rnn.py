"""The one-unit tanh RNN h_t = tanh(w h_{t-1} + b): its forward pass, ∂h_T/∂h_0, the loss
L = ½ (h_T − y)² with its gradient, and where that loss has a cliff in b.

Shared by two lessons that teach the same unit: backprop through time (its attractors, basins and cliffs)
and gradient clipping (descent on its cliff). The lecture: Grosse & Ba, CSC421/2516 Lecture 14; Pascanu,
Mikolov & Bengio (2013), §2–3, https://arxiv.org/abs/1211.5063 ; Doya (1993) for the saddle-node cliff.
Vectorised over numpy broadcasting (a loop over time steps only); magnitudes bounded at ±1e300.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gradviz.bounded import BIG, _clip, _scale_saturated, tanh_prime_from_z


def rnn_unit_forward(w, b, T: int, h0=0.0) -> np.ndarray:
    """h_T of the one-unit RNN h_t = tanh(w h_{t-1} + b), t = 1..T; broadcasts over array w, b, h0."""
    w, b, h = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (w, b, h0)))
    h = h.copy()
    for _ in range(int(T)):
        # h_t = \tanh(w h_{t-1} + b)
        h = np.tanh(w * h + b)
    return h


def rnn_unit_dhT_dh0(w, b, T: int, h0) -> np.ndarray:
    """∂h_T/∂h_0 = Π_{t=1..T} w (1 − h_t²), each factor beside its forward step; clipped to ±1e300."""
    w, b, h = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (w, b, h0)))
    h = h.copy()
    jac = np.ones_like(h)  # ∂h_0/∂h_0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(T)):
            z = w * h + b
            # h_t = \tanh(z_t), \quad z_t = w h_{t-1} + b
            h = np.tanh(z)
            # \frac{\partial h_t}{\partial h_0} = w\,(1 - h_t^2)\,\frac{\partial h_{t-1}}{\partial h_0}
            jac = _clip(w * tanh_prime_from_z(z) * jac)
    return jac


def rnn_unit_loss_grad(w, b, T: int, target, h0=0.0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """L = ½ (h_T − target)² and (∂L/∂w, ∂L/∂b) by forward-mode recursion, vectorised over grids.

    Returns (L, ∂L/∂w, ∂L/∂b), each of the broadcast shape of (w, b, target, h0); gradients clipped to ±1e300.
    """
    w, b, target, h = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (w, b, target, h0)))
    h = h.copy()
    dh_dw = np.zeros_like(h)  # h_0 does not depend on w or b
    dh_db = np.zeros_like(h)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(T)):
            z = w * h + b
            d = tanh_prime_from_z(z)  # 1 − h_t²
            # \frac{\partial h_t}{\partial w} = (1 - h_t^2)\,(h_{t-1} + w \frac{\partial h_{t-1}}{\partial w})
            dh_dw = _clip(d * (h + w * dh_dw))
            # \frac{\partial h_t}{\partial b} = (1 - h_t^2)\,(1 + w \frac{\partial h_{t-1}}{\partial b})
            dh_db = _clip(d * (1.0 + w * dh_db))
            h = np.tanh(z)
        err = h - target
        # L = \tfrac12 (h_T - y)^2, \quad \frac{\partial L}{\partial \theta} = (h_T - y)\,\frac{\partial h_T}{\partial \theta}
        loss = 0.5 * err**2
        return loss, _scale_saturated(err, dh_dw), _scale_saturated(err, dh_db)


def loss_grid(w_values, b_values, T: int, target, h0=0.0) -> pd.DataFrame:
    """Long-form rows (w, b, loss, grad_w, grad_b, grad_norm): one row per (w, b) grid point."""
    W, B = np.meshgrid(np.asarray(w_values, dtype=float), np.asarray(b_values, dtype=float), indexing="ij")
    loss, gw, gb = rnn_unit_loss_grad(W, B, T, target, h0)
    # \|\nabla L\| = \sqrt{(\partial L/\partial w)^2 + (\partial L/\partial b)^2}, computed without overflow
    norm = np.minimum(np.hypot(gw, gb), BIG)
    return pd.DataFrame(
        {
            "w": W.ravel(),
            "b": B.ravel(),
            "loss": loss.ravel(),
            "grad_w": gw.ravel(),
            "grad_b": gb.ravel(),
            "grad_norm": norm.ravel(),
        }
    )


def basin_boundary_bias(w, h0):
    """The bias at which h_0 is the repelling fixed point, i.e. sits on the boundary between two basins:
    h0 = tanh(w h0 + b) ⇔ b = atanh(h0) − w h0, valid where |f'(h0)| = |w| (1 − h0²) > 1; NaN elsewhere."""
    w = np.asarray(w, dtype=float)
    # b^* = \operatorname{atanh}(h_0) - w\,h_0
    b = np.arctanh(h0) - w * h0
    return np.where(np.abs(w) * (1.0 - h0 * h0) > 1.0, b, np.nan)


def saddle_node_bias(w):
    """b_c(w) > 0 for w > 1: the tanh unit has two attractors exactly when |b| < b_c(w). At b = ±b_c an
    attractor collides with the repelling point and both vanish (a saddle-node bifurcation, where
    f(h) = h and f'(h) = 1: w(1 − h_c²) = 1). NaN for w ≤ 1, where there is only ever one fixed point."""
    w = np.asarray(w, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        # h_c = \sqrt{1 - 1/w}, \quad b_c = w\,h_c - \operatorname{atanh}(h_c)
        h_c = np.sqrt(np.where(w > 1.0, 1.0 - 1.0 / np.where(w > 1.0, w, 2.0), np.nan))
        return w * h_c - np.arctanh(h_c)


def cliff_bias(w, h0) -> tuple[np.ndarray, np.ndarray]:
    """Where the loss over b has its cliff for the start h0, and why: (b, kind), vectorised over w.

    kind "boundary": h0 is the repelling fixed point at b = atanh(h0) − w h0 (needs |w|(1 − h0²) > 1), so
    it sits on the boundary between two basins. kind "saddle-node": w > 1 but h0 lies outside the repelling
    point's range (|h0| > h_c = √(1 − 1/w), i.e. 1 < w ≤ 1/(1 − h0²)); then h0 always falls into the
    attractor on its own side while that attractor exists, and the cliff is where it disappears, at
    b = −sign(h0) b_c(w) (Doya 1993). kind "" and b NaN: no cliff (|w| ≤ 1: one attractor; w < −1: the
    fixed point never crosses h0 while repelling)."""
    w = np.asarray(w, dtype=float)
    boundary = basin_boundary_bias(w, h0)
    with np.errstate(invalid="ignore"):
        fold = (w > 1.0) & ~np.isfinite(boundary) & (h0 != 0.0)
    # b = -\operatorname{sign}(h_0)\, b_c(w)
    b = np.where(np.isfinite(boundary), boundary, np.where(fold, -np.sign(h0) * saddle_node_bias(w), np.nan))
    kind = np.where(np.isfinite(boundary), "boundary", np.where(fold, "saddle-node", ""))
    return b, kind
