"""What the residual-connections lesson costs: the per-step cost its live-run cap is estimated from, and the
time of a live single-depth run (both twins, probed and evaluated, with the lesion and path measurements).

Prints, for each depth, the measured seconds per training step of one net (median of a few repeats, one
torch thread, as in the app) beside `experiment.step_seconds` (the constants the page's estimate uses), then
the wall and CPU time of `experiment.run` for single depths at the default steps beside `estimate_seconds`. Figures
only; no assertion (the machine may be shared).

    GRADVIZ_DATA_DIR=../shared/data/mnist python bench/bench_resnet.py [--widths 64] [--depths 1 4 8 16] [--live 1 8 16]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("GRADVIZ_DATA_DIR", str(ROOT.parent / "shared" / "data" / "mnist"))


def per_step(depth: int, width: int, norm: str = "none", steps: int = 60, reps: int = 3) -> float:
    import numpy as np
    import torch
    from torch import nn

    from gradviz.data import load_dataset
    from gradviz.lessons.resnet.experiment import BATCH
    from gradviz.lessons.resnet.nets import residual_twins
    from gradviz.train import TrainConfig, train

    data = load_dataset("mnist")
    x = torch.from_numpy(np.array(data.x_train, dtype=np.float32))
    y = torch.from_numpy(np.array(data.y_train, dtype=np.int64))
    times = []
    for r in range(reps):
        _, model = residual_twins(x.shape[1], width, depth, 10, norm, seed=r)
        start = time.thread_time()  # CPU time of this thread: the work done, barely moved by other processes
        train(
            model,
            x,
            y,
            nn.functional.cross_entropy,
            TrainConfig(lr=0.05, batch=BATCH, epochs=1, max_steps=steps),
        )
        times.append((time.thread_time() - start) / steps)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--widths", type=int, nargs="*", default=[64])
    parser.add_argument("--depths", type=int, nargs="*", default=[1, 4, 8, 16])
    parser.add_argument(
        "--live", type=int, nargs="*", default=[1, 8, 16], help="single depths to time end to end"
    )
    args = parser.parse_args()
    from gradviz.lessons.resnet import experiment as exp

    print(f"{'norm':>5} {'width':>5} {'blocks':>6} {'CPU s/step':>16} {'model s/step':>13}")
    for norm in ("none", "batch"):
        for w in args.widths:
            for d in args.depths:
                model = exp.step_seconds(d, w, norm)
                print(f"{norm:>5} {w:>5} {d:>6} {per_step(d, w, norm):>16.4f} {model:>13.4f}")
    print(
        f"\nlive single-depth runs at the default steps ({exp.Config().steps}), width {exp.Config().width}:"
    )
    for norm in ("none", "batch"):
        for d in args.live:
            cfg = exp.Config(depths=(d,), norm=norm)
            start, cpu = time.perf_counter(), time.thread_time()
            exp.run(cfg)
            wall, cpu = time.perf_counter() - start, time.thread_time() - cpu
            est = exp.estimate_seconds(cfg)
            print(f"  {norm:>5} {d:>3} blocks: {wall:6.1f} s wall, {cpu:6.1f} s CPU, estimate {est:5.1f} s")


if __name__ == "__main__":
    main()
