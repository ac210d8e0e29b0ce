"""README tells the truth: its figures are the committed results, and its notebook snippet runs from any folder
after README's install and prints what README shows (up to the digits float32 training moves across CPUs)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:e[-+]\d+)?%?")


def _figures():
    spec = importlib.util.spec_from_file_location("readme_figures", ROOT / "tools" / "readme_figures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_figures_are_the_committed_results():
    """The caption's and the snippet's numbers, to the digits README shows (`python tools/readme_figures.py`)."""
    figures = _figures()
    for name, make in figures.BLOCKS.items():
        assert figures.block(README, name) == make(), (
            f"README's {name} is stale: run python tools/readme_figures.py"
        )


def test_readme_commands_keep_the_prefixes_ci_reads():
    """.ci/run installs exactly as README says, finding its commands by these prefixes."""
    lines = README.splitlines()
    run = [line for line in lines if line.startswith("pip install -r requirements.txt")]
    assert run and " -e . " in run[0] + " " and "streamlit run app.py" in run[0]
    assert any(line.startswith("pip install -r requirements-dev.txt") for line in lines)
    assert re.search(r"PIP_RETRIES=1", README) and "--find-links" in README  # the unreachable-index advice


def _snippet() -> tuple[str, list[str]]:
    """README's Python snippet and the output lines it shows."""
    section = README[README.index("## Use gradviz from Python") :]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shown = _figures().block(README, "snippet-output").strip("`\n").splitlines()
    return code, shown


def _installed_from() -> str | None:
    """Where `import gradviz` resolves from a folder outside the repository, or None if it does not."""
    out = subprocess.run(
        [sys.executable, "-c", "import gradviz; print(gradviz.__file__)"],
        capture_output=True,
        text=True,
        cwd=Path("/"),
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        timeout=600,  # a bound on a hang, not a measured time
    )
    return out.stdout.strip() if out.returncode == 0 else None


def test_snippet_runs_from_outside_the_repository_and_prints_what_readme_shows(mnist_dir, tmp_path):
    where = _installed_from()
    expected = str(ROOT / "gradviz" / "__init__.py")
    if where != expected:
        message = (
            f"gradviz is not installed from this checkout (import gives {where}): README's install does it"
        )
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    # the folder holds a directory named gradviz, as the folder above a clone does: it must not shadow the package
    (tmp_path / "gradviz").mkdir()
    code, shown = _snippet()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"GRADVIZ_DATA_DIR": str(mnist_dir)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=600
    )
    assert out.returncode == 0, out.stderr[-3000:]
    printed = out.stdout.strip().splitlines()
    assert len(printed) == len(shown), out.stdout  # nothing else: no DataFrame head, no chart repr
    for got, want in zip(printed, shown, strict=True):
        assert NUMBER.sub("#", got) == NUMBER.sub("#", want), (got, want)
        g, w = NUMBER.findall(got), NUMBER.findall(want)
        assert g[:2] == w[:2]  # "layer 1 / layer 7"
        ratio_got, ratio_want = float(g[2]), float(w[2])
        assert 0.5 < ratio_got / ratio_want < 2, (got, want)  # the same regime, as README says
        assert float(g[3].rstrip("%")) == pytest.approx(float(w[3].rstrip("%")), abs=3), (got, want)
