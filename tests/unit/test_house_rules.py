"""The project's layering rules, checked: Streamlit only in gradviz/ui.py, no training in pages, cheap
imports for the numpy-only parts, thin pages, and a clean lint."""

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("path", sorted((ROOT / "gradviz").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_only_ui_imports_streamlit(path):
    if path.name == "ui.py" and path.parent.name == "gradviz":
        return
    # ui_poll.py and ui_share.py: ui's own parts (the class poll, view links and figures), until they move into
    # the gradviz/ui package
    if path.name in ("ui_poll.py", "ui_share.py") and path.parent.name == "gradviz":
        return
    assert "streamlit" not in _imports(path)


@pytest.mark.parametrize("path", sorted((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py"], ids=lambda p: p.name)
def test_pages_are_thin_and_never_train(path):
    source = path.read_text(encoding="utf-8")
    assert len(source.splitlines()) <= 200
    assert "torch" not in _imports(path), f"{path.name} imports torch: training belongs in gradviz"
    for forbidden in (".backward(", "optim.", ".zero_grad("):
        assert forbidden not in source, f"{path.name} contains {forbidden!r}: training belongs in gradviz"


def test_numpy_only_parts_do_not_import_torch():
    modules = ["gradviz", "gradviz.lessons", "gradviz.lessons.rnn_dynamics", "gradviz.lessons.rnn_dynamics.charts",
               "gradviz.lessons.deep_nets.closed_form", "gradviz.lessons.clipping.cliff",
               "gradviz.lessons.clipping.words", "gradviz.lessons.home.product", "gradviz.lessons.home.charts",
               "gradviz.data", "gradviz.results", "gradviz.lessons.resnet.experiment", "gradviz.lessons.resnet.jacobian",
               "gradviz.lessons.resnet.paths", "gradviz.lessons.resnet.charts", "gradviz.lessons.resnet.words"]
    code = f"import sys; import {', '.join(modules)}; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.stdout.strip() == "False", out.stderr


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (it is in requirements-dev.txt)")
    out = subprocess.run([ruff, "check", "."], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
