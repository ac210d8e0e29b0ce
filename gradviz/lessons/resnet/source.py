"""The source of the torch code the lesson teaches, read without importing it (the page never imports torch):
the residual block and its plain twin (gradviz.lessons.resnet.nets), the routed backward pass of Veit et al.'s path
experiment, and the sweep's training loop. `ast.get_source_segment` cuts each definition out of its file."""

from __future__ import annotations

import ast
import functools
import textwrap
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]  # the gradviz package folder

# (file relative to gradviz/, qualified name) in teaching order
TAUGHT: tuple[tuple[str, str], ...] = (
    ("lessons/resnet/nets.py", "ResidualBlock.forward"),
    ("lessons/resnet/nets.py", "BlockMLP.body"),
    ("lessons/resnet/nets.py", "residual_twins"),
    ("lessons/resnet/sweep.py", "run_sweep"),
)


@functools.cache
def definition(relative: str, qualname: str) -> str:
    """The source text of the function or method `qualname` in gradviz/`relative`, dedented."""
    text = (PACKAGE / relative).read_text(encoding="utf-8")
    nodes: list[ast.AST] = [ast.parse(text)]
    for part in qualname.split("."):
        found = next(
            (n for parent in nodes for n in ast.iter_child_nodes(parent)
             if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == part),
            None,
        )  # fmt: skip
        if found is None:
            raise KeyError(f"{qualname} not found in gradviz/{relative}")
        nodes = [found]
    return textwrap.dedent(ast.get_source_segment(text, nodes[0]) or "")


def taught() -> list[tuple[str, str]]:
    """(label, source) for every definition in TAUGHT."""
    return [(f"gradviz/{rel} · {name}", definition(rel, name)) for rel, name in TAUGHT]
