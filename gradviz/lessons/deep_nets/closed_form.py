"""Closed-form gradients of two tiny deep nets, numpy only (the deep-nets lesson's "by hand" side).

1. The lecture notes' linear chain ("Vanishing and Exploding Gradients"): L layers, two
   neurons in layers 1..L-1 with diagonal weights W⁽ⁱ⁾ = diag(w₁₁⁽ⁱ⁾, w₂₂⁽ⁱ⁾), one output neuron with
   W⁽ᴸ⁾ = (w₁₁⁽ᴸ⁾, w₁₂⁽ᴸ⁾), no biases, no activations, squared loss ½(ŷ − y)². Then

       ŷ = w₁₁⁽ᴸ⁾ Πᵢ₌₁ᴸ⁻¹ w₁₁⁽ⁱ⁾ x₁ + w₁₂⁽ᴸ⁾ Πᵢ₌₁ᴸ⁻¹ w₂₂⁽ⁱ⁾ x₂,
       ∂L/∂w₁₁⁽¹⁾ = (ŷ − y) · w₁₁⁽ᴸ⁾ Πᵢ₌₂ᴸ⁻¹ w₁₁⁽ⁱ⁾ · x₁:

   one weight from every layer but the first, so weights slightly below 1 make it vanish and slightly
   above 1 make it explode.

2. Suresh (2016)'s one-neuron-per-layer chain: z_ℓ = f(W_ℓ z_{ℓ−1}), z_0 = x, loss ½(z_n − y)². Then

       ∂L/∂W_1 = (z_n − y) · Πℓ₌₂ⁿ f'(a_ℓ) W_ℓ · f'(a_1) x,   a_ℓ = W_ℓ z_{ℓ−1},

   a product of factors f'(a)·W; for the sigmoid f' ≤ 1/4, so each factor is at most |W|/4.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# --- 1. the diagonal linear chain -------------------------------------------------------------------


def diagonal_chain_output(diag: np.ndarray, w_out: np.ndarray, x: np.ndarray) -> float:
    """ŷ for diagonal weights `diag` (shape (L−1, 2): rows (w₁₁⁽ⁱ⁾, w₂₂⁽ⁱ⁾)), output row `w_out` (2,), input x (2,)."""
    # ŷ = Σ_k w_out[k] · Π_i diag[i, k] · x[k]
    return float(np.sum(w_out * np.prod(diag, axis=0) * x))


def diagonal_chain_grad_w11_first(diag: np.ndarray, w_out: np.ndarray, x: np.ndarray, y: float) -> float:
    """∂L/∂w₁₁⁽¹⁾ = (ŷ − y) · w₁₁⁽ᴸ⁾ · Πᵢ₌₂ᴸ⁻¹ w₁₁⁽ⁱ⁾ · x₁."""
    y_hat = diagonal_chain_output(diag, w_out, x)
    return float((y_hat - y) * w_out[0] * np.prod(diag[1:, 0]) * x[0])


def diagonal_chain_uniform(
    depth: int, w: float, x1: float = 1.0, x2: float = 1.0, y: float = 0.0
) -> dict[str, float]:
    """The chain with every weight equal to w: ŷ = w^L (x₁ + x₂) and ∂L/∂w₁₁⁽¹⁾ = (ŷ − y) w^(L−1) x₁."""
    diag = np.full((depth - 1, 2), w, dtype=float)
    w_out = np.array([w, w], dtype=float)
    x = np.array([x1, x2], dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        y_hat = diagonal_chain_output(diag, w_out, x)
        grad = diagonal_chain_grad_w11_first(diag, w_out, x, y)
    return {"y_hat": y_hat, "grad": grad, "product": float(w) ** (depth - 1)}


# --- 2. the one-neuron-per-layer chain with an activation --------------------------------------------


def _act(name: str, a: float) -> tuple[float, float]:
    """(f(a), f'(a)) for the activations of the lesson."""
    if name == "sigmoid":
        s = 1.0 / (1.0 + np.exp(-a))
        # σ'(a) = σ(a)(1 − σ(a)) ≤ 1/4
        return s, s * (1.0 - s)
    if name == "tanh":
        t = np.tanh(a)
        # tanh'(a) = 1 − tanh²(a) ≤ 1
        return t, 1.0 - t * t
    if name == "relu":
        # relu'(a) = 1 for a > 0, else 0
        return max(a, 0.0), float(a > 0)
    raise ValueError(f"unknown activation {name!r}")


def scalar_chain(
    weights: np.ndarray, activation: str = "sigmoid", x: float = 1.0, y: float = 0.0
) -> pd.DataFrame:
    """Per-layer table of the chain z_ℓ = f(W_ℓ z_{ℓ−1}): one row per layer ℓ with columns
    layer, weight, a (pre-activation), fprime = f'(a_ℓ), factor = f'(a_ℓ)·W_ℓ, and grad = ∂L/∂W_ℓ."""
    n = len(weights)
    z = [float(x)]
    a_list, fp_list = [], []
    for w in weights:
        # a_ℓ = W_ℓ z_{ℓ−1};  z_ℓ = f(a_ℓ)
        a = float(w) * z[-1]
        out, fp = _act(activation, a)
        a_list.append(a)
        fp_list.append(fp)
        z.append(float(out))
    # δ_n = ∂L/∂z_n = z_n − y;   ∂L/∂W_ℓ = δ_ℓ f'(a_ℓ) z_{ℓ−1};   δ_{ℓ−1} = δ_ℓ f'(a_ℓ) W_ℓ
    delta = z[-1] - y
    grads = np.zeros(n)
    for ell in range(n - 1, -1, -1):
        grads[ell] = delta * fp_list[ell] * z[ell]
        delta = delta * fp_list[ell] * float(weights[ell])
    return pd.DataFrame(
        {
            "layer": np.arange(1, n + 1),
            "weight": np.asarray(weights, dtype=float),
            "a": a_list,
            "fprime": fp_list,
            "factor": np.asarray(fp_list) * np.asarray(weights, dtype=float),
            "grad": grads,
        }
    )


def chain_factors(chain: pd.DataFrame) -> tuple[float, float]:
    """(largest |f'(a_ℓ)·W_ℓ|, Π_{ℓ=2}^{n} f'(a_ℓ)·W_ℓ) of a `scalar_chain` table: the factors the chain rule multiplies."""
    factors = chain.factor.to_numpy()
    with np.errstate(over="ignore", under="ignore"):
        return float(np.abs(factors).max()), float(np.prod(factors[1:]))
