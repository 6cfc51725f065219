"""The pooling choice (MODEL.md, pooled share): `y[s,t] = phi_s * B[s,t]`.

With a fixed choice the shares are data. When the solver chooses (the
optimal arrangement), each poolable stream gets a column: a binary "pool it
whole" or a continuous share, and a pot with a set-up cost gets a binary
`v_p` that every member's pooling needs. The pooling frontier caps the
share of all poolable money that may be pooled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pooling.program import RowLabel
from pooling.spec import PoolingMode
from pooling.units import millions

if TYPE_CHECKING:
    from pooling.build import Builder


def declare(b: Builder) -> None:
    mode = b.spec.choice.mode
    if mode is PoolingMode.FIXED:
        return
    program, scenario = b.program, b.scenario
    pooled_money: list[tuple[int, float]] = []  # GBP millions pooled, per unit of each column
    poolable = 0.0
    for p in b.pots:
        pot = scenario.pot(p)
        use = None
        if pot.setup_cost > 0:
            use = program.column(("use", p), upper=1.0, integer=True)
        for s in b.members_in_play(p):
            stream = scenario.stream(s)
            limit = stream.pool_share_limit
            if limit <= 0:
                continue
            if mode is PoolingMode.WHOLE:
                col = program.column(("pool", s), upper=1.0, integer=True)
                need = 1.0
            else:
                col = program.column(("pool", s), upper=limit)
                need = limit
            if use is not None:
                program.row(RowLabel("pool_use", stream=s, pot=p), [(col, 1.0), (use, -need)], upper=0.0)
            money = millions(sum(stream.amount_in(t) for t in scenario.years))
            pooled_money.append((col, money * (limit if mode is PoolingMode.WHOLE else 1.0)))
            poolable += money * limit
    share = b.spec.max_pooled_share
    if share is not None and pooled_money:
        program.row(RowLabel("pooled_share_cap"), pooled_money, upper=share * poolable)
