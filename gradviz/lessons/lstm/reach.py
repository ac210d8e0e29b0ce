"""How far back the gradient reaches, measured with autograd on real modules at initialization.

For a tanh RNN, an IRNN (ReLU, W_hh = I, zero biases; Le, Jaitly & Hinton 2015) and an LSTM, all built by
gradviz.lessons.lstm.nets.SequenceModel exactly as the training section builds them, one adding-problem sequence is run
forward and the Jacobians of the last state with respect to every earlier one are measured:

    ‖∂h_T/∂h_t‖₂  for every model,   ‖∂c_T/∂c_t‖₂  for the LSTM's cell,

as functions of the distance d = T − t (spectral norms: the largest factor by which any direction of a
gradient arriving at step T can be multiplied on its way back to step t). A plain RNN multiplies by
W_hh·diag(φ′) at every step; the LSTM's cell only by the forget gates (plus the paths through the gates):

    ∂c_t/∂c_{t−1} = diag(f_t) + (terms through h_{t−1} → gates),

so along the cell alone ∂c_T/∂c_t = diag(f_{t+1} ⊙ … ⊙ f_T), whose norm is max_j Π_k f_{k,j}. That product
of the measured forget gates is recorded beside the measured curve, and so is σ(b_f)^d, what the bias alone
predicts (a gate with zero input from x and h equals σ(b_f)). Everything is computed in float64, so products
far below float32's range stay visible.

Sources: Hochreiter & Schmidhuber (1997) §4 (constant error carousel); Gers, Schmidhuber & Cummins (2000)
(forget gate); Le et al. (2015), https://arxiv.org/abs/1504.00941; the Q&A thread "How does LSTM prevent the vanishing gradient problem?" (∂s_t′/∂s_t = Π σ(v)).
"""

from __future__ import annotations

import math
import time

import numpy as np
import pandas as pd
import torch

from gradviz.lessons.lstm.configs import ReachConfig
from gradviz.lessons.lstm.nets import SequenceModel, forget_bias
from gradviz.lessons.lstm.unroll import lstm_unroll, rnn_unroll
from gradviz.results import Result
from gradviz.tasks import adding_problem

TINY = 1e-300  # products below this are reported as underflow (they are 0.0 in float64)


def sigmoid(z: float) -> float:
    # σ(z) = 1 / (1 + e^{−z})
    return 1.0 / (1.0 + math.exp(-z))


def half_life(retention: float) -> float:
    """Steps until a product of equal factors `retention` halves: r^n = ½ ⇒ n = ln ½ / ln r (∞ at r = 1)."""
    if retention >= 1.0:
        return math.inf
    if retention <= 0.0:
        return 0.0
    return math.log(0.5) / math.log(retention)


def jacobian_norms(states: list[torch.Tensor]) -> np.ndarray:
    """‖∂s_T/∂s_t‖₂ for t = 0 … T, where `states` are (H, H) tensors holding H identical copies of one
    sequence's state: the gradient of Σ_k s_T[k, k] with respect to copy k of s_t is row k of ∂s_T/∂s_t,
    so one backward pass gives every Jacobian."""
    last = states[-1]
    grads = torch.autograd.grad(last.diagonal().sum(), states, allow_unused=True, retain_graph=True)
    jac = torch.stack([torch.zeros_like(last) if g is None else g for g in grads])  # (T+1, H, H)
    return torch.linalg.matrix_norm(jac, ord=2).numpy()  # (T+1,)


def _one_sequence(cfg: ReachConfig) -> torch.Tensor:
    x, _ = adding_problem(1, cfg.T, torch.Generator().manual_seed(cfg.seed))  # (1, T, 2)
    return x.to(torch.float64).expand(cfg.hidden, -1, -1)  # (H, T, 2): H copies, one per Jacobian row


def _model(kind: str, cfg: ReachConfig) -> SequenceModel:
    # the same generator seed for every kind: each model gets its own draws, reproducibly
    model = SequenceModel(
        kind, 2, cfg.hidden, 1, torch.Generator().manual_seed(cfg.seed + 1), cfg.forget_bias
    )
    return model.to(torch.float64)


def _zeros(cfg: ReachConfig) -> torch.Tensor:
    return torch.zeros(cfg.hidden, cfg.hidden, dtype=torch.float64, requires_grad=True)  # (H copies, H)


def measure(cfg: ReachConfig) -> Result:
    """Long-form "curves" (model, quantity, distance, value) and readouts in meta."""
    if cfg.T < 1 or cfg.hidden < 1:
        raise ValueError(f"invalid config {cfg}: need T ≥ 1 and hidden ≥ 1")
    start = time.perf_counter()
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one thread per student's request, as in gradviz.train
    try:
        frames, meta = _measure(cfg)
    finally:
        torch.set_num_threads(threads)
    meta["seconds"] = round(time.perf_counter() - start, 3)
    return Result(tables={"curves": pd.concat(frames, ignore_index=True)}, meta=meta)


def _measure(cfg: ReachConfig) -> tuple[list[pd.DataFrame], dict]:
    x = _one_sequence(cfg)
    distance = np.arange(cfg.T, -1, -1)  # d = T − t for t = 0 … T
    frames: list[pd.DataFrame] = []

    def add(model: str, quantity: str, values: np.ndarray) -> None:
        frames.append(
            pd.DataFrame({"model": model, "quantity": quantity, "distance": distance, "value": values})
        )

    for kind in ("rnn", "irnn"):
        net = _model(kind, cfg)
        add(kind, "dh", jacobian_norms(rnn_unroll(net.rnn, x, _zeros(cfg))))

    net = _model("lstm", cfg)
    run = lstm_unroll(net.rnn, x, _zeros(cfg), _zeros(cfg))
    add("lstm", "dh", jacobian_norms(run["h"]))
    add("lstm", "dc", jacobian_norms(run["c"]))
    cell_only = lstm_unroll(net.rnn, x, _zeros(cfg), _zeros(cfg), detach_gates=True)
    add("lstm", "dc_cell", jacobian_norms(cell_only["c"]))
    # Π_{k=t+1}^{T} f_k, per unit j, for t = 0 … T; its largest entry is ‖diag(Π f)‖₂
    f = torch.stack(run["f"])[:, 0].detach().numpy()  # (T, H): copy 0 (all copies are identical)
    suffix = np.vstack([np.cumprod(f[::-1], axis=0)[::-1], np.ones((1, cfg.hidden))])  # (T+1, H)
    add("lstm", "forget_product", suffix.max(axis=1))
    b_f = float(forget_bias(net.rnn).mean())
    retention = sigmoid(b_f)
    # σ(b_f)^d
    add("lstm", "bias_only", retention ** distance.astype(float))
    meta = {
        "T": cfg.T,
        "hidden": cfg.hidden,
        "forget_bias": b_f,
        "retention": retention,
        "half_life": half_life(retention),
        "mean_forget": float(f.mean()),
        "min_forget": float(f.min()),
        "max_forget": float(f.max()),
        "half_life_measured": half_life(float(f.mean())),
    }
    return frames, meta
