"""Every sentence of the "Backprop through time" lesson against the quantity it names.

A sweep over each section's controls (extremes, bifurcation points and the settings in between) checks
that each verdict's words agree with the measured numbers, recomputed here independently (direct iteration,
dense grids, closed forms); and each predict-then-reveal answer against what the page shows at the settings
the question sends the student to."""

from __future__ import annotations

import itertools
import math
import re

import numpy as np
import pytest

from gradviz import unit_rnn
from gradviz.lessons.rnn_dynamics import (
    cliffs,
    configs,
    logistic,
    many_units,
    one_unit,
    questions,
    scalar_chain,
    words,
)
from gradviz.lessons.rnn_dynamics.words import _size_word


def _all_text(meta: dict) -> str:
    shown = [meta["verdict"], meta.get("explain", ""), *meta["latex"]]
    shown += [f"{label} {value} {help_ or ''}" for label, value, help_ in meta["readouts"]]
    return " ".join(shown)


def _no_clamp_constants(meta: dict) -> None:
    """The log(1e-300) floor (−690.776) and other clamps are never presented as measurements."""
    text = _all_text(meta)
    assert "690" not in text and "nan" not in text.lower().split()
    assert not re.search(r"(?<![\w\\])inf(?!inity|o)", text.replace(r"\infty", "")), text


# == 1. the scalar chain ======================================================================================


@pytest.mark.parametrize(
    ("w", "T"), list(itertools.product((0.0, 0.01, 0.5, 0.9, 1.0, 1.1, 2.0), (1, 2, 50, 200)))
)
def test_chain_verdict_names_the_measured_products(w, T):
    m = scalar_chain.scalar_chain(configs.ChainConfig(w=w, T=T)).meta
    v = m["verdict"]
    # |w| = 1, b = 0 is the marginal case: the tanh product shrinks polynomially, whatever its size at T
    tanh_word = "it shrinks only polynomially (the marginal case)" if abs(w) == 1.0 else _size_word(m["tanh"])
    assert f"**Linear unit: {_size_word(m['linear'])}.**" in v and f"**tanh unit: {tanh_word}.**" in v
    assert m["linear"] == pytest.approx(w**T, rel=1e-12, abs=0.0) or (w**T < 1e-300 and m["linear"] == 0.0)
    if w == 0.0:  # exactly zero, said so; not "< 1e-300"
        assert v.count("0 (exactly)") == 2 and "1e-300" not in v
    elif m["linear"] == 0.0:  # a true underflow (0.01^200 = 1e-400) is said as a bound
        assert "< 1e-300" in v
    _no_clamp_constants(m)


# == 5. many units ===========================================================================================

MANY_GRID = list(
    itertools.product((2, 64), (0.5, 0.9, 1.0, 1.1, 1.5), (1, 2, 100, 200), (0, 36), many_units.ACTIVATIONS)
)


def _direct_tanh(cfg: configs.ManyConfig) -> tuple[float, float]:
    """Mean tanh′ over the run and ‖∂h_T/∂h_0‖_F/√n by plain matrix products (no rescaling)."""
    W = many_units.random_recurrent_matrix(cfg.n, cfg.rho, cfg.seed)
    h, P, slopes = many_units.initial_state(cfg.n, cfg.seed), np.eye(cfg.n), []
    for _ in range(cfg.T):
        h = np.tanh(W @ h)
        slopes.append(np.mean(1 - h**2))
        P = (1 - h**2)[:, None] * W @ P
    return float(np.mean(slopes)), float(np.linalg.norm(P) / math.sqrt(cfg.n))


@pytest.mark.parametrize(("n", "rho", "T", "seed", "act"), MANY_GRID)
def test_many_units_verdict_names_what_was_measured(n, rho, T, seed, act):
    cfg = configs.ManyConfig(n=n, rho=rho, T=T, seed=seed, activation=act)
    m = many_units.many_units(cfg).meta
    v = m["verdict"]
    # the size words are those of the measured products
    assert f"for linear units ({_size_word(m['gain_linear'])})" in v
    assert f"for tanh units ({_size_word(m['gain_tanh'])})" in v
    # the numbers behind "ρ⟨tanh′⟩" are the run's own
    slope, gain = _direct_tanh(cfg)
    assert m["mean_tanh_slope"] == pytest.approx(slope, rel=1e-9)
    if 1e-250 < gain < 1e250:
        assert m["gain_tanh"] == pytest.approx(gain, rel=1e-6)
    assert f"ρ⟨tanh′⟩ = {rho * slope:.3f}" in v
    # the growth words follow the measured rate's sign
    rate = m["rate_tanh"]
    if rate is None:
        assert T < 2 and "not measurable" in v
    elif rate > 0.005:
        assert "growing" in v
    elif rate < -0.005:
        assert "shrinking" in v
    else:
        assert "about flat" in v
    # never the old claim that saturation tames the explosion
    assert "tame" not in v.replace("does not tame", "") and "keeps this backward product bounded" not in v
    _no_clamp_constants(m)


def test_many_units_saturation_does_not_tame_chaos():
    """The issue's case: ρ = 1.5, T = 200, seed 36 explodes with tanh units, and the page says why."""
    m = many_units.many_units(configs.ManyConfig(rho=1.5, T=200, seed=36, activation="tanh")).meta
    assert m["gain_tanh"] > 1e3 and m["rate_tanh"] > 0.005
    assert "(exploding)" in m["verdict"] and "Sompolinsky" in m["verdict"] and "does not tame" in m["verdict"]
    # over long runs above ρ = 1 the slopes offset ρ on average, as the explanation says
    for rho, seed in itertools.product((1.1, 1.3, 1.5), range(4)):
        eff = many_units.many_units(configs.ManyConfig(rho=rho, T=200, seed=seed)).meta["effective_gain"]
        assert 0.94 < eff < 1.06, (rho, seed, eff)  # "within a few percent of 1" at n = 64


# == 4. cliffs ================================================================================================

CLIFF_W = (-4.0, -2.0, -1.0, 0.0, 0.5, 1.0, 1.05, 1.2, 4 / 3 - 0.01, 4 / 3 + 0.01, 2.0, 4.0)
CLIFF_H0 = (-0.95, -0.5, 0.0, 0.5, 0.95)


def _settle(w: float, b: float, h0: float, steps: int = 20000) -> float:
    h = h0
    for _ in range(steps):
        h = math.tanh(w * h + b)
    return h


@pytest.mark.parametrize(("w", "h0"), list(itertools.product(CLIFF_W, CLIFF_H0)))
def test_cliff_location_and_kind_against_direct_iteration(w, h0):
    b_arr, kind_arr = unit_rnn.cliff_bias(w, h0)
    b, kind = float(b_arr), str(kind_arr)
    if kind == "boundary":
        assert abs(w) * (1 - h0**2) > 1 and math.tanh(w * h0 + b) == pytest.approx(h0, abs=1e-12)
    if kind in ("boundary", "saddle-node") and w > 0:
        # across the cliff, h0 ends on different attractors (w > 0: a fixed point each side)
        left, right = _settle(w, b - 2e-3, h0), _settle(w, b + 2e-3, h0)
        assert abs(left - right) > 0.1, (left, right)
    if kind == "saddle-node":
        assert 1 < w <= 1 / (1 - h0**2) and b == pytest.approx(-np.sign(h0) * unit_rnn.saddle_node_bias(w))
        # at b*, the fold: the attractor on h0's side has merged with the repelling point (f' = 1 there)
        h_c = math.sqrt(1 - 1 / w)
        assert math.tanh(w * h_c * np.sign(h0) + b) == pytest.approx(h_c * np.sign(h0), abs=1e-12)
    if kind == "":
        assert math.isnan(b)
        # no cliff: nowhere on a dense grid of b is the long-run h_T discontinuous
        grid = np.linspace(-3, 3, 1201)
        hT = unit_rnn.rnn_unit_forward(w, grid, 4000, h0)
        if w == 1.0:  # the cusp: the attractor moves like (3b)^(1/3), steep but continuous
            assert np.max(np.abs(np.diff(hT))) < 0.5
        elif w >= 0:
            assert np.max(np.abs(np.diff(hT))) < 0.1
        else:  # w < 0 oscillates; compare the same phase (an even number of steps) - still continuous
            assert np.max(np.abs(np.diff(hT))) < 0.5


@pytest.mark.parametrize(
    ("w", "h0", "T", "target"),
    list(
        itertools.product(
            (-4.0, -2.0, 0.0, 1.0, 1.2, 2.0, 4.0), (-0.95, 0.0, 0.5), (1, 10, 30, 200), (-1.0, 0.8)
        )
    ),
)
def test_cliff_verdict_agrees_with_the_curve(w, h0, T, target):
    cfg = configs.CliffConfig(w=w, b=0.0, T=T, target=target, h0=h0)
    m = cliffs.cliff_curves(cfg).meta
    v = m["verdict"]
    if m["cliff_kind"] == "boundary":
        assert "repelling fixed point" in v and "saddle-node" not in v
    elif m["cliff_kind"] == "saddle-node":
        assert "saddle-node" in v and "Doya" in v and "no cliff" not in v.lower()
    else:
        assert "No basin boundary" in v and m["b_boundary"] is None
    # the face width is what a dense grid measures (checked where it is wider than the grid's spacing)
    width = m["face_width"]
    if width > 0:
        assert "narrower than the b slider's step" in v if width < 0.01 else "narrower" not in v
    else:
        assert "Nowhere on this slice is |∂L/∂b| above 10" in v
        grid = np.unique(np.concatenate([np.linspace(-3, 3, 6001), [m["b_steepest"]]]))
        _, _, g = unit_rnn.rnn_unit_loss_grad(w, grid, T, target, h0)
        assert np.abs(g).max() <= 10 * 1.5  # the log-spaced search and a dense grid agree
    assert f"{m['max_abs_grad_b']:.2e}"[:4] in v
    _no_clamp_constants(m)


def test_face_width_matches_a_dense_grid_at_the_default():
    cfg = configs.CliffConfig()
    m = cliffs.cliff_curves(cfg).meta
    b = m["b_boundary"] + np.linspace(-0.05, 0.05, 200_001)
    _, _, g = unit_rnn.rnn_unit_loss_grad(cfg.w, b, cfg.T, cfg.target, cfg.h0)
    dense = (np.abs(g) > 10).sum() * (b[1] - b[0])
    assert m["face_width"] == pytest.approx(dense, rel=0.05)
    assert m["face_width"] > 0.01  # wider than the slider's step at the default T


def test_slider_can_land_on_the_cliff_at_the_default_and_not_at_t30():
    for T, reachable in ((10, True), (30, False)):
        cfg = configs.CliffConfig(T=T)
        m = cliffs.cliff_curves(cfg).meta
        on = m["b_slider_on_cliff"]
        assert round(on / 0.01) * 0.01 == pytest.approx(on, abs=1e-12) and abs(on - m["b_boundary"]) < 0.03
        _, _, g = unit_rnn.rnn_unit_loss_grad(cfg.w, on, T, cfg.target, cfg.h0)
        assert (abs(float(g)) > 10) == reachable
        assert ("narrower than the b slider's step" in m["verdict"]) == (not reachable)


def test_saddle_node_cliff_of_the_issue():
    """w = 1.2, T = 30: the upper attractor disappears near b = −0.056 and the steepest slope is ~1.7e2."""
    m = cliffs.cliff_curves(configs.CliffConfig(w=1.2, T=30)).meta
    assert m["cliff_kind"] == "saddle-node" and m["b_boundary"] == pytest.approx(-0.0561, abs=1e-3)
    assert 1e2 < m["max_abs_grad_b"] < 1e3 and abs(m["b_steepest"] - m["b_boundary"]) < 0.05
    assert "saddle-node" in m["verdict"]


# == 3. one unit ==============================================================================================

UNIT_GRID = list(
    itertools.product(
        one_unit.FORMS,
        (-8.0, -4.05, -4.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0, 4.0, 8.0),
        (-6.0, -2.0, 0.0, 2.0, 6.0),
        (1, 20, 200),
    )
)


@pytest.mark.parametrize(("form", "w", "b", "T"), UNIT_GRID)
def test_unit_verdict_agrees_with_the_measured_derivatives(form, w, b, T):
    m = one_unit.unit_dynamics(configs.UnitConfig(form=form, w=w, b=b, T=T)).meta
    v = m["verdict"]
    median = m["median_derivative"]
    assert ("vanishing, since" in v) == (median < 1e-2 and not m["exact_zero"])
    assert "(vanishing inside a basin)" not in v
    assert ("Two attractors" in v) == (m["n_stable"] == 2) and ("One attractor" in v) == (m["n_stable"] == 1)
    if m["two_cycle"] is not None:
        a, c = m["two_cycle"]
        assert "2-cycle" in v
        assert one_unit.unit_map(form, one_unit.unit_map(form, a, w, b), w, b) == pytest.approx(a, abs=1e-8)
        assert abs(one_unit.unit_map(form, a, w, b) - c) < 1e-6 and all(s < -1 for s in m["repelling_slope"])
    if not m["exact_zero"]:
        assert f"({_size_word(m['max_derivative'])})" in v
    _no_clamp_constants(m)


@pytest.mark.parametrize(
    ("form", "w", "b"), [("tanh", 1.0, 0.0), ("tanh", -1.0, 0.0), ("sigmoid", 4.0, -2.0)]
)
def test_marginal_points_converge_slowly_not_keep_moving(form, w, b):
    m = one_unit.unit_dynamics(configs.UnitConfig(form=form, w=w, b=b, T=20)).meta
    assert m["n_marginal"] == 1 and "keeps moving" not in m["verdict"] and "bifurcation point" in m["verdict"]
    # direct iteration: the orbit creeps in, polynomially (|h_t| ~ t^(-1/2)), not exponentially
    x = 0.5
    sizes = []
    for t in range(1, 10_001):
        x = float(one_unit.unit_map(form, x, w, b))
        if t in (100, 10_000):
            sizes.append(abs(x - m["marginal_h"][0]))
    assert sizes[1] < sizes[0] and sizes[1] > 1e-3 * sizes[0]
    assert "creep towards" in m["verdict"]


def test_oscillation_thresholds_differ_between_forms():
    """tanh oscillates for w < −1, the sigmoid form only for w < −4 (σ′ ≤ ¼): measured, not assumed."""
    assert one_unit.unit_dynamics(configs.UnitConfig(form="tanh", w=-1.5, b=0.0)).meta["two_cycle"] is not None
    for w in (-1.5, -3.9):
        assert one_unit.unit_dynamics(configs.UnitConfig(form="sigmoid", w=w, b=-w / 2)).meta["n_stable"] == 1
    assert one_unit.unit_dynamics(configs.UnitConfig(form="sigmoid", w=-4.5, b=2.25)).meta["two_cycle"] is not None
    assert "w < −4" in one_unit.unit_dynamics(configs.UnitConfig()).meta["explain"]


# == 2. the logistic map =====================================================================================

MAP_GRID = list(
    itertools.product(
        (1.0, 1.5, 2.0, 2.001, 2.8, 3.0, 3.2, 3.449, 3.5, 3.5699, 3.56995, 3.83, 3.9, 4.0),
        (0.0, 0.2, 0.5, 1.0),
        (1, 200),
    )
)


def _passes_through_half(r: float, x0: float, steps: int = 4500) -> bool:
    x = x0
    for _ in range(steps):
        if x == 0.5:
            return True
        x = r * x * (1 - x)
    return False


def _lyapunov_band(r: float, x0: float, transient: int = 500, window: int = 4000, blocks: int = 20) -> float:
    """Twice the standard error of the mean of `blocks` consecutive block averages of ln|f'(x_k)|."""
    x = x0
    for _ in range(transient):
        x = r * x * (1 - x)
    logs = []
    for _ in range(window):
        slope = abs(r * (1 - 2 * x))
        if slope == 0:
            return 0.0
        logs.append(math.log(slope))
        x = r * x * (1 - x)
    means = np.array(logs).reshape(blocks, -1).mean(axis=1)
    return float(2 * means.std(ddof=1) / math.sqrt(blocks))


@pytest.mark.parametrize(("r", "x0", "n"), MAP_GRID)
def test_map_verdict_agrees_with_the_orbit(r, x0, n):
    m = logistic.iterated_map(configs.MapConfig(r=r, x0=x0, n=n)).meta
    v, lam = m["verdict"], m["lyapunov"]
    shown = dict((label, value) for label, value, _ in m["readouts"])["Lyapunov exponent λ"]
    if _passes_through_half(r, x0) or (r == 2.0 and x0 not in (0.0, 1.0)):
        assert lam == -math.inf and shown == "−∞" and "λ = −∞" in v
    elif r in (1.0, 3.0) and x0 not in (0.0, 1.0) or (r == 1.0):
        assert lam == 0.0 and shown == "0.000" and "bifurcation point" in v
    else:  # the finite average, with its error band recomputed here from the orbit (batch means)
        band = _lyapunov_band(r, x0) if lam == m["lyapunov_average"] else 0.0
        band = band if band >= 1e-9 else 0.0
        assert m["lyapunov_band"] == pytest.approx(_lyapunov_band(r, x0), rel=1e-9, abs=1e-15)
        suffix = "" if band == 0 else f" ± {band:.3f}" if band >= 5e-4 else f" ± {band:.1e}"
        assert math.isfinite(lam) and shown == f"{lam:.3f}{suffix}"
        measured = 0.0 if m["exact_zero_at"] is not None else abs(m["dxn_dx0"])
        if abs(lam) <= max(band, 5e-4):
            assert (
                "≈ 0 within its error band" in v and "**neither forgotten nor amplified exponentially**" in v
            )
            assert "vanishes" not in v and "explodes" not in v
        elif lam < 0:
            assert "forgotten" in v and ("vanishes" in v) == (measured <= 1)
        else:
            assert "amplified" in v and ("explodes" in v) == (measured >= 1)
    # never "vanishes" beside a measured |dxₙ/dx₀| > 1, never "explodes" beside one < 1
    assert not ("vanishes" in v and abs(m["dxn_dx0"]) > 1) and not ("explodes" in v and abs(m["dxn_dx0"]) < 1)
    # an exact zero in the product is said as such; a float underflow as a bound
    if m["exact_zero_at"] is not None:
        assert m["exact_zero_at"] <= n and "0 (exactly)" in v and m["dxn_dx0"] == 0.0
    elif m["dxn_dx0"] == 0.0:
        assert "< 1e-300" in v
    _no_clamp_constants(m)


def test_map_edges_of_the_issue():
    # r = 2, x0 = 0.5: was "λ = −690.776"
    m = logistic.iterated_map(configs.MapConfig(r=2.0, x0=0.5)).meta
    assert m["lyapunov"] == -math.inf and "−690" not in _all_text(m)
    # r = 4, x0 = 0.5: the orbit hits ½, derivative exactly 0; the typical λ is ln 2
    m = logistic.iterated_map(configs.MapConfig(r=4.0, x0=0.5, n=200)).meta
    assert m["lyapunov"] == -math.inf and m["exact_zero_at"] == 1 and "explodes" not in m["verdict"]
    assert m["lyapunov_typical"] == pytest.approx(math.log(2), abs=0.01) and "0.693" in m["verdict"]
    # r = 1: a bifurcation point, λ = 0 and polynomial decay (x_n ≈ 1/n), not "stable fixed point"
    m = logistic.iterated_map(configs.MapConfig(r=1.0)).meta
    assert (
        m["lyapunov"] == 0.0 and "stable fixed point" not in m["verdict"] and "polynomially" in m["verdict"]
    )
    x = logistic.logistic_orbit(1.0, 0.2, 1000)
    assert x[-1] * 1000 == pytest.approx(1.0, rel=0.05)  # x_n ≈ 1/n
    # the λ(r) panel keeps −∞ as a value and labels it, drawing it at the floor
    table = logistic.lyapunov_table(r_min=1.9, r_max=2.1, n_r=3)
    row = table[table["r"] == 2.0].iloc[0]
    assert row["lyapunov"] == -math.inf and row["shown"] == -5.0 and row["label"].startswith("−∞")


# == predict, then reveal: the answer is what the page shows at the question's settings =======================


def _readouts(meta: dict) -> dict[str, str]:
    return {label: value for label, value, _ in meta["readouts"]}


def test_every_question_is_answered_by_the_page_at_its_settings():
    for section, item in questions.QUESTIONS.items():
        assert item["answer"] in item["options"]
        assert questions.question(section)["explanation"]
    s = questions.SETTINGS
    # chain: the tanh unit's product is far less than 1 (and the linear one's is 1.1^50)
    chain = _readouts(scalar_chain.scalar_chain(s["chain"]).meta)
    assert float(chain["tanh: ∂h_T/∂h_0"]) < 1e-2 and float(
        chain["linear: ∂h_T/∂h_0 = w^T"]
    ) == pytest.approx(117, abs=1)
    # map: |dx_n/dx_0| shrinks as n grows at r = 3.2
    sizes = [abs(logistic.iterated_map(configs.MapConfig(r=3.2, n=n)).meta["dxn_dx0"]) for n in (20, 40, 80, 160)]
    assert sizes == sorted(sizes, reverse=True) and sizes[-1] < 1e-10
    # unit: the largest derivative is at h_0 = 0
    unit = one_unit.unit_dynamics(s["unit"]).meta
    assert unit["argmax_h0"] == 0.0 and _readouts(unit)["largest |∂h_T/∂h_0|"] == f"{2.0**20:.2e}"
    # cliff: the button's b; one plain step of lr 0.1 from there leaves the slider's range, onto a plateau
    cliff = cliffs.cliff_curves(s["cliff"]).meta
    on = cliff["b_slider_on_cliff"]
    _, _, g = unit_rnn.rnn_unit_loss_grad(s["cliff"].w, on, s["cliff"].T, s["cliff"].target, s["cliff"].h0)
    lands = on - questions.CLIFF_LR * float(g)
    assert not questions.B_SLIDER[0] <= lands <= questions.B_SLIDER[1]
    _, _, g_after = unit_rnn.rnn_unit_loss_grad(
        s["cliff"].w, lands, s["cliff"].T, s["cliff"].target, s["cliff"].h0
    )
    assert abs(float(g_after)) < 1e-2  # "a plateau where the gradient is tiny"
    assert f"{lands:.2f}" in questions.question("cliff")["explanation"]
    # many: linear explodes, tanh gives a number of order 1 or less, and its product is flat late in the run
    many = many_units.many_units(s["many"]).meta
    assert many["gain_linear"] > 1e3 and many["gain_tanh"] < 1.0 and abs(many["rate_tanh"]) < 0.005
    assert "hardly grows or shrinks" in questions.question("many")["explanation"]
    # the seed the explanation sends the student to explodes there
    assert many_units.many_units(questions.CHAOS).meta["gain_tanh"] > 1e2


def test_lstm_aside_says_what_the_forget_gate_starts_at():
    lstm = next(why for name, why in words.FIXES if name == "lstm")
    assert "σ(0) = ½" in lstm and "Gers" in lstm and "1997" in lstm and "near 1 by default" not in lstm


# == issue 17: three edges ====================================================================================


def test_onset_of_chaos_is_zero_within_its_band_not_vanishing():
    m = logistic.iterated_map(configs.MapConfig(r=3.5699, n=200)).meta
    assert abs(m["lyapunov"]) <= m["lyapunov_band"] and abs(m["dxn_dx0"]) > 1
    assert "≈ 0 within its error band" in m["verdict"] and "vanishes" not in m["verdict"]
    assert "±" in dict((k, v) for k, v, _ in m["readouts"])["Lyapunov exponent λ"]


@pytest.mark.parametrize("w", [-1.0, 1.0])
@pytest.mark.parametrize("T", [5, 50, 400])
def test_marginal_chain_shrinks_polynomially(w, T):
    m = scalar_chain.scalar_chain(configs.ChainConfig(w=w, T=T)).meta
    assert "**tanh unit: it shrinks only polynomially (the marginal case).**" in m["verdict"]
    assert "t^(−3/2)" in m["verdict"] and "neither vanishing nor exploding.** The same w" not in m["verdict"]
    # independently: iterate h ← tanh(w h) and multiply the factors w (1 − h²); the log-log slope → −3/2
    h, prod, logs = 0.5, 1.0, {}
    for t in range(1, 4 * T + 1):
        h = math.tanh(w * h)
        prod *= w * (1 - h * h)
        logs[t] = math.log(abs(prod))
    assert abs(prod) > 0
    if T >= 50:
        slope = (logs[4 * T] - logs[2 * T]) / math.log(2)
        assert slope == pytest.approx(-1.5, abs=0.1)
        assert abs(m["h_T"]) == pytest.approx(math.sqrt(3 / (2 * T)), rel=0.15)
    for other in (0.9, 1.1):  # not marginal: the size word, not "polynomially"
        assert "polynomially" not in scalar_chain.scalar_chain(configs.ChainConfig(w=other, T=T)).meta["verdict"]


@pytest.mark.parametrize(("w", "b"), [(1.0, 0.0), (2.0, 0.0), (0.5, 0.0), (-1.0, 0.0)])
def test_unit_readout_says_a_marginal_point_attracts(w, b):
    m = one_unit.unit_dynamics(configs.UnitConfig(w=w, b=b, T=20)).meta
    value, help_ = next((v, h) for k, v, h in m["readouts"] if k == "stable fixed points")
    if m["n_marginal"]:
        # independently: from both sides of h* = 0 the orbit of tanh(w h) creeps towards it
        ends = []
        for h0 in (-0.5, 0.5):
            h = h0
            for _ in range(200):
                h = math.tanh(w * h)
            ends.append(abs(h))
        attracts = max(ends) < 0.5
        assert attracts == m["approaches_marginal"]
        assert (
            value
            == f"{m['n_stable']} + {m['n_marginal']} marginal ({'attracting' if attracts else 'not attracting'})"
        )
        assert "non-hyperbolic" in help_ and "non-hyperbolic, attracting" in m["verdict"]
    else:
        assert value == str(m["n_stable"]) and "marginal" not in value
