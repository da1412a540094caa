"""The survey apps in a real browser: Chromium on a phone-sized screen against a real Voilà.

One Voilà server serves all three apps from one SQLite database for the whole module (the
database logic itself runs on both backends in tests/surveys). Every test clicks through the
app as a respondent would and then reads the database directly.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from verloop.apps.survey import survey_pages
from verloop.store import Store
from verloop.store.schema import Answer, Comment, Response, Site, Team, Wave
from verloop.surveys.submit import submit
from verloop.surveys.tokens import issue_tokens
from verloop.surveys.waves import close_wave, open_wave, wave_instrument

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PHONE = {"width": 390, "height": 844}
WAVES = {"pulse": "2026-03", "exit": "exit-2026", "followup": "followup-2026"}
TEAM = "Team Noord"
PREHEAT_PULSE = [  # one preheated kernel for the pulse app only
    "--preheat_kernel=True",
    "--pool_size=1",
    r"--VoilaKernelManager.preheat_denylist=['^(?!.*pulse\.ipynb).*$']",
]


@pytest.fixture
def viewport():
    return PHONE


@pytest.fixture(scope="module")
def survey_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("survey-db") / "verloop.db"
    store = Store.open(f"sqlite:///{path}")
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        s.add_all([Team(name=TEAM, site_id=site.id), Team(name="Team Zuid", site_id=site.id)])
    for kind, name in WAVES.items():
        open_wave(store, kind, name)
    open_wave(store, "pulse", "closed-wave")
    yield store
    store.dispose()


@pytest.fixture(scope="module")
def base_url(voila_server, survey_store):
    # The first pulse page comes from Voilà's preheated pool (a kernel that waited for its
    # request and reads the token from it); later loads before the pool has refilled, and the
    # exit and follow-up apps, get a kernel started for the request. Both paths are tested.
    return voila_server(survey_store.url, extra=PREHEAT_PULSE)


def new_code(store, kind="pulse", wave=None) -> str:
    return issue_tokens(store, wave or WAVES[kind], TEAM, 1)[0].code


def instrument_of(store, kind):
    with store.session() as s:
        wave = s.scalar(select(Wave).where(Wave.name == WAVES[kind]))
        return wave_instrument(s, wave)


def response_ids(store) -> set[str]:
    with store.session() as s:
        return set(s.scalars(select(Response.id)))


def stored(store, response_id):
    with store.session() as s:
        response = s.get(Response, response_id)
        answers = {a.item_id: a.value for a in s.scalars(select(Answer).where(Answer.response_id == response_id))}
        comments = {c.question: c.text for c in s.scalars(select(Comment).where(Comment.response_id == response_id))}
        team = s.get(Team, response.team_id).name
        wave = s.get(Wave, response.wave_id).name
        return response, answers, comments, team, wave


def answer_plan(instrument, seed: int, every: int = 1) -> dict[str, int | None]:
    """A deterministic mix over the whole range: a value, or None for a click on "skip".
    With ``every`` > 1 only every n-th item is touched (the others are simply left open)."""
    plan = {}
    for index, item in enumerate(instrument.items):
        if index % every:
            continue
        points = list(item.points)
        choice = (index * 7 + seed) % (len(points) + 1)
        plan[item.id] = None if choice == len(points) else points[choice]
    return plan


def fill_and_send(page, instrument, plan, *, reason=None, comments=None):
    """Click through every page as planned; every choice is confirmed by the kernel's count."""
    pages = survey_pages(instrument)
    answered = 0
    label = page.locator(".verloop-progress-label")
    for number, (kind, payload) in enumerate(pages):
        if kind == "reason":
            page.wait_for_selector(".verloop-reason", state="visible")
            buttons = page.locator(".verloop-reason button")
            index = instrument.reason_codes.index(reason) if reason else len(instrument.reason_codes)
            buttons.nth(index).click()
            page.wait_for_selector(f".verloop-reason button.mod-active >> nth=0")
        elif kind == "scale":
            page.wait_for_selector(f".verloop-item-{payload.items[0].id}", state="visible")
            for item in payload.items:
                if item.id not in plan:
                    continue  # left open: skipping without a click
                value = plan[item.id]
                index = len(item.points) if value is None else value - item.min
                page.locator(f".verloop-item-{item.id} button").nth(index).click()
                answered += value is not None
            label.filter(has_text=re.compile(rf"· {answered} ")).wait_for()
        else:
            for question in instrument.open_questions:
                text = (comments or {}).get(question.id)
                if not text:
                    continue
                box = page.locator(f".verloop-open-{question.id} textarea")
                box.fill(text)
                box.press("Tab")  # the value is synced when the box loses focus
                page.locator(f".verloop-count-{question.id}").filter(has_text=f"{len(text)} ").wait_for()
        if number < len(pages) - 1:
            page.click(".verloop-next")
            page.locator(".verloop-progress-label").filter(has_text=re.compile(rf"\b{number + 2} (van|of) {len(pages)}\b")).wait_for()
    page.click(".verloop-submit")
    page.wait_for_selector(".verloop-thanks", state="visible")


def assert_no_horizontal_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_pulse_in_dutch_stores_exactly_the_clicked_values(page, base_url, survey_store, wait_voila):
    code = new_code(survey_store)
    instrument = instrument_of(survey_store, "pulse")
    plan = answer_plan(instrument, seed=1)
    comments = {"stop": "Stoppen met <script>alert('x')</script> & AHT-sturing — “écht” 😀", "start": "Meer coaching 👍"}
    before = response_ids(survey_store)

    wait_voila(page, f"{base_url}/voila/render/pulse.ipynb?token={code}", selector=".verloop-start")
    assert "Hoe gaat het op je werk?" in page.inner_text(".verloop-title")
    assert "anoniem" in page.inner_text(".verloop-privacy")
    assert page.input_value(".verloop-token input") == code
    assert_no_horizontal_scroll(page)
    page.click(".verloop-start")
    page.wait_for_selector(f".verloop-item-{instrument.items[0].id}", state="visible")
    assert_no_horizontal_scroll(page)
    fill_and_send(page, instrument, plan, comments=comments)
    assert "Dank je wel" in page.inner_text(".verloop-thanks")

    (new,) = response_ids(survey_store) - before
    response, answers, texts, team, wave = stored(survey_store, new)
    assert answers == {k: float(v) for k, v in plan.items() if v is not None}
    assert texts == comments  # Unicode and markup kept as text
    assert (response.language, team, wave, response.submitted_on) == ("nl", TEAM, WAVES["pulse"], dt.date.today())
    assert re.fullmatch(r"[0-9a-f]{32}", response.id)


def test_pulse_in_english_after_switching_language(page, base_url, survey_store, wait_voila):
    code = new_code(survey_store)
    instrument = instrument_of(survey_store, "pulse")
    plan = answer_plan(instrument, seed=4, every=3)
    before = response_ids(survey_store)

    wait_voila(page, f"{base_url}/voila/render/pulse.ipynb?token={code}", selector=".verloop-start")
    page.locator(".verloop-lang button", has_text="English").click()
    page.locator(".verloop-title").filter(has_text="How are things at work?").wait_for()
    assert page.inner_text(".verloop-start") == "Start"
    page.click(".verloop-start")
    page.locator(f".verloop-item-{instrument.items[0].id}").filter(has_text=instrument.items[0].text.en).wait_for()
    fill_and_send(page, instrument, plan, comments={"start": "More room to solve problems myself"})
    assert "Thank you" in page.inner_text(".verloop-thanks")

    (new,) = response_ids(survey_store) - before
    response, answers, texts, _team, _wave = stored(survey_store, new)
    assert response.language == "en"
    assert answers == {k: float(v) for k, v in plan.items() if v is not None}
    assert texts == {"start": "More room to solve problems myself"}


def test_used_link_is_refused_on_screen(page, base_url, survey_store, wait_voila):
    code = new_code(survey_store)
    submit(survey_store, code, {"engagement_1": 4}, {}, "nl")
    wait_voila(page, f"{base_url}/voila/render/pulse.ipynb?token={code}", selector=".verloop-message")
    assert "al gebruikt" in page.inner_text(".verloop-message")
    page.click(".verloop-start")  # trying anyway keeps refusing, and shows no question
    page.locator(".verloop-message").filter(has_text="al gebruikt").wait_for()
    assert page.locator(".verloop-item").count() == 0


def test_same_code_in_two_browsers_counts_once(browser, base_url, survey_store, wait_voila):
    code = new_code(survey_store)
    before = response_ids(survey_store)
    contexts = [browser.new_context(viewport=PHONE) for _ in range(2)]
    try:
        pages = [context.new_page() for context in contexts]
        for p in pages:
            p.set_default_timeout(60_000)
            wait_voila(p, f"{base_url}/voila/render/pulse.ipynb?token={code}&lang=en", selector=".verloop-start")
            p.click(".verloop-start")
            p.wait_for_selector(".verloop-item-engagement_1", state="visible")
            p.locator(".verloop-item-engagement_1 button").nth(1).click()
            p.locator(".verloop-progress-label").filter(has_text="· 1 ").wait_for()
        for p in pages:  # jump to the last page of each
            for _ in range(len(survey_pages(instrument_of(survey_store, "pulse"))) - 1):
                p.click(".verloop-next")
            p.wait_for_selector(".verloop-submit", state="visible")
        pages[0].click(".verloop-submit")
        pages[0].wait_for_selector(".verloop-thanks", state="visible")
        pages[1].click(".verloop-submit")
        pages[1].locator(".verloop-message").filter(has_text="already been used").wait_for()
        assert not pages[1].locator(".verloop-thanks").is_visible()
    finally:
        for context in contexts:
            context.close()
    assert len(response_ids(survey_store) - before) == 1


def test_forged_malformed_and_closed_codes_are_refused_on_screen(page, base_url, survey_store, wait_voila):
    closed = issue_tokens(survey_store, "closed-wave", TEAM, 1)[0].code
    close_wave(survey_store, "closed-wave")
    exit_code = new_code(survey_store, "exit")
    wait_voila(page, f"{base_url}/voila/render/pulse.ipynb", selector=".verloop-token")
    assert page.locator(".verloop-message").is_hidden()
    cases = [
        ("", "Vul de code"),
        ("hello", "geen geldige code"),
        ("7KQ2-XM9D-AB12-CD34-EF56", "niet bekend"),
        (closed, "gesloten"),
        (exit_code, "andere vragenlijst"),
        ("<img src=x onerror=alert(1)>", "geen geldige code"),
    ]
    for typed, expected in cases:
        box = page.locator(".verloop-token input")
        box.fill(typed)
        box.press("Enter")
        page.click(".verloop-start")
        page.locator(".verloop-message").filter(has_text=expected).wait_for()
        assert page.locator(".verloop-item").count() == 0
    assert page.locator(".voila-error").count() == 0


@pytest.mark.parametrize("kind, reason", [("exit", "no_mandate"), ("followup", "workload")])
def test_exit_and_followup_apps_submit(page, base_url, survey_store, wait_voila, kind, reason):
    code = new_code(survey_store, kind)
    instrument = instrument_of(survey_store, kind)
    plan = answer_plan(instrument, seed=2, every=3)
    question = instrument.open_questions[0].id
    before = response_ids(survey_store)

    wait_voila(page, f"{base_url}/voila/render/{kind}.ipynb?token={code}", selector=".verloop-start")
    assert instrument.title.nl in page.inner_text(".verloop-title")
    page.click(".verloop-start")
    fill_and_send(page, instrument, plan, reason=reason, comments={question: "Eerlijk gezegd: de roosters."})

    (new,) = response_ids(survey_store) - before
    response, answers, texts, _team, wave = stored(survey_store, new)
    assert (response.reason, wave) == (reason, WAVES[kind])
    assert answers == {k: float(v) for k, v in plan.items() if v is not None}
    assert texts == {question: "Eerlijk gezegd: de roosters."}
