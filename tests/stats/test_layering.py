"""The bottom layer stays at the bottom: verloop.stats and verloop.domain import nothing of
Verloop's above them, and the models no longer import the analyses (the old cycle)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "verloop"
BOTTOM = ("verloop.errors", "verloop.stats", "verloop.domain")


def _imports(package: str) -> dict[str, set[str]]:
    out = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        out[str(path.relative_to(ROOT.parent))] = {n for n in names if n == "verloop" or n.startswith("verloop.")}
    return out


@pytest.mark.parametrize("package", ["stats", "domain"])
def test_the_bottom_layer_imports_only_the_bottom_layer(package):
    found = _imports(package)
    assert found, f"verloop/{package} has no modules"
    wrong = {f: sorted(n for n in names if not n.startswith(BOTTOM)) for f, names in found.items()}
    assert not {f: n for f, n in wrong.items() if n}


def test_models_do_not_import_the_analyses():
    found = _imports("models")
    assert not {
        f: sorted(n for n in names if n.startswith("verloop.analysis"))
        for f, names in found.items()
        if any(n.startswith("verloop.analysis") for n in names)
    }
