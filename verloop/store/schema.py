"""The database schema: SQLAlchemy 2 ORM classes, migrated by Alembic.

Anonymity is designed into the tables (see docs/design/ANONYMITY.md):
- ``Response.id`` is a random 128-bit hex string, never an autoincrement, so the primary-key
  order reveals nothing about submission order;
- no response column references an employee or a token; responses keep the date only;
- ``Token`` keeps a salted hash, its wave and team and a used flag — nothing links it to the
  response it was spent on.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SURVEY_MODES = ("anonymous", "confidential")
EXIT_TYPES = ("voluntary", "involuntary")
LANGUAGES = ("nl", "en")


def random_id() -> str:
    """A random 128-bit id: unguessable and unordered (never reveals submission order)."""
    return secrets.token_hex(16)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class OrgSettings(Base):
    """One row: the organisation's privacy and survey settings."""

    __tablename__ = "org_settings"
    __table_args__ = (
        CheckConstraint("min_group_size >= 3", name="k_at_least_3"),
        CheckConstraint("comment_min_group_size >= min_group_size", name="comment_k_ge_k"),
        CheckConstraint("survey_mode in ('anonymous', 'confidential')", name="survey_mode"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="Verloop")
    min_group_size: Mapped[int] = mapped_column(Integer, default=5)
    comment_min_group_size: Mapped[int] = mapped_column(Integer, default=10)
    survey_mode: Mapped[str] = mapped_column(String(20), default="anonymous")
    annual_salary_eur: Mapped[float] = mapped_column(Float, default=32000.0)
    replacement_cost_share: Mapped[float] = mapped_column(Float, default=0.20)


class DataRevision(Base):
    """One row: a counter bumped by every write that can change a published figure; the only
    cache key of the dashboards (no timestamp: it must not date a submission)."""

    __tablename__ = "data_revision"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    revision: Mapped[int] = mapped_column(BigInteger, default=1)


class KpiTarget(Base):
    """The organisation's own target per KPI (``active`` false: the centre does not steer on it,
    e.g. AHT where it was dropped as a target)."""

    __tablename__ = "kpi_targets"
    __table_args__ = (CheckConstraint("direction in ('higher', 'lower')", name="direction"),)

    kpi: Mapped[str] = mapped_column(String(40), primary_key=True)
    target: Mapped[float | None] = mapped_column(Float)
    direction: Mapped[str] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class SettingsChange(Base):
    """Audit log: every change of a privacy setting, with who and when."""

    __tablename__ = "settings_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime)
    changed_by: Mapped[str] = mapped_column(String(200))
    field: Mapped[str] = mapped_column(String(100))
    old_value: Mapped[str | None] = mapped_column(String(200))
    new_value: Mapped[str | None] = mapped_column(String(200))


class Site(Base):
    __tablename__ = "sites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)

    teams: Mapped[list[Team]] = relationship(back_populates="site")


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    team_lead: Mapped[str | None] = mapped_column(String(200))
    # Known for synthetic organisations; real organisations may fill it from a lead-style survey.
    lead_style: Mapped[str | None] = mapped_column(String(40))

    site: Mapped[Site] = relationship(back_populates="teams")


class Employee(Base):
    """An HR record. Survey answers never point here (anonymous mode)."""

    __tablename__ = "employees"
    __table_args__ = (
        CheckConstraint("exit_type is null or exit_type in ('voluntary', 'involuntary')", name="exit_type"),
        CheckConstraint("exit_date is null or exit_date >= hire_date", name="exit_after_hire"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    hr_id: Mapped[str] = mapped_column(String(100), unique=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    role: Mapped[str] = mapped_column(String(100), default="agent")
    contract_hours: Mapped[float] = mapped_column(Float)
    hire_date: Mapped[dt.date] = mapped_column(Date)
    exit_date: Mapped[dt.date | None] = mapped_column(Date)
    exit_type: Mapped[str | None] = mapped_column(String(20))
    regretted: Mapped[bool | None] = mapped_column(Boolean)


class TeamKpi(Base):
    """Monthly operational KPIs per team (what the 'green' reports show)."""

    __tablename__ = "team_kpis"

    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    month: Mapped[dt.date] = mapped_column(Date, primary_key=True)  # first day of the month
    aht_s: Mapped[float | None] = mapped_column(Float)
    service_level: Mapped[float | None] = mapped_column(Float)  # % answered within target
    csat: Mapped[float | None] = mapped_column(Float)  # 1-5
    fcr: Mapped[float | None] = mapped_column(Float)  # first-contact resolution %
    repeat_rate: Mapped[float | None] = mapped_column(Float)  # repeat-contact %
    absenteeism: Mapped[float | None] = mapped_column(Float)  # %


class Instrument(Base):
    """One version of a survey instrument; changed wording makes a new version."""

    __tablename__ = "instruments"
    __table_args__ = (
        UniqueConstraint("key", "version", name="key_version"),
        UniqueConstraint("key", "content_hash", name="key_hash"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(50))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    definition: Mapped[str] = mapped_column(Text)  # canonical JSON of the instrument file
    created_on: Mapped[dt.date] = mapped_column(Date)


class InstrumentItem(Base):
    __tablename__ = "instrument_items"

    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(50), primary_key=True)
    scale: Mapped[str] = mapped_column(String(50))
    reverse: Mapped[bool] = mapped_column(Boolean, default=False)
    min_value: Mapped[float] = mapped_column(Float)
    max_value: Mapped[float] = mapped_column(Float)


class Wave(Base):
    """A survey round (pulse every 4-6 weeks) or a rolling exit / follow-up window."""

    __tablename__ = "waves"
    __table_args__ = (CheckConstraint("status in ('open', 'closed')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    instrument_id: Mapped[int] = mapped_column(ForeignKey("instruments.id"))
    kind: Mapped[str] = mapped_column(String(20))  # pulse | exit | followup
    opens_on: Mapped[dt.date] = mapped_column(Date)
    closes_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    token_salt: Mapped[str] = mapped_column(String(64), default=lambda: secrets.token_hex(16))
    # Fingerprint of the key file the wave's codes are hashed (and its ballots sealed) with; the
    # key itself never enters the database. NULL: a wave from before keys moved out (its codes
    # were hashed with the salt alone), see docs/anonymity.md.
    key_id: Mapped[str | None] = mapped_column(String(16))


class Invitation(Base):
    """Tokens issued per wave and team: the denominator of the response rate."""

    __tablename__ = "invitations"

    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), primary_key=True)
    invited: Mapped[int] = mapped_column(Integer)


class Token(Base):
    """A single-use survey token, stored only as a salted hash; never linked to its response."""

    __tablename__ = "tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"))
    used: Mapped[bool] = mapped_column(Boolean, default=False)
    # Confidential mode only: the person's pseudonym, sealed with the key outside the database
    # (random nonce, so equal pseudonyms do not look equal). NULL in anonymous mode.
    sealed_link: Mapped[bytes | None] = mapped_column(LargeBinary)


class Response(Base):
    """One submitted questionnaire: random id, wave, team, the date only, the language.

    Exit and follow-up answers are stored generalised (docs/anonymity.md): no team (NULL) but
    the site — or neither, when a site had fewer than k answers in the period — and the first
    day of the quarter instead of the day, so that each is consistent with at least k leavers
    of HR's own employee table."""

    __tablename__ = "responses"
    # WITHOUT ROWID: SQLite stores rows in primary-key (random) order, so not even the hidden
    # rowid reveals the order in which answers were submitted.
    __table_args__ = (
        CheckConstraint("language in ('nl', 'en')", name="language"),
        {"sqlite_with_rowid": False},
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    submitted_on: Mapped[dt.date] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(2))
    # Exit / follow-up only: the site (their team is not stored); NULL for pulse answers.
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id"), index=True)
    # Self-reported bands for demographic filters (coarse on purpose), optional.
    tenure_band: Mapped[str | None] = mapped_column(String(20))
    contract_type: Mapped[str | None] = mapped_column(String(20))
    # Exit / follow-up: the (stated or honest) main reason code.
    reason: Mapped[str | None] = mapped_column(String(40))
    # Confidential mode only: a keyed pseudonym whose key is held outside the database.
    pseudonym: Mapped[str | None] = mapped_column(String(64))

    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    comments: Mapped[list[Comment]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Answer(Base):
    """Long form: one row per response x item."""

    __tablename__ = "answers"
    __table_args__ = {"sqlite_with_rowid": False}

    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[float] = mapped_column(Float)

    response: Mapped[Response] = relationship(back_populates="answers")


class Comment(Base):
    """Free text to an open question (stop / start / comment), stored as text, shown escaped."""

    __tablename__ = "comments"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    response_id: Mapped[str] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="comments")


class Ballot(Base):
    """A sealed submission waiting in the ballot box (docs/anonymity.md).

    Written in the same transaction as its code's used flag; ``sealed`` is the submission
    encrypted (AES-GCM) with a key held outside the database. Ballots are opened and moved,
    shuffled, into the answer tables only in groups of at least k (``group_key``: the team for
    pulse answers, site and quarter for exit and follow-up answers), or when the wave closes."""

    __tablename__ = "ballots"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    wave_id: Mapped[int] = mapped_column(ForeignKey("waves.id"), index=True)
    group_key: Mapped[str] = mapped_column(String(60))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class TeamAction(Base):
    """A team's stop/start agreement for one 4-6-week improvement cycle."""

    __tablename__ = "team_actions"
    __table_args__ = (CheckConstraint("status in ('open', 'closed')", name="status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    cycle: Mapped[str] = mapped_column(String(50))
    stop_text: Mapped[str | None] = mapped_column(Text)
    start_text: Mapped[str | None] = mapped_column(Text)
    created_on: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_on: Mapped[dt.date | None] = mapped_column(Date)


# -- HR-side accounts and their access log (issue 13; verloop.accounts) ----------------------------


class Account(Base):
    """A person who signs in on the HR side. Secrets are stored only as salted argon2 hashes."""

    __tablename__ = "accounts"
    __table_args__ = (CheckConstraint("role in ('hr', 'site', 'lead', 'research')", name="role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    # role 'site': the one site it covers (its teams: account_teams is empty)
    site_id: Mapped[int | None] = mapped_column(ForeignKey("sites.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    last_sign_in: Mapped[dt.datetime | None] = mapped_column(DateTime)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # the personal key handed out once at the first sign-in (argon2 hash)
    key_hash: Mapped[str | None] = mapped_column(String(200))
    # the one-time sign-in link (argon2 hash) and until when it can be used
    link_hash: Mapped[str | None] = mapped_column(String(200))
    link_expires: Mapped[dt.datetime | None] = mapped_column(DateTime)

    teams: Mapped[list[AccountTeam]] = relationship(cascade="all, delete-orphan")


class AccountTeam(Base):
    """The teams a 'lead' account covers."""

    __tablename__ = "account_teams"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True)


class AccessEntry(Base):
    """Who opened which page or export, when (never what they typed or chose)."""

    __tablename__ = "access_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    account: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(200))


class AccessSettings(Base):
    """One row: how long the access log is kept and how long sign-ins last."""

    __tablename__ = "access_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("log_days >= 1", name="log_days_positive"),
        CheckConstraint("session_hours >= 1", name="session_hours_positive"),
        CheckConstraint("link_hours >= 1", name="link_hours_positive"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, default=1)
    log_days: Mapped[int] = mapped_column(Integer, default=365)
    session_hours: Mapped[int] = mapped_column(Integer, default=12)
    link_hours: Mapped[int] = mapped_column(Integer, default=72)
