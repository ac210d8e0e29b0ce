"""Experiment results and the precomputed store.

An experiment returns a `Result`: named long-form tables (one row per observation) plus a small,
JSON-able `meta` dict (data source, divergence step, timings). Results for each lesson's default view
and presets are committed under `results/<experiment>/<key>/`, where the key is a hash of
(config, code version). The code version is a hash of the source of the experiment module and every
gradviz module it imports, followed transitively, so editing the training loop invalidates every
result that used it; `tests/unit/test_results.py` fails until `python -m gradviz.precompute` is rerun.

Files are parquet (tables) and JSON (meta): nothing is ever unpickled.
"""

from __future__ import annotations

import ast
import dataclasses
import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
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

    @property
    def diverged(self) -> bool:
        return self.meta.get("diverged_at") is not None


def config_dict(cfg: Any) -> dict[str, Any]:
    """A frozen config dataclass as a plain dict (tuples become lists, as JSON would)."""
    return json.loads(json.dumps(dataclasses.asdict(cfg), sort_keys=True))


def _gradviz_imports(path: Path) -> set[Path]:
    """The gradviz modules that the file at `path` imports (absolute or relative imports)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    rel_pkg = path.parent.relative_to(PACKAGE_DIR.parent).parts  # e.g. ('gradviz', 'experiments')
    found: set[Path] = set()
    for node in ast.walk(tree):
        names: list[tuple[str, ...]] = []
        if isinstance(node, ast.Import):
            names = [tuple(a.name.split(".")) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = tuple(node.module.split(".")) if node.module else ()
            if node.level:
                base = rel_pkg[: len(rel_pkg) - node.level + 1] + base
            names = [base] + [base + (a.name,) for a in node.names]
        for parts in names:
            if not parts or parts[0] != "gradviz":
                continue
            candidate = PACKAGE_DIR.parent.joinpath(*parts)
            for p in (candidate.with_suffix(".py"), candidate / "__init__.py"):
                if p.is_file():
                    found.add(p)
    return found


@cache
def code_version(module_file: str) -> str:
    """Hash of a module's source and of every gradviz module it imports, transitively."""
    seen: set[Path] = set()
    todo = [Path(module_file).resolve()]
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        todo.extend(_gradviz_imports(p) - seen)
    h = hashlib.sha256()
    for p in sorted(seen):
        # Only the code counts, not the file's place on disk: hash the path relative to the package.
        h.update(str(p.relative_to(PACKAGE_DIR.parent)).encode())
        h.update(p.read_bytes())
    return h.hexdigest()[:16]


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
    return Result(tables=tables, meta={**manifest["meta"], "precomputed": True})
