"""One LSTM cell by hand, in numpy: the forward step and its derivatives side by side.

Standard names (Hochreiter & Schmidhuber 1997 with the forget gate of Gers et al. 2000; PyTorch's nn.LSTMCell)
and the lecture notes' names ("Vanishing and Exploding Gradients" + LSTMs, after E. Chen 2017):

    forget gate  f  = rem_t     σ(W_f x_t + U_f h_{t−1} + b_f)     what to keep of the long-term memory
    input gate   i  = save_t    σ(W_i x_t + U_i h_{t−1} + b_i)     how much of the candidate to write
    output gate  o  = focus_t   σ(W_o x_t + U_o h_{t−1} + b_o)     how much of the memory to reveal
    candidate    g  = ltm′_t    tanh(W_g x_t + U_g h_{t−1} + b_g)  what could be written
    cell         c  = ltm_t     f ⊙ c_{t−1} + i ⊙ g                the long-term memory
    hidden       h  = wm_t      o ⊙ tanh(c)                        the working memory

(The notes write the focus gate's weights W_f, U_f, b_f — "f" for focus there, not for forget.)

Derivatives of one step, beside the forward equations (micrograd style):
    ∂c_t/∂c_{t−1} = f        (along the cell: no weight matrix, no squashing slope)
    ∂c_t/∂i = g,  ∂c_t/∂g = i,  ∂c_t/∂f = c_{t−1},  ∂h_t/∂c_t = o (1 − tanh² c_t)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

# standard name -> the lecture notes' name
NOTES_NAMES: dict[str, str] = {"f": "rem", "i": "save", "o": "focus", "g": "ltm′", "c": "ltm", "h": "wm"}
GATE_ORDER = ("i", "f", "g", "o")  # PyTorch's stacking of the four pre-activations

# the lecture's four regimes of (input gate, forget gate)
REGIMES: dict[tuple[int, int], str] = {
    (0, 1): "remember",
    (1, 1): "add",
    (0, 0): "erase",
    (1, 0): "overwrite",
}
REGIME_RULES: dict[str, str] = {
    "remember": "c = c_prev: the cell keeps its value and nothing is written",
    "add": "c = c_prev + g: the candidate is added to what the cell holds",
    "erase": "c = 0: the cell is wiped and nothing is written",
    "overwrite": "c = g: the old value is replaced by the candidate",
}


def sigmoid(z: np.ndarray | float) -> np.ndarray:
    # σ(z) = 1 / (1 + e^{−z}), written with tanh so large |z| never overflows: σ(z) = ½(1 + tanh(z/2))
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


@dataclass(frozen=True)
class CellStep:
    """One step of the cell with given gate values, and its local derivatives."""

    i: float
    f: float
    o: float
    g: float
    c_prev: float
    c: float  # f·c_prev + i·g
    h: float  # o·tanh(c)
    kept: float  # f·c_prev: what survives of the old cell
    written: float  # i·g: what is written
    dc_dcprev: float  # ∂c/∂c_prev = f
    dh_dc: float  # ∂h/∂c = o(1 − tanh² c)
    dh_dcprev: float  # ∂h/∂c_prev = o(1 − tanh² c)·f


def gated_update(i: float, f: float, o: float, g: float, c_prev: float) -> CellStep:
    """The cell's update for given gate activations (the sliders of section 1)."""
    # c_t = f_t c_{t−1} + i_t g_t
    c = f * c_prev + i * g
    # h_t = o_t tanh(c_t)
    h = o * float(np.tanh(c))
    # ∂h_t/∂c_t = o_t (1 − tanh² c_t)
    dh_dc = o * (1.0 - float(np.tanh(c)) ** 2)
    # + 0.0 turns a signed zero (0 × −3 = −0.0) into 0.0, so the page never shows "−0.000"
    kept, written = f * c_prev + 0.0, i * g + 0.0
    return CellStep(i, f, o, g, c_prev, c + 0.0, h + 0.0, kept, written, f, dh_dc + 0.0, dh_dc * f + 0.0)


def regime(i: float, f: float) -> tuple[str, bool]:
    """The lecture's regime nearest to (i, f) (the corner of the unit square), and whether (i, f) is exactly
    that corner. Ties (a gate at exactly ½) go to the corner with the gate open."""
    corner = (int(i >= 0.5), int(f >= 0.5))
    return REGIMES[corner], (i, f) == (float(corner[0]), float(corner[1]))


def lstm_cell(
    x: np.ndarray,
    h_prev: np.ndarray,
    c_prev: np.ndarray,
    w_ih: np.ndarray,
    w_hh: np.ndarray,
    b_ih: np.ndarray,
    b_hh: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """One full LSTM step in PyTorch's layout: w_ih (4H, n_in), w_hh (4H, H), b_ih, b_hh (4H,), gates
    stacked (i, f, g, o). x: (batch, n_in), h_prev, c_prev: (batch, H). Returns (h, c, gates)."""
    H = h_prev.shape[-1]
    # z = W_ih x + b_ih + W_hh h_{t−1} + b_hh, all four gates at once
    z = x @ w_ih.T + b_ih + h_prev @ w_hh.T + b_hh  # (batch, 4H)
    zi, zf, zg, zo = (z[:, k * H : (k + 1) * H] for k in range(4))
    gates = {"i": sigmoid(zi), "f": sigmoid(zf), "g": np.tanh(zg), "o": sigmoid(zo)}
    # c_t = f ⊙ c_{t−1} + i ⊙ g
    c = gates["f"] * c_prev + gates["i"] * gates["g"]
    # h_t = o ⊙ tanh(c_t)
    h = gates["o"] * np.tanh(c)
    return h, c, gates


def cell_table(s: CellStep) -> pd.DataFrame:
    """The step as bars, long-form (quantity, value, role), in reading order."""
    rows = [
        ("c_prev (old cell)", s.c_prev, "in"),
        ("f·c_prev (kept)", s.kept, "gated"),
        ("i·g (written)", s.written, "gated"),
        ("c = f·c_prev + i·g", s.c, "out"),
        ("h = o·tanh(c)", s.h, "out"),
    ]
    return pd.DataFrame(rows, columns=["quantity", "value", "role"])


def regime_corners(i: float, f: float) -> pd.DataFrame:
    """The four regimes at the corners of the (f, i) square; `current` marks the one nearest (i, f)."""
    name, _ = regime(i, f)
    rows = [(ci, cf, r, REGIME_RULES[r], r == name) for (ci, cf), r in REGIMES.items()]
    return pd.DataFrame(rows, columns=["i", "f", "regime", "rule", "current"])
