"""`laa validate`: check a scenario file and list every problem with it.

Its own module, importing only what loading a file needs, so a finance
lead's check (or a batch script's) starts at once (issue 15).
"""

from __future__ import annotations

import sys

import click
from laa.cli.common import EXIT_OK, guarded, load, say
from laa.pooling.units import years_text


@click.command()
@click.argument("file", type=click.Path(dir_okay=True))
@guarded
def validate(file: str) -> None:
    """Check a scenario file and list every problem with it."""
    scenario = load(file)
    streams, funders = _many(len(scenario.streams), "stream"), _many(len(scenario.funders), "funder")
    outcomes, rules = _many(len(scenario.outcomes), "outcome"), _many(len(scenario.rules), "rule")
    pots, years = _many(len(scenario.pots), "pot"), _many(len(scenario.years), "year")
    variants = f", {_many(len(scenario.variants), 'variant')}" if scenario.variants else ""
    say(
        f"{file}: valid: {streams} from {funders}, {outcomes}, {rules}, {pots}, "
        f"{years} {years_text(scenario.years)}{variants}"
    )
    sys.exit(EXIT_OK)


def _many(count: int, noun: str) -> str:
    """'1 rule', '8 rules'."""
    return f"{count} {noun}{'' if count == 1 else 's'}"
