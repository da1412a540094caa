"""The published frame behind the watermelon view: per team, its KPIs beside people figures
pooled over every pulse wave of the period that the door shows for that team.

Why pooling over *shown* waves, and why that needs no guard of its own
------------------------------------------------------------------------
One wave's team mean rests on 5–12 answers and is noisy; a team hidden in the latest wave
(fewer than k answers, or the consecutive-wave guard: "fewer than k people changed since an
earlier wave") would disappear from the view although it was shown in the waves before. This
frame therefore pools, per team and scale, the waves of the period in which the door shows the
team: the pooled mean is Σ nᵢ·meanᵢ / Σ nᵢ and the pooled within-team variance
Σ (nᵢ−1)·sdᵢ² / Σ (nᵢ−1) over those shown rows only.

Every number here is a function of rows the door already publishes (n, mean and SD of shown
team rows; turnover of shown teams; KPIs, which are no answers). So the frame adds no equation
to what an attacker already holds: it cannot reveal a hidden wave of a team (that wave is left
out, not subtracted), a hidden team (it has no shown wave and stays hidden), or the difference
of two consecutive waves (the guard of ``verloop.privacy.suppress`` still decides which single
waves are shown). Choosing another period only selects another subset of the same shown rows.
The attack tests in ``tests/privacy/test_watermelon_attacks.py`` check this with the rank
test of the attacker.

What stays hidden: a team none of whose waves in the period is shown (fewer than k answers in
every wave, or hidden to protect a smaller team every time), or shown on fewer than half of the
scales; it carries the note of its latest hidden wave. Its KPIs (not personal) stay.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from verloop.domain.constants import PULSE_SCALES
from verloop.privacy.policy import NO_RESPONSES, SHOWN
from verloop.privacy.published import finish
from verloop.privacy.suppress import HIDDEN_REASONS, TEAM

KPI_COLUMNS = ("aht_s", "service_level", "csat", "fcr", "repeat_rate", "absenteeism")
PEOPLE_SCALES = PULSE_SCALES  # every pulse scale is evidence about the people


def window_waves(door, start: dt.date, end: dt.date) -> list[str]:
    """Closed pulse waves opening inside [start, end], oldest first."""
    waves = door.waves("pulse")
    opens = pd.to_datetime(waves["opens_on"]).dt.date
    chosen = waves[waves["results"] & (opens >= start) & (opens <= end)]
    return list(chosen["wave"])


def pool_shown(scores: pd.DataFrame) -> pd.DataFrame:
    """Per team × scale: the pooled figures of the door's *shown* team rows of ``scores`` (a
    ``scale_scores(by='team')`` frame over several waves).

    Columns: site, team, scale, score (pooled mean), within_var (pooled within-team variance),
    waves_shown, waves_hidden, n (answers pooled), suppressed, reason, note. A team without a
    shown wave keeps its row, hidden, with the reason of its latest hidden wave.
    """
    columns = [
        "site",
        "team",
        "scale",
        "score",
        "within_var",
        "waves_shown",
        "waves_hidden",
        "n",
        "suppressed",
        "reason",
        "note",
    ]
    teams = scores[scores["level"] == TEAM]
    if teams.empty:
        return pd.DataFrame(columns=columns)
    # every team × scale at once (grouped sums over the shown rows; 870 teams × 12 scales at
    # 10,000 employees: a loop per group took minutes per period)
    shown = (~teams["suppressed"].astype(bool) & teams["n"].notna() & teams["score"].notna()).to_numpy()
    n = np.where(shown, pd.to_numeric(teams["n"], errors="coerce").to_numpy(dtype=float, na_value=np.nan), 0.0)
    means = np.where(shown, teams["score"].to_numpy(dtype=float), 0.0)
    sds = np.where(shown, teams["sd"].astype(float).fillna(0.0).to_numpy(), 0.0)
    dof = np.clip(n - 1.0, 0.0, None)
    work = pd.DataFrame(
        {
            "team": teams["team"].to_numpy(),
            "scale": teams["scale"].to_numpy(),
            "site": teams["site"].to_numpy(),
            "shown": shown.astype(int),
            "hidden": teams["reason"].isin(HIDDEN_REASONS).to_numpy().astype(int),
            "n": n,
            "weighted": n * means,
            "dof": dof,
            "within": dof * sds**2,
            "reason": teams["reason"].astype(str).to_numpy(),
            "note": teams["note"].astype(str).to_numpy(),
            "opens_on": teams["opens_on"].to_numpy(),
        }
    )
    keys = ["team", "scale"]
    groups = work.groupby(keys, sort=True)
    pooled = groups[["shown", "hidden", "n", "weighted", "dof", "within"]].sum()
    pooled["site"] = groups["site"].first()  # a team's rows all name its site
    pooled["last_note"] = groups["note"].last()  # notes are text, never missing
    hidden_rows = work[work["hidden"] == 1].sort_values(keys + ["opens_on"], kind="stable")
    latest_hidden = hidden_rows.groupby(keys, sort=True)[["reason", "note"]].last()
    pooled = pooled.join(latest_hidden.add_prefix("hidden_"))
    with np.errstate(divide="ignore", invalid="ignore"):
        score = pooled["weighted"] / pooled["n"]
        within_var = (pooled["within"] / pooled["dof"]).where(pooled["dof"] > 0)
    pooled_ok = (pooled["shown"] > 0) & (pooled["n"] > 0)
    was_hidden = ~pooled_ok & (pooled["hidden"] > 0)
    frame = pd.DataFrame(
        {
            "site": pooled["site"].to_numpy(),
            "team": pooled.index.get_level_values("team"),
            "scale": pooled.index.get_level_values("scale"),
            "score": score.where(pooled_ok).to_numpy(),
            "within_var": within_var.where(pooled_ok).to_numpy(),
            "waves_shown": pooled["shown"].astype(int).to_numpy(),
            "waves_hidden": pooled["hidden"].astype(int).to_numpy(),
            "n": pd.array(
                np.where(pooled_ok, pooled["n"].round(), np.where(was_hidden, np.nan, 0.0)), dtype="Float64"
            ).astype("Int64"),
            "suppressed": was_hidden.to_numpy(),
            "reason": np.where(pooled_ok, SHOWN, np.where(was_hidden, pooled["hidden_reason"], NO_RESPONSES)),
            "note": np.where(pooled_ok, "", np.where(was_hidden, pooled["hidden_note"], pooled["last_note"])),
        },
        columns=columns,
    )
    return finish(frame, ["score", "within_var"], ["site", "team", "scale"])


def watermelon_frame(door, start: dt.date | None = None, end: dt.date | None = None, scales=None) -> pd.DataFrame:
    """One published row per team: KPI means (and their month-to-month SD) over the period,
    people figures pooled over the team's shown waves (``<scale>``, ``<scale>_var`` within-team
    variance, ``<scale>_n`` answers), voluntary turnover of the period (shown teams), and
    ``waves_shown`` / ``waves_hidden``. ``n`` is the most answers pooled on one scale; a team
    with no shown wave has no people figures (``suppressed``) but keeps its KPIs.
    """
    from verloop.privacy.data import load_kpis

    door._check()
    start, end = door._period(start, end)
    structure = door.structure()
    hierarchy = structure.hierarchy
    with door.store.session() as s:
        kpis = load_kpis(s, structure)
    kpis = kpis[(kpis["month"] >= pd.Timestamp(start)) & (kpis["month"] <= pd.Timestamp(end))]
    present = [c for c in KPI_COLUMNS if c in kpis.columns]
    frame = pd.DataFrame({"team": hierarchy.teams})
    frame["site"] = frame["team"].map(hierarchy.team_site)
    frame["group"] = frame["team"]
    frame["level"] = TEAM
    grouped = kpis.groupby("team")[present]
    frame = frame.join(grouped.mean(), on="team")
    frame = frame.join(grouped.std(ddof=1).add_suffix("_sd"), on="team")
    frame["kpi_months"] = frame["team"].map(kpis.groupby("team").size()).fillna(0).astype(int)

    waves = window_waves(door, start, end)
    available = set(door.scales("pulse"))
    chosen = [s for s in (scales or PEOPLE_SCALES) if s in available]
    if waves and chosen:
        pooled = pool_shown(door.scale_scores(by="team", waves=waves, scales=chosen))
    else:
        pooled = pool_shown(pd.DataFrame(columns=["level"]))
    figures: list[str] = []
    for scale in chosen:
        part = pooled[pooled["scale"] == scale].set_index("team")
        frame[scale] = frame["team"].map(part["score"])
        frame[f"{scale}_var"] = frame["team"].map(part["within_var"])
        frame[f"{scale}_n"] = frame["team"].map(part["n"]).astype("Float64").astype(float)
        figures += [scale, f"{scale}_var", f"{scale}_n"]
    if len(pooled):
        pooled = pooled.assign(_answered=pooled["n"].fillna(0).astype(int))
        shown_rows = pooled[~pooled["suppressed"] & (pooled["_answered"] > 0)]
        hidden_rows = pooled[pooled["suppressed"]].drop_duplicates("team").set_index("team")
        frame["waves_shown"] = frame["team"].map(pooled.groupby("team")["waves_shown"].max()).fillna(0).astype(int)
        frame["waves_hidden"] = frame["team"].map(pooled.groupby("team")["waves_hidden"].max()).fillna(0).astype(int)
        frame["n"] = frame["team"].map(shown_rows.groupby("team")["n"].max())
        # judged only on at least half of the scales (a team shown on one scale in one wave is
        # hidden for the view as a whole: hiding more than needed is always safe)
        scales_shown = frame["team"].map(shown_rows.groupby("team")["scale"].nunique()).fillna(0)
        hidden = (scales_shown < max(1, len(chosen)) / 2) & frame["team"].isin(set(hidden_rows.index))
        frame["suppressed"] = hidden
        frame["reason"] = np.where(hidden, frame["team"].map(hidden_rows["reason"]), SHOWN)
        frame["note"] = np.where(hidden, frame["team"].map(hidden_rows["note"]), "")
    else:
        frame["waves_shown"], frame["waves_hidden"], frame["n"] = 0, 0, 0
        frame["suppressed"], frame["reason"], frame["note"] = False, NO_RESPONSES, door.note(NO_RESPONSES)
    frame["reason"] = frame["reason"].where(frame["reason"].ne(SHOWN) | frame["n"].notna(), NO_RESPONSES)
    frame.loc[frame["reason"].eq(NO_RESPONSES), "note"] = door.note(NO_RESPONSES)

    turnover = door.turnover(by="team", start=start, end=end).set_index("team")
    shown_turnover = turnover[~turnover["suppressed"]]
    for column in ("voluntary", "person_years", "voluntary_rate"):
        frame[column] = frame["team"].map(shown_turnover[column])
    frame["period_start"], frame["period_end"], frame["waves"] = start, end, len(waves)
    people = figures + ["voluntary", "person_years", "voluntary_rate"]
    frame.loc[frame["suppressed"], [c for c in people if c in frame.columns]] = np.nan
    keys = ["period_start", "period_end", "level", "site", "team", "group"]
    kpi_columns = present + [f"{c}_sd" for c in present] + ["kpi_months"]
    out = finish(frame, people, keys)
    return out[
        [*keys, *kpi_columns, *people, "waves", "waves_shown", "waves_hidden", "n", "suppressed", "reason", "note"]
    ]


__all__ = ["KPI_COLUMNS", "PEOPLE_SCALES", "pool_shown", "watermelon_frame", "window_waves"]
