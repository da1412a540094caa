"""Stop/start agreements per team and improvement cycle, kept in the table ``team_actions``.

Teams agree every 4–6 weeks what to stop and what to start doing; the actions page adds,
edits and closes those agreements. Texts come from a browser, so every value is checked here
(length, known team, one of the two states) and refused with one sentence; nothing is stored
half. Texts are stored as typed and escaped wherever they are shown.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import select

from verloop.errors import InputError
from verloop.store import Store
from verloop.store.schema import Team, TeamAction

MAX_TEXT = 500
MAX_CYCLE = 50
COLUMNS = ["id", "team_id", "cycle", "stop_text", "start_text", "created_on", "status", "closed_on"]


def _clean_text(value, field: str, problems: list[str]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(f"{field} must be text")
        return None
    value = value.strip()
    if "\x00" in value:
        problems.append(f"{field} contains a NUL character")
        return None
    if len(value) > MAX_TEXT:
        problems.append(f"{field} has {len(value)} characters, more than the {MAX_TEXT} allowed")
        return None
    return value or None


def _refuse(problems: list[str]) -> None:
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    raise InputError(f"the agreement was not saved: {problems[0]}{more}; correct it and save again.", problems)


def list_actions(store: Store, team_id: int | None = None) -> pd.DataFrame:
    """Agreements (all teams, or one), newest cycle first, as a tidy frame."""
    with store.session() as s:
        query = select(*(getattr(TeamAction, c) for c in COLUMNS))
        if team_id is not None:
            query = query.where(TeamAction.team_id == int(team_id))
        rows = s.execute(query.order_by(TeamAction.created_on.desc(), TeamAction.id.desc())).all()
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"id": "int64", "team_id": "int64"}) if len(frame) else frame


def add_action(
    store: Store,
    team_id: int,
    cycle: str,
    stop_text: str | None,
    start_text: str | None,
    created_on: dt.date | None = None,
) -> int:
    """Store a new open agreement; returns its id. Needs a cycle name and a stop or a start."""
    problems: list[str] = []
    cycle_clean = _clean_text(cycle, "the cycle", problems)
    if cycle_clean is not None and len(cycle_clean) > MAX_CYCLE:
        problems.append(f"the cycle name has more than {MAX_CYCLE} characters")
    if not cycle_clean and not problems:
        problems.append("give the cycle a name (e.g. '2026-C7' or 'Sept–Oct')")
    stop = _clean_text(stop_text, "'stop'", problems)
    start = _clean_text(start_text, "'start'", problems)
    if not problems and stop is None and start is None:
        problems.append("write what the team stops or starts doing (or both)")
    if problems:
        _refuse(problems)
    with store.session() as s:
        if s.get(Team, int(team_id)) is None:
            _refuse([f"team {team_id} does not exist"])
        action = TeamAction(
            team_id=int(team_id),
            cycle=cycle_clean,
            stop_text=stop,
            start_text=start,
            created_on=created_on or dt.date.today(),
            status="open",
        )
        s.add(action)
        s.flush()
        return int(action.id)


def edit_action(store: Store, action_id: int, *, stop_text=None, start_text=None, cycle=None) -> None:
    """Change the texts (or cycle name) of an agreement; a closed one can still be corrected."""
    problems: list[str] = []
    updates = {}
    if cycle is not None:
        updates["cycle"] = _clean_text(cycle, "the cycle", problems)
        if not updates["cycle"] and not problems:
            problems.append("the cycle needs a name")
    if stop_text is not None:
        updates["stop_text"] = _clean_text(stop_text, "'stop'", problems)
    if start_text is not None:
        updates["start_text"] = _clean_text(start_text, "'start'", problems)
    if problems:
        _refuse(problems)
    with store.session() as s:
        action = s.get(TeamAction, int(action_id))
        if action is None:
            _refuse([f"agreement {action_id} does not exist"])
        for field, value in updates.items():
            setattr(action, field, value)
        if action.stop_text is None and action.start_text is None:
            _refuse(["an agreement needs a stop or a start text"])


def close_action(store: Store, action_id: int, closed_on: dt.date | None = None) -> None:
    """Mark an agreement as done (closing twice keeps the first date)."""
    with store.session() as s:
        action = s.get(TeamAction, int(action_id))
        if action is None:
            _refuse([f"agreement {action_id} does not exist"])
        if action.status != "closed":
            action.status = "closed"
            action.closed_on = closed_on or dt.date.today()
