"""The one-unit RNN: h_t = tanh(w h_{t−1} + b) (the lecture's) and x_t = w σ(x_{t−1}) + b (Pascanu et al.).

Forward pass, ∂h_T/∂h_0, the loss and its gradients over (w, b) grids (the contract other lessons call),
and section 3: the unit as a dynamical system, its fixed points, their stability and basins."""

from __future__ import annotations

import numpy as np
import pandas as pd

from gradviz.bounded import _clip, tanh_prime_from_z
from gradviz.lessons.rnn_dynamics.configs import UnitConfig
from gradviz.lessons.rnn_dynamics.words import unit_words
from gradviz.results import Result
from gradviz.unit_rnn import rnn_unit_dhT_dh0, rnn_unit_forward

# == 3. A one-unit RNN as a dynamical system ================================================================
# Two ways to write one recurrent unit without input: the lecture's tanh unit h_t = tanh(w h_{t−1} + b)
# and Pascanu et al.'s x_t = w σ(x_{t−1}) + b (their Fig. 3–6). A fixed point h* = f(h*) attracts nearby
# states when |f'(h*)| < 1 and repels them when |f'(h*)| > 1; a repelling point between two attractors is
# the boundary of their basins.

FORMS = ("tanh", "sigmoid")  # "tanh": h = tanh(w h + b);  "sigmoid": x = w σ(x) + b (Pascanu et al. 2013)


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
    marginal = np.abs(np.abs(slope) - 1.0) < MARGINAL_TOL
    kind = np.where(marginal, "marginal", np.where(np.abs(slope) < 1.0, "stable", "unstable"))
    return pd.DataFrame(
        {"h": roots, "slope": slope, "stable": (np.abs(slope) < 1.0) & ~marginal, "kind": kind}
    )


MARGINAL_TOL = 1e-9  # |f'(h*)| this close to 1 is a bifurcation point (e.g. tanh w = 1, b = 0): neither stable nor repelling


def two_cycle(form: str, w: float, b: float, h0: float = 0.1, n: int = 4000) -> tuple[float, float] | None:
    """The attracting 2-cycle (a, f(a)) reached from h0 after n steps, or None if the orbit is not on one.
    A decreasing map (w < 0) whose only fixed point repels settles on such a cycle."""
    h = float(h0)
    for _ in range(n):
        h = float(unit_map(form, h, w, b))
    a = float(unit_map(form, h, w, b))
    back = float(unit_map(form, a, w, b))
    if abs(back - h) < 1e-9 and abs(a - h) > 1e-6:
        return (min(h, a), max(h, a))
    return None


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
    # b = s - w\,\varphi(s): the bias for which s is a fixed point's pre-activation
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
    marginal = fixed.loc[fixed["kind"] == "marginal", "h"].to_numpy()
    approach = None
    if marginal.size:  # do the orbits creep towards the marginal point, or away from it?
        hm = marginal[:, None]
        approach = bool(
            np.max(np.min(np.abs(hT[None, :] - hm), axis=0))
            < np.max(np.min(np.abs(h0[None, :] - hm), axis=0))
        )
    stable_count = int(fixed["stable"].sum())
    cycle = two_cycle(cfg.form, cfg.w, cfg.b) if stable_count == 0 and not marginal.size else None
    meta = {
        "n_marginal": int(marginal.size),
        "marginal_h": [float(x) for x in marginal],
        "marginal_slope": [float(x) for x in fixed.loc[fixed["kind"] == "marginal", "slope"]],
        "approaches_marginal": approach,
        "two_cycle": cycle,
        "repelling_slope": [float(x) for x in fixed.loc[fixed["kind"] == "unstable", "slope"]],
        "exact_zero": bool(cfg.w == 0.0),
        "n_stable": stable_count,
        "n_fixed": len(fixed),
        "max_derivative": float(final["magnitude"].max()),
        "argmax_h0": float(final.loc[final["magnitude"].idxmax(), "h0"]),
        "median_derivative": float(final["magnitude"].median()),
    }
    meta.update(unit_words(cfg, meta, fixed))
    return Result({"map": curve, "fixed_points": fixed, "final": final}, meta)
