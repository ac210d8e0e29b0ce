"""Vanishing gradients in deep fully connected nets, on real MNIST digits.

Reproduces the experiment of Suresh (2016), "Vanishing Gradients & LSTMs": an MLP trained on MNIST whose
first layer's weight gradients are orders of magnitude below its last layer's. Backprop multiplies one
factor per layer,

    ∂L/∂h_ℓ = W_{ℓ+1}ᵀ diag(f'(z_{ℓ+1})) ∂L/∂h_{ℓ+1},

so with sigmoid (f' ≤ 1/4) the product shrinks geometrically with depth; ReLU with He init
(He et al. 2015, https://arxiv.org/abs/1502.01852) keeps it near constant. Activation statistics follow
Glorot & Bengio (2010), https://proceedings.mlr.press/v9/glorot10a.html.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from gradviz import lazy
from gradviz.data import load_dataset
from gradviz.probe import LayerProbe
from gradviz.results import Result
from gradviz.train import ProgressFn, TrainConfig, train

# Imported at first use (a live run): the page that shows precomputed results never loads torch.
torch = lazy.module("torch")
nn = lazy.module("torch.nn")

N_RECORDS = 32  # recorded steps per run: detailed curves, and probing costs < 15% of training (bench/)


@dataclass(frozen=True)
class Config:
    activation: Literal["sigmoid", "tanh", "relu", "gelu"] = "sigmoid"  # the seed blog's choice: f' ≤ 1/4
    init: Literal["normal", "default", "xavier", "kaiming", "orthogonal"] = "default"  # PyTorch's own
    depth: int = 6  # hidden layers: deep enough that sigmoid's first layer gets ~1e-4 of the last's gradient
    width: int = 100  # units per hidden layer, as in the seed's notebook-sized nets
    lr: float = 0.1  # plain SGD at 0.1 trains a shallow net on MNIST in one epoch
    optimizer: Literal["sgd", "adam"] = "sgd"  # SGD shows the raw gradient sizes
    epochs: int = 2  # 250 steps at batch 64: about 1-2 s on two CPU cores
    batch: int = 64  # small batches: many steps, detailed curves
    seed: int = 0  # weights and shuffling
    dataset: Literal["mnist", "digits"] = "mnist"  # "digits": the bundled 8×8 set, for offline use


PRESETS: dict[str, Config] = {
    "default": Config(),
    "tanh": Config(activation="tanh"),
    "relu": Config(activation="relu"),
    "relu_kaiming": Config(activation="relu", init="kaiming"),
    "sigmoid_normal": Config(init="normal"),
    "sigmoid_xavier": Config(init="xavier"),
    "sigmoid_kaiming": Config(init="kaiming"),
    "tanh_xavier": Config(activation="tanh", init="xavier"),
    "sigmoid_deep": Config(depth=12),
    "relu_kaiming_deep": Config(activation="relu", init="kaiming", depth=12),
}

# Verdict thresholds on first/last gradient ratio: beyond a factor 100 either way, the layers learn at
# visibly different speeds.
VANISHING_BELOW = 1e-2
EXPLODING_ABOVE = 1e2


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
    from gradviz.nets import MLP  # torch's nn.Module: imported when a run starts

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


@dataclass(frozen=True)
class Summary:
    """Headline numbers of one run, for readouts and the verdict."""

    ratio: float  # median over recorded steps of ‖∂L/∂W_1‖ / ‖∂L/∂W_L‖
    ratio_init: float  # the same at step 0
    ratio_end: float  # the same at the last recorded step
    first_grad: float  # median ‖∂L/∂W_1‖
    last_grad: float  # median ‖∂L/∂W_L‖
    accuracy: float  # held-out accuracy at the end (NaN if never evaluated)
    layer_factor: float  # median over steps of the geometric-mean factor ‖∂L/∂h_ℓ‖ / ‖∂L/∂h_{ℓ+1}‖ per layer
    mean_fprime: float  # mean |f'(z)| over hidden layers at initialization
    verdict: str  # "vanishing", "healthy" or "exploding"
    sentence: str  # the verdict in plain words


def summarize(result: Result) -> Summary:
    layers = result.tables["layers"]
    g = layers[layers.quantity == "weight_grad"].pivot_table(index="step", columns="layer", values="value")
    last = int(g.columns.max())
    # ratio_t = ‖∂L/∂W_1‖ / ‖∂L/∂W_L‖ at each recorded step t
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio_t = (g[1] / g[last]).replace([np.inf, -np.inf], np.nan).dropna()
    ratio = float(ratio_t.median()) if len(ratio_t) else float("nan")
    b = layers[layers.quantity == "backprop_grad"].pivot_table(index="step", columns="layer", values="value")
    # factor per layer = (‖∂L/∂h_1‖ / ‖∂L/∂h_D‖)^(1/(D−1)), the geometric mean of the per-layer shrink
    depth = int(b.columns.max()) if len(b.columns) else 1
    with np.errstate(divide="ignore", invalid="ignore"):
        f_t = (b[1] / b[depth]) ** (1.0 / (depth - 1)) if depth > 1 else pd.Series(dtype=float)
    f_t = f_t.replace([np.inf, -np.inf], np.nan).dropna()
    fp = layers[(layers.quantity == "mean_fprime") & (layers.step == layers.step.min())]
    evals = result.tables["training"]
    acc = evals[evals.quantity == "held_out_accuracy"].sort_values("step")
    if not math.isfinite(ratio):
        verdict, sentence = "diverged", "no finite gradients were recorded: the run diverged"
    elif ratio < VANISHING_BELOW:
        verdict = "vanishing"
        sentence = f"vanishing: layer 1 gets {ratio:.0e} of layer {last}'s gradient"
    elif ratio > EXPLODING_ABOVE:
        verdict = "exploding"
        sentence = f"exploding: layer 1 gets {ratio:.0e}× layer {last}'s gradient"
    else:
        verdict = "healthy"
        sentence = f"healthy: layer 1's gradient is within a factor {max(ratio, 1 / ratio):.2g} of layer {last}'s"
    final_acc = float(acc.value.iloc[-1]) if len(acc) else float("nan")
    saturated = layers[(layers.quantity == "frac_saturated") & (layers.step == layers.step.max())].value.mean()
    if verdict != "diverged" and final_acc < 0.2:
        sentence += ", yet the network has not learned (accuracy near chance: every layer's gradient is small)"
    elif verdict == "healthy" and saturated > 0.5:
        sentence += (f", but {saturated:.0%} of the units are saturated (f′ ≈ 0): large weights make up for "
                     "tiny slopes, and learning is slow")
    return Summary(
        ratio=ratio,
        ratio_init=float(ratio_t.iloc[0]) if len(ratio_t) else float("nan"),
        ratio_end=float(ratio_t.iloc[-1]) if len(ratio_t) else float("nan"),
        first_grad=float(g[1].median()),
        last_grad=float(g[last].median()),
        accuracy=final_acc,
        layer_factor=float(f_t.median()) if len(f_t) else float("nan"),
        mean_fprime=float(fp.value.mean()) if len(fp) else float("nan"),
        verdict=verdict,
        sentence=sentence,
    )


def combine(results: dict[str, Result]) -> dict[str, pd.DataFrame]:
    """Stack the tables of several labelled runs, adding a `run` column (for side-by-side charts)."""
    names = next(iter(results.values())).tables.keys() if results else []
    return {
        name: pd.concat([r.tables[name].assign(run=label) for label, r in results.items()], ignore_index=True)
        for name in names
    }


def label(cfg: Config, base: Config | None = None) -> str:
    """A short label naming what differs from `base` (or the activation and init)."""
    if base is None:
        return f"{cfg.activation} / {cfg.init}"
    diff = [f"{k}={v}" for k, v in cfg.__dict__.items() if getattr(base, k) != v]
    return ", ".join(diff) or "base"


__all__ = ["Config", "PRESETS", "run", "summarize", "combine", "label", "record_schedule"]
