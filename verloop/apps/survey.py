"""The employee-facing survey app (pulse, exit, follow-up): one builder, three thin notebooks.

``build_survey_app("pulse")`` returns one widget tree. Flow: a welcome screen (title, intro,
privacy statement, the code from the link or typed in) → one page per scale (plus a reason
page for exit / follow-up and a last page with the open questions) → a thank-you page.

What the respondent's browser can do is limited to widget messages, but every value that
arrives is still checked again by :func:`verloop.surveys.submit.submit`, the one path into the
database. Nothing here renders user text as HTML (instrument texts and messages are escaped,
free text only ever sits in a text box), and no traceback reaches the browser: a
``VerloopError`` becomes its sentence in the respondent's language, anything else a generic
apology, logged on the server without answer content.

Under Voilà with a preheated kernel pool the heavy work (imports, opening the store, loading
the instrument) is done before :func:`voila.utils.wait_for_request` returns the real request,
whose query string carries ``token=...`` (and optionally ``lang=en``).
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import traceback
from collections.abc import Callable
from urllib.parse import parse_qs

import ipywidgets as widgets

from verloop.errors import StoreError, SurveyError, VerloopError
from verloop.surveys.tokens import SurveyRefusal

log = logging.getLogger("verloop.apps.survey")

KINDS = ("pulse", "exit", "followup")
SKIP = "skip"
LANGS = (("Nederlands", "nl"), ("English", "en"))

UI: dict[str, dict[str, str]] = {
    "code_label": {"nl": "Je code (staat in je uitnodiging)", "en": "Your code (from your invitation)"},
    "start": {"nl": "Beginnen", "en": "Start"},
    "back": {"nl": "Vorige", "en": "Back"},
    "next": {"nl": "Volgende", "en": "Next"},
    "submit": {"nl": "Versturen", "en": "Send"},
    "skip": {"nl": "Sla over", "en": "Skip"},
    "step": {"nl": "Stap {page} van {pages} · {answered} van {items} vragen beantwoord",
             "en": "Step {page} of {pages} · {answered} of {items} questions answered"},
    "chars": {"nl": "{n} van {max} tekens", "en": "{n} of {max} characters"},
    "too_long": {"nl": "Je antwoord op “{question}” is {n} tekens lang; het mag er hoogstens {max} zijn. "
                       "Maak het wat korter.",
                 "en": "Your answer to “{question}” is {n} characters long; the maximum is {max}. "
                       "Please shorten it."},
    "empty": {"nl": "Je hebt nog geen enkele vraag beantwoord. Beantwoord er minstens één, of sluit dit venster.",
              "en": "You have not answered any question yet. Answer at least one, or close this window."},
    "thanks": {"nl": "Dank je wel! Je antwoorden zijn anoniem opgeslagen. Je kunt dit venster nu sluiten.",
               "en": "Thank you! Your answers have been saved anonymously. You can close this window now."},
    "store_error": {"nl": "Je antwoorden konden door een technisch probleem niet worden opgeslagen. Er is niets "
                          "bewaard: probeer het over een minuutje opnieuw met de knop Versturen.",
                    "en": "Your answers could not be saved because of a technical problem. Nothing was saved: "
                          "please try again in a minute with the Send button."},
    "refused": {"nl": "Je antwoorden zijn niet verstuurd: {reason}",
                "en": "Your answers were not sent: {reason}"},
    "bug": {"nl": "Sorry, er ging iets mis aan onze kant. Er is niets bewaard; probeer het later opnieuw.",
            "en": "Sorry, something went wrong on our side. Nothing was saved; please try again later."},
    "unavailable": {"nl": "De vragenlijst is nu niet beschikbaar. Probeer het later opnieuw.",
                    "en": "The survey is not available right now. Please try again later."},
    "confidential": {
        "nl": "Let op: deze organisatie gebruikt de vertrouwelijke modus. Je antwoorden kunnen via een "
              "pseudoniem aan je HR-gegevens worden gekoppeld (de sleutel daarvan wordt buiten deze database "
              "bewaard). HR ziet nooit individuele antwoorden, alleen uitkomsten van groepen van minstens "
              "{k} mensen.",
        "en": "Please note: this organisation uses confidential mode. Your answers can be linked to your HR "
              "record through a pseudonym (its key is kept outside this database). HR never sees individual "
              "answers, only results for groups of at least {k} people.",
    },
}

CSS = """
<style>
.verloop-survey { max-width: 640px; margin: 0 auto; padding: 4px 2px 24px; box-sizing: border-box;
  width: 100%; font-size: 16px; }
.verloop-survey * { box-sizing: border-box; }
.verloop-survey .widget-html-content { white-space: normal; overflow-wrap: anywhere; line-height: 1.4; }
.verloop-survey .verloop-title h2 { margin: 4px 0 8px; font-size: 1.35em; }
.verloop-survey .verloop-privacy { background: #f3f6f9; border-left: 4px solid #4a7bb7; padding: 2px 10px; }
.verloop-survey .verloop-confidential { background: #fff6e0; border-left: 4px solid #d99a00; padding: 2px 10px; }
.verloop-survey .verloop-message .widget-html-content { color: #a30000; font-weight: 600; }
.verloop-survey .verloop-item { border-top: 1px solid #e3e3e3; padding: 6px 0 10px; width: 100%; }
.verloop-survey .widget-toggle-buttons { width: 100%; }
.verloop-survey .widget-toggle-buttons > div { display: flex; flex-wrap: wrap; gap: 6px; width: 100%; }
.verloop-survey .widget-toggle-button { min-height: 40px; margin: 0 !important; flex: 0 0 auto; }
.verloop-survey .verloop-vertical > div { flex-direction: column; }
.verloop-survey .verloop-vertical .widget-toggle-button { width: 100% !important; text-align: left;
  white-space: normal; height: auto; padding: 8px 10px; }
.verloop-survey .verloop-numeric .widget-toggle-button { width: 44px !important; padding: 0; }
.verloop-survey .verloop-numeric .widget-toggle-button:last-child { width: auto !important; padding: 0 10px; }
.verloop-survey .verloop-legend { color: #555; font-size: 0.9em; }
.verloop-survey textarea { width: 100%; min-height: 6em; font-size: 16px; }
.verloop-survey input[type=text] { font-size: 16px; }
.verloop-survey .jupyter-button { min-height: 40px; font-size: 16px; }
.verloop-survey .verloop-thanks .widget-html-content { font-size: 1.2em; color: #1d6b2f; }
</style>
"""


def _t(key: str, language: str, **values) -> str:
    return UI[key][language].format(**values)


def _html(text: str, tag: str = "p") -> str:
    return f"<{tag}>{html.escape(text)}</{tag}>"


def _classes(widget: widgets.Widget, *names: str) -> widgets.Widget:
    for name in names:
        widget.add_class(name)
    return widget


def _close_tree(widget: widgets.Widget) -> None:
    for child in getattr(widget, "children", ()):
        _close_tree(child)
    widget.close()


def query_parameters(query_string: str | None = None) -> dict[str, str]:
    """``token`` and ``lang`` from the request's query string (``$QUERY_STRING`` under Voilà)."""
    query = os.environ.get("QUERY_STRING", "") if query_string is None else query_string
    parsed = parse_qs(query or "", keep_blank_values=False, max_num_fields=20)
    return {key: values[0] for key, values in parsed.items() if key in ("token", "lang") and values}


def survey_store():
    """The database of ``$VERLOOP_DB``, opened without the migration check: ``verloop serve``
    has migrated it before starting Voilà, and every respondent's kernel saves ~0.15 s."""
    from verloop.store import Store

    return Store.open(os.environ.get("VERLOOP_DB"), migrate=False)


def _log_failure(where: str, exc: BaseException) -> None:
    """Server-side record of an unexpected error: type and code location only, never values
    (an exception message may quote answers, comments or the token)."""
    frames = "".join(traceback.format_list(traceback.extract_tb(exc.__traceback__)))
    log.error("survey app: %s failed with %s\n%s", where, type(exc).__name__, frames)


def survey_pages(instrument) -> list[tuple[str, object]]:
    """The pages in order: ("reason", None) for exit / follow-up, ("scale", Scale) per scale,
    ("open", None) for the open questions (the last page carries the Send button)."""
    pages: list[tuple[str, object]] = []
    if instrument.reasons:
        pages.append(("reason", None))
    pages.extend(("scale", scale) for scale in instrument.scales)
    if instrument.open_questions:
        pages.append(("open", None))
    return pages


class SurveyApp:
    """State and widgets of one respondent's session (one Voilà kernel = one respondent)."""

    def __init__(
        self,
        kind: str,
        *,
        store=None,
        query_string: str | None = None,
        language: str | None = None,
        today: dt.date | None = None,
    ):
        from verloop.surveys.instruments import load_instrument

        if kind not in KINDS:
            raise ValueError(f"unknown survey kind {kind!r}; choose one of {', '.join(KINDS)}")
        self.kind = kind
        self.today = today
        self.store = store
        self.instrument = load_instrument(kind)  # wording for the welcome screen
        self.answers: dict[str, int | str] = {}
        self.comments: dict[str, str] = {}
        self.reason: str | None = None
        self.token: str | None = None
        self.page = -1  # -1 = welcome screen
        self.done = False
        self.min_group_size = 5
        self.confidential = False
        self._message: Callable[[str], str] | None = None

        params = query_parameters(query_string)
        self.language = language or (params.get("lang") if params.get("lang") in ("nl", "en") else "nl")

        self.css = widgets.HTML(CSS)
        self.lang = _classes(
            widgets.ToggleButtons(options=LANGS, value=self.language, style={"button_width": "auto"}),
            "verloop-lang",
        )
        self.title = _classes(widgets.HTML(), "verloop-title")
        self.intro = _classes(widgets.HTML(), "verloop-intro")
        self.privacy = _classes(widgets.HTML(), "verloop-privacy")
        self.confidential_note = _classes(widgets.HTML(), "verloop-confidential")
        self.code_label = _classes(widgets.HTML(), "verloop-token-label")
        self.token_box = _classes(
            widgets.Text(
                value=params.get("token", "")[:200],
                placeholder="XXXX-XXXX-XXXX-XXXX-XXXX",
                continuous_update=False,  # synced on blur/Enter, before the Start click
                layout=widgets.Layout(width="100%", max_width="360px"),
            ),
            "verloop-token",
        )
        self.start_button = _classes(widgets.Button(button_style="primary"), "verloop-start")
        self.message = _classes(widgets.HTML(), "verloop-message")
        self.progress = _classes(widgets.IntProgress(min=0, max=1, value=0, layout=widgets.Layout(width="100%")), "verloop-progress")
        self.progress_label = _classes(widgets.HTML(), "verloop-progress-label")
        self.page_box = _classes(widgets.VBox(layout=widgets.Layout(width="100%")), "verloop-page")
        self.back_button = _classes(widgets.Button(), "verloop-back")
        self.next_button = _classes(widgets.Button(button_style="primary"), "verloop-next")
        self.submit_button = _classes(widgets.Button(button_style="success"), "verloop-submit")
        self.thanks = _classes(widgets.HTML(), "verloop-thanks")

        self.welcome = _classes(
            widgets.VBox([self.intro, self.privacy, self.confidential_note, self.code_label, self.token_box, self.start_button]),
            "verloop-welcome",
        )
        self.nav = _classes(widgets.HBox([self.back_button, self.next_button, self.submit_button]), "verloop-nav")
        self.questions = _classes(
            widgets.VBox([self.progress_label, self.progress, self.page_box, self.nav]), "verloop-questions"
        )
        self.widget = _classes(
            widgets.VBox(
                [self.css, self.lang, self.title, self.message, self.welcome, self.questions, self.thanks],
                layout=widgets.Layout(width="100%"),
            ),
            "verloop-survey",
        )

        self.lang.observe(self._guard("language", self._on_language), names="value")
        self.start_button.on_click(self._guard("start", lambda _b: self.start()))
        self.back_button.on_click(self._guard("back", lambda _b: self.go(self.page - 1)))
        self.next_button.on_click(self._guard("next", lambda _b: self.go(self.page + 1)))
        self.submit_button.on_click(self._guard("submit", lambda _b: self.send()))

        self.pages: list[tuple[str, object]] = []
        self.show_message(None)
        self._load_settings()
        self.render()
        if self.token_box.value.strip():
            self._guard("token check", lambda: self.check(self.token_box.value))()

    # -- plumbing -----------------------------------------------------------------------------
    def _store(self):
        if self.store is None:
            self.store = survey_store()
        return self.store

    def _guard(self, where: str, handler: Callable) -> Callable:
        """Run a widget callback; turn every failure into a message, never a traceback."""

        def guarded(*args):
            try:
                return handler(*args)
            except SurveyRefusal as exc:
                self.show_message(exc.text)
            except StoreError as exc:
                log.warning("survey app: %s: database problem: %s", where, exc)
                # sending: "nothing was saved, send again"; anything else: "not available now"
                key = "store_error" if where == "submit" else "unavailable"
                self.show_message(lambda lang: _t(key, lang))
            except SurveyError as exc:
                self.show_message(lambda lang, reason=str(exc): _t("refused", lang, reason=reason))
            except VerloopError as exc:
                log.warning("survey app: %s: %s", where, type(exc).__name__)
                self.show_message(lambda lang: _t("unavailable", lang))
            except Exception as exc:  # a bug: apologise, log without values
                _log_failure(where, exc)
                self.show_message(lambda lang: _t("bug", lang))

        return guarded

    def _load_settings(self) -> None:
        try:
            from verloop.store.settings import get_settings

            with self._store().session() as s:
                settings = get_settings(s)
                self.min_group_size = settings.min_group_size
                self.confidential = settings.survey_mode == "confidential"
        except VerloopError as exc:
            log.warning("survey app: cannot read settings: %s", exc)
            self.show_message(lambda lang: _t("unavailable", lang))

    def show_message(self, text: Callable[[str], str] | None) -> None:
        """Show a message, given as language -> text so that a language switch translates it."""
        self._message = text
        self.message.value = _html(text(self.language)) if text else ""
        self.message.layout.display = None if text else "none"

    # -- texts --------------------------------------------------------------------------------
    def _on_language(self, change) -> None:
        if change["new"] not in ("nl", "en"):
            return
        self.language = change["new"]
        self.show_message(self._message)
        self.render()

    def render(self) -> None:
        """Put every text in the current language and show the current step."""
        lang, inst = self.language, self.instrument
        self.title.value = _html(inst.title[lang], "h2")
        self.intro.value = _html(inst.intro[lang])
        self.privacy.value = _html(inst.privacy[lang])
        self.confidential_note.value = (
            _html(_t("confidential", lang, k=self.min_group_size)) if self.confidential else ""
        )
        self.confidential_note.layout.display = None if self.confidential else "none"
        self.code_label.value = f"<label>{html.escape(_t('code_label', lang))}</label>"
        self.start_button.description = _t("start", lang)
        self.back_button.description = _t("back", lang)
        self.next_button.description = _t("next", lang)
        self.submit_button.description = _t("submit", lang)
        self.thanks.value = _html(_t("thanks", lang), "h3")
        self.welcome.layout.display = None if self.page < 0 and not self.done else "none"
        self.questions.layout.display = None if self.page >= 0 and not self.done else "none"
        self.thanks.layout.display = None if self.done else "none"
        if self.page >= 0 and not self.done:
            self._render_page()

    # -- flow ---------------------------------------------------------------------------------
    def check(self, code: str) -> None:
        """Check a code without using it; on success remember it and use its wave's wording."""
        from verloop.surveys.tokens import check_token
        from verloop.surveys.waves import wave_instrument

        with self._store().session() as s:
            _token, wave = check_token(s, code, kind=self.kind, today=self.today)
            self.instrument = wave_instrument(s, wave)
        self.token = code
        self.show_message(None)

    def start(self) -> None:
        if self.done:
            return
        self.check(self.token_box.value)
        self.pages = survey_pages(self.instrument)
        self.go(0)

    def go(self, page: int) -> None:
        if self.done or not self.pages:
            return
        self.page = max(0, min(page, len(self.pages) - 1))
        self.show_message(None)
        self.render()

    def _render_page(self) -> None:
        lang = self.language
        old = list(self.page_box.children)
        kind, payload = self.pages[self.page]
        if kind == "reason":
            children = self._reason_widgets(lang)
        elif kind == "scale":
            children = self._scale_widgets(payload, lang)
        else:
            children = self._open_widgets(lang)
        self.page_box.children = children
        for widget in old:
            _close_tree(widget)
        last = self.page == len(self.pages) - 1
        self.back_button.layout.display = "none" if self.page == 0 else None
        self.next_button.layout.display = "none" if last else None
        self.submit_button.layout.display = None if last else "none"
        self.submit_button.disabled = False
        self._update_progress()

    def _update_progress(self) -> None:
        items = len(self.instrument.items)
        answered = sum(1 for v in self.answers.values() if v != SKIP)
        self.progress.max = len(self.pages)
        self.progress.value = self.page + 1
        self.progress_label.value = _html(
            _t("step", self.language, page=self.page + 1, pages=len(self.pages), answered=answered, items=items)
        )

    # -- page builders ------------------------------------------------------------------------
    def _choice(self, options, value, vertical: bool, on_change: Callable, tooltips=None) -> widgets.ToggleButtons:
        buttons = widgets.ToggleButtons(
            options=options, value=value, style={"button_width": "auto"}, tooltips=tooltips or []
        )
        _classes(buttons, "verloop-choice", "verloop-vertical" if vertical else "verloop-numeric")
        buttons.observe(self._guard("answer", on_change), names="value")
        return buttons

    def _reason_widgets(self, lang: str) -> list[widgets.Widget]:
        inst = self.instrument
        options = [(r.label[lang], r.code) for r in inst.reasons] + [(_t("skip", lang), SKIP)]
        def changed(change):
            value = change["new"]
            self.reason = value if value in inst.reason_codes else (SKIP if value == SKIP else None)

        buttons = self._choice(options, self.reason, True, changed)
        box = widgets.VBox([widgets.HTML(_html(inst.reason_question[lang], "b")), buttons])
        return [_classes(box, "verloop-item", "verloop-reason")]

    def _scale_widgets(self, scale, lang: str) -> list[widgets.Widget]:
        children: list[widgets.Widget] = []
        if scale.stem is not None:
            children.append(_classes(widgets.HTML(_html(scale.stem[lang], "b")), "verloop-stem"))
        for item in scale.items:
            labels = item.labels(lang)
            every_point = len(labels) == len(item.points)
            if every_point:
                options = [(labels[p], p) for p in item.points]
                tooltips = []
                legend = ""
            else:
                options = [(str(p), p) for p in item.points]
                tooltips = [labels.get(p, "") for p in item.points] + [_t("skip", lang)]
                legend = " · ".join(f"{p} = {labels[p]}" for p in sorted(labels))
            options.append((_t("skip", lang), SKIP))

            def changed(change, item_id=item.id, points=tuple(item.points)):
                value = change["new"]
                if value in points or value == SKIP:
                    self.answers[item_id] = value
                else:
                    self.answers.pop(item_id, None)
                self._update_progress()

            buttons = self._choice(options, self.answers.get(item.id), every_point, changed, tooltips)
            parts = [widgets.HTML(_html(item.text[lang]))]
            if legend:
                parts.append(_classes(widgets.HTML(_html(legend, "span")), "verloop-legend"))
            parts.append(buttons)
            children.append(_classes(widgets.VBox(parts), "verloop-item", f"verloop-item-{item.id}"))
        return children

    def _open_widgets(self, lang: str) -> list[widgets.Widget]:
        children: list[widgets.Widget] = []
        for question in self.instrument.open_questions:
            limit = question.max_length
            area = _classes(
                # Synced when the box loses focus, i.e. before a click on Send reaches the kernel
                # (continuous updates can be buffered behind a click and arrive too late).
                widgets.Textarea(
                    value=self.comments.get(question.id, ""),
                    rows=4,
                    continuous_update=False,
                    layout=widgets.Layout(width="100%"),
                ),
                "verloop-open",
                f"verloop-open-{question.id}",
            )
            counter = _classes(widgets.HTML(), "verloop-count", f"verloop-count-{question.id}")

            def changed(change, question_id=question.id, counter=counter, limit=limit):
                text = change["new"] if isinstance(change["new"], str) else ""
                self.comments[question_id] = text
                n = len(text)
                colour = "#a30000" if n > limit else "#555"
                counter.value = f"<span style='color:{colour}'>{html.escape(_t('chars', self.language, n=n, max=limit))}</span>"

            changed({"new": area.value})
            area.observe(self._guard("comment", changed), names="value")
            children.append(
                _classes(
                    widgets.VBox([widgets.HTML(_html(question.text[lang], "b")), area, counter]),
                    "verloop-item",
                    f"verloop-item-{question.id}",
                )
            )
        return children

    # -- submission ---------------------------------------------------------------------------
    def collected(self) -> tuple[dict[str, int], dict[str, str], str | None]:
        answers = {k: v for k, v in self.answers.items() if v != SKIP}
        comments = {k: v for k, v in self.comments.items() if isinstance(v, str) and v.strip()}
        reason = self.reason if self.reason not in (None, SKIP) else None
        return answers, comments, reason

    def send(self) -> None:
        """Validate here first (in the respondent's language), then submit through the one path."""
        from verloop.surveys.submit import submit

        if self.done or self.token is None:
            return
        answers, comments, reason = self.collected()
        for question in self.instrument.open_questions:
            n = len(comments.get(question.id, "").strip())
            if n > question.max_length:
                self.show_message(
                    lambda lang, q=question, n=n: _t("too_long", lang, question=q.text[lang], n=n, max=q.max_length)
                )
                return
        if not answers and not comments and reason is None:
            self.show_message(lambda lang: _t("empty", lang))
            return
        self.submit_button.disabled = True
        try:
            submit(self._store(), self.token, answers, comments, self.language, reason, self.today, kind=self.kind)
        finally:
            self.submit_button.disabled = False
        self.finish()

    def finish(self) -> None:
        """Show the thank-you page and forget the answers held in this kernel."""
        self.done = True
        self.answers.clear()
        self.comments.clear()
        self.reason = None
        self.token = None
        self.token_box.value = ""
        old = list(self.page_box.children)
        self.page_box.children = []
        for widget in old:
            _close_tree(widget)
        self.show_message(None)
        self.render()


def build_survey_app(
    kind: str,
    *,
    store=None,
    query_string: str | None = None,
    language: str | None = None,
    today: dt.date | None = None,
    wait_for_request: bool = True,
) -> widgets.Widget:
    """The survey app for ``kind`` (pulse, exit, followup) as one widget, ready to display.

    With ``wait_for_request`` (the default) a kernel from Voilà's preheated pool first waits
    for the real page request, so that ``$QUERY_STRING`` holds this respondent's token; outside
    a preheated kernel the wait returns at once.
    """
    from verloop.surveys.instruments import load_instrument

    load_instrument(kind)  # warm the cache while a preheated kernel waits
    if store is None:
        try:
            store = survey_store()
        except VerloopError as exc:
            log.warning("survey app: cannot open the database: %s", exc)
            store = None
    if wait_for_request and query_string is None and os.environ.get("VOILA_PREHEAT") == "True":
        # Only in a preheated kernel: importing voila costs ~3 s of CPU (jupyter_server's
        # JSON-schema grammars), which a kernel started for the request must not pay.
        from voila.utils import wait_for_request as _wait

        _wait()
    try:
        return SurveyApp(kind, store=store, query_string=query_string, language=language, today=today).widget
    except Exception as exc:  # never a traceback in the respondent's browser
        _log_failure("build", exc)
        return _classes(widgets.HTML(_html(_t("unavailable", "nl") + " / " + _t("unavailable", "en"))), "verloop-message")
