"""Instrument versions in the database.

A wave points at one ``Instrument`` row, i.e. one version of the wording. Registering an
instrument whose content hash is already known returns the existing row; changed wording gets
a new row with the next version number (1, 2, 3… per key). Old rows are never changed, so old
answers keep the wording they were given with (:func:`registered_instrument` rebuilds it).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from verloop.errors import InputError
from verloop.store.schema import Instrument as InstrumentRow
from verloop.store.schema import InstrumentItem
from verloop.surveys.instruments import Instrument


def _existing(session: Session, instrument: Instrument) -> int | None:
    return session.scalar(
        select(InstrumentRow.id).where(
            InstrumentRow.key == instrument.key,
            InstrumentRow.content_hash == instrument.content_hash,
        )
    )


def register_instrument(session: Session, instrument: Instrument) -> int:
    """Return the id of the row for this key and wording, inserting a new version if needed.

    Safe under concurrent registration: the insert runs in a savepoint and, when another
    session registered the same wording (or took the version number) first, the existing row
    is looked up or the next version is tried.
    """
    for _attempt in range(5):
        found = _existing(session, instrument)
        if found is not None:
            return int(found)
        latest = session.scalar(select(func.max(InstrumentRow.version)).where(InstrumentRow.key == instrument.key))
        row = InstrumentRow(
            key=instrument.key,
            version=int(latest or 0) + 1,
            content_hash=instrument.content_hash,
            definition=instrument.definition_json,
            created_on=dt.date.today(),
        )
        try:
            with session.begin_nested():
                session.add(row)
                session.flush()
                session.add_all(
                    InstrumentItem(
                        instrument_id=row.id,
                        item_id=item.id,
                        scale=item.scale,
                        reverse=item.reverse,
                        min_value=float(item.min),
                        max_value=float(item.max),
                    )
                    for item in instrument.items
                )
                session.flush()
        except IntegrityError:
            continue  # someone else registered this wording or took this version: look again
        return int(row.id)
    raise InputError(
        f"could not register instrument '{instrument.key}': the version number kept being "
        "taken by concurrent registrations; try again."
    )


def registered_instrument(session: Session, instrument_id: int) -> Instrument:
    """The instrument exactly as registered under ``instrument_id`` (its original wording)."""
    row = session.get(InstrumentRow, instrument_id)
    if row is None:
        raise InputError(f"no registered instrument has id {instrument_id}.")
    return Instrument.from_definition(row.definition)


def instrument_versions(session: Session, key: str) -> list[dict]:
    """All registered versions of ``key``, oldest first: id, version, content_hash, created_on."""
    rows = session.execute(
        select(
            InstrumentRow.id,
            InstrumentRow.version,
            InstrumentRow.content_hash,
            InstrumentRow.created_on,
        )
        .where(InstrumentRow.key == key)
        .order_by(InstrumentRow.version)
    )
    return [dict(r._mapping) for r in rows]
