"""Synthetic sequence tasks for recurrent nets.

The adding problem (Hochreiter & Schmidhuber 1997, "Long short-term memory", experiment 4,
https://doi.org/10.1162/neco.1997.9.8.1735; in the form of Le, Jaitly & Hinton 2015, "A simple way to
initialize recurrent networks of rectified linear units", https://arxiv.org/abs/1504.00941):

- every sequence has T steps and two input channels;
- channel 0 holds numbers drawn independently from U(0, 1);
- channel 1 is a marker: exactly two steps hold 1, the first somewhere in the first half of the
  sequence, the second somewhere in the second half; every other step holds 0;
- the target is the sum of the two marked numbers.

To solve it the net must carry the first marked number across at least T/2 steps, which is exactly
what vanishing gradients make hard and what makes the gradient of a large-ρ RNN explode.

Baseline: a net that ignores its input can do no better than predicting the mean target,
E[u₁ + u₂] = 1/2 + 1/2 = 1. Its mean squared error is the variance of the target,
Var[u₁ + u₂] = Var[u₁] + Var[u₂] = 1/12 + 1/12 = 1/6 ≈ 0.167 (u₁, u₂ independent; Var U(0,1) = 1/12).
A model whose loss stays near 1/6 has learned nothing about the sequence.
"""

from __future__ import annotations

from gradviz import lazy

torch = lazy.module("torch")  # imported at first use: pages that only show results never load it

# Var[U(0,1)] = 1/12, and the target is the sum of two independent draws: Var = 2/12 = 1/6
MEAN_PREDICTOR_MSE = 1.0 / 6.0


def adding_problem(n: int, T: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` adding-problem sequences of length `T` (T ≥ 2).

    Returns x of shape (n, T, 2) — channel 0 the numbers, channel 1 the two markers — and the
    targets y of shape (n, 1). Every draw comes from `generator`, never the global RNG.
    """
    if n < 1:
        raise ValueError(f"need at least one sequence, got n={n}")
    if T < 2:
        raise ValueError(f"the adding problem needs T ≥ 2 steps (two marked positions), got T={T}")
    half = T // 2
    values = torch.rand(n, T, generator=generator, dtype=torch.float32)  # (n, T), u_t ~ U(0, 1)
    # first marker uniformly in [0, T//2), second uniformly in [T//2, T)
    first = torch.randint(0, half, (n,), generator=generator)  # (n,)
    second = torch.randint(half, T, (n,), generator=generator)  # (n,)
    markers = torch.zeros(n, T, dtype=torch.float32)  # (n, T)
    rows = torch.arange(n)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    x = torch.stack([values, markers], dim=2)  # (n, T, 2)
    # y = u_first + u_second
    y = (values[rows, first] + values[rows, second]).unsqueeze(1)  # (n, 1)
    return x, y
