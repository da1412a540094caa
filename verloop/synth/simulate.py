"""Monthly discrete-time simulation of staff, latent constructs, exits and team actions.

The workforce is a set of positions ("slots") in fixed teams. Each month, vectorised over all
slots:

1. vacancies due this month are filled by a hire on a random day (fresh trait and state draws);
2. the team climate and every person's state drift (AR(1)); constructs z are assembled
   (see :mod:`verloop.synth.latent`);
3. everyone hired before the month starts is at risk of a voluntary exit with hazard

       log h_v = c_v + log m(tenure) + Σ_k β_k z_k + β_u u + β_pt · part_time

   and an involuntary exit with hazard h_i = exp(c_i) · probation(tenure) · exp(γ z_engagement);
   the month's exit probability is 1 − exp(−(h_v + h_i)), split in proportion to the hazards;
4. a vacated slot is filled one month later (two with probability ``vacancy_lag_p2``);
5. in a month with a pulse wave, each team agrees one or two stop/start actions on its weakest
   construct; some work and lift that construct's team climate for a few months.

A burn-in before the window gives a realistic tenure mix. The constants c_v and c_i are solved
by :func:`calibrate` on a fixed pilot organisation so that annual voluntary and involuntary
turnover hit their targets whatever the betas.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field

import numpy as np

from verloop.domain.constants import DAYS_PER_MONTH
from verloop.synth.config import BASE_CONSTRUCTS, PART_TIME_BELOW_HOURS, UNFAVOURABLE, SynthConfig
from verloop.synth.latent import IDX, K, LatentModel

ACTIONABLE = (
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
ACTION_DECAY = 0.80  # monthly persistence of an action's effect (half-life ≈ 3 months)
CALIBRATION_SEED = 20_240_517
CALIBRATION_EMPLOYEES = 4000
CALIBRATION_ITERATIONS = 6


@dataclass
class Org:
    """Fixed structure: teams with their site and lead style, and each slot's team."""

    team_site: np.ndarray  # (T,) site index 0..sites-1
    team_style: np.ndarray  # (T,) index into LatentModel.styles
    slot_team: np.ndarray  # (S,) team index

    @property
    def n_teams(self) -> int:
        return len(self.team_site)


@dataclass
class Schedule:
    """Calendar of the simulation in day numbers (days since 1970-01-01)."""

    month_start: np.ndarray  # (burn_in + months + 1,) first day of each month, last = end + 1
    burn_in: int
    months: int
    end_day: int  # last simulated day (inclusive)
    wave_days: np.ndarray  # pulse wave opening days (window only)
    wave_month: np.ndarray  # window month index of each wave

    @property
    def window_start_day(self) -> int:
        return int(self.month_start[self.burn_in])


@dataclass
class SimResult:
    """What the simulation hands to the survey, KPI and truth builders (person index = row)."""

    hire_day: np.ndarray
    exit_day: np.ndarray  # -1 while employed
    exit_type: np.ndarray  # 0 employed, 1 voluntary, 2 involuntary
    slot: np.ndarray
    team: np.ndarray
    hours: np.ndarray
    exit_latent: np.ndarray  # (P, 15): 12 constructs + frailty + intent/enps unique, at exit
    occ: np.ndarray  # (months, S) person index occupying the slot that month, -1 vacant
    lat: np.ndarray  # (months, S, 12) float32 constructs (base 10, intent, enps)
    pv: np.ndarray  # (months, S) float32 monthly probability of a voluntary exit (0 if not at risk)
    headcount: np.ndarray  # (months, T) at the month's start
    new_share: np.ndarray  # (months, T) share of the team with tenure < 3 months
    vacancy_share: np.ndarray  # (months, T) vacant positions / positions
    team_mean: np.ndarray  # (months, T, 10) mean z of the team's occupants
    actions: list[dict] = field(default_factory=list)
    voluntary_rate: float = 0.0
    involuntary_rate: float = 0.0


def build_schedule(config: SynthConfig) -> Schedule:
    total = config.burn_in_months + config.months
    start = np.datetime64(config.window_start, "M") - config.burn_in_months
    months = (start + np.arange(total + 1)).astype("datetime64[D]").astype(np.int64)
    end_day = int(np.datetime64(config.end_date, "D").astype(np.int64))
    months[-1] = min(months[-1], end_day + 1)
    step = 7 * config.wave_every_weeks
    first = int(months[config.burn_in_months]) + 14
    last_open = end_day - config.wave_open_days + 1
    wave_days = np.arange(first, last_open + 1, step, dtype=np.int64)
    wave_month = np.searchsorted(months, wave_days, side="right") - 1 - config.burn_in_months
    return Schedule(months, config.burn_in_months, config.months, end_day, wave_days, wave_month)


def build_org(config: SynthConfig, model: LatentModel, rng: np.random.Generator) -> Org:
    """Teams of team_size_min..max positions adding up to ``employees``; styles allotted in
    proportion to the mix (largest remainder), shuffled; teams spread round-robin over sites."""
    lo, hi, n = config.team_size_min, config.team_size_max, config.employees
    n_teams = max(1, int(np.ceil(n / ((lo + hi) / 2))))
    while n_teams * hi < n:
        n_teams += 1
    while n_teams > 1 and n_teams * lo > n:
        n_teams -= 1
    sizes = rng.integers(lo, hi + 1, size=n_teams)
    diff = n - int(sizes.sum())
    while diff != 0:
        room = np.nonzero(sizes < hi)[0] if diff > 0 else np.nonzero(sizes > lo)[0]
        pick = rng.choice(room, size=min(abs(diff), len(room)), replace=False)
        sizes[pick] += 1 if diff > 0 else -1
        diff = n - int(sizes.sum())
    quota = model.style_probs * n_teams
    counts = np.floor(quota).astype(int)
    for i in np.argsort(-(quota - counts), kind="stable")[: n_teams - counts.sum()]:
        counts[i] += 1
    styles = rng.permutation(np.repeat(np.arange(len(model.styles)), counts))
    sites = np.arange(n_teams) % config.sites
    return Org(team_site=sites, team_style=styles, slot_team=np.repeat(np.arange(n_teams), sizes))


def tenure_multiplier(config: SynthConfig, tenure_months: np.ndarray) -> np.ndarray:
    starts = np.array([b[0] for b in config.tenure_hazard], dtype=float)
    mult = np.array([b[1] for b in config.tenure_hazard], dtype=float)
    return mult[np.searchsorted(starts, tenure_months, side="right") - 1]


class _People:
    """Growable per-person arrays."""

    def __init__(self, capacity: int):
        self.n = 0
        self.hire_day = np.zeros(capacity, np.int64)
        self.exit_day = np.full(capacity, -1, np.int64)
        self.exit_type = np.zeros(capacity, np.int8)
        self.slot = np.zeros(capacity, np.int64)
        self.hours = np.zeros(capacity, np.float64)
        self.trait = np.zeros((capacity, K + 3), np.float64)
        self.exit_latent = np.full((capacity, K + 5), np.nan, np.float32)

    def add(self, count: int) -> np.ndarray:
        if self.n + count > len(self.hire_day):
            grow = max(count, len(self.hire_day))
            for name in ("hire_day", "exit_day", "exit_type", "slot", "hours", "trait", "exit_latent"):
                old = getattr(self, name)
                pad_value = -1 if name == "exit_day" else (np.nan if name == "exit_latent" else 0)
                pad = np.full((grow,) + old.shape[1:], pad_value, old.dtype)
                setattr(self, name, np.concatenate([old, pad]))
        ids = np.arange(self.n, self.n + count)
        self.n += count
        return ids


def simulate(
    config: SynthConfig,
    model: LatentModel,
    org: Org,
    schedule: Schedule,
    rng: np.random.Generator,
    c_v: float,
    c_i: float,
    record: bool = True,
) -> SimResult | tuple[float, float]:
    """Run the months; with ``record=False`` return only the expected (voluntary, involuntary)
    annual turnover rates of the window."""
    S, T = len(org.slot_team), org.n_teams
    total = schedule.burn_in + schedule.months
    tau = config.trait_share
    phi, phi_t = config.state_ar, config.team_ar
    innov, innov_t = np.sqrt(1 - phi**2), np.sqrt(1 - phi_t**2)
    beta = model.beta
    person_scale = np.concatenate([model.person_sd, np.ones(3)])
    shift_team = model.shift[org.team_style]  # (T, K)
    team = org.slot_team
    contract_hours = np.array(list(config.contract_mix), dtype=float)
    contract_p = np.array(list(config.contract_mix.values()), dtype=float)
    direction = np.array([-1.0 if k in UNFAVOURABLE else 1.0 for k in BASE_CONSTRUCTS])
    actionable = np.array([IDX[k] for k in ACTIONABLE])
    wave_at: dict[int, int] = {}  # window month -> index of its (first) pulse wave
    for index, month in enumerate(schedule.wave_month):
        wave_at.setdefault(int(month), index)

    def draw_person(n: int) -> np.ndarray:
        out = np.empty((n, K + 3))
        out[:, :K] = model.correlated(rng, n)
        out[:, K:] = rng.standard_normal((n, 3))
        return out

    people = _People(int(S * (1.2 + 0.07 * total)))
    occ = people.add(S)
    start0 = int(schedule.month_start[0])
    tenure0 = np.minimum(rng.exponential(config.initial_tenure_mean_months * DAYS_PER_MONTH, size=S), 15 * 365.25)
    people.hire_day[occ] = start0 - 1 - tenure0.astype(np.int64)
    people.slot[occ] = np.arange(S)
    people.hours[occ] = rng.choice(contract_hours, size=S, p=contract_p)
    people.trait[occ] = draw_person(S)
    state = draw_person(S)
    team_resid = model.correlated(rng, T) * model.team_sd
    action_stock = np.zeros((T, K))
    fill_month = np.full(S, -1, np.int64)

    M = schedule.months
    if record:
        occ_hist = np.full((M, S), -1, np.int64)
        lat = np.full((M, S, K + 2), np.nan, np.float32)
        pv_hist = np.zeros((M, S), np.float32)
        headcount = np.zeros((M, T), np.int64)
        new_share = np.zeros((M, T))
        vacancy_share = np.zeros((M, T))
        team_mean = np.zeros((M, T, K))
        actions: list[dict] = []
    team_positions = np.bincount(team, minlength=T).astype(float)
    vol_exits = inv_exits = 0
    vol_expected = inv_expected = 0.0
    headcount_sum = 0.0

    for t in range(total):
        m = t - schedule.burn_in
        start_day = int(schedule.month_start[t])
        end_excl = int(schedule.month_start[t + 1])
        ndays = max(end_excl - start_day, 1)
        exposure = ndays / DAYS_PER_MONTH

        # 1. drift, then hires into vacancies due this month (fresh draws)
        state = phi * state + innov * draw_person(S)
        team_resid = phi_t * team_resid + innov_t * model.correlated(rng, T) * model.team_sd
        action_stock *= ACTION_DECAY
        due = np.nonzero(fill_month == t)[0]
        if len(due):
            ids = people.add(len(due))
            people.hire_day[ids] = start_day + rng.integers(0, ndays, size=len(due))
            people.slot[ids] = due
            people.hours[ids] = rng.choice(contract_hours, size=len(due), p=contract_p)
            people.trait[ids] = draw_person(len(due))
            state[due] = draw_person(len(due))
            occ[due] = ids
            fill_month[due] = -1

        # 2. constructs
        occupied = occ >= 0
        pid = np.where(occupied, occ, 0)
        person = (np.sqrt(tau) * people.trait[pid] + np.sqrt(1 - tau) * state) * person_scale
        z = shift_team[team] + team_resid[team] + action_stock[team] + person[:, :K]
        month_of_year = (np.datetime64(start_day, "D").astype("datetime64[M]").astype(int) % 12) + 1
        z[:, IDX["workload"]] += config.seasonal_workload * np.cos(2 * np.pi * (month_of_year - 1) / 12)
        extras = person[:, K:]
        frailty = extras[:, 0]

        # 3. hazards
        hire = people.hire_day[pid]
        at_risk = occupied & (hire < start_day)
        tenure = (start_day - hire) / DAYS_PER_MONTH
        part_time = people.hours[pid] < PART_TIME_BELOW_HOURS
        log_hv = (
            c_v
            + np.log(tenure_multiplier(config, tenure))
            + z @ beta
            + config.frailty_beta * frailty
            + config.part_time_beta * part_time
        )
        h_v = np.exp(log_hv) * exposure
        h_i = (
            np.exp(c_i)
            * np.where(tenure < config.probation_months, config.probation_multiplier, 1.0)
            * np.exp(config.involuntary_engagement_beta * z[:, IDX["engagement"]])
            * exposure
        )
        h = h_v + h_i
        p_exit = -np.expm1(-h)
        p_vol = np.where(at_risk, p_exit * h_v / h, 0.0)
        leave = at_risk & (rng.random(S) < p_exit)
        voluntary = rng.random(S) < h_v / h
        leavers = np.nonzero(leave)[0]
        exit_days = start_day + rng.integers(0, ndays, size=S)

        if m >= 0:
            hc = at_risk.sum()
            headcount_sum += hc
            vol_exits += int((leave & voluntary).sum())
            inv_exits += int((leave & ~voluntary).sum())
            vol_expected += float(p_vol.sum())
            inv_expected += float(np.where(at_risk, p_exit, 0.0).sum()) - float(p_vol.sum())
        if record and m >= 0:
            intent, enps = model.derived(z, extras)
            occ_hist[m] = np.where(occupied, occ, -1)
            block = lat[m]
            block[:, :K] = z
            block[:, K] = intent
            block[:, K + 1] = enps
            block[~occupied] = np.nan
            pv_hist[m] = p_vol
            present = occupied & (hire <= start_day)
            headcount[m] = np.bincount(team[present], minlength=T)
            new = present & (tenure < 3)
            new_share[m] = np.bincount(team[new], minlength=T) / np.maximum(headcount[m], 1)
            vacancy_share[m] = 1 - np.bincount(team[occupied], minlength=T) / team_positions
            counts = np.maximum(np.bincount(team[occupied], minlength=T), 1)[:, None]
            sums = np.zeros((T, K))
            np.add.at(sums, team[occupied], z[occupied])
            team_mean[m] = sums / counts
            if len(leavers):
                ids = occ[leavers]
                full = np.concatenate([z, intent[:, None], enps[:, None], extras], axis=1)
                people.exit_latent[ids] = full[leavers]

        if len(leavers):
            ids = occ[leavers]
            people.exit_day[ids] = np.maximum(exit_days[leavers], people.hire_day[ids] + 1)
            people.exit_type[ids] = np.where(voluntary[leavers], 1, 2)
            occ[leavers] = -1
            lag = 1 + (rng.random(len(leavers)) < config.vacancy_lag_p2)
            fill_month[leavers] = t + lag

        # 5. stop/start actions after a pulse wave (window only)
        if m >= 0 and m in wave_at:
            counts = np.maximum(np.bincount(team[occupied], minlength=T), 1)[:, None]
            sums = np.zeros((T, K))
            np.add.at(sums, team[occupied], z[occupied])
            badness = -(sums / counts)[:, actionable] * direction[actionable]
            badness = badness + rng.gumbel(scale=0.15, size=badness.shape)
            order = np.argsort(-badness, axis=1)
            n_actions = 1 + (rng.random(T) < 0.25)
            for rank in range(2):
                teams = np.nonzero(n_actions > rank)[0]
                target = actionable[order[teams, rank]]
                success = rng.random(len(teams)) < config.action_success_rate
                effect = np.where(success, config.action_effect_sd, 0.0)
                action_stock[teams, target] += effect * direction[target]
                if record:
                    actions.extend(
                        {
                            "team": int(tm),
                            "wave": wave_at[m],
                            "month": int(m),
                            "rank": rank,
                            "construct": BASE_CONSTRUCTS[int(k)],
                            "worked": bool(s),
                            "effect_sd": float(e),
                        }
                        for tm, k, s, e in zip(teams, target, success, effect)
                    )

    years = schedule.months / 12
    mean_headcount = headcount_sum / max(schedule.months, 1)
    vol_rate = vol_exits / max(mean_headcount, 1) / years
    inv_rate = inv_exits / max(mean_headcount, 1) / years
    if not record:
        # expected rather than realised exits: far less noisy for calibration
        scale = max(mean_headcount, 1) * years
        return vol_expected / scale, inv_expected / scale

    n = people.n
    return SimResult(
        hire_day=people.hire_day[:n],
        exit_day=people.exit_day[:n],
        exit_type=people.exit_type[:n],
        slot=people.slot[:n],
        team=team[people.slot[:n]],
        hours=people.hours[:n],
        exit_latent=people.exit_latent[:n],
        occ=occ_hist,
        lat=lat,
        pv=pv_hist,
        headcount=headcount,
        new_share=new_share,
        vacancy_share=vacancy_share,
        team_mean=team_mean,
        actions=actions,
        voluntary_rate=vol_rate,
        involuntary_rate=inv_rate,
    )


# -- calibration ----------------------------------------------------------------------------------

_CALIBRATION_IGNORES = {
    "employees",
    "seed",
    "mode",
    "pseudonym_key",
    "pulse_response_rate",
    "response_engagement_beta",
    "later_leaver_response_log_odds",
    "later_leaver_months",
    "exit_response_rate",
    "followup_response_rate",
    "followup_after_days",
    "english_share",
    "comment_rate_stop",
    "comment_rate_start",
    "exit_comment_rate",
    "instruments",
    "sites",
}


def calibrate(config: SynthConfig) -> tuple[float, float, dict]:
    """Solve the hazard constants (c_v, c_i) so the window's annual voluntary and involuntary
    turnover hit their targets on a fixed pilot organisation (4,000 positions, fixed seed),
    using expected exits and averaging the implied constants over iterations. Cached per
    relevant config."""
    key = json.dumps({k: v for k, v in config.to_json().items() if k not in _CALIBRATION_IGNORES}, sort_keys=True)
    return _calibrate_cached(key)


@functools.lru_cache(maxsize=16)
def _calibrate_cached(key: str) -> tuple[float, float, dict]:
    pilot = SynthConfig(**_from_json(json.loads(key)))
    pilot = pilot.replace(employees=CALIBRATION_EMPLOYEES, seed=CALIBRATION_SEED)
    model = LatentModel.from_config(pilot)
    schedule = build_schedule(pilot)
    org = build_org(pilot, model, np.random.default_rng(CALIBRATION_SEED))
    c_v = float(np.log(pilot.target_voluntary_rate / 12) - 0.5 * model.eta_sd**2)
    c_i = float(np.log(pilot.target_involuntary_rate / 12) - 0.4)
    history = []
    implied_v: list[float] = []
    implied_i: list[float] = []
    for iteration in range(CALIBRATION_ITERATIONS):
        rng = np.random.default_rng(CALIBRATION_SEED + 1)
        vol, inv = simulate(pilot, model, org, schedule, rng, c_v, c_i, record=False)
        history.append({"c_v": c_v, "c_i": c_i, "voluntary": float(vol), "involuntary": float(inv)})
        # rates are close to proportional to exp(c): the c that would have hit the target
        next_v = c_v + float(np.log(pilot.target_voluntary_rate / max(vol, 1e-9)))
        next_i = c_i + float(np.log(max(pilot.target_involuntary_rate, 1e-9) / max(inv, 1e-9)))
        if iteration >= 1:  # average out the pilot's path noise (Polyak averaging)
            implied_v.append(next_v)
            implied_i.append(next_i)
        c_v, c_i = next_v, next_i
    c_v, c_i = float(np.mean(implied_v)), float(np.mean(implied_i))
    info = {
        "pilot_positions": CALIBRATION_EMPLOYEES,
        "pilot_seed": CALIBRATION_SEED,
        "iterations": history,
    }
    return c_v, c_i, info


def _from_json(data: dict) -> dict:
    """Inverse of SynthConfig.to_json for the fields calibration uses."""
    import datetime as dt

    out = dict(data)
    out["end_date"] = dt.date.fromisoformat(out["end_date"])
    out["tenure_hazard"] = tuple(tuple(x) for x in out["tenure_hazard"])
    out["contract_mix"] = {float(k): v for k, v in out["contract_mix"].items()}
    if "followup_after_days" in out:
        out["followup_after_days"] = tuple(out["followup_after_days"])
    return out
