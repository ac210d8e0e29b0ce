"""The activations and weight initializations gradviz.nets implements, by name (documented there).

Torch-free, so a page can list them in its controls without importing torch (`gradviz.nets` defines
torch modules, and importing it costs about 1.8 s on a cold server)."""

from __future__ import annotations

from typing import Literal

Activation = Literal["sigmoid", "tanh", "relu", "gelu"]
Init = Literal["normal", "default", "lecun", "glorot", "he", "orthogonal"]

ACTIVATIONS: tuple[str, ...] = ("sigmoid", "tanh", "relu", "gelu")
INITS: tuple[str, ...] = ("normal", "default", "lecun", "glorot", "he", "orthogonal")
