"""The project's layering rules, checked: Streamlit only in the gradviz/ui/ package, no training in pages, cheap
imports for the numpy-only parts, thin pages, and a clean lint."""

import ast
import importlib.util
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
    if path.parent == ROOT / "gradviz" / "ui":  # the package gradviz.ui, and nothing else in gradviz
        return
    assert "streamlit" not in _imports(path)


def test_streamlit_internals_only_in_ui_compat():
    """Private Streamlit (streamlit.runtime.*, _underscored names, private modules) is used in one module,
    gradviz/ui/compat.py, which tests/unit/test_ui_compat.py checks against the installed Streamlit."""
    allowed = ROOT / "gradviz" / "ui" / "compat.py"
    for path in sorted((ROOT / "gradviz").rglob("*.py")) + sorted((ROOT / "app_pages").glob("*.py")):
        if path == allowed:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("streamlit."):
                public = node.module in ("streamlit.testing.v1",)
                assert public, f"{path.relative_to(ROOT)} imports {node.module}: private Streamlit goes in ui/compat.py"
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("streamlit.") for a in node.names), path


@pytest.mark.parametrize("path", sorted((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py"], ids=lambda p: p.name)
def test_pages_are_thin_and_never_train(path):
    source = path.read_text(encoding="utf-8")
    # 250: what a page formatted by `ruff format` (line length 110, pyproject.toml) needs for five sections
    assert len(source.splitlines()) <= 250
    assert "fmt: skip" not in source and "fmt: off" not in source, f"{path.name}: format it, do not fence it"
    assert "torch" not in _imports(path), f"{path.name} imports torch: training belongs in gradviz"
    for forbidden in (".backward(", "optim.", ".zero_grad("):
        assert forbidden not in source, f"{path.name} contains {forbidden!r}: training belongs in gradviz"


def _top_level_gradviz_imports(path: Path) -> set[str]:
    """The gradviz modules a file imports when it is imported (module level, not inside functions)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "gradviz"}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level and node.module.startswith("gradviz"):
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return {m for m in found if importlib.util.find_spec(m.rsplit(".", 1)[0]) and _is_module(m)}


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def test_pages_and_experiments_import_without_torch():
    """The torch-free set is derived, not listed: everything a page or the router imports when it loads,
    and every registered experiment module (a page looks its results up by importing it), must import
    without torch. Torch comes in only inside a function that trains (README, "Adding a lesson")."""
    from gradviz import lessons

    modules = set(lessons.EXPERIMENTS.values())
    for page in [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]:
        modules |= _top_level_gradviz_imports(page)
    assert len(modules) > len(lessons.EXPERIMENTS)  # the pages' imports were found
    code = f"import sys; import {', '.join(sorted(modules))}; print(sorted(m for m in sys.modules if m == 'torch'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=600)  # a bound on a hang
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]", f"importing what the pages import loads torch:\n{sorted(modules)}"


def test_pages_are_formatted():
    """Pages read as the formatter writes them (no hand layout fenced off with `# fmt: skip`)."""
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (it is in requirements-dev.txt)")
    files = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "app_pages").glob("*.py"))] + ["app.py"]
    out = subprocess.run([ruff, "format", "--check", *files], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr


def test_ruff_is_clean():
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed (it is in requirements-dev.txt)")
    out = subprocess.run([ruff, "check", "."], capture_output=True, text=True, cwd=ROOT, timeout=600)  # a bound on a hang, not a measured time
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_lessons_title_is_written_once_in_the_catalogue():
    """Pages, words and charts read a lesson's title from gradviz.lessons; none writes it as a literal."""
    from gradviz import lessons

    files = [*sorted((ROOT / "app_pages").glob("*.py")), *sorted((ROOT / "gradviz").rglob("*.py")), ROOT / "app.py"]
    for path in files:
        if path == ROOT / "gradviz" / "lessons" / "__init__.py":
            continue
        strings = {
            node.value
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
        }
        for lesson in lessons.LESSONS:
            assert lesson.title not in strings, f"{path.relative_to(ROOT)} writes {lesson.title!r}: read the catalogue"


@pytest.mark.parametrize("lesson", sorted(p.name for p in (ROOT / "gradviz" / "lessons").iterdir() if (p / "__init__.py").is_file()))
def test_no_lesson_imports_another(lesson):
    """A lesson's package imports shared machinery and itself only: what two lessons teach alike lives at the
    top of gradviz (nets.py, unit_rnn.py, fmt.py, sources.py), so a change in one lesson touches no other."""
    others = {p.name for p in (ROOT / "gradviz" / "lessons").iterdir() if (p / "__init__.py").is_file()} - {lesson}
    for path in sorted((ROOT / "gradviz" / "lessons" / lesson).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                parts = name.split(".")
                assert not (parts[:2] == ["gradviz", "lessons"] and len(parts) > 2 and parts[2] in others), (
                    f"{path.relative_to(ROOT)} imports {name}: lessons share through gradviz's top-level modules"
                )


def test_shared_machinery_imports_no_lesson():
    for path in sorted((ROOT / "gradviz").rglob("*.py")):
        if "lessons" in path.relative_to(ROOT / "gradviz").parts or path.parent.name == "ui":
            continue
        assert not any(m.startswith("gradviz.lessons.") for m in _all_imports(path)), path.relative_to(ROOT)


def _all_imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found
