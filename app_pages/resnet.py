"""Lesson: residual connections, plain vs residual nets as depth grows (He et al. 2016; Veit et al. 2016)."""

from dataclasses import replace

import streamlit as st

from gradviz import fmt, ui
from gradviz.lessons.resnet import charts, context, paths, questions, words
from gradviz.lessons.resnet import experiment as exp
from gradviz.lessons.resnet import jacobian as jac

ui.lesson_header("resnet", words.PROMISE)
# the summaries, once per result for every visitor (ui.cached keys a result by its key)
degradation, flow, summary, final_table, diverged_runs = (
    ui.cached(f)
    for f in (exp.degradation, exp.gradient_flow, jac.summary, exp.final_table, exp.diverged_runs)
)
by_depth_and_net = ui.cached(lambda result: final_table(result).set_index(["depth", "net"]))
# the paths section's tables, sentences and question, once per result and depth for every visitor
by_length_of, length_distribution = (
    ui.cached(paths.gradient_by_length),
    ui.cached(paths.path_length_distribution),
)
said = ui.cached_words(words, "paths_sentence", "lesion_sentence")
lesion_question = ui.cached(questions.lesion_question)

# -- the sweep's controls: every section below reads this one result ----------------------------------
d, bar = exp.Config(), st.sidebar
bar.header("Depth sweep")
depths = ui.select(
    "Depths (blocks)",
    "depths",
    list(exp.DEPTH_CHOICES),
    exp.depth_key(d.depths),
    container=bar,
    help="Each block has two weight layers. One depth: a single live run of both twins.",
)
norm = ui.select(
    "Normalization",
    "norm",
    ("none", "batch"),
    d.norm,
    container=bar,
    widget="radio",
    help="batch: BatchNorm1d after each block's first layer, in the spirit of He et al. (who put batch norm after every convolution, before its activation)",
)
width = ui.select("Width", "width", exp.WIDTHS, d.width, container=bar, widget="select_slider")
steps = ui.slider("SGD steps per net", "steps", *exp.STEPS_RANGE, d.steps, step=50, container=bar)
lr = ui.select("Learning rate", "lr", exp.LRS, d.lr, container=bar, widget="select_slider")
seed = ui.number("Seed", "seed", 0, 9999, d.seed, container=bar)
cfg = exp.config_from_controls(depths, norm, width, steps, lr, seed)
if not exp.is_precomputed(cfg):  # a live run needs the data: MNIST, else the bundled digits, said plainly
    dataset, notice, _ = ui.dataset_status("mnist")
    cfg = replace(cfg, dataset=dataset)
    if notice:
        st.info(notice, icon=":material/cloud_off:")
estimate = exp.estimate_seconds(cfg)
refused = not exp.is_precomputed(cfg) and estimate > exp.LIVE_CAP_S
result = None if refused else ui.run_cached("resnet", cfg)
deepest = max(cfg.depths)


@st.fragment
def sweep_section() -> None:
    st.header("1 · Deeper and deeper: plain vs residual")
    if refused:
        st.warning(words.cost_refusal(estimate, exp.LIVE_CAP_S), icon=":material/hourglass_disabled:")
        return
    final = result.tables["final"]
    ui.chart(charts.degradation_chart, final, filename="resnet_final.csv")
    t = by_depth_and_net(result)
    n_train, n_test = result.meta["n_train"], result.meta["n_test"]
    measured = (  # (label, column, formatter, help on the plain net's readout)
        ("training loss", "train_loss", ui.sci, f"final, on all {n_train:,} training digits"),
        ("held-out acc.", "held_out_accuracy", fmt.pct, f"{n_test:,} digits never trained on"),
    )
    ui.readouts(
        [
            (
                f"{label}, {deepest}-block {net}",
                shown(t.loc[(deepest, net), column]),
                about if net == "plain" else None,
            )
            for label, column, shown, about in measured
            for net in ("plain", "residual")
        ]
    )
    plain, residual = degradation(result, "plain"), degradation(result, "residual")
    diverged = {(dep, net): s for dep, net, s in diverged_runs(result)}
    acc = float(t.loc[(deepest, "plain"), "held_out_accuracy"])
    init, end = flow(result, "plain", deepest, "init"), flow(result, "plain", deepest, "end")
    st.markdown(words.sweep_verdict(plain, residual, norm, init, diverged, acc, end))
    if note := words.sweep_budget_note(norm, plain):
        st.info(note, icon=":material/info:")
    st.subheader("Training loss during training")
    curves = result.tables["curves"]
    ui.chart(charts.loss_curves, curves, filename="resnet_curves.csv")
    st.caption(
        f"{result.meta['dataset_description']}. Plain SGD, batch {exp.BATCH}, PyTorch's default initialization (U(±1/√fan_in)), {steps} steps per net; both twins "
        f"of a depth start from the same weights. {result.meta['seconds']:.0f} s of training "
        f"({'precomputed' if result.meta.get('precomputed') else 'trained live, cached for everyone'})."
    )
    if q := questions.depth_question(plain, residual):
        ui.predict_then_reveal(**q, key="q-depth")


@st.fragment
def gradient_section() -> None:
    st.header("2 · Where the gradient goes")
    if result is None:
        return
    shown = ui.select("Depth shown", "grad_depth", list(cfg.depths), deepest, widget="segmented_control")
    grads = result.tables["grads"]
    ui.chart(
        charts.gradient_by_block,
        grads,
        shown,
        filename="resnet_gradients.csv",
        download=lambda: grads[grads.depth == shown],
    )
    st.caption(
        "Faint: at initialization; solid: after training. x̄⁽ℓ⁾ = ∂L/∂x⁽ℓ⁾ on one minibatch of 128 digits."
    )
    flows = {(net, m): flow(result, net, shown, m) for net in exp.NETS for m in ("init", "end")}
    ui.readouts(
        [
            (
                f"{net}, {'init' if m == 'init' else 'end'}: ‖x̄⁽⁰⁾‖/‖x̄⁽{fmt.superscript(shown)}⁾‖",
                ui.sci(g.ratio),
                "back-propagated gradient at the first block's input over the last block's output",
            )
            for (net, m), g in flows.items()
        ]
    )
    st.markdown("  \n".join(words.flow_sentence(g) for g in flows.values()))
    ui.explain(
        latex=words.flow_latex(flows[("plain", "init")], flows[("residual", "init")]),
        after=words.flow_explain(flows[("plain", "init")], flows[("residual", "init")], norm),
    )
    ui.code(exp.gradient_flow, paths.route_for)


@st.fragment
def jacobian_section() -> None:
    st.header("3 · The Jacobian at initialization")
    dj = jac.Config()
    c = st.columns(2)
    depth = ui.slider("blocks", "jac_depth", *jac.DEPTH_RANGE, dj.depth, container=c[0])
    act = ui.select(
        "activation φ", "jac_act", ("relu", "tanh", "linear"), dj.activation, container=c[1], widget="radio"
    )
    res = ui.run_cached(
        "resnet_jacobian", jac.Config(depth=depth, activation=act, width=dj.width, seed=dj.seed)
    )
    s, table = summary(res), res.tables["singular"]
    ui.chart(charts.singular_values, table, filename="resnet_singular_values.csv")
    ui.readouts(
        [(f"{r.net}: largest σ", ui.sci(r.largest), f"median {ui.sci(r.median)}") for r in s.itertuples()]
    )
    sweep_plain = flow(result, "plain", deepest, "init") if result is not None else None
    st.markdown(words.jacobian_sentence(s, depth, act, dj.width, jac.ZERO_BELOW, norm, sweep_plain))
    st.latex(
        r"\frac{\partial \mathbf{x}^{(n)}}{\partial \mathbf{x}^{(0)}} = \prod_{\ell=n}^{1}\Big(\mathbf{I} + "
        r"\frac{\partial \mathcal{F}_\ell}{\partial \mathbf{x}}\Big)\ \text{(residual)}\qquad\text{vs.}\qquad"
        r"\prod_{\ell=n}^{1}\frac{\partial \mathcal{F}_\ell}{\partial \mathbf{x}}\ \text{(plain)}"
    )
    ui.code(jac.jacobian_at)


@st.fragment
def paths_section() -> None:
    st.header("4 · A residual net is many paths (Veit et al. 2016)")
    if result is None:
        return
    samples = result.tables["paths"]
    by_length = by_length_of(samples, deepest) if len(samples) else None
    table = by_length if by_length is not None else length_distribution(deepest)
    st.markdown(said.paths_sentence(deepest, paths.central_range(deepest), by_length))
    st.latex(
        r"\prod_{\ell=n}^{1}\big(\mathbf{I} + J_\ell\big) = \sum_{S \subseteq \{1,\dots,n\}}\ \prod_{\ell \in S} J_\ell"
        rf"\qquad \#\{{S: |S| = k\}} = \binom{{{deepest}}}{{k}}"
    )
    left, right = st.columns(2)
    with left:
        ui.chart(charts.path_lengths, table, filename="resnet_path_lengths.csv")
    with right:
        if len(samples):
            ui.chart(charts.path_gradient_norms, samples, filename="resnet_path_gradients.csv")
            st.caption(
                "Each dot: the gradient one sampled path carries back to x⁽⁰⁾ (backprop through F for k blocks, "
                f"through the skip for the others), on {exp.PATH_BATCH} training digits."
            )
    st.subheader("Delete one block")
    shown = ui.select("Depth shown", "lesion_depth", list(cfg.depths), deepest, widget="segmented_control")
    lesion = result.tables["lesion"]
    ui.chart(
        charts.lesion_chart,
        lesion,
        shown,
        filename="resnet_lesion.csv",
        download=lambda: lesion[lesion.depth == shown],
    )
    st.markdown(said.lesion_sentence(lesion, shown))
    if q := lesion_question(lesion, shown):
        ui.predict_then_reveal(**q, key="q-lesion")
    ui.code(paths.path_gradient, paths.lesion)


def context_section() -> None:
    st.header("5 · Context: what residual nets did")
    left, right = st.columns(2)
    with left:
        st.markdown("**ImageNet top-5 error, by year** (the lecture's table)")
        table = context.imagenet_table()
        ui.chart(charts.imagenet_chart, table, context.HUMAN_TOP5, filename="imagenet_top5.csv")
    with right:
        st.markdown("**CIFAR-10 test error of residual nets** (He et al. 2016, Table 6)")
        table = context.cifar_table()
        ui.chart(charts.cifar_chart, table, filename="cifar10_resnets.csv")
    st.caption(words.CONTEXT_CAPTION)


ui.sections(
    "resnet",
    {
        "sweep": sweep_section,
        "gradient": gradient_section,
        "jacobian": jacobian_section,
        "paths": paths_section,
        "context": context_section,
    },
)
ui.code(
    "gradviz.lessons.resnet.nets:ResidualBlock.forward",
    "gradviz.lessons.resnet.nets:BlockMLP.body",
    "gradviz.lessons.resnet.nets:residual_twins",
    "gradviz.lessons.resnet.sweep:run_sweep",
    title="Show the code: the residual block, its plain twin and the sweep",
)
ui.sources(words.SOURCES)
