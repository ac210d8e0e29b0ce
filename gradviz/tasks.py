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

import math

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


# -- the temporal-order task --------------------------------------------------------------------------------
# Hochreiter & Schmidhuber (1997), §5.6, Experiment 6a ("two relevant, widely separated symbols"): a sequence
# starts with E, ends with the trigger symbol B, and otherwise holds random distractors from {a, b, c, d},
# except at two positions t1 (between 10 and 20 in their sequences of 100 to 110) and t2 (between 50 and 60),
# which hold X or Y. The class is the pair in order: XX, XY, YX, YY. Here the length is a fixed T and the
# two windows are scaled with it: t1 ∈ [T/10, T/5], t2 ∈ [T/2, 3T/5] (the paper's windows at T = 100).
#
# Baseline: the four classes are equally likely, so a net that ignores the sequence can do no better than
# predicting (1/4, 1/4, 1/4, 1/4): cross-entropy ln 4 ≈ 1.386 nats, accuracy 25 %.

ORDER_SYMBOLS: tuple[str, ...] = ("a", "b", "c", "d", "X", "Y", "E", "B")  # one input channel each (one-hot)
ORDER_CLASSES: tuple[str, ...] = ("XX", "XY", "YX", "YY")
# -Σ (1/4) ln(1/4) = ln 4
UNIFORM_PREDICTOR_CE = math.log(4.0)


def temporal_order_windows(T: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """The inclusive windows (first, last) of t1 and t2 for length T: the paper's 10–20 and 50–60 at T = 100."""
    return (round(T / 10), round(T / 5)), (round(T / 2), round(3 * T / 5))


def temporal_order(n: int, T: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """`n` temporal-order sequences of length `T` (T ≥ 10).

    Returns x of shape (n, T, 8), one-hot over ORDER_SYMBOLS, and the class index y of shape (n,)
    (0 = XX, 1 = XY, 2 = YX, 3 = YY). Every draw comes from `generator`."""
    if n < 1:
        raise ValueError(f"need at least one sequence, got n={n}")
    if T < 10:
        raise ValueError(f"the temporal-order task needs T ≥ 10 steps (two separate windows), got T={T}")
    (a1, b1), (a2, b2) = temporal_order_windows(T)
    symbols = torch.randint(0, 4, (n, T), generator=generator)  # (n, T) distractors a, b, c, d
    t1 = torch.randint(a1, b1 + 1, (n,), generator=generator)  # (n,)
    t2 = torch.randint(a2, b2 + 1, (n,), generator=generator)  # (n,)
    first = torch.randint(0, 2, (n,), generator=generator)  # 0 = X, 1 = Y
    second = torch.randint(0, 2, (n,), generator=generator)
    rows = torch.arange(n)
    symbols[rows, t1] = 4 + first
    symbols[rows, t2] = 4 + second
    symbols[:, 0] = ORDER_SYMBOLS.index("E")
    symbols[:, -1] = ORDER_SYMBOLS.index("B")
    x = torch.nn.functional.one_hot(symbols, len(ORDER_SYMBOLS)).to(torch.float32)  # (n, T, 8)
    # class = 2·[first is Y] + [second is Y]: XX 0, XY 1, YX 2, YY 3
    y = 2 * first + second  # (n,)
    return x, y


def marked_positions(task: str, x: torch.Tensor) -> torch.Tensor:
    """Boolean (n, T): the positions whose input the target depends on (the two marked numbers; X/Y)."""
    if task == "adding":
        return x[:, :, 1] > 0.5
    if task == "order":
        return x[:, :, 4:6].sum(dim=2) > 0.5
    raise ValueError(f"unknown task {task!r}")
