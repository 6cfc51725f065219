"""Stream and pot money (MODEL.md, Constraints: stream money, pot money).

A year's spend plus what is carried on may not exceed the year's money
after overhead plus what was carried in; the carry is capped by a share of
the year's own money, and nothing carries out of the last year (the carry
column simply does not exist there). A pot's set-up cost comes out of its
first year's money.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from laa.pooling.spec import PoolingMode
from laa.pooling.units import millions
from laa.pooling.vocabulary import PotCarry, PotUsed, RowFamily, RowLabel, StreamCarry

if TYPE_CHECKING:
    from laa.pooling.build import Builder


def add_stream_money(b: Builder) -> None:
    program, scenario = b.program, b.scenario
    previous: dict[str, int | None] = dict.fromkeys(b.streams)
    for t in b.years:
        for s in b.streams:
            stream = scenario.stream(s)
            unpooled = b.unpooled_terms(s, t)
            carry = program.find(StreamCarry(s, t))
            terms = [(c, -(1.0 - stream.admin_rate) * v) for c, v in unpooled]
            if carry is not None:
                terms.append((carry, 1.0))
            before = previous[s]
            if before is not None:
                terms.append((before, -1.0))
            program.row_span(
                RowLabel(RowFamily.STREAM_MONEY, stream=s, years=(t,)),
                b.x_by_stream_year[(s, t)],
                1.0,
                terms,
                upper=0.0,
            )
            if carry is not None:
                program.row(
                    RowLabel(RowFamily.STREAM_CARRY, stream=s, years=(t,)),
                    [(carry, 1.0)] + [(c, -stream.carry_forward * v) for c, v in unpooled],
                    upper=0.0,
                )
            previous[s] = carry


def add_pot_money(b: Builder) -> None:
    program, scenario, choice = b.program, b.scenario, b.spec.choice
    for p in b.pots:
        pot = scenario.pot(p)
        setup = millions(pot.setup_cost)
        previous: int | None = None
        for t in b.years:
            paid_in = [term for m in b.members_in_play(p) for term in b.pooled_terms(m, t)]
            spend = [(c, 1.0) for c in b.q_cols(p, scenario.scope(p), (t,))]
            carry = program.find(PotCarry(p, t))
            terms = spend + [(c, -(1.0 - pot.admin_rate) * v) for c, v in paid_in]
            if carry is not None:
                terms.append((carry, 1.0))
            if previous is not None:
                terms.append((previous, -1.0))
            upper = 0.0
            if t == scenario.first_year and setup > 0:
                if choice.mode is PoolingMode.FIXED:
                    upper = -setup  # the pot is set up: v_p = 1
                else:
                    terms.append((program.col(PotUsed(p)), setup))
            program.row(RowLabel(RowFamily.POT_MONEY, pot=p, years=(t,)), terms, upper=upper)
            if carry is not None:
                program.row(
                    RowLabel(RowFamily.POT_CARRY, pot=p, years=(t,)),
                    [(carry, 1.0)] + [(c, -pot.carry_forward * v) for c, v in paid_in],
                    upper=0.0,
                )
            previous = carry
