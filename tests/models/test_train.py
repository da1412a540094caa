import json

import pytest

from verloop.cli import main
from verloop.models.cards import load_card, load_model
from verloop.models.data import load_org
from verloop.models.train import TrainOptions, train_models

QUICK = TrainOptions(n_boot=20, kinds=("logistic",), schemes=("team",))


@pytest.mark.slow
def test_train_from_the_database_writes_cards(store, synth_small, tmp_path, key_small, capsys,
                                              monkeypatch):
    from verloop.synth import write

    write(store, synth_small)
    # the CLI: team model only, JSON summary
    monkeypatch.delenv("VERLOOP_PSEUDONYM_KEY", raising=False)
    code = main(["train", "--db", store.url, "--out", str(tmp_path / "cli"), "--only", "team",
                 "--boot", "20", "--json"])
    out = capsys.readouterr().out
    assert code == 0, out
    cards = json.loads(out)["cards"]
    assert cards[0]["name"] == "team-risk" and len(cards[0]["sha256"]) == 64
    team = load_card("team-risk", tmp_path / "cli")
    assert team["data"]["min_group_size"] == 5 and team["data"]["teams_used"] > 10
    assert team["drivers"] and all("sentence_nl" in d for d in team["drivers"])
    assert "never for decisions about one person" in team["intended_use"].lower()
    assert set(load_model("team-risk", tmp_path / "cli")["models"]["poisson"]) == {3, 6}
    assert (tmp_path / "cli" / "team-risk" / "card.md").read_text(encoding="utf-8").startswith(
        "# Model card")
    # the API: the individual models, confidential mode with the key
    org = load_org(store)
    assert org.survey_mode == "confidential" and len(org.pulse_waves) > 10
    folders = train_models(org, tmp_path / "api", key=key_small, options=QUICK,
                           which=("survival", "classifiers"))
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
