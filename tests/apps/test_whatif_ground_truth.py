"""The dashboard's what-if against the generator's truth (issue 11, target 4) — the path HR uses:
a `verloop demo`-like organisation written to a database, the team model `verloop train` writes,
and ``modelcards.whatif`` starting each team from the running mean of its *published* wave means
(never per-person answers), with the page on top.

Truth, as in bench/drivers.py: the teams' expected voluntary leavers per year
(``truth.teams[].expected_voluntary_leavers_per_year``) and, for mandate +1 point, the leavers
avoided Σ expected × (1 − exp(β/λ)), β the log hazard ratio per latent SD and λ the points per
latent SD of the observed score.

Fast (seed 1, 600 positions): the interval of leavers avoided covers the truth, the baseline is
within ±15 % of the truth's expected leavers for this one organisation
(``ONE_ORGANISATION_TOLERANCE``; ±10 % is the target over eight, checked slow), the model is the drivers
card's pooled team model, the page says which state it starts from and warns when +1 point takes
teams outside the team scores the model has seen. Slow: seeds 1–8.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

drivers_bench = pytest.importorskip("bench.drivers", reason="bench/drivers.py is part of the checkout")

BASELINE_TOLERANCE = 0.10  # the target, over seeds 1–8 (slow test: ≥ 7 of 8, measured 7)
ONE_ORGANISATION_TOLERANCE = 0.15
"""One organisation's realised leaving differs from the generator's expected by Poisson noise
(≈ ±5 % SD at 600 positions) and the model can only learn what was realised: seed 1 realised
194.5 voluntary leavers a year against 216.8 expected (−10.3 %), and the baseline, dashboard and
model path alike, is 0.88 of the truth. Measured 2026-12-02, seeds 1–8, dashboard path:
baseline / truth 0.883, 0.966, 1.000, 1.023, 0.958, 1.052, 1.058, 0.988 (7 of 8 within ±10 %);
the interval of leavers avoided covers the truth in 8 of 8 (it is wide: 53 teams)."""


def dashboard_what_if(seed: int, tmp: Path, positions: int = 600, drivers_card: bool = False) -> dict:
    """One organisation through the user's path: generate, write, train, open the dashboard's
    source, ask its what-if for mandate +1 point (everyone, 12 months)."""
    from verloop.apps.dashboard import modelcards
    from verloop.apps.dashboard.data import DashboardSource
    from verloop.apps.dashboard.filters import Filters
    from verloop.models.data import from_frames, load_org
    from verloop.models.train import TrainOptions, train_models
    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        synth = generate(SynthConfig(employees=positions, seed=seed, mode="confidential"))
    store = Store.open(f"sqlite:///{tmp / f'demo{seed}.db'}")
    write(store, synth)
    models = tmp / f"models{seed}"
    which = ("team", "drivers") if drivers_card else ("team",)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        train_models(load_org(store), models, options=TrainOptions(n_boot=20), which=which)
    previous = os.environ.get("VERLOOP_MODELS")
    os.environ["VERLOOP_MODELS"] = str(models)
    try:
        source = DashboardSource.open(store)
        asked = modelcards.whatif(source, Filters(lang="en"), {"mandate": 1.0})
        model, _ = modelcards.team_model(source)
        state = modelcards.running_state(source)
    finally:
        if previous is None:
            os.environ.pop("VERLOOP_MODELS", None)
        else:
            os.environ["VERLOOP_MODELS"] = previous
    truth = synth.truth
    org = from_frames(synth.frames(), settings={"survey_mode": "confidential"})
    lam = drivers_bench.points_per_sd(org, synth)
    per_point = truth["hazard"]["betas"]["mandate"] / lam["mandate"]
    expected = pd.DataFrame(truth["teams"])["expected_voluntary_leavers_per_year"].to_numpy(dtype=float)
    result = asked["result"]
    return {
        "store": store,
        "models": models,
        "source": source,
        "model": model,
        "state": state,
        "asked": asked,
        "result": result,
        "truth_baseline": float(expected.sum()),
        "truth_avoided": float(np.sum(expected * (1 - np.exp(per_point)))),
        "org": org,
    }


@pytest.fixture(scope="module")
def seed_1(tmp_path_factory):
    run = dashboard_what_if(1, tmp_path_factory.mktemp("whatif-truth"), drivers_card=True)
    yield run
    run["store"].dispose()


def test_dashboard_what_if_covers_the_truth_from_published_running_means(seed_1):
    result = seed_1["result"]
    lo, hi = result.avoided_interval
    assert lo <= seed_1["truth_avoided"] <= hi, (lo, seed_1["truth_avoided"], hi)
    ratio = result.baseline_leavers / seed_1["truth_baseline"]
    assert abs(ratio - 1) <= ONE_ORGANISATION_TOLERANCE, ratio
    # every team the model knows starts from a published running mean over several waves
    state = seed_1["state"]
    usable = state.dropna(subset=list(seed_1["model"].features_))
    assert result.teams == len(usable) == int((~state["hidden"]).sum())
    assert usable["waves"].min() >= 2 and "running mean" in result.assumptions[0]


def test_running_means_are_the_model_frame_pooled_from_published_means_only(seed_1):
    """The dashboard's starting point is the pooled team frame the model was fitted on, up to
    the waves the door hid beyond the minimum group size (trend, complement)."""
    from verloop.models.team import pooled_team_frame
    from verloop.models.whatif import what_if

    org = seed_1["org"]
    pooled = pooled_team_frame(org).set_index("team_id")
    state = seed_1["state"].set_index("team_id")
    gap = (state["mandate"] - pooled["mandate"]).dropna().abs()
    assert len(gap) == len(pooled) and gap.median() < 0.05
    assert (state["waves"].reindex(pooled.index) <= pooled["waves"]).all()  # never more than the model saw
    model_path = what_if(seed_1["model"], pooled.reset_index(), {"mandate": 1.0})
    assert seed_1["result"].baseline_leavers == pytest.approx(model_path.baseline_leavers, rel=0.03)
    assert seed_1["result"].headcount == model_path.headcount


def test_dashboard_model_is_the_drivers_cards_pooled_team_model(seed_1):
    from verloop.models.cards import load_card

    model = seed_1["model"]
    report = load_card("drivers", seed_1["models"])["report"]
    table = model.summary
    for d in report["drivers"]:
        team = next(s for s in d["sources"] if s["source"] == "team")
        assert team["ratio"] == pytest.approx(table.loc[d["factor"], "exp(coef*sd)"], rel=1e-9)
    assert report["facts"]["teams"] == model.n_teams_ and report["facts"]["bootstrap"] == len(model.boot_coef_)


def test_page_names_its_starting_point_and_warns_outside_the_observed_range(seed_1):
    from verloop.apps.dashboard.pages import page_class

    from .test_dashboard_pages import page_text, with_class

    os.environ["VERLOOP_MODELS"] = str(seed_1["models"])
    try:
        page = page_class("whatif")(source=seed_1["source"], lang="en")
        page.build()
        state = page_text(with_class(page.result_box, "verloop-whatif-state")[0])
        usable = seed_1["state"].dropna(subset=list(seed_1["model"].features_))
        assert "running mean of its published results" in state and f"for {len(usable)} teams" in state
        assert not with_class(page.result_box, "verloop-whatif-warning")  # no change, nothing to warn
        page.sliders["mandate"].value = 1.0
        warning = page_text(with_class(page.result_box, "verloop-whatif-warning")[0])
        assert "outside the team scores seen so far" in warning
        page.filterbar.set(lang="nl")
        assert "lopende gemiddelde" in page_text(with_class(page.result_box, "verloop-whatif-state")[0])
        assert "buiten de tot nu toe geziene teamscores" in page_text(
            with_class(page.result_box, "verloop-whatif-warning")[0]
        )
    finally:
        os.environ.pop("VERLOOP_MODELS", None)
    lo, hi = seed_1["model"].feature_range_["mandate"]
    moved = seed_1["state"]["mandate"].dropna() + 1
    assert (moved > hi).any()  # the warning is about real teams leaving the range


@pytest.mark.slow
def test_dashboard_what_if_over_eight_organisations_of_600(tmp_path):
    runs = [dashboard_what_if(seed, tmp_path) for seed in range(1, 9)]
    covers = [r["result"].avoided_interval[0] <= r["truth_avoided"] <= r["result"].avoided_interval[1] for r in runs]
    within = [abs(r["result"].baseline_leavers / r["truth_baseline"] - 1) <= BASELINE_TOLERANCE for r in runs]
    for r in runs:
        r["store"].dispose()
    assert sum(covers) >= 7, covers  # measured 8 of 8
    assert sum(within) >= 7, within  # measured 7 of 8


def test_cli_drivers_json_is_what_the_drivers_page_shows(seed_1, capsys):
    """`verloop drivers --json` and the drivers page read the same card: same factors in the
    same order, same verdicts, ratios, intervals, `clear` and rank; the verdict comes first per
    factor and every source follows it."""
    import html
    import json

    from verloop.apps.dashboard.pages import page_class
    from verloop.cli import main

    from .test_dashboard_pages import csv_downloads, page_text, with_class

    assert main(["drivers", "--models", str(seed_1["models"]), "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)
    os.environ["VERLOOP_MODELS"] = str(seed_1["models"])
    try:
        page = page_class("drivers")(source=seed_1["source"], lang="en")
        root = page.build()
        shown = csv_downloads(root)["drivers.csv"]
    finally:
        os.environ.pop("VERLOOP_MODELS", None)
    rows = printed["drivers"]
    assert [d["factor"] for d in rows] == list(shown["factor"])
    for d, (_, s) in zip(rows, shown.iterrows()):
        assert list(d)[:1] == ["factor"] and {"ratio", "low", "high", "unit", "clear", "rank", "sources"} <= set(d)
        assert d["verdict"] == s["verdict"] and bool(d["clear"]) == bool(s["clear"])
        assert (d["rank"] is None and pd.isna(s["rank"])) or d["rank"] == s["rank"]
        assert (d["ratio"], d["low"], d["high"]) == pytest.approx((s["effect"], s["lower"], s["upper"]), rel=1e-9)
        assert d["unit"] == s["unit"] == "SD"
        for source in d["sources"]:
            assert source["ratio"] == pytest.approx(s[f"{source['source']}_estimate"], rel=1e-9)
    text = html.unescape(page_text(root))
    assert printed["power_note"]["en"] in text
    sources = page_text(with_class(root, "verloop-driver-sources")[0])
    assert "Ratio per SD (95 % interval)" in sources and "per_sd" not in sources  # headers for readers
