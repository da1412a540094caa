"""Reusable fixtures for browser tests: a real Voilà server and headless Debian Chromium.

Any test module under tests/browser can use them (survey apps, dashboards):

``voila_server`` (module scope) is a *factory*::

    @pytest.fixture(scope="module")
    def base_url(voila_server, tmp_path_factory):
        db_url = ...                      # prepare a database first
        return voila_server(db_url)       # -> "http://127.0.0.1:PORT"

  It starts ``verloop.apps.server.voila_command(apps_dir, port, extra=...)`` on a free port on
  127.0.0.1 (``--Voila.port_retries=0``: a taken port fails instead of silently moving) with
  ``VERLOOP_DB=<db_url>``, waits until the TCP port accepts connections (an HTTP probe would
  render a page and start a kernel), and stops the server and its kernels when the module ends.
  Keyword arguments: ``apps_dir`` (default: the project's apps/), ``extra`` (more Voilà flags,
  e.g. ``["--preheat_kernel=True", "--pool_size=1"]``), ``token`` (a Jupyter server token),
  ``env`` (extra environment variables), ``pages`` / ``home`` / ``pools`` (the notebooks routed,
  the one at ``/``, preheated kernels per notebook; see ``voila_command``). One server per
  module keeps the suite fast.

``browser`` (session scope) is a Playwright Chromium launched from ``chromium_path`` (Debian's
package, never a downloaded browser). ``page`` is a fresh context + page per test with the
viewport from the ``viewport`` fixture: 1280×900 by default; a module can override it, e.g.
a module-level ``viewport`` fixture returning ``{"width": 390, "height": 844}`` for a phone.
``page`` fails the test if the page raises an uncaught JavaScript error or opens a dialog
(``alert`` from injected script).

``page_requests`` is the list of every URL the test's ``page`` requests (it grows as pages load);
its ``off_host()`` keeps those that do not go to 127.0.0.1 — a Verloop page asks no other host.

``wait_voila`` is a fixture returning the helper ``wait_voila(page, url=None, selector=None)``:
it navigates (when ``url`` is given), waits until Voilà's ``#loading`` element is detached, fails with the message shown when a ``.voila-error``
is rendered, and, with ``selector``, waits until that widget is visible (``#loading`` goes away
before the widgets have rendered).

Mark browser test modules with ``pytestmark = pytest.mark.browser``. Timeouts are generous:
these tests must pass on a busy 2-core machine, and they wait on selectors, never on sleeps.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from verloop.apps.server import REPO_ROOT, app_environment, voila_command

SERVER_START_TIMEOUT = 180  # seconds until the TCP port answers
RENDER_TIMEOUT_MS = 180_000  # first render starts a kernel: slow on a loaded machine
ACTION_TIMEOUT_MS = 60_000  # one widget round trip
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-extensions",
    "--disable-sync",
    "--no-first-run",
    "--metrics-recording-only",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


class VoilaServer:
    """One running Voilà process (in its own process group, so its kernels stop with it)."""

    def __init__(
        self,
        db_url: str,
        workdir: Path,
        *,
        apps_dir=None,
        extra=None,
        token=None,
        env=None,
        pages=None,
        home=None,
        pools=None,
    ):
        self.apps_dir = Path(apps_dir) if apps_dir else REPO_ROOT / "apps"
        self.log_path = workdir / "voila.log"
        self.process: subprocess.Popen | None = None
        environment = app_environment(db_url)
        environment["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
        environment["JUPYTER_CONFIG_DIR"] = str(workdir / "config")  # no stray user config
        environment.update(env or {})
        for _attempt in range(3):  # a port taken between probing and binding: try another
            self.port = free_port()
            command = voila_command(
                self.apps_dir, self.port, token=token, extra=extra, pages=pages, home=home, pools=pools
            )
            with open(self.log_path, "ab") as log:
                self.process = subprocess.Popen(
                    command,
                    cwd=self.apps_dir.parent,
                    env=environment,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            if self._wait_for_port():
                return
            self.stop()
        raise RuntimeError(f"Voilà did not start; see its log:\n{self.log_tail()}")

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_for_port(self) -> bool:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            if _port_open(self.port):
                return True
            time.sleep(0.2)
        return False

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        try:
            os.killpg(process.pid, signal.SIGTERM)  # the server and the kernels it started
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def voila_server(tmp_path_factory):
    """Factory ``start(db_url, *, apps_dir=None, extra=None, token=None, env=None) -> base URL``."""
    servers: list[VoilaServer] = []

    def start(db_url: str, **options) -> str:
        server = VoilaServer(db_url, tmp_path_factory.mktemp("voila"), **options)
        servers.append(server)
        return server.base_url

    start.servers = servers  # for tests that want the log (server.log_tail())
    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def playwright_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance, chromium_path):
    browser = playwright_instance.chromium.launch(executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def viewport() -> dict:
    """Override in a module for another screen, e.g. a 390×844 phone."""
    return {"width": 1280, "height": 900}


@pytest.fixture
def page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="nl-NL")
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))

    def on_dialog(dialog):
        problems.append(f"unexpected dialog ({dialog.type}): {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()
    assert not problems, "; ".join(problems)


class RequestLog(list):
    """The URLs a page requested, in order; :meth:`off_host` keeps those that left the server."""

    def off_host(self) -> list[str]:
        return [
            u
            for u in self
            if not u.startswith(
                ("http://127.0.0.1:", "https://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:")
            )
        ]


def record_requests(page) -> RequestLog:
    """Every URL ``page`` requests from now on (the log grows as the page loads)."""
    urls = RequestLog()
    page.on("request", lambda request: urls.append(request.url))
    return urls


@pytest.fixture
def page_requests(page) -> RequestLog:
    """Every URL the test's page requests from now on (see ``record_requests``)."""
    return record_requests(page)


def _wait_voila(page, url: str | None = None, selector: str | None = None, timeout_ms: int = RENDER_TIMEOUT_MS):
    """Open ``url`` (optional), wait for Voilà's render and, optionally, for ``selector``."""
    if url is not None:
        page.goto(url, timeout=timeout_ms, wait_until="commit")
    page.wait_for_selector("#loading", state="detached", timeout=timeout_ms)
    _fail_on_voila_error(page)
    if selector is not None:
        page.wait_for_selector(f"{selector}, .voila-error", state="visible", timeout=timeout_ms)
        _fail_on_voila_error(page)
    return page


@pytest.fixture(scope="session")
def wait_voila():
    """The helper ``wait_voila(page, url=None, selector=None, timeout_ms=...)`` (see above)."""
    return _wait_voila


def _fail_on_voila_error(page) -> None:
    errors = page.locator(".voila-error")
    if errors.count():
        pytest.fail(f"Voilà rendered an error: {errors.first.inner_text()[:2000]}", pytrace=False)
