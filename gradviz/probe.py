"""Per-layer gradient and activation statistics of an MLP, recorded on chosen training steps.

On a recorded step, forward hooks keep each hidden layer's pre-activation z_ℓ and output h_ℓ = f(z_ℓ)
(with h_ℓ.retain_grad(), so backward fills ∂L/∂h_ℓ). Then, for layer ℓ (the gradient sizes and update
ratios on every recorded step; the activation statistics on the histogram steps only):

    weight_grad   ‖∂L/∂W_ℓ‖_F                       (what the optimizer sees)
    backprop_grad ‖∂L/∂h_ℓ‖_F over the batch          (the signal arriving at layer ℓ from above)
    update_ratio  ‖W_ℓ(after) − W_ℓ(before)‖ / ‖W_ℓ(before)‖   (how much the layer actually learns)
    act_mean, act_std                                 of h_ℓ over batch and units
    act_spread    mean over units of the std of h_ℓ across the batch   (how much h_ℓ depends on the input)
    act_norm      ‖h_ℓ‖_F over the batch (ℓ = 0: the input x)          (the other factor of ∂L/∂W_{ℓ+1})
    mean_fprime   mean |f'(z_ℓ)|                      (the per-layer factor in the chain rule)
    mean_fprime_sq  mean f'(z_ℓ)²                     (E[f'(z)²] of the variance condition)
    weight_nvar   fan_in · mean(W_ℓ²)                 (n·Var(W) of the variance condition, all layers)
    frac_saturated  share of f'(z) below 10% of its maximum (sigmoid, tanh: units stuck near ±1 / 0, 1)
    frac_dead     share of units with f'(z) = 0 on every example of the batch (ReLU)

Layers are numbered 1..depth+1; the last is the output layer, which has weights but no activation.
Unrecorded steps cost nothing: hooks are attached only for recorded steps.

Every norm is taken in float64: ‖v‖² = Σ v_i² of float32 entries near 1e-25 (a 30-layer sigmoid net's first
layer) underflows to 0 in float32 though every entry is a normal number; in float64 it does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

import pandas as pd

from gradviz import lazy

torch = lazy.module("torch")  # imported at first use: pages that only show results never load it

HIST_BINS = 40
# range of the activation histograms: fixed per activation so layers and runs compare bin for bin
HIST_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "relu": (0.0, 4.0), "gelu": (-0.5, 4.0)}


def activation_derivative(name: str, z: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
    """f'(z), elementwise, from the pre-activation z and the output h = f(z)."""
    if name == "sigmoid":
        # σ'(z) = σ(z)(1 − σ(z)) ≤ 1/4
        return h * (1 - h)
    if name == "tanh":
        # tanh'(z) = 1 − tanh²(z) ≤ 1
        return 1 - h * h
    if name == "relu":
        # relu'(z) = 1 if z > 0 else 0
        return (z > 0).to(z.dtype)
    if name == "gelu":
        # gelu(z) = z Φ(z)  ⇒  gelu'(z) = Φ(z) + z φ(z)
        phi = torch.exp(-0.5 * z * z) / (2 * torch.pi) ** 0.5
        cdf = 0.5 * (1 + torch.erf(z / 2**0.5))
        return cdf + z * phi
    raise ValueError(f"unknown activation {name!r}")


MAX_DERIVATIVE = {"sigmoid": 0.25, "tanh": 1.0, "relu": 1.0, "gelu": 1.129}


def _norms64(tensors) -> torch.Tensor:
    """‖t‖_F of each tensor, computed in float64: (n,) float64."""
    return torch.stack(torch._foreach_norm([t.detach().double() for t in tensors]))


class ProbedNet(Protocol):
    """What a probed net exposes (the deep-nets MLP and the residual lesson's BlockMLP both do)."""

    hidden: Sequence[Any]  # one module per hidden layer, hooked for h_ℓ
    linears: Sequence[Any]  # every weight layer in order, nearest the input first
    activation: str  # the name of f, for f'(z)


class LayerProbe:
    """Records per-layer statistics of a `ProbedNet` on the steps in `record_steps`."""

    def __init__(self, model: ProbedNet, record_steps: Iterable[int], hist_steps: Iterable[int] = ()):
        self.model = model
        self.record_steps = frozenset(record_steps)
        self.hist_steps = frozenset(hist_steps)
        self.rows: list[tuple[int, int, str, float]] = []
        self.hist_rows: list[tuple[int, int, float, float, float]] = []
        self._handles: list = []
        self._z: dict[int, torch.Tensor] = {}
        self._h: dict[int, torch.Tensor] = {}
        self._w_before: list[torch.Tensor] = []

    # -- the loop's interface ------------------------------------------------------------------------
    def wants(self, step: int) -> bool:
        return step in self.record_steps or step in self.hist_steps

    def before_forward(self, step: int) -> None:
        for ell, act in enumerate(self.model.hidden, start=1):
            self._handles.append(act.register_forward_hook(self._keeper(ell)))
        if step in self.hist_steps:
            self._handles.append(self.model.linears[0].register_forward_hook(self._input_keeper))

    def after_backward(self, step: int) -> None:
        weights = [linear.weight for linear in self.model.linears]
        # ‖∂L/∂W_ℓ‖ for every layer ℓ, in float64 (squares of tiny float32 entries would underflow)
        self._add_all(step, 1, "weight_grad", _norms64([w.grad for w in weights]))
        hidden = [self._h[ell] for ell in sorted(self._h)]
        # ‖∂L/∂h_ℓ‖ for every hidden layer, in float64
        self._add_all(step, 1, "backprop_grad", _norms64([h.grad for h in hidden]))
        if step in self.hist_steps:
            self._activation_statistics(step)
        self._w_before = [w.detach().clone() for w in weights]

    def after_update(self, step: int) -> None:
        weights = [linear.weight.detach() for linear in self.model.linears]
        # ‖W_after − W_before‖ / ‖W_before‖ for every layer (float64 norms: a vanishing layer's step is tiny)
        deltas = _norms64(torch._foreach_sub(weights, self._w_before))
        self._add_all(step, 1, "update_ratio", deltas / _norms64(self._w_before))
        for handle in self._handles:
            handle.remove()
        self._handles, self._z, self._h, self._w_before = [], {}, {}, []

    def _activation_statistics(self, step: int) -> None:
        """Activation mean, spread, slope and saturation per hidden layer, and the histograms. Recorded on
        the histogram steps only (initialization and the end, which is what the lesson shows): computed on
        every recorded step they cost more than the training step itself."""
        name = self.model.activation
        # n·Var(W) = fan_in · mean(W_ij²) for every layer (the weights' side of the variance condition)
        for ell, linear in enumerate(self.model.linears, start=1):
            w = linear.weight.detach().double()  # (fan_out, fan_in)
            self._add(step, ell, "weight_nvar", w.shape[1] * w.pow(2).mean())
        x = self._z.get(0)
        if x is not None:
            # ‖h_0‖ = ‖x‖, the input of the first weight layer
            self._add(step, 0, "act_norm", x.double().norm())
        for ell, h in sorted(self._h.items()):
            fprime = activation_derivative(name, self._z[ell], h).double()  # (batch, width)
            h64 = h.detach().double()
            self._add(step, ell, "act_mean", h64.mean())
            self._add(step, ell, "act_std", h64.std())
            # spread across examples: std over the batch of each unit, averaged over units
            self._add(step, ell, "act_spread", h64.std(dim=0).mean())
            self._add(step, ell, "act_norm", h64.norm())
            self._add(step, ell, "mean_fprime", fprime.abs().mean())
            # E[f'(z)²]
            self._add(step, ell, "mean_fprime_sq", fprime.pow(2).mean())
            if name in ("sigmoid", "tanh"):
                self._add(step, ell, "frac_saturated", (fprime < 0.1 * MAX_DERIVATIVE[name]).float().mean())
            else:
                self._add(step, ell, "frac_dead", (fprime.abs().amax(dim=0) < 1e-6).float().mean())
            self._histogram(step, ell, h)

    # -- results -------------------------------------------------------------------------------------
    def layers_frame(self) -> pd.DataFrame:
        """Long-form: step, layer, quantity, value."""
        return pd.DataFrame(self.rows, columns=["step", "layer", "quantity", "value"])

    def hist_frame(self) -> pd.DataFrame:
        """Long-form: step, layer, bin_start, bin_end, share (share of the layer's activations in the bin)."""
        return pd.DataFrame(self.hist_rows, columns=["step", "layer", "bin_start", "bin_end", "share"])

    # -- internals -----------------------------------------------------------------------------------
    def _input_keeper(self, module, inputs, output):
        self._z[0] = inputs[0].detach()  # (batch, n_in): the network's input x

    def _keeper(self, ell: int):
        def hook(module, inputs, output):
            self._z[ell] = inputs[0].detach()
            output.retain_grad()
            self._h[ell] = output

        return hook

    def _add(self, step: int, ell: int, quantity: str, value: torch.Tensor) -> None:
        self.rows.append((step, ell, quantity, float(value.detach())))

    def _add_all(self, step: int, first_layer: int, quantity: str, values) -> None:
        """One row per layer from a list (or 1-D tensor) of per-layer values, with one host transfer."""
        flat = torch.stack(list(values)) if isinstance(values, (list, tuple)) else values
        for ell, v in enumerate(flat.detach().tolist(), start=first_layer):
            self.rows.append((step, ell, quantity, v))

    def _histogram(self, step: int, ell: int, h: torch.Tensor) -> None:
        lo, hi = HIST_RANGE[self.model.activation]
        values = h.detach().flatten().clamp(lo, hi)  # out-of-range values land in the end bins
        counts = torch.histc(values, bins=HIST_BINS, min=lo, max=hi)
        share = counts / counts.sum()
        width = (hi - lo) / HIST_BINS
        for i, s in enumerate(share.tolist()):
            self.hist_rows.append((step, ell, lo + i * width, lo + (i + 1) * width, s))
