"""Assembling MODEL.md's program: columns first, then each family of constraints in its module.

`Builder` holds the index sets and the expressions the families share
(pooled money `y[s,t]`, unpooled money `B - y`, spend on an outcome) so each
family module reads like its paragraph in MODEL.md.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from laa.models.scenario import Scenario
from laa.pooling import choice as pooling_choice
from laa.pooling import money, response, rules
from laa.pooling.program import Program
from laa.pooling.spec import ModelSpec, PoolingMode
from laa.pooling.units import millions
from laa.pooling.vocabulary import (
    Budget,
    PoolShare,
    PoolSpend,
    PotCarry,
    RowFamily,
    RowLabel,
    Slack,
    Spend,
    StreamCarry,
)

Terms = list[tuple[int, float]]


@dataclass
class Builder:
    spec: ModelSpec
    program: Program = field(default_factory=Program)
    streams: list[str] = field(default_factory=list)
    pots: list[str] = field(default_factory=list)
    outcomes_of_stream: dict[str, list[str]] = field(default_factory=dict)
    # outcome -> offset in the stream's spend runs (the same every year)
    outcome_position: dict[str, dict[str, int]] = field(default_factory=dict)
    x_by_outcome: dict[str, list[int]] = field(default_factory=dict)
    q_by_outcome: dict[str, list[int]] = field(default_factory=dict)
    x_by_stream_year: dict[tuple[str, int], range] = field(default_factory=dict)
    # big-M switches: (row, column, pot, sign of M in the coefficient, sign of M in the row's finite bound)
    big_m: list[tuple[int, int, str, float, float]] = field(default_factory=list)

    @property
    def scenario(self) -> Scenario:
        return self.spec.scenario

    @property
    def years(self) -> list[int]:
        return self.scenario.years

    # --- shared expressions (GBP millions) ---

    def budget_col(self, s: str, t: int) -> int:
        return self.program.col(Budget(s, t))

    def pooled_terms(self, s: str, t: int) -> Terms:
        """`y[s,t]`: money of stream s paid into its pot in year t."""
        choice = self.spec.choice
        pot = self.scenario.pot_of(s)
        if pot is None or pot not in self.pots:
            return []
        if choice.mode is PoolingMode.FIXED:
            share = choice.share(s)
            return [(self.budget_col(s, t), share)] if share > 0 else []
        key = PoolShare(s)
        if not self.program.has(key):
            return []
        amount = millions(self.scenario.stream(s).amount_in(t))
        if choice.mode is PoolingMode.WHOLE:
            return [(self.program.col(key), self.scenario.stream(s).pool_share_limit * amount)]
        return [(self.program.col(key), amount)]

    def unpooled_terms(self, s: str, t: int) -> Terms:
        """`B[s,t] - y[s,t]`: the stream's money that stays with its funder."""
        return [(self.budget_col(s, t), 1.0)] + [(c, -v) for c, v in self.pooled_terms(s, t)]

    def spend_col(self, s: str, o: str, t: int) -> int | None:
        """The column of `x[s,o,t]`, stream s's spend on outcome o in year t (None: it may not)."""
        offset = self.outcome_position[s].get(o)
        return None if offset is None else self.x_by_stream_year[(s, t)].start + offset

    def x_cols(self, s: str, outcomes: Iterable[str], years: Iterable[int]) -> list[int]:
        """Spend columns of stream s on those outcomes in those years (where it may fund them)."""
        position = self.outcome_position[s]
        years = tuple(years)
        starts = [self.x_by_stream_year[(s, t)].start for t in years]
        return [start + position[o] for o in outcomes if o in position for start in starts]

    def q_cols(self, p: str, outcomes: Iterable[str], years: Iterable[int]) -> list[int]:
        """Spend columns of pot p on those outcomes in those years (where its scope holds them)."""
        found = []
        for o in outcomes:
            for t in years:
                run = self.program.run_of(PoolSpend, p, t)
                col = None if run is None else run.col(o)
                if col is not None:
                    found.append(col)
        return found

    def streams_spending_on(self, o: str, t: int) -> list[tuple[str, int]]:
        """(stream, column) for every stream that may spend on outcome o, in year t."""
        found = []
        for s in self.streams:
            col = self.spend_col(s, o, t)
            if col is not None:
                found.append((s, col))
        return found

    def members_in_play(self, p: str) -> list[str]:
        return [m for m in self.scenario.pot(p).members if m in self.streams]


def pots_in_play(spec: ModelSpec, streams: list[str]) -> list[str]:
    """Pots that may hold money: those set up (fixed choice) or any the solver could set up."""
    scenario, choice = spec.scenario, spec.choice
    in_play = set(streams)
    found = []
    for pot in scenario.pots:
        members = [m for m in pot.members if m in in_play]
        if not members:
            continue
        if choice.mode is PoolingMode.FIXED:
            if pot.id in choice.pots_used:
                found.append(pot.id)
        elif any(scenario.stream(m).pool_share_limit > 0 for m in members):
            found.append(pot.id)
    return found


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Building allocates many small tuples and no cycles; the cyclic collector only slows it (8% at XL)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def build(spec: ModelSpec, streams: list[str] | None = None) -> Builder:
    """The whole program for `spec`, over all streams or the given ones."""
    with gc_paused():
        return _build(spec, streams)


def _build(spec: ModelSpec, streams: list[str] | None) -> Builder:
    b = money_and_rules(spec, streams)
    if spec.statutory:
        rules.add_statutory_minimums(b)
    response.add_response(b, score=not spec.elastic)
    return b


def money_and_rules(spec: ModelSpec, streams: list[str] | None = None) -> Builder:
    """Everything but the response curves and the score, which the silo plan states its own way."""
    scenario = spec.scenario
    b = Builder(spec)
    b.streams = [s.id for s in scenario.streams] if streams is None else list(streams)
    b.pots = pots_in_play(spec, b.streams)
    declare_spend_columns(b)
    pooling_choice.declare(b)
    money.add_stream_money(b)
    money.add_pot_money(b)
    rules.add_rules(b, spec.rules)
    return b


def declare_spend_columns(b: Builder) -> None:
    """`budget[s,t]` (fixed to B by a row, so its dual prices the money), `x`, `q` and carry."""
    program, scenario, spec = b.program, b.scenario, b.spec
    last = scenario.last_year
    by_outcome = b.x_by_outcome = {o.id: [] for o in scenario.outcomes}
    candidates: dict[str, set[str]] = {}
    for s, o in spec.candidates:
        candidates.setdefault(s, set()).add(o)
    for s in b.streams:
        stream = scenario.stream(s)
        own = spec.eligible(s)
        priced = candidates.get(s, set()) - set(own)
        wanted = set(own) | priced
        outcomes = [o.id for o in scenario.outcomes if o.id in wanted]
        b.outcomes_of_stream[s] = outcomes
        position = b.outcome_position[s] = {o: i for i, o in enumerate(outcomes)}
        for t in b.years:
            budget = program.column(Budget(s, t), lower=0.0)
            label = RowLabel(RowFamily.BUDGET, stream=s, years=(t,))
            extra = []
            if spec.elastic:
                extra = [(program.column(Slack(label), cost=-1.0), -1.0)]
            program.row(
                label,
                [(budget, 1.0), *extra],
                lower=millions(stream.amount_in(t)),
                upper=millions(stream.amount_in(t)),
            )
            cols = program.spend_run(Spend, s, t, outcomes, position)
            for o, col in zip(outcomes, cols, strict=True):
                by_outcome[o].append(col)
            for o in priced:  # a freedom being priced: a column held at zero
                program.col_upper[cols.start + position[o]] = 0.0
            b.x_by_stream_year[(s, t)] = cols
            if t != last and stream.carry_forward > 0:
                program.column(StreamCarry(s, t))
    for p in b.pots:
        pot = scenario.pot(p)
        scope = scenario.scope(p)
        position = {o: i for i, o in enumerate(scope)}
        for t in b.years:
            cols = program.spend_run(PoolSpend, p, t, scope, position)
            for o, col in zip(scope, cols, strict=True):
                b.q_by_outcome.setdefault(o, []).append(col)
            if t != last and pot.carry_forward > 0:
                program.column(PotCarry(p, t))
