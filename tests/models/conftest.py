"""A small synthetic organisation (confidential mode, 400 positions) shared by the model tests."""

from __future__ import annotations

import warnings

import pytest

from verloop.models.data import from_frames

KEY_FIELD = "pseudonym_key"


@pytest.fixture(scope="session")
def synth_small():
    generate = pytest.importorskip("verloop.synth.generate", reason="synthetic generator missing")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return generate.generate(employees=400, seed=11, mode="confidential")


@pytest.fixture(scope="session")
def org_small(synth_small):
    return from_frames(synth_small.frames(), settings={"survey_mode": "confidential", "min_group_size": 5})


@pytest.fixture(scope="session")
def key_small(synth_small) -> str:
    return synth_small.config.pseudonym_key


@pytest.fixture(scope="session")
def panel_small(org_small):
    from verloop.models.features import team_panel

    return team_panel(org_small, horizons=(3, 6, 12))
