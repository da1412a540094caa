"""Pulse, exit and follow-up surveys of the synthetic organisation, with non-response.

Pulse: every ``wave_every_weeks`` a wave opens for ``wave_open_days``; everyone employed on the
opening day is invited. The chance to respond is logistic in engagement (the disengaged answer
less), a team effect, a wave effect and a penalty for people who will leave voluntarily within
``later_leaver_months``; the intercept of each wave is solved so its mean chance equals
``pulse_response_rate``. Answers follow :mod:`verloop.synth.answers`. Responses keep the date
only; their ids are random hex drawn from the seeded generator and the frame is ordered by that
id, so row order reveals nothing about who answered. In confidential mode a response carries
HMAC-SHA256(pseudonym_key, hr_id), never the HR id.

Exit: voluntary leavers are invited around their last day (a rolling quarterly wave) and give
their stated reason; the follow-up link goes out ``followup_after_days`` later and collects the
honest reason anonymously (never a pseudonym).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from verloop.domain.constants import DAYS_PER_MONTH
from verloop.stats.psychometrics import alpha_from_covariance
from verloop.synth import text
from verloop.synth.answers import answer_matrix, item_models, scale_scores
from verloop.synth.config import (
    BASE_CONSTRUCTS,
    CONTRACT_TYPES,
    PART_TIME_BELOW_HOURS,
    SCALES,
    TENURE_BANDS,
    UNFAVOURABLE,
    SynthConfig,
)
from verloop.synth.latent import IDX

BAND_SKIP_RATE = 0.08
EXIT_COMMENT_LEAK = 0.3  # share of exit comments about the true rather than the stated reason
UNFAVOURABLE_WHEN_HIGH = ("workload", "metric_gaming")  # recall bias raises these, lowers the rest
THEMES = (
    "workload",
    "mandate",
    "autonomy",
    "leadership",
    "connection",
    "growth",
    "voice",
    "metric_gaming",
    "wellbeing",
)


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def solve_intercept(offset: np.ndarray, target: float) -> float:
    """b such that mean(sigmoid(b + offset)) == target (Newton's method)."""
    if len(offset) == 0:
        return 0.0
    target = min(max(target, 1e-6), 1 - 1e-6)
    b = float(np.log(target / (1 - target)) - np.mean(offset))
    for _ in range(50):
        p = sigmoid(b + offset)
        gap = p.mean() - target
        if abs(gap) < 1e-10:
            break
        b -= gap / max((p * (1 - p)).mean(), 1e-9)
    return b


def hex_ids(rng: np.random.Generator, n: int) -> np.ndarray:
    """n random 128-bit ids as 32-character hex strings, from the seeded generator."""
    if n == 0:
        return np.array([], dtype=object)
    raw = rng.integers(0, 256, size=16 * n, dtype=np.uint8).tobytes().hex().encode()
    return np.frombuffer(raw, dtype="S32").astype(str).astype(object)


def pseudonym(key: str, hr_id: str) -> str:
    """Confidential-mode link: keyed hash of the HR id (the key never enters the database)."""
    return hmac.new(key.encode("utf-8"), hr_id.encode("utf-8"), hashlib.sha256).hexdigest()


def day_to_date(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[ns]")


def tenure_band(tenure_months: np.ndarray) -> np.ndarray:
    idx = np.searchsorted([3, 12, 24], tenure_months, side="right")
    return np.array(TENURE_BANDS, dtype=object)[idx]


@dataclass
class WaveSet:
    """Waves under construction: rows of the ``waves`` frame."""

    rows: list[dict] = field(default_factory=list)

    def add(self, name: str, kind: str, opens: dt.date, closes: dt.date, status: str, instrument: str) -> int:
        wave_id = len(self.rows) + 1
        self.rows.append(
            {
                "id": wave_id,
                "name": name,
                "kind": kind,
                "opens_on": opens,
                "closes_on": closes,
                "status": status,
                "instrument": instrument,
            }
        )
        return wave_id


class ResponseBuilder:
    """Accumulates responses, answers and comments of one survey kind."""

    def __init__(self, config: SynthConfig, rng: np.random.Generator, pseudonyms: np.ndarray | None):
        self.config = config
        self.rng = rng
        self.pseudonyms = pseudonyms
        self.responses: list[pd.DataFrame] = []
        self.answers: list[pd.DataFrame] = []
        self.comments: list[pd.DataFrame] = []

    def add(
        self,
        wave_id: np.ndarray,
        team_id: np.ndarray,
        day: np.ndarray,
        english: np.ndarray,
        employee_id: np.ndarray,
        *,
        tenure_months: np.ndarray | None = None,
        hours: np.ndarray | None = None,
        reason: np.ndarray | None = None,
        items: list | None = None,
        latent: dict[str, np.ndarray] | None = None,
        comments: list[tuple[str, np.ndarray, np.ndarray]] = (),
        with_pseudonym: bool = False,
    ) -> tuple[np.ndarray, np.ndarray | None]:
        """Add n responses; returns their ids and keyed answers in the order given.

        Rows are stored ordered by (wave, random id), never in the order of the people who
        answered, so not even SQLite's hidden rowid can reveal who answered what."""
        n = len(wave_id)
        rng = self.rng
        ids = hex_ids(rng, n)
        wave_id = np.asarray(wave_id, dtype="int64")
        order = np.lexsort((ids, wave_id)) if n else np.arange(0)
        rank = np.empty(n, dtype=np.int64)
        rank[order] = np.arange(n)
        frame = pd.DataFrame(
            {
                "id": ids,
                "wave_id": wave_id,
                "team_id": np.asarray(team_id, dtype="int64"),
                "submitted_on": day_to_date(day),
                "language": np.where(english, "en", "nl").astype(object),
                "tenure_band": None,
                "contract_type": None,
                "reason": None,
                "pseudonym": None,
            }
        )
        if tenure_months is not None:
            band = tenure_band(tenure_months)
            band[rng.random(n) < BAND_SKIP_RATE] = None
            frame["tenure_band"] = band
        if hours is not None:
            kind = np.where(hours < PART_TIME_BELOW_HOURS, CONTRACT_TYPES[1], CONTRACT_TYPES[0]).astype(object)
            kind[rng.random(n) < BAND_SKIP_RATE] = None
            frame["contract_type"] = kind
        if reason is not None:
            frame["reason"] = np.asarray(reason, dtype=object)
        if with_pseudonym and self.pseudonyms is not None:
            frame["pseudonym"] = self.pseudonyms[employee_id - 1]
        frame = frame.astype({"tenure_band": object, "contract_type": object, "reason": object, "pseudonym": object})
        self.responses.append(frame.iloc[order].reset_index(drop=True))

        keyed = None
        if items and n:
            stored, keyed = answer_matrix(items, latent, rng)
            rows, cols = np.nonzero(~np.isnan(stored[order]))
            item_ids = np.array([m.item_id for m in items], dtype=object)
            self.answers.append(
                pd.DataFrame(
                    {"response_id": ids[order][rows], "item_id": item_ids[cols], "value": stored[order][rows, cols]}
                )
            )
        parts = []
        for question, chosen, texts in comments:
            if len(chosen):
                parts.append(
                    pd.DataFrame(
                        {
                            "id": hex_ids(rng, len(chosen)),
                            "response_id": ids[chosen],
                            "question": question,
                            "text": texts,
                            "_rank": rank[chosen],
                        }
                    )
                )
        if parts:
            merged = pd.concat(parts, ignore_index=True).sort_values("_rank", kind="stable")
            self.comments.append(merged.drop(columns="_rank").reset_index(drop=True))
        return ids, keyed


def _pick_text(rng: np.random.Generator, bank: dict, themes: np.ndarray, english: np.ndarray) -> np.ndarray:
    out = np.empty(len(themes), dtype=object)
    for i, (theme, en) in enumerate(zip(themes, english)):
        options = bank.get(theme) or bank["other" if "other" in bank else next(iter(bank))]
        nl_text, en_text = options[rng.integers(len(options))]
        out[i] = en_text if en else nl_text
    return out


def pulse_comments(
    rng: np.random.Generator, config: SynthConfig, lat: np.ndarray, english: np.ndarray
) -> list[tuple[str, np.ndarray, np.ndarray]]:
    """Stop/start comments on the respondent's sorest theme (more often when unhappy)."""
    n = len(lat)
    if n == 0:
        return []
    direction = np.array([-1.0 if t in UNFAVOURABLE else 1.0 for t in THEMES])
    cols = [IDX[t] for t in THEMES]
    badness = -lat[:, cols] * direction + rng.gumbel(scale=0.4, size=(n, len(THEMES)))
    theme = np.array(THEMES, dtype=object)[badness.argmax(axis=1)]
    unhappy = np.clip(-lat[:, IDX["engagement"]], 0, 2)
    out = []
    stop = np.nonzero(rng.random(n) < config.comment_rate_stop * (0.7 + 0.4 * unhappy))[0]
    out.append(("stop", stop, _pick_text(rng, text.STOP, theme[stop], english[stop])))
    start = np.nonzero(rng.random(n) < config.comment_rate_start * (0.8 + 0.2 * unhappy))[0]
    start_theme = theme[start].copy()
    happy = lat[start, IDX["engagement"]] > 0.8
    start_theme[happy & (rng.random(len(start)) < 0.5)] = "positive"
    out.append(("start", start, _pick_text(rng, text.START, start_theme, english[start])))
    return out


def quarter_of(days: np.ndarray) -> np.ndarray:
    months = np.asarray(days, dtype=np.int64).astype("datetime64[D]").astype("datetime64[M]").astype(int)
    return months // 3  # quarters since 1970


def quarter_bounds(quarter: int) -> tuple[dt.date, dt.date]:
    first = np.datetime64(int(quarter) * 3, "M").astype("datetime64[D]").astype(dt.date)
    last = (np.datetime64(int(quarter) * 3 + 3, "M").astype("datetime64[D]") - 1).astype(dt.date)
    return first, last


@dataclass
class People:
    """Per simulated person (index = simulation row): what the survey builders need."""

    employee_id: np.ndarray  # 1..N, -1 when not in the HR records
    team_id: np.ndarray
    hire_day: np.ndarray
    exit_day: np.ndarray
    exit_type: np.ndarray
    hours: np.ndarray
    english: np.ndarray


def build_pulse(
    config,
    sim,
    schedule,
    people: People,
    waves: WaveSet,
    builder: ResponseBuilder,
    rng: np.random.Generator,
    instrument,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict]:
    """Pulse waves: invitations, responses with answers and comments; the person-wave truth,
    observed scale scores per responding person-wave and Cronbach's alpha per scale."""
    items = item_models(instrument, SCALES)
    beta = np.array([config.hazard_betas.get(k, 0.0) for k in BASE_CONSTRUCTS])
    n_teams = sim.headcount.shape[1]
    team_effect = rng.normal(0, 0.30, n_teams + 1)
    later_window = config.later_leaver_months * DAYS_PER_MONTH
    frames, scores, invitations, keyed_blocks = [], [], [], []
    for day, month in zip(schedule.wave_days, schedule.wave_month):
        day, month = int(day), int(month)
        opens = np.datetime64(day, "D").astype(dt.date)
        closes = opens + dt.timedelta(days=config.wave_open_days - 1)
        wave_id = waves.add(f"Pulse {opens.isoformat()}", "pulse", opens, closes, "closed", config.instruments["pulse"])
        slots = np.nonzero(sim.occ[month] >= 0)[0]
        person = sim.occ[month, slots]
        active = (people.hire_day[person] < day) & ((people.exit_day[person] < 0) | (people.exit_day[person] > day))
        slots, person = slots[active], person[active]
        lat = sim.lat[month, slots].astype(np.float64)
        team_id = people.team_id[person]
        later = (people.exit_type[person] == 1) & (people.exit_day[person] <= day + later_window)
        offset = (
            config.response_engagement_beta * lat[:, IDX["engagement"]]
            + team_effect[team_id]
            + config.later_leaver_response_log_odds * later
        )
        base = solve_intercept(offset, config.pulse_response_rate)
        p = sigmoid(base + offset + rng.normal(0, 0.12))
        responded = rng.random(len(person)) < p

        frame = pd.DataFrame(
            {"employee_id": people.employee_id[person], "wave_id": wave_id, "team_id": team_id, "responded": responded}
        )
        for j, scale in enumerate(SCALES):
            frame[scale] = lat[:, j]
        frame["p_voluntary"] = sim.pv[month, slots].astype(np.float64)
        # driver part of the log hazard over the interval after the wave (this and next month)
        eta = lat[:, : len(beta)] @ beta
        if month + 1 < sim.occ.shape[0]:
            same = sim.occ[month + 1, slots] == person
            eta_next = sim.lat[month + 1, slots, : len(beta)].astype(np.float64) @ beta
            eta = np.where(same, 0.5 * (eta + eta_next), eta)
        frame["eta"] = eta
        frames.append(frame)
        invitations.append(
            pd.DataFrame(
                {"wave_id": wave_id, "team_id": np.unique(team_id), "invited": np.bincount(team_id)[np.unique(team_id)]}
            )
        )

        r = np.nonzero(responded)[0]
        rp = person[r]
        submitted = day + np.minimum(rng.geometric(0.3, size=len(r)) - 1, config.wave_open_days - 1)
        latent = {scale: lat[r, j] for j, scale in enumerate(SCALES)}
        english = people.english[rp]
        ids, keyed = builder.add(
            np.full(len(r), wave_id),
            team_id[r],
            submitted,
            english,
            people.employee_id[rp],
            tenure_months=(day - people.hire_day[rp]) / DAYS_PER_MONTH,
            hours=people.hours[rp],
            items=items,
            latent=latent,
            comments=pulse_comments(rng, config, lat[r], english),
            with_pseudonym=True,
        )
        if keyed is not None:
            keyed_blocks.append(keyed)
            score = pd.DataFrame(scale_scores(items, keyed))
            score.insert(0, "response_id", ids)
            score.insert(0, "wave_id", wave_id)
            score.insert(0, "employee_id", people.employee_id[rp])
            scores.append(score)
    person_waves = _concat(frames, ["employee_id", "wave_id", "team_id", "responded", *SCALES, "p_voluntary", "eta"])
    person_waves = person_waves.astype(
        {"employee_id": "int64", "wave_id": "int64", "team_id": "int64", "responded": bool}
    )
    invites = _concat(invitations, ["wave_id", "team_id", "invited"]).astype("int64")
    pulse_scores = _concat(scores, ["employee_id", "wave_id", "response_id", *SCALES])
    alphas = scale_alphas(items, np.vstack(keyed_blocks)) if keyed_blocks else {}
    return person_waves, invites, pulse_scores, alphas


def scale_alphas(items: list, keyed: np.ndarray) -> dict[str, float]:
    """Cronbach's alpha of each multi-item scale on complete keyed answers."""
    out = {}
    for scale in dict.fromkeys(m.scale for m in items):
        cols = [j for j, m in enumerate(items) if m.scale == scale]
        block = keyed[:, cols]
        block = block[np.isfinite(block).all(axis=1)]
        if len(cols) < 2 or len(block) < 3:
            continue
        alpha = alpha_from_covariance(np.cov(block, rowvar=False))
        if np.isfinite(alpha):
            out[scale] = alpha
    return out


def build_exit_surveys(
    config,
    sim,
    schedule,
    people: People,
    waves: WaveSet,
    builder: ResponseBuilder,
    rng: np.random.Generator,
    exit_instrument,
    followup_instrument,
    reasons: tuple[np.ndarray, np.ndarray, np.ndarray],
    leavers: np.ndarray,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Exit and follow-up responses of the voluntary leavers ``leavers`` (simulation rows)."""
    true, stated, honest = reasons
    n = len(leavers)
    exit_columns = [
        "employee_id",
        "team_id",
        "exit_date",
        "true_reason",
        "stated_reason",
        "followup_reason",
        "responded_exit",
        "followup_invited",
        "responded_followup",
    ]
    if n == 0:
        return (
            _concat([], exit_columns).astype({"employee_id": "int64", "team_id": "int64"}),
            _concat([], ["wave_id", "team_id", "invited"]).astype("int64"),
        )
    window_start = schedule.window_start_day
    exit_day = people.exit_day[leavers]
    latent_all = sim.exit_latent[leavers].astype(np.float64)
    team_id = people.team_id[leavers]
    english = people.english[leavers]

    survey_day = np.clip(
        exit_day - rng.integers(0, 8, size=n), np.maximum(people.hire_day[leavers] + 1, window_start), schedule.end_day
    )
    offset = 0.2 * np.nan_to_num(latent_all[:, IDX["engagement"]])
    responded = rng.random(n) < sigmoid(solve_intercept(offset, config.exit_response_rate) + offset)

    low, high = config.followup_after_days
    invited_f = exit_day + low <= schedule.end_day
    follow_day = np.minimum(exit_day + rng.integers(low, high + 1, size=n), schedule.end_day)
    offset_f = 1.0 * responded
    base_f = solve_intercept(offset_f[invited_f], config.followup_response_rate)
    responded_f = invited_f & (rng.random(n) < sigmoid(base_f + offset_f))

    # candour (follow-up): felt free to give the real reason at exit — high for those whose
    # stated reason was the true one
    honest_at_exit = (true == stated).astype(float)
    spread = honest_at_exit.std() or 1.0
    candour = 0.8 * (honest_at_exit - honest_at_exit.mean()) / spread + 0.6 * rng.standard_normal(n)

    invitations = []
    stated_out = np.full(n, None, dtype=object)
    followup_out = np.full(n, None, dtype=object)
    for kind, instrument, days, invited, answered, reason, prefix in (
        ("exit", exit_instrument, survey_day, np.ones(n, bool), responded, stated, "Exit"),
        ("followup", followup_instrument, follow_day, invited_f, responded_f, honest, "Follow-up"),
    ):
        quarters = quarter_of(days)
        wave_of = np.zeros(n, np.int64)
        for q in np.unique(quarters[invited]):
            first, last = quarter_bounds(q)
            opens = max(first, np.datetime64(window_start, "D").astype(dt.date))
            status = "closed" if last < np.datetime64(schedule.end_day, "D").astype(dt.date) else "open"
            year, qn = first.year, (first.month - 1) // 3 + 1
            wave_id = waves.add(f"{prefix} {year}-Q{qn}", kind, opens, last, status, config.instruments[kind])
            wave_of[quarters == q] = wave_id
            members = invited & (quarters == q)
            teams, counts = np.unique(team_id[members], return_counts=True)
            invitations.append(pd.DataFrame({"wave_id": wave_id, "team_id": teams, "invited": counts}))
        r = np.nonzero(answered)[0]
        items = item_models(instrument, SCALES + ("candour",)) if instrument is not None else []
        latent = {s: latent_all[r, j] for j, s in enumerate(SCALES)}
        if kind == "exit" and config.exit_recall_bias:
            latent = recall_biased(latent, config.exit_recall_bias)
        latent["candour"] = candour[r]
        question = (
            instrument.open_questions[0].id if instrument is not None and instrument.open_questions else "comment"
        )
        chosen = np.nonzero(rng.random(len(r)) < config.exit_comment_rate)[0]
        # free text leaks more than the tick box: some exit comments speak to the true reason
        theme = np.where(rng.random(len(r)) < EXIT_COMMENT_LEAK, true[r], reason[r])
        comment_text = _pick_text(rng, text.EXIT, theme[chosen], english[r][chosen])
        builder.add(
            wave_of[r],
            team_id[r],
            days[r],
            english[r],
            people.employee_id[leavers[r]],
            reason=reason[r],
            items=items,
            latent=latent,
            comments=[(question, chosen, comment_text)],
            with_pseudonym=(kind == "exit"),
        )
        (stated_out if kind == "exit" else followup_out)[r] = reason[r]

    exits = pd.DataFrame(
        {
            "employee_id": people.employee_id[leavers].astype("int64"),
            "team_id": team_id.astype("int64"),
            "exit_date": day_to_date(exit_day),
            "true_reason": true.astype(object),
            "stated_reason": stated_out,
            "followup_reason": followup_out,
            "responded_exit": responded,
            "followup_invited": invited_f,
            "responded_followup": responded_f,
        }
    )
    invites = _concat(invitations, ["wave_id", "team_id", "invited"]).astype("int64")
    return exits, invites


def recall_biased(latent: dict[str, np.ndarray], bias: float) -> dict[str, np.ndarray]:
    """Exit answers coloured by the decision to leave: each driver construct ``bias`` latent SDs
    less favourable (workload and metric gaming higher, the rest lower). No random draws, so a
    bias of 0 leaves the organisation identical. Outcome scales are left as they are."""
    from verloop.synth.config import BASE_CONSTRUCTS

    out = dict(latent)
    for s in BASE_CONSTRUCTS:
        if s in out:
            out[s] = out[s] + (bias if s in UNFAVOURABLE_WHEN_HIGH else -bias)
    return out


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    frames = [f for f in frames if len(f)]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
    return pd.concat(frames, ignore_index=True)[columns]
