"""Section 5, many units: random recurrent matrices with spectral radius ρ and products of Jacobians."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from gradviz.bounded import BIG, tanh_prime_from_z
from gradviz.lessons.rnn_dynamics.configs import ManyConfig
from gradviz.lessons.rnn_dynamics.words import many_words
from gradviz.results import Result

# == 5. Many units: products of Jacobians ===================================================================
# h_t = φ(W h_{t−1}) with n units. Backprop multiplies Jacobians J_t = diag(φ'(z_t)) W; for a linear net
# the product is W^T and its size follows the spectral radius ρ(W) (the largest |eigenvalue|): ~ ρ^T.

ACTIVATIONS = ("linear", "tanh")
REFERENCE_RADII = (0.9, 1.0, 1.1)  # one below, at and above 1, drawn beside the student's ρ


def random_recurrent_matrix(n: int, rho: float, seed: int) -> np.ndarray:
    """An n×n Gaussian matrix (entries N(0, 1/n)) rescaled so its spectral radius is exactly ρ."""
    rng = np.random.default_rng(seed)
    G = rng.normal(0.0, 1.0 / math.sqrt(n), size=(n, n))
    # W = \rho\,\frac{G}{\max_i |\lambda_i(G)|}
    return rho * G / np.max(np.abs(np.linalg.eigvals(G)))


def initial_state(n: int, seed: int) -> np.ndarray:
    """h_0 ~ N(0, 1) per unit, from the seed's second stream (independent of W's draw)."""
    return np.random.default_rng([seed, 1]).normal(0.0, 1.0, size=n)


def jacobian_gain(W: np.ndarray, T: int, activation: str, h0: np.ndarray) -> np.ndarray:
    """log10 of ‖∂h_t/∂h_0‖_F / √n for t = 0..T, h_t = φ(W h_{t−1}) (φ = identity or tanh).

    The Frobenius norm over √n is the root-mean-square of the singular values (exactly 1 for an orthogonal
    matrix). The running product is rescaled every step and its scale kept as a logarithm, so no step
    overflows or underflows; −inf means the product is exactly zero.
    """
    n = W.shape[0]
    P = np.eye(n)  # ∂h_0/∂h_0, kept as P · 10^log_scale
    log_scale = 0.0
    h = h0.copy()
    out = np.empty(T + 1)
    out[0] = 0.0
    for t in range(1, T + 1):
        z = W @ h  # (n,)
        if activation == "tanh":
            # h_t = \tanh(W h_{t-1}), \quad J_t = \operatorname{diag}(1 - h_t^2)\,W
            h = np.tanh(z)
            J = tanh_prime_from_z(z)[:, None] * W
        else:
            # h_t = W h_{t-1}, \quad J_t = W
            h = z
            J = W
        # \frac{\partial h_t}{\partial h_0} = J_t \frac{\partial h_{t-1}}{\partial h_0}
        P = J @ P
        size = np.max(np.abs(P))
        if size == 0.0:
            out[t:] = -np.inf
            return out
        P /= size
        log_scale += math.log10(size)
        # \|P\|_F / \sqrt{n}
        out[t] = log_scale + math.log10(np.linalg.norm(P) / math.sqrt(n))
    return out


def mean_slope(W: np.ndarray, T: int, h0: np.ndarray) -> tuple[float, float]:
    """(⟨tanh′(z_t)⟩ over every unit and step t = 1..T, mean |h_T|) of the tanh net h_t = tanh(W h_{t−1}).

    The Jacobian of a step is diag(tanh′(z_t)) W: the forward pass sets the slopes, the backward pass
    multiplies by them. ρ⟨tanh′⟩ says how much the squashing offsets the spectral radius on average."""
    h, total = h0.copy(), 0.0
    for _ in range(T):
        z = W @ h  # (n,)
        # h_t = \tanh(W h_{t-1}), \quad \langle\tanh'\rangle = \frac{1}{nT}\sum_{t,i} \tanh'(z_{t,i})
        h = np.tanh(z)
        total += float(tanh_prime_from_z(z).mean())
    return total / T, float(np.abs(h).mean())


def late_rate(log10_gain: np.ndarray) -> float | None:
    """Growth of ‖∂h_t/∂h_0‖ per step over the second half of the run, in natural log units:
    (ln g_T − ln g_{T/2}) / (T − T/2), an estimate of the largest Lyapunov exponent of the backward
    product (> 0: it grows exponentially, < 0: it shrinks). None when T < 2 or the product is exactly 0."""
    T = len(log10_gain) - 1
    half = T // 2
    if T < 2 or not np.isfinite(log10_gain[-1]):
        return None
    # \hat\lambda = \frac{\ln g_T - \ln g_{T/2}}{T - T/2}
    return float((log10_gain[-1] - log10_gain[half]) * math.log(10) / (T - half))


def _gain_from_log10(log10_gain: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        return np.minimum(np.power(10.0, np.minimum(log10_gain, 300.0)), BIG)


def many_units(cfg: ManyConfig) -> Result:
    """Section 5: eigenvalues of W (with the unit circle and the circle of radius ρ), and the Jacobian gain
    against t for the student's ρ and for ρ = 0.9, 1.0, 1.1 with the chosen activation, plus linear vs tanh
    at the student's ρ for the readouts."""
    W1 = random_recurrent_matrix(cfg.n, 1.0, cfg.seed)  # radius 1; every other radius is a rescaling of it
    h0 = initial_state(cfg.n, cfg.seed)
    eig = np.linalg.eigvals(cfg.rho * W1)
    angle = np.linspace(0.0, 2.0 * np.pi, 181)
    circles = pd.concat(
        [
            pd.DataFrame({"re": np.cos(angle), "im": np.sin(angle), "circle": "|λ| = 1"}),
            pd.DataFrame(
                {
                    "re": cfg.rho * np.cos(angle),
                    "im": cfg.rho * np.sin(angle),
                    "circle": f"|λ| = ρ = {cfg.rho:g}",
                }
            ),
        ],
        ignore_index=True,
    ).assign(order=lambda d: d.groupby("circle").cumcount())
    t = np.arange(cfg.T + 1)
    base_linear = jacobian_gain(W1, cfg.T, "linear", h0)  # radius-1 matrix

    def log_gain(rho: float, activation: str) -> np.ndarray:
        if activation == "linear":
            # \|(\rho \hat W)^t\| = \rho^t \|\hat W^t\|: one product serves every radius
            return t * math.log10(rho) + base_linear
        return jacobian_gain(rho * W1, cfg.T, activation, h0)

    rows = []
    radii = sorted({*REFERENCE_RADII, cfg.rho})
    curves = {(rho, cfg.activation): log_gain(rho, cfg.activation) for rho in radii}
    for a in ACTIVATIONS:  # the readouts compare both activations at the student's ρ
        if (cfg.rho, a) not in curves:
            curves[(cfg.rho, a)] = log_gain(cfg.rho, a)
    for rho in radii:
        lg = curves[(rho, cfg.activation)]
        label = f"ρ = {rho:g}" + (" (yours)" if rho == cfg.rho else "")
        rows.append(pd.DataFrame({"t": t, "rho": rho, "series": label, "log10_gain": lg}))
    gains = pd.concat(rows, ignore_index=True)
    gains["gain"] = _gain_from_log10(gains["log10_gain"].to_numpy())
    at_T = {a: float(curves[(cfg.rho, a)][-1]) for a in ACTIVATIONS}
    slope, size = mean_slope(cfg.rho * W1, cfg.T, h0)
    meta = {
        "mean_tanh_slope": slope,
        "effective_gain": cfg.rho * slope,
        "mean_abs_h_T": size,
        "rate_linear": late_rate(curves[(cfg.rho, "linear")]),
        "rate_tanh": late_rate(curves[(cfg.rho, "tanh")]),
        "spectral_radius": float(np.max(np.abs(eig))),
        "norm_2": float(np.linalg.norm(cfg.rho * W1, 2)),
        "log10_gain_linear": at_T["linear"],
        "log10_gain_tanh": at_T["tanh"],
        "gain_linear": float(_gain_from_log10(np.array(at_T["linear"]))),
        "gain_tanh": float(_gain_from_log10(np.array(at_T["tanh"]))),
    }
    meta.update(many_words(cfg, meta))
    eigen = pd.DataFrame({"re": eig.real, "im": eig.imag, "modulus": np.abs(eig)})
    return Result({"eigenvalues": eigen, "circles": circles, "gains": gains}, meta)
