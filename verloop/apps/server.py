"""Starting Voila with the settings Verloop needs (see ARCHITECTURE.md, 'Voila facts').

- never `--debug` (it logs widget messages, i.e. free-text answers);
- Tornado's access log (client addresses, paths with survey codes) is silenced: Voilà runs
  through ``verloop.apps.access``, whose log function writes neither;
- idle kernels are culled; the port never silently moves (`port_retries=0`);
- HR dashboards and survey apps are served apart (``serve_apps``, see ``verloop.apps.access``):
  the HR side needs a token and serves its home + dashboards, the survey side serves the survey
  notebooks only; neither lists files;
- kernels are preheated on both sides (``kernel_pools``), sized for the machine;
- the ``verloop`` template (on $JUPYTER_PATH) loads nothing from another host.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from verloop.config import SOURCE_ROOT
from verloop.errors import ConfigError

REPO_ROOT = SOURCE_ROOT  # the checkout when Verloop runs from one (tests read its Makefile, apps/)


def apps_folder(apps_dir: Path | None = None) -> Path:
    """``--apps``, else the notebooks shipped with the package (``apps/`` of the checkout, or
    ``verloop/_data/apps`` of an installed wheel; ``verloop.config.package_folder``)."""
    from verloop.config import current

    folder = Path(apps_dir).resolve() if apps_dir else current().apps_dir
    if not folder.is_dir():
        raise ConfigError(f"no apps folder found at {folder}; pass --apps with the folder of the Voila notebooks.")
    return folder


# A Unix socket's path holds at most 107 bytes; a kernel's IPC sockets are named
# "<runtime dir>/kernel-<36-character id>-ipc-<n>" (jupyter_client), 50 bytes after the folder.
IPC_PATH_MAX = 107 - 50


def kernel_transport(runtime_dir: str | None = None) -> list[str]:
    """The kernels talk to the server over Unix sockets in Jupyter's private runtime folder
    (``--KernelManager.transport=ipc``) rather than over TCP on 127.0.0.1: no port other local
    users could connect to, and no "Kernel is running over TCP without encryption" warning from
    every kernel (ipykernel 7) in the output of ``verloop serve``. Where Unix sockets do not
    exist (Windows) or the runtime folder's path is too long for one, TCP stays."""
    if os.name != "posix":
        return []
    if runtime_dir is None:
        from jupyter_core.paths import jupyter_runtime_dir

        runtime_dir = jupyter_runtime_dir()
    if len(os.fsencode(os.path.abspath(runtime_dir))) > IPC_PATH_MAX:
        return []
    return ["--KernelManager.transport=ipc"]


def voila_command(
    target: Path,
    port: int,
    *,
    token: str | None = None,
    extra: list[str] | None = None,
    pages: list[str] | None = None,
    home: str | None = None,
    pools: dict[str, int] | None = None,
) -> list[str]:
    """The Voilà command line for ``target`` on 127.0.0.1:``port``.

    ``token`` requires Verloop's sign-in (``verloop.apps.auth``); ``pages`` are the only
    notebooks routed (all when empty), ``home`` the one opened at ``/``; ``pools`` preheats that
    many kernels per notebook (Voilà's ``--preheat_kernel``)."""
    from verloop.apps.access import TEMPLATE

    command = [
        sys.executable,
        "-m",
        "verloop.apps.access",
        str(target),
        "--no-browser",
        "--Voila.ip=127.0.0.1",
        f"--port={port}",
        "--Voila.port_retries=0",
        "--Voila.log_level=ERROR",
        "--MappingKernelManager.cull_interval=60",
        "--MappingKernelManager.cull_idle_timeout=300",
        # A Voilà page never re-runs its notebook in a restarted kernel, so a restart only costs
        # memory; and a survey kernel ends itself after the thank-you page (verloop.apps.preheat).
        "--KernelManager.autorestart=False",
        "--VoilaConfiguration.show_tracebacks=False",
        f"--template={TEMPLATE}",
        *kernel_transport(),
    ]
    if token is not None:
        command += [f"--token={token}", "--Voila.identity_provider_class=verloop.apps.auth.VerloopIdentityProvider"]
        # issue 13: the signed-in account's name reaches the kernel (verloop.accounts.web)
        # (one item per flag: the list form "=['…']" is deprecated since traitlets 5 and warns)
        command.append("--VoilaConfiguration.http_header_envs=X-Verloop-Account")
    command += [f"--VerloopVoila.pages={name}" for name in pages or ()]
    if home:
        command.append(f"--VerloopVoila.home={home}")
    heated = {name: size for name, size in (pools or {}).items() if size > 0}
    if heated:
        command += ["--preheat_kernel=True", "--pool_size=0"]
        command += [f"--VerloopVoila.pools={name}={size}" for name, size in heated.items()]
    return command + list(extra or [])


def app_environment(db_url: str) -> dict[str, str]:
    """The environment of a Voilà server and its kernels: Verloop's settings resolved here and
    handed over explicitly (``verloop.config.Settings.child_environment``: the database URL as
    given — the CLI made a relative SQLite path absolute —, its key file, instruments and models,
    all absolute; no secrets), the ``verloop`` template on $JUPYTER_PATH."""
    from verloop.apps.access import JUPYTER_DATA
    from verloop.config import current

    env = current().child_environment(db_url)
    paths = [str(JUPYTER_DATA)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_PATH"] = os.pathsep.join(dict.fromkeys(paths))
    env.setdefault("MPLBACKEND", "Agg")
    return env


# Preheated pages, most used first: the HR home, then the pages HR opens most.
HR_PRELOAD_ORDER = (
    "index.ipynb",
    "dashboard_turnover.ipynb",
    "dashboard_engagement.ipynb",
    "dashboard_watermelon.ipynb",
    "dashboard_risk.ipynb",
    "dashboard_retention.ipynb",
    "dashboard_exits.ipynb",
    "dashboard_drivers.ipynb",
    "dashboard_whatif.ipynb",
    "dashboard_actions.ipynb",
    "dashboard_employees.ipynb",
)
HR_KERNEL_GB = 0.25  # an HR page kernel waiting for its request: imports done, no data read yet
# The survey pages a respondent opens first (a typed code, a direct link): each gets a pool sized
# for a burst (``kernel_pools``); the team results one kernel; exit and follow-up none.
SURVEY_BURST_PAGES = ("survey_home.ipynb", "pulse.ipynb")
SURVEY_KERNEL_GB = 0.07  # a survey kernel waiting in the pool: ~60 MB RSS (bench/survey_app.py)


def machine_size() -> tuple[int, float]:
    """CPU cores and available memory in GB (Linux; 4 GB assumed elsewhere)."""
    cores = os.cpu_count() or 1
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return cores, int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return cores, 4.0


def kernel_pools(
    hr_pages: list[str], survey_pages: list[str], *, cores: int | None = None, memory_gb: float | None = None
) -> tuple[dict[str, int], dict[str, int]]:
    """Preheated kernels per notebook for each side, sized for the machine.

    HR: one kernel per page in :data:`HR_PRELOAD_ORDER`, as many as fit in a fifth of the free
    memory (:data:`HR_KERNEL_GB` each), at least the home. A waiting HR kernel has done only its
    data-free work (imports, the store's engine; ``layout.prepare_kernel``) and reads the data
    after its request, so it costs memory, not CPU, and never shows figures older than the
    request; a page without a pool starts its kernel on request (1-1.5 s more, bench/dashboard.py).

    Survey (light kernels that wait for the request): the survey home, where codes are typed
    and routed in the same kernel, and the direct pulse link (:data:`SURVEY_BURST_PAGES`) get
    4 kernels per core each, as long as those pools take at most a tenth of the free memory
    (:data:`SURVEY_KERNEL_GB` each), at least 1; the team results 1; exit and follow-up start
    on request. The size is the number of kernels Voilà starts *in parallel* when respondents
    arrive together: each request takes the oldest kernel of its pool, started or not, and
    Voilà starts one in its place, so with a pool of 1 the kernel starts of a burst queue one
    behind the other (10 respondents arriving 2 s apart on a busy 2-core machine waited a median
    33 s for their page, bench/survey_app.py). Waiting kernels cost memory only; a kernel takes
    ~2 CPU-seconds to start, which a pool moves to before the burst. ``$VERLOOP_PRELOAD=0`` turns
    preheating off."""
    from verloop.config import current

    if not current().preload:
        return {}, {}
    if cores is None or memory_gb is None:
        found_cores, found_memory = machine_size()
        cores = found_cores if cores is None else cores
        memory_gb = found_memory if memory_gb is None else memory_gb
    cap = max(1, int(0.2 * memory_gb / HR_KERNEL_GB))
    hr = {name: 1 for name in [n for n in HR_PRELOAD_ORDER if n in hr_pages][:cap]}
    burst_pages = [name for name in SURVEY_BURST_PAGES if name in survey_pages]
    by_memory = int(0.1 * memory_gb / SURVEY_KERNEL_GB) // max(1, len(burst_pages))
    burst = max(1, min(4 * cores, by_memory))
    survey = {name: burst for name in burst_pages}
    if "team_results.ipynb" in survey_pages:
        survey["team_results.ipynb"] = 1
    return hr, survey


def serve_apps(
    db_url: str,
    port: int = 8866,
    apps_dir: Path | None = None,
    *,
    hr_token: str | None = None,
    survey_port: int | None = None,
    preheat: bool = True,
    only: str | None = None,
) -> int:
    """Serve the HR side (token) on ``port`` and the survey side on ``survey_port`` until Ctrl-C
    or until one of them stops; returns the first non-zero exit code (0 on Ctrl-C).

    ``only`` ("hr" or "survey") starts one side: behind a reverse proxy, several survey
    processes share one database with one HR process (docs/deploy.md). The cache watcher goes
    with the HR side."""
    import signal
    import time

    from verloop.apps.access import HR_HOME, SURVEY_HOME, hr_notebooks, survey_notebooks
    from verloop.apps.access import hr_token as resolve_token
    from verloop.store.engine import absolute_url

    if only not in (None, "hr", "survey"):
        raise ConfigError(f"--only takes hr or survey; got {only!r}.")
    folder = apps_folder(apps_dir)
    token, generated = resolve_token(hr_token) if only != "survey" else ("", False)
    survey_port = survey_port or port + 1
    if survey_port == port and only is None:
        raise ConfigError("the survey apps need a port of their own; choose --survey-port different from --port.")
    hr_pages, survey_pages = hr_notebooks(folder), survey_notebooks(folder)
    hr_pools, survey_pools = kernel_pools(hr_pages, survey_pages) if preheat else ({}, {})
    env = app_environment(absolute_url(db_url))

    def stop(_signum, _frame):  # `kill` / a service manager: stop both servers as Ctrl-C does
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    processes, helpers, lines = [], [], []
    if only != "survey":
        processes.append(
            subprocess.Popen(
                voila_command(
                    folder,
                    port,
                    token=token,
                    pages=hr_pages,
                    home=HR_HOME if HR_HOME in hr_pages else None,
                    pools=hr_pools,
                ),
                env={**env, "VERLOOP_REQUIRE_ACCOUNT": "1"},
                cwd=folder.parent,  # issue 13: no page without an account
            )
        )
        # The figures the pages show are computed when the data change, not when someone opens a
        # page: a low-priority watcher refreshes the shared cache for every new data revision.
        from verloop.apps.dashboard.cache import watch_command

        helpers.append(
            subprocess.Popen(
                watch_command(env["VERLOOP_DB"]),
                env=env,
                cwd=folder.parent,
                stdout=subprocess.DEVNULL,
                preexec_fn=lambda: os.nice(10),
            )
        )
        shown = token if generated else "<your HR token>"
        lines.append(f"HR dashboards (HR token required): http://127.0.0.1:{port}/?token={shown}")
    if only != "hr":
        processes.append(
            subprocess.Popen(
                voila_command(
                    folder,
                    survey_port,
                    pages=survey_pages,
                    home=SURVEY_HOME if SURVEY_HOME in survey_pages else None,
                    pools=survey_pools,
                ),
                env=env,
                cwd=folder.parent,
            )
        )
        lines.append(f"Surveys for employees (a survey code is the key): http://127.0.0.1:{survey_port}/")
    print("\n".join(lines + ["Ctrl-C stops " + ("both." if only is None else "it.")]), flush=True)
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        return next((p.returncode for p in processes if p.returncode), 0)
    except KeyboardInterrupt:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)
        processes += helpers  # the watcher: stopped with the servers, but never their exit code
        for p in processes:
            if p.poll() is None:
                p.terminate()
        for p in processes:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
