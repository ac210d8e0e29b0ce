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
from gradviz.lessons.lstm.cell import NOTES_NAMES, REGIME_RULES, CellStep
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
    if n < 1:
        return f"{n:.3g} of a step (less than one step)"
    return f"{n:.3g} step{'s' if n != 1 else ''}"


def doubling_text(growth: float) -> str:
    """ "n steps" with n = ln 2 / ln g for a per-step factor g > 1."""
    n = math.log(2.0) / math.log(growth)
    return f"{n:.3g} of a step (less than one step)" if n < 1 else f"{n:.3g} steps"






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


GAIN_TOL = 1e-9  # a gain within 1e-9 of 1 is "exactly 1" (the IRNN's ReLU mask passes 1.0 exactly)
RATE_TOL = 0.01  # per-step factors closer than this decay (or grow) "at the same rate"


def gain_word(g: float) -> str:
    """A gain over the whole distance in one word: above 1 is growth, whatever the model."""
    if g > 1 + GAIN_TOL:
        return "grew"
    if abs(g - 1) <= GAIN_TOL:
        return "unchanged"
    return "shrank" if g > 0 else "underflowed"


def per_step_rate(curves: pd.DataFrame, model: str, quantity: str, d0: int, d1: int) -> float:
    """The gain's geometric-mean factor per step between distances d0 < d1: (g(d1) / g(d0))^(1/(d1 − d0));
    NaN when either gain is 0 (underflow) or missing."""
    a, b = gain_at(curves, model, quantity, d0), gain_at(curves, model, quantity, d1)
    if not (a > 0 and b > 0) or d1 <= d0:
        return math.nan
    # r = (g(d₁) / g(d₀))^{1/(d₁ − d₀)}
    return (b / a) ** (1.0 / (d1 - d0))


def far_half(T: int) -> tuple[int, int]:
    """The far half of the distance, d = ⌊T/2⌋ … T, over which per-step rates are compared (the near end
    holds the one-off factors of entering and leaving the cell)."""
    return T // 2, T


def reach_verdict(curves: pd.DataFrame, meta: dict) -> str:
    """Which model's gradient reaches how far, from the measured curves at distance T; growth (a gain above 1)
    is called growth, and the LSTM's hidden state is compared with its cell by per-step rate, not end value."""
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
    listing = "; ".join(f"{k} = {sci_underflow(v)} ({gain_word(v)})" for k, v in ranked)
    far = ", ".join(f"{k} {'all ' + str(T) if d == T else d}" for k, d in reaches.items())
    text = (
        f"Measured over T = {T} steps, at initialization: {listing}. Distance over which the gain stays at or "
        f"above 10⁻² — {far} step(s). "
    )
    best, top = ranked[0][0].split(" ‖")[0], ranked[0][1]
    if gain_word(top) == "grew":
        text += (
            f"The largest gain is through the **{best}**, and it is **above 1**: over {T} steps the gradient "
            f"**grew** {sci(top)}-fold. That is growth, not reach: it compounds with distance into an "
            "**exploding** gradient."
        )
        others = [k.split(" ‖")[0] for k, v in ranked[1:] if gain_word(v) == "grew"]
        if others:
            text += f" Also above 1: {', '.join(others)}."
    elif gain_word(top) == "unchanged":
        text += f"The gradient reaches furthest through the **{best}** here, passed back exactly unchanged (gain 1)."
    else:
        text += f"The gradient reaches furthest through the **{best}** here, though it shrank."
    irnn = gains["IRNN ‖∂h_T/∂h_0‖"]
    if "irnn_always_active" in meta:
        n_on, H = int(meta["irnn_always_active"]), int(meta["hidden"])
        mask = (
            "with W_hh = I and zero biases, ∂h_T/∂h_t = Π_k diag(1[z_k > 0]), the ReLU mask: a unit active at "
            "every step passes the gradient back exactly and any other passes nothing"
        )
        if n_on:
            value = "exactly 1" if gain_word(irnn) == "unchanged" else sci_underflow(irnn)
            text += f" The IRNN's gain is {value} because {mask}; here {n_on} of {H} units are active at all {T} steps."
        else:
            text += f" The IRNN's gain is exactly 0 because {mask}; here no unit is active at all {T} steps."
        text += (
            " A gain of 1 at initialization is necessary for a long reach, not sufficient for learning: "
            "section 3 trains it."
        )
    dh, dc = gains["LSTM ‖∂h_T/∂h_0‖"], gains["LSTM cell ‖∂c_T/∂c_0‖"]
    if dh > 0 and dc > 0:
        gap = f"{sci(dc / dh)} times below its cell's" if dh < dc else f"{sci(dh / dc)} times its cell's"
        text += f" Through the LSTM's hidden state the gain at d = {T} is {sci_underflow(dh)} ({gain_word(dh)}), {gap}."
        d0, d1 = far_half(T)
        rh, rc = per_step_rate(curves, "lstm", "dh", d0, d1), per_step_rate(curves, "lstm", "dc", d0, d1)
        if math.isfinite(rh) and math.isfinite(rc):
            text += (
                f" Per step, over the far half of the distance (d = {d0} … {d1}), the hidden-state gain changes by "
                f"a factor {rh:.3f} and the cell's by {rc:.3f}"
            )
            if abs(rh - rc) <= RATE_TOL:
                text += (
                    f": **the same rate** (within {RATE_TOL:g}). The gap is a roughly constant factor, the kind "
                    "picked up once at each end (entering and leaving the cell through σ′ and o·tanh′), not a "
                    "shrinking along the way."
                )
            elif rh < rc:
                text += ": the hidden-state paths shrink faster per step than the cell's."
            else:
                text += (
                    ": the hidden-state gain falls more slowly per step than the cell's (or grows faster)."
                )
    return text


def cell_rate(curves: pd.DataFrame, T: int) -> float:
    """The full cell gradient's mean factor per step over all T steps: ‖∂c_T/∂c_0‖^(1/T) (‖∂c_T/∂c_T‖ = 1)."""
    return per_step_rate(curves, "lstm", "dc", 0, T)


def rate_text(rate: float) -> str:
    """A measured per-step factor and what it compounds to: halving or doubling time."""
    if not math.isfinite(rate):
        return "not measurable (the gain underflowed to 0)"
    if rate > 1 + GAIN_TOL:
        return f"{rate:.3f} per step: it **grows**, doubling every {doubling_text(rate)}"
    if abs(rate - 1) <= GAIN_TOL:
        return "1 per step: unchanged"
    return f"{rate:.3f} per step: it halves every {half_life_text(rate)}"


def forget_bias_text(curves: pd.DataFrame, meta: dict) -> str:
    """σ(b_f) and the direct path's half-life, the measured gates, and how the forget-gate product and the
    direct-path factor compare with the full cell gradient (the paths through the gates), from the measured
    values."""
    T = int(meta["T"])
    full, prod, bias = (gain_at(curves, "lstm", q, T) for q in ("dc", "forget_product", "bias_only"))
    text = (
        f"With b_f = {meta['forget_bias']:g}, a forget gate that gets no other input is σ(b_f) = {meta['retention']:.3f}: "
        f"the direct-path factor σ(b_f)ⁿ halves every {half_life_text(meta['retention'])}. The measured forget gates average "
        f"{meta['mean_forget']:.3f} (from {meta['min_forget']:.3f} to {meta['max_forget']:.3f}): the inputs and "
        f"hₜ₋₁ move them around σ(b_f). Their product over all {T} steps is {sci_underflow(prod)} "
        f"(σ(b_f)^{T} = {sci_underflow(bias)}). The full cell gradient, measured over all paths, changes by "
        f"‖∂c_T/∂c_0‖^(1/{T}) = {rate_text(cell_rate(curves, T))}. "
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
    if gain_word(full) == "grew":
        text += (
            f" ‖∂c_T/∂c_0‖ = {sci_underflow(full)} is **above 1**: the gradient **grew** {sci(full)}-fold through the "
            f"gate paths although every forget gate is below 1 (their product is {sci_underflow(prod)}) — an "
            "exploding gradient, not a carousel."
        )
    return text


def reach_readouts(curves: pd.DataFrame, meta: dict) -> list[tuple[str, str, str | None]]:
    """Section 2's readouts: the direct path's factor and half-life beside the measured per-step rate and
    the measured gains, each gain above 1 flagged as growth."""
    T, r = int(meta["T"]), meta["retention"]
    rate = cell_rate(curves, T)
    dc, dh = gain_at(curves, "lstm", "dc", T), gain_at(curves, "rnn", "dh", T)

    def flag(g: float, what: str) -> str:
        return f"{what} — above 1: it grew" if gain_word(g) == "grew" else what

    return [
        ("direct-path factor σ(b_f)", f"{r:.3f}", "a forget gate with no other input"),
        ("σ(b_f)ⁿ halves every", half_life_text(r), "ln ½ / ln σ(b_f): the direct path, bias only"),
        ("mean forget gate (measured)", f"{meta['mean_forget']:.3f}", "over units and steps, at init"),
        ("cell gain per step (measured)", f"{rate:.3f}" if math.isfinite(rate) else "n/a",
         flag(rate, f"‖∂c_T/∂c_0‖^(1/T), all paths; {rate_text(rate).replace('**', '')}")),
        ("LSTM ‖∂c_T/∂c_0‖", sci(dc), flag(dc, "measured, all paths")),
        ("tanh RNN ‖∂h_T/∂h_0‖", sci(dh), flag(dh, "measured")),
    ]  # fmt: skip


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
        r"n_{1/2}\big(\sigma(b_f)^n\big) = \frac{\ln \tfrac12}{\ln \sigma(b_f)} = "
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
            f"**The adding problem** in Le, Jaitly & Hinton (2015)'s version, T = {T}: each step holds a random number "
            "u ~ U[0, 1] and a marker; exactly two steps are marked, one in each half, and the target is the sum "
            "u₁ + u₂ of the two marked numbers. (Hochreiter & Schmidhuber's original, §5.4, draws values in [−1, 1] "
            "and targets 0.5 + (x₁ + x₂)/4.) A net that ignores the sequence can at best answer 1 every time: "
            f"MSE = 1/6 = {baseline:.3f} (the baseline)."
        )
    return (
        f"**The temporal-order task** (Hochreiter & Schmidhuber 1997, §5.6), T = {T}: the sequence starts with the "
        "start symbol E and ends with the trigger symbol B, at which the net answers; in between, random symbols "
        "a–d, except X or Y at one position early in the sequence and one in the middle; the class is the pair in "
        "order (XX, XY, "
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


SOLVED_SHARE = 1 / 20  # a final loss at or below 1/20 of the baseline counts as solved (as `status` says)
FEELS_FIRST = 0.1  # a trained first/second-mark ratio at or above this: the model responds to the first mark


def mark_ratio(mark_grads: pd.DataFrame, model: str, phase: str) -> float:
    """‖∂L/∂x_{t₁}‖ / ‖∂L/∂x_{t₂}‖: the gradient at the first marked position over the second (NaN if absent)."""
    g = mark_grads[(mark_grads["model"] == model) & (mark_grads["phase"] == phase)].set_index("mark")["value"]
    if "first" not in g or "second" not in g or not g["second"] > 0:
        return math.nan
    return float(g["first"] / g["second"])


def _ratio(v: float) -> str:
    # the gradients are float32 (as trained), flushed to zero below ~1e-38
    return "n/a" if math.isnan(v) else sci_underflow(v, "float32")


def _final(summary: pd.DataFrame, kind: str, q: str = "final_loss") -> float:
    hit = summary[(summary["model"] == kind) & (summary["quantity"] == q)]["value"]
    return float(hit.iloc[0]) if len(hit) else math.nan


def input_grad_text(
    mark_grads: pd.DataFrame, summary: pd.DataFrame, baseline: float, kinds: tuple[str, ...]
) -> str:
    """How much each model feels the first marked input, relative to the second, at initialization and after
    training (measured), and what the ratio at initialization did and did not decide (from the outcomes)."""
    init = {k: mark_ratio(mark_grads, k, "init") for k in kinds}
    trained = {k: mark_ratio(mark_grads, k, "trained") for k in kinds}
    solved = {
        k: _final(summary, k) <= SOLVED_SHARE * baseline for k in kinds
    }  # NaN (diverged) compares False
    text = (
        "The gradient of the loss with respect to the input at the first marked position, relative to the "
        "second (‖∂L/∂x_t₁‖ / ‖∂L/∂x_t₂‖, averaged over held-out sequences; the target depends on both marked "
        f"inputs alike): at initialization {'; '.join(f'{MODEL_NAMES[k]} {_ratio(init[k])}' for k in kinds)}; "
        f"after training {'; '.join(f'{MODEL_NAMES[k]} {_ratio(trained[k])}' for k in kinds)}."
    )
    feels = [MODEL_NAMES[k] for k in kinds if trained[k] >= FEELS_FIRST]
    ignores = [MODEL_NAMES[k] for k in kinds if trained[k] < FEELS_FIRST]
    if feels:
        text += f" After training, {', '.join(feels)} respond{'s' if len(feels) == 1 else ''} to the first mark (ratio ≥ {FEELS_FIRST:g})"
        text += (
            f"; {', '.join(ignores)} barely feel{'s' if len(ignores) == 1 else ''} it." if ignores else "."
        )
    elif ignores:
        text += f" After training, no model responds to the first mark (every ratio below {FEELS_FIRST:g})."
    measured = [k for k in kinds if math.isfinite(init[k])]
    won = [k for k in measured if solved[k]]
    lost = [k for k in measured if not solved[k]]
    if not won or not lost:
        text += (
            f" {'Every model solved it' if won else 'No model solved it'}, so the ratio at initialization cannot "
            "be compared with the outcome here."
        )
        return text
    # a counterexample to "a larger ratio at initialization learns": a model that failed with more gradient
    # at the first mark than one that solved it
    pairs = [(a, b) for a in lost for b in won if init[a] > init[b]]
    if pairs:
        a, b = max(pairs, key=lambda p: init[p[0]] / max(init[p[1]], 1e-300))
        text += (
            f" The ratio at initialization did **not** decide who learned: the {MODEL_NAMES[a]} started with "
            f"{_ratio(init[a])} and did not solve the task, while the {MODEL_NAMES[b]} started with "
            f"{_ratio(init[b])} and did. Some gradient must reach the first mark for gradient descent to learn to "
            "use it, but a large share at initialization was not sufficient, and a small one did not prevent it."
        )
    else:
        text += (
            " Here every model that solved the task started with a larger ratio than every model that did not: "
            "consistent with (not proof of) a gradient at the first mark helping gradient descent start using it."
        )
    return text


def irnn_text(summary: pd.DataFrame, mark_grads: pd.DataFrame, baseline: float, cfg) -> str:
    """Why the IRNN's exact gain of 1 at initialization (section 2) did or did not make it learn here."""
    if "irnn" not in cfg.kinds:
        return ""
    final = _final(summary, "irnn")
    before, after = mark_ratio(mark_grads, "irnn", "init"), mark_ratio(mark_grads, "irnn", "trained")
    setting = f"Adam, lr {cfg.lr:g}, {cfg.steps} steps, clipping at norm 1"
    if final <= SOLVED_SHARE * baseline:
        text = f"The IRNN solved it here ({setting})"
        text += (
            ", as Le, Jaitly & Hinton (2015) report for the adding problem in their own regime."
            if cfg.task == "adding"
            else "."
        )
        if math.isfinite(before) and math.isfinite(after):
            text += f" Its first/second-mark gradient ratio was {_ratio(before)} at initialization and {_ratio(after)} after training."
        return text
    text = (
        "The IRNN passes the gradient back with gain exactly 1 at initialization (section 2), yet "
        + (
            "it diverged"
            if math.isnan(final)
            else f"its final loss is {final / baseline:.0%} of the baseline"
        )
        + ": a gain of 1 at initialization is necessary, not sufficient. Le, Jaitly & "
        "Hinton (2015) solve the adding problem with the IRNN using a small learning rate, gradient clipping and "
        f"far longer training; this setting ({setting}) is not their regime."
    )
    if math.isfinite(before) and math.isfinite(after):
        if after < before:
            text += (
                f" Training collapsed its reach: its first/second-mark gradient ratio fell from {_ratio(before)} at "
                f"initialization to {_ratio(after)} (measured)."
            )
        else:
            text += f" Its first/second-mark gradient ratio went from {_ratio(before)} to {_ratio(after)}: its reach did not collapse."
    return text


def learn_latex(task: str, baseline: float, mark_grads: pd.DataFrame, kinds: tuple[str, ...]) -> list[str]:
    """The baseline's value and the chain rule behind ‖∂L/∂x_t‖, with the measured first/second-mark ratios."""
    if task == "adding":
        base = rf"L_{{\text{{ignore input}}}} = \operatorname{{Var}}[u_1 + u_2] = \tfrac1{{12}} + \tfrac1{{12}} = \tfrac16 = {baseline:.3f}"
    else:
        base = rf"L_{{\text{{ignore input}}}} = -\ln\tfrac14 = \ln 4 = {baseline:.3f}"
    lines = [
        base,
        r"\frac{\partial L}{\partial x_t} = \frac{\partial L}{\partial h_T}\,"
        r"\underbrace{\frac{\partial h_T}{\partial h_t}}_{\text{section 2's product}}\,\frac{\partial h_t}{\partial x_t}",
    ]

    def value(v: float) -> str:
        return r"\text{n/a}" if math.isnan(v) else ("0" if v == 0 else latex_sci(v))

    for phase, label in (("init", "at init"), ("trained", "trained")):
        ratios = [rf"\text{{{MODEL_NAMES[k]}}}: {value(mark_ratio(mark_grads, k, phase))}" for k in kinds]
        lines.append(
            rf"\frac{{\|\partial L/\partial x_{{t_1}}\|}}{{\|\partial L/\partial x_{{t_2}}\|}}\Big|_{{\text{{{label}}}}}:\quad "
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


SELECTIVE_BY = 0.2  # a latching unit's input gate is at least this much more open at the marks than elsewhere
RETAINS_FROM = 0.5  # ... and its forget gates keep at least half of what it held after the first mark


def latch_measures(inside: pd.DataFrame, unit: int, marks: list[int]) -> dict[str, float]:
    """One traced unit on the example: its input gate at and away from the marked positions, and Π f from
    the step after the first mark to the end (what its cell keeps of its first-mark content along the cell)."""
    q = {
        k: inside[(inside["unit"] == unit) & (inside["quantity"] == k)].set_index("t")["value"] for k in "ifc"
    }
    f_span = q["f"].loc[marks[0] + 1 :]
    return {
        "i_at": float(q["i"].loc[marks].mean()),
        "i_else": float(q["i"].drop(index=marks).mean()),
        # Π_{t > t₁} f_t
        "held": float(f_span.prod()) if len(f_span) else 1.0,
        "f_mean": float(f_span.mean()) if len(f_span) else 1.0,
        "f_min": float(f_span.min()) if len(f_span) else 1.0,
        "c_before": float(q["c"].loc[marks[0] - 1]) if marks[0] > 0 else 0.0,
        "c_end": float(q["c"].iloc[-1]),
    }


def latches(m: dict[str, float]) -> bool:
    """A unit latches the first mark when its input gate opens selectively there and its cell then holds."""
    return m["i_at"] - m["i_else"] >= SELECTIVE_BY and m["held"] >= RETAINS_FROM


def inside_text(inside: pd.DataFrame, example: pd.DataFrame, meta_lstm: dict, task: str) -> str:
    """What the traced units did on the example, in measured numbers: input gate at and away from the marked
    positions, forget gate from the first mark to the end, and whether each unit latches the first mark."""
    marks = [int(m) for m in example.loc[example["marked"], "t"].tolist()]
    if not marks:
        return ""
    units = list(dict.fromkeys(inside["unit"]))
    u = units[0]
    per = {k: latch_measures(inside, k, marks) for k in units}
    m = per[u]
    target, pred = meta_lstm.get("example_target"), meta_lstm.get("example_prediction")
    r = meta_lstm["inside_correlations"][0]
    n = meta_lstm.get("inside_sequences", 0)
    what = "number" if task == "adding" else "symbol (X = +1, Y = −1)"
    answer = (
        f"The trained LSTM answers {pred:.3f} for this sequence (target {target:.3f})."
        if task == "adding"
        else f"The trained LSTM answers {pred} for this sequence (target {target})."
    )
    text = (
        f"Marked positions: {', '.join(str(t) for t in marks)}. The units drawn are the {len(units)} whose final cell "
        f"co-varies most with the first marked {what} over {n} held-out sequences (chosen by that covariance, not "
        f"by whether they latch); unit {u} (correlation r = {r:+.2f}): its input gate averages {m['i_at']:.2f} at "
        f"the marked positions and {m['i_else']:.2f} elsewhere; from the first mark to the end its forget gate "
        f"averages {m['f_mean']:.3f} (lowest {m['f_min']:.3f}), so the cell keeps Π f = {sci(m['held'])} of what it "
        f"held after the first mark. Its cell went from {m['c_before']:.2f} before the first mark to "
        f"{m['c_end']:.2f} at the end. "
    )
    if latches(m):
        text += (
            f"Unit {u} **latches**: its input gate opens at the marks and its forget gates then hold, a carousel "
            f"carrying the first {what.split(' ')[0]}. "
        )
    else:
        why = []
        if m["i_at"] - m["i_else"] < SELECTIVE_BY:
            how = "less open" if m["i_at"] < m["i_else"] else "barely more open"
            why.append(
                f"its input gate is {how} at the marks ({m['i_at']:.2f} vs {m['i_else']:.2f} elsewhere)"
            )
        if m["held"] < RETAINS_FROM:
            why.append(f"its cell keeps only Π f = {sci(m['held'])} of its first-mark content")
        text += (
            f"Unit {u} **does not latch**: {' and '.join(why)}, so its own carousel is not what carries the first "
            f"{what.split(' ')[0]} to the end. "
        )
    n_latch = sum(latches(v) for v in per.values())
    text += (
        f"Of the {len(units)} units drawn, {n_latch} latch{'es' if n_latch == 1 else ''} by this test (input gate "
        f"at least {SELECTIVE_BY:g} more open at the marks than elsewhere, and Π f ≥ {RETAINS_FROM:g} after the "
        f"first mark). {answer}"
    )
    return text


def forget_trick_text(reach_results: list, learn_results: list, missing: list) -> str:
    """The forget-bias trick with its measured effect, from (config, Result) pairs: the reach presets
    (‖∂c_T/∂c_0‖ and the mean forget gate at init) and the adding-problem runs of b_f = 0 and 1 on seeds 0–2
    (the trained LSTM's final loss and the step it first passed 1/20 of the baseline); `missing` lists the
    (b_f, seed) runs not precomputed yet, said plainly instead."""
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
            + (" — above 1: it **grew**" if gain_word(dc) == "grew" else "")
        )
    by_bias: dict[float, list] = {}
    for cfg, res in learn_results:
        by_bias.setdefault(cfg.forget_bias, []).append((cfg, res))
    for b_f in sorted(by_bias):
        runs = sorted(by_bias[b_f], key=lambda pair: pair[0].seed)
        cfg0 = runs[0][0]
        parts, n_solved = [], 0
        for cfg, res in runs:
            s, base = res.tables["summary"], res.meta["baseline"]
            final, solved = (_final(s, "lstm", q) for q in ("final_loss", "solved_at"))
            n_solved += not math.isnan(solved)
            when = f"below 1/20 from step {solved:.0f}" if not math.isnan(solved) else "never below 1/20"
            parts.append(f"seed {cfg.seed}: {sci(final)} = {final / base:.1%} of the baseline, {when}")
        lines.append(
            f"- trained on the {TASK_NAMES[cfg0.task]} (T = {cfg0.T}, {cfg0.steps} steps), b_f = {b_f:g}, "
            f"{len(runs)} seed{'s' if len(runs) != 1 else ''}: the LSTM's final held-out loss — {'; '.join(parts)}. "
            f"Solved (≤ 1/20 of the baseline) in {n_solved} of {len(runs)}."
        )
    if missing:
        lines.append(
            "- not precomputed yet, so not shown: "
            + ", ".join(f"b_f = {b:g} seed {s}" for b, s in missing)
            + " (the precomputed results are regenerated with `python -m gradviz.precompute lstm`)."
        )
    return "\n".join(lines)


def task_name(task: str) -> str:
    return TASK_NAMES[task]
