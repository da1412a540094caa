"""The ``verloop`` command.

Each topic lives in its own module and registers its commands on ``app`` when imported;
``main`` turns every ``VerloopError`` into one sentence and a non-zero exit.
"""

from __future__ import annotations

import importlib
import sys

from verloop.cli.common import app, run_app

# Topic modules register their commands on import. Add new topics here.
COMMAND_MODULES = [
    "verloop.cli.reliability",
    "verloop.cli.core",
    "verloop.cli.models",
    "verloop.cli.survey",
    "verloop.cli.ingest",
    "verloop.cli.export",
    "verloop.cli.settings",
    "verloop.cli.users",
    "verloop.cli.config",
]

for _name in COMMAND_MODULES:
    importlib.import_module(_name)


def main(argv: list[str] | None = None) -> int:
    return run_app(app, argv if argv is not None else sys.argv[1:])


__all__ = ["app", "main"]
