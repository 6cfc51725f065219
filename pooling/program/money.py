"""Stream and pot money (MODEL.md, Constraints: stream money, pot money).

A year's spend plus what is carried on may not exceed the year's money
after overhead plus what was carried in; the carry is capped by a share of
the year's own money, and nothing carries out of the last year (the carry
column simply does not exist there). A pot's set-up cost comes out of its
first year's money.

With the pooling fixed the year's money is a number: it is the bound of
the money row, and a carry's cap is its column's upper bound. Only when the
solver chooses the pooling does the cap depend on a column, and only then
is it a row of its own. A year with nothing to spend and nothing carried in
gets no spend columns and no row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from laa.pooling.program.amounts import Affine
from laa.pooling.program.labelled import INF
from laa.pooling.program.spec import PoolingMode
from laa.pooling.program.vocabulary import (
    PoolSpend,
    PotCarry,
    PotUsed,
    RowFamily,
    RowLabel,
    Spend,
    StreamCarry,
)

if TYPE_CHECKING:
    from laa.pooling.program.builder import Builder


def declare_spend(b: Builder, priced: dict[str, list[str]]) -> None:
    """Every spend column before any other: each stream's, year by year, then each pot's.

    HiGHS's dual simplex took fewer iterations with the spend columns together than with each
    stream-year's carry column among them (benchmarks.factors, "floor's order": 6% to 13% fewer
    on most shapes at L and XL).
    """
    scenario, elastic = b.scenario, b.spec.elastic
    last = scenario.last_year
    for s in b.streams:
        stream = scenario.stream(s)
        carried_in = False
        for t in b.years:
            unpooled = b.unpooled(s, t)
            if not (_has_money(unpooled) or carried_in or elastic):
                continue  # nothing to spend this year, nothing carried in: no columns, no row
            spend_run(b, s, t, priced[s])
            carried_in = _carries(unpooled.times(stream.carry_forward), t != last, elastic)
    _spend_by_outcome(b)
    for p in b.pots:
        for t in b.years:
            pot_run(b, p, t)


def _spend_by_outcome(b: Builder) -> None:
    """`x_by_outcome`: every stream's spend columns on each outcome (stream by stream, year by year),
    gathered in bulk rather than one append per column (380k of them at the largest shapes)."""
    outcomes = [o.id for o in b.scenario.outcomes]
    index = {o: i for i, o in enumerate(outcomes)}
    cols: list[np.ndarray] = []
    of: list[np.ndarray] = []
    for s in b.streams:
        mine = np.array([index[o] for o in b.outcomes_of_stream[s]], dtype=np.int64)
        for t in b.years:
            run = b.x_by_stream_year.get((s, t))
            if run is not None:
                cols.append(np.arange(run.start, run.stop, dtype=np.int64))
                of.append(mine)
    every = np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64)
    outcome = np.concatenate(of) if of else np.zeros(0, dtype=np.int64)
    order = np.argsort(outcome, kind="stable")
    bounds = np.searchsorted(outcome[order], np.arange(len(outcomes) + 1))
    grouped = every[order].tolist()
    b.x_by_outcome = {o: grouped[bounds[i] : bounds[i + 1]] for i, o in enumerate(outcomes)}


def add_stream_money(b: Builder) -> None:
    """Per stream-year: spend plus carry out <= the year's unpooled money after overhead plus carry in."""
    scenario, elastic = b.scenario, b.spec.elastic
    last = scenario.last_year
    for s in b.streams:
        stream = scenario.stream(s)
        carried_in: int | None = None
        for t in b.years:
            spend = b.x_by_stream_year.get((s, t))
            if spend is None:
                continue  # no money this year and none carried in (declare_spend)
            unpooled = b.unpooled(s, t)
            carry = _carry(b, StreamCarry(s, t), unpooled.times(stream.carry_forward), t != last, elastic)
            terms = [(c, 1.0) for c in spend]
            if carry is not None:
                terms.append((carry, 1.0))
            if carried_in is not None:
                terms.append((carried_in, -1.0))
            label = RowLabel(RowFamily.STREAM_MONEY, stream=s, years=(t,))
            b.bounded(label, terms, unpooled.times(1.0 - stream.admin_rate), minimum=False)
            carried_in = carry


def add_pot_money(b: Builder) -> None:
    """Per pot-year: spend plus carry out <= what its members paid in after overhead plus carry in,
    less the set-up cost in the first year."""
    program, scenario, choice = b.program, b.scenario, b.spec.choice
    last = scenario.last_year
    for p in b.pots:
        pot = scenario.pot(p)
        setup = b.money(pot.setup_cost)
        carried_in: int | None = None
        for t in b.years:
            paid_in = Affine()
            for m in b.members_in_play(p):
                paid_in = paid_in + b.pooled(m, t)
            run = program.run_of(PoolSpend, p, t)
            spend = range(0) if run is None else run.columns
            carry = _carry(b, PotCarry(p, t), paid_in.times(pot.carry_forward), t != last, b.spec.elastic)
            terms = [(c, 1.0) for c in spend]
            if carry is not None:
                terms.append((carry, 1.0))
            if carried_in is not None:
                terms.append((carried_in, -1.0))
            available = paid_in.times(1.0 - pot.admin_rate)
            if t == scenario.first_year and setup > 0:
                if choice.mode is PoolingMode.FIXED:
                    available = available + Affine(-setup)  # the pot is set up: v_p = 1
                else:
                    terms.append((program.col(PotUsed(p)), setup))
            b.bounded(RowLabel(RowFamily.POT_MONEY, pot=p, years=(t,)), terms, available, minimum=False)
            carried_in = carry


def _carry(b: Builder, key: StreamCarry | PotCarry, cap: Affine, carries: bool, elastic: bool) -> int | None:
    """The carry column `k <= cap`: a bound when the cap is a number, a row when it holds columns.

    No column when nothing can be carried (the last year, or a cap of nothing). An elastic
    program (the smallest relaxation) states every cap as a row, so money added to the
    year may be carried as the year's own would be.
    """
    if not _carries(cap, carries, elastic):
        return None
    program = b.program
    if not cap.terms and not elastic:
        col = program.column(key, upper=cap.constant)
        b.amount_terms.cols.extend((col, place, coef) for place, coef in cap.amounts)
        return col
    col = program.column(key, upper=INF)
    if isinstance(key, StreamCarry):
        label = RowLabel(RowFamily.STREAM_CARRY, stream=key.stream, years=(key.year,))
    else:
        label = RowLabel(RowFamily.POT_CARRY, pot=key.pot, years=(key.year,))
    b.bounded(label, [(col, 1.0)], cap, minimum=False)
    return col


def _has_money(money: Affine) -> bool:
    return money.constant > 0 or bool(money.terms)


def _carries(cap: Affine, carries: bool, elastic: bool) -> bool:
    """Whether a carry column is wanted: a year that carries into another, with a cap of something."""
    return carries and (cap.constant > 0 or bool(cap.terms) or (elastic and bool(cap.amounts)))


def spend_run(b: Builder, s: str, t: int, priced: list[str]) -> range:
    """Stream s's spend columns in year t, one per outcome it may fund."""
    program = b.program
    outcomes, position = b.outcomes_of_stream[s], b.outcome_position[s]
    cols = program.spend_run(Spend, s, t, outcomes, position)
    for o in priced:  # a freedom being priced: a column held at zero
        program.col_upper[cols.start + position[o]] = 0.0
    b.x_by_stream_year[(s, t)] = cols
    return cols


def pot_run(b: Builder, p: str, t: int) -> range:
    """Pot p's spend columns in year t, one per outcome in its scope."""
    scope = b.scenario.scope(p)
    cols = b.program.spend_run(PoolSpend, p, t, scope)
    for o, col in zip(scope, cols, strict=True):
        b.q_by_outcome.setdefault(o, []).append(col)
    return cols
