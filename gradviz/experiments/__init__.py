"""One module per lesson. Each module defines

- `Config`: a frozen dataclass (every field a URL key on the lesson's page, with a safe default),
- `PRESETS`: named configs whose results are precomputed and committed (always including "default"),
- `run(cfg, on_step=None) -> gradviz.results.Result`: long-form tables, deterministic for a given config
  (the seed is a config field).

`on_step(fraction_done: float, message: str)` reports progress; experiments never print or touch Streamlit.
Modules are imported lazily so that naming an experiment never imports torch.
"""

from __future__ import annotations

import importlib
from types import ModuleType

# name -> module path. Add a lesson's experiment here when it lands.
EXPERIMENTS: dict[str, str] = {
    "deep_nets": "gradviz.experiments.deep_nets",
    "clipping": "gradviz.experiments.clipping",
}


def get(name: str) -> ModuleType:
    if name not in EXPERIMENTS:
        raise KeyError(f"unknown experiment {name!r}; known: {sorted(EXPERIMENTS)}")
    return importlib.import_module(EXPERIMENTS[name])
