"""Gradient clipping, written out so students can read it (Pascanu, Mikolov & Bengio 2013,
"On the difficulty of training recurrent neural networks", https://arxiv.org/abs/1211.5063).

Both functions act in place on the `.grad` of the given parameters, like torch.nn.utils.clip_grad_norm_
and clip_grad_value_, which the tests compare them against.
"""

from __future__ import annotations

from collections.abc import Iterable

from gradviz import lazy

torch = lazy.module("torch")  # imported at first use: pages that only show results never load it


def grad_norm(params: Iterable[torch.Tensor]) -> float:
    """‖g‖ = sqrt(Σ_p ‖g_p‖²) over every parameter's gradient, as one long vector."""
    grads = [p.grad for p in params if p.grad is not None]
    if not grads:
        return 0.0
    # ‖g‖₂ of the concatenation = ‖(‖g_1‖, ..., ‖g_P‖)‖₂
    return float(torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads])))


def clip_by_norm_(params: Iterable[torch.Tensor], threshold: float) -> tuple[float, bool]:
    """Rescale the whole gradient to norm `threshold` if it is longer; keeps its direction.

    Returns (norm before clipping, whether it was clipped).
    """
    params = [p for p in params if p.grad is not None]
    norm = grad_norm(params)
    clipped = norm > threshold
    if clipped:
        # g ← η · g / ‖g‖   when ‖g‖ > η
        scale = threshold / norm
        for p in params:
            p.grad.mul_(scale)
    return norm, clipped


def clip_by_value_(params: Iterable[torch.Tensor], threshold: float) -> tuple[float, bool]:
    """Clamp every gradient component to [-threshold, threshold]; can turn the gradient's direction.

    Returns (norm before clipping, whether any component was clamped).
    """
    params = [p for p in params if p.grad is not None]
    norm = grad_norm(params)
    clipped = False
    for p in params:
        # g_i ← max(-η, min(η, g_i))
        clipped |= bool((p.grad.abs() > threshold).any())
        p.grad.clamp_(-threshold, threshold)
    return norm, clipped
