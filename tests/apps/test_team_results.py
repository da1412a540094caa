"""Results back to employees: the team link (unguessable, per team and wave), the page's figures
(only what the privacy door publishes), and the CLI that prints the link."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from verloop.apps.team_results import (
    TeamResults,
    build_team_results,
    check_link,
    comparison_table,
    link_parameters,
    results_link,
    trend_table,
)
from verloop.cli import main
from verloop.errors import InputError
from verloop.store.schema import Site, Team, Wave


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """The synthetic organisation (closed pulse waves, teams above and under k), on SQLite; the
    door itself is tested on both backends in tests/privacy."""
    from verloop.store import Store
    from verloop.synth import SynthConfig, generate, write

    store = Store.open(f"sqlite:///{tmp_path_factory.mktemp('results') / 'demo.db'}")
    write(store, generate(SynthConfig(employees=200, months=12, seed=3, sites=2)))
    yield store
    store.dispose()


def latest_wave(store) -> str:
    with store.session() as s:
        return s.scalars(
            select(Wave.name).where(Wave.kind == "pulse", Wave.status == "closed").order_by(Wave.opens_on.desc())
        ).first()


def teams_by_visibility(store):
    """(a team whose latest figures are shown, a team whose figures are all hidden)."""
    from verloop.apps.dashboard import figures
    from verloop.apps.dashboard.data import DashboardSource

    source = DashboardSource.open(store)
    shown = hidden = None
    for team_id, name in zip(source.teams["team_id"], source.teams["team"]):
        frame = figures.team_vs_organisation(source, int(team_id), "en")
        rows = frame[(frame["group_kind"] == "team") & (frame["scale"] != "response_rate")]
        if len(rows) and not rows["suppressed"].any() and shown is None:
            shown = name
        if len(rows) and rows["suppressed"].all() and hidden is None:
            hidden = name
    assert shown and hidden, "the demo organisation should have a team shown and a team hidden"
    return shown, hidden


def query(link: str) -> str:
    return urlsplit(link).query


def test_link_is_per_team_and_wave_and_cannot_be_guessed(results):
    wave = latest_wave(results)
    shown, hidden = teams_by_visibility(results)
    link = results_link(results, wave, shown, "https://enquete.example.nl")
    other = results_link(results, wave, hidden)
    assert link.startswith("https://enquete.example.nl/voila/render/team_results.ipynb?wave=")
    params = link_parameters(query(link))
    assert set(params) == {"wave", "team", "key"} and len(params["key"]) == 26
    assert check_link(results, params)[1] == shown
    # another team's id with this key, a changed key, no key, junk: one and the same refusal
    swapped = dict(params, team=link_parameters(query(other))["team"])
    changed = dict(params, key=params["key"][:-1] + ("0" if params["key"][-1] != "0" else "1"))
    for bad in (
        swapped,
        changed,
        {k: v for k, v in params.items() if k != "key"},
        dict(params, team="x"),
        dict(params, wave="999"),
    ):
        with pytest.raises(InputError, match="team results link is not valid"):
            check_link(results, bad)


def test_page_shows_team_and_organisation_and_hides_a_small_team(results):
    wave = latest_wave(results)
    shown, hidden = teams_by_visibility(results)
    page = TeamResults(store=results, query_string=query(results_link(results, wave, shown)))
    text = page.body.value
    assert page.problem is None and f"Resultaten van {shown}" in text
    for table in ("verloop-results-latest", "verloop-results-team-trend", "verloop-results-org-trend"):
        assert table in text
    latest = text.split("verloop-results-latest")[1].split("</table>")[0]
    assert latest.count("<td>—</td>") < latest.count("<td>")  # the shown team has numbers

    small = TeamResults(store=results, query_string=query(results_link(results, wave, hidden)) + "&lang=en")
    text = small.body.value
    assert f"Results for {hidden}" in text and "Not shown" in text
    latest = text.split("verloop-results-latest")[1].split("</table>")[0]
    rows = latest.split("<tr>")[2:]  # the body rows: scale, your team, organisation
    team_cells = [row.split("<td>")[1].split("</td>")[0] for row in rows]
    scale_rows = [cell for row, cell in zip(rows, team_cells) if "Response rate" not in row]
    assert scale_rows and set(scale_rows) == {"—"}  # no figure of the small team
    from verloop.apps.dashboard import figures

    trend = figures.team_scale_trend(small.source, small.team[0], "en")
    cells = [
        c.split("</td>")[0] for c in text.split("verloop-results-team-trend")[1].split("</table>")[0].split("<td>")[1:]
    ]
    assert cells.count("—") >= int(trend["suppressed"].sum()) > 0  # every hidden wave of the team is a dash
    small.lang.value = "nl"
    assert f"Resultaten van {hidden}" in small.body.value and "Niet getoond" in small.body.value


def test_without_or_with_a_wrong_link_the_page_shows_nothing(results):
    empty = TeamResults(store=results, query_string="")
    assert empty.problem == "need_link" and "link" in empty.body.value and "<table" not in empty.body.value
    wrong = TeamResults(store=results, query_string="wave=1&team=1&key=0123456789abcdef0123456789&lang=en")
    assert wrong.problem == "bad_link" and "not valid" in wrong.body.value and "<table" not in wrong.body.value
    widget = build_team_results(store=results, query_string="", wait_for_request=False)
    assert "verloop-results" in widget._dom_classes


def test_numbers_follow_the_language_and_missing_is_a_dash():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "wave": ["2026-01", "2026-02"],
            "opens_on": [dt.date(2026, 1, 5), dt.date(2026, 2, 5)],
            "scale": ["engagement", "engagement"],
            "score": [3.456, 2.0],
            "suppressed": [False, True],
            "note": ["", "fewer than 5 responses"],
        }
    )
    assert "3,5" in trend_table(frame, "nl", "x") and "3.5" in trend_table(frame, "en", "x")
    assert "<td>—</td>" in trend_table(frame, "en", "x")  # the hidden wave shows no number
    latest = pd.DataFrame(
        {
            "group_kind": ["team", "organisation"],
            "wave": ["2026-02"] * 2,
            "scale": ["engagement"] * 2,
            "score": [4.2, 3.75],
            "suppressed": [True, False],
            "note": ["fewer than 5 responses", ""],
        }
    )
    table = comparison_table(latest, "nl")
    assert "<td>—</td><td>3,8</td>" in table and "4,2" not in table  # a hidden value never reaches the page


def test_tokens_command_prints_the_team_results_link(store, tmp_path, capsys):
    with store.session() as s:
        site = Site(name="Utrecht")
        s.add(site)
        s.flush()
        s.add(Team(name="Team Noord", site_id=site.id))
    assert main(["survey", "open", "pulse", "--wave", "2026-03", "--db", store.url]) == 0
    capsys.readouterr()
    out = tmp_path / "codes.csv"
    assert (
        main(
            [
                "survey",
                "tokens",
                "--wave",
                "2026-03",
                "--team",
                "Team Noord",
                "--count",
                "2",
                "--out",
                str(out),
                "--base-url",
                "https://enquete.example.nl",
                "--db",
                store.url,
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    link = next(line.strip() for line in printed.splitlines() if "team_results.ipynb" in line)
    assert link.startswith("https://enquete.example.nl/voila/render/team_results.ipynb?")
    assert check_link(store, {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()})[1] == "Team Noord"
