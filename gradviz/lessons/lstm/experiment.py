"""The LSTM lesson's training experiment ("lstm"): tanh RNN vs IRNN vs LSTM on a long-lag task, on the shared
training loop with clipping (gradviz.lessons.lstm.learn does the work).

`Config` and `PRESETS` live in torch-free `configs`, and `run` imports torch only when it trains, so the
page can look up a precomputed result (and estimate a live run's time) without loading torch.
"""

from __future__ import annotations

from gradviz import results
from gradviz.lessons.lstm.configs import LEARN_PRESETS, LearnConfig
from gradviz.progress import ProgressFn
from gradviz.results import Result

Config = LearnConfig
PRESETS = LEARN_PRESETS


def run(cfg: LearnConfig, on_step: ProgressFn | None = None) -> Result:
    """Train the models of `cfg` (see gradviz.lessons.lstm.learn.train_models)."""
    from gradviz.lessons.lstm import learn  # torch: imported only when something trains

    return learn.train_models(cfg, on_step)


def summary_value(result: Result, model: str, quantity: str) -> float:
    """One number from the summary table (NaN when absent)."""
    return results.value(result.tables["summary"], model=model, quantity=quantity)
