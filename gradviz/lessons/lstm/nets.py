"""Sequence models of the LSTM lesson (gradviz.lessons.lstm): tanh RNN, IRNN and LSTM on PyTorch's own
recurrent modules, so what students train is what practitioners use.

- "rnn":  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), PyTorch's default init for nn.RNN
          (every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H))), drawn from an explicit generator.
- "irnn": Le, Jaitly & Hinton (2015), https://arxiv.org/abs/1504.00941: the same recurrence with ReLU,
          W_hh = I and zero biases; input weights ~ N(0, 0.001²), as in their experiments.
- "lstm": nn.LSTM, PyTorch's default init, then the forget-gate bias set to `forget_bias`
          (Gers, Schmidhuber & Cummins 2000; Jozefowicz, Zaremba & Sutskever 2015 recommend 1).
Every model reads the last hidden state through one linear layer: y = V h_T + c.
"""

from __future__ import annotations

import math

import torch
from torch import nn

SEQ_KINDS: tuple[str, ...] = ("rnn", "irnn", "lstm")
IRNN_INPUT_STD = 0.001  # Le et al. (2015): non-recurrent weights ~ N(0, 0.001²)


def lstm_gate_slice(hidden: int, gate: str) -> slice:
    """Rows of PyTorch's stacked LSTM weights and biases that belong to one gate.

    nn.LSTM and nn.LSTMCell stack the four gates as (i, f, g, o): rows [0, H) input gate, [H, 2H) forget
    gate, [2H, 3H) candidate g, [3H, 4H) output gate (see the nn.LSTM documentation)."""
    k = "ifgo".index(gate)
    return slice(k * hidden, (k + 1) * hidden)


def set_forget_bias(module: nn.LSTM | nn.LSTMCell, value: float) -> None:
    """Make the forget gate's total bias exactly `value`.

    PyTorch adds two biases inside the gate, f = σ(W_if x + b_if + W_hf h + b_hf): setting only one of
    them would leave the other's random init on top. So b_if = value and b_hf = 0 (for every layer)."""
    f = lstm_gate_slice(module.hidden_size, "f")
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name.startswith("bias_ih"):
                p[f] = value
            elif name.startswith("bias_hh"):
                p[f] = 0.0


def forget_bias(module: nn.LSTM | nn.LSTMCell) -> torch.Tensor:
    """The forget gate's total bias b_if + b_hf per unit (first layer), shape (hidden,)."""
    f = lstm_gate_slice(module.hidden_size, "f")
    sfx = "_l0" if isinstance(module, nn.LSTM) else ""
    return (getattr(module, f"bias_ih{sfx}")[f] + getattr(module, f"bias_hh{sfx}")[f]).detach()


def _uniform_like_pytorch(module: nn.Module, hidden: int, generator: torch.Generator) -> None:
    """Every parameter ~ U(-1/sqrt(H), 1/sqrt(H)): what nn.RNN/nn.LSTM.reset_parameters draw, but from
    an explicit generator (sessions train in threads of one process; the global RNG is shared)."""
    bound = 1.0 / math.sqrt(hidden)
    with torch.no_grad():
        for p in module.parameters():
            p.uniform_(-bound, bound, generator=generator)


class SequenceModel(nn.Module):
    """A recurrent layer of one `kind` ("rnn", "irnn", "lstm") and a linear readout of its last state.

    `forward(x)` maps (batch, T, n_in) to (batch, n_out). `states(x)` returns every hidden state
    (batch, T, hidden), for gradients with respect to the inputs."""

    def __init__(
        self, kind: str, n_in: int, hidden: int, n_out: int, generator: torch.Generator, forget_bias: float = 1.0
    ):
        super().__init__()
        if kind not in SEQ_KINDS:
            raise ValueError(f"unknown sequence model {kind!r}; choose from {SEQ_KINDS}")
        self.kind, self.hidden_size = kind, hidden
        f32 = torch.float32  # explicit: the default dtype is process-wide state that other code may change
        if kind == "lstm":
            self.rnn = nn.LSTM(n_in, hidden, batch_first=True, dtype=f32)
            _uniform_like_pytorch(self.rnn, hidden, generator)
            set_forget_bias(self.rnn, forget_bias)
        else:
            act = "tanh" if kind == "rnn" else "relu"
            self.rnn = nn.RNN(n_in, hidden, nonlinearity=act, batch_first=True, dtype=f32)
            _uniform_like_pytorch(self.rnn, hidden, generator)
            if kind == "irnn":
                with torch.no_grad():
                    # W_hh = I, b = 0: at init every step passes the state on unchanged (where ReLU is active)
                    self.rnn.weight_hh_l0.copy_(torch.eye(hidden, dtype=f32))
                    self.rnn.bias_hh_l0.zero_()
                    self.rnn.bias_ih_l0.zero_()
                    self.rnn.weight_ih_l0.normal_(0.0, IRNN_INPUT_STD, generator=generator)
        self.readout = nn.Linear(hidden, n_out, dtype=f32)
        bound = 1.0 / math.sqrt(hidden)
        with torch.no_grad():
            self.readout.weight.uniform_(-bound, bound, generator=generator)
            self.readout.bias.zero_()

    def states(self, x: torch.Tensor) -> torch.Tensor:  # x: (batch, T, n_in)
        out, _ = self.rnn(x)
        return out  # (batch, T, hidden)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.readout(self.states(x)[:, -1])  # (batch, n_out)
