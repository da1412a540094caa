import json

import pytest

from verloop.errors import InputError
from verloop.models.cards import list_cards, load_card, load_model, write_card


def test_write_and_load_a_card(tmp_path):
    card = {
        "title": "Test",
        "summary": "s",
        "data": {"teams": 3},
        "metrics": [{"title": "m", "rows": [{"auc": 0.71234, "n": 5}]}],
        "drivers": [{"unit": "point", "sentence_en": "E.", "sentence_nl": "N."}],
        "limitations": ["small"],
        "versions": {"x": "1"},
    }
    folder = write_card(tmp_path, "toy-model", {"weights": [1, 2, 3]}, card)
    loaded = load_card("toy-model", tmp_path)
    assert loaded["name"] == "toy-model" and len(loaded["artefact"]["sha256"]) == 64
    assert "never for decisions about one person" in loaded["intended_use"].lower()
    assert load_model("toy-model", tmp_path) == {"weights": [1, 2, 3]}
    md = (folder / "card.md").read_text(encoding="utf-8")
    assert "# Model card: Test" in md and "| 0.712 | 5 |" in md and "- E." in md
    assert list_cards(tmp_path)[0]["name"] == "toy-model"
    assert json.loads((folder / "card.json").read_text())["data"]["teams"] == 3


def test_a_changed_artefact_is_not_loaded(tmp_path):
    write_card(tmp_path, "m1", [1], {"title": "t"})
    (tmp_path / "m1" / "model.joblib").write_bytes(b"tampered")
    with pytest.raises(InputError, match="does not match the hash"):
        load_model("m1", tmp_path)


def test_bad_names_and_missing_cards(tmp_path):
    with pytest.raises(InputError, match="not allowed"):
        write_card(tmp_path, "../escape", [1], {})
    with pytest.raises(InputError, match="No model card"):
        load_card("absent", tmp_path)
    assert list_cards(tmp_path / "nowhere") == []


def test_an_artefact_of_a_class_that_no_longer_exists_asks_for_retraining(tmp_path, monkeypatch):
    import sys
    import types

    module = types.ModuleType("verloop_renamed_model")
    exec("class TeamBoostModel:\n    pass\n", module.__dict__)
    module.TeamBoostModel.__module__ = "verloop_renamed_model"
    monkeypatch.setitem(sys.modules, "verloop_renamed_model", module)
    write_card(tmp_path, "old", {"model": module.TeamBoostModel()}, {"title": "t"})
    del module.TeamBoostModel  # renamed since training (as TeamBoostModel → team_boosting)
    with pytest.raises(InputError, match="retrain it with 'verloop train'"):
        load_model("old", tmp_path)
