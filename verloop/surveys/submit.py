"""The one submission code path: the survey apps, the benchmark and the tests all call ``submit``.

1. **Check** (a short read): the token is looked up (unknown / used / closed wave / wrong
   survey → refused) and the answers, comments and reason are validated against the wave's
   instrument version — any problem is a :class:`~verloop.errors.SurveyError`, nothing written.
2. **Write** (one transaction): the token's used flag is flipped with a conditional
   ``UPDATE tokens SET used = true WHERE token_hash = :h AND used = false AND <wave still
   open>``; only the transaction that changes the row goes on, so two simultaneous
   submissions of one token (two browsers, a double click, a retry racing the original) give
   exactly one response. In the same transaction the submission is added to the ballot box,
   *sealed* with the key outside the database (:mod:`verloop.surveys.ballots`).
3. **Open** (a separate transaction, after the commit, only when the write counted 2k ballots
   of the group waiting): all but k of them, chosen at random, are opened, shuffled, into the
   answer tables. A failure here is harmless: the ballots stay sealed and the next submission
   or the wave's close opens them.

Marking the token used and sealing the answers are one transaction, and nothing links the
two: the ballot is unreadable without the key, and the response rows written later hold no
token hash, no time of day and no sequence number, k or more at a time. If the database fails
anywhere on the way the transaction rolls back — the token stays unused — and the caller gets
a :class:`~verloop.errors.StoreError` saying that nothing was saved, so the same submission
can simply be sent again. Splitting check and write keeps the write short, which matters on
SQLite, where writers take turns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: SQLite's own waiting is used
    fcntl = None

import os

from sqlalchemy import bindparam, func, or_, select, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from verloop.errors import StoreError, SurveyError
from verloop.store.engine import describe_operational_error
from verloop.store.schema import LANGUAGES, Ballot, Token, Wave
from verloop.surveys.ballots import min_group_size, open_ready, seal_ballot
from verloop.surveys.keys import keys_for
from verloop.surveys.scoring import validate_answers, validate_open_answers, validate_reason
from verloop.surveys.tokens import SurveyRefusal, check_token
from verloop.surveys.waves import today_or, wave_instrument

# Built once: the statements of the write (conditional flip of the used flag, then inserts).
# The flip re-checks, atomically, everything the earlier read established: still unused, and
# its wave still open on the day.
_FLIP_TOKEN = (
    update(Token.__table__)
    .where(
        Token.token_hash == bindparam("h"),
        Token.used.is_(False),
        Token.wave_id.in_(
            select(Wave.id).where(
                Wave.status == "open",
                Wave.opens_on <= bindparam("day"),
                or_(Wave.closes_on.is_(None), Wave.closes_on >= bindparam("day")),
            )
        ),
    )
    .values(used=True)
)
_WAITING = (
    select(func.count()).select_from(Ballot).where(Ballot.wave_id == bindparam("w"), Ballot.group_key == bindparam("g"))
)


@dataclass(frozen=True)
class Receipt:
    """What a respondent may be told after submitting. Deliberately not the response id:
    nothing handed to the respondent can later be used to find their answers."""

    wave: str
    kind: str
    submitted_on: dt.date
    language: str
    answers: int
    comments: int


def submit(
    store,
    token: str,
    answers: Mapping[str, object] | None,
    comments: Mapping[str, object] | None = None,
    language: str = "nl",
    reason: str | None = None,
    today: dt.date | None = None,
    *,
    kind: str | None = None,
) -> Receipt:
    """Store one questionnaire for a single-use token, atomically; see the module docstring.

    ``answers`` maps item ids to numbers (skipped items are left out or ``None``);
    ``comments`` maps open-question ids to text (blank ones are not stored); ``reason`` is a
    reason code of exit / follow-up instruments. ``kind`` (the app's survey) refuses a token of
    another survey. Raises SurveyError (refused, nothing stored) or StoreError (database
    problem, nothing stored, try again).
    """
    if language not in LANGUAGES:
        raise SurveyError(f"the language must be one of {', '.join(LANGUAGES)}; got {language!r}.")
    day = today_or(today)
    try:
        with store.engine.connect() as conn:  # one connection, two short transactions
            keys = keys_for(store)  # before anything is written: a bad key file is a clear error
            # 1. Check: Core statements, no ORM (lean; on SQLite the write lock is held briefly).
            with _writer_turn(store), conn.begin():
                token_row, wave = check_token(conn, token, kind=kind, today=day, keys=keys)
                instrument = wave_instrument(conn, wave)
            values, texts, reason = validate_submission(instrument, answers, comments, reason)

            # 2. Write: flip the flag only if still unused in a still open wave, and seal.
            with _writer_turn(store), conn.begin():
                if conn.execute(_FLIP_TOKEN, {"h": token_row.token_hash, "day": day}).rowcount != 1:
                    check_token(conn, token, kind=kind, today=day, keys=keys)  # raises what changed meanwhile
                    raise SurveyRefusal("token_used")
                group = seal_ballot(
                    conn, keys, wave, token_row, language=language, reason=reason, values=values, texts=texts, day=day
                )
                ready = conn.execute(_WAITING, {"w": wave.id, "g": group}).scalar() >= 2 * min_group_size(conn)
    except DBAPIError as exc:  # connection lost, locked, read-only, disk full, ...
        raise StoreError(_nothing_saved(describe_operational_error(exc, store.url))) from exc
    except SQLAlchemyError as exc:
        raise StoreError(_nothing_saved(f"the database failed ({type(exc).__name__})")) from exc
    # 3. Open: a random k of the group when 2k wait. The submission is saved already, so a
    # failure here only leaves ballots sealed for the next submission or the wave's close.
    if ready:  # most submissions skip this third transaction
        try:
            with _writer_turn(store):
                open_ready(store, wave.id, group, keys)
        except SQLAlchemyError:
            pass
    return Receipt(
        wave=wave.name,
        kind=wave.kind,
        submitted_on=day,
        language=language,
        answers=len(values),
        comments=len(texts),
    )


def _encodable(text: str) -> bool:
    """False for text with lone surrogates (possible in JSON from a browser), which no
    database can store as UTF-8."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


@contextlib.contextmanager
def _writer_turn(store) -> Iterator[None]:
    """On SQLite, let submissions take turns on a kernel lock of the database's folder.

    SQLite already serialises writers (each transaction starts with BEGIN IMMEDIATE), so this
    is about fairness, not correctness: a writer waiting on SQLite's busy handler polls with
    growing sleeps, and under a burst of submissions one respondent could wait seconds while
    others get through; a waiter on ``flock`` is woken the moment the lock is free. The lock is
    taken on the folder itself, opened read-only: no lock file whose time would record the
    last submission (docs/anonymity.md). Without the folder, SQLite's own waiting is used.
    """
    database = store.engine.url.database if store.backend == "sqlite" else None
    if fcntl is None or not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    try:
        fd = os.open(os.path.dirname(os.path.abspath(database)), os.O_RDONLY)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _nothing_saved(message: str) -> str:
    """Database problems end with what the respondent needs to know: retrying is safe."""
    if "nothing was saved" in message.lower():
        return message
    base = message.rstrip(". ")
    if base.lower().endswith("try again"):
        return base + "; nothing was saved."
    return base + "; nothing was saved, try again."


# -- validation ----------------------------------------------------------------------------------
# The rules themselves live with the instrument (verloop.surveys.scoring); here only what the
# store adds: mappings in, floats and storable text out.


def validate_submission(instrument, answers, comments, reason) -> tuple[dict[str, float], dict[str, str], str | None]:
    """Answers, comments and reason checked against ``instrument``; skipped ones dropped.

    Comment text is kept as typed (any language, emoji, even ``<script>``) apart from
    surrounding whitespace: it is stored as text and every screen renders it escaped.
    """
    values = validate_answers(instrument, {} if answers is None else answers)
    if comments is None:
        comments = {}
    if not isinstance(comments, Mapping):
        raise SurveyError("comments refused: they must be a mapping of question id to text; nothing was stored.")
    texts = validate_open_answers(instrument, comments)
    for question_id, text in texts.items():
        if text is not None and not _encodable(text):
            raise SurveyError(
                f"comments refused: open question '{question_id}' contains a broken character "
                "(a lone surrogate) that cannot be stored; nothing was stored."
            )
    reason = validate_reason(instrument, reason)
    return (
        {item_id: float(v) for item_id, v in values.items() if v is not None},
        {question_id: t for question_id, t in texts.items() if t is not None},
        reason,
    )
