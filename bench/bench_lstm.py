"""Time of a live run of the LSTM lesson at the default size (another seed, so nothing is precomputed),
and of the reach measurement at its default and largest settings: what a student waits for.

Prints wall and CPU seconds (CPU time is what one core spends; on a loaded machine wall time is larger),
the measured cost per (step × time step) of each model, and the final losses, so the lesson's claim
"a live run at default size takes ≤ 10 s on one core" can be checked on any machine.

    python bench/bench_lstm.py          # seeds 1 and 2
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as app.py sets it, before torch loads

import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from gradviz.lessons.lstm import configs, learn, reach  # noqa: E402


def main(seeds: tuple[int, ...] = (1, 2)) -> None:
    print(f"{os.cpu_count()} CPU(s), load average {os.getloadavg()[0]:.1f}")
    for seed in seeds:
        cfg = configs.LearnConfig(seed=seed)
        wall, cpu = time.perf_counter(), time.process_time()
        res = learn.train_models(cfg)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        s = res.tables["summary"]
        finals = {
            k: float(s[(s["model"] == k) & (s["quantity"] == "final_loss")]["value"].iloc[0])
            for k in cfg.kinds
        }
        cost = {k: f"{v * 1e4:.2f}e-4" for k, v in res.meta["cost_per_step_T"].items()}
        print(f"learn {cfg}: wall {wall:.1f} s, CPU {cpu:.1f} s; cost per step·T {cost}")
        print("   final held-out MSE " + ", ".join(f"{k} {v:.3g}" for k, v in finals.items()))
    for rcfg in (configs.ReachConfig(), configs.ReachConfig(T=400, hidden=64)):
        wall, cpu = time.perf_counter(), time.process_time()
        reach.measure(rcfg)
        print(f"reach {rcfg}: wall {time.perf_counter() - wall:.2f} s, CPU {time.process_time() - cpu:.2f} s")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (1, 2))
