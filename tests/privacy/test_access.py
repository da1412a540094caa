"""Access: `verloop serve` runs the HR side behind a token and the survey side apart, quietly.

Real processes: the `verloop serve` command starts two Voilà servers; plain HTTP requests show
that a request to the HR side without the token is sent to the login form (pages) or refused
(APIs), that the token opens it, that the survey side serves the survey notebooks only and needs
no login, and that neither server writes client addresses, paths or survey codes to its log.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from verloop.apps.access import SURVEY_NOTEBOOKS, hr_token, quiet_log, survey_folder
from verloop.errors import ConfigError

pytestmark = pytest.mark.slow
START_TIMEOUT = 120
SURVEY_CODE = "QX7P-M2RA-9KTD"


def notebook(marker: str) -> str:
    return json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "id": "c1", "metadata": {}, "outputs": [],
                   "source": [f"print('{marker}')"]}],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4, "nbformat_minor": 5,
    })


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_port(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"`verloop serve` stopped early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.3)
    pytest.fail(f"nothing listens on port {port} after {START_TIMEOUT} s")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def get(url: str) -> tuple[int, str, str]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=120) as response:
            return response.status, response.read().decode("utf-8", "replace"), ""
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace"), error.headers.get("Location", "")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from verloop.store import Store

    root = tmp_path_factory.mktemp("serve")
    apps = root / "apps"
    apps.mkdir()
    (apps / "index.ipynb").write_text(notebook("verloop-hr-index"))
    (apps / "dashboard_turnover.ipynb").write_text(notebook("verloop-hr-dashboard"))
    (apps / "pulse.ipynb").write_text(notebook("verloop-survey-pulse"))
    db = f"sqlite:///{root / 'verloop.db'}"
    Store.open(db).dispose()
    hr_port, survey_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "VERLOOP_HR_TOKEN"}
    out, err = open(root / "serve.out", "w"), open(root / "serve.err", "w")
    process = subprocess.Popen(
        [sys.executable, "-c", "import sys; from verloop.cli import main; sys.exit(main())", "serve",
         "--db", db, "--port", str(hr_port), "--survey-port", str(survey_port), "--apps", str(apps)],
        stdout=out, stderr=err, env=env, start_new_session=True,
    )
    try:
        wait_port(hr_port, process)
        wait_port(survey_port, process)
        deadline = time.monotonic() + 30
        while "token=" not in (root / "serve.out").read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        yield {"hr": f"http://127.0.0.1:{hr_port}", "survey": f"http://127.0.0.1:{survey_port}",
               "root": root, "process": process}
    finally:
        process.send_signal(signal.SIGINT)  # Ctrl-C: serve stops both servers
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        out.close()
        err.close()


def printed_token(served) -> str:
    text = (served["root"] / "serve.out").read_text()
    match = re.search(re.escape(served["hr"]) + r"/\?token=([\w-]+)", text)
    assert match, f"the HR URL with its token is printed: {text!r}"
    return match.group(1)


def test_hr_side_refuses_a_request_without_the_token(served):
    for path in ("/", "/voila/render/index.ipynb", "/voila/render/dashboard_turnover.ipynb"):
        status, _, location = get(served["hr"] + path)
        assert status == 302 and "/login" in location, (path, status, location)
    status, _, location = get(served["hr"] + "/voila/render/index.ipynb?token=not-the-token")
    assert status == 302 and "/login" in location
    status, _, _ = get(served["hr"] + "/voila/api/contents/")
    assert status == 403


def test_hr_side_serves_with_the_token_printed_at_start(served):
    token = printed_token(served)
    assert len(token) >= 24
    status, body, _ = get(served["hr"] + f"/voila/render/index.ipynb?token={token}")
    assert status == 200 and "verloop-hr-index" in body


def test_survey_side_needs_no_login_and_serves_no_dashboard(served):
    status, body, _ = get(served["survey"] + f"/voila/render/pulse.ipynb?token={SURVEY_CODE}")
    assert status == 200 and "verloop-survey-pulse" in body
    for name in ("index.ipynb", "dashboard_turnover.ipynb"):
        status, _, _ = get(served["survey"] + f"/voila/render/{name}")
        assert status == 404, name
    status, _, _ = get(served["survey"] + "/voila/files/pulse.ipynb")
    assert status in (403, 404)


def test_logs_hold_no_client_address_path_or_survey_code(served):
    get(served["survey"] + f"/voila/render/missing.ipynb?token={SURVEY_CODE}")  # a 404 is logged
    get(served["hr"] + f"/nothing?token={SURVEY_CODE}")
    time.sleep(1)
    logs = (served["root"] / "serve.err").read_text() + (served["root"] / "serve.out").read_text()
    assert SURVEY_CODE not in logs
    assert "(127.0.0.1)" not in logs and "/voila/render/missing.ipynb" not in logs and "/nothing" not in logs
    assert "--debug" not in logs


def test_survey_folder_holds_copies_of_the_survey_notebooks_only(tmp_path):
    for name in ("index.ipynb", "dashboard_risk.ipynb", *SURVEY_NOTEBOOKS):
        (tmp_path / name).write_text(notebook(name))
    with survey_folder(tmp_path) as folder:
        assert sorted(p.name for p in folder.iterdir()) == sorted(SURVEY_NOTEBOOKS)
    assert not folder.exists()


def test_hr_token_from_option_or_environment_and_never_short(monkeypatch):
    monkeypatch.delenv("VERLOOP_HR_TOKEN", raising=False)
    generated, fresh = hr_token(None)
    assert fresh and len(generated) >= 24 and hr_token(None)[0] != generated
    assert hr_token("a-long-enough-secret") == ("a-long-enough-secret", False)
    monkeypatch.setenv("VERLOOP_HR_TOKEN", "from-the-environment-123")
    assert hr_token(None) == ("from-the-environment-123", False)
    with pytest.raises(ConfigError):
        hr_token("short")


def test_debug_is_refused_and_the_log_function_writes_no_address(caplog):
    from verloop.apps.access import main

    with pytest.raises(SystemExit):
        main(["apps", "--debug"])

    class Request:
        method = "GET"
        remote_ip = "10.1.2.3"
        uri = f"/voila/render/pulse.ipynb?token={SURVEY_CODE}"

    class Handler:
        request = Request()

        def __init__(self, status):
            self.status = status

        def get_status(self):
            return self.status

    with caplog.at_level("DEBUG"):
        quiet_log(Handler(200))
        quiet_log(Handler(404))
        quiet_log(Handler(500))
    text = caplog.text
    assert "10.1.2.3" not in text and SURVEY_CODE not in text and "pulse" not in text
    assert "500" in text


def test_voila_command_never_has_debug_and_asks_for_the_token():
    from verloop.apps.server import voila_command

    command = voila_command(Path("apps"), 8866, token="a-long-enough-secret")
    assert "--debug" not in command and "--token=a-long-enough-secret" in command
    assert command[1:3] == ["-m", "verloop.apps.access"]
    assert not [c for c in voila_command(Path("apps"), 8867) if c.startswith("--token")]
