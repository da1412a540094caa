import json

import pytest

from verloop.cli import main
from verloop.models.cards import load_card, load_model
from verloop.models.data import load_org
from verloop.models.train import TrainOptions, train_models

QUICK = TrainOptions(n_boot=20, kinds=("logistic",), schemes=("team",))


@pytest.mark.slow
def test_train_from_the_database_writes_cards(store, synth_small, tmp_path, key_small, capsys, monkeypatch):
    from verloop.synth import write

    write(store, synth_small)
    # the CLI: team model only, JSON summary
    monkeypatch.delenv("VERLOOP_PSEUDONYM_KEY", raising=False)
    code = main(
        ["train", "--db", store.url, "--out", str(tmp_path / "cli"), "--only", "team", "--boot", "20", "--json"]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    cards = json.loads(out)["cards"]
    assert cards[0]["name"] == "team-risk" and len(cards[0]["sha256"]) == 64
    team = load_card("team-risk", tmp_path / "cli")
    assert team["data"]["min_group_size"] == 5 and team["data"]["teams_used"] > 10
    assert team["drivers"] and all("sentence_nl" in d for d in team["drivers"])
    assert "never for decisions about one person" in team["intended_use"].lower()
    assert set(load_model("team-risk", tmp_path / "cli")["models"]["poisson"]) == {3, 6}
    assert (tmp_path / "cli" / "team-risk" / "card.md").read_text(encoding="utf-8").startswith("# Model card")
    # the API: the individual models, confidential mode with the key
    org = load_org(store)
    assert org.survey_mode == "confidential" and len(org.pulse_waves) > 10
    (tmp_path / "api").mkdir()
    bench = {
        "seeds": "1-8",
        "exit_recall_bias": 0.3,
        "sizes": {
            "600": {
                "designs": {
                    "verdict_anonymous": {
                        "both_top_clear": "0/8",
                        "false_discoveries": "0/48",
                        "covered": "30/32",
                        "mandate_estimate_over_truth_median": 0.76,
                    },
                    "team": {"both_top_clear": "0/8", "false_discoveries": "3/48", "covered": "30/32"},
                }
            }
        },
    }
    (tmp_path / "api" / "drivers-benchmark-recall.json").write_text(json.dumps(bench), encoding="utf-8")
    # the drivers card without the key (the anonymous view; the Cox source is tested elsewhere)
    assert [f.name for f in train_models(org, tmp_path / "api", options=QUICK, which=("drivers",))] == ["drivers"]
    drivers = load_card("drivers", tmp_path / "api")
    report = drivers["report"]
    assert report["primary"] == "team" and report["rule"]["nl"].startswith("Beslisregel")
    assert {d["factor"] for d in report["drivers"]} >= {"mandate", "wellbeing"}
    measured = [m for m in drivers["metrics"] if "synthetic generator" in m["title"]]
    assert measured and measured[0]["rows"] == [
        {
            "positions": "600",
            "seeds": "1-8",
            "exit_recall_bias": 0.3,
            "design": "verdict_anonymous",
            "both_top_clear": "0/8",
            "false_discoveries": "0/48",
            "covered": "30/32",
            "estimate_over_truth": 0.76,
            "file": "drivers-benchmark-recall.json",
        }
    ]
    folders = train_models(org, tmp_path / "api", key=key_small, options=QUICK, which=("survival", "classifiers"))
    assert [f.name for f in folders] == ["individual-survival", "leave-within"]
    survival = load_card("individual-survival", tmp_path / "api")
    assert "own scores" in survival["summary"] and survival["measurement"]["linked_responses"] > 0
    leave = load_card("leave-within", tmp_path / "api")
    assert {r["horizon_months"] for r in leave["metrics"][0]["rows"]} == {6, 12}


def test_cli_train_refuses_bad_options(tmp_path, capsys):
    assert main(["train", "--only", "everything", "--out", str(tmp_path)]) == 1
    assert "Unknown model group 'everything'" in capsys.readouterr().err
    missing = tmp_path / "no-key.txt"
    assert main(["train", "--key-file", str(missing), "--out", str(tmp_path)]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_survival_features_are_team_means_not_identifiers():
    """The team's id once entered the Cox model as a number and made the demo's fit singular."""
    from verloop.models.train import team_mean_features

    columns = [
        "employee_id",
        "team_id",
        "team_n",
        "team_mandate",
        "team_wellbeing",
        "team_intent_stay",
        "team_enps",
        "part_time",
        "entry",
    ]
    assert team_mean_features(columns) == ["team_mandate", "team_wellbeing"]
