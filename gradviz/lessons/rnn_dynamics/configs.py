"""Each section's config (frozen dataclasses: what the page's controls set) and its presets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

# -- 1. the scalar chain


@dataclass(frozen=True)
class ChainConfig:
    w: float = 1.1  # the lecture's exploding case
    T: int = 50  # the lecture's sequence length; T counts steps (factors), so w^T = 1.1^50 = 117.4 as quoted
    h0: float = 0.5  # tanh unit's start: away from 0 so its factors 1 − h_t² are visibly below 1
    b: float = 0.0  # tanh unit's bias (no input), so the linear and tanh units differ only by the squashing


CHAIN_PRESETS: dict[str, ChainConfig] = {
    "default": ChainConfig(),
    "exploding (w = 1.1, T = 50)": ChainConfig(w=1.1, T=50),
    "vanishing (w = 0.9, T = 50)": ChainConfig(w=0.9, T=50),
}


# -- 2. iterated maps: the logistic map


@dataclass(frozen=True)
class MapConfig:
    r: float = 3.5  # the lecture's example: the orbit settles on a stable 4-cycle
    x0: float = 0.2  # a generic start inside (0, 1); 0 and 1 sit on the unstable fixed point 0
    n: int = 40  # steps shown: enough to see the transient die out at r = 3.5


MAP_PRESETS: dict[str, MapConfig] = {
    "default": MapConfig(),
    "fixed point (r = 2.8)": MapConfig(r=2.8),
    "2-cycle (r = 3.2)": MapConfig(r=3.2),
    "4-cycle (r = 3.5, the lecture's)": MapConfig(r=3.5),
    "chaos (r = 3.9)": MapConfig(r=3.9),
}


# -- 3. a one-unit RNN as a dynamical system


@dataclass(frozen=True)
class UnitConfig:
    form: Literal["tanh", "sigmoid"] = "tanh"  # the lecture's unit; or Pascanu et al.'s x = w σ(x) + b
    w: float = 2.0  # w > 1 gives a tanh unit two attractors (±0.96) and a repelling point at 0
    b: float = 0.0  # symmetric: the basin boundary sits exactly at h_0 = 0
    T: int = 20  # steps: enough for h_T to reach an attractor from almost every start


UNIT_PRESETS: dict[str, UnitConfig] = {
    "default": UnitConfig(),
    "tanh, one attractor (w = 0.8)": UnitConfig(w=0.8, b=0.3),
    "tanh, two attractors (w = 2)": UnitConfig(w=2.0, b=0.0),
    "Pascanu et al. (w = 5, b = −2.5)": UnitConfig(form="sigmoid", w=5.0, b=-2.5),
}


# -- 4. cliffs


@dataclass(frozen=True)
class CliffConfig:
    w: float = 2.0  # two attractors, so there is a boundary to fall over
    b: float = 0.0  # on the plateau right of the cliff
    T: int = 10  # the face (|∂L/∂b| > 10) is wider than the b slider's step of 0.01, so b can land on it; raise T and it narrows towards a jump
    target: float = 0.8  # near one attractor (+0.96): the two plateaus have very different losses
    h0: float = 0.5  # start state; the cliff sits at b = atanh(h0) − w h0 ≈ −0.45


CLIFF_PRESETS: dict[str, CliffConfig] = {"default": CliffConfig()}
COST_SLOPE_HALF_WIDTH = 0.1  # the cost's slope is a central difference over b ± 0.1
# starts h_0 averaged in the "cost" curve: each contributes a step 1/41 the height of a cliff
COST_STARTS = np.linspace(-0.9, 0.9, 41)


# -- 5. many units


@dataclass(frozen=True)
class ManyConfig:
    n: int = 64  # units: enough for the eigenvalues to fill their disc; 200 products of 64×64 take ~15 ms
    rho: float = 1.0  # spectral radius: the borderline between vanishing and exploding
    T: int = 100  # steps: long enough that 0.9^T and 1.1^T are 1e-5 and 1e4 apart
    activation: Literal["linear", "tanh"] = "linear"  # linear first: its product is exactly W^T
    seed: int = 0  # draws W and h_0


MANY_PRESETS: dict[str, ManyConfig] = {
    "default": ManyConfig(),
    "ρ = 0.9": ManyConfig(rho=0.9),
    "ρ = 1.0": ManyConfig(rho=1.0),
    "ρ = 1.1": ManyConfig(rho=1.1),
}


LYAPUNOV_BLOCKS = 20  # λ's error band: the averaging window is cut into this many consecutive blocks
