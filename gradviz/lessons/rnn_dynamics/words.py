"""Words and equations tied to the numbers: sizes in plain text and LaTeX, each section's verdict,
equations and readouts, and the lessons that fix the problem."""

from __future__ import annotations

import math

import pandas as pd

from gradviz.fmt import latex_sci
from gradviz.lessons.rnn_dynamics.bounded import BIG
from gradviz.lessons.rnn_dynamics.configs import (
    COST_SLOPE_HALF_WIDTH,
    COST_STARTS,
    ChainConfig,
    CliffConfig,
    ManyConfig,
    MapConfig,
    UnitConfig,
)

# == Words and equations tied to the numbers ================================================================
# Each section's verdict (plain words) and its equations with the on-screen numbers substituted, so the
# page only lays them out. Sizes below 1e-300 or above 1e300 are said as such, never as 0 or inf.


def format_size(x: float, digits: int = 2) -> str:
    """Scientific notation for a value that may span hundreds of orders of magnitude."""
    x = float(x)
    if not math.isfinite(x) or abs(x) >= BIG:
        return ("−" if x < 0 else "") + "≥ 1e+300"
    if x == 0.0:
        return "< 1e-300"
    return f"{x:.{digits}e}"


def latex_size(x: float, digits: int = 2) -> str:
    """The same in LaTeX: 1.17\\times10^{2}."""
    x = float(x)
    if not math.isfinite(x) or abs(x) >= BIG:
        return r"\geq 10^{300}"
    if x == 0.0:
        return r"< 10^{-300}"
    return latex_sci(x, digits)


def _stability(multiplier: float, unstable_word: str) -> str:
    """|μ| < 1 attracts, |μ| > 1 repels, |μ| = 1 (a bifurcation point, e.g. r = 1 or r = 3) is marginal."""
    size = abs(float(multiplier))
    return "marginal" if abs(size - 1.0) < 1e-9 else "stable" if size < 1.0 else unstable_word


def _size_word(x: float, small: float = 1e-2, large: float = 1e2) -> str:
    x = abs(float(x))
    return "vanishing" if x < small else "exploding" if x > large else "neither vanishing nor exploding"


def chain_words(cfg: ChainConfig, meta: dict) -> dict:
    lin, tan = meta["linear"], meta["tanh"]
    verdict = (
        f"**Linear unit: {_size_word(lin)}.** {cfg.T} factor{'s' if cfg.T > 1 else ''} of w = {cfg.w:g} multipl{'y' if cfg.T > 1 else 'ies'} to "
        f"{format_size(lin)}. **tanh unit: {_size_word(tan)}.** The same w, but every factor is also multiplied by "
        f"1 − h_t² (geometric mean of the factors {meta['tanh_mean_factor']:.3f}), so the product is {format_size(tan)}."
    )
    latex = [
        rf"\frac{{\partial h_T}}{{\partial h_0}} = \prod_{{t=1}}^{{T}} w = w^{{T}} = {cfg.w:g}^{{{cfg.T}}} = {latex_size(lin)}",
        rf"\frac{{\partial h_T}}{{\partial h_0}} = \prod_{{t=1}}^{{T}} w\,(1-h_t^2) "
        rf"= {meta['tanh_mean_factor']:.3f}^{{{cfg.T}}} = {latex_size(tan)} \quad (\tanh\text{{ unit, }} h_0 = {cfg.h0:g})",
        rf"\text{{the lecture's }} w^{{T-1}} \text{{ at }} T = {cfg.T}: \; {cfg.w:g}^{{{cfg.T - 1}}} = {latex_size(meta['lecture_formula'])}",
    ]
    explain = (
        "**One convention on this page: T counts steps**, so the states run h₀ … h_T and the product has "
        "exactly T factors. The lecture numbers its states h⁽¹⁾ … h⁽ᵀ⁾ and writes w^(T−1), yet its numbers "
        "117.4 and 0.00515 are 1.1⁵⁰ and 0.9⁵⁰: **fifty** factors. Its own formula at T = 50 would give "
        "1.1⁴⁹ ≈ 106.7 and 0.9⁴⁹ ≈ 0.00573 (third line below). The presets reproduce the lecture's numbers "
        "with T = 50 steps. The tanh unit starts at h₀ = 0.5 with b = 0."
    )
    # the headline numbers: (label, value as shown, help)
    readouts = [
        ("linear: ∂h_T/∂h_0 = w^T", format_size(lin), None),
        ("tanh: ∂h_T/∂h_0", format_size(tan), f"h_0 = {cfg.h0:g}, b = {cfg.b:g}"),
        ("lecture's w^(T−1)", format_size(meta["lecture_formula"]), "the lecture's indexing, see below"),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


def map_words(cfg: MapConfig, meta: dict) -> dict:
    lam, p = meta["lyapunov"], meta["period"]
    if p is None:
        found = None
    else:
        kind = "fixed point" if p == 1 else f"{p}-cycle"
        found = (
            f"a {_stability(meta['multiplier'], 'repelling')} {kind} (multiplier {meta['multiplier']:.3g})"
        )
    if abs(lam) < 5e-4:  # shown as 0.000: a bifurcation point, where the derivative changes only slowly
        sign, effect = "zero to three decimals", "neither forgotten nor amplified exponentially"
    elif lam < 0:
        sign, effect = "negative", "forgotten: its derivative vanishes"
    else:
        sign, effect = "positive", "amplified: its derivative explodes"
    settles = (
        f"settles on {found}"
        if found
        else "does not settle on any cycle of period ≤ 64 (chaos, or a cycle "
        "converging very slowly next to a bifurcation)"
    )
    verdict = (
        f"At r = {cfg.r:g} the orbit from x₀ = {cfg.x0:g} {settles}. The Lyapunov exponent is "
        f"**λ = {lam:.3f}**, {sign}, so a small change of x₀ is **{effect}**: after n = {cfg.n} step{'s' if cfg.n > 1 else ''} "
        f"|dxₙ/dx₀| = {format_size(abs(meta['dxn_dx0']))}."
    )
    avg = meta["rate_over_n"]
    latex = [
        rf"\frac{{dx_n}}{{dx_0}} = \prod_{{k=0}}^{{n-1}} f'(x_k) = \prod_{{k=0}}^{{n-1}} r(1-2x_k) = {latex_size(meta['dxn_dx0'])}",
        rf"\frac1n \ln\left|\frac{{dx_n}}{{dx_0}}\right| = {avg:.3f} \quad\xrightarrow{{\,n\to\infty\,}}\quad "
        rf"\lambda = \lim_{{N\to\infty}} \frac1N \sum_{{k}} \ln|f'(x_k)| = {lam:.3f}",
    ]
    explain = (
        "Moving x₀ a little moves xₙ by dxₙ/dx₀, a product of one factor f′(x_k) per step, exactly like "
        "backprop through time. Where λ < 0 (a stable cycle) the product vanishes; where λ > 0 (chaos) it "
        "explodes. λ is the long-run average of ln|f′| (4,000 steps after a 500-step transient); the first "
        "line's average over your n steps approaches it. In the diagram, dashed rules mark the period-doubling "
        "points r₁ = 3, r₂ = 1 + √6 and r₃ (computed here) and their limit r∞ (literature value)."
    )
    points = ", ".join(f"{x:.5f}" for x in meta["attractor_points"]) or "—"
    fixed = ", ".join(
        f"{x:.4f} ({_stability(d, 'unstable')}, f′ = {d:.3f})"
        for x, d in zip(meta["fixed_x"], meta["fixed_slope"], strict=True)
    )
    attractor_text = f"**Attractor found from x₀:** {points} · **fixed points of f:** {fixed}"
    mandelbrot_text = (
        f"With z = r(½ − x) the map becomes z ↦ z² + c with c = r(2 − r)/4 = **{meta['mandelbrot_c']:.4f}** "
        "(diamond). The Mandelbrot set is the set of c whose iterates from z = 0 stay bounded (dark); as r runs "
        "from 1 to 4 the logistic map walks its real axis (dashed) leftwards from c = ¼, through the main "
        "cardioid, the bulbs of the period doublings (r = 3 is c = −¾), to c = −2."
    )
    readouts = [
        ("Lyapunov exponent λ", f"{lam:.3f}", "long-run average of ln|f′(x_k)| (4,000 steps)"),
        ("|dxₙ/dx₀|", format_size(abs(meta["dxn_dx0"])), None),
        ("attractor period", "none ≤ 64" if p is None else str(p), None),
        ("cycle multiplier", "n/a" if p is None else f"{meta['multiplier']:.3g}", "Π f′ over the cycle"),
    ]
    return {
        "verdict": verdict,
        "latex": latex,
        "explain": explain,
        "readouts": readouts,
        "attractor_text": attractor_text,
        "mandelbrot_text": mandelbrot_text,
    }


def unit_words(cfg: UnitConfig, meta: dict, fixed: pd.DataFrame) -> dict:
    stable = fixed[fixed["stable"]]
    listed = ", ".join(f"{h:.3f}" for h in stable["h"]) or "none"
    if meta["n_stable"] == 0:
        head = "No stable fixed point: the state keeps moving (for w < −1, it oscillates on a 2-cycle)."
    elif meta["n_stable"] == 1:
        head = f"One attractor, h* = {listed}: every start ends there, so h_T forgets h_0."
    else:
        head = (
            f"Two attractors, h* = {listed}, with a repelling fixed point between them: the basin boundary."
        )
    verdict = (
        f"{head} After T = {cfg.T} step{'s' if cfg.T > 1 else ''} the typical (median) |∂h_T/∂h_0| is "
        f"**{format_size(meta['median_derivative'])}** (vanishing inside a basin); the largest, at h_0 = "
        f"{meta['argmax_h0']:.3f}, is **{format_size(meta['max_derivative'])}**."
    )
    slopes = r",\;".join(rf"f'({h:.3f}) = {s:.3f}" for h, s in zip(fixed["h"], fixed["slope"], strict=True))
    latex = [
        r"\frac{\partial h_T}{\partial h_0} = \prod_{t=1}^{T} f'(h_{t-1}) \;\approx\; f'(h^*)^{T}"
        r"\quad\text{once the orbit sits near a fixed point } h^*",
        rf"{slopes}\qquad(|f'(h^*)| < 1 \Rightarrow \text{{stable}})",
    ]
    explain = (
        "Filled circles attract (|f′(h*)| < 1), open squares repel. Starts in one basin all end at the same "
        "attractor, so h_T is flat in h_0 and the derivative vanishes; at a repelling point it is f′(h*)^T and "
        "explodes. Derivatives below 1e-300 are drawn at 1e-300. The map at the bottom counts the stable "
        "fixed points for every (w, b) of the sliders' range; the cross is yours."
    )
    readouts = [
        ("stable fixed points", str(meta["n_stable"]), None),
        ("median |∂h_T/∂h_0|", format_size(meta["median_derivative"]), "over the starts h_0 on the grid"),
        ("largest |∂h_T/∂h_0|", format_size(meta["max_derivative"]), f"at h_0 = {meta['argmax_h0']:.3f}"),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


def cliff_words(cfg: CliffConfig, meta: dict) -> dict:
    bb = meta["b_boundary"]
    if bb is None:
        where = (
            f"With w = {cfg.w:g}, h_0 = {cfg.h0:g} is never a repelling fixed point (that needs |w|(1 − h_0²) > 1), "
            "so this slice has no basin boundary and no cliff."
        )
        latex_b = rf"|w|\,(1-h_0^2) = {abs(cfg.w) * (1 - cfg.h0**2):.3f} \le 1 \Rightarrow \text{{no cliff}}"
    else:
        where = (
            f"The cliff sits at b ≈ {bb:.3f}, where h_0 = {cfg.h0:g} is exactly the repelling fixed point of "
            "section 3: the basin boundary, seen from the parameter side."
        )
        latex_b = rf"b^* = \operatorname{{atanh}}(h_0) - w\,h_0 = \operatorname{{atanh}}({cfg.h0:g}) - {cfg.w:g}\cdot{cfg.h0:g} = {bb:.4f}"
    verdict = (
        f"{where} The steepest |∂L/∂b| on the curve is **{format_size(meta['max_abs_grad_b'])}** "
        f"(at b = {meta['b_steepest']:.3f}); at your b = {cfg.b:g} the gradient norm is "
        f"**{format_size(meta['grad_norm'])}**."
    )
    latex = [
        latex_b,
        r"\frac{\partial h_t}{\partial b} = (1-h_t^2)\Big(1 + w\,\frac{\partial h_{t-1}}{\partial b}\Big),\qquad "
        rf"\frac{{\partial L}}{{\partial b}} = (h_T - y)\,\frac{{\partial h_T}}{{\partial b}} = {latex_size(meta['grad_b'])}",
    ]
    explain = (
        "The loss L = ½(h_T − target)² is flat on each side (h_T sits at one attractor or the other) and jumps "
        "where the start h_0 crosses the basin boundary of section 3. The cost, the loss averaged over "
        f"{len(COST_STARTS)} starts spread across (−0.9, 0.9), is much smoother, as the lecture says: each start "
        "has its cliff elsewhere, so the average climbs in small steps. Its slope is measured on the averaged "
        f"curve (differences over b ± {COST_SLOPE_HALF_WIDTH:g}, wider than the steps); averaging the starts' own "
        "gradients would not do, since each is tiny almost everywhere and huge "
        "on its cliff. That is why cliffs make the true cost gradient hard to estimate. In the maps, the white "
        "dashed curve is the boundary b = atanh(h_0) − w h_0 and the cross is your (w, b)."
    )
    readouts = [
        ("loss at your (w, b)", f"{meta['loss']:.4f}", None),
        ("‖∇L‖ at your (w, b)", format_size(meta["grad_norm"]), None),
        ("steepest |∂L/∂b|", format_size(meta["max_abs_grad_b"]), None),
        ("cliff at b*", "none" if bb is None else f"{bb:.4f}", "atanh(h_0) − w h_0"),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


def many_words(cfg: ManyConfig, meta: dict) -> dict:
    lin, tan = meta["gain_linear"], meta["gain_tanh"]
    verdict = (
        f"With spectral radius ρ = {cfg.rho:g}, after T = {cfg.T} step{'s' if cfg.T > 1 else ''} ‖∂h_T/∂h_0‖ is **{format_size(lin)}** for "
        f"linear units ({_size_word(lin)}) and **{format_size(tan)}** for tanh units ({_size_word(tan)}). "
        + (
            "tanh can only shrink each factor (|tanh′| ≤ 1), and with ρ > 1 the state saturates, which tames the "
            "explosion."
            if cfg.rho > 1
            else "Below ρ = 1 both shrink geometrically; at ρ = 1 the linear product neither explodes nor "
            "vanishes exponentially."
        )
    )
    latex = [
        r"\frac{\partial \mathbf h_T}{\partial \mathbf h_0} = \prod_{t=T}^{1} \operatorname{diag}\!\big(\phi'(\mathbf z_t)\big)\,W,"
        r"\qquad \text{linear: } W^{T}",
        rf"\|W^{{T}}\| \sim \rho^{{T}} = {cfg.rho:g}^{{{cfg.T}}} = {latex_size(cfg.rho**cfg.T if cfg.rho > 0 else 0.0)},"
        rf"\qquad \rho(W) = {meta['spectral_radius']:.3f},\;\; \|W\|_2 = {meta['norm_2']:.3f}",
    ]
    explain = (
        "W is an n×n Gaussian matrix rescaled so that its largest |eigenvalue| is exactly ρ; h_0 is random "
        "(same seed). The norm is the RMS singular value, ‖·‖_F/√n, so an orthogonal W scores exactly 1. "
        "W is not orthogonal: ‖W‖₂ exceeds ρ, so products can grow or shrink by a modest factor before the "
        "ρ^T trend takes over (Sompolinsky et al. 1988 study the tanh case)."
    )
    readouts = [
        ("‖∂h_T/∂h_0‖ linear", format_size(lin), "RMS singular value: ‖·‖_F/√n"),
        ("‖∂h_T/∂h_0‖ tanh", format_size(tan), "RMS singular value: ‖·‖_F/√n"),
        ("spectral radius ρ(W)", f"{meta['spectral_radius']:.3f}", None),
        ("‖W‖₂", f"{meta['norm_2']:.3f}", "largest singular value"),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


# == What fixes this: the lessons that follow, (page, title, icon, why) =====================================

FIXES = (
    (
        "app_pages/clipping.py",
        "Gradient clipping",
        ":material/content_cut:",
        "For explosions: rescale g to norm η when ‖g‖ > η, so a cliff cannot throw the parameters away.",
    ),
    (
        "app_pages/lstm.py",
        "LSTM gates",
        ":material/memory:",
        "For vanishing: a gated cell whose backward factor is the forget gate, near 1 by default.",
    ),
    (
        "app_pages/resnet.py",
        "Residual paths",
        ":material/alt_route:",
        "For vanishing: x + F(x) gives every Jacobian an identity part (I + ∂F/∂x), as identity-initialized "
        "RNNs (Le et al. 2015) do through time.",
    ),
)
