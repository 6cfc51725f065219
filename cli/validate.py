"""`laa validate`: check a scenario file and list every problem with it.

Its own module, importing only what loading a file needs, so a finance
lead's check (or a batch script's) starts at once (issue 15).
"""

from __future__ import annotations

import sys

import click
from laa.cli.common import EXIT_OK, guarded, load


@click.command()
@click.argument("file", type=click.Path(dir_okay=True))
@guarded
def validate(file: str) -> None:
    """Check a scenario file and list every problem with it."""
    scenario = load(file)
    click.echo(
        f"{file}: valid: {len(scenario.streams)} streams from {len(scenario.funders)} funders, "
        f"{len(scenario.outcomes)} outcomes, {len(scenario.rules)} rules, {len(scenario.pots)} pots, "
        f"years {scenario.first_year}-{scenario.last_year}"
    )
    sys.exit(EXIT_OK)
