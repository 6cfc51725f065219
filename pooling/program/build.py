"""Assembling MODEL.md's program: columns first, then each family of constraints in its module.

`Builder` holds the index sets and the expressions the families share
(pooled money `y[s,t]`, unpooled money `B - y`, spend on an outcome) so each
family module reads like its paragraph in MODEL.md.

The program is lean: a row only where a bound cannot say it. A stream's
amount is no column of its own: with the pooling fixed, `B - y` is a number,
so it is the bound of the stream's money row, a carry's cap is its column's
upper bound, and a stream-year with no money to spend (none left after
pooling, nothing carried in) has no spend columns at all. Where the scenario's
amounts reach a bound, `AmountTerms` records how (solver units per GBP), so
a stream's shadow price is read from the duals of the bounds its money
sets, and a kept model moves those bounds when an amount changes.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from laa.pooling.program import choice as pooling_choice
from laa.pooling.program import money, response, rules
from laa.pooling.program.builder import Builder
from laa.pooling.program.spec import ModelSpec, PoolingMode
from laa.pooling.program.vocabulary import RowFamily, RowLabel, Slack

Terms = list[tuple[int, float]]


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
    # the rows in the independent floor's order: money, curves, rules, minimums (its dual simplex
    # path at standard XL aligned: 9,256 iterations, against 10,372 with the curves last)
    b = _money(spec, streams)
    response.add_response(b, score=not spec.elastic)
    _rules(b, statutory=spec.statutory)
    return b


def money_and_rules(spec: ModelSpec, streams: list[str] | None = None) -> Builder:
    """Everything but the response curves, the score and the statutory minimums, which the silo
    plan states its own way."""
    b = _money(spec, streams)
    _rules(b, statutory=False)
    return b


def _money(spec: ModelSpec, streams: list[str] | None) -> Builder:
    """The columns, and the stream and pot money rows."""
    scenario = spec.scenario
    b = Builder(spec, unit=spec.money_unit)
    b.streams = [s.id for s in scenario.streams] if streams is None else list(streams)
    b.pots = pots_in_play(spec, b.streams)
    years = len(scenario.years)
    b.place = {
        (s.id, t): i * years + j for i, s in enumerate(scenario.streams) for j, t in enumerate(scenario.years)
    }
    pooling_choice.declare(b)
    money.declare_spend(b, declare_outcomes(b))
    money.add_stream_money(b)
    money.add_pot_money(b)
    return b


def _rules(b: Builder, statutory: bool) -> None:
    """The funder rules (and statutory minimums); then, in an elastic program, the money it may add."""
    rules.add_rules(b, b.spec.rules)
    if statutory:
        rules.add_statutory_minimums(b)
    if b.spec.elastic:
        add_money_slack(b)


def add_money_slack(b: Builder) -> None:
    """The smallest relaxation may add money to any stream-year: a slack that enters every bound
    the year's amount sets (its money, its carry's cap, the share rules on it, its pot's money),
    at a cost of one per unit, as the amount itself would."""
    program = b.program
    by_place: dict[int, dict[int, float]] = {}
    for row, place, coef in b.amount_terms.rows:
        rows = by_place.setdefault(place, {})
        rows[row] = rows.get(row, 0.0) + coef  # a row may hold a year's amount twice (B - y)
    for s in b.streams:
        for t in b.years:
            label = RowLabel(RowFamily.BUDGET, stream=s, years=(t,))
            slack = program.column(Slack(label), cost=-1.0)
            for row, coef in by_place.get(b.place[(s, t)], {}).items():
                program.add_term(row, slack, -coef * b.unit)


def declare_outcomes(b: Builder) -> dict[str, list[str]]:
    """The outcomes each stream may fund; returns those among them being priced as a freedom (their
    columns are held at zero). The columns themselves are `money.declare_spend`'s."""
    scenario, spec = b.scenario, b.spec
    b.x_by_outcome = {o.id: [] for o in scenario.outcomes}
    candidates: dict[str, set[str]] = {}
    for s, o in spec.candidates:
        candidates.setdefault(s, set()).add(o)
    priced: dict[str, list[str]] = {}
    for s in b.streams:
        own = spec.eligible(s)
        priced[s] = sorted(candidates.get(s, set()) - set(own))
        wanted = set(own) | set(priced[s])
        outcomes = [o.id for o in scenario.outcomes if o.id in wanted]
        b.outcomes_of_stream[s] = outcomes
        b.outcome_position[s] = {o: i for i, o in enumerate(outcomes)}
        for o in outcomes:
            b.streams_of_outcome.setdefault(o, []).append(s)
    return priced
