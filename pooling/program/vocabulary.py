"""The program's vocabulary: what a row or a column stands for, in MODEL.md's names.

Every row carries a `RowLabel` whose `family` is a `RowFamily`; every
column a typed key (`Spend`, `PoolSpend`, `Segment`, ...). Code that reads
a program back (prices, diagnosis, re-solves, freedoms, extraction) asks
by type and field, never by a string or a position, so a renamed family
or a reordered key is a type error rather than a silently wrong number.

Keys are frozen dataclasses, not tuples: two kinds of key with the same
fields (a stream's carry and its budget, both a stream and a year) never
compare equal.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from enum import StrEnum

from laa.pooling.units import years_text


class RowFamily(StrEnum):
    """MODEL.md's constraint families, one per kind of row the builder declares."""

    BUDGET = "budget"  # a stream-year's amount: no row, but what the smallest relaxation may add to
    STREAM_MONEY = "stream_money"  # a stream's spend and carry within its money, one row a stream-year
    POT_MONEY = "pot_money"  # a pot's spend and carry within what its members paid in, less set-up
    STREAM_CARRY = "stream_carry"  # carry capped by a share of the year's unpooled money
    POT_CARRY = "pot_carry"  # carry capped by a share of what was paid into the pot
    RULE = "rule"  # a funder rule on its streams' own spend
    RULE_POT = "rule_pot"  # a share rule that survives pooling, inside one pot
    STATUTORY = "statutory"  # an outcome's statutory minimum spend in a year
    RESPONSE = "response"  # spend on an outcome split into its curve's segments
    POOL_USE = "pool_use"  # a stream may be pooled only into a pot that is set up
    POOLED_SHARE_CAP = "pooled_share_cap"  # the pooling frontier: at most a share of poolable money
    HOLDS_ANY = "holds_any"  # a pot holds a rule's streams if any of them is pooled into it
    HOLDS_ONLY = "holds_only"  # ... and only then
    POOLED_AT_ALL = "pooled_at_all"  # a switch on whenever a continuous share is pooled
    COUNTED_SPEND = "counted_spend"  # a pot's spend counted in an amount rule is at most its spend
    COUNTED_IF_HELD = "counted_if_held"  # ... and counts only when the pot holds the rule's streams
    SILO_OWN_OPTIMUM = "silo_own_optimum"  # silo: a funder's own-view score held at its optimum
    SILO_OWN_SPEND = "silo_own_spend"  # silo: a funder's spend on an outcome, within its optimal face
    TARGET_MET = "target_met"  # choosing among equals: an outcome's target counted met only when it is
    REWARD = "reward"  # ... a stretch target's reward earned only when switched on
    REWARD_SLOPE = "reward_slope"  # ... and at most its share of the enhancement achieved
    REWARD_FROM = "reward_from"  # ... switched on only from 60% of the enhancement
    HOLD_SCORE = "hold_score"  # ... the score held at its best while later stages choose
    HOLD_TARGETS = "hold_targets"  # ... the targets met held at their most
    HOLD_REWARD = "hold_reward"  # ... the reward held at its most
    DEPARTURE = "departure"  # ... a line's move from the reference allocation, up or down


@dataclass(frozen=True)
class RowLabel:
    """What a row means: its constraint family and the ids it is about."""

    family: RowFamily
    stream: str | None = None
    pot: str | None = None
    outcome: str | None = None
    rule: str | None = None
    years: tuple[int, ...] = ()
    funder: str | None = None

    @property
    def name(self) -> str:
        """A readable name for an LP file or a message: `rule[r1,2026-2028]`."""
        parts = [p for p in (self.rule, self.funder, self.stream, self.pot, self.outcome) if p]
        if self.years:
            parts.append(years_text(self.years))
        return f"{self.family}[{','.join(parts)}]"

    @property
    def year(self) -> int | None:
        """The row's year when it is about one year (None for a whole-period row)."""
        return self.years[0] if len(self.years) == 1 else None


# --- columns ---


@dataclass(frozen=True, slots=True)
class Spend:
    """`x[s,o,t]`: stream s's own spend on outcome o in year t."""

    stream: str
    outcome: str
    year: int


@dataclass(frozen=True, slots=True)
class PoolSpend:
    """`q[p,o,t]`: pot p's spend on outcome o in year t."""

    pot: str
    outcome: str
    year: int


@dataclass(frozen=True, slots=True)
class StreamCarry:
    """`k[s,t]`: stream s's money carried from year t into the next."""

    stream: str
    year: int


@dataclass(frozen=True, slots=True)
class PotCarry:
    """`k[p,t]`: pot p's money carried from year t into the next."""

    pot: str
    year: int


@dataclass(frozen=True, slots=True)
class PoolShare:
    """The pooling of stream s when the solver chooses it: a binary (whole) or a share."""

    stream: str


@dataclass(frozen=True, slots=True)
class PotUsed:
    """`v_p`: pot p is set up (a binary, when it has a set-up cost and the solver chooses)."""

    pot: str


@dataclass(frozen=True, slots=True)
class PooledAtAll:
    """A binary that is 1 whenever a continuous share of stream s is pooled (partial pooling)."""

    stream: str


@dataclass(frozen=True, slots=True)
class PotHolds:
    """A binary that is 1 exactly when pot p holds money of any of `streams` (ids joined by '+')."""

    pot: str
    streams: str


@dataclass(frozen=True, slots=True)
class Counted:
    """Pot p's spend as counted in amount rule r over `years` (only when p holds r's streams)."""

    rule: str
    pot: str
    years: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class Segment:
    """`u[o,k]`: spend in segment k of outcome o's curve, below the cap (scored at its slope).

    `view` names a separate copy of the curve (a silo funder's own view); "" is the area's.
    """

    view: str
    outcome: str
    index: int


@dataclass(frozen=True, slots=True)
class Excess:
    """Spend on outcome o that its curve absorbs past the cap (or past its effects): scored at nothing."""

    view: str
    outcome: str


@dataclass(frozen=True, slots=True)
class Slack:
    """How far an elastic row is broken (the smallest relaxation): one per rule, minimum or money row."""

    row: RowLabel


@dataclass(frozen=True, slots=True)
class TargetMet:
    """A binary: outcome o's target is met (choosing the plan among equally good ones)."""

    outcome: str


@dataclass(frozen=True, slots=True)
class RewardOn:
    """A binary: outcome o's stretch reward is earned (its enhancement reached 60%)."""

    outcome: str


@dataclass(frozen=True, slots=True)
class RewardEarned:
    """The reward grant outcome o earns, in GBP millions."""

    outcome: str


@dataclass(frozen=True, slots=True)
class Departure:
    """How far stream s's spend on o in year t moves up (`up`) or down from the reference allocation."""

    stream: str
    outcome: str
    year: int
    up: bool


ColumnKey = (
    Spend
    | PoolSpend
    | StreamCarry
    | PotCarry
    | PoolShare
    | PotUsed
    | PooledAtAll
    | PotHolds
    | Counted
    | Segment
    | Excess
    | Slack
    | TargetMet
    | RewardOn
    | RewardEarned
    | Departure
)


def key_name(key: ColumnKey) -> str:
    """A readable name for a column: `Spend[nrf,o1,2026]`."""
    values = []
    for f in fields(key):
        value = getattr(key, f.name)
        if isinstance(value, RowLabel):
            value = value.name
        elif isinstance(value, tuple):
            value = years_text(value)
        values.append(str(value))
    return f"{type(key).__name__}[{','.join(values)}]"
