"""Triangulated drivers: the verdict rule on hand-made sources, and the report on a small
synthetic organisation (issue 11)."""

import json

import numpy as np
import pytest

from verloop.cli import main
from verloop.errors import InputError
from verloop.models.triangulate import (
    RULE,
    SourceEstimate,
    exit_scores,
    load_report,
    power_note,
    report_frame,
    report_text,
    triangulate,
    verdict,
)


def est(source, factor, ratio, low, high, powered=True, unit="SD"):
    mde = 0.8 if powered else 0.4  # smallest detectable ratio per SD (80 % power)
    return SourceEstimate(source, factor, ratio, low, high, unit, 100, powered, mde, ratio, low, high, "point")


def test_the_verdict_rule():
    rows = verdict(
        [
            est("team", "mandate", 0.6, 0.5, 0.7),
            est("exit", "mandate", 0.7, 0.6, 0.8),
            est("team", "voice", 0.9, 0.8, 0.95, powered=False),  # this factor weak, the organisation powered
            est("team", "growth", 0.8, 0.7, 0.9),
            est("exit", "growth", 1.3, 1.1, 1.5),  # contradicted
            est("team", "workload", 1.05, 0.9, 1.2),
            est("team", "leadership", 1.0, 0.9, 1.1),
            est("exit", "leadership", 0.5, 0.4, 0.6),  # exit alone
            est("followup", "mandate", 0.2, 0.1, 0.3, unit="share"),
        ],
        primary="team",
    )
    by = {d["factor"]: d for d in rows}
    assert by["mandate"]["verdict"] == "clear" and by["mandate"]["rank"] == 1 and rows[0]["factor"] == "mandate"
    assert by["voice"]["verdict"] == "clear" and by["voice"]["rank"] == 2
    assert by["growth"]["verdict"] == "sources_disagree"
    assert by["workload"]["verdict"] == "no_clear_effect" and by["workload"]["rank"] is None
    assert by["leadership"]["verdict"] == "no_clear_effect"  # the exit comparison never decides alone
    assert [s["source"] for s in by["mandate"]["sources"]] == ["team", "exit", "followup"]
    assert by["mandate"]["sources"][2]["clear"] is False  # a share of reasons is not a test
    small = verdict(
        [est("team", "mandate", 0.6, 0.5, 0.7, powered=False), est("team", "voice", 1.0, 0.8, 1.2, powered=False)],
        primary="team",
    )
    assert [d["verdict"] for d in small] == ["too_little_data"] * 2 and not any(d["clear"] for d in small)
    ok, note = power_note("team", [est("team", "mandate", 0.6, 0.5, 0.7, powered=False)], 53)
    assert not ok and "too small" in note["en"] and "te klein" in note["nl"]
    ok, note = power_note("team", [est("team", "mandate", 0.6, 0.5, 0.7)], 300)
    assert ok and "separate" in note["en"]


def test_the_multiplicity_step_of_the_rule():
    """Benjamini–Hochberg over the primary source's factors: a lone 95 % interval that excludes
    1 among ten tested factors is 'possible', not clear; strong effects stay clear."""
    from statsmodels.stats.multitest import multipletests

    from verloop.models.triangulate import fdr_adjust

    p = [0.0001, 0.004, 0.03, 0.2, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95]
    np.testing.assert_allclose(fdr_adjust(p), multipletests(p, method="fdr_bh")[1])
    factors = ["mandate", "wellbeing", "voice", "growth", "engagement", "connection", "leadership", "autonomy"]
    factors += ["workload", "metric_gaming"]
    rows = []
    for f, pv in zip(factors, p):
        e = est("team", f, 0.7 if pv < 0.05 else 0.95, 0.6 if pv < 0.05 else 0.8, 0.9 if pv < 0.05 else 1.1)
        e.p = pv
        rows.append(e)
    by = {d["factor"]: d for d in verdict(rows, primary="team")}
    assert by["mandate"]["verdict"] == "clear" and by["wellbeing"]["verdict"] == "clear"
    assert by["voice"]["verdict"] == "not_clear_among_factors" and not by["voice"]["clear"]
    assert by["voice"]["q"] == pytest.approx(0.1) and by["voice"]["rank"] is None
    assert by["growth"]["verdict"] == "no_clear_effect"


@pytest.fixture(scope="module")
def reports(org_small, key_small):
    return triangulate(org_small, n_boot=200), triangulate(org_small, key=key_small, n_boot=200)


def test_reports_on_a_small_organisation(reports, org_small):
    anon, conf = reports
    assert anon.primary == "team" and conf.primary == "cox"
    assert {"team", "exit", "followup"} <= set(anon.facts["sources"]) and "cox" in conf.facts["sources"]
    assert not anon.powered and "too small" in anon.power_note["en"]  # 400 positions: says so
    assert not any(d["clear"] for d in anon.drivers) and all(d["rank"] is None for d in anon.drivers)
    for d in conf.drivers:
        assert d["low"] <= d["ratio"] <= d["high"] and d["sources"]
        assert d["verdict"] in (
            "clear",
            "no_clear_effect",
            "not_clear_among_factors",
            "too_little_data",
            "sources_disagree",
        )
    data = json.loads(json.dumps(conf.to_dict(), allow_nan=False))
    assert {"factor", "ratio", "low", "high", "unit", "clear", "rank", "sources"} <= set(data["drivers"][0])
    assert data["rule"] == RULE
    assert len(exit_scores(org_small)) > 20


def test_report_table_and_text_in_both_languages(reports):
    anon, _ = reports
    en, nl = report_frame(anon.to_dict(), "en"), report_frame(anon.to_dict(), "nl")
    assert (
        "team level (pooled team means)" in en.columns and "teamniveau (gemiddelden over alle metingen)" in nl.columns
    )
    assert set(en["verdict"]) == {"too little data"} and set(nl["verdict"]) == {"te weinig gegevens"}
    assert "Verdict rule" in report_text(anon.to_dict(), "en") and "Beslisregel" in report_text(anon.to_dict(), "nl")
    with pytest.raises(InputError):
        report_frame(anon.to_dict(), "de")


def test_cli_drivers_prints_the_card(reports, tmp_path, capsys):
    from verloop.models.cards import write_card

    _, conf = reports
    assert load_report(tmp_path) is None
    write_card(tmp_path, "drivers", {"report": conf.to_dict()}, {"title": "t", "report": conf.to_dict()})
    assert main(["drivers", "--models", str(tmp_path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [d["factor"] for d in data["drivers"]] == [d["factor"] for d in conf.drivers]
    clear = [d for d in data["drivers"] if d["clear"]]
    assert [d["rank"] for d in clear] == list(range(1, len(clear) + 1))
    assert main(["drivers", "--models", str(tmp_path), "--lang", "nl"]) == 0
    assert "Beslisregel" in capsys.readouterr().out
    assert main(["drivers", "--models", str(tmp_path), "--lang", "fr"]) == 1
    assert "--lang" in capsys.readouterr().err


def test_primary_source_and_the_anonymous_view(reports):
    from verloop.models.triangulate import choose_primary

    _, conf = reports
    anon_view = conf.without("cox")
    assert anon_view.primary == "team" and "cox" not in anon_view.facts["sources"]
    assert choose_primary([est("team", "mandate", 0.6, 0.5, 0.7), est("cox", "mandate", 0.6, 0.5, 0.7)]) == "team"
    assert (
        choose_primary([est("team", "mandate", 0.6, 0.5, 0.7, powered=False), est("cox", "mandate", 0.6, 0.5, 0.7)])
        == "cox"
    )
    assert choose_primary([est("team", "mandate", 0.6, 0.5, 0.7, powered=False)]) == "team"
