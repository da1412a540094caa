"""What a dashboard kernel holds: the store, the organisation's structure and its settings.

Only structure is read here (sites, teams and their lead style, the months with data, k and the
replacement cost): things every HR user may see and that reveal no answer. Every group figure
is fetched by the pages through ``verloop.privacy``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
from sqlalchemy import select

from verloop.apps.dashboard.filters import OrgOptions
from verloop.domain.period import month_start
from verloop.status import data_span
from verloop.store import Store
from verloop.store.schema import Site, Team
from verloop.store.settings import get_settings


@dataclasses.dataclass
class DashboardSource:
    store: Store
    options: OrgOptions
    k: int
    comment_k: int
    annual_salary_eur: float
    replacement_cost_share: float
    teams: pd.DataFrame  # team_id, team, site_id, site, lead_style
    # per-kernel state, made on first use: the privacy door, the cache of its published frames,
    # and the trained team model (see figures.door, figures.cached, modelcards.team_model)
    door: object = dataclasses.field(default=None, init=False, repr=False)
    figure_cache: object = dataclasses.field(default=None, init=False, repr=False)
    team_model: tuple | None = dataclasses.field(default=None, init=False, repr=False)
    # who is looking (issue 13): the signed-in account's name (None outside the HR server) and
    # its scope, which the door gets (figures.door); the filter bar offers only what it covers
    scope: object = dataclasses.field(default=None, repr=False)
    account: str | None = None

    @classmethod
    def open(cls, store: Store | None = None, scope=None) -> DashboardSource:
        """The kernel's source; ``scope`` defaults to the signed-in account's
        (``verloop.accounts.web.request_scope``: the whole organisation outside the HR server)."""
        from verloop.accounts.web import request_scope, scoped_options

        if store is None:
            from verloop.apps.common import app_store

            store = app_store()
        from verloop.apps.dashboard.cache import FigureCache

        account = None
        if scope is None:
            account, scope = request_scope(store)
        figure_cache = FigureCache(store)
        # structure and settings change only with the data revision: read once per revision
        # (the refresh did) and shared with every kernel, like the published frames
        sites, team_rows, first, last, values = figure_cache.get(("source",), lambda: _structure(store))
        offered_sites, offered_teams = scoped_options(
            scope, sites, tuple((int(i), str(n), int(sid)) for i, n, sid, _, _ in team_rows)
        )
        options = OrgOptions(
            sites=offered_sites,
            teams=offered_teams,
            first_month=month_start(first) if first else None,
            last_month=month_start(last) if last else None,
            last_day=last,
        )
        teams = pd.DataFrame(team_rows, columns=["team_id", "team", "site_id", "site", "lead_style"]).astype(
            {"team_id": "int64", "site_id": "int64"}
        )
        source = cls(store=store, options=options, teams=teams, scope=scope, account=account, **values)
        source.figure_cache = figure_cache
        return source

    @property
    def today(self) -> dt.date:
        """The reference date of the data: its last recorded day (``verloop.status.end_of_data``),
        or today when the database holds nothing dated."""
        if self.options.last_month is None:
            return dt.date.today()
        from verloop.apps.dashboard.filters import period_bounds

        return period_bounds(self.options, 1)[1]

    @property
    def replacement_cost_eur(self) -> float:
        return self.annual_salary_eur * self.replacement_cost_share


def _structure(store: Store) -> tuple:
    """(sites, teams with site and lead style, first and last day of the data, settings)."""
    with store.session() as s:
        settings = get_settings(s)
        sites = tuple((int(i), str(n)) for i, n in s.execute(select(Site.id, Site.name)).all())
        team_rows = [
            tuple(row)
            for row in s.execute(
                select(Team.id, Team.name, Team.site_id, Site.name, Team.lead_style).join(Site, Site.id == Team.site_id)
            ).all()
        ]
        first, last = data_span(s)  # the one definition of the data's first and last day
        values = dict(
            k=int(settings.min_group_size),
            comment_k=int(settings.comment_min_group_size),
            annual_salary_eur=float(settings.annual_salary_eur),
            replacement_cost_share=float(settings.replacement_cost_share),
        )
    return sites, team_rows, first, last, values
