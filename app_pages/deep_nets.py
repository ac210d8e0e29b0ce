"""Lesson: vanishing gradients in deep fully connected nets, on real MNIST."""

from dataclasses import replace

import streamlit as st

from gradviz import sources, ui
from gradviz.fmt import latex_sci
from gradviz.lessons.deep_nets import charts
from gradviz.lessons.deep_nets import experiment as dn
from gradviz.lessons.deep_nets.closed_form import diagonal_chain_uniform, scalar_chain
from gradviz.nets import ACTIVATIONS, INITS

ui.page_header(
    "Vanishing gradients in deep nets",
    "A real network trained on real MNIST digits: watch its first layer receive a tiny fraction of the "
    "gradient its last layer gets. Switch sigmoid to ReLU or change the initialization, and the gap closes.",
)

summarize = ui.cached(dn.summarize)  # once per run for every visitor, not once per visit
d = dn.Config()
bar = st.sidebar
bar.header("Network")
activation = ui.select("Activation", "activation", ACTIVATIONS, d.activation, container=bar)
init = ui.select("Initialization", "init", INITS, d.init, container=bar,
                 help="normal: N(0,1) · default: PyTorch's U(±1/√fan_in) · xavier: Glorot · kaiming: He · orthogonal: Saxe")
depth = ui.slider("Hidden layers", "depth", 1, 30, d.depth, container=bar)
width = ui.select("Width", "width", (16, 32, 64, 100, 128, 256), d.width, container=bar, widget="select_slider")
bar.header("Training")
optimizer = ui.select("Optimizer", "optimizer", ("sgd", "adam"), d.optimizer, container=bar, widget="radio")
lr = ui.select("Learning rate", "lr", (0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0), d.lr,
               container=bar, widget="select_slider")
epochs = ui.slider("Epochs", "epochs", 1, 5, d.epochs, container=bar)
batch = ui.select("Batch size", "batch", (16, 32, 64, 128, 256), d.batch, container=bar, widget="select_slider")
seed = ui.number("Seed", "seed", 0, 9999, d.seed, container=bar)
wanted = ui.select("Dataset", "dataset", ("mnist", "digits"), d.dataset, container=bar,
                   help="mnist: 28×28 MNIST digits · digits: the bundled 8×8 digits (works offline)")
dataset, notice, description = ui.dataset_status(wanted)
if notice:
    st.info(notice, icon=":material/cloud_off:")

bar.header("Compare")
compare = ui.select("Side by side, same seed", "compare", ("off", "activations", "inits", "custom"), "off",
                    container=bar, help="activations: sigmoid vs tanh vs ReLU · inits: normal vs xavier vs kaiming")
base = dn.Config(activation, init, depth, width, lr, optimizer, epochs, batch, seed, dataset)
configs = [base]
if compare == "activations":
    configs = [replace(base, activation=a) for a in ("sigmoid", "tanh", "relu")]
elif compare == "inits":
    configs = [replace(base, init=i) for i in ("normal", "xavier", "kaiming")]
elif compare == "custom":
    for tag in ("b", "c"):
        configs.append(replace(base, activation=ui.select(f"Run {tag.upper()}: activation", f"{tag}_activation",
                                                          ACTIVATIONS, "relu", container=bar),
                               init=ui.select(f"Run {tag.upper()}: initialization", f"{tag}_init", INITS, "kaiming",
                                              container=bar)))

runs = {dn.label(c): ui.run_cached("deep_nets", c) for c in dict.fromkeys(configs)}
tables = dn.combine(runs)

# -- headline: the seed's figure, then readouts --------------------------------------------------------
st.subheader("Gradient norm of every layer during training")
ui.altair(ui.built(charts.gradient_over_steps, tables["layers"]), key="over-steps")
for name, result in runs.items():
    s = summarize(result)
    ui.diverged_notice(result, label=name)
    st.markdown(f"**{name}** — {s.sentence}.")
    cols = st.columns(4)
    cols[0].metric(f"layer 1 / layer {depth + 1}", ui.sci(s.ratio), help="median over training of "
                   "‖∂L/∂W₁‖ / ‖∂L/∂W_L‖, first weight layer vs output layer")
    cols[1].metric("‖∂L/∂W₁‖ (median)", ui.sci(s.first_grad))
    cols[2].metric(f"‖∂L/∂W_{depth + 1}‖ (median)", ui.sci(s.last_grad))
    cols[3].metric("held-out accuracy", f"{s.accuracy:.1%}")
st.caption(f"{description}. {sum(r.meta['seconds'] for r in runs.values()):.1f} s of training "
           f"({'precomputed' if all(r.meta.get('precomputed') for r in runs.values()) else 'trained live, cached for everyone'}).")
ui.download_csv(tables["layers"], "deep_nets_layers.csv", "Download per-layer statistics (CSV)")

left, right = st.columns(2)
with left:
    st.subheader("Gradient against depth")
    st.caption("At initialization (faint) and at the end (solid). A straight slope on this log axis means a constant factor per layer.")
    ui.altair(ui.built(charts.gradient_by_depth, tables["layers"]), key="by-depth")
with right:
    st.subheader("How much each layer learns")
    st.caption("Median step size relative to the weights. The green band is the usual ~1e-3 rule of thumb.")
    ui.altair(ui.built(charts.update_ratio_by_layer, tables["layers"]), key="update-ratio")

st.subheader("Activations, layer by layer (Glorot & Bengio 2010)")
ui.altair(ui.built(charts.activation_heatmap, tables["hist"]), key="act-hist")
ui.altair(ui.built(charts.saturation_by_layer, tables["layers"]), key="saturation")
ui.download_csv(tables["hist"], "deep_nets_activations.csv", "Download activation histograms (CSV)")

st.subheader("Loss and held-out accuracy")
loss_col, acc_col = st.columns(2)
loss_col.caption("Loss: minibatch (faint) and held-out (solid)")
acc_col.caption("Held-out accuracy (chance is 10%)")
with loss_col:
    ui.altair(ui.built(charts.loss_curves, tables["training"]), key="loss")
with acc_col:
    ui.altair(ui.built(charts.accuracy_curves, tables["training"]), key="accuracy")
ui.download_csv(tables["training"], "deep_nets_training.csv", "Download training curves (CSV)")

# -- the maths ------------------------------------------------------------------------------------------
st.header("What is going on")
s = summarize(runs[dn.label(base)])
st.markdown("Backpropagation passes the gradient down one layer at a time, multiplying by that layer's weights and its activation's slope:")
st.latex(r"\frac{\partial L}{\partial h_{\ell}} = W_{\ell+1}^{\top}\,\mathrm{diag}\big(f'(z_{\ell+1})\big)\,\frac{\partial L}{\partial h_{\ell+1}}"
         r"\qquad\Rightarrow\qquad \frac{\partial L}{\partial W_1} \propto \prod_{\ell=2}^{L} W_\ell^{\top}\,\mathrm{diag}\big(f'(z_\ell)\big)")
st.markdown(
    f"In the **{dn.label(base)}** run above, the mean slope |f′(z)| of the hidden layers at initialization is "
    f"**{s.mean_fprime:.3f}** (the sigmoid's can never exceed 0.25), and each layer multiplies the gradient "
    f"reaching it by about **{s.layer_factor:.3g}**. Over {depth - 1} layer-to-layer steps that is "
    f"{s.layer_factor:.3g}^{depth - 1} = **{ui.sci(s.layer_factor ** max(depth - 1, 0))}**: the hidden-layer part of the gap you measured.")

st.subheader("By hand: two nets small enough to differentiate on paper")
c1, c2 = st.columns(2)
with c1:
    st.markdown("**Linear chain with 2×2 diagonal weights** (lecture notes): all weights equal *w*, input (1, 1), target 0.")
    chain_depth = ui.slider("Layers L", "chain_depth", 2, 60, 50)
    chain_w = ui.slider("Weight w", "chain_w", 0.5, 1.5, 0.9, step=0.01)
    lin = diagonal_chain_uniform(chain_depth, chain_w)
    st.latex(r"\frac{\partial L}{\partial w_{11}^{(1)}} = (\hat y - y)\prod_{i=2}^{L} w")
    st.latex(rf"= {latex_sci(lin['y_hat'])} \times {chain_w:g}^{{{chain_depth - 1}}} = {latex_sci(lin['grad'])}")
with c2:
    st.markdown("**One neuron per layer** (Suresh 2016): every weight equal *w*, input 1, target 0.")
    chain_act = ui.select("Activation", "chain_act", ("sigmoid", "tanh", "relu"), "sigmoid", widget="radio")
    scalar_w = ui.slider("Weight w", "scalar_w", -4.0, 4.0, 1.0, step=0.1)
    chain = scalar_chain([scalar_w] * chain_depth, chain_act)
    first = chain.iloc[0]
    st.latex(r"\frac{\partial L}{\partial W_1} = (z_n - y)\prod_{\ell=2}^{n} f'(a_\ell)W_\ell \cdot f'(a_1)\,x")
    st.latex(rf"= {latex_sci(first.grad)}")
    st.caption(f"Largest |f′(a)·W| factor in this chain: {chain.factor.abs().max():.3f}. With the sigmoid, f′ ≤ 0.25, so |w| < 4 guarantees vanishing.")
    ui.altair(ui.built(charts.chain_gradients, chain), key="chain")
    ui.download_csv(chain, "scalar_chain.csv")

shallow, deep = (summarize(ui.run_cached("deep_nets", dn.PRESETS[p])).ratio for p in ("default", "sigmoid_deep"))
ui.predict_then_reveal(
    f"Double a sigmoid net from 6 to 12 hidden layers (default init). Layer 1's share of the gradient, "
    f"{ui.sci(shallow, 1)} at depth 6, becomes:",
    [f"about {ui.sci(shallow / 2, 0)} (halved)", f"about {ui.sci(shallow**2, 0)} (roughly squared)", "about the same"],
    f"about {ui.sci(shallow**2, 0)} (roughly squared)",
    "Each layer multiplies the gradient by a similar factor, so twice the layers means the factor's power doubles: "
    f"the ratio is roughly squared. The 12-layer run measures {ui.sci(deep, 1)}.",
    key="q-depth",
)
ui.show_code(dn.run, dn.LayerProbe.after_backward, dn.summarize)
ui.sources([sources.SURESH_2016, sources.LECTURE_NOTES, sources.GLOROT_2010, sources.HE_2015, sources.SAXE_2014,
            sources.CS231N, sources.MNIST, sources.UCI_DIGITS])
