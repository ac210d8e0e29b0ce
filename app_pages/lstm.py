"""Lesson: LSTM gates and the constant error carousel (no torch here: precomputed or cached library calls)."""

import streamlit as st

from gradviz import ui
from gradviz.lessons.lstm import cell, charts, configs, questions, words
from gradviz.lessons.lstm import experiment as exp

ui.lesson_header("lstm", words.PROMISE)
RC, LC = configs.ReachConfig, configs.LearnConfig
# the sentences and numbers read from a result's tables: computed once per result for every visitor
said = ui.cached_words(
    words,
    "gain_at",
    "reach_readouts",
    "reach_verdict",
    "forget_bias_text",
    "reach_latex",
    "forget_trick_text",
    "learn_verdict",
    "input_grad_text",
    "irnn_text",
    "learn_latex",
    "inside_text",
)
summary_value = ui.cached(exp.summary_value)
# the first section's small tables, once per setting of the gates for every visitor
cell_table, regime_corners = ui.cached(cell.cell_table), ui.cached(cell.regime_corners)


@st.fragment
def one_cell() -> None:
    st.header("1 · One cell, by hand")
    st.caption("Set the gates and the candidate directly; the cell's update is computed with numpy.")
    c = st.columns(6)
    i = ui.slider("input gate i", "i", 0.0, 1.0, 1.0, 0.05, container=c[0], help="save, in the lecture notes")
    f = ui.slider("forget gate f", "f", 0.0, 1.0, 1.0, 0.05, container=c[1], help="rem, in the lecture notes")
    o = ui.slider(
        "output gate o", "o", 0.0, 1.0, 1.0, 0.05, container=c[2], help="focus, in the lecture notes"
    )
    g = ui.slider("candidate g", "g", -1.0, 1.0, 0.5, 0.05, container=c[3], help="ltm′, in the lecture notes")
    c_prev = ui.slider("old cell c_prev", "c_prev", -3.0, 3.0, 1.0, 0.1, container=c[4], help="ltm_(t−1)")
    notation = ui.select(
        "notation",
        "notation",
        words.NOTATIONS,
        "standard",
        container=c[5],
        widget="radio",
        help="standard: f, i, o, g, c, h; notes: rem, save, focus, ltm′, ltm, wm",
    )
    step = cell.gated_update(i, f, o, g, c_prev)
    name, exact = cell.regime(i, f)
    left, right = st.columns([3, 2])
    with left:
        ui.chart(charts.cell_bars, cell_table(step), filename="lstm_cell.csv")
    with right:
        corners = regime_corners(i, f)
        ui.chart(charts.regime_map, corners, i, f, key="lstm-regimes", width="content")
    ui.readouts(
        [
            ("new cell c", f"{step.c:.3f}", "f·c_prev + i·g"),
            ("hidden h", f"{step.h:.3f}", "o·tanh(c)"),
            ("∂c/∂c_prev", f"{step.dc_dcprev:.2f}", "= f: the factor along the cell"),
            ("regime", name, None),
        ]
    )
    st.markdown(words.cell_verdict(step, name, exact, notation))
    ui.explain(words.NOTATION_NOTE, words.equations(notation) + words.cell_latex(step, notation))
    ui.predict_then_reveal(**questions.question(), key="predict-lstm-cell")
    ui.code(cell.gated_update, cell.lstm_cell)


@st.fragment
def how_far_back() -> None:
    st.header("2 · How far back the gradient reaches")
    st.caption(
        "Measured with autograd on freshly initialized PyTorch modules (keys reach_T, reach_seed: this "
        "section's own T and seed, separate from section 3's)."
    )
    ui.preset_buttons(
        configs.REACH_PRESETS,
        {"T": "reach_T", "forget_bias": "forget_bias", "hidden": "hidden", "seed": "reach_seed"},
        key="reach",
    )
    c, d = st.columns(4), RC()
    T = ui.slider(
        "distance T", "reach_T", *configs.REACH_T_RANGE, d.T, container=c[0], help="URL key reach_T"
    )
    b_f = ui.slider(
        "forget-gate bias b_f",
        "forget_bias",
        *configs.REACH_FORGET_BIAS_RANGE,
        d.forget_bias,
        0.5,
        container=c[1],
    )
    hidden = ui.select(
        "units", "hidden", configs.REACH_HIDDEN_OPTIONS, d.hidden, container=c[2], widget="select_slider"
    )
    seed = ui.number("seed", "reach_seed", 0, 9999, d.seed, container=c[3], help="URL key reach_seed")
    res = ui.run_cached("lstm_reach", RC(T=T, forget_bias=b_f, hidden=hidden, seed=seed))
    curves, m = res.tables["curves"], res.meta
    ui.chart(charts.reach_chart, curves, filename="lstm_reach.csv")
    st.caption(words.REACH_CAPTION)
    ui.readouts(said.reach_readouts(curves, m))
    st.markdown(said.reach_verdict(curves, m))
    st.markdown(said.forget_bias_text(curves, m))
    ui.explain(latex=said.reach_latex(m, curves))
    ui.code("gradviz.lessons.lstm.reach:jacobian_norms", "gradviz.lessons.lstm.unroll:lstm_unroll")


def forget_trick() -> None:
    st.subheader("The forget-bias trick, measured")
    reach = [(cfg, ui.run_cached("lstm_reach", cfg)) for cfg in configs.REACH_PRESETS.values()]
    runs = {
        (b, s): configs.forget_trick_config(b, s)
        for b in configs.FORGET_TRICK_BIASES
        for s in configs.FORGET_TRICK_SEEDS
    }
    found = {k: ui.precomputed("lstm", cfg) for k, cfg in runs.items()}  # never trains: missing runs are said
    learn = [(runs[k], res) for k, res in found.items() if res is not None]
    st.markdown(said.forget_trick_text(reach, learn, [k for k, res in found.items() if res is None]))


def approve(cfg: configs.LearnConfig) -> None:
    st.session_state.setdefault("lstm-approved", set()).add(cfg)


@st.fragment
def learning() -> None:
    st.header("3 · Learning a long dependency")
    st.caption("Keys learn_T and learn_seed are this section's T and seed (section 2 has its own).")
    keys = {
        "task": "task",
        "T": "learn_T",
        "models": "models",
        "steps": "steps",
        "lr": "lr",
        "seed": "learn_seed",
        "forget_bias": "learn_forget_bias",
    }
    ui.preset_buttons(configs.LEARN_PRESETS, keys, key="learn")
    c, d = st.columns(7), LC()
    task = ui.select(
        "task", "task", configs.TASKS, d.task, container=c[0], help="adding problem or temporal order"
    )
    T = ui.slider(
        "sequence length T", "learn_T", *configs.LEARN_T_RANGE, d.T, container=c[1], help="URL key learn_T"
    )
    models = ui.select(
        "models", "models", tuple(configs.MODEL_SETS), d.models, container=c[2], help="rnn = tanh RNN"
    )
    steps = ui.slider("steps", "steps", *configs.LEARN_STEPS_RANGE, d.steps, 100, container=c[3])
    lr = ui.select("Adam lr", "lr", configs.LR_OPTIONS, d.lr, container=c[4], widget="select_slider")
    seed = ui.number("seed", "learn_seed", 0, 9999, d.seed, container=c[5], help="URL key learn_seed")
    b_f = ui.select(
        "LSTM b_f",
        "learn_forget_bias",
        configs.LEARN_FORGET_BIASES,
        d.forget_bias,
        container=c[6],
        widget="select_slider",
    )
    cfg = LC(task=task, T=T, models=models, steps=steps, lr=lr, seed=seed, forget_bias=b_f)
    res = ui.precomputed("lstm", cfg)
    if res is None:
        cost = ui.run_cached("lstm", configs.LEARN_PRESETS["default"]).meta["cost_per_step_T"]
        auto, allowed, secs, work = configs.live_plan(cfg, cost)
        if not allowed or not (auto or cfg in st.session_state.get("lstm-approved", set())):
            st.info(words.estimate_text(secs, allowed, work, configs.work(LC())), icon=":material/timer:")
            if allowed:
                label = f"Train live (about {secs:.0f} s)"
                st.button(
                    label, on_click=approve, args=(cfg,), key="lstm-train", icon=":material/play_arrow:"
                )
            return
        res = ui.run_cached("lstm", cfg)
    learned(cfg, res)


def learned(cfg: configs.LearnConfig, res) -> None:
    t, base = res.tables, res.meta["baseline"]
    st.markdown(words.task_text(cfg.task, cfg.T, base))
    ui.chart(
        charts.loss_chart, t["curves"], base, words.LOSS_NAMES[cfg.task], filename="lstm_learning_curves.csv"
    )
    for col, kind in zip(st.columns(len(cfg.kinds)), cfg.kinds, strict=True):
        final = summary_value(res, kind, "final_loss")
        col.metric(
            f"{configs.MODEL_NAMES[kind]}: final held-out loss", ui.sci(final), help=words.status(final, base)
        )
    st.markdown(said.learn_verdict(t["summary"], base, cfg.kinds, cfg.task))
    ui.chart(charts.input_grad_chart, t["input_grads"], filename="lstm_input_gradients.csv")
    st.markdown(said.input_grad_text(t["mark_grads"], t["summary"], base, cfg.kinds))
    if irnn := said.irnn_text(t["summary"], t["mark_grads"], base, cfg):
        st.markdown(irnn)
    ui.explain(latex=said.learn_latex(cfg.task, base, t["mark_grads"], cfg.kinds))
    ui.code("gradviz.lessons.lstm.learn:train_models", "gradviz.lessons.lstm.learn:input_gradients")
    st.subheader("4 · Inside the trained LSTM")
    if "inside" not in t:
        st.info("Add the LSTM to the models to see its gates.", icon=":material/visibility_off:")
        return
    ui.chart(charts.inside_chart, t["inside"], t["example"], filename="lstm_inside.csv", width="content")
    st.markdown(said.inside_text(t["inside"], t["example"], res.meta["runs"]["lstm"], cfg.task))


def reach() -> None:
    how_far_back()
    forget_trick()


ui.sections("lstm", {"cell": one_cell, "reach": reach, "learn": learning})
ui.sources(words.SOURCES)
