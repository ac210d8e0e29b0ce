"""The residual lesson's networks: a residual MLP and its plain twin.

One block is the lecture's residual block (Grosse & Ba, CSC421 Lecture 14; He et al. 2016,
https://arxiv.org/abs/1512.03385), with an optional batch norm after its first weight layer:

    F(x) = W₂ φ(N(W₁ x + b₁)) + b₂           N = BatchNorm1d or the identity
    residual:  x⁽ℓ⁺¹⁾ = x⁽ℓ⁾ + F(x⁽ℓ⁾)         plain twin:  x⁽ℓ⁺¹⁾ = F(x⁽ℓ⁾)

so backprop through a residual block is x̄⁽ℓ⁾ = x̄⁽ℓ⁺¹⁾ (I + ∂F/∂x): the identity term carries the
gradient through any number of blocks. The twins share every parameter shape and, for the same
generator, every initial value: they differ only by the skip connection. Weights are drawn by
`gradviz.nets.init_linear` ("default" is PyTorch's nn.Linear init; "orthogonal" is Saxe et al.'s, gain 1).
"""

from __future__ import annotations

import torch
from torch import nn

from gradviz.nets import activation_module, init_linear

NORMS: tuple[str, ...] = ("none", "batch")


class ResidualBlock(nn.Module):
    """F(x) = W₂ φ(N(W₁ x + b₁)) + b₂, width → width."""

    def __init__(self, width: int, activation: str, norm: str, init: str, generator: torch.Generator):
        super().__init__()
        if norm not in NORMS:
            raise ValueError(f"unknown norm {norm!r}; choose from {NORMS}")
        self.fc1 = nn.Linear(width, width, dtype=torch.float32)
        self.norm = nn.BatchNorm1d(width, dtype=torch.float32) if norm == "batch" else nn.Identity()
        self.act = activation_module(activation)
        self.fc2 = nn.Linear(width, width, dtype=torch.float32)
        for layer in (self.fc1, self.fc2):
            init_linear(layer, init, generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (batch, width)
        # F(x) = W₂ φ(N(W₁ x + b₁)) + b₂
        return self.fc2(self.act(self.norm(self.fc1(x))))


class BlockMLP(nn.Module):
    """input → stem Linear → n blocks → head Linear → logits, with (`skip=True`) or without skips.

    `taps[ℓ]` is an identity module applied to x⁽ℓ⁾ (ℓ = 0: the stem's output, the first block's input;
    ℓ = n: the last block's output), so `gradviz.probe.LayerProbe` can hook them and record ∂L/∂x⁽ℓ⁾
    ("layer" ℓ + 1 in its numbering). `linears` lists every weight layer in order, for the probe.

    `forward(x, route=..., removed=...)` supports the lesson's two surgeries (Veit et al. 2016):
    - `route[i]` ∈ {"both", "skip", "branch"} for residual block i+1: the forward values are unchanged,
      but backprop passes only through the skip, only through F, or through both (the default);
    - `removed` lists blocks (1-based) deleted at test time: x⁽ℓ⁾ = x⁽ℓ⁻¹⁾.
    """

    def __init__(
        self,
        n_in: int,
        width: int,
        blocks: int,
        n_out: int,
        skip: bool,
        norm: str = "none",
        activation: str = "relu",
        init: str = "default",
        generator: torch.Generator | None = None,
    ):
        super().__init__()
        if blocks < 1:
            raise ValueError("a net needs at least one block")
        gen = generator if generator is not None else torch.Generator().manual_seed(0)
        self.skip = skip
        self.activation = activation
        self.stem = nn.Linear(n_in, width, dtype=torch.float32)
        init_linear(self.stem, "default", gen)
        self.blocks = nn.ModuleList(ResidualBlock(width, activation, norm, init, gen) for _ in range(blocks))
        self.head = nn.Linear(width, n_out, dtype=torch.float32)
        init_linear(self.head, "default", gen)
        self.taps = nn.ModuleList(nn.Identity() for _ in range(blocks + 1))

    @property
    def hidden(self) -> nn.ModuleList:  # what LayerProbe hooks: one tap per x⁽ℓ⁾
        return self.taps

    @property
    def linears(self) -> list[nn.Linear]:
        return [self.stem, *(lin for b in self.blocks for lin in (b.fc1, b.fc2)), self.head]

    def body(
        self, x0: torch.Tensor, route: tuple[str, ...] | None = None, removed: tuple[int, ...] = ()
    ) -> torch.Tensor:
        """x⁽⁰⁾ → x⁽ⁿ⁾ through the blocks (the map whose Jacobian the lesson studies)."""
        x = self.taps[0](x0)  # (batch, width)
        for i, block in enumerate(self.blocks):
            if i + 1 in removed:
                x = self.taps[i + 1](x)  # the block is deleted: x⁽ℓ⁾ = x⁽ℓ⁻¹⁾
                continue
            mode = route[i] if route is not None else "both"
            if not self.skip:
                # x⁽ℓ⁾ = F(x⁽ℓ⁻¹⁾)
                x = block(x)
            elif mode == "both":
                # x⁽ℓ⁾ = x⁽ℓ⁻¹⁾ + F(x⁽ℓ⁻¹⁾)  ⇒  x̄⁽ℓ⁻¹⁾ = x̄⁽ℓ⁾ (I + ∂F/∂x)
                x = x + block(x)
            elif mode == "skip":
                # same value; backprop only through the identity: x̄⁽ℓ⁻¹⁾ = x̄⁽ℓ⁾
                x = x + block(x).detach()
            elif mode == "branch":
                # same value; backprop only through the block: x̄⁽ℓ⁻¹⁾ = x̄⁽ℓ⁾ ∂F/∂x
                x = x.detach() + block(x)
            else:
                raise ValueError(f"unknown route {mode!r}: use both, skip or branch")
            x = self.taps[i + 1](x)
        return x

    def forward(
        self, x: torch.Tensor, route: tuple[str, ...] | None = None, removed: tuple[int, ...] = ()
    ) -> torch.Tensor:  # x: (batch, n_in)
        return self.head(self.body(self.stem(x), route, removed))  # (batch, n_out) logits


def residual_twins(
    n_in: int,
    width: int,
    blocks: int,
    n_out: int,
    norm: str = "none",
    activation: str = "relu",
    init: str = "default",
    seed: int = 0,
) -> tuple[BlockMLP, BlockMLP]:
    """(plain, residual): the same blocks with the same initial weights, without and with the skips."""
    plain, residual = (
        BlockMLP(
            n_in, width, blocks, n_out, skip, norm, activation, init, torch.Generator().manual_seed(seed)
        )
        for skip in (False, True)
    )
    n_plain, n_res = (sum(p.numel() for p in m.parameters()) for m in (plain, residual))
    assert n_plain == n_res, f"the twins must have the same parameters ({n_plain} vs {n_res})"
    return plain, residual
