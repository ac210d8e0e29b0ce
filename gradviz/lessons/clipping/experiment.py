"""Gradient clipping in a real RNN: a tanh RNN on the adding problem, trained three times from the same
initial weights and the same minibatches — without clipping, clipped by norm and clipped by value.

Pascanu, Mikolov & Bengio (2013), "On the difficulty of training recurrent neural networks",
https://arxiv.org/abs/1211.5063: with the recurrent matrix's spectral radius ρ above 1, the backward
product ∂h_T/∂h_0 = Π_t diag(1 − h_t²) W can grow like ρ^T, one huge gradient step throws the weights
onto a region where the next gradient is even larger, and the loss runs off to inf. Rescaling the
gradient to norm η when ‖g‖ > η (gradviz.clip, applied inside gradviz.train's loop) bounds every step
by lr·η. Their threshold heuristic, "look at the average norm over a sufficiently large number of
updates; from half to ten times that average still converges", is computed here from the unclipped run.

The task is the adding problem (gradviz.tasks); a predictor that ignores its input scores MSE 1/6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from gradviz import lazy, results
from gradviz.progress import ProgressFn
from gradviz.results import Result
from gradviz.tasks import MEAN_PREDICTOR_MSE, adding_problem
from gradviz.train import TrainConfig, train

# Imported at first use (a live run): the page that shows precomputed results never loads torch.
torch = lazy.module("torch")
F = lazy.module("torch.nn.functional")

RUNS = ("none", "norm", "value")  # the three clip modes, trained side by side with the same seed
HIDDEN = 32  # units: enough to learn the adding problem at T = 10 below the 1/6 baseline in 300 steps
BATCH = 64  # sequences per step: small ops, so a live run of all three stays around three seconds
N_TRAIN = 4096  # training sequences: 64 batches, so 300 steps see each about five times
HEURISTIC_STEPS = 20  # "a short unclipped run": the first 20 steps of the unclipped run
HEURISTIC_RANGE = (0.5, 10.0)  # Pascanu et al.: thresholds from half to ten times the average still converge
FINAL_WINDOW = 0.1  # the final loss is the mean minibatch loss over the last 10% of steps (SGD is noisy)


@dataclass(frozen=True)
class Config:
    T: int = 10  # sequence length: ρ^T = 3^10 ≈ 6e4 at ρ = 3, while a live run stays within seconds
    rho: float = 1.0  # spectral radius of W at init; 1.0 is the edge: nothing explodes (see "explodes")
    threshold: float = 1.0  # η: about the average gradient norm of the unclipped run at ρ = 1 (heuristic)
    lr: float = 0.1  # plain SGD: learns in 300 steps, and blows up at ρ = 3 when nothing clips it
    steps: int = 300  # three runs of 300 steps take about three seconds on two CPU cores
    seed: int = 0  # data, initial weights and minibatch order; all three runs share it


PRESETS: dict[str, Config] = {
    "default": Config(),
    "explodes": Config(rho=3.0),  # ρ well above 1: the unclipped run diverges within ~50 steps
}


def threshold_heuristic(grad_norms: np.ndarray, losses: np.ndarray) -> dict[str, float | int | bool]:
    """Pascanu et al.'s rule of thumb from the unclipped run's first steps: the average gradient norm,
    and the range [½, 10] × that average that they found still converges.

    `reliable` says whether the window looks like ordinary training (finite, loss not risen above its
    start): an average over steps that are already exploding measures the explosion, not the gradient."""
    norms = np.asarray(grad_norms, dtype=float)[:HEURISTIC_STEPS]
    losses = np.asarray(losses, dtype=float)[:HEURISTIC_STEPS]
    finite = np.isfinite(norms)
    n = int(finite.sum())
    # \bar g = \frac{1}{K}\sum_{k<K} \|g_k\|
    mean = float(norms[finite].mean()) if n else math.nan
    reliable = bool(n == HEURISTIC_STEPS and np.all(np.isfinite(losses)) and losses[-1] <= losses[0])
    return {
        "mean_norm": mean,
        "low": HEURISTIC_RANGE[0] * mean,
        "high": HEURISTIC_RANGE[1] * mean,
        "steps_used": n,
        "median_norm": float(np.median(norms[finite])) if n else math.nan,
        "reliable": reliable,
    }


def run(cfg: Config, on_step: ProgressFn | None = None) -> Result:
    """Train the same RNN three times (no clipping, clip by norm, clip by value) and return long-form
    tables: "steps" (run, step, quantity ∈ {loss, grad_norm, clipped}, value) and "summary"
    (run, quantity, value)."""
    from gradviz.lessons.clipping.nets import TanhRNN  # torch's nn.Module: imported when a run starts

    if cfg.T < 2 or cfg.steps < 1 or cfg.lr <= 0 or cfg.threshold <= 0 or cfg.rho <= 0:
        raise ValueError(f"invalid config {cfg}: need T ≥ 2, steps ≥ 1 and positive lr, threshold, ρ")
    x, y = adding_problem(N_TRAIN, cfg.T, torch.Generator().manual_seed(cfg.seed))  # (N, T, 2), (N, 1)
    # the mean predictor: always answer E[y] = 1; its MSE is Var[y] = 1/6 in expectation
    mean_mse = float(((y - 1.0) ** 2).mean())
    step_frames, summary, reasons, seconds = [], [], {}, 0.0
    for i, mode in enumerate(RUNS):
        # the same initial weights for every run: a fresh generator with the same seed
        model = TanhRNN(2, HIDDEN, 1, cfg.rho, torch.Generator().manual_seed(cfg.seed + 1))
        tcfg = TrainConfig(
            lr=cfg.lr,
            optimizer="sgd",
            epochs=math.ceil(cfg.steps * BATCH / N_TRAIN),
            batch=BATCH,
            seed=cfg.seed,
            clip=mode,
            threshold=cfg.threshold,
            max_steps=cfg.steps,
        )

        def report(fraction: float, message: str, i: int = i, mode: str = mode) -> None:
            if on_step is not None:
                on_step((i + fraction) / len(RUNS), f"run {i + 1} of {len(RUNS)} (clip: {mode}), {message}")

        log = train(model, x, y, F.mse_loss, tcfg, on_step=report)
        seconds += log.seconds
        steps = log.steps[["step", "quantity", "value"]].assign(run=mode)
        step_frames.append(steps)
        loss = steps.loc[steps["quantity"] == "loss", "value"].to_numpy()
        norm = steps.loc[steps["quantity"] == "grad_norm", "value"].to_numpy()
        clipped = steps.loc[steps["quantity"] == "clipped", "value"].to_numpy()
        tail = max(1, int(round(FINAL_WINDOW * cfg.steps)))
        diverged = log.diverged_at is not None
        summary += [
            (mode, "final_loss", math.nan if diverged else float(loss[-tail:].mean())),
            (mode, "min_loss", float(loss.min()) if loss.size else math.nan),
            (mode, "share_clipped", float(clipped.mean()) if clipped.size else 0.0),
            (mode, "max_grad_norm", float(norm.max()) if norm.size else math.nan),
            (mode, "diverged_at", float(log.diverged_at) if diverged else math.nan),
            (mode, "n_steps", float(log.n_steps)),
        ]
        reasons[mode] = log.reason
        if mode == "none":
            heuristic = threshold_heuristic(norm, loss)
    table = pd.concat(step_frames, ignore_index=True)[["run", "step", "quantity", "value"]]
    return Result(
        tables={"steps": table, "summary": pd.DataFrame(summary, columns=["run", "quantity", "value"])},
        meta={
            "reasons": reasons,
            "heuristic": heuristic,
            "mean_predictor_mse": mean_mse,
            "baseline_mse": MEAN_PREDICTOR_MSE,
            "hidden": HIDDEN,
            "n_params": sum(p.numel() for p in model.parameters()),
            "batch": BATCH,
            "n_train": N_TRAIN,
            "seconds": round(seconds, 3),
        },
    )


def summary_value(result: Result, run: str, quantity: str) -> float:
    """One number from the summary table (NaN when absent)."""
    return results.value(result.tables["summary"], run=run, quantity=quantity)
