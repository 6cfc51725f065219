"""The solver's money unit, chosen from the scenario's own amounts, and whether any unit will do.

Solvers work to absolute tolerances (HiGHS and CBC: about 1e-7 of whatever
unit they are given), and their searches judge gaps against coefficients of
that size too. A borough's curves in GBP millions put its numbers near 1; a
parish's £20,000 in millions is 0.02, within a few tolerances of nothing,
and a national programme's £50bn is 50,000. So the unit is a power of ten
taken from the scenario: a scenario whose money is all scaled by a power of
ten reaches the solver as the very same program.

Which magnitude: the median width of the response curves' segments (the
money the curves are drawn in), falling back on the median stream-year
amount for curves with no finite segment. With the unit near a typical
segment, a segment's width is near 1 and its worth in the score (weight /
gap x effect / width x unit) near the outcome's weight. Measured by HiGHS's
simplex iterations on the generated shapes at M (seeds 0-2, aligned and
pooled, benchmarks/README.md): the segment unit took the fewest or close to
it on every shape, while the unit of the median stream-year amount (£100k
on most shapes, £10k for many small streams) took up to 1.8 times as many.

Every figure must also be seen (the window): the smallest money figure
the program holds (a stream-year, a segment's width, a rule's amount, a
statutory minimum, a set-up cost) at least `SMALLEST_SEEN` units, a
thousand tolerances, and the largest at most `LARGEST_SEEN` units.
Measured beside a £1e11 stream (`tests/pooling/test_reach.py` keeps the
cases): a £1 statutory minimum with 95p to spend was found infeasible only
in units where £1 was at least 1e-5 units, and a £1 stream under a `match:
100` rule was planned right by CBC only where the £1e11 was at most 1e6
units (HiGHS: 1e8). Outside, the solvers returned plans the engine's own
check refused, called the minimum met, or (CBC, on £1 beside £1e12) called
a plan scoring 1.0 optimal where one scoring 2.0 exists. The window keeps a
factor of ten inside both edges. So the curves' unit is kept when it sees
every figure, moved to the nearest power of ten that does otherwise, and
when the figures are more than `WIDEST_SPAN` apart no unit does: `unseen`
names the two, and the plan is `unreliable` (`pooling.trust`).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterator
from dataclasses import dataclass

from laa.models.scenario import Scenario

MILLION = 1_000_000.0
# the solvers' feasibility tolerance, in their unit of money: HiGHS's and CBC's default
SOLVER_TOLERANCE = 1e-7
SMALLEST_SEEN = 1e-4  # units: the smallest money figure is at least a thousand tolerances
LARGEST_SEEN = 1e5  # units
WIDEST_SPAN = LARGEST_SEEN / SMALLEST_SEEN  # 1e9: the farthest apart two figures may be for any unit
# a hair for log10 of an exact power of ten
_DECADE = 1e-9


@dataclass(frozen=True)
class Figure:
    """One money figure of the scenario, in pounds, and where it is, as a finance lead names it."""

    amount: float
    what: str

    @property
    def said(self) -> str:
        """`stream small's amount in 2026 (£1)`."""
        return f"{self.what} ({pounds_text(self.amount)})"


def money_unit(scenario: Scenario) -> float:
    """GBP per solver unit: the power of ten nearest the median segment width, moved into the window
    when that unit would not see every figure (see the module)."""
    widths = [seg.spend for o in scenario.outcomes for seg in o.response if seg.spend]
    if not widths:
        widths = [a for s in scenario.streams for t in scenario.years if (a := s.amount_in(t)) > 0]
    if not widths:
        return MILLION
    unit = 10.0 ** round(math.log10(statistics.median(widths)))
    window = unit_window(scenario)
    if window is None:
        return unit  # no unit sees every figure: the plan is unreliable whatever the unit
    low, high = window
    return min(max(unit, low), high)


def unit_window(scenario: Scenario) -> tuple[float, float] | None:
    """The powers of ten (least, most) that see every money figure; None when none does."""
    extremes = smallest_and_largest(scenario)
    if extremes is None:
        return 0.0, math.inf  # no money at all: any unit will do
    smallest, largest = extremes
    low = 10.0 ** math.ceil(math.log10(largest.amount / LARGEST_SEEN) - _DECADE)
    high = 10.0 ** math.floor(math.log10(smallest.amount / SMALLEST_SEEN) + _DECADE)
    return (low, high) if low <= high else None


def smallest_and_largest(scenario: Scenario) -> tuple[Figure, Figure] | None:
    """The scenario's smallest and largest money figures (None when it has none above zero)."""
    smallest = largest = None
    for amount, where in _figures(scenario):
        if smallest is None or amount < smallest[0]:
            smallest = (amount, where)
        if largest is None or amount > largest[0]:
            largest = (amount, where)
    if smallest is None or largest is None:
        return None
    return Figure(smallest[0], smallest[1]()), Figure(largest[0], largest[1]())


def span(scenario: Scenario) -> float:
    """How many times its smallest money figure the largest is (1 for a scenario with none)."""
    extremes = smallest_and_largest(scenario)
    return 1.0 if extremes is None else extremes[1].amount / extremes[0].amount


def unseen(scenario: Scenario) -> str | None:
    """Why no money unit lets a solver see all of the scenario's figures, naming the two farthest
    apart; None when some unit does."""
    if unit_window(scenario) is not None:
        return None
    extremes = smallest_and_largest(scenario)
    assert extremes is not None
    smallest, largest = extremes
    return (
        f"{smallest.said} and {largest.said} are {times(largest.amount / smallest.amount)} times apart: "
        f"a solver works to about {times(SOLVER_TOLERANCE, 0)} of its unit of money, so no unit lets it "
        f"see figures more than {times(WIDEST_SPAN, 0)} apart, and its plan cannot be trusted"
    )


def times(ratio: float, digits: int = 1) -> str:
    """A ratio as a power of ten a reader takes in at once: `1.0e12`, `1e-7`."""
    mantissa, exponent = f"{ratio:.{digits}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def pounds_text(amount: float) -> str:
    """A figure as the file gives it: whole pounds, or pence where a small one has them (95p: £0.95)."""
    return f"£{amount:,.2f}" if amount < 100 and amount != int(amount) else f"£{amount:,.0f}"


def _figures(scenario: Scenario) -> Iterator[tuple[float, _Where]]:
    """Every money figure above zero the programs hold, each with a way to name it (named only
    for the two the message needs: an XL file has thousands)."""
    for s in scenario.streams:
        for t in scenario.years:
            if (a := s.amount_in(t)) > 0:
                yield a, _Where("stream {}'s amount in {}", s.id, t)
    for o in scenario.outcomes:
        for k, seg in enumerate(o.response, start=1):
            if seg.spend:
                yield seg.spend, _Where("the width of segment {} of outcome {}'s curve", k, o.id)
        for t in scenario.years:
            if (m := o.min_spend_in(t)) > 0:
                yield m, _Where("the statutory minimum of outcome {} in {}", o.id, t)
    for r in scenario.rules:
        if r.kind.is_amount and r.value > 0:
            yield r.value, _Where("rule {}'s amount", r.id)
    for p in scenario.pots:
        if p.setup_cost > 0:
            yield p.setup_cost, _Where("pot {}'s set-up cost", p.id)


@dataclass(frozen=True)
class _Where:
    template: str
    first: object
    second: object = None

    def __call__(self) -> str:
        return self.template.format(self.first, self.second)
