"""Running experiments for a class on one server: committed results, one live run per distinct config through
the gate (queue position, progress), cached pure helpers, and where the numbers came from."""

from __future__ import annotations

import dataclasses
import functools
import os
import types
from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from gradviz import fingerprint, gate, lessons
from gradviz import results as results_store
from gradviz.progress import ProgressFn
from gradviz.results import Result
from gradviz.ui import compat

# -- running experiments ------------------------------------------------------------------------------
# A class shares one process, so nothing expensive may be paid per visit. Results, built charts, their
# Vega-Lite specs and cached helpers' outputs are computed once per distinct input and then SHARED by
# every visitor: they live in st.cache_resource, which hands out the object itself. st.cache_data would
# unpickle a deep copy on every hit (about 1 ms per result table, more for charts) and hash every
# DataFrame argument with hash_pandas_object on every call (5-25 ms each). DESIGN allows cache_resource
# for shared read-only objects, and these are read-only: pages and chart builders only derive new frames
# from them (pandas 3 copy-on-write makes every derived frame a new object). Every such object is
# remembered with its key (gradviz.fingerprint), so passing it on to `built` or `cached` costs a lookup,
# not a hash. Every cache is bounded by entries (charts, specs and helpers also expire an hour after they
# were made), so a day of distinct settings cannot grow without limit: at most a few hundred MB.

# Live runs: one at a time by default (GRADVIZ_LIVE_RUNS=n allows n, at most one per core makes sense),
# first come first served, one run per distinct key. Runs are threads of this process, and the lessons'
# small nets spend most of a step in Python under the GIL: measured with 10 different deep-nets runs at
# once on 2 cores, two at a time finished the first after 2.1x its solo time and the last after 2.2x the
# ideal; one at a time, 1.3x and 1.9x (bench/bench_classroom.py). On Community Cloud os.cpu_count() also
# reports the host's cores, not the app's share (0.078-2 CPUs).
GATE = gate.Gate(slots=int(os.environ.get("GRADVIZ_LIVE_RUNS", "1")), keep=64)


def _remember_result(result: Result) -> Result:
    """Remember a result and each of its tables by the result's key (they are shared from now on)."""
    assert result.key is not None
    return fingerprint.remember(result, result.key, depth=3)  # the result, its tables, each table


@st.cache_resource(show_spinner=False, max_entries=256)
def _precomputed(key: str, name: str, _cfg: Any) -> Result | None:
    """The committed result stored under `key` (experiment name + config + code version), or None."""
    found = results_store.load(name, _cfg, lessons.code_version(name))
    return None if found is None else _remember_result(found)


def _train(name: str, cfg: Any, key: str, on_step: ProgressFn) -> Result:
    """One live run, in a gate worker thread (no Streamlit calls here: progress goes to the gate)."""
    result = lessons.get_experiment(name).run(cfg, on_step=on_step)
    return _remember_result(dataclasses.replace(result, key=key))


def _queued_text(ahead: int, seconds: float | None) -> str:
    runs = f"{ahead} run{'s' if ahead != 1 else ''} ahead of yours"
    wait = "" if seconds is None else f", about {max(1, round(seconds))} seconds until it starts"
    return (f"Queued: {runs}{wait}. Live training shares the server's cores with the whole class: one run "
            "per core at a time, first come, first served.")  # fmt: skip


def _live(key: str, name: str, cfg: Any) -> Result:
    """Train `cfg` through the gate, showing the queue position and then the progress bar.

    Students who ask for the same settings wait for the same run. Leaving (closing the tab, or changing a
    setting so the script reruns) stops this wait, and a run nobody waits for gives its place up."""
    job = GATE.submit(key, functools.partial(_train, name, cfg, key), kind=name)
    if job.state == gate.DONE:
        return job.outcome()
    slot = st.empty()
    try:
        first = True
        while not GATE.wait(job, 0.05 if first else 0.3):  # a run that ends at once draws nothing
            first = False
            if compat.session_gone():
                st.stop()
            # Each update below is also where Streamlit stops this script if the student left or reran.
            if job.state == gate.QUEUED:
                slot.info(_queued_text(*GATE.position(job)), icon=":material/hourglass_top:")
            else:
                text = "Training a fresh network for these settings" + (
                    f": {job.message}" if job.message else "…"
                )
                slot.progress(min(1.0, job.fraction), text=text)
    finally:
        GATE.leave(job)
    slot.empty()
    return job.outcome()


def precomputed(name: str, cfg: Any) -> Result | None:
    """The committed result for this config, or None (never trains): lets a page ask before a live run."""
    return _precomputed(lessons.result_key(name, cfg), name, cfg)


def run_cached(name: str, cfg: Any) -> Result:
    """The result for this config: committed if precomputed, else trained once (through the gate) and
    shared with everyone. The result carries its key; treat it as read-only."""
    key = lessons.result_key(name, cfg)
    found = _precomputed(key, name, cfg)
    if found is not None:
        return found
    return _live(key, name, cfg)


def provenance(runs: Result | Sequence[Result] | dict[str, Result]) -> str:
    """Where the numbers on screen come from, in one sentence: the committed results every visitor sees, or
    a live run, which on another machine can differ in the last digits (float32 sums are not bit-identical
    across processors). Precomputed results carry meta["precomputed"]; "seconds" is the training time."""
    items = (
        list(runs.values()) if isinstance(runs, dict) else [runs] if isinstance(runs, Result) else list(runs)
    )
    seconds = sum(float(r.meta.get("seconds", 0.0)) for r in items)
    live = [r for r in items if not r.meta.get("precomputed")]
    trained = f"{seconds:.1f} s of training" if seconds else "Trained"
    if not live:
        return f"{trained}, precomputed and committed with the app: every visitor sees exactly these numbers."
    some = "" if len(live) == len(items) else f"{len(live)} of these {len(items)} runs "
    return (
        f"{trained}; {some}trained live on this server and cached for everyone. Trained on another machine, "
        "the same settings can differ in the last digits (float32 arithmetic is not bit-identical across "
        "processors)."
    )


@st.cache_resource(show_spinner="Looking for MNIST…", ttl=3600, max_entries=8)
def dataset_status(name: str) -> tuple[str, str | None, str]:
    """(dataset actually usable, notice for the page or None, one-sentence description).

    Shared by every visitor: the first visit of a fresh server downloads MNIST once (md5-checked); if that
    fails the lesson trains on the bundled 8×8 digits and says so. Retried hourly.
    """
    from gradviz.data import load_with_fallback

    data, notice = load_with_fallback(name)
    return data.name, notice, data.description


def _key_of(kind: str, fn: Callable[..., Any], args: tuple, kwargs: dict) -> str:
    code = getattr(fn, "__code__", None)  # two pages may define functions of the same name
    where = (
        getattr(fn, "__module__", ""),
        getattr(fn, "__qualname__", repr(fn)),
        getattr(code, "co_filename", ""),
    )
    return fingerprint.of(kind, where, args, kwargs)


@st.cache_resource(show_spinner=False, max_entries=256, ttl=3600)
def _helper_output(key: str, _compute: Callable[[], Any]) -> Any:
    return fingerprint.remember(_compute(), key)


def cached(fn: Callable[..., Any]) -> Callable[..., Any]:
    """`fn` computed once per distinct arguments for every visitor: for pure functions (e.g. a grid that
    does not depend on the controls, or a run's summary), so moving a slider never recomputes them.
    Arguments are keyed by gradviz.fingerprint (a result or a cached output by its key); the output is
    shared by every visitor, read-only."""

    @functools.wraps(fn)
    def shared(*args: Any, **kwargs: Any) -> Any:
        return _helper_output(_key_of("cached", fn, args, kwargs), functools.partial(fn, *args, **kwargs))

    return shared


def cached_words(module: Any, *names: str) -> Any:
    """`module`'s functions `names`, each `cached`: for a lesson's sentences read from a result's tables
    (a verdict filters and sums a table), so every visitor after the first reads them from the cache.
    Use as `said = ui.cached_words(words, "verdict", ...)`, then `said.verdict(table, ...)`."""
    return types.SimpleNamespace(**{name: cached(getattr(module, name)) for name in names})
