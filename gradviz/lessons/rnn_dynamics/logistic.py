"""Section 2, iterated maps: the logistic map f(x) = r x (1 − x), its orbits, cobweb, fixed points and
attractors, the Lyapunov exponent, the bifurcation diagram and period doubling (Feigenbaum), and the
Mandelbrot set it is a slice of."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from gradviz.bounded import _clip
from gradviz.lessons.rnn_dynamics.configs import MapConfig
from gradviz.lessons.rnn_dynamics.words import map_words
from gradviz.results import Result

# == 2. Iterated maps: the logistic map f(x) = r x (1 − x) =================================================
# The lecture's example of an iterated function (with r = 3.5; the seed's text drops an x). Its
# derivative along an orbit is again a product, dx_n/dx_0 = Π f'(x_k), and its average log-growth per step
# is the Lyapunov exponent λ: negative on a stable cycle (small changes forgotten), positive in chaos.

FEIGENBAUM_DELTA = 4.669201609102990  # ratio of successive period-doubling intervals (Feigenbaum 1978)
R_INFINITY = 3.569945671870944  # onset of chaos, the limit of the period-doubling points (literature value)


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

    Where the orbit sits exactly on x = ½ inside the averaging window (f' = 0: a superstable cycle, e.g.
    r = 2, where float64 lands on ½ after a few steps), a term is log 0 and λ is −∞, returned as -inf.
    """
    r = np.asarray(r, dtype=float)
    if r.ndim == 0:  # one r (the page's readout): the same sums on Python floats, 20× faster than 0-d arrays
        rf, x, total = float(r), float(x0), 0.0
        for _ in range(n_transient):
            x = rf * x * (1.0 - x)
        for _ in range(n_average):
            slope = abs(rf * (1.0 - 2.0 * x))
            if slope == 0.0:
                return np.float64(-np.inf)
            total += math.log(slope)
            x = rf * x * (1.0 - x)
        return np.float64(total / n_average)
    x = np.full(r.shape, float(x0))
    for _ in range(n_transient):
        x = logistic(x, r)
    total = np.zeros(r.shape)
    with np.errstate(divide="ignore"):
        for _ in range(n_average):
            # \lambda = \lim_{N\to\infty} \frac1N \sum_{k} \ln |f'(x_k)|   (ln 0 = −∞ on a superstable orbit)
            total += np.log(np.abs(logistic_prime(x, r)))
            x = logistic(x, r)
    return total / n_average


GENERIC_X0 = 0.3  # the start of the λ(r) panel: "a typical orbit" (any start but 0, ½, 1 and their preimages)


def orbit_lyapunov(r: float, x0: float, n_transient: int = 500, n_average: int = 4000) -> dict:
    """λ along the student's own orbit from x0, and what makes it special.

    {"lyapunov": λ (−inf when the orbit lands exactly on x = ½, where f' = 0), "half_at": the first step k
    with x_k = ½ exactly (None if never), "marginal_x": the fixed point with |f'(x*)| = 1 the orbit creeps
    towards (r = 1: x* = 0; r = 3: x* = 2/3), else None; "average": the finite-N average itself}.
    At a marginal fixed point the orbit converges only polynomially (x_n ≈ 1/n at r = 1), the finite
    average is slightly negative, and the exponent, ln|f'(x*)| = ln 1, is 0.
    """
    x, half_at = float(x0), None
    for k in range(n_transient + n_average):
        if x == 0.5:
            half_at = k
            break
        x = r * x * (1.0 - x)
    average = float(lyapunov_exponent(r, x0=x0, n_transient=n_transient, n_average=n_average))
    marginal = None
    if half_at is None:
        for x_star, slope in zip(*_fixed_points_and_slopes(r), strict=True):
            if abs(abs(slope) - 1.0) < 1e-9 and abs(x - x_star) < 0.05:
                marginal = x_star
    lam = -math.inf if half_at is not None else 0.0 if marginal is not None else average
    fixed = 1.0 - 1.0 / r if r > 1.0 else 0.0
    if half_at is None and marginal is None and abs(2.0 - r) < 1.0 and abs(x - fixed) < 1e-6:
        # on the stable fixed point x* = 1 − 1/r: λ = ln|f'(x*)| = ln|2 − r| in closed form, −∞ at r = 2
        # (there float64 sits one rounding step from ½ and its average, ≈ −36, would be an artefact)
        lam = math.log(abs(2.0 - r)) if r != 2.0 else -math.inf
    return {"lyapunov": lam, "half_at": half_at, "marginal_x": marginal, "average": average}


def _fixed_points_and_slopes(r: float) -> tuple[list[float], list[float]]:
    points = [0.0] + ([1.0 - 1.0 / r] if r > 1.0 else [])
    return points, [float(logistic_prime(p, r)) for p in points]


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
    lam = lyapunov_exponent(r, x0=GENERIC_X0)
    with np.errstate(divide="ignore"):
        # 1 ≤ r ≤ 3: every start in (0, 1) goes to x* = 1 − 1/r, so λ = ln|f'(x*)| = ln|2 − r| in closed form
        # (−∞ at r = 2, where float64 would sit a rounding step from ½; 0 at the bifurcation points 1 and 3)
        lam = np.where((r >= 1.0) & (r <= 3.0), np.log(np.abs(2.0 - r)), lam)
    # `shown` is floored at −5 only so the panel stays readable; `lyapunov` keeps −inf where it is −∞
    text = np.where(np.isneginf(lam), "−∞ (superstable: the orbit lands on x = ½)", np.char.mod("%.3f", lam))
    return pd.DataFrame({"r": r, "lyapunov": lam, "shown": np.maximum(lam, -5.0), "label": text})


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
    if attractor["period"] == 1 and cfg.r > 1.0 and abs(attractor["points"][0] - (1.0 - 1.0 / cfg.r)) < 1e-6:
        attractor["multiplier"] = (
            2.0 - cfg.r
        )  # f'(1 − 1/r) = 2 − r in closed form (float64 sits a rounding step off)
    own = orbit_lyapunov(cfg.r, cfg.x0)
    typical = orbit_lyapunov(cfg.r, GENERIC_X0)["lyapunov"]
    factors = logistic_prime(orbit[:-1], cfg.r)
    zero = np.nonzero(factors == 0.0)[0]
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
        "lyapunov": own["lyapunov"],
        "lyapunov_average": own["average"],
        "lyapunov_typical": typical,
        "half_at": own["half_at"],
        "marginal_x": own["marginal_x"],
        # the first step (1-based: dx_k/dx_0 with k = step) whose product contains the factor f'(½) = 0
        "exact_zero_at": int(zero[0]) + 1 if zero.size else None,
        "period": attractor["period"],
        "multiplier": attractor["multiplier"],
        "dxn_dx0": float(deriv[-1]),
        "mandelbrot_c": float(logistic_to_mandelbrot_c(cfg.r)),
        "attractor_points": [float(x) for x in attractor["points"]],
        "fixed_x": tables["fixed_points"]["x"].tolist(),
        "fixed_slope": tables["fixed_points"]["slope"].tolist(),
        "fixed_stable": tables["fixed_points"]["stable"].tolist(),
        # the average log-growth per step over the n steps shown (λ is its long-run limit)
        # \frac1n \ln|dx_n/dx_0| = \frac1n \sum_k \ln|f'(x_k)|, summed in logs so it never underflows
        "rate_over_n": -math.inf if zero.size else float(np.sum(np.log(np.abs(factors))) / cfg.n),
    }
    meta.update(map_words(cfg, meta))
    return Result(tables, meta)
