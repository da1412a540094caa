"""One settings object (``verloop.config``): read in one place, paths resolved once, handed to
child processes explicitly, shown by ``verloop config`` without secrets."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from verloop.cli import main
from verloop.cli.common import absolute_db
from verloop.config import SOURCE_ROOT, Settings, checkout_root, current, package_folder
from verloop.errors import ConfigError

PACKAGE = SOURCE_ROOT / "verloop"


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    """No VERLOOP_* variable from the caller's shell, and an empty working folder."""
    import os

    for name in [k for k in os.environ if k.startswith("VERLOOP_")]:
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_defaults_in_a_checkout(clean_env):
    settings = current()
    assert settings.db is None and settings.model_fields_set == set()
    assert settings.database_url == f"sqlite:///{clean_env.resolve()}/var/verloop.db"
    assert checkout_root() == SOURCE_ROOT
    assert settings.instruments_dir == SOURCE_ROOT / "surveys" == package_folder("surveys")
    assert (settings.instruments_dir / "pulse.yaml").is_file()
    assert (settings.apps_dir / "index.ipynb").is_file()
    assert settings.models_dir == SOURCE_ROOT / "models"  # `make demo` trains into the checkout
    assert settings.key_file_for(settings.database_url) == clean_env.resolve() / "var" / "verloop.db.key"
    assert settings.threads == 1 and settings.preload and not settings.debug and not settings.require_account


def test_relative_paths_are_resolved_once_against_the_working_folder(clean_env, monkeypatch):
    monkeypatch.setenv("VERLOOP_DB", "sqlite:///var/own.db")
    monkeypatch.setenv("VERLOOP_MODELS", "trained")
    monkeypatch.setenv("VERLOOP_SURVEYS", "instruments")
    monkeypatch.setenv("VERLOOP_KEY_FILE", "secret/k.key")
    monkeypatch.setenv("VERLOOP_DASHBOARD_CACHE", "figures")
    settings = current()
    base = clean_env.resolve()
    assert settings.db == f"sqlite:///{base}/var/own.db" == absolute_db(None)  # as the command line does
    assert settings.models_dir == base / "trained" and settings.instruments_dir == base / "instruments"
    assert settings.key_file == base / "secret" / "k.key" and settings.figure_cache_dir == base / "figures"
    (clean_env / "elsewhere").mkdir()
    monkeypatch.chdir(clean_env / "elsewhere")
    assert settings.db == f"sqlite:///{base}/var/own.db"  # resolved once: moving on changes nothing
    assert current().db == f"sqlite:///{base}/elsewhere/var/own.db"  # a process started here reads its own
    monkeypatch.setenv("VERLOOP_DASHBOARD_CACHE", "off")
    assert current().figure_cache_off and current().figure_cache_dir is None


def test_current_follows_the_environment_and_caches_per_environment(clean_env, monkeypatch):
    first = current()
    assert current() is first  # read once
    monkeypatch.setenv("VERLOOP_THREADS", "3")
    assert current() is not first and current().threads == 3
    monkeypatch.setenv("VERLOOP_THREADS", "many")
    assert current().threads == 1  # a typo never stops a model fit
    monkeypatch.setenv("VERLOOP_PRELOAD", "0")
    assert not current().preload


def test_a_malformed_value_is_one_sentence_naming_the_variable(clean_env, monkeypatch, capsys):
    monkeypatch.setenv("VERLOOP_PRELOAD", "maybe")
    with pytest.raises(ConfigError, match=r"^\$VERLOOP_PRELOAD: .*'maybe'"):
        current()
    assert main(["config"]) == 1
    assert capsys.readouterr().err.startswith("Error: $VERLOOP_PRELOAD")


def test_child_environment_hands_over_every_resolved_value_and_no_secret(clean_env, monkeypatch):
    monkeypatch.setenv("VERLOOP_HR_TOKEN", "hr-token-that-is-long-enough")
    monkeypatch.setenv("VERLOOP_PSEUDONYM_KEY", "pseudonym-secret")
    monkeypatch.setenv("VERLOOP_MODELS", "trained")
    monkeypatch.setenv("VERLOOP_UNKNOWN", "x")
    env = current().child_environment("sqlite:///var/verloop.db", base={"PATH": "/bin", "VERLOOP_DB": "stale"})
    base = clean_env.resolve()
    assert env["PATH"] == "/bin"
    assert env["VERLOOP_DB"] == f"sqlite:///{base}/var/verloop.db"
    assert env["VERLOOP_KEY_FILE"] == f"{base}/var/verloop.db.key"
    assert env["VERLOOP_MODELS"] == f"{base}/trained"
    assert env["VERLOOP_SURVEYS"] == str(SOURCE_ROOT / "surveys")
    assert "VERLOOP_HR_TOKEN" not in env and "VERLOOP_PSEUDONYM_KEY" not in env and "VERLOOP_UNKNOWN" not in env
    assert all(Path(env[k]).is_absolute() for k in ("VERLOOP_KEY_FILE", "VERLOOP_MODELS", "VERLOOP_SURVEYS"))


def test_a_child_in_another_folder_opens_what_the_parent_resolved(clean_env, monkeypatch):
    """The bug behind issue 15: a kernel running in apps/ turned a relative path into another
    database. With the handed-over settings the child, started elsewhere, reads the same values."""
    monkeypatch.setenv("VERLOOP_DB", "sqlite:///var/verloop.db")
    parent = current()
    (clean_env / "apps").mkdir()
    probe = (
        "from verloop.config import current; s = current(); "
        "print(s.database_url); print(s.key_file_for(s.database_url)); print(s.models_dir)"
    )
    from verloop.apps.server import app_environment

    for env in (parent.child_environment(), app_environment(parent.database_url)):
        out = subprocess.run(
            [sys.executable, "-c", probe], cwd=clean_env / "apps", env=env, capture_output=True, text=True, check=True
        ).stdout.split()
        assert out == [
            parent.database_url,
            str(parent.key_file_for(parent.database_url)),
            str(parent.models_dir),
        ]
        assert "/apps/var/" not in out[0]


def test_verloop_config_shows_values_and_sources_never_secrets(clean_env, monkeypatch, capsys):
    monkeypatch.setenv("VERLOOP_HR_TOKEN", "hr-token-that-is-long-enough")
    monkeypatch.setenv("VERLOOP_MODELS", "trained")
    assert main(["config", "--db", "postgresql://verloop:pa55word@db.example:5432/verloop"]) == 0
    text = capsys.readouterr().out
    assert "hr-token-that-is-long-enough" not in text and "pa55word" not in text
    lines = {line.split()[0]: line for line in text.splitlines()}
    assert "postgresql+psycopg://verloop:***@db.example:5432/verloop" in lines["db"] and "[--db" in lines["db"]
    assert lines["hr_token"].split()[1] == "set" and "environment" in lines["hr_token"]
    assert lines["pseudonym_key"].split()[1:3] == ["not", "set"]
    assert f"{clean_env.resolve()}/trained" in lines["models"] and "$VERLOOP_MODELS" in lines["models"]
    assert "[default, $VERLOOP_THREADS]" in lines["threads"]
    assert lines["key_file"].split()[1] == f"{clean_env.resolve()}/var/keys/db.example-5432-verloop.key"

    assert main(["config", "--json"]) == 0
    rows = {row["name"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["db"] == {
        "name": "db",
        "variable": "VERLOOP_DB",
        "value": f"sqlite:///{clean_env.resolve()}/var/verloop.db",
        "source": "default",
    }
    assert rows["hr_token"]["value"] == "set" and rows["apps"]["source"] == "package"
    assert set(rows) == set(Settings.model_fields) | {"apps"}


def test_the_organisation_settings_module_is_a_different_thing():
    """``verloop.store.settings`` keeps the organisation's settings in the database; the names
    must not collide with the process configuration."""
    from verloop.store import settings as org_settings

    assert not hasattr(org_settings, "Settings") or org_settings.Settings is not Settings
    assert "config" in {c.name for c in __import__("verloop.cli", fromlist=["app"]).app.registered_commands}


def _environment_reads(tree: ast.AST, constants: dict[str, str]) -> list[str]:
    """``os.environ.get("VERLOOP_…")``, ``os.environ["VERLOOP_…"]``, ``os.getenv(…)`` in ``tree``."""

    def name_of(node) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return constants.get(node.id)
        return None

    def is_environ(node) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "environ") or (
            isinstance(node, ast.Name) and node.id == "environ"
        )

    found = []
    for node in ast.walk(tree):
        key = None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args:
            if (node.func.attr == "get" and is_environ(node.func.value)) or node.func.attr == "getenv":
                key = name_of(node.args[0])
        elif isinstance(node, ast.Subscript) and is_environ(node.value):
            key = name_of(node.slice)
        if key and key.startswith("VERLOOP_"):
            found.append(f"{key} (line {node.lineno})")
    return found


def test_no_module_but_verloop_config_reads_a_verloop_variable():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == PACKAGE / "config.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {
            target.id: node.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        reads = _environment_reads(tree, constants)
        if reads:
            offenders[str(path.relative_to(SOURCE_ROOT))] = reads
    assert offenders == {}


def test_the_read_check_sees_a_read():
    tree = ast.parse('import os\nENV = "VERLOOP_X"\na = os.environ.get(ENV)\nb = os.getenv("VERLOOP_Y")\n')
    assert _environment_reads(tree, {"ENV": "VERLOOP_X"}) == ["VERLOOP_X (line 3)", "VERLOOP_Y (line 4)"]
