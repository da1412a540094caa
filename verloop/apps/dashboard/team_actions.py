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
from verloop.i18n import t
from verloop.store import Store
from verloop.store.schema import Team, TeamAction

MAX_TEXT = 500
MAX_CYCLE = 50
COLUMNS = ["id", "team_id", "cycle", "stop_text", "start_text", "created_on", "status", "closed_on"]


def _clean_text(value, field: str, problems: list[str], lang: str) -> str | None:
    name = t(f"actions.{field}", lang)
    if value is None:
        return None
    if not isinstance(value, str):
        problems.append(t("actions.text", lang, field=name))
        return None
    value = value.strip()
    if "\x00" in value:
        problems.append(t("actions.nul", lang, field=name))
        return None
    if len(value) > MAX_TEXT:
        problems.append(t("actions.long", lang, field=name, length=len(value), max=MAX_TEXT))
        return None
    return value or None


def _refuse(problems: list[str], lang: str) -> None:
    more = t("actions.more", lang, n=len(problems) - 1) if len(problems) > 1 else ""
    raise InputError(t("actions.refused", lang, problem=problems[0], more=more), problems)


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
    lang: str = "en",
) -> int:
    """Store a new open agreement; returns its id. Needs a cycle name and a stop or a start.
    Refusals are worded in ``lang`` (they are shown in the app)."""
    problems: list[str] = []
    cycle_clean = _clean_text(cycle, "cycle", problems, lang)
    if cycle_clean is not None and len(cycle_clean) > MAX_CYCLE:
        problems.append(t("actions.cycle_long", lang, max=MAX_CYCLE))
    if not cycle_clean and not problems:
        problems.append(t("actions.cycle_missing", lang))
    stop = _clean_text(stop_text, "stop", problems, lang)
    start = _clean_text(start_text, "start", problems, lang)
    if not problems and stop is None and start is None:
        problems.append(t("actions.empty", lang))
    if problems:
        _refuse(problems, lang)
    with store.session() as s:
        if s.get(Team, int(team_id)) is None:
            _refuse([t("actions.no_team", lang, id=team_id)], lang)
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


def edit_action(store: Store, action_id: int, *, stop_text=None, start_text=None, cycle=None, lang: str = "en") -> None:
    """Change the texts (or cycle name) of an agreement; a closed one can still be corrected."""
    problems: list[str] = []
    updates = {}
    if cycle is not None:
        updates["cycle"] = _clean_text(cycle, "cycle", problems, lang)
        if updates["cycle"] is not None and len(updates["cycle"]) > MAX_CYCLE:
            problems.append(t("actions.cycle_long", lang, max=MAX_CYCLE))
        if not updates["cycle"] and not problems:
            problems.append(t("actions.cycle_missing", lang))
    if stop_text is not None:
        updates["stop_text"] = _clean_text(stop_text, "stop", problems, lang)
    if start_text is not None:
        updates["start_text"] = _clean_text(start_text, "start", problems, lang)
    if problems:
        _refuse(problems, lang)
    with store.session() as s:
        action = s.get(TeamAction, int(action_id))
        if action is None:
            _refuse([t("actions.no_action", lang, id=action_id)], lang)
        for field, value in updates.items():
            setattr(action, field, value)
        if action.stop_text is None and action.start_text is None:
            _refuse([t("actions.needs_text", lang)], lang)


def close_action(store: Store, action_id: int, closed_on: dt.date | None = None, lang: str = "en") -> None:
    """Mark an agreement as done (closing twice keeps the first date)."""
    with store.session() as s:
        action = s.get(TeamAction, int(action_id))
        if action is None:
            _refuse([t("actions.no_action", lang, id=action_id)], lang)
        if action.status != "closed":
            action.status = "closed"
            action.closed_on = closed_on or dt.date.today()
