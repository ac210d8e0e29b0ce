"""The essence of every lesson in one line: a per-step factor multiplied T times (numpy only)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def repeated_product(factors: list[float], t_max: int) -> pd.DataFrame:
    """Long-form (factor, T, product) for product = factor^T, T = 0..t_max: the whole lesson in one line."""
    t = np.arange(0, t_max + 1)
    # product = factor^T
    return pd.DataFrame(
        [(f"{f:g}", int(k), float(f) ** int(k)) for f in factors for k in t],
        columns=["factor", "T", "product"],
    )
