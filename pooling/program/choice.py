"""The pooling choice (MODEL.md, pooled share): `y[s,t] = phi_s * B[s,t]`.

With a fixed choice the shares are data. When the solver chooses (the
optimal arrangement), each poolable stream gets a column: a binary "pool it
whole" or a continuous share, and a pot with a set-up cost gets a binary
`v_p` that every member's pooling needs. The pooling frontier caps the
share of all poolable money that may be pooled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from laa.pooling.program.spec import PoolingMode
from laa.pooling.program.vocabulary import PooledAtAll, PoolShare, PotHolds, PotUsed, RowFamily, RowLabel

if TYPE_CHECKING:
    from laa.pooling.program.builder import Builder


def declare(b: Builder) -> None:
    """Give the solver its pooling choice: a share column per poolable stream (a binary when
    streams are pooled whole), a set-up binary per pot with a set-up cost, and the frontier's cap;
    nothing when the arrangement fixes the shares."""
    mode = b.spec.choice.mode
    if mode is PoolingMode.FIXED:
        return
    program, scenario = b.program, b.scenario
    pooled_money: list[tuple[int, float]] = []  # money pooled (solver units), per unit of each column
    poolable = 0.0
    for p in b.pots:
        pot = scenario.pot(p)
        use = None
        if pot.setup_cost > 0:
            use = program.column(PotUsed(p), upper=1.0, integer=True)
        for s in b.members_in_play(p):
            stream = scenario.stream(s)
            limit = stream.pool_share_limit
            if limit <= 0:
                continue
            if mode is PoolingMode.WHOLE:
                col = program.column(PoolShare(s), upper=1.0, integer=True)
                need = 1.0
            else:
                col = program.column(PoolShare(s), upper=limit)
                need = limit
            if use is not None:
                label = RowLabel(RowFamily.POOL_USE, stream=s, pot=p)
                program.row(label, [(col, 1.0), (use, -need)], upper=0.0)
            money = b.money(sum(stream.amount_in(t) for t in scenario.years))
            pooled_money.append((col, money * (limit if mode is PoolingMode.WHOLE else 1.0)))
            poolable += money * limit
    share = b.spec.max_pooled_share
    if share is not None and pooled_money:
        program.row(RowLabel(RowFamily.POOLED_SHARE_CAP), pooled_money, upper=share * poolable)


def holding(b: Builder, pot: str, streams: list[str]) -> bool | int:
    """Whether `pot` holds money of any of `streams`: a constant when the choice is fixed, else
    the column of a binary that is 1 exactly when one of them is pooled into it.

    A rule that survives pooling follows its streams' money into a pot only when they are
    pooled there; a member left out by the optimal arrangement brings no rule with it.
    """
    program, mode = b.program, b.spec.choice.mode
    members = [m for m in b.members_in_play(pot) if m in streams]
    if mode is PoolingMode.FIXED:
        return any(b.spec.choice.share(m) > 0 for m in members)
    poolable = [m for m in members if program.has(PoolShare(m))]
    if not poolable:
        return False
    if mode is PoolingMode.PARTIAL:
        pooled = {m: _some_pooled(b, m) for m in poolable}
    else:
        pooled = {m: program.col(PoolShare(m)) for m in poolable}
    if mode is PoolingMode.PARTIAL and len(pooled) == 1:
        return next(iter(pooled.values()))  # already a switch of its own
    # a binary of its own (even for one stream), so that a big-M term never shares a column
    # with coefficients that scale with the streams' amounts (re-solving in place relies on it)
    group = "+".join(sorted(pooled))
    key = PotHolds(pot, group)
    if program.has(key):
        return program.col(key)
    held = program.column(key, upper=1.0, integer=True)
    for m, col in pooled.items():  # held is 1 when any of them is pooled, and only then
        label = RowLabel(RowFamily.HOLDS_ANY, pot=pot, stream=m, rule=group)
        program.row(label, [(held, 1.0), (col, -1.0)], lower=0.0)
    program.row(
        RowLabel(RowFamily.HOLDS_ONLY, pot=pot, rule=group),
        [(held, 1.0)] + [(c, -1.0) for c in pooled.values()],
        upper=0.0,
    )
    return held


def _some_pooled(b: Builder, stream: str) -> int:
    """A binary that is 1 whenever a continuous share of `stream` is pooled (partial pooling)."""
    program = b.program
    key = PooledAtAll(stream)
    if program.has(key):
        return program.col(key)
    flag = program.column(key, upper=1.0, integer=True)
    limit = b.scenario.stream(stream).pool_share_limit
    program.row(
        RowLabel(RowFamily.POOLED_AT_ALL, stream=stream),
        [(program.col(PoolShare(stream)), 1.0), (flag, -limit)],
        upper=0.0,
    )
    return flag


def pot_money_bound(b: Builder, pot: str) -> float:
    """The most a pot could ever spend (solver units): every member's largest share, every year."""
    scenario = b.scenario
    return sum(
        scenario.stream(m).pool_share_limit * b.money(scenario.stream(m).amount_in(t))
        for m in b.members_in_play(pot)
        for t in scenario.years
    )
