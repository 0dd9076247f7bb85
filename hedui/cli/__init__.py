"""The ``hedui`` command line (entry point ``hedui.cli:app``), one module per command group:
``data`` (sources, generate, land, validate, generate-code), ``nightly`` (run, demo),
``versions`` (versions, publish, rollback), ``bench``, ``web`` (serve, users, lookups, reports,
audit log) and the simulation's ``simulate`` (hedui/simulation/cli.py). A group's module
defines the commands as functions and a ``register(app)`` that adds them.
"""

from __future__ import annotations

import typer

from hedui.cli import bench, data, exchange, nightly, tasks, versions, web
from hedui.simulation.cli import register as register_simulation_commands

app = typer.Typer(
    help="Hedui (核对): household economic verification and low-income monitoring pipeline.",
    no_args_is_help=True,
    add_completion=False,
)

for group in (data, nightly, versions, bench, web, exchange, tasks):
    group.register(app)
register_simulation_commands(app)
