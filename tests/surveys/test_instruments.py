"""Instrument files: content rules, versioning by content hash, and clear errors for broken files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from verloop.domain import constants
from verloop.errors import InputError
from verloop.surveys import Instrument, load_instrument, parse_instrument, surveys_dir
from verloop.surveys.instruments import available_instruments

PULSE_SCALES = list(constants.PULSE_SCALES)  # the instrument must keep the order the domain names
REASON_CODES = [
    "pay",
    "schedule",
    "workload",
    "team_lead",
    "no_mandate",
    "no_growth",
    "personal",
    "study",
    "health",
    "other",
]
PULSE_FILE = surveys_dir() / "pulse.yaml"


@pytest.fixture(scope="module")
def pulse() -> Instrument:
    return load_instrument("pulse")


def _write(tmp_path: Path, text: str, name: str = "pulse.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _broken(tmp_path: Path, old: str, new: str) -> Path:
    text = PULSE_FILE.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"fixture text not unique in pulse.yaml: {old!r}"
    return _write(tmp_path, text.replace(old, new))


def _error(path) -> InputError:
    with pytest.raises(InputError) as info:
        load_instrument(path)
    return info.value


# -- content ---------------------------------------------------------------------------------


def test_all_three_instruments_load():
    assert set(available_instruments()) >= {"pulse", "exit", "followup"}
    for key in ("pulse", "exit", "followup"):
        instrument = load_instrument(key)
        assert instrument.key == key
        assert all(instrument.title[lang] and instrument.privacy[lang] for lang in ("nl", "en"))


def test_pulse_has_the_contract_scales_and_item_ids(pulse):
    assert [s.key for s in pulse.scales] == PULSE_SCALES
    assert 28 <= len(pulse.items) <= 34
    for scale in pulse.scales:
        ids = [item.id for item in scale.items]
        assert ids == [f"{scale.key}_{n}" for n in range(1, len(ids) + 1)]
        if scale.key not in ("wellbeing", "enps"):
            assert 2 <= len(ids) <= 4, scale.key
            assert all((i.min, i.max) == (1, 5) for i in scale.items), scale.key
        assert scale.origin and scale.licence
    assert pulse.reasons == () and pulse.reason_question is None
    assert [(q.id, q.max_length) for q in pulse.open_questions] == [("stop", 2000), ("start", 2000)]


def test_wellbeing_is_who5_with_citation(pulse):
    who5 = pulse.scale("wellbeing")
    assert [i.id for i in who5.items] == [f"wellbeing_{n}" for n in range(1, 6)]
    assert all((i.min, i.max, i.reverse) == (0, 5, False) for i in who5.items)
    assert who5.scoring == "percent"
    assert "Topp" in who5.citation and "2015" in who5.citation and "1998" in who5.citation
    assert pulse.item("wellbeing_1").text.en == "I have felt cheerful and in good spirits"
    assert pulse.item("wellbeing_5").text.en == "My daily life has been filled with things that interest me"
    assert who5.stem.en == "Over the last two weeks"
    assert pulse.item("wellbeing_1").labels("en") == {
        0: "At no time",
        1: "Some of the time",
        2: "Less than half of the time",
        3: "More than half of the time",
        4: "Most of the time",
        5: "All of the time",
    }
    assert "change" in who5.notes.lower()  # changes to the translation are marked


def test_enps_is_one_item_from_0_to_10(pulse):
    enps = pulse.scale("enps")
    assert [(i.id, i.min, i.max) for i in enps.items] == [("enps_1", 0, 10)]
    assert pulse.item("enps_1").labels("nl") == {0: "Zeer onwaarschijnlijk", 10: "Zeer waarschijnlijk"}


def test_direction_and_reverse_keying_are_declared(pulse):
    assert not pulse.scale("workload").higher_is_better
    assert not pulse.scale("metric_gaming").higher_is_better
    assert sum(not s.higher_is_better for s in pulse.scales) == 2
    assert any(i.reverse for i in pulse.scale("workload").items)
    reversed_items = [i.id for i in pulse.items if i.reverse]
    assert 3 <= len(reversed_items) <= 10


def test_every_text_exists_in_both_languages(pulse):
    for instrument in (pulse, load_instrument("exit"), load_instrument("followup")):
        for item in instrument.items:
            assert item.text.nl.strip() and item.text.en.strip()
            assert item.text.nl != item.text.en
            assert len(item.anchors.nl) == len(item.anchors.en)
        for question in instrument.open_questions:
            assert question.text["nl"] and question.text["en"]


def test_restricted_instruments_are_not_claimed_as_source(pulse):
    restricted = re.compile(r"UWES|Utrecht|BAT\b|Burnout Assessment|WDQ|Work Design|Spreitzer|COPSOQ|Gallup|Q12|TIS-6")
    for instrument in (pulse, load_instrument("exit"), load_instrument("followup")):
        for scale in instrument.scales:
            assert not restricted.search(scale.origin + " " + (scale.citation or ""))
            if scale.key not in ("wellbeing", "enps"):
                assert scale.origin.startswith("own items"), scale.key


def test_exit_reuses_pulse_ids_in_past_tense(pulse):
    exit_ = load_instrument("exit")
    assert exit_.reason_codes == REASON_CODES
    assert all(r.label.nl and r.label.en for r in exit_.reasons)
    assert exit_.reason_question is not None
    assert [q.id for q in exit_.open_questions] == ["comment"]
    assert "intent_stay" not in [s.key for s in exit_.scales]
    for item in exit_.items:
        twin = pulse.item(item.id)
        assert (twin.scale, twin.reverse, twin.min, twin.max) == (item.scale, item.reverse, item.min, item.max)
        if item.scale == "wellbeing":
            assert item.text == twin.text  # WHO-5 stays verbatim
        else:
            assert item.text.en != twin.text.en and item.text.nl != twin.text.nl


def test_followup_asks_the_honest_reason():
    followup = load_instrument("followup")
    assert followup.reason_codes == REASON_CODES
    assert "really" in followup.reason_question.en
    assert [q.id for q in followup.open_questions] == ["comment"]
    assert 4 <= len(followup.items) <= 12


def test_convenience_accessors(pulse):
    assert pulse.item("mandate_2").scale == "mandate"
    with pytest.raises(KeyError):
        pulse.item("nope_1")
    assert pulse.scale_items()["mandate"] == ["mandate_1", "mandate_2", "mandate_3"]
    assert "enps" not in pulse.scale_items(min_items=2)
    item = pulse.item("workload_3")
    assert item.reverse and item.keyed(1) == 5 and item.keyed(5) == 1
    assert pulse.item("workload_1").keyed(4) == 4


# -- identity, versions, caching --------------------------------------------------------------


def test_content_hash_tracks_wording_not_formatting(tmp_path, pulse):
    text = PULSE_FILE.read_text(encoding="utf-8")
    same = load_instrument(_write(tmp_path, "# a new comment\n" + text + "\n\n"))
    assert same.content_hash == pulse.content_hash and same.version == pulse.version
    (tmp_path / "x").mkdir()
    changed_text = text.replace("Ik voel me opgejaagd tijdens mijn werk.", "Ik voel me vaak opgejaagd.")
    reworded = load_instrument(_write(tmp_path / "x", changed_text))
    assert reworded.content_hash != pulse.content_hash
    assert reworded.item("workload_2").text.nl == "Ik voel me vaak opgejaagd."
    assert len(pulse.content_hash) == 64 and pulse.version == pulse.content_hash[:12]


def test_definition_round_trips(pulse):
    again = Instrument.from_definition(pulse.definition_json)
    assert again == pulse and again.content_hash == pulse.content_hash


def test_load_is_cached_per_content(tmp_path, pulse):
    path = _write(tmp_path, PULSE_FILE.read_text(encoding="utf-8"))
    assert load_instrument(path) is load_instrument(path)
    path.write_text(
        path.read_text(encoding="utf-8").replace("Hoe gaat het op je werk?", "Hoe gaat het?"), encoding="utf-8"
    )
    changed = load_instrument(path)
    assert changed.title.nl == "Hoe gaat het?" and changed.content_hash != pulse.content_hash


def test_instruments_are_immutable(pulse):
    with pytest.raises(Exception):
        pulse.key = "other"  # type: ignore[misc]


# -- broken files ------------------------------------------------------------------------------


def test_missing_translation_names_file_item_field_and_line(tmp_path):
    old = "      nl: Als ik zie waar een terugkerend probleem vandaan komt, krijg ik de ruimte om het aan te pakken.\n"
    path = _broken(tmp_path, old, "")
    error = _error(path)
    assert "pulse.yaml: item 'mandate_2': field 'text.nl' is missing" in str(error)
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if text.strip() == "- id: mandate_2")
    assert f"(line {line})" in str(error)
    assert error.problems and all(str(path.name) in p for p in error.problems)


def test_duplicate_item_id(tmp_path):
    path = _broken(tmp_path, "  - id: growth_2\n", "  - id: growth_1\n")
    error = _error(path)
    assert "item 'growth_1': field 'id' is used twice" in str(error)
    assert "pulse.yaml" in str(error)


def test_min_not_below_max(tmp_path):
    path = _broken(
        tmp_path, "  - id: voice_3\n    scale: voice\n", "  - id: voice_3\n    scale: voice\n    min: 5\n    max: 5\n"
    )
    error = _error(path)
    assert "pulse.yaml: item 'voice_3': field 'max' (5) must be greater than field 'min' (5)" in str(error)


def test_unknown_scale(tmp_path):
    path = _broken(tmp_path, "  - id: voice_3\n    scale: voice\n", "  - id: voice_3\n    scale: vocie\n")
    error = _error(path)
    assert "item 'voice_3': field 'scale' names unknown scale 'vocie'" in str(error)


def test_bad_yaml_syntax_reports_line(tmp_path):
    text = PULSE_FILE.read_text(encoding="utf-8")
    lines = text.splitlines()
    target = next(n for n, text in enumerate(lines) if text.strip() == "- id: growth_2")
    lines[target + 1] = "    scale: [growth"  # unclosed flow sequence
    path = _write(tmp_path, "\n".join(lines) + "\n")
    error = _error(path)
    assert "pulse.yaml: YAML syntax error at line" in str(error)
    reported = int(re.search(r"line (\d+)", str(error)).group(1))
    assert target + 2 <= reported <= target + 4


def test_duplicate_yaml_key_is_not_silently_overwritten(tmp_path):
    path = _broken(
        tmp_path, "      en: I feel rushed while I work.\n", "      en: I feel rushed while I work.\n      en: Again.\n"
    )
    error = _error(path)
    assert "key 'en' appears twice" in str(error)


def test_unknown_field_is_reported(tmp_path):
    path = _broken(
        tmp_path, "  - id: voice_3\n    scale: voice\n", "  - id: voice_3\n    scale: voice\n    revers: true\n"
    )
    assert "item 'voice_3': field 'revers' is not a known field" in str(_error(path))


def test_anchor_count_must_fit_the_range(tmp_path):
    path = _broken(
        tmp_path,
        "      en: [Not at all likely, Extremely likely]",
        "      en: [Not at all likely, Maybe, Extremely likely]",
    )
    assert "response scale 'likely11': field 'anchors.en' has 3 labels" in str(_error(path))


def test_unknown_response_scale(tmp_path):
    path = _broken(tmp_path, "    response: likely11\n", "    response: likely12\n")
    assert "scale 'enps': field 'response' names unknown response scale 'likely12'" in str(_error(path))


def test_empty_text_and_bad_types(tmp_path):
    path = _broken(tmp_path, "      en: My ideas about the work are taken seriously.", "      en: '  '")
    assert "item 'voice_1': field 'text.en' is empty" in str(_error(path))
    path = _broken(
        tmp_path, "  - id: voice_3\n    scale: voice\n", "  - id: voice_3\n    scale: voice\n    reverse: maybe\n"
    )
    assert "item 'voice_3': field 'reverse' is invalid" in str(_error(path))


def test_item_id_must_follow_its_scale(tmp_path):
    path = _broken(tmp_path, "  - id: voice_3\n", "  - id: praise_3\n")
    assert "item 'praise_3': field 'id' must be 'voice_<number>'" in str(_error(path))


def test_several_problems_are_all_listed(tmp_path):
    text = PULSE_FILE.read_text(encoding="utf-8")
    text = text.replace("      en: I feel valued for what I do.\n", "").replace(
        "  - id: growth_2\n", "  - id: growth_1\n"
    )
    error = _error(_write(tmp_path, text))
    assert "more problem" in str(error)
    assert len(error.problems) >= 2


def test_missing_file_and_key_mismatch(tmp_path, monkeypatch):
    error = _error(tmp_path / "nope.yaml")
    assert "nope.yaml" in str(error) and "does not exist" in str(error)
    monkeypatch.setenv("VERLOOP_SURVEYS", str(tmp_path))
    (tmp_path / "pulse2.yaml").write_text(PULSE_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    assert "field 'key' is 'pulse' but the file was loaded as 'pulse2'" in str(_error("pulse2"))
    assert available_instruments() == ["pulse2"]


def test_not_a_mapping_and_parse_from_text():
    with pytest.raises(InputError, match="must be a YAML mapping"):
        parse_instrument("- just\n- a list\n", source="inline.yaml")
    instrument = parse_instrument(PULSE_FILE.read_text(encoding="utf-8"), source="inline.yaml")
    assert instrument.content_hash == load_instrument("pulse").content_hash
