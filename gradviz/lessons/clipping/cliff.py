"""Numpy-only maths of the gradient-clipping lesson: plain and clipped gradient descent on the one-unit
RNN's loss surface (it has a cliff), and clipping of a single 2-D gradient vector by norm or by value.

The loss and its gradient come from `gradviz.unit_rnn` (the one-unit RNN h_t = tanh(w h_{t-1} + b) that the
backprop-through-time lesson also teaches, L = ½ (h_T − y)²); this module only walks on that surface.

Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural networks",
https://arxiv.org/abs/1211.5063, section 3.2: where the loss has a cliff, the gradient on the cliff face
is enormous and one plain SGD step throws the parameters far away; rescaling the gradient to norm η,

    g ← η g / ‖g‖   when ‖g‖ > η,

keeps the direction and bounds the step by lr·η. Clipping each component to [−η, η] instead bounds the
step too, but can turn the direction (Grosse & Ba, CSC421/2516 Lecture 14; "The gradient problem in RNN", 2019).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gradviz import unit_rnn
from gradviz.bounded import BIG
from gradviz.results import Result

# -- clipping one gradient vector (numpy twins of gradviz.clip's in-place torch versions) ----------


def clip_vector_by_norm(g: np.ndarray, threshold: float) -> np.ndarray:
    """g rescaled to norm `threshold` if it is longer; unchanged otherwise. Keeps the direction."""
    g = np.asarray(g, dtype=float)
    norm = float(np.linalg.norm(g))
    if norm <= threshold:
        return g.copy()
    # g ← η g / ‖g‖   when ‖g‖ > η
    return g * (threshold / norm)


def clip_vector_by_value(g: np.ndarray, threshold: float) -> np.ndarray:
    """Every component clamped to [−threshold, threshold]. Can turn the direction."""
    # g_i ← max(−η, min(η, g_i))
    return np.clip(np.asarray(g, dtype=float), -threshold, threshold)


def angle_between(a: np.ndarray, b: np.ndarray) -> float:
    """The angle between two vectors in degrees (0 when either is zero)."""
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    if na == 0.0 or nb == 0.0:
        return 0.0
    # cos θ = a·b / (‖a‖ ‖b‖)
    cos = float(np.dot(a, b)) / (na * nb)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


@dataclass(frozen=True)
class VectorConfig:
    gx: float = 3.0  # a gradient much longer in x than in y ...
    gy: float = 1.0  # ... so clipping each component to η turns it visibly
    threshold: float = 1.0  # η: the norm-clipped vector lands on the unit circle


def clip_vector(cfg: VectorConfig) -> Result:
    """The gradient g = (gx, gy), its norm-clipped and its value-clipped versions, as long-form rows
    (vector, x, y, norm, angle_deg), plus the circle ‖g‖ = η and the box |g_i| ≤ η to draw them on."""
    if cfg.threshold <= 0:
        raise ValueError(f"the threshold η must be positive, got {cfg.threshold}")
    g = np.array([cfg.gx, cfg.gy], dtype=float)
    vectors = {
        "gradient g": g,
        "clipped by norm": clip_vector_by_norm(g, cfg.threshold),
        "clipped by value": clip_vector_by_value(g, cfg.threshold),
    }
    rows = [
        (name, float(v[0]), float(v[1]), float(np.linalg.norm(v)), math.degrees(math.atan2(v[1], v[0])))
        for name, v in vectors.items()
    ]
    table = pd.DataFrame(rows, columns=["vector", "x", "y", "norm", "angle_deg"])
    theta = np.linspace(0.0, 2.0 * np.pi, 121)
    eta = cfg.threshold
    circle = pd.DataFrame(
        {"x": eta * np.cos(theta), "y": eta * np.sin(theta), "order": np.arange(theta.size)}
    )
    box = pd.DataFrame(
        {"x": [-eta, eta, eta, -eta, -eta], "y": [-eta, -eta, eta, eta, -eta], "order": range(5)}
    )
    norm_clip, value_clip = vectors["clipped by norm"], vectors["clipped by value"]
    meta = {
        "norm": float(np.linalg.norm(g)),
        "turn_norm_deg": angle_between(g, norm_clip),
        "turn_value_deg": angle_between(g, value_clip),
        "norm_after_norm_clip": float(np.linalg.norm(norm_clip)),
        "norm_after_value_clip": float(np.linalg.norm(value_clip)),
        "norm_clipped": bool(np.linalg.norm(g) > eta),
        "value_clipped": bool(np.any(np.abs(g) > eta)),
    }
    return Result({"vectors": table, "circle": circle, "box": box}, meta)


# -- gradient descent on the cliff ---------------------------------------------------------------------

# The surface: the backprop-through-time lesson's one-unit RNN, with a shorter unroll so that the cliff
# face is a band SGD steps can land on (at T = 30 it is ~1e-5 wide and a step of 0.01 hops over it).
CLIFF_T = 12  # cliff slope ~ (w(1 − h²))^T: steep enough to throw a plain step off the map at lr = 0.1
CLIFF_TARGET = 0.8  # near the upper attractor, so the two plateaus differ (as in backprop through time)
CLIFF_H0 = 0.5  # the start state of the backprop-through-time lesson's cliff section
W_RANGE = (0.0, 4.0)  # the region plotted: for w > 1 the unit can have two attractors, and b has a cliff
B_RANGE = (-2.0, 1.0)  # the cliff b* = atanh(h0) − w h0 crosses this box for every w in W_RANGE
GRID_STEP = 0.05  # heatmap cell size; the start sliders move on the same grid, so a click lands on it


@dataclass(frozen=True)
class CliffDescentConfig:
    w0: float = 2.0  # start weight: two attractors (w(1 − h0²) = 1.5 > 1), so a cliff in b
    b0: float = -0.6  # start bias: on the bad plateau just left of the cliff at b* ≈ −0.45
    lr: float = 0.5  # a step on the cliff face is huge, yet the plateau is crossed slowly
    threshold: float = 1.0  # η: a clipped step moves at most lr·η = 0.5
    steps: int = 40  # enough to reach the cliff from the default start and settle beyond it


@dataclass(frozen=True)
class Step:
    """One SGD step: θ_{k+1} = θ_k − lr · clip(∇L(θ_k))."""

    w: float
    b: float
    loss: float
    grad_w: float
    grad_b: float
    grad_norm: float  # ‖∇L‖ before clipping
    clipped: bool


def descend(
    w0: float,
    b0: float,
    lr: float,
    steps: int,
    threshold: float | None = None,
    T: int = CLIFF_T,
    target: float = CLIFF_TARGET,
    h0: float = CLIFF_H0,
) -> list[Step]:
    """Gradient descent from (w0, b0) on L(w, b) = ½ (h_T − target)², clipped by norm when `threshold`
    is given. Returns the visited points θ_0 … θ_k (k ≤ steps), each with the loss and gradient there;
    stops early at a non-finite value (the last point is then the first non-finite one)."""
    w, b = float(w0), float(b0)
    path: list[Step] = []
    for k in range(steps + 1):
        loss, gw, gb = (float(v) for v in unit_rnn.rnn_unit_loss_grad(w, b, T, target, h0))
        g = np.array([gw, gb])
        norm = float(np.hypot(gw, gb))
        finite = all(math.isfinite(v) for v in (w, b, loss, gw, gb)) and abs(w) < BIG
        clipped = threshold is not None and finite and norm > threshold
        path.append(Step(w, b, loss, gw, gb, norm, clipped))
        if k == steps or not finite:
            break
        if threshold is not None:
            g = clip_vector_by_norm(g, threshold)
        # θ_{k+1} = θ_k − lr · g   (g clipped: g ← η g/‖g‖ when ‖g‖ > η)
        w, b = w - lr * float(g[0]), b - lr * float(g[1])
    return path


def _in_region(w: float, b: float) -> bool:
    return W_RANGE[0] <= w <= W_RANGE[1] and B_RANGE[0] <= b <= B_RANGE[1]


def cliff_descent(cfg: CliffDescentConfig) -> Result:
    """Two descents from the same start, unclipped and clipped by norm, as one long-form table
    (run, step, w, b, loss, grad_w, grad_b, grad_norm, clipped, step_size, in_region), with per-run
    readouts in meta["runs"] and the first clipped step's numbers in meta["clip_example"]."""
    if cfg.threshold <= 0 or cfg.lr <= 0 or cfg.steps < 1:
        raise ValueError("need a positive threshold and learning rate and at least one step")
    frames, runs = [], {}
    for run, threshold in (("unclipped", None), ("clipped by norm", cfg.threshold)):
        path = descend(cfg.w0, cfg.b0, cfg.lr, cfg.steps, threshold)
        frame = pd.DataFrame([s.__dict__ for s in path])
        frame.insert(0, "step", np.arange(len(frame)))
        frame.insert(0, "run", run)
        # ‖θ_k − θ_{k−1}‖: the distance the step that arrived here travelled
        frame["step_size"] = np.hypot(frame["w"].diff(), frame["b"].diff()).fillna(0.0)
        frame["in_region"] = [_in_region(w, b) for w, b in zip(frame["w"], frame["b"], strict=True)]
        frames.append(frame)
        last = path[-1]
        nonfinite = not all(math.isfinite(v) for v in (last.w, last.b, last.loss))
        left = ~frame["in_region"]
        runs[run] = {
            "largest_step": float(frame["step_size"].max()),
            "final_loss": last.loss,
            "left_region_at": int(frame.loc[left, "step"].iloc[0]) if left.any() else None,
            "nonfinite_at": len(path) - 1 if nonfinite else None,
            "final_w": last.w,
            "final_b": last.b,
            "clipped_steps": int(frame["clipped"].iloc[:-1].sum()),
            "n_steps": len(path) - 1,
        }
    table = pd.concat(frames, ignore_index=True)
    clipped = table[(table["run"] == "clipped by norm") & table["clipped"]]
    example = None
    if not clipped.empty:
        # the first step at which clipping acted (on the cliff face, from the default start)
        s = clipped.iloc[0]
        g = np.array([s["grad_w"], s["grad_b"]])
        after = clip_vector_by_norm(g, cfg.threshold)
        example = {
            "step": int(s["step"]),
            "grad_w": float(g[0]),
            "grad_b": float(g[1]),
            "norm": float(s["grad_norm"]),
            "clipped_w": float(after[0]),
            "clipped_b": float(after[1]),
        }
    meta = {
        "runs": runs,
        "clip_example": example,
        "b_cliff": float(unit_rnn.cliff_bias(cfg.w0, CLIFF_H0)[0]),
    }
    return Result({"trajectories": table}, meta)


def cliff_grid(n_w: int | None = None, n_b: int | None = None) -> pd.DataFrame:
    """The loss surface over the plotted region (long-form rows from `unit_rnn.loss_grid`), on the
    slider grid of step GRID_STEP, so a clicked cell is a start the sliders can show."""
    n_w = n_w or int(round((W_RANGE[1] - W_RANGE[0]) / GRID_STEP)) + 1
    n_b = n_b or int(round((B_RANGE[1] - B_RANGE[0]) / GRID_STEP)) + 1
    w = np.round(np.linspace(*W_RANGE, n_w), 6)
    b = np.round(np.linspace(*B_RANGE, n_b), 6)
    return unit_rnn.loss_grid(w, b, CLIFF_T, CLIFF_TARGET, CLIFF_H0)


def cliff_boundary(n: int = 201) -> pd.DataFrame:
    """Where the cliff runs through the plotted region (`unit_rnn.cliff_bias`), long-form rows (w, b, kind):
    the basin boundary b* = atanh(h0) − w h0 where h0 can be the repelling fixed point (w > 4/3 for
    h0 = 0.5), continued for 1 < w ≤ 4/3 by the saddle-node fold b = −b_c(w), where the attractor h0 heads
    for disappears."""
    w = np.linspace(*W_RANGE, n)
    b, kind = unit_rnn.cliff_bias(w, CLIFF_H0)
    frame = pd.DataFrame({"w": w, "b": b, "kind": kind})
    return frame[frame["b"].between(*B_RANGE)].reset_index(drop=True)
