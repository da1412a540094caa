"""The survey home: a code opens its own survey (pulse, exit, follow-up) in the same kernel; bad
codes get their sentence; looking a code up changes nothing; a survey kernel stays light."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys

import pytest
from sqlalchemy import select

from verloop.apps.survey_home import SurveyHome, build_survey_home
from verloop.store.schema import Site, Team, Token
from verloop.surveys.submit import submit
from verloop.surveys.tokens import issue_tokens
from verloop.surveys.waves import open_wave

TODAY = dt.date(2026, 3, 2)
WAVES = {"pulse": "2026-03", "exit": "exit-2026", "followup": "followup-2026"}


@pytest.fixture
def codes(store):
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        s.add(Team(name="Team Noord", site_id=site.id))
    for kind, name in WAVES.items():
        open_wave(store, kind, name, opens=TODAY, today=TODAY)

    def code(kind="pulse"):
        return issue_tokens(store, WAVES[kind], "Team Noord", 1, today=TODAY)[0].code

    return store, code


def enter(home, code):
    """Enter in the code field, as the browser sends it."""
    home._on_code_message({"action": "start", "code": code})


@pytest.mark.parametrize("kind", list(WAVES))
def test_the_code_opens_its_own_survey(codes, kind):
    store, code = codes
    given = code(kind)
    home = SurveyHome(store=store, today=TODAY)
    assert "verloop-home" in home.home._dom_classes and home.code_entry.show_input
    assert "team_results.ipynb" in home.results.value
    enter(home, given.lower())  # typed in lower case: still the same code
    assert home.survey is not None and home.survey.kind == kind
    assert home.widget.children == (home.survey.widget,)
    survey = home.survey
    assert survey.token == given.lower() and not survey.code_entry.show_input  # no second code field
    assert survey.instrument.title.nl in survey.title.value
    survey._on_code_message({"action": "start", "code": survey.code_entry.value})
    assert survey.page == 0 and survey.nav.shown == ["next"]
    with store.session() as s:
        assert s.scalars(select(Token.used)).all() == [False]  # opening a survey uses nothing


def test_bad_codes_get_their_sentence_in_the_chosen_language(codes):
    store, code = codes
    used = code()
    submit(store, used, {"engagement_1": 3}, {}, "nl", today=TODAY)
    home = SurveyHome(store=store, today=TODAY)
    enter(home, "7KQ2-XM9D-AB12-CD34-EF56")
    assert "niet bekend" in home.message.text and home.survey is None
    home.lang.value = "en"
    assert "not known" in home.message.text and "Questionnaire" in home.title.value
    enter(home, used)
    assert "already been used" in home.message.text and home.survey is None
    enter(home, "hello")
    assert "not a valid code" in home.message.text
    home._on_code_message({"action": "start", "code": ["not", "a", "string"]})  # ignored, no crash
    home._on_code_message("junk")
    assert home.code_entry.ack == 5 and home.survey is None  # every message is acknowledged


def test_language_from_the_link_and_builder(codes):
    store, _code = codes
    home = SurveyHome(store=store, query_string="lang=en", today=TODAY)
    assert home.language == "en" and home.page.lang == "en" and "Questionnaire" in home.page.title
    widget = build_survey_home(store=store, query_string="", wait_for_request=False)
    assert "verloop-home-root" in widget._dom_classes


LIGHT_KERNEL = r"""
import json, os, sys
from verloop.store import Store
from verloop.apps.survey import build_survey_app
from verloop.apps.survey_home import build_survey_home
store = Store.open(sys.argv[1], migrate=False)
build_survey_app("pulse", store=store, query_string="", wait_for_request=False)
build_survey_home(store=store, query_string="", wait_for_request=False)
heavy = sorted(m for m in ("pandas", "sklearn", "scipy", "matplotlib", "numpy") if m in sys.modules)
status = open("/proc/self/status").read()  # VmHWM: this process's peak (ru_maxrss survives exec)
peak_kb = int(status.split("VmHWM:")[1].split()[0])
print(json.dumps({"heavy": heavy, "max_rss_mb": peak_kb / 1024}))
"""


def test_showing_a_questionnaire_imports_no_pandas_or_scikit_learn(codes):
    store, _code = codes
    if not store.url.startswith("sqlite"):
        pytest.skip("one backend is enough for an import check")
    done = subprocess.run([sys.executable, "-c", LIGHT_KERNEL, store.url], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert "pandas" not in result["heavy"] and "sklearn" not in result["heavy"], result
    # the app's own memory (a Voilà kernel adds ipykernel's share; its RSS is measured in the report)
    assert result["max_rss_mb"] < 100, result
