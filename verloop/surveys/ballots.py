"""The sealed ballot box: answers become readable only in groups of at least k.

``verloop.surveys.submit.submit`` validates a questionnaire, then — in ONE transaction — flips
its code's used flag and adds a *sealed ballot*: the submission as JSON, encrypted (AES-256-GCM)
with the key file outside the database (:mod:`verloop.surveys.keys`). A crash after the commit
loses nothing (the ballot is in the database), a crash before it leaves the code unused.

Ballots wait per group — the team for pulse answers; the site and quarter for exit and
follow-up answers (:func:`stored_fields`) — and are opened in one transaction, in random order,
with fresh random ids, into ``responses``, ``answers`` and ``comments``:

* during a wave, when 2k ballots of a group are waiting, a random k of them are opened and k
  stay sealed (so the last group opened at close is again at least k);
* when the wave closes (:func:`finalise_wave`, called by ``verloop survey close``), all of them.
  Exit and follow-up groups that still have fewer than k are pooled per quarter over the whole
  organisation (stored without a site).

Someone who reads the database files after every commit, and knows which code went to whom,
sees codes turn used next to sealed blobs, and answers appear only k or more at a time, in an
order unrelated to arrival. After a wave closes, :func:`tidy_at_rest` leaves no write-ahead log,
no free page and no physical row order that follows the submissions.

Exit and follow-up answers are stored generalised, so each is consistent with at least k
leavers in HR's employee table: the site instead of the team, the quarter's first day instead
of the day, and no tenure band or contract type (see docs/anonymity.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
from collections import defaultdict
from pathlib import Path

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.orm import Session

from verloop.store.engine import bump_revision
from verloop.store.schema import Answer, Ballot, Comment, OrgSettings, Response, Team, Token, Wave, random_id
from verloop.surveys.keys import Keys, keys_for

GENERALISED_KINDS = ("exit", "followup")
_SHUFFLE = secrets.SystemRandom()
_INSERT_BALLOT = insert(Ballot.__table__)
_WAITING = select(Ballot.id, Ballot.sealed).where(Ballot.wave_id == bindparam("w"), Ballot.group_key == bindparam("g"))
_SITE_OF_TEAM = select(Team.site_id).where(Team.id == bindparam("t"))
_K = select(OrgSettings.min_group_size).where(OrgSettings.id == 1)


def quarter_start(day: dt.date) -> dt.date:
    """The first day of ``day``'s quarter: the date precision of exit and follow-up answers."""
    return dt.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def stored_fields(kind: str, team_id: int, site_id: int | None, day: dt.date) -> dict:
    """What is stored with an answer of survey ``kind`` (and its ballot group): pulse keeps
    team and day; exit and follow-up keep the site and the quarter only."""
    if kind in GENERALISED_KINDS:
        period = quarter_start(day)
        return {
            "team_id": None,
            "site_id": site_id,
            "submitted_on": period.isoformat(),
            "group": f"s{site_id}:{period.isoformat()}",
        }
    return {"team_id": team_id, "site_id": None, "submitted_on": day.isoformat(), "group": f"t{team_id}"}


def generalise_responses(responses, wave_kind: dict, site_of_team: dict, k: int):
    """A frame of responses (``verloop.synth`` writes them in bulk) stored as a submission
    would store them: exit and follow-up rows get their team's site, no team, the quarter's
    first day, no tenure band or contract type; a (wave, site, quarter) group of fewer than
    ``k`` loses its site too (pooled over the organisation), as at a wave's close."""
    import pandas as pd

    frame = responses.copy()
    generalised = frame["wave_id"].map(wave_kind).isin(GENERALISED_KINDS).to_numpy()
    site = frame["team_id"].map(site_of_team).astype(object)
    team = frame["team_id"].astype(object)
    day = pd.to_datetime(frame["submitted_on"])
    quarter = day.dt.to_period("Q").dt.start_time
    frame["team_id"] = team.where(~generalised, None)
    frame["site_id"] = site.where(generalised, None)
    frame["submitted_on"] = day.where(~generalised, quarter)
    for column in ("tenure_band", "contract_type"):
        if column in frame.columns:
            frame[column] = frame[column].astype(object).where(~generalised, None)
    if generalised.any():
        keys = pd.DataFrame({"w": frame["wave_id"], "s": frame["site_id"], "q": quarter})[generalised]
        size = keys.groupby(["w", "s", "q"], dropna=False)["w"].transform("size")
        small = size[size < k].index
        frame.loc[small, "site_id"] = None
    frame["site_id"] = frame["site_id"].astype(object).where(frame["site_id"].notna(), None)
    frame["team_id"] = frame["team_id"].astype(object).where(frame["team_id"].notna(), None)
    return frame


def min_group_size(conn) -> int:
    return int(conn.execute(_K).scalar() or 5)


def _context(wave_id: int) -> bytes:
    return f"ballot:{wave_id}".encode("ascii")


def seal_ballot(
    conn, keys: Keys, wave, token_row, *, language: str, reason, values: dict, texts: dict, day: dt.date
) -> str:
    """Add one sealed ballot in ``conn``'s transaction; returns its group key."""
    site_id = conn.execute(_SITE_OF_TEAM, {"t": token_row.team_id}).scalar() if wave.kind in GENERALISED_KINDS else None
    fields = stored_fields(wave.kind, token_row.team_id, site_id, day)
    pseudonym = None
    if getattr(token_row, "sealed_link", None) is not None:
        pseudonym = keys.unseal(token_row.sealed_link, b"link").decode("ascii")
    payload = {
        "team_id": fields["team_id"],
        "site_id": fields["site_id"],
        "submitted_on": fields["submitted_on"],
        "language": language,
        "reason": reason,
        "answers": values,
        "comments": texts,
        "pseudonym": pseudonym,
    }
    sealed = keys.seal(json.dumps(payload, ensure_ascii=False).encode("utf-8"), _context(wave.id))
    conn.execute(
        _INSERT_BALLOT, {"id": random_id(), "wave_id": wave.id, "group_key": fields["group"], "sealed": sealed}
    )
    return fields["group"]


def _lock_group(conn, wave_id: int, group: str) -> None:
    """PostgreSQL: one opener per wave at a time (SQLite writers are serialised already)."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("SELECT pg_advisory_xact_lock(:a, :b)"), {"a": 7321, "b": int(wave_id)})


def open_ready(store, wave_id: int, group: str, keys: Keys | None = None) -> int:
    """Open a random k of a group's ballots when 2k are waiting (one transaction); return how
    many were opened. Safe to call at any time and from any process."""
    keys = keys or keys_for(store)
    with store.engine.connect() as conn, conn.begin():
        _lock_group(conn, wave_id, group)
        if conn.execute(select(Wave.status).where(Wave.id == wave_id)).scalar() == "closed":
            # the wave closed while this submission was being written: its close has opened
            # (or is about to open, after this lock) everything else — open what is left now
            return _finalise_in(conn, keys, wave_id)["opened"]
        k = min_group_size(conn)
        rows = conn.execute(_WAITING, {"w": wave_id, "g": group}).all()
        if len(rows) < 2 * k:
            return 0
        chosen = _SHUFFLE.sample(rows, len(rows) - k)
        _release(conn, keys, wave_id, chosen)
    return len(chosen)


def waiting(store, wave_id: int | None = None) -> int:
    """How many sealed ballots wait (in one wave, or in all)."""
    with store.engine.connect() as conn:
        query = select(func.count()).select_from(Ballot)
        if wave_id is not None:
            query = query.where(Ballot.wave_id == wave_id)
        return int(conn.execute(query).scalar() or 0)


def finalise_wave(store, wave_id: int, keys: Keys | None = None, *, tidy: bool = True) -> dict:
    """A closed wave: open every ballot left (one transaction, shuffled), then tidy the files.

    Exit and follow-up groups with fewer than k ballots are pooled per quarter over the whole
    organisation (stored without a site). Returns ``{"opened": n, "pooled": m}``."""
    keys = keys or keys_for(store)
    with store.engine.connect() as conn, conn.begin():
        _lock_group(conn, wave_id, "")
        result = _finalise_in(conn, keys, wave_id)
    if tidy:
        tidy_at_rest(store)
    return result


def _finalise_in(conn, keys: Keys, wave_id: int) -> dict:
    kind = conn.execute(select(Wave.kind).where(Wave.id == wave_id)).scalar()
    k = min_group_size(conn)
    rows = conn.execute(select(Ballot.id, Ballot.sealed, Ballot.group_key).where(Ballot.wave_id == wave_id)).all()
    groups: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[row.group_key].append(row)
    plain, small = [], []
    for members in groups.values():
        (small if kind in GENERALISED_KINDS and len(members) < k else plain).extend(members)
    if plain or small:
        _release(conn, keys, wave_id, plain + small, pool={r.id for r in small})
    if conn.execute(select(Wave.key_id).where(Wave.id == wave_id)).scalar() is None:
        # a wave from before the key file: its codes were hashed with the salt alone, so a
        # database copy plus the codes file would tell who answered — forget its tokens
        conn.execute(delete(Token.__table__).where(Token.wave_id == wave_id))
    return {"opened": len(plain) + len(small), "pooled": len(small)}


def _release(conn, keys: Keys, wave_id: int, rows, pool: set | frozenset = frozenset()) -> None:
    """Open ``rows`` into the answer tables in random order with fresh ids, delete them; all in
    ``conn``'s transaction. Rows whose id is in ``pool`` lose their site (organisation level)."""
    rows = list(rows)
    _SHUFFLE.shuffle(rows)
    responses, answers, comments = [], [], []
    for row in rows:
        data = json.loads(keys.unseal(row.sealed, _context(wave_id)).decode("utf-8"))
        response_id = random_id()
        responses.append(
            {
                "id": response_id,
                "wave_id": wave_id,
                "team_id": data["team_id"],
                "site_id": None if row.id in pool else data["site_id"],
                "submitted_on": dt.date.fromisoformat(data["submitted_on"]),
                "language": data["language"],
                "tenure_band": None,
                "contract_type": None,
                "reason": data["reason"],
                "pseudonym": data["pseudonym"],
            }
        )
        answers += [{"response_id": response_id, "item_id": i, "value": float(v)} for i, v in data["answers"].items()]
        comments += [
            {"id": random_id(), "response_id": response_id, "question": q, "text": t}
            for q, t in data["comments"].items()
        ]
    if responses:
        conn.execute(insert(Response.__table__), responses)
    if answers:
        _SHUFFLE.shuffle(answers)
        conn.execute(insert(Answer.__table__), answers)
    if comments:
        _SHUFFLE.shuffle(comments)
        conn.execute(insert(Comment.__table__), comments)
    conn.execute(delete(Ballot.__table__).where(Ballot.id.in_([r.id for r in rows])))
    with Session(bind=conn) as session:  # the triggers of migration 0002 bump too; be explicit
        bump_revision(session)


def tidy_at_rest(store) -> None:
    """After a wave closes: no write-ahead log or journal holding answers, no free page with a
    deleted row, no physical order that follows submissions, no lock file with a time.

    SQLite: VACUUM (rebuilds the file; the answer tables are WITHOUT ROWID, so rows lie in random
    id order; secure_delete is on for every connection) and a TRUNCATE checkpoint (the -wal file
    is emptied). PostgreSQL: CLUSTER the answer tables on their random primary keys (the heap is
    rewritten in an order unrelated to arrival; the old files are removed)."""
    if store.backend == "sqlite":
        database = store.engine.url.database
        raw = store.engine.raw_connection()
        try:
            driver = raw.driver_connection
            driver.execute("PRAGMA secure_delete=ON")
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            if database and database != ":memory:":
                driver.execute("VACUUM")
            driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            raw.close()
        if database and database != ":memory:":
            Path(f"{database}-submit.lock").unlink(missing_ok=True)  # older versions' lock file
            for suffix in ("", "-wal", "-shm"):  # the shared-memory index is written through mmap,
                try:  # which does not always move its time: every file now says "closed now"
                    os.utime(f"{database}{suffix}")
                except OSError:
                    pass
    elif store.backend == "postgresql":
        with store.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("responses", "answers", "comments", "ballots"):
                conn.execute(text(f'CLUSTER "{table}" USING "pk_{table}"'))


__all__ = [
    "finalise_wave",
    "generalise_responses",
    "open_ready",
    "quarter_start",
    "seal_ballot",
    "stored_fields",
    "tidy_at_rest",
    "waiting",
]
