"""The training behind `experiment.run`: for each depth, the plain and residual twins trained with
`gradviz.train.train`, the back-propagated gradient ∂L/∂x⁽ℓ⁾ at every block recorded by
`gradviz.probe.LayerProbe` (the nets expose one tap per x⁽ℓ⁾), and, on the trained nets, the lesion study and
(for the deepest residual net) the gradient per path length (`paths`)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch
from torch import nn

from gradviz.data import load_dataset
from gradviz.lessons.resnet import paths
from gradviz.lessons.resnet.experiment import (
    BATCH,
    NETS,
    PATH_BATCH,
    PATH_SAMPLES,
    TRAIN_EVAL,
    Config,
    estimate_seconds,
    step_seconds,
)
from gradviz.lessons.resnet.nets import residual_twins
from gradviz.probe import LayerProbe
from gradviz.progress import ProgressFn
from gradviz.results import Result
from gradviz.train import TrainConfig, train

N_EVALS = 15  # evaluations per run: the curves' points


def _evaluate(x_tr: torch.Tensor, y_tr: torch.Tensor, x_te: torch.Tensor, y_te: torch.Tensor):
    loss_fn = nn.CrossEntropyLoss()

    def evaluate(model: nn.Module) -> dict[str, float]:
        train_logits, test_logits = model(x_tr), model(x_te)
        return {
            "train_loss": float(loss_fn(train_logits, y_tr)),
            "held_out_loss": float(loss_fn(test_logits, y_te)),
            "held_out_accuracy": float((test_logits.argmax(1) == y_te).double().mean()),
        }

    return evaluate


def run_sweep(cfg: Config, on_step: ProgressFn | None = None) -> Result:
    if not cfg.depths or min(cfg.depths) < 1 or cfg.steps < 1 or cfg.lr <= 0 or cfg.width < 1:
        raise ValueError(f"invalid config {cfg}: need depths ≥ 1, steps ≥ 1, lr > 0, width ≥ 1")
    data = load_dataset(cfg.dataset)
    x_train = torch.from_numpy(np.array(data.x_train, dtype=np.float32))  # (8000, 784)
    y_train = torch.from_numpy(np.array(data.y_train, dtype=np.int64))
    x_test = torch.from_numpy(np.array(data.x_test, dtype=np.float32))  # (2000, 784)
    y_test = torch.from_numpy(np.array(data.y_test, dtype=np.int64))
    n_eval = min(TRAIN_EVAL, x_train.shape[0])
    evaluate = _evaluate(x_train[:n_eval], y_train[:n_eval], x_test, y_test)
    epochs = math.ceil(cfg.steps * BATCH / x_train.shape[0])
    total_cost = estimate_seconds(cfg)
    done = 0.0

    curves, finals, grads, lesions, path_rows = [], [], [], [], []
    seconds = 0.0
    for depth in cfg.depths:
        twins = dict(
            zip(
                NETS,
                residual_twins(x_train.shape[1], cfg.width, depth, 10, cfg.norm, seed=cfg.seed),
                strict=True,
            )
        )
        for net, model in twins.items():
            cost = cfg.steps * step_seconds(depth, cfg.width, cfg.norm)

            def report(fraction: float, message: str, depth=depth, net=net, cost=cost, done=done) -> None:
                if on_step is not None:
                    on_step(
                        min(1.0, (done + fraction * cost) / total_cost),
                        f"{net} net, {depth} blocks: {message}",
                    )

            last = cfg.steps - 1
            probe = LayerProbe(model, record_steps=(0, last))
            tcfg = TrainConfig(
                lr=cfg.lr, optimizer="sgd", epochs=epochs, batch=BATCH, seed=cfg.seed, max_steps=cfg.steps
            )
            log = train(model, x_train, y_train, nn.functional.cross_entropy, tcfg, probe=probe,
                        evaluate=evaluate, eval_every=max(1, cfg.steps // N_EVALS), on_step=report)  # fmt: skip
            done += cost
            seconds += log.seconds
            ev = log.evals[["step", "quantity", "value"]]
            curves.append(ev.assign(depth=depth, net=net))
            # ∂L/∂x⁽ℓ⁾: the probe's "layer" ℓ + 1 is tap ℓ
            layers = probe.layers_frame()
            bp = layers[layers.quantity == "backprop_grad"]
            moment = np.where(bp.step == 0, "init", "end")
            grads.append(
                pd.DataFrame(
                    {"depth": depth, "net": net, "moment": moment, "block": bp.layer - 1, "value": bp.value}
                )
            )
            diverged = log.diverged_at is not None
            row = {"diverged_at": float(log.diverged_at) if diverged else math.nan}
            if diverged:
                row |= {"train_loss": math.nan, "held_out_loss": math.nan, "held_out_accuracy": math.nan}
            else:
                model.eval()
                with torch.no_grad():
                    full = evaluate(model)  # the curves' evaluation, on the held-out set ...
                    # ... and the final training loss on all 8,000 training digits
                    full["train_loss"] = float(nn.functional.cross_entropy(model(x_train), y_train))
                model.train()
                row |= {k: full[k] for k in ("train_loss", "held_out_loss", "held_out_accuracy")}
                les = paths.lesion(model, x_test, y_test)
                lesions.append(les.assign(depth=depth, net=net))
            finals += [(depth, net, q, v) for q, v in row.items()]
            if net == "residual" and depth == max(cfg.depths) and not diverged:
                gen = torch.Generator().manual_seed(cfg.seed + 7)
                idx = torch.randperm(x_train.shape[0], generator=gen)[:PATH_BATCH]
                path_rows.append(
                    paths.sample_path_gradients(model, x_train[idx], y_train[idx], PATH_SAMPLES, gen).assign(
                        depth=depth
                    )
                )
    empty_paths = pd.DataFrame(columns=["k", "sample", "grad_norm", "depth"])
    return Result(
        tables={
            "curves": pd.concat(curves, ignore_index=True)[["depth", "net", "step", "quantity", "value"]],
            "final": pd.DataFrame(finals, columns=["depth", "net", "quantity", "value"]),
            "grads": pd.concat(grads, ignore_index=True),
            "lesion": pd.concat(lesions, ignore_index=True)
            if lesions
            else pd.DataFrame(columns=["block", "accuracy", "depth", "net"]),
            "paths": pd.concat(path_rows, ignore_index=True) if path_rows else empty_paths,
        },
        meta={
            "seconds": round(seconds, 3),
            "dataset": data.name,
            "dataset_description": data.description,
            "n_train": int(x_train.shape[0]),
            "n_test": int(x_test.shape[0]),
            "batch": BATCH,
            "epochs": epochs,
            "n_params": {
                str(d): int(
                    sum(
                        p.numel()
                        for p in residual_twins(x_train.shape[1], cfg.width, d, 10, cfg.norm)[0].parameters()
                    )
                )
                for d in cfg.depths
            },
        },
    )
