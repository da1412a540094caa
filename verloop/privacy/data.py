"""Reading what the door needs from the store, as tidy frames. Nothing here is shown to anyone.

The door is the only code that reads answers for display (``verloop.status`` counts rows, the
models read features for modelling); this module loads them once per door and keeps them in
memory for the suppression plans.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Float, case, cast, func, select

from verloop.privacy.suppress import Hierarchy
from verloop.store.schema import (
    Answer,
    Comment,
    Employee,
    InstrumentItem,
    Invitation,
    Response,
    Site,
    Team,
    TeamKpi,
    Wave,
)

WAVE_COLUMNS = ["wave_id", "wave", "kind", "opens_on", "closes_on", "status", "state", "instrument_id"]


@dataclass
class Structure:
    """Sites and teams: what every HR user may see."""

    hierarchy: Hierarchy
    teams: pd.DataFrame  # team_id, team, site_id, site

    @property
    def team_names(self) -> dict[int, str]:
        return dict(zip(self.teams["team_id"], self.teams["team"]))

    @property
    def site_names(self) -> dict[int, str]:
        return dict(zip(self.teams["site_id"], self.teams["site"]))


def load_structure(session) -> Structure:
    rows = session.execute(select(Team.id, Team.name, Site.id, Site.name).join(Site, Site.id == Team.site_id)).all()
    teams = pd.DataFrame(rows, columns=["team_id", "team", "site_id", "site"])
    teams = teams.astype({"team_id": "int64", "site_id": "int64", "team": "object", "site": "object"})
    return Structure(
        Hierarchy(dict(zip(teams["team"], teams["site"]))), teams.sort_values("team").reset_index(drop=True)
    )


def revision(session) -> int:
    """The database's data revision: bumped in the same transaction by every write that can
    change a published figure (``verloop.store.bump_revision``, triggers of migration 0002).
    With today's date, the only key of anything loaded or published from the store."""
    from verloop.store import data_revision

    return data_revision(session)


def load_waves(session, kind: str, today: dt.date) -> pd.DataFrame:
    from verloop.surveys.waves import wave_state

    waves = session.scalars(select(Wave).where(Wave.kind == kind).order_by(Wave.opens_on, Wave.name)).all()
    frame = pd.DataFrame(
        [
            (w.id, w.name, w.kind, w.opens_on, w.closes_on, w.status, wave_state(w, today), w.instrument_id)
            for w in waves
        ],
        columns=WAVE_COLUMNS,
    )
    return frame.astype({"wave_id": "int64", "instrument_id": "int64"}) if len(frame) else frame


@dataclass
class SurveyData:
    """All responses of one survey kind with their scale scores, plus who was invited."""

    kind: str
    waves: pd.DataFrame
    responses: pd.DataFrame  # response_id, wave_id, team, site, tenure_band, contract_type, reason
    scores: pd.DataFrame  # response_id, wave_id, team, scale, score (answered scales only)
    scales: list[str]
    scale_ranges: dict[str, tuple[float, float]]
    higher_is_better: dict[str, bool]
    invited: dict[int, dict[str, int] | None]
    members: dict[int, dict[str, frozenset] | None]
    comments: pd.DataFrame  # response_id, wave_id, team, question, text
    open_questions: list[str] = field(default_factory=list)


def _members_at(employees: pd.DataFrame, day: dt.date, team_names: dict[int, str]) -> dict[str, frozenset]:
    day = pd.Timestamp(day)
    present = employees[
        (employees["hire_date"] <= day) & (employees["exit_date"].isna() | (employees["exit_date"] >= day))
    ]
    out: dict[str, frozenset] = {name: frozenset() for name in team_names.values()}
    for team_id, ids in present.groupby("team_id")["id"]:
        name = team_names.get(int(team_id))
        if name is not None:
            out[name] = frozenset(ids.tolist())
    return out


def load_employees(session, structure: Structure) -> pd.DataFrame:
    rows = session.execute(
        select(
            Employee.id,
            Employee.team_id,
            Employee.site_id,
            Employee.role,
            Employee.contract_hours,
            Employee.hire_date,
            Employee.exit_date,
            Employee.exit_type,
            Employee.regretted,
        )
    ).all()
    columns = ["id", "team_id", "site_id", "role", "contract_hours", "hire_date", "exit_date", "exit_type", "regretted"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["hire_date"] = pd.to_datetime(frame["hire_date"])
    frame["exit_date"] = pd.to_datetime(frame["exit_date"])
    frame["team"] = frame["team_id"].map(structure.team_names)
    frame["site"] = frame["team"].map(structure.hierarchy.team_site)
    return frame


def load_survey_meta(session, kind: str, structure: Structure, today: dt.date, employees: pd.DataFrame) -> SurveyData:
    """Everything of one survey kind but its answers: waves, scales, open questions, who was
    invited and who was a member per wave. ``responses``, ``scores`` and ``comments`` are empty
    (``load_survey_data`` fills them); what the plans and the set-based figures need."""
    from verloop.surveys.registry import registered_instrument

    waves = load_waves(session, kind, today)
    wave_ids = waves["wave_id"].tolist() if len(waves) else []
    team_names = structure.team_names
    scales: list[str] = []
    ranges: dict[str, tuple[float, float]] = {}
    better: dict[str, bool] = {}
    questions: list[str] = []
    for instrument_id in waves["instrument_id"].unique() if len(waves) else []:
        instrument = registered_instrument(session, int(instrument_id))
        for scale in instrument.scales:
            if scale.key not in ranges:
                scales.append(scale.key)
                lo, hi = float(scale.items[0].min), float(scale.items[0].max)
                ranges[scale.key] = (0.0, 100.0) if scale.scoring == "percent" else (lo, hi)
                better[scale.key] = bool(getattr(scale, "higher_is_better", True))
        for question in instrument.open_questions:
            if question.id not in questions:
                questions.append(question.id)

    invited: dict[int, dict[str, int] | None] = {}
    rows = session.execute(
        select(Invitation.wave_id, Invitation.team_id, Invitation.invited).where(Invitation.wave_id.in_(wave_ids))
    ).all()
    by_wave: dict[int, dict[str, int]] = {}
    for wave_id, team_id, count in rows:
        by_wave.setdefault(int(wave_id), {})[team_names.get(int(team_id), str(team_id))] = int(count)
    members: dict[int, dict[str, frozenset] | None] = {}
    for wave in waves.itertuples():
        if wave.wave_id in by_wave:
            invited[wave.wave_id] = {t: by_wave[wave.wave_id].get(t, 0) for t in team_names.values()}
        else:
            invited[wave.wave_id] = None
        members[wave.wave_id] = (
            _members_at(employees, wave.opens_on, team_names) if len(employees) and kind == "pulse" else None
        )
    return SurveyData(
        kind=kind,
        waves=waves,
        responses=pd.DataFrame(columns=RESPONSE_COLUMNS),
        scores=pd.DataFrame(columns=["response_id", "scale", "score", *RESPONSE_COLUMNS[1:-1]]),
        scales=scales,
        scale_ranges=ranges,
        higher_is_better=better,
        invited=invited,
        members=members,
        comments=pd.DataFrame(columns=["response_id", "question", "text", "wave_id", "team"]),
        open_questions=questions,
    )


RESPONSE_COLUMNS = ["response_id", "wave_id", "team", "site", "tenure_band", "contract_type", "reason"]


def load_survey_data(
    session, kind: str, structure: Structure, today: dt.date, employees: pd.DataFrame, scores: bool = True
) -> SurveyData:
    """``load_survey_meta`` plus every response, its scale scores and comments (per person:
    for demographic filters and comments; the group figures that need only counts, sums and
    sums of squares come from ``group_sums_in_database``, distributions from
    ``score_counts_in_database``). ``scores=False``:
    without the scale scores (``scores`` stays empty) - what comments, reasons and response
    counts need, without reading a single answer."""
    from verloop.surveys.registry import registered_instrument

    data = load_survey_meta(session, kind, structure, today, employees)
    waves = data.waves
    wave_ids = waves["wave_id"].tolist() if len(waves) else []
    responses = pd.DataFrame(
        session.execute(
            select(
                Response.id,
                Response.wave_id,
                Response.team_id,
                Response.tenure_band,
                Response.contract_type,
                Response.reason,
                Response.site_id,
            ).where(Response.wave_id.in_(wave_ids))
        ).all(),
        columns=["response_id", "wave_id", "team_id", "tenure_band", "contract_type", "reason", "site_id"],
    )
    # exit / follow-up answers are stored by site (or organisation) only: docs/anonymity.md
    responses = _named_groups(responses, structure)
    responses = responses.drop(columns=["team_id", "site_id"]).astype({"wave_id": "int64"})
    responses = responses.sort_values(["wave_id", "team", "response_id"]).reset_index(drop=True)

    comments = pd.DataFrame(
        session.execute(
            select(Comment.response_id, Comment.question, Comment.text)
            .join(Response, Response.id == Comment.response_id)
            .where(Response.wave_id.in_(wave_ids))
        ).all(),
        columns=["response_id", "question", "text"],
    )
    comments = comments.merge(responses[["response_id", "wave_id", "team"]], on="response_id", how="inner")

    if not scores:
        data.responses, data.comments = responses, comments
        return data
    scored = []
    for instrument_id in waves["instrument_id"].unique() if len(waves) else []:
        instrument = registered_instrument(session, int(instrument_id))
        ids = [int(w) for w in waves.loc[waves["instrument_id"] == instrument_id, "wave_id"]]
        scored.append(scale_scores_in_database(session, instrument, int(instrument_id), ids))
    scores = (
        pd.concat(scored, ignore_index=True)
        if scored
        else pd.DataFrame({"response_id": [], "scale": [], "score": []}).astype({"score": "float64"})
    )
    scores = scores.dropna(subset=["score"]).merge(
        responses[["response_id", "wave_id", "team", "site", "tenure_band", "contract_type"]], on="response_id"
    )
    data.responses, data.scores, data.comments = responses, scores, comments
    return data


def _scored_responses(instrument, instrument_id: int, wave_ids: list[int]):
    """A subquery ``response_id, scale, score`` with the rules of
    ``verloop.surveys.scoring.score_responses`` (reverse keying, the two-thirds rule, WHO-5 as
    percent) written in SQL, for set-based aggregation (SQLite and PostgreSQL)."""
    from verloop.surveys.scoring import MIN_ANSWERED_FRACTION

    item = InstrumentItem
    keyed = case((item.reverse, item.min_value + item.max_value - Answer.value), else_=Answer.value)
    responses = select(Response.id).where(Response.wave_id.in_([int(w) for w in wave_ids]))
    per = (
        select(
            Answer.response_id.label("response_id"),
            item.scale.label("scale"),
            func.sum(keyed).label("total"),
            func.count(Answer.value).label("answered"),
        )
        .select_from(Answer)
        .join(item, (item.item_id == Answer.item_id) & (item.instrument_id == int(instrument_id)))
        .where(Answer.response_id.in_(responses.scalar_subquery()))
        .group_by(Answer.response_id, item.scale)
        .subquery()
    )
    sizes = {scale.key: len(scale.items) for scale in instrument.scales}
    n_items = case(sizes, value=per.c.scale, else_=0)
    mean = cast(per.c.total, Float) / per.c.answered
    percent = [
        (
            per.c.scale == scale.key,
            (mean - float(scale.items[0].min)) / (float(scale.items[0].max) - float(scale.items[0].min)) * 100.0,
        )
        for scale in instrument.scales
        if scale.scoring == "percent"
    ]
    score = case(*percent, else_=mean) if percent else mean
    enough = per.c.answered * MIN_ANSWERED_FRACTION[1] >= n_items * MIN_ANSWERED_FRACTION[0]
    return select(per.c.response_id, per.c.scale, case((enough, score), else_=None).label("score")).subquery()


def group_sums_in_database(
    session, kind: str, structure: Structure, waves: pd.DataFrame, scales: bool = True
) -> pd.DataFrame:
    """Per wave, team (or, for answers stored without a team, site or organisation) and scale:
    ``n`` responses with a score, the ``total`` and ``total_sq`` (sum of squares) of their
    scores and how many scored 9 or more (``high``) and 6 or less (``low``: eNPS), computed by ``GROUP BY`` in the database; ``scale`` is None for the number of
    responses. Means, SDs and t-intervals of any group follow from these sums, so no answer and
    no per-response score reaches Python (``Door.scale_scores`` and ``response_rates``).
    ``scales=False``: only the numbers of responses (no answer is read)."""
    from verloop.surveys.registry import registered_instrument

    columns = ["wave_id", "team", "site", "scale", "n", "total", "total_sq", "high", "low"]
    parts = []
    wave_ids = [int(w) for w in waves["wave_id"]] if len(waves) else []
    counted = session.execute(
        select(Response.wave_id, Response.team_id, Response.site_id, func.count(Response.id))
        .where(Response.wave_id.in_(wave_ids))
        .group_by(Response.wave_id, Response.team_id, Response.site_id)
    ).all()
    parts.append(
        pd.DataFrame(counted, columns=["wave_id", "team_id", "site_id", "n"]).assign(
            scale=None, total=np.nan, total_sq=np.nan, high=np.nan, low=np.nan
        )
    )
    for instrument_id in waves["instrument_id"].unique() if (len(waves) and scales) else []:
        instrument = registered_instrument(session, int(instrument_id))
        ids = [int(w) for w in waves.loc[waves["instrument_id"] == instrument_id, "wave_id"]]
        scored = _scored_responses(instrument, int(instrument_id), ids)
        rows = session.execute(
            select(
                Response.wave_id,
                Response.team_id,
                Response.site_id,
                scored.c.scale,
                func.count(scored.c.score),
                func.sum(scored.c.score),
                func.sum(scored.c.score * scored.c.score),
                func.sum(case((scored.c.score >= 9, 1), else_=0)),
                func.sum(case((scored.c.score <= 6, 1), else_=0)),
            )
            .join(Response, Response.id == scored.c.response_id)
            .group_by(Response.wave_id, Response.team_id, Response.site_id, scored.c.scale)
        ).all()
        parts.append(pd.DataFrame(rows, columns=["wave_id", "team_id", "site_id", *columns[3:]]))
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True) if any(len(p) for p in parts) else None
    if frame is None:
        return pd.DataFrame(columns=columns)
    frame = _named_groups(frame, structure)
    frame = frame[frame["n"] > 0].astype(
        {
            "wave_id": "int64",
            "n": "int64",
            "total": "float64",
            "total_sq": "float64",
            "high": "float64",
            "low": "float64",
        }
    )
    return frame[columns].reset_index(drop=True)


def _named_groups(frame: pd.DataFrame, structure: Structure) -> pd.DataFrame:
    """``team`` and ``site`` names for rows with ``team_id`` and ``site_id``: a team's site is
    the team's; answers stored without a team (exit / follow-up) keep their own site, or none
    (the organisation only). As ``load_survey_data`` names the responses."""
    frame["team"] = frame["team_id"].map(structure.team_names)
    by_team = frame["team"].map(structure.hierarchy.team_site)
    frame["site"] = by_team.where(by_team.notna(), frame["site_id"].map(structure.site_names))
    return frame


def score_counts_in_database(session, structure: Structure, waves: pd.DataFrame) -> pd.DataFrame:
    """Per wave, team (or, for answers stored without a team, site or organisation), scale and
    scale score: ``n``, how many responses have that score, grouped in the database with the
    scoring rules of ``_scored_responses`` (the ones ``group_sums_in_database`` sums). A scale
    score takes few values (a mean of a few integer answers), so this is at most a few rows per
    team and scale however many answered: what a distribution of any group needs
    (``Door.score_distribution``) without a per-response frame. ``waves`` (``wave_id``,
    ``instrument_id``) is usually one wave."""
    from verloop.surveys.registry import registered_instrument

    columns = ["wave_id", "team", "site", "scale", "score", "n"]
    parts = []
    for instrument_id in waves["instrument_id"].unique() if len(waves) else []:
        instrument = registered_instrument(session, int(instrument_id))
        ids = [int(w) for w in waves.loc[waves["instrument_id"] == instrument_id, "wave_id"]]
        scored = _scored_responses(instrument, int(instrument_id), ids)
        rows = session.execute(
            select(Response.wave_id, Response.team_id, Response.site_id, scored.c.scale, scored.c.score, func.count())
            .join(Response, Response.id == scored.c.response_id)
            .where(scored.c.score.is_not(None))
            .group_by(Response.wave_id, Response.team_id, Response.site_id, scored.c.scale, scored.c.score)
        ).all()
        parts.append(pd.DataFrame(rows, columns=["wave_id", "team_id", "site_id", "scale", "score", "n"]))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(
            {c: pd.Series([], dtype=t) for c, t in zip(columns, [int, object, object, object, float, int])}
        )
    frame = _named_groups(pd.concat(parts, ignore_index=True), structure)
    frame = frame.astype({"wave_id": "int64", "score": "float64", "n": "int64"})
    return frame[columns].reset_index(drop=True)


def scale_scores_in_database(session, instrument, instrument_id: int, wave_ids: list[int]) -> pd.DataFrame:
    """``response_id, scale, score`` for the answers of ``wave_ids``, by the rules of
    ``verloop.surveys.scoring.score_responses`` (reverse keying, the two-thirds rule, WHO-5 as
    percent), but summed inside the database: millions of answer rows never reach Python.
    ``tests/privacy`` checks that both give the same scores.
    """
    from verloop.surveys.scoring import MIN_ANSWERED_FRACTION

    if not wave_ids:
        return pd.DataFrame({"response_id": [], "scale": [], "score": []})
    item = InstrumentItem
    keyed = case((item.reverse, item.min_value + item.max_value - Answer.value), else_=Answer.value)
    # One pass over the answers (membership of their response in a small set, a lookup of the
    # item), rather than an index lookup per answer: several times less work for SQLite.
    responses = select(Response.id).where(Response.wave_id.in_([int(w) for w in wave_ids]))
    query = (
        select(Answer.response_id, item.scale, func.sum(keyed), func.count(Answer.value))
        .select_from(Answer)
        .join(item, (item.item_id == Answer.item_id) & (item.instrument_id == int(instrument_id)))
        .where(Answer.response_id.in_(responses.scalar_subquery()))
        .group_by(Answer.response_id, item.scale)
    )
    frame = _columns(
        session.connection().execution_options(yield_per=FETCH_ROWS).execute(query),
        ["response_id", "scale", "total", "answered"],
    )
    sizes = {scale.key: len(scale.items) for scale in instrument.scales}
    n_items = frame["scale"].map(sizes).to_numpy(dtype=float)
    answered = frame["answered"].to_numpy(dtype=float)
    enough = answered * MIN_ANSWERED_FRACTION[1] >= n_items * MIN_ANSWERED_FRACTION[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(enough, frame["total"].to_numpy(dtype=float) / answered, np.nan)
    for scale in instrument.scales:
        if scale.scoring == "percent":
            rows = (frame["scale"] == scale.key).to_numpy()
            lo, hi = float(scale.items[0].min), float(scale.items[0].max)
            score[rows] = (score[rows] - lo) / (hi - lo) * 100.0
    return pd.DataFrame({"response_id": frame["response_id"], "scale": frame["scale"].astype(object), "score": score})


FETCH_ROWS = 50_000


def _columns(result, names: list[str]) -> pd.DataFrame:
    """A query result as a frame, fetched in chunks straight into columns, so that the result
    never exists as one list of row objects (at 10,000 employees: 119,000 pulse responses ×
    12 scales, 1.4 million rows)."""
    parts = []
    for chunk in result.partitions(FETCH_ROWS):
        columns = list(zip(*chunk))
        parts.append(pd.DataFrame({name: list(column) for name, column in zip(names, columns)}))
    if not parts:
        return pd.DataFrame({name: pd.Series([], dtype=object) for name in names})
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def load_kpis(session, structure: Structure) -> pd.DataFrame:
    columns = ["team_id", "month", "aht_s", "service_level", "csat", "fcr", "repeat_rate", "absenteeism"]
    frame = pd.DataFrame(session.execute(select(*(getattr(TeamKpi, c) for c in columns))).all(), columns=columns)
    frame["team"] = frame["team_id"].map(structure.team_names)
    frame["month"] = pd.to_datetime(frame["month"])
    return frame


def empty_like_numeric(values: dict) -> dict:
    return {
        k: (np.nan if isinstance(v, (int, float, np.number)) and not isinstance(v, bool) else v)
        for k, v in values.items()
    }
