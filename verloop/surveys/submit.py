"""The one submission code path: the survey apps, the benchmark and the tests all call ``submit``.

1. **Check** (a short read): the token is looked up (unknown / used / closed wave / wrong
   survey → refused) and the answers, comments and reason are validated against the wave's
   instrument version — any problem is a :class:`~verloop.errors.SurveyError`, nothing written.
2. **Write** (one transaction): the token's used flag is flipped with a conditional
   ``UPDATE tokens SET used = true WHERE token_hash = :h AND used = false AND <wave still
   open>``; only the transaction that changes the row goes on, so two simultaneous
   submissions of one token (two browsers, a double click, a retry racing the original) give
   exactly one response. In the same transaction the response (random id, wave, team from the
   token, the date only, the language, the reason), its answers and its comments are inserted.

Marking the token used and storing the answers are one transaction, and nothing links the
two: the response row holds no token hash, no time of day and no sequence number. If the
database fails anywhere on the way the transaction rolls back — the token stays unused — and
the caller gets a :class:`~verloop.errors.StoreError` saying that nothing was saved, so the
same submission can simply be sent again. Splitting check and write keeps the write short,
which matters on SQLite, where writers take turns.
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

from sqlalchemy import bindparam, insert, or_, select, update
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from verloop.errors import StoreError, SurveyError
from verloop.store.engine import describe_operational_error
from verloop.store.schema import LANGUAGES, Answer, Comment, Response, Token, Wave, random_id
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
_INSERT_RESPONSE = insert(Response.__table__)
_INSERT_ANSWER = insert(Answer.__table__)
_INSERT_COMMENT = insert(Comment.__table__)


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
            # 1. Check: Core statements, no ORM (lean; on SQLite the write lock is held briefly).
            with _writer_turn(store), conn.begin():
                token_row, wave = check_token(conn, token, kind=kind, today=day)
                instrument = wave_instrument(conn, wave)
            values, texts, reason = validate_submission(instrument, answers, comments, reason)

            # 2. Write: flip the flag only if still unused in a still open wave, then insert.
            with _writer_turn(store), conn.begin():
                if conn.execute(_FLIP_TOKEN, {"h": token_row.token_hash, "day": day}).rowcount != 1:
                    check_token(conn, token, kind=kind, today=day)  # raises what changed meanwhile
                    raise SurveyRefusal("token_used")
                response_id = random_id()
                conn.execute(
                    _INSERT_RESPONSE,
                    {
                        "id": response_id,
                        "wave_id": wave.id,
                        "team_id": token_row.team_id,
                        "submitted_on": day,
                        "language": language,
                        "reason": reason,
                    },
                )
                if values:
                    conn.execute(
                        _INSERT_ANSWER,
                        [{"response_id": response_id, "item_id": i, "value": v} for i, v in values.items()],
                    )
                if texts:
                    conn.execute(
                        _INSERT_COMMENT,
                        [{"id": random_id(), "response_id": response_id, "question": q, "text": t} for q, t in texts.items()],
                    )
    except DBAPIError as exc:  # connection lost, locked, read-only, disk full, ...
        raise StoreError(_nothing_saved(describe_operational_error(exc, store.url))) from exc
    except SQLAlchemyError as exc:
        raise StoreError(_nothing_saved(f"the database failed ({type(exc).__name__})")) from exc
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
    """On SQLite, let submissions take turns on a kernel file lock beside the database.

    SQLite already serialises writers (each transaction starts with BEGIN IMMEDIATE), so this
    is about fairness, not correctness: a writer waiting on SQLite's busy handler polls with
    growing sleeps, and under a burst of submissions one respondent could wait seconds while
    others get through; a waiter on ``flock`` is woken the moment the lock is free. Without a
    writable folder for the lock file, SQLite's own waiting is used.
    """
    database = store.engine.url.database if store.backend == "sqlite" else None
    if fcntl is None or not database or database == ":memory:" or database.startswith("file:"):
        yield
        return
    try:
        handle = open(f"{database}-submit.lock", "a")
    except OSError:
        yield
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


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
