"""The progress callback every long computation takes: `on_step(fraction done in [0, 1], message)`.

Torch-free, so a module that only describes a run (a config, an experiment's signature) can name the type
without importing the training loop."""

from __future__ import annotations

from collections.abc import Callable

ProgressFn = Callable[[float, str], None]
