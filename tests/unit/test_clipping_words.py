"""Every sentence of the "Gradient clipping" lesson against the quantity it names: the learning verdicts
against the losses, the "explodes" question against the result on screen (read from it, never one
machine's digits), the threshold heuristic against what the page computes and what Pascanu et al. say, and
the cliff and vector verdicts over a grid of their controls, extremes included. No training here: the
real-RNN words are checked on the committed results and on hand-made summaries."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from gradviz import results, tasks
from gradviz.lessons.clipping import cliff, questions, words
from gradviz.lessons.clipping import experiment as exp
from gradviz.results import Result

BASE = tasks.MEAN_PREDICTOR_MSE


def _summary(rows: dict[str, tuple[float, float]]) -> pd.DataFrame:
    """run -> (diverged_at or NaN, final_loss or NaN), as the experiment's long-form summary."""
    out = []
    for run, (k, final) in rows.items():
        out += [(run, "diverged_at", k), (run, "final_loss", final)]
    return pd.DataFrame(out, columns=["run", "quantity", "value"])


@pytest.mark.parametrize("final", [0.01, 0.05, 0.08, 0.09, 0.15, 0.166, 0.17, 0.5])
def test_learning_words_follow_the_ratio_to_the_baseline(final):
    text = words.learning_words(final, BASE)
    ratio = final / BASE
    assert text.startswith("learned:") == (ratio < words.LEARNED_RATIO)
    assert text.startswith("kept training but learned little") == (words.LEARNED_RATIO <= ratio < 1)
    assert text.startswith("did not learn") == (ratio >= 1)
    assert f"{final:.3g}" in text and f"{BASE:.3g}" in text


@pytest.mark.parametrize(
    "rows",
    [
        {"none": (36.0, math.nan), "norm": (math.nan, 0.153), "value": (math.nan, 0.13)},
        {"none": (41.0, math.nan), "norm": (math.nan, 0.05), "value": (12.0, math.nan)},
        {"none": (5.0, math.nan), "norm": (7.0, math.nan), "value": (9.0, math.nan)},
        {"none": (math.nan, 0.06), "norm": (math.nan, 0.07), "value": (math.nan, 0.2)},
    ],
)
def test_rnn_verdict_names_what_each_run_did(rows):
    v = words.rnn_verdict(3.0, BASE, _summary(rows))
    exploded = math.isfinite(rows["none"][0])
    survived = [r for r in ("norm", "value") if not math.isfinite(rows[r][0])]
    assert ("the unclipped run exploded" in v) == exploded
    assert ("kept training alive" in v) == (exploded and len(survived) == 2)
    for run, (k, final) in rows.items():
        name = words.RUN_NAMES[run]
        if math.isfinite(k):
            assert f"**{name}**: blew up, the loss or gradient became inf/NaN at step **{int(k)}**" in v
        else:
            assert f"**{name}**: {words.learning_words(final, BASE)}" in v
    # never a claim the numbers do not make: "learning" only when a run ended below half the baseline
    assert "turn an explosion into learning" not in v


def _committed(name: str) -> Result:
    found = results.load("clipping", exp.PRESETS[name], results.code_version(exp.__file__))
    if found is None:
        pytest.skip("run: python -m gradviz.precompute clipping")
    return found


def test_explodes_question_reads_its_numbers_from_the_result_on_screen():
    res = _committed("explodes")
    q = questions.rnn_question(res)
    s = res.tables["summary"]
    k = exp.summary_value(res, "none", "diverged_at")
    assert q["answer"] in q["options"] and q["answer"] == "it blows up to inf/NaN within 50 steps"
    assert math.isfinite(k) and k < 50 and f"overflows at step {int(k)}" in q["explanation"]
    first = (
        res.tables["steps"].query("run == 'none' and quantity == 'grad_norm' and step == 0")["value"].iloc[0]
    )
    assert f"{first:.2e}" in q["explanation"]
    for run in ("norm", "value"):
        assert words.learning_words(exp.summary_value(res, run, "final_loss"), BASE) in q["explanation"]
    # the same words, fed a run that diverged at another step (another CPU), follow it
    other = Result({"summary": s.assign(value=s["value"].where(~((s["run"] == "none") & (s["quantity"] == "diverged_at")), k + 5)),
                    "steps": res.tables["steps"]}, res.meta)  # fmt: skip
    assert f"overflows at step {int(k) + 5}" in questions.rnn_question(other)["explanation"]
    # no run's number is hard-coded in the static text
    assert not any(ch.isdigit() for ch in questions.QUESTIONS["rnn"]["explanation"])


def test_promise_holds_on_the_committed_explodes_preset():
    res = _committed("explodes")
    assert math.isfinite(exp.summary_value(res, "none", "diverged_at"))
    for run in ("norm", "value"):
        assert math.isnan(exp.summary_value(res, run, "diverged_at"))
        assert exp.summary_value(res, run, "n_steps") == exp.PRESETS["explodes"].steps
    assert "turn an explosion into learning" not in words.PROMISE and "keep training" in words.PROMISE


def test_heuristic_text_says_what_the_page_does_and_what_the_paper_says():
    h = _committed("default").meta["heuristic"]
    text = words.heuristic_text(h, 1.0)
    assert "sufficiently large number of updates" in text and "§3.2" in text
    assert (
        f"first {h['steps_used']} steps" in text
        and "short window" in text
        and "a short unclipped run" not in text
    )
    assert ("inside" in text) == (h["low"] <= 1.0 <= h["high"])
    bad = _committed("explodes").meta["heuristic"]
    assert not bad["reliable"] and "measures the explosion" in words.heuristic_text(bad, 1.0)


CLIFF_GRID = list(
    itertools.product((0.0, 2.0, 4.0), (-2.0, -0.6, 1.0), (0.05, 0.5, 2.0), (0.1, 1.0, 10.0), (1, 40, 100))
)


@pytest.mark.parametrize(("w0", "b0", "lr", "eta", "steps"), CLIFF_GRID)
def test_cliff_verdict_over_the_controls(w0, b0, lr, eta, steps):
    res = cliff.cliff_descent(cliff.CliffDescentConfig(w0=w0, b0=b0, lr=lr, threshold=eta, steps=steps))
    plain, clipped = res.meta["runs"]["unclipped"], res.meta["runs"]["clipped by norm"]
    v = words.cliff_verdict(lr, eta, res.meta)
    never = plain["largest_step"] <= lr * eta * 1.0001
    assert ("clipping never acted" in v) == never
    # a clipped step is never longer than lr·η, as the verdict says
    assert clipped["largest_step"] <= lr * eta * (1 + 1e-9)
    if not never:
        assert words.cliff_status(plain) in v and f"{clipped['clipped_steps']} of" in v
    assert "nan" not in v.lower().split() and "inf" not in v.replace("inf/NaN", "")


@pytest.mark.parametrize(
    ("gx", "gy", "eta"), list(itertools.product((-4.0, 0.0, 0.3, 3.0), (-4.0, 0.0, 1.0), (0.1, 1.0, 4.0)))
)
def test_vector_verdict_over_the_controls(gx, gy, eta):
    m = cliff.clip_vector(cliff.VectorConfig(gx=gx, gy=gy, threshold=eta)).meta
    v = words.vector_verdict(m, eta)
    inside = math.hypot(gx, gy) <= eta and max(abs(gx), abs(gy)) <= eta
    assert ("neither rule changes it" in v) == inside
    if not inside:
        assert f"{m['turn_value_deg']:.1f}°" in v
        assert ("no longer points straight downhill" in v) == (m["turn_value_deg"] >= 0.05)
