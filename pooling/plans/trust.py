"""When the solver's answer for a file cannot be trusted, the plan says so: `unreliable`.

A solver sees money in one unit (`pooling.scale`), to about 1e-7 of it. A file
whose figures are further apart than any unit can hold (a £1 stream beside a
£1e12 one) gets answers that are wrong in ways no check after the solve can
always see: CBC called a plan scoring 1.0 optimal where one scoring 2.0
exists, HiGHS returned plans the engine's own check refused, and a £1
statutory minimum with 95p to spend came back as a failed check instead of
infeasible. Such a plan is `unreliable`, with the two figures named, whatever
the solver said (`optimal`, `infeasible` or `error`); only a time limit
stays what it is.

Within the window the solvers were measured to keep every check on figures
up to `PRECISE_SPAN` apart. Beyond that, a plan the engine's checks refuse
is the solver's precision failing, not a bug in the engine (CBC's answers
come back with 8 significant digits: `pooling.polish`), so it is
`unreliable` too, with the figures and the check that failed; a refused plan
of a file within `PRECISE_SPAN` stays an `error`.
"""

from __future__ import annotations

from dataclasses import replace

from laa.pooling.plans.plan import Plan, PlanStatus
from laa.pooling.program.scale import smallest_and_largest, span, times, unseen

# within the window, both solvers kept every check on figures up to this far apart (measured:
# tests/pooling/test_published.py's areas, £1 to £1e12, and a generated area scaled so a £1 stream sits
# 1e5 to 1e6 below its largest figure); CBC broke them from 2e6 (tests/pooling/test_reach.py)
PRECISE_SPAN = 1e6


def trusted(plan: Plan) -> Plan:
    """The plan, made `unreliable` with the reason where the solver cannot be trusted on its file."""
    if plan.status in (PlanStatus.TIME_LIMIT, PlanStatus.EVALUATED):
        return plan
    reason = unseen(plan.scenario)
    if reason is not None:
        said = "; the solver called the file infeasible" if plan.status is PlanStatus.INFEASIBLE else ""
        return replace(plan, status=PlanStatus.UNRELIABLE, message=reason + said)
    if plan.status is PlanStatus.ERROR and span(plan.scenario) > PRECISE_SPAN:
        return replace(plan, status=PlanStatus.UNRELIABLE, message=_imprecise(plan))
    return plan


def _imprecise(plan: Plan) -> str:
    extremes = smallest_and_largest(plan.scenario)
    assert extremes is not None
    smallest, largest = extremes
    return (
        f"the solver's answer failed the engine's check ({plan.message}); the file's money runs from "
        f"{smallest.said} to {largest.said}, "
        f"{times(largest.amount / smallest.amount)} times apart, beyond the {times(PRECISE_SPAN, 0)} the "
        "solvers were measured to keep their checks on"
    )
