"""An installed wheel works outside the checkout (issue 15, item 4).

The wheel is built from a copy of the project's tracked files and installed into a fresh virtual
environment in a temporary folder. To stay fast and offline it borrows the dependencies, not
Verloop, from the test's own environment: a ``.pth`` line puts that environment's
``site-packages`` after the new one (the editable install's import hook there is not run, so
``import verloop`` can only find the wheel), and ``$JUPYTER_PATH`` names that environment's
``share/jupyter``, where ``pip install voila`` would have put Voilà's own templates. Then, from
an unrelated folder, ``verloop demo`` must find its survey instruments and ``verloop serve`` its
notebooks — both inside the installed package.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from verloop.config import SOURCE_ROOT

pytestmark = pytest.mark.slow

ROOT = SOURCE_ROOT


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{' '.join(map(str, command))} failed:\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("wheel")
    source, dist, venv, home = base / "source", base / "dist", base / "venv", base / "home"
    tracked = run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT).stdout
    for name in filter(None, tracked.split("\0")):
        if (ROOT / name).is_file() and not name.startswith(("var/", "models/", "docs/screenshots/")):
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    run([sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-q", "-w", dist], cwd=source)
    wheel = next(dist.glob("verloop-*.whl"))
    run([sys.executable, "-m", "venv", "--without-pip", venv])
    python = venv / "bin" / "python"
    purelib = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    Path(purelib, "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index", wheel])
    home.mkdir()
    env = {
        "PATH": f"{venv / 'bin'}:/usr/bin:/bin",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "config"),
        "VERLOOP_PRELOAD": "0",
        "VERLOOP_DASHBOARD_CACHE": "off",
    }
    return {"venv": venv, "python": python, "verloop": venv / "bin" / "verloop", "home": home, "env": env}


def test_the_wheel_carries_instruments_and_notebooks_and_runs_from_itself(installed):
    probe = (
        "import verloop, verloop.config as c; s = c.current(); "
        "print(verloop.__file__); print(c.checkout_root()); print(s.instruments_dir); print(s.apps_dir); "
        "print(s.models_dir); print(sorted(p.name for p in s.instruments_dir.glob('*.yaml')))"
    )
    lines = run([installed["python"], "-c", probe], cwd=installed["home"], env=installed["env"]).stdout.splitlines()
    package = installed["venv"].resolve()
    assert Path(lines[0]).resolve().is_relative_to(package)  # the wheel, not the checkout
    assert lines[1] == "None"  # no checkout in sight
    assert Path(lines[2]).is_relative_to(package) and lines[2].endswith("verloop/_data/surveys")
    assert Path(lines[3]).is_relative_to(package) and lines[3].endswith("verloop/_data/apps")
    assert lines[4] == str(installed["home"] / "data" / "verloop" / "models")  # the user's data folder
    assert lines[5] == "['exit.yaml', 'followup.yaml', 'pulse.yaml']"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, process: subprocess.Popen, what: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`verloop serve` stopped early with code {process.returncode} while waiting for {what}")
        if condition():
            return
        time.sleep(0.3)
    pytest.fail(f"no {what} after {seconds} s")


def listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def test_demo_and_serve_from_another_folder(installed, tmp_path):
    work = tmp_path / "anywhere"  # no apps/, no surveys/: only the installed package has them
    work.mkdir()
    env = installed["env"]
    out = run(
        [installed["verloop"], "demo", "--db", "sqlite:///var/x.db", "--employees", "40", "--months", "6"],
        cwd=work,
        env=env,
    ).stdout
    assert (work / "var" / "x.db").is_file() and "3 instruments" in out
    assert "verloop/_data/surveys" in run([installed["verloop"], "config"], cwd=work, env=env).stdout

    hr_port, survey_port = free_port(), free_port()
    log = open(tmp_path / "serve.out", "w")
    process = subprocess.Popen(
        [
            installed["verloop"],
            "serve",
            "--db",
            "sqlite:///var/x.db",
            "--port",
            str(hr_port),
            "--survey-port",
            str(survey_port),
        ],
        cwd=work,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for(lambda: listening(hr_port) and listening(survey_port), process, "listening servers")
        wait_for(lambda: "token=" in (tmp_path / "serve.out").read_text(), process, "printed addresses")
        token = re.search(r"\?token=([\w-]+)", (tmp_path / "serve.out").read_text()).group(1)
        with urllib.request.urlopen(f"http://127.0.0.1:{survey_port}/", timeout=180) as response:
            survey = response.read().decode("utf-8", "replace")
            assert response.status == 200 and response.url.endswith("/voila/render/survey_home.ipynb")
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with opener.open(f"http://127.0.0.1:{hr_port}/?token={token}", timeout=180) as response:
            hr = response.read().decode("utf-8", "replace")
            assert response.status == 200 and response.url.endswith("/voila/render/index.ipynb")
        # the pages ran: Verloop's widgets reached the page, no template or kernel error did
        for page in (survey, hr):
            assert "application/vnd.jupyter.widget-view+json" in page
            assert "TemplateNotFound" not in page and "Traceback" not in page
        voila = subprocess.run(["ps", "-ww", "-o", "args=", "--ppid", str(process.pid)], capture_output=True, text=True)
        assert f"{installed['venv'].resolve()}/lib/" in voila.stdout and "verloop/_data/apps" in voila.stdout
        assert str(ROOT) not in voila.stdout  # nothing served from the checkout
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        log.close()
