"""The solver's money unit, chosen from the scenario's own amounts.

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
"""

from __future__ import annotations

import math
import statistics

from laa.models.scenario import Scenario

MILLION = 1_000_000.0


def money_unit(scenario: Scenario) -> float:
    """GBP per solver unit: the power of ten nearest the median segment width (see the module)."""
    widths = [seg.spend for o in scenario.outcomes for seg in o.response if seg.spend]
    if not widths:
        widths = [a for s in scenario.streams for t in scenario.years if (a := s.amount_in(t)) > 0]
    if not widths:
        return MILLION
    return 10.0 ** round(math.log10(statistics.median(widths)))
