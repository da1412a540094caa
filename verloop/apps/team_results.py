"""Results back to employees: a team's and the organisation's scale scores in closed waves.

Reached on the survey side without the HR token, by a link per team and wave that HR hands out
with the codes (``verloop survey tokens`` prints it)::

    …/voila/render/team_results.ipynb?wave=<wave id>&team=<team id>&key=<results key>

The key is an HMAC of (wave, team) under a key derived from the key file outside the database
(:mod:`verloop.surveys.keys`), so a team's page cannot be guessed or derived from another
team's link, nor forged from a copy of the database. A missing, altered or foreign key gets
the same sentence whichever part is wrong (nothing tells whether a team exists).

Every figure comes through the privacy door (``verloop.privacy`` via the dashboards' published
frames in :mod:`verloop.apps.dashboard.figures`): groups under k are hidden, complementary
suppression guards against differencing, and no comments, distributions or filters are shown,
so nothing on the page can be narrowed to one person. Only closed waves have results.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import html
import logging
import os
from urllib.parse import parse_qs, urlencode

import ipywidgets as widgets

from verloop.errors import InputError, VerloopError
from verloop.i18n import check_lang, number, t, unit_word

log = logging.getLogger("verloop.apps.team_results")

KEY_LENGTH = 26  # hex digits of the HMAC kept in the link (104 bits)
LANGS = (("Nederlands", "nl"), ("English", "en"))

# -- the link -----------------------------------------------------------------------------------


def results_key(keys, wave_salt: str, wave_id: int, team_id: int) -> str:
    """The key in a team's results link: HMAC-SHA256 over (wave, team) with a key derived from
    the key file and the wave's salt (a NUL-separated label: no survey code hashes the same)."""
    message = f"\x00team-results\x00{int(wave_id)}\x00{int(team_id)}".encode("ascii")
    return hmac.new(keys.token_key(wave_salt), message, hashlib.sha256).hexdigest()[:KEY_LENGTH]


def results_link(store, wave_name: str, team_name: str, base_url: str | None = None) -> str:
    """The link HR hands out with one team's codes for ``wave_name``."""
    from verloop.surveys.keys import keys_for
    from verloop.surveys.tokens import DEFAULT_BASE_URL
    from verloop.surveys.waves import get_team, get_wave

    with store.session() as s:
        wave = get_wave(s, wave_name)
        team = get_team(s, team_name)
        key = results_key(keys_for(store), wave.token_salt, wave.id, team.id)
        query = urlencode({"wave": wave.id, "team": team.id, "key": key})
    base = (base_url or DEFAULT_BASE_URL).rstrip("/")
    return f"{base}/voila/render/team_results.ipynb?{query}"


def link_parameters(query_string: str | None = None) -> dict[str, str]:
    """``wave``, ``team``, ``key`` and ``lang`` from the request's query string."""
    query = os.environ.get("QUERY_STRING", "") if query_string is None else query_string
    parsed = parse_qs(query or "", keep_blank_values=False, max_num_fields=20)
    return {k: v[0][:100] for k, v in parsed.items() if k in ("wave", "team", "key", "lang") and v}


def check_link(store, params: dict[str, str]) -> tuple[int, str, dict]:
    """(team id, team name, wave info) of a valid link; InputError (one sentence for every
    kind of wrong link) otherwise. Read-only."""
    from verloop.store.schema import Team, Wave
    from verloop.surveys.keys import keys_for

    wrong = InputError("the team results link is not valid.")
    try:
        wave_id, team_id = int(params.get("wave", "")), int(params.get("team", ""))
    except ValueError:
        raise wrong from None
    key = params.get("key", "")
    with store.session() as s:
        wave = s.get(Wave, wave_id)
        team = s.get(Team, team_id)
        if wave is None or team is None:
            raise wrong
        expected = results_key(keys_for(store), wave.token_salt, wave.id, team.id)
        if not hmac.compare_digest(expected.encode(), key.lower().encode("ascii", "replace")):
            raise wrong
        info = {"wave": wave.name, "state": wave.status, "kind": wave.kind}
        return int(team.id), str(team.name), info


# -- the page -----------------------------------------------------------------------------------

CSS = """
<style>
.verloop-results { max-width: 860px; margin: 0 auto; padding: 4px 4px 32px; font-size: 17px; width: 100%;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2733; box-sizing: border-box; }
.verloop-results .widget-html, .verloop-results .widget-html-content { white-space: normal; line-height: 1.45;
  font-size: inherit; min-width: 0; max-width: 100%; width: 100%; height: auto; display: block; overflow-wrap: break-word; }
.verloop-results h1 { font-size: 1.6em; margin: 6px 0 10px; line-height: 1.25; }
.verloop-results h2 { font-size: 1.2em; margin: 22px 0 8px; }
.verloop-results .vr-note { background: #f1f5f9; border-left: 5px solid #1f5fa8; padding: 8px 14px; border-radius: 6px; }
.verloop-results .vr-scroll { overflow-x: auto; max-width: 100%; }
.verloop-results table { border-collapse: collapse; width: 100%; font-size: 0.95em; }
.verloop-results th, .verloop-results td { padding: 8px 10px; border-bottom: 1px solid #e4e8ee; text-align: right;
  white-space: nowrap; }
.verloop-results th:first-child, .verloop-results td:first-child { text-align: left; white-space: normal; overflow-wrap: normal;
  hyphens: auto; min-width: 7.5em; }
.verloop-results thead th { background: #eef2f7; font-weight: 600; }
.verloop-results .vr-range { color: #5b6675; font-size: 0.85em; display: block; }
.verloop-results .vr-hidden { color: #5b6675; font-size: 0.92em; }
.verloop-results a { color: #1f5fa8; }
</style>
"""


def _num(value, lang: str, scale: str) -> str:
    from verloop.apps.dashboard.figures import scale_range

    if value is None or value != value:  # missing or NaN: hidden or not asked
        return "—"
    digits = 0 if scale == "response_rate" or scale_range(scale)[1] > 10 else 1
    text = number(value, lang, digits)
    return f"{text}%" if scale == "response_rate" else text


def _label(scale: str, lang: str) -> str:
    from verloop.apps.dashboard.figures import scale_range
    from verloop.apps.dashboard.i18n import scale_label

    if scale == "response_rate":
        return html.escape(t("response_rate", lang))
    lo, hi = scale_range(scale)
    return (
        f"{html.escape(scale_label(scale, lang))}<span class='vr-range'>"
        f"{html.escape(t('results.range', lang, lo=number(lo, lang, 0), hi=number(hi, lang, 0)))}</span>"
    )


def _hidden_line(frames, lang: str) -> str:
    """The hidden figures of the page folded into one line per reason, with a count."""
    counts: dict[str, int] = {}
    for frame in frames:
        if frame is None or not len(frame) or "suppressed" not in frame.columns:
            continue
        hidden = frame[frame["suppressed"].fillna(False).astype(bool)]
        for note in hidden["note"].fillna("").astype(str):
            counts[note] = counts.get(note, 0) + 1
    parts = []
    for note, n in counts.items():
        parts.append(t("results.hidden", lang, n=n, what=unit_word("figure", n, lang), note=note or "—"))
    return "<br>".join(html.escape(p) for p in parts)


def comparison_table(scores, lang: str) -> str:
    """Latest closed wave: one row per scale (and the response rate), team beside organisation."""
    if scores is None or not len(scores):
        return ""
    rows = []
    order = list(dict.fromkeys(scores["scale"]))
    for scale in order:
        part = scores[scores["scale"] == scale]
        cells = []
        for kind in ("team", "organisation"):
            row = part[part["group_kind"] == kind]
            value = None if not len(row) or bool(row["suppressed"].iloc[0]) else row["score"].iloc[0]
            cells.append(f"<td>{html.escape(_num(value, lang, scale))}</td>")
        rows.append(f"<tr><th scope='row'>{_label(scale, lang)}</th>{''.join(cells)}</tr>")
    head = (
        f"<thead><tr><th scope='col'>{html.escape(t('results.scale', lang))}</th>"
        f"<th scope='col'>{html.escape(t('your_team', lang))}</th><th scope='col'>{html.escape(t('organisation', lang))}</th>"
        "</tr></thead>"
    )
    return f"<div class='vr-scroll'><table class='verloop-results-latest'>{head}<tbody>{''.join(rows)}</tbody></table></div>"


def trend_table(frame, lang: str, css_class: str) -> str:
    """Scales down, closed waves across; hidden cells show '—' (the reason is in the line below)."""
    if frame is None or not len(frame):
        return ""
    waves = list(dict.fromkeys(frame.sort_values("opens_on")["wave"]))
    scales = list(dict.fromkeys(frame["scale"]))
    head = "".join(f"<th scope='col'>{html.escape(str(w))}</th>" for w in waves)
    body = []
    for scale in scales:
        part = frame[frame["scale"] == scale].set_index("wave")
        cells = []
        for wave in waves:
            if wave in part.index and not bool(part.loc[wave, "suppressed"]):
                value = part.loc[wave, "score"]
            else:
                value = None
            cells.append(f"<td>{html.escape(_num(value, lang, scale))}</td>")
        body.append(f"<tr><th scope='row'>{_label(scale, lang)}</th>{''.join(cells)}</tr>")
    return (
        f"<div class='vr-scroll'><table class='{css_class}'><thead><tr><th scope='col'>"
        f"{html.escape(t('results.scale', lang))}</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table></div>"
    )


def _organisation_trend(source, lang: str):
    from verloop.apps.dashboard import figures
    from verloop.apps.dashboard.filters import Filters

    every_wave = Filters(start=dt.date(1900, 1, 1), end=dt.date(9999, 12, 31), lang=lang)
    return figures.scale_trend(source, every_wave)


class TeamResults:
    """The page: a language switch and the results of one team (or why there are none)."""

    def __init__(self, *, store=None, query_string: str | None = None, language: str | None = None):
        from verloop.apps.survey_widgets import StepBar

        self.params = link_parameters(query_string)
        self.language = language or check_lang(self.params.get("lang"))
        self.store = store
        self.source = None
        self.team: tuple[int, str, dict] | None = None
        self.problem: str | None = None
        self.lang = widgets.ToggleButtons(options=LANGS, value=self.language, style={"button_width": "auto"})
        self.lang.add_class("verloop-lang")
        self.body = widgets.HTML()
        self.body.add_class("verloop-results-body")
        self.page = StepBar()  # no buttons: keeps <html lang> and the title in the page's language
        self.widget = widgets.VBox(
            [widgets.HTML(CSS), self.lang, self.body, self.page], layout=widgets.Layout(width="100%")
        )
        self.widget.add_class("verloop-results")
        self.lang.observe(self._on_language, names="value")
        self._load()
        self.render()

    def _load(self) -> None:
        if not any(self.params.get(k) for k in ("wave", "team", "key")):
            self.problem = "need_link"
            return
        try:
            if self.store is None:
                from verloop.apps.survey import survey_store

                self.store = survey_store()
            self.team = check_link(self.store, self.params)
            from verloop.apps.dashboard.data import DashboardSource

            self.source = DashboardSource.open(self.store)
        except InputError:
            self.problem = "bad_link"
        except VerloopError as exc:
            log.warning("team results: %s", type(exc).__name__)
            self.problem = "unavailable"

    def _on_language(self, change) -> None:
        if change["new"] in ("nl", "en"):
            self.language = change["new"]
            self.render()

    def render(self) -> None:
        lang = self.language
        self.page.lang = lang
        self.page.title = t("results.page_title", lang)
        home = f"<p><a href='survey_home.ipynb?lang={lang}'>{html.escape(t('results.back_home', lang))}</a></p>"
        if self.problem is not None:
            self.body.value = (
                f"<h1>{html.escape(t('results.page_title', lang).split(' · ')[0])}</h1>"
                f"<p class='vr-note verloop-results-problem'>{html.escape(t(f'results.{self.problem}', lang))}</p>{home}"
            )
            return
        try:
            self.body.value = self._results_html(lang) + home
        except Exception as exc:  # never a traceback in an employee's browser
            log.error("team results failed with %s", type(exc).__name__)
            self.body.value = (
                f"<p class='vr-note verloop-results-problem'>{html.escape(t('results.unavailable', lang))}</p>"
            )

    def _results_html(self, lang: str) -> str:
        from verloop.apps.dashboard import figures

        team_id, team_name, wave = self.team
        source = self.source
        parts = [
            f"<h1>{html.escape(t('results.title', lang, team=team_name))}</h1>",
            f"<p>{html.escape(t('results.intro', lang, k=source.k))}</p>",
        ]
        if wave["state"] != "closed" and wave["kind"] == "pulse":
            parts.append(
                f"<p class='vr-note verloop-results-open'>{html.escape(t('results.open_wave', lang, wave=wave['wave']))}</p>"
            )
        latest = figures.team_vs_organisation(source, team_id, lang)
        team_trend = figures.team_scale_trend(source, team_id, lang)
        org_trend = _organisation_trend(source, lang)
        if not len(latest):
            parts.append(f"<p class='vr-note verloop-results-none'>{html.escape(t('results.no_results', lang))}</p>")
            return "".join(parts)
        wave_name = str(latest["wave"].dropna().iloc[0]) if latest["wave"].notna().any() else ""
        parts.append(f"<h2>{html.escape(t('results.latest', lang, wave=wave_name))}</h2>")
        parts.append(comparison_table(latest, lang))
        parts.append(f"<h2>{html.escape(t('results.trend_team', lang))}</h2>")
        parts.append(trend_table(team_trend, lang, "verloop-results-team-trend"))
        parts.append(f"<h2>{html.escape(t('results.trend_org', lang))}</h2>")
        parts.append(trend_table(org_trend, lang, "verloop-results-org-trend"))
        hidden = _hidden_line([latest, team_trend, org_trend], lang)
        if hidden:
            parts.append(f"<p class='vr-hidden verloop-results-hidden'>{hidden}</p>")
        return "".join(parts)


def build_team_results(
    *, store=None, query_string: str | None = None, language: str | None = None, wait_for_request: bool = True
) -> widgets.Widget:
    """The employees' team results page as one widget (see the module docstring)."""
    if wait_for_request and query_string is None:
        from verloop.apps.preheat import wait_for_request as _wait

        _wait()
    try:
        return TeamResults(store=store, query_string=query_string, language=language).widget
    except Exception as exc:
        log.error("team results: build failed with %s", type(exc).__name__)
        box = widgets.HTML(
            f"<p>{html.escape(t('results.unavailable', 'nl'))} / {html.escape(t('results.unavailable', 'en'))}</p>"
        )
        box.add_class("verloop-results-problem")
        return box
