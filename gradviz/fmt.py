"""Numbers as students read them: scientific notation for sizes that span orders of magnitude, in plain
text and in LaTeX. Plain Python (no numpy), so any page or module can use it."""

from __future__ import annotations

import math


def sci(value: float | None, digits: int = 2) -> str:
    """1.17e+02; NaN or None as "n/a", infinities as ∞ (never a bare "inf")."""
    if value is None or math.isnan(value):
        return "n/a"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    return f"{value:.{digits}e}"


def latex_sci(value: float, digits: int = 2) -> str:
    r"""The same in LaTeX: 1.17\times10^{2} (∞ and n/a as words)."""
    if math.isnan(value) or math.isinf(value):
        return rf"\text{{{sci(value)}}}"
    mantissa, exponent = f"{value:.{digits}e}".split("e")
    return rf"{mantissa}\times10^{{{int(exponent)}}}"


# Sizes beyond these bounds are said as bounds, never as a bare inf or 0: the iterated maps of the
# backprop-through-time lesson clip their values to ±1e300 so that nothing overflows.
SAYABLE_MAX = 1e300


def sci_bounded(x: float, digits: int = 2) -> str:
    """Scientific notation for a value that may span hundreds of orders of magnitude: "≥ 1e+300" past the
    bound (inf included), "< 1e-300" for an exact 0 (an underflow of a product, not a true zero)."""
    x = float(x)
    if not math.isfinite(x) or abs(x) >= SAYABLE_MAX:
        return ("−" if x < 0 else "") + "≥ 1e+300"
    if x == 0.0:
        return "< 1e-300"
    return f"{x:.{digits}e}"


def latex_sci_bounded(x: float, digits: int = 2) -> str:
    r"""The same in LaTeX: 1.17\times10^{2}, \geq 10^{300}, < 10^{-300}."""
    x = float(x)
    if not math.isfinite(x) or abs(x) >= SAYABLE_MAX:
        return r"\geq 10^{300}"
    if x == 0.0:
        return r"< 10^{-300}"
    return latex_sci(x, digits)


def sci_underflow(value: float, dtype: str = "float64") -> str:
    """A gain for a sentence: scientific notation, and an exact 0 said as an underflow of `dtype`."""
    if value == 0.0:
        return f"0 (below {dtype}'s smallest number)"
    return sci(value)


def sig(value: float, digits: int = 3) -> str:
    """`digits` significant digits (0.1417 with 4), scientific notation for inf and NaN."""
    return f"{value:.{digits}g}" if math.isfinite(value) else sci(value)


def pct(value: float) -> str:
    """A share as a percentage with one decimal (0.896 -> 89.6%); "n/a" when it is not a number."""
    return f"{value:.1%}" if math.isfinite(value) else "n/a"


def latex_num(value: float) -> str:
    r"""Moderate numbers in plain digits (1.52), others as ×10^n (5.06\times10^{-11})."""
    if math.isfinite(value) and 1e-3 <= abs(value) < 1e4:
        return f"{value:.3g}"
    return latex_sci(value)


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def superscript(n: int) -> str:
    """An integer as superscript digits, for x⁽¹⁶⁾ and 2¹⁶ in plain text."""
    return str(n).translate(_SUPERSCRIPT)


def power(base: str, exponent: int) -> str:
    """base with a superscript exponent, in plain text: power("0.9", 49) == "0.9⁴⁹"."""
    return base + superscript(exponent)
