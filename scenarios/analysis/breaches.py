"""The rules and limits a plan breaks, grouped so a large agreement's list can still be read.

A silo plan on a large agreement can break 174 statutory minimums: listed
one by one they push everything else off the page. Grouped by what was
broken (one rule, one outcome's statutory minimum, one stream's budget or
eligibility), each group says how many times, in which years and how far
short in all, the worst group first; the full list stays available
(collapsible in the report, `--format json` on the terminal).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from laa.models.scenario import Scenario
from laa.pooling.plans.evaluate import Violation
from laa.pooling.units import money_text, solver_dust, years_text
from laa.scenarios.analysis.effects import plural

KIND_WORDS = {
    "statutory": ("statutory minimum", "statutory minimums"),
    "rule": ("rule", "rules"),
    "budget": ("budget overspent", "budgets overspent"),
    "eligibility": ("eligibility limit", "eligibility limits"),
}


@dataclass(frozen=True)
class BreachGroup:
    """Every breach of one thing: a rule, an outcome's statutory minimum, a stream's budget or eligibility."""

    kind: str  # statutory | rule | budget | eligibility
    id: str
    what: str  # in the scenario's words
    years: tuple[int, ...]
    count: int
    gap: float  # GBP: how far from the bound, added over the breaches
    worst: Violation

    def text(self, scenario: Scenario) -> str:
        """'statutory minimum for 'Youth justice' broken 2 times (2026, 2028), £450,000 short in all'."""
        dust = solver_dust(scenario)
        when = f" ({years_text(self.years)})" if self.years else ""
        times = "once" if self.count == 1 else f"{self.count} times"
        return f"{self.what}: broken {times}{when}, {money_text(self.gap, dust)} in all"


def status_words(status: str, breaches: int | None) -> str:
    """A plan's status as a person reads it: 'optimal, breaks 2 rules' when the plan has figures but
    breaks rules or limits (a silo or historic plan may), so no view shows such a plan as plain
    'optimal'; machines read the status and the breaches count apart."""
    if not breaches:
        return status
    return f"{status}, breaks {plural(breaches, 'rule')}"


def _gap(v: Violation) -> float:
    if v.required is None or v.achieved is None:
        return 0.0
    return abs(v.required - v.achieved)


def _what(scenario: Scenario, v: Violation) -> str:
    if v.kind == "statutory":
        return f"statutory minimum for '{scenario.label('outcomes', v.id)}'"
    if v.kind == "rule":
        return f"rule {v.id} ({scenario.rule(v.id).kind.value})"
    source = scenario.label("pots" if v.id in scenario.lookup.by_id["pots"] else "streams", v.id)
    if v.kind == "budget":
        return f"budget of {source}"
    return f"eligibility of {source}"


def breach_groups(scenario: Scenario, violations: list[Violation]) -> list[BreachGroup]:
    """The violations grouped by kind and what they break, the largest gap first."""
    grouped: dict[tuple[str, str], list[Violation]] = defaultdict(list)
    for v in violations:
        grouped[(v.kind, v.id)].append(v)
    groups = [
        BreachGroup(
            kind,
            ident,
            _what(scenario, found[0]),
            tuple(sorted({v.year for v in found if v.year is not None})),
            len(found),
            sum(_gap(v) for v in found),
            max(found, key=_gap),
        )
        for (kind, ident), found in grouped.items()
    ]
    return sorted(groups, key=lambda g: (-g.gap, g.kind, g.id))


def breach_kinds(violations: list[Violation]) -> str:
    """'174 statutory minimums and 2 rules': what kinds, how many of each."""
    counts: dict[str, int] = defaultdict(int)
    for v in violations:
        counts[v.kind] += 1
    parts = [plural(n, *KIND_WORDS.get(kind, (kind, kind + "s"))) for kind, n in sorted(counts.items(),
             key=lambda kv: -kv[1])]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


GROUP_NOUNS = {
    "statutory": ("outcome", "outcomes"),
    "rule": ("rule", "rules"),
    "budget": ("budget", "budgets"),
    "eligibility": ("stream or pot", "streams or pots"),
}


def groups_text(groups: list[BreachGroup]) -> str:
    """'13 outcomes', '12 outcomes and 1 rule': what the breaches fall on."""
    counts: dict[str, int] = defaultdict(int)
    for g in groups:
        counts[g.kind] += 1
    parts = [plural(n, *GROUP_NOUNS.get(kind, (kind, kind + "s"))) for kind, n in counts.items()]
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def breaches_text(
    scenario: Scenario, arrangement: str, violations: list[Violation], top: int = 5
) -> list[str]:
    """The terminal's lines: what is broken, by group, the largest gap first; every breach is in the JSON."""
    if not violations:
        return []
    groups = breach_groups(scenario, violations)
    lines = [f"{arrangement} breaks {breach_kinds(violations)}; by what is broken, the largest gap first:"]
    lines += [f"  - {g.text(scenario)}" for g in groups[:top]]
    if len(groups) > top:
        lines.append(f"  ... and {len(groups) - top} more (every breach: --format json)")
    lines.append(f"  the worst: {groups[0].worst.message}")
    return lines
