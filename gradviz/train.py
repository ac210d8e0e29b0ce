"""The one training loop of the project.

Every lesson that trains calls `train`: minibatch SGD or Adam over tensors (x, y), seeded shuffling,
optional gradient clipping (by norm or by value, `gradviz.clip`), NaN/inf detection that stops the
run and says at which step and why, an optional `Probe` that records per-layer statistics on some steps,
and an `on_step(fraction, message)` progress callback.

Each step records the loss, the gradient norm before clipping and whether the step was clipped, into a
long-form table: (step, epoch, quantity, value).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

import pandas as pd

from gradviz import lazy
from gradviz.clip import clip_by_norm_, clip_by_value_, grad_norm
from gradviz.progress import ProgressFn

# Imported at first use: pages that only show results never load torch.
torch = lazy.module("torch")
nn = lazy.module("torch.nn")



@dataclass(frozen=True)
class TrainConfig:
    lr: float = 0.1  # plain SGD at 0.1 trains a shallow MNIST MLP in one epoch
    optimizer: Literal["sgd", "adam"] = "sgd"  # SGD shows raw gradient sizes; Adam rescales them per weight
    epochs: int = 2  # enough for a deep-ish sigmoid net to show its layers learning at different speeds
    batch: int = 64  # small batches: many steps, so the per-step curves have detail
    seed: int = 0  # shuffling order (model init takes its own generator, seeded by the experiment)
    clip: Literal["none", "norm", "value"] = "none"
    threshold: float = 1.0  # η: the clipping threshold (norm or per-component value)
    max_steps: int | None = None  # stop after this many steps (step-based lessons); None = run all epochs


class Probe(Protocol):
    """What the loop calls on a probe (see gradviz.probe.LayerProbe)."""

    def wants(self, step: int) -> bool: ...
    def before_forward(self, step: int) -> None: ...
    def after_backward(self, step: int) -> None: ...
    def after_update(self, step: int) -> None: ...


@dataclass(frozen=True)
class TrainLog:
    steps: pd.DataFrame  # long-form: step, epoch, quantity ∈ {loss, grad_norm, clipped}, value
    evals: pd.DataFrame  # long-form: step, epoch, quantity (from `evaluate`), value
    n_steps: int
    diverged_at: int | None  # the step whose loss or gradient was first NaN/inf
    reason: str | None  # a sentence for students: what went non-finite, and the last finite sizes
    seconds: float


def make_optimizer(name: str, params, lr: float) -> torch.optim.Optimizer:
    if name == "sgd":
        # w ← w − η ∇L
        return torch.optim.SGD(params, lr=lr)
    if name == "adam":
        # w ← w − η m̂ / (sqrt(v̂) + ε): per-weight rescaling hides (but does not remove) tiny gradients
        return torch.optim.Adam(params, lr=lr)
    raise ValueError(f"unknown optimizer {name!r}; choose sgd or adam")


def _divergence_reason(what: str, step: int, last_loss: float | None, last_norm: float | None) -> str:
    before = []
    if last_loss is not None:
        before.append(f"loss {last_loss:.3g}")
    if last_norm is not None:
        before.append(f"gradient norm {last_norm:.3g}")
    tail = f"; the step before had {' and '.join(before)}" if before else ""
    return f"the {what} became NaN/inf at step {step}{tail}"


def train(
    model: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    loss_fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    cfg: TrainConfig,
    probe: Probe | None = None,
    evaluate: Callable[[nn.Module], dict[str, float]] | None = None,
    eval_every: int = 50,
    on_step: ProgressFn | None = None,
) -> TrainLog:
    """Train `model` in place on (x, y); returns the per-step log.

    `evaluate(model)` (run under no_grad, in eval mode) is called at step 0, every `eval_every` steps and at
    the end; its dict becomes rows of `evals`.

    Runs on one CPU thread, whatever the process's setting, and restores it afterwards: the thread count
    changes the order of floating-point sums, so this is what makes a notebook run, a live app run and a
    committed result agree to the last bit (and parallel students use the cores side by side).
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _train(model, x, y, loss_fn, cfg, probe, evaluate, eval_every, on_step)
    finally:
        torch.set_num_threads(threads)


def _train(model, x, y, loss_fn, cfg, probe, evaluate, eval_every, on_step) -> TrainLog:
    start = time.perf_counter()
    # Vanishing gradients produce subnormal floats (below ~1e-38), which x86 CPUs process 10-100x slower;
    # flushing them to zero (process-wide, harmless at that size) keeps a deep sigmoid net as fast as a ReLU one.
    torch.set_flush_denormal(True)
    n = x.shape[0]
    steps_per_epoch = math.ceil(n / cfg.batch)
    total = steps_per_epoch * cfg.epochs
    if cfg.max_steps is not None:
        total = min(total, cfg.max_steps)
    params = [p for p in model.parameters() if p.requires_grad]
    opt = make_optimizer(cfg.optimizer, params, cfg.lr)
    gen = torch.Generator().manual_seed(cfg.seed)
    clip = {"none": None, "norm": clip_by_norm_, "value": clip_by_value_}[cfg.clip]

    rows: list[tuple[int, int, str, float]] = []
    eval_rows: list[tuple[int, int, str, float]] = []

    def run_eval(step: int, epoch: int) -> None:
        if evaluate is None:
            return
        model.eval()
        with torch.no_grad():
            for k, v in evaluate(model).items():
                eval_rows.append((step, epoch, k, float(v)))
        model.train()

    diverged_at: int | None = None
    reason: str | None = None
    last_loss = last_norm = None
    step = 0
    run_eval(0, 0)
    report_every = max(1, total // 50)
    for epoch in range(cfg.epochs):
        order = torch.randperm(n, generator=gen)
        for i in range(steps_per_epoch):
            if step >= total:
                break
            idx = order[i * cfg.batch : (i + 1) * cfg.batch]
            record = probe is not None and probe.wants(step)
            if record:
                probe.before_forward(step)
            loss = loss_fn(model(x[idx]), y[idx])
            loss_value = float(loss.detach())
            if not math.isfinite(loss_value):
                diverged_at, reason = step, _divergence_reason("loss", step, last_loss, last_norm)
                break
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if record:
                probe.after_backward(step)
            if clip is None:
                norm, clipped = grad_norm(params), False
            else:
                norm, clipped = clip(params, cfg.threshold)
            if not math.isfinite(norm):
                rows.append((step, epoch, "loss", loss_value))
                diverged_at, reason = step, _divergence_reason("gradient", step, last_loss, last_norm)
                break
            opt.step()
            if record:
                probe.after_update(step)
            rows += [
                (step, epoch, "loss", loss_value),
                (step, epoch, "grad_norm", norm),
                (step, epoch, "clipped", float(clipped)),
            ]
            last_loss, last_norm = loss_value, norm
            step += 1
            if evaluate is not None and step % eval_every == 0:
                run_eval(step, epoch)
            if on_step is not None and (step % report_every == 0 or step == total):
                on_step(step / total, f"step {step} of {total}")
        if diverged_at is not None or step >= total:
            break
    if diverged_at is None and evaluate is not None and step % eval_every != 0:
        run_eval(step, epoch)
    cols = ["step", "epoch", "quantity", "value"]
    return TrainLog(
        steps=pd.DataFrame(rows, columns=cols),
        evals=pd.DataFrame(eval_rows, columns=cols),
        n_steps=step,
        diverged_at=diverged_at,
        reason=reason,
        seconds=time.perf_counter() - start,
    )
