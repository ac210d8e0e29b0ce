"""Lesson: vanishing gradients in deep nets, on real MNIST (layout only: words in the lesson's words.py)."""

from dataclasses import replace

import streamlit as st

from gradviz import ui
from gradviz.fmt import latex_sci
from gradviz.lessons.deep_nets import charts, questions, words
from gradviz.lessons.deep_nets import experiment as dn
from gradviz.lessons.deep_nets.closed_form import diagonal_chain_uniform, scalar_chain
from gradviz.lessons.deep_nets.summary import CHANCE, Summary, summarize
from gradviz.net_options import ACTIVATIONS, INITS

ui.lesson_header("deep_nets", words.PROMISE)


@ui.cached
def summary(cfg: dn.Config) -> Summary:
    """Once per config for every visitor, keyed by the (cheap to hash) config."""
    return summarize(ui.run_cached("deep_nets", cfg))


d = dn.Config()
bar = st.sidebar
bar.header("Network")
activation = ui.select("Activation", "activation", ACTIVATIONS, d.activation, container=bar)
init = ui.select("Initialization", "init", INITS, d.init, container=bar, help=words.INIT_HELP)
depth = ui.slider("Hidden layers", "depth", 1, 30, d.depth, container=bar)
width = ui.select(
    "Width", "width", (16, 32, 64, 100, 128, 256), d.width, container=bar, widget="select_slider"
)
bar.header("Training")
optimizer = ui.select("Optimizer", "optimizer", ("sgd", "adam"), d.optimizer, container=bar, widget="radio")
lr = ui.select(
    "Learning rate",
    "lr",
    (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0),
    d.lr,
    container=bar,
    widget="select_slider",
)
epochs = ui.slider("Epochs", "epochs", 1, 5, d.epochs, container=bar)
batch = ui.select(
    "Batch size", "batch", (16, 32, 64, 128, 256), d.batch, container=bar, widget="select_slider"
)
seed = ui.number("Seed", "seed", 0, 9999, d.seed, container=bar)
wanted = ui.select(
    "Dataset",
    "dataset",
    ("mnist", "digits"),
    d.dataset,
    container=bar,
    help="mnist: 28×28 MNIST digits · digits: the bundled 8×8 digits (works offline)",
)
dataset, notice, description = ui.dataset_status(wanted)
if notice:
    st.info(notice, icon=":material/cloud_off:")

bar.header("Compare")
compare = ui.select(
    "Side by side, same seed",
    "compare",
    dn.COMPARE_MODES,
    "off",
    container=bar,
    help="activations: all four · inits: N(0,1), LeCun, Glorot, He, orthogonal (and yours)",
)
base = dn.Config(activation, init, depth, width, lr, optimizer, epochs, batch, seed, dataset)
others = ()
if compare == "custom":
    others = tuple(
        replace(
            base,
            activation=ui.select(
                f"Run {t}: activation", f"{t.lower()}_activation", ACTIVATIONS, a, container=bar
            ),
            init=ui.select(f"Run {t}: initialization", f"{t.lower()}_init", INITS, i, container=bar),
        )
        for t, a, i in (("B", "relu", "he"), ("C", "tanh", "glorot"))
    )
configs = dn.compared(base, compare, others)
with st.container(key="gv-phone-only-controls"):  # app.css shows it on narrow screens only
    st.info(words.phone_controls(configs), icon=":material/tune:")
runs = {dn.label(c): ui.run_cached("deep_nets", c) for c in configs}
summaries = {dn.label(c): summary(c) for c in configs}
inits = {dn.label(c): c.init for c in configs}


@st.fragment
def training_section(runs: dict, summaries: dict) -> None:
    tables = ui.cached(dn.combine)(runs)  # remembered by the runs' keys: charts look it up in O(1)
    st.subheader("Gradient reaching each layer during training")
    ui.chart(charts.gradient_over_steps, tables["layers"], "backprop_grad", filename="deep_nets_layers.csv")
    for name, s in summaries.items():
        ui.diverged_notice(runs[name], label=name)
        st.markdown(words.run_line(name, s))
        ui.readouts(words.readouts(s))
    st.caption(words.provenance(description, runs))
    left, right = st.columns(2)
    with left:
        st.subheader("Gradient against depth")
        st.caption(words.BY_DEPTH_CAPTION)
        ui.chart(charts.gradient_by_depth, tables["layers"], "backprop_grad", key="by-depth")
    with right:
        st.subheader("How much each layer learns")
        st.caption(words.update_caption(summaries))
        ui.chart(charts.update_ratio_by_layer, tables["layers"], key="update-ratio")
    st.subheader("Weight gradients ‖∂L/∂W_ℓ‖ (what the optimizer sees)")
    ui.chart(charts.gradient_over_steps, tables["layers"], "weight_grad", key="weight-grad")
    st.subheader("Activations, layer by layer (Glorot & Bengio 2010)")
    ui.chart(charts.activation_heatmap, tables["hist"], filename="deep_nets_activations.csv")
    ui.chart(charts.saturation_by_layer, tables["layers"], key="saturation")
    st.subheader("Loss and held-out accuracy")
    loss_col, acc_col = st.columns(2)
    loss_col.caption("Loss: minibatch (faint) and held-out (solid)")
    acc_col.caption(f"Held-out accuracy (chance is {CHANCE:.0%})")
    # both charts draw the training curves: their table is in the first chart's menu
    training_csv = [("deep_nets_training.csv", tables["training"], "Download training curves (CSV)")]
    with loss_col:
        ui.chart(charts.loss_curves, tables["training"], key="loss", tables=training_csv)
    with acc_col:
        ui.chart(charts.accuracy_curves, tables["training"], key="accuracy")


@st.fragment
def going_on_section(name: str, s: Summary, activation: str, summaries: dict, inits: dict) -> None:
    st.header("What is going on")
    st.markdown(words.RECURSION_INTRO)
    st.latex(words.RECURSION)
    st.latex(words.PRODUCT)
    for paragraph in words.going_on(name, s, activation):
        st.markdown(paragraph)
    st.markdown(words.VARIANCE_INTRO)
    st.latex(words.VARIANCE_LATEX)
    st.markdown(words.VARIANCE_OUTRO)
    rows = words.variance_rows([(n, inits[n], summaries[n]) for n in summaries])
    if rows:
        st.dataframe(rows, hide_index=True)
        line = words.variance_latex(name, s)
        if line:
            st.latex(line)
    else:
        st.caption(words.NO_VARIANCE_ROWS)


@st.fragment
def by_hand_section() -> None:
    st.subheader("By hand: two nets small enough to differentiate on paper")
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(words.LINEAR_CHAIN_INTRO)
        chain_depth = ui.slider("Layers L", "chain_depth", 2, 60, 50)
        chain_w = ui.slider("Weight w", "chain_w", 0.5, 1.5, 0.9, step=0.01)
        lin = diagonal_chain_uniform(chain_depth, chain_w)
        st.latex(r"\frac{\partial L}{\partial w_{11}^{(1)}} = (\hat y - y)\prod_{i=2}^{L} w")
        st.latex(
            rf"= {latex_sci(lin['y_hat'])} \times {chain_w:g}^{{{chain_depth - 1}}} = {latex_sci(lin['grad'])}"
        )
        st.caption(words.linear_chain_caption(chain_depth, chain_w, lin["y_hat"]))
    with c2:
        st.markdown(words.SCALAR_CHAIN_INTRO)
        chain_act = ui.select(
            "Activation", "chain_act", ("sigmoid", "tanh", "relu"), "sigmoid", widget="radio"
        )
        scalar_w = ui.slider("Weight w", "scalar_w", -4.0, 4.0, 1.0, step=0.1)
        chain = scalar_chain([scalar_w] * chain_depth, chain_act)
        st.latex(
            r"\frac{\partial L}{\partial W_1} = (z_n - y)\prod_{\ell=2}^{n} f'(a_\ell)W_\ell \cdot f'(a_1)\,x"
        )
        st.latex(rf"= {latex_sci(chain.grad.iloc[0])}")
        st.caption(words.scalar_chain_caption(chain_act, chain))
        ui.chart(charts.chain_gradients, chain, filename="scalar_chain.csv")


@st.fragment
def question_section() -> None:
    question, options, answer, explanation = questions.depth_question(
        summary(dn.PRESETS["default"]), summary(dn.PRESETS["sigmoid_deep"])
    )
    ui.predict_then_reveal(question, options, answer, explanation, key="q-depth")
    question, options, answer, explanation = questions.init_question(
        summary(dn.PRESETS["relu_glorot_30"]), summary(dn.PRESETS["relu_he_30"])
    )
    ui.predict_then_reveal(question, options, answer, explanation, key="q-init")


def why() -> None:
    going_on_section(dn.label(base), summaries[dn.label(base)], activation, summaries, inits)
    question_section()


ui.sections(
    "deep_nets",
    {"training": lambda: training_section(runs, summaries), "why": why, "by-hand": by_hand_section},
)
ui.code(dn.run, dn.LayerProbe.after_backward, summarize)
ui.sources(words.SOURCES)
