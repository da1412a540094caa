"""The lock file is what `make demo`, `make test` and CI install, and it matches pyproject.toml;
every runtime dependency is used."""

from __future__ import annotations

import ast
import importlib.metadata
import re
import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from verloop.config import SOURCE_ROOT

ROOT = SOURCE_ROOT
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
# used without an import statement in verloop/: named here with the reason
NOT_IMPORTED = {
    "psycopg": "SQLAlchemy loads it for postgresql+psycopg:// URLs",
    "jupyterlab": "researchers open analysis/ notebooks with it",
}


def locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (pinned version, hashes) of requirements.lock."""
    text = (ROOT / "requirements.lock").read_text()
    pins = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.-]+)==(\S+)", block)
        if match:
            pins[canonicalize_name(match.group(1))] = (
                match.group(2),
                re.findall(r"--hash=sha256:([0-9a-f]{64})", block),
            )
    return pins


def declared(*extras: str) -> list[Requirement]:
    found = [Requirement(r) for r in PROJECT["dependencies"]]
    for extra in extras:
        found += [Requirement(r) for r in PROJECT["optional-dependencies"][extra]]
    return found


def test_the_lock_pins_every_declared_dependency_within_its_bounds_with_hashes():
    pins = locked()
    assert len(pins) > 50
    for requirement in declared("test", "bench"):
        version, hashes = pins[canonicalize_name(requirement.name)]
        assert requirement.specifier.contains(version, prereleases=True), (requirement, version)
    assert all(hashes for _, hashes in pins.values()), "every pin carries its hashes"
    assert "plotly" not in pins  # nothing imports it
    header = (ROOT / "requirements.lock").read_text().splitlines()[:6]
    assert any("pip-compile" in line and "--extra=test" in line and "--extra=bench" in line for line in header)
    assert not any(line.startswith(("--index-url", "--extra-index-url", "--find-links")) for line in header)


def test_make_installs_exactly_the_lock_then_verloop_without_resolving_again():
    makefile = (ROOT / "Makefile").read_text()
    rule = re.search(r"^\$\(VENV\)/\.installed: (.*)\n((?:\t.*\n)+)", makefile, re.M)
    assert rule and "$(LOCK)" in rule.group(1).split(), "the venv stamp depends on the lock"
    recipe = rule.group(2)
    assert "--require-hashes -r $(LOCK)" in recipe and "--no-deps" in recipe and "-e ." in recipe
    assert re.search(r"^LOCK := requirements\.lock$", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()  # CI goes through the same stamp


def test_every_runtime_dependency_is_used_and_bench_declares_what_it_imports():
    distributions = importlib.metadata.packages_distributions()

    def imported(folder: str) -> set[str]:
        names = set()
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    names |= {canonicalize_name(d) for d in distributions.get(module.split(".")[0], [])}
        return names

    used = imported("verloop")
    unused = {canonicalize_name(r.name) for r in declared()} - used - set(NOT_IMPORTED)
    assert unused == set()
    for name in ("psutil", "playwright"):  # bench/*.py measure servers and drive Chromium
        assert name in imported("bench") and name in {canonicalize_name(r.name) for r in declared("bench")}
