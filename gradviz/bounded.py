"""Bounded magnitudes for the numpy maths of the recurrent lessons (backprop through time, the clipping cliff).

Values whose true size exceeds 1e300 are returned as ±1e300 (`BIG`) so nothing overflows to inf or warns;
tanh's derivative is computed in a form that never overflows."""

from __future__ import annotations

import numpy as np

from gradviz.fmt import SAYABLE_MAX

# Magnitudes are clipped where the words stop saying them: "≥ 1e+300" on screen instead of inf.
BIG = SAYABLE_MAX


def _clip(x: np.ndarray) -> np.ndarray:
    return np.clip(x, -BIG, BIG)


def _scale_saturated(factor: np.ndarray, x: np.ndarray) -> np.ndarray:
    """factor · x, where an x already clipped at ±BIG stays saturated (its true size is only a lower bound)."""
    out = _clip(factor * x)
    return np.where((np.abs(x) >= BIG) & (factor != 0), np.sign(factor * x) * BIG, out)


def tanh_prime_from_z(z: np.ndarray) -> np.ndarray:
    """tanh'(z) = 1 − tanh²(z) = sech²(z), computed as 4e^{−2|z|}/(1+e^{−2|z|})² so it never overflows
    and keeps its relative precision where 1 − h² would round to 0 (|z| > 19)."""
    # \operatorname{sech}^2 z = \frac{4 e^{-2|z|}}{(1 + e^{-2|z|})^2}
    e = np.exp(-2.0 * np.abs(z))
    return 4.0 * e / (1.0 + e) ** 2
