"""Each partner's side of the changes: its own-view result under every arrangement, now and at base.

A partner at the table asks whether the change just made leaves it better
or worse off on the outcomes it answers for (MODEL.md, Partners: its own
view). The view is the one the partner came to the meeting with, the base
scenario's: a freedom granted to its stream in the meeting widens what the
stream may fund, not what the partner is accountable for. Under the plan
whose flows are shown, its account too: what it pays into pots and the
score its money buys, with pooled money badged back to it.
"""

from __future__ import annotations

from typing import Any

from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.plan import Plan
from laa.scenarios.analysis.badges import accounts, funders_with_streams
from laa.scenarios.analysis.partners import BETTER_OFF_TOLERANCE, own_view_score, own_views


def partner_rows(
    base: Scenario, base_plans: list[Plan], now_plans: list[Plan | None], focus: Arrangement | None
) -> list[dict[str, Any]]:
    """One row per funder with streams, in the file's order (a pending arrangement: no figures now)."""
    views = own_views(base)
    funders = funders_with_streams(base)
    silo = next((p for p in now_plans if p is not None and p.arrangement is Arrangement.SILO), None)
    shown = list(zip(base_plans, now_plans, strict=True))
    account_base, account_now = _accounts(shown, focus, funders)
    rows = []
    for f in funders:
        view = views[f]
        alone = own_view_score(silo, view) if silo is not None else None
        arrangements = {}
        for b, n in shown:
            now = None if n is None else own_view_score(n, view)
            better = None if now is None or alone is None else now >= alone - BETTER_OFF_TOLERANCE
            base_score = own_view_score(b, view)
            arrangements[b.arrangement.value] = {"base": base_score, "now": now, "better_off": better}
        rows.append(
            {
                "funder": f,
                "name": base.label("funders", f),
                "outcomes": len(view),
                "arrangements": arrangements,
                "account": {"base": account_base.get(f), "now": account_now.get(f)},
            }
        )
    return rows


def _accounts(
    shown: list[tuple[Plan, Plan | None]], focus: Arrangement | None, funders: list[str]
) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """Each funder's paid-in money, spend and score bought under the plan shown, at base and now."""
    pair = next(((b, n) for b, n in shown if n is not None and n.arrangement is focus), None)
    if pair is None or pair[1] is None:
        return {}, {}
    return _figures(pair[0], funders), _figures(pair[1], funders)


def _figures(plan: Plan, funders: list[str]) -> dict[str, dict[str, float]]:
    if not plan.has_numbers or plan.evaluation is None or plan.spending is None:
        return {}
    return {
        a.funder: {"paid_into_pots": a.paid_into_pots, "spent": a.spent, "score_bought": a.score_bought}
        for a in accounts(plan, funders)
    }
