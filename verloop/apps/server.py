"""Starting Voila with the settings Verloop needs (see ARCHITECTURE.md, 'Voila facts').

- never `--debug` (it logs widget messages, i.e. free-text answers);
- Tornado's access log (client addresses, paths with survey codes) is silenced: Voilà runs
  through ``verloop.apps.access``, whose log function writes neither;
- idle kernels are culled; the port never silently moves (`port_retries=0`);
- HR dashboards and survey apps are served apart (``serve_apps``, see ``verloop.apps.access``):
  the HR side needs a token, the survey side serves the survey notebooks only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from verloop.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[2]


def apps_folder(apps_dir: Path | None = None) -> Path:
    folder = Path(apps_dir) if apps_dir else (Path.cwd() / "apps")
    if not folder.is_dir():
        folder = REPO_ROOT / "apps"
    if not folder.is_dir():
        raise ConfigError(f"no apps folder found at {folder}; run from the Verloop checkout or pass --apps.")
    return folder


def voila_command(target: Path, port: int, *, token: str | None = None, extra: list[str] | None = None) -> list[str]:
    """The Voilà command line for ``target`` on 127.0.0.1:``port``; ``token`` requires a login."""
    command = [
        sys.executable,
        "-m",
        "verloop.apps.access",
        str(target),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.port_retries=0",
        "--Voila.log_level=WARN",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_idle_timeout=300",
        "--VoilaConfiguration.show_tracebacks=False",
        "--VoilaConfiguration.file_allowlist=[]",
        "--template=lab",
    ]
    if token is not None:
        command.append(f"--token={token}")
    return command + list(extra or [])


def app_environment(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["VERLOOP_DB"] = db_url
    env.setdefault("MPLBACKEND", "Agg")
    return env


def serve_apps(
    db_url: str,
    port: int = 8866,
    apps_dir: Path | None = None,
    *,
    hr_token: str | None = None,
    survey_port: int | None = None,
) -> int:
    """Serve the HR side (token) on ``port`` and the survey side on ``survey_port`` until Ctrl-C
    or until one of them stops; returns the first non-zero exit code (0 on Ctrl-C)."""
    import time

    from verloop.apps.access import hr_token as resolve_token
    from verloop.apps.access import survey_folder

    folder = apps_folder(apps_dir)
    token, generated = resolve_token(hr_token)
    survey_port = survey_port or port + 1
    if survey_port == port:
        raise ConfigError("the survey apps need a port of their own; choose --survey-port different from --port.")
    env = app_environment(db_url)
    with survey_folder(folder) as surveys:
        processes = [
            subprocess.Popen(voila_command(folder, port, token=token), env=env, cwd=folder.parent),
            subprocess.Popen(voila_command(surveys, survey_port), env=env, cwd=folder.parent),
        ]
        shown = token if generated else "<your HR token>"
        print(
            f"HR dashboards (token required): http://127.0.0.1:{port}/?token={shown}\n"
            f"Survey apps (open, survey code required): http://127.0.0.1:{survey_port}/\n"
            "Ctrl-C stops both.",
            flush=True,
        )
        try:
            while all(p.poll() is None for p in processes):
                time.sleep(0.5)
            return next((p.returncode for p in processes if p.returncode), 0)
        except KeyboardInterrupt:
            return 0
        finally:
            for p in processes:
                if p.poll() is None:
                    p.terminate()
            for p in processes:
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
