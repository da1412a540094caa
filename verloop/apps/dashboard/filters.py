"""The one filter bar every dashboard page shares: site, team, period, and the language switch.

The bar only holds choices; it never computes anything. A page subscribes with ``on_change``
and receives a ``Filters`` value (immutable, hashable: it doubles as a cache key). Every value
that comes back from the browser is checked against the options the bar offered, because
widget messages are an input surface (ARCHITECTURE.md).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

import ipywidgets as widgets

from verloop.apps.dashboard.i18n import LANGS, check_lang, month_span, t
from verloop.domain.period import DEFAULT_MONTHS, last_months, month_end

PERIOD_CHOICES = (3, 6, 12, 24, 0)  # months back from the last month with data; 0 = all
DEFAULT_PERIOD = DEFAULT_MONTHS
ALL = -1  # the dropdowns' value for "all sites / all teams" (a None value shows as an empty box)


@dataclasses.dataclass(frozen=True)
class Filters:
    """What the reader chose. ``None`` means 'all'; the period is [start, end] by month."""

    site_id: int | None = None
    team_id: int | None = None
    months: int = DEFAULT_PERIOD
    start: dt.date | None = None
    end: dt.date | None = None
    lang: str = "nl"

    def data_key(self) -> tuple:
        """The part that changes figures (the language only changes words)."""
        return (self.site_id, self.team_id, self.start, self.end)


@dataclasses.dataclass(frozen=True)
class OrgOptions:
    """Sites, teams and months the filter bar can offer (organisation structure, no answers)."""

    sites: tuple[tuple[int, str], ...]
    teams: tuple[tuple[int, str, int], ...]  # id, name, site id
    first_month: dt.date | None
    last_month: dt.date | None
    last_day: dt.date | None = None  # the data's last recorded day (``verloop.status.end_of_data``)

    def team_name(self, team_id: int | None) -> str | None:
        return next((name for tid, name, _ in self.teams if tid == team_id), None)

    def site_name(self, site_id: int | None) -> str | None:
        return next((name for sid, name in self.sites if sid == site_id), None)


def period_bounds(options: OrgOptions, months: int) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of the chosen period: ``verloop.domain.last_months`` (whole months,
    ending at the last month with data, on the data's last recorded day)."""
    if options.last_month is None:
        return None, None
    last_day = options.last_day or month_end(options.last_month)
    return last_months(last_day, months, first_day=options.first_month)


def default_filters(options: OrgOptions, lang: str = "nl", months: int = DEFAULT_PERIOD) -> Filters:
    """What a page shows before the reader chooses: everyone, the last ``months`` months of data
    (the filter bar's starting value; the HR home's figures use the same)."""
    start, end = period_bounds(options, months)
    return Filters(months=months, start=start, end=end, lang=check_lang(lang))


class FilterBar:
    """Dropdowns for site, team and period plus a language toggle, with stable CSS classes.

    ``show`` chooses which filters a page offers (the language switch is always there).
    """

    def __init__(
        self,
        options: OrgOptions,
        lang: str = "nl",
        *,
        show: Sequence[str] = ("site", "team", "period"),
        period: int = DEFAULT_PERIOD,
        require_team: bool = False,
    ):
        self.options = options
        self.show = tuple(show)
        self.require_team = require_team
        self._callbacks: list[Callable[[Filters, Filters], None]] = []
        self._muted = False
        self._lang = check_lang(lang)
        self.site = widgets.Dropdown(description=t("site", self._lang))
        self.site.add_class("verloop-filter-site")
        self.team = widgets.Dropdown(description=t("team", self._lang))
        self.team.add_class("verloop-filter-team")
        self.period = widgets.Dropdown(description=t("period", self._lang))
        self.period.add_class("verloop-filter-period")
        self.language = widgets.ToggleButtons(
            options=[("NL", "nl"), ("EN", "en")],
            value=self._lang,
            tooltips=["Nederlands", "English"],
            style={"button_width": "48px"},
        )
        self.language.add_class("verloop-lang")
        for widget in (self.site, self.team, self.period):
            widget.style.description_width = "auto"
            widget.layout = widgets.Layout(width="auto", min_width="12em")
        self._fill(site=ALL, team=ALL, months=period if period in PERIOD_CHOICES else DEFAULT_PERIOD)
        self._current = self._read()
        for widget in (self.site, self.team, self.period, self.language):
            widget.observe(self._changed, names="value")
        parts = [
            w for name, w in (("site", self.site), ("team", self.team), ("period", self.period)) if name in self.show
        ]
        self.widget = widgets.HBox(
            parts + [self.language],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center", gap="0.5em"),
        )
        self.widget.add_class("verloop-filterbar")

    # -- options ------------------------------------------------------------------------------
    def _team_options(self, site_id: int) -> list[tuple[str, int]]:
        teams = [(name, tid) for tid, name, sid in self.options.teams if site_id == ALL or sid == site_id]
        teams.sort()
        return ([] if self.require_team else [(t("all_teams", self._lang), ALL)]) + teams

    def _fill(self, site, team, months) -> None:
        self._muted = True
        try:
            self.site.options = [(t("all_sites", self._lang), ALL)] + sorted(
                ((name, sid) for sid, name in self.options.sites)
            )
            self.site.value = site
            team_options = self._team_options(site)
            self.team.options = team_options
            values = [v for _, v in team_options]
            self.team.value = team if team in values else (values[0] if values else ALL)
            self.period.options = [(self.period_label(n), n) for n in PERIOD_CHOICES]
            self.period.value = months
            self.site.description = t("site", self._lang)
            self.team.description = t("team", self._lang)
            self.period.description = t("period", self._lang)
        finally:
            self._muted = False

    def period_label(self, months: int) -> str:
        """'Last 12 months (Nov 2025 – Oct 2026)': the choice and the months it covers."""
        name = t("last_n_months", self._lang, n=months) if months else t("all_time", self._lang)
        start, end = period_bounds(self.options, months)
        return f"{name} ({month_span(start, end, self._lang)})" if start and end else name

    # -- state --------------------------------------------------------------------------------
    def _read(self) -> Filters:
        site = self.site.value if "site" in self.show and self.site.value != ALL else None
        team = self.team.value if "team" in self.show and self.team.value != ALL else None
        months = self.period.value if "period" in self.show else 0
        start, end = period_bounds(self.options, months)
        return Filters(site_id=site, team_id=team, months=months, start=start, end=end, lang=self._lang)

    @property
    def value(self) -> Filters:
        return self._current

    def on_change(self, callback: Callable[[Filters, Filters], None]) -> None:
        """Call ``callback(new, old)`` whenever a filter or the language changes."""
        self._callbacks.append(callback)

    def set(self, **changes) -> Filters:
        """Change filters from code (tests, benchmarks, query strings), as a reader would."""
        if "lang" in changes:
            self.language.value = check_lang(changes.pop("lang"))
        if "site_id" in changes:
            site = changes.pop("site_id")
            self.site.value = ALL if site is None else site
        if "team_id" in changes:
            team = changes.pop("team_id")
            self.team.value = ALL if team is None else team
        if "months" in changes:
            self.period.value = changes.pop("months")
        if changes:
            raise TypeError(f"unknown filter(s): {', '.join(changes)}")
        return self._current

    def _changed(self, change) -> None:
        if self._muted:
            return
        old = self._current
        if change["owner"] is self.language:
            lang = change["new"] if change["new"] in LANGS else old.lang
            self._lang = lang
            self._fill(self.site.value, self.team.value, self.period.value)
        elif change["owner"] is self.site:
            self._fill(self.site.value, self.team.value, self.period.value)
        new = self._read()
        if new == old:
            return
        self._current = new
        for callback in list(self._callbacks):
            callback(new, old)
