"""Shapley shares of a gain (MODEL.md, Partners: who gains from aligning, who gains from pooling).

A partner's share is its Shapley value: its added value `v(C + f) - v(C)`
averaged over every order in which the partners could join, so the shares
add up to `v(all) - v(none)`, a partner that adds nothing gets nothing,
and partners that add alike get alike.

Up to `EXACT_UP_TO` partners the value of every coalition is planned
(`2^n` plans, visited in Gray-code order so each differs from the last by
one partner and the kept programs re-solve from a nearby basis). Beyond
that, or when a number of orders is asked for, the shares are estimated
from seeded random orders: each order's added values add up to the gain
exactly, so their mean does too, and each share carries its standard error.

Where a coalition's plan fails the shares are not defined: the result
names the smallest such coalition and why, rather than shares that add up
to something else.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from laa.pooling.partners.coalitions import Coalition, CoalitionPlan

EXACT_UP_TO = 12  # 4,096 plans: minutes at most, re-solved in place
DEFAULT_ORDERS = 200  # random orders when there are too many partners to plan every coalition


class Method(StrEnum):
    """How partners' shares of a gain were worked out: exactly over every coalition, or sampled
    (with a standard error) when there are too many partners for that."""

    EXACT = "exact"
    SAMPLED = "sampled"


@dataclass
class Shares:
    """Each partner's share of a gain; `shares` are None when the gain cannot be divided."""

    total: float | None
    method: Method
    shares: dict[str, float | None]
    standard_error: dict[str, float] | None = None
    orders: int | None = None
    seed: int | None = None
    undefined_because: str | None = None
    plans: int = 0  # coalition plans asked for (the values the definition fixes included)

    @property
    def defined(self) -> bool:
        """Whether the gain could be divided (`undefined_because` says why not)."""
        return self.undefined_because is None


Value = Callable[[Coalition], CoalitionPlan]


def _weights(n: int) -> np.ndarray:
    """`|C|! (n - |C| - 1)! / n!` for |C| = 0 .. n-1: the chance C is who came before."""
    return np.array([math.factorial(k) * math.factorial(n - k - 1) / math.factorial(n) for k in range(n)])


def _coalition(players: Sequence[str], mask: int) -> Coalition:
    return frozenset(p for i, p in enumerate(players) if mask >> i & 1)


def _smallest(failed: list[CoalitionPlan]) -> CoalitionPlan:
    return min(failed, key=lambda p: (len(p.coalition), sorted(p.coalition)))


def shapley(
    players: Sequence[str],
    value: Value,
    explain: Callable[[CoalitionPlan], str],
    orders: int | None = None,
    seed: int = 0,
) -> Shares:
    """Shares of `value(all) - value(none)`: exact up to `EXACT_UP_TO` players unless `orders` is given.

    `explain` says why a failed coalition's plan failed.
    """
    if not players:
        return Shares(0.0, Method.EXACT, {})
    if orders is None and len(players) <= EXACT_UP_TO:
        return _exact(players, value, explain)
    return _sampled(players, value, explain, orders or DEFAULT_ORDERS, seed)


def _exact(players: Sequence[str], value: Value, explain: Callable[[CoalitionPlan], str]) -> Shares:
    n = len(players)
    size = 1 << n
    v = np.full(size, np.nan)
    failed: list[CoalitionPlan] = []
    for k in range(size):
        mask = k ^ (k >> 1)  # Gray code: one partner joins or leaves at each step
        plan = value(_coalition(players, mask))
        if plan.ok:
            v[mask] = plan.score
        else:
            failed.append(plan)
    total = None if np.isnan(v[size - 1]) or np.isnan(v[0]) else float(v[size - 1] - v[0])
    if failed:
        because = explain(_smallest(failed))
        return Shares(total, Method.EXACT, dict.fromkeys(players), undefined_because=because, plans=size)
    masks = np.arange(size)
    sizes = np.array([bin(m).count("1") for m in range(size)])
    weights = _weights(n)
    shares: dict[str, float | None] = {}
    for i, p in enumerate(players):
        before = masks[(masks >> i) & 1 == 0]
        shares[p] = float(np.sum(weights[sizes[before]] * (v[before | (1 << i)] - v[before])))
    return Shares(total, Method.EXACT, shares, plans=size)


def _sampled(
    players: Sequence[str],
    value: Value,
    explain: Callable[[CoalitionPlan], str],
    orders: int,
    seed: int,
) -> Shares:
    n = len(players)
    rng = np.random.default_rng(seed)
    known: dict[int, float] = {}

    def v(mask: int) -> float | CoalitionPlan:
        if mask not in known:
            plan = value(_coalition(players, mask))
            if not plan.ok:
                return plan
            known[mask] = float(plan.score or 0.0)
        return known[mask]

    added = np.zeros((orders, n))
    for r in range(orders):
        mask, before = 0, v(0)
        for i in rng.permutation(n).tolist():
            mask |= 1 << i
            now = v(mask)
            if isinstance(before, CoalitionPlan) or isinstance(now, CoalitionPlan):
                failed = before if isinstance(before, CoalitionPlan) else now
                assert isinstance(failed, CoalitionPlan)
                return Shares(
                    None,
                    Method.SAMPLED,
                    dict.fromkeys(players),
                    orders=orders,
                    seed=seed,
                    undefined_because=explain(failed),
                    plans=len(known) + 1,
                )
            added[r, i] = now - before
            before = now
    estimate = added.mean(axis=0)
    error = added.std(axis=0, ddof=1) / math.sqrt(orders) if orders > 1 else None
    full = known[(1 << n) - 1]
    return Shares(
        full - known[0],
        Method.SAMPLED,
        {p: float(estimate[i]) for i, p in enumerate(players)},
        standard_error=None if error is None else {p: float(error[i]) for i, p in enumerate(players)},
        orders=orders,
        seed=seed,
        plans=len(known),
    )
