"""Parameters of the synthetic contact centre, each with its source or plausible range.

Every number that shapes the synthetic organisation lives here, so that a test, a benchmark or
a researcher can change it and the ground truth records it (``dataclasses.asdict``). Defaults
follow docs/design/SYNTHETIC.md; "calibrated" means the value is solved for at generation
time (see :mod:`verloop.synth.simulate`), not typed in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field

from verloop.domain.constants import (  # noqa: F401 (the generator's modules import them from here)
    CONTRACT_TYPES,
    LEAD_STYLES,
    PART_TIME_BELOW_HOURS,
    REASONS,
    SAFE_REASONS,
    SENSITIVE_REASONS,
    TENURE_BANDS,
)
from verloop.errors import ConfigError

# -- vocabularies shared with the rest of Verloop -------------------------------------------------

SCALES: tuple[str, ...] = (
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
    "intent_stay",
    "enps",
)
"""Pulse scale keys, in the order of the latent vector."""

BASE_CONSTRUCTS: tuple[str, ...] = SCALES[:10]
"""Constructs drawn from the multivariate latent model; intent_stay and enps are derived."""

UNFAVOURABLE: frozenset[str] = frozenset({"workload", "metric_gaming"})
"""Scales where HIGH means worse (more pressure, more gaming)."""

# The domain's names (exit reasons and their groups, lead styles, tenure bands, contract types)
# live in ``verloop.domain``; the generator uses them from there.


def _default_betas() -> dict[str, float]:
    # log hazard ratio per SD of the true latent construct. Sizes chosen so that the ranking is
    # unambiguous (mandate > wellbeing > autonomy > workload, gaps of 0.12-0.17, i.e. about
    # 4 standard errors with 5,000 employees) while the marginal correlations stay in the
    # published ranges (attitudes -> leaving within a year r ≈ -.15 to -.25; Griffeth, Hom &
    # Gaertner 2000). Constructs not listed have no direct effect.
    return {"mandate": -0.55, "wellbeing": -0.38, "autonomy": -0.22, "workload": 0.10}


def _default_tenure_hazard() -> tuple[tuple[float, float], ...]:
    # (from tenure month, relative hazard). Risk highest at 3-12 months, a visible share in the
    # first 90 days, and a long-tenure plateau (Cornell call-centre study; SYNTHETIC.md).
    return ((0, 1.25), (3, 1.70), (6, 1.55), (12, 1.00), (24, 0.70), (48, 0.50))


def _default_style_mix() -> dict[str, float]:
    # about one team in six is led the Taylorist way (the "watermelon" teams of SYNTHETIC.md)
    return {"servant": 0.30, "neutral": 0.5333, "taylorist": 1 / 6}


def _default_contract_mix() -> dict[float, float]:
    # Dutch contact centres: many part-timers and students (Klantcontact.nl, FNV)
    return {16.0: 0.08, 20.0: 0.10, 24.0: 0.20, 28.0: 0.10, 32.0: 0.24, 36.0: 0.23, 38.0: 0.05}


@dataclass
class SynthConfig:
    """Everything that shapes a synthetic organisation. Same config → identical output.

    Sizes and time
        employees: budgeted positions (headcount stays within a few % of it; hires replace
            leavers after a short vacancy). Demo 600; benchmarks 10,000 and 100,000.
        months: months of history up to ``end_date`` (24 in SYNTHETIC.md).
        seed: the only source of randomness (numpy ``SeedSequence``); never the clock.
        sites: sites of the contact centre (2-4 in SYNTHETIC.md; any >= 1 works).
        team_size_min, team_size_max: agents per team lead (8-15, SYNTHETIC.md).
        end_date: the last day simulated, a fixed date so output never depends on today.
        burn_in_months: months simulated before the window (not stored) so that the tenure
            mix and the selection of survivors at the start are realistic.

    Teams and latent constructs
        lead_style_mix: share of team-lead styles; team counts are allotted proportionally.
        icc: intra-class correlation per construct (team share of variance, 0.15-0.25,
            SYNTHETIC.md); the lead-style effect is part of it.
        trait_share: share of individual variance that is a stable trait; the rest drifts as a
            monthly AR(1) with ``state_ar``. Gives test-retest r ≈ .95 (1 month), ≈ .65 (1 year).
        team_ar: monthly AR(1) of the team climate (slow drift).
        seasonal_workload: amplitude (SD units) of the winter peak in time pressure.

    Turnover (monthly discrete-time hazards)
        target_voluntary_rate: annual voluntary turnover the baseline is calibrated to
            (30-45 % in SYNTHETIC.md; Dutch in-house 25-35 %, outsourcers 40-100 %).
        target_involuntary_rate: annual involuntary turnover (5-8 %).
        hazard_betas: log hazard ratio per SD of each latent construct (the recoverable truth).
        frailty_beta: log HR per SD of unmeasured personal circumstances (moving, study plans);
            feeds intent to stay and the non-work exit reasons, is never surveyed.
        part_time_beta: log HR for part-time contracts (students leave more).
        tenure_hazard: relative voluntary hazard by tenure band (start month, multiplier).
        probation_months, probation_multiplier: involuntary exits concentrate in probation.
        involuntary_engagement_beta: log HR of involuntary exit per SD of engagement.
        vacancy_lag_p2: share of vacancies that take two months (instead of one) to fill.
        contract_mix: contract hours and their shares.
        initial_tenure_mean_months: mean tenure (exponential) of the staff at the burn-in start.

    Surveys
        wave_every_weeks: pulse cadence (4-6 weeks recommended; stop/start cycle of 6 weeks).
        wave_open_days: days a pulse wave stays open.
        mode: "anonymous" (no link to people) or "confidential" (keyed pseudonym on responses).
        pseudonym_key: HMAC key for confidential mode; held outside the database.
        pulse_response_rate: target mean response (55-80 %, SYNTHETIC.md).
        response_engagement_beta: log-odds of responding per SD engagement (disengaged answer
            less).
        later_leaver_response_log_odds: log-odds shift for people who leave voluntarily within
            ``later_leaver_months`` after the wave (≈ 15 % lower rate).
        exit_response_rate: share of voluntary leavers answering the exit survey (50-70 %).
        followup_response_rate: share of invited leavers answering the follow-up (30-40 %).
        followup_after_days: follow-up link is sent this many days after the exit (8-12 weeks).
        english_share: respondents who answer in English (the rest Dutch).
        comment_rate_stop, comment_rate_start: chance a pulse respondent writes a comment.
        exit_comment_rate: chance an exit / follow-up respondent adds a comment.
        exit_recall_bias: leavers colour their exit answers (latent SD units, default 0 = none):
            every construct is answered this much less favourably than it was (workload and
            metric gaming this much higher). Tests the exit-vs-stayers comparison's assumption.
        action_success_rate, action_effect_sd: chance a team's stop/start action works and its
            effect on the team climate of the targeted construct (SD units, decays with team_ar).
        instruments: survey keys used for the pulse, exit and follow-up waves.
    """

    employees: int = 600
    months: int = 24
    seed: int = 1
    sites: int = 3
    team_size_min: int = 8
    team_size_max: int = 15
    end_date: dt.date = dt.date(2026, 10, 31)
    burn_in_months: int = 24

    lead_style_mix: dict[str, float] = field(default_factory=_default_style_mix)
    icc: dict[str, float] = field(
        default_factory=lambda: {
            "engagement": 0.15,
            "wellbeing": 0.15,
            "autonomy": 0.22,
            "mandate": 0.22,
            "workload": 0.20,
            "connection": 0.18,
            "growth": 0.15,
            "leadership": 0.25,
            "voice": 0.18,
            "metric_gaming": 0.20,
        }
    )
    trait_share: float = 0.5
    state_ar: float = 0.90
    team_ar: float = 0.97
    seasonal_workload: float = 0.10

    target_voluntary_rate: float = 0.37
    target_involuntary_rate: float = 0.065
    hazard_betas: dict[str, float] = field(default_factory=_default_betas)
    frailty_beta: float = 0.40
    part_time_beta: float = 0.15
    tenure_hazard: tuple[tuple[float, float], ...] = field(default_factory=_default_tenure_hazard)
    probation_months: int = 6
    probation_multiplier: float = 2.5
    involuntary_engagement_beta: float = -0.25
    vacancy_lag_p2: float = 0.2
    contract_mix: dict[float, float] = field(default_factory=_default_contract_mix)
    initial_tenure_mean_months: float = 30.0

    wave_every_weeks: int = 6
    wave_open_days: int = 14
    mode: str = "anonymous"
    pseudonym_key: str = "verloop-synthetic-demo-key"
    pulse_response_rate: float = 0.70
    response_engagement_beta: float = 0.30
    later_leaver_response_log_odds: float = -0.45
    later_leaver_months: int = 6
    exit_response_rate: float = 0.60
    followup_response_rate: float = 0.35
    followup_after_days: tuple[int, int] = (56, 84)
    english_share: float = 0.2
    comment_rate_stop: float = 0.22
    comment_rate_start: float = 0.18
    exit_comment_rate: float = 0.45
    exit_recall_bias: float = 0.0
    action_success_rate: float = 0.5
    action_effect_sd: float = 0.15
    instruments: dict[str, str] = field(
        default_factory=lambda: {"pulse": "pulse", "exit": "exit", "followup": "followup"}
    )

    def __post_init__(self) -> None:
        self.validate()

    # ---------------------------------------------------------------------------------------
    def validate(self) -> None:
        """Raise ConfigError with one sentence for the first impossible setting."""

        def bad(message: str) -> None:
            raise ConfigError(f"synthetic organisation: {message}")

        if not isinstance(self.end_date, dt.date):
            bad("end_date must be a date (e.g. 2026-10-31).")
        if self.months < 1:
            bad(f"months must be at least 1 (got {self.months}).")
        if self.sites < 1:
            bad(f"sites must be at least 1 (got {self.sites}).")
        if not 1 <= self.team_size_min <= self.team_size_max:
            bad("team sizes need 1 <= team_size_min <= team_size_max.")
        if self.employees < self.team_size_min:
            bad(f"employees must be at least one team ({self.team_size_min}); got {self.employees}.")
        if self.burn_in_months < 0:
            bad("burn_in_months cannot be negative.")
        if self.mode not in ("anonymous", "confidential"):
            bad(f"mode must be 'anonymous' or 'confidential' (got '{self.mode}').")
        if set(self.lead_style_mix) - set(LEAD_STYLES) or sum(self.lead_style_mix.values()) <= 0:
            bad(f"lead_style_mix keys must be among {', '.join(LEAD_STYLES)} with positive shares.")
        unknown = set(self.hazard_betas) - set(BASE_CONSTRUCTS)
        if unknown:
            bad(f"hazard_betas name unknown constructs {sorted(unknown)}; use {', '.join(BASE_CONSTRUCTS)}.")
        for name, value in self.icc.items():
            if name not in BASE_CONSTRUCTS or not 0 <= value < 0.9:
                bad(f"icc['{name}'] must be a known construct with a value in [0, 0.9).")
        for name in (
            "target_voluntary_rate",
            "target_involuntary_rate",
            "pulse_response_rate",
            "exit_response_rate",
            "followup_response_rate",
            "english_share",
            "trait_share",
            "vacancy_lag_p2",
            "action_success_rate",
        ):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                bad(f"{name} must lie between 0 and 1 (got {value}).")
        if not 0 <= self.exit_recall_bias <= 2:
            bad(f"exit_recall_bias must lie between 0 and 2 latent SDs (got {self.exit_recall_bias}).")
        if self.target_voluntary_rate + self.target_involuntary_rate >= 1:
            bad("voluntary plus involuntary turnover must stay below 100 % a year.")
        for name in ("state_ar", "team_ar"):
            if not 0 <= getattr(self, name) < 1:
                bad(f"{name} must lie in [0, 1).")
        if self.wave_every_weeks < 1 or self.wave_open_days < 1:
            bad("wave_every_weeks and wave_open_days must be at least 1.")
        if not self.tenure_hazard or self.tenure_hazard[0][0] != 0:
            bad("tenure_hazard must start at tenure month 0.")
        if abs(sum(self.contract_mix.values()) - 1) > 1e-6:
            bad("contract_mix shares must add up to 1.")

    # ---------------------------------------------------------------------------------------
    @property
    def window_start(self) -> dt.date:
        """First day of the first simulated month in the window."""
        year, month = self.end_date.year, self.end_date.month - (self.months - 1)
        while month < 1:
            month += 12
            year -= 1
        return dt.date(year, month, 1)

    def replace(self, **changes) -> SynthConfig:
        return dataclasses.replace(self, **changes)

    def to_json(self) -> dict:
        """The config as plain JSON types (for the ground-truth file)."""
        out = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, dt.date):
                value = value.isoformat()
            elif isinstance(value, dict):
                value = {str(k): v for k, v in value.items()}
            elif isinstance(value, tuple):
                value = [list(v) if isinstance(v, tuple) else v for v in value]
            out[f.name] = value
        return out
