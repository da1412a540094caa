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
