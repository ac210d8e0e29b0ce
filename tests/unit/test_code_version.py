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
