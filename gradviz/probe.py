"""Per-layer gradient and activation statistics of an MLP, recorded on chosen training steps.

On a recorded step, forward hooks keep each hidden layer's pre-activation z_ℓ and output h_ℓ = f(z_ℓ)
(with h_ℓ.retain_grad(), so backward fills ∂L/∂h_ℓ). Then, for layer ℓ (the gradient sizes and update
ratios on every recorded step; the activation statistics on the histogram steps only):

    weight_grad   ‖∂L/∂W_ℓ‖_F                       (what the optimizer sees)
    backprop_grad ‖∂L/∂h_ℓ‖_F over the batch          (the signal arriving at layer ℓ from above)
    update_ratio  ‖W_ℓ(after) − W_ℓ(before)‖ / ‖W_ℓ(before)‖   (how much the layer actually learns)
    act_mean, act_std                                 of h_ℓ over batch and units
    mean_fprime   mean |f'(z_ℓ)|                      (the per-layer factor in the chain rule)
    frac_saturated  share of f'(z) below 10% of its maximum (sigmoid, tanh: units stuck near ±1 / 0, 1)
    frac_dead     share of units with f'(z) = 0 on every example of the batch (ReLU)

Layers are numbered 1..depth+1; the last is the output layer, which has weights but no activation.
Unrecorded steps cost nothing: hooks are attached only for recorded steps.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from gradviz import lazy

if TYPE_CHECKING:
    from gradviz.nets import MLP

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


class LayerProbe:
    """Records per-layer statistics of an `MLP` on the steps in `record_steps`."""

    def __init__(self, model: MLP, record_steps: Iterable[int], hist_steps: Iterable[int] = ()):
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

    def after_backward(self, step: int) -> None:
        weights = [linear.weight for linear in self.model.linears]
        # ‖∂L/∂W_ℓ‖ for every layer ℓ, in one call
        self._add_all(step, 1, "weight_grad", torch._foreach_norm([w.grad for w in weights]))
        hidden = [self._h[ell] for ell in sorted(self._h)]
        # ‖∂L/∂h_ℓ‖ for every hidden layer
        self._add_all(step, 1, "backprop_grad", torch._foreach_norm([h.grad for h in hidden]))
        if step in self.hist_steps:
            self._activation_statistics(step)
        self._w_before = [w.detach().clone() for w in weights]

    def after_update(self, step: int) -> None:
        weights = [linear.weight.detach() for linear in self.model.linears]
        # ‖W_after − W_before‖ / ‖W_before‖ for every layer
        deltas = torch.stack(torch._foreach_norm(torch._foreach_sub(weights, self._w_before)))
        self._add_all(step, 1, "update_ratio", deltas / torch.stack(torch._foreach_norm(self._w_before)))
        for handle in self._handles:
            handle.remove()
        self._handles, self._z, self._h, self._w_before = [], {}, {}, []

    def _activation_statistics(self, step: int) -> None:
        """Activation mean, spread, slope and saturation per hidden layer, and the histograms. Recorded on
        the histogram steps only (initialization and the end, which is what the lesson shows): computed on
        every recorded step they cost more than the training step itself."""
        name = self.model.activation
        for ell, h in self._h.items():
            fprime = activation_derivative(name, self._z[ell], h)  # (batch, width)
            self._add(step, ell, "act_mean", h.mean())
            self._add(step, ell, "act_std", h.std())
            self._add(step, ell, "mean_fprime", fprime.abs().mean())
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
