"""What the drivers, risk and what-if pages read from the models that ``verloop train`` wrote.

Cards and artefacts live in ``models/<name>/`` (``verloop.models.cards``; the folder is
``$VERLOOP_MODELS`` or ``models/`` in the checkout). The dashboard never hands the model more
than the privacy door published: for the risk page a team's input is its published mean per
scale in the latest closed pulse wave (teams the door hides get no prediction); for the what-if
it is the team's running mean of its published wave means over every closed wave (weighted by
respondents: ``running_state``), the forward-looking state the pooled team model was fitted on;
both with headcount and tenure / contract mix from HR records (``verloop.models.features.team_facts``). The model's team-level
outputs then pass the door's ``suppress_people``, so a team below the minimum group size shows
a note instead of a number. Without a trained model every function says so — an empty result
and a message — never a traceback.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from verloop.apps.dashboard import figures
from verloop.apps.dashboard.filters import Filters
from verloop.errors import InputError
from verloop.i18n import LANGS, t
from verloop.models.report import models_root  # the settings' models_dir (no estimator imported)

TEAM_CARD = "team-risk"
SURVIVAL_CARD = "individual-survival"
HORIZONS = (6, 12)
LEVEL = 0.90  # risk intervals: 90 % (a ranking aid, not a test)


def _card(name: str) -> dict | None:
    from verloop.models.cards import load_card

    try:
        return load_card(name, models_root())
    except InputError:
        return None


def team_model(source):
    """The fitted team-level Poisson model (longest horizon) and its card, or (None, None)."""
    if source.team_model is None:
        card = _card(TEAM_CARD)
        model = None
        if card is not None:
            from verloop.models.cards import load_model

            try:
                artefact = load_model(TEAM_CARD, models_root())
                model = artefact["models"]["poisson"][max(artefact["horizons"])]
            except (InputError, KeyError, OSError):
                card, model = None, None
        source.team_model = (model, card)
    return source.team_model


def team_rates(source):
    """The team model as numbers (``verloop.models.whatif.TeamRates``), or None without a model:
    read from the figure cache (keyed by the model card, filled by the refresh), so a what-if
    kernel neither unpickles the estimator nor imports scikit-learn or SciPy."""
    from verloop.apps.dashboard.cache import MODEL_CODE

    def build():
        from verloop.models.whatif import TeamRates

        model, _ = team_model(source)
        return TeamRates.of(model) if model is not None else None

    return figures.cached(source, ("team-rates", figures.model_card_stamp()), build, code=MODEL_CODE)


# -- drivers ------------------------------------------------------------------------------------------


def drivers(source) -> dict:
    """Effects per scale point (team level; per 10 points on WHO-5) with 95 % intervals and the
    models' own sentences, plus the individual-level hazard ratios when that card exists."""
    card = _card(TEAM_CARD)
    if card is None:
        return {"drivers": None, "individual": None, "card_md": None, "lead": {}}
    frame = pd.DataFrame(card.get("drivers") or [])
    if len(frame):
        frame = frame[frame["unit"] != "SD"].rename(columns={"ratio": "effect", "low": "lower", "high": "upper"})
    survival = _card(SURVIVAL_CARD)
    individual = pd.DataFrame((survival or {}).get("drivers") or [])
    if len(individual):
        individual = individual[individual["unit"] != "SD"].rename(
            columns={"ratio": "effect", "low": "lower", "high": "upper"}
        )
    md = models_root() / TEAM_CARD / "card.md"
    data = card.get("data", {})
    facts = {
        "teams": data.get("teams_used", "?"),
        "leavers": data.get("leavers_used", "?"),
        "start": data.get("window_start", "?"),
        "end": data.get("window_end", "?"),
        "created": card.get("created", "?"),
    }
    lead = {lang: t("drivers.model_lead", lang, **facts) for lang in LANGS}
    return {
        "drivers": frame,
        "individual": individual if len(individual) else None,
        "card_md": md.read_text(encoding="utf-8") if md.exists() else None,
        "lead": lead,
    }


# -- the teams' current state, from published figures -------------------------------------------------------


def _named(facts: pd.DataFrame, source) -> pd.DataFrame:
    """HR facts per team (indexed by team id) with the team's name, site and site id as columns."""
    teams = source.teams.set_index("team_id")
    state = facts.reset_index().rename(columns={"index": "team_id"})
    state["team"] = state["team_id"].map(teams["team"])
    state["site"] = state["team_id"].map(teams["site"])
    state["site_id"] = state["team_id"].map(teams["site_id"]).astype("int64")
    return state


def team_state(source) -> pd.DataFrame:
    """Per team: published scale means of the latest closed wave, HR facts on its closing day
    (headcount, tenure and contract mix), and whether the door hid the team's scores."""
    return figures.cached(source, ("team_state",), lambda: _team_state(source), persist=False)


def _team_state(source) -> pd.DataFrame:
    from verloop.models.features import team_facts
    from verloop.privacy import training_rows  # a model's inputs: the named way to per-person rows

    door = figures.door(source)
    closed = figures.waves_with_results(source)  # never an open or empty wave
    if not len(closed):
        return pd.DataFrame(columns=["team_id", "site_id", "team", "site", "start", "headcount", "hidden"])
    wave = closed.iloc[-1]
    scores = figures._scores(source, "team", (str(wave["wave"]),))
    wide = scores.pivot(index="team", columns="scale", values="score")
    hidden = scores.groupby("team")["suppressed"].any()
    reasons = scores[scores["suppressed"]].drop_duplicates("team").set_index("team")["reason"]
    day = pd.Timestamp(wave["closes_on"] if pd.notna(wave["closes_on"]) else wave["opens_on"])
    facts = team_facts(training_rows(door), day)
    state = _named(facts, source)
    state = state.join(wide, on="team")
    state["hidden"] = state["team"].map(hidden).fillna(True).astype(bool)
    state["hidden_reason"] = state["team"].map(reasons).fillna("min_group")
    state["start"] = day
    state["wave"] = str(wave["wave"])
    return state


def running_state(source) -> pd.DataFrame:
    """Per team, the what-if's forward-looking starting point: its running mean per scale over
    every closed wave in which the door published the team (``whatif.running_means``: the
    published wave means weighted by respondents — the same pooling as the model's
    ``team.pooled_team_frame``, but of published figures only), with headcount and contract
    mix from HR records on the data's last day (the model's person-years end there too).
    ``hidden``: the door never published the team, so it has no starting point (nor HR facts:
    the frame is kept in the shared figure cache, filled by the refresh, so that a what-if
    kernel reads no per-person rows)."""
    from verloop.apps.dashboard.cache import MODEL_CODE

    return figures.cached(source, ("running_state",), lambda: _running_state(source), code=MODEL_CODE)


def _running_state(source) -> pd.DataFrame:
    from verloop.models.features import TEAM_FACTS, team_facts
    from verloop.models.whatif import running_means
    from verloop.privacy import training_rows  # a model's inputs: the named way to per-person rows

    door = figures.door(source)
    closed = figures.waves_with_results(source).sort_values("opens_on")  # never an open or empty wave
    scores = figures._scores(source, "team", tuple(str(w) for w in closed["wave"]))
    published = scores[~scores["suppressed"].astype(bool)]
    order = {w: i for i, w in enumerate(closed["wave"])}
    means = running_means(published.sort_values("wave", key=lambda w: w.map(order), kind="stable"))
    day = pd.Timestamp(source.today)
    facts = team_facts(training_rows(door), day)
    state = _named(facts, source)
    state = state.join(means, on="team")
    state["waves"] = state["waves"].fillna(0).astype("int64")
    state["respondents"] = state["respondents"].fillna(0).astype("int64")
    for col in ("first_wave", "last_wave"):
        state[col] = state[col].astype(object).where(state[col].notna(), None)
    state["hidden"] = state["waves"] == 0
    state.loc[state["hidden"], [c for c in TEAM_FACTS if c in state]] = np.nan  # never shown: not kept
    state["hidden_reason"] = "min_group"
    state["start"] = day
    state["wave"] = str(closed["wave"].iloc[-1]) if len(closed) else None
    return state


def _predictions(model, state: pd.DataFrame, months: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Expected leavers per team over ``months`` with a bootstrap interval (rate × person-years)."""
    years = state["headcount"].to_numpy(dtype=float) * months / 12
    X = state[list(model.features_)]
    expected = model.predict(X) * years
    if len(getattr(model, "boot_coef_", ())) >= 20:
        draws = model.predict_draws(X) * years
        alpha = (1 - LEVEL) / 2
        low, high = np.quantile(draws, [alpha, 1 - alpha], axis=0)
    else:
        low = high = np.full(len(state), np.nan)
    return expected, low, high


def team_risk(source, filters: Filters) -> dict:
    """Expected voluntary leavers per team over the next 6 and 12 months, with 90 % intervals;
    teams the door hides (or that fall below the minimum group size) carry its note."""
    from verloop.privacy import suppress_people

    model, card = team_model(source)
    columns = ["group", "site", "horizon_months", "expected", "lower", "upper", "n", "suppressed", "reason", "note"]
    if model is None:
        return {"risk": pd.DataFrame(columns=columns), "message": "no_model"}
    state = team_state(source)
    if filters.site_id is not None:
        state = state[state["site_id"] == filters.site_id]
    usable = state[~state["hidden"]].dropna(subset=list(model.features_))
    policy = figures.door(source).policy
    parts = []
    for months in HORIZONS:
        expected, low, high = _predictions(model, usable, months) if len(usable) else ([], [], [])
        part = pd.DataFrame(
            {
                "group": usable["team"].to_numpy(),
                "site": usable["site"].to_numpy(),
                "horizon_months": months,
                "expected": expected,
                "lower": low,
                "upper": high,
                "n": usable["headcount"].to_numpy(),
            }
        )
        part = suppress_people(
            part,
            k=policy.k,
            group="group",
            n="n",
            figures=["expected", "lower", "upper"],
            strata=["horizon_months"],
            lang=filters.lang,
            unit="employees",
        )
        rest = state[~state["team"].isin(usable["team"])]
        records = part.to_dict("records") + [
            {
                "group": team,
                "site": site,
                "horizon_months": months,
                "expected": np.nan,
                "lower": np.nan,
                "upper": np.nan,
                "n": None,
                "suppressed": True,
                "reason": reason or "min_group",
                "note": policy.note(reason or "min_group", filters.lang, "responses"),
            }
            for team, site, reason in zip(rest["team"], rest["site"], rest["hidden_reason"])
        ]
        part = pd.DataFrame.from_records(records, columns=columns)
        parts.append(part)
    out = pd.concat(parts, ignore_index=True)[columns]
    out["n"] = out["n"].astype("Int64")
    out["wave"] = state["wave"].iloc[0] if len(state) else None
    return {"risk": out, "message": None}


# -- what-if ---------------------------------------------------------------------------------------------


def whatif_factors(source) -> list[str]:
    """The scales the team model can move (its driver scales), in the model's order."""
    from verloop.models.data import DRIVER_SCALES

    rates = team_rates(source)
    if rates is None:
        return []
    return [f for f in rates.features_ if f in DRIVER_SCALES]


def whatif(source, filters: Filters, changes: dict) -> dict:
    """Expected voluntary leavers over 12 months now and with ``changes`` (scale points) for
    the chosen team, site or everyone, and the money saved, with 95 % intervals.

    Returns ``{"frame": one published row, "result": WhatIfResult or None}``. A team the door
    hides is refused by ``what_if`` itself (PrivacyError) and shown as that sentence. Without
    changes (the page's starting point) the answer is kept in the figure cache, keyed by the
    model card: the refresh computes it for every view it builds, so a filter change reads it."""
    if changes:
        return _whatif(source, filters, changes)
    from verloop.apps.dashboard.cache import MODEL_CODE

    key = ("whatif", filters.site_id, filters.team_id, filters.lang, figures.model_card_stamp())
    return figures.cached(source, key, lambda: _whatif(source, filters, {}), code=MODEL_CODE)


def _whatif(source, filters: Filters, changes: dict) -> dict:
    from verloop.models.whatif import scale_ranges, what_if
    from verloop.surveys import load_instrument

    model = team_rates(source)
    if model is None:
        raise InputError("no team model has been trained yet; run 'verloop train'.")
    state = running_state(source)
    usable = state.copy()
    for feature in model.features_:  # a scale the door never published for any team: no start
        if feature not in usable:
            usable[feature] = np.nan
    usable.loc[usable["hidden"], list(model.features_)] = np.nan  # never model a hidden team
    if filters.team_id is not None:
        scope, scope_id = "team", int(filters.team_id)
        mine = usable[usable["team_id"] == scope_id]
        if len(mine) and mine[list(model.features_)].isna().any(axis=None):
            from verloop.errors import PrivacyError

            note = figures.door(source).policy.note(
                mine["hidden_reason"].iloc[0] or "min_group", filters.lang, "responses"
            )
            raise PrivacyError(t("whatif_team_hidden", filters.lang, team=mine["team"].iloc[0], note=note))
    elif filters.site_id is not None:
        scope, scope_id = "site", int(filters.site_id)
    else:
        scope, scope_id = "all", None
    result = what_if(
        model,
        usable,
        changes,
        scope=scope,
        scope_id=scope_id,
        months=12,
        replacement_cost=source.replacement_cost_eur,
        ranges=scale_ranges(load_instrument("pulse")),
        starting_point="each team's running mean of its published wave means (weighted by respondents)",
    )
    frame = pd.DataFrame(
        [
            {
                "scope": scope,
                "group": _scope_name(source, scope, scope_id),
                "teams": result.teams,
                "changes": ", ".join(f"{k} {v:+g}" for k, v in result.changes.items()) or "—",
                "months": result.months,
                "baseline": result.baseline_leavers,
                "baseline_lower": result.baseline_interval[0],
                "baseline_upper": result.baseline_interval[1],
                "scenario": result.scenario_leavers,
                "scenario_lower": result.scenario_interval[0],
                "scenario_upper": result.scenario_interval[1],
                "avoided": result.leavers_avoided,
                "avoided_lower": result.avoided_interval[0],
                "avoided_upper": result.avoided_interval[1],
                "saved_eur": result.euros_saved,
                "saved_lower": result.euros_interval[0],
                "saved_upper": result.euros_interval[1],
                "replacement_cost_eur": result.replacement_cost_eur,
                "n": result.headcount,
            }
        ]
    )
    from verloop.privacy import suppress_people

    policy = figures.door(source).policy
    figures_ = [c for c in frame.columns if c not in ("scope", "group", "changes", "months", "n", "teams")]
    frame = suppress_people(
        frame, k=policy.k, group="group", n="n", figures=figures_, strata=[], lang=filters.lang, unit="employees"
    )
    return {"frame": frame, "result": result, "state": starting_state(source, usable, model, scope, scope_id)}


def starting_state(source, usable: pd.DataFrame, model, scope: str, scope_id) -> dict:
    """Which state the what-if starts from, as a sentence per language: the running mean over
    the published waves (how many, up to which), the teams it covers and the headcount date."""
    from verloop.i18n import day_label, number

    rows = usable.dropna(subset=list(model.features_))
    if scope == "team":
        rows = rows[rows["team_id"] == scope_id]
    elif scope == "site":
        rows = rows[rows["site_id"] == scope_id]
    if rows.empty:
        return {lang: "" for lang in LANGS}
    day = rows["start"].iloc[0]
    last = rows["wave"].iloc[0]
    out = {}
    for lang in LANGS:
        if scope == "team":
            row = rows.iloc[0]
            out[lang] = t(
                "whatif_state_team",
                lang,
                team=row["team"],
                waves=int(row["waves"]),
                first=row["first_wave"],
                last=row["last_wave"],
                respondents=number(int(row["respondents"]), lang, 0),
                day=day_label(day.date(), lang),
            )
        else:
            out[lang] = t(
                "whatif_state_all",
                lang,
                teams=len(rows),
                waves=number(float(rows["waves"].median()), lang, 0),
                lo=int(rows["waves"].min()),
                hi=int(rows["waves"].max()),
                last=last,
                day=day_label(day.date(), lang),
            )
    return out


def _scope_name(source, scope: str, scope_id) -> str:
    if scope == "team":
        return source.options.team_name(scope_id) or str(scope_id)
    if scope == "site":
        return source.options.site_name(scope_id) or str(scope_id)
    return "organisation"
