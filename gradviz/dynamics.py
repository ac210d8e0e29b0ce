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

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from gradviz import sources
from gradviz.results import Result

# The lesson's citations, (text, link), for the page's Sources section.
STROGATZ_2015 = (
    "S. Strogatz (2015), Nonlinear Dynamics and Chaos, 2nd ed., ch. 10: one-dimensional maps, the logistic "
    "map's period-doubling points r1 … r∞ and Lyapunov exponents",
    None,
)
FEIGENBAUM_1978 = (
    "M. Feigenbaum (1978), Quantitative universality for a class of nonlinear transformations, "
    "J. Stat. Phys. 19",
    "https://doi.org/10.1007/BF01020332",
)
SOMPOLINSKY_1988 = (
    "H. Sompolinsky, A. Crisanti & H. Sommers (1988), Chaos in random neural networks, PRL 61",
    "https://doi.org/10.1103/PhysRevLett.61.259",
)
LE_2015 = (
    "Q. Le, N. Jaitly & G. Hinton (2015), A simple way to initialize recurrent networks of rectified linear "
    "units (identity RNNs)",
    "https://arxiv.org/abs/1504.00941",
)
SOURCES = [sources.GROSSE_BA, sources.PASCANU_2013, STROGATZ_2015, FEIGENBAUM_1978, SOMPOLINSKY_1988, LE_2015]

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


# == 1. The scalar chain ==================================================================================
# The lecture's univariate encoder. Backprop through T steps multiplies T per-step factors
# ∂h_t/∂h_{t-1} = w φ'(z_t): with a linear unit every factor is w, with tanh the forward pass squashes
# h_t and every factor is also multiplied by 1 − h_t² < 1.

LECTURE_EXPLODING = 117.4  # the lecture's "w = 1.1, T = 50" value: 1.1**50 = 117.39
LECTURE_VANISHING = 0.00515  # the lecture's "w = 0.9, T = 50" value: 0.9**50 = 0.005154


@dataclass(frozen=True)
class ChainConfig:
    w: float = 1.1  # the lecture's exploding case
    T: int = 50  # the lecture's sequence length; T counts steps (factors), so w^T = 1.1^50 = 117.4 as quoted
    h0: float = 0.5  # tanh unit's start: away from 0 so its factors 1 − h_t² are visibly below 1
    b: float = 0.0  # tanh unit's bias (no input), so the linear and tanh units differ only by the squashing


CHAIN_PRESETS: dict[str, ChainConfig] = {
    "default": ChainConfig(),
    "exploding (w = 1.1, T = 50)": ChainConfig(w=1.1, T=50),
    "vanishing (w = 0.9, T = 50)": ChainConfig(w=0.9, T=50),
}


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


# == 2. Iterated maps: the logistic map f(x) = r x (1 − x) =================================================
# The lecture's example of an iterated function (with r = 3.5; the seed's text drops an x). Its
# derivative along an orbit is again a product, dx_n/dx_0 = Π f'(x_k), and its average log-growth per step
# is the Lyapunov exponent λ: negative on a stable cycle (small changes forgotten), positive in chaos.

FEIGENBAUM_DELTA = 4.669201609102990  # ratio of successive period-doubling intervals (Feigenbaum 1978)
R_INFINITY = 3.569945671870944  # onset of chaos, the limit of the period-doubling points (literature value)


@dataclass(frozen=True)
class MapConfig:
    r: float = 3.5  # the lecture's example: the orbit settles on a stable 4-cycle
    x0: float = 0.2  # a generic start inside (0, 1); 0 and 1 sit on the unstable fixed point 0
    n: int = 40  # steps shown: enough to see the transient die out at r = 3.5


MAP_PRESETS: dict[str, MapConfig] = {
    "default": MapConfig(),
    "fixed point (r = 2.8)": MapConfig(r=2.8),
    "2-cycle (r = 3.2)": MapConfig(r=3.2),
    "4-cycle (r = 3.5, the lecture's)": MapConfig(r=3.5),
    "chaos (r = 3.9)": MapConfig(r=3.9),
}


def logistic(x, r):
    # f(x) = r\,x\,(1 - x)
    return r * x * (1.0 - x)


def logistic_prime(x, r):
    # f'(x) = r\,(1 - 2x)
    return r * (1.0 - 2.0 * x)


def logistic_orbit(r: float, x0: float, n: int) -> np.ndarray:
    """x_0 … x_n of the logistic map (n + 1 values)."""
    xs = np.empty(int(n) + 1)
    xs[0] = x0
    for k in range(int(n)):
        # x_{k+1} = r\,x_k\,(1 - x_k)
        xs[k + 1] = logistic(xs[k], r)
    return xs


def orbit_derivative(r: float, orbit: np.ndarray) -> np.ndarray:
    """dx_k/dx_0 for k = 0..n along a given orbit: the running product of f'(x_j), j < k; clipped to ±1e300."""
    factors = logistic_prime(orbit[:-1], r)
    with np.errstate(over="ignore", under="ignore"):
        # \frac{dx_n}{dx_0} = \prod_{k=0}^{n-1} f'(x_k)
        return _clip(np.concatenate([[1.0], np.cumprod(factors)]))


def cobweb_path(r: float, orbit: np.ndarray) -> pd.DataFrame:
    """The cobweb's vertices in drawing order: (x_0, 0) → (x_0, x_1) → (x_1, x_1) → (x_1, x_2) → …"""
    xs = np.repeat(orbit, 2)[1:]  # x0, x1, x1, x2, x2, …
    ys = np.repeat(orbit[1:], 2)  # x1, x1, x2, x2, …
    x = np.concatenate([[orbit[0]], xs[: len(ys)]])
    y = np.concatenate([[0.0], ys])
    return pd.DataFrame({"order": np.arange(len(x)), "x": x, "y": y})


def lyapunov_exponent(r, x0=0.3, n_transient: int = 500, n_average: int = 4000) -> np.ndarray:
    """λ(r) = (1/N) Σ log|f'(x_k)| along the orbit after a transient; vectorised over r.

    Where the orbit lands exactly on x = ½ (f' = 0, a superstable cycle) λ is −∞ in exact arithmetic;
    log|f'| is floored at log(1e-300) ≈ −691 there, so λ comes out very negative but finite.
    """
    r = np.asarray(r, dtype=float)
    if r.ndim == 0:  # one r (the page's readout): the same sums on Python floats, 20× faster than 0-d arrays
        rf, x, total = float(r), float(x0), 0.0
        for _ in range(n_transient):
            x = rf * x * (1.0 - x)
        for _ in range(n_average):
            total += math.log(max(abs(rf * (1.0 - 2.0 * x)), 1e-300))
            x = rf * x * (1.0 - x)
        return np.float64(total / n_average)
    x = np.full(r.shape, float(x0))
    for _ in range(n_transient):
        x = logistic(x, r)
    total = np.zeros(r.shape)
    for _ in range(n_average):
        # \lambda = \lim_{N\to\infty} \frac1N \sum_{k} \ln |f'(x_k)|
        total += np.log(np.maximum(np.abs(logistic_prime(x, r)), 1e-300))
        x = logistic(x, r)
    return total / n_average


def logistic_fixed_points(r: float) -> pd.DataFrame:
    """The fixed points of f in [0, 1] in closed form, with f'(x*) and stability |f'(x*)| < 1.

    x* = 0 always; x* = 1 − 1/r when r > 1 (solving r x (1 − x) = x).
    """
    points = [0.0] + ([1.0 - 1.0 / r] if r > 1.0 else [])
    slope = [float(logistic_prime(p, r)) for p in points]
    return pd.DataFrame({"x": points, "slope": slope, "stable": [abs(s) < 1.0 for s in slope]})


def find_attractor(
    r: float, x0: float, n_transient: int = 4000, max_period: int = 64, tol: float = 1e-7
) -> dict:
    """Iterate from x0, then look for the smallest period p ≤ max_period with |x_{k+p} − x_k| < tol.

    Returns {"period": p or None, "points": sorted cycle values, "multiplier": Π f' over the cycle}.
    None means no short cycle: chaos, or a cycle so close to a bifurcation that it converges slowly.
    """
    x = float(x0)
    for _ in range(n_transient):
        x = r * x * (1.0 - x)
    tail = logistic_orbit(r, x, 2 * max_period)
    for p in range(1, max_period + 1):
        if np.all(np.abs(tail[p : p + max_period] - tail[:max_period]) < tol):
            cycle = tail[:p]
            with np.errstate(under="ignore"):
                # \mu = \prod_{i=1}^{p} f'(x_i): the cycle is stable when |\mu| < 1
                multiplier = float(np.prod(logistic_prime(cycle, r)))
            return {"period": p, "points": np.sort(cycle), "multiplier": multiplier}
    return {"period": None, "points": np.array([]), "multiplier": float("nan")}


def bifurcation_table(
    r_min: float = 1.0,
    r_max: float = 4.0,
    n_r: int = 801,
    n_keep: int = 120,
    n_transient: int = 2000,
    x0: float = 0.3,
    resolution: int = 400,
) -> pd.DataFrame:
    """Long-form (r, x) points of the attractor for each r: iterate all r at once, drop a transient, keep
    n_keep iterates, and merge points closer than 1/resolution (a cycle gives one row per cycle point)."""
    r = np.linspace(r_min, r_max, n_r)
    x = np.full(n_r, float(x0))
    for _ in range(n_transient):
        x = logistic(x, r)
    kept = np.empty((n_keep, n_r))
    for k in range(n_keep):
        x = logistic(x, r)
        kept[k] = x
    frame = pd.DataFrame({"r": np.tile(r, n_keep), "x": np.round(kept.ravel() * resolution) / resolution})
    return frame.drop_duplicates().sort_values(["r", "x"], ignore_index=True)


def lyapunov_table(r_min: float = 1.0, r_max: float = 4.0, n_r: int = 801) -> pd.DataFrame:
    """Long-form (r, lyapunov) for the λ(r) panel under the bifurcation diagram."""
    r = np.linspace(r_min, r_max, n_r)
    lam = lyapunov_exponent(r)
    return pd.DataFrame(
        {"r": r, "lyapunov": np.maximum(lam, -5.0)}
    )  # floor −5 only so the panel stays readable


def _iterate_with_dr(r: float, x: float, p: int) -> tuple[float, float, float]:
    """f^p(x), its derivative in x (the cycle multiplier when x is on a p-cycle) and in r."""
    dx, dr = 1.0, 0.0
    for _ in range(p):
        # \frac{d x_{k+1}}{dr} = x_k (1 - x_k) + r (1 - 2 x_k) \frac{d x_k}{dr}
        dr = x * (1.0 - x) + r * (1.0 - 2.0 * x) * dr
        dx *= r * (1.0 - 2.0 * x)
        x = r * x * (1.0 - x)
    return x, dx, dr


def superstable_points(k_max: int = 7) -> list[float]:
    """R_0, R_1, …: the r at which x = ½ lies on the stable 2^k-cycle (its multiplier is 0).

    Solved by Newton's method on F(r) = f_r^{2^k}(½) − ½, starting from the Feigenbaum extrapolation.
    """
    found = [2.0, 1.0 + np.sqrt(5.0)]  # closed forms: f(½) = ½ at r = 2; f(f(½)) = ½ at r = 1 + √5
    while len(found) <= k_max:
        r = found[-1] + (found[-1] - found[-2]) / FEIGENBAUM_DELTA
        p = 2 ** len(found)
        for _ in range(60):
            x, _, dr = _iterate_with_dr(r, 0.5, p)
            # r \leftarrow r - \frac{F(r)}{F'(r)}, \quad F(r) = f_r^{p}(\tfrac12) - \tfrac12
            step = (x - 0.5) / dr
            r -= step
            if abs(step) < 1e-15:
                break
        found.append(r)
    return found[: k_max + 1]


def _cycle_point(r: float, p: int, x: float) -> tuple[float, float]:
    """Newton on g(x) = f^p(x) − x from a nearby x: a point of the p-cycle and its multiplier."""
    for _ in range(50):
        fx, mu, _ = _iterate_with_dr(r, x, p)
        # x \leftarrow x - \frac{f^p(x) - x}{\mu - 1}
        step = (fx - x) / (mu - 1.0)
        x -= step
        if abs(step) < 1e-15:
            break
    return x, _iterate_with_dr(r, x, p)[1]


def period_doubling_points(k_max: int = 6) -> list[float]:
    """r_1 = 3, r_2 = 1 + √6, r_3, …: where the 2^(k−1)-cycle loses stability (multiplier −1) and a
    2^k-cycle is born. Follows the cycle from its superstable point R_(k−1) (multiplier 0) by continuation,
    then bisects on multiplier + 1 = 0."""
    supers = superstable_points(k_max)
    out = []
    for k in range(1, k_max + 1):
        p = 2 ** (k - 1)
        lo, x_lo = supers[k - 1], 0.5
        r_step = (supers[k] - supers[k - 1]) / 64
        while True:  # march right until the multiplier passes −1
            x_hi, mu = _cycle_point(lo + r_step, p, x_lo)
            if mu < -1.0:
                hi = lo + r_step
                break
            lo, x_lo = lo + r_step, x_hi
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            x_mid, mu = _cycle_point(mid, p, x_lo)
            if mu < -1.0:
                hi = mid
            else:
                lo, x_lo = mid, x_mid
        out.append(0.5 * (lo + hi))
    return out


def feigenbaum_limit(points: list[float]) -> float:
    """r_∞ estimated from the last three period-doubling points by geometric (Aitken) extrapolation."""
    a, b, c = points[-3:]
    # r_\infty \approx r_k + \frac{(r_k - r_{k-1})^2}{(r_{k-1} - r_{k-2}) - (r_k - r_{k-1})}
    return c + (c - b) ** 2 / ((b - a) - (c - b))


def period_doubling_table(k_max: int = 3) -> pd.DataFrame:
    """Long-form (r, label) of the first period-doubling points (computed) and r_∞ (literature)."""
    points = period_doubling_points(k_max)
    labels = [f"r{k}" for k in range(1, k_max + 1)]
    return pd.DataFrame({"r": [*points, R_INFINITY], "label": [*labels, "r∞"]})


def logistic_to_mandelbrot_c(r):
    """The logistic map is z ↦ z² + c in disguise: with z = r(½ − x), c = r(2 − r)/4."""
    # c = \frac{r}{2} - \frac{r^2}{4}
    return r / 2.0 - r * r / 4.0


def mandelbrot_table(n_re: int = 108, n_im: int = 72, max_iter: int = 60) -> pd.DataFrame:
    """Long-form (re, im, bounded, steps) on a grid of c: does z ↦ z² + c stay bounded from z = 0?
    `steps` counts iterations before |z| > 2 (max_iter for points that never escape)."""
    re = np.linspace(-2.1, 0.6, n_re)
    im = np.linspace(-1.2, 1.2, n_im)
    C = re[None, :] + 1j * im[:, None]
    z = np.zeros_like(C)
    steps = np.full(C.shape, max_iter)
    alive = np.ones(C.shape, dtype=bool)
    for k in range(max_iter):
        # z_n = z_{n-1}^2 + c, computed only while |z| ≤ 2 (beyond that the orbit is known to escape)
        z[alive] = z[alive] ** 2 + C[alive]
        escaped = alive & (np.abs(z) > 2.0)
        steps[escaped] = k + 1
        alive &= ~escaped
    return pd.DataFrame(
        {"re": np.tile(re, n_im), "im": np.repeat(im, n_re), "bounded": alive.ravel(), "steps": steps.ravel()}
    )


def iterated_map(cfg: MapConfig) -> Result:
    """Everything section 2 shows for one (r, x0, n): orbit, dx_n/dx_0, cobweb, map curve, attractor, λ."""
    orbit = logistic_orbit(cfg.r, cfg.x0, cfg.n)
    deriv = orbit_derivative(cfg.r, orbit)
    grid = np.linspace(0.0, 1.0, 201)
    attractor = find_attractor(cfg.r, cfg.x0)
    lam = float(lyapunov_exponent(cfg.r, x0=cfg.x0))
    tables = {
        "orbit": pd.DataFrame(
            {"n": np.arange(cfg.n + 1), "x": orbit, "dxn_dx0": deriv, "magnitude": np.abs(deriv)}
        ),
        "cobweb": cobweb_path(cfg.r, orbit),
        "map": pd.concat(
            [
                pd.DataFrame({"x": grid, "y": logistic(grid, cfg.r), "curve": "f(x) = r x (1 − x)"}),
                pd.DataFrame({"x": grid, "y": grid, "curve": "identity y = x"}),
            ],
            ignore_index=True,
        ),
        "attractor": pd.DataFrame({"point": np.arange(len(attractor["points"])), "x": attractor["points"]}),
        "fixed_points": logistic_fixed_points(cfg.r),
    }
    meta = {
        "lyapunov": lam,
        "period": attractor["period"],
        "multiplier": attractor["multiplier"],
        "dxn_dx0": float(deriv[-1]),
        "mandelbrot_c": float(logistic_to_mandelbrot_c(cfg.r)),
        "attractor_points": [float(x) for x in attractor["points"]],
        "fixed_x": tables["fixed_points"]["x"].tolist(),
        "fixed_slope": tables["fixed_points"]["slope"].tolist(),
        "fixed_stable": tables["fixed_points"]["stable"].tolist(),
        # the average log-growth per step over the n steps shown (λ is its long-run limit)
        "rate_over_n": float(np.log(max(abs(deriv[-1]), 1e-300)) / cfg.n),
    }
    meta.update(map_words(cfg, meta))
    return Result(tables, meta)


# == 3. A one-unit RNN as a dynamical system ================================================================
# Two ways to write one recurrent unit without input: the lecture's tanh unit h_t = tanh(w h_{t−1} + b)
# and Pascanu et al.'s x_t = w σ(x_{t−1}) + b (their Fig. 3–6). A fixed point h* = f(h*) attracts nearby
# states when |f'(h*)| < 1 and repels them when |f'(h*)| > 1; a repelling point between two attractors is
# the boundary of their basins.

FORMS = ("tanh", "sigmoid")  # "tanh": h = tanh(w h + b);  "sigmoid": x = w σ(x) + b (Pascanu et al. 2013)


@dataclass(frozen=True)
class UnitConfig:
    form: Literal["tanh", "sigmoid"] = "tanh"  # the lecture's unit; or Pascanu et al.'s x = w σ(x) + b
    w: float = 2.0  # w > 1 gives a tanh unit two attractors (±0.96) and a repelling point at 0
    b: float = 0.0  # symmetric: the basin boundary sits exactly at h_0 = 0
    T: int = 20  # steps: enough for h_T to reach an attractor from almost every start


UNIT_PRESETS: dict[str, UnitConfig] = {
    "default": UnitConfig(),
    "tanh, one attractor (w = 0.8)": UnitConfig(w=0.8, b=0.3),
    "tanh, two attractors (w = 2)": UnitConfig(w=2.0, b=0.0),
    "Pascanu et al. (w = 5, b = −2.5)": UnitConfig(form="sigmoid", w=5.0, b=-2.5),
}


def sigmoid(x):
    # \sigma(x) = \frac{1}{1 + e^{-x}} = \tfrac12 (1 + \tanh(x/2)), the second form never overflows
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, dtype=float)))


def unit_map(form: str, h, w, b):
    """One step of the unit: f(h) = tanh(w h + b) or f(x) = w σ(x) + b."""
    if form == "tanh":
        return np.tanh(w * h + b)
    # x_t = w\,\sigma(x_{t-1}) + b
    return w * sigmoid(h) + b


def unit_map_prime(form: str, h, w, b):
    """f'(h): w (1 − tanh²(w h + b)) or w σ(x)(1 − σ(x)) = (w/4) sech²(x/2)."""
    if form == "tanh":
        # f'(h) = w\,(1 - \tanh^2(w h + b))
        return w * tanh_prime_from_z(w * h + b)
    # f'(x) = w\,\sigma(x)(1 - \sigma(x)) = \tfrac{w}{4}\operatorname{sech}^2(x/2)
    return 0.25 * w * tanh_prime_from_z(0.5 * np.asarray(h, dtype=float))


def unit_state_range(form: str, w: float, b: float) -> tuple[float, float]:
    """An interval of states that holds every fixed point and every orbit after one step."""
    if form == "tanh":
        return -1.0, 1.0  # tanh's range
    # w σ(x) + b lies between b and b + w (works elementwise on arrays too)
    return np.minimum(b, b + w) - 0.5, np.maximum(b, b + w) + 0.5


def unit_unroll(form: str, w, b, T: int, h0) -> tuple[np.ndarray, np.ndarray]:
    """(h_T, ∂h_T/∂h_0) for either form; broadcasts over h0 (and w, b); derivative clipped to ±1e300."""
    if form == "tanh":
        return rnn_unit_forward(w, b, T, h0), rnn_unit_dhT_dh0(w, b, T, h0)
    w, b, x = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (w, b, h0)))
    x = x.copy()
    jac = np.ones_like(x)
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(T)):
            # \frac{\partial x_t}{\partial x_0} = w\,\sigma'(x_{t-1})\,\frac{\partial x_{t-1}}{\partial x_0}
            jac = _clip(unit_map_prime("sigmoid", x, w, b) * jac)
            # x_t = w\,\sigma(x_{t-1}) + b
            x = unit_map("sigmoid", x, w, b)
    return x, jac


def unit_fixed_points(form: str, w: float, b: float, n_grid: int = 4001) -> pd.DataFrame:
    """Fixed points h* = f(h*) of one unit: sign changes of g(h) = f(h) − h on a fine grid, refined by
    bisection (vectorised over the brackets). Columns: h, slope f'(h*), stable (|f'(h*)| < 1).

    g changes sign at every simple root; a double root (the moment two fixed points are born) is missed
    only exactly at the tangency, a set of parameters of measure zero.
    """
    lo_end, hi_end = unit_state_range(form, w, b)
    h = np.linspace(lo_end, hi_end, n_grid)
    g = unit_map(form, h, w, b) - h
    exact = h[g == 0.0]
    idx = np.nonzero(g[:-1] * g[1:] < 0.0)[0]
    lo, hi = h[idx], h[idx + 1]
    g_lo = g[idx]
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        g_mid = unit_map(form, mid, w, b) - mid
        left = np.sign(g_mid) == np.sign(g_lo)
        lo, g_lo = np.where(left, mid, lo), np.where(left, g_mid, g_lo)
        hi = np.where(left, hi, mid)
    roots = np.sort(np.concatenate([exact, 0.5 * (lo + hi)]))
    slope = unit_map_prime(form, roots, w, b)
    return pd.DataFrame({"h": roots, "slope": slope, "stable": np.abs(slope) < 1.0})


def _phi(form: str, s):
    """The unit's squashing function of its pre-activation s: tanh(s), or σ(s) for the sigmoid form."""
    return np.tanh(s) if form == "tanh" else sigmoid(s)


def _phi_prime(form: str, s):
    """φ'(s): tanh'(s) = sech²(s), or σ'(s) = σ(s)(1 − σ(s)) = ¼ sech²(s/2)."""
    return (
        tanh_prime_from_z(s) if form == "tanh" else 0.25 * tanh_prime_from_z(0.5 * np.asarray(s, dtype=float))
    )


def count_stable_fixed_points(form: str, w_values, b_values, n_s: int = 4001) -> np.ndarray:
    """Number of stable fixed points for every (w, b) of a grid: an array of shape (len(w), len(b)).

    Both forms are "state = w φ(s) + b" in the pre-activation s (tanh: s = w h + b, h = tanh(s); sigmoid:
    s = x). A fixed point therefore solves b = s − w φ(s), and is stable when |w φ'(s)| < 1. So for each w
    we trace the curve b(s) once on a grid of s, and every segment of it that is stable adds one fixed
    point to each grid b it spans (a difference array and a cumulative sum; no loop over grid points).
    """
    w = np.asarray(w_values, dtype=float)[:, None]  # (n_w, 1)
    b_grid = np.asarray(b_values, dtype=float)
    reach = float(np.max(np.abs(b_grid)) + np.max(np.abs(w)) + 1.0)  # every fixed point has |s| below this
    s = np.linspace(-reach, reach, n_s)[None, :]  # (1, n_s)
    # b = s - w\,arphi(s): the bias for which s is a fixed point's pre-activation
    b_of_s = s - w * _phi(form, s)  # (n_w, n_s)
    s_mid = 0.5 * (s[:, 1:] + s[:, :-1])
    # f'(h^*) = w\,\varphi'(s): the slope of the map at the fixed point with pre-activation s
    slope = w * _phi_prime(form, s_mid)
    lo = np.minimum(b_of_s[:, :-1], b_of_s[:, 1:])
    hi = np.maximum(b_of_s[:, :-1], b_of_s[:, 1:])
    start = np.searchsorted(b_grid, lo, side="left")  # each segment covers the grid b in [lo, hi)
    stop = np.searchsorted(b_grid, hi, side="left")
    rows = np.broadcast_to(np.arange(w.shape[0])[:, None], start.shape)
    keep = np.abs(slope) < 1.0
    diff = np.zeros((w.shape[0], b_grid.size + 1), dtype=int)
    np.add.at(diff, (rows[keep], start[keep]), 1)
    np.add.at(diff, (rows[keep], stop[keep]), -1)
    return np.cumsum(diff, axis=1)[:, :-1]


def stable_count_table(
    form: str,
    n_w: int = 101,
    n_b: int = 81,
    w_range: tuple[float, float] = (-8.0, 8.0),
    b_range: tuple[float, float] = (-6.0, 6.0),
) -> pd.DataFrame:
    """Long-form (w, b, n_stable) over a parameter grid (the page's slider ranges), for the attractor map."""
    w_values, b_values = np.linspace(*w_range, n_w), np.linspace(*b_range, n_b)
    counts = count_stable_fixed_points(form, w_values, b_values)
    W, B = np.meshgrid(w_values, b_values, indexing="ij")
    return pd.DataFrame({"w": W.ravel(), "b": B.ravel(), "n_stable": counts.ravel()})


def unit_dynamics(cfg: UnitConfig, n_h0: int = 801) -> Result:
    """Everything section 3 shows for one unit: the map and its fixed points, and h_T and ∂h_T/∂h_0 as
    functions of the start h_0 (the grid includes the repelling fixed points, where the boundary lies)."""
    lo, hi = unit_state_range(cfg.form, cfg.w, cfg.b)
    fixed = unit_fixed_points(cfg.form, cfg.w, cfg.b)
    states = np.linspace(lo, hi, 401)
    curve = pd.concat(
        [
            pd.DataFrame(
                {"h": states, "f": unit_map(cfg.form, states, cfg.w, cfg.b), "curve": "f: one step"}
            ),
            pd.DataFrame({"h": states, "f": states, "curve": "identity"}),
        ],
        ignore_index=True,
    )
    repelling = fixed.loc[~fixed["stable"], "h"].to_numpy()
    h0 = np.unique(np.concatenate([np.linspace(lo, hi, n_h0), repelling]))
    hT, jac = unit_unroll(cfg.form, cfg.w, cfg.b, cfg.T, h0)
    final = pd.DataFrame({"h0": h0, "hT": hT, "dhT_dh0": jac, "magnitude": np.abs(jac)})
    meta = {
        "n_stable": int(fixed["stable"].sum()),
        "n_fixed": len(fixed),
        "max_derivative": float(final["magnitude"].max()),
        "argmax_h0": float(final.loc[final["magnitude"].idxmax(), "h0"]),
        "median_derivative": float(final["magnitude"].median()),
    }
    meta.update(unit_words(cfg, meta, fixed))
    return Result({"map": curve, "fixed_points": fixed, "final": final}, meta)


# == 4. Cliffs: the loss of the one-unit RNN as a function of its parameters ===============================
# With the start h_0 fixed, changing b moves the repelling fixed point; when it passes h_0 the unit's
# destination flips from one attractor to the other. For large T that flip is a jump in h_T, and so in the
# loss: a cliff, with an exploding gradient on it and vanishing gradients on the plateaus either side.


@dataclass(frozen=True)
class CliffConfig:
    w: float = 2.0  # two attractors, so there is a boundary to fall over
    b: float = 0.0  # on the plateau right of the cliff
    T: int = 30  # long enough that the cliff is a near-jump (slope about 1.5^30 ≈ 2e5 at its centre)
    target: float = 0.8  # near one attractor (+0.96): the two plateaus have very different losses
    h0: float = 0.5  # start state; the cliff sits at b = atanh(h0) − w h0 ≈ −0.45


CLIFF_PRESETS: dict[str, CliffConfig] = {"default": CliffConfig()}
COST_SLOPE_HALF_WIDTH = 0.1  # the cost's slope is a central difference over b ± 0.1
# starts h_0 averaged in the "cost" curve: each contributes a step 1/41 the height of a cliff
COST_STARTS = np.linspace(-0.9, 0.9, 41)


def basin_boundary_bias(w, h0):
    """The bias at which h_0 is the repelling fixed point, i.e. sits on the boundary between two basins:
    h0 = tanh(w h0 + b) ⇔ b = atanh(h0) − w h0, valid where |f'(h0)| = |w| (1 − h0²) > 1; NaN elsewhere."""
    w = np.asarray(w, dtype=float)
    # b^* = \operatorname{atanh}(h_0) - w\,h_0
    b = np.arctanh(h0) - w * h0
    return np.where(np.abs(w) * (1.0 - h0 * h0) > 1.0, b, np.nan)


def cliff_curves(
    cfg: CliffConfig, b_min: float = -3.0, b_max: float = 3.0, n_b: int = 601, n_cost: int = 121
) -> Result:
    """Loss and |∂L/∂b| as functions of b (w, T, target, h0 fixed), for the start h0 ("loss") and averaged
    over starts spread across (−0.9, 0.9) ("cost"). The grid includes the predicted cliff and the current b.

    The cost's slope is measured on the averaged curve (central differences over b ± 0.1), not by averaging the starts'
    backprop gradients: each start's gradient is tiny almost everywhere and enormous on its own cliff, so
    their average is a poor estimate of the slope of the average, which is the lecture's point."""
    b_star = float(basin_boundary_bias(cfg.w, cfg.h0))
    extra = [cfg.b] + ([b_star] if math.isfinite(b_star) and b_min <= b_star <= b_max else [])
    b = np.unique(np.concatenate([np.linspace(b_min, b_max, n_b), extra]))
    loss, _, grad_b = rnn_unit_loss_grad(cfg.w, b, cfg.T, cfg.target, cfg.h0)
    # averaged over starts: (n_starts, n_cost) at once, on a coarser grid (the average has no cliffs to resolve)
    b_cost = np.linspace(b_min, b_max, n_cost)
    cost_all, _, _ = rnn_unit_loss_grad(cfg.w, b_cost[None, :], cfg.T, cfg.target, COST_STARTS[:, None])
    # \text{cost}(b) = \frac{1}{K}\sum_{k} L(b; h_0^{(k)})
    cost = cost_all.mean(axis=0)
    # \frac{d\,\text{cost}}{db} \approx \frac{\text{cost}(b + \Delta) - \text{cost}(b - \Delta)}{2\Delta}, with Δ ≈ 0.1,
    # wider than the gaps between the starts' cliffs, so the slope of the staircase is the slope of its trend
    k = max(1, round(COST_SLOPE_HALF_WIDTH / (b_cost[1] - b_cost[0])))
    ahead, behind = np.minimum(np.arange(n_cost) + k, n_cost - 1), np.maximum(np.arange(n_cost) - k, 0)
    cost_grad = (cost[ahead] - cost[behind]) / (b_cost[ahead] - b_cost[behind])
    frame = pd.concat(
        [
            pd.DataFrame({"b": b, "curve": f"loss (h0 = {cfg.h0:g})", "value": loss, "grad_b": grad_b}),
            pd.DataFrame(
                {
                    "b": b_cost,
                    "curve": f"cost (mean over {len(COST_STARTS)} starts)",
                    "value": cost,
                    "grad_b": cost_grad,
                }
            ),
        ],
        ignore_index=True,
    )
    frame["abs_grad_b"] = frame["grad_b"].abs()
    here_loss, here_gw, here_gb = rnn_unit_loss_grad(cfg.w, cfg.b, cfg.T, cfg.target, cfg.h0)
    on_loss = frame[frame["curve"].str.startswith("loss")]
    meta = {
        "b_boundary": b_star if math.isfinite(b_star) else None,
        "b_steepest": float(on_loss.loc[on_loss["abs_grad_b"].idxmax(), "b"]),
        "max_abs_grad_b": float(on_loss["abs_grad_b"].max()),
        "loss": float(here_loss),
        "grad_w": float(here_gw),
        "grad_b": float(here_gb),
        "grad_norm": float(min(math.hypot(float(here_gw), float(here_gb)), BIG)),
        "h_T": float(rnn_unit_forward(cfg.w, cfg.b, cfg.T, cfg.h0)),
    }
    meta.update(cliff_words(cfg, meta))
    return Result({"bias": frame}, meta)


def cliff_surface(
    T: int,
    target: float,
    h0: float,
    n_w: int = 65,
    n_b: int = 49,
    w_range: tuple[float, float] = (-4.0, 4.0),
    b_range: tuple[float, float] = (-3.0, 3.0),
) -> Result:
    """The loss and gradient norm over a (w, b) grid (tables["grid"], from `loss_grid`) and the basin
    boundary curve b = atanh(h0) − w h0 where it exists (tables["boundary"])."""
    w_values = np.linspace(*w_range, n_w)
    grid = loss_grid(w_values, np.linspace(*b_range, n_b), T, target, h0)
    w_fine = np.linspace(*w_range, 401)
    boundary = pd.DataFrame({"w": w_fine, "b": basin_boundary_bias(w_fine, h0)})
    boundary = boundary[boundary["b"].between(*b_range)]
    # two branches (w > 0 and w < 0) drawn as separate lines
    boundary = boundary.assign(branch=np.where(boundary["w"] > 0, "w > 0", "w < 0")).reset_index(drop=True)
    return Result({"grid": grid, "boundary": boundary}, {})


# == 5. Many units: products of Jacobians ===================================================================
# h_t = φ(W h_{t−1}) with n units. Backprop multiplies Jacobians J_t = diag(φ'(z_t)) W; for a linear net
# the product is W^T and its size follows the spectral radius ρ(W) (the largest |eigenvalue|): ~ ρ^T.

ACTIVATIONS = ("linear", "tanh")
REFERENCE_RADII = (0.9, 1.0, 1.1)  # one below, at and above 1, drawn beside the student's ρ


@dataclass(frozen=True)
class ManyConfig:
    n: int = 64  # units: enough for the eigenvalues to fill their disc; 200 products of 64×64 take ~15 ms
    rho: float = 1.0  # spectral radius: the borderline between vanishing and exploding
    T: int = 100  # steps: long enough that 0.9^T and 1.1^T are 1e-5 and 1e4 apart
    activation: Literal["linear", "tanh"] = "linear"  # linear first: its product is exactly W^T
    seed: int = 0  # draws W and h_0


MANY_PRESETS: dict[str, ManyConfig] = {
    "default": ManyConfig(),
    "ρ = 0.9": ManyConfig(rho=0.9),
    "ρ = 1.0": ManyConfig(rho=1.0),
    "ρ = 1.1": ManyConfig(rho=1.1),
}


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
    meta = {
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


# == Words and equations tied to the numbers ================================================================
# Each section's verdict (plain words) and its equations with the on-screen numbers substituted, so the
# page only lays them out. Sizes below 1e-300 or above 1e300 are said as such, never as 0 or inf.


def format_size(x: float, digits: int = 2) -> str:
    """Scientific notation for a value that may span hundreds of orders of magnitude."""
    x = float(x)
    if not math.isfinite(x) or abs(x) >= BIG:
        return ("−" if x < 0 else "") + "≥ 1e+300"
    if x == 0.0:
        return "< 1e-300"
    return f"{x:.{digits}e}"


def latex_size(x: float, digits: int = 2) -> str:
    """The same in LaTeX: 1.17\\times10^{2}."""
    x = float(x)
    if not math.isfinite(x) or abs(x) >= BIG:
        return r"\geq 10^{300}"
    if x == 0.0:
        return r"< 10^{-300}"
    mantissa, exponent = f"{x:.{digits}e}".split("e")
    return rf"{mantissa}\times10^{{{int(exponent)}}}"


def _stability(multiplier: float, unstable_word: str) -> str:
    """|μ| < 1 attracts, |μ| > 1 repels, |μ| = 1 (a bifurcation point, e.g. r = 1 or r = 3) is marginal."""
    size = abs(float(multiplier))
    return "marginal" if abs(size - 1.0) < 1e-9 else "stable" if size < 1.0 else unstable_word


def _size_word(x: float, small: float = 1e-2, large: float = 1e2) -> str:
    x = abs(float(x))
    return "vanishing" if x < small else "exploding" if x > large else "neither vanishing nor exploding"


def chain_words(cfg: ChainConfig, meta: dict) -> dict:
    lin, tan = meta["linear"], meta["tanh"]
    verdict = (
        f"**Linear unit: {_size_word(lin)}.** {cfg.T} factor{'s' if cfg.T > 1 else ''} of w = {cfg.w:g} multipl{'y' if cfg.T > 1 else 'ies'} to "
        f"{format_size(lin)}. **tanh unit: {_size_word(tan)}.** The same w, but every factor is also multiplied by "
        f"1 − h_t² (geometric mean of the factors {meta['tanh_mean_factor']:.3f}), so the product is {format_size(tan)}."
    )
    latex = [
        rf"\frac{{\partial h_T}}{{\partial h_0}} = \prod_{{t=1}}^{{T}} w = w^{{T}} = {cfg.w:g}^{{{cfg.T}}} = {latex_size(lin)}",
        rf"\frac{{\partial h_T}}{{\partial h_0}} = \prod_{{t=1}}^{{T}} w\,(1-h_t^2) "
        rf"= {meta['tanh_mean_factor']:.3f}^{{{cfg.T}}} = {latex_size(tan)} \quad (\tanh\text{{ unit, }} h_0 = {cfg.h0:g})",
        rf"\text{{the lecture's }} w^{{T-1}} \text{{ at }} T = {cfg.T}: \; {cfg.w:g}^{{{cfg.T - 1}}} = {latex_size(meta['lecture_formula'])}",
    ]
    explain = (
        "**One convention on this page: T counts steps**, so the states run h₀ … h_T and the product has "
        "exactly T factors. The lecture numbers its states h⁽¹⁾ … h⁽ᵀ⁾ and writes w^(T−1), yet its numbers "
        "117.4 and 0.00515 are 1.1⁵⁰ and 0.9⁵⁰: **fifty** factors. Its own formula at T = 50 would give "
        "1.1⁴⁹ ≈ 106.7 and 0.9⁴⁹ ≈ 0.00573 (third line below). The presets reproduce the lecture's numbers "
        "with T = 50 steps. The tanh unit starts at h₀ = 0.5 with b = 0."
    )
    # the headline numbers: (label, value as shown, help)
    readouts = [
        ("linear: ∂h_T/∂h_0 = w^T", format_size(lin), None),
        ("tanh: ∂h_T/∂h_0", format_size(tan), f"h_0 = {cfg.h0:g}, b = {cfg.b:g}"),
        ("lecture's w^(T−1)", format_size(meta["lecture_formula"]), "the lecture's indexing, see below"),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


def map_words(cfg: MapConfig, meta: dict) -> dict:
    lam, p = meta["lyapunov"], meta["period"]
    if p is None:
        found = None
    else:
        kind = "fixed point" if p == 1 else f"{p}-cycle"
        found = (
            f"a {_stability(meta['multiplier'], 'repelling')} {kind} (multiplier {meta['multiplier']:.3g})"
        )
    if abs(lam) < 5e-4:  # shown as 0.000: a bifurcation point, where the derivative changes only slowly
        sign, effect = "zero to three decimals", "neither forgotten nor amplified exponentially"
    elif lam < 0:
        sign, effect = "negative", "forgotten: its derivative vanishes"
    else:
        sign, effect = "positive", "amplified: its derivative explodes"
    settles = (
        f"settles on {found}"
        if found
        else "does not settle on any cycle of period ≤ 64 (chaos, or a cycle "
        "converging very slowly next to a bifurcation)"
    )
    verdict = (
        f"At r = {cfg.r:g} the orbit from x₀ = {cfg.x0:g} {settles}. The Lyapunov exponent is "
        f"**λ = {lam:.3f}**, {sign}, so a small change of x₀ is **{effect}**: after n = {cfg.n} step{'s' if cfg.n > 1 else ''} "
        f"|dxₙ/dx₀| = {format_size(abs(meta['dxn_dx0']))}."
    )
    avg = meta["rate_over_n"]
    latex = [
        rf"\frac{{dx_n}}{{dx_0}} = \prod_{{k=0}}^{{n-1}} f'(x_k) = \prod_{{k=0}}^{{n-1}} r(1-2x_k) = {latex_size(meta['dxn_dx0'])}",
        rf"\frac1n \ln\left|\frac{{dx_n}}{{dx_0}}\right| = {avg:.3f} \quad\xrightarrow{{\,n\to\infty\,}}\quad "
        rf"\lambda = \lim_{{N\to\infty}} \frac1N \sum_{{k}} \ln|f'(x_k)| = {lam:.3f}",
    ]
    explain = (
        "Moving x₀ a little moves xₙ by dxₙ/dx₀, a product of one factor f′(x_k) per step, exactly like "
        "backprop through time. Where λ < 0 (a stable cycle) the product vanishes; where λ > 0 (chaos) it "
        "explodes. λ is the long-run average of ln|f′| (4,000 steps after a 500-step transient); the first "
        "line's average over your n steps approaches it. In the diagram, dashed rules mark the period-doubling "
        "points r₁ = 3, r₂ = 1 + √6 and r₃ (computed here) and their limit r∞ (literature value)."
    )
    points = ", ".join(f"{x:.5f}" for x in meta["attractor_points"]) or "—"
    fixed = ", ".join(
        f"{x:.4f} ({_stability(d, 'unstable')}, f′ = {d:.3f})"
        for x, d in zip(meta["fixed_x"], meta["fixed_slope"], strict=True)
    )
    attractor_text = f"**Attractor found from x₀:** {points} · **fixed points of f:** {fixed}"
    mandelbrot_text = (
        f"With z = r(½ − x) the map becomes z ↦ z² + c with c = r(2 − r)/4 = **{meta['mandelbrot_c']:.4f}** "
        "(diamond). The Mandelbrot set is the set of c whose iterates from z = 0 stay bounded (dark); as r runs "
        "from 1 to 4 the logistic map walks its real axis (dashed) leftwards from c = ¼, through the main "
        "cardioid, the bulbs of the period doublings (r = 3 is c = −¾), to c = −2."
    )
    readouts = [
        ("Lyapunov exponent λ", f"{lam:.3f}", "long-run average of ln|f′(x_k)| (4,000 steps)"),
        ("|dxₙ/dx₀|", format_size(abs(meta["dxn_dx0"])), None),
        ("attractor period", "none ≤ 64" if p is None else str(p), None),
        ("cycle multiplier", "n/a" if p is None else f"{meta['multiplier']:.3g}", "Π f′ over the cycle"),
    ]
    return {
        "verdict": verdict,
        "latex": latex,
        "explain": explain,
        "readouts": readouts,
        "attractor_text": attractor_text,
        "mandelbrot_text": mandelbrot_text,
    }


def unit_words(cfg: UnitConfig, meta: dict, fixed: pd.DataFrame) -> dict:
    stable = fixed[fixed["stable"]]
    listed = ", ".join(f"{h:.3f}" for h in stable["h"]) or "none"
    if meta["n_stable"] == 0:
        head = "No stable fixed point: the state keeps moving (for w < −1, it oscillates on a 2-cycle)."
    elif meta["n_stable"] == 1:
        head = f"One attractor, h* = {listed}: every start ends there, so h_T forgets h_0."
    else:
        head = (
            f"Two attractors, h* = {listed}, with a repelling fixed point between them: the basin boundary."
        )
    verdict = (
        f"{head} After T = {cfg.T} step{'s' if cfg.T > 1 else ''} the typical (median) |∂h_T/∂h_0| is "
        f"**{format_size(meta['median_derivative'])}** (vanishing inside a basin); the largest, at h_0 = "
        f"{meta['argmax_h0']:.3f}, is **{format_size(meta['max_derivative'])}**."
    )
    slopes = r",\;".join(rf"f'({h:.3f}) = {s:.3f}" for h, s in zip(fixed["h"], fixed["slope"], strict=True))
    latex = [
        r"\frac{\partial h_T}{\partial h_0} = \prod_{t=1}^{T} f'(h_{t-1}) \;\approx\; f'(h^*)^{T}"
        r"\quad\text{once the orbit sits near a fixed point } h^*",
        rf"{slopes}\qquad(|f'(h^*)| < 1 \Rightarrow \text{{stable}})",
    ]
    explain = (
        "Filled circles attract (|f′(h*)| < 1), open squares repel. Starts in one basin all end at the same "
        "attractor, so h_T is flat in h_0 and the derivative vanishes; at a repelling point it is f′(h*)^T and "
        "explodes. Derivatives below 1e-300 are drawn at 1e-300. The map at the bottom counts the stable "
        "fixed points for every (w, b) of the sliders' range; the cross is yours."
    )
    readouts = [
        ("stable fixed points", str(meta["n_stable"]), None),
        ("median |∂h_T/∂h_0|", format_size(meta["median_derivative"]), "over the starts h_0 on the grid"),
        ("largest |∂h_T/∂h_0|", format_size(meta["max_derivative"]), f"at h_0 = {meta['argmax_h0']:.3f}"),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


def cliff_words(cfg: CliffConfig, meta: dict) -> dict:
    bb = meta["b_boundary"]
    if bb is None:
        where = (
            f"With w = {cfg.w:g}, h_0 = {cfg.h0:g} is never a repelling fixed point (that needs |w|(1 − h_0²) > 1), "
            "so this slice has no basin boundary and no cliff."
        )
        latex_b = rf"|w|\,(1-h_0^2) = {abs(cfg.w) * (1 - cfg.h0**2):.3f} \le 1 \Rightarrow \text{{no cliff}}"
    else:
        where = (
            f"The cliff sits at b ≈ {bb:.3f}, where h_0 = {cfg.h0:g} is exactly the repelling fixed point of "
            "section 3: the basin boundary, seen from the parameter side."
        )
        latex_b = rf"b^* = \operatorname{{atanh}}(h_0) - w\,h_0 = \operatorname{{atanh}}({cfg.h0:g}) - {cfg.w:g}\cdot{cfg.h0:g} = {bb:.4f}"
    verdict = (
        f"{where} The steepest |∂L/∂b| on the curve is **{format_size(meta['max_abs_grad_b'])}** "
        f"(at b = {meta['b_steepest']:.3f}); at your b = {cfg.b:g} the gradient norm is "
        f"**{format_size(meta['grad_norm'])}**."
    )
    latex = [
        latex_b,
        r"\frac{\partial h_t}{\partial b} = (1-h_t^2)\Big(1 + w\,\frac{\partial h_{t-1}}{\partial b}\Big),\qquad "
        rf"\frac{{\partial L}}{{\partial b}} = (h_T - y)\,\frac{{\partial h_T}}{{\partial b}} = {latex_size(meta['grad_b'])}",
    ]
    explain = (
        "The loss L = ½(h_T − target)² is flat on each side (h_T sits at one attractor or the other) and jumps "
        "where the start h_0 crosses the basin boundary of section 3. The cost, the loss averaged over "
        f"{len(COST_STARTS)} starts spread across (−0.9, 0.9), is much smoother, as the lecture says: each start "
        "has its cliff elsewhere, so the average climbs in small steps. Its slope is measured on the averaged "
        f"curve (differences over b ± {COST_SLOPE_HALF_WIDTH:g}, wider than the steps); averaging the starts' own "
        "gradients would not do, since each is tiny almost everywhere and huge "
        "on its cliff. That is why cliffs make the true cost gradient hard to estimate. In the maps, the white "
        "dashed curve is the boundary b = atanh(h_0) − w h_0 and the cross is your (w, b)."
    )
    readouts = [
        ("loss at your (w, b)", f"{meta['loss']:.4f}", None),
        ("‖∇L‖ at your (w, b)", format_size(meta["grad_norm"]), None),
        ("steepest |∂L/∂b|", format_size(meta["max_abs_grad_b"]), None),
        ("cliff at b*", "none" if bb is None else f"{bb:.4f}", "atanh(h_0) − w h_0"),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


def many_words(cfg: ManyConfig, meta: dict) -> dict:
    lin, tan = meta["gain_linear"], meta["gain_tanh"]
    verdict = (
        f"With spectral radius ρ = {cfg.rho:g}, after T = {cfg.T} step{'s' if cfg.T > 1 else ''} ‖∂h_T/∂h_0‖ is **{format_size(lin)}** for "
        f"linear units ({_size_word(lin)}) and **{format_size(tan)}** for tanh units ({_size_word(tan)}). "
        + (
            "tanh can only shrink each factor (|tanh′| ≤ 1), and with ρ > 1 the state saturates, which tames the "
            "explosion."
            if cfg.rho > 1
            else "Below ρ = 1 both shrink geometrically; at ρ = 1 the linear product neither explodes nor "
            "vanishes exponentially."
        )
    )
    latex = [
        r"\frac{\partial \mathbf h_T}{\partial \mathbf h_0} = \prod_{t=T}^{1} \operatorname{diag}\!\big(\phi'(\mathbf z_t)\big)\,W,"
        r"\qquad \text{linear: } W^{T}",
        rf"\|W^{{T}}\| \sim \rho^{{T}} = {cfg.rho:g}^{{{cfg.T}}} = {latex_size(cfg.rho**cfg.T if cfg.rho > 0 else 0.0)},"
        rf"\qquad \rho(W) = {meta['spectral_radius']:.3f},\;\; \|W\|_2 = {meta['norm_2']:.3f}",
    ]
    explain = (
        "W is an n×n Gaussian matrix rescaled so that its largest |eigenvalue| is exactly ρ; h_0 is random "
        "(same seed). The norm is the RMS singular value, ‖·‖_F/√n, so an orthogonal W scores exactly 1. "
        "W is not orthogonal: ‖W‖₂ exceeds ρ, so products can grow or shrink by a modest factor before the "
        "ρ^T trend takes over (Sompolinsky et al. 1988 study the tanh case)."
    )
    readouts = [
        ("‖∂h_T/∂h_0‖ linear", format_size(lin), "RMS singular value: ‖·‖_F/√n"),
        ("‖∂h_T/∂h_0‖ tanh", format_size(tan), "RMS singular value: ‖·‖_F/√n"),
        ("spectral radius ρ(W)", f"{meta['spectral_radius']:.3f}", None),
        ("‖W‖₂", f"{meta['norm_2']:.3f}", "largest singular value"),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


# == What fixes this: the lessons that follow, (page, title, icon, why) =====================================

FIXES = (
    (
        "app_pages/clipping.py",
        "Gradient clipping",
        ":material/content_cut:",
        "For explosions: rescale g to norm η when ‖g‖ > η, so a cliff cannot throw the parameters away.",
    ),
    (
        "app_pages/lstm.py",
        "LSTM gates",
        ":material/memory:",
        "For vanishing: a gated cell whose backward factor is the forget gate, near 1 by default.",
    ),
    (
        "app_pages/resnet.py",
        "Residual paths",
        ":material/alt_route:",
        "For vanishing: x + F(x) gives every Jacobian an identity part (I + ∂F/∂x), as identity-initialized "
        "RNNs (Le et al. 2015) do through time.",
    ),
)


# == Predict, then reveal: each section's question; tests/unit/test_dynamics.py checks every claimed number ==

QUESTIONS: dict[str, dict] = {
    "chain": {
        "question": "With w = 1.1 and T = 50 the linear unit's product is 117. What does the tanh unit give?",
        "options": ["more than 117", "about 117", "far less than 1"],
        "answer": "far less than 1",
        "explanation": "Each factor is w(1 − h_t²) ≤ w. The state settles near h ≈ 0.50, so each factor is about "
        "0.82 and fifty of them multiply to about 6e-5: the squashing forward pass makes it vanish.",
    },
    "map": {
        "question": "At r = 3.2 the orbit settles on a 2-cycle. As n grows, |dxₙ/dx₀| will…",
        "options": ["grow", "shrink", "stay near 1"],
        "answer": "shrink",
        "explanation": "The 2-cycle's multiplier is −r² + 2r + 4 = 0.16, so λ = ½ ln 0.16 ≈ −0.92: each step "
        "divides the sensitivity by about 2.5. Try the preset.",
    },
    "unit": {
        "question": "w = 2, b = 0, T = 20: at which start h_0 is |∂h_T/∂h_0| largest?",
        "options": ["near h_0 = ±1", "at h_0 = 0", "the same everywhere"],
        "answer": "at h_0 = 0",
        "explanation": "0 is the repelling fixed point, with f′(0) = w = 2, so the product there is 2²⁰ ≈ 1e6, "
        "while inside the basins it is about 1e-15.",
    },
    "cliff": {
        "question": "From the default settings, move b onto the cliff (b ≈ −0.45) and take one plain gradient "
        "step with learning rate 0.1. What happens?",
        "options": [
            "a small careful step",
            "a giant step that throws b far away",
            "no step: the gradient is zero",
        ],
        "answer": "a giant step that throws b far away",
        "explanation": "On the cliff |∂L/∂b| is about 9e4, so 0.1 × 9e4 moves b by thousands: far off the map. "
        "Clipping the gradient's norm is the fix the next lesson teaches.",
    },
    "many": {
        "question": "ρ = 1.1: linear units explode (thousands by T = 100). With tanh units the same W gives…",
        "options": ["an even bigger number", "about the same", "a number of order 1 or less"],
        "answer": "a number of order 1 or less",
        "explanation": "tanh′ ≤ 1 and the state saturates, so most factors shrink: the squashing forward pass "
        "keeps this backward product bounded.",
    },
}
