"""Funder rules and statutory minimums (MODEL.md, Constraints: rules).

A rule binds the streams' own (unpooled) spend `x`. One that survives
pooling also binds the pots: a share rule holds inside each pot holding
streams of the rule, an amount rule counts the spend of every pot with a
member in the rule, and a match rule is unchanged (pots' spend always
counts on the matching side). A statutory minimum counts every stream and
every pot, each year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from laa.models.scenario import Rule, RuleKind
from laa.pooling.program.amounts import Affine
from laa.pooling.program.choice import holding, pot_money_bound
from laa.pooling.program.vocabulary import Counted, RowFamily, RowLabel

if TYPE_CHECKING:
    from laa.pooling.program.builder import Builder, Terms


def add_rules(b: Builder, rules: list[Rule]) -> None:
    """Add every spending rule that touches a stream in this program, once per year or period it covers."""
    for rule in rules:
        streams = [s for s in b.scenario.rule_streams(rule) if s in b.streams]
        if not streams:
            continue
        outcomes = b.scenario.expand(rule.outcomes)
        for years in b.scenario.rule_periods(rule):
            add_rule(b, rule, streams, outcomes, years)


def add_rule(b: Builder, rule: Rule, streams: list[str], outcomes: list[str], years: tuple[int, ...]) -> None:
    """Add one rule over one year or period: a share rule is measured against the money left unpooled
    (and follows pooled money into its pots when it survives pooling); an amount rule is in pounds."""
    kind, value = rule.kind, rule.value
    spend: Terms = [(c, 1.0) for s in streams for c in b.x_cols(s, outcomes, years)]
    label = RowLabel(RowFamily.RULE, rule=rule.id, years=years)
    if kind.is_share:
        unpooled = Affine()
        for s in streams:
            for t in years:
                unpooled = unpooled + b.unpooled(s, t)
        _bound(b, label, spend, kind, unpooled.times(value))
        if rule.survives_pooling:
            for p in b.pots:
                _share_in_pot(b, rule, streams, outcomes, years, p)
    elif kind.is_amount:
        if rule.survives_pooling:
            for p in b.pots:
                spend += _pot_spend_counted(b, rule, streams, outcomes, years, p)
        _bound(b, label, spend, kind, Affine(b.money(value)))
    else:  # match: other funders' streams and every pot against the rule's streams
        # gathered outcome by outcome from the streams that may fund it, not stream by stream over
        # every stream in the area (a rule names a few outcomes; an area may hold hundreds of streams)
        funder_of = b.scenario.funder_of
        own_funders = {funder_of(s) for s in streams}
        matching = [
            (c, 1.0)
            for o in outcomes
            for t in years
            for s, c in b.streams_spending_on(o, t)
            if funder_of(s) not in own_funders
        ]
        matching += [(c, 1.0) for p in b.pots for c in b.q_cols(p, _in_scope(b, p, outcomes), years)]
        _bound(b, label, matching + [(c, -value * v) for c, v in spend], kind, Affine())


def _share_in_pot(
    b: Builder, rule: Rule, streams: list[str], outcomes: list[str], years: tuple[int, ...], p: str
) -> None:
    """The share rule inside pot p, on the money of the rule's streams pooled there."""
    held = holding(b, p, streams)
    if held is False:
        return
    value, kind = rule.value, rule.kind
    members = [m for m in b.members_in_play(p) if m in streams]
    paid_in = Affine()
    for m in members:
        for t in years:
            paid_in = paid_in + b.pooled(m, t)
    pot_spend = [(c, 1.0) for c in b.q_cols(p, _in_scope(b, p, outcomes), years)]
    label = RowLabel(RowFamily.RULE_POT, rule=rule.id, pot=p, years=years)
    if held is True or kind.is_minimum:
        # a minimum share of nothing pooled asks nothing, so it needs no switch
        _bound(b, label, pot_spend, kind, paid_in.times(value))
    else:  # a cap in a pot that may not hold the streams: switched off unless it does
        most = pot_money_bound(b, p)
        row = _bound(b, label, [*pot_spend, (held, most)], kind, paid_in.times(value) + Affine(most))
        assert row is not None  # it holds the switch
        b.big_m.append((row, held, p, 1.0, 1.0))


def _pot_spend_counted(
    b: Builder, rule: Rule, streams: list[str], outcomes: list[str], years: tuple[int, ...], p: str
) -> Terms:
    """Pot p's spend on the rule's outcomes, as counted in an amount rule: only when p holds its streams.

    With the pooling chosen by the solver, a column `counted` is the pot's spend when it holds the
    streams and nothing otherwise: for a cap it is held at least that high (counted >= spend -
    M(1 - held)), for a minimum at most that high (counted <= spend, counted <= M held), M being
    the most the pot could ever spend. The streams' own spend stays in the rule either way.
    """
    held = holding(b, p, streams)
    if held is False:
        return []
    pot_spend = [(c, 1.0) for c in b.q_cols(p, _in_scope(b, p, outcomes), years)]
    if held is True:
        return pot_spend
    program, most = b.program, pot_money_bound(b, p)
    counted = program.column(Counted(rule.id, p, years))
    minus_spend = [(c, -1.0) for c, _ in pot_spend]
    if rule.kind.is_minimum:
        program.row(
            RowLabel(RowFamily.COUNTED_SPEND, rule=rule.id, pot=p, years=years),
            [(counted, 1.0), *minus_spend],
            upper=0.0,
        )
        row = program.row(
            RowLabel(RowFamily.COUNTED_IF_HELD, rule=rule.id, pot=p, years=years),
            [(counted, 1.0), (held, -most)],
            upper=0.0,
        )
        b.big_m.append((row, held, p, -1.0, 0.0))
    else:
        row = program.row(
            RowLabel(RowFamily.COUNTED_IF_HELD, rule=rule.id, pot=p, years=years),
            [(counted, 1.0), *minus_spend, (held, -most)],
            lower=-most,
        )
        b.big_m.append((row, held, p, -1.0, -1.0))
    return [(counted, 1.0)]


def add_statutory_minimums(b: Builder) -> None:
    """Hold each outcome's statutory minimum spend for every year, counting streams and pots alike."""
    for outcome in b.scenario.outcomes:
        for t in b.years:
            minimum = outcome.min_spend_in(t)
            if minimum <= 0:
                continue
            spend = [(c, 1.0) for _, c in b.streams_spending_on(outcome.id, t)]
            spend += [(c, 1.0) for p in b.pots for c in b.q_cols(p, [outcome.id], (t,))]
            label = RowLabel(RowFamily.STATUTORY, outcome=outcome.id, years=(t,))
            _bound(b, label, spend, RuleKind.MIN_AMOUNT, Affine(b.money(minimum)))


def _in_scope(b: Builder, pot: str, outcomes: list[str]) -> list[str]:
    scope = set(b.scenario.scope(pot))
    return [o for o in outcomes if o in scope]


def _bound(b: Builder, label: RowLabel, terms: Terms, kind: RuleKind, money: Affine) -> int | None:
    """`terms >= money` for a minimum, `<= money` for a maximum; elastic rows may be broken at a cost."""
    return b.bounded(label, terms, money, minimum=kind.is_minimum, elastic=True)
