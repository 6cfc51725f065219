"""Reading a solved program back as an allocation in pounds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from laa.pooling.evaluate import Allocation
from laa.pooling.spec import PoolingMode
from laa.pooling.units import pounds

if TYPE_CHECKING:
    import numpy as np
    from laa.pooling.build import Builder

# below a thousandth of a penny a spend is solver noise, not money; pennies are rounded on output only
NOISE_GBP = 1e-5


def allocation_from(b: Builder, values: np.ndarray) -> Allocation:
    program = b.program
    stream_spend: dict[tuple[str, str, int], float] = {}
    pot_spend: dict[tuple[str, str, int], float] = {}
    for key, index in program.col_index.items():
        head = key[0]
        if head not in ("x", "q"):
            continue
        amount = pounds(float(values[index]))
        if amount <= NOISE_GBP:
            continue
        (stream_spend if head == "x" else pot_spend)[key[1:]] = amount
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
        key = ("pool", s)
        if not program.has(key):
            continue
        value = float(values[program.col(key)])
        if choice.mode is PoolingMode.WHOLE:
            share = scenario.stream(s).pool_share_limit if value > 0.5 else 0.0
        else:
            share = min(max(value, 0.0), scenario.stream(s).pool_share_limit)
            share = 0.0 if share < 1e-9 else share
        if share > 0:
            shares[s] = share
    used = set()
    for p in b.pots:
        key = ("use", p)
        if program.has(key):
            if float(values[program.col(key)]) > 0.5:
                used.add(p)
        elif any(shares.get(m, 0.0) > 0 for m in scenario.pot(p).members):
            used.add(p)
    return shares, frozenset(used)
