"""Lesson: backprop through time as an iterated map; attractors, basin boundaries and cliffs."""

import streamlit as st

from gradviz import ui, unit_rnn
from gradviz.lessons.rnn_dynamics import (
    charts,
    citations,
    cliffs,
    configs,
    logistic,
    many_units,
    one_unit,
    questions,
    scalar_chain,
    words,
)

ui.lesson_header(
    "rnn_dynamics",
    "An RNN applies the same function at every step, so its gradient through time is a product of T "
    "factors. Move the sliders and watch that product vanish inside an attractor's basin and explode on its "
    "boundary, where the loss grows cliffs.",
)
bifurcation, lyapunov_curve, doubling = (
    ui.cached(logistic.bifurcation_table),
    ui.cached(logistic.lyapunov_table),
    ui.cached(logistic.period_doubling_table),
)
mandelbrot, stable_map, surface = (
    ui.cached(logistic.mandelbrot_table),
    ui.cached(one_unit.stable_count_table),
    ui.cached(cliffs.cliff_surface),
)
# each section's numbers, computed once per distinct setting for every visitor
chain_run, map_run, unit_run = (
    ui.cached(scalar_chain.scalar_chain),
    ui.cached(logistic.iterated_map),
    ui.cached(one_unit.unit_dynamics),
)
cliff_run, many_run, question = (
    ui.cached(cliffs.cliff_curves),
    ui.cached(many_units.many_units),
    ui.cached(questions.question),
)


def close(m: dict, section: str, *code) -> None:
    """Every section ends alike: its verdict, "What is going on" with its numbers, its question, its code."""
    st.markdown(m["verdict"])
    ui.explain(m["explain"], m["latex"])
    ui.predict_then_reveal(**question(section), key=f"predict-{section}")
    ui.code(*code)


@st.fragment
def chain_section() -> None:
    st.header("1 · The scalar chain")
    ui.preset_buttons(configs.CHAIN_PRESETS, {"w": "chain_w", "T": "chain_T"}, key="chain")
    c = st.columns(2)
    w = ui.slider("Recurrent weight w", "chain_w", 0.0, 2.0, configs.ChainConfig.w, 0.01, container=c[0])
    T = ui.slider(
        "Steps T (factors in the product)", "chain_T", 1, 200, configs.ChainConfig.T, container=c[1]
    )
    res = chain_run(configs.ChainConfig(w=w, T=T))
    ui.chart(charts.chain_chart, res.tables["chain"], filename="bptt_scalar_chain.csv")
    m = res.meta
    ui.readouts(m["readouts"])
    close(m, "chain", scalar_chain.scalar_chain)


@st.fragment
def map_section() -> None:
    st.header("2 · Iterated maps: f(x) = r x (1 − x)")
    ui.preset_buttons(configs.MAP_PRESETS, {"r": "map_r", "x0": "map_x0", "n": "map_n"}, key="map")
    c = st.columns(3)
    r = ui.slider("r", "map_r", 1.0, 4.0, configs.MapConfig.r, 0.001, container=c[0])
    x0 = ui.slider("start x₀", "map_x0", 0.0, 1.0, configs.MapConfig.x0, 0.01, container=c[1])
    n = ui.slider("steps n", "map_n", 1, 200, configs.MapConfig.n, container=c[2])
    res = map_run(configs.MapConfig(r=r, x0=x0, n=n))
    t, m = res.tables, res.meta
    left, right = st.columns(2)
    with left:
        ui.chart(
            charts.cobweb_chart, t["map"], t["cobweb"], filename="logistic_cobweb.csv", download=t["cobweb"]
        )
    with right:
        ui.chart(charts.orbit_chart, t["orbit"], filename="logistic_orbit.csv")
        ui.chart(charts.orbit_derivative_chart, t["orbit"], key="orbit-derivative")
    ui.readouts(m["readouts"])
    st.markdown(m["attractor_text"])
    lo = 2.5 if r >= 2.5 else 1.0
    ui.chart(charts.bifurcation_chart, bifurcation(), r, doubling(), lo, filename="logistic_bifurcation.csv")
    ui.chart(charts.lyapunov_chart, lyapunov_curve(), r, lo, filename="logistic_lyapunov.csv")
    close(m, "map", logistic.lyapunov_exponent, logistic.find_attractor)
    if ui.toggle("Aside: the Mandelbrot set is this map in disguise", "map_mandelbrot"):
        st.markdown(m["mandelbrot_text"])
        ui.chart(
            charts.mandelbrot_chart,
            mandelbrot(),
            m["mandelbrot_c"],
            filename="mandelbrot.csv",
            width="content",
        )


@st.fragment
def unit_section() -> None:
    st.header("3 · A one-unit RNN as a dynamical system")
    ui.preset_buttons(
        configs.UNIT_PRESETS, {"form": "unit_form", "w": "unit_w", "b": "unit_b", "T": "unit_T"}, key="unit"
    )
    c = st.columns(4)
    form = ui.select(
        "Unit",
        "unit_form",
        one_unit.FORMS,
        configs.UnitConfig.form,
        container=c[0],
        help="tanh: h = tanh(w h + b), the lecture's unit · sigmoid: x = w σ(x) + b, Pascanu et al.'s",
    )
    w = ui.slider("w", "unit_w", -8.0, 8.0, configs.UnitConfig.w, 0.05, container=c[1])
    b = ui.slider("b", "unit_b", -6.0, 6.0, configs.UnitConfig.b, 0.05, container=c[2])
    T = ui.slider("steps T", "unit_T", 1, 200, configs.UnitConfig.T, container=c[3])
    res = unit_run(configs.UnitConfig(form=form, w=w, b=b, T=T))
    t, m = res.tables, res.meta
    left, right = st.columns(2)
    with left:
        ui.chart(
            charts.unit_map_chart,
            t["map"],
            t["fixed_points"],
            filename="unit_fixed_points.csv",
            download=t["fixed_points"],
        )
    with right:
        ui.chart(charts.final_state_chart, t["final"], filename="unit_hT_vs_h0.csv")
        ui.chart(charts.final_derivative_chart, t["final"], key="unit-derivative")
    ui.readouts(m["readouts"])
    table = stable_map(form)
    ui.chart(charts.stable_count_chart, table, w, b, filename=f"stable_fixed_points_{form}.csv")
    close(m, "unit", one_unit.unit_unroll, one_unit.unit_fixed_points)


def _set_b(value: float | None) -> None:
    if value is not None:
        st.session_state["cliff_b"] = value


@st.fragment
def cliffs_section() -> None:
    st.header("4 · Cliffs in the loss")
    c = st.columns(5)
    w = ui.slider("w", "cliff_w", -4.0, 4.0, configs.CliffConfig.w, 0.05, container=c[0])
    b = ui.slider("b", "cliff_b", -3.0, 3.0, configs.CliffConfig.b, 0.01, container=c[1])
    T = ui.slider("steps T", "cliff_T", 1, 200, configs.CliffConfig.T, container=c[2])
    target = ui.slider("target", "cliff_target", -1.0, 1.0, configs.CliffConfig.target, 0.05, container=c[3])
    h0 = ui.slider("start h_0", "cliff_h0", -0.95, 0.95, configs.CliffConfig.h0, 0.05, container=c[4])
    res = cliff_run(configs.CliffConfig(w=w, b=b, T=T, target=target, h0=h0))
    m, bias = res.meta, res.tables["bias"]
    on = m["b_slider_on_cliff"]
    st.button(
        "b onto the cliff" + ("" if on is None else f" (b = {on:g})"),
        key="cliff-jump",
        on_click=_set_b,
        args=(on,),
        disabled=on is None or on == b,
        icon=":material/my_location:",
        help="Sets b to the slider value on the cliff face with the steepest |∂L/∂b|.",
    )
    ui.chart(
        charts.cliff_loss_chart, bias, b, m["b_boundary"], m["cliff_kind"], filename="cliff_loss_vs_bias.csv"
    )
    ui.chart(charts.cliff_gradient_chart, bias, b, m["b_boundary"], m["cliff_kind"], key="cliff-gradient")
    ui.readouts(m["readouts"])
    s = surface(T, target, h0)
    left, right = st.columns(2)
    with left:
        ui.chart(
            charts.loss_heatmap, s.tables["grid"], s.tables["boundary"], w, b, filename="cliff_surface.csv"
        )
    with right:
        ui.chart(charts.grad_norm_heatmap, s.tables["grid"], s.tables["boundary"], w, b, key="cliff-grad-map")
    close(m, "cliff", unit_rnn.rnn_unit_loss_grad, unit_rnn.basin_boundary_bias)


@st.fragment
def many_section() -> None:
    st.header("5 · Many units: products of Jacobians")
    ui.preset_buttons(configs.MANY_PRESETS, {"rho": "many_rho"}, key="many")
    c = st.columns(5)
    n = ui.slider("units n", "many_n", 2, 64, configs.ManyConfig.n, container=c[0])
    rho = ui.slider("spectral radius ρ", "many_rho", 0.5, 1.5, configs.ManyConfig.rho, 0.01, container=c[1])
    T = ui.slider("steps T", "many_T", 1, 200, configs.ManyConfig.T, container=c[2])
    act = ui.select(
        "activation", "many_act", many_units.ACTIVATIONS, configs.ManyConfig.activation, container=c[3]
    )
    seed = ui.number("seed", "many_seed", 0, 9999, configs.ManyConfig.seed, container=c[4])
    res = many_run(configs.ManyConfig(n=n, rho=rho, T=T, activation=act, seed=seed))
    t, m = res.tables, res.meta
    left, right = st.columns([3, 2])
    with left:
        ui.chart(charts.gain_chart, t["gains"], filename="jacobian_gain.csv")
    with right:
        ui.chart(
            charts.eigenvalue_chart,
            t["eigenvalues"],
            t["circles"],
            filename="eigenvalues.csv",
            width="content",
        )
    ui.readouts(m["readouts"])
    close(m, "many", many_units.jacobian_gain)


def next_lessons() -> None:
    st.header("6 · What fixes this")
    for col, (name, why) in zip(st.columns(len(words.FIXES)), words.FIXES, strict=True):
        with col:
            ui.lesson_link(name, why)


ui.sections(
    "rnn_dynamics",
    {
        "chain": chain_section,
        "map": map_section,
        "unit": unit_section,
        "cliff": cliffs_section,
        "many": many_section,
    },
)
next_lessons()
ui.sources(citations.SOURCES)
