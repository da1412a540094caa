"""Benchmark: the pulse survey app in Chromium against a real Voilà on this machine.

Every server here is started as ``verloop serve`` starts its survey side
(``verloop.apps.server.voila_command`` with the survey notebooks, the survey home at ``/`` and
the preheated pools of ``verloop.apps.server.kernel_pools``), plus ``floor.ipynb``, an empty
notebook: Voilà's own floor, measured in the same run. Prints one JSON object:

* ``cold`` — time to interactive (page requested → the Start button of the rendered app is
  visible) when Voilà starts a kernel for the request (preheating off, ``VERLOOP_PRELOAD=0``,
  or a burst that emptied the pool), against the floor loaded the same way (cold);
* ``preheated`` — the same from the pool ``verloop serve`` keeps (the notebook waits for the
  request's code with Voilà's ``wait_for_request`` protocol), each load after the pool has
  refilled, against the floor from its own pool (one preheated kernel for floor.ipynb); both
  phases also load ``widget_floor.ipynb`` (one ipywidgets HTML, what any widget page pays:
  the widget manager, the kernel websocket) and report the ratio to it;
* ``memory`` — resident (RSS) and unique (USS) memory of each respondent's kernel (found by the
  kernel id in the page) and of the kernels waiting in the pool;
* ``simultaneous`` — for each level, ``--level-runs`` times, that many respondents on a fresh
  server, opening their links ``--arrival-s`` apart (0: all in the same instant), answering the
  first page and then waiting until *all* are open, so that that many sessions are open at
  once (their kernels' memory is taken then); then all answer the other pages (one click per
  item, some "skip", both comments) and send at the same moment. Completed, errors, time to
  interactive, slowest "all at once" finish, responses found in the database, and how many
  respondents' kernels are still alive ``LEAVE_AFTER_S`` + 15 s after the thank-you page; the
  largest level served without any error in every run (target 30). A session that takes more
  than 5 minutes is an error. Two kinds of respondent, figures also given per kind (``by_kind``):

  - ``protocol`` (all but ``--browsers``): what a browser sends, without a renderer — GET the
    page (its HTML carries the kernel id), GET the scripts, styles and the kernel's model that
    Chromium asked for in the load phase of this run (an empty cache: about 100 requests,
    5 MB), open the kernel's websocket as JupyterLab does (v1 subprotocol, ``session_id``),
    ``kernel_info``, the widget states over ipywidgets' control comm (``request_states``), then
    the same widget messages a click sends: ``update`` of an answer's ``value``, the step bar's
    and code field's ``custom`` messages, the text boxes' ``update``; the thank-you page is
    there when the kernel has set its text and gone idle. It costs the server exactly what a
    browser costs it, and this machine almost nothing: 30 headless Chromium renderers on the
    same 2 cores measured the browsers as much as the server (load 10.8, 10 of 30 timed out);
  - ``browser`` (``--browsers``, default 2, spread over the arrivals): Chromium, as before, so
    that the page path — scripts, rendering, the thank-you page that stays after the kernel
    has ended itself — stays proven under the same load. Its times include drawing the page.

  tests/browser/test_bench_respondent.py checks that both kinds store the same rows;
* ``submit`` — per simultaneous level, the p95 of Send → thank-you page over both kinds
  (target ≤ 300 ms);
* ``verdict`` — each target with its numbers and "met" / "not met" (also printed on stderr).

Every timing is the median of ``--runs`` loads (at least 2; fewer makes a ``smoke_run``). A load that fails or times out is
recorded (``failures``), never a crash: the JSON is printed whatever happens, with the load
average at each phase.

    .venv/bin/python bench/survey_app.py
    .venv/bin/python bench/survey_app.py --runs 3 --levels 10,30 --level-runs 2
    .venv/bin/python bench/survey_app.py --runs 2 --levels 10 --level-runs 1   # smoke run
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from verloop.apps.access import SURVEY_HOME, survey_notebooks  # noqa: E402
from verloop.apps.preheat import LEAVE_AFTER_S  # noqa: E402
from verloop.apps.server import app_environment, kernel_pools, voila_command  # noqa: E402

CHROMIUM = os.environ.get("VERLOOP_CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-extensions",
    "--disable-background-networking",
]
TIMEOUT_MS = 300_000
TARGETS = {
    "simultaneous_sessions": 30,
    "tti_ratio_to_floor": 1.5,
    "submit_p95_s": 0.3,
    "kernel_memory_mb": 100,
}
FLOOR = "floor.ipynb"
WIDGET_FLOOR = "widget_floor.ipynb"  # one ipywidgets HTML: what any widget page pays on top
FLOOR_NOTEBOOK = {
    "cells": [],
    "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


WIDGET_FLOOR_NOTEBOOK = {
    **FLOOR_NOTEBOOK,
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "floor",
            "metadata": {},
            "outputs": [],
            "source": "import ipywidgets\nipywidgets.HTML(\"<p class='verloop-floor'>floor</p>\")",
        }
    ],
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def served_pools() -> dict[str, int]:
    """The survey side's preheated kernels as ``verloop serve`` sizes them on this machine, plus
    one for the floor notebook."""
    _hr, survey = kernel_pools([], list(survey_notebooks(ROOT / "apps")))
    return {**survey, FLOOR: 1, WIDGET_FLOOR: 1} if survey else {}


class Server:
    """One Voilà process serving the survey side of apps/ plus the floor notebook, as
    ``verloop serve`` does (own process group: its kernels stop with it). ``pools`` are the
    preheated kernels per notebook (none: every kernel is started for its request)."""

    def __init__(self, db_url: str, workdir: Path, pools: dict[str, int] | None = None):
        self.port = free_port()
        self.pools = dict(pools or {})
        env = app_environment(db_url)
        env["JUPYTER_RUNTIME_DIR"] = str(workdir / "runtime")
        env["JUPYTER_CONFIG_DIR"] = str(workdir / "config")
        self.log = open(workdir / f"voila-{self.port}.log", "ab")
        apps = workdir / "apps"
        if not apps.exists():  # the survey apps plus an empty notebook: the floor
            import shutil

            shutil.copytree(ROOT / "apps", apps)
            (apps / FLOOR).write_text(json.dumps(FLOOR_NOTEBOOK))
            (apps / WIDGET_FLOOR).write_text(json.dumps(WIDGET_FLOOR_NOTEBOOK))
        pages = [*survey_notebooks(apps), FLOOR, WIDGET_FLOOR]
        self.process = subprocess.Popen(
            voila_command(apps, self.port, pages=pages, home=SURVEY_HOME, pools=self.pools),
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"voila exited; see {self.log.name}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("voila did not open its port within 180 s")

    @property
    def pool_size(self) -> int:
        return sum(self.pools.values())

    def link(self, code: str) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/pulse.ipynb?token={code}"

    def floor_link(self) -> str:
        return f"http://127.0.0.1:{self.port}/voila/render/{FLOOR}"

    def kernels(self):
        import psutil

        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.Error:
            return []
        found = []
        for child in children:
            try:
                if "ipykernel" in " ".join(child.cmdline()):
                    found.append(child)
            except psutil.Error:
                pass
        return found

    def kernel_ids(self) -> dict[str, object]:
        """Kernel id (from its connection file ``kernel-<id>.json``) → process."""
        found = {}
        for kernel in self.kernels():
            try:
                line = " ".join(kernel.cmdline())
            except Exception:
                continue
            start = line.rfind("kernel-")
            if start >= 0:
                found[line[start + len("kernel-") :].split(".json")[0]] = kernel
        return found

    def wait_for_kernels(self, count: int, limit_s: float = 300) -> None:
        deadline = time.monotonic() + limit_s
        while len(self.kernels()) < count and time.monotonic() < deadline:
            time.sleep(0.2)

    def wait_idle(self, quiet_s: float = 2.0, limit_s: float = 300.0) -> None:
        """Until server and kernels are (almost) idle: a refilled pool kernel has run the
        notebook up to ``wait_for_request`` and is waiting for its respondent."""
        import psutil

        deadline = time.monotonic() + limit_s
        quiet_since = None
        while time.monotonic() < deadline:
            procs = [psutil.Process(self.process.pid), *self.kernels()]
            for p in procs:
                try:
                    p.cpu_percent(interval=None)
                except psutil.Error:
                    pass
            time.sleep(0.5)
            busy = 0.0
            for p in procs:
                try:
                    busy += p.cpu_percent(interval=None)
                except psutil.Error:
                    pass
            if busy < 5.0:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= quiet_s:
                    return
            else:
                quiet_since = None

    def memory_mb(self, ids: list[str] | None = None) -> dict:
        """RSS / USS of the kernels with these ids (all kernels when None)."""
        import psutil

        by_id = self.kernel_ids()
        chosen = list(by_id.values()) if ids is None else [by_id[i] for i in ids if i in by_id]
        rss, uss = [], []
        for kernel in chosen:
            try:
                info = kernel.memory_full_info()
            except psutil.Error:
                continue
            rss.append(info.rss / 2**20)
            uss.append(info.uss / 2**20)
        return summarise_memory(rss, uss)

    def pool_memory_mb(self, exclude: list[str]) -> dict:
        """The kernels waiting in the pool: every kernel but the respondents' ``exclude``."""
        waiting = [i for i in self.kernel_ids() if i not in set(exclude)]
        return self.memory_mb(waiting)

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()


def cpu_seconds(server: Server) -> dict:
    """CPU-seconds used so far by the Voilà server with its kernels (ended kernels included:
    the server reaps them), by the browser (every other process under this one) and by this
    process itself (the protocol respondents)."""
    import psutil

    def used(process) -> float:
        try:
            times = process.cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system + times.children_user + times.children_system

    try:
        voila = psutil.Process(server.process.pid)
        served = [voila, *voila.children(recursive=True)]
    except psutil.Error:
        served = []
    served_pids = {p.pid for p in served}
    browser = [p for p in psutil.Process().children(recursive=True) if p.pid not in served_pids]
    # the protocol respondents run in this process: if it is busy, they measure themselves
    return {
        "server_and_kernels": sum(map(used, served)),
        "browser": sum(map(used, browser)),
        "bench_process": sum(psutil.Process().cpu_times()[:2]),  # user + system, no children
    }


def summarise_memory(rss: list[float], uss: list[float]) -> dict:
    if not rss:
        return {"kernels": 0}
    return {
        "kernels": len(rss),
        "rss_median_mb": round(statistics.median(rss), 1),
        "rss_max_mb": round(max(rss), 1),
        "uss_median_mb": round(statistics.median(uss), 1),
        "uss_max_mb": round(max(uss), 1),
        "rss_total_mb": round(sum(rss), 1),
    }


async def kernel_id_of(page) -> str | None:
    """The id of the kernel serving ``page`` (Voilà's page configuration)."""
    try:
        return await page.evaluate(
            "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId"
        )
    except Exception:
        return None


def prepare(url: str, tokens: int) -> list[str]:
    from verloop.store import Store
    from verloop.store.schema import Site, Team
    from verloop.surveys.tokens import issue_tokens
    from verloop.surveys.waves import open_wave

    store = Store.open(url)
    with store.session() as s:
        site = Site(name="Bench site")
        s.add(site)
        s.flush()
        s.add(Team(name="Bench team", site_id=site.id))
    open_wave(store, "pulse", "bench")
    codes = [t.code for t in issue_tokens(store, "bench", "Bench team", tokens)]
    store.dispose()
    return codes


def stored(url: str) -> dict:
    """Accepted submissions (codes used) and what holds them (sealed ballots + opened responses:
    each submission is exactly one of the two, docs/anonymity.md)."""
    from sqlalchemy import func, select

    from verloop.store import Store
    from verloop.store.schema import Ballot, Response, Token

    store = Store.open(url, migrate=False)
    with store.session() as s:
        used = s.scalar(select(func.count()).select_from(Token).where(Token.used.is_(True)))
        held = s.scalar(select(func.count()).select_from(Ballot)) + s.scalar(select(func.count()).select_from(Response))
    store.dispose()
    return {"codes_used": int(used), "submissions_stored": int(held)}


def page_assets(link: str, requested: list[tuple[str, str]], kernel_id: str | None) -> list[str]:
    """The paths Chromium asked of the server to show ``link`` (scripts, styles, the kernel's
    model), the page itself and the websocket left out; the page's kernel id becomes
    ``{kernel}``: what a protocol respondent asks for with its own kernel."""
    from urllib.parse import urlsplit

    host = urlsplit(link).netloc
    assets = []
    for method, url in requested:
        parts = urlsplit(url)
        if method != "GET" or parts.scheme not in ("http", "https") or parts.netloc != host or url == link:
            continue
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if kernel_id and kernel_id in path:
            path = path.split("?")[0].replace(kernel_id, "{kernel}")  # the query is a cache buster
        assets.append(path)
    return assets


async def time_to_interactive(browser, link: str) -> dict:
    """Seconds to the Start button (and Start → first question); a failure is a result. Also
    the page's ``assets`` (:func:`page_assets`)."""
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    requested: list[tuple[str, str]] = []
    page.on("request", lambda request: requested.append((request.method, request.url)))
    try:
        start = time.perf_counter()
        await page.goto(link, timeout=TIMEOUT_MS, wait_until="commit")
        await page.wait_for_selector(".verloop-start", state="visible", timeout=TIMEOUT_MS)
        interactive = time.perf_counter() - start
        click = time.perf_counter()
        await page.click(".verloop-start")
        await page.wait_for_selector(".verloop-item-engagement_1", state="visible", timeout=TIMEOUT_MS)
        kernel_id = await kernel_id_of(page)
        return {
            "tti_s": interactive,
            "start_click_s": time.perf_counter() - click,
            "kernel_id": kernel_id,
            "assets": page_assets(link, requested, kernel_id),
        }
    except Exception as exc:
        return {"tti_s": None, "failure": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
    finally:
        await context.close()


async def floor_load(browser, link: str, selector: str | None = None) -> dict:
    """An empty notebook: Voilà's own floor (until #loading is gone); with ``selector``, the
    widget floor (until that widget is visible)."""
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    try:
        start = time.perf_counter()
        await page.goto(link, timeout=TIMEOUT_MS, wait_until="commit")
        await page.wait_for_selector("#loading", state="detached", timeout=TIMEOUT_MS)
        if selector:
            await page.wait_for_selector(selector, state="visible", timeout=TIMEOUT_MS)
        return {"tti_s": time.perf_counter() - start, "kernel_id": await kernel_id_of(page)}
    except Exception as exc:
        return {"tti_s": None, "failure": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}
    finally:
        await context.close()


def summarise(samples: list[dict], floor: list[dict] | None = None) -> dict:
    tti = [s["tti_s"] for s in samples if s.get("tti_s") is not None]
    clicks = [s["start_click_s"] for s in samples if s.get("start_click_s") is not None]
    out = {
        "runs": len(samples),
        "tti_median_s": round(statistics.median(tti), 2) if tti else None,
        "tti_runs_s": [round(v, 2) for v in tti],
        "first_tti_s": round(samples[0]["tti_s"], 2) if samples and samples[0].get("tti_s") else None,
        "start_click_median_ms": round(1000 * statistics.median(clicks), 1) if clicks else None,
        "failures": [s["failure"] for s in samples if s.get("failure")],
    }
    if floor is not None:
        floors = [s["tti_s"] for s in floor if s.get("tti_s") is not None]
        out["floor_median_s"] = round(statistics.median(floors), 2) if floors else None
        out["floor_runs_s"] = [round(v, 2) for v in floors]
        out["ratio_to_floor"] = (
            round(out["tti_median_s"] / out["floor_median_s"], 2)
            if out["tti_median_s"] and out["floor_median_s"]
            else None
        )
        out["failures"] += [s["failure"] for s in floor if s.get("failure")]
    return out


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


class Gate:
    """Holds every session after its first page until all have arrived, then lets them all
    answer the other pages and send at the same moment: that many sessions open
    *simultaneously*. Without a size (``None``) nobody waits."""

    def __init__(self, size: int | None):
        self.size, self.arrived, self.open = size, 0, asyncio.Event()
        self.kernel_ids: list[str] = []
        if not size:
            self.open.set()

    def arrive(self, kernel_id: str | None = None) -> None:
        if kernel_id:
            self.kernel_ids.append(kernel_id)
        self.arrived += 1
        if self.size and self.arrived >= self.size:
            self.open.set()


def plan_for(instrument, seed: int) -> tuple[dict[str, object], dict[str, str]]:
    """One respondent's questionnaire: every item gets one click — a point or "skip", a mix over
    the whole range by ``seed`` — and both open questions a comment (Unicode, markup as text)."""
    from verloop.apps.survey import SKIP

    answers: dict[str, object] = {}
    for index, item in enumerate(instrument.items):
        points = list(item.points)
        choice = (index * 7 + seed) % (len(points) + 1)
        answers[item.id] = SKIP if choice == len(points) else points[choice]
    comments = {q.id: f"Respondent {seed}: <b>meer</b> coaching — “écht” 👍" for q in instrument.open_questions}
    return answers, comments


def expected_rows(plan: tuple[dict, dict]) -> tuple[dict[str, float], dict[str, str]]:
    """What the database must hold for ``plan``: the answered points (skips are not stored)
    and the comments."""
    from verloop.apps.survey import SKIP

    answers, comments = plan
    return {k: float(v) for k, v in answers.items() if v != SKIP}, dict(comments)


def _failure(exc: BaseException) -> dict:
    return {
        "ok": False,
        "tti_s": None,
        "finish_s": None,
        "submit_s": None,
        "error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}",
    }


async def browser_session(browser, link: str, instrument, plan, delay_s: float, gate: Gate) -> dict:
    """A respondent in Chromium: arrive, load, Start, answer page 1, wait for the others, answer
    the other pages (one click per item, the comments typed), Send, see the thank-you page, and
    check that it stays after the kernel has ended itself."""
    from verloop.apps.survey import SKIP, survey_pages

    await asyncio.sleep(delay_s)
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)[:200]))
    answers, comments = plan
    pages = survey_pages(instrument)
    answered = 0

    async def fill(kind, payload) -> None:
        nonlocal answered
        if kind == "scale":
            for item in payload.items:
                value = answers[item.id]
                index = len(item.points) if value == SKIP else list(item.points).index(value)
                await page.locator(f".verloop-item-{item.id} label.vq-option").nth(index).click(timeout=TIMEOUT_MS)
                answered += value != SKIP
            label = page.locator(".verloop-progress-label").filter(has_text=f"· {answered} ")
            await label.wait_for(timeout=TIMEOUT_MS)
        elif kind == "open":
            for question in instrument.open_questions:
                box = page.locator(f".verloop-open-{question.id} textarea")
                await box.fill(comments[question.id], timeout=TIMEOUT_MS)
                await box.press("Tab")  # the value is synced when the box loses focus
                counter = page.locator(f".verloop-count-{question.id}")
                await counter.filter(has_text=f"{len(comments[question.id])} ").wait_for(timeout=TIMEOUT_MS)

    start = time.perf_counter()
    arrived = False
    try:
        await page.goto(link, timeout=TIMEOUT_MS, wait_until="commit")
        await page.wait_for_selector(".verloop-start:visible, .voila-error:visible", timeout=TIMEOUT_MS)
        tti = time.perf_counter() - start
        if await page.locator(".voila-error").count():
            raise RuntimeError("voila-error")
        await page.click(".verloop-start", timeout=TIMEOUT_MS)
        await fill(*pages[0])
        gate.arrive(await kernel_id_of(page))
        arrived = True
        await gate.open.wait()
        send = time.perf_counter()
        for number, (kind, payload) in enumerate(pages[1:], start=2):
            await page.click(".verloop-next", timeout=TIMEOUT_MS)
            label = page.locator(".verloop-progress-label").filter(has_text=f" {number} ")
            await label.first.wait_for(timeout=TIMEOUT_MS)
            await fill(kind, payload)
        submit = time.perf_counter()
        await page.click(".verloop-submit", timeout=TIMEOUT_MS)
        await page.wait_for_selector(".verloop-thanks:visible, .verloop-message:visible", timeout=TIMEOUT_MS)
        thanked = time.perf_counter()
        if not await page.locator(".verloop-thanks").is_visible():
            raise RuntimeError("message: " + (await page.inner_text(".verloop-message"))[:200])
        # the thank-you page stays as it is after the kernel has ended itself
        await asyncio.sleep(LEAVE_AFTER_S + 5)
        thanks_kept = (
            await page.locator(".verloop-thanks").is_visible() and not await page.locator(".voila-error").count()
        )
        return {
            "ok": not problems and thanks_kept,
            "tti_s": tti,
            "finish_s": thanked - send,
            "submit_s": thanked - submit,
            "error": "; ".join(problems) or (None if thanks_kept else "thank-you page gone"),
        }
    except Exception as exc:  # a failed session is a result, not a crash of the benchmark
        return _failure(exc)
    finally:
        if not arrived:
            gate.arrive()
        await context.close()


WS_PROTOCOL = "v1.kernel.websocket.jupyter.org"  # what JupyterLab's KernelConnection asks for


class KernelChannel:
    """A kernel's websocket ``/api/kernels/<id>/channels`` spoken as the page's JupyterLab
    ``KernelConnection`` and the widget manager speak it (Jupyter Server's v1 binary subprotocol,
    a ``session_id`` per page): requests on the shell channel, the widget models the kernel
    opens and updates (``models``: comm id → state), and for each request the moment the kernel
    went idle after it — i.e. every reply to it has been sent — and how long the kernel itself
    was busy with it (:meth:`kernel_seconds`, from the kernel's own busy / idle timestamps)."""

    def __init__(self, websocket, session: str):
        self.websocket, self.session = websocket, session
        self.models: dict[str, dict] = {}
        self.received = 0  # messages from the kernel (through the server)
        self._idle: dict[str, asyncio.Event] = {}
        self._status: dict[str, dict[str, str]] = {}  # request id → {"busy": date, "idle": date}
        self._states = asyncio.Event()
        self.reader = asyncio.create_task(self._read())

    def _message(self, msg_type: str, content: dict, metadata: dict | None = None) -> dict:
        import uuid

        header = {
            "msg_id": uuid.uuid4().hex,
            "username": "",
            "session": self.session,
            "msg_type": msg_type,
            "version": "5.3",
            "date": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        }
        return {"header": header, "parent_header": {}, "metadata": metadata or {}, "content": content}

    async def send(self, msg_type: str, content: dict, metadata: dict | None = None) -> tuple[str, asyncio.Event]:
        """Send on the shell channel: the request's id and an event set once the kernel is idle
        after it."""
        from jupyter_server.services.kernels.connection.base import serialize_msg_to_ws_v1

        message = self._message(msg_type, content, metadata)
        msg_id = message["header"]["msg_id"]
        done = self._idle[msg_id] = asyncio.Event()
        await self.websocket.send(serialize_msg_to_ws_v1(message, "shell", pack=lambda part: json.dumps(part).encode()))
        return msg_id, done

    def kernel_seconds(self, msg_id: str) -> float | None:
        """Seconds the kernel was busy with request ``msg_id`` (its status busy → idle)."""
        import datetime as dt

        status = self._status.get(msg_id, {})
        if "busy" not in status or "idle" not in status:
            return None
        busy, idle = (dt.datetime.fromisoformat(status[key].replace("Z", "+00:00")) for key in ("busy", "idle"))
        return (idle - busy).total_seconds()

    async def request(self, msg_type: str, content: dict, metadata: dict | None = None) -> None:
        _msg_id, done = await self.send(msg_type, content, metadata)
        await asyncio.wait_for(done.wait(), TIMEOUT_MS / 1000)

    async def comm(self, comm_id: str, data: dict, *, wait: bool = True) -> str:
        """A widget message (``update`` of a value, ``custom`` for a button) as the browser's
        widget manager sends it; returns its id."""
        msg_id, done = await self.send("comm_msg", {"comm_id": comm_id, "data": data})
        if wait:
            await asyncio.wait_for(done.wait(), TIMEOUT_MS / 1000)
        return msg_id

    async def load_widgets(self) -> None:
        """What ipywidgets 8's manager does first: open a ``jupyter.widget.control`` comm, ask
        for every widget's state (``request_states``), close the control comm."""
        import uuid

        control = uuid.uuid4().hex
        await self.send(
            "comm_open",
            {"comm_id": control, "target_name": "jupyter.widget.control", "data": {}},
            {"version": "1.0.0"},
        )
        await self.send("comm_msg", {"comm_id": control, "data": {"method": "request_states"}})
        await asyncio.wait_for(self._states.wait(), TIMEOUT_MS / 1000)
        await self.send("comm_close", {"comm_id": control, "data": {}})

    def find(self, css_class: str) -> tuple[str, dict] | None:
        """The (last opened) widget model carrying ``css_class``."""
        found = None
        for comm_id, state in self.models.items():
            if css_class in (state.get("_dom_classes") or ()):
                found = (comm_id, state)
        return found

    def need(self, css_class: str) -> tuple[str, dict]:
        """:meth:`find`, or an error quoting the app's message (a refused code, a failure)."""
        found = self.find(css_class)
        if found is None:
            message = (self.find("verloop-message") or ("", {}))[1].get("text") or ""
            raise RuntimeError(f"no {css_class} on the page; message: {message[:200]!r}")
        return found

    async def _read(self) -> None:
        from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1
        from websockets.exceptions import ConnectionClosed

        try:
            async for raw in self.websocket:
                self._dispatch(raw, deserialize_msg_from_ws_v1)
        except ConnectionClosed:  # the kernel has ended itself after the thank-you page
            return

    def _dispatch(self, raw, deserialize_msg_from_ws_v1) -> None:
        """One message from the kernel: request status, widget models opened, updated, closed."""
        if not isinstance(raw, bytes):
            return
        _channel, parts = deserialize_msg_from_ws_v1(raw)
        self.received += 1
        header, parent, _metadata, content = (json.loads(part) for part in parts[:4])
        kind = header.get("msg_type")
        if kind == "status" and parent.get("msg_id") in self._idle:
            state = content.get("execution_state")
            self._status.setdefault(parent["msg_id"], {})[state] = header.get("date", "")
            if state == "idle":
                self._idle[parent["msg_id"]].set()
        elif kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self.models[content["comm_id"]] = dict((content.get("data") or {}).get("state") or {})
        elif kind == "comm_msg":
            data = content.get("data") or {}
            if data.get("method") == "update_states":
                self.models.update({key: dict(value["state"]) for key, value in data["states"].items()})
                self._states.set()
            elif data.get("method") in ("update", "echo_update") and content.get("comm_id") in self.models:
                self.models[content["comm_id"]].update(data.get("state") or {})
        elif kind == "comm_close":
            self.models.pop(content.get("comm_id"), None)


async def fetch_assets(client, assets: list[str], base: str, kernel_id: str) -> None:
    """The page's scripts, styles and its kernel's model (``{kernel}``) as a browser with an empty
    cache asks for them, six at a time (a browser's connections per host)."""
    limit = asyncio.Semaphore(6)

    async def one(path: str) -> None:
        async with limit:
            (await client.get(base + path.replace("{kernel}", kernel_id))).raise_for_status()

    await asyncio.gather(*(one(path) for path in assets))


async def protocol_session(link: str, instrument, plan, delay_s: float, gate: Gate, assets: list[str]) -> dict:
    """A respondent without a renderer: the requests and widget messages a browser sends, in
    the same order, waiting for the kernel's replies where the browser waits for them.

    GET the page (its HTML carries the kernel id), GET its assets (``assets``: what Chromium
    asked for in the load phase of this run), open the kernel's websocket, ``kernel_info`` and
    the widget states (the Start button is interactive then: TTI), Start (``custom``
    ``{"action": "start"}`` with the code from the link, as the code field sends it), one
    ``update`` of ``value`` per answer, Next (``custom`` ``{"action": "next", "step"}``, the
    step bar's message), the comments as ``update`` of the text boxes, Send; the thank-you
    page is there when the kernel has set the thank-you text and gone idle. The websocket stays
    open as long as the browser's page does."""
    import uuid
    from urllib.parse import urlsplit

    import httpx
    from websockets.asyncio.client import connect

    from verloop.apps.survey import survey_pages

    await asyncio.sleep(delay_s)
    answers, comments = plan
    pages = survey_pages(instrument)
    parts = urlsplit(link)
    base = f"{parts.scheme}://{parts.netloc}"
    arrived = False
    start = time.perf_counter()
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT_MS / 1000) as client:
            response = await client.get(link)
            response.raise_for_status()
            config = re.search(
                r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', response.text, re.S
            )
            if config is None or "voila-error" in response.text:
                raise RuntimeError("voila-error")
            kernel_id = json.loads(config.group(1))["kernelId"]
            await fetch_assets(client, assets, base, kernel_id)
        session = uuid.uuid4().hex
        url = f"ws://{parts.netloc}/api/kernels/{kernel_id}/channels?session_id={session}"
        async with connect(url, subprotocols=[WS_PROTOCOL], max_size=2**26, open_timeout=TIMEOUT_MS / 1000) as ws:
            channel = KernelChannel(ws, session)
            try:
                await channel.request("kernel_info_request", {})
                await channel.load_widgets()
                code_entry = channel.need("verloop-token")
                tti = time.perf_counter() - start
                nav_id = channel.need("verloop-nav")[0]

                async def next_step(action: str) -> str:
                    step = channel.models[nav_id].get("step")
                    return await channel.comm(nav_id, {"method": "custom", "content": {"action": action, "step": step}})

                async def fill(kind, payload) -> None:
                    if kind == "scale":
                        for item in payload.items:
                            comm_id, _state = channel.need(f"verloop-item-{item.id}")
                            update = {"method": "update", "state": {"value": answers[item.id]}, "buffer_paths": []}
                            await channel.comm(comm_id, update, wait=False)
                    elif kind == "open":
                        for question in instrument.open_questions:
                            comm_id, _state = channel.need(f"verloop-open-{question.id}")
                            update = {"method": "update", "state": {"value": comments[question.id]}, "buffer_paths": []}
                            await channel.comm(comm_id, update, wait=False)

                start_message = {"action": "start", "code": code_entry[1].get("value", "")}
                await channel.comm(code_entry[0], {"method": "custom", "content": start_message})
                await fill(*pages[0])
                gate.arrive(kernel_id)
                arrived = True
                await gate.open.wait()
                send = time.perf_counter()
                for kind, payload in pages[1:]:
                    await next_step("next")
                    await fill(kind, payload)
                submit, before = time.perf_counter(), channel.received
                submit_id = await next_step("submit")
                thanked, submit_messages = time.perf_counter(), channel.received - before
                thanks = channel.find("verloop-thanks")
                if thanks is None or "<h2" not in (thanks[1].get("value") or ""):
                    message = channel.find("verloop-message")
                    raise RuntimeError(
                        "message: " + ((message[1].get("text") if message else "") or "no thank-you")[:200]
                    )
                await asyncio.sleep(LEAVE_AFTER_S + 5)  # the page stays open, as the browser's does
            finally:
                channel.reader.cancel()
        return {
            "ok": True,
            "tti_s": tti,
            "finish_s": thanked - send,
            "submit_s": thanked - submit,
            "messages": channel.received,
            "submit_messages": submit_messages,
            "submit_kernel_s": channel.kernel_seconds(submit_id),
            "error": None,
        }
    except Exception as exc:  # a failed session is a result, not a crash of the benchmark
        return _failure(exc)
    finally:
        if not arrived:
            gate.arrive()


async def load_phase(browser, server: Server, codes: list[str], runs: int) -> dict:
    """``runs`` floor loads and survey loads, each after the pool (if any) is full and idle."""
    samples, floor, widget_floor, sessions = [], [], [], []
    for _ in range(runs):
        if server.pool_size:
            server.wait_for_kernels(server.pool_size + len(sessions))
            server.wait_idle()
        link = server.floor_link().replace(FLOOR, WIDGET_FLOOR)
        widget_floor.append(await floor_load(browser, link, ".verloop-floor"))
        if widget_floor[-1].get("kernel_id"):
            sessions.append(widget_floor[-1]["kernel_id"])
        if server.pool_size:
            server.wait_for_kernels(server.pool_size + len(sessions))
            server.wait_idle()  # pool kernels have run their notebook up to the request
        floor.append(await floor_load(browser, server.floor_link()))
        if floor[-1].get("kernel_id"):
            sessions.append(floor[-1]["kernel_id"])
        if server.pool_size:
            server.wait_for_kernels(server.pool_size + len(sessions))
            server.wait_idle()
        samples.append(await time_to_interactive(browser, server.link(codes.pop())))
        if samples[-1].get("kernel_id"):
            sessions.append(samples[-1]["kernel_id"])
    out = summarise(samples, floor)
    widget = summarise(widget_floor)
    out["widget_floor_median_s"] = widget["tti_median_s"]
    out["widget_floor_runs_s"] = widget["tti_runs_s"]
    out["ratio_to_widget_floor"] = (
        round(out["tti_median_s"] / widget["tti_median_s"], 2)
        if out["tti_median_s"] and widget["tti_median_s"]
        else None
    )
    out["failures"] += widget["failures"]
    out["assets"] = next((s["assets"] for s in samples if s.get("assets")), [])
    respondents = [s["kernel_id"] for s in samples if s.get("kernel_id")]
    out["memory"] = {"respondent_kernels": server.memory_mb(respondents)}
    if server.pool_size:
        out["memory"]["waiting_pool_kernels"] = server.pool_memory_mb(sessions)
    return out


def session_kinds(level: int, browsers: int) -> list[str]:
    """Which respondents of a level run in Chromium ("browser", spread over the arrival order)
    and which speak the protocol ("protocol")."""
    count = max(0, min(browsers, level))
    chosen = {round(i * level / count) for i in range(count)} if count else set()
    return ["browser" if i in chosen else "protocol" for i in range(level)]


def session_figures(results: list[dict]) -> dict:
    ok = [r for r in results if r["ok"]]
    ttis = sorted(r["tti_s"] for r in ok)
    submits = [r["submit_s"] for r in results if r.get("submit_s") is not None]
    # protocol respondents: how much of Send → thank-you the kernel itself was busy
    in_kernel = [r["submit_kernel_s"] for r in results if r.get("submit_kernel_s") is not None]
    return {
        "sessions": len(results),
        "completed": len(ok),
        "errors": len(results) - len(ok),
        "tti_median_s": round(statistics.median(ttis), 2) if ttis else None,
        "tti_max_s": round(ttis[-1], 2) if ttis else None,
        "submit_p95_s": round(p95(submits), 3) if submits else None,
        "submit_median_s": round(statistics.median(submits), 3) if submits else None,
        **(
            {
                "submit_in_kernel_median_s": round(statistics.median(in_kernel), 3),
                "submit_in_kernel_p95_s": round(p95(in_kernel), 3),
            }
            if in_kernel
            else {}
        ),
    }


async def simultaneous_run(
    browser, url: str, work: Path, pools: dict, codes: list[str], level: int, args, instrument, assets: list[str]
) -> dict:
    entry: dict = {"load_average_start": load_average()}
    kinds = session_kinds(level, args.browsers)
    try:
        before = stored(url)
        server = Server(url, work, pools)
        try:
            if server.pool_size:
                server.wait_for_kernels(server.pool_size)
                server.wait_idle()
            gate = Gate(level)
            batch = [codes.pop() for _ in range(level)]
            memory: dict = {}

            async def take_memory():
                await gate.open.wait()
                memory.update(server.memory_mb(list(gate.kernel_ids)))

            def respondent(i: int, code: str):
                plan = plan_for(instrument, i)
                if kinds[i] == "browser":
                    return browser_session(browser, server.link(code), instrument, plan, i * args.arrival_s, gate)
                return protocol_session(server.link(code), instrument, plan, i * args.arrival_s, gate, assets)

            cpu_before = cpu_seconds(server)
            started = time.perf_counter()
            results, _ = await asyncio.gather(
                asyncio.gather(*(respondent(i, c) for i, c in enumerate(batch))), take_memory()
            )
            wall = time.perf_counter() - started
            await asyncio.sleep(10)  # every thank-you page is LEAVE_AFTER_S + 15 s old by now
            left = len([i for i in gate.kernel_ids if i in server.kernel_ids()])
            cpu_after = cpu_seconds(server)
        finally:
            server.stop()
    except Exception as exc:
        entry.update(
            {"completed": 0, "errors": level, "failure": f"{type(exc).__name__}: {str(exc)[:300]}", "stored": None}
        )
        return entry
    after = stored(url)
    everyone = session_figures(results)
    finishes = sorted(r["finish_s"] for r in results if r["ok"])
    entry.update(
        {
            **{key: everyone[key] for key in ("completed", "errors")},
            "first_errors": [f"{kind}: {r['error']}" for kind, r in zip(kinds, results) if not r["ok"]][:3],
            "codes_used": after["codes_used"] - before["codes_used"],
            "submissions_stored": after["submissions_stored"] - before["submissions_stored"],
            "wall_s": round(wall, 1),
            **{key: everyone[key] for key in ("tti_median_s", "tti_max_s", "submit_p95_s", "submit_median_s")},
            "by_kind": {
                kind: session_figures([r for k, r in zip(kinds, results) if k == kind]) for kind in sorted(set(kinds))
            },
            "all_at_once_to_thanks_max_s": round(finishes[-1], 1) if finishes else None,
            "kernels_open_at_once": memory,
            "respondent_kernels_alive_after_thanks": left,
            "cpu_seconds": {key: round(cpu_after[key] - cpu_before[key], 1) for key in cpu_before},
            "load_average_end": load_average(),
        }
    )
    return entry


def median_of(values: list) -> float | None:
    values = [v for v in values if v is not None]
    return round(statistics.median(values), 3) if values else None


async def run(args, report: dict) -> dict:
    """Fills ``report`` phase by phase (what was measured survives a later failure)."""
    from playwright.async_api import async_playwright

    from verloop.surveys.instruments import load_instrument

    instrument = load_instrument("pulse")
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    pools = served_pools()
    report["pools"] = pools
    with tempfile.TemporaryDirectory(prefix="verloop-bench-app-") as folder:
        work = Path(folder)
        url = f"sqlite:///{work / 'survey.db'}"
        codes = prepare(url, 2 * args.runs + 2 + args.level_runs * sum(levels))
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                for phase, phase_pools in (("cold", {}), ("preheated", pools)):
                    log(f"{phase} loads…")
                    report["load_average"][phase] = load_average()
                    try:
                        server = Server(url, work, phase_pools)
                        try:
                            report[phase] = await load_phase(browser, server, codes, args.runs)
                        finally:
                            server.stop()
                    except Exception as exc:
                        report[phase] = {"failure": f"{type(exc).__name__}: {str(exc)[:300]}"}
                    report["load_average"][phase + "_end"] = load_average()

                # what a protocol respondent fetches: the assets Chromium asked for in this run
                assets = next((report[p].pop("assets") for p in ("preheated", "cold") if report[p].get("assets")), [])
                for phase in ("cold", "preheated"):
                    report[phase].pop("assets", None)
                report["page_assets"] = len(assets)
                report["simultaneous"] = []
                report["arrival_interval_s"] = args.arrival_s
                report["simultaneous_pools"] = pools if args.preheat else {}
                for level in levels:
                    level_runs = []
                    for n in range(args.level_runs):
                        log(f"{level} simultaneous sessions, run {n + 1}…")
                        level_runs.append(
                            await simultaneous_run(
                                browser,
                                url,
                                work,
                                pools if args.preheat else {},
                                codes,
                                level,
                                args,
                                instrument,
                                assets,
                            )
                        )
                    report["simultaneous"].append(
                        {
                            "sessions": level,
                            "runs": level_runs,
                            "errors_max": max(r.get("errors", level) for r in level_runs),
                            "all_stored": all(
                                r.get("submissions_stored") == r.get("completed") == level
                                and r.get("codes_used") == level
                                for r in level_runs
                            ),
                            "submit_p95_median_s": median_of([r.get("submit_p95_s") for r in level_runs]),
                            "tti_median_s": median_of([r.get("tti_median_s") for r in level_runs]),
                            "tti_max_median_s": median_of([r.get("tti_max_s") for r in level_runs]),
                            "kernel_uss_median_mb": median_of(
                                [(r.get("kernels_open_at_once") or {}).get("uss_median_mb") for r in level_runs]
                            ),
                            "kernel_rss_median_mb": median_of(
                                [(r.get("kernels_open_at_once") or {}).get("rss_median_mb") for r in level_runs]
                            ),
                            "respondent_kernels_alive_after_thanks": [
                                r.get("respondent_kernels_alive_after_thanks") for r in level_runs
                            ],
                        }
                    )
            finally:
                await browser.close()
    return report


def verdict(report: dict) -> None:
    """Each target with its numbers, "met" or "not met" (a missing figure is "not met")."""
    rows = []

    def row(name: str, value, limit, met: bool, detail: str) -> None:
        rows.append({"target": name, "value": value, "limit": limit, "met": bool(met), "detail": detail})

    simultaneous = report.get("simultaneous", [])
    clean = [x["sessions"] for x in simultaneous if x.get("errors_max") == 0 and x.get("all_stored")]
    report["max_simultaneous_without_error"] = max(clean) if clean else 0
    goal = TARGETS["simultaneous_sessions"]
    row(
        f"{goal} simultaneous respondents, no error, every answer stored once",
        report["max_simultaneous_without_error"],
        goal,
        report["max_simultaneous_without_error"] >= goal,
        "largest level with 0 errors in every run: "
        + ", ".join(f"{x['sessions']}: errors {[r.get('errors') for r in x['runs']]}" for x in simultaneous),
    )
    at_goal = next((x for x in simultaneous if x["sessions"] == goal), {})
    p95_s = at_goal.get("submit_p95_median_s")
    row(
        f"p95 Send → thank-you at {goal} simultaneous ≤ {TARGETS['submit_p95_s']} s",
        p95_s,
        TARGETS["submit_p95_s"],
        p95_s is not None and p95_s <= TARGETS["submit_p95_s"],
        f"median of runs {[r.get('submit_p95_s') for r in at_goal.get('runs', [])]}",
    )
    for phase in ("preheated", "cold"):
        data = report.get(phase) or {}
        ratio = data.get("ratio_to_floor")
        row(
            f"{phase} time to interactive ≤ {TARGETS['tti_ratio_to_floor']} × {phase} floor",
            ratio,
            TARGETS["tti_ratio_to_floor"],
            ratio is not None and ratio <= TARGETS["tti_ratio_to_floor"],
            f"survey {data.get('tti_median_s')} s / floor {data.get('floor_median_s')} s"
            + (" (as `verloop serve` runs)" if phase == "preheated" else " (no pool, or a burst that emptied it)"),
        )
    memory = ((report.get("preheated") or {}).get("memory") or {}).get("respondent_kernels") or {}
    at_once = at_goal.get("kernel_uss_median_mb")
    uss = [v for v in (memory.get("uss_max_mb"), at_once) if v is not None]
    row(
        f"memory per survey kernel ≤ {TARGETS['kernel_memory_mb']} MB (USS)",
        max(uss) if uss else None,
        TARGETS["kernel_memory_mb"],
        bool(uss) and max(uss) <= TARGETS["kernel_memory_mb"],
        f"respondent kernel USS max {memory.get('uss_max_mb')} MB, RSS max {memory.get('rss_max_mb')} MB; "
        f"{goal} open at once: USS median {at_once} MB, RSS median {at_goal.get('kernel_rss_median_mb')} MB",
    )
    report["verdict"] = rows
    report["unmet"] = [f"{r['target']}: {r['value']} ({r['detail']})" for r in rows if not r["met"]]
    report["meets_targets"] = not report["unmet"]
    log(f"load average: {report.get('load_average')}")
    for phase in ("cold", "preheated"):
        data = report.get(phase) or {}
        log(
            f"{phase}: survey {data.get('tti_median_s')} s, floor {data.get('floor_median_s')} s, "
            f"ratio {data.get('ratio_to_floor')}; one-widget floor {data.get('widget_floor_median_s')} s, "
            f"ratio {data.get('ratio_to_widget_floor')}"
        )
    for r in rows:
        log(f"{'met    ' if r['met'] else 'NOT MET'}  {r['target']}: {r['value']} — {r['detail']}")


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _stop(signum, frame):
    raise KeyboardInterrupt(f"stopped by signal {signum}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="page loads for the cold and preheated timings (2 or more; 1 is a smoke run)",
    )
    parser.add_argument("--levels", default="10,20,30,40", help="simultaneous sessions to try, comma-separated")
    parser.add_argument(
        "--level-runs", type=int, default=2, help="runs per simultaneous level (2 or more; 1 is a smoke run)"
    )
    parser.add_argument(
        "--arrival-s",
        type=float,
        default=2.0,
        help="seconds between respondents opening their link (0 = all in the same instant)",
    )
    parser.add_argument(
        "--browsers",
        type=int,
        default=2,
        help="respondents per simultaneous level that run in Chromium (the others speak the protocol)",
    )
    parser.add_argument(
        "--no-preheat",
        dest="preheat",
        action="store_false",
        help="serve the simultaneous sessions without a pool (default: the pools `verloop serve` keeps)",
    )
    args = parser.parse_args(argv)
    if args.runs < 1 or args.level_runs < 1:
        parser.error("--runs and --level-runs must be at least 1")
    signal.signal(signal.SIGTERM, _stop)  # a timeout or kill still prints what was measured
    report: dict = {
        "benchmark": "survey_app",
        "cpus": os.cpu_count(),
        "nice": os.nice(0),
        "targets": TARGETS,
        "viewport": "390x844",
        "runs": args.runs,
        "level_runs": args.level_runs,
        # every figure of a real run is a median of at least two; fewer is a smoke run
        "smoke_run": args.runs < 2 or args.level_runs < 2,
        "browsers_per_level": args.browsers,
        "leave_after_thanks_s": LEAVE_AFTER_S,
        "load_average": {"start": load_average()},
    }
    try:
        asyncio.run(run(args, report))
    except BaseException as exc:  # whatever happens, what was measured is printed
        report["failure"] = f"{type(exc).__name__}: {str(exc)[:300]}"
        if not isinstance(exc, (Exception, KeyboardInterrupt)):
            raise
    finally:
        report["load_average"]["end"] = load_average()
        verdict(report)
        print(json.dumps(report, indent=2, default=str))
    return 0 if "failure" not in report else 1


if __name__ == "__main__":
    sys.exit(main())
