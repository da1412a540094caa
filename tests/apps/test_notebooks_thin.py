"""Every Voilà notebook in apps/ is thin: it imports from ``verloop`` and calls one builder.

The logic a user meets must be reachable from tests, so it lives in ``verloop/``; a notebook in
``apps/`` holds no function, class, loop, branch or comprehension and stores no outputs. (The
researcher notebooks in analysis/ may use pandas and seaborn freely: see
tests/analysis/test_notebooks.py.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

APPS = Path(__file__).resolve().parents[2] / "apps"
NOTEBOOKS = sorted(APPS.glob("*.ipynb"))
LOGIC = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.For,
    ast.While,
    ast.If,
    ast.With,
    ast.Try,
    ast.Lambda,
    ast.ListComp,
    ast.DictComp,
    ast.SetComp,
    ast.GeneratorExp,
)
MAX_CODE_LINES = 6


def test_apps_has_notebooks():
    assert len(NOTEBOOKS) >= 10


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_app_notebook_only_calls_the_package(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "an app notebook calls one builder"
    lines = 0
    for cell in code:
        assert not cell.get("outputs"), "app notebooks are stored without outputs"
        tree = ast.parse(cell.source)
        logic = [type(node).__name__ for node in ast.walk(tree) if isinstance(node, LOGIC)]
        assert not logic, f"logic in {path.name} ({', '.join(logic)}): move it into verloop/"
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                assert module.split(".")[0] == "verloop", f"{path.name} imports {module}: apps call the package only"
        lines += sum(1 for line in cell.source.splitlines() if line.strip())
    assert lines <= MAX_CODE_LINES, f"{path.name} has {lines} lines of code; keep app notebooks thin"
