"""Section 4, cliffs: the loss of the one-unit tanh RNN as a function of its parameters (w, b), which
jumps where the start h_0 crosses a basin boundary."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from gradviz.bounded import BIG
from gradviz.lessons.rnn_dynamics.configs import COST_SLOPE_HALF_WIDTH, COST_STARTS, CliffConfig
from gradviz.lessons.rnn_dynamics.words import cliff_words
from gradviz.results import Result
from gradviz.unit_rnn import (
    cliff_bias,
    loss_grid,
    rnn_unit_forward,
    rnn_unit_loss_grad,
    saddle_node_bias,
)

# == 4. Cliffs: the loss of the one-unit RNN as a function of its parameters ===============================
# With the start h_0 fixed, changing b moves the repelling fixed point; when it passes h_0 the unit's
# destination flips from one attractor to the other. For large T that flip is a jump in h_T, and so in the
# loss: a cliff, with an exploding gradient on it and vanishing gradients on the plateaus either side.


def face_width(cfg: CliffConfig, centre: float, threshold: float = 10.0) -> float:
    """How wide the cliff face is: the length of b around `centre` where |∂L/∂b| > threshold (there one
    plain step with lr = 0.1 moves b by more than 1), found on offsets spaced logarithmically from 1e-15
    to 3 (2.2% apart), so a face far thinner than any grid is still measured. 0 when no point exceeds it;
    FACE_FLOOR (1e-15, an upper bound) when only the centre itself does."""
    d = np.logspace(-15, math.log10(3.0), 1600)
    widths = []
    for side in (-1.0, 1.0):
        _, _, g = rnn_unit_loss_grad(cfg.w, centre + side * d, cfg.T, cfg.target, cfg.h0)
        steep = np.abs(g) > threshold
        widths.append(float(d[steep].max()) if steep.any() else 0.0)
    if sum(widths) == 0.0:
        _, _, g0 = rnn_unit_loss_grad(cfg.w, centre, cfg.T, cfg.target, cfg.h0)
        return FACE_FLOOR if abs(float(g0)) > threshold else 0.0
    return sum(widths)


FACE_FLOOR = 1e-15  # faces thinner than this are reported as "below 1e-15"


def slider_b_on_cliff(
    cfg: CliffConfig, b_cliff: float, step: float = 0.01, lo: float = -3.0, hi: float = 3.0
) -> float:
    """The b slider's value (a multiple of `step`) nearest the cliff with the steepest |∂L/∂b|: where a
    student can land on the face with the page's own control."""
    k = math.floor(b_cliff / step)
    candidates = np.array([v for v in np.round(np.arange(k - 2, k + 4) * step, 10) if lo <= v <= hi])
    _, _, g = rnn_unit_loss_grad(cfg.w, candidates, cfg.T, cfg.target, cfg.h0)
    return float(candidates[int(np.argmax(np.abs(g)))])


def cliff_curves(
    cfg: CliffConfig, b_min: float = -3.0, b_max: float = 3.0, n_b: int = 601, n_cost: int = 121
) -> Result:
    """Loss and |∂L/∂b| as functions of b (w, T, target, h0 fixed), for the start h0 ("loss") and averaged
    over starts spread across (−0.9, 0.9) ("cost"). The grid includes the predicted cliff and the current b.

    The cost's slope is measured on the averaged curve (central differences over b ± 0.1), not by averaging the starts'
    backprop gradients: each start's gradient is tiny almost everywhere and enormous on its own cliff, so
    their average is a poor estimate of the slope of the average, which is the lecture's point."""
    b_cliff, kind = cliff_bias(cfg.w, cfg.h0)
    b_star, kind = float(b_cliff), str(kind)
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
    on_cost = frame[frame["curve"].str.startswith("cost")]
    has_cliff = math.isfinite(b_star) and b_min <= b_star <= b_max
    meta = {
        "b_boundary": b_star if math.isfinite(b_star) else None,
        "cliff_kind": kind if math.isfinite(b_star) else "",
        "cliff_in_range": has_cliff,
        "saddle_node_b": float(saddle_node_bias(cfg.w)) if cfg.w > 1 else None,
        "b_steepest": float(on_loss.loc[on_loss["abs_grad_b"].idxmax(), "b"]),
        "max_abs_grad_b": float(on_loss["abs_grad_b"].max()),
        "max_abs_cost_slope": float(on_cost["abs_grad_b"].max()),
        "loss": float(here_loss),
        "grad_w": float(here_gw),
        "grad_b": float(here_gb),
        "grad_norm": float(min(math.hypot(float(here_gw), float(here_gb)), BIG)),
        "h_T": float(rnn_unit_forward(cfg.w, cfg.b, cfg.T, cfg.h0)),
    }
    steep_at = b_star if has_cliff else meta["b_steepest"]
    meta["face_width"] = face_width(cfg, steep_at)
    meta["b_slider_on_cliff"] = slider_b_on_cliff(cfg, b_star) if has_cliff else None
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
    b_cliff, kind = cliff_bias(w_fine, h0)
    boundary = pd.DataFrame({"w": w_fine, "b": b_cliff, "kind": kind})
    boundary = boundary[boundary["b"].between(*b_range)]
    # two branches (w > 0, where the boundary continues into the saddle-node fold, and w < 0) as separate lines
    boundary = boundary.assign(branch=np.where(boundary["w"] > 0, "w > 0", "w < 0")).reset_index(drop=True)
    return Result({"grid": grid, "boundary": boundary}, {})
