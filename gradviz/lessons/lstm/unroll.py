"""The recurrences of nn.RNN and nn.LSTM written out one time step at a time, on the modules' own weights.

PyTorch's fused modules return only the hidden states. Unrolled here, every state h_t and cell c_t is a
node of the autograd graph (so ∂h_T/∂h_t and ∂c_T/∂c_t can be measured) and every gate activation can be
recorded. tests/unit/test_lstm.py checks that both unrolls reproduce the modules' outputs.

PyTorch stacks the LSTM's four gates as (i, f, g, o) in weight_ih_l0 (4H, n_in), weight_hh_l0 (4H, H),
bias_ih_l0 and bias_hh_l0 (4H,) (see gradviz.lessons.lstm.nets.lstm_gate_slice).
"""

from __future__ import annotations

import torch
from torch import nn


def rnn_unroll(rnn: nn.RNN, x: torch.Tensor, h0: torch.Tensor) -> list[torch.Tensor]:
    """States h_0 (= h0), h_1, …, h_T of a one-layer nn.RNN (tanh or ReLU) on x (batch, T, n_in)."""
    act = torch.tanh if rnn.nonlinearity == "tanh" else torch.relu
    w_ih, w_hh = rnn.weight_ih_l0, rnn.weight_hh_l0  # (H, n_in), (H, H)
    b = rnn.bias_ih_l0 + rnn.bias_hh_l0  # (H,)
    hs = [h0]
    for t in range(x.shape[1]):
        # h_t = φ(W_ih x_t + W_hh h_{t−1} + b_ih + b_hh)
        hs.append(act(x[:, t] @ w_ih.T + hs[-1] @ w_hh.T + b))  # (batch, H)
    return hs


def lstm_unroll(
    lstm: nn.LSTM, x: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor, detach_gates: bool = False
) -> dict[str, list[torch.Tensor]]:
    """States and gates of a one-layer nn.LSTM on x (batch, T, n_in).

    Returns lists "h", "c" (T + 1 entries: h_0 … h_T, c_0 … c_T) and "i", "f", "g", "o" (T entries, the
    gates of steps 1 … T). With `detach_gates`, the gates are computed from a detached h_{t−1}: the forward
    values are the same, but the only path from c_{t−1} to c_t left for the gradient is the cell's own,
    so ∂c_T/∂c_t = diag(f_{t+1} ⊙ … ⊙ f_T) exactly."""
    H = lstm.hidden_size
    w_ih, w_hh = lstm.weight_ih_l0, lstm.weight_hh_l0  # (4H, n_in), (4H, H)
    b = lstm.bias_ih_l0 + lstm.bias_hh_l0  # (4H,)
    out: dict[str, list[torch.Tensor]] = {"h": [h0], "c": [c0], "i": [], "f": [], "g": [], "o": []}
    for t in range(x.shape[1]):
        h_prev = out["h"][-1].detach() if detach_gates else out["h"][-1]
        z = (
            x[:, t] @ w_ih.T + h_prev @ w_hh.T + b
        )  # (batch, 4H): the four pre-activations, stacked (i, f, g, o)
        # i_t = σ(z_i), f_t = σ(z_f), g_t = tanh(z_g), o_t = σ(z_o)
        i, f = torch.sigmoid(z[:, :H]), torch.sigmoid(z[:, H : 2 * H])
        g, o = torch.tanh(z[:, 2 * H : 3 * H]), torch.sigmoid(z[:, 3 * H :])
        # c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t      (the constant error carousel when f_t = 1, i_t = 0)
        c = f * out["c"][-1] + i * g
        # h_t = o_t ⊙ tanh(c_t)
        h = o * torch.tanh(c)
        for name, value in (("i", i), ("f", f), ("g", g), ("o", o), ("c", c), ("h", h)):
            out[name].append(value)
    return out
