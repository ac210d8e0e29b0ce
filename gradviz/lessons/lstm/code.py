"""Source text of the lesson's functions for the page's "show the code", read from the files without
importing them (the training and autograd modules import torch, which the page does not load)."""

from __future__ import annotations

import ast
import threading
from functools import cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_LOCK = threading.Lock()  # CPython 3.11's ast.parse is not safe in several threads at once


@cache
def source_of(module: str, name: str) -> str:
    """The source of top-level function `name` in gradviz/lessons/lstm/<module>.py."""
    text = (_HERE / f"{module}.py").read_text(encoding="utf-8")
    with _LOCK:
        tree = ast.parse(text)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef) and node.name == name:
            return ast.get_source_segment(text, node) or ""
    raise KeyError(f"{name} not found in {module}.py")
