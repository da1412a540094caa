"""The survey home: the page at the survey address. One field for the code; the code itself says
which survey it opens (pulse, exit or follow-up), and a link leads to the team results.

Routing happens inside this kernel: the code is looked up read-only
(:func:`verloop.surveys.tokens.check_token` with no expected kind — it neither marks the code
used nor says anything about other codes), and the page is replaced by that survey's app
(:class:`verloop.apps.survey.SurveyApp`) with the code already filled in. The code never travels
in an address (no browser history, no server log, no ``Referer``), and the respondent waits for
one kernel, not two. An unknown, used or closed code gets the refusal's own sentence in the
chosen language.
"""

from __future__ import annotations

import datetime as dt
import html

import ipywidgets as widgets

from verloop.apps.survey import (
    CSS,
    LANGS,
    SurveyApp,
    _classes,
    query_parameters,
    run_guarded,
    survey_store,
)
from verloop.i18n import check_lang, t


class SurveyHome:
    """The code page; after a good code, the survey the code belongs to (same kernel)."""

    def __init__(
        self, *, store=None, query_string: str | None = None, language: str | None = None, today: dt.date | None = None
    ):
        from verloop.apps.survey_widgets import CodeEntry, Message, StepBar

        params = query_parameters(query_string)
        self.language = language or check_lang(params.get("lang"))
        self.store = store
        self.today = today
        self.survey: SurveyApp | None = None
        self.k = 5
        self._message = None
        self.lang = _classes(
            widgets.ToggleButtons(options=LANGS, value=self.language, style={"button_width": "auto"}), "verloop-lang"
        )
        self.title = _classes(widgets.HTML(), "verloop-title")
        self.lead = _classes(widgets.HTML(), "verloop-intro")
        self.privacy = _classes(widgets.HTML(), "verloop-privacy")
        self.code_entry = _classes(
            CodeEntry(value=params.get("token", "")[:200], autofocus=True), "verloop-token", "verloop-home-code"
        )
        self.message = _classes(Message(), "verloop-message")
        self.results = _classes(widgets.HTML(), "verloop-results-link")
        self.page = StepBar()  # no buttons: keeps <html lang> and the title in the chosen language
        self.home = widgets.VBox(
            [
                widgets.HTML(CSS),
                self.lang,
                self.title,
                self.lead,
                self.code_entry,
                self.message,
                self.privacy,
                self.results,
                self.page,
            ],
            layout=widgets.Layout(width="100%"),
        )
        _classes(self.home, "verloop-survey", "verloop-home")
        self.widget = _classes(widgets.Box([self.home], layout=widgets.Layout(width="100%")), "verloop-home-root")
        self.lang.observe(self._on_language, names="value")
        self.code_entry.on_msg(lambda _w, content, _b: self._on_code_message(content))
        self._load_settings()
        self.render()

    def _store(self):
        if self.store is None:
            self.store = survey_store()
        return self.store

    def _load_settings(self) -> None:
        from verloop.errors import VerloopError

        try:
            from verloop.store.settings import get_settings

            with self._store().session() as s:
                self.k = int(get_settings(s).min_group_size)
        except VerloopError:
            self.show(lambda lang: t("survey.unavailable", lang))

    def show(self, text) -> None:
        self._message = text
        self.message.say(text(self.language) if text else "")

    def _on_language(self, change) -> None:
        if change["new"] in ("nl", "en"):
            self.language = change["new"]
            self.show(self._message)
            self.render()

    def render(self) -> None:
        lang = self.language
        self.title.value = f"<h1>{html.escape(t('survey_home.title', lang))}</h1>"
        self.lead.value = f"<p>{html.escape(t('survey_home.lead', lang))}</p>"
        self.privacy.value = f"<p>{html.escape(t('survey_home.privacy', lang, k=self.k))}</p>"
        self.code_entry.label = t("survey.code_label", lang)
        self.code_entry.button = t("survey_home.go", lang)
        self.results.value = (
            f"<h2><a href='team_results.ipynb?lang={lang}'>{html.escape(t('survey_home.results', lang))}</a></h2>"
            f"<p>{html.escape(t('survey_home.results_hint', lang))}</p>"
        )
        self.page.lang = lang
        self.page.title = t("survey_home.page_title", lang)

    def _on_code_message(self, content) -> None:
        try:
            if isinstance(content, dict) and content.get("action") == "start" and isinstance(content.get("code"), str):
                self.enter_code(content["code"])
        finally:
            self.code_entry.ack += 1

    def enter_code(self, code: str) -> None:
        """Look the code up (read-only) and open the survey it belongs to."""
        if self.survey is not None:
            return
        kind = run_guarded(self.show, "code", self.kind_of, code)
        if kind is None:
            return
        self.survey = SurveyApp(
            kind, store=self._store(), language=self.language, today=self.today, code=code[:200], code_known=True
        )
        self.widget.children = [self.survey.widget]
        self.home.close()

    def kind_of(self, code: str) -> str:
        """pulse, exit or followup: the survey of the wave the code was issued for (read-only)."""
        from verloop.surveys.tokens import check_token

        with self._store().session() as s:
            _token, wave = check_token(s, code, today=self.today)
            return str(wave.kind)


def build_survey_home(
    *,
    store=None,
    query_string: str | None = None,
    language: str | None = None,
    today: dt.date | None = None,
    wait_for_request: bool = True,
) -> widgets.Widget:
    """The survey home as one widget, ready to display (waits for the request when preheated)."""
    from verloop.apps.survey import _log_failure, unavailable_widget

    if store is None:
        try:
            store = survey_store()
        except Exception as exc:  # the page says 'not available'; the field still renders
            _log_failure("home store", exc)
            store = None
    if wait_for_request and query_string is None:
        from verloop.apps.preheat import wait_for_request as _wait

        _wait()
    try:
        return SurveyHome(store=store, query_string=query_string, language=language, today=today).widget
    except Exception as exc:
        _log_failure("home build", exc)
        return unavailable_widget()
