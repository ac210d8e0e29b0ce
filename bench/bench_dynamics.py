"""Script time of each section of the "Backprop through time" page when one of its controls moves.

Each section is an `st.fragment`, so moving a control reruns only that section. To time exactly that, this
bench runs the page's code with a single section called (AppTest, the same process and caches as a live
session), moves the section's controls one after another, and prints the median and worst script time
per rerun. It also prints the library part alone (maths, no Streamlit) for comparison. Target: well under
0.2 s per rerun.

    python bench/bench_dynamics.py            # all sections
    python bench/bench_dynamics.py cliffs     # one section
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from gradviz.lessons.rnn_dynamics import cliffs, configs, logistic, many_units, one_unit, scalar_chain  # noqa: E402

PAGE = ROOT / "app_pages" / "rnn_dynamics.py"
FIRST_CALL = "\nscalar_chain()\n"  # where the page starts calling its sections

# section function -> moves: (widget key, values to step through; extremes included)
MOVES = {
    "scalar_chain": [("chain_w", [0.0, 0.9, 1.5, 2.0]), ("chain_T", [1, 100, 200])],
    "iterated_map": [("map_r", [2.0, 3.2, 3.569, 4.0]), ("map_x0", [0.0, 0.5, 1.0]), ("map_n", [1, 200])],
    "one_unit": [("unit_w", [-8.0, 0.5, 8.0]), ("unit_b", [-6.0, 2.0, 6.0]), ("unit_T", [1, 200])],
    "cliffs": [("cliff_w", [-4.0, 1.0, 4.0]), ("cliff_b", [-3.0, 3.0]), ("cliff_T", [1, 200]),
               ("cliff_target", [-1.0, 1.0]), ("cliff_h0", [-0.95, 0.95])],
    "many_units": [("many_rho", [0.5, 1.1, 1.5]), ("many_T", [1, 200]), ("many_n", [2, 64])],
}  # fmt: skip

LIBRARY = {  # the maths alone, at the heaviest setting of each section
    "scalar_chain": lambda: scalar_chain.scalar_chain(configs.ChainConfig(w=2.0, T=200)),
    "iterated_map": lambda: logistic.iterated_map(configs.MapConfig(r=4.0, n=200)),
    "one_unit": lambda: one_unit.unit_dynamics(configs.UnitConfig(T=200)),
    "cliffs": lambda: cliffs.cliff_curves(configs.CliffConfig(T=200)),
    "many_units": lambda: many_units.many_units(configs.ManyConfig(n=64, T=200, activation="tanh", rho=1.5)),
}


def section_app(section: str) -> AppTest:
    """The page's code with only `section` called, timed from inside the script run (so AppTest's own
    polling is not counted): the seconds land in session_state["_bench_seconds"]."""
    source = PAGE.read_text(encoding="utf-8")
    script = source[: source.index(FIRST_CALL)] + (
        "\nimport time as _time\n_start, _cpu = _time.perf_counter(), _time.thread_time()\n"
        f"{section}()\n"
        "st.session_state['_bench_seconds'] = (_time.perf_counter() - _start, _time.thread_time() - _cpu)\n"
    )
    return AppTest.from_string(script, default_timeout=120)


def _run(at: AppTest) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the script's thread) of one run of the section."""
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at.session_state["_bench_seconds"]


def bench_section(section: str) -> tuple[tuple[float, float], list[tuple[float, float]]]:
    at = section_app(section)
    first = _run(at)
    reruns = []
    for key, values in MOVES[section]:
        for value in values:
            at.slider(key=key).set_value(value)
            reruns.append(_run(at))
    return first, reruns


def main() -> None:
    sections = sys.argv[1:] or list(MOVES)
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print("seconds per run of one section: wall clock / CPU time of the script thread (robust to other load)")
    print(f"{'section':<14} {'maths only':>11} {'first run':>15} {'rerun median':>15} {'rerun max':>15}")
    for section in sections:
        lib = min(_timed(LIBRARY[section]) for _ in range(3))
        first, reruns = bench_section(section)
        wall, cpu = [r[0] for r in reruns], [r[1] for r in reruns]
        print(
            f"{section:<14} {lib:>11.3f} {first[0]:>7.3f} /{first[1]:>6.3f} "
            f"{statistics.median(wall):>7.3f} /{statistics.median(cpu):>6.3f} "
            f"{max(wall):>7.3f} /{max(cpu):>6.3f}  ({len(reruns)} reruns)"
        )


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
