"""Who plans together: each funder alone in silo, or a coalition of funders as one planner.

MODEL.md, Arrangements (silo) and Partners (who gains from aligning): a planner plans its own
streams under the share and amount rules whose streams all belong to it, with no statutory
minimums, its view the union of its members'. Silo, the diagnosis of an infeasible silo plan
and the partners' coalitions all need that program; it lives here so that none of them need
the others.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from laa.models.scenario import Rule, Scenario
from laa.pooling.program.spec import ModelSpec, PoolingChoice

# who plans together: planner id -> its funders (silo: each funder alone; MODEL.md, Partners: a
# coalition planning as one funder, its view the union of its members', its rules those whose
# streams all belong to it)
Planners = Mapping[str, frozenset[str]]


def own_rules(scenario: Scenario, funder: str | Collection[str]) -> list[Rule]:
    """Share and amount rules whose streams all belong to `funder` (or to a planner's funders)."""
    group = {funder} if isinstance(funder, str) else set(funder)
    found = []
    for rule in scenario.rules:
        if rule.kind.value == "match":
            continue
        streams = scenario.rule_streams(rule)
        if streams and all(scenario.funder_of(s) in group for s in streams):
            found.append(rule)
    return found


def funder_spec(scenario: Scenario, funder: str | Collection[str]) -> tuple[ModelSpec, list[str]]:
    """The program a funder (or a planner's funders) plans alone: its streams, its own rules, no
    statutory minimums."""
    group = {funder} if isinstance(funder, str) else set(funder)
    streams = [s.id for s in scenario.streams if s.funder in group]
    return planner_spec(scenario, {r.id for r in own_rules(scenario, group)}), streams


def silo_funders(scenario: Scenario) -> list[str]:
    """The funders that bring at least one stream, in scenario order: in the silo each plans alone."""
    return [f.id for f in scenario.funders if any(s.funder == f.id for s in scenario.streams)]


def alone(scenario: Scenario) -> dict[str, frozenset[str]]:
    """The silo's planners: every funder with streams, on its own."""
    return {f: frozenset({f}) for f in silo_funders(scenario)}


def planner_spec(scenario: Scenario, rules: set[str]) -> ModelSpec:
    """A planner's program: every stream aligned under only `rules`, no statutory minimums."""
    without = frozenset(r.id for r in scenario.rules if r.id not in rules)
    return ModelSpec(scenario, PoolingChoice.aligned(), without_rules=without, statutory=False)
