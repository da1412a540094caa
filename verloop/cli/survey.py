"""``verloop survey open|tokens|close|waves``: run survey waves and hand out single-use codes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer

from verloop.cli.common import DbOption, JsonOption, app
from verloop.errors import InputError

survey = typer.Typer(
    help="Survey waves and single-use invitation codes (pulse, exit, follow-up).",
    no_args_is_help=True,
)
app.add_typer(survey, name="survey")

WaveOption = Annotated[str, typer.Option("--wave", help="Wave name, e.g. 2026-03 or exit-2026.")]


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{option} '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-03-02.") from None


def _store(db: str | None):
    from verloop.store import Store

    return Store.open(db, create=False)


def _print_wave(info: dict, as_json: bool, headline: str) -> None:
    if as_json:
        typer.echo(json.dumps(info))
        return
    typer.echo(headline)
    for key, value in info.items():
        typer.echo(f"  {key.replace('_', ' '):<19} {value if value is not None else '-'}")


@survey.command("open")
def open_command(
    kind: Annotated[str, typer.Argument(help="Which survey: pulse, exit or followup.")],
    wave: WaveOption,
    opens: Annotated[str | None, typer.Option("--opens", help="First day (YYYY-MM-DD); default today.")] = None,
    closes: Annotated[
        str | None, typer.Option("--closes", help="Last day (YYYY-MM-DD); default: until closed.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Open a wave with the current wording of surveys/KIND.yaml (exit and followup waves are rolling)."""
    from verloop.surveys.waves import open_wave

    info = open_wave(_store(db), kind, wave, opens=_date(opens, "--opens"), closes=_date(closes, "--closes"))
    _print_wave(info, as_json, f"Wave '{info['wave']}' ({info['kind']}) is open from {info['opens_on']}.")


@survey.command("tokens")
def tokens_command(
    wave: WaveOption,
    team: Annotated[str, typer.Option("--team", help="Team name (as in the HR data).")],
    count: Annotated[int, typer.Option("--count", help="How many codes (one per invited person).")],
    out: Annotated[Path, typer.Option("--out", help="CSV file to write (code, link, wave, team).")],
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="Address of the survey server in the links.")
    ] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Issue single-use codes for one team; only their salted hashes are stored."""
    from verloop.surveys.tokens import DEFAULT_BASE_URL, issue_tokens

    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise InputError(f"--base-url '{base_url}' must start with http:// or https://.")
    if out.exists() and out.is_dir():
        raise InputError(f"--out {out} is a folder; give a file name such as {out / 'tokens.csv'}.")
    from verloop.apps.team_results import results_link

    store = _store(db)
    issued = issue_tokens(store, wave, team, count, base_url=base_url, out=out)
    results = results_link(store, wave, team, base_url)
    info = {
        "wave": wave,
        "team": team,
        "count": len(issued),
        "out": str(out),
        "base_url": base_url or DEFAULT_BASE_URL,
        "results_link": results,
    }
    if as_json:
        typer.echo(json.dumps(info))
        return
    typer.echo(
        f"{len(issued)} single-use codes for team '{team}' in wave '{wave}' written to {out} "
        "(readable only by you; the database keeps only their hashes)."
    )
    typer.echo(
        f"Team results for '{team}' (hand this link out with the codes; it opens this team's results once "
        f"the wave has closed, groups under k hidden):\n  {results}"
    )


@survey.command("close")
def close_command(wave: WaveOption, db: DbOption = None, as_json: JsonOption = False) -> None:
    """Close a wave: unused codes stop working; sealed answers are opened (shuffled) and the files tidied."""
    from verloop.surveys.waves import close_wave

    info = close_wave(_store(db), wave)
    _print_wave(info, as_json, f"Wave '{info['wave']}' is closed.")


@survey.command("waves")
def waves_command(db: DbOption = None, as_json: JsonOption = False) -> None:
    """List the waves with their dates, state and totals (invited, responses)."""
    from verloop.surveys.waves import list_waves

    waves = list_waves(_store(db))
    if as_json:
        typer.echo(json.dumps(waves))
        return
    if not waves:
        typer.echo("No waves yet; open one with `verloop survey open pulse --wave NAME`.")
        return
    typer.echo(f"{'wave':<20} {'kind':<9} {'opens':<10} {'closes':<10} {'state':<8} {'invited':>7} {'responses':>9}")
    for w in waves:
        typer.echo(
            f"{w['wave']:<20} {w['kind']:<9} {w['opens_on']:<10} {w['closes_on'] or '-':<10} "
            f"{w['state']:<8} {w['invited']:>7} {w['responses']:>9}"
        )
