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
    """The ToggleButtons of an item on the current page."""
    for box in app.page_box.children:
        if f"verloop-item-{item_id}" in box._dom_classes:
            return box.children[-1]
    raise AssertionError(f"{item_id} is not on page {app.page}")


def test_query_string_gives_token_and_language():
    assert query_parameters("token=AB12-CD34&lang=en&x=1") == {"token": "AB12-CD34", "lang": "en"}
    assert query_parameters("") == {}
    assert query_parameters("token=%3Cscript%3E") == {"token": "<script>"}


def test_full_pulse_flow_stores_the_answers(survey):
    store, code = survey
    token = code()
    app = make(store, query_string=f"token={token}")
    assert visible(app.welcome) and not visible(app.questions) and not visible(app.message)
    assert app.token_box.value == token
    app.start_button.click()
    assert visible(app.questions) and app.page == 0
    pages = survey_pages(app.instrument)
    assert [kind for kind, _ in pages][-1] == "open"
    buttons_of(app, "engagement_1").value = 5
    buttons_of(app, "engagement_2").value = SKIP
    assert "1 van 34" in app.progress_label.value
    app.next_button.click()
    buttons_of(app, "wellbeing_1").value = 0
    app.back_button.click()
    assert buttons_of(app, "engagement_1").value == 5  # kept when coming back
    app.lang.value = "en"  # switching language keeps the answers
    assert buttons_of(app, "engagement_1").value == 5 and "Step 1 of" in app.progress_label.value
    app.go(len(pages) - 1)
    assert visible(app.submit_button) and not visible(app.next_button)
    area = app.page_box.children[0].children[1]
    area.value = "Stoppen met <b>AHT</b> 😀"
    assert f"{len(area.value)} of 2000" in app.page_box.children[0].children[2].value
    app.submit_button.click()
    assert visible(app.thanks) and "Thank you" in app.thanks.value
    assert not visible(app.questions) and app.answers == {} and app.comments == {}
    with store.session() as s:
        assert {a.item_id: a.value for a in s.scalars(select(Answer))} == {"engagement_1": 5.0, "wellbeing_1": 0.0}
        assert s.scalar(select(Comment.text)) == "Stoppen met <b>AHT</b> 😀"
        assert s.scalar(select(Response.language)) == "en"
    app.submit_button.click()  # a late second click does nothing
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Response)) == 1


def test_exit_flow_asks_the_reason_first(survey):
    store, code = survey
    app = make(store, "exit", query_string=f"token={code('exit')}&lang=en")
    assert app.title.value == f"<h2>{html.escape(app.instrument.title.en)}</h2>"  # lang=en from the link
    app.start_button.click()
    assert "verloop-reason" in app.page_box.children[0]._dom_classes
    app.page_box.children[0].children[1].value = "no_growth"
    app.go(len(survey_pages(app.instrument)) - 1)
    app.submit_button.click()
    assert visible(app.thanks)
    with store.session() as s:
        assert s.scalar(select(Response.reason)) == "no_growth"


def test_refusals_are_shown_in_the_chosen_language(survey):
    store, code = survey
    app = make(store, query_string="token=7KQ2-XM9D-AB12-CD34-EF56")
    assert visible(app.message) and "niet bekend" in app.message.value
    app.lang.value = "en"  # the message follows the language switch
    assert visible(app.message) and "not known" in app.message.value
    app.token_box.value = "nonsense"
    app.start_button.click()
    assert "not a valid code" in app.message.value and not visible(app.questions)
    app.token_box.value = code("exit")
    app.start_button.click()
    assert "another survey (exit)" in app.message.value
    good = code()
    app.token_box.value = good
    app.start_button.click()
    assert visible(app.questions) and not visible(app.message)
    app.send()
    assert "not answered any question" in app.message.value
    app.answers["engagement_1"] = 4
    app.go(len(app.pages) - 1)
    app.comments["stop"] = "x" * 2001
    app.send()
    assert "2001 characters long; the maximum is 2000" in app.message.value


def test_database_trouble_shows_a_retry_message_and_a_retry_works(survey, monkeypatch, caplog):
    store, code = survey
    app = make(store, query_string=f"token={code()}")
    app.start_button.click()
    buttons_of(app, "engagement_1").value = 3
    app.go(len(app.pages) - 1)
    app.comments["stop"] = "GEHEIM-ANTWOORD"

    import verloop.surveys.submit as submit_module

    real = submit_module.submit

    def down(*args, **kwargs):
        raise StoreError("the connection to the database was lost; nothing was saved, try again.")

    monkeypatch.setattr(submit_module, "submit", down)
    with caplog.at_level(logging.WARNING, logger="verloop.apps.survey"):
        app.submit_button.click()
    assert "niets bewaard" in app.message.value and "probeer het" in app.message.value
    assert "postgresql" not in app.message.value and not visible(app.thanks)
    monkeypatch.setattr(submit_module, "submit", real)
    app.submit_button.click()
    assert visible(app.thanks)
    assert "GEHEIM-ANTWOORD" not in caplog.text


def test_a_bug_shows_an_apology_and_logs_no_answer_content(survey, monkeypatch, caplog):
    store, code = survey
    token = code()
    app = make(store, query_string=f"token={token}")
    app.start_button.click()
    app.go(len(app.pages) - 1)
    app.comments["stop"] = "GEHEIM-ANTWOORD"
    import verloop.surveys.submit as submit_module

    def broken(*args, **kwargs):
        raise RuntimeError(f"boom with {args[3]} and {token}")

    monkeypatch.setattr(submit_module, "submit", broken)
    with caplog.at_level(logging.ERROR, logger="verloop.apps.survey"):
        app.submit_button.click()
    assert "Sorry" in app.message.value and "RuntimeError" not in app.message.value
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
    assert "<script>" not in app.message.value
    assert app.token_box.value == "<script>alert(1)</script>"  # shown as text in an input box
    source = instrument_path("pulse").read_text(encoding="utf-8")
    hostile = source.replace("nl: Hoe gaat het op je werk?", "nl: <img src=x onerror=alert(1)> & co")
    app.instrument = parse_instrument(hostile, "hostile.yaml")
    app.render()
    assert app.title.value == "<h2>&lt;img src=x onerror=alert(1)&gt; &amp; co</h2>"


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
    assert visible(app.message) and "niet beschikbaar" in app.message.value
    assert "db.internal" not in app.message.value and "secret" not in app.message.value
    app.lang.value = "en"
    assert "not available right now" in app.message.value
    app.start_button.click()
    assert "not available right now" in app.message.value
    assert not visible(app.questions)
