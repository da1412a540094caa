"""A preheated survey kernel waits for its request with Voilà's protocol but without Voilà, and
a respondent's kernel ends itself after the thank-you page (verloop.apps.preheat)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from verloop.apps import preheat


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def voila_query_server():
    """Voilà's own request-info websocket (``voila.request_info_handler``) on a free port."""
    from tornado.web import Application
    from voila.request_info_handler import RequestInfoSocketHandler

    port = _free_port()
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder = {}

    def serve():
        asyncio.set_event_loop(loop)
        app = Application([(r"/voila/query/(?P<kernel_id>[\w-]+)", RequestInfoSocketHandler)])
        holder["server"] = app.listen(port, address="127.0.0.1")
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    yield port, loop, RequestInfoSocketHandler
    loop.call_soon_threadsafe(holder["server"].stop)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def test_waits_with_voilas_protocol_and_sets_the_request(voila_query_server, monkeypatch):
    port, loop, handler = voila_query_server
    kernel_id = "5b0c9d2e-0000-4000-8000-000000000001"
    payload = json.dumps({"QUERY_STRING": "token=ABCD-EFGH&lang=en", "SCRIPT_NAME": "/voila/render/pulse.ipynb"})
    # the server sends the request when a page takes the kernel (before or after it connects)
    loop.call_soon_threadsafe(handler.send_updates, {"kernel_id": kernel_id, "payload": payload})
    for key, value in {
        "VOILA_PREHEAT": "True",
        "VOILA_APP_PORT": str(port),
        "VOILA_SERVER_URL": "/",
        "VOILA_KERNEL_ID": kernel_id,
    }.items():
        monkeypatch.setenv(key, value)
    for key in ("QUERY_STRING", "SCRIPT_NAME"):  # set first, so that monkeypatch restores them afterwards
        monkeypatch.setenv(key, "")
        monkeypatch.delenv(key)
    monkeypatch.setitem(preheat._waited, "done", False)
    assert preheat.query_url() == f"ws://127.0.0.1:{port}/voila/query/{kernel_id}"
    preheat.wait_for_request()
    assert os.environ["QUERY_STRING"] == "token=ABCD-EFGH&lang=en"
    assert os.environ["SCRIPT_NAME"] == "/voila/render/pulse.ipynb"
    assert preheat._waited["done"]


def test_no_wait_outside_a_preheated_kernel(monkeypatch):
    monkeypatch.setitem(preheat._waited, "done", False)
    monkeypatch.setenv("VOILA_PREHEAT", "False")  # a kernel Voilà started for its request
    monkeypatch.setenv("VOILA_APP_PORT", "1")  # would refuse: it is never asked
    preheat.wait_for_request()
    assert not preheat._waited["done"]


LIGHT_WAIT = r"""
import os, sys
os.environ.update(VOILA_PREHEAT="True", VOILA_APP_PORT=sys.argv[1], VOILA_SERVER_URL="/", VOILA_KERNEL_ID="x")
from verloop.apps.preheat import wait_for_request
wait_for_request()  # nobody listens: a warning, and the page renders without the request
print(sorted(m for m in ("voila", "jupyter_server", "jupyterlab_server", "jsonschema", "pandas") if m in sys.modules))
"""


def test_waiting_loads_neither_voila_nor_jupyter_server():
    done = subprocess.run(
        [sys.executable, "-c", LIGHT_WAIT, str(_free_port())], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


LEAVE = r"""
import os, sys, time
os.environ.update(VOILA_PREHEAT="False", VOILA_SERVER_URL="/")
from verloop.apps.preheat import leave_after
leave_after(0.2, close=lambda: print("closed", flush=True))
time.sleep(30)
print("still here", flush=True)
"""


def test_a_finished_kernel_leaves_only_under_voila(monkeypatch):
    done = subprocess.run([sys.executable, "-c", LEAVE], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.split() == ["closed"], (done.stdout, done.stderr[-2000:])
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    monkeypatch.delenv("VOILA_SERVER_URL", raising=False)
    assert preheat.leave_after(0.01, close=lambda: pytest.fail("must not run outside Voilà")) is None


def test_only_the_thank_you_page_asks_the_kernel_to_leave(store, monkeypatch):
    from verloop.apps.survey import SurveyApp, survey_pages
    from verloop.store.schema import Site, Team
    from verloop.surveys.tokens import issue_tokens
    from verloop.surveys.waves import open_wave

    today = dt.date(2026, 3, 2)
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        s.add(Team(name="Team Noord", site_id=site.id))
    open_wave(store, "pulse", "w1", opens=today, today=today)
    code = issue_tokens(store, "w1", "Team Noord", 1, today=today)[0].code
    calls = []
    monkeypatch.setattr(preheat, "leave_after", lambda **kwargs: calls.append(kwargs))
    app = SurveyApp("pulse", store=store, today=today, query_string=f"token={code}")
    app.start()
    app.go(len(survey_pages(app.instrument)) - 1)
    app.press("submit", app.step)  # nothing answered: a message, the questionnaire stays
    assert app.message.text and not app.done and calls == []
    app.go(0)
    app.answers["engagement_1"] = 4
    app.go(len(survey_pages(app.instrument)) - 1)
    app.press("submit", app.step)
    assert app.done and calls == [{"close": store.dispose}]
    assert app.lang.layout.display == "none"  # nothing left on the page that needs the kernel


def test_voila_never_restarts_a_kernel():
    from verloop.apps.server import voila_command

    assert "--KernelManager.autorestart=False" in voila_command(Path("apps"), 8867)


def test_the_hr_command_line_parses_without_warnings(monkeypatch):
    """What `verloop serve` starts for the HR side says nothing a user must ignore: the header
    list in the form traitlets 5 takes (no DeprecationWarning), kernels on Unix sockets in the
    runtime folder (no "running over TCP without encryption" from every kernel)."""
    import warnings

    from verloop.apps.access import make_app_class
    from verloop.apps.server import IPC_PATH_MAX, kernel_transport, voila_command

    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", "/tmp/jupyter-runtime")  # short enough for Unix sockets
    command = voila_command(Path("apps"), 8866, token="a-long-enough-secret", pools={"index.ipynb": 1})
    app = make_app_class()()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        app.parse_command_line(command[3:])
    assert app.config.VoilaConfiguration.http_header_envs == ["X-Verloop-Account"]
    if os.name == "posix":
        assert app.config.KernelManager.transport == "ipc"
    assert kernel_transport("/" + "x" * IPC_PATH_MAX) == []  # too long for a Unix socket: TCP stays


class FakeQuery:
    """Voilà's request websocket as a preheated kernel meets it: ``recv`` returns when a page
    request takes the kernel; ``on_request`` runs first (what happens while the kernel waits)."""

    def __init__(self, payload: dict, on_request=None):
        self.payload, self.on_request, self.connects = payload, on_request, 0

    def __call__(self, url, **kwargs):
        self.connects += 1
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def recv(self):
        if self.on_request is not None:
            self.on_request()
        return json.dumps(self.payload)


@pytest.fixture
def preheated(monkeypatch):
    """This process as a kernel from Voilà's pool that has not yet seen its request."""
    import websockets.sync.client

    for key in ("QUERY_STRING", "SCRIPT_NAME", "HTTP_X_VERLOOP_ACCOUNT", "VOILA_PREHEAT"):
        monkeypatch.setenv(key, "")  # set first, so that monkeypatch restores them afterwards
        monkeypatch.delenv(key)

    def install(payload: dict, on_request=None) -> FakeQuery:
        monkeypatch.setitem(preheat._waited, "done", False)
        monkeypatch.setenv("VOILA_PREHEAT", "True")
        fake = FakeQuery(payload, on_request)
        monkeypatch.setattr(websockets.sync.client, "connect", fake)
        return fake

    return install


def test_the_hr_side_waits_once_with_the_light_protocol(preheated, monkeypatch):
    """verloop.accounts.web waits through verloop.apps.preheat (the fake websocket is its only
    way to the request), once, and never in a kernel that holds a request already."""
    from verloop.accounts import web

    fake = preheated(
        {"QUERY_STRING": "lang=en", "SCRIPT_NAME": "/voila/render/index.ipynb", "HTTP_X_VERLOOP_ACCOUNT": "hr"}
    )
    web.wait_for_request()
    web.wait_for_request()  # another part of the page: the request is here already
    assert fake.connects == 1 and os.environ["HTTP_X_VERLOOP_ACCOUNT"] == "hr"
    assert os.environ["VOILA_PREHEAT"] == "False" and os.environ["QUERY_STRING"] == "lang=en"
    monkeypatch.setitem(preheat._waited, "done", False)
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    web.wait_for_request()  # a kernel holding a request's SCRIPT_NAME never waits
    assert fake.connects == 1


def test_a_failed_wait_is_not_repeated(preheated, monkeypatch, caplog):
    import websockets.sync.client

    def refused(url, **kwargs):
        refused.calls += 1
        raise ConnectionRefusedError

    refused.calls = 0
    preheated({})
    monkeypatch.setattr(websockets.sync.client, "connect", refused)
    preheat.wait_for_request()
    preheat.wait_for_request()
    assert refused.calls == 1 and "no request information" in caplog.text


EMPLOYEES = "employee_id,team,site,role,contract_hours,hire_date,exit_date,exit_type,regretted"


def _employees(path: Path, first_exit_type: str) -> str:
    """Two teams of twelve; six leavers in 2025, the first of whom leaves ``first_exit_type``."""
    lines = [EMPLOYEES]
    for i in range(24):
        left = f"2025-0{i + 1}-15," + (first_exit_type if i == 0 else "voluntary") if i < 6 else ","
        lines.append(f"E{i:03d},Team {i % 2 + 1},Utrecht,agent,36,2022-01-0{i % 9 + 1},{left},")
    path.write_text("\n".join(lines) + "\n")
    return str(path)


def test_a_page_preheated_before_a_data_change_shows_the_new_data(sqlite_store, tmp_path, monkeypatch, preheated):
    """A preheated HR page kernel does its data-free work before it waits and reads the data
    only after the request: an import while it waits (a new data revision; the cache still
    holds the old one's figures) reaches the page."""
    from sqlalchemy import event

    from verloop.apps.dashboard.data import DashboardSource
    from verloop.apps.dashboard.filters import Filters
    from verloop.apps.dashboard.pages import page_class
    from verloop.cli import main
    from verloop.store import data_revision

    store = sqlite_store
    monkeypatch.setenv("VERLOOP_DASHBOARD_CACHE", str(tmp_path / "figures"))
    monkeypatch.delenv("VERLOOP_REQUIRE_ACCOUNT", raising=False)  # a preheated page waits all the same
    assert main(["import", "employees", _employees(tmp_path / "a.csv", "voluntary"), "--db", store.url]) == 0
    year = Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))

    def voluntary(source) -> float:
        from verloop.apps.dashboard import figures

        return float(figures.turnover_summary(source, year).iloc[0]["voluntary"])

    assert voluntary(DashboardSource.open(store)) == 6.0  # the cache holds the old revision's figures
    statements: list[str] = []
    event.listen(store.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    seen = {}

    def while_waiting():
        seen["statements"] = list(statements)
        path = _employees(tmp_path / "b.csv", "involuntary")
        assert main(["import", "employees", path, "--db", store.url]) == 0

    fake = preheated(
        {"QUERY_STRING": "lang=en", "SCRIPT_NAME": "/voila/render/dashboard_turnover.ipynb"}, on_request=while_waiting
    )
    page = page_class("turnover")(store=store)
    page.build()
    assert fake.connects == 1 and page.lang == "en"
    assert seen["statements"] == []  # nothing read before the request: no structure, revision or figure
    with store.session() as s:
        assert page.source.figure_cache.stamp()[0] == data_revision(s)
    assert voluntary(page.source) == 5.0  # the corrected exit type
    assert page.timings["compute"] and not page.message.value and page.body.children
