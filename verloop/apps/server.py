"""Starting Voila with the settings Verloop needs (see ARCHITECTURE.md, 'Voila facts').

- never `--debug` (it logs widget messages, i.e. free-text answers);
- Tornado's access log (client addresses) is silenced;
- idle kernels are culled; the port never silently moves (`port_retries=0`).
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
    command = [
        sys.executable,
        "-m",
        "voila",
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
        command.append(f"--Voila.tornado_settings={{'headers': {{}}}}")
        command.append(f"--token={token}")
    return command + list(extra or [])


def app_environment(db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env["VERLOOP_DB"] = db_url
    env.setdefault("MPLBACKEND", "Agg")
    return env


def serve_apps(db_url: str, port: int = 8866, apps_dir: Path | None = None) -> int:
    folder = apps_folder(apps_dir)
    print(f"Serving Verloop apps from {folder} on http://127.0.0.1:{port}/ (Ctrl-C stops)", flush=True)
    try:
        return subprocess.call(voila_command(folder, port), env=app_environment(db_url), cwd=folder.parent)
    except KeyboardInterrupt:
        return 0
