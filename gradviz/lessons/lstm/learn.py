"""Learning a long dependency: a tanh RNN, an IRNN and an LSTM trained on the same data, from the same
seed, with the same optimizer and clipping, on the shared loop (gradviz.train.train).

Tasks (gradviz.tasks): the adding problem (regression, MSE; a net that ignores the sequence scores 1/6) and
the temporal-order task of Hochreiter & Schmidhuber (1997, §5.6; 4 classes, cross-entropy; ignoring the
sequence scores ln 4). Measured for every model: the held-out loss during training, the final held-out loss,
‖∂L/∂x_t‖ over input positions t at initialization and after training (how far back the model looks), the
CPU time per step (for estimating live runs); and, inside the trained LSTM, its gates and cell over one
example sequence.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F

from gradviz import tasks
from gradviz.lessons.lstm.configs import BATCH, CLIP, EVAL_EVERY, HIDDEN, N_TEST, N_TRAIN, LearnConfig
from gradviz.lessons.lstm.nets import SequenceModel
from gradviz.lessons.lstm.unroll import lstm_unroll
from gradviz.progress import ProgressFn
from gradviz.results import Result
from gradviz.train import TrainConfig, train

N_GRAD = 256  # held-out sequences over which ‖∂L/∂x_t‖ is averaged
INSIDE_UNITS = 4  # LSTM units traced in "inside a trained LSTM"


@dataclass(frozen=True)
class Task:
    make: Callable[[int, int, torch.Generator], tuple[torch.Tensor, torch.Tensor]]
    n_in: int
    n_out: int
    loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
    baseline: float  # the loss of the best predictor that ignores the sequence
    min_T: int


TASKS: dict[str, Task] = {
    "adding": Task(tasks.adding_problem, 2, 1, F.mse_loss, tasks.MEAN_PREDICTOR_MSE, 2),
    "order": Task(
        tasks.temporal_order, len(tasks.ORDER_SYMBOLS), 4, F.cross_entropy, tasks.UNIFORM_PREDICTOR_CE, 10
    ),
}


def make_data(cfg: LearnConfig) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Training and held-out sets, each from its own seeded generator."""
    task = TASKS[cfg.task]
    x, y = task.make(N_TRAIN, cfg.T, torch.Generator().manual_seed(cfg.seed))
    xt, yt = task.make(N_TEST, cfg.T, torch.Generator().manual_seed(cfg.seed + 10_000))
    return x, y, xt, yt


def input_gradients(model: SequenceModel, task: Task, x: torch.Tensor, y: torch.Tensor) -> np.ndarray:
    """‖∂L_n/∂x_{n,t}‖ averaged over the sequences n, for every position t: (T,).

    L_n is sequence n's own loss, so the gradient of Σ_n L_n with respect to x_n is exactly ∂L_n/∂x_n."""
    x = x.clone().requires_grad_(True)
    out = model(x)
    total = task.loss(out, y) * x.shape[0]  # mean over n × n = Σ_n L_n (for MSE with one output too)
    (grad,) = torch.autograd.grad(total, x)  # (n, T, n_in)
    return torch.linalg.vector_norm(grad.double(), dim=2).mean(dim=0).numpy()  # (T,)


def first_marked_value(task_name: str, x: torch.Tensor, marked: torch.Tensor) -> torch.Tensor:
    """What each sequence must carry from its first marked position: the number there (adding problem),
    or +1 for X and −1 for Y (temporal order). Shape (n,)."""
    first = marked.float().argmax(dim=1)  # (n,): index of the first marked position
    rows = torch.arange(x.shape[0])
    if task_name == "adding":
        return x[rows, first, 0]
    return x[rows, first, 4] - x[rows, first, 5]  # channel 4 is X, channel 5 is Y


def memory_units(
    model: SequenceModel, task_name: str, x: torch.Tensor, marked: torch.Tensor
) -> tuple[list[int], list[float]]:
    """The INSIDE_UNITS units whose final cell c_T co-varies most (|covariance|) with the first marked value over
    the sequences x: the units that carry it to the end, in large enough swings to see. (A correlation alone
    can pick a unit that tracks the value perfectly in swings of 0.01.) Returns (units, correlations)."""
    with torch.no_grad():
        _, (_, c_n) = model.rnn(x)
    c = c_n[0].double().numpy()  # (n, H)
    v = first_marked_value(task_name, x, marked).double().numpy()  # (n,)
    # Pearson r between c_T[:, j] and v, per unit (0 where a unit does not vary)
    cc, vc = c - c.mean(axis=0), v - v.mean()
    denom = np.sqrt((cc**2).sum(axis=0) * (vc**2).sum())
    r = np.divide(cc.T @ vc, denom, out=np.zeros(c.shape[1]), where=denom > 0)
    # cov_j = mean_n (c_T[n, j] − mean) (v_n − mean)
    cov = cc.T @ vc / len(v)
    units = np.argsort(-np.abs(cov), kind="stable")[:INSIDE_UNITS].tolist()
    return units, [float(r[u]) for u in units]


def inside_trace(model: SequenceModel, x: torch.Tensor, units: list[int]) -> pd.DataFrame:
    """Gates i, f, o, the candidate g and the cell c of the trained LSTM over one sequence x (1, T, n_in) for
    the given units. Long-form (t, unit, quantity, value); t = 0 … T−1 is the input position whose step
    produced the value."""
    H = model.hidden_size
    with torch.no_grad():
        run = lstm_unroll(model.rnn, x, x.new_zeros(1, H), x.new_zeros(1, H))
    rows = []
    for q in ("i", "f", "o", "g", "c"):
        values = torch.stack(run[q][1:] if q == "c" else run[q])[:, 0].numpy()  # (T, H)
        for u in units:
            rows.append(
                pd.DataFrame({"t": np.arange(x.shape[1]), "unit": u, "quantity": q, "value": values[:, u]})
            )
    return pd.concat(rows, ignore_index=True)


def example_table(task_name: str, x: torch.Tensor, marked: torch.Tensor) -> pd.DataFrame:
    """The example sequence as (t, input, label, marked): the number u_t (adding) or the symbol (order; the
    input column is +1 for X, −1 for Y and 0 for the others)."""
    T = x.shape[1]
    if task_name == "adding":
        values = x[0, :, 0].numpy().astype(float)
        labels = [f"{v:.2f}" for v in values]
    else:
        symbols = x[0].argmax(dim=1).numpy()
        labels = [tasks.ORDER_SYMBOLS[int(v)] for v in symbols]
        # drawn as +1 for X, −1 for Y, 0 for every other symbol (the label carries the symbol)
        values = np.array([{"X": 1.0, "Y": -1.0}.get(label, 0.0) for label in labels])
    return pd.DataFrame({"t": np.arange(T), "input": values, "label": labels, "marked": marked[0].numpy()})


def train_models(cfg: LearnConfig, on_step: ProgressFn | None = None) -> Result:
    """Train every model of `cfg.kinds` and return the long-form tables "curves" (model, step, quantity,
    value), "summary" (model, quantity, value), "input_grads" (model, phase, t, value) and, when an LSTM
    was trained, "inside" and "example"."""
    task = TASKS[cfg.task]
    if task.min_T > cfg.T or cfg.steps < 1 or cfg.lr <= 0:
        raise ValueError(f"invalid config {cfg}: need T ≥ {task.min_T}, steps ≥ 1, lr > 0")
    x, y, xt, yt = make_data(cfg)
    marked = tasks.marked_positions(cfg.task, xt)  # (N_TEST, T)
    curves, summary, grads, meta_runs = [], [], [], {}
    inside = example = None
    kinds = cfg.kinds
    for i, kind in enumerate(kinds):
        model = SequenceModel(kind, task.n_in, HIDDEN, task.n_out, torch.Generator().manual_seed(cfg.seed + 1),
                              cfg.forget_bias)  # fmt: skip
        grads.append(("init", kind, input_gradients(model, task, xt[:N_GRAD], yt[:N_GRAD])))

        def evaluate(m: SequenceModel) -> dict[str, float]:
            out = m(xt)
            scores = {"test_loss": float(task.loss(out, yt))}
            if cfg.task == "order":
                scores["test_accuracy"] = float((out.argmax(dim=1) == yt).float().mean())
            return scores

        def report(fraction: float, message: str, i: int = i, kind: str = kind) -> None:
            if on_step is not None:
                on_step((i + fraction) / len(kinds), f"model {i + 1} of {len(kinds)} ({kind}), {message}")

        tcfg = TrainConfig(
            lr=cfg.lr, optimizer="adam", epochs=math.ceil(cfg.steps * BATCH / N_TRAIN), batch=BATCH, seed=cfg.seed,
            clip="norm", threshold=CLIP, max_steps=cfg.steps,
        )  # fmt: skip
        cpu = time.thread_time()
        log = train(model, x, y, task.loss, tcfg, evaluate=evaluate, eval_every=EVAL_EVERY, on_step=report)
        cpu = time.thread_time() - cpu
        model.eval()
        grads.append(("trained", kind, input_gradients(model, task, xt[:N_GRAD], yt[:N_GRAD])))
        steps = log.steps[log.steps["quantity"].isin(["loss", "grad_norm", "clipped"])]
        curves.append(steps[["step", "quantity", "value"]].assign(model=kind))
        curves.append(log.evals[["step", "quantity", "value"]].assign(model=kind))
        ev = log.evals.pivot_table(index="step", columns="quantity", values="value")
        diverged = log.diverged_at is not None
        clipped = steps.loc[steps["quantity"] == "clipped", "value"]
        solved = ev.index[ev["test_loss"] <= task.baseline / 20]
        summary += [
            (kind, "final_loss", math.nan if diverged else float(ev["test_loss"].iloc[-1])),
            (kind, "min_loss", float(ev["test_loss"].min())),
            (kind, "solved_at", float(solved[0]) if len(solved) else math.nan),
            (kind, "share_clipped", float(clipped.mean()) if len(clipped) else 0.0),
            (kind, "diverged_at", float(log.diverged_at) if diverged else math.nan),
            (kind, "n_steps", float(log.n_steps)),
            (kind, "cpu_seconds", cpu),
        ]
        if cfg.task == "order":
            summary.append(
                (kind, "final_accuracy", math.nan if diverged else float(ev["test_accuracy"].iloc[-1]))
            )
        meta_runs[kind] = {"reason": log.reason, "cost_per_step_T": cpu / max(1, log.n_steps) / cfg.T}
        if kind == "lstm":
            units, corr = memory_units(model, cfg.task, xt[:N_GRAD], marked[:N_GRAD])
            inside = inside_trace(model, xt[:1], units)
            example = example_table(cfg.task, xt[:1], marked[:1])
            with torch.no_grad():
                pred = model(xt[:1])[0]
            meta_runs[kind]["inside_units"] = units
            meta_runs[kind]["inside_correlations"] = corr
            meta_runs[kind]["inside_sequences"] = min(N_GRAD, N_TEST)
            meta_runs[kind]["example_prediction"] = (
                float(pred[0]) if cfg.task == "adding" else tasks.ORDER_CLASSES[int(pred.argmax())]
            )
            meta_runs[kind]["example_target"] = (
                float(yt[0, 0]) if cfg.task == "adding" else tasks.ORDER_CLASSES[int(yt[0])]
            )
    tables = {
        "curves": pd.concat(curves, ignore_index=True)[["model", "step", "quantity", "value"]],
        "summary": pd.DataFrame(summary, columns=["model", "quantity", "value"]),
        "input_grads": pd.concat(
            [pd.DataFrame({"model": k, "phase": p, "t": np.arange(cfg.T), "value": g}) for p, k, g in grads],
            ignore_index=True,
        ),
    }
    if inside is not None:
        tables["inside"], tables["example"] = inside, example
    return Result(
        tables=tables,
        meta={
            "task": cfg.task,
            "baseline": task.baseline,
            "runs": meta_runs,
            "cost_per_step_T": {k: v["cost_per_step_T"] for k, v in meta_runs.items()},
            "hidden": HIDDEN,
            "batch": BATCH,
            "n_train": N_TRAIN,
            "n_test": N_TEST,
            "clip": CLIP,
            "cpu_seconds": round(sum(s[2] for s in summary if s[1] == "cpu_seconds"), 3),
        },
    )
