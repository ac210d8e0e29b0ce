"""The home page's words, filled in with the numbers on screen: the promise, the verdict and the product
with exactly T factors (states h_0 … h_T, one factor ∂h_t/∂h_{t−1} per step t = 1 … T), the same
convention as the backprop-through-time lesson, so the readout factor^T and the formula agree."""

from __future__ import annotations

from gradviz.fmt import latex_sci, sci

TITLE = "Why gradients vanish and explode"
PROMISE = (
    "Backpropagation multiplies one factor per layer, or per time step. Multiply anything T times and it "
    "either dies out or blows up, unless each factor stays very close to 1: move the sliders and see."
)


def _shown(product: float) -> str:
    return f"{product:.3g}" if 1e-3 <= product <= 1e4 else sci(product)


def verdict(factor: float, steps: int) -> str:
    """Vanishing (< 1e-2), exploding (> 1e2) or survives, from the product factor^T itself."""
    product = factor**steps
    s = "s" if steps > 1 else ""
    if product < 1e-2:
        return f"**Vanishing.** After {steps} step{s} only {_shown(product)} of the signal is left."
    if product > 1e2:
        return f"**Exploding.** After {steps} step{s} the signal is {_shown(product)} times larger."
    return f"**Survives.** After {steps} step{s} the signal is {product:.3g} times its size."


def product_latex(factor: float, steps: int) -> str:
    """The chain rule through T steps, T factors, with the slider's numbers substituted."""
    return (
        r"\frac{\partial L}{\partial h_0} = \frac{\partial L}{\partial h_T}\prod_{t=1}^{T}"
        r"\frac{\partial h_t}{\partial h_{t-1}},\qquad \text{every factor} = "
        rf"{factor:g}:\quad {factor:g}^{{{steps}}} = {latex_sci(factor**steps, 3)}"
    )


def comparison() -> str:
    """The lecture's two numbers, computed: fifty factors of 1.1 and of 0.9."""
    return (
        f"For comparison, computed here: 1.1^50 = {1.1**50:.1f} and 0.9^50 = {0.9**50:.5f} (the lecture's numbers: "
        "fifty factors, T = 50)."
    )


CAPTION = "One factor per layer or time step: states h₀ … h_T, so T steps multiply exactly T factors."
