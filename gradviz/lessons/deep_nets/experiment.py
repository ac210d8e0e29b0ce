"""Vanishing gradients in deep fully connected nets, on real MNIST digits.

Reproduces the experiment of Suresh (2016), "Vanishing Gradients & LSTMs": an MLP trained on MNIST whose
first layer receives orders of magnitude less gradient than its last. Backprop multiplies one factor per
hidden-to-hidden layer,

    ∂L/∂h_ℓ = W_{ℓ+1}ᵀ diag(f'(z_{ℓ+1})) ∂L/∂h_{ℓ+1},

whose size at initialization is about sqrt(n·Var(W)·E[f'(z)²]) (the variance condition of Glorot & Bengio
2010, https://proceedings.mlr.press/v9/glorot10a.html, and He et al. 2015, https://arxiv.org/abs/1502.01852):
with sigmoid (f' ≤ 1/4) the product shrinks geometrically with depth; ReLU with He init keeps it near 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np
import pandas as pd

from gradviz import lazy
from gradviz.data import load_dataset
from gradviz.net_options import ACTIVATIONS, INITS
from gradviz.probe import LayerProbe
from gradviz.progress import ProgressFn
from gradviz.results import Result
from gradviz.train import TrainConfig, train

# Imported at first use (a live run): the page that shows precomputed results never loads torch.
torch = lazy.module("torch")
nn = lazy.module("torch.nn")

N_RECORDS = 32  # recorded steps per run: detailed curves, and probing costs < 15% of training (bench/)


@dataclass(frozen=True)
class Config:
    activation: Literal["sigmoid", "tanh", "relu", "gelu"] = "sigmoid"  # the seed blog's choice: f' ≤ 1/4
    init: Literal["normal", "default", "lecun", "glorot", "he", "orthogonal"] = "default"  # PyTorch's own
    depth: int = 6  # hidden layers: deep enough that sigmoid's first layer gets ~1e-4 of the last's gradient
    width: int = 100  # units per hidden layer, as in the seed's notebook-sized nets
    lr: float = 0.01  # plain SGD: trains 6 layers in 2 epochs, and 30 ReLU layers with He init (0.1 does not)
    optimizer: Literal["sgd", "adam"] = "sgd"  # SGD shows the raw gradient sizes
    epochs: int = 2  # 250 steps at batch 64: a few seconds on two CPU cores
    batch: int = 64  # small batches: many steps, detailed curves
    seed: int = 0  # weights and shuffling
    dataset: Literal["mnist", "digits"] = "mnist"  # "digits": the bundled 8×8 set, for offline use


PRESETS: dict[str, Config] = {
    "default": Config(),
    # every activation with every initialization at the default depth: the compare modes open at once
    **{
        f"{a}_{i}": Config(activation=a, init=i)
        for a in ACTIVATIONS
        for i in INITS
        if (a, i) != ("sigmoid", "default")
    },
    "shallow": Config(depth=1),  # one hidden layer: no hidden-to-hidden product
    "sigmoid_deep": Config(depth=12),  # the predict-then-reveal question: twice the depth
    "relu_he_deep": Config(activation="relu", init="he", depth=12),
    "sigmoid_30": Config(depth=30),  # the deepest sigmoid net: a ratio near 1e-25, measured in float64
    # He et al. (2015), Fig. 3: 30 ReLU layers, every initialization side by side (?compare=inits&activation=relu&depth=30)
    **{f"relu_{i}_30": Config(activation="relu", init=i, depth=30) for i in INITS},
}


def record_schedule(total_steps: int, n: int = N_RECORDS) -> list[int]:
    """Steps the probe records: n evenly spaced, always including the first (init) and the last."""
    if total_steps <= 0:
        return [0]
    return sorted({int(round(s)) for s in np.linspace(0, total_steps - 1, min(n, total_steps))})


def held_out(x_test: torch.Tensor, y_test: torch.Tensor) -> Callable[[nn.Module], dict[str, float]]:
    """The lesson's evaluation on the held-out digits: cross-entropy loss and accuracy."""
    loss_fn = nn.CrossEntropyLoss()

    def evaluate(model: nn.Module) -> dict[str, float]:
        logits = model(x_test)  # (n_test, 10)
        return {
            "held_out_loss": float(loss_fn(logits, y_test)),
            "held_out_accuracy": float((logits.argmax(1) == y_test).float().mean()),
        }

    return evaluate


def run(cfg: Config, on_step: ProgressFn | None = None) -> Result:
    """Train the MLP of `cfg` on the dataset of `cfg`, recording every layer's gradients."""
    from gradviz.lessons.deep_nets.nets import MLP  # torch's nn.Module: imported when a run starts

    data = load_dataset(cfg.dataset)
    x_train = torch.from_numpy(np.array(data.x_train, dtype=np.float32))  # (n_train, 784) or (n_train, 64)
    y_train = torch.from_numpy(np.array(data.y_train, dtype=np.int64))  # (n_train,)
    x_test = torch.from_numpy(np.array(data.x_test, dtype=np.float32))
    y_test = torch.from_numpy(np.array(data.y_test, dtype=np.int64))

    gen = torch.Generator().manual_seed(cfg.seed)
    model = MLP(x_train.shape[1], cfg.width, cfg.depth, 10, cfg.activation, cfg.init, generator=gen)
    tcfg = TrainConfig(lr=cfg.lr, optimizer=cfg.optimizer, epochs=cfg.epochs, batch=cfg.batch, seed=cfg.seed)
    total = math.ceil(x_train.shape[0] / cfg.batch) * cfg.epochs
    steps = record_schedule(total)
    probe = LayerProbe(model, record_steps=steps, hist_steps=(steps[0], steps[-1]))
    loss_fn = nn.CrossEntropyLoss()
    evaluate = held_out(x_test, y_test)
    log = train(model, x_train, y_train, loss_fn, tcfg, probe=probe, evaluate=evaluate,
                eval_every=max(1, total // 20), on_step=on_step)  # fmt: skip
    training = pd.concat(
        [log.steps[log.steps.quantity.isin(["loss", "grad_norm"])], log.evals], ignore_index=True
    )[["step", "quantity", "value"]]
    hist = probe.hist_frame()
    return Result(
        tables={"layers": probe.layers_frame(), "hist": hist, "training": training},
        meta={
            "diverged_at": log.diverged_at,
            "reason": log.reason,
            "n_steps": log.n_steps,
            "total_steps": total,
            "seconds": round(log.seconds, 3),
            "dataset": data.name,
            "dataset_description": data.description,
            "n_train": int(x_train.shape[0]),
            "n_test": int(x_test.shape[0]),
            "n_layers": cfg.depth + 1,
        },
    )


def combine(results: dict[str, Result]) -> dict[str, pd.DataFrame]:
    """Stack the tables of several labelled runs, adding a `run` column (for side-by-side charts)."""
    names = next(iter(results.values())).tables.keys() if results else []
    return {
        name: pd.concat([r.tables[name].assign(run=label) for label, r in results.items()], ignore_index=True)
        for name in names
    }


def label(cfg: Config) -> str:
    """The run's name on the page: its activation and initialization."""
    return f"{cfg.activation} / {cfg.init}"


COMPARE_MODES = ("off", "activations", "inits", "custom")
COMPARED_INITS = ("normal", "lecun", "glorot", "he", "orthogonal")  # N(0,1) and the four papers' schemes


def compared(base: Config, mode: str, others: tuple[Config, ...] = ()) -> list[Config]:
    """The runs shown side by side: always including `base` (the page explains the base run), in a fixed order.

    activations: every activation with the base init; inits: the base activation with N(0,1) and each paper's
    scheme, plus the base init when it is none of those (PyTorch's default); custom: base and `others`."""
    if mode == "activations":
        configs = [replace(base, activation=a) for a in ACTIVATIONS]
    elif mode == "inits":
        configs = [replace(base, init=i) for i in COMPARED_INITS]
        if base.init not in COMPARED_INITS:
            configs.insert(0, base)
    elif mode == "custom":
        configs = [base, *others]
    else:
        configs = [base]
    return list(dict.fromkeys(configs))


__all__ = ["Config", "PRESETS", "run", "combine", "label", "compared", "record_schedule"]
