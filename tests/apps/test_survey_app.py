"""The survey app's logic without a browser: flow, languages, refusals, and no leaks on errors.

The widgets are driven the way the browser drives them (setting values, clicking buttons);
tests/browser/test_survey_apps.py does the same through Chromium against a real Voilà.
"""

from __future__ import annotations

import datetime as dt
import html
import logging

import pytest
from sqlalchemy import func, select

from verloop.apps.survey import SKIP, SurveyApp, build_survey_app, query_parameters, survey_pages
from verloop.errors import StoreError
from verloop.store.schema import Answer, Comment, Response, Site, Team
from verloop.store.settings import update_settings
from verloop.surveys.tokens import issue_tokens
from verloop.surveys.waves import open_wave

TODAY = dt.date(2026, 3, 2)


@pytest.fixture
def survey(store):
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        s.add(Team(name="Team Noord", site_id=site.id))
    for kind in ("pulse", "exit"):
        open_wave(store, kind, f"{kind}-w1", opens=TODAY, today=TODAY)

    def code(kind="pulse"):
        return issue_tokens(store, f"{kind}-w1", "Team Noord", 1, today=TODAY)[0].code

    return store, code


def make(store, kind="pulse", **options) -> SurveyApp:
    return SurveyApp(kind, store=store, today=TODAY, **options)


def visible(widget) -> bool:
    return widget.layout.display != "none"


def buttons_of(app, item_id):
    """The radio group (ChoiceGroup) of an item on the current page."""
    for box in app.page_box.children:
        if f"verloop-item-{item_id}" in box._dom_classes:
            return box
    raise AssertionError(f"{item_id} is not on page {app.page}")


def open_ballots(store):
    """Open every sealed ballot (as closing the waves would) so that the answers can be read."""
    from verloop.store.schema import Wave
    from verloop.surveys.ballots import finalise_wave

    with store.session() as s:
        wave_ids = list(s.scalars(select(Wave.id)))
    for wave_id in wave_ids:
        finalise_wave(store, wave_id, tidy=False)


def start(app, code=None):
    """Enter / Start in the code field, as the browser sends it."""
    app._on_code_message({"action": "start", "code": app.code_entry.value if code is None else code})


def click(app, action):
    """A click on Back / Next / Send made on the step shown now."""
    app._on_nav_message({"action": action, "step": app.step})


def test_query_string_gives_token_and_language():
    assert query_parameters("token=AB12-CD34&lang=en&x=1") == {"token": "AB12-CD34", "lang": "en"}
    assert query_parameters("") == {}
    assert query_parameters("token=%3Cscript%3E") == {"token": "<script>"}


def test_full_pulse_flow_stores_the_answers(survey):
    store, code = survey
    token = code()
    app = make(store, query_string=f"token={token}")
    assert visible(app.welcome) and not visible(app.questions) and not app.message.text
    assert app.code_entry.value == token
    start(app)
    assert visible(app.questions) and app.page == 0
    pages = survey_pages(app.instrument)
    assert [kind for kind, _ in pages][-1] == "open"
    buttons_of(app, "engagement_1").value = 5
    buttons_of(app, "engagement_2").value = SKIP
    assert "1 van 34" in app.progress_label.value
    click(app, "next")
    buttons_of(app, "wellbeing_1").value = 0
    click(app, "back")
    assert buttons_of(app, "engagement_1").value == 5  # kept when coming back
    app.lang.value = "en"  # switching language keeps the answers
    assert buttons_of(app, "engagement_1").value == 5 and "Step 1 of" in app.progress_label.value
    app.go(len(pages) - 1)
    assert app.nav.shown == ["back", "submit"]
    area = app.page_box.children[0].children[1]
    area.value = "Stoppen met <b>AHT</b> 😀"
    assert f"{len(area.value)} of 2000" in app.page_box.children[0].children[2].value
    click(app, "submit")
    assert visible(app.thanks) and "Thank you" in app.thanks.value
    assert not visible(app.questions) and app.answers == {} and app.comments == {}
    open_ballots(store)
    with store.session() as s:
        assert {a.item_id: a.value for a in s.scalars(select(Answer))} == {"engagement_1": 5.0, "wellbeing_1": 0.0}
        assert s.scalar(select(Comment.text)) == "Stoppen met <b>AHT</b> 😀"
        assert s.scalar(select(Response.language)) == "en"
    click(app, "submit")  # a late second click does nothing
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Response)) == 1


def test_exit_flow_asks_the_reason_first(survey):
    store, code = survey
    app = make(store, "exit", query_string=f"token={code('exit')}&lang=en")
    assert app.title.value == f"<h1>{html.escape(app.instrument.title.en)}</h1>"  # lang=en from the link
    start(app)
    assert "verloop-reason" in app.page_box.children[0]._dom_classes
    app.page_box.children[0].value = "no_growth"
    app.go(len(survey_pages(app.instrument)) - 1)
    click(app, "submit")
    assert visible(app.thanks)
    open_ballots(store)
    with store.session() as s:
        assert s.scalar(select(Response.reason)) == "no_growth"


def test_refusals_are_shown_in_the_chosen_language(survey):
    store, code = survey
    app = make(store, query_string="token=7KQ2-XM9D-AB12-CD34-EF56")
    assert bool(app.message.text) and "niet bekend" in app.message.text
    app.lang.value = "en"  # the message follows the language switch
    assert bool(app.message.text) and "not known" in app.message.text
    start(app, "nonsense")
    assert "not a valid code" in app.message.text and not visible(app.questions)
    start(app, code("exit"))
    assert "another survey (exit)" in app.message.text
    good = code()
    start(app, good)
    assert visible(app.questions) and not app.message.text
    app.send()
    assert "not answered any question" in app.message.text
    app.answers["engagement_1"] = 4
    app.go(len(app.pages) - 1)
    app.comments["stop"] = "x" * 2001
    app.send()
    assert "2001 characters long; the maximum is 2000" in app.message.text


def test_database_trouble_shows_a_retry_message_and_a_retry_works(survey, monkeypatch, caplog):
    store, code = survey
    app = make(store, query_string=f"token={code()}")
    start(app)
    buttons_of(app, "engagement_1").value = 3
    app.go(len(app.pages) - 1)
    app.comments["stop"] = "GEHEIM-ANTWOORD"

    import verloop.surveys.submit as submit_module

    real = submit_module.submit

    def down(*args, **kwargs):
        raise StoreError("the connection to the database was lost; nothing was saved, try again.")

    monkeypatch.setattr(submit_module, "submit", down)
    with caplog.at_level(logging.WARNING, logger="verloop.apps.survey"):
        click(app, "submit")
    assert "niets bewaard" in app.message.text and "probeer het" in app.message.text
    assert "postgresql" not in app.message.text and not visible(app.thanks)
    monkeypatch.setattr(submit_module, "submit", real)
    click(app, "submit")
    assert visible(app.thanks)
    assert "GEHEIM-ANTWOORD" not in caplog.text


def test_a_bug_shows_an_apology_and_logs_no_answer_content(survey, monkeypatch, caplog):
    store, code = survey
    token = code()
    app = make(store, query_string=f"token={token}")
    start(app)
    app.go(len(app.pages) - 1)
    app.comments["stop"] = "GEHEIM-ANTWOORD"
    import verloop.surveys.submit as submit_module

    def broken(*args, **kwargs):
        raise RuntimeError(f"boom with {args[3]} and {token}")

    monkeypatch.setattr(submit_module, "submit", broken)
    with caplog.at_level(logging.ERROR, logger="verloop.apps.survey"):
        click(app, "submit")
    assert "Sorry" in app.message.text and "RuntimeError" not in app.message.text
    assert "RuntimeError" in caplog.text
    assert "GEHEIM-ANTWOORD" not in caplog.text and token not in caplog.text


def test_confidential_mode_is_announced(store):
    assert not visible(make(store).confidential_note)  # anonymous by default: nothing to announce
    with store.session() as s:
        update_settings(s, "test", survey_mode="confidential")
    app = make(store)
    assert visible(app.confidential_note) and "vertrouwelijke modus" in app.confidential_note.value
    app.lang.value = "en"
    assert "confidential mode" in app.confidential_note.value and "at least 5 people" in app.confidential_note.value


def test_instrument_texts_and_messages_are_escaped(survey):
    from verloop.surveys.instruments import instrument_path, parse_instrument

    store, _code = survey
    app = make(store, query_string="token=<script>alert(1)</script>")
    assert "<script>" not in app.message.text
    assert app.code_entry.value == "<script>alert(1)</script>"  # shown as text in an input box
    source = instrument_path("pulse").read_text(encoding="utf-8")
    hostile = source.replace("nl: Hoe gaat het op je werk?", "nl: <img src=x onerror=alert(1)> & co")
    app.instrument = parse_instrument(hostile, "hostile.yaml")
    app.render()
    assert app.title.value == "<h1>&lt;img src=x onerror=alert(1)&gt; &amp; co</h1>"


def test_builder_never_raises_into_the_page(monkeypatch, survey):
    store, _code = survey
    widget = build_survey_app("pulse", store=store, query_string="", today=TODAY)
    assert "verloop-survey" in widget._dom_classes
    import verloop.apps.survey as survey_module

    monkeypatch.setattr(survey_module.SurveyApp, "render", lambda self: 1 / 0)
    broken = build_survey_app("pulse", store=store, query_string="")
    assert "verloop-message" in broken._dom_classes and "niet beschikbaar" in broken.value


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown survey kind"):
        SurveyApp("poll")


def test_an_unreachable_database_says_so_without_details():
    class Down:
        url = "postgresql+psycopg://verloop:secret@db.internal/verloop"

        def session(self):
            raise StoreError(f"cannot reach the database server at {self.url}: is it running?")

    app = SurveyApp("pulse", store=Down(), query_string="token=7KQ2-XM9D-AB12-CD34-EF56")
    assert bool(app.message.text) and "niet beschikbaar" in app.message.text
    assert "db.internal" not in app.message.text and "secret" not in app.message.text
    app.lang.value = "en"
    assert "not available right now" in app.message.text
    start(app)
    assert "not available right now" in app.message.text
    assert not visible(app.questions)


def test_a_click_made_on_an_earlier_step_is_dropped_and_junk_messages_are_ignored(survey):
    store, code = survey
    app = make(store, query_string=f"token={code()}")
    start(app)
    assert app.page == 0 and app.nav.step == app.step
    stale = app.step
    click(app, "next")
    app._on_nav_message({"action": "next", "step": stale})  # the double click's second half
    assert app.page == 1
    for junk in (
        "next",
        {"action": "next"},
        {"action": "next", "step": True},
        {"action": 3, "step": app.step},
        {"action": "erase", "step": app.step},
    ):
        app._on_nav_message(junk)
    assert app.page == 1 and app.nav.ack == 7  # every message acknowledged: the bar is released
    buttons_of(app, app.pages[1][1].items[0].id).value = 99  # a value never offered
    assert app.answers == {} and buttons_of(app, app.pages[1][1].items[0].id).value is None
