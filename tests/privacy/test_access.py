"""Access: `verloop serve` runs the HR side behind a token and the survey side apart, quietly.

Real processes: the `verloop serve` command starts two Voilà servers; plain HTTP requests show
that a request to the HR side without the token is sent to Verloop's sign-in page (pages) or
refused (APIs), that the token opens it, that `/` opens each side's home notebook, that no file
list or contents API exists on either side, that each side serves only its own notebooks, that
failed sign-ins are rate-limited, that no page a person reaches speaks Jupyter, and that neither
server writes client addresses, paths or survey codes to its log.
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
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from verloop.apps.access import (
    SURVEY_NOTEBOOKS,
    hr_notebooks,
    hr_token,
    page_pattern,
    quiet_log,
    survey_notebooks,
)
from verloop.errors import ConfigError

pytestmark = pytest.mark.slow
START_TIMEOUT = 120
SURVEY_CODE = "QX7P-M2RA-9KTD"


def notebook(marker: str) -> str:
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "id": "c1",
                    "metadata": {},
                    "outputs": [],
                    "source": [f"print('{marker}')"],
                }
            ],
            "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


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


def get(url: str, data: bytes | None = None, headers: dict | None = None) -> tuple[int, str, str]:
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=data, headers=headers or {}), timeout=120) as response:
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
    (apps / "survey_home.ipynb").write_text(notebook("verloop-survey-home"))
    db = f"sqlite:///{root / 'verloop.db'}"
    Store.open(db).dispose()
    hr_port, survey_port = free_port(), free_port()
    env = {k: v for k, v in os.environ.items() if k != "VERLOOP_HR_TOKEN"}
    out, err = open(root / "serve.out", "w"), open(root / "serve.err", "w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from verloop.cli import main; sys.exit(main())",
            "serve",
            "--db",
            db,
            "--port",
            str(hr_port),
            "--survey-port",
            str(survey_port),
            "--apps",
            str(apps),
        ],
        stdout=out,
        stderr=err,
        env={**env, "VERLOOP_PRELOAD": "0"},
        start_new_session=True,
    )
    try:
        wait_port(hr_port, process)
        wait_port(survey_port, process)
        deadline = time.monotonic() + 30
        while "token=" not in (root / "serve.out").read_text() and time.monotonic() < deadline:
            time.sleep(0.2)
        yield {
            "hr": f"http://127.0.0.1:{hr_port}",
            "survey": f"http://127.0.0.1:{survey_port}",
            "root": root,
            "process": process,
        }
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


JUPYTER_WORDS = ("jupyter", "voil", "notebook", "kernel", "token")


def assert_verloop_page(body: str) -> None:
    lowered = body.lower()
    assert "verloop" in lowered
    # no Jupyter wording on a page a person reaches (the sign-in form posts a field named "secret")
    text = re.sub(r"<[^>]+>", " ", body).lower()
    assert not [w for w in JUPYTER_WORDS if w in text], text[:500]


def test_hr_side_refuses_a_request_without_the_token(served):
    for path in ("/", "/voila/render/index.ipynb", "/voila/render/dashboard_turnover.ipynb"):
        status, _, location = get(served["hr"] + path)
        assert status == 302 and "/login" in location, (path, status, location)
    status, _, location = get(served["hr"] + "/voila/render/index.ipynb?token=not-the-token")
    assert status == 302 and "/login" in location
    status, _, _ = get(served["hr"] + "/api/kernels")
    assert status in (403, 404)


def test_sign_in_page_is_verloops_own_in_dutch_and_english(served):
    status, body, _ = get(served["hr"] + "/login?next=%2F")
    assert status == 200 and "Aanmelden" in body and 'lang="nl"' in body
    assert_verloop_page(body)
    status, body, _ = get(served["hr"] + "/login?next=%2F", headers={"Accept-Language": "en-GB,en;q=0.8"})
    assert status == 200 and "Sign in" in body and "HR access code" in body
    assert_verloop_page(body)
    # a wrong token in the address is named as such, in words an HR user understands
    status, body, _ = get(served["hr"] + "/login?next=%2F%3Ftoken%3Dnot-the-token")
    assert "toegangscode die niet (meer) klopt" in body and "not-the-token" not in body


def test_error_pages_speak_verloop_not_jupyter(served):
    token = printed_token(served)
    for base, path in (
        (served["hr"], "/voila/tree"),
        (served["hr"], f"/voila/tree?token={token}"),
        (served["hr"], "/tree"),
        (served["survey"], "/voila/tree"),
        (served["survey"], "/voila/render/missing.ipynb"),
        (served["survey"], "/login"),
    ):
        status, body, _ = get(base + path)
        assert status == 404, (base, path, status)
        assert "Deze pagina bestaat niet" in body and "This page does not exist" in body
        assert_verloop_page(body)


def test_hr_side_serves_with_the_token_printed_at_start(served):
    token = printed_token(served)
    assert len(token) >= 24
    status, body, _ = get(served["hr"] + f"/voila/render/index.ipynb?token={token}")
    assert status == 200 and "verloop-hr-index" in body
    # `/` is the HR home, never a file list; the token is dropped from the address it opens
    status, _, location = get(served["hr"] + f"/?token={token}&lang=en")
    assert status == 302 and location.endswith("/voila/render/index.ipynb?lang=en"), location
    # nothing from another host, and none of Voilà's CDN links
    assert "cdn.jsdelivr" not in body and "fontawesome" not in body.lower()


def test_sign_in_form_opens_the_page_and_is_rate_limited(served):
    token = printed_token(served)
    status, body, _ = get(served["hr"] + "/login?next=%2Fvoila%2Frender%2Findex.ipynb")
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', body).group(1)
    cookie = f"_xsrf={xsrf}"

    def post(secret: str) -> tuple[int, str, str]:
        data = urllib.parse.urlencode({"_xsrf": xsrf, "secret": secret}).encode()
        return get(served["hr"] + "/login?next=%2Fvoila%2Frender%2Findex.ipynb", data=data, headers={"Cookie": cookie})

    status, _, location = post(token)
    assert status == 302 and location == "/voila/render/index.ipynb"
    status, body, _ = post("wrong-secret-000")
    assert status == 401 and "klopt niet" in body
    for _ in range(4):
        post("wrong-secret-000")
    status, body, _ = post(token)  # even the right secret waits once the address is blocked
    assert status == 429 and "Te veel mislukte pogingen" in body and 'name="secret"' not in body
    status, _, location = get(served["hr"] + f"/voila/render/index.ipynb?token={token}")
    assert status == 302 and "/login" in location


def test_survey_side_needs_no_login_and_serves_no_dashboard(served):
    status, body, _ = get(served["survey"] + f"/voila/render/pulse.ipynb?token={SURVEY_CODE}")
    assert status == 200 and "verloop-survey-pulse" in body
    status, _, location = get(served["survey"] + "/")
    assert status == 302 and location.endswith("/voila/render/survey_home.ipynb")
    for name in ("index.ipynb", "dashboard_turnover.ipynb"):
        status, _, _ = get(served["survey"] + f"/voila/render/{name}")
        assert status == 404, name
    for path in ("/voila/files/pulse.ipynb", "/voila/api/contents/", "/voila/tree"):
        status, _, _ = get(served["survey"] + path)
        assert status == 404, path


def test_hr_side_serves_no_survey(served):
    token = printed_token(served)
    for name in ("pulse.ipynb", "survey_home.ipynb"):
        status, _, _ = get(served["hr"] + f"/voila/render/{name}?token={token}")
        assert status == 404, name


def test_logs_hold_no_client_address_path_or_survey_code(served):
    get(served["survey"] + f"/voila/render/missing.ipynb?token={SURVEY_CODE}")  # a 404 is logged
    get(served["hr"] + f"/nothing?token={SURVEY_CODE}")
    time.sleep(1)
    logs = (served["root"] / "serve.err").read_text() + (served["root"] / "serve.out").read_text()
    assert SURVEY_CODE not in logs
    assert "(127.0.0.1)" not in logs and "/voila/render/missing.ipynb" not in logs and "/nothing" not in logs
    assert "--debug" not in logs


def test_each_side_lists_its_own_notebooks(tmp_path):
    for name in ("index.ipynb", "dashboard_risk.ipynb", "dashboard.ipynb", *SURVEY_NOTEBOOKS):
        (tmp_path / name).write_text(notebook(name))
    assert hr_notebooks(tmp_path) == ["index.ipynb", "dashboard.ipynb", "dashboard_risk.ipynb"]
    assert survey_notebooks(tmp_path) == list(SURVEY_NOTEBOOKS)
    assert "survey_home.ipynb" in SURVEY_NOTEBOOKS and "team_results.ipynb" in SURVEY_NOTEBOOKS
    pattern = re.compile(page_pattern(["index.ipynb", "dashboard_risk.ipynb"]) + "$")
    assert pattern.match("/voila/render/index.ipynb") and pattern.match("/voila/render/dashboard_risk.ipynb")
    assert not pattern.match("/voila/render/pulse.ipynb") and not pattern.match("/voila/render/indexXipynb")


def test_failed_attempts_block_an_address_for_the_window_only():
    from verloop.apps.auth import FailedAttempts

    now = [0.0]
    attempts = FailedAttempts(limit=3, window=60, clock=lambda: now[0])
    for _ in range(3):
        assert attempts.wait_seconds("a") == 0
        attempts.record("a")
    assert attempts.wait_seconds("a") == 60 and attempts.wait_seconds("b") == 0
    now[0] = 30
    assert attempts.wait_seconds("a") == 30
    now[0] = 60
    assert attempts.wait_seconds("a") == 0  # the oldest failure expired
    attempts.record("a")
    attempts.clear("a")
    assert attempts.wait_seconds("a") == 0


def test_identity_provider_checks_every_secret_in_one_place():
    from verloop.apps.auth import VerloopIdentityProvider

    provider = VerloopIdentityProvider(token="the-hr-secret-123456")
    assert provider.authenticate("the-hr-secret-123456").username == "hr"
    assert provider.authenticate("the-hr-secret-12345") is None
    assert provider.authenticate("") is None
    assert VerloopIdentityProvider(token="").authenticate("") is None


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

    command = voila_command(
        Path("apps"),
        8866,
        token="a-long-enough-secret",
        pages=["index.ipynb"],
        home="index.ipynb",
        pools={"index.ipynb": 1, "dashboard.ipynb": 0},
    )
    assert "--debug" not in command and "--token=a-long-enough-secret" in command
    assert "--Voila.identity_provider_class=verloop.apps.auth.VerloopIdentityProvider" in command
    assert command[1:3] == ["-m", "verloop.apps.access"]
    assert "--template=verloop" in command
    assert "--VerloopVoila.pages=index.ipynb" in command and "--VerloopVoila.home=index.ipynb" in command
    assert "--preheat_kernel=True" in command and "--VerloopVoila.pools=index.ipynb=1" in command
    assert not [c for c in command if "dashboard.ipynb" in c]
    plain = voila_command(Path("apps"), 8867)
    assert not [c for c in plain if c.startswith("--token") or "preheat" in c or "identity" in c]


def test_kernel_pools_are_sized_for_the_machine(monkeypatch):
    from verloop.apps.server import HR_PRELOAD_ORDER, kernel_pools

    monkeypatch.delenv("VERLOOP_PRELOAD", raising=False)
    hr_pages = ["index.ipynb", "dashboard.ipynb", *HR_PRELOAD_ORDER[1:]]
    survey_pages = list(SURVEY_NOTEBOOKS)
    hr, survey = kernel_pools(hr_pages, survey_pages, cores=4, memory_gb=16)
    assert list(hr) == list(HR_PRELOAD_ORDER) and set(hr.values()) == {1}  # every page waits, 2.75 GB
    hr, _ = kernel_pools(hr_pages, survey_pages, cores=2, memory_gb=4)
    assert list(hr) == list(HR_PRELOAD_ORDER[:3])  # a fifth of 4 GB: three waiting kernels
    # survey: the pages respondents open first get 4 kernels per core, within a tenth of the memory
    assert survey == {"survey_home.ipynb": 11, "pulse.ipynb": 11, "team_results.ipynb": 1}
    _, survey = kernel_pools(hr_pages, survey_pages, cores=2, memory_gb=20)
    assert survey["pulse.ipynb"] == survey["survey_home.ipynb"] == 8  # cores cap it
    _, survey = kernel_pools(hr_pages, survey_pages, cores=16, memory_gb=0.5)
    assert survey == {"survey_home.ipynb": 1, "pulse.ipynb": 1, "team_results.ipynb": 1}
    hr, _ = kernel_pools(hr_pages, survey_pages, cores=16, memory_gb=1.2)
    assert list(hr) == ["index.ipynb"]  # memory caps it, the home always waits
    hr, _ = kernel_pools(["index.ipynb"], [], cores=64, memory_gb=64)
    assert hr == {"index.ipynb": 1}
    monkeypatch.setenv("VERLOOP_PRELOAD", "0")
    assert kernel_pools(hr_pages, survey_pages) == ({}, {})
