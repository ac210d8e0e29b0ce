"""gradviz.lessons.rnn_dynamics against independent references: torch.autograd (float64), finite differences, direct
iteration, closed forms and values from the literature. Also the lesson's charts (through to_dict) and the
numbers its predict-then-reveal questions claim."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import torch

from gradviz import bounded, fmt, unit_rnn
from gradviz.lessons.rnn_dynamics import charts, cliffs, configs, logistic, many_units, one_unit, scalar_chain


@pytest.fixture(autouse=True)
def _float64_torch():
    """References in float64, for this module's tests only: the default dtype is process-wide, so it is
    restored afterwards (left at float64 it would change every later test that trains in float32)."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


@pytest.fixture(autouse=True)
def _numpy_warnings_are_errors():
    """Overflow, invalid and divide-by-zero must never happen in the maths: make them fail the test."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        yield


def _torch_unroll(w, b, h0, T, form="tanh"):
    h = h0
    for _ in range(T):
        h = torch.tanh(w * h + b) if form == "tanh" else w * torch.sigmoid(h) + b
    return h


# -- the contract: one-unit tanh RNN ------------------------------------------------------------------------

CASES = [  # (w, b, h0, target, T): inside basins, near boundaries, oscillating, saturated
    (0.5, 0.1, 0.3, 0.4, 1),
    (2.0, -0.3, 0.5, 0.8, 7),
    (-3.0, 0.2, -0.2, -0.5, 12),
    (1.1, 0.0, 0.9, 0.0, 25),
    (2.0, -0.45, 0.5, 0.8, 30),
    (6.0, 2.5, -0.7, 1.0, 40),
]


def test_forward_and_dhT_dh0_match_autograd():
    w, b, h0, target, T = (np.array(v, dtype=float) for v in zip(*CASES, strict=True))
    for wk, bk, hk, _, Tk in CASES:
        h0_t = torch.tensor(hk, requires_grad=True)
        hT = _torch_unroll(torch.tensor(wk), torch.tensor(bk), h0_t, Tk)
        (grad,) = torch.autograd.grad(hT, h0_t)
        assert unit_rnn.rnn_unit_forward(wk, bk, Tk, hk) == pytest.approx(hT.item(), rel=1e-12, abs=1e-15)
        assert unit_rnn.rnn_unit_dhT_dh0(wk, bk, Tk, hk) == pytest.approx(grad.item(), rel=1e-9, abs=1e-300)
    # broadcasting over arrays gives the same numbers as one call per case (same T)
    batch = unit_rnn.rnn_unit_dhT_dh0(w, b, 9, h0)
    single = [unit_rnn.rnn_unit_dhT_dh0(*args, 9, hk) for args, hk in zip(zip(w, b, strict=True), h0, strict=True)]
    np.testing.assert_allclose(batch, single, rtol=1e-14)


def test_loss_and_gradients_match_autograd():
    for wk, bk, hk, yk, Tk in CASES:
        w_t, b_t = torch.tensor(wk, requires_grad=True), torch.tensor(bk, requires_grad=True)
        loss = 0.5 * (_torch_unroll(w_t, b_t, torch.tensor(hk), Tk) - yk) ** 2
        gw, gb = torch.autograd.grad(loss, (w_t, b_t))
        L, dw, db = unit_rnn.rnn_unit_loss_grad(wk, bk, Tk, yk, hk)
        assert pytest.approx(loss.item(), rel=1e-12, abs=1e-15) == L
        assert dw == pytest.approx(gw.item(), rel=1e-8, abs=1e-14)
        assert db == pytest.approx(gb.item(), rel=1e-8, abs=1e-14)


def test_gradients_match_central_finite_differences():
    w, b, h0, y, T, eps = 1.7, 0.2, 0.3, -0.4, 6, 1e-6
    _, dw, db = unit_rnn.rnn_unit_loss_grad(w, b, T, y, h0)

    def loss(wv, bv):
        return unit_rnn.rnn_unit_loss_grad(wv, bv, T, y, h0)[0]

    assert dw == pytest.approx((loss(w + eps, b) - loss(w - eps, b)) / (2 * eps), rel=1e-6)
    assert db == pytest.approx((loss(w, b + eps) - loss(w, b - eps)) / (2 * eps), rel=1e-6)
    fd = (unit_rnn.rnn_unit_forward(w, b, T, h0 + eps) - unit_rnn.rnn_unit_forward(w, b, T, h0 - eps)) / (2 * eps)
    assert unit_rnn.rnn_unit_dhT_dh0(w, b, T, h0) == pytest.approx(fd, rel=1e-6)


def test_loss_grid_is_long_form_and_pointwise_equal():
    w_values, b_values = np.linspace(-4, 4, 9), np.linspace(-3, 3, 7)
    grid = unit_rnn.loss_grid(w_values, b_values, 15, 0.3, 0.5)
    assert list(grid.columns) == ["w", "b", "loss", "grad_w", "grad_b", "grad_norm"]
    assert len(grid) == 9 * 7 and not grid.duplicated(["w", "b"]).any()
    row = grid[(grid["w"] == 2.0) & (grid["b"] == 1.0)].iloc[0]
    L, dw, db = unit_rnn.rnn_unit_loss_grad(2.0, 1.0, 15, 0.3, 0.5)
    assert (row["loss"], row["grad_w"], row["grad_b"]) == (
        pytest.approx(L),
        pytest.approx(dw),
        pytest.approx(db),
    )
    np.testing.assert_allclose(grid["grad_norm"], np.hypot(grid["grad_w"], grid["grad_b"]))


def test_extremes_are_bounded_not_inf_or_nan():
    w = np.array([-8.0, -4.0, 0.0, 4.0, 8.0, 50.0])
    b = np.array([-6.0, 3.0, 0.0, -3.0, 6.0, 0.0])
    h0 = np.array([-0.95, 0.0, 0.95, 0.5, -1.0, 0.0])
    for T in (1, 200, 500):
        for arr in (unit_rnn.rnn_unit_dhT_dh0(w, b, T, h0), *unit_rnn.rnn_unit_loss_grad(w, b, T, 0.8, h0)):
            assert np.all(np.isfinite(arr)) and np.all(np.abs(arr) <= bounded.BIG)
    # at the repelling point 0 with w = 50 the true derivative is 50^500: reported as saturated, not inf
    assert unit_rnn.rnn_unit_dhT_dh0(50.0, 0.0, 500, 0.0) == bounded.BIG
    grid = unit_rnn.loss_grid(np.linspace(-8, 8, 5), np.linspace(-6, 6, 5), 500, 0.5)
    assert np.isfinite(grid.to_numpy()).all()


def test_tanh_prime_from_z_is_accurate_where_one_minus_h_squared_rounds_to_zero():
    z = np.array([0.0, 0.3, -2.0, 10.0])
    np.testing.assert_allclose(bounded.tanh_prime_from_z(z), 1 / np.cosh(z) ** 2, rtol=1e-13)
    # 1 − tanh²(10) has already lost 8 digits to cancellation; sech² keeps them
    assert abs(1 - np.tanh(10.0) ** 2 - 1 / np.cosh(10.0) ** 2) > 1e-8 * bounded.tanh_prime_from_z(10.0)
    # at z = 30, 1 − tanh² is 0 in float64, but sech² is 4e^{−60}(1 + O(e^{−60}))
    assert bounded.tanh_prime_from_z(30.0) == pytest.approx(4 * math.exp(-60), rel=1e-12)


# -- 1. the scalar chain ----------------------------------------------------------------------------------


def test_lecture_numbers_are_fifty_factors():
    assert scalar_chain.linear_chain(1.1, 50) == pytest.approx(117.39, abs=0.005)
    assert scalar_chain.linear_chain(0.9, 50) == pytest.approx(0.005154, abs=5e-7)
    assert round(float(scalar_chain.linear_chain(1.1, 50)), 1) == scalar_chain.LECTURE_EXPLODING
    assert float(scalar_chain.linear_chain(0.9, 50)) == pytest.approx(scalar_chain.LECTURE_VANISHING, rel=1e-3)
    meta = scalar_chain.scalar_chain(configs.ChainConfig(w=1.1, T=50)).meta
    assert meta["linear"] == pytest.approx(1.1**50)
    assert meta["lecture_formula"] == pytest.approx(1.1**49) and meta["lecture_formula"] == pytest.approx(
        106.72, abs=0.01
    )


def test_tanh_chain_matches_autograd_and_its_table_is_consistent():
    cfg = configs.ChainConfig(w=1.1, T=50)
    res = scalar_chain.scalar_chain(cfg)
    h0 = torch.tensor(cfg.h0, requires_grad=True)
    (grad,) = torch.autograd.grad(_torch_unroll(torch.tensor(cfg.w), torch.tensor(cfg.b), h0, cfg.T), h0)
    assert res.meta["tanh"] == pytest.approx(grad.item(), rel=1e-10)
    tanh = res.tables["chain"].query("unit == 'tanh'")
    np.testing.assert_allclose(tanh["product"], np.cumprod(tanh["factor"]), rtol=1e-12)
    assert res.meta["tanh_mean_factor"] ** cfg.T == pytest.approx(res.meta["tanh"], rel=1e-9)


# -- 2. the logistic map ------------------------------------------------------------------------------------


def test_orbit_derivative_matches_autograd_and_finite_differences():
    r, x0, n = 3.7, 0.31, 12
    x = torch.tensor(x0, requires_grad=True)
    xn = x
    for _ in range(n):
        xn = r * xn * (1 - xn)
    (grad,) = torch.autograd.grad(xn, x)
    deriv = logistic.orbit_derivative(r, logistic.logistic_orbit(r, x0, n))
    assert deriv[-1] == pytest.approx(grad.item(), rel=1e-9)
    eps = 1e-7
    fd = (logistic.logistic_orbit(r, x0 + eps, 3)[-1] - logistic.logistic_orbit(r, x0 - eps, 3)[-1]) / (2 * eps)
    assert deriv[3] == pytest.approx(fd, rel=1e-6)


def _independent_lyapunov(r: float, x0: float = 0.123, skip: int = 2000, steps: int = 200_000) -> float:
    """Written from the definition, separately from gradviz: average log|r(1 − 2x)| along a long orbit."""
    x = x0
    for _ in range(skip):
        x = r * x * (1 - x)
    total = 0.0
    for _ in range(steps):
        total += math.log(abs(r - 2 * r * x))
        x = r * x * (1 - x)
    return total / steps


@pytest.mark.parametrize("r", [2.8, 3.2, 3.5, 3.7, 3.9])
def test_lyapunov_matches_long_orbit_average(r):
    assert float(logistic.lyapunov_exponent(r)) == pytest.approx(_independent_lyapunov(r), abs=0.02)
    # the vectorised path gives the same value as the scalar one
    assert logistic.lyapunov_exponent(np.array([r]))[0] == pytest.approx(float(logistic.lyapunov_exponent(r)), rel=1e-9)


def test_lyapunov_closed_forms():
    # r = 4 is conjugate to the tent map: λ = ln 2 exactly
    assert float(logistic.lyapunov_exponent(4.0, n_average=200_000)) == pytest.approx(math.log(2), abs=0.01)
    # on a stable fixed point λ = ln|f'(x*)| = ln|2 − r|; on the 2-cycle λ = ½ ln|−r² + 2r + 4|
    assert float(logistic.lyapunov_exponent(2.8)) == pytest.approx(math.log(0.8), abs=1e-3)
    assert float(logistic.lyapunov_exponent(3.2)) == pytest.approx(
        0.5 * math.log(abs(-(3.2**2) + 6.4 + 4)), abs=1e-3
    )


def test_logistic_fixed_points_and_stability_against_direct_iteration():
    for r in (0.8, 2.5, 2.99, 3.01, 3.5, 3.9):
        for x_star, slope, stable in logistic.logistic_fixed_points(r).itertuples(index=False):
            assert logistic.logistic(x_star, r) == pytest.approx(x_star, abs=1e-15)
            assert slope == pytest.approx(r * (1 - 2 * x_star))
            orbit = logistic.logistic_orbit(r, x_star + 1e-6, 3000)
            converged = abs(orbit[-1] - x_star) < 1e-7
            assert converged == stable, (r, x_star)


def test_period_doubling_points_match_the_literature():
    pts = logistic.period_doubling_points(7)
    assert pts[0] == pytest.approx(3.0, abs=1e-10)
    assert pts[1] == pytest.approx(1 + math.sqrt(6), abs=1e-10)  # 3.449490
    assert pts[2] == pytest.approx(3.544090, abs=1e-6)
    assert pts[3] == pytest.approx(3.564407, abs=1e-6)
    assert pts[4] == pytest.approx(3.568759, abs=1e-6)
    assert logistic.feigenbaum_limit(pts) == pytest.approx(3.569946, abs=1e-6)
    assert logistic.feigenbaum_limit(pts) == pytest.approx(logistic.R_INFINITY, abs=1e-6)
    delta = (pts[4] - pts[3]) / (pts[5] - pts[4])
    assert delta == pytest.approx(logistic.FEIGENBAUM_DELTA, abs=0.02)
    supers = logistic.superstable_points(3)
    assert supers[1] == pytest.approx(1 + math.sqrt(5)) and supers[2] == pytest.approx(3.498562, abs=1e-6)
    assert supers[3] == pytest.approx(3.554641, abs=1e-6)


@pytest.mark.parametrize(("r", "period"), [(2.9, 1), (3.3, 2), (3.5, 4), (3.55, 8), (3.566, 16), (3.83, 3)])
def test_attractor_periods_between_the_doubling_points(r, period):
    found = logistic.find_attractor(r, 0.2)
    assert found["period"] == period
    cycle = found["points"]
    # a genuine cycle: f^p maps each point to itself, and it attracts (|multiplier| < 1)
    np.testing.assert_allclose(np.sort(logistic.logistic(cycle, r)), cycle, atol=1e-6)
    assert abs(found["multiplier"]) < 1


def test_lecture_r_is_a_four_cycle_with_known_values():
    found = logistic.find_attractor(3.5, 0.2)
    np.testing.assert_allclose(found["points"], [0.382820, 0.500884, 0.826941, 0.874997], atol=1e-6)
    assert logistic.find_attractor(3.9, 0.2)["period"] is None  # chaos


def test_mandelbrot_conjugacy_and_membership():
    r, x0 = 3.3, 0.27
    x = logistic.logistic_orbit(r, x0, 10)
    z = r * (0.5 - x)
    c = logistic.logistic_to_mandelbrot_c(r)
    np.testing.assert_allclose(z[1:], z[:-1] ** 2 + c, atol=1e-12)
    table = logistic.mandelbrot_table(n_re=28, n_im=25)
    nearest = table.iloc[((table["re"] - 0.0) ** 2 + table["im"] ** 2).argmin()]
    assert nearest["bounded"]  # c ≈ 0 is in the set
    far = table.iloc[((table["re"] - 0.6) ** 2 + (table["im"] - 1.2) ** 2).argmin()]
    assert not far["bounded"] and far["steps"] <= 3


def test_bifurcation_table_is_long_form_and_shows_the_periods():
    table = logistic.bifurcation_table(n_r=301)
    counts = table.groupby("r")["x"].nunique()
    assert counts[counts.index < 2.99].max() == 1  # one fixed point
    assert counts.loc[counts.index[np.argmin(np.abs(counts.index - 3.3))]] == 2
    assert counts.loc[counts.index[np.argmin(np.abs(counts.index - 3.5))]] == 4


# -- 3. one unit as a dynamical system ----------------------------------------------------------------------

UNITS = [
    ("tanh", 2.0, 0.0),
    ("tanh", 0.8, 0.3),
    ("tanh", 3.0, 1.0),
    ("tanh", -2.0, 0.0),
    ("tanh", -0.5, 2.0),
    ("sigmoid", 5.0, -2.5),
    ("sigmoid", 8.0, -3.0),
    ("sigmoid", 2.0, 1.0),
    ("sigmoid", -6.0, 2.0),
]


@pytest.mark.parametrize(("form", "w", "b"), UNITS)
def test_unit_fixed_points_and_stability_against_direct_iteration(form, w, b):
    fixed = one_unit.unit_fixed_points(form, w, b)
    assert len(fixed) >= 1
    for h, slope, stable in fixed[["h", "slope", "stable"]].itertuples(index=False):
        assert one_unit.unit_map(form, h, w, b) == pytest.approx(h, abs=1e-12)
        eps = 1e-7
        fd = (one_unit.unit_map(form, h + eps, w, b) - one_unit.unit_map(form, h - eps, w, b)) / (2 * eps)
        assert slope == pytest.approx(fd, rel=1e-6, abs=1e-9)
        # iterate from a nearby start: stable points pull it in, unstable ones push it away
        x = np.array([h - 1e-6, h + 1e-6])
        for _ in range(4000):
            x = one_unit.unit_map(form, x, w, b)
        assert bool(np.all(np.abs(x - h) < 1e-8)) == stable


@pytest.mark.parametrize("form", one_unit.FORMS)
def test_stable_count_map_agrees_with_root_finding(form):
    w_values, b_values = np.linspace(-8, 8, 41), np.linspace(-6, 6, 31)
    counts = one_unit.count_stable_fixed_points(form, w_values, b_values)
    rng = np.random.default_rng(0)
    for i, j in rng.integers(0, [41, 31], size=(120, 2)):
        assert counts[i, j] == int(one_unit.unit_fixed_points(form, w_values[i], b_values[j])["stable"].sum())
    table = one_unit.stable_count_table(form, n_w=11, n_b=9)
    assert list(table.columns) == ["w", "b", "n_stable"] and len(table) == 99


def test_tanh_stable_count_closed_form():
    """w > 1: two stable fixed points exactly when |b| < w h_c − atanh(h_c), h_c = √(1 − 1/w)."""
    w_values, b_values = np.linspace(1.05, 6, 23), np.linspace(-3, 3, 37)
    counts = one_unit.count_stable_fixed_points("tanh", w_values, b_values)
    h_c = np.sqrt(1 - 1 / w_values)
    b_c = w_values * h_c - np.arctanh(h_c)
    expected = np.where(np.abs(b_values)[None, :] < b_c[:, None], 2, 1)
    margin = np.abs(np.abs(b_values)[None, :] - b_c[:, None]) > 0.02  # skip grid points on the fold itself
    np.testing.assert_array_equal(counts[margin], expected[margin])


@pytest.mark.parametrize("form", one_unit.FORMS)
def test_unit_unroll_derivative_matches_autograd(form):
    w, b, T = (2.0, 0.1, 15) if form == "tanh" else (5.0, -2.5, 15)
    h0 = np.array([-0.8, -0.05, 0.02, 0.6])
    hT, jac = one_unit.unit_unroll(form, w, b, T, h0)
    h0_t = torch.tensor(h0, requires_grad=True)
    out = _torch_unroll(torch.tensor(w), torch.tensor(b), h0_t, T, form)
    (grad,) = torch.autograd.grad(out.sum(), h0_t)
    np.testing.assert_allclose(hT, out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(jac, grad.numpy(), rtol=1e-9)


def test_basins_flat_and_boundary_steep():
    res = one_unit.unit_dynamics(configs.UnitConfig(w=2.0, b=0.0, T=20))
    assert res.meta["n_stable"] == 2
    assert res.meta["argmax_h0"] == 0.0
    assert res.meta["max_derivative"] == pytest.approx(2.0**20)  # f'(0)^T at the repelling point
    assert res.meta["median_derivative"] < 1e-10
    final = res.tables["final"]
    assert (final.loc[final["h0"] > 0.05, "hT"] > 0.95).all() and (
        final.loc[final["h0"] < -0.05, "hT"] < -0.95
    ).all()


# -- 4. cliffs ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("w", "h0"), [(2.0, 0.5), (3.0, -0.2), (-2.0, 0.3)])
def test_cliff_sits_on_the_basin_boundary(w, h0):
    b_star = float(unit_rnn.basin_boundary_bias(w, h0))
    # h0 is a repelling fixed point at b*
    assert math.tanh(w * h0 + b_star) == pytest.approx(h0, abs=1e-12)
    assert abs(w * (1 - h0**2)) > 1
    # and the steepest point of the loss over b is there (T odd keeps the w < 0 case a true flip)
    res = cliffs.cliff_curves(configs.CliffConfig(w=w, b=0.0, T=31, target=0.8, h0=h0))
    assert res.meta["b_steepest"] == pytest.approx(b_star, abs=1e-3)
    # on either side, h_T lands on different attractors
    left, right = unit_rnn.rnn_unit_forward(w, [b_star - 0.05, b_star + 0.05], 200, h0)
    assert abs(left - right) > 1.0
    assert math.isnan(float(unit_rnn.basin_boundary_bias(0.5, h0)))  # |w|(1 − h0²) < 1: no boundary


def test_cliff_curve_gradients_match_autograd_and_cost_is_smoother():
    cfg = configs.CliffConfig(T=30)  # a long unroll: the cliff is a near-jump
    res = cliffs.cliff_curves(cfg)
    bias = res.tables["bias"]
    loss = bias[bias["curve"].str.startswith("loss")]
    pick = loss.iloc[[0, 150, 300, 550]]
    b_t = torch.tensor(pick["b"].to_numpy(), requires_grad=True)
    out = 0.5 * (_torch_unroll(torch.tensor(cfg.w), b_t, torch.tensor(cfg.h0), cfg.T) - cfg.target) ** 2
    (grad,) = torch.autograd.grad(out.sum(), b_t)
    np.testing.assert_allclose(pick["value"], out.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(pick["grad_b"], grad.numpy(), rtol=1e-8, atol=1e-14)
    cost = bias[bias["curve"].str.startswith("cost")]
    assert cost["abs_grad_b"].max() < 1e-2 * loss["abs_grad_b"].max()
    assert res.meta["max_abs_grad_b"] > 1e4  # at T = 30 the cliff is steep


def test_cliff_surface_boundary_curve():
    res = cliffs.cliff_surface(30, 0.8, 0.5)
    boundary = res.tables["boundary"]
    assert set(boundary["branch"]) <= {"w > 0", "w < 0"} and len(boundary) > 10
    on = boundary[boundary["kind"] == "boundary"]
    np.testing.assert_allclose(np.tanh(on["w"] * 0.5 + on["b"]), 0.5, atol=1e-12)
    # 1 < w < 4/3: the cliff continues along the saddle-node fold b = −b_c(w), and meets the boundary at w = 4/3
    fold = boundary[boundary["kind"] == "saddle-node"]
    assert len(fold) > 5 and fold["w"].between(1.0, 4 / 3).all()
    np.testing.assert_allclose(fold["b"], -unit_rnn.saddle_node_bias(fold["w"]))


# -- 5. many units -----------------------------------------------------------------------------------------


def test_random_matrix_has_the_requested_spectral_radius_and_is_seeded():
    W = many_units.random_recurrent_matrix(40, 1.3, seed=7)
    assert np.max(np.abs(np.linalg.eigvals(W))) == pytest.approx(1.3, rel=1e-10)
    np.testing.assert_array_equal(W, many_units.random_recurrent_matrix(40, 1.3, seed=7))
    assert not np.array_equal(W, many_units.random_recurrent_matrix(40, 1.3, seed=8))


@pytest.mark.parametrize("activation", many_units.ACTIVATIONS)
def test_jacobian_gain_matches_autograd(activation):
    n, T = 8, 12
    W = many_units.random_recurrent_matrix(n, 1.2, seed=3)
    h0 = many_units.initial_state(n, 3)
    log_gain = many_units.jacobian_gain(W, T, activation, h0)
    W_t = torch.tensor(W)
    for t in (1, 5, T):

        def unroll(h, t=t):
            for _ in range(t):
                h = W_t @ h if activation == "linear" else torch.tanh(W_t @ h)
            return h

        J = torch.autograd.functional.jacobian(unroll, torch.tensor(h0))
        expected = torch.linalg.matrix_norm(J).item() / math.sqrt(n)
        assert 10 ** log_gain[t] == pytest.approx(expected, rel=1e-9)


def test_linear_gains_scale_as_rho_to_the_t():
    res = many_units.many_units(configs.ManyConfig(n=16, rho=1.05, T=40, activation="linear"))
    gains = res.tables["gains"]
    g = {rho: gains.loc[gains["rho"] == rho, "log10_gain"].to_numpy() for rho in (0.9, 1.05, 1.1)}
    t = np.arange(41)
    np.testing.assert_allclose(g[1.1] - g[0.9], t * math.log10(1.1 / 0.9), atol=1e-9)
    W = many_units.random_recurrent_matrix(16, 1.05, 0)
    direct = np.linalg.norm(np.linalg.matrix_power(W, 40)) / 4
    assert 10 ** g[1.05][-1] == pytest.approx(direct, rel=1e-9)
    assert res.meta["spectral_radius"] == pytest.approx(1.05)


# -- every section at the extremes of its controls -----------------------------------------------------------

EXTREMES = [
    (scalar_chain.scalar_chain, configs.ChainConfig(w=0.0, T=1)),
    (scalar_chain.scalar_chain, configs.ChainConfig(w=2.0, T=200)),
    (logistic.iterated_map, configs.MapConfig(r=1.0, x0=0.0, n=1)),
    (logistic.iterated_map, configs.MapConfig(r=4.0, x0=1.0, n=200)),
    (logistic.iterated_map, configs.MapConfig(r=4.0, x0=0.5, n=200)),
    (logistic.iterated_map, configs.MapConfig(r=2.0, x0=0.2, n=200)),
    (one_unit.unit_dynamics, configs.UnitConfig(form="tanh", w=-8.0, b=6.0, T=200)),
    (one_unit.unit_dynamics, configs.UnitConfig(form="tanh", w=8.0, b=-6.0, T=1)),
    (one_unit.unit_dynamics, configs.UnitConfig(form="sigmoid", w=-8.0, b=-6.0, T=200)),
    (one_unit.unit_dynamics, configs.UnitConfig(form="sigmoid", w=8.0, b=6.0, T=200)),
    (one_unit.unit_dynamics, configs.UnitConfig(form="tanh", w=0.0, b=0.0, T=200)),
    (cliffs.cliff_curves, configs.CliffConfig(w=-4.0, b=-3.0, T=200, target=-1.0, h0=-0.95)),
    (cliffs.cliff_curves, configs.CliffConfig(w=4.0, b=3.0, T=200, target=1.0, h0=0.95)),
    (cliffs.cliff_curves, configs.CliffConfig(w=0.0, b=0.0, T=1, target=0.0, h0=0.0)),
    (many_units.many_units, configs.ManyConfig(n=2, rho=0.5, T=1, activation="tanh", seed=9999)),
    (many_units.many_units, configs.ManyConfig(n=64, rho=1.5, T=200, activation="tanh")),
    (many_units.many_units, configs.ManyConfig(n=64, rho=0.5, T=200, activation="linear")),
]


@pytest.mark.parametrize(("fn", "cfg"), EXTREMES)
def test_sections_at_extremes_have_no_nan_and_say_their_verdict(fn, cfg):
    res = fn(cfg)
    for name, table in res.tables.items():
        numeric = table.select_dtypes("number").to_numpy(dtype=float)
        assert not np.isnan(numeric).any(), name
        finite = numeric[np.isfinite(numeric)]
        assert np.all(np.abs(finite) <= bounded.BIG), name
    assert "nan" not in res.meta["verdict"].lower() and "inf" not in res.meta["verdict"].replace(
        "infinity", ""
    )
    for line in res.meta["latex"]:
        assert "nan" not in line and "inf" not in line.replace(r"\infty", "")


def test_cliff_surface_and_stable_map_at_extremes():
    for T, target, h0 in [(1, -1.0, -0.95), (200, 1.0, 0.95)]:
        grid = cliffs.cliff_surface(T, target, h0).tables["grid"]
        assert np.isfinite(grid.to_numpy()).all()


def test_format_size_says_bounds_instead_of_inf():
    assert fmt.sci_bounded(117.39085) == "1.17e+02"
    assert fmt.sci_bounded(bounded.BIG) == "≥ 1e+300" and fmt.sci_bounded(float("inf")) == "≥ 1e+300"
    assert fmt.sci_bounded(0.0) == "< 1e-300"
    assert fmt.latex_sci_bounded(117.39) == r"1.17\times10^{2}"


# -- the numbers the predict-then-reveal questions claim: tests/unit/test_rnn_dynamics_words.py ----------


# -- charts ------------------------------------------------------------------------------------------------


def _encodings(spec: dict) -> list[dict]:
    layers = spec.get("layer", [spec])
    return [layer.get("encoding", {}) for layer in layers]


def test_gradient_charts_use_log_scales_and_formatted_tooltips():
    chain = scalar_chain.scalar_chain(configs.ChainConfig(w=0.0, T=5)).tables["chain"]  # includes exact zeros
    unit = one_unit.unit_dynamics(configs.UnitConfig(T=200)).tables["final"]  # includes underflow
    orbit = logistic.iterated_map(configs.MapConfig()).tables["orbit"]
    bias = cliffs.cliff_curves(configs.CliffConfig()).tables["bias"]
    gains = many_units.many_units(configs.ManyConfig(n=8, T=10)).tables["gains"]
    for chart in (
        charts.chain_chart(chain),
        charts.final_derivative_chart(unit),
        charts.orbit_derivative_chart(orbit),
        charts.cliff_gradient_chart(bias, 0.0, -0.45),
        charts.gain_chart(gains),
    ):
        spec = chart.to_dict()
        y = next(e["y"] for e in _encodings(spec) if "y" in e and e["y"].get("field") == "shown")
        assert y["scale"]["type"] == "log" and y["type"] == "quantitative"
        tooltips = [t for e in _encodings(spec) for t in e.get("tooltip", [])]
        assert any(t.get("format", "").endswith("e") for t in tooltips)
    # zeros are floored for drawing, never dropped: every row of the table is drawn
    assert (charts._floored(chain)["shown"] > 0).all()


def test_every_chart_builds():
    m = logistic.iterated_map(configs.MapConfig())
    u = one_unit.unit_dynamics(configs.UnitConfig())
    s = cliffs.cliff_surface(10, 0.8, 0.5)
    many = many_units.many_units(configs.ManyConfig(n=8, T=10))
    built = [
        charts.cobweb_chart(m.tables["map"], m.tables["cobweb"]),
        charts.orbit_chart(m.tables["orbit"]),
        charts.bifurcation_chart(logistic.bifurcation_table(n_r=50), 3.5, logistic.period_doubling_table()),
        charts.lyapunov_chart(logistic.lyapunov_table(n_r=50), 3.5),
        charts.mandelbrot_chart(logistic.mandelbrot_table(20, 15), -1.3125),
        charts.unit_map_chart(u.tables["map"], u.tables["fixed_points"]),
        charts.final_state_chart(u.tables["final"]),
        charts.stable_count_chart(one_unit.stable_count_table("tanh", 11, 9), 2.0, 0.0),
        charts.cliff_loss_chart(cliffs.cliff_curves(configs.CliffConfig()).tables["bias"], 0.0, None),
        charts.loss_heatmap(s.tables["grid"], s.tables["boundary"], 2.0, 0.0),
        charts.grad_norm_heatmap(s.tables["grid"], s.tables["boundary"], 2.0, 0.0),
        charts.eigenvalue_chart(many.tables["eigenvalues"], many.tables["circles"]),
    ]
    for chart in built:
        spec = chart.to_dict()
        for enc in _encodings(spec):
            for channel in ("x", "y", "color"):
                if channel in enc and "field" in enc[channel]:
                    assert enc[channel]["type"] in {"quantitative", "ordinal", "nominal"}
        assert spec.get("datasets")


def test_words_at_a_bifurcation_point_say_marginal():
    """At r = 1 the fixed point 0 has f'(0) = 1: neither stable nor repelling, and λ = ln 1 = 0."""
    meta = logistic.iterated_map(configs.MapConfig(r=1.0, x0=0.0, n=1)).meta
    assert meta["lyapunov"] == 0.0 and meta["multiplier"] == 1.0
    assert "marginal fixed point" in meta["verdict"] and "neither forgotten nor amplified" in meta["verdict"]
    assert "0.0000 (marginal" in meta["attractor_text"]
    # away from it the words follow the sign of λ
    assert "forgotten" in logistic.iterated_map(configs.MapConfig(r=2.8)).meta["verdict"]
    assert "amplified" in logistic.iterated_map(configs.MapConfig(r=3.9)).meta["verdict"]
