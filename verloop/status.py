"""What is in a database, in numbers: used by `verloop status` and the index app."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select

from verloop.domain.period import as_date, end_of_data
from verloop.store import Store
from verloop.store.schema import (
    Answer,
    Comment,
    Employee,
    Response,
    Site,
    Team,
    TeamKpi,
    Wave,
)
from verloop.store.settings import get_settings


def data_span(session, today: dt.date | None = None) -> tuple[dt.date | None, dt.date | None]:
    """(first, last) day of the organisation's data: first KPI month or first pulse/exit wave
    (else the first hire), and ``verloop.domain.end_of_data`` over what the database holds."""
    first_hire, last_hire, last_exit = session.execute(
        select(func.min(Employee.hire_date), func.max(Employee.hire_date), func.max(Employee.exit_date))
    ).one()
    first_kpi, last_kpi = session.execute(select(func.min(TeamKpi.month), func.max(TeamKpi.month))).one()
    first_wave = session.scalar(select(func.min(Wave.opens_on)))
    day = today or dt.date.today()
    closed = or_(Wave.status != "open", Wave.closes_on < day)  # as ``surveys.waves.wave_state`` says
    answered = select(Response.id).where(Response.wave_id == Wave.id).exists()  # an empty wave adds no data
    last_closed = session.scalar(select(func.max(Wave.closes_on)).where(closed, answered))
    last_response = session.scalar(
        select(func.max(Response.submitted_on)).join(Wave, Wave.id == Response.wave_id).where(closed)
    )
    last = end_of_data(
        exits=[last_exit],
        hires=[last_hire],
        kpi_months=[last_kpi],
        responses=[last_response],
        closed_waves=[last_closed],
        today=today,
    )
    firsts = [d for d in (as_date(first_kpi), as_date(first_wave)) if d is not None] or (
        [as_date(first_hire)] if first_hire else []
    )
    first = min(firsts) if firsts else None
    if first is not None and last is not None and first > last:
        first = last.replace(day=1)
    return first, last


def organisation_status(store: Store) -> dict:
    """Sizes of the organisation and its survey data. Counts only: no group figures."""
    with store.session() as s:

        def count(column, *where):
            return int(s.scalar(select(func.count(column)).where(*where)) or 0)

        settings = get_settings(s)
        first_hire, last_hire = s.execute(select(func.min(Employee.hire_date), func.max(Employee.hire_date))).one()
        responses_by_kind = dict(
            s.execute(
                select(Wave.kind, func.count(Response.id)).join(Wave, Wave.id == Response.wave_id).group_by(Wave.kind)
            ).all()
        )
        first_day, last_day = data_span(s)
        return {
            "database": store.display_url,
            "backend": store.backend,
            "organisation": settings.name,
            "min_group_size": settings.min_group_size,
            "survey_mode": settings.survey_mode,
            "sites": count(Site.id),
            "teams": count(Team.id),
            "employees": count(Employee.id),
            "current_employees": count(Employee.id, Employee.exit_date.is_(None)),
            "leavers": count(Employee.id, Employee.exit_date.is_not(None)),
            "voluntary_leavers": count(Employee.id, Employee.exit_type == "voluntary"),
            "kpi_rows": count(TeamKpi.team_id),
            "waves": count(Wave.id),
            "open_waves": count(Wave.id, Wave.status == "open"),
            "responses": count(Response.id),
            "pulse_responses": int(responses_by_kind.get("pulse", 0)),
            "exit_responses": int(responses_by_kind.get("exit", 0)),
            "followup_responses": int(responses_by_kind.get("followup", 0)),
            "answers": count(Answer.response_id),
            "comments": count(Comment.id),
            "first_hire": first_hire.isoformat() if first_hire else None,
            "last_hire": last_hire.isoformat() if last_hire else None,
            "data_start": first_day.isoformat() if first_day else None,
            "data_end": last_day.isoformat() if last_day else None,
        }
