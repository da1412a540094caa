"""Verloop's run-time configuration: one settings object, read from the environment in one place.

Every ``VERLOOP_*`` variable the package understands is a field of :class:`Settings`
(pydantic-settings); no other module reads ``os.environ`` for configuration. (Voilà's request
variables — ``$QUERY_STRING``, ``$VOILA_PREHEAT``, the ``$HTTP_…`` headers — are the request,
not configuration, and stay where the request is read.)

* **Resolved once.** Relative paths, and the file of a relative SQLite URL, are made absolute
  when the settings are read, against the working directory of the process that reads them
  (the command line's ``--db`` does the same, see ``verloop.cli.common.absolute_db``).
* **Handed over explicitly.** ``verloop serve`` gives the Voilà servers, their kernels and the
  cache watcher :meth:`Settings.child_environment`: every value resolved by the parent (the
  absolute database URL, its key file, the instruments, the models), so a kernel that runs in
  another folder cannot open another database.
* **Shown without secrets.** ``verloop config`` prints :meth:`Settings.describe`: each value
  with where it came from; tokens and keys only as "set" / "not set".
* **Package data.** The survey instruments and the app notebooks live in the top-level
  ``surveys/`` and ``apps/`` folders of the checkout; the wheel carries them as package data
  under ``verloop/_data/`` (``setup.py`` copies them at build time). :func:`package_folder`
  finds them in either place through ``importlib.resources``.

Not to be confused with ``verloop.store.settings``: the organisation's settings kept in the
database (minimum group size, survey mode), changed with ``verloop settings``.
"""

from __future__ import annotations

import functools
import importlib.resources
import os
from pathlib import Path
from typing import Any

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from verloop.errors import ConfigError, VerloopError

SOURCE_ROOT = Path(__file__).resolve().parent.parent
"""The folder holding the ``verloop`` package: the checkout, or ``site-packages`` of a wheel."""

DEFAULT_DB = "sqlite:///var/verloop.db"
"""The database when neither ``--db`` nor ``$VERLOOP_DB`` names one (relative to the working folder)."""


def checkout_root() -> Path | None:
    """The Verloop checkout this package runs from (an editable install), else None."""
    root = SOURCE_ROOT
    if (root / "pyproject.toml").is_file() and (root / "surveys").is_dir() and (root / "apps").is_dir():
        return root
    return None


def package_folder(name: str) -> Path:
    """``surveys`` (instrument YAML) or ``apps`` (Voilà notebooks): ``verloop/_data/<name>`` in an
    installed wheel (``importlib.resources``), else the top-level folder of the checkout."""
    packaged = importlib.resources.files("verloop") / "_data" / name
    if packaged.is_dir():
        return Path(str(packaged))
    root = checkout_root()
    if root is not None:
        return root / name
    raise ConfigError(f"this installation of Verloop has no {name}/ folder; reinstall the package.")


def default_models_dir() -> Path:
    """Where trained models go by default: ``models/`` of the checkout when Verloop runs from
    one (``make demo``), else the user's data folder (``~/.local/share/verloop/models``)."""
    root = checkout_root()
    if root is not None:
        return root / "models"
    import platformdirs

    return platformdirs.user_data_path("verloop") / "models"


def absolute_db_url(url: str | None) -> str:
    """The database URL with a relative SQLite path made absolute against the working folder
    (the default when ``url`` is empty). A malformed URL comes back as given, for
    ``Store.open`` to explain in one sentence."""
    from verloop.store.engine import absolute_url

    try:
        return absolute_url(url or DEFAULT_DB)
    except VerloopError:
        return url or DEFAULT_DB


def _absolute(path: Path | None) -> Path | None:
    return None if path is None else Path.cwd() / Path(path).expanduser()


class Settings(BaseSettings):
    """The effective configuration. Fields are ``None`` when not configured; the properties
    (``database_url``, ``instruments_dir``, ``models_dir``, ``key_file_for``) give the value in
    force, default included."""

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", env_ignore_empty=True, populate_by_name=True, case_sensitive=True
    )

    db: str | None = Field(None, validation_alias="VERLOOP_DB", description="database URL")
    key_file: Path | None = Field(
        None, validation_alias="VERLOOP_KEY_FILE", description="key file (default: <db file>.key)"
    )
    surveys: Path | None = Field(None, validation_alias="VERLOOP_SURVEYS", description="survey instrument folder")
    models: Path | None = Field(None, validation_alias="VERLOOP_MODELS", description="trained models folder")
    dashboard_cache: str | None = Field(
        None, validation_alias="VERLOOP_DASHBOARD_CACHE", description="dashboard figure cache folder, or 'off'"
    )
    truth: Path | None = Field(None, validation_alias="VERLOOP_TRUTH", description="synthetic ground-truth JSON")
    threads: int = Field(1, validation_alias="VERLOOP_THREADS", description="BLAS/OpenMP threads per model fit")
    preload: bool = Field(True, validation_alias="VERLOOP_PRELOAD", description="preheat Voilà kernels")
    debug: bool = Field(False, validation_alias="VERLOOP_DEBUG", description="show tracebacks")
    require_account: bool = Field(
        False, validation_alias="VERLOOP_REQUIRE_ACCOUNT", description="HR pages need a signed-in account"
    )
    hr_token: SecretStr | None = Field(None, validation_alias="VERLOOP_HR_TOKEN", description="HR access token")
    pseudonym_key: SecretStr | None = Field(
        None, validation_alias="VERLOOP_PSEUDONYM_KEY", description="confidential-mode pseudonym key"
    )

    @field_validator("db")
    @classmethod
    def _db_absolute(cls, value: str | None) -> str | None:
        return absolute_db_url(value) if value else None

    @field_validator("key_file", "surveys", "models", "truth")
    @classmethod
    def _path_absolute(cls, value: Path | None) -> Path | None:
        return _absolute(value)

    @field_validator("dashboard_cache")
    @classmethod
    def _cache_absolute(cls, value: str | None) -> str | None:
        return value if value in (None, "off") else str(_absolute(Path(value)))

    @field_validator("threads", mode="before")
    @classmethod
    def _threads_at_least_one(cls, value: Any) -> int:
        # A typo must not stop a model fit: anything but a positive whole number means 1.
        try:
            return max(1, int(value))
        except (TypeError, ValueError):
            return 1

    # -- values in force -------------------------------------------------------------------
    @property
    def database_url(self) -> str:
        """``$VERLOOP_DB`` or the default SQLite file, absolute."""
        return self.db or absolute_db_url(None)

    @property
    def instruments_dir(self) -> Path:
        return self.surveys or package_folder("surveys")

    @property
    def apps_dir(self) -> Path:
        return package_folder("apps")

    @property
    def models_dir(self) -> Path:
        return self.models or default_models_dir()

    @property
    def figure_cache_off(self) -> bool:
        return self.dashboard_cache == "off"

    @property
    def figure_cache_dir(self) -> Path | None:
        return None if self.dashboard_cache in (None, "off") else Path(self.dashboard_cache)

    def key_file_for(self, url: str) -> Path:
        """The key file of the database at ``url``: ``$VERLOOP_KEY_FILE``, else beside the SQLite
        file, else ``var/keys/<host>-<port>-<database>.key`` under the working folder (absolute)."""
        from verloop.surveys.keys import default_key_path

        return self.key_file or (Path.cwd() / default_key_path(url))

    # -- handing over ----------------------------------------------------------------------
    def child_environment(self, db_url: str | None = None, base: dict[str, str] | None = None) -> dict[str, str]:
        """The environment of a child process (a Voilà server, its kernels, the cache watcher):
        ``base`` (default: this process's environment) without any ``VERLOOP_*`` variable and
        without secrets, plus these settings, resolved here. ``db_url`` (the command line's
        ``--db``, already absolute) wins over ``$VERLOOP_DB``."""
        url = absolute_db_url(db_url) if db_url else self.database_url
        env = {k: v for k, v in (os.environ if base is None else base).items() if not k.startswith("VERLOOP_")}
        env.update(
            VERLOOP_DB=url,
            VERLOOP_KEY_FILE=str(self.key_file_for(url)),
            VERLOOP_SURVEYS=str(self.instruments_dir),
            VERLOOP_MODELS=str(self.models_dir),
            VERLOOP_THREADS=str(self.threads),
            VERLOOP_PRELOAD="1" if self.preload else "0",
        )
        if self.dashboard_cache:
            env["VERLOOP_DASHBOARD_CACHE"] = self.dashboard_cache
        if self.truth:
            env["VERLOOP_TRUTH"] = str(self.truth)
        if self.debug:
            env["VERLOOP_DEBUG"] = "1"
        if self.require_account:
            env["VERLOOP_REQUIRE_ACCOUNT"] = "1"
        return env

    def describe(self, db_url: str | None = None) -> list[dict[str, str]]:
        """One row per setting — ``name``, ``variable``, ``value``, ``source`` — as
        ``verloop config`` prints it: secrets only as "set" / "not set", a database password
        masked. ``db_url`` is the command line's ``--db`` (then the source is "--db")."""
        from verloop.store.engine import safe_url

        given = self.model_fields_set
        url = absolute_db_url(db_url) if db_url else self.database_url
        effective = {
            "db": safe_url(url),
            "key_file": str(self.key_file_for(url)),
            "surveys": str(self.instruments_dir),
            "models": str(self.models_dir),
            "dashboard_cache": self.dashboard_cache or "per user and database in the temporary folder",
            "truth": str(self.truth) if self.truth else "beside the SQLite file (<db>.truth.json)",
        }
        rows = []
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if isinstance(value, SecretStr) or name in ("hr_token", "pseudonym_key"):
                shown = "set" if value else "not set"
            elif name in effective:
                shown = effective[name]
            else:
                shown = str(value).lower() if isinstance(value, bool) else str(value)
            source = "environment" if name in given else "default"
            if name == "db" and db_url:
                source = "--db"
            rows.append({"name": name, "variable": field.validation_alias, "value": shown, "source": source})
        rows.insert(3, {"name": "apps", "variable": None, "value": str(self.apps_dir), "source": "package"})
        return rows


@functools.lru_cache(maxsize=16)
def _read(snapshot: tuple[tuple[str, str], ...], cwd: str) -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        problem = error.errors()[0]
        variable = problem["loc"][0] if problem.get("loc") else "a VERLOOP_ variable"
        raise ConfigError(f"${variable}: {problem['msg'].lower()} (got {problem.get('input')!r}).") from None


def current() -> Settings:
    """The settings in force: read from the environment once per distinct set of ``VERLOOP_*``
    variables and working folder (a test that changes a variable gets fresh settings)."""
    snapshot = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("VERLOOP_")))
    try:
        cwd = os.getcwd()
    except OSError:  # the working folder was removed
        cwd = ""
    return _read(snapshot, cwd)


__all__ = [
    "DEFAULT_DB",
    "SOURCE_ROOT",
    "Settings",
    "absolute_db_url",
    "checkout_root",
    "current",
    "default_models_dir",
    "package_folder",
]
