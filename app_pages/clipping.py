"""Lesson: gradient clipping, on a loss cliff and in a real RNN (Pascanu, Mikolov & Bengio 2013)."""

import streamlit as st

from gradviz import clip as clip_torch
from gradviz import tasks, ui
from gradviz.lessons.clipping import charts, cliff, questions, words
from gradviz.lessons.clipping import experiment as exp

ui.lesson_header("clipping", words.PROMISE)
grid, boundary = ui.cached(cliff.cliff_grid), ui.cached(cliff.cliff_boundary)
# the numpy sections' results, computed once per distinct setting for every visitor
descent, vector = ui.cached(cliff.cliff_descent), ui.cached(cliff.clip_vector)
# the sentences and numbers read from a run's tables: once per result for every visitor
said = ui.cached_words(words, "run_status", "rnn_verdict", "rnn_latex", "vector_latex")
ask = ui.cached_words(questions, "rnn_question")
summary_value = ui.cached(exp.summary_value)


def click_sets(chart_key: str, param: str, widgets: dict[str, str]):
    """A chart's on_select callback: copy the clicked point's fields into the URL-bound widgets."""

    def apply() -> None:
        picked = st.session_state[chart_key]["selection"].get(param) or []
        for field, widget in widgets.items() if picked else ():
            st.session_state[widget] = round(float(picked[0][field]), 2)

    return apply


@st.fragment
def on_the_cliff() -> None:
    st.header("1 · On the cliff")
    st.caption("Click the map to choose where both descents start, or use the sliders.")
    d = cliff.CliffDescentConfig
    c = st.columns(5)
    w0 = ui.slider("start w₀", "w0", *cliff.W_RANGE, d.w0, 0.05, container=c[0])
    b0 = ui.slider("start b₀", "b0", *cliff.B_RANGE, d.b0, 0.01, container=c[1])
    lr = ui.select(
        "learning rate",
        "cliff_lr",
        (0.05, 0.1, 0.2, 0.5, 1.0, 2.0),
        d.lr,
        container=c[2],
        widget="select_slider",
    )
    eta = ui.slider("threshold η", "cliff_threshold", 0.1, 10.0, d.threshold, 0.1, container=c[3])
    steps = ui.slider("steps", "cliff_steps", 1, 100, d.steps, container=c[4])
    res = descent(cliff.CliffDescentConfig(w0=w0, b0=b0, lr=lr, threshold=eta, steps=steps))
    paths, m = res.tables["trajectories"], res.meta
    ui.chart(
        charts.cliff_map,
        grid(),
        boundary(),
        paths,
        cliff.W_RANGE,
        cliff.B_RANGE,
        key="cliff_map",
        on_select=click_sets("cliff_map", "start", {"w": "w0", "b": "b0"}),
        tables=[
            ("clipping_cliff_descents.csv", paths, "Download the descents (CSV)"),
            ("clipping_loss_map.csv", grid, "Download the loss map (CSV)"),
        ],
    )
    plain, clipped = m["runs"]["unclipped"], m["runs"]["clipped by norm"]
    ui.readouts(
        [
            ("longest step, plain", ui.sci(plain["largest_step"]), "‖θₖ − θₖ₋₁‖, the longest of the run"),
            (
                "longest step, clipped",
                ui.sci(clipped["largest_step"]),
                f"never more than lr·η = {lr * eta:.3g}",
            ),
            ("plain run", words.cliff_status(plain, short=True), words.cliff_status(plain)),
        ]
    )
    ui.readouts(
        [
            ("final loss, plain", ui.sci(plain["final_loss"]), None),
            ("final loss, clipped", ui.sci(clipped["final_loss"]), None),
            (
                "clipped steps",
                f"{clipped['clipped_steps']} of {clipped['n_steps']}",
                "in the clipped descent",
            ),
        ]
    )
    ui.chart(
        charts.step_size_chart,
        paths,
        lr * eta,
        filename="clipping_step_sizes.csv",
        download=lambda: paths[["run", "step", "step_size", "grad_norm"]],
    )
    st.markdown(words.cliff_verdict(lr, eta, m))
    ui.explain(words.CLIFF_EXPLAIN, words.cliff_latex(lr, eta, m))
    ui.predict_then_reveal(**questions.QUESTIONS["cliff"], key="predict-cliff")
    ui.code(cliff.descend, cliff.clip_vector_by_norm)


def use_threshold(value: float) -> None:
    st.session_state["threshold"] = value


@st.fragment
def real_rnn() -> None:
    st.header("3 · Training a real RNN")
    st.markdown(
        f"A tanh RNN ({exp.HIDDEN} units) learns the **adding problem**: a sequence of T random numbers in "
        "[0, 1], two of them marked; the answer is the sum of the two marked numbers. Its recurrent matrix W "
        "starts with spectral radius ρ. The same net, data and minibatches are trained three times: without "
        "clipping, clipping the gradient's norm, and clipping each component."
    )
    ui.preset_buttons(
        exp.PRESETS, {f: f for f in ("T", "rho", "threshold", "lr", "steps", "seed")}, key="rnn"
    )
    d, c = exp.Config, st.columns(6)
    T = ui.slider("sequence length T", "T", 2, 30, d.T, container=c[0])
    rho = ui.slider("spectral radius ρ", "rho", 0.5, 4.0, d.rho, 0.1, container=c[1])
    eta = ui.slider("threshold η", "threshold", 0.1, 20.0, d.threshold, 0.1, container=c[2])
    lr = ui.select(
        "learning rate", "lr", (0.01, 0.02, 0.05, 0.1, 0.2, 0.5), d.lr, container=c[3], widget="select_slider"
    )
    steps = ui.slider("steps", "steps", 50, 600, d.steps, 50, container=c[4])
    seed = ui.number("seed", "seed", 0, 9999, d.seed, container=c[5])
    cfg = exp.Config(T=T, rho=rho, threshold=eta, lr=lr, steps=steps, seed=seed)
    res = ui.run_cached("clipping", cfg)
    s, summary, h = res.tables["steps"], res.tables["summary"], res.meta["heuristic"]
    ui.chart(
        charts.loss_chart,
        s,
        summary,
        tasks.MEAN_PREDICTOR_MSE,
        filename="clipping_rnn_loss.csv",
        download=lambda: s[s["quantity"] == "loss"],
    )
    ui.chart(
        charts.grad_norm_chart,
        s,
        eta,
        (h["low"], h["high"]) if h["reliable"] else None,
        filename="clipping_rnn_grad_norm.csv",
        download=lambda: s[s["quantity"] != "loss"],
    )
    st.caption(
        "Dots mark the steps at which a run was clipped; the dashed line is η; the shaded band, when the heuristic can be trusted, its range (section 4)."
    )
    for col, (run, name) in zip(st.columns(3), words.RUN_NAMES.items(), strict=True):
        with col.container(border=True):
            st.markdown(f"**{name}**: {said.run_status(summary, run)}")
            st.metric(
                "final loss",
                ui.sci(summary_value(res, run, "final_loss")),
                help="mean of the last 10% of steps",
            )
            st.metric("steps clipped", f"{summary_value(res, run, 'share_clipped'):.0%}")
            st.metric("largest ‖g‖", ui.sci(summary_value(res, run, "max_grad_norm")), help="before clipping")
    st.markdown(said.rnn_verdict(rho, tasks.MEAN_PREDICTOR_MSE, summary))

    st.subheader("4 · Choosing the threshold")
    st.markdown(words.heuristic_text(h, eta))
    suggested = min(20.0, max(0.1, round(h["mean_norm"], 1)))
    st.button(
        f"Use η = {suggested:g}",
        key="use-heuristic",
        on_click=use_threshold,
        args=(suggested,),
        icon=":material/auto_fix_high:",
        disabled=suggested == eta or not h["reliable"],
        help=None
        if h["reliable"]
        else "Disabled: the unclipped run was exploding, so its average is no guide.",
    )

    st.subheader("5 · The rule, with this run's numbers")
    run = ui.select("run", "clip", exp.RUNS, "norm", widget="radio")
    ui.explain(
        "Backprop through time multiplies one Jacobian per step. Clipping does not change that product; it only "
        "caps how far a single step can move the weights, so one huge gradient cannot throw them away. "
        "Below: the step of the chosen run with the largest gradient.",
        said.rnn_latex(eta, lr, s, run, res.meta["n_params"]),
    )
    asked = (
        ask.rnn_question(res) if cfg == exp.PRESETS["explodes"] else questions.QUESTIONS["rnn"]
    )  # its numbers, once on screen
    ui.predict_then_reveal(**asked, key="predict-rnn")
    ui.code(
        clip_torch.clip_by_norm_, clip_torch.clip_by_value_, exp.threshold_heuristic, tasks.adding_problem
    )


@st.fragment
def norm_vs_value() -> None:
    st.header("2 · Clip by norm or by value?")
    st.caption("Click the plane to set the gradient's tip, or use the sliders.")
    d, c = cliff.VectorConfig, st.columns(3)
    gx = ui.slider("g₁", "gx", -4.0, 4.0, d.gx, 0.05, container=c[0])
    gy = ui.slider("g₂", "gy", -4.0, 4.0, d.gy, 0.05, container=c[1])
    eta = ui.slider("threshold η", "vec_threshold", 0.1, 4.0, d.threshold, 0.1, container=c[2])
    res = vector(cliff.VectorConfig(gx=gx, gy=gy, threshold=eta))
    t, m = res.tables, res.meta
    left, right = st.columns([1, 1])
    with left:
        ui.chart(
            charts.vector_chart,
            t["vectors"],
            t["circle"],
            t["box"],
            4.0,
            280,
            width="content",
            key="vector_map",
            on_select=click_sets("vector_map", "tip", {"x": "gx", "y": "gy"}),
            tables=[("clipping_norm_vs_value.csv", t["vectors"], ui.CSV_LABEL)],
        )
    with right:
        st.metric("‖g‖", f"{m['norm']:.3f}")
        st.metric("turned by clip-by-norm", f"{m['turn_norm_deg']:.1f}°")
        st.metric("turned by clip-by-value", f"{m['turn_value_deg']:.1f}°")
        st.markdown(words.vector_verdict(m, eta))
    ui.explain(
        "The dashed circle holds every vector of length η; the dotted box every vector whose components "
        "are all within ±η. Norm clipping pulls g straight back to the circle; value clipping squashes it "
        "into the box, corner-wards.",
        said.vector_latex(gx, gy, eta, t["vectors"]),
    )
    ui.predict_then_reveal(**questions.QUESTIONS["vector"], key="predict-vector")
    ui.code(cliff.clip_vector_by_value, cliff.angle_between)


ui.sections("clipping", {"cliff": on_the_cliff, "vector": norm_vs_value, "rnn": real_rnn})
ui.sources(words.SOURCES)
