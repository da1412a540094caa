"""`verloop refresh`: the dashboards' figures computed from the command line, as the watcher
beside `verloop serve` computes them after a data change (issue 12)."""

from __future__ import annotations

import json

import pytest

from verloop.cli import main


@pytest.mark.slow
def test_refresh_fills_the_cache_a_new_page_kernel_reads(sqlite_store, tmp_path, monkeypatch, capsys):
    from verloop.apps.dashboard.cache import last_refresh
    from verloop.apps.dashboard.data import DashboardSource
    from verloop.apps.dashboard.pages import page_class
    from verloop.synth import SynthConfig, generate, write

    monkeypatch.setenv("VERLOOP_DASHBOARD_CACHE", str(tmp_path / "figures"))
    monkeypatch.setenv("VERLOOP_MODELS", str(tmp_path / "no-models"))
    write(sqlite_store, generate(SynthConfig(employees=80, months=6, seed=5, sites=1)))
    assert main(["refresh", "--db", sqlite_store.url, "--no-sites", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["views"] > 0 and not result["stale"]
    assert last_refresh(sqlite_store)["revision"] == result["revision"]
    fresh = DashboardSource.open(sqlite_store)  # a page kernel started after the refresh
    page_class("turnover")(source=fresh, lang="nl").build()
    assert fresh.figure_cache.hits["disk"] > 0
    assert [key for key, persisted in fresh.figure_cache.computed if persisted] == []

    assert main(["refresh", "--db", sqlite_store.url, "--no-sites"]) == 0  # text for a person
    assert f"data revision {result['revision']}:" in capsys.readouterr().out
