"""Survey waves: a pulse round every few weeks, or a rolling exit / follow-up window.

A wave fixes the instrument version its answers are given with (the wording registered when
the wave opens) and carries the salt its tokens are hashed with. Waves are opened and closed
by HR (``verloop survey open|close``); respondents only ever see whether a wave is open.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from sqlalchemy import bindparam, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from verloop.errors import InputError, SurveyError
from verloop.store.schema import Instrument as InstrumentRow
from verloop.store.schema import Invitation, Response, Team, Token, Wave
from verloop.surveys.instruments import load_instrument
from verloop.surveys.registry import register_instrument, registered_instrument

KINDS = ("pulse", "exit", "followup")
_NAME = re.compile(r"^[\w][\w .:/+-]{0,99}$")


def today_or(today: dt.date | None) -> dt.date:
    return today if today is not None else dt.date.today()


def wave_state(wave, today: dt.date | None = None) -> str:
    """``"open"``, ``"not_yet"`` (before ``opens_on``) or ``"closed"`` (closed, or past ``closes_on``)."""
    day = today_or(today)
    if wave.status != "open" or (wave.closes_on is not None and day > wave.closes_on):
        return "closed"
    if day < wave.opens_on:
        return "not_yet"
    return "open"


def check_wave_name(name: object) -> str:
    if not isinstance(name, str) or not name.strip():
        raise InputError("give the wave a name, e.g. --wave 2026-03.")
    cleaned = unicodedata.normalize("NFC", name.strip())
    if not _NAME.fullmatch(cleaned):
        raise InputError(
            f"wave name '{name}' is not allowed: use up to 100 letters, digits, spaces and . : / + - _, "
            "starting with a letter or digit (e.g. 2026-03 or exit-2026)."
        )
    return cleaned


def get_wave(session: Session, name: str):
    wave = session.scalar(select(Wave).where(Wave.name == name))
    if wave is None:
        known = session.scalars(select(Wave.name).order_by(Wave.opens_on.desc()).limit(10)).all()
        hint = f" Known waves: {', '.join(known)}." if known else " No wave has been opened yet."
        raise SurveyError(f"there is no wave named '{name}'; open it with `verloop survey open`.{hint}")
    return wave


def get_team(session: Session, name: str):
    team = session.scalar(select(Team).where(Team.name == name))
    if team is None:
        known = session.scalars(select(Team.name).order_by(Team.name).limit(15)).all()
        hint = (
            f" Known teams: {', '.join(known)}{' …' if len(known) == 15 else ''}."
            if known
            else " The database has no teams yet: import the HR file or run `verloop demo` first."
        )
        raise InputError(f"there is no team named '{name}'.{hint}")
    return team


def open_wave(
    store,
    kind: str,
    name: str,
    *,
    opens: dt.date | None = None,
    closes: dt.date | None = None,
    today: dt.date | None = None,
) -> dict:
    """Open a wave of ``kind`` (pulse, exit, followup) with the current instrument wording.

    The instrument file is loaded and registered (a changed wording becomes a new version), and
    the wave is tied to that version. Exit and follow-up waves are rolling: open one (e.g.
    ``exit-2026``) and issue a token to each leaver as they leave.
    """
    if kind not in KINDS:
        raise InputError(f"unknown survey '{kind}'; choose one of {', '.join(KINDS)}.")
    name = check_wave_name(name)
    opens_on = opens or today_or(today)
    if closes is not None and closes < opens_on:
        raise InputError(f"the closing date {closes} lies before the opening date {opens_on}.")
    instrument = load_instrument(kind)
    with store.session() as s:
        if s.scalar(select(Wave.id).where(Wave.name == name)) is not None:
            raise SurveyError(f"a wave named '{name}' already exists; choose another name.")
        instrument_id = register_instrument(s, instrument)
        wave = Wave(
            name=name, instrument_id=instrument_id, kind=kind, opens_on=opens_on, closes_on=closes, status="open"
        )
        s.add(wave)
        s.flush()
        return describe_wave(s, wave, today)


def close_wave(store, name: str, *, today: dt.date | None = None) -> dict:
    """Close a wave: its unused tokens stop working and no answer can be added any more; its
    sealed ballots are opened and the database files tidied (``verloop.surveys.ballots``)."""
    from verloop.surveys.ballots import finalise_wave

    with store.session() as s:
        wave = get_wave(s, name)
        day = today_or(today)
        wave.status = "closed"
        if wave.closes_on is None or wave.closes_on > day:
            wave.closes_on = max(day, wave.opens_on)
        wave_id = wave.id
    finalise_wave(store, wave_id)
    with store.session() as s:
        return describe_wave(s, s.get(Wave, wave_id), today)


def describe_wave(session: Session, wave, today: dt.date | None = None) -> dict:
    """Name, kind, dates, state and wave totals (invited, used, responses): no group figures."""
    instrument = session.get(InstrumentRow, wave.instrument_id)
    invited = session.scalar(
        select(func.coalesce(func.sum(Invitation.invited), 0)).where(Invitation.wave_id == wave.id)
    )
    used = session.scalar(select(func.count()).select_from(Token).where(Token.wave_id == wave.id, Token.used.is_(True)))
    responses = session.scalar(select(func.count()).select_from(Response).where(Response.wave_id == wave.id))
    return {
        "wave": wave.name,
        "kind": wave.kind,
        "instrument": instrument.key if instrument else None,
        "instrument_version": instrument.version if instrument else None,
        "opens_on": wave.opens_on.isoformat(),
        "closes_on": wave.closes_on.isoformat() if wave.closes_on else None,
        "state": wave_state(wave, today),
        "invited": int(invited or 0),
        "tokens_used": int(used or 0),
        "responses": int(responses or 0),
    }


def list_waves(store, *, today: dt.date | None = None) -> list[dict]:
    with store.session() as s:
        waves = s.scalars(select(Wave).order_by(Wave.opens_on, Wave.name)).all()
        return [describe_wave(s, w, today) for w in waves]


def wave_instrument(session: Session | Connection, wave):
    """The instrument version the wave was opened with (old waves keep their wording).

    Every submission needs it, so parsed versions are kept per content hash: a registered
    version never changes, and the same hash means the same wording in any database.
    """
    content_hash = getattr(wave, "content_hash", None)  # present on rows from find_token
    if content_hash is None:
        content_hash = session.scalar(_CONTENT_HASH, {"id": wave.instrument_id})
    instrument = _PARSED.get(content_hash) if content_hash else None
    if instrument is None:
        if isinstance(session, Connection):
            with Session(bind=session) as orm_session:
                instrument = registered_instrument(orm_session, wave.instrument_id)
        else:
            instrument = registered_instrument(session, wave.instrument_id)
        if len(_PARSED) >= 32:
            _PARSED.clear()
        _PARSED[instrument.content_hash] = instrument
    return instrument


_CONTENT_HASH = select(InstrumentRow.content_hash).where(InstrumentRow.id == bindparam("id"))
_PARSED: dict[str, object] = {}  # content hash -> Instrument (immutable): a cache, not state
