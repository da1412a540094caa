"""The cache of published frames shared by dashboard kernels: hits, invalidation, privacy."""

from __future__ import annotations

import os
import stat

import pandas as pd

from verloop.apps.dashboard.cache import FigureCache
from verloop.store.schema import Site, Team


def test_a_second_kernel_reads_what_the_first_computed(sqlite_store, tmp_path):
    calls = []

    def build():
        calls.append(1)
        return pd.DataFrame({"group": ["A"], "score": [3.5], "n": pd.array([7], dtype="Int64")})

    first = FigureCache(sqlite_store, folder=tmp_path / "cache")
    frame = first.get(("scores", "team"), build)
    second = FigureCache(sqlite_store, folder=tmp_path / "cache")  # another kernel, same database
    again = second.get(("scores", "team"), build)
    assert len(calls) == 1 and second.hits["disk"] == 1
    pd.testing.assert_frame_equal(frame, again)
    assert second.get(("scores", "team"), build) is again and second.hits["memory"] == 1


def test_new_data_makes_new_keys(sqlite_store, tmp_path):
    cache = FigureCache(sqlite_store, folder=tmp_path / "cache")
    cache.get(("x",), lambda: 1)
    before = cache.stamp()
    with sqlite_store.session() as s:  # a new team: the door's fingerprint changes
        site = Site(name="Zwolle")
        s.add(site)
        s.flush()
        s.add(Team(name="Zwolle 01", site_id=site.id))
    from verloop.privacy.data import fingerprint

    cache._stamped_at = -1e9  # do not wait for the stamp to age
    after = cache.stamp()
    with sqlite_store.session() as s:
        assert repr(fingerprint(s)) == after[0]
    assert after != before
    assert cache.get(("x",), lambda: 2) == 2


def test_memory_only_entries_never_reach_the_disk(sqlite_store, tmp_path):
    cache = FigureCache(sqlite_store, folder=tmp_path / "cache")
    cache.get(("comments", "exit"), lambda: pd.DataFrame({"text": ["my manager only looked at numbers"]}), persist=False)
    assert not list((tmp_path / "cache").glob("*.pkl"))
    cache.get(("scores",), lambda: 1)
    assert len(list((tmp_path / "cache").glob("*.pkl"))) == 1


def test_a_folder_others_can_write_to_is_not_used(sqlite_store, tmp_path):
    folder = tmp_path / "shared" / "cache"
    folder.parent.mkdir()
    os.chmod(folder.parent, 0o777)
    cache = FigureCache(sqlite_store, folder=folder)
    assert cache.disk is False
    assert cache.get(("x",), lambda: 5) == 5
    assert not folder.exists() or not list(folder.glob("*.pkl"))
    private = FigureCache(sqlite_store, folder=tmp_path / "private" / "cache")
    assert private.disk and stat.S_IMODE((tmp_path / "private" / "cache").stat().st_mode) == 0o700
