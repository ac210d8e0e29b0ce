"""What gradviz's probed training loop costs over a bare PyTorch loop, measured side by side.

Same model (7 hidden sigmoid layers of 100 units, PyTorch's default init, one seed), same data (8,000 real
MNIST digits from GRADVIZ_DATA_DIR or ../shared/data/mnist), same batches (64, in the order gradviz.train
draws them), 2 epochs of SGD at lr 0.1:

- bare:   forward, loss, zero_grad, backward, step; nothing else;
- loop:   `gradviz.train.train` without a probe (the loop's own bookkeeping: the loss as a float, the
          gradient norm for the log and the NaN/inf check, the per-step rows);
- hooks:  the loop with a probe that only attaches its hooks and retain_grad on the recorded steps (for the
          split below);
- probed: `gradviz.train.train` with a `gradviz.probe.LayerProbe` recording the steps the deep-nets lesson
          records (`deep_nets.record_schedule`, histograms at the first and the last), no evaluation;
- lesson: the probed run plus the lesson's held-out evaluation (2,000 digits, every `total // 20` steps),
          for reference only: the bare loop does no evaluation, so it is not part of the ratio.

Runs are interleaved (bare, loop, hooks, probed, lesson, bare, ...) after one warm-up of each, so drifting
machine load hits every variant alike. Each run is timed twice: wall clock (what a student waits) and the
CPU time of this thread (torch runs on one thread here, as in the app, so this is the work done, and it
barely moves when other processes share the cores). Prints the medians, probed / bare (goal ≤ 1.15),
checks that both loops end with identical weights (they must do the same arithmetic), and splits the
overhead: the loop's bookkeeping, what the hooks add to forward and backward, and each probe method
(timed inside probed runs, steps with and without histograms apart).

    python bench/bench_train_overhead.py [--reps 9] [--threads 1] [--profile]
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_MNIST = ROOT.parent / "shared" / "data" / "mnist"
GOAL = 1.15

DEPTH, WIDTH, ACTIVATION, INIT = 7, 100, "sigmoid", "default"  # the seed blog's deep sigmoid MLP
BATCH, EPOCHS, LR, SEED = 64, 2, 0.1, 0


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--reps", type=int, default=9, help="timed runs of each variant (after one warm-up)")
    p.add_argument("--threads", type=int, default=1, help="torch threads (the app trains on 1 per run)")
    p.add_argument("--profile", action="store_true", help="cProfile one probed run and print where time goes")
    return p.parse_args()


args = parse_args()
os.environ.setdefault("OMP_NUM_THREADS", str(args.threads))  # before torch loads, as app.py does
if "GRADVIZ_DATA_DIR" not in os.environ and SHARED_MNIST.is_dir():
    os.environ["GRADVIZ_DATA_DIR"] = str(SHARED_MNIST)
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402

from gradviz.data import load_dataset  # noqa: E402
from gradviz.lessons.deep_nets.experiment import held_out, record_schedule  # noqa: E402
from gradviz.lessons.deep_nets.nets import MLP  # noqa: E402
from gradviz.probe import LayerProbe  # noqa: E402
from gradviz.train import TrainConfig, train  # noqa: E402

torch.set_num_threads(args.threads)
# gradviz.train flushes subnormal floats process-wide on every call; set it up front so the bare loop,
# timed in the same process, runs in the same floating-point mode from its first repetition.
torch.set_flush_denormal(True)

data = load_dataset("mnist", allow_download=False)
X = torch.from_numpy(np.array(data.x_train, dtype=np.float32))  # (8000, 784)
Y = torch.from_numpy(np.array(data.y_train, dtype=np.int64))  # (8000,)
X_TEST = torch.from_numpy(np.array(data.x_test, dtype=np.float32))  # (2000, 784)
Y_TEST = torch.from_numpy(np.array(data.y_test, dtype=np.int64))
STEPS_PER_EPOCH = math.ceil(X.shape[0] / BATCH)
TOTAL = STEPS_PER_EPOCH * EPOCHS
RECORD = record_schedule(TOTAL)
HIST = (RECORD[0], RECORD[-1])
TCFG = TrainConfig(lr=LR, optimizer="sgd", epochs=EPOCHS, batch=BATCH, seed=SEED)


class Clock:
    """Wall and thread-CPU seconds since construction."""

    def __init__(self) -> None:
        self.wall0, self.cpu0 = time.perf_counter(), time.thread_time()

    def read(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall0, time.thread_time() - self.cpu0


def fresh_model() -> MLP:
    return MLP(X.shape[1], WIDTH, DEPTH, 10, ACTIVATION, INIT, generator=torch.Generator().manual_seed(SEED))


def bare() -> tuple[tuple[float, float], MLP]:
    model = fresh_model()
    loss_fn = nn.CrossEntropyLoss()
    opt = torch.optim.SGD(model.parameters(), lr=LR)
    gen = torch.Generator().manual_seed(SEED)  # the same shuffling stream gradviz.train draws from
    clock = Clock()
    for _ in range(EPOCHS):
        order = torch.randperm(X.shape[0], generator=gen)
        for i in range(STEPS_PER_EPOCH):
            idx = order[i * BATCH : (i + 1) * BATCH]
            loss = loss_fn(model(X[idx]), Y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
    return clock.read(), model


def loop_only() -> tuple[tuple[float, float], MLP]:
    model = fresh_model()
    clock = Clock()
    train(model, X, Y, nn.CrossEntropyLoss(), TCFG)
    return clock.read(), model


class TimedProbe(LayerProbe):
    """LayerProbe that adds each method's thread-CPU time to `seconds[(method, "hist" or "plain")]`."""

    last: TimedProbe | None = None  # the most recent instance, for `breakdown`

    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.seconds: dict[tuple[str, str], float] = {}
        TimedProbe.last = self

    def _timed(self, name: str, step: int) -> None:
        start = time.thread_time()
        getattr(LayerProbe, name)(self, step)
        key = (name, "hist" if step in self.hist_steps else "plain")
        self.seconds[key] = self.seconds.get(key, 0.0) + time.thread_time() - start

    def before_forward(self, step: int) -> None:
        self._timed("before_forward", step)

    def after_backward(self, step: int) -> None:
        self._timed("after_backward", step)

    def after_update(self, step: int) -> None:
        self._timed("after_update", step)


class HooksOnlyProbe(LayerProbe):
    """Attaches the forward hooks (keeping z and h, h.retain_grad()) and removes them; computes nothing."""

    def after_backward(self, step: int) -> None:
        pass

    def after_update(self, step: int) -> None:
        for handle in self._handles:
            handle.remove()
        self._handles, self._z, self._h = [], {}, {}


def hooks_only() -> tuple[tuple[float, float], MLP]:
    model = fresh_model()
    probe = HooksOnlyProbe(model, record_steps=RECORD, hist_steps=HIST)
    clock = Clock()
    train(model, X, Y, nn.CrossEntropyLoss(), TCFG, probe=probe)
    return clock.read(), model


def probed(
    evaluate: bool = False, probe_cls: type[LayerProbe] = LayerProbe
) -> tuple[tuple[float, float], MLP]:
    model = fresh_model()
    probe = probe_cls(model, record_steps=RECORD, hist_steps=HIST)
    loss_fn = nn.CrossEntropyLoss()

    clock = Clock()
    log = train(model, X, Y, loss_fn, TCFG, probe=probe, evaluate=held_out(X_TEST, Y_TEST) if evaluate else None,
                eval_every=max(1, TOTAL // 20))  # fmt: skip
    seconds = clock.read()
    assert log.n_steps == TOTAL and log.diverged_at is None
    assert probe.layers_frame().step.nunique() == len(RECORD)
    return seconds, model


@torch.no_grad()
def max_weight_difference(a: nn.Module, b: nn.Module) -> float:
    return max(float((p - q).abs().max()) for p, q in zip(a.parameters(), b.parameters(), strict=True))


def breakdown(cpu: dict[str, float], runs: int = 3) -> None:
    """Where probed − bare goes (thread-CPU seconds per run, and as a share of bare)."""
    totals: dict[tuple[str, str], list[float]] = {}
    for _ in range(runs):
        probed(probe_cls=TimedProbe)
        for k, v in TimedProbe.last.seconds.items():
            totals.setdefault(k, []).append(v)
    methods = {k: statistics.median(v) for k, v in totals.items()}
    base = cpu["bare"]
    n = {"plain": len(RECORD) - len(HIST), "hist": len(HIST)}

    def line(what: str, sec: float, per: str) -> None:
        print(f"  {what:<52} {sec:7.3f} s  {sec / base:6.1%}  ({per})")

    print(f"\nwhere probed − bare = {cpu['probed'] - base:.3f} s of CPU goes (share of bare's {base:.3f} s):")
    loop = cpu["loop"] - base
    line("loop bookkeeping (loop − bare)", loop, f"{loop / TOTAL * 1e3:.3f} ms × {TOTAL} steps")
    hooks = cpu["hooks"] - cpu["loop"]
    line("hooks + retain_grad in forward/backward (hooks − loop)", hooks,
         f"{hooks / len(RECORD) * 1e3:.3f} ms per recorded step")  # fmt: skip
    spent = 0.0
    for kind in ("plain", "hist"):
        for name in ("before_forward", "after_backward", "after_update"):
            sec = methods.get((name, kind), 0.0)
            spent += sec
            line(f"probe.{name} on {n[kind]} {kind} steps", sec, f"{sec / n[kind] * 1e3:.3f} ms per step")
    rest = cpu["probed"] - cpu["hooks"] - spent
    line("remainder (probed − hooks − methods: noise, caches)", rest, "not attributed")


def profile_probed() -> None:
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    probed()
    prof.disable()
    print("\ncProfile of one probed run, top 20 by own time:")
    pstats.Stats(prof).sort_stats("tottime").print_stats(20)


def main() -> None:
    print(f"data: {data.description} (source: {data.source or 'bundled'})")
    print(f"model: {DEPTH} hidden {ACTIVATION} layers × {WIDTH}, init {INIT}; batch {BATCH}, {EPOCHS} epochs, "
          f"{TOTAL} steps, SGD lr {LR}; the probe records {len(RECORD)} of {TOTAL} steps")  # fmt: skip
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s); {args.reps} interleaved repetitions; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip

    # warm-up (allocator, lazy initialisation), and the check that both loops do the same arithmetic
    _, m_bare = bare()
    _, m_probed = probed()
    loop_only()
    hooks_only()
    probed(evaluate=True)
    diff = max_weight_difference(m_bare, m_probed)
    print(f"max |w_bare − w_probed| after training: {diff:.2e} (same init, same batches, same updates)")

    variants = {
        "bare": bare,
        "loop": loop_only,
        "hooks": hooks_only,
        "probed": probed,
        "lesson": lambda: probed(evaluate=True),
    }
    wall: dict[str, list[float]] = {k: [] for k in variants}
    cpu: dict[str, list[float]] = {k: [] for k in variants}
    for _ in range(args.reps):
        for k, fn in variants.items():
            (w, c), _ = fn()
            wall[k].append(w)
            cpu[k].append(c)

    med_wall = {k: statistics.median(v) for k, v in wall.items()}
    med_cpu = {k: statistics.median(v) for k, v in cpu.items()}
    print(f"\n{'':>7}  {'wall median':>11}  {'wall min':>8}  {'CPU median':>10}  per step (CPU)")
    for k in variants:
        print(f"{k:>7}  {med_wall[k]:>9.3f} s  {min(wall[k]):>6.3f} s  {med_cpu[k]:>8.3f} s  "
              f"{med_cpu[k] / TOTAL * 1e3:.2f} ms")  # fmt: skip
    ratio_wall = med_wall["probed"] / med_wall["bare"]
    ratio_cpu = med_cpu["probed"] / med_cpu["bare"]
    pairs = statistics.median(p / b for p, b in zip(wall["probed"], wall["bare"], strict=True))
    print(f"\nprobed / bare, wall-clock medians: {ratio_wall:.3f}  (median of per-pair ratios {pairs:.3f})")
    print(f"probed / bare, CPU-time medians:   {ratio_cpu:.3f}")
    print(f"goal ≤ {GOAL}: {'met' if max(ratio_wall, ratio_cpu) <= GOAL else 'NOT met'}")
    print(f"lesson / bare (CPU): {med_cpu['lesson'] / med_cpu['bare']:.3f}  "
          f"(adds {TOTAL // max(1, TOTAL // 20) + 1} held-out evaluations on {X_TEST.shape[0]:,} digits)")  # fmt: skip
    breakdown(med_cpu)
    if args.profile:
        profile_probed()


if __name__ == "__main__":
    main()
