"""Shared fixtures.

- `mnist_dir`: the real MNIST test-set files that developers and CI keep beside the repo, at
  ../shared/data/mnist (skips the test if they are absent). Requesting it also sets GRADVIZ_DATA_DIR to
  that folder for the test, so `gradviz.data.load_dataset("mnist")` reads them.
- `_no_mnist_download` (autouse): points gradviz.data's download mirrors at a port on 127.0.0.1 that
  refuses connections, so no test ever reaches the internet. A test that needs MNIST asks for
  `mnist_dir`; one that forgets gets the bundled digits from `load_with_fallback` (or DataUnavailable
  from `load_dataset`) at once, unless the user cache already holds MNIST.
- `GRADVIZ_PERTURB` (environment variable, off by default): a robustness check for the tests that train.
  float32 training differs in the last bits from one CPU to another (vector widths, BLAS kernels); such a
  difference cannot be produced on demand, so it is imitated: `inputs` scales every training input by
  (1 + 1e-6), `threads` trains on 2 threads instead of 1 (another order of the sums). Every test that trains
  must pass under both, e.g. `GRADVIZ_PERTURB=inputs python -m pytest tests/unit/test_clipping.py`.
- The time each part of the suite costs: every test's setup, call and teardown are added up by part (unit,
  results, AppTest, browser, deploy, bench client: `PARTS` below), and a table is printed at the end of the
  run, beside pytest's ten slowest tests (`--durations=10` in pyproject.toml). A session fixture's setup
  (e.g. a server start) counts for the part of the first test that asks for it.
"""

from __future__ import annotations

import os

# Train as the app does (app.py): one torch thread per run. Committed results are computed the same way,
# so the reproduction tests compare like with like. Must be set before torch is imported.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import socket  # noqa: E402
import time  # noqa: E402
from collections import Counter, defaultdict  # noqa: E402
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_MNIST = REPO_ROOT.parent / "shared" / "data" / "mnist"


@pytest.fixture(scope="session")
def refused_url() -> Iterator[str]:
    """An http URL on 127.0.0.1 whose port is bound but not listening: connecting is refused at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/mnist/"
    sock.close()


@pytest.fixture(autouse=True)
def _no_mnist_download(monkeypatch, refused_url):
    from gradviz import data  # numpy only: cheap

    monkeypatch.setattr(data, "MIRRORS", (refused_url,))


PERTURB = os.environ.get("GRADVIZ_PERTURB", "")


@pytest.fixture(autouse=True, scope="session")
def _perturbed_training():
    """With GRADVIZ_PERTURB set, every gradviz training run is nudged at float32 noise level (see above)."""
    if not PERTURB:
        yield
        return
    import importlib
    import inspect
    import sys

    import torch

    from gradviz import train as gtrain

    if PERTURB not in ("inputs", "threads"):
        raise pytest.UsageError(f"GRADVIZ_PERTURB={PERTURB!r}: use 'inputs' or 'threads'")
    real = gtrain.train

    signature = inspect.signature(real)

    def nudged(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        if PERTURB == "inputs":
            bound.arguments["x"] = bound.arguments["x"] * (1 + 1e-6)
            return real(*bound.args, **bound.kwargs)
        before = torch.get_num_threads()
        torch.set_num_threads(2)
        try:  # gtrain.train pins one thread; its body, with two
            return gtrain._train(*bound.args, **bound.kwargs)
        finally:
            torch.set_num_threads(before)

    for name in ("gradviz.lessons.deep_nets.experiment", "gradviz.lessons.clipping.experiment"):
        importlib.import_module(name)
    # every module that imported the loop: the experiments, gradviz.train itself, and test modules
    patched = [m for m in list(sys.modules.values()) if getattr(m, "train", None) is real]
    with pytest.MonkeyPatch.context() as mp:
        for module in patched:
            mp.setattr(module, "train", nudged)
        yield


@pytest.fixture
def mnist_dir(monkeypatch) -> Path:
    from gradviz import data

    if not all(p.is_file() for p in data.mnist_files(SHARED_MNIST)):
        pytest.skip(f"the real MNIST files are not at {SHARED_MNIST}")
    monkeypatch.setenv(data.ENV_VAR, str(SHARED_MNIST))
    return SHARED_MNIST


# -- what each part of the suite costs ------------------------------------------------------------------

# (node-id prefix, part): the first prefix that matches names the part
PARTS = (
    ("tests/unit/test_results.py", "results"),
    ("tests/unit/", "unit"),
    ("tests/app/", "AppTest"),
    ("tests/e2e/", "browser"),
    ("tests/deploy/", "deploy"),
    ("tests/bench/", "bench client"),
)
_seconds: defaultdict[str, float] = defaultdict(float)
_tests: Counter[str] = Counter()
_outcomes: defaultdict[str, Counter[str]] = defaultdict(Counter)
_started: list[float] = []


def part_of(nodeid: str) -> str:
    return next((part for prefix, part in PARTS if nodeid.startswith(prefix)), "other")


def pytest_sessionstart(session):
    _started.append(time.monotonic())


def pytest_runtest_logreport(report):
    part = part_of(report.nodeid)
    _seconds[part] += report.duration
    if report.when == "call" or (report.when == "setup" and not report.passed):
        _tests[part] += 1
        _outcomes[part][report.outcome] += 1


def pytest_terminal_summary(terminalreporter):
    if not _tests:
        return
    write = terminalreporter.write_line
    terminalreporter.write_sep("=", "time per part (setup + call + teardown of its tests)")
    order = [part for _, part in PARTS] + ["other"]
    for part in sorted(_seconds, key=order.index):
        outcomes = ", ".join(f"{n} {o}" for o, n in sorted(_outcomes[part].items()))
        write(f"{part:>13}  {_seconds[part]:8.1f} s  {_tests[part]:5d} tests  ({outcomes})")
    total = sum(_seconds.values())
    write(f"{'all tests':>13}  {total:8.1f} s  {sum(_tests.values()):5d} tests")
    if _started:
        wall = time.monotonic() - _started[0]
        write(f"{'pytest wall':>13}  {wall:8.1f} s  (the rest, {wall - total:.1f} s: collection and reporting)")
