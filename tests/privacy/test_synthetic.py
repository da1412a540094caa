"""On a realistic synthetic contact centre: every door frame keeps the convention, and an HR user
combining every shown team, site and organisation figure of a wave solves no hidden team."""

from __future__ import annotations

import pytest

from tests.privacy.attacker import solvable_teams, structure
from verloop.privacy import Door, check_published

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('synth') / 'verloop.db'}")
    write(store, generate(SynthConfig(employees=120, months=4, seed=3)))
    yield store
    store.dispose()


def test_every_frame_keeps_the_published_convention(synthetic):
    door = Door(synthetic)
    frames = [
        door.scale_scores(by="team"),
        door.enps_by(by="site"),
        door.score_distribution(by="organisation"),
        door.response_rates(by="team"),
        door.comments(by="site"),
        door.reasons(kind="exit", by="organisation"),
        door.reasons(kind="followup", by="organisation"),
        door.turnover(by="team", freq="M"),
    ]
    for frame in frames:
        assert len(frame)
        check_published(frame)
    people = door.kpi_vs_people()
    assert len(people) == len(structure(synthetic)) and people["aht_s"].notna().all()


def test_no_hidden_team_can_be_solved_in_any_wave(synthetic):
    door = Door(synthetic)
    team_site = structure(synthetic)
    checked = 0
    for scale in ("engagement", "enps", "wellbeing"):
        levels = [door.scale_scores(by=by, scales=[scale]) for by in ("team", "site", "organisation")]
        for wave in levels[0]["wave"].unique():
            frames = [f[f["wave"] == wave] for f in levels]
            hidden = set(frames[0].loc[frames[0]["suppressed"], "team"])
            assert not hidden & set(solvable_teams(team_site, frames)), (scale, wave)
            checked += len(hidden)
    assert checked > 0, "the synthetic organisation has small teams to protect"


def test_scores_summed_in_the_database_equal_the_survey_scoring(synthetic):
    """The door sums scale scores in SQL for speed; they must be exactly helper-1's scores."""
    import numpy as np
    import pandas as pd
    from sqlalchemy import select

    from verloop.privacy.data import scale_scores_in_database
    from verloop.store.schema import Answer, Response, Wave
    from verloop.surveys.registry import registered_instrument
    from verloop.surveys.scoring import score_responses

    with synthetic.session() as s:
        for kind in ("pulse", "exit", "followup"):
            waves = s.execute(select(Wave.id, Wave.instrument_id).where(Wave.kind == kind)).all()
            instrument_id = waves[0][1]
            ids = [w for w, i in waves if i == instrument_id]
            instrument = registered_instrument(s, instrument_id)
            summed = scale_scores_in_database(s, instrument, instrument_id, ids).dropna()
            answers = pd.DataFrame(
                s.execute(
                    select(Answer.response_id, Answer.item_id, Answer.value)
                    .join(Response, Response.id == Answer.response_id)
                    .where(Response.wave_id.in_(ids))
                ).all(),
                columns=["response_id", "item_id", "value"],
            )
            expected = score_responses(answers, instrument).dropna()
            both = expected.merge(summed, on=["response_id", "scale"], how="outer", indicator=True)
            assert (both["_merge"] == "both").all(), kind
            assert np.allclose(both["score_x"], both["score_y"]), kind
