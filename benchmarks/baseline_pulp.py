"""The reference a newcomer would write: MODEL.md in PuLP, term by term, solved through pulp.HiGHS.

`LpVariable.dicts`, `lpSum` in loops and one constraint at a time, for a
fixed pooling choice (the aligned and pooled arrangements). It is kept
deliberately plain: the benchmark measures the engine against it, and the
runner checks that both reach the same score.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import pulp
from laa.models.scenario import Scenario

M = 1e6


@dataclass
class BaselineRun:
    build_seconds: float
    solve_seconds: float
    status: str
    score: float | None


def run_baseline(scenario: Scenario, pooled: bool) -> BaselineRun:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # PuLP 4's new spelling of the same calls
        started = time.perf_counter()
        prob = build_baseline(scenario, pooled)
        built = time.perf_counter()
        prob.solve(pulp.HiGHS(msg=False, gapRel=1e-8))
        solved = time.perf_counter()
    score = pulp.value(prob.objective) if prob.status == pulp.LpStatusOptimal else None
    return BaselineRun(built - started, solved - built, pulp.LpStatus[prob.status], score)


def build_baseline(sc: Scenario, pooled: bool) -> pulp.LpProblem:
    prob = pulp.LpProblem("baseline", pulp.LpMaximize)
    years = sc.years
    first, last = years[0], years[-1]
    share = {s.id: 0.0 for s in sc.streams}
    pots = []
    if pooled:
        pots = [p.id for p in sc.pots]
        for p in sc.pots:
            for m in p.members:
                share[m] = sc.stream(m).pool_share_limit

    def amount(s: str, t: int) -> float:
        return sc.stream(s).amount_in(t) / M

    def pooled_money(s: str, t: int) -> float:
        return share[s] * amount(s, t)

    x = pulp.LpVariable.dicts(
        "x", [(s.id, o, t) for s in sc.streams for o in sc.eligible(s.id) for t in years], lowBound=0
    )
    q = pulp.LpVariable.dicts("q", [(p, o, t) for p in pots for o in sc.scope(p) for t in years], lowBound=0)
    ks = pulp.LpVariable.dicts("ks", [(s.id, t) for s in sc.streams for t in years if t != last], lowBound=0)
    kp = pulp.LpVariable.dicts("kp", [(p, t) for p in pots for t in years if t != last], lowBound=0)

    for s in sc.streams:
        for i, t in enumerate(years):
            own = amount(s.id, t) - pooled_money(s.id, t)
            spend = pulp.lpSum(x[(s.id, o, t)] for o in sc.eligible(s.id))
            carry_out = ks[(s.id, t)] if t != last else 0
            carry_in = ks[(s.id, years[i - 1])] if i > 0 else 0
            prob += spend + carry_out <= (1 - s.admin_rate) * own + carry_in
            if t != last:
                prob += ks[(s.id, t)] <= s.carry_forward * own
    for p in pots:
        pot = sc.pot(p)
        for i, t in enumerate(years):
            paid = sum(pooled_money(m, t) for m in pot.members)
            spend = pulp.lpSum(q[(p, o, t)] for o in sc.scope(p))
            carry_out = kp[(p, t)] if t != last else 0
            carry_in = kp[(p, years[i - 1])] if i > 0 else 0
            setup = pot.setup_cost / M if t == first else 0.0
            prob += spend + carry_out <= (1 - pot.admin_rate) * paid + carry_in - setup
            if t != last:
                prob += kp[(p, t)] <= pot.carry_forward * paid

    for rule in sc.rules:
        streams = sc.rule_streams(rule)
        outcomes = sc.expand(rule.outcomes)
        kind, value = rule.kind.value, rule.value
        for group in sc.rule_periods(rule):
            spend = pulp.lpSum(
                x[(s, o, t)] for s in streams for o in outcomes for t in group if (s, o, t) in x
            )
            if kind in ("min_share", "max_share"):
                own = sum(amount(s, t) - pooled_money(s, t) for s in streams for t in group)
                if kind == "min_share":
                    prob += spend >= value * own
                else:
                    prob += spend <= value * own
                if rule.survives_pooling:
                    for p in pots:
                        held = [m for m in sc.pot(p).members if m in streams and share[m] > 0]
                        if not held:
                            continue
                        in_pot = pulp.lpSum(q[(p, o, t)] for o in outcomes for t in group if (p, o, t) in q)
                        paid = sum(pooled_money(m, t) for m in held for t in group)
                        if kind == "min_share":
                            prob += in_pot >= value * paid
                        else:
                            prob += in_pot <= value * paid
            elif kind in ("min_amount", "max_amount"):
                total = spend
                if rule.survives_pooling:
                    for p in pots:
                        if any(m in streams and share[m] > 0 for m in sc.pot(p).members):
                            total = total + pulp.lpSum(
                                q[(p, o, t)] for o in outcomes for t in group if (p, o, t) in q
                            )
                if kind == "min_amount":
                    prob += total >= value / M
                else:
                    prob += total <= value / M
            else:
                funders = {sc.funder_of(s) for s in streams}
                others = [s.id for s in sc.streams if s.funder not in funders]
                matching = pulp.lpSum(
                    x[(s, o, t)] for s in others for o in outcomes for t in group if (s, o, t) in x
                ) + pulp.lpSum(q[(p, o, t)] for p in pots for o in outcomes for t in group if (p, o, t) in q)
                prob += matching >= value * spend

    for o in sc.outcomes:
        for t in years:
            minimum = o.min_spend_in(t)
            if minimum > 0:
                prob += (
                    pulp.lpSum(x[(s.id, o.id, t)] for s in sc.streams if (s.id, o.id, t) in x)
                    + pulp.lpSum(q[(p, o.id, t)] for p in pots if (p, o.id, t) in q)
                    >= minimum / M
                )

    score = []
    for o in sc.outcomes:
        segments = [
            pulp.LpVariable(f"u_{o.id}_{k}", lowBound=0, upBound=None if seg.spend is None else seg.spend / M)
            for k, seg in enumerate(o.response)
        ]
        total = pulp.lpSum(x[(s.id, o.id, t)] for s in sc.streams for t in years if (s.id, o.id, t) in x)
        total += pulp.lpSum(q[(p, o.id, t)] for p in pots for t in years if (p, o.id, t) in q)
        prob += pulp.lpSum(segments) == total
        progress = pulp.LpVariable(f"m_{o.id}", lowBound=0, upBound=o.cap)
        prob += progress <= pulp.lpSum(seg.slope * M * u for seg, u in zip(o.response, segments, strict=True))
        score.append(o.weight / o.gap * progress)
    prob += pulp.lpSum(score)
    return prob
