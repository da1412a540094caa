"""The organisation as tidy frames: what the models read, from the database or from memory.

Models never query the database themselves; they get an ``OrgData`` (one frame per table, dates
as ``datetime64[ns]``), so the same code runs on a Verloop database, on a synthetic organisation
held in memory, and in tests. ``scale_scores`` scores every pulse response once.

Anonymity: in the default anonymous mode responses carry no link to people, and nothing here
creates one. ``link_pseudonyms`` exists only for confidential mode, needs the key that is held
outside the database, and its output stays inside the modelling code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from verloop.domain.constants import DAYS_PER_YEAR, PART_TIME_BELOW_HOURS  # noqa: F401 (re-exported to the models)
from verloop.errors import InputError

DRIVER_SCALES = (
    "engagement",
    "wellbeing",
    "autonomy",
    "mandate",
    "workload",
    "connection",
    "growth",
    "leadership",
    "voice",
    "metric_gaming",
)
"""Constructs the organisation can act on: candidate drivers of leaving."""

OUTCOME_SCALES = ("intent_stay", "enps")
"""Attitudes that already contain the decision to leave: good predictors, never drivers."""

KPI_COLUMNS = ("aht_s", "service_level", "csat", "fcr", "repeat_rate", "absenteeism")

_DATE_COLUMNS = {
    "employees": ("hire_date", "exit_date"),
    "kpis": ("month",),
    "waves": ("opens_on", "closes_on"),
    "responses": ("submitted_on",),
}


@dataclass
class OrgData:
    """One organisation: HR records, KPIs, survey waves, responses and answers."""

    teams: pd.DataFrame  # id, name, site_id, lead_style
    employees: pd.DataFrame  # id, hr_id, team_id, site_id, contract_hours, hire_date, exit_date, exit_type
    kpis: pd.DataFrame  # team_id, month, aht_s, service_level, csat, fcr, repeat_rate, absenteeism
    waves: pd.DataFrame  # id, name, kind, opens_on, closes_on, instrument (key)
    responses: pd.DataFrame  # id, wave_id, team_id, submitted_on, reason, pseudonym, ...
    answers: pd.DataFrame  # response_id, item_id, value
    instruments: dict = field(default_factory=dict)  # wave id -> verloop.surveys.Instrument
    invitations: pd.DataFrame | None = None  # wave_id, team_id, invited
    sites: pd.DataFrame | None = None
    settings: dict = field(default_factory=dict)
    as_of: pd.Timestamp | None = None
    _scores: pd.DataFrame | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for name, cols in _DATE_COLUMNS.items():
            frame = getattr(self, name)
            for c in cols:
                if c in frame:
                    frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
        if self.as_of is None:
            self.as_of = self._latest_date()
        self.as_of = pd.Timestamp(self.as_of).normalize()

    # -- facts ---------------------------------------------------------------------------------
    def _latest_date(self) -> pd.Timestamp:
        """The end of the data: ``verloop.status.end_of_data`` (the one definition) over the last
        exit, hire, KPI month, response and closing day of a closed wave — an open wave's planned
        closing day is not data."""
        from verloop.domain.period import end_of_data

        def last(frame, col):
            return frame[col].max() if col in frame and frame[col].notna().any() else None

        waves, responses = self.waves, self.responses
        if "status" in waves and "closes_on" in waves:
            today = pd.Timestamp.today().normalize()
            waves = waves[(waves["status"] != "open") | (pd.to_datetime(waves["closes_on"]) < today)]
            if "wave_id" in responses and "id" in waves:
                waves = waves[waves["id"].isin(responses["wave_id"])]  # an empty wave adds no data
                responses = responses[responses["wave_id"].isin(waves["id"])]
        end = end_of_data(
            exits=[last(self.employees, "exit_date")],
            hires=[last(self.employees, "hire_date")],
            kpi_months=[last(self.kpis, "month")],
            responses=[last(responses, "submitted_on")],
            closed_waves=[last(waves, "closes_on")],
        )
        if end is None:
            raise InputError("The organisation has no dated records; load HR data first.")
        return pd.Timestamp(end)

    @property
    def survey_mode(self) -> str:
        return self.settings.get("survey_mode", "anonymous")

    @property
    def pulse_waves(self) -> pd.DataFrame:
        waves = self.waves[self.waves["kind"] == "pulse"].sort_values("opens_on")
        return waves.reset_index(drop=True)

    def data_window(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        """First pulse wave (or first KPI month) to the end of the data."""
        starts = []
        if len(self.pulse_waves):
            starts.append(self.pulse_waves["opens_on"].min())
        if len(self.kpis):
            starts.append(self.kpis["month"].min())
        start = min(starts) if starts else self.employees["hire_date"].min()
        return pd.Timestamp(start), pd.Timestamp(self.as_of)

    def scale_scores(self) -> pd.DataFrame:
        """One row per pulse response: response id, wave, team, date, pseudonym, one column per
        scale (scored by ``verloop.surveys.score_responses``, the package's scoring rules)."""
        if self._scores is None:
            self._scores = _score_pulse(self)
        return self._scores

    def scales(self) -> list[str]:
        """Scale keys present in the pulse scores, in instrument order."""
        scores = self.scale_scores()
        fixed = {"response_id", "wave_id", "team_id", "submitted_on", "pseudonym"}
        return [c for c in scores.columns if c not in fixed]

    def pulse_instrument(self):
        waves = self.pulse_waves
        if waves.empty:
            raise InputError("There are no pulse waves yet; run a pulse survey before modelling.")
        return self.instruments[int(waves["id"].iloc[-1])]


def pulse_answers(org: OrgData) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pulse responses (with an integer ``code`` per response) and their answers keyed by that
    code. Integer keys instead of 32-character ids keep scoring light: at 100,000 employees the
    pulse holds about 40 million answers."""
    pulse = org.pulse_waves
    responses = org.responses[org.responses["wave_id"].isin(pulse["id"])].reset_index(drop=True)
    responses = responses.assign(code=np.arange(len(responses), dtype=np.int64))
    index = pd.Index(responses["id"])
    codes = index.get_indexer(org.answers["response_id"])
    keep = codes >= 0
    answers = pd.DataFrame(
        {
            "response_id": codes[keep],
            "item_id": org.answers["item_id"].to_numpy()[keep],
            "value": org.answers["value"].to_numpy()[keep],
        }
    )
    return responses, answers


def _score_pulse(org: OrgData) -> pd.DataFrame:
    from verloop.surveys import score_responses

    responses, answers_all = pulse_answers(org)
    base = responses[["id", "code", "wave_id", "team_id", "submitted_on", "pseudonym"]].rename(
        columns={"id": "response_id"}
    )
    wave_of = responses["wave_id"].to_numpy()
    by_instrument: dict[int, list[int]] = {}
    for wave_id in pd.unique(responses["wave_id"]):
        by_instrument.setdefault(id(org.instruments[int(wave_id)]), []).append(int(wave_id))
    wide_parts = []
    for wave_ids in by_instrument.values():  # one scoring pass per instrument version
        instrument = org.instruments[wave_ids[0]]
        answers = answers_all[np.isin(wave_of[answers_all["response_id"].to_numpy()], wave_ids)]
        if answers.empty:
            continue
        tidy = score_responses(answers, instrument)
        wide_parts.append(tidy.pivot(index="response_id", columns="scale", values="score"))
    if not wide_parts:
        return base.drop(columns="code").iloc[0:0]
    wide = pd.concat(wide_parts)
    order = [s.key for s in org.pulse_instrument().scales if s.key in wide.columns]
    wide = wide[order + [c for c in wide.columns if c not in order]]
    wide.columns.name = None
    out = base.merge(wide, left_on="code", right_index=True, how="inner")
    return out.drop(columns="code").reset_index(drop=True)


def pseudonym(key: str, hr_id: str) -> str:
    """Confidential-mode pseudonym: HMAC-SHA256 of the HR id under the organisation's key."""
    return hmac.new(key.encode("utf-8"), str(hr_id).encode("utf-8"), hashlib.sha256).hexdigest()


def link_pseudonyms(org: OrgData, key: str) -> pd.DataFrame:
    """Confidential mode only: scale scores with the employee id they belong to.

    Refuses in anonymous mode. The result holds individual answers and must never leave the
    modelling code (ANONYMITY.md item 6): models fitted on it report groups only.
    """
    from verloop.errors import PrivacyError

    if org.survey_mode != "confidential":
        raise PrivacyError(
            "Answers can be linked to HR records only in confidential mode; this organisation "
            "surveys anonymously, so use the team-level model."
        )
    if not key:
        raise PrivacyError(
            "Confidential mode needs the pseudonym key, which is kept outside the database; pass it explicitly."
        )
    lookup = pd.Series(
        org.employees["id"].to_numpy(),
        index=[pseudonym(key, h) for h in org.employees["hr_id"]],
    )
    scores = org.scale_scores()
    scores = scores[scores["pseudonym"].notna()].copy()
    scores["employee_id"] = scores["pseudonym"].map(lookup)
    unmatched = int(scores["employee_id"].isna().sum())
    scores = scores.dropna(subset=["employee_id"]).drop(columns=["pseudonym", "response_id"])
    scores["employee_id"] = scores["employee_id"].astype("int64")
    scores.attrs["unmatched"] = unmatched
    return scores.reset_index(drop=True)


# -- loading ----------------------------------------------------------------------------------


def load_org(store, as_of: dt.date | None = None) -> OrgData:
    """Read everything the models need from a Verloop database (``verloop.store.Store``)."""
    from sqlalchemy import select

    from verloop.store import schema
    from verloop.store.settings import get_settings
    from verloop.surveys import Instrument

    def frame(table, columns=None) -> pd.DataFrame:
        stmt = select(*(columns or table.__table__.columns))
        with store.engine.connect() as conn:
            return pd.read_sql(stmt, conn)

    teams = frame(schema.Team)
    employees = frame(schema.Employee)
    kpis = frame(schema.TeamKpi)
    waves = frame(schema.Wave)
    instruments_table = frame(schema.Instrument)
    responses = frame(schema.Response)
    answers = frame(schema.Answer)
    sites = frame(schema.Site)
    invitations = frame(schema.Invitation)
    with store.session() as session:
        s = get_settings(session)
        settings = {
            "survey_mode": s.survey_mode,
            "min_group_size": s.min_group_size,
            "annual_salary_eur": s.annual_salary_eur,
            "replacement_cost_share": s.replacement_cost_share,
            "name": s.name,
        }
    if employees.empty:
        raise InputError(
            "The database holds no employees; load HR data (verloop ingest) or build the demo "
            "organisation (verloop demo) first."
        )
    definitions = {int(r.id): (r.key, r.definition) for r in instruments_table.itertuples(index=False)}
    cache: dict[int, object] = {}
    instruments = {}
    for wave in waves.itertuples(index=False):
        iid = int(wave.instrument_id)
        if iid not in cache:
            cache[iid] = Instrument.from_definition(definitions[iid][1])
        instruments[int(wave.id)] = cache[iid]
    waves["instrument"] = waves["instrument_id"].map({k: v[0] for k, v in definitions.items()})
    return OrgData(
        teams=teams,
        employees=employees,
        kpis=kpis,
        waves=waves,
        responses=responses,
        answers=answers,
        instruments=instruments,
        invitations=invitations,
        sites=sites,
        settings=settings,
        as_of=pd.Timestamp(as_of) if as_of else None,
    )


def from_frames(frames: dict, settings: dict | None = None, as_of=None) -> OrgData:
    """Build ``OrgData`` from frames named like the database tables (e.g. a synthetic
    organisation in memory): ``teams``, ``employees``, ``team_kpis``, ``waves`` (with an
    ``instrument`` key column), ``responses``, ``answers``."""
    from verloop.surveys import load_instrument

    waves = frames["waves"].copy()
    keys = waves["instrument"] if "instrument" in waves else waves["kind"]
    loaded = {k: load_instrument(k) for k in pd.unique(keys)}
    instruments = {int(w): loaded[k] for w, k in zip(waves["id"], keys)}
    return OrgData(
        teams=frames["teams"].copy(),
        employees=frames["employees"].copy(),
        kpis=frames.get("team_kpis", frames.get("kpis")).copy(),
        waves=waves,
        responses=frames["responses"].copy(),
        answers=frames["answers"],
        instruments=instruments,
        invitations=frames.get("invitations"),
        sites=frames.get("sites"),
        settings=dict(settings or {}),
        as_of=as_of,
    )


def headcount_at(employees: pd.DataFrame, day: pd.Timestamp) -> pd.Series:
    """Boolean mask: employed on ``day`` (hired on or before, not yet left)."""
    return (employees["hire_date"] <= day) & (employees["exit_date"].isna() | (employees["exit_date"] > day))


def years_between(start, end) -> np.ndarray:
    return (pd.to_datetime(end) - pd.to_datetime(start)) / pd.Timedelta(days=1) / DAYS_PER_YEAR
