"""Backprop through time seen as an iterated map: numpy-only maths for the "rnn_dynamics" lesson.

An RNN applies the same function at every step, h_t = f(h_{t-1}), so its hidden state is the orbit of an
iterated map and ∂h_T/∂h_0 is a product of T per-step factors f'(h_{t-1}). Inside an attractor's basin a
small change of h_0 is forgotten (the product vanishes); on a basin boundary it flips the outcome (the
product explodes), and the loss as a function of the parameters gets cliffs.

Sources: Grosse & Ba, CSC421/2516 Lecture 14 "Exploding and Vanishing Gradients" (seed 002);
Pascanu, Mikolov & Bengio (2013) "On the difficulty of training recurrent neural networks",
https://arxiv.org/abs/1211.5063 ; Strogatz, "Nonlinear Dynamics and Chaos" (2nd ed., 2015), ch. 10.

Convention used everywhere in this module (and on the page): T counts *steps*. States are h_0 … h_T,
so ∂h_T/∂h_0 is a product of exactly T factors; a linear unit gives w^T. (The lecture numbers its states
h^(1) … h^(T) and writes w^(T-1); its quoted 117.4 = 1.1^50 is a product of fifty factors.)

Every function is vectorised over numpy broadcasting (a loop over time steps only), and bounded: values
whose true size exceeds 1e300 are returned as ±1e300 (`BIG`) so nothing overflows to inf or warns.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Magnitudes are clipped here: "≥ 1e300" is said on screen instead of showing inf.
BIG = 1e300


def _clip(x: np.ndarray) -> np.ndarray:
    return np.clip(x, -BIG, BIG)


def _scale_saturated(factor: np.ndarray, x: np.ndarray) -> np.ndarray:
    """factor · x, where an x already clipped at ±BIG stays saturated (its true size is only a lower bound)."""
    out = _clip(factor * x)
    return np.where((np.abs(x) >= BIG) & (factor != 0), np.sign(factor * x) * BIG, out)


def tanh_prime_from_z(z: np.ndarray) -> np.ndarray:
    """tanh'(z) = 1 − tanh²(z) = sech²(z), computed as 4e^{−2|z|}/(1+e^{−2|z|})² so it never overflows
    and keeps its relative precision where 1 − h² would round to 0 (|z| > 19)."""
    # \operatorname{sech}^2 z = \frac{4 e^{-2|z|}}{(1 + e^{-2|z|})^2}
    e = np.exp(-2.0 * np.abs(z))
    return 4.0 * e / (1.0 + e) ** 2


# -- the one-unit tanh RNN: the contract other lessons call ---------------------------------------------


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
