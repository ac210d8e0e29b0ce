"""The source text of gradviz's functions and classes, for a lesson's "show the code": read from the files,
never by importing them (the training and autograd modules import torch, which the pages do not load).

Each file is read (`tokenize.open`, so its declared encoding is honoured) and parsed ONCE per process, under
one lock (CPython 3.11's `ast.parse` is not safe in several threads at once, and a class opening a page at
the same moment would otherwise parse it thirty times); every definition in it, nested ones by their
qualified name (`ResidualBlock.forward`), is then a dict look-up.

A definition is named `"package.module:Qual.name"`, e.g. `"gradviz.lessons.resnet.nets:ResidualBlock.forward"`; a function
object works too (`code_text.of(fn)`), found by its file and `__qualname__`.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
import threading
import tokenize
from collections.abc import Callable
from pathlib import Path
from typing import Any

PACKAGE = Path(__file__).resolve().parent  # the gradviz package folder
_LOCK = threading.Lock()
_FILES: dict[Path, dict[str, str]] = {}  # file -> qualified name -> dedented source


def _definitions(path: Path) -> dict[str, str]:
    """Every function and class in `path` by qualified name, parsed once per process."""
    found = _FILES.get(path)  # a dict read: safe from any thread
    if found is not None:
        return found
    with _LOCK:
        if path not in _FILES:
            with tokenize.open(path) as f:
                text = f.read()
            table: dict[str, str] = {}

            def walk(node: ast.AST, prefix: str) -> None:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                        name = prefix + child.name
                        table.setdefault(name, textwrap.dedent(ast.get_source_segment(text, child, padded=True) or ""))
                        walk(child, name + ".")

            walk(ast.parse(text), "")
            _FILES[path] = table
        return _FILES[path]


def file_of(module: str) -> Path:
    """gradviz/…/<module>.py for a dotted module name inside gradviz, found without importing it."""
    parts = module.split(".")
    if parts[0] != "gradviz":
        raise KeyError(f"{module} is not a gradviz module")
    return PACKAGE.joinpath(*parts[1:]).with_suffix(".py")


def source(name: str) -> str:
    """The source of `"package.module:Qual.name"` (see the module's docstring)."""
    module, _, qualname = name.partition(":")
    table = _definitions(file_of(module))
    if qualname not in table:
        raise KeyError(f"{qualname} not found in {module}")
    return table[qualname]


def name_of(item: str | Callable[..., Any]) -> str:
    """`"package.module:Qual.name"` for a function or class object (or the name itself)."""
    if isinstance(item, str):
        return item
    return f"{item.__module__}:{item.__qualname__}"


def of(item: str | Callable[..., Any]) -> str:
    """The source of a named definition or of a function/class object. An object defined outside gradviz's
    files (e.g. a test's stand-in) is read by `inspect`; a definition that cannot be found says so."""
    try:
        return source(name_of(item))
    except (KeyError, OSError, SyntaxError):
        if isinstance(item, str):
            return f"# {item}: source not found"
    try:
        return textwrap.dedent(inspect.getsource(item))
    except (OSError, TypeError):
        return f"# {label(item)}: source not available"


def label(item: str | Callable[..., Any]) -> str:
    """How the page names the definition: `gradviz.lessons.resnet.nets.ResidualBlock.forward`."""
    return name_of(item).replace(":", ".")
