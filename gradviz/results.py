"""Experiment results and the precomputed store.

An experiment returns a `Result`: named long-form tables (one row per observation) plus a small,
JSON-able `meta` dict (data source, divergence step, timings). Results for each lesson's default view
and presets are committed under `results/<experiment>/<key>/`, where the key is a hash of
(config, code version). The code version is a hash of the code tokens (no comments, no docstrings, no
layout) of the experiment module and of every gradviz module it imports, followed transitively, so editing
the training loop invalidates every result that runs it, and a comment or a docstring invalidates none;
`tests/unit/test_results.py` fails until `python -m gradviz.precompute` is rerun.

Code versions are computed once per process, under a lock: a page looks them up on every cache miss,
from many sessions' threads at once, and CPython 3.11's `ast.parse` is not safe to call from several
threads at the same time (`SystemError: AST constructor recursion depth mismatch`).

Files are parquet (tables) and JSON (meta): nothing is ever unpickled.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import os
import shutil
import tempfile
import threading
import tokenize
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

PACKAGE_DIR = Path(__file__).resolve().parent
RESULTS_DIR = PACKAGE_DIR.parent / "results"


@dataclass(frozen=True)
class Result:
    """What every experiment's `run` returns."""

    tables: Mapping[str, pd.DataFrame]  # long-form: one row per (step, layer, quantity, ...) observation
    meta: Mapping[str, Any] = field(default_factory=dict)  # JSON-able: source, diverged_at, seconds, ...
    # result_key(experiment, config, code version) when the result came from the store or a live run
    # through gradviz.ui: caches key charts and summaries by it instead of hashing the tables per visit.
    key: str | None = None

    @property
    def diverged(self) -> bool:
        return self.meta.get("diverged_at") is not None


def value(table: pd.DataFrame, column: str = "value", **where: Any) -> float:
    """One number from a long-form table: `column` of the row where every `where` column equals its value
    (`value(summary, run="none", quantity="diverged_at")`); NaN when no row matches."""
    mask = pd.Series(True, index=table.index)
    for name, wanted in where.items():
        mask &= table[name] == wanted
    hit = table.loc[mask, column]
    return float(hit.iloc[0]) if len(hit) else float("nan")


def config_dict(cfg: Any) -> dict[str, Any]:
    """A frozen config dataclass as a plain dict (tuples become lists, as JSON would)."""
    return json.loads(json.dumps(dataclasses.asdict(cfg), sort_keys=True))


def _import_statements(source: str) -> list[tuple[int, tuple[str, ...], list[str]]]:
    """Every import statement of `source`, anywhere in it, as (level, module parts, imported names):
    `import a.b` -> (0, ('a', 'b'), []); `from ..c import d, e` -> (2, ('c',), ['d', 'e']).

    Read with `tokenize`, not `ast`: CPython 3.11's ast.parse is not safe to call from several threads at
    once, and Streamlit parses page scripts (under its own lock, not ours) while sessions run."""
    statements: list[tuple[int, tuple[str, ...], list[str]]] = []
    line: list[tokenize.TokenInfo] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER) or (tok.type == tokenize.OP and tok.string == ";"):
            words = [t.string for t in line if t.type in (tokenize.NAME, tokenize.OP)]
            line = []
            if not words or words[0] not in ("import", "from"):
                continue
            if words[0] == "import":  # import a.b as c, d
                for clause in " ".join(words[1:]).replace(" . ", ".").split(" , "):
                    statements.append((0, tuple(clause.split(" as ")[0].replace(" ", "").split(".")), []))
            elif "import" in words:  # from ..a.b import (c as d, e)
                head, tail = words[1 : words.index("import")], words[words.index("import") + 1 :]
                dots = next((i for i, w in enumerate(head) if set(w) != {"."}), len(head))  # leading dots
                level, module = sum(len(w) for w in head[:dots]), "".join(head[dots:])
                names = [w for i, w in enumerate(tail) if w.isidentifier() and w != "as" and (i == 0 or tail[i - 1] != "as")]
                statements.append((level, tuple(module.split(".")) if module else (), names))
        elif tok.type not in (tokenize.NL, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT):
            line.append(tok)
    return statements


def _gradviz_imports(path: Path, package_dir: Path = PACKAGE_DIR) -> set[Path]:
    """The gradviz modules that the file at `path` imports (absolute or relative imports).

    `from gradviz.a import b` names the submodule `gradviz/a/b.py` when there is one, and the package's
    `__init__.py` only when `b` is defined there: a package's `__init__` is code an experiment runs only
    when a name comes from it (so `from gradviz import results` does not tie every result to
    `gradviz/__init__.py`)."""
    root = package_dir.parent
    rel_pkg = path.parent.relative_to(root).parts  # e.g. ('gradviz', 'lessons', 'lstm')
    found: set[Path] = set()

    def module_file(parts: tuple[str, ...]) -> Path | None:
        candidate = root.joinpath(*parts)
        for p in (candidate.with_suffix(".py"), candidate / "__init__.py"):
            if p.is_file():
                return p
        return None

    for level, module, imported in _import_statements(path.read_text(encoding="utf-8")):
        base = rel_pkg[: len(rel_pkg) - level + 1] + module if level else module
        if not base or base[0] != package_dir.name:
            continue
        if not imported:  # import gradviz.a.b: the module itself
            if (p := module_file(base)) is not None:
                found.add(p)
            continue
        for name in imported:  # from gradviz.a import b: the submodule b, else a's __init__
            p = module_file(base + (name,)) or module_file(base)
            if p is not None:
                found.add(p)
    return found


def code_tokens(source: str) -> str:
    """The code of a module as a string of its tokens: comments, docstrings, blank lines and the spacing
    inside a line left out, so only an edit to what runs changes it. Indentation stays (as INDENT and
    DEDENT markers): it is part of what the code means. A docstring is any statement that is a bare
    string literal; it changes `__doc__`, which no experiment reads."""
    skip = (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING)
    out: list[str] = []
    line: list[tokenize.TokenInfo] = []
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type in skip:
            continue
        if tok.type in (tokenize.INDENT, tokenize.DEDENT):
            out.append(tokenize.tok_name[tok.type])
            continue
        if tok.type in (tokenize.NEWLINE, tokenize.ENDMARKER):
            if line and not all(t.type == tokenize.STRING for t in line):  # a bare string: a docstring
                out.extend(t.string for t in line)
                out.append("\n")
            line = []
            continue
        line.append(tok)
    return " ".join(out)


def code_closure(module_file: Path, package_dir: Path = PACKAGE_DIR) -> set[Path]:
    """`module_file` and every gradviz module it imports, followed transitively."""
    seen: set[Path] = set()
    todo = [Path(module_file)]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        todo.extend(_gradviz_imports(p, package_dir) - seen)
    return seen


def compute_code_version(module_file: Path, package_dir: Path = PACKAGE_DIR) -> str:
    """Hash of the code tokens (`code_tokens`) of a module and of every gradviz module it imports."""
    h = hashlib.sha256()
    for p in sorted(code_closure(module_file, package_dir)):
        # Only the code counts, not the file's place on disk: hash the path relative to the package.
        h.update(str(p.relative_to(package_dir.parent)).encode())
        h.update(code_tokens(p.read_text(encoding="utf-8")).encode())
    return h.hexdigest()[:16]


# The one memo of code versions: resolved module file -> version, filled once per process.
_CODE_VERSIONS: dict[str, str] = {}
_CODE_LOCK = threading.Lock()  # one computation at a time; later look-ups are a dict read under it


def code_version(module_file: str | Path) -> str:
    """The code version of a module, computed on first use and remembered for the life of the process
    (the code does not change under a running server: a developer restarts it)."""
    path = str(Path(module_file).resolve())
    with _CODE_LOCK:  # a lookup costs one uncontended lock; the first computes under it
        if path not in _CODE_VERSIONS:
            _CODE_VERSIONS[path] = compute_code_version(Path(path))
        return _CODE_VERSIONS[path]


def result_key(experiment: str, cfg: Any, code: str) -> str:
    payload = json.dumps({"experiment": experiment, "config": config_dict(cfg), "code": code}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:20]


def result_dir(experiment: str, key: str, root: Path | None = None) -> Path:
    return (root or RESULTS_DIR) / experiment / key


def save(experiment: str, cfg: Any, code: str, result: Result, root: Path | None = None) -> Path:
    """Write a result atomically: build it in a temporary folder, then rename into place."""
    target = result_dir(experiment, result_key(experiment, cfg, code), root)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=".tmp-"))
    try:
        for name, table in result.tables.items():
            table.to_parquet(tmp / f"{name}.parquet", index=False)
        manifest = {
            "experiment": experiment,
            "config": config_dict(cfg),
            "code": code,
            "tables": sorted(result.tables),
            "meta": dict(result.meta),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


def read_manifest(path: Path) -> dict[str, Any]:
    return json.loads((path / "manifest.json").read_text())


def load(experiment: str, cfg: Any, code: str, root: Path | None = None) -> Result | None:
    """The committed result for exactly this config and code version, or None."""
    path = result_dir(experiment, result_key(experiment, cfg, code), root)
    if not (path / "manifest.json").is_file():
        return None
    manifest = read_manifest(path)
    tables = {name: pd.read_parquet(path / f"{name}.parquet") for name in manifest["tables"]}
    return Result(tables=tables, meta={**manifest["meta"], "precomputed": True}, key=path.name)
