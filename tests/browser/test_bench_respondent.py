"""bench/survey_app.py's protocol respondent stores exactly what a browser respondent stores.

The benchmark's simultaneous phase drives most respondents without a renderer (the requests and
widget messages a browser sends, ``protocol_session``) and a few in Chromium
(``browser_session``). Both answer the same questionnaire here, on one real Voilà serving the
survey side; the database must then hold two identical responses with exactly the planned
answers and comments — so that the benchmark's protocol path is the app's real path.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from verloop.apps.access import SURVEY_HOME, SURVEY_NOTEBOOKS
from verloop.store import Store
from verloop.store.schema import Answer, Comment, Response, Site, Team, Wave
from verloop.surveys.ballots import finalise_wave
from verloop.surveys.tokens import issue_tokens
from verloop.surveys.waves import open_wave, wave_instrument

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
bench = pytest.importorskip("bench.survey_app", reason="bench/survey_app.py is part of the checkout")

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def run_in_thread(coroutine):
    """Run an asyncio coroutine on a thread of its own (the session's sync Playwright owns this
    thread's event loop)."""
    result: dict = {}

    def target():
        try:
            result["value"] = asyncio.run(coroutine)
        except BaseException as exc:  # re-raised in the test
            result["error"] = exc

    thread = threading.Thread(target=target)
    thread.start()
    thread.join(timeout=600)
    if "error" in result:
        raise result["error"]
    return result["value"]


def test_protocol_and_browser_respondents_store_the_same_rows(
    voila_server, tmp_path_factory, chromium_path, monkeypatch
):
    path = tmp_path_factory.mktemp("bench-respondent") / "verloop.db"
    store = Store.open(f"sqlite:///{path}")
    with store.session() as s:
        site = Site(name="Bench site")
        s.add(site)
        s.flush()
        s.add(Team(name="Bench team", site_id=site.id))
    open_wave(store, "pulse", "bench")
    codes = [token.code for token in issue_tokens(store, "bench", "Bench team", 2)]
    with store.session() as s:
        instrument = wave_instrument(s, s.scalar(select(Wave).where(Wave.name == "bench")))
    base = voila_server(store.url, pages=list(SURVEY_NOTEBOOKS), home=SURVEY_HOME)
    links = [f"{base}/voila/render/pulse.ipynb?token={code}" for code in codes]
    plan = bench.plan_for(instrument, seed=3)
    monkeypatch.setattr(bench, "LEAVE_AFTER_S", 0)  # no need to watch the kernel leave here

    async def both():
        from playwright.async_api import async_playwright

        async with async_playwright() as playwright:
            chromium = await playwright.chromium.launch(
                executable_path=chromium_path, headless=True, args=bench.CHROMIUM_ARGS
            )
            try:
                in_browser = await bench.browser_session(chromium, links[0], instrument, plan, 0, bench.Gate(None))
            finally:
                await chromium.close()
        assets = ["/voila/static/voila.js", "/api/kernels/{kernel}"]
        by_protocol = await bench.protocol_session(links[1], instrument, plan, 0, bench.Gate(None), assets)
        return in_browser, by_protocol

    in_browser, by_protocol = run_in_thread(both())
    assert in_browser["ok"], in_browser["error"]
    assert by_protocol["ok"], by_protocol["error"]

    with store.session() as s:
        wave_id = s.scalar(select(Wave.id).where(Wave.name == "bench"))
    finalise_wave(store, wave_id, tidy=False)  # opens the sealed ballots, as closing the wave does
    answers, comments = bench.expected_rows(plan)
    with store.session() as s:
        responses = list(s.scalars(select(Response.id).where(Response.wave_id == wave_id)))
        stored = [
            (
                {a.item_id: a.value for a in s.scalars(select(Answer).where(Answer.response_id == rid))},
                {c.question: c.text for c in s.scalars(select(Comment).where(Comment.response_id == rid))},
            )
            for rid in responses
        ]
    store.dispose()
    assert len(stored) == 2  # one response each: nothing lost, nothing duplicated
    assert stored[0] == stored[1] == (answers, comments)
    assert 0 < len(answers) < len(instrument.items)  # the plan answers most items and skips some
    assert bench.stored(store.url) == {"codes_used": 2, "submissions_stored": 2}
