"""CLI for the models: ``verloop benchmark`` (any CSV)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from verloop.cli.common import DbOption, JsonOption, app


@app.command("benchmark")
def benchmark(
    csv: Annotated[Path, typer.Option("--csv", help="Tabular attrition file (CSV, one row per person).")],
    target: Annotated[str, typer.Option("--target", help="Column saying who left (Yes/No, 1/0, true/false).")],
    time: Annotated[
        Optional[str],
        typer.Option("--time", help="Duration column (e.g. tenure) for a Cox model."),
    ] = None,
    positive: Annotated[
        Optional[str],
        typer.Option("--positive", help="The target value meaning 'left', if not Yes/1/true."),
    ] = None,
    models: Annotated[
        Optional[str],
        typer.Option("--models", help="Comma-separated subset of models (default: all)."),
    ] = None,
    folds: Annotated[int, typer.Option("--folds", min=2, max=20, help="Cross-validation folds.")] = 5,
    seed: Annotated[int, typer.Option("--seed", help="Random seed for the folds.")] = 0,
    json_out: JsonOption = False,
    db: DbOption = None,
) -> None:
    """Cross-validate a baseline and every model on any attrition CSV (no database needed)."""
    from verloop.models.benchmark import run_benchmark

    chosen = [m.strip() for m in models.split(",") if m.strip()] if models else None
    result = run_benchmark(csv, target=target, time=time, n_splits=folds, seed=seed,
                           positive=positive, models=chosen)
    if json_out:
        typer.echo(json.dumps(result.to_dict(), allow_nan=False, default=_jsonable))
    else:
        typer.echo(result.to_text())


def _jsonable(value):
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
