"""What is in a database, in numbers: used by `verloop status` and the index app."""

from __future__ import annotations

from sqlalchemy import func, select

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


def organisation_status(store: Store) -> dict:
    """Sizes of the organisation and its survey data. Counts only: no group figures."""
    with store.session() as s:
        def count(column, *where):
            return int(s.scalar(select(func.count(column)).where(*where)) or 0)

        settings = get_settings(s)
        first_hire, last_hire = s.execute(
            select(func.min(Employee.hire_date), func.max(Employee.hire_date))
        ).one()
        responses_by_kind = dict(
            s.execute(
                select(Wave.kind, func.count(Response.id))
                .join(Wave, Wave.id == Response.wave_id)
                .group_by(Wave.kind)
            ).all()
        )
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
        }
