"""CLI for the models: ``verloop benchmark`` (any CSV) and ``verloop train`` (the database)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from verloop.cli.common import DbOption, JsonOption, app


@app.command("benchmark")
def benchmark(
    csv: Annotated[Path, typer.Option("--csv", help="Tabular attrition file (CSV, one row per person).")],
    target: Annotated[str, typer.Option("--target", help="Column saying who left (Yes/No, 1/0, true/false).")],
    time: Annotated[
        str | None,
        typer.Option("--time", help="Duration column (e.g. tenure) for a Cox model."),
    ] = None,
    positive: Annotated[
        str | None,
        typer.Option("--positive", help="The target value meaning 'left', if not Yes/1/true."),
    ] = None,
    models: Annotated[
        str | None,
        typer.Option("--models", help="Comma-separated subset of models (default: all)."),
    ] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, max=20, help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for the folds.")] = 0,
    features: Annotated[
        str | None,
        typer.Option(
            "--features",
            help="Comma-separated columns to fit (default: every column), e.g. the covariates of a published table.",
        ),
    ] = None,
    penalizer: Annotated[
        float,
        typer.Option(
            "--penalizer",
            min=0.0,
            help="Ridge penalty of the Cox model (default 0.01; 0 = the unpenalised fit of a published table).",
        ),
    ] = 0.01,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Cross-validate a baseline and every model on any attrition CSV (no database needed)."""
    from verloop.models.benchmark import run_benchmark

    chosen = [m.strip() for m in models.split(",") if m.strip()] if models else None
    wanted = features.split(",") if features is not None else None
    result = run_benchmark(
        csv,
        target=target,
        time=time,
        n_splits=folds,
        seed=seed,
        positive=positive,
        models=chosen,
        features=wanted,
        penalizer=penalizer,
    )
    if json_out:
        typer.echo(json.dumps(result.to_dict(), allow_nan=False, default=_jsonable))
    else:
        typer.echo(result.to_text())


@app.command("train")
def train(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the model cards (default: $VERLOOP_MODELS, else models/ of the checkout or "
            "the user's data folder; `verloop config` shows it). The dashboards read the same place.",
        ),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file",
            help="Confidential mode: file holding the pseudonym key "
            "(or set VERLOOP_PSEUDONYM_KEY). Never stored in the database.",
        ),
    ] = None,
    only: Annotated[
        str | None,
        typer.Option("--only", help="Comma-separated subset: team, drivers, survival, classifiers."),
    ] = None,
    boot: Annotated[int, typer.Option("--boot", min=0, max=5000, help="Bootstrap resamples.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Fit the team, survival and classifier models on the database and write model cards."""
    from verloop.errors import InputError
    from verloop.models.data import load_org
    from verloop.models.train import TrainOptions, summarise, train_models
    from verloop.store import Store

    which = ("team", "drivers", "survival", "classifiers")
    if only:
        chosen = tuple(w.strip() for w in only.split(",") if w.strip())
        bad = [w for w in chosen if w not in which]
        if bad:
            raise InputError(f"Unknown model group {bad[0]!r} for --only; use {', '.join(which)}.")
        which = chosen
    key = None
    if key_file is not None:
        if not key_file.exists():
            raise InputError(f"Key file '{key_file}' does not exist.")
        key = key_file.read_text(encoding="utf-8").strip()
    else:
        key = _read_key(None)
    store = Store.open(db, create=False)
    org = load_org(store)
    if org.survey_mode == "confidential" and not key and not json_out:
        typer.echo(
            "Notice: confidential mode without the pseudonym key: the survival model uses team survey means only.",
            err=True,
        )
    from verloop.models.report import models_root

    folders = train_models(org, models_root(out), key=key, options=TrainOptions(n_boot=boot, seed=seed), which=which)
    summary = summarise(folders)
    from verloop.store import bump_revision

    with store.session() as s:  # new model cards change the risk, drivers and what-if figures
        bump_revision(s)
    if json_out:
        typer.echo(json.dumps({"cards": summary}, default=_jsonable))
    else:
        for card in summary:
            typer.echo(f"{card['name']}: {card['title']} -> {card['folder']}")


@app.command("drivers")
def drivers(
    models_dir: Annotated[
        Path | None,
        typer.Option(
            "--models", help="Folder of the model cards (default: where `verloop train` writes; `verloop config`)."
        ),
    ] = None,
    key_file: Annotated[
        Path | None,
        typer.Option(
            "--key-file",
            help="Confidential mode, when no card exists yet: file with the pseudonym key (or VERLOOP_PSEUDONYM_KEY).",
        ),
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language: en or nl.")] = "en",
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """What drives leaving: exactly the verdicts the drivers page shows (from the 'drivers'
    card that 'verloop train' wrote; without one, computed now from the database)."""
    from verloop.models.report import load_report, report_text

    if lang not in ("en", "nl"):
        from verloop.errors import InputError

        raise InputError(f"--lang must be en or nl, not {lang!r}.")
    report = load_report(models_dir)
    if report is None:
        from verloop.models.data import load_org
        from verloop.models.triangulate import triangulate
        from verloop.store import Store

        key = _read_key(key_file)
        report = triangulate(load_org(Store.open(db, create=False)), key=key).to_dict()
    if json_out:
        typer.echo(json.dumps(report, allow_nan=False, default=_jsonable))
    else:
        typer.echo(report_text(report, lang))


def _read_key(key_file: Path | None) -> str | None:
    from verloop.errors import InputError

    if key_file is not None:
        if not key_file.exists():
            raise InputError(f"Key file '{key_file}' does not exist.")
        return key_file.read_text(encoding="utf-8").strip()
    from verloop.config import current

    secret = current().pseudonym_key
    return secret.get_secret_value() if secret else None


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
