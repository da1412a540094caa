"""``generate(config) -> SynthOrg``: a whole contact centre with known truth, from one seed.

The pipeline: latent model → hazard calibration → teams → monthly simulation → HR records →
pulse / exit / follow-up surveys → KPIs → team actions → ground truth. Every random draw comes
from a child of ``numpy.random.SeedSequence(config.seed)`` (one child per stage, so changing,
say, the comment texts does not move a single exit), and no date depends on today.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from verloop.errors import ConfigError, InputError
from verloop.synth import text
from verloop.synth.config import LEAD_STYLES, PART_TIME_BELOW_HOURS, SynthConfig
from verloop.synth.kpis import team_kpis
from verloop.synth.latent import IDX, LatentModel
from verloop.synth.reasons import draw_reasons
from verloop.synth.simulate import DAYS_PER_MONTH, build_org, build_schedule, calibrate, simulate
from verloop.synth.surveys import (
    People,
    ResponseBuilder,
    WaveSet,
    build_exit_surveys,
    build_pulse,
    day_to_date,
    pseudonym,
    sigmoid,
)
from verloop.synth.truth import build_truth

# Columns of every frame that is written to the database (exactly the ORM columns, plus the
# instrument key on waves, which write() turns into instrument_id).
COLUMNS: dict[str, list[str]] = {
    "sites": ["id", "name"],
    "teams": ["id", "name", "site_id", "team_lead", "lead_style"],
    "employees": [
        "id",
        "hr_id",
        "team_id",
        "site_id",
        "role",
        "contract_hours",
        "hire_date",
        "exit_date",
        "exit_type",
        "regretted",
    ],
    "kpis": ["team_id", "month", "aht_s", "service_level", "csat", "fcr", "repeat_rate", "absenteeism"],
    "waves": ["id", "name", "kind", "opens_on", "closes_on", "status", "instrument"],
    "invitations": ["wave_id", "team_id", "invited"],
    "responses": [
        "id",
        "wave_id",
        "team_id",
        "submitted_on",
        "language",
        "tenure_band",
        "contract_type",
        "reason",
        "pseudonym",
    ],
    "answers": ["response_id", "item_id", "value"],
    "comments": ["id", "response_id", "question", "text"],
    "team_actions": ["id", "team_id", "cycle", "stop_text", "start_text", "created_on", "status", "closed_on"],
}
TABLES = tuple(COLUMNS)


@dataclass
class SynthOrg:
    """A synthetic organisation: tidy frames named like the tables they fill, and the truth.

    ``person_waves``, ``exits``, ``team_risk`` and ``truth`` are ground truth only and are never
    written to the database.
    """

    config: SynthConfig
    sites: pd.DataFrame
    teams: pd.DataFrame
    employees: pd.DataFrame
    kpis: pd.DataFrame
    waves: pd.DataFrame
    invitations: pd.DataFrame
    responses: pd.DataFrame
    answers: pd.DataFrame
    comments: pd.DataFrame
    team_actions: pd.DataFrame
    person_waves: pd.DataFrame
    exits: pd.DataFrame
    team_risk: pd.DataFrame
    truth: dict = field(default_factory=dict)

    def frames(self) -> dict[str, pd.DataFrame]:
        """The database frames, in insertion order."""
        return {name: getattr(self, name) for name in TABLES}

    def row_counts(self) -> dict[str, int]:
        return {name: len(frame) for name, frame in self.frames().items()}


def load_instruments(config: SynthConfig) -> dict:
    """The pulse instrument is required; exit and follow-up instruments are used when their
    files exist (otherwise those surveys carry reasons and comments but no scale answers)."""
    from verloop.surveys import load_instrument
    from verloop.surveys.instruments import instrument_path

    out = {}
    for kind, key in config.instruments.items():
        if kind != "pulse" and not instrument_path(key).exists():
            out[kind] = None
            continue
        try:
            out[kind] = load_instrument(key)
        except InputError as exc:
            raise ConfigError(f"synthetic organisation: cannot load the {kind} survey '{key}': {exc}") from None
    return out


def generate(config: SynthConfig | None = None, **overrides) -> SynthOrg:
    """Build a synthetic organisation; identical frames and truth for an identical config."""
    if config is None:
        config = SynthConfig(**overrides)
    elif overrides:
        config = config.replace(**overrides)
    config.validate()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(config.seed).spawn(8)]
    rng_org, rng_sim, rng_people, rng_pulse, rng_exit, rng_kpi, rng_actions, rng_names = streams

    instruments = load_instruments(config)
    model = LatentModel.from_config(config)
    c_v, c_i, calibration = calibrate(config)
    schedule = build_schedule(config)
    org = build_org(config, model, rng_org)
    sim = simulate(config, model, org, schedule, rng_sim, c_v, c_i)

    sites, teams = _sites_and_teams(config, model, org, rng_names)
    employees, people = _employees(config, sim, schedule, org, rng_people)
    pseudonyms = None
    if config.mode == "confidential":
        pseudonyms = np.array([pseudonym(config.pseudonym_key, h) for h in employees["hr_id"]], dtype=object)

    waves = WaveSet()
    builder = ResponseBuilder(config, rng_pulse, pseudonyms)
    person_waves, pulse_invites, pulse_scores, alphas = build_pulse(
        config, sim, schedule, people, waves, builder, rng_pulse, instruments["pulse"]
    )
    window_start = schedule.window_start_day
    leavers = np.nonzero((people.exit_type == 1) & (people.exit_day >= window_start) & (people.employee_id > 0))[0]
    leavers = leavers[np.argsort(people.employee_id[leavers], kind="stable")]
    latent_exit = sim.exit_latent[leavers].astype(np.float64)
    reasons = draw_reasons(
        rng_exit,
        latent_exit[:, :10],
        latent_exit[:, 12],
        people.hours[leavers] < PART_TIME_BELOW_HOURS,
        config.hazard_betas,
        config.frailty_beta,
    )
    exit_builder = ResponseBuilder(config, rng_exit, pseudonyms)
    exits, exit_invites = build_exit_surveys(
        config,
        sim,
        schedule,
        people,
        waves,
        exit_builder,
        rng_exit,
        instruments.get("exit"),
        instruments.get("followup"),
        reasons,
        leavers,
    )

    months = schedule.month_start[schedule.burn_in : schedule.burn_in + schedule.months].astype("datetime64[D]")
    kpis = team_kpis(
        rng_kpi,
        teams["id"].to_numpy(),
        org.team_site,
        teams["lead_style"].to_numpy(),
        months,
        sim.team_mean,
        sim.new_share,
        sim.vacancy_share,
    )
    waves_frame = pd.DataFrame(waves.rows, columns=COLUMNS["waves"])
    for col in ("opens_on", "closes_on"):
        waves_frame[col] = pd.to_datetime(waves_frame[col]).astype("datetime64[ns]")
    waves_frame = waves_frame.astype({"id": "int64"})
    team_actions, action_truth = _team_actions(config, sim, schedule, waves_frame, rng_actions)

    # each builder call stores its rows ordered by (wave, random id) and calls come in wave
    # order, so the stacked frames are ordered by (wave, random id) without another sort
    responses = _stack(builder.responses + exit_builder.responses, "responses")
    answers = _stack(builder.answers + exit_builder.answers, "answers").astype({"value": "float64"})
    comments = _stack(builder.comments + exit_builder.comments, "comments")
    invitations = pd.concat([pulse_invites, exit_invites], ignore_index=True).astype("int64")

    team_risk = _team_risk(sim, teams, months)
    org_out = SynthOrg(
        config=config,
        sites=sites,
        teams=teams,
        employees=employees,
        kpis=kpis,
        waves=waves_frame,
        invitations=invitations,
        responses=responses,
        answers=answers,
        comments=comments,
        team_actions=team_actions,
        person_waves=person_waves,
        exits=exits,
        team_risk=team_risk,
    )
    org_out.truth = build_truth(
        org_out,
        model=model,
        c_v=c_v,
        c_i=c_i,
        calibration=calibration,
        pulse_scores=pulse_scores,
        action_truth=action_truth,
        instruments=instruments,
        alphas=alphas,
    )
    return org_out


# -- pieces ----------------------------------------------------------------------------------------


def _stack(frames: list[pd.DataFrame], table: str) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS[table]})
    return pd.concat(frames, ignore_index=True)[COLUMNS[table]]


def _sites_and_teams(config, model, org, rng) -> tuple[pd.DataFrame, pd.DataFrame]:
    n_sites = int(org.team_site.max()) + 1  # fewer teams than sites: only sites with a team
    names = [text.SITE_NAMES[i] if i < len(text.SITE_NAMES) else f"Site {i + 1}" for i in range(n_sites)]
    sites = pd.DataFrame({"id": np.arange(1, n_sites + 1, dtype="int64"), "name": names})
    within = np.zeros(org.n_teams, dtype=int)
    counter: dict[int, int] = {}
    for t, s in enumerate(org.team_site):
        counter[s] = counter.get(s, 0) + 1
        within[t] = counter[s]
    first = rng.choice(text.FIRST_NAMES, size=org.n_teams)
    last = rng.choice(text.LAST_NAMES, size=org.n_teams)
    teams = pd.DataFrame(
        {
            "id": np.arange(1, org.n_teams + 1, dtype="int64"),
            "name": [f"{names[s]} {k:02d}" for s, k in zip(org.team_site, within)],
            "site_id": (org.team_site + 1).astype("int64"),
            "team_lead": [f"{a} {b}" for a, b in zip(first, last)],
            "lead_style": np.array(model.styles, dtype=object)[org.team_style],
        }
    )
    return sites, teams


def _employees(config, sim, schedule, org, rng) -> tuple[pd.DataFrame, People]:
    """HR records of everyone employed at some point in the window, ids in hire order."""
    window_start = schedule.window_start_day
    keep = (sim.hire_day <= schedule.end_day) & ((sim.exit_day < 0) | (sim.exit_day >= window_start))
    rows = np.nonzero(keep)[0]
    rows = rows[np.lexsort((sim.slot[rows], sim.hire_day[rows]))]
    employee_id = np.full(len(sim.hire_day), -1, np.int64)
    employee_id[rows] = np.arange(1, len(rows) + 1)
    n = len(rows)
    hire, exit_, etype = sim.hire_day[rows], sim.exit_day[rows], sim.exit_type[rows]
    end_or_exit = np.where(exit_ >= 0, exit_, schedule.end_day)
    tenure = (end_or_exit - hire) / DAYS_PER_MONTH
    role = np.where((tenure >= 24) & (rng.random(n) < 0.4), "senior agent", "agent").astype(object)
    engagement_at_exit = np.nan_to_num(sim.exit_latent[rows, IDX["engagement"]].astype(float))
    regret_p = sigmoid(0.4 + 0.5 * engagement_at_exit + 0.3 * (tenure > 12))
    regretted = pd.array(np.where(etype == 1, rng.random(n) < regret_p, False), dtype="boolean")
    regretted[etype == 0] = pd.NA
    exit_type = np.array([None, "voluntary", "involuntary"], dtype=object)[etype]
    exit_date = pd.Series(day_to_date(np.where(exit_ >= 0, exit_, 0))).where(exit_ >= 0)
    team = sim.team[rows]
    employees = pd.DataFrame(
        {
            "id": np.arange(1, n + 1, dtype="int64"),
            "hr_id": [f"E{100000 + i:06d}" for i in range(1, n + 1)],
            "team_id": (team + 1).astype("int64"),
            "site_id": (org.team_site[team] + 1).astype("int64"),
            "role": role,
            "contract_hours": sim.hours[rows].astype("float64"),
            "hire_date": day_to_date(hire),
            "exit_date": exit_date.astype("datetime64[ns]").to_numpy(),
            "exit_type": exit_type,
            "regretted": regretted,
        }
    )
    english = rng.random(len(sim.hire_day)) < config.english_share
    people = People(
        employee_id=employee_id,
        team_id=(sim.team + 1).astype(np.int64),
        hire_day=sim.hire_day,
        exit_day=sim.exit_day,
        exit_type=sim.exit_type,
        hours=sim.hours,
        english=english,
    )
    return employees, people


def _team_actions(config, sim, schedule, waves: pd.DataFrame, rng) -> tuple[pd.DataFrame, list[dict]]:
    """Each team's stop/start agreements per pulse cycle; truth says which ones worked.

    An action is agreed three days after its wave closes and closed two days after the next
    wave closes (still open when that lies beyond ``end_date``)."""
    pulse = waves[waves["kind"] == "pulse"].reset_index(drop=True)
    n = len(sim.actions)
    if n == 0 or pulse.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS["team_actions"]}), []
    end = pd.Timestamp(config.end_date)
    acts = pd.DataFrame(sim.actions)
    team_en = rng.random(sim.headcount.shape[1]) < config.english_share
    english = team_en[acts["team"].to_numpy()]
    choice = rng.random(n)
    stop_text = np.empty(n, dtype=object)
    start_text = np.empty(n, dtype=object)
    for construct, options in text.ACTIONS.items():
        sel = np.nonzero((acts["construct"] == construct).to_numpy())[0]
        if not len(sel):
            continue
        pick = (choice[sel] * len(options)).astype(int)
        table = np.array(options, dtype=object)[pick]  # (n, 4): nl stop, nl start, en stop, en start
        stop_text[sel] = np.where(english[sel], table[:, 2], table[:, 0])
        start_text[sel] = np.where(english[sel], table[:, 3], table[:, 1])
    wave_index = acts["wave"].to_numpy()
    closes = pulse["closes_on"].to_numpy()
    created = np.minimum(closes[wave_index] + np.timedelta64(3, "D"), end.to_datetime64())
    next_close = np.append(closes[1:] + np.timedelta64(2, "D"), np.datetime64("NaT"))[wave_index]
    closed = ~pd.isna(next_close) & (next_close <= end.to_datetime64())
    ids = np.arange(1, n + 1, dtype="int64")
    frame = pd.DataFrame(
        {
            "id": ids,
            "team_id": (acts["team"].to_numpy() + 1).astype("int64"),
            "cycle": pulse["name"].to_numpy()[wave_index],
            "stop_text": stop_text,
            "start_text": start_text,
            "created_on": pd.to_datetime(created).astype("datetime64[ns]"),
            "status": np.where(closed, "closed", "open").astype(object),
            "closed_on": pd.to_datetime(np.where(closed, next_close, np.datetime64("NaT"))).astype("datetime64[ns]"),
        }
    )
    truth = pd.DataFrame(
        {
            "action_id": ids,
            "team_id": frame["team_id"],
            "cycle": frame["cycle"],
            "construct": acts["construct"],
            "worked": acts["worked"],
            "effect_sd": acts["effect_sd"],
        }
    ).to_dict("records")
    return frame, truth


def _team_risk(sim, teams: pd.DataFrame, months: np.ndarray) -> pd.DataFrame:
    """Truth per team and month: headcount, expected and actual voluntary leavers."""
    M, T = sim.headcount.shape
    expected = np.zeros((M, T))
    team_of_slot = None
    for m in range(M):
        occ = sim.occ[m]
        occupied = occ >= 0
        if team_of_slot is None:
            team_of_slot = np.zeros(len(occ), np.int64)
        team_of_slot[occupied] = sim.team[occ[occupied]]
        expected[m] = np.bincount(team_of_slot[occupied], weights=sim.pv[m][occupied], minlength=T)
    month_index = np.searchsorted(months.astype(np.int64), sim.exit_day, side="right") - 1
    voluntary = (sim.exit_type == 1) & (month_index >= 0) & (sim.exit_day >= months[0].astype(np.int64))
    actual = np.zeros((M, T))
    np.add.at(actual, (month_index[voluntary], sim.team[voluntary]), 1)
    return pd.DataFrame(
        {
            "team_id": np.tile(teams["id"].to_numpy(), M).astype("int64"),
            "month": pd.to_datetime(np.repeat(months, T)).astype("datetime64[ns]"),
            "headcount": sim.headcount.reshape(-1).astype("int64"),
            "expected_voluntary": expected.reshape(-1),
            "voluntary_leavers": actual.reshape(-1).astype("int64"),
        }
    )


__all__ = ["SynthOrg", "generate", "COLUMNS", "TABLES", "LEAD_STYLES"]
