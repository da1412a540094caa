"""Shared CLI plumbing: the Typer app, the ``--db`` option, error handling."""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer

from verloop.config import current
from verloop.errors import VerloopError

app = typer.Typer(
    name="verloop",
    help="Verloop: anonymous pulse/exit surveys and honest attrition insight for contact centres.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_state = {"debug": False}


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show full tracebacks on errors.")] = False,
) -> None:
    _state["debug"] = debug


def absolute_db(value: str | None) -> str | None:
    """``--db`` as every command receives it: the argument, else $VERLOOP_DB, else the default
    SQLite file, with a relative SQLite path resolved ONCE, here, against the working directory.
    `verloop serve` hands this absolute URL to the Voilà kernels (which run in ``apps/``), so
    every process opens the same file. A malformed URL is left for ``Store.open`` to explain."""
    from verloop.store.engine import absolute_url

    try:
        return absolute_url(value)
    except VerloopError:
        return value


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///path or postgresql+psycopg://user@host/db). "
        "Default: $VERLOOP_DB, else sqlite:///var/verloop.db. A relative SQLite path is "
        "relative to the current directory.",
        show_default=False,
        callback=absolute_db,
    ),
]

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of text.")]


def fail(message: str, code: int = 1) -> None:
    """Print one sentence to stderr and exit; used for errors found in the CLI itself."""
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(code)


def run_app(application: typer.Typer, argv: list[str]) -> int:
    try:
        debug = "--debug" in argv or current().debug
    except VerloopError:
        debug = "--debug" in argv
    try:
        result = application(args=argv, prog_name="verloop", standalone_mode=False)
        if isinstance(result, int):  # click returns the code of typer.Exit when not standalone
            return result
    except VerloopError as exc:
        if debug:
            traceback.print_exc()
        typer.echo(f"Error: {exc}", err=True)
        problems = getattr(exc, "problems", None) or []
        for problem in problems:
            typer.echo(f"  - {problem}", err=True)
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("Aborted.", err=True)
        return 130
    except Exception as exc:  # click usage errors and real bugs
        try:
            from click.exceptions import ClickException
        except ImportError:  # newer typer vendors click instead of depending on it
            from typer._click.exceptions import ClickException

        if isinstance(exc, ClickException):
            exc.show()
            return exc.exit_code
        if debug:
            traceback.print_exc()
        else:
            typer.echo(
                f"Error: unexpected {type(exc).__name__}: {exc} (run with --debug for details; "
                "please report this as a bug).",
                err=True,
            )
        return 2
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run_app(app, sys.argv[1:]))
