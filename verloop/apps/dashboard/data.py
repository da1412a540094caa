"""What a dashboard kernel holds: the store, the organisation's structure and its settings.

Only structure is read here (sites, teams and their lead style, the months with data, k and the
replacement cost): things every HR user may see and that reveal no answer. Every group figure
is fetched by the pages through ``verloop.privacy``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
from sqlalchemy import func, select

from verloop.apps.dashboard.filters import OrgOptions, month_start
from verloop.store import Store
from verloop.store.schema import Employee, Site, Team, TeamKpi, Wave
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

    @classmethod
    def open(cls, store: Store | None = None) -> "DashboardSource":
        if store is None:
            from verloop.apps.common import app_store

            store = app_store()
        with store.session() as s:
            settings = get_settings(s)
            sites = tuple((int(i), str(n)) for i, n in s.execute(select(Site.id, Site.name)).all())
            team_rows = s.execute(
                select(Team.id, Team.name, Team.site_id, Site.name, Team.lead_style).join(Site, Site.id == Team.site_id)
            ).all()
            first_hire, last_exit = s.execute(select(func.min(Employee.hire_date), func.max(Employee.exit_date))).one()
            first_kpi, last_kpi = s.execute(select(func.min(TeamKpi.month), func.max(TeamKpi.month))).one()
            first_wave, last_wave = s.execute(select(func.min(Wave.opens_on), func.max(Wave.opens_on))).one()
            values = dict(
                k=int(settings.min_group_size),
                comment_k=int(settings.comment_min_group_size),
                annual_salary_eur=float(settings.annual_salary_eur),
                replacement_cost_share=float(settings.replacement_cost_share),
            )
        lasts = [d for d in (last_exit, last_kpi, last_wave) if d is not None]
        firsts = [d for d in (first_kpi, first_wave) if d is not None] or ([first_hire] if first_hire else [])
        last = max(lasts) if lasts else None
        first = min(firsts) if firsts else None
        options = OrgOptions(
            sites=sites,
            teams=tuple((int(i), str(n), int(sid)) for i, n, sid, _, _ in team_rows),
            first_month=month_start(first) if first else None,
            last_month=month_start(last) if last else None,
        )
        teams = pd.DataFrame(
            team_rows, columns=["team_id", "team", "site_id", "site", "lead_style"]
        ).astype({"team_id": "int64", "site_id": "int64"})
        return cls(store=store, options=options, teams=teams, **values)

    @property
    def today(self) -> dt.date:
        """The reference date of the data: the end of the last month with data (or today)."""
        if self.options.last_month is None:
            return dt.date.today()
        from verloop.apps.dashboard.filters import add_months

        return add_months(self.options.last_month, 1) - dt.timedelta(days=1)

    @property
    def replacement_cost_eur(self) -> float:
        return self.annual_salary_eur * self.replacement_cost_share
