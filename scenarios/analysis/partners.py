"""The partners' view (MODEL.md, Partners): what each funder puts in and gets out, who gains from
aligning and pooling, and a fairer plan within reach.

`partners` plans silo, aligned and pooled (and any other arrangement asked
for), then reads them from each funder's side: its account with pooled
money badged back to it, the score its money bought, its own view and
whether it is better off than planning alone, its Shapley shares of the
gain of aligning and of the gain of pooling, and, for each arrangement
asked for, the fair plan and the room to negotiate by block. Programs are
built and solved in `pooling` (coalitions, partners, fair, ranges); this
module says what to ask them and composes the answers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from laa.models.scenario import Arrangement, Scenario
from laa.pooling.partners.coalitions import AligningPlans, Coalition, CoalitionPlan, PoolingPlans
from laa.pooling.partners.fair import fair_plan
from laa.pooling.partners.ranges import Counted, money_range
from laa.pooling.partners.reach import WithinReach
from laa.pooling.plans.badging import pot_shares
from laa.pooling.plans.plan import Plan, PlanStatus
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.solving.solvers import SolveOptions
from laa.pooling.units import area_money, gbp
from laa.scenarios.analysis.arrangements import plan_arrangement
from laa.scenarios.analysis.badges import Account, accounts, funders_with_streams, money_on
from laa.scenarios.analysis.shapley import Method, Shares, shapley
from laa.scenarios.formats import Document, format_version

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_EPSILON = 0.01
FAIR_ARRANGEMENTS = (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)
# an own-view score within the solver's tolerance of silo's is not worse off
BETTER_OFF_TOLERANCE = 1e-7
SHARES_COLUMNS = [
    "funder",
    "share_of_aligning",
    "standard_error_aligning",
    "share_of_pooling",
    "standard_error_pooling",
]


@dataclass
class FairResult:
    """The fair plan beside the arrangement's optimum, each funder's own-view gain over silo in both."""

    arrangement: Arrangement
    status: PlanStatus
    message: str = ""
    plan: Plan | None = None
    score: float | None = None
    optimum: float | None = None
    min_gain: float | None = None
    optimum_min_gain: float | None = None
    gains: dict[str, float] = field(default_factory=dict)
    optimum_gains: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class RangeRow:
    """How far a funder's money on a block can move among plans within epsilon of the optimum."""

    funder: str
    block: str
    least: float | None
    most: float | None
    in_optimum: float
    message: str = ""


@dataclass
class PartnersResult:
    """Everything the partners' view found for one scenario, kept together so the text, JSON and
    workbook outputs all say the same."""

    scenario: Scenario
    epsilon: float
    arrangements: list[Arrangement]  # those the fair plan and ranges are for
    funders: list[str]
    views: dict[str, list[str]]
    plans: dict[Arrangement, Plan]
    accounts: dict[Arrangement, list[Account]]
    own_view: dict[str, dict[Arrangement, float | None]]
    aligning: Shares
    pooling: Shares
    fair: dict[Arrangement, FairResult]
    ranges: dict[Arrangement, list[RangeRow]]
    seconds: dict[str, float] = field(default_factory=dict)
    pots_set_up: frozenset[str] = frozenset()  # the pots vP(all) sets up (MODEL.md, Partners)

    def better_off(self, funder: str, arrangement: Arrangement) -> bool | None:
        """Whether the funder's own-view score under `arrangement` is at least its silo one."""
        own = self.own_view[funder]
        here, alone = own.get(arrangement), own.get(Arrangement.SILO)
        if here is None or alone is None:
            return None
        return here >= alone - BETTER_OFF_TOLERANCE

    # --- the public API's views (laa.partners) ---

    def document(self) -> dict[str, Any]:
        """The partners document of SCENARIO.md (what `laa partners --format json` writes)."""
        return partners_document(self)

    def shares_frame(self) -> pd.DataFrame:
        """Per funder: its share of the gain of aligning and of pooling (and standard errors if sampled)."""
        import pandas as pd

        rows = []
        for f in self.funders:
            row: dict[str, Any] = {"funder": f}
            for name, shares in (("aligning", self.aligning), ("pooling", self.pooling)):
                row[f"share_of_{name}"] = shares.shares.get(f)
                row[f"standard_error_{name}"] = (shares.standard_error or {}).get(f)
            rows.append(row)
        # an exact share has no standard error, an undefined share no value: NaN in a float column
        return _floats(pd.DataFrame(rows, columns=SHARES_COLUMNS), SHARES_COLUMNS[1:])

    def accounts_frame(self) -> pd.DataFrame:
        """One row per arrangement and funder: money in, into pots, overhead, set-up, lapsed, spent (GBP)
        and score bought."""
        import pandas as pd

        keys = ["amounts", "paid_into_pots", "overhead", "setup", "lapsed", "spent", "score_bought"]
        rows = [
            {"arrangement": a.value, "funder": x.funder, **{k: getattr(x, k) for k in keys}}
            for a, books in self.accounts.items()
            for x in books
        ]
        return pd.DataFrame(rows, columns=["arrangement", "funder", *keys])

    def own_view_frame(self) -> pd.DataFrame:
        """Per funder: its own-view score under each arrangement planned (NaN where it has none)."""
        import pandas as pd

        names = [a.value for a in self.plans]
        rows = [{"funder": f, **{a.value: self.own_view[f][a] for a in self.plans}} for f in self.funders]
        return _floats(pd.DataFrame(rows, columns=["funder", *names]), names)

    def fair_frame(self) -> pd.DataFrame:
        """Per arrangement and funder: its own-view gain over silo in the optimum and in the fair plan."""
        import pandas as pd

        rows = [
            {
                "arrangement": a.value,
                "funder": f,
                "gain_in_optimum": fair.optimum_gains.get(f),
                "gain_in_fair_plan": fair.gains.get(f),
            }
            for a, fair in self.fair.items()
            for f in self.funders
        ]
        columns = ["arrangement", "funder", "gain_in_optimum", "gain_in_fair_plan"]
        return _floats(pd.DataFrame(rows, columns=columns), columns[2:])

    def ranges_frame(self) -> pd.DataFrame:
        """Per arrangement, funder and block: its money in the optimum and the least and most (GBP)."""
        import pandas as pd

        columns = ["arrangement", "funder", "block", "in_optimum", "least", "most"]
        rows = [
            [a.value, r.funder, r.block, r.in_optimum, r.least, r.most]
            for a, found in self.ranges.items()
            for r in found
        ]
        return _floats(pd.DataFrame(rows, columns=columns), columns[3:])


def _floats(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The columns as floats, None as NaN: a column of Nones (every share exact, so no standard
    errors) would otherwise be of objects, which sums and plots refuse."""
    return frame.astype(dict.fromkeys(columns, float))


def own_views(scenario: Scenario) -> dict[str, list[str]]:
    """Each funder's own view: its `interests` where the file gives them, else what its streams may fund."""
    views = {}
    for f in funders_with_streams(scenario):
        interests = scenario.funder(f).interests
        if interests is not None:
            views[f] = scenario.expand(interests)
        else:
            reach = {o for s in scenario.streams if s.funder == f for o in scenario.eligible(s.id)}
            views[f] = [o.id for o in scenario.outcomes if o.id in reach]
    return views


def own_view_score(plan: Plan, view: Sequence[str]) -> float | None:
    """The area's score counted over the view's outcomes only (everyone's money counts towards them)."""
    if not plan.has_numbers or plan.evaluation is None:
        return None
    wanted = set(view)
    return sum(o.score for o in plan.evaluation.outcomes if o.id in wanted)


def fixed_spec(plan: Plan) -> ModelSpec:
    """The arrangement's program with its pooling choice fixed as the plan made it."""
    scenario = plan.scenario
    if plan.arrangement is not Arrangement.OPTIMAL:
        return ModelSpec(scenario, PoolingChoice.for_arrangement(scenario, plan.arrangement))
    assert plan.spending is not None
    return ModelSpec(scenario, PoolingChoice.fixed(plan.spending.shares, plan.spending.pots_used))


def partners(
    scenario: Scenario,
    arrangements: Sequence[Arrangement] = (Arrangement.ALIGNED, Arrangement.POOLED),
    epsilon: float = DEFAULT_EPSILON,
    orders: int | None = None,
    seed: int = 0,
    options: SolveOptions | None = None,
) -> PartnersResult:
    """Every figure of MODEL.md's Partners section, for every funder with streams.

    `arrangements` are those whose fair plan and ranges are worked out (aligned, pooled, optimal);
    `orders` asks for the Shapley shares to be estimated from that many random orders (seeded by
    `seed`) even where they could be exact.
    """
    chosen = list(dict.fromkeys(arrangements))
    for a in chosen:
        if a not in FAIR_ARRANGEMENTS:
            raise ValueError(f"the fair plan and ranges are for aligned, pooled or optimal; not {a.value}")
    if not 0.0 <= epsilon < 1.0:
        raise ValueError(f"epsilon must be at least 0 and below 1; got {epsilon}")
    started = time.perf_counter()
    seconds: dict[str, float] = {}
    planned = [Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED]
    planned += [a for a in chosen if a not in planned]
    plans = {a: plan_arrangement(scenario, a, options) for a in planned}
    seconds["plans"] = time.perf_counter() - started
    highs = sum(p.seconds.get("solve", 0.0) + p.seconds.get("resolve", 0.0) for p in plans.values())

    funders = funders_with_streams(scenario)
    views = own_views(scenario)
    books = {a: accounts(p, funders) for a, p in plans.items() if p.has_numbers}
    own = {f: {a: own_view_score(p, views[f]) for a, p in plans.items()} for f in funders}

    mark = time.perf_counter()
    aligning, kept = _gain_of_aligning(scenario, plans, funders, orders, seed, options)
    seconds["aligning"] = time.perf_counter() - mark
    highs += kept
    mark = time.perf_counter()
    pooling, pots_set_up, kept = _gain_of_pooling(scenario, plans, funders, orders, seed, options)
    seconds["pooling"] = time.perf_counter() - mark
    highs += kept

    mark = time.perf_counter()
    fair: dict[Arrangement, FairResult] = {}
    ranges: dict[Arrangement, list[RangeRow]] = {}
    silo_own = {f: own[f][Arrangement.SILO] for f in funders}
    for a in chosen:
        silo = plans[Arrangement.SILO]
        ranges[a], fair[a], kept = _within_reach(plans[a], silo, funders, views, silo_own, epsilon, options)
        highs += kept
    seconds["within_reach"] = time.perf_counter() - mark
    seconds["total"] = time.perf_counter() - started
    seconds["highs"] = highs
    return PartnersResult(
        scenario,
        epsilon,
        chosen,
        funders,
        views,
        plans,
        books,
        own,
        aligning,
        pooling,
        fair,
        ranges,
        seconds,
        pots_set_up,
    )


# --- the gains and their shares ---


def _names(scenario: Scenario, coalition: Coalition) -> str:
    return ", ".join(scenario.label("funders", f) for f in sorted(coalition))


def _undefined(funders: list[str], why: str, total: float | None = None) -> Shares:
    return Shares(total, Method.EXACT, dict.fromkeys(funders), undefined_because=why)


def _failed_plan(plan: Plan) -> str:
    return f"the {plan.arrangement.value} plan is {plan.status.value}: {plan.message or 'no reason given'}"


def _explainer(
    scenario: Scenario, game: AligningPlans | PoolingPlans, lead: Callable[[str], str]
) -> Callable[[CoalitionPlan], str]:
    """Why a coalition's plan failed, in the scenario's names: `lead(names)` says which plan it was."""

    def explain(plan: CoalitionPlan) -> str:
        text = f"{lead(_names(scenario, plan.coalition))} is {plan.status.value}: {plan.message}"
        if plan.status is PlanStatus.INFEASIBLE:
            reasons = game.why(plan.coalition)
            if reasons:
                text += "; these cannot all hold together: " + "; ".join(reasons)
        return text

    return explain


def _gain_of_aligning(
    scenario: Scenario,
    plans: dict[Arrangement, Plan],
    funders: list[str],
    orders: int | None,
    seed: int,
    options: SolveOptions | None,
) -> tuple[Shares, float]:
    """Shares of aligned - silo: vA(C) plans C's funders as one planner, everyone else alone."""
    silo, aligned = plans[Arrangement.SILO], plans[Arrangement.ALIGNED]
    for plan in (silo, aligned):
        if plan.score is None:
            return _undefined(funders, _failed_plan(plan)), 0.0
    everyone = frozenset(funders)
    game = AligningPlans(scenario, options)

    def value(coalition: Coalition) -> CoalitionPlan:
        # MODEL.md: every funder together is the aligned score, so the shares add up to aligned - silo
        # (first: a lone funder is both); at most one funder is the silo score
        if coalition == everyone:
            return CoalitionPlan(coalition, PlanStatus.OPTIMAL, aligned.score)
        if len(coalition) <= 1:
            return CoalitionPlan(coalition, PlanStatus.OPTIMAL, silo.score)
        return game.plan(coalition)

    explain = _explainer(scenario, game, lambda names: f"the plan with {names} planning as one funder")
    shares = shapley(funders, value, explain, orders, seed)
    return shares, sum(k.highs_seconds for k in game.kept)


def _gain_of_pooling(
    scenario: Scenario,
    plans: dict[Arrangement, Plan],
    funders: list[str],
    orders: int | None,
    seed: int,
    options: SolveOptions | None,
) -> tuple[Shares, frozenset[str], float]:
    """Shares of vP(all) - aligned: vP(C) pools only C's streams, into the pots C chooses to set up
    (MODEL.md, Partners). Returns the shares, the pots vP(all) sets up, and HiGHS's seconds."""
    aligned = plans[Arrangement.ALIGNED]
    if aligned.score is None:
        return _undefined(funders, _failed_plan(aligned)), frozenset(), 0.0
    game = PoolingPlans(scenario, options)
    poolers = game.poolers
    known: dict[Coalition, CoalitionPlan] = {}

    def value(coalition: Coalition) -> CoalitionPlan:
        paying = coalition & poolers  # a funder with nothing to pool changes no pooled plan
        if not paying:  # MODEL.md: vP(empty) is the aligned score
            return CoalitionPlan(coalition, PlanStatus.OPTIMAL, aligned.score)
        if paying not in known:
            known[paying] = game.plan(paying)
        return known[paying]

    explain = _explainer(
        scenario, game, lambda names: f"the pooled plan in which only the streams of {names} pay into pots"
    )
    shares = shapley(funders, value, explain, orders, seed)
    everyone = value(frozenset(funders))
    return shares, everyone.pots, game.kept.highs_seconds


# --- the fair plan and the room to negotiate ---


def _within_reach(
    plan: Plan,
    silo: Plan,
    funders: list[str],
    views: dict[str, list[str]],
    silo_own: dict[str, float | None],
    epsilon: float,
    options: SolveOptions | None,
) -> tuple[list[RangeRow], FairResult, float]:
    arrangement = plan.arrangement
    if plan.score is None:
        return [], FairResult(arrangement, plan.status, _failed_plan(plan)), 0.0
    reach = WithinReach(fixed_spec(plan), arrangement, plan.score, epsilon, options)
    rows = _ranges(reach, plan, funders)  # before the fair plan, whose rows stay in the program
    fair = FairResult(arrangement, PlanStatus.OPTIMAL, optimum=plan.score)
    if silo.score is None:
        fair.status, fair.message = silo.status, "the fair plan needs the silo plan: " + _failed_plan(silo)
        return rows, fair, reach.kept.highs_seconds
    alone = {f: v for f, v in silo_own.items() if v is not None}
    in_maxmin = {f: views[f] for f in funders if views[f]}
    found = fair_plan(reach, in_maxmin, alone)
    fair.plan = found.plan
    fair.optimum_gains = {f: (own_view_score(plan, views[f]) or 0.0) - alone[f] for f in funders}
    fair.optimum_min_gain = min((fair.optimum_gains[f] for f in in_maxmin), default=None)
    if not found.plan.has_numbers:
        fair.status, fair.message = found.plan.status, found.plan.message
        return rows, fair, reach.kept.highs_seconds
    fair.score = found.plan.score
    fair.gains = {f: (own_view_score(found.plan, views[f]) or 0.0) - alone[f] for f in funders}
    fair.min_gain = min((fair.gains[f] for f in in_maxmin), default=None)
    return rows, fair, reach.kept.highs_seconds


def _ranges(reach: WithinReach, plan: Plan, funders: list[str]) -> list[RangeRow]:
    scenario = plan.scenario
    assert plan.spending is not None
    badge = pot_shares(scenario, plan.spending.shares)
    rows = []
    for f in funders:
        streams = tuple(s.id for s in scenario.streams if s.funder == f)
        pots = {p: shares[f] for p, shares in badge.items() if f in shares}
        for block, outcomes in scenario.lookup.blocks.items():
            if not outcomes:
                continue
            within = frozenset(outcomes)
            found = money_range(reach, Counted(streams, pots, tuple(outcomes)))
            least, low = _read_back(found.least, found.least_gbp, f, within, badge, "least")
            most, high = _read_back(found.most, found.most_gbp, f, within, badge, "most")
            message = "; ".join(m for m in (low, high) if m)
            rows.append(RangeRow(f, block, least, most, money_on(plan, f, within, badge), message))
    return rows


def _read_back(
    plan: Plan | None,
    bound: float | None,
    funder: str,
    outcomes: frozenset[str],
    badge: dict[str, dict[str, float]],
    side: str,
) -> tuple[float | None, str]:
    """The funder's money on the outcomes in a range's plan, as re-scored; checked against the program."""
    if plan is None:  # its money cannot reach these outcomes
        return 0.0, ""
    if not plan.has_numbers:
        return None, f"the {side} plan is {plan.status.value}: {plan.message}"
    value = money_on(plan, funder, outcomes, badge)
    # the read-back drops spends below a thousandth of a penny, and the solver works to about 1e-7
    # of GBP 1m a column: a pound, or a billionth of the area's money, is within both
    tolerance = max(1.0, 1e-9 * area_money(plan.scenario))
    if bound is None or abs(value - bound) > tolerance:
        return None, f"internal check failed: the {side} plan reads back £{value:,.2f}, its program {bound}"
    return value, ""


# --- the partners document (SCENARIO.md, "The partners document") ---



def partners_document(result: PartnersResult) -> dict[str, Any]:
    """The JSON contract: money in GBP to the penny, scores in MODEL.md's units."""
    scenario = result.scenario
    compared = [a for a in result.plans if a is not Arrangement.SILO]
    return {
        "format_version": format_version(Document.PARTNERS),
        "scenario": scenario.name,
        "epsilon": result.epsilon,
        "arrangements": [a.value for a in result.arrangements],
        "plans": {
            a.value: {"status": p.status.value, "score": p.score, "message": p.message}
            for a, p in result.plans.items()
        },
        "accounts": {a.value: [x.to_record() for x in books] for a, books in result.accounts.items()},
        "own_view": {
            f: {
                "outcomes": result.views[f],
                **{a.value: result.own_view[f][a] for a in result.plans},
                "better_off": {a.value: result.better_off(f, a) for a in compared},
            }
            for f in result.funders
        },
        "gain_of_aligning": _shares_record(result.aligning),
        "gain_of_pooling": {**_shares_record(result.pooling), "pots_set_up": sorted(result.pots_set_up)},
        "fair": {a.value: _fair_record(fair) for a, fair in result.fair.items()},
        "ranges": {a.value: [_range_record(r) for r in rows] for a, rows in result.ranges.items()},
        "seconds": {k: round(v, 6) for k, v in result.seconds.items()},
    }


def _shares_record(shares: Shares) -> dict[str, Any]:
    return {
        "total": shares.total,
        "method": shares.method.value,
        "shares": shares.shares,
        "standard_error": shares.standard_error,
        "orders": shares.orders,
        "seed": shares.seed,
        "undefined_because": shares.undefined_because,
        "plans": shares.plans,
    }


def _fair_record(fair: FairResult) -> dict[str, Any]:
    return {
        "status": fair.status.value,
        "message": fair.message,
        "score": fair.score,
        "optimum": fair.optimum,
        "min_gain": fair.min_gain,
        "optimum_min_gain": fair.optimum_min_gain,
        "gains": fair.gains,
        "optimum_gains": fair.optimum_gains,
    }


def _range_record(row: RangeRow) -> dict[str, Any]:
    return {
        "funder": row.funder,
        "block": row.block,
        "least": None if row.least is None else gbp(row.least),
        "most": None if row.most is None else gbp(row.most),
        "in_optimum": gbp(row.in_optimum),
        "message": row.message or None,
    }


def to_json(document: dict[str, Any]) -> str:
    """The document as JSON text; NaN and infinities are refused rather than written."""
    return json.dumps(document, indent=1, allow_nan=False) + "\n"
