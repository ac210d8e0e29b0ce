"""Regenerate every committed result: `python -m gradviz.precompute [experiment ...] [--check]`.

For each experiment in the catalogue `gradviz.lessons.EXPERIMENTS` and each of its `PRESETS`, run the config and
write `results/<experiment>/<key>/`, where the key hashes (config, code version). Results whose key no
longer matches any preset (old configs or old code) are removed, so the folder holds exactly what the
app can use. `--check` writes nothing and exits 1 if any preset lacks a current result.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
from pathlib import Path

from gradviz import lessons, results


def expected_keys(name: str) -> dict[str, object]:
    """key -> preset config, for the current code."""
    module = lessons.get_experiment(name)
    code = results.code_version(module.__file__)
    return {results.result_key(name, cfg, code): cfg for cfg in module.PRESETS.values()}


def stale_dirs(name: str, root: Path | None = None) -> list[Path]:
    folder = (root or results.RESULTS_DIR) / name
    if not folder.is_dir():
        return []
    keep = expected_keys(name)
    return [p for p in folder.iterdir() if p.is_dir() and p.name not in keep]


def missing(name: str, root: Path | None = None) -> list[str]:
    return [k for k in expected_keys(name) if not (results.result_dir(name, k, root) / "manifest.json").is_file()]


def precompute(name: str, root: Path | None = None, log=print) -> None:
    module = lessons.get_experiment(name)
    code = results.code_version(module.__file__)
    for preset, cfg in module.PRESETS.items():
        if results.load(name, cfg, code, root) is not None:
            log(f"{name}/{preset}: up to date")
            continue
        start = time.perf_counter()
        result = module.run(cfg)
        path = results.save(name, cfg, code, result, root)
        log(f"{name}/{preset}: {time.perf_counter() - start:.1f} s -> {path.relative_to(path.parents[2])}")
    for path in stale_dirs(name, root):
        shutil.rmtree(path)
        log(f"{name}: removed stale {path.name}")


def main(argv: list[str] | None = None) -> int:
    # The app trains with one torch thread per run (app.py); results are computed the same way, so a live
    # run and a committed one agree to the last bit (summation order depends on the thread count).
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="experiments (default: all)")
    parser.add_argument("--check", action="store_true", help="only report missing or stale results")
    args = parser.parse_args(argv)
    names = args.names or list(lessons.EXPERIMENTS)
    if args.check:
        problems = [f"{n}: missing {k}" for n in names for k in missing(n)]
        problems += [f"{n}: stale {p.name}" for n in names for p in stale_dirs(n)]
        print("\n".join(problems) or "all precomputed results are current")
        return 1 if problems else 0
    for name in names:
        precompute(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
