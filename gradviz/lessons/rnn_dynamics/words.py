"""Words and equations tied to the numbers: sizes in plain text and LaTeX, each section's verdict,
equations and readouts, and the lessons that fix the problem."""

from __future__ import annotations

import math

import pandas as pd

from gradviz.fmt import latex_sci_bounded, sci_bounded
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






def _stability(multiplier: float, unstable_word: str) -> str:
    """|μ| < 1 attracts, |μ| > 1 repels, |μ| = 1 (a bifurcation point, e.g. r = 1 or r = 3) is marginal."""
    size = abs(float(multiplier))
    return "marginal" if abs(size - 1.0) < 1e-9 else "stable" if size < 1.0 else unstable_word


def _size_word(x: float, small: float = 1e-2, large: float = 1e2) -> str:
    x = abs(float(x))
    return "vanishing" if x < small else "exploding" if x > large else "neither vanishing nor exploding"


def chain_words(cfg: ChainConfig, meta: dict) -> dict:
    lin, tan = meta["linear"], meta["tanh"]
    zero = cfg.w == 0.0  # every factor is w·(…) = 0: both products are exactly 0, not an underflow

    def size(x: float) -> str:
        return "0 (exactly)" if zero else sci_bounded(x)

    def tex(x: float) -> str:
        return "0" if zero else latex_sci_bounded(x)

    mean = "0" if zero else f"{meta['tanh_mean_factor']:.3f}"
    verdict = (
        f"**Linear unit: {_size_word(lin)}.** {cfg.T} factor{'s' if cfg.T > 1 else ''} of w = {cfg.w:g} multipl{'y' if cfg.T > 1 else 'ies'} to "
        f"{size(lin)}. **tanh unit: {_size_word(tan)}.** The same w, but every factor is also multiplied by "
        f"1 − h_t² (geometric mean of the factors {mean}), so the product is {size(tan)}."
    )
    latex = [
        rf"\frac{{\partial h_T}}{{\partial h_0}} = \prod_{{t=1}}^{{T}} w = w^{{T}} = {cfg.w:g}^{{{cfg.T}}} = {tex(lin)}",
        rf"\frac{{\partial h_T}}{{\partial h_0}} = \prod_{{t=1}}^{{T}} w\,(1-h_t^2) "
        rf"= {mean}^{{{cfg.T}}} = {tex(tan)} \quad (\tanh\text{{ unit, }} h_0 = {cfg.h0:g})",
        rf"\text{{the lecture's }} w^{{T-1}} \text{{ at }} T = {cfg.T}: \; {cfg.w:g}^{{{cfg.T - 1}}} = {latex_sci_bounded(meta['lecture_formula'])}",
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
        ("linear: ∂h_T/∂h_0 = w^T", size(lin), None),
        ("tanh: ∂h_T/∂h_0", size(tan), f"h_0 = {cfg.h0:g}, b = {cfg.b:g}"),
        ("lecture's w^(T−1)", sci_bounded(meta["lecture_formula"]), "the lecture's indexing, see below"),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


def _lyapunov_text(lam: float) -> str:
    return "−∞" if lam == -math.inf else f"{lam:.3f}"


def map_words(cfg: MapConfig, meta: dict) -> dict:
    lam, p = meta["lyapunov"], meta["period"]
    if meta["marginal_x"] is not None:
        found = (
            f"the marginal fixed point {meta['marginal_x']:.4f} (f′ = {2 - cfg.r if cfg.r > 1 else 1:.3g}), which it "
            "approaches only polynomially slowly: r is a bifurcation point"
        )
    elif p is None:
        found = None
    else:
        kind = "fixed point" if p == 1 else f"{p}-cycle"
        found = (
            f"a {_stability(meta['multiplier'], 'repelling')} {kind} (multiplier {meta['multiplier']:.3g})"
        )
    if meta["half_at"] is not None:
        sign = ""
        effect = (
            f"forgotten completely: the orbit lands exactly on x = ½ at step {meta['half_at']}"
            + (" (x₀ = ½ itself)" if meta["half_at"] == 0 else " in float64")
            + ", where f′(½) = 0, so from then on dxₙ/dx₀ is exactly 0"
        )
    elif meta["marginal_x"] is not None:
        sign = "0 at this bifurcation point"
        effect = "neither forgotten nor amplified exponentially: the derivative changes only polynomially" + (
            f" (the 4,000-step average, {meta['lyapunov_average']:.4f}, tends to 0 slowly)"
            if meta["lyapunov_average"] != 0.0
            else ""
        )
    elif lam == -math.inf:
        sign = ""
        effect = (
            "forgotten faster than any exponential: ½ is a superstable fixed point (f′(½) = 0 at r = 2), "
            "and the orbit approaches it with its error squared at every step"
        )
    elif abs(lam) < 5e-4:  # shown as 0.000: next to a bifurcation point the derivative changes only slowly
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
    zero_at = meta["exact_zero_at"]
    size = "0 (exactly)" if zero_at is not None else sci_bounded(abs(meta["dxn_dx0"]))
    verdict = (
        f"At r = {cfg.r:g} the orbit from x₀ = {cfg.x0:g} {settles}. The Lyapunov exponent of this orbit is "
        f"**λ = {_lyapunov_text(lam)}**{', ' + sign if sign else ''}, so a small change of x₀ is **{effect}**: after n = {cfg.n} "
        f"step{'s' if cfg.n > 1 else ''} |dxₙ/dx₀| = {size}."
    )
    typical = meta["lyapunov_typical"]
    if (lam == -math.inf) != (typical == -math.inf) or (
        math.isfinite(lam) and math.isfinite(typical) and abs(lam - typical) > 0.01
    ):
        verdict += (
            f" This orbit is not typical: from almost any other start (x₀ = 0.3, as in the λ(r) panel) "
            f"λ = {_lyapunov_text(typical)}."
        )
    avg = meta["rate_over_n"]
    avg_tex = r"-\infty" if avg == -math.inf else f"{avg:.3f}"
    lam_tex = r"-\infty" if lam == -math.inf else f"{lam:.3f}"
    product = "0" if zero_at is not None else latex_sci_bounded(meta["dxn_dx0"])
    latex = [
        rf"\frac{{dx_n}}{{dx_0}} = \prod_{{k=0}}^{{n-1}} f'(x_k) = \prod_{{k=0}}^{{n-1}} r(1-2x_k) = {product}",
        rf"\frac1n \ln\left|\frac{{dx_n}}{{dx_0}}\right| = {avg_tex} \quad\xrightarrow{{\,n\to\infty\,}}\quad "
        rf"\lambda = \lim_{{N\to\infty}} \frac1N \sum_{{k}} \ln|f'(x_k)| = {lam_tex}",
    ]
    explain = (
        "Moving x₀ a little moves xₙ by dxₙ/dx₀, a product of one factor f′(x_k) per step, exactly like "
        "backprop through time. Where λ < 0 (a stable cycle) the product vanishes; where λ > 0 (chaos) it "
        "explodes. λ is the long-run average of ln|f′| (4,000 steps after a 500-step transient); the first "
        "line's average over your n steps approaches it. An orbit through x = ½ meets f′ = 0 and λ = −∞; at a "
        "bifurcation point (|f′(x*)| = 1, e.g. r = 1 or r = 3) λ = 0 and the orbit converges only polynomially. "
        "In the diagram, dashed rules mark the period-doubling points r₁ = 3, r₂ = 1 + √6 and r₃ (computed here) "
        "and their limit r∞ (literature value)."
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
        (
            "Lyapunov exponent λ",
            _lyapunov_text(lam),
            f"this orbit's; from a typical start: {_lyapunov_text(typical)}",
        ),
        ("|dxₙ/dx₀|", size, None),
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
    if meta["n_stable"] == 2:
        head = (
            f"Two attractors, h* = {listed}, with a repelling fixed point between them: the basin boundary."
        )
    elif meta["n_stable"] == 1:
        head = f"One attractor, h* = {listed}: in the long run every start ends there, so h_T forgets h_0."
    elif meta["n_marginal"]:
        h, d = meta["marginal_h"][0], meta["marginal_slope"][0]
        moves = "creep towards it" if meta["approaches_marginal"] else "drift away from it"
        head = (
            f"A marginal fixed point, h* = {h:.3f} with f′(h*) = {d:.3f}: a bifurcation point, neither attracting nor "
            f"repelling exponentially. Orbits {moves} only polynomially slowly, so the derivative changes slowly too."
        )
    elif meta["two_cycle"] is not None:
        a, c = meta["two_cycle"]
        slopes = ", ".join(f"{d:.3f}" for d in meta["repelling_slope"])
        head = (
            f"No stable fixed point: the only one repels (f′(h*) = {slopes} < −1), and the state oscillates on a "
            f"2-cycle between {a:.3f} and {c:.3f}."
        )
    else:
        head = "No stable fixed point and no 2-cycle found: the state keeps moving."
    median, largest = meta["median_derivative"], meta["max_derivative"]
    word = _size_word(median)
    if meta["exact_zero"]:
        typical = "exactly 0 (w = 0 makes every factor f′ = 0)"
    elif word == "vanishing":
        where = (
            "starts in one basin converge together"
            if meta["n_stable"]
            else "starts converge onto the attractor"
        )
        typical = f"**{sci_bounded(median)}**: vanishing, since {where} and forget h_0"
    else:
        typical = f"**{sci_bounded(median)}**: {word}"
    verdict = (
        f"{head} After T = {cfg.T} step{'s' if cfg.T > 1 else ''} the typical (median) |∂h_T/∂h_0| is {typical}; "
        + (
            "every start's derivative is exactly 0."
            if meta["exact_zero"]
            else f"the largest, at h_0 = {meta['argmax_h0']:.3f}, is **{sci_bounded(largest)}** ({_size_word(largest)})."
        )
    )
    slopes = r",\;".join(rf"f'({h:.3f}) = {s:.3f}" for h, s in zip(fixed["h"], fixed["slope"], strict=True))
    latex = [
        r"\frac{\partial h_T}{\partial h_0} = \prod_{t=1}^{T} f'(h_{t-1}) \;\approx\; f'(h^*)^{T}"
        r"\quad\text{once the orbit sits near a fixed point } h^*",
        rf"{slopes}\qquad(|f'(h^*)| < 1 \Rightarrow \text{{stable}},\ = 1 \Rightarrow \text{{marginal}})",
    ]
    oscillation = "For the tanh unit that needs w < −1 (|f′| ≤ |w|); for the sigmoid form, f′ = w σ′ ≤ |w|/4, so it needs w < −4."
    explain = (
        "Filled circles attract (|f′(h*)| < 1), open squares repel, diamonds are marginal (|f′(h*)| = 1). Starts "
        "in one basin all end at the same attractor, so h_T is flat in h_0 and the derivative vanishes; at a "
        "repelling point it is f′(h*)^T and explodes. When w < 0 the map is decreasing: if its one fixed point "
        f"repels (f′ < −1), orbits oscillate on a 2-cycle. {oscillation} Derivatives below 1e-300 (or exactly 0) "
        "are drawn at 1e-300. The map at the bottom counts the stable fixed points for every (w, b) of the "
        "sliders' range; the cross is yours."
    )
    readouts = [
        ("stable fixed points", str(meta["n_stable"]), None),
        (
            "median |∂h_T/∂h_0|",
            "0 (exactly)" if meta["exact_zero"] else sci_bounded(median),
            "over the starts h_0 on the grid",
        ),
        (
            "largest |∂h_T/∂h_0|",
            "0 (exactly)" if meta["exact_zero"] else sci_bounded(largest),
            f"at h_0 = {meta['argmax_h0']:.3f}",
        ),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


def cliff_words(cfg: CliffConfig, meta: dict) -> dict:
    bb, kind = meta["b_boundary"], meta["cliff_kind"]
    repel = abs(cfg.w) * (1 - cfg.h0**2)
    if kind == "boundary":
        where = (
            f"The cliff sits at b* ≈ {bb:.4f}, where h_0 = {cfg.h0:g} is exactly the repelling fixed point of "
            "section 3: the basin boundary, seen from the parameter side."
        )
        latex_b = (
            rf"b^* = \operatorname{{atanh}}(h_0) - w\,h_0 = \operatorname{{atanh}}({cfg.h0:g}) - ({cfg.w:g})\cdot({cfg.h0:g}) "
            rf"= {bb:.4f}"
        )
    elif kind == "saddle-node":
        side = "upper" if cfg.h0 > 0 else "lower"
        where = (
            f"h_0 = {cfg.h0:g} is never a repelling fixed point here (|w|(1 − h_0²) = {repel:.3f} ≤ 1), yet there is a "
            f"cliff, at b* ≈ {bb:.4f}: there the {side} attractor, where h_0 ends up, collides with the repelling "
            "point and disappears (a saddle-node bifurcation, Doya 1993), and every start falls to the other "
            "attractor. Near it the orbit lingers where the attractor was, so for finite T the jump is spread "
            "over a small range of b."
        )
        latex_b = (
            rf"h_c = \sqrt{{1 - 1/w}} = {math.sqrt(1 - 1 / cfg.w):.4f},\quad "
            rf"b^* = {'-' if cfg.h0 > 0 else '+'}\big(w\,h_c - \operatorname{{atanh}}(h_c)\big) = {bb:.4f}"
            r"\quad(\text{the attractor and the repelling point merge where } w(1-h_c^2) = 1)"
        )
    else:
        why = (
            "with |w| ≤ 1 the unit has a single attractor for every b"
            + (
                " (at w = 1, b = 0 is a bifurcation point: there the attractor moves like (3b)^⅓, whose slope "
                "grows without bound, yet it does not jump)"
                if cfg.w == 1.0
                else ""
            )
            if abs(cfg.w) <= 1
            else f"with w = {cfg.w:g} < −1 the fixed point repels only while |w|(1 − h*²) > 1, and at h* = h_0 that is "
            f"{repel:.3f} ≤ 1, so it never crosses h_0 while repelling"
        )
        where = f"No basin boundary crosses h_0 = {cfg.h0:g} and no attractor disappears under it: {why}."
        latex_b = rf"|w|\,(1-h_0^2) = {repel:.3f},\quad w = {cfg.w:g}\ \Rightarrow\ \text{{no cliff in }} b"
    if bb is not None and not meta["cliff_in_range"]:
        where += " That b lies outside the slider's range (−3, 3)."
    width = meta["face_width"]
    if width > 0:
        face = (
            "The face where |∂L/∂b| > 10 (one plain step with lr = 0.1 would move b by more than 1) is "
            + ("less than 1e-15" if width <= 1e-15 else sci_bounded(width))
            + " wide"
            + (
                ", narrower than the b slider's step of 0.01: the slider can step over it. Lower T to widen it."
                if width < 0.01
                else "."
            )
        )
    else:
        face = "Nowhere on this slice is |∂L/∂b| above 10."
    verdict = (
        f"{where} The steepest |∂L/∂b| on the plotted curve is **{sci_bounded(meta['max_abs_grad_b'])}** "
        f"(at b = {meta['b_steepest']:.3f}). {face} At your b = {cfg.b:g} the gradient norm is "
        f"**{sci_bounded(meta['grad_norm'])}**."
    )
    latex = [
        latex_b,
        r"\frac{\partial h_t}{\partial b} = (1-h_t^2)\Big(1 + w\,\frac{\partial h_{t-1}}{\partial b}\Big),\qquad "
        rf"\frac{{\partial L}}{{\partial b}} = (h_T - y)\,\frac{{\partial h_T}}{{\partial b}} = {latex_sci_bounded(meta['grad_b'])}",
    ]
    steep, cost = meta["max_abs_grad_b"], meta["max_abs_cost_slope"]
    smoother = (
        f"is much smoother, as the lecture says (its steepest slope here is {sci_bounded(cost)} against the single "
        f"start's {sci_bounded(steep)}): each start has its cliff elsewhere, so the average climbs in small steps"
        if steep > 10 * cost
        else f"is here about as steep as the single start's loss (steepest slopes {sci_bounded(cost)} and "
        f"{sci_bounded(steep)}): with no sharp cliff there is nothing for the average to smooth"
    )
    explain = (
        "The loss L = ½(h_T − target)² is flat where h_T sits at an attractor, and jumps where the start h_0 "
        "crosses a basin boundary of section 3, or where the attractor it was heading for disappears "
        f"(1 < w < 1/(1 − h_0²)). The cost, the loss averaged over {len(COST_STARTS)} starts spread across "
        f"(−0.9, 0.9), {smoother}. Its slope is measured on the averaged curve (differences over "
        f"b ± {COST_SLOPE_HALF_WIDTH:g}, wider than the steps); averaging the starts' own gradients would not do, "
        "since each is tiny almost everywhere and huge on its cliff. That is why cliffs make the true cost "
        "gradient hard to estimate. In the maps, the white dashed curve is where the cliff runs in (w, b) (the "
        "basin boundary b = atanh(h_0) − w h_0, continued by the saddle-node fold) and the cross is your (w, b)."
    )
    readouts = [
        ("loss at your (w, b)", f"{meta['loss']:.4f}", None),
        ("‖∇L‖ at your (w, b)", sci_bounded(meta["grad_norm"]), None),
        (
            "steepest |∂L/∂b|",
            sci_bounded(meta["max_abs_grad_b"]),
            "on the plotted curve (601 points, plus b*)",
        ),
        (
            "cliff at b*",
            "none" if bb is None else f"{bb:.4f}",
            "basin boundary or saddle-node, see the verdict",
        ),
        (
            "face width",
            "< 1e-15" if 0 < width <= 1e-15 else sci_bounded(width) if width > 0 else "none",
            "length of b where |∂L/∂b| > 10",
        ),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


def _rate_words(rate: float | None) -> str:
    """The measured growth per step of a backward product, in words."""
    if rate is None:
        return "not measurable over fewer than 2 steps"
    trend = "growing" if rate > 0.005 else "shrinking" if rate < -0.005 else "about flat"
    shown = "0.000" if abs(rate) < 5e-4 else f"{rate:+.3f}"
    return f"{trend} ({shown} per step in natural log, over the second half of the run)"


def many_words(cfg: ManyConfig, meta: dict) -> dict:
    lin, tan = meta["gain_linear"], meta["gain_tanh"]
    slope, eff = meta["mean_tanh_slope"], meta["effective_gain"]
    s = "s" if cfg.T > 1 else ""
    verdict = (
        f"With spectral radius ρ = {cfg.rho:g}, after T = {cfg.T} step{s} ‖∂h_T/∂h_0‖ is **{sci_bounded(lin)}** for "
        f"linear units ({_size_word(lin)}) and **{sci_bounded(tan)}** for tanh units ({_size_word(tan)}). "
        f"The tanh net's forward pass keeps its state in (−1, 1) (mean |h_T| = {meta['mean_abs_h_T']:.3f}); its mean slope "
        f"⟨tanh′⟩ over the run is {slope:.3f}, so on average each backward factor diag(tanh′) W scales by about "
        f"ρ⟨tanh′⟩ = {eff:.3f}. The backward pass itself is linear: nothing in it saturates. Its product's growth is "
        f"{_rate_words(meta['rate_tanh'])}."
    )
    if cfg.rho > 1:
        verdict += (
            " A saturating forward pass does not tame the backward product: as n grows, a random tanh network "
            "with gain above 1 becomes chaotic and its backward product grows exponentially (Sompolinsky et al. "
            "1988); at this n and ρ a given seed may instead settle or oscillate, which is what the rate measures."
        )
    latex = [
        r"\frac{\partial \mathbf h_T}{\partial \mathbf h_0} = \prod_{t=T}^{1} \operatorname{diag}\!\big(\phi'(\mathbf z_t)\big)\,W,"
        r"\qquad \text{linear: } W^{T}",
        rf"\|W^{{T}}\| \sim \rho^{{T}} = {cfg.rho:g}^{{{cfg.T}}} = {latex_sci_bounded(cfg.rho**cfg.T if cfg.rho > 0 else 0.0)},"
        rf"\qquad \rho(W) = {meta['spectral_radius']:.3f},\;\; \|W\|_2 = {meta['norm_2']:.3f}",
        rf"\tanh:\ \rho\,\langle\tanh'\rangle = {cfg.rho:g}\times{slope:.3f} = {eff:.3f},\qquad "
        rf"\Big\|\frac{{\partial \mathbf h_T}}{{\partial \mathbf h_0}}\Big\| = {latex_sci_bounded(tan)}",
    ]
    explain = (
        "W is an n×n Gaussian matrix rescaled so that its largest |eigenvalue| is exactly ρ; h_0 is random "
        "(same seed). The norm is the RMS singular value, ‖·‖_F/√n, so an orthogonal W scores exactly 1. "
        "W is not orthogonal: ‖W‖₂ exceeds ρ, so products can grow or shrink by a modest factor before the "
        "ρ^T trend takes over. **Forward squashes, backward is linear**: tanh keeps every h_t in (−1, 1), but "
        "∂h_T/∂h_0 is a product of matrices diag(tanh′) W, and the state only sets the slopes in it. Above "
        "ρ = 1 the state grows and its slopes fall; in a wide network (n = 64) ρ⟨tanh′⟩ then settles within a few "
        "percent of 1 over a long run (the readout), in a narrow one less tightly; "
        "whether the product then grows or shrinks is decided by how the factors line up, not by their average "
        "size. For large random networks with gain above 1 it grows (chaos, Sompolinsky et al. 1988). Try "
        "ρ = 1.5, T = 200 and a few seeds."
    )
    readouts = [
        ("‖∂h_T/∂h_0‖ linear", sci_bounded(lin), "RMS singular value: ‖·‖_F/√n"),
        ("‖∂h_T/∂h_0‖ tanh", sci_bounded(tan), "RMS singular value: ‖·‖_F/√n"),
        ("ρ⟨tanh′⟩", f"{eff:.3f}", "spectral radius × the tanh net's mean slope over the run"),
        ("spectral radius ρ(W)", f"{meta['spectral_radius']:.3f}", None),
        ("‖W‖₂", f"{meta['norm_2']:.3f}", "largest singular value"),
    ]
    return {"verdict": verdict, "latex": latex, "explain": explain, "readouts": readouts}


# == What fixes this: the lessons that follow, (lesson name, why); titles from the catalogue ===================================

FIXES = (
    (
        "clipping",
        "For explosions: rescale g to norm η when ‖g‖ > η, so a cliff cannot throw the parameters away.",
    ),
    (
        "lstm",
        "For vanishing: a gated cell whose cell state is carried back through the forget gate f_t alone. "
        "f_t = σ(·) starts near σ(0) = ½ with PyTorch's default (zero-centred) biases, and near 1 only with a "
        "positive forget-gate bias (Gers et al. 2000, who added the gate; the 1997 LSTM had none, its cell "
        "carried the state with a fixed factor of 1).",
    ),
    (
        "resnet",
        "For vanishing: x + F(x) gives every Jacobian an identity part (I + ∂F/∂x), as identity-initialized "
        "RNNs (Le et al. 2015) do through time.",
    ),
)
