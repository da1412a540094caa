"""The HR home: Verloop's own first page for HR, in Dutch and English.

The organisation's name and size, its headline figures — voluntary turnover over the last 12
months with its 95 % interval, the response rate of the latest wave with results, the teams at
risk and the watermelon teams — and the dashboard pages as cards with one line each.

Every figure comes from the same functions the dashboard pages use (``dashboard.figures``,
through the privacy door, and the pages' own definitions such as ``pages.risk.at_risk``), for
the same default selection (``filters.default_filters``): the home never computes a figure of
its own, so it always agrees with the page its card links to. ``apps/index.ipynb`` only calls
:func:`build`.
"""

from __future__ import annotations

import dataclasses
import html
import logging

import ipywidgets as widgets
import pandas as pd

from verloop.apps.dashboard import PAGE_KEYS
from verloop.apps.dashboard.filters import default_filters
from verloop.apps.dashboard.layout import CSS, prepare_kernel, query_lang
from verloop.domain.period import month_start
from verloop.errors import VerloopError
from verloop.i18n import check_lang, day_label, month_span, number, percent, t, unit_word

log = logging.getLogger(__name__)

PAGE_PATH = "/voila/render/dashboard_{key}.ipynb"  # relative to the server root (the HR side's routes)

HOME_CSS = """
<style>
.verloop-home { max-width: 1100px; margin: 0 auto; font-family: system-ui, sans-serif; color: #1a1a1a; }
.verloop-home .widget-html-content, .verloop-home p, .verloop-home a { line-height: 1.4; }
.verloop-home-header { flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 0.5em; }
.verloop-home h1 { font-size: 1.7em; margin: 0.2em 0 0 0; line-height: 1.25; }
.verloop-home .verloop-home-facts { color: #444; margin: 0.1em 0 0.8em 0; }
.verloop-home .verloop-home-lead { color: #333; margin: 0 0 0.8em 0; max-width: 60em; }
.verloop-headlines { display: grid; grid-template-columns: repeat(auto-fit, minmax(14em, 1fr)); gap: 0.8em; }
.verloop-headline { display: block; border: 1px solid #d0d0d0; border-left: 6px solid #0173B2; border-radius: 8px;
  padding: 0.7em 0.9em; text-decoration: none; color: inherit; background: #fff; }
.verloop-headline:hover, .verloop-headline:focus { background: #f3f7fb; outline: 2px solid #0173B2; outline-offset: 1px; }
.verloop-headline.verloop-tone-attention { border-left-color: #D55E00; }
.verloop-headline.verloop-tone-calm { border-left-color: #029E73; }
.verloop-headline.verloop-tone-none { border-left-color: #949494; }
.verloop-headline .verloop-headline-label { font-size: 0.95em; color: #333; }
.verloop-headline .verloop-headline-value { font-size: 2.1em; font-weight: 700; line-height: 1.2; }
.verloop-headline .verloop-headline-sub { font-size: 0.85em; color: #444; }
.verloop-home h2 { font-size: 1.2em; margin: 1.2em 0 0.5em 0; }
.verloop-home-pages { display: grid; grid-template-columns: repeat(auto-fit, minmax(16em, 1fr)); gap: 0.6em; }
.verloop-home-page { display: block; border: 1px solid #d0d0d0; border-radius: 8px; padding: 0.6em 0.8em;
  text-decoration: none; color: inherit; background: #fafafa; }
.verloop-home-page:hover, .verloop-home-page:focus { background: #eef4fa; outline: 2px solid #0173B2; outline-offset: 1px; }
.verloop-home-page strong { color: #0b4f80; display: block; margin-bottom: 0.15em; }
.verloop-home-page span { font-size: 0.88em; color: #333; }
.verloop-home .verloop-home-window { color: #555; font-size: 0.85em; margin-top: 0.6em; }
</style>
"""


@dataclasses.dataclass(frozen=True)
class Headline:
    """One headline card: words in the reader's language, the page it opens."""

    key: str  # the figure: turnover | response | risk | watermelon
    label: str
    value: str
    sub: str
    page: str  # the dashboard page with the details
    tone: str = "info"  # info | attention | calm | none (the accent colour; the words say it too)


def _guarded(key: str, label: str, page: str, lang: str, compute) -> Headline:
    """A headline, or '—' with the door's sentence when the figure cannot be shown."""
    try:
        return compute()
    except VerloopError as exc:
        return Headline(key, label, "—", str(exc), page, "none")
    except Exception as exc:  # a bug must not take the whole home down: say so on the card
        log.exception("HR home: figure %s failed", key)
        return Headline(key, label, "—", f"{t('error', lang)}: {type(exc).__name__}", page, "none")


def turnover_headline(source, lang: str) -> Headline:
    """Voluntary turnover over the last 12 months with its 95 % interval (the turnover page's card)."""
    from verloop.apps.dashboard import figures
    from verloop.apps.dashboard.pages.turnover import voluntary_card

    def compute():
        summary = figures.turnover_summary(source, default_filters(source.options, lang))
        row = summary.iloc[0] if len(summary) else pd.Series(dtype=object)
        label, value, sub = voluntary_card(row, lang)
        return Headline(
            "turnover",
            label,
            value,
            f"{t('last_n_months', lang, n=12).lower()} · {sub}",
            "turnover",
            "info" if value != "—" else "none",
        )

    return _guarded("turnover", t("kpi_voluntary", lang), "turnover", lang, compute)


def response_headline(source, lang: str) -> Headline:
    """The response rate of the latest closed wave with results (the engagement page's panel)."""
    from verloop.apps.dashboard import figures

    label = t("kpi_response", lang)

    def compute():
        waves = figures.waves_with_results(source)
        if not len(waves):
            return Headline("response", label, "—", t("no_closed_wave", lang), "engagement", "none")
        latest = waves.iloc[-1]
        opens = pd.Timestamp(latest["opens_on"]).date()
        filters = dataclasses.replace(default_filters(source.options, lang, months=0), start=month_start(opens))
        summary = figures.wave_summary(source, filters)
        rows = summary[summary["wave"] == latest["wave"]]
        if not len(rows):
            return Headline("response", label, "—", str(latest["wave"]), "engagement", "none")
        row = rows.iloc[-1]
        if bool(row["suppressed"]) and pd.isna(row["response_rate"]):
            return Headline("response", label, "—", f"{latest['wave']}: {row['note']}", "engagement", "none")
        sub = t(
            "home_response_sub",
            lang,
            wave=str(latest["wave"]),
            n=number(row["n"], lang, 0),
            invited=number(row["invited"], lang, 0),
        )
        return Headline("response", label, percent(row["response_rate"], lang), sub, "engagement")

    return _guarded("response", label, "engagement", lang, compute)


def risk_headline(source, lang: str) -> Headline:
    """How many teams are at risk over the next 12 months (the risk page's definition)."""
    from verloop.apps.dashboard import figures
    from verloop.apps.dashboard.pages.risk import at_risk

    label = t("teams_at_risk", lang)

    def compute():
        result = figures.team_risk(source, default_filters(source.options, lang))
        if result.get("message") == "no_model":
            return Headline("risk", label, "—", t("no_model", lang), "risk", "none")
        frame = result["risk"]
        twelve = frame[frame["horizon_months"] == 12] if len(frame) else frame
        shown = int((~twelve["suppressed"].astype(bool)).sum()) if len(twelve) else 0
        count = int(at_risk(frame).sum())
        return Headline(
            "risk",
            label,
            number(count, lang, 0),
            t("home_risk_sub", lang, total=number(shown, lang, 0)),
            "risk",
            "attention" if count else "calm",
        )

    return _guarded("risk", label, "risk", lang, compute)


def watermelon_headline(source, lang: str) -> Headline:
    """How many teams are green on KPIs and red on people (the watermelon page's flag)."""
    from verloop.apps.dashboard import figures

    label = t("kpi_watermelon", lang)

    def compute():
        teams = figures.kpi_vs_people(source, default_filters(source.options, lang))["teams"]
        if not len(teams):
            return Headline("watermelon", label, "—", t("no_data", lang), "watermelon", "none")
        shown = teams[~teams["suppressed"].astype(bool)]
        count = int(shown["watermelon"].fillna(False).astype(bool).sum())
        return Headline(
            "watermelon",
            label,
            number(count, lang, 0),
            t("home_watermelon_sub", lang, total=number(len(shown), lang, 0)),
            "watermelon",
            "attention" if count else "calm",
        )

    return _guarded("watermelon", label, "watermelon", lang, compute)


HEADLINES = (turnover_headline, response_headline, risk_headline, watermelon_headline)


def headlines(source, lang: str) -> list[Headline]:
    """The home's four headline figures, in ``lang``."""
    return [make(source, check_lang(lang)) for make in HEADLINES]


def page_links(lang: str) -> list[tuple[str, str, str, str]]:
    """(key, title, one-line description, address) for every dashboard page, in the package's
    one page order (``PAGE_KEYS``)."""
    return [
        (key, t(f"page_{key}", lang), t(f"desc_{key}", lang), PAGE_PATH.format(key=key) + f"?lang={lang}")
        for key in PAGE_KEYS
    ]


def _facts(status: dict, lang: str) -> str:
    parts = [
        (status.get("sites"), "site"),
        (status.get("teams"), "team"),
        (status.get("current_employees"), "employee"),
    ]
    words = []
    for n, unit in parts:
        if n is None:
            continue
        words.append(f"{number(n, lang, 0)} {unit_word(unit, n, lang)}")
    return " · ".join(words)


def home_html(source, status: dict, lang: str, cards: list[Headline] | None = None) -> str:
    """The home's body as escaped HTML (title, facts, headline cards, page cards, data window)."""
    lang = check_lang(lang)
    out = [f'<p class="verloop-home-facts">{html.escape(_facts(status, lang))}</p>']
    if source is None or source.options.last_month is None:
        out.append(f'<p class="verloop-home-lead verloop-home-empty">{html.escape(t("home_no_data", lang))}</p>')
    else:
        out.append(f'<p class="verloop-home-lead">{html.escape(t("home_lead", lang, k=source.k))}</p>')
        cards = cards if cards is not None else headlines(source, lang)
        body = "".join(
            f'<a class="verloop-headline verloop-headline-{c.key} verloop-tone-{c.tone}" '
            f'href="{html.escape(PAGE_PATH.format(key=c.page))}?lang={lang}">'
            f'<div class="verloop-headline-label">{html.escape(c.label)}</div>'
            f'<div class="verloop-headline-value">{html.escape(c.value)}</div>'
            f'<div class="verloop-headline-sub">{html.escape(c.sub)}</div></a>'
            for c in cards
        )
        out.append(f'<div class="verloop-headlines" role="list">{body}</div>')
    links = "".join(
        f'<a class="verloop-home-page verloop-home-page-{key}" href="{html.escape(href)}">'
        f"<strong>{html.escape(title)}</strong><span>{html.escape(desc)}</span></a>"
        for key, title, desc, href in page_links(lang)
    )
    out.append(f'<h2>{html.escape(t("home_pages", lang))}</h2><nav class="verloop-home-pages">{links}</nav>')
    if source is not None and source.options.last_month is not None:
        filters = default_filters(source.options, lang)
        window = t(
            "home_data", lang, end=day_label(source.today, lang), period=month_span(filters.start, filters.end, lang)
        )
        privacy = t("privacy_footer", lang, k=source.k, kc=source.comment_k)
        out.append(f'<p class="verloop-home-window">{html.escape(window)} {html.escape(privacy)}</p>')
    return f'<div lang="{lang}">' + "".join(out) + "</div>"


def home_status(source) -> dict:
    """``verloop.status.organisation_status`` (the home's title and facts), kept in the
    dashboards' figure cache per data revision like the headline figures: the refresh computes
    it (it counts every answer: seconds at 50,000 employees), a home kernel reads it."""
    from verloop.apps.dashboard.cache import FRAME_CODE
    from verloop.apps.dashboard.figures import cached
    from verloop.status import organisation_status

    return cached(
        source, ("organisation-status",), lambda: organisation_status(source.store), code=(*FRAME_CODE, "status.py")
    )


def title_html(status: dict, lang: str) -> str:
    org = str(status.get("organisation") or "Verloop")
    return f'<h1 lang="{check_lang(lang)}">{html.escape(t("home_title", check_lang(lang), org=org))}</h1>'


class HomePage:
    """The HR home widget: a header with the language switch, and the body in that language
    (figures computed once per language; switching back is instant)."""

    def __init__(self, store=None, lang: str | None = None, source=None):
        from verloop.apps.dashboard.data import DashboardSource

        if source is None:
            store = prepare_kernel(store)  # a preheated kernel: all that needs no data, before the wait
        self.lang = check_lang(lang or query_lang())
        self.source = source or DashboardSource.open(store)
        self.status = home_status(self.source)
        self._bodies: dict[str, str] = {}
        self.root: widgets.VBox | None = None

    def body(self, lang: str) -> str:
        if lang not in self._bodies:
            self._bodies[lang] = home_html(self.source, self.status, lang)
        return self._bodies[lang]

    def build(self) -> widgets.VBox:
        self.language = widgets.ToggleButtons(
            options=[("NL", "nl"), ("EN", "en")],
            value=self.lang,
            tooltips=["Nederlands", "English"],
            style={"button_width": "48px"},
        )
        self.language.add_class("verloop-lang")
        self.title = widgets.HTML(title_html(self.status, self.lang))
        self.title.add_class("verloop-title")
        self.content = widgets.HTML(self.body(self.lang))
        self.content.add_class("verloop-home-body")
        self.language.observe(self._switch, names="value")
        header = widgets.HBox([self.title, self.language])
        header.add_class("verloop-home-header")
        self.root = widgets.VBox([widgets.HTML(CSS + HOME_CSS), header, self.content])
        self.root.add_class("verloop-home")
        self.root.add_class("verloop-index")
        self.root.add_class("verloop-ready")
        return self.root

    def _switch(self, change) -> None:
        lang = check_lang(change["new"])
        self.lang = lang
        self.root.remove_class("verloop-ready")
        self.title.value = title_html(self.status, lang)
        self.content.value = self.body(lang)
        self.root.add_class("verloop-ready")


def build(store=None, lang: str | None = None) -> widgets.VBox:
    """The HR home as a widget (what ``apps/index.ipynb`` shows)."""
    return HomePage(store=store, lang=lang).build()
