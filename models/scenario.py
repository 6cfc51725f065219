"""The scenario file as typed objects: what SCENARIO.md describes, field for field.

Every model refuses unknown fields (a typo must not change a plan) and
non-finite numbers (a `.nan` amount would poison every sum it touches).
Checks that need more than one item (ids that exist, a stream in two pots)
live in `models.checks`; these models check only what one item can know.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Any, Literal

from laa.models.changes import Variant
from laa.models.ranges import (
    Effect,
    Indicator,
    MatchRatio,
    Money,
    Weight,
    Width,
    Year,
    check_id,
    check_name,
    check_outcome_scale,
)
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

# a coefficient of variation: the standard deviation of a lognormal factor with mean 1
Uncertainty = Annotated[float, Field(ge=0, le=3)]
Share = Annotated[float, Field(ge=0, le=1)]
Id = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(check_id)]
Name = Annotated[str, AfterValidator(check_name)]


class Strict(BaseModel):
    """Base for every scenario section: unknown fields and NaN/inf refused."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class Direction(StrEnum):
    """Whether a better outcome means the indicator going up (higher) or down (lower)."""

    HIGHER = "higher"
    LOWER = "lower"


class RuleKind(StrEnum):
    """The five kinds of spending rule; a rule gives exactly one of them."""

    MIN_SHARE = "min_share"
    MAX_SHARE = "max_share"
    MIN_AMOUNT = "min_amount"
    MAX_AMOUNT = "max_amount"
    MATCH = "match"

    @property
    def is_share(self) -> bool:
        """Whether the rule is a share of the stream's money, measured on what is left unpooled."""
        return self in (RuleKind.MIN_SHARE, RuleKind.MAX_SHARE)

    @property
    def is_amount(self) -> bool:
        """Whether the rule is an amount in pounds rather than a share or a match ratio."""
        return self in (RuleKind.MIN_AMOUNT, RuleKind.MAX_AMOUNT)

    @property
    def is_minimum(self) -> bool:
        """Whether the rule asks for at least something (relaxing it lowers the bar)."""
        return self in (RuleKind.MIN_SHARE, RuleKind.MIN_AMOUNT, RuleKind.MATCH)


class Arrangement(StrEnum):
    """How the partners' money is brought to the targets (MODEL.md, Arrangements)."""

    SILO = "silo"
    ALIGNED = "aligned"
    POOLED = "pooled"
    OPTIMAL = "optimal"
    HISTORIC = "historic"


class Block(Strict):
    """A group of outcomes that rules, pots and a partner's interests can name at once."""

    id: Id
    name: Name = ""


class Funder(Strict):
    """A partner who brings streams; `interests` says which outcomes it answers for in its own view."""

    id: Id
    name: Name = ""
    # outcome and block ids the partner answers for (MODEL.md, Partners: its own view);
    # None: the outcomes its streams may fund
    interests: list[Id] | None = None


class ResponseSegment(Strict):
    """`spend` pounds (None: unbounded) moving the indicator `effect` units."""

    spend: Width | None
    effect: Effect

    @model_validator(mode="after")
    def _unbounded_has_no_effect(self) -> ResponseSegment:
        if self.spend is None and self.effect != 0:
            raise ValueError("a segment of unbounded spend (null) must have effect 0")
        return self

    @property
    def slope(self) -> float:
        """Indicator units per pound on this segment."""
        return 0.0 if self.spend is None else self.effect / self.spend


class Outcome(Strict):
    """A Local Area Agreement target: where the indicator starts, where it must reach, what it weighs
    in the score, and what each pound spent moves it by; refused when the target is not an improvement."""

    id: Id
    name: Name = ""
    block: Id
    unit: Name = ""
    direction: Direction
    baseline: Indicator
    target: Indicator
    stretch: Indicator | None = None
    weight: Weight = 1.0
    reward: Money = 0.0
    min_spend: Money | dict[int, Money] = 0.0
    response: Annotated[list[ResponseSegment], Field(min_length=1)]
    effect_uncertainty: Uncertainty | None = None

    @model_validator(mode="after")
    def _targets_point_the_right_way(self) -> Outcome:
        better = 1.0 if self.direction is Direction.HIGHER else -1.0
        if (self.target - self.baseline) * better <= 0:
            raise ValueError(
                f"target {self.target:g} must be better than baseline {self.baseline:g} "
                f"(direction: {self.direction.value})"
            )
        if self.stretch is not None and (self.stretch - self.target) * better < 0:
            raise ValueError(
                f"stretch {self.stretch:g} must be at least as good as target {self.target:g} "
                f"(direction: {self.direction.value})"
            )
        segments = [(s.spend, s.effect) for s in self.response]
        check_outcome_scale(self.baseline, self.target, self.stretch, segments)  # models.ranges
        return self

    @field_validator("response")
    @classmethod
    def _returns_do_not_increase(cls, segments: list[ResponseSegment]) -> list[ResponseSegment]:
        for k in range(1, len(segments)):
            before, after = segments[k - 1], segments[k]
            if before.spend is None:
                raise ValueError("only the last segment may have unbounded spend (null)")
            if after.slope > before.slope * (1 + 1e-12):
                raise ValueError(
                    f"returns increase from segment {k} to {k + 1} "
                    f"({before.effect:g} per {before.spend:,.0f} then "
                    f"{after.effect:g} per {after.spend:,.0f}); slopes must not increase"
                )
        return segments

    @property
    def gap(self) -> float:
        """How far the indicator must move to meet the target, in its own units, whatever the direction."""
        return abs(self.target - self.baseline)

    @property
    def cap(self) -> float:
        """Improvement counted in the score: up to the stretch target if there is one."""
        return abs(self.stretch - self.baseline) if self.stretch is not None else self.gap

    @property
    def total_width(self) -> float | None:
        """Most that can be spent on the outcome over the period (None: no limit)."""
        if self.response[-1].spend is None:
            return None
        return sum(s.spend for s in self.response if s.spend is not None)

    def min_spend_in(self, year: int) -> float:
        """The statutory minimum spend on the outcome in `year`, in pounds (0 when none is set)."""
        if isinstance(self.min_spend, dict):
            return float(self.min_spend.get(year, 0.0))
        return float(self.min_spend)


class Stream(Strict):
    """One funder's budget line: pounds per year, the outcomes it may fund, what overhead and
    carry-forward it has, and how much of it may be pooled."""

    id: Id
    name: Name = ""
    funder: Id
    amounts: Money | dict[int, Money]
    eligible: list[Id]
    admin_rate: Annotated[float, Field(ge=0, lt=1)] = 0.0
    carry_forward: Share = 0.0
    poolable: bool = True
    max_pool_share: Share = 1.0
    amount_uncertainty: Uncertainty | None = None

    def amount_in(self, year: int) -> float:
        """The stream's money in `year`, in pounds (0 for a year it does not give)."""
        if isinstance(self.amounts, dict):
            return float(self.amounts.get(year, 0.0))
        return float(self.amounts)

    @property
    def pool_share_limit(self) -> float:
        """`phimax`: zero when the stream may not be pooled at all."""
        return self.max_pool_share if self.poolable else 0.0


class Rule(Strict):
    """A condition on how streams are spent (a share, an amount or a match), each year or over the
    period; exactly one kind must be given, and it binds pooled money only when it survives pooling."""

    id: Id
    streams: list[Id] | None = None
    outcomes: list[Id] | None = None
    min_share: Share | None = None
    max_share: Share | None = None
    min_amount: Money | None = None
    max_amount: Money | None = None
    match: MatchRatio | None = None
    per: Literal["year", "period"] = "year"
    years: list[Year] | None = None
    survives_pooling: bool = False

    @model_validator(mode="after")
    def _exactly_one_kind(self) -> Rule:
        given = [k for k in RuleKind if getattr(self, k.value) is not None]
        if len(given) != 1:
            kinds = ", ".join(k.value for k in RuleKind)
            found = ", ".join(k.value for k in given) or "none"
            raise ValueError(f"exactly one of {kinds} is expected; found {found}")
        return self

    @cached_property
    def kind(self) -> RuleKind:
        """Which of the five kinds this rule is (the one field that was given)."""
        return next(k for k in RuleKind if getattr(self, k.value) is not None)

    @property
    def value(self) -> float:
        """The rule's share, amount (GBP) or match ratio."""
        return float(getattr(self, self.kind.value))


class Pot(Strict):
    """A pooled budget its member streams pay into: the outcomes it may fund, its overhead, its one-off
    set-up cost in pounds, and how much unspent money carries to the next year."""

    id: Id
    name: Name = ""
    members: Annotated[list[Id], Field(min_length=1)]
    scope: list[Id] | None = None
    admin_rate: Annotated[float, Field(ge=0, lt=1)] = 0.0
    setup_cost: Money = 0.0
    carry_forward: Share = 1.0


class HistoricSpend(Strict):
    """What a stream actually spent on an outcome in a year, in pounds: the historic arrangement."""

    stream: Id
    outcome: Id
    year: Year
    amount: Money


@dataclass(frozen=True)
class Lookup:
    """The scenario's indexes by id, built once so lookups in the optimiser and reports stay cheap."""

    by_id: dict[str, dict[str, BaseModel]]
    blocks: dict[str, list[str]]  # block id -> its outcome ids
    eligible: dict[str, list[str]]  # stream id -> outcome ids it may fund
    scope: dict[str, list[str]]  # pot id -> outcome ids it may fund
    pot_of: dict[str, str]  # stream id -> its pot


class Scenario(Strict):
    """A whole scenario file, validated field by field; see `models.checks` for the rest."""

    name: Name
    years: Annotated[list[Year], Field(min_length=1, max_length=50)]
    blocks: list[Block] = []
    funders: list[Funder]
    outcomes: Annotated[list[Outcome], Field(min_length=1)]
    streams: Annotated[list[Stream], Field(min_length=1)]
    rules: list[Rule] = []
    pots: list[Pot] = []
    historic: list[HistoricSpend] | None = None
    arrangements: list[Arrangement] | None = None
    partial_pooling: bool = False
    effect_uncertainty: Uncertainty = 0.0
    amount_uncertainty: Uncertainty = 0.0
    variants: list[Variant] | None = None  # named changes to the rest (laa.models.variants)

    @cached_property
    def lookup(self) -> Lookup:
        """Indexes every lookup below uses, built once (pydantic's private attributes are slow to read)."""
        by_id = {
            section: {item.id: item for item in getattr(self, section)}
            for section in ("funders", "outcomes", "streams", "rules", "pots", "blocks")
        }
        blocks: dict[str, list[str]] = {}
        for outcome in self.outcomes:
            blocks.setdefault(outcome.block, []).append(outcome.id)
        for block in self.blocks:
            blocks.setdefault(block.id, [])
        order = [o.id for o in self.outcomes]

        def expand(ids: list[str]) -> list[str]:
            wanted: set[str] = set()
            for i in ids:
                wanted.update(blocks.get(i, [i]))
            return [o for o in order if o in wanted]

        eligible = {stream.id: expand(stream.eligible) for stream in self.streams}
        pot_of: dict[str, str] = {}
        scope: dict[str, list[str]] = {}
        for pot in self.pots:
            for member in pot.members:
                pot_of.setdefault(member, pot.id)
            if pot.scope is not None:
                scope[pot.id] = expand(pot.scope)
            else:
                scope[pot.id] = expand([i for m in pot.members for i in eligible.get(m, [])])
        return Lookup(by_id, blocks, eligible, scope, pot_of)

    @cached_property
    def shape(self) -> tuple[Any, ...]:
        """Everything a built program depends on but the response effects and stream amounts.

        Two scenarios of the same shape share one program with different numbers in it, so a
        sensitivity draw is re-solved in place (pooling.resolve) only when its shape equals the
        built one's; worked out once per scenario, however many programs compare it.
        """
        return (
            tuple(self.years),
            tuple(
                (
                    o.id,
                    tuple(s.spend for s in o.response),
                    o.weight,
                    o.baseline,
                    o.target,
                    o.stretch,
                    o.min_spend,
                )
                for o in self.outcomes
            ),
            tuple(
                (s.id, tuple(s.eligible), s.admin_rate, s.carry_forward, s.pool_share_limit, s.funder)
                for s in self.streams
            ),
            tuple(self.rules),
            tuple(self.pots),
        )

    @cached_property
    def numbers(self) -> tuple[tuple[float, ...], tuple[float, ...]]:
        """What a program of this shape takes from the scenario: every segment's slope (outcome by
        outcome, segment by segment) and every stream's amounts (stream by stream, year by year).

        Flat, and worked out once per scenario, so the many programs of one sensitivity draw
        compare and update their numbers as arrays.
        """
        slopes = tuple(seg.slope for o in self.outcomes for seg in o.response)
        amounts = tuple(s.amount_in(t) for s in self.streams for t in self.years)
        return slopes, amounts

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Scenario:
        """A copy whose cached lookups are dropped, so a changed copy (a variant, a draw) is never read
        through the original's indexes."""
        copied = super().model_copy(update=update, deep=deep)
        for cached in ("lookup", "shape", "numbers"):  # rebuilt from the copy's own sections when asked
            copied.__dict__.pop(cached, None)
        return copied

    # --- lookups shared by the optimiser, the evaluator and the reports ---

    @property
    def first_year(self) -> int:
        """The agreement's first year."""
        return self.years[0]

    @property
    def last_year(self) -> int:
        """The agreement's last year."""
        return self.years[-1]

    @property
    def block_ids(self) -> set[str]:
        """Every block id, including blocks with no outcomes yet."""
        return set(self.lookup.blocks)

    def expand(self, ids: list[str] | None) -> list[str]:
        """Outcome ids named by a list of outcome and block ids, in the file's outcome order."""
        if ids is None:
            return [o.id for o in self.outcomes]
        blocks = self.lookup.blocks
        wanted: set[str] = set()
        for i in ids:
            wanted.update(blocks.get(i, [i]))
        return [o.id for o in self.outcomes if o.id in wanted]

    def eligible(self, stream_id: str) -> list[str]:
        """The outcome ids the stream may fund, blocks expanded, in file order."""
        return self.lookup.eligible[stream_id]

    def scope(self, pot_id: str) -> list[str]:
        """The outcome ids the pot may fund: its own scope, or else whatever its members may fund."""
        return self.lookup.scope[pot_id]

    def pot_of(self, stream_id: str) -> str | None:
        """The pot the stream pays into, or None when it is in no pot."""
        return self.lookup.pot_of.get(stream_id)

    def rule_streams(self, rule: Rule) -> list[str]:
        """The streams a rule binds, in file order: every stream when the rule names none."""
        if rule.streams is None:
            return [s.id for s in self.streams]
        wanted = set(rule.streams)
        return [s.id for s in self.streams if s.id in wanted]

    def rule_years(self, rule: Rule) -> list[int]:
        """The years a rule applies in, in file order: every year when the rule names none."""
        if rule.years is None:
            return list(self.years)
        wanted = set(rule.years)
        return [t for t in self.years if t in wanted]

    def rule_periods(self, rule: Rule) -> list[tuple[int, ...]]:
        """The groups of years each of which the rule must hold over."""
        years = self.rule_years(rule)
        if rule.per == "period":
            return [tuple(years)] if years else []
        return [(t,) for t in years]

    def funder_of(self, stream_id: str) -> str:
        """The id of the partner who brings the stream."""
        return self.stream(stream_id).funder

    def stream(self, stream_id: str) -> Stream:
        """The stream with this id (a KeyError for an unknown one: ids are checked on loading)."""
        return self._by_id("streams")[stream_id]  # type: ignore[return-value]

    def outcome(self, outcome_id: str) -> Outcome:
        """The outcome with this id (a KeyError for an unknown one: ids are checked on loading)."""
        return self._by_id("outcomes")[outcome_id]  # type: ignore[return-value]

    def pot(self, pot_id: str) -> Pot:
        """The pot with this id (a KeyError for an unknown one: ids are checked on loading)."""
        return self._by_id("pots")[pot_id]  # type: ignore[return-value]

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (a KeyError for an unknown one: ids are checked on loading)."""
        return self._by_id("rules")[rule_id]  # type: ignore[return-value]

    def funder(self, funder_id: str) -> Funder:
        """The funder with this id (a KeyError for an unknown one: ids are checked on loading)."""
        return self._by_id("funders")[funder_id]  # type: ignore[return-value]

    def _by_id(self, section: str) -> dict[str, BaseModel]:
        return self.lookup.by_id[section]

    def label(self, kind: str, item_id: str) -> str:
        """The item's name as a finance lead wrote it, falling back to its id."""
        item = self._by_id(kind).get(item_id)
        name = getattr(item, "name", "") if item is not None else ""
        return name or item_id

    def effect_cv(self, outcome_id: str) -> float:
        """The outcome's effect uncertainty, or the area-wide one when it has none of its own."""
        own = self.outcome(outcome_id).effect_uncertainty
        return self.effect_uncertainty if own is None else own

    def amount_cv(self, stream_id: str) -> float:
        """The stream's amount uncertainty, or the area-wide one when it has none of its own."""
        own = self.stream(stream_id).amount_uncertainty
        return self.amount_uncertainty if own is None else own

    def arrangements_to_run(self) -> list[Arrangement]:
        """The arrangements the file asks for; by default silo, aligned, pooled and optimal, with
        historic too when the file gives historic spend."""
        if self.arrangements is not None:
            return list(self.arrangements)
        chosen = [Arrangement.SILO, Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL]
        if self.historic is not None:
            chosen.append(Arrangement.HISTORIC)
        return chosen
