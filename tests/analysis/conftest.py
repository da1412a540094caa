"""Synthetic organisations shared by the analysis tests (generated once per session)."""

from __future__ import annotations

import warnings

import pytest

SMALL = dict(employees=300, months=18, seed=3)


@pytest.fixture(scope="session")
def small_synth():
    """A small synthetic contact centre (about 460 HR records, 140 voluntary leavers) with truth."""
    from verloop.synth import SynthConfig, generate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return generate(SynthConfig(**SMALL))


@pytest.fixture(scope="session")
def small_org(small_synth):
    """The small organisation as the models' ``OrgData``, held in memory (no database)."""
    from verloop.models.data import from_frames

    return from_frames(small_synth.frames(), settings={"survey_mode": "anonymous", "min_group_size": 5})
