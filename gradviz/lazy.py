"""A module imported on first use: what lets every page render without importing torch.

`import torch` costs about 1.8 s, and a student who opens a precomputed view never needs it: only a live
run (or a notebook user training) does. Modules that train write `torch = lazy.module("torch")` instead of
`import torch`; the real import happens at the first attribute access (`torch.Generator()`), and every
later access is a plain attribute read (the value is copied onto the stand-in). Type annotations are not
evaluated (`from __future__ import annotations`), so `x: torch.Tensor` costs nothing.

Only for third-party modules: a gradviz module is imported with an ordinary `import` statement (inside the
function that needs it, when it imports torch), so `gradviz.results.code_version` still sees it.
"""

from __future__ import annotations

import importlib
import types
from typing import Any


class _Lazy(types.ModuleType):
    def __getattr__(self, attr: str) -> Any:  # called only for attributes not copied here yet
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)  # copy/pickle/inspect probing dunders must not trigger the import
        value = getattr(importlib.import_module(self.__name__), attr)
        setattr(self, attr, value)
        return value

    def __repr__(self) -> str:
        return f"<lazy module {self.__name__!r}>"


def module(name: str) -> types.ModuleType:
    """A stand-in for `import name` that imports `name` at its first attribute access."""
    return _Lazy(name)
