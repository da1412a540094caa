"""Two survey servers over one PostgreSQL database (issue 12, "Beyond one machine").

Two real survey sides of ``verloop serve`` (``verloop serve --only survey``, each its own Voilà
process on its own loopback port) serve one PostgreSQL database and one key file. Respondents
talk to them exactly as a browser does — the page request (which starts and runs the kernel),
then Jupyter's widget messages over the kernel websocket — without rendering anything, so that a
dozen sessions cost a dozen kernels and not a dozen browsers (tests/browser drives the same
pages in Chromium). At the same time worker processes call :func:`verloop.surveys.submit.submit`
directly for volume.

Checked: every accepted submission is stored exactly once (its unique comment found once after
the wave is finalised), nothing from a refused one; every code is used once — a code sent at
the same moment through both servers is accepted by exactly one of them, the other window
says its answers were NOT saved, and a code already used on one server is refused by the
other with the app's own sentence.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from verloop.store.schema import Answer, Comment, Response, Site, Team, Token, Wave
from verloop.surveys.ballots import finalise_wave, waiting
from verloop.surveys.tokens import issue_tokens
from verloop.surveys.waves import open_wave

ROOT = Path(__file__).resolve().parents[2]
WAVE = "pulse-two-servers"
TEAMS = ("Team Noord", "Team Zuid")
SESSIONS_PER_SERVER = 4  # widget sessions (one kernel each) per server, besides the races
RACES = 2  # codes opened in both servers at once and sent at the same moment
DIRECT_WORKERS, DIRECT_EACH = 3, 15  # processes calling submit() directly, submissions each
START_TIMEOUT_S = 120
STEP_TIMEOUT_S = 120


# -- one respondent, as a browser talks to Voilà ------------------------------------------------
class WidgetSession:
    """A page of the survey side driven through Voilà's own protocol.

    ``open`` requests the page (Voilà starts the kernel and runs the notebook while it answers),
    reads the kernel id from the page, connects to the kernel websocket and asks for every
    widget's state, as the page's widget manager does. Afterwards the kernel's updates keep
    :attr:`models` current; :meth:`update` and :meth:`custom` send what a click sends."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = uuid.uuid4().hex
        self.models: dict[str, dict] = {}  # comm id -> widget state
        self.closed: set[str] = set()
        self.changed = asyncio.Event()
        self.replies: dict[str, dict] = {}  # parent msg id -> reply
        self.socket = None
        self.reader = None

    async def open(self, path: str) -> WidgetSession:
        from tornado.httpclient import AsyncHTTPClient, HTTPRequest
        from tornado.websocket import websocket_connect

        request = HTTPRequest(self.base_url + path, request_timeout=START_TIMEOUT_S, follow_redirects=True)
        client = AsyncHTTPClient(force_instance=True)  # the shared one queues beyond 10 requests
        try:
            page = (await client.fetch(request)).body.decode()
        finally:
            client.close()
        config = re.search(r'<script id="jupyter-config-data" type="application/json">\s*(.*?)\s*</script>', page, re.S)
        assert config, f"no page configuration in the answer to {path}"
        kernel = json.loads(config.group(1))["kernelId"]
        ws_url = self.base_url.replace("http://", "ws://") + f"/api/kernels/{kernel}/channels?session_id={self.session}"
        self.socket = await websocket_connect(ws_url)
        self.reader = asyncio.ensure_future(self._read())
        info = await self.request("comm_info_request", {"target_name": "jupyter.widget"})
        for comm_id in info["content"]["comms"]:
            self.models.setdefault(comm_id, {})
            self._send("comm_msg", {"comm_id": comm_id, "data": {"method": "request_state"}})
        await self.wait(lambda: all(self.models[c] for c in info["content"]["comms"]), "every widget's state")
        return self

    def _send(self, msg_type: str, content: dict) -> str:
        msg_id = uuid.uuid4().hex
        header = {
            "msg_id": msg_id,
            "msg_type": msg_type,
            "username": "respondent",
            "session": self.session,
            "date": dt.datetime.now(dt.UTC).isoformat(),
            "version": "5.3",
        }
        message = {"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell"}
        self.socket.write_message(json.dumps(message))
        return msg_id

    async def request(self, msg_type: str, content: dict) -> dict:
        msg_id = self._send(msg_type, content)
        await self.wait(lambda: msg_id in self.replies, msg_type)
        return self.replies.pop(msg_id)

    async def _read(self) -> None:
        while True:
            raw = await self.socket.read_message()
            if raw is None:
                return
            if isinstance(raw, bytes):  # a message with binary buffers: not used by these widgets
                continue
            message = json.loads(raw)
            kind, content = message["header"]["msg_type"], message["content"]
            if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
                self.models[content["comm_id"]] = dict(content["data"].get("state", {}))
            elif kind == "comm_msg" and content["data"].get("method") in ("update", "echo_update"):
                self.models.setdefault(content["comm_id"], {}).update(content["data"].get("state", {}))
            elif kind == "comm_close":
                self.closed.add(content["comm_id"])
            elif kind.endswith("_reply"):
                self.replies[message["parent_header"].get("msg_id")] = message
            self.changed.set()

    async def wait(self, condition, what: str, timeout: float = STEP_TIMEOUT_S):
        deadline = time.monotonic() + timeout
        while not condition():
            self.changed.clear()
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.base_url}: gave up waiting for {what}")
            with contextlib.suppress(TimeoutError):  # no message within 5 s: check the condition again
                await asyncio.wait_for(self.changed.wait(), min(left, 5))
        return condition()

    def find(self, dom_class: str, *, without: str | None = None) -> list[str]:
        """The live widgets carrying ``dom_class`` (as the page's CSS selector would find them)."""
        return [
            comm
            for comm, state in self.models.items()
            if comm not in self.closed
            and dom_class in state.get("_dom_classes", ())
            and (without is None or without not in state.get("_dom_classes", ()))
        ]

    def one(self, dom_class: str, **options) -> str:
        found = self.find(dom_class, **options)
        assert len(found) == 1, f"{len(found)} widgets with class {dom_class}"
        return found[0]

    def update(self, comm_id: str, **state) -> None:
        self._send("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": state, "buffer_paths": []}})

    def custom(self, comm_id: str, content: dict) -> None:
        self._send("comm_msg", {"comm_id": comm_id, "data": {"method": "custom", "content": content}})

    def close(self) -> None:
        if self.socket is not None:
            self.socket.close()
        if self.reader is not None:
            self.reader.cancel()


class Respondent:
    """One person in the survey app: the code, one answer per item, one comment, Send. Every
    message to the kernel is confirmed by the ``ack`` counter the app bumps when it has handled
    it, as the page's buttons wait for it."""

    def __init__(self, session: WidgetSession, comment: str, seed: int):
        self.s = session
        self.comment = comment
        self.seed = seed
        self.plan: dict[str, int] = {}  # item id -> the value sent

    def _acked(self, css: str, content: dict, what: str, **find):
        comm = self.s.one(css, **find)
        before = self.s.models[comm].get("ack", 0)
        self.s.custom(comm, content)
        return self.s.wait(lambda: self.s.models[comm].get("ack", 0) > before, what)

    @property
    def nav(self) -> dict:
        return self.s.models[self.s.one("verloop-nav")]

    @property
    def message(self) -> str:
        return " ".join(self.s.models[c].get("text", "") for c in self.s.find("verloop-message"))

    async def enter(self, code: str) -> None:
        """Type the code on the page and press Start (the home's Continue, then the survey's Start)."""
        await self.s.wait(lambda: self.s.find("verloop-token"), "the code field")
        if self.s.find("verloop-home-code"):
            await self._acked("verloop-home-code", {"action": "start", "code": code}, "the code checked")
            if not self.s.find("verloop-nav"):
                return  # refused on the home page: the message says why
        await self._acked("verloop-token", {"action": "start", "code": code}, "Start", without="verloop-home-code")

    async def answer_and_stop_at_send(self) -> None:
        """Every scale item answered (a point chosen from the seed), the comment in the first
        open question, page by page up to the page with Send."""
        assert self.nav.get("shown"), f"no question page: {self.message!r}"
        while True:
            for comm in self.s.find("verloop-item"):
                state = self.s.models[comm]
                if "options" in state and "verloop-reason" not in state["_dom_classes"]:
                    points = [value for value, _label, _hint in state["options"] if value != "skip"]
                    item = next(c[len("verloop-item-") :] for c in state["_dom_classes"] if c != "verloop-item")
                    self.plan[item] = points[(len(self.plan) + self.seed) % len(points)]
                    self.s.update(comm, value=self.plan[item])
            for comm in self.s.find("verloop-open")[:1]:
                self.s.update(comm, value=self.comment)
            if "submit" in self.nav.get("shown", []):
                return
            await self._acked("verloop-nav", {"action": "next", "step": self.nav["step"]}, "Next")

    async def send(self) -> str:
        """Press Send: ``"thanks"`` or the message the page shows instead."""
        await self._acked("verloop-nav", {"action": "submit", "step": self.nav["step"]}, "Send")
        return "thanks" if self.s.models[self.s.one("verloop-thanks")].get("value") else self.message


# -- the servers, the volume, the test --------------------------------------------------------
DIRECT_WORKER = """
import os, sys, time
from verloop.store import Store
from verloop.surveys.submit import submit
from verloop.errors import VerloopError

url, go, codes = sys.argv[1], sys.argv[2], sys.argv[3:]
store = Store.open(url)
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.02)
for code in codes:
    comment = "direct " + code
    try:
        submit(store, code, {"engagement_1": 4, "enps_1": 8}, {"stop": comment}, "nl")
        print("accepted", code, flush=True)
    except VerloopError as exc:
        print("refused", code, type(exc).__name__, flush=True)
"""


class SurveyServer:
    """``verloop serve --only survey`` on a free loopback port, in its own process group."""

    def __init__(self, db_url: str, workdir: Path):
        from tests.browser.conftest import free_port

        self.port = free_port()
        workdir.mkdir()
        self.log = workdir / "serve.log"
        env = {
            **os.environ,
            "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
            "JUPYTER_CONFIG_DIR": str(workdir / "config"),
        }
        command = [sys.executable, "-c", "import sys; from verloop.cli import main; sys.exit(main())"]
        command += ["serve", "--only", "survey", "--db", db_url, "--survey-port", str(self.port)]
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait(self) -> None:
        import socket

        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"verloop serve stopped:\n{self.log.read_text()[-3000:]}"
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"nothing listens on {self.url}:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)  # serve, its Voilà and the kernels
            self.process.wait(timeout=30)
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def prepare(store, n: int) -> list[str]:
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        s.add_all([Team(name=name, site_id=site.id) for name in TEAMS])
    open_wave(store, "pulse", WAVE)
    codes = [t.code for t in issue_tokens(store, WAVE, TEAMS[0], n - n // 2)]
    return codes + [t.code for t in issue_tokens(store, WAVE, TEAMS[1], n // 2)]


async def respondent(base_url: str, path: str, code: str, comment: str, seed: int) -> Respondent:
    person = Respondent(await WidgetSession(base_url).open(path), comment, seed)
    await person.enter(code)
    await person.answer_and_stop_at_send()
    return person


def path_for(number: int, code: str) -> str:
    """Half the people type their code on the survey home, half follow the direct pulse link."""
    return "/" if number % 2 else f"/voila/render/pulse.ipynb?token={code}"


async def replayed(base_url: str, path: str, code: str) -> str:
    """What the page says to a code that was already used (through the other server)."""
    person = Respondent(await WidgetSession(base_url).open(path), "replayed", 0)
    await person.enter(code)
    refused = not person.s.find("verloop-nav") or not person.nav.get("shown")
    person.s.close()
    return person.message if refused else "the questions opened"


def connections(store) -> int:
    """Open connections to the test's database, this test process included."""
    with store.engine.connect() as connection:
        query = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        return connection.exec_driver_sql(query).scalar()


def stored_comments(store) -> dict[str, int]:
    with store.session() as s:
        return dict(s.execute(select(Comment.text, func.count()).group_by(Comment.text)).all())


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("store", ["postgresql"], indirect=True)
def test_two_survey_servers_on_one_postgresql_lose_and_duplicate_nothing(store, tmp_path, monkeypatch):
    """Two `verloop serve --only survey` processes, one database, one key file: widget sessions
    on both, the same codes raced through both, direct submissions from worker processes, all
    sent in the same moment; then a used code replayed on the other server."""
    monkeypatch.setenv("VERLOOP_KEY_FILE", str(tmp_path / "verloop.key"))  # one key for every process
    widget_count = 2 * SESSIONS_PER_SERVER
    codes = prepare(store, widget_count + RACES + DIRECT_WORKERS * DIRECT_EACH)
    widget_codes, race_codes = codes[:widget_count], codes[widget_count : widget_count + RACES]
    direct_codes = codes[widget_count + RACES :]
    started = time.monotonic()
    servers = [SurveyServer(store.url, tmp_path / name) for name in ("a", "b")]
    go = tmp_path / "go"
    workers = []
    try:
        for number in range(DIRECT_WORKERS):
            chunk = direct_codes[number * DIRECT_EACH : (number + 1) * DIRECT_EACH]
            workers.append(
                subprocess.Popen(
                    [sys.executable, "-c", DIRECT_WORKER, store.url, str(go), *chunk],
                    cwd=ROOT,
                    env={**os.environ, "PYTHONPATH": str(ROOT)},
                    stdout=subprocess.PIPE,
                    text=True,
                )
            )
        for server in servers:
            server.wait()
        phases = {"servers up": time.monotonic() - started}

        async def wave():
            a, b = (server.url for server in servers)
            people = [
                respondent(url, path_for(n // 2, code), code, f"widget {n} via {url}", n)
                for n, (url, code) in enumerate(zip([a, b] * SESSIONS_PER_SERVER, widget_codes))
            ]
            pairs = [
                respondent(url, path_for(n + side, code), code, f"race {n} via {url}", n)
                for n, code in enumerate(race_codes)
                for side, url in enumerate((a, b))
            ]
            ready = await asyncio.gather(*people, *pairs)
            phases["all on the last page"] = time.monotonic() - started
            phases["database connections"] = connections(store)  # one per kernel that has read
            for worker in workers:
                assert worker.stdout.readline().strip() == "ready"
            go.touch()  # every window waits on its last page, every worker for this file: Send!
            outcomes = await asyncio.gather(*(person.send() for person in ready))
            phases["all sent"] = time.monotonic() - started
            for person in ready:
                person.s.close()
            replays = await asyncio.gather(
                replayed(b, f"/voila/render/pulse.ipynb?token={widget_codes[0]}", widget_codes[0]),  # sent via a
                replayed(a, "/", widget_codes[1]),  # sent via b, typed on a's home page
            )
            return ready, outcomes, replays

        # a loop of its own in a thread: in the full suite Playwright's sync API (browser tests in
        # this process) may still have an event loop running in the main thread
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            ready, outcomes, replays = pool.submit(asyncio.run, wave()).result()
        direct = [
            line.split() for worker in workers for line in worker.communicate(timeout=STEP_TIMEOUT_S)[0].splitlines()
        ]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
        for server in servers:
            server.stop()
    elapsed = time.monotonic() - started

    # every widget window on its own code was thanked
    results = dict(zip((person.comment for person in ready), outcomes))
    assert all(results[person.comment] == "thanks" for person in ready[:widget_count]), results
    # a code sent through both servers at once: accepted by exactly one, the other window says so
    for n in range(RACES):
        pair = [results[person.comment] for person in ready if person.comment.startswith(f"race {n} ")]
        assert sorted(pair, key=lambda outcome: outcome != "thanks")[0] == "thanks", pair
        loser = [outcome for outcome in pair if outcome != "thanks"]
        assert len(loser) == 1 and "NIET opgeslagen" in loser[0], pair
    # a used code is refused by the other server with the app's own sentence
    assert all("al gebruikt" in message for message in replays), replays
    assert [words[0] for words in direct] == ["accepted"] * len(direct_codes), direct

    accepted = [person for person, outcome in zip(ready, outcomes) if outcome == "thanks"]
    expected = {person.comment for person in accepted} | {f"direct {code}" for code in direct_codes}
    assert len(accepted) == widget_count + RACES
    with store.session() as s:
        wave_id = s.scalar(select(Wave.id).where(Wave.name == WAVE))
    finalise_wave(store, wave_id, tidy=False)
    assert waiting(store, wave_id) == 0
    with store.session() as s:
        responses = s.scalar(select(func.count()).select_from(Response))
        used = s.scalar(select(func.count()).select_from(Token).where(Token.used))
        answers_of = {
            text: dict(s.execute(select(Answer.item_id, Answer.value).where(Answer.response_id == response)).all())
            for text, response in s.execute(select(Comment.text, Comment.response_id)).all()
        }
    assert responses == len(expected) == len(codes), "as many responses as accepted submissions"
    assert used == len(codes), "every code used exactly once"
    assert stored_comments(store) == dict.fromkeys(expected, 1), "nothing lost, nothing duplicated, no loser stored"
    for person in accepted:  # what each window chose is what is stored
        assert answers_of[person.comment] == {item: float(value) for item, value in person.plan.items()}
    via = {url: sum(url in person.comment for person in accepted) for url in (servers[0].url, servers[1].url)}
    assert min(via.values()) >= SESSIONS_PER_SERVER, via
    timings = ", ".join(f"{name} {value:.0f}" for name, value in phases.items())
    print(
        f"two servers: {len(expected)} submissions ({len(accepted)} through the apps) in {elapsed:.0f} s (s after start): {timings}"
    )


def test_serve_starts_one_side_only_when_asked_by_its_name():
    """``verloop serve --only`` takes hr or survey; anything else is one sentence, nothing started."""
    from verloop.apps.server import serve_apps
    from verloop.errors import ConfigError

    with pytest.raises(ConfigError, match="--only takes hr or survey; got 'dashboards'"):
        serve_apps("sqlite:///unused.db", only="dashboards")
