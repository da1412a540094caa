"""Core commands: init, demo, serve, status, refresh."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from verloop.cli.common import DbOption, JsonOption, app
from verloop.errors import StoreError


def open_store(db: str | None, *, create: bool = False):
    """The store behind ``--db``; only the commands that make a database (init, demo) create one."""
    from verloop.store import Store

    return Store.open(db, create=create)


@app.command("init")
def init(db: DbOption = None) -> None:
    """Create (or migrate) the database schema."""
    from verloop.store.settings import get_settings

    store = open_store(db, create=True)
    with store.session() as s:
        get_settings(s)
    typer.echo(f"Database ready: {store.display_url}")


@app.command("demo")
def demo(
    db: DbOption = None,
    employees: Annotated[int, typer.Option(help="Headcount of the synthetic organisation.", min=20)] = 600,
    months: Annotated[int, typer.Option(help="Months of history.", min=3, max=120)] = 24,
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same organisation.")] = 1,
    mode: Annotated[str, typer.Option(help="Survey mode: anonymous or confidential.")] = "anonymous",
    truth: Annotated[
        Path | None,
        typer.Option(help="Where to write the ground-truth JSON (default: beside the SQLite file, or var/)."),
    ] = None,
) -> None:
    """Build a synthetic contact-centre organisation (with known ground truth) into an empty database."""
    from tqdm import tqdm

    from verloop.status import organisation_status
    from verloop.synth import SynthConfig, generate, write, write_truth

    store = open_store(db, create=True)
    existing = organisation_status(store)
    if existing["employees"] or existing["responses"]:
        raise StoreError(
            f"the database {store.display_url} already holds an organisation "
            f"({existing['employees']} employees); use an empty database or delete it first."
        )
    with tqdm(total=3, desc="demo", unit="step", disable=None) as bar:
        bar.set_postfix_str("generating")
        org = generate(SynthConfig(employees=employees, months=months, seed=seed, mode=mode))
        bar.update()
        bar.set_postfix_str("writing")
        counts = write(store, org)
        bar.update()
        if truth is None:
            database = store.engine.url.database if store.backend == "sqlite" else None
            base = Path(database).with_suffix("") if database else Path("var") / "verloop"
            truth = Path(f"{base}.truth.json")
        write_truth(org, truth)
        bar.update()
    typer.echo(
        f"Demo organisation written to {store.display_url}: "
        + ", ".join(f"{v} {k}" for k, v in counts.items())
        + f". Ground truth: {truth}"
    )


@app.command("status")
def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Organisation size, teams, waves, responses, leavers and the database URL (no password)."""
    from verloop.status import organisation_status

    figures = organisation_status(open_store(db))
    if as_json:
        typer.echo(json.dumps(figures))
        return
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        typer.echo(f"{key.replace('_', ' '):<{width}}  {value}")


@app.command("refresh")
def refresh_dashboards(
    db: DbOption = None,
    no_sites: Annotated[bool, typer.Option("--no-sites", help="Only the organisation-wide views.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Compute the dashboards' figures for the current data now, with a progress bar: what the
    watcher beside `verloop serve` does after every import, closed wave, settings change or
    training, so that no HR user's page computes them."""
    from verloop.apps.dashboard.cache import refresh

    result = refresh(open_store(db), sites=not no_sites, progress=None, log=lambda line: typer.echo(line, err=True))
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(
        f"Dashboards refreshed for data revision {result['revision']}: {result['views']} views in {result['seconds']} s."
    )
    if result["stale"]:
        typer.echo("The data changed during the refresh: run `verloop refresh` again.")


@app.command("serve")
def serve(
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Port on 127.0.0.1 for the HR dashboards (token required).")] = 8866,
    apps_dir: Annotated[Path | None, typer.Option("--apps", help="Folder of Voila notebooks.")] = None,
    hr_token: Annotated[
        str | None,
        typer.Option(
            "--hr-token",
            envvar="VERLOOP_HR_TOKEN",
            show_envvar=True,
            help="Secret for the HR side (default: a random one, printed as a URL).",
        ),
    ] = None,
    survey_port: Annotated[
        int | None, typer.Option("--survey-port", help="Port for the survey apps (default: port + 1).")
    ] = None,
    preheat: Annotated[
        bool,
        typer.Option("--preheat/--no-preheat", help="Keep kernels ready for the first pages (sized for this machine)."),
    ] = True,
    only: Annotated[
        str | None,
        typer.Option(
            "--only",
            help="Start one side: 'hr' (on --port) or 'survey' (on --survey-port); several survey "
            "processes can share one database behind a proxy (docs/deploy.md).",
        ),
    ] = None,
) -> None:
    """Serve the HR home and dashboards on http://127.0.0.1:PORT (HR token) and the surveys on PORT+1."""
    from verloop.apps.server import serve_apps

    store = open_store(db)  # fail early, with one sentence, when the database is missing or unusable
    store.dispose()
    raise typer.Exit(
        serve_apps(
            db_url=store.url,
            port=port,
            apps_dir=apps_dir,
            hr_token=hr_token,
            survey_port=survey_port,
            preheat=preheat,
            only=only,
        )
    )
