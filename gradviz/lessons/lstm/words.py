"""The words and equations of the LSTM lesson, filled in with the numbers on screen.

Every function takes the measured values and returns text or LaTeX; nothing here states a number that a run
produced without being handed it, and every verdict is chosen by the measured quantity it names (checked at
the controls' extremes in tests/unit/test_lstm.py). No torch, no streamlit.
"""

from __future__ import annotations

import math

import pandas as pd

from gradviz import results, sources
from gradviz.fmt import latex_sci, sci, sci_underflow
from gradviz.lessons.lstm.cell import NOTES_NAMES, REGIME_RULES, CellStep, gated_update
from gradviz.lessons.lstm.configs import MAX_WORK, MODEL_NAMES, TASK_NAMES

PROMISE = (
    "Slide the gates of one LSTM cell and see when it remembers, adds, erases or overwrites, and what that does "
    "to the gradient flowing back through it. Then measure how far back the gradient reaches in a tanh RNN, an "
    "identity-initialised ReLU RNN and an LSTM, and train all three on the same long-lag task."
)

JOZEFOWICZ_2015 = (
    "R. Jozefowicz, W. Zaremba & I. Sutskever (2015), An empirical exploration of recurrent network architectures, "
    "ICML: a forget-gate bias of 1",
    "https://proceedings.mlr.press/v37/jozefowicz15.html",
)
GREFF_2017 = (
    "K. Greff, R. Srivastava, J. Koutník, B. Steunebrink & J. Schmidhuber (2017), LSTM: a search space odyssey "
    "(the vanilla LSTM's diagram in the Q&A seed)",
    "https://arxiv.org/abs/1503.04069",
)
CHEN_2017 = (
    "E. Chen (2017), Exploring LSTMs (the rem/save/focus/ltm/wm names)",
    "http://blog.echen.me/2017/05/30/exploring-lstms/",
)
TORCH_LSTM = (
    "PyTorch documentation: torch.nn.LSTM (gate layout i, f, g, o)",
    "https://pytorch.org/docs/stable/generated/torch.nn.LSTM.html",
)
SOURCES = [
    sources.HOCHREITER_1997,
    sources.GERS_2000,
    JOZEFOWICZ_2015,
    sources.LE_2015,
    sources.PASCANU_2013,
    sources.GROSSE_BA,
    sources.LECTURE_NOTES,
    CHEN_2017,
    sources.SURESH_2016,
    sources.LSTM_QA,
    sources.RNN_GRADIENT_BLOG,
    GREFF_2017,
    TORCH_LSTM,
]


def _name(symbol: str, notation: str) -> str:
    return NOTES_NAMES.get(symbol, symbol) if notation == "notes" else symbol


# -- section 1: one cell by hand -----------------------------------------------------------------------------

NOTATIONS = ("standard", "notes")


def equations(notation: str) -> list[str]:
    """The LSTM step in LaTeX, in the standard names or the lecture notes' ("Vanishing and Exploding Gradients" + LSTMs)."""
    if notation == "notes":
        return [
            r"\text{rem}_t = \sigma(W_r x_t + U_r\,\text{wm}_{t-1} + b_r)\qquad"
            r"\text{save}_t = \sigma(W_s x_t + U_s\,\text{wm}_{t-1} + b_s)",
            r"\text{focus}_t = \sigma(W_f x_t + U_f\,\text{wm}_{t-1} + b_f)\qquad"
            r"\text{ltm}'_t = \tanh(W_l x_t + U_l\,\text{wm}_{t-1} + b_l)",
            r"\text{ltm}_t = \text{rem}_t \odot \text{ltm}_{t-1} + \text{save}_t \odot \text{ltm}'_t\qquad"
            r"\text{wm}_t = \text{focus}_t \odot \tanh(\text{ltm}_t)",
            r"\frac{\partial\,\text{ltm}_t}{\partial\,\text{ltm}_{t-1}}\Big|_{\text{along the cell}} = \operatorname{diag}(\text{rem}_t)",
        ]
    return [
        r"f_t = \sigma(W_f x_t + U_f h_{t-1} + b_f)\qquad i_t = \sigma(W_i x_t + U_i h_{t-1} + b_i)",
        r"o_t = \sigma(W_o x_t + U_o h_{t-1} + b_o)\qquad g_t = \tanh(W_g x_t + U_g h_{t-1} + b_g)",
        r"c_t = f_t \odot c_{t-1} + i_t \odot g_t\qquad h_t = o_t \odot \tanh(c_t)",
        r"\frac{\partial c_t}{\partial c_{t-1}}\Big|_{\text{along the cell}} = \operatorname{diag}(f_t)",
    ]


NOTATION_NOTE = (
    "The notes' names: rem = forget gate f, save = input gate i, focus = output gate o, ltm′ = candidate g, "
    "ltm = cell c, wm = hidden state h. Careful: the notes call the *focus* gate's weights W_f, U_f, b_f; "
    "in the standard names b_f is the *forget* gate's bias."
)


def cell_latex(s: CellStep, notation: str) -> list[str]:
    """The current step with its numbers, and the derivative along the cell."""
    n = {
        k: (rf"\text{{{_name(k, notation)}}}" if notation == "notes" else k)
        for k in ("i", "f", "o", "g", "c", "h")
    }
    prev = r"\text{ltm}_{t-1}" if notation == "notes" else "c_{t-1}"
    return [
        rf"{n['c']}_t = {n['f']}\,{prev} + {n['i']}\,{n['g']} = {s.f:.2f}\times{s.c_prev:.2f} + {s.i:.2f}\times{s.g:.2f}"
        rf" = {s.kept:.3f} + {s.written:.3f} = {s.c:.3f}",
        rf"{n['h']}_t = {n['o']}\,\tanh({n['c']}_t) = {s.o:.2f}\times\tanh({s.c:.3f}) = {s.h:.3f}",
        rf"\frac{{\partial {n['c']}_t}}{{\partial {prev}}} = {n['f']} = {s.f:.2f}\qquad"
        rf"\frac{{\partial {n['h']}_t}}{{\partial {prev}}} = {n['o']}\,(1-\tanh^2 {n['c']}_t)\,{n['f']} = {s.dh_dcprev:.3f}",
    ]


def cell_verdict(s: CellStep, regime_name: str, exact: bool, notation: str = "standard") -> str:
    """What the cell did, and what happens to a gradient travelling back along it, from the values."""
    f = _name("f", notation)
    where = f"**{regime_name}**" if exact else f"nearest to **{regime_name}** (i = {s.i:.2f}, f = {s.f:.2f})"
    text = (
        f"Regime: {where} — {REGIME_RULES[regime_name]}{'' if exact else ', approximately'}. The cell kept "
        f"f·c_prev = {s.kept:.3f} of c_prev = {s.c_prev:.2f}, wrote i·g = {s.written:.3f}, and holds c = {s.c:.3f}. "
    )
    if s.f == 1.0:
        text += (
            f"Along the cell a gradient is multiplied by ∂c/∂c_prev = {f} = 1: it passes back **unchanged**, "
            "as many steps as the gate stays at 1 (the constant error carousel)."
        )
    elif s.f == 0.0:
        text += f"Along the cell the gradient is multiplied by {f} = 0: **nothing** flows back to c_prev this way."
    else:
        ten = s.f**10
        text += (
            f"Along the cell a gradient is multiplied by {f} = {s.f:.2f} per step: after 10 such steps "
            f"{s.f:.2f}¹⁰ = {sci(ten)} of it is left (the cell's half-life is {half_life_text(s.f)})."
        )
    return text


def half_life_text(retention: float) -> str:
    """ "n steps" with n = ln ½ / ln r; "forever" at r = 1, "none" at r = 0."""
    if retention >= 1.0:
        return "infinite: nothing is lost"
    if retention <= 0.0:
        return "zero: everything is lost in one step"
    n = math.log(0.5) / math.log(retention)
    return f"{n:.3g} step{'s' if n != 1 else ''}"


QUESTION_SETTINGS = {"i": 0.0, "f": 1.0}  # what the question tells the student to set


def question(o: float = 1.0, g: float = 0.5, c_prev: float = 1.0) -> dict:
    """The lecture's exercise as predict-then-reveal; the answer is computed from the cell at i = 0, f = 1."""
    s = gated_update(QUESTION_SETTINGS["i"], QUESTION_SETTINGS["f"], o, g, c_prev)
    options = [
        "It vanishes: about 0",
        "It shrinks by a sigmoid's slope, at most 0.25",
        "It passes unchanged: exactly 1",
        "It depends on the recurrent weights W",
    ]
    if s.dc_dcprev == 1.0:
        answer = options[2]
    elif s.dc_dcprev == 0.0:
        answer = options[0]
    else:
        answer = options[1]
    return {
        "question": (
            "In section 1 set the input gate **i = 0** and the forget gate **f = 1** (the regime “remember”). "
            "A gradient of size 1 arrives at the new cell cₜ. How much of it reaches the old cell cₜ₋₁ along the cell?"
        ),
        "options": options,
        "answer": answer,
        "explanation": (
            f"cₜ = f·cₜ₋₁ + i·g, so ∂cₜ/∂cₜ₋₁ = f = {s.dc_dcprev:g}: no weight matrix and no squashing "
            f"slope sit on this path. The cell's value passes too: cₜ = {s.c:g} = cₜ₋₁. Over any number of "
            "steps with f = 1 the product of the factors stays 1 — Hochreiter & Schmidhuber's constant error "
            "carousel. (The paths through the gates still multiply by sigmoid and tanh slopes; they shrink.)"
        ),
    }


# -- section 2: how far back the gradient reaches ------------------------------------------------------------


def gain_at(curves: pd.DataFrame, model: str, quantity: str, d: int) -> float:
    """The gain of `model`'s `quantity` at distance `d` (NaN when not measured)."""
    return results.value(curves, model=model, quantity=quantity, distance=d)




REACH_CAPTION = (
    "Gradient gains at initialization, measured by autograd (spectral norms of the Jacobians, float64). The "
    "dashed Π f lies on the purple line by construction: with the gate paths detached, ∂c_T/∂c_t is exactly "
    "diag(Π f) (the unit tests check it to 1e-10). Values that underflow to 0 are not drawn."
)


def reach_distance(curves: pd.DataFrame, model: str, quantity: str, floor: float = 1e-2) -> int:
    """The largest d such that the gain is ≥ floor at every distance 1 … d (0 if already below at d = 1)."""
    c = curves[(curves["model"] == model) & (curves["quantity"] == quantity) & (curves["distance"] >= 1)]
    c = c.sort_values("distance")
    below = c[c["value"] < floor]
    return int(c["distance"].max()) if below.empty else int(below["distance"].iloc[0]) - 1


def reach_verdict(curves: pd.DataFrame, meta: dict) -> str:
    """Which model's gradient reaches how far, from the measured curves at distance T."""
    T = int(meta["T"])
    gains = {
        "tanh RNN ‖∂h_T/∂h_0‖": gain_at(curves, "rnn", "dh", T),
        "IRNN ‖∂h_T/∂h_0‖": gain_at(curves, "irnn", "dh", T),
        "LSTM cell ‖∂c_T/∂c_0‖": gain_at(curves, "lstm", "dc", T),
        "LSTM ‖∂h_T/∂h_0‖": gain_at(curves, "lstm", "dh", T),
    }
    reaches = {
        "tanh RNN": reach_distance(curves, "rnn", "dh"),
        "IRNN": reach_distance(curves, "irnn", "dh"),
        "LSTM cell": reach_distance(curves, "lstm", "dc"),
    }
    ranked = sorted(gains.items(), key=lambda kv: -kv[1])
    listing = "; ".join(f"{k} = {sci_underflow(v)}" for k, v in ranked)
    far = ", ".join(f"{k} {'all ' + str(T) if d == T else d}" for k, d in reaches.items())
    text = (
        f"Measured over T = {T} steps, at initialization: {listing}. Distance over which the gain stays at or "
        f"above 10⁻² — {far} step(s). "
    )
    best = ranked[0][0]
    text += f"The gradient reaches furthest through the **{best.split(' ‖')[0]}** here."
    dh, dc = gains["LSTM ‖∂h_T/∂h_0‖"], gains["LSTM cell ‖∂c_T/∂c_0‖"]
    if 0 < dh < dc:
        text += (
            f" Through the LSTM's hidden state, where sigmoid and tanh slopes act on every path, the gain is "
            f"{sci_underflow(dh)}, {sci(dc / dh)} times below its cell's: those paths still shrink, as the Q&A seed "
            "warns; only the path along the cell is multiplied by nothing but the forget gates."
        )
    elif dh >= dc > 0:
        text += f" Through the LSTM's hidden state the gain is {sci_underflow(dh)}, not below its cell's here."
    return text


def forget_bias_text(curves: pd.DataFrame, meta: dict) -> str:
    """σ(b_f), the half-life, the measured gates, and how the forget-gate product compares with the full
    cell gradient (the paths through the gates), from the measured values."""
    T = int(meta["T"])
    full, prod, bias = (gain_at(curves, "lstm", q, T) for q in ("dc", "forget_product", "bias_only"))
    text = (
        f"With b_f = {meta['forget_bias']:g}, a forget gate that gets no other input is σ(b_f) = {meta['retention']:.3f}: "
        f"the cell halves every {half_life_text(meta['retention'])}. The measured forget gates average "
        f"{meta['mean_forget']:.3f} (from {meta['min_forget']:.3f} to {meta['max_forget']:.3f}): the inputs and "
        f"hₜ₋₁ move them around σ(b_f). Their product over all {T} steps is {sci_underflow(prod)} "
        f"(σ(b_f)^{T} = {sci_underflow(bias)}). "
    )
    if prod > 0 and full > 0:
        ratio = full / prod
        if 0.5 <= ratio <= 2:
            text += (
                f"The full cell gradient ‖∂c_T/∂c_0‖ = {sci_underflow(full)} agrees with the product within a factor "
                f"{max(ratio, 1 / ratio):.2f}: at initialization the paths through the gates add little, as "
                "∂c_t/∂c_(t−1) ≈ diag(f_t) says."
            )
        else:
            more = "larger" if ratio > 1 else "smaller"
            text += (
                f"The full cell gradient ‖∂c_T/∂c_0‖ = {sci_underflow(full)} is {sci(ratio)} times the product, {more}: "
                "over this distance the paths through the gates (c → h → gates → c) are not negligible. "
                "Switching them off (detaching the gates) leaves exactly the product — the tests check it."
            )
    return text


def reach_latex(meta: dict, curves: pd.DataFrame) -> list[str]:
    T = int(meta["T"])
    r = meta["retention"]
    return [
        r"\frac{\partial h_T}{\partial h_t} = \prod_{k=t+1}^{T} \operatorname{diag}\big(\varphi'(z_k)\big)\,W_{hh}"
        r"\qquad\text{(tanh RNN, IRNN)}",
        r"\frac{\partial c_T}{\partial c_t}\Big|_{\text{cell}} = \operatorname{diag}\Big(\prod_{k=t+1}^{T} f_k\Big),"
        rf"\qquad f_k \approx \sigma(b_f) = \sigma({meta['forget_bias']:g}) = {r:.3f}",
        rf"\sigma(b_f)^{{{T}}} = {latex_sci(r**T) if r**T > 0 else '0'}\qquad"
        rf"\max_j \prod_k f_{{k,j}} = {latex_sci(gain_at(curves, 'lstm', 'forget_product', T))}\ \text{{(measured)}}",
        r"n_{1/2} = \frac{\ln \tfrac12}{\ln \sigma(b_f)} = "
        + (rf"{meta['half_life']:.3g}\ \text{{steps}}" if math.isfinite(meta["half_life"]) else r"\infty"),
    ]


# -- section 3: learning a long dependency -------------------------------------------------------------------

LOSS_NAMES = {"adding": "MSE", "order": "cross-entropy"}


def status(final: float, baseline: float) -> str:
    """One model's outcome in words, from its final held-out loss."""
    if math.isnan(final):
        return "diverged"
    share = final / baseline
    if share <= 1 / 20:
        return f"solved it: {share:.1%} of the baseline"
    if share < 0.8:
        return f"learned part of it: {share:.0%} of the baseline"
    return f"stayed at the baseline: {share:.0%} of it"


def task_text(task: str, T: int, baseline: float) -> str:
    if task == "adding":
        return (
            f"**The adding problem**, T = {T}: each step holds a random number in [0, 1] and a marker; exactly two "
            "steps are marked, one in each half, and the target is the sum of the two marked numbers. A net that "
            f"ignores the sequence can at best answer 1 every time: MSE = 1/6 = {baseline:.3f} (the baseline)."
        )
    return (
        f"**The temporal-order task** (Hochreiter & Schmidhuber 1997, §5.6), T = {T}: random symbols a–d, except X "
        "or Y at one position early in the sequence and one in the middle; the class is the pair in order (XX, XY, "
        f"YX, YY). Ignoring the sequence means guessing: cross-entropy ln 4 = {baseline:.3f} (the baseline), "
        "accuracy 25 %."
    )


def learn_verdict(summary: pd.DataFrame, baseline: float, kinds: tuple[str, ...], task: str) -> str:
    """Each model's outcome, and the contrast between them, from the final held-out losses."""

    def v(kind: str, q: str) -> float:
        return results.value(summary, model=kind, quantity=q)

    parts = []
    for k in kinds:
        part = f"**{MODEL_NAMES[k]}** {status(v(k, 'final_loss'), baseline)} (final held-out {LOSS_NAMES[task]} {sci(v(k, 'final_loss'))}"
        if task == "order" and not math.isnan(v(k, "final_accuracy")):
            part += f", accuracy {v(k, 'final_accuracy'):.0%}"
        solved = v(k, "solved_at")
        part += f"; first below 1/20 of the baseline at step {solved:.0f})" if not math.isnan(solved) else ")"
        parts.append(part)
    text = "; ".join(parts) + "."
    finals = {k: v(k, "final_loss") for k in kinds if not math.isnan(v(k, "final_loss"))}
    if len(finals) >= 2:
        best = min(finals, key=finals.get)
        worst = max(finals, key=finals.get)
        if finals[best] > 0 and finals[worst] / finals[best] >= 2:
            text += (
                f" Same data, seed, optimizer and clipping: the {MODEL_NAMES[best]}'s final loss is "
                f"{sci(finals[worst] / finals[best])} times smaller than the {MODEL_NAMES[worst]}'s."
            )
        else:
            text += " Same data, seed, optimizer and clipping, and the final losses are within a factor 2 of each other."
    return text


def input_grad_text(input_grads: pd.DataFrame, T: int) -> str:
    """How far back each trained model looks: ‖∂L/∂x_0‖ relative to ‖∂L/∂x_{T−1}‖, measured."""
    parts = []
    for k in dict.fromkeys(input_grads["model"]):
        g = input_grads[(input_grads["model"] == k) & (input_grads["phase"] == "trained")].set_index("t")[
            "value"
        ]
        first, last = float(g.loc[0]), float(g.loc[T - 1])
        ratio = first / last if last > 0 else math.nan
        # the gradients are float32 (as trained), flushed to zero below ~1e-38
        parts.append(f"{MODEL_NAMES[k]} {sci_underflow(ratio, 'float32') if not math.isnan(ratio) else 'n/a'}")
    return (
        "After training, the gradient of the loss with respect to the first input, relative to the last one "
        f"(‖∂L/∂x_0‖ / ‖∂L/∂x_(T−1)‖, averaged over held-out sequences): {'; '.join(parts)}. A model whose ratio is "
        "tiny barely feels what happened early in the sequence, so gradient descent gets almost no signal to "
        "make it use an early marked position."
    )


def learn_latex(task: str, baseline: float, input_grads: pd.DataFrame, T: int) -> list[str]:
    """The baseline's value and the chain rule behind ‖∂L/∂x_t‖, with the measured ratios."""
    if task == "adding":
        base = rf"L_{{\text{{ignore input}}}} = \operatorname{{Var}}[u_1 + u_2] = \tfrac1{{12}} + \tfrac1{{12}} = \tfrac16 = {baseline:.3f}"
    else:
        base = rf"L_{{\text{{ignore input}}}} = -\ln\tfrac14 = \ln 4 = {baseline:.3f}"
    lines = [
        base,
        r"\frac{\partial L}{\partial x_t} = \frac{\partial L}{\partial h_T}\,"
        r"\underbrace{\frac{\partial h_T}{\partial h_t}}_{\text{section 2's product}}\,\frac{\partial h_t}{\partial x_t}",
    ]
    ratios = []
    for k in dict.fromkeys(input_grads["model"]):
        g = input_grads[(input_grads["model"] == k) & (input_grads["phase"] == "trained")].set_index("t")[
            "value"
        ]
        first, last = float(g.loc[0]), float(g.loc[T - 1])
        value = latex_sci(first / last) if last > 0 and first > 0 else ("0" if last > 0 else r"\text{n/a}")
        ratios.append(rf"\text{{{MODEL_NAMES[k]}}}: {value}")
    lines.append(
        r"\frac{\|\partial L/\partial x_0\|}{\|\partial L/\partial x_{T-1}\|}\Big|_{\text{trained}}:\quad "
        + r",\quad ".join(ratios)
    )
    return lines


def estimate_text(seconds: float, allowed: bool, work: int, work_default: int) -> str:
    """Why a live run does not start by itself: over the server's cap, or larger than the default."""
    if not allowed:
        return (
            f"These settings are {work / MAX_WORK:.1f}× the largest run this shared server trains live "
            f"(steps × T × models ≤ {MAX_WORK:,}). Lower the steps, T or the number of models."
        )
    return (
        f"These settings are larger than the default ({work / work_default:.1f}× its steps × T × models) and not "
        f"precomputed: training them live takes about **{seconds:.0f} s** of one CPU core, estimated from the cost "
        "per step measured while the default trained."
    )


# -- section 4: inside a trained LSTM ------------------------------------------------------------------------


def inside_text(inside: pd.DataFrame, example: pd.DataFrame, meta_lstm: dict, task: str) -> str:
    """What the traced units did on the example, in measured numbers: input gate at and away from the marked
    positions, forget gate from the first mark to the end, and how much the cell changed."""
    marks = example.loc[example["marked"], "t"].tolist()
    if not marks:
        return ""
    first = int(marks[0])
    units = list(dict.fromkeys(inside["unit"]))
    u = units[0]
    q = {k: inside[(inside["unit"] == u) & (inside["quantity"] == k)].set_index("t")["value"] for k in "ifc"}
    i_at = float(q["i"].loc[marks].mean())
    i_else = float(q["i"].drop(index=marks).mean())
    f_span = q["f"].loc[first + 1 :]
    held = float(f_span.prod()) if len(f_span) else 1.0
    c_before = float(q["c"].loc[first - 1]) if first > 0 else 0.0
    target, pred = meta_lstm.get("example_target"), meta_lstm.get("example_prediction")
    r = meta_lstm["inside_correlations"][0]
    n = meta_lstm.get("inside_sequences", 0)
    what = "number" if task == "adding" else "symbol (X = +1, Y = −1)"
    answer = (
        f"The trained LSTM answers {pred:.3f} for this sequence (target {target:.3f})."
        if task == "adding"
        else f"The trained LSTM answers {pred} for this sequence (target {target})."
    )
    return (
        f"Marked positions: {', '.join(str(m) for m in marks)}. The units drawn are the {len(units)} whose final cell "
        f"co-varies most with the first marked {what} over {n} held-out sequences; unit {u} (correlation "
        f"r = {r:+.2f}): its input "
        f"gate averages {i_at:.2f} at the marked positions and {i_else:.2f} elsewhere; from the first mark to the "
        f"end its forget gate averages {float(f_span.mean()) if len(f_span) else 1.0:.3f} (lowest "
        f"{float(f_span.min()) if len(f_span) else 1.0:.3f}), so the cell keeps Π f = {sci(held)} of what it held "
        f"after the first mark. Its cell went from {c_before:.2f} before the first mark to "
        f"{float(q['c'].iloc[-1]):.2f} at the end. {answer}"
    )


def forget_trick_text(reach_results: list, learn_results: list) -> str:
    """The forget-bias trick with its measured effect, from (config, Result) pairs: the reach presets
    (‖∂c_T/∂c_0‖ and the mean forget gate at init) and the learning presets on the adding problem (the
    trained LSTM's final loss and the step it first passed 1/20 of the baseline)."""
    lines = [
        "PyTorch initializes every LSTM bias uniformly around 0, so a fresh forget gate sits near σ(0) = ½ and the "
        "cell halves every step. Gers et al. (2000) introduced the forget gate; Jozefowicz et al. (2015) found "
        "that adding a bias of 1 to the forget gate closes the gap between the LSTM and the GRU. (The 1997 "
        "LSTM had no forget gate: its cell was the pure carousel, f = 1.) Measured here:"
    ]
    for cfg, res in sorted(reach_results, key=lambda pair: pair[0].forget_bias):
        dc = gain_at(res.tables["curves"], "lstm", "dc", cfg.T)
        lines.append(
            f"- at init, b_f = {cfg.forget_bias:g}: forget gates average {res.meta['mean_forget']:.3f}; "
            f"‖∂c_T/∂c_0‖ over {cfg.T} steps = {sci_underflow(dc)}"
        )
    for cfg, res in sorted(learn_results, key=lambda pair: pair[0].forget_bias):
        s = res.tables["summary"]
        final, solved = (
            float(s[(s["model"] == "lstm") & (s["quantity"] == q)]["value"].iloc[0])
            for q in ("final_loss", "solved_at")
        )
        when = (
            f"first below 1/20 of the baseline at step {solved:.0f}"
            if not math.isnan(solved)
            else "never below 1/20 of the baseline"
        )
        lines.append(
            f"- trained on the {TASK_NAMES[cfg.task]} (T = {cfg.T}, {cfg.steps} steps), b_f = {cfg.forget_bias:g}: "
            f"the LSTM's final held-out loss is {sci(final)} = {final / res.meta['baseline']:.1%} of the baseline, {when}"
        )  # fmt: skip
    return "\n".join(lines)


def task_name(task: str) -> str:
    return TASK_NAMES[task]
