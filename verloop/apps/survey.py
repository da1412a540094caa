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
the instrument) is done before :func:`verloop.apps.preheat.wait_for_request` (Voilà's
``wait_for_request`` protocol, without importing Voilà) returns the real request, whose query
string carries ``token=...`` (and optionally ``lang=en``). A kernel serves one respondent and
ends itself shortly after the thank-you page (:func:`verloop.apps.preheat.leave_after`).
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
from verloop.i18n import LANGS as LANGUAGES
from verloop.i18n import check_lang, t
from verloop.surveys.tokens import SurveyRefusal

log = logging.getLogger("verloop.apps.survey")

KINDS = ("pulse", "exit", "followup")
SKIP = "skip"
LANGS = (("Nederlands", "nl"), ("English", "en"))

CSS = """
<style>
.verloop-survey { max-width: 780px; margin: 0 auto; padding: 4px 4px 32px; box-sizing: border-box;
  width: 100%; font-size: 17px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.verloop-survey * { box-sizing: border-box; }
.verloop-survey .widget-html-content { white-space: normal; overflow-wrap: anywhere; line-height: 1.45;
  font-size: inherit; }
.verloop-survey .widget-html, .verloop-survey .widget-html-content { height: auto; font-size: 17px; }
.verloop-survey .verloop-title h1 { margin: 6px 0 10px; font-size: 1.6em; line-height: 1.25; }
.verloop-survey .verloop-privacy { background: #f1f5f9; border-left: 5px solid #1f5fa8; padding: 2px 14px;
  border-radius: 6px; }
.verloop-survey .verloop-confidential { background: #fff6e0; border-left: 5px solid #d99a00; padding: 2px 14px;
  border-radius: 6px; }
.verloop-survey .verloop-lang { align-self: flex-end; }
.verloop-survey .verloop-lang .widget-toggle-button { min-height: 36px; font-size: 0.9em; }
.verloop-survey .verloop-progress-label p { margin: 8px 0 4px; font-weight: 600; color: #3b4654; }
.verloop-survey .verloop-progress-label p:focus { outline: none; }
.verloop-survey .verloop-progress .progress-bar { background-color: #1f5fa8; }
.verloop-survey .verloop-item { border-top: 1px solid #e4e8ee; padding: 16px 0 18px; width: 100%; }
.verloop-survey .verloop-item .verloop-q p { font-size: 1.22em; font-weight: 600; margin: 0 0 10px; }
.verloop-survey textarea { width: 100%; min-height: 7em; font-size: 16px; padding: 10px; border-radius: 10px;
  border: 2px solid #c9d2dc; }
.verloop-survey textarea:focus-visible { outline: 3px solid #e39b00; outline-offset: 1px; }
.verloop-survey .verloop-count { color: #5b6675; font-size: 0.9em; }
.verloop-survey .verloop-open .widget-label { position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); }
.verloop-survey .verloop-thanks h2 { font-size: 1.4em; color: #1d6b2f; margin: 24px 0; }
.verloop-survey .verloop-thanks h2:focus { outline: none; }
</style>
"""


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
    from verloop.config import current
    from verloop.store import Store

    return Store.open(current().database_url, migrate=False, create=False)


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


def run_guarded(show_message: Callable, where: str, handler: Callable, *args):
    """Call ``handler``; a failure becomes a message (``show_message(language -> text)``), never a
    traceback: refusals in their own words, database trouble as 'try again', bugs as an apology
    logged without values. Returns the handler's result, or None after a failure."""
    try:
        return handler(*args)
    except SurveyRefusal as exc:
        if where == "submit" and exc.key == "token_used":
            # the session checked the code unused at its start: another window or tab (or a
            # retry) has spent it since — say plainly that THESE answers were not saved
            show_message(lambda lang: t("survey.race", lang))
        else:
            show_message(exc.text)
    except StoreError as exc:
        log.warning("survey app: %s: database problem: %s", where, exc)
        # sending: "nothing was saved, send again"; anything else: "not available now"
        key = "store_error" if where == "submit" else "unavailable"
        show_message(lambda lang: t(f"survey.{key}", lang))
    except SurveyError as exc:
        show_message(lambda lang, reason=str(exc): t("survey.refused", lang, reason=reason))
    except VerloopError as exc:
        log.warning("survey app: %s: %s", where, type(exc).__name__)
        show_message(lambda lang: t("survey.unavailable", lang))
    except Exception as exc:  # a bug: apologise, log without values
        _log_failure(where, exc)
        show_message(lambda lang: t("survey.bug", lang))
    return None


class SurveyApp:
    """State and widgets of one respondent's session (one Voilà kernel = one respondent).

    Steps: the welcome screen (``page == -1``), the question pages, the thank-you screen. The
    browser moves between them only through :class:`StepBar` / :class:`CodeEntry` messages
    (``{"action", "step"}``); :meth:`press` and :meth:`enter_code` are what they call, and what
    the tests call.
    """

    def __init__(
        self,
        kind: str,
        *,
        store=None,
        query_string: str | None = None,
        language: str | None = None,
        today: dt.date | None = None,
        code: str | None = None,
        code_known: bool = False,
    ):
        from verloop.apps.survey_widgets import CodeEntry, Message, StepBar
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
        self.step = 0  # bumped on every change of step; a message for an older step is dropped
        self.done = False
        self.min_group_size = 5
        self.confidential = False
        self._message: Callable[[str], str] | None = None

        params = query_parameters(query_string)
        self.language = language or check_lang(params.get("lang"))
        first_code = (code if code is not None else params.get("token", ""))[:200]

        self.css = widgets.HTML(CSS)
        self.lang = _classes(
            widgets.ToggleButtons(options=LANGS, value=self.language, style={"button_width": "auto"}),
            "verloop-lang",
        )
        self.title = _classes(widgets.HTML(), "verloop-title")
        self.intro = _classes(widgets.HTML(), "verloop-intro")
        self.privacy = _classes(widgets.HTML(), "verloop-privacy")
        self.confidential_note = _classes(widgets.HTML(), "verloop-confidential")
        # code_known: the survey home already took the code; only the Start button is shown
        self.code_entry = _classes(
            CodeEntry(value=first_code, autofocus=bool(first_code), show_input=not code_known), "verloop-token"
        )
        self.message = _classes(Message(), "verloop-message")
        self.progress = _classes(
            widgets.IntProgress(min=0, max=1, value=0, layout=widgets.Layout(width="100%")), "verloop-progress"
        )
        self.progress_label = _classes(widgets.HTML(), "verloop-progress-label")
        self.page_box = _classes(widgets.VBox(layout=widgets.Layout(width="100%")), "verloop-page")
        self.nav = _classes(StepBar(), "verloop-nav")
        self.thanks = _classes(widgets.HTML(), "verloop-thanks")

        # The message appears twice (the same live region, two views): under the code field and
        # above the step bar, so that it is seen where the respondent is looking.
        self.welcome = _classes(
            widgets.VBox([self.intro, self.privacy, self.confidential_note, self.code_entry, self.message]),
            "verloop-welcome",
        )
        self.questions = _classes(
            widgets.VBox([self.progress_label, self.progress, self.page_box, self.message]), "verloop-questions"
        )
        self.widget = _classes(
            widgets.VBox(
                [self.css, self.lang, self.title, self.welcome, self.questions, self.thanks, self.nav],
                layout=widgets.Layout(width="100%"),
            ),
            "verloop-survey",
        )

        self.lang.observe(self._guard("language", self._on_language), names="value")
        self.code_entry.on_msg(lambda _w, content, _b: self._on_code_message(content))
        self.nav.on_msg(lambda _w, content, _b: self._on_nav_message(content))

        self.pages: list[tuple[str, object]] = []
        self.show_message(None)
        self._load_settings()
        self.render()
        if first_code.strip():
            self._guard("token check", lambda: self.check(first_code))()

    # -- plumbing -----------------------------------------------------------------------------
    def _store(self):
        if self.store is None:
            self.store = survey_store()
        return self.store

    def _guard(self, where: str, handler: Callable) -> Callable:
        """Run a widget callback; turn every failure into a message, never a traceback."""

        def guarded(*args):
            return run_guarded(self.show_message, where, handler, *args)

        return guarded

    def _load_settings(self) -> None:
        try:
            from verloop.store.settings import get_settings

            with self._store().session() as s:
                settings = get_settings(s)
                self.min_group_size = settings.min_group_size
                self.confidential = settings.survey_mode == "confidential"
                from verloop.surveys.modes import survey_notice  # the mode's notice, nl and en

                self.notices = {language: survey_notice(s, language)[1] for language in LANGUAGES}
        except VerloopError as exc:
            log.warning("survey app: cannot read settings: %s", exc)
            self.show_message(lambda lang: t("survey.unavailable", lang))

    def show_message(self, text: Callable[[str], str] | None) -> None:
        """Show a message, given as language -> text so that a language switch translates it."""
        self._message = text
        self.message.say(text(self.language) if text else "")

    @property
    def message_text(self) -> str:
        return self.message.text

    # -- messages from the browser (validated: widget messages are an input surface) ------------
    def _on_code_message(self, content) -> None:
        try:
            if isinstance(content, dict) and content.get("action") == "start":
                code = content.get("code")
                self.enter_code(code if isinstance(code, str) else "")
        finally:
            self.code_entry.ack += 1

    def _on_nav_message(self, content) -> None:
        try:
            if isinstance(content, dict):
                step = content.get("step")
                action = content.get("action")
                if isinstance(step, int) and not isinstance(step, bool) and isinstance(action, str):
                    self.press(action, step)
        finally:
            self.nav.ack += 1

    def enter_code(self, code: str) -> None:
        """The code field's Enter / Start: check the code and open the first page."""
        self.code_entry.value = code[:200]
        self._guard("start", lambda: self.start(code))()

    def press(self, action: str, step: int | None = None) -> None:
        """A click on Back / Next / Send made while ``step`` was shown; a click made on an
        earlier step (a double click that arrives after the first one moved on) is dropped."""
        if step is not None and step != self.step:
            return
        handlers = {
            "back": lambda: self.go(self.page - 1),
            "next": lambda: self.go(self.page + 1),
            "submit": self.send,
        }
        if action in handlers and self.page >= 0 and not self.done:
            self._guard("submit" if action == "submit" else action, handlers[action])()

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
        self.title.value = _html(inst.title[lang], "h1")
        self.intro.value = _html(inst.intro[lang])
        self.privacy.value = _html(inst.privacy[lang])
        self.confidential_note.value = (
            _html(getattr(self, "notices", {}).get(lang) or t("survey.confidential", lang, k=self.min_group_size))
            if self.confidential
            else ""
        )
        self.confidential_note.layout.display = None if self.confidential else "none"
        self.code_entry.label = t("survey.code_label", lang)
        self.code_entry.button = t("survey.start", lang)
        self.thanks.value = (
            f"<h2 class='verloop-focus' tabindex='-1'>{html.escape(t('survey.thanks', lang))}</h2>" if self.done else ""
        )
        self.welcome.layout.display = None if self.page < 0 and not self.done else "none"
        self.questions.layout.display = None if self.page >= 0 and not self.done else "none"
        self.thanks.layout.display = None if self.done else "none"
        # the kernel ends itself after the thank-you page: no control there that would need it
        self.lang.layout.display = "none" if self.done else None
        self.nav.labels = {
            "back": t("survey.back", lang),
            "next": t("survey.next", lang),
            "submit": t("survey.submit", lang),
        }
        self.nav.lang = lang
        self.nav.title = f"{inst.title[lang]} · Verloop"
        if self.page >= 0 and not self.done:
            self._render_page()
        else:
            self.nav.shown = []

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

    def start(self, code: str | None = None) -> None:
        if self.done or self.page >= 0:
            return  # a second Enter / Start after the questions opened
        self.check(self.code_entry.value if code is None else code)
        self.pages = survey_pages(self.instrument)
        self.go(0)

    def go(self, page: int) -> None:
        if self.done or not self.pages:
            return
        self.page = max(0, min(page, len(self.pages) - 1))
        self.show_message(None)
        self.render()
        self._next_step()

    def _next_step(self) -> None:
        """Tell the browser a new step is shown: it scrolls to the top and focuses its heading."""
        self.step += 1
        self.nav.step = self.step

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
        self.nav.shown = (["back"] if self.page > 0 else []) + (["submit"] if last else ["next"])
        self._update_progress()

    def _update_progress(self) -> None:
        items = len(self.instrument.items)
        answered = sum(1 for v in self.answers.values() if v != SKIP)
        self.progress.max = len(self.pages)
        self.progress.value = self.page + 1
        text = t(
            "survey.step", self.language, page=self.page + 1, pages=len(self.pages), answered=answered, items=items
        )
        self.progress_label.value = f"<p class='verloop-focus' tabindex='-1'>{html.escape(text)}</p>"

    # -- page builders ------------------------------------------------------------------------
    def _choice(
        self,
        question: str,
        options,
        value,
        shape: str,
        on_change: Callable,
        *,
        stem: str = "",
        legend: str = "",
        classes: tuple[str, ...] = (),
    ):
        """One question as a radio group; a value the browser sends that was not offered is
        ignored (the group is reset) — widget messages are an input surface. ``classes`` go
        with the widget's first message (not one update per class: a page has up to 5 groups)."""
        from verloop.apps.survey_widgets import ChoiceGroup

        allowed = [v for v, _label, _hint in options]
        group = ChoiceGroup(
            question=question,
            stem=stem,
            legend=legend,
            shape=shape,
            options=[list(o) for o in options],
            value=value if value in allowed else None,
            _dom_classes=list(classes),
        )

        def changed(change):
            new = change["new"]
            if new is not None and (isinstance(new, bool) or new not in allowed):
                group.value = None
                return
            on_change(new)

        group.observe(self._guard("answer", changed), names="value")
        return group

    def _reason_widgets(self, lang: str) -> list[widgets.Widget]:
        inst = self.instrument
        options = [(r.code, r.label[lang], "") for r in inst.reasons] + [(SKIP, t("survey.skip", lang), "")]

        def changed(value):
            self.reason = value if value in inst.reason_codes else (SKIP if value == SKIP else None)

        classes = ("verloop-item", "verloop-reason")
        return [self._choice(inst.reason_question[lang], options, self.reason, "list", changed, classes=classes)]

    def _scale_widgets(self, scale, lang: str) -> list[widgets.Widget]:
        children: list[widgets.Widget] = []
        stem = scale.stem[lang] if scale.stem is not None else ""
        for item in scale.items:
            labels = item.labels(lang)
            if len(labels) == len(item.points):
                options = [(p, labels[p], "") for p in item.points]
                long_labels = max(len(label) for label in labels.values()) > 40 or len(options) > 7
                shape, legend = ("list" if long_labels else "scale"), ""
            else:  # numbered points with anchors: a row of numbers, the anchors spoken and shown
                options = [(p, str(p), labels.get(p, "")) for p in item.points]
                shape = "numeric"
                legend = " · ".join(f"{p} = {labels[p]}" for p in sorted(labels))
            options.append((SKIP, t("survey.skip", lang), ""))

            def changed(value, item_id=item.id, points=tuple(item.points)):
                if value in points or value == SKIP:
                    self.answers[item_id] = value
                else:
                    self.answers.pop(item_id, None)
                self._update_progress()

            group = self._choice(
                item.text[lang],
                options,
                self.answers.get(item.id),
                shape,
                changed,
                stem=stem,
                legend=legend,
                classes=("verloop-item", f"verloop-item-{item.id}"),
            )
            children.append(group)
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
                    description=question.text[lang],  # the text box's accessible name
                    layout=widgets.Layout(width="100%"),
                    style={"description_width": "0px"},
                ),
                "verloop-open",
                f"verloop-open-{question.id}",
            )
            counter = _classes(widgets.HTML(), "verloop-count", f"verloop-count-{question.id}")

            def changed(change, question_id=question.id, counter=counter, limit=limit):
                text = change["new"] if isinstance(change["new"], str) else ""
                self.comments[question_id] = text
                n = len(text)
                colour = "#a30000" if n > limit else "#5b6675"
                counter.value = f"<span style='color:{colour}'>{html.escape(t('survey.chars', self.language, n=n, max=limit))}</span>"

            changed({"new": area.value})
            area.observe(self._guard("comment", changed), names="value")
            children.append(
                _classes(
                    widgets.VBox([_classes(widgets.HTML(_html(question.text[lang])), "verloop-q"), area, counter]),
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
                    lambda lang, q=question, n=n: t(
                        "survey.too_long", lang, question=q.text[lang], n=n, max=q.max_length
                    )
                )
                return
        if not answers and not comments and reason is None:
            self.show_message(lambda lang: t("survey.empty", lang))
            return
        submit(self._store(), self.token, answers, comments, self.language, reason, self.today, kind=self.kind)
        self.finish()

    def finish(self) -> None:
        """Show the thank-you page and forget the answers held in this kernel."""
        self.done = True
        self.answers.clear()
        self.comments.clear()
        self.reason = None
        self.token = None
        self.code_entry.value = ""
        old = list(self.page_box.children)
        self.page_box.children = []
        for widget in old:
            _close_tree(widget)
        self.show_message(None)
        self.progress_label.value = ""
        self.render()
        self._next_step()
        self._leave()

    def _leave(self) -> None:
        """Under Voilà, end this respondent's kernel shortly after the thank-you page (it holds
        nothing any more; ``verloop.apps.preheat.leave_after``)."""
        from verloop.apps.preheat import leave_after

        leave_after(close=self.store.dispose if self.store is not None else None)


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
    # The Send path (ballots, keys, scoring) is loaded now, while a preheated kernel waits, not
    # when its respondent presses Send: ~50 ms less between Send and the thank-you page.
    import verloop.surveys.submit  # noqa: F401

    if store is None:
        try:
            store = survey_store()
        except VerloopError as exc:
            log.warning("survey app: cannot open the database: %s", exc)
            store = None
    if wait_for_request and query_string is None:
        # A kernel from Voilà's pool waits here for its respondent's request (Voilà's protocol,
        # without importing voila: verloop.apps.preheat); any other kernel goes straight on.
        from verloop.apps.preheat import wait_for_request as _wait

        _wait()
    try:
        return SurveyApp(kind, store=store, query_string=query_string, language=language, today=today).widget
    except Exception as exc:  # never a traceback in the respondent's browser
        _log_failure("build", exc)
        return unavailable_widget()


def unavailable_widget() -> widgets.Widget:
    """The page shown when the app itself cannot be built (both languages, no details)."""
    return _classes(
        widgets.HTML(_html(t("survey.unavailable", "nl") + " / " + t("survey.unavailable", "en"))), "verloop-message"
    )
