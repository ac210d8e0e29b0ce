"""The reach measurement as a registered experiment ("lstm_reach"): its default and presets are
precomputed, so the page's first view needs no torch. Importing this module does not import torch;
`run` does (through gradviz.lessons.lstm.reach)."""

from __future__ import annotations

from gradviz.lessons.lstm.configs import REACH_PRESETS, ReachConfig
from gradviz.progress import ProgressFn
from gradviz.results import Result

Config = ReachConfig
PRESETS = REACH_PRESETS


def run(cfg: ReachConfig, on_step: ProgressFn | None = None) -> Result:
    from gradviz.lessons.lstm import reach  # torch: imported only when something is measured

    if on_step is not None:
        on_step(0.0, "measuring the Jacobians")
    result = reach.measure(cfg)
    if on_step is not None:
        on_step(1.0, "done")
    return result
