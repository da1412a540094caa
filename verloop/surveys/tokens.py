"""Single-use survey tokens: human-typeable codes, stored only as a keyed hash.

A code is 20 symbols of Crockford's base32 (100 random bits), shown in groups of four
(``7KQ2-XM9D-...``) so that it can be read from paper, typed from an SMS or scanned from a
link. The database keeps only HMAC-SHA256(K, code) with the wave, the team and a used flag, where
K is derived from the wave's public salt and the secret of the key file outside the database
(:mod:`verloop.surveys.keys`): a stolen token table cannot be turned back into working links,
a database copy plus the codes file does not tell who has answered, and nothing in it points
to the response the token was spent on (see docs/anonymity.md). A wave's key binds when its
first code is issued; waves from before the key file (their codes hashed with the salt alone)
keep accepting the codes already handed out but issue no new ones.

Confidential mode only: codes may be issued per person (``people``); the token then carries the
person's pseudonym sealed with the key, and the submission stores it on the response.

Refusals (unknown, used, closed...) are :class:`SurveyRefusal` errors that carry the sentence in
Dutch and English, so the survey app can show it in the respondent's language.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from verloop.errors import ConfigError, InputError, SurveyError
from verloop.i18n import LANGS, check_lang, t
from verloop.store.schema import Employee, Invitation, Token, Wave
from verloop.store.schema import Instrument as InstrumentRow
from verloop.surveys.keys import Keys, keys_for
from verloop.surveys.waves import get_team, get_wave, wave_state

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
CODE_LENGTH = 20  # 20 x 5 bits = 100 bits of entropy
GROUP = 4
MAX_TOKENS_PER_CALL = 100_000
DEFAULT_BASE_URL = "http://127.0.0.1:8867"  # the survey side of `verloop serve` (HR is 8866)
# Lenient reading of typed codes: look-alike letters map to the digit they resemble.
_TYPO_MAP = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", " -_.\t\r\n\u00a0\u2010\u2011\u2012\u2013\u2014")


class SurveyRefusal(SurveyError):
    """A refused token or submission, with the message in every survey language."""

    def __init__(self, key: str, **values):
        self.key = key
        self.texts = {lang: t(f"survey.refusal.{key}", lang, **values) for lang in LANGS}
        super().__init__(self.texts["en"])

    def text(self, language: str) -> str:
        return self.texts[check_lang(language)]


@dataclass(frozen=True)
class IssuedToken:
    """A freshly issued code and its link; exists only until it is written to the CSV."""

    code: str
    link: str


def new_code() -> str:
    """A fresh random code, formatted in groups (``XXXX-XXXX-XXXX-XXXX-XXXX``)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + GROUP] for i in range(0, len(raw), GROUP))


def normalize_code(code: object) -> str:
    """The canonical 20-symbol form of a typed or linked code; SurveyRefusal when malformed.

    Case, spaces and dashes do not matter, and O/I/L are read as 0/1 (Crockford), so a code
    copied from paper works as well as one clicked in an e-mail.
    """
    if code is None or (isinstance(code, str) and not code.strip()):
        raise SurveyRefusal("token_missing")
    if not isinstance(code, str) or len(code) > 200:
        raise SurveyRefusal("token_malformed")
    canonical = code.upper().translate(_SEPARATORS).translate(_TYPO_MAP)
    if len(canonical) != CODE_LENGTH or any(ch not in ALPHABET for ch in canonical):
        raise SurveyRefusal("token_malformed")
    return canonical


def token_hash(salt: str, code: str, keys: Keys | None = None) -> str:
    """HMAC-SHA256 of the canonical code (hex digest), keyed with the wave's salt and the key
    file's secret; ``keys=None`` gives the old salt-only hash of waves from before the key file."""
    return _hmac(salt, normalize_code(code), keys)


def _hmac(salt: str, canonical: str, keys: Keys | None = None) -> str:
    key = salt.encode("ascii") if keys is None else keys.token_key(salt)
    return hmac.new(key, canonical.encode("ascii"), hashlib.sha256).hexdigest()


def wave_hash(wave, canonical: str, keys: Keys) -> str | None:
    """The hash a code would have in ``wave``; None when the wave was bound to another key file."""
    if wave.key_id is None:
        return _hmac(wave.token_salt, canonical)
    if wave.key_id != keys.key_id:
        return None
    return _hmac(wave.token_salt, canonical, keys)


def survey_link(base_url: str | None, kind: str, code: str) -> str:
    base = (base_url or DEFAULT_BASE_URL).rstrip("/")
    return f"{base}/voila/render/{kind}.ipynb?token={code}"


# Waves with their instrument's content hash (saves the submission a round trip).
_ALL_WAVES = select(Wave.__table__, InstrumentRow.content_hash).join(
    InstrumentRow, InstrumentRow.id == Wave.instrument_id
)
_TOKENS_BY_HASH = select(Token.__table__).where(Token.token_hash.in_(bindparam("hashes", expanding=True)))


def find_token(session: Session | Connection, code: object, keys: Keys | None = None):
    """The token and wave rows a code belongs to, trying each wave's key; refusal when unknown.

    Only a handful of waves exist (one every few weeks plus the rolling exit and follow-up
    waves), so hashing the code once per wave is cheap and the link needs no wave id. Plain
    rows (not ORM objects) keep the submission path lean; they have the columns as attributes.
    """
    canonical = normalize_code(code)
    keys = keys if keys is not None else keys_for(session)
    hashes, foreign = {}, []
    for w in session.execute(_ALL_WAVES).all():
        digest = wave_hash(w, canonical, keys)
        if digest is None:
            foreign.append(w.name)
        else:
            hashes[digest] = w
    token = session.execute(_TOKENS_BY_HASH, {"hashes": list(hashes)}).first() if hashes else None
    if token is None:
        if foreign:
            raise ConfigError(
                f"the key file {keys.path} is not the one wave(s) {', '.join(foreign[:5])} were opened with, so "
                "their codes cannot be checked; restore the original key file (docs/anonymity.md)."
            )
        raise SurveyRefusal("token_unknown")
    wave = hashes[token.token_hash]
    if wave.id != token.wave_id:  # a hash from another wave's salt: treat as forged
        raise SurveyRefusal("token_unknown")
    return token, wave


def check_token(
    session: Session | Connection,
    code: object,
    kind: str | None = None,
    today: dt.date | None = None,
    keys: Keys | None = None,
):
    """Refuse an unknown, used, closed-wave or wrong-survey code; else return (token, wave) rows.

    Read-only: the app calls it before showing the questions and ``submit`` before it writes;
    the decisive check is the conditional UPDATE in ``submit``'s write transaction.
    """
    token, wave = find_token(session, code, keys)
    if kind is not None and wave.kind != kind:
        raise SurveyRefusal("wrong_survey", kind=wave.kind)
    state = wave_state(wave, today)
    if state == "closed":
        raise SurveyRefusal("wave_closed")
    if state == "not_yet":
        raise SurveyRefusal("wave_not_open", opens=wave.opens_on.isoformat())
    if token.used:
        raise SurveyRefusal("token_used")
    return token, wave


def issue_tokens(
    store,
    wave_name: str,
    team_name: str,
    count: int,
    *,
    base_url: str | None = None,
    out: Path | None = None,
    today: dt.date | None = None,
    people: list[str] | None = None,
) -> list[IssuedToken]:
    """Create ``count`` single-use codes for one team of an open wave; return codes and links.

    ``people`` (confidential mode only): the HR ids the codes go to, one code each in that
    order (``count`` must equal their number); each token then carries the person's pseudonym
    sealed with the key file, and the CSV has a ``person`` column.

    Only the hashes are stored; the codes exist in the return value (and in ``out``, a CSV
    readable only by its owner) and nowhere else. The CSV is written before the transaction
    commits and put in place after it, so a failure leaves neither orphan tokens nor a file
    with codes that do not work. ``Invitation.invited`` grows by ``count`` — the denominator
    of the response rate.
    """
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_TOKENS_PER_CALL:
        raise InputError(f"the token count must be a whole number from 1 to {MAX_TOKENS_PER_CALL}; got {count!r}.")
    if people is not None and (len(people) != count or len(set(people)) != len(people)):
        raise InputError(f"give one distinct HR id per code: {len(people)} people for {count} codes.")
    keys = keys_for(store)
    tmp: Path | None = None
    try:
        with store.session() as s:
            wave = get_wave(s, wave_name)
            if wave_state(wave, today) == "closed":
                raise SurveyError(f"wave '{wave.name}' is closed; open a new wave to invite more people.")
            team = get_team(s, team_name)
            if wave.key_id is None:
                if s.scalar(select(Token.token_hash).where(Token.wave_id == wave.id).limit(1)) is not None:
                    raise SurveyError(
                        f"wave '{wave.name}' was opened before the code key moved out of the database: its "
                        "codes can be checked against a database copy. The codes already handed out keep "
                        "working; close this wave and open a new one to invite more people."
                    )
                wave.key_id = keys.key_id  # the wave's first code binds it to the key file
            elif wave.key_id != keys.key_id:
                raise ConfigError(
                    f"the key file {keys.path} is not the one wave '{wave.name}' was opened with; restore "
                    "the original key file (docs/anonymity.md)."
                )
            links = _sealed_links(s, keys, team, people) if people is not None else [None] * count
            issued: list[IssuedToken] = []
            rows: list[Token] = []
            seen: set[str] = set()
            while len(issued) < count:
                code = new_code()
                digest = token_hash(wave.token_salt, code, keys)
                if digest in seen:  # 2^-100 odds, but never store a duplicate
                    continue
                seen.add(digest)
                issued.append(IssuedToken(code=code, link=survey_link(base_url, wave.kind, code)))
                rows.append(
                    Token(token_hash=digest, wave_id=wave.id, team_id=team.id, used=False, sealed_link=links[len(rows)])
                )
            s.add_all(rows)
            invitation = s.get(Invitation, (wave.id, team.id))
            if invitation is None:
                s.add(Invitation(wave_id=wave.id, team_id=team.id, invited=count))
            else:
                invitation.invited += count
            if out is not None:
                tmp = _write_temp_csv(Path(out), issued, wave=wave.name, team=team.name, people=people)
            s.flush()
        if tmp is not None:
            os.replace(tmp, out)
            tmp = None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
    return issued


def _sealed_links(session, keys: Keys, team, people: list[str]) -> list[bytes]:
    """Confidential mode: each person's pseudonym sealed with the key (refused otherwise)."""
    from verloop.store.settings import get_settings

    if get_settings(session).survey_mode != "confidential":
        raise SurveyError(
            "codes can be issued per person only in confidential mode; this organisation surveys "
            "anonymously, so codes are issued per team and never linked to anyone."
        )
    known = set(session.scalars(select(Employee.hr_id).where(Employee.team_id == team.id, Employee.hr_id.in_(people))))
    missing = [p for p in people if p not in known]
    if missing:
        raise InputError(f"these HR ids are not in team '{team.name}': {', '.join(map(str, missing[:10]))}.")
    return [keys.seal(keys.pseudonym(p).encode("ascii"), b"link") for p in people]


def _cell(text: str) -> str:
    """Neutralise spreadsheet formulas in names (a team called '=HYPERLINK(...)')."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _write_temp_csv(path: Path, tokens: list[IssuedToken], *, wave: str, team: str, people=None) -> Path:
    """Codes and links in a hidden file beside ``path``, mode 0600 (codes are secrets)."""
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"cannot write {path}: the folder {folder} does not exist.")
    try:
        fd, name = tempfile.mkstemp(prefix=".tokens-", suffix=".csv", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}.") from None
    tmp = Path(name)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["code", "link", "wave", "team"] + (["person"] if people is not None else []))
            for i, token in enumerate(tokens):
                extra = [_cell(str(people[i]))] if people is not None else []
                writer.writerow([token.code, token.link, _cell(wave), _cell(team)] + extra)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror}.") from None
    return tmp
