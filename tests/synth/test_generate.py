"""The synthetic organisation: deterministic, shaped like the ORM, and realistic where it counts.

Marginal figures are computed here from the frames themselves (the HR records, the responses),
not read from the generator's own summary, so a bug in the summary cannot hide a bad marginal.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import re

import numpy as np
import pandas as pd
import pytest

from verloop.errors import ConfigError
from verloop.stats.psychometrics import cronbach_alpha
from verloop.store import schema
from verloop.surveys import load_instrument
from verloop.synth import REASONS, SCALES, SynthConfig, generate, read_truth, text, write_truth
from verloop.synth.config import SAFE_REASONS, SENSITIVE_REASONS
from verloop.synth.generate import COLUMNS
from verloop.synth.kpis import RANGES

SEEDS = (1, 2, 3, 4)


@functools.lru_cache(maxsize=8)
def org_for(seed: int = 1, employees: int = 600, months: int = 24, mode: str = "anonymous"):
    return generate(SynthConfig(seed=seed, employees=employees, months=months, mode=mode))


def small(seed: int = 7, mode: str = "anonymous"):
    return org_for(seed=seed, employees=150, months=8, mode=mode)


# -- determinism and shape ------------------------------------------------------------------------


def test_same_seed_gives_identical_frames_and_truth():
    a = generate(SynthConfig(seed=11, employees=120, months=6))
    b = generate(SynthConfig(seed=11, employees=120, months=6))
    for name in [*COLUMNS, "person_waves", "exits", "team_risk"]:
        pd.testing.assert_frame_equal(getattr(a, name), getattr(b, name), check_exact=True)
    assert json.dumps(a.truth, sort_keys=True) == json.dumps(b.truth, sort_keys=True)
    c = generate(SynthConfig(seed=12, employees=120, months=6))
    assert not a.employees.equals(c.employees)
    assert set(a.responses["id"]).isdisjoint(c.responses["id"])


def test_frames_have_exactly_the_orm_columns():
    org = small()
    tables = {
        "sites": schema.Site,
        "teams": schema.Team,
        "employees": schema.Employee,
        "kpis": schema.TeamKpi,
        "waves": schema.Wave,
        "invitations": schema.Invitation,
        "responses": schema.Response,
        "answers": schema.Answer,
        "comments": schema.Comment,
        "team_actions": schema.TeamAction,
    }
    for name, model in tables.items():
        orm_columns = [c.name for c in model.__table__.columns]
        frame_columns = list(getattr(org, name).columns)
        if name == "waves":  # the instrument key stands in for instrument_id; the salt is a secret
            orm_columns = [c for c in orm_columns if c not in ("instrument_id", "token_salt", "key_id")] + [
                "instrument"
            ]
        if name == "responses":  # the site of exit answers is set when stored (write.py generalises them)
            orm_columns = [c for c in orm_columns if c != "site_id"]
        assert sorted(frame_columns) == sorted(orm_columns), name
        assert len(getattr(org, name)) > 0, name
    assert org.employees["id"].is_unique and org.employees["hr_id"].is_unique
    assert org.responses["id"].is_unique and org.comments["id"].is_unique
    assert org.answers.duplicated(["response_id", "item_id"]).sum() == 0
    assert org.kpis.duplicated(["team_id", "month"]).sum() == 0
    assert org.waves["name"].is_unique and org.teams["name"].is_unique


def test_teams_and_sites_follow_the_config():
    config = SynthConfig(seed=5, employees=400, months=4, sites=2)
    org = generate(config)
    positions = org.team_risk.groupby("team_id")["headcount"].max()
    assert positions.max() <= config.team_size_max
    assert set(org.teams["site_id"]) == {1, 2}
    assert set(org.teams["lead_style"]) <= {"servant", "neutral", "taylorist"}
    assert org.employees["team_id"].isin(org.teams["id"]).all()
    # the site of an employee is the site of their team
    site_of_team = org.teams.set_index("id")["site_id"]
    assert (org.employees["site_id"].to_numpy() == site_of_team.loc[org.employees["team_id"]].to_numpy()).all()


def test_small_and_edge_configs_work():
    org = generate(SynthConfig(seed=3, employees=20, months=3))
    assert len(org.employees) >= 20 and len(org.teams) == 2
    with pytest.raises(ConfigError, match="mode"):
        SynthConfig(mode="open")
    with pytest.raises(ConfigError, match="employees"):
        SynthConfig(employees=3)
    with pytest.raises(ConfigError, match="hazard_betas"):
        SynthConfig(hazard_betas={"salary": 0.3})


def test_dates_never_depend_on_today():
    org = small()
    end = pd.Timestamp(org.config.end_date)
    assert org.employees["hire_date"].max() <= end
    assert org.employees["exit_date"].dropna().max() <= end
    assert org.responses["submitted_on"].max() <= end
    assert org.kpis["month"].max() == end.to_period("M").to_timestamp()


# -- anonymity of the generated responses ---------------------------------------------------------


def test_no_response_row_references_an_employee():
    org = small()
    responses = org.responses
    assert not {"employee_id", "hr_id", "token", "token_hash"} & set(responses.columns)
    assert responses["pseudonym"].isna().all()  # anonymous mode
    assert responses["id"].str.fullmatch(r"[0-9a-f]{32}").all()
    hr_ids = set(org.employees["hr_id"])
    for column in responses.columns:
        assert not responses[column].isin(hr_ids).any(), column
    # rows are ordered by the random id within a wave, not by who answered
    for _, group in responses.groupby("wave_id"):
        assert group["id"].is_monotonic_increasing
    # dates only, inside their wave's window
    waves = org.waves.set_index("id")
    pulse = responses[responses["wave_id"].isin(waves.index[waves["kind"] == "pulse"])]
    opens = waves.loc[pulse["wave_id"], "opens_on"].to_numpy()
    closes = waves.loc[pulse["wave_id"], "closes_on"].to_numpy()
    assert (pulse["submitted_on"].to_numpy() >= opens).all() and (pulse["submitted_on"].to_numpy() <= closes).all()
    assert (responses["submitted_on"] == responses["submitted_on"].dt.normalize()).all()


def test_confidential_mode_only_adds_keyed_pseudonyms():
    anonymous, confidential = small(mode="anonymous"), small(mode="confidential")
    for name in ("employees", "answers", "comments", "kpis", "waves"):
        pd.testing.assert_frame_equal(getattr(anonymous, name), getattr(confidential, name))
    pd.testing.assert_frame_equal(
        anonymous.responses.drop(columns="pseudonym"), confidential.responses.drop(columns="pseudonym")
    )
    kinds = confidential.waves.set_index("id")["kind"]
    kind = kinds.loc[confidential.responses["wave_id"]].to_numpy()
    pseudonyms = confidential.responses["pseudonym"]
    assert pseudonyms[kind != "followup"].notna().all()
    assert pseudonyms[kind == "followup"].isna().all()  # the follow-up link is always anonymous
    key = confidential.config.pseudonym_key.encode()
    expected = {hmac.new(key, h.encode(), hashlib.sha256).hexdigest() for h in confidential.employees["hr_id"]}
    assert set(pseudonyms.dropna()) <= expected
    assert not pseudonyms.isin(set(confidential.employees["hr_id"])).any()


# -- answers and instruments ------------------------------------------------------------------------


def test_answers_are_valid_items_in_range_with_reverse_keying():
    org = org_for(1)
    pulse = load_instrument("pulse")
    waves = org.waves.set_index("id")
    pulse_ids = org.responses.loc[org.responses["wave_id"].map(waves["kind"]) == "pulse", "id"]
    answers = org.answers[org.answers["response_id"].isin(pulse_ids)]
    assert set(answers["item_id"]) == {item.id for item in pulse.items}
    bounds = pd.DataFrame([(i.id, i.min, i.max) for i in pulse.items], columns=["item_id", "lo", "hi"])
    checked = answers.merge(bounds, on="item_id")
    assert ((checked["value"] >= checked["lo"]) & (checked["value"] <= checked["hi"])).all()
    assert (checked["value"] == checked["value"].round()).all()
    assert set(answers.loc[answers["item_id"] == "enps_1", "value"]) <= set(range(11))
    assert answers.loc[answers["item_id"].str.startswith("wellbeing_"), "value"].min() == 0
    wide = answers.pivot(index="response_id", columns="item_id", values="value")
    for scale in pulse.scales:
        forward = [i.id for i in scale.items if not i.reverse]
        for item in (i for i in scale.items if i.reverse):
            # stored as ticked: a reverse-keyed item runs against the scale's forward items
            assert wide[item.id].corr(wide[forward[0]]) < -0.3, item.id


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS[:2])
def test_every_pulse_scale_has_alpha_of_at_least_070(seed):
    org = org_for(seed)
    pulse = load_instrument("pulse")
    waves = org.waves.set_index("id")
    pulse_ids = org.responses.loc[org.responses["wave_id"].map(waves["kind"]) == "pulse", "id"]
    wide = org.answers[org.answers["response_id"].isin(pulse_ids)].pivot(
        index="response_id", columns="item_id", values="value"
    )
    alphas = {}
    for scale, items in pulse.scale_items(min_items=2).items():
        keyed = pd.DataFrame({i: pulse.item(i).keyed(wide[i]) for i in items})
        alphas[scale] = cronbach_alpha(keyed).alpha
    assert set(alphas) == set(SCALES) - {"enps"}
    assert min(alphas.values()) >= 0.70, alphas
    assert max(alphas.values()) <= 0.95, alphas  # not a tautology of copies


def test_exit_and_followup_answers_use_their_instruments():
    org = org_for(1)
    waves = org.waves.set_index("id")
    kind = org.responses["wave_id"].map(waves["kind"])
    for name in ("exit", "followup"):
        instrument = load_instrument(name)
        ids = org.responses.loc[kind == name, "id"]
        assert len(ids) > 10
        items = set(org.answers.loc[org.answers["response_id"].isin(ids), "item_id"])
        assert items == {i.id for i in instrument.items}
        reasons = org.responses.loc[kind == name, "reason"]
        assert reasons.notna().all() and reasons.isin(REASONS).all()
    assert org.responses.loc[kind == "pulse", "reason"].isna().all()


def test_comments_follow_language_and_questions():
    org = org_for(1)
    merged = org.comments.merge(org.responses[["id", "language", "wave_id"]], left_on="response_id", right_on="id")
    kind = merged["wave_id"].map(org.waves.set_index("id")["kind"])
    assert set(merged.loc[kind == "pulse", "question"]) == {"stop", "start"}
    assert set(merged.loc[kind != "pulse", "question"]) == {"comment"}
    banks = [text.STOP, text.START, text.EXIT]
    dutch = {nl for bank in banks for pairs in bank.values() for nl, _ in pairs}
    english = {en for bank in banks for pairs in bank.values() for _, en in pairs}
    assert merged.loc[merged["language"] == "nl", "text"].isin(dutch).all()
    assert merged.loc[merged["language"] == "en", "text"].isin(english).all()
    assert merged["text"].str.len().between(5, 200).all()
    # exit comments speak to the reason ticked, or (leaking) to the true reason
    by_text = {t: code for code, pairs in text.EXIT.items() for pair in pairs for t in pair}
    exit_comments = merged[kind == "exit"].merge(org.responses[["id", "reason"]], left_on="response_id", right_on="id")
    themes = exit_comments["text"].map(by_text)
    assert themes.notna().all()
    assert 0.5 < (themes == exit_comments["reason"]).mean() < 1.0


# -- marginals against the published ranges -------------------------------------------------------


def annual_rates(org) -> tuple[float, float]:
    emp = org.employees
    start = pd.Timestamp(org.config.window_start)
    months = pd.date_range(start, periods=org.config.months, freq="MS")
    headcount = np.mean(
        [((emp["hire_date"] <= m) & (emp["exit_date"].isna() | (emp["exit_date"] > m))).sum() for m in months]
    )
    years = org.config.months / 12
    in_window = emp["exit_date"] >= start
    vol = (in_window & (emp["exit_type"] == "voluntary")).sum() / headcount / years
    inv = (in_window & (emp["exit_type"] == "involuntary")).sum() / headcount / years
    return vol, inv


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_turnover_lands_in_the_published_ranges(seed):
    org = org_for(seed)
    vol, inv = annual_rates(org)
    assert 0.30 <= vol <= 0.45, vol
    assert 0.05 <= inv <= 0.08, inv
    emp = org.employees
    leavers = emp[(emp["exit_type"] == "voluntary") & (emp["exit_date"] >= pd.Timestamp(org.config.window_start))]
    tenure_days = (leavers["exit_date"] - leavers["hire_date"]).dt.days
    assert 0.05 <= (tenure_days <= 90).mean() <= 0.30  # a visible first-90-day share
    # risk highest between 3 and 12 months of tenure
    share_3_12 = ((tenure_days > 91) & (tenure_days <= 365)).mean()
    share_12_21 = ((tenure_days > 365) & (tenure_days <= 639)).mean()
    assert share_3_12 > share_12_21
    # headcount roughly stable: within 8 % of the positions every month
    heads = org.team_risk.groupby("month")["headcount"].sum()
    assert heads.between(0.90 * org.config.employees, 1.0 * org.config.employees).all()
    assert org.truth["figures"]["annual_voluntary_turnover"] == pytest.approx(vol)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_response_rates_and_exit_reasons(seed):
    org = org_for(seed)
    pw = org.person_waves
    rates = pw.groupby("wave_id")["responded"].mean()
    assert rates.between(0.55, 0.80).all(), rates.describe()
    # invitations are the denominators of the pulse responses
    pulse = org.invitations[org.invitations["wave_id"].isin(pw["wave_id"])]
    assert pulse["invited"].sum() == len(pw)
    counted = org.responses[org.responses["wave_id"].isin(pw["wave_id"])].groupby("wave_id").size()
    assert (counted == pw.groupby("wave_id")["responded"].sum()).all()

    # lower for the disengaged and about 15 % lower for people who later leave
    assert pw.loc[pw["engagement"] < -1, "responded"].mean() < pw.loc[pw["engagement"] > 1, "responded"].mean()
    emp = org.employees.set_index("id")
    opens = org.waves.set_index("id").loc[pw["wave_id"], "opens_on"].to_numpy()
    exits = emp.loc[pw["employee_id"]]
    later = (exits["exit_type"] == "voluntary").to_numpy() & (
        (exits["exit_date"].to_numpy() - opens) <= np.timedelta64(183, "D")
    )
    relative = pw.loc[later, "responded"].mean() / pw.loc[~later, "responded"].mean()
    assert 0.72 <= relative <= 0.95, relative

    exits = org.exits
    assert 0.50 <= exits["responded_exit"].mean() <= 0.70
    invited = exits[exits["followup_invited"]]
    assert 0.30 <= invited["responded_followup"].mean() <= 0.40
    stated = exits["stated_reason"].dropna()
    honest = exits["followup_reason"].dropna()
    assert stated.isin(SAFE_REASONS).mean() > 0.50
    assert honest.isin(SENSITIVE_REASONS).mean() > stated.isin(SENSITIVE_REASONS).mean() + 0.08
    assert exits["true_reason"].isin(SENSITIVE_REASONS).mean() > 0.25
    # the database holds exactly what the truth says was stated
    kinds = org.waves.set_index("id")["kind"]
    db_stated = org.responses.loc[org.responses["wave_id"].map(kinds) == "exit", "reason"]
    assert sorted(db_stated) == sorted(stated)


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS[:3])
def test_watermelon_teams_are_green_outside_red_inside(seed):
    org = org_for(seed)
    teams = org.teams
    share = (teams["lead_style"] == "taylorist").mean()
    assert abs(share - 1 / 6) < 0.03
    kpis = org.kpis.merge(teams[["id", "lead_style"]], left_on="team_id", right_on="id")
    melon = kpis["lead_style"] == "taylorist"
    w, o = kpis[melon].mean(numeric_only=True), kpis[~melon].mean(numeric_only=True)
    assert w["aht_s"] < o["aht_s"] - 20 and w["service_level"] > o["service_level"] + 2
    assert o["csat"] - 0.4 < w["csat"] < o["csat"]
    assert o["fcr"] - 10 < w["fcr"] < o["fcr"]
    assert w["repeat_rate"] > o["repeat_rate"]
    risk = org.team_risk.merge(teams[["id", "lead_style"]], left_on="team_id", right_on="id")
    rates = risk.groupby(risk["lead_style"] == "taylorist")[["voluntary_leavers", "headcount"]].sum()
    ratio = (rates.loc[True, "voluntary_leavers"] / rates.loc[True, "headcount"]) / (
        rates.loc[False, "voluntary_leavers"] / rates.loc[False, "headcount"]
    )
    assert ratio > 1.6, ratio  # much higher turnover


def test_kpis_stay_in_their_documented_ranges():
    kpis = org_for(1).kpis
    for column, (lo, hi) in RANGES.items():
        assert kpis[column].between(lo, hi).all(), column
        assert kpis[column].std() > 0, column
    assert kpis["aht_s"].between(280, 450).all() and kpis["service_level"].between(70, 92).all()
    assert kpis["absenteeism"].between(4, 12).all() and kpis["fcr"].between(60, 85).all()


@pytest.mark.slow
def test_latent_structure_has_team_component_and_literature_correlations():
    org = org_for(2)
    figures = org.truth["figures"]
    for construct in ("autonomy", "mandate", "workload", "leadership", "connection"):
        assert 0.12 <= figures["latent_icc"][construct] <= 0.30, (construct, figures["latent_icc"])
    corr = figures["correlation_with_leaving_12m"]
    for attitude in ("wellbeing", "mandate", "autonomy"):
        assert -0.32 <= corr[attitude] <= -0.12, (attitude, corr[attitude])
    assert corr["intent_stay"] < corr["engagement"]  # intent is the strongest single signal
    # eNPS detractors resign about three times as often as promoters
    pooled = [org_for(s).truth["figures"]["enps"] for s in SEEDS[:2]]
    ratio = np.mean([p["detractor_to_promoter_ratio"] for p in pooled])
    assert 2.0 <= ratio <= 4.5, ratio
    pw = org.person_waves
    team_mean = pw.groupby("team_id")["leadership"].mean()
    style = org.teams.set_index("id")["lead_style"]
    assert team_mean[style[style == "servant"].index].mean() > team_mean[style[style == "taylorist"].index].mean() + 0.5


# -- the truth is what the data were generated from ----------------------------------------------


@pytest.mark.slow
def test_hazard_truth_is_recovered_from_the_latents():
    """A discrete-time Poisson fit on the true latents over the six weeks after each wave
    returns the generator's betas (frailty selection attenuates them a little) and its ranking."""
    import statsmodels.api as sm

    org = generate(SynthConfig(seed=21, employees=4000))
    pw = org.person_waves
    emp = org.employees.set_index("id")
    opens = org.waves.set_index("id").loc[pw["wave_id"], "opens_on"].to_numpy()
    person = emp.loc[pw["employee_id"]]
    gap = (person["exit_date"].to_numpy() - opens) / np.timedelta64(1, "D")
    event = ((person["exit_type"] == "voluntary").to_numpy() & (gap < 42)).astype(float)
    keep = (opens + np.timedelta64(42, "D") <= np.datetime64(org.config.end_date)) & (pw["p_voluntary"].to_numpy() > 0)
    tenure = (opens - person["hire_date"].to_numpy()) / np.timedelta64(1, "D") / 30.4375
    band = pd.cut(pd.Series(tenure), [-1, 3, 6, 12, 24, 48, 1e9], labels=False)
    drivers = org.truth["hazard"]["drivers_ranked"]
    design = pd.concat(
        [pw[drivers].reset_index(drop=True), pd.get_dummies(band, prefix="t", drop_first=True).astype(float)], axis=1
    )
    fit = sm.GLM(event[keep], sm.add_constant(design[keep]), family=sm.families.Poisson()).fit()
    truth = org.truth["hazard"]["betas"]
    for driver in drivers:
        assert fit.params[driver] == pytest.approx(truth[driver], abs=max(0.1, 3 * fit.bse[driver])), driver
    assert [d for d in fit.params[drivers].abs().sort_values(ascending=False).index][:3] == org.truth["hazard"]["top3"]
    assert org.truth["hazard"]["top3"] == ["mandate", "wellbeing", "autonomy"]


def test_truth_json_round_trips_and_names_every_leaver(tmp_path):
    org = small()
    path = write_truth(org, tmp_path / "nested" / "truth.json")
    assert read_truth(path) == org.truth
    truth = read_truth(path)
    assert truth["seed"] == org.config.seed and truth["config"]["employees"] == 150
    assert set(truth["hazard"]["betas"]) >= {"wellbeing", "autonomy", "mandate", "workload"}
    assert len(truth["teams"]) == len(org.teams)
    rates = [t["true_annual_rate"] for t in truth["teams"]]
    assert all(r > 0 for r in rates) and sorted(t["risk_rank"] for t in truth["teams"]) == list(
        range(1, len(rates) + 1)
    )
    voluntary = org.employees[
        (org.employees["exit_type"] == "voluntary")
        & (org.employees["exit_date"] >= pd.Timestamp(org.config.window_start))
    ]
    assert sorted(r["employee_id"] for r in truth["leavers"]) == sorted(voluntary["id"])
    assert {r["true_reason"] for r in truth["leavers"]} <= set(REASONS)
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", truth["leavers"][0]["exit_date"])
    assert "NaN" not in path.read_text()


def test_team_actions_target_constructs_and_cycles():
    org = org_for(1)
    actions = org.team_actions
    pulse_names = set(org.waves.loc[org.waves["kind"] == "pulse", "name"])
    assert set(actions["cycle"]) <= pulse_names
    per_cycle = actions.groupby(["team_id", "cycle"]).size()
    assert per_cycle.between(1, 2).all() and len(per_cycle) >= len(org.teams) * (len(pulse_names) - 1)
    assert actions["stop_text"].notna().all() and actions["start_text"].notna().all()
    closed = actions[actions["status"] == "closed"]
    assert (closed["closed_on"] > closed["created_on"]).all()
    assert actions.loc[actions["status"] == "open", "closed_on"].isna().all()
    truth = org.truth["actions"]["items"]
    assert [t["action_id"] for t in truth] == actions["id"].tolist()
    assert 0.3 < np.mean([t["worked"] for t in truth]) < 0.7
