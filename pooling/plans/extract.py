"""Reading a solved program back as an allocation in pounds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from laa.pooling.plans.evaluate import Allocation
from laa.pooling.program.spec import PoolingMode
from laa.pooling.program.vocabulary import PoolShare, PotUsed, Spend

if TYPE_CHECKING:
    from laa.pooling.program.builder import Builder

# below 1e-11 of the solver's money unit (a thousandth of a penny in GBP millions) a spend is solver
# noise, not money; pennies are rounded on output only
NOISE_UNITS = 1e-11


def allocation_from(b: Builder, values: np.ndarray) -> Allocation:
    """Read a solved program back as spend in pounds per stream (or pot), outcome and year, leaving
    out solver noise, with the pooled shares and pots set up that the solution chose."""
    stream_spend: dict[tuple[str, str, int], float] = {}
    pot_spend: dict[tuple[str, str, int], float] = {}
    for run in b.program.runs:
        spend = stream_spend if run.kind is Spend else pot_spend
        amounts = values[run.columns.start : run.columns.stop] * b.unit  # pounds
        for offset in np.flatnonzero(amounts > NOISE_UNITS * b.unit).tolist():
            spend[(run.source, run.outcomes[offset], run.year)] = float(amounts[offset])
    shares, used = chosen_pooling(b, values)
    return Allocation(stream_spend, pot_spend, shares, used)


def chosen_pooling(b: Builder, values: np.ndarray) -> tuple[dict[str, float], frozenset[str]]:
    """Pooled share of each stream and the pots set up, as the solution has them."""
    choice, scenario, program = b.spec.choice, b.scenario, b.program
    if choice.mode is PoolingMode.FIXED:
        shares = {s: v for s, v in choice.shares.items() if v > 0 and s in b.streams}
        return shares, frozenset(p for p in b.pots if p in choice.pots_used)
    shares = {}
    for s in b.streams:
        col = program.find(PoolShare(s))
        if col is None:
            continue
        value = float(values[col])
        if choice.mode is PoolingMode.WHOLE:
            share = scenario.stream(s).pool_share_limit if value > 0.5 else 0.0
        else:
            share = min(max(value, 0.0), scenario.stream(s).pool_share_limit)
            share = 0.0 if share < 1e-9 else share
        if share > 0:
            shares[s] = share
    used = set()
    for p in b.pots:
        use = program.find(PotUsed(p))
        if use is not None:
            if float(values[use]) > 0.5:
                used.add(p)
        elif any(shares.get(m, 0.0) > 0 for m in scenario.pot(p).members):
            used.add(p)
    return shares, frozenset(used)
