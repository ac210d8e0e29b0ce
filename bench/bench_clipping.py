"""Wall time of a live run of the clipping lesson's part 2 (three RNN trainings: none, norm, value).

What a student waits for when their settings are not precomputed: `gradviz.lessons.clipping.experiment.run` with
the default config, as the app runs it (one torch thread, see app.py). The first run in a fresh process
pays torch's one-off warm-up; a running server pays it once, so both figures are printed. Also prints the
numpy parts (the cliff descents and the loss map) for comparison.

    python bench/bench_clipping.py            # default config, 3 repeats
    python bench/bench_clipping.py 5          # 5 repeats
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # as app.py sets it, before torch loads

import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

import torch  # noqa: E402

from gradviz.lessons.clipping import cliff  # noqa: E402
from gradviz.lessons.clipping import experiment as exp  # noqa: E402


def timed(fn, *args):
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def main(repeats: int = 3) -> None:
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), {os.cpu_count()} CPU(s)")
    for name in ("default", "explodes"):
        cfg = exp.PRESETS[name]
        times = []
        for i in range(repeats):
            seconds, result = timed(exp.run, cfg)
            times.append(seconds)
            state = "cold" if (i == 0 and name == "default") else "warm"
            div = exp.summary_value(result, "none", "diverged_at")
            fate = f"diverged at step {div:g}" if div == div else "did not diverge"
            print(f"{name:9s} run {i + 1}: {seconds:5.2f} s ({state}); the unclipped run {fate}")
        warm = times[1:] if name == "default" and repeats > 1 else times
        print(f"{name:9s} {cfg}: median {statistics.median(warm):.2f} s, worst {max(warm):.2f} s (warm)")
    seconds, _ = timed(cliff.cliff_descent, cliff.CliffDescentConfig())
    grid_seconds, grid = timed(cliff.cliff_grid)
    print(f"part 1 numpy: two descents {seconds * 1e3:.1f} ms, loss map of {len(grid)} cells {grid_seconds * 1e3:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
