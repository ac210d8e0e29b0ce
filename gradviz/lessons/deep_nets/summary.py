"""Headline numbers of one deep-nets run, read from its tables: the quantities the verdict, the readouts and
"What is going on" name (numpy and pandas only; kept apart from `experiment` so that rewording or adding a
summary never changes the committed results' code version)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gradviz.results import Result

CHANCE = 0.1  # ten digit classes
HUGE_GRADIENT = 1e3  # a weight-gradient norm beyond this makes an SGD step at lr ≥ 1e-3 move weights by ≥ 1


@dataclass(frozen=True)
class Summary:
    """Headline numbers of one run, every one read from its tables (NaN where not measured)."""

    depth: int  # hidden layers D
    diverged_at: int | None  # the step whose loss or gradient first became NaN/inf
    reason: str | None  # what became NaN/inf, in words (from the training loop)
    n_steps: int  # finite training steps taken
    back_ratio: float  # median over recorded steps of ‖∂L/∂h_1‖ / ‖∂L/∂h_D‖ (NaN for D = 1)
    back_ratio_init: float  # the same at step 0
    layer_factor: float  # median over steps of (‖∂L/∂h_1‖ / ‖∂L/∂h_D‖)^(1/(D−1)): the shrink per layer
    layer_factor_init: float  # the same at step 0
    back_first: float  # median ‖∂L/∂h_1‖
    back_last: float  # median ‖∂L/∂h_D‖
    weight_ratio: float  # median ‖∂L/∂W_1‖ / ‖∂L/∂W_{D+1}‖
    weight_ratio_init: float  # the same at step 0
    first_grad: float  # median ‖∂L/∂W_1‖
    last_grad: float  # median ‖∂L/∂W_{D+1}‖
    max_grad: float  # largest ‖∂L/∂W_ℓ‖ recorded (any layer, any step)
    max_grad_layer: int  # ... its layer
    max_grad_step: int  # ... and step
    accuracy: float  # held-out accuracy at the end (NaN if never evaluated)
    update_first: float  # median ‖ΔW_1‖/‖W_1‖ per step
    update_last: float  # median ‖ΔW_{D+1}‖/‖W_{D+1}‖ per step
    spread_first_end: float  # how much h_1 varies across examples at the end (act_spread)
    spread_last_end: float  # the same for h_D
    mean_fprime: float  # mean |f'(z)| over hidden layers at initialization
    fprime_sq: float  # E[f'(z)²] over hidden layers 2..D at initialization (the slopes in the chain)
    nvar: float  # n·Var(W) of the hidden-to-hidden weights W_2..W_D at initialization (measured)
    predicted_factor: float  # sqrt(n·Var(W)·E[f'(z)²]): the variance condition's per-layer factor
    saturated_end: float  # mean share of saturated units at the end (sigmoid, tanh; else NaN)
    frozen_layers: tuple[int, ...] = ()  # layers whose median ‖ΔW‖/‖W‖ is exactly 0 (under float32 rounding)


def _pivot(layers: pd.DataFrame, quantity: str) -> pd.DataFrame:
    """step × layer table of one quantity (float64)."""
    return layers[layers.quantity == quantity].pivot_table(index="step", columns="layer", values="value")


def _median(series: pd.Series) -> float:
    finite = series.replace([np.inf, -np.inf], np.nan).dropna()
    return float(finite.median()) if len(finite) else float("nan")


def _first(series: pd.Series) -> float:
    finite = series.replace([np.inf, -np.inf], np.nan).dropna()
    return float(finite.iloc[0]) if len(finite) else float("nan")


def _at(layers: pd.DataFrame, quantity: str, step: int, ell: slice | int | None = None) -> float:
    """Mean of `quantity` at `step` over the layers in `ell` (None: all), NaN when not recorded."""
    rows = layers[(layers.quantity == quantity) & (layers.step == step)]
    if isinstance(ell, slice):
        rows = rows[(rows.layer >= ell.start) & (rows.layer <= ell.stop)]
    elif ell is not None:
        rows = rows[rows.layer == ell]
    return float(rows.value.mean()) if len(rows) else float("nan")


def summarize(result: Result) -> Summary:
    """Every headline number of a run, from its tables."""
    layers = result.tables["layers"]
    depth = int(result.meta.get("n_layers", int(layers.layer.max()))) - 1
    g = _pivot(layers, "weight_grad")  # (steps, D + 1)
    b = _pivot(layers, "backprop_grad")  # (steps, D)
    nan = float("nan")
    with np.errstate(divide="ignore", invalid="ignore"):
        # ‖∂L/∂W_1‖ / ‖∂L/∂W_{D+1}‖ at every recorded step
        w_t = g[1] / g[depth + 1] if len(g) else pd.Series(dtype=float)
        if depth > 1 and len(b):
            # ‖∂L/∂h_1‖ / ‖∂L/∂h_D‖, and its (D−1)-th root: the geometric-mean factor per layer
            b_t = b[1] / b[depth]
            f_t = b_t ** (1.0 / (depth - 1))  # factor_t = ratio_t^(1/(D−1))
        else:
            b_t = f_t = pd.Series(dtype=float)
    if len(g):
        stacked = g.stack()
        finite = stacked[np.isfinite(stacked)]
        (max_step, max_layer), max_grad = (
            (finite.idxmax(), float(finite.max())) if len(finite) else ((0, 0), nan)
        )
    else:
        max_step, max_layer, max_grad = 0, 0, nan
    evals = result.tables["training"]
    acc = evals[evals.quantity == "held_out_accuracy"].sort_values("step")
    u = _pivot(layers, "update_ratio")
    first_step, last_step = int(layers.step.min()), int(layers.step.max())
    hist_steps = sorted(layers[layers.quantity == "act_spread"].step.unique())
    end = int(hist_steps[-1]) if hist_steps else last_step
    # the variance condition, measured at initialization over the hidden-to-hidden links W_2..W_D
    nvar = _at(layers, "weight_nvar", first_step, slice(2, depth)) if depth > 1 else nan
    fprime_sq = _at(layers, "mean_fprime_sq", first_step, slice(2, depth)) if depth > 1 else nan
    saturated = _at(layers, "frac_saturated", end)
    return Summary(
        depth=depth,
        diverged_at=result.meta.get("diverged_at"),
        reason=result.meta.get("reason"),
        n_steps=int(result.meta.get("n_steps", 0)),
        back_ratio=_median(b_t),
        back_ratio_init=_first(b_t),
        # f^(D−1) = ratio exactly, so the page's "f^(D−1) = ratio" holds to the digit
        layer_factor=_median(b_t) ** (1.0 / (depth - 1)) if depth > 1 else nan,
        layer_factor_init=_first(f_t),
        back_first=_median(b[1]) if len(b) else nan,
        back_last=_median(b[depth]) if len(b) else nan,
        weight_ratio=_median(w_t),
        weight_ratio_init=_first(w_t),
        first_grad=_median(g[1]) if len(g) else nan,
        last_grad=_median(g[depth + 1]) if len(g) else nan,
        max_grad=max_grad,
        max_grad_layer=int(max_layer),
        max_grad_step=int(max_step),
        accuracy=float(acc.value.iloc[-1]) if len(acc) else nan,
        update_first=_median(u[1]) if len(u) else nan,
        update_last=_median(u[depth + 1]) if len(u) else nan,
        spread_first_end=_at(layers, "act_spread", end, 1),
        spread_last_end=_at(layers, "act_spread", end, depth),
        mean_fprime=_at(layers, "mean_fprime", first_step),
        fprime_sq=fprime_sq,
        nvar=nvar,
        # factor = sqrt(n · Var(W) · E[f'(z)²])
        predicted_factor=math.sqrt(nvar * fprime_sq) if nvar >= 0 and fprime_sq >= 0 else nan,
        saturated_end=saturated,
        frozen_layers=tuple(int(ell) for ell in u.columns if u[ell].median() == 0) if len(u) else (),
    )
