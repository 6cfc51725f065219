"""The builder's state: the index sets and expressions the families of constraints share.

`Builder` holds the pooled money `y[s,t]`, the unpooled money `B - y`, the spend
columns by stream, pot, outcome and year, and what the amounts reach, so each
family module (`money`, `rules`, `response`, `choice`) reads like its paragraph
in MODEL.md. It is its own module so that those families, which `build`
assembles, can know it without knowing `build`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from laa.models.scenario import Scenario
from laa.pooling.program.amounts import Affine, AmountTerms
from laa.pooling.program.labelled import INF, Program
from laa.pooling.program.spec import ModelSpec, PoolingMode
from laa.pooling.program.vocabulary import PoolShare, PoolSpend, RowLabel, Slack

if TYPE_CHECKING:
    from laa.pooling.program.curve import Curve

Terms = list[tuple[int, float]]


@dataclass
class Builder:
    spec: ModelSpec
    program: Program = field(default_factory=Program)
    streams: list[str] = field(default_factory=list)
    pots: list[str] = field(default_factory=list)
    unit: float = 1_000_000.0  # GBP per solver unit of money (pooling.scale)
    outcomes_of_stream: dict[str, list[str]] = field(default_factory=dict)
    # outcome -> offset in the stream's spend runs (the same every year)
    outcome_position: dict[str, dict[str, int]] = field(default_factory=dict)
    streams_of_outcome: dict[str, list[str]] = field(default_factory=dict)  # who may fund it
    x_by_outcome: dict[str, list[int]] = field(default_factory=dict)
    q_by_outcome: dict[str, list[int]] = field(default_factory=dict)
    # a stream-year's spend columns; absent when it has no money to spend
    x_by_stream_year: dict[tuple[str, int], range] = field(default_factory=dict)
    # big-M switches: (row, column, pot, sign of M in the coefficient, sign of M in the row's finite bound)
    big_m: list[tuple[int, int, str, float, float]] = field(default_factory=list)
    amount_terms: AmountTerms = field(default_factory=AmountTerms)
    # each outcome's capped, weighted progress (its share of the score) as (column, coefficient)
    score_terms: dict[str, Terms] = field(default_factory=dict)
    curves: list[Curve] = field(default_factory=list)  # every view of every curve in the program
    place: dict[tuple[str, int], int] = field(default_factory=dict)  # (stream, year) -> place in amounts
    _unpooled: dict[tuple[str, int], Affine] = field(default_factory=dict)  # worked out once each

    @property
    def scenario(self) -> Scenario:
        return self.spec.scenario

    @property
    def years(self) -> list[int]:
        return self.scenario.years

    def for_scenario(self, scenario: Scenario) -> Builder:
        """This program read as a changed copy of its scenario's (a kept model's numbers moved in place)."""
        return replace(self, spec=replace(self.spec, scenario=scenario), _unpooled={})

    # --- money in solver units ---

    def money(self, gbp: float) -> float:
        """GBP as the solver's units."""
        return gbp / self.unit

    def amount(self, s: str, t: int) -> Affine:
        """`B[s,t]`, a number that moves with the stream's amount."""
        gbp = self.scenario.stream(s).amount_in(t)
        return Affine(gbp / self.unit, (), ((self.place[(s, t)], 1.0 / self.unit),))

    def pooled(self, s: str, t: int) -> Affine:
        """`y[s,t]`: money of stream s paid into its pot in year t."""
        choice = self.spec.choice
        pot = self.scenario.pot_of(s)
        if pot is None or pot not in self.pots:
            return Affine()
        if choice.mode is PoolingMode.FIXED:
            share = choice.share(s)
            return self.amount(s, t).times(share) if share > 0 else Affine()
        col = self.program.find(PoolShare(s))
        if col is None:
            return Affine()
        amount = self.money(self.scenario.stream(s).amount_in(t))
        if choice.mode is PoolingMode.WHOLE:
            return Affine(terms=((col, self.scenario.stream(s).pool_share_limit * amount),))
        return Affine(terms=((col, amount),))

    def unpooled(self, s: str, t: int) -> Affine:
        """`B[s,t] - y[s,t]`: the stream's money that stays with its funder."""
        found = self._unpooled.get((s, t))
        if found is None:
            found = self._unpooled[(s, t)] = self.amount(s, t) + self.pooled(s, t).times(-1.0)
        return found

    def bounded(
        self, label: RowLabel, terms: Terms, money: Affine, minimum: bool, elastic: bool = False
    ) -> int | None:
        """`terms >= money` (a minimum) or `terms <= money`: money's columns to the left, its
        number to the bound. With `elastic` (a rule or minimum), an elastic program may break
        the row at a cost of one per unit; money rows give instead through the amounts."""
        program = self.program
        money = money.merged()
        terms = [*terms, *((c, -v) for c, v in money.terms)]
        if not terms and not self.spec.elastic and _holds_at_nothing(money, minimum):
            return None  # a row of no columns that nothing can break: nothing for HiGHS to remove
        if elastic and self.spec.elastic:
            terms.append((program.column(Slack(label), cost=-1.0), 1.0 if minimum else -1.0))
        if minimum:
            row = program.row(label, terms, lower=money.constant, upper=INF)
        else:
            row = program.row(label, terms, upper=money.constant)
        self.amount_terms.rows.extend((row, place, coef) for place, coef in money.amounts)
        return row

    # --- columns ---

    def spend_col(self, s: str, o: str, t: int) -> int | None:
        """The column of `x[s,o,t]`, stream s's spend on outcome o in year t (None: there is none)."""
        offset = self.outcome_position[s].get(o)
        cols = self.x_by_stream_year.get((s, t))
        return None if offset is None or cols is None else cols.start + offset

    def x_cols(self, s: str, outcomes: Iterable[str], years: Iterable[int]) -> list[int]:
        """Spend columns of stream s on those outcomes in those years (where it may fund them)."""
        position = self.outcome_position[s]
        starts = [cols.start for t in years if (cols := self.x_by_stream_year.get((s, t))) is not None]
        return [start + position[o] for o in outcomes if o in position for start in starts]

    def q_cols(self, p: str, outcomes: Iterable[str], years: Iterable[int]) -> list[int]:
        """Spend columns of pot p on those outcomes in those years (where its scope holds them)."""
        runs = [run for t in years if (run := self.program.run_of(PoolSpend, p, t)) is not None]
        return [col for o in outcomes for run in runs if (col := run.col(o)) is not None]

    def streams_spending_on(self, o: str, t: int) -> list[tuple[str, int]]:
        """(stream, column) for every stream that may spend on outcome o, in year t."""
        found = []
        for s in self.streams_of_outcome.get(o, ()):
            cols = self.x_by_stream_year.get((s, t))
            if cols is not None:
                found.append((s, cols.start + self.outcome_position[s][o]))
        return found

    def members_in_play(self, p: str) -> list[str]:
        return [m for m in self.scenario.pot(p).members if m in self.streams]


def _holds_at_nothing(money: Affine, minimum: bool) -> bool:
    """Whether `0 >= money` (a minimum) or `0 <= money` holds whatever the amounts it moves with."""
    if any(coef != 0.0 for _, coef in money.amounts):
        return False
    return money.constant <= 0.0 if minimum else money.constant >= 0.0


