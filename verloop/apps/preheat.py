"""A preheated kernel's two moments: waiting for its request, and leaving once its work is done.

**Waiting.** Voilà's preheated pool (``--preheat_kernel``) runs a notebook before anyone asks for
it; the notebook calls :func:`wait_for_request` where it needs the request (the survey code in
``$QUERY_STRING``). This is Voilà's own protocol, the one ``voila.utils.wait_for_request``
speaks (Voilà 0.5): the kernel opens the server's websocket ``voila/query/<kernel id>``, the
server sends the request's variables as one JSON object when a page request takes the kernel,
and they become environment variables. Voilà's helper is not imported because importing
``voila.utils`` loads Jupyter Server, JupyterLab Server and their JSON-schema grammars: about
4 CPU-seconds and 45 MB in *every* pool kernel, more than the survey app itself. Only
``websockets`` (Voilà's own dependency) is used here.

**Leaving.** A survey kernel serves one respondent. After the thank-you page it holds nothing
(the answers are forgotten) but still takes ~70 MB until its tab closes and Voilà's idle cull
runs (5–6 minutes, or never while the tab stays open). :func:`leave_after` ends the kernel a
little later, once the thank-you page has reached the browser: the page stays as it is (its
widgets are already drawn; nothing on it needs the kernel any more). The survey server runs
with ``autorestart`` off (``verloop.apps.server.voila_command``), so Jupyter does not start a
fresh, useless kernel in its place. Only inside a Voilà kernel: tests and notebooks run by
hand never exit.
"""

from __future__ import annotations

import json
import logging
import os
import threading

log = logging.getLogger("verloop.apps.preheat")

# Seconds between the thank-you page and the kernel's exit: the page's last widget messages
# (a few kB) reach the browser in well under a second even on a slow line.
LEAVE_AFTER_S = 15.0
_waited = {"done": False}


def in_voila_kernel() -> bool:
    """True in a kernel Voilà started for a page (preheated or not)."""
    return "VOILA_PREHEAT" in os.environ and "VOILA_SERVER_URL" in os.environ


def query_url() -> str:
    """The server's ``voila/query/<kernel id>`` websocket, as ``voila.utils`` builds it."""
    protocol = os.getenv("VOILA_WS_PROTOCOL", "ws")
    server_ip = os.getenv("VOILA_APP_IP", "127.0.0.1")
    server_port = os.getenv("VOILA_APP_PORT", "8866")
    server_url = os.getenv("VOILA_SERVER_URL", "/")
    ws_base_url = os.getenv("VOILA_WS_BASE_URL", server_url)
    return f"{protocol}://{server_ip}:{server_port}{ws_base_url}voila/query/{os.getenv('VOILA_KERNEL_ID')}"


def wait_for_request(url: str | None = None) -> None:
    """In a kernel from Voilà's pool: block until a page request takes it, then set that
    request's variables (``QUERY_STRING``, ``SCRIPT_NAME``, the ``HTTP_…`` headers of
    ``http_header_envs``) in ``os.environ``. Elsewhere (a kernel started for its request, a
    test, a notebook run by hand) return at once.

    Waits once per kernel, for every part of a page that needs the request (the survey apps,
    ``verloop.accounts.web`` on the HR side): after a request — or after a failed wait, which
    is logged and leaves the page without request variables, as Voilà's own helper does — later
    calls return at once, and so does a call in a kernel that already holds a request's
    ``SCRIPT_NAME``. ``$VOILA_PREHEAT`` is then ``False``, as in a kernel Voilà started for
    its request."""
    if _waited["done"] or os.environ.get("VOILA_PREHEAT") != "True" or os.environ.get("SCRIPT_NAME"):
        return
    from websockets.sync.client import connect

    _waited["done"] = True
    try:
        with connect(url or query_url(), open_timeout=5, max_size=2**20) as websocket:
            info = websocket.recv()
    except Exception as exc:  # as Voilà: no request information, the page renders without it
        log.warning("preheated kernel: no request information (%s)", type(exc).__name__)
        return
    for key, value in json.loads(info).items():
        os.environ[str(key)] = str(value)
    os.environ["VOILA_PREHEAT"] = "False"  # the request is here: nothing waits for it again


def leave_after(seconds: float = LEAVE_AFTER_S, *, close=None) -> threading.Timer | None:
    """In a Voilà kernel, end this kernel ``seconds`` from now (``close`` runs first, e.g. the
    store's ``dispose``); elsewhere do nothing. Returns the timer (tests cancel it)."""
    if not in_voila_kernel():
        return None

    def leave() -> None:
        try:
            if close is not None:
                close()
        except Exception as exc:  # noqa: BLE001 - leaving anyway; the OS closes what is left
            log.warning("finished kernel: closing failed with %s", type(exc).__name__)
        finally:
            logging.shutdown()
            os._exit(0)  # no interpreter teardown: nothing is left to save, only memory to free

    timer = threading.Timer(seconds, leave)
    timer.daemon = True
    timer.start()
    return timer
