"""The cache of published frames shared by dashboard kernels: hits, invalidation, privacy."""

from __future__ import annotations

import datetime as dt
import os
import stat

import pandas as pd

from verloop.apps.dashboard.cache import FigureCache
from verloop.store import data_revision
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
    with sqlite_store.session() as s:  # a new team: the data revision moves
        site = Site(name="Zwolle")
        s.add(site)
        s.flush()
        s.add(Team(name="Zwolle 01", site_id=site.id))
    after = cache.stamp()
    with sqlite_store.session() as s:
        assert data_revision(s) == after[0]
    assert after[0] > before[0] and after[1] == before[1] == dt.date.today().isoformat()
    assert cache.get(("x",), lambda: 2) == 2


def test_a_value_built_while_the_data_moved_is_not_kept(sqlite_store, tmp_path):
    cache = FigureCache(sqlite_store, folder=tmp_path / "cache")

    def build():  # a write lands while the figure is being computed
        with sqlite_store.session() as s:
            s.add(Site(name="Ede"))
        return "old"

    assert cache.get(("x",), build) == "old"
    assert not list((tmp_path / "cache").glob("*.pkl")) and not cache.memory
    assert cache.get(("x",), lambda: "new") == "new"


HEADER = "employee_id,team,site,role,contract_hours,hire_date,exit_date,exit_type,regretted"


def _employees_csv(path, first_exit_type: str):
    """Three teams of twelve; eight leavers in 2025, the first of whom leaves ``first_exit_type``."""
    lines = [HEADER]
    for i in range(36):
        team = f"Team {i % 3 + 1}"
        if i < 8:
            kind = first_exit_type if i == 0 else ("voluntary" if i % 2 else "involuntary")
            lines.append(f"E{i:03d},{team},Utrecht,agent,36,2022-01-0{i % 9 + 1},2025-0{i % 9 + 1}-15,{kind},")
        else:
            lines.append(f"E{i:03d},{team},Utrecht,agent,36,2022-01-0{i % 9 + 1},,,")
    path.write_text("\n".join(lines) + "\n")
    return path


def _voluntary(source) -> float:
    from verloop.apps.dashboard import figures
    from verloop.apps.dashboard.filters import Filters

    frame = figures.turnover_summary(source, Filters(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)))
    row = frame.iloc[0]
    assert row["group"] == "organisation" and not row["suppressed"]
    return float(row["voluntary"])


def test_a_corrected_exit_type_reaches_the_turnover_page(store, tmp_path, monkeypatch, capsys):
    """Issue 15: an import that updates an employee in place (same counts, same dates) changes
    the turnover page at once — in a kernel that already showed it and in a new one."""
    from verloop.apps.dashboard.data import DashboardSource
    from verloop.cli import main

    monkeypatch.setenv("VERLOOP_DASHBOARD_CACHE", str(tmp_path / "figures"))
    assert main(["import", "employees", str(_employees_csv(tmp_path / "a.csv", "voluntary")), "--db", store.url]) == 0
    kernel = DashboardSource.open(store)
    assert _voluntary(kernel) == 5.0
    assert _voluntary(DashboardSource.open(store)) == 5.0 and kernel.figure_cache.hits["computed"] >= 1
    with store.session() as s:
        before = data_revision(s)
    assert main(["import", "employees", str(_employees_csv(tmp_path / "b.csv", "involuntary")), "--db", store.url]) == 0
    assert "1 updated" in capsys.readouterr().out
    with store.session() as s:
        assert data_revision(s) > before
    assert _voluntary(kernel) == 4.0  # the kernel that showed 5 before
    assert _voluntary(DashboardSource.open(store)) == 4.0  # and the next one


def test_memory_only_entries_never_reach_the_disk(sqlite_store, tmp_path):
    cache = FigureCache(sqlite_store, folder=tmp_path / "cache")
    cache.get(
        ("comments", "exit"), lambda: pd.DataFrame({"text": ["my manager only looked at numbers"]}), persist=False
    )
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


def test_watch_refreshes_when_the_revision_moves(sqlite_store, monkeypatch):
    """The background job beside the servers: a refresh for the current revision, and again
    when the data moved while it ran."""
    from verloop.apps.dashboard import cache as module

    calls = []

    def fake_refresh(store, sites=True, progress=None, log=None):
        calls.append(module.current_stamp(store))
        if len(calls) == 1:  # an import lands while the first refresh runs
            with store.session() as s:
                s.add(Site(name="Ede"))
        stale = module.current_stamp(store) != calls[-1]
        return {"revision": calls[-1][0], "stale": stale, "views": 1, "seconds": 0.0, "pages": {}}

    monkeypatch.setattr(module, "refresh", fake_refresh)
    lines = []
    result = module.watch(sqlite_store, interval=0.01, settle=0.01, once=True, log=lines.append)
    assert len(calls) == 2 and calls[1][0] > calls[0][0] and result["revision"] == calls[1][0]
    assert "again" in lines[0] and module.watch_command("sqlite:///x.db")[-3:] == ["--db", "sqlite:///x.db", "--watch"]


def test_frames_pickled_by_other_code_are_not_served(sqlite_store, tmp_path, monkeypatch):
    """An upgrade of Verloop must not serve frames the old code computed for the same data."""
    from verloop.apps.dashboard import cache as cache_module

    FigureCache(sqlite_store, folder=tmp_path / "cache").get(("frame",), lambda: "old code")
    monkeypatch.setattr(cache_module, "code_version", lambda *parts: "another release")
    fresh = FigureCache(sqlite_store, folder=tmp_path / "cache")
    assert fresh.get(("frame",), lambda: "new code") == "new code"
    assert fresh.hits["computed"] == 1 and fresh.hits["disk"] == 0
