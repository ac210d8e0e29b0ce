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
