"""Reading the answers' scale scores in chunks, straight into columns, gives the door exactly the
figures of one plain fetch (issue 12: a million result rows never exist as row objects at once)."""

from __future__ import annotations

import pandas as pd
import pytest

from verloop.privacy import Door
from verloop.privacy import data as loaders


@pytest.fixture(scope="module")
def small_org(tmp_path_factory):
    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('columnar') / 'org.db'}")
    write(store, generate(SynthConfig(employees=120, months=6, seed=3)))
    yield store
    store.dispose()


def _plain(result, names):
    return pd.DataFrame(result.all(), columns=names)


def test_chunked_columns_equal_one_plain_fetch(small_org, monkeypatch):
    chunked = Door(small_org).scale_scores(by="team")
    monkeypatch.setattr(loaders, "_columns", _plain)
    plain = Door(small_org).scale_scores(by="team")
    assert len(chunked) and chunked["score"].notna().any()
    pd.testing.assert_frame_equal(chunked, plain)


def test_many_small_chunks_equal_one(small_org, monkeypatch):
    one = Door(small_org)._survey("pulse").scores
    monkeypatch.setattr(loaders, "FETCH_ROWS", 7)  # hundreds of partitions
    many = Door(small_org)._survey("pulse").scores
    pd.testing.assert_frame_equal(one, many)
