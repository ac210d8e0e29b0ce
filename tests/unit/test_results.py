"""The precomputed store: round trips, code hashing, and that every committed result is current."""

import json
import math

import pandas as pd
import pytest

from gradviz import lessons, precompute, results
from gradviz.lessons.deep_nets import experiment as deep_nets
from gradviz.lessons.deep_nets import words
from gradviz.lessons.deep_nets.summary import summarize
from gradviz.results import Result


def test_save_load_round_trip(tmp_path):
    cfg = deep_nets.Config(depth=3)
    table = pd.DataFrame({"step": [0, 1], "quantity": ["loss", "loss"], "value": [2.3, 2.1]})
    results.save("deep_nets", cfg, "abc", Result({"training": table}, {"diverged_at": None}), root=tmp_path)
    back = results.load("deep_nets", cfg, "abc", root=tmp_path)
    assert back.tables["training"].equals(table) and back.meta["precomputed"] is True
    assert results.load("deep_nets", cfg, "other-code", root=tmp_path) is None
    assert results.load("deep_nets", deep_nets.Config(depth=4), "abc", root=tmp_path) is None
    assert not list(tmp_path.glob("deep_nets/.tmp-*"))  # atomic write leaves no temporary folder


def test_code_version_follows_imports():
    deps = {p.name for p in results._gradviz_imports(results.PACKAGE_DIR / "lessons" / "deep_nets" / "experiment.py")}
    assert {"train.py", "probe.py", "nets.py", "data.py", "results.py"} <= deps
    assert len(results.code_version(deep_nets.__file__)) == 16


@pytest.mark.parametrize("name", list(lessons.EXPERIMENTS))
def test_committed_results_are_current(name):
    """Fails when code or presets changed without `python -m gradviz.precompute` being rerun."""
    assert precompute.missing(name) == [], f"run: python -m gradviz.precompute {name}"
    assert precompute.stale_dirs(name) == [], f"run: python -m gradviz.precompute {name}"
    for key, cfg in precompute.expected_keys(name).items():
        manifest = json.loads((results.result_dir(name, key) / "manifest.json").read_text())
        assert manifest["config"] == results.config_dict(cfg)


def test_committed_default_reproduces(mnist_dir):
    """A fresh run of the default view gives the committed numbers, to the precision float32 training allows
    across CPUs (sums reordered by other vector widths and kernels): the first step, one forward and backward
    pass from the same weights and data, to float32 rounding; the whole run, in the same regime (same verdict,
    the layer 1 / output ratio within a factor of 2, held-out accuracy within 3 points)."""
    cfg = deep_nets.PRESETS["default"]
    committed = results.load("deep_nets", cfg, results.code_version(deep_nets.__file__))
    assert committed is not None, "run: python -m gradviz.precompute deep_nets"
    fresh = deep_nets.run(cfg)
    first = [r.tables["layers"].query("step == 0").reset_index(drop=True) for r in (fresh, committed)]
    pd.testing.assert_frame_equal(*first, rtol=1e-4)
    got, want = summarize(fresh), summarize(committed)
    assert words.verdict(got)[0] == words.verdict(want)[0]
    assert abs(math.log10(got.back_ratio / want.back_ratio)) < math.log10(2)
    assert got.accuracy == pytest.approx(want.accuracy, abs=0.03)


def test_a_config_run_twice_in_one_process_is_bit_identical():
    """Determinism where it holds: the same config, twice, in one process, gives the same bits."""
    cfg = deep_nets.Config(dataset="digits", activation="tanh", depth=3, width=32, epochs=1)
    a, b = deep_nets.run(cfg), deep_nets.run(cfg)
    for name in ("layers", "training"):
        pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True)


def test_value_reads_one_number_from_a_long_form_table():
    import math

    import pandas as pd

    from gradviz import results as store

    t = pd.DataFrame({"run": ["a", "a", "b"], "quantity": ["x", "y", "x"], "value": [1.0, 2.0, 3.0]})
    assert store.value(t, run="a", quantity="y") == 2.0
    assert store.value(t, run="b", quantity="x") == 3.0
    assert math.isnan(store.value(t, run="b", quantity="y"))
    assert store.value(t, column="value", run="b") == 3.0
