"""The depth sweep: plain and residual twins of the same MLP blocks, trained on real MNIST at several depths.

Each depth trains two nets (gradviz.lessons.resnet.nets.residual_twins) from the same initial weights, with the same
optimizer, steps, minibatches and seed; they differ only by the skip connection x⁽ℓ⁾ = x⁽ℓ⁻¹⁾ + F(x⁽ℓ⁻¹⁾).
He et al. (2016, https://arxiv.org/abs/1512.03385) saw plain nets get *worse* with depth (higher training
error: "degradation") while residual nets kept improving; with batch norm they argue the plain nets'
gradients are healthy, so degradation is not vanishing. Here both regimes are one toggle apart (`norm`).

This module holds the config, the presets, the cost model and the summaries (numpy and pandas only);
the training lives in `gradviz.lessons.resnet.sweep`, imported inside `run`, so reading a precomputed
result never imports torch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from gradviz.progress import ProgressFn
from gradviz.results import Result

# Depth sets the page offers (blocks; each block has 2 weight layers): a sweep, or one depth for a live run.
DEPTH_CHOICES: dict[str, tuple[int, ...]] = {
    "1-2-4-8-16": (1, 2, 4, 8, 16),
    "1-4-16": (1, 4, 16),
    "2-8-24": (2, 8, 24),
    "1": (1,),
    "2": (2,),
    "4": (4,),
    "8": (8,),
    "16": (16,),
}
WIDTHS = (32, 64, 128)
LRS = (0.01, 0.02, 0.05, 0.1, 0.2)
STEPS_RANGE = (50, 1000)
BATCH = 128  # minibatch size: 63 steps per epoch over the 8,000 training digits
PATH_SAMPLES = 6  # sampled paths per length k (Veit et al. used 1,000 on a GPU; 6 keeps a live run ≤ 10 s)
PATH_BATCH = 128  # training digits each sampled path's gradient is measured on: one minibatch
TRAIN_EVAL = 1000  # training digits the curves' training loss is evaluated on (the final one: all 8,000)

# Cost model: CPU seconds per training step of one net = STEP_BASE + STEP_PER_BLOCK · blocks · width/64, × 1.4
# with batch norm. Measured with bench/bench_resnet.py (CPU time of one torch thread, as in the app: 1.8 ms
# at 1 block, 6.7 ms at 16 blocks for the bare loop) plus ~25 % for the probe, the evaluations and the
# lesion. Used to refuse runs that would hold a shared core too long.
STEP_BASE_S = 0.002
STEP_PER_BLOCK_S = 0.0004
BATCH_NORM_FACTOR = 1.4
LIVE_CAP_S = 15.0  # the largest estimated live run the page starts; any single depth at the defaults fits


@dataclass(frozen=True)
class Config:
    depths: tuple[int, ...] = (
        1,
        2,
        4,
        8,
        16,
    )  # blocks: 16 blocks = 34 weight layers, the "30-layer" scale
    norm: Literal["none", "batch"] = "none"  # "batch": BatchNorm1d after each block's first layer (He et al.)
    width: int = 64  # units per layer: wide enough for MNIST, narrow enough for seconds-long runs
    steps: int = 300  # SGD steps per net (~5 epochs): a live single depth stays ≤ 10 s of one core
    lr: float = 0.05  # plain SGD: fast for every residual depth here without diverging at 16 blocks
    seed: int = 0  # initial weights (shared by the twins) and minibatch order
    dataset: Literal["mnist", "digits"] = field(default="mnist")  # "digits": the bundled 8×8 set, offline


PRESETS: dict[str, Config] = {
    "default": Config(),
    "batchnorm": Config(norm="batch"),
}

NETS = ("plain", "residual")


def depth_key(depths: tuple[int, ...]) -> str:
    return "-".join(str(d) for d in depths)


def step_seconds(depth: int, width: int, norm: str = "none") -> float:
    """Measured CPU cost of one training step of one net with `depth` blocks (see STEP_BASE_S)."""
    # t_step = (base + per_block · blocks · width/64) · (1.4 with batch norm)
    return (STEP_BASE_S + STEP_PER_BLOCK_S * depth * width / 64) * (
        BATCH_NORM_FACTOR if norm == "batch" else 1.0
    )


def estimate_seconds(cfg: Config) -> float:
    """Estimated time of the whole config on one core, from the measured per-step cost: training both twins
    at every depth, plus the path sampling on the deepest residual net (about one step per sampled path)."""
    # t = Σ_depths 2 · steps · t_step(d)  +  (n + 1) · samples · t_step(n)
    train_s = sum(2 * cfg.steps * step_seconds(d, cfg.width, cfg.norm) for d in cfg.depths)
    n = max(cfg.depths)
    return train_s + (n + 1) * PATH_SAMPLES * step_seconds(n, cfg.width, cfg.norm)


def run(cfg: Config, on_step: ProgressFn | None = None) -> Result:
    """Train the twins at every depth of `cfg`; see `gradviz.lessons.resnet.sweep.run_sweep`."""
    from gradviz.lessons.resnet.sweep import run_sweep  # torch: only when something is trained

    return run_sweep(cfg, on_step)


# -- summaries (numpy/pandas only) --------------------------------------------------------------------


def final_table(result: Result) -> pd.DataFrame:
    """depth, net, train_loss, held_out_loss, held_out_accuracy, diverged_at (one row per trained net).

    Built row by row: the table has a few dozen entries, and pandas' pivot costs more than the page's budget."""
    rows: dict[tuple[int, str], dict[str, float]] = {}
    for depth, net, quantity, value in result.tables["final"][
        ["depth", "net", "quantity", "value"]
    ].itertuples(index=False):
        rows.setdefault((int(depth), str(net)), {})[str(quantity)] = float(value)
    return pd.DataFrame([{"depth": d, "net": n, **values} for (d, n), values in rows.items()])


@dataclass(frozen=True)
class Degradation:
    """Does the deepest net train worse than the best shallower one (training loss, He et al.'s measure)?"""

    net: str
    deepest: int  # blocks
    deepest_loss: float  # final training loss of the deepest net (NaN if it diverged)
    best_depth: int  # the shallower depth with the lowest training loss
    best_loss: float
    degrades: bool  # deepest_loss > best_loss + margin (or diverged)
    margin: float  # max(0.05, 25 % of best_loss): smaller differences are seed noise at this budget


def degradation(result: Result, net: str) -> Degradation | None:
    """None when the sweep has a single depth (nothing to compare)."""
    t = final_table(result)
    t = t[t.net == net].sort_values("depth")
    if len(t) < 2:
        return None
    deepest = t.iloc[-1]
    shallower = t.iloc[:-1]
    finite = shallower[np.isfinite(shallower.train_loss)]
    if not len(finite):
        best_depth, best_loss = int(shallower.depth.iloc[0]), math.nan
    else:
        best = finite.loc[finite.train_loss.idxmin()]
        best_depth, best_loss = int(best.depth), float(best.train_loss)
    margin = max(0.05, 0.25 * best_loss) if math.isfinite(best_loss) else 0.05
    loss = float(deepest.train_loss)
    degrades = (not math.isfinite(loss)) or (math.isfinite(best_loss) and loss > best_loss + margin)
    return Degradation(net, int(deepest.depth), loss, best_depth, best_loss, bool(degrades), margin)


# Thresholds on the back-propagated gradient ratio ‖∂L/∂x⁽⁰⁾‖ / ‖∂L/∂x⁽ⁿ⁾‖ (as in the deep-nets lesson):
# beyond a factor 100 either way the blocks near the input learn at a visibly different speed.
VANISHING_BELOW = 1e-2
EXPLODING_ABOVE = 1e2


@dataclass(frozen=True)
class GradientFlow:
    """The back-propagated gradient of one net at one moment (init or end)."""

    net: str
    depth: int
    moment: str  # "init" or "end"
    first: float  # ‖∂L/∂x⁽⁰⁾‖: what reaches the first block's input
    last: float  # ‖∂L/∂x⁽ⁿ⁾‖: what the head sends into the last block's output
    ratio: float  # first / last
    per_block: float  # ratio^(1/n): the geometric-mean factor per block
    regime: str  # "vanishing", "healthy", "exploding", "diverged"


def gradient_flow(result: Result, net: str, depth: int, moment: str) -> GradientFlow:
    g = result.tables["grads"]
    g = g[(g.net == net) & (g.depth == depth) & (g.moment == moment)]
    if not len(g):
        nan = math.nan
        return GradientFlow(net, depth, moment, nan, nan, nan, nan, "diverged")
    first = float(g[g.block == 0].value.iloc[0])
    last = float(g[g.block == depth].value.iloc[0])
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = first / last if last > 0 else math.nan
    # per-block factor = (‖∂L/∂x⁽⁰⁾‖ / ‖∂L/∂x⁽ⁿ⁾‖)^(1/n)
    per_block = (
        ratio ** (1.0 / depth) if math.isfinite(ratio) and ratio > 0 else (0.0 if ratio == 0 else math.nan)
    )
    if not (math.isfinite(first) and math.isfinite(last)):
        regime = "diverged"
    elif ratio < VANISHING_BELOW:
        regime = "vanishing"
    elif ratio > EXPLODING_ABOVE or last > 1e6:
        regime = "exploding"
    else:
        regime = "healthy"
    return GradientFlow(net, depth, moment, first, last, ratio, per_block, regime)


def diverged_runs(result: Result) -> list[tuple[int, str, int]]:
    """(depth, net, step) of every run whose loss or gradient became NaN/inf."""
    f = result.tables["final"]
    d = f[(f.quantity == "diverged_at") & np.isfinite(f.value)]
    return [(int(r.depth), str(r.net), int(r.value)) for r in d.itertuples()]


__all__ = ["Config", "PRESETS", "run", "estimate_seconds", "degradation", "gradient_flow", "final_table"]


def is_precomputed(cfg: Config, name: str = "resnet") -> bool:
    """Whether a committed result exists for exactly this config and the current code (no table is read)."""
    from gradviz import results

    key = results.result_key(name, cfg, results.code_version(__file__))
    return (results.result_dir(name, key) / "manifest.json").is_file()


def config_from_controls(depths: str, norm: str, width: int, steps: int, lr: float, seed: int) -> Config:
    """The page's controls (depths as a key of DEPTH_CHOICES) as a Config."""
    return Config(
        depths=DEPTH_CHOICES[depths],
        norm=norm,
        width=int(width),
        steps=int(steps),
        lr=float(lr),
        seed=int(seed),
    )  # type: ignore[arg-type]
