"""What to build: the scenario, how its streams are pooled, and any freedoms or relaxations.

A `ModelSpec` is plain data, so the arrangements, the freedoms and the
diagnosis each describe the program they need and one builder makes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from laa.models.scenario import Arrangement, Rule, Scenario
from laa.pooling.program.scale import money_unit


class PoolingMode(StrEnum):
    """Who decides how much of each stream is pooled: the arrangement (fixed), or the solver,
    pooling whole streams or any share up to each stream's limit."""
    FIXED = "fixed"  # every stream's pooled share is given (aligned, pooled, re-solves)
    WHOLE = "whole"  # the solver pools whole streams (phi in {0, phimax}): a MIP
    PARTIAL = "partial"  # the solver picks any share up to phimax


@dataclass(frozen=True)
class PoolingChoice:
    """How much of each stream goes into its pot (`phi_s`) and which pots are set up (`v_p`)."""

    mode: PoolingMode
    shares: dict[str, float] = field(default_factory=dict)
    pots_used: frozenset[str] = frozenset()

    @staticmethod
    def aligned() -> PoolingChoice:
        """Nothing pooled: each stream keeps to its own rules, aligned to the shared targets."""
        return PoolingChoice(PoolingMode.FIXED)

    @staticmethod
    def pooled(scenario: Scenario) -> PoolingChoice:
        """Every pot member pooled up to its limit and every pot set up, whatever it costs."""
        shares = {m: scenario.stream(m).pool_share_limit for pot in scenario.pots for m in pot.members}
        return PoolingChoice(PoolingMode.FIXED, shares, frozenset(p.id for p in scenario.pots))

    @staticmethod
    def fixed(shares: Mapping[str, float], pots_used: Iterable[str]) -> PoolingChoice:
        """A plan's pooling held fixed (the optimal arrangement's choice, re-solved or priced)."""
        return PoolingChoice(PoolingMode.FIXED, dict(shares), frozenset(pots_used))

    @staticmethod
    def for_arrangement(scenario: Scenario, arrangement: Arrangement) -> PoolingChoice:
        """The pooling MODEL.md's joint arrangements describe: the one switch from an arrangement to
        what to build. Silo and historic are not one joint program, so they have none."""
        if arrangement is Arrangement.ALIGNED:
            return PoolingChoice.aligned()
        if arrangement is Arrangement.POOLED:
            return PoolingChoice.pooled(scenario)
        if arrangement is Arrangement.OPTIMAL:
            return PoolingChoice.chosen_by_solver(scenario.partial_pooling)
        raise ValueError(f"the {arrangement.value} arrangement is not one joint program")

    @staticmethod
    def chosen_by_solver(partial: bool) -> PoolingChoice:
        """Let the solver choose what to pool: any share up to each limit (`partial`), or whole streams."""
        return PoolingChoice(PoolingMode.PARTIAL if partial else PoolingMode.WHOLE)

    def share(self, stream_id: str) -> float:
        """The share of the stream that is pooled (0 when it is not named: kept out of pots)."""
        return self.shares.get(stream_id, 0.0)


@dataclass(frozen=True)
class ModelSpec:
    """Everything the builder needs to know beyond the scenario itself."""

    scenario: Scenario
    choice: PoolingChoice
    extra_eligible: frozenset[tuple[str, str]] = frozenset()
    candidates: frozenset[tuple[str, str]] = frozenset()
    without_rules: frozenset[str] = frozenset()
    elastic: bool = False
    statutory: bool = True
    # the pooling frontier: at most this share of the poolable money may be pooled
    max_pooled_share: float | None = None
    # GBP per solver unit; None: chosen from the scenario's amounts (pooling.scale)
    unit: float | None = None

    @property
    def money_unit(self) -> float:
        """GBP per unit of money in the program (a kept model pins the one it was built with)."""
        return self.unit if self.unit is not None else money_unit(self.scenario)

    @property
    def rules(self) -> list[Rule]:
        """The scenario's rules less those this model drops (a freedom being priced, say)."""
        return [r for r in self.scenario.rules if r.id not in self.without_rules]

    def eligible(self, stream_id: str) -> list[str]:
        """Outcomes the stream may fund here: its own eligibility plus any freedom granted."""
        granted = {o for s, o in self.extra_eligible if s == stream_id}
        own = self.scenario.eligible(stream_id)
        if not granted:
            return own
        wanted = set(own) | granted
        return [o.id for o in self.scenario.outcomes if o.id in wanted]
