"""Code versions: the import graph is read without `ast` (not thread-safe in CPython 3.11), gives what `ast`
gives, and is computed once per process however many sessions ask at once."""

import ast
import threading
from pathlib import Path

import pytest

from gradviz import lessons, results

ROOT = results.PACKAGE_DIR.parent
SOURCES = sorted(results.PACKAGE_DIR.rglob("*.py")) + sorted((ROOT / "app_pages").glob("*.py"))


def ast_imports(source: str) -> list:
    """The reference: every import statement as `ast` sees it (single-threaded, in this test only)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(0, tuple(a.name.split(".")), []) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = tuple(node.module.split(".")) if node.module else ()
            found.append((node.level, module, [a.name for a in node.names if a.name != "*"]))
    return sorted(found)


@pytest.mark.parametrize("path", SOURCES, ids=[str(p.relative_to(ROOT)) for p in SOURCES])
def test_imports_read_as_ast_reads_them(path: Path):
    assert sorted(results._import_statements(path.read_text(encoding="utf-8"))) == ast_imports(
        path.read_text()
    )


def test_awkward_import_forms():
    src = "from . import (a as b,\n   c)  # x\nimport x.y as z, w\nif 1:\n    from .. m import n; import q\ns = 'import no'\n"
    assert results._import_statements(src) == [
        (1, (), ["a", "c"]),
        (0, ("x", "y"), []),
        (0, ("w",), []),
        (2, ("m",), ["n"]),
        (0, ("q",), []),
    ]


def test_many_sessions_ask_at_once_and_get_one_answer():
    with results._CODE_LOCK:
        results._CODE_VERSIONS.clear()
    names = list(lessons.EXPERIMENTS) * 8
    start, answers, errors = threading.Barrier(len(names)), [], []

    def ask(name: str) -> None:
        start.wait()
        try:
            answers.append((name, lessons.code_version(name)))
        except Exception as exc:  # noqa: BLE001 - collected and reported below
            errors.append(exc)

    threads = [threading.Thread(target=ask, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(answers)) == len(lessons.EXPERIMENTS)
    for name, version in set(answers):
        assert version == results.code_version(lessons.get_experiment(name).__file__)


# --- what re-keys a result: code that runs, nothing else -------------------------------------------------

EXPERIMENT_FILES = {n: lessons.experiment_file(n) for n in lessons.EXPERIMENTS}


def _copy_package(tmp_path: Path) -> Path:
    """A copy of the gradviz package to edit (code versions are computed from files, never imported)."""
    import shutil

    copy = tmp_path / "gradviz"
    shutil.copytree(results.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "assets"))
    return copy


def _versions(package: Path) -> dict[str, str]:
    return {
        n: results.compute_code_version(package / f.relative_to(results.PACKAGE_DIR), package)
        for n, f in EXPERIMENT_FILES.items()
    }


def test_the_copy_gives_the_package_its_versions(tmp_path):
    assert _versions(_copy_package(tmp_path)) == {n: lessons.code_version(n) for n in lessons.EXPERIMENTS}


def test_docstrings_comments_and_layout_re_key_nothing(tmp_path):
    package = _copy_package(tmp_path)
    before = _versions(package)
    for path in package.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        lines = source.splitlines(keepends=True)
        # every docstring (module, class, function) gets a sentence more, on its first line
        for node in ast.walk(tree):
            if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and ast.get_docstring(node):
                first = node.body[0]
                row = first.lineno - 1
                quote = '"""' if '"""' in lines[row] else "'''" if "'''" in lines[row] else None
                if quote:
                    lines[row] = lines[row].replace(quote, quote + "Edited. ", 1)
        edited = "".join(lines)
        # a comment line and a blank line at the top, trailing spaces before every comment
        edited = "# a new comment\n\n" + edited.replace("  # ", "    # ")
        assert ast.dump(ast.parse(edited)) != ast.dump(tree) or '"""' not in source  # docstrings did change
        path.write_text(edited, encoding="utf-8")
    # gradviz/__init__.py is imported by every experiment (`from gradviz import results`) but runs no code
    # of theirs: a real code change there re-keys nothing either
    init = package / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8") + "\nUNUSED = 1\n", encoding="utf-8")
    assert _versions(package) == before


def test_a_loop_line_re_keys_exactly_the_experiments_that_run_it(tmp_path):
    package = _copy_package(tmp_path)
    before = _versions(package)
    train = package / "train.py"
    source = train.read_text(encoding="utf-8")
    loop = "    for epoch in range(cfg.epochs):\n"
    assert loop in source, "train.py's epoch loop moved: update this test"
    train.write_text(source.replace(loop, "    for epoch in range(0, cfg.epochs):\n"), encoding="utf-8")
    after = _versions(package)
    runs_train = {n for n, f in EXPERIMENT_FILES.items() if results.PACKAGE_DIR / "train.py" in results.code_closure(f)}
    assert {n for n in before if before[n] != after[n]} == runs_train
    assert runs_train and runs_train != set(before)  # some experiments train with it, some do not


@pytest.mark.parametrize("lesson", ["clipping", "deep_nets", "lstm", "resnet"])
def test_a_new_network_in_one_lesson_re_keys_no_other_lesson(tmp_path, lesson):
    package = _copy_package(tmp_path)
    before = _versions(package)
    nets = package / "lessons" / lesson / "nets.py"
    nets.write_text(nets.read_text(encoding="utf-8") + "\n\nclass Another(nn.Module):\n    pass\n", encoding="utf-8")
    changed = {n for n, v in _versions(package).items() if v != before[n]}
    assert changed, f"{lesson}'s experiments must depend on their own nets.py"
    assert all(lessons.EXPERIMENTS[n].startswith(f"gradviz.lessons.{lesson}.") for n in changed), changed


def test_code_tokens_ignore_what_does_not_run():
    a = 'def f(x):\n    """Doc."""\n    # note\n    return x  +  1\n'
    b = "def f(x):\n\n    return x + 1  # other\n"
    assert results.code_tokens(a) == results.code_tokens(b)
    assert results.code_tokens(a) != results.code_tokens(a.replace("+  1", "+  2"))
    assert results.code_tokens("if a:\n    b()\nc()\n") != results.code_tokens("if a:\n    b()\n    c()\n")
