"""Small networks and the weight initializations the lessons compare.

- MLP of any depth and width (the deep-nets lesson; Suresh 2016's MNIST experiment).
- A tanh RNN whose recurrent matrix is scaled to a chosen spectral radius (the clipping lesson).

Initializations, each named for exactly what its paper defines (fan_in = inputs of a layer, fan_out = outputs).
None is multiplied by an activation-dependent gain: the name alone says what is drawn.
- "normal":     W ~ N(0, 1), the "Gaussian with standard deviation one" of Suresh (2016).
- "default":    PyTorch's nn.Linear default, U(±1/sqrt(fan_in)), so Var(W) = 1/(3 fan_in); its bias likewise.
- "lecun":      LeCun et al. (1998), "Efficient BackProp" §4.6: N(0, 1/fan_in).
- "glorot":     Glorot & Bengio (2010), eq. 16, "normalized initialization": U(±sqrt(6/(fan_in+fan_out))),
                so Var(W) = 2/(fan_in+fan_out), the compromise between keeping the forward variance
                (fan_in Var(W) = 1) and the backward variance (fan_out Var(W) = 1) for units linear near 0.
                https://proceedings.mlr.press/v9/glorot10a.html
- "he":         He et al. (2015), eq. 10: N(0, 2/fan_in), which makes up for ReLU zeroing half its inputs
                (½ fan_in Var(W) = 1). https://arxiv.org/abs/1502.01852
- "orthogonal": Saxe et al. (2014): a random (semi-)orthogonal matrix with gain 1, every singular value
                exactly 1. https://arxiv.org/abs/1312.6120
Biases start at zero for every scheme except "default", which keeps PyTorch's own bias init.
"""

from __future__ import annotations

import math

import torch
from torch import nn

# The names live in a torch-free module, so pages can list them without importing torch.
from gradviz.net_options import ACTIVATIONS, INITS, Activation, Init  # noqa: F401 - re-exported


def activation_module(name: str) -> nn.Module:
    return {"sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "gelu": nn.GELU}[name]()


def weight_variance(scheme: str, fan_in: int, fan_out: int) -> float:
    """Var(W_ij) that `scheme` draws from, as its paper defines it (orthogonal: 1/fan_in for a square matrix)."""
    return {
        "normal": 1.0,
        "default": 1.0 / (3 * fan_in),  # U(-a, a) has variance a²/3, a = 1/sqrt(fan_in)
        "lecun": 1.0 / fan_in,
        "glorot": 2.0 / (fan_in + fan_out),
        "he": 2.0 / fan_in,
        "orthogonal": 1.0 / max(fan_in, fan_out),  # rows (or columns) of unit length: Σ W_ij² = min(fan_in, fan_out)
    }[scheme]


def init_linear(layer: nn.Linear, scheme: str, generator: torch.Generator) -> None:
    """Re-initialize one linear layer in place with the named scheme (no activation-dependent gain).

    Every draw takes an explicit generator: sessions train in threads of one process, so the global
    RNG would make one student's run depend on another's.
    """
    w = layer.weight  # (fan_out, fan_in)
    fan_out, fan_in = w.shape
    with torch.no_grad():
        if scheme == "default":
            # W_ij, b_i ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)): what nn.Linear.reset_parameters draws
            bound = 1.0 / math.sqrt(fan_in)
            w.uniform_(-bound, bound, generator=generator)
            if layer.bias is not None:
                layer.bias.uniform_(-bound, bound, generator=generator)
            return
        if scheme == "normal":
            # W_ij ~ N(0, 1)
            nn.init.normal_(w, 0.0, 1.0, generator=generator)
        elif scheme == "lecun":
            # W_ij ~ N(0, 1/fan_in)
            nn.init.normal_(w, 0.0, math.sqrt(1.0 / fan_in), generator=generator)
        elif scheme == "glorot":
            # W_ij ~ U(-a, a),  a = sqrt(6 / (fan_in + fan_out)),  so Var(W) = a²/3 = 2 / (fan_in + fan_out)
            bound = math.sqrt(6.0 / (fan_in + fan_out))
            w.uniform_(-bound, bound, generator=generator)
        elif scheme == "he":
            # W_ij ~ N(0, 2/fan_in)
            nn.init.normal_(w, 0.0, math.sqrt(2.0 / fan_in), generator=generator)
        elif scheme == "orthogonal":
            # W = Q,  Q Qᵀ = I or Qᵀ Q = I (gain 1: every singular value is 1)
            nn.init.orthogonal_(w, gain=1.0, generator=generator)
        else:
            raise ValueError(f"unknown init {scheme!r}; choose from {INITS}")
        if layer.bias is not None:
            layer.bias.zero_()


class MLP(nn.Module):
    """x -> [Linear -> activation] * depth -> Linear -> logits.

    `depth` counts hidden layers, so there are depth + 1 weight matrices; layer ℓ = 1 is nearest the input,
    layer depth + 1 is the output layer. `hidden` holds the activation modules, so a probe can hook them.
    """

    def __init__(
        self, n_in: int, width: int, depth: int, n_out: int, activation: str, init: str, generator: torch.Generator
    ):
        super().__init__()
        if depth < 1:
            raise ValueError("depth counts hidden layers and must be at least 1")
        sizes = [n_in] + [width] * depth + [n_out]
        # float32 explicitly: the default dtype is process-wide state that other code may change
        self.linears = nn.ModuleList(
            nn.Linear(a, b, dtype=torch.float32) for a, b in zip(sizes[:-1], sizes[1:], strict=True)
        )
        self.hidden = nn.ModuleList(activation_module(activation) for _ in range(depth))
        self.activation = activation
        for layer in self.linears:
            init_linear(layer, init, generator)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (batch, n_in)
        h = x
        for linear, act in zip(self.linears[:-1], self.hidden, strict=True):
            # h_ℓ = f(W_ℓ h_{ℓ-1} + b_ℓ)
            h = act(linear(h))  # (batch, width)
        return self.linears[-1](h)  # (batch, n_out) logits


def scale_to_spectral_radius(w: torch.Tensor, rho: float) -> torch.Tensor:
    """W * rho / max|eig(W)|: the same matrix, stretched so its largest eigenvalue modulus is rho."""
    radius = torch.linalg.eigvals(w).abs().max()
    return w * (rho / radius)


class TanhRNN(nn.Module):
    """h_t = tanh(W h_{t-1} + U x_t + b), prediction y = v·h_T + c.

    W starts as a Gaussian matrix scaled to spectral radius `rho`: below 1 the backward products
    ∂h_T/∂h_t shrink, above 1 they can grow (Pascanu et al. 2013, https://arxiv.org/abs/1211.5063).
    """

    def __init__(self, n_in: int, hidden: int, n_out: int, rho: float, generator: torch.Generator):
        super().__init__()
        self.hidden_size = hidden
        f32 = torch.float32  # explicit: the default dtype is process-wide state that other code may change
        w = torch.randn(hidden, hidden, generator=generator, dtype=f32) / math.sqrt(hidden)
        self.w = nn.Parameter(scale_to_spectral_radius(w, rho))  # (hidden, hidden)
        self.u = nn.Parameter(torch.randn(hidden, n_in, generator=generator, dtype=f32) / math.sqrt(n_in))
        self.b = nn.Parameter(torch.zeros(hidden, dtype=f32))
        self.readout = nn.Linear(hidden, n_out, dtype=f32)
        with torch.no_grad():
            self.readout.weight.copy_(torch.randn(n_out, hidden, generator=generator, dtype=f32) / math.sqrt(hidden))
            self.readout.bias.zero_()

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: (batch, T, n_in)
        ux = x @ self.u.T + self.b  # (batch, T, hidden): U x_t + b for every t in one product
        h = x.new_zeros(x.shape[0], self.hidden_size)  # (batch, hidden)
        w_t = self.w.T
        for t in range(x.shape[1]):
            # h_t = tanh(W h_{t-1} + U x_t + b), the product and sum fused in one addmm
            h = torch.tanh(torch.addmm(ux[:, t], h, w_t))
        return self.readout(h)  # (batch, n_out)


# =======================================================================================================
# Sequence models of the LSTM lesson (gradviz.lessons.lstm): tanh RNN, IRNN and LSTM on PyTorch's own
# recurrent modules, so what students train is what practitioners use. Appended as one block: the
# initializations above belong to the deep-nets lesson and are not used here.
#
# - "rnn":  h_t = tanh(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh), PyTorch's default init for nn.RNN
#           (every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H))), drawn from an explicit generator.
# - "irnn": Le, Jaitly & Hinton (2015), https://arxiv.org/abs/1504.00941: the same recurrence with ReLU,
#           W_hh = I and zero biases; input weights ~ N(0, 0.001²), as in their experiments.
# - "lstm": nn.LSTM, PyTorch's default init, then the forget-gate bias set to `forget_bias`
#           (Gers, Schmidhuber & Cummins 2000; Jozefowicz, Zaremba & Sutskever 2015 recommend 1).
# Every model reads the last hidden state through one linear layer: y = V h_T + c.
# =======================================================================================================

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


# =======================================================================================================
# end of the LSTM lesson's block
# =======================================================================================================


# ======================================================================================================
# Residual MLP and its plain twin (the "Residual connections" lesson, gradviz/lessons/resnet/).
# Appended as one block: the code above (MLP, init functions, RNNs) is not touched by it.
#
# One block is the lecture's residual block (Grosse & Ba, CSC421 Lecture 14; He et al. 2016,
# https://arxiv.org/abs/1512.03385), with an optional batch norm after its first weight layer:
#
#     F(x) = W₂ φ(N(W₁ x + b₁)) + b₂           N = BatchNorm1d or the identity
#     residual:  x⁽ℓ⁺¹⁾ = x⁽ℓ⁾ + F(x⁽ℓ⁾)         plain twin:  x⁽ℓ⁺¹⁾ = F(x⁽ℓ⁾)
#
# so backprop through a residual block is x̄⁽ℓ⁾ = x̄⁽ℓ⁺¹⁾ (I + ∂F/∂x): the identity term carries the
# gradient through any number of blocks. The twins share every parameter shape and, for the same
# generator, every initial value: they differ only by the skip connection.
# ======================================================================================================

BLOCK_ACTIVATIONS: tuple[str, ...] = ("relu", "tanh", "linear")
BLOCK_INITS: tuple[str, ...] = ("default", "orthogonal")  # PyTorch's nn.Linear default; orthogonal, gain 1
NORMS: tuple[str, ...] = ("none", "batch")


def _block_activation(name: str) -> nn.Module:
    return {"relu": nn.ReLU, "tanh": nn.Tanh, "linear": nn.Identity}[name]()


def _init_block_linear(layer: nn.Linear, scheme: str, generator: torch.Generator) -> None:
    """PyTorch's default (W, b ~ U(±1/sqrt(fan_in))) or a random orthogonal W with every singular value
    exactly 1 (Saxe et al. 2014, gain 1) and b = 0. Drawn from `generator`, never the global RNG."""
    with torch.no_grad():
        if scheme == "default":
            # W_ij, b_i ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in))
            bound = 1.0 / math.sqrt(layer.weight.shape[1])
            layer.weight.uniform_(-bound, bound, generator=generator)
            layer.bias.uniform_(-bound, bound, generator=generator)
        elif scheme == "orthogonal":
            # W = Q,  QᵀQ = I
            nn.init.orthogonal_(layer.weight, gain=1.0, generator=generator)
            layer.bias.zero_()
        else:
            raise ValueError(f"unknown init {scheme!r}; choose from {BLOCK_INITS}")


class ResidualBlock(nn.Module):
    """F(x) = W₂ φ(N(W₁ x + b₁)) + b₂, width → width."""

    def __init__(self, width: int, activation: str, norm: str, init: str, generator: torch.Generator):
        super().__init__()
        if norm not in NORMS:
            raise ValueError(f"unknown norm {norm!r}; choose from {NORMS}")
        self.fc1 = nn.Linear(width, width, dtype=torch.float32)
        self.norm = nn.BatchNorm1d(width, dtype=torch.float32) if norm == "batch" else nn.Identity()
        self.act = _block_activation(activation)
        self.fc2 = nn.Linear(width, width, dtype=torch.float32)
        for layer in (self.fc1, self.fc2):
            _init_block_linear(layer, init, generator)

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
        _init_block_linear(self.stem, "default", gen)
        self.blocks = nn.ModuleList(ResidualBlock(width, activation, norm, init, gen) for _ in range(blocks))
        self.head = nn.Linear(width, n_out, dtype=torch.float32)
        _init_block_linear(self.head, "default", gen)
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


# ======================================================================================================
# end of the residual-MLP block
# ======================================================================================================
