"""`laa compare --variants`: the base and every variant side by side, each against the base.

A negotiator's question is "what does this change do?", so every variant's
figures come with their change from the base's under the same arrangement:
score, targets met, stretch targets met, reward and money. A variant whose
plan has no numbers (infeasible, failed) has no change either: its status
and reason say why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from laa.models.scenario import Arrangement, Scenario
from laa.models.variants import variant_scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.solving.solvers import SolveOptions
from laa.pooling.units import gbp, money_text, solver_dust
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.breaches import status_words
from laa.scenarios.analysis.table import grid
from laa.scenarios.formats import Document, format_version

MONEY = ("available", "overhead", "setup", "lapsed", "spent")
BASE = "base"  # how the tables name the scenario as written


@dataclass(frozen=True)
class VariantPlans:
    """One variant (None: the base) planned under each arrangement."""

    variant: str | None
    name: str
    scenario: Scenario
    plans: list[Plan]


@dataclass(frozen=True)
class Figures:
    """What a variant is judged by under one arrangement; None where the plan has no numbers."""

    score: float | None
    targets_met: int | None
    stretch_met: int | None
    reward: float | None
    money: dict[str, float] | None

    @classmethod
    def of(cls, plan: Plan) -> Figures:
        """The plan's headline figures; all None when the plan has no numbers."""
        ev = plan.evaluation if plan.has_numbers else None
        if ev is None:
            return cls(None, None, None, None, None)
        money = {k: float(getattr(ev.money, k)) for k in MONEY}
        return cls(plan.score, ev.targets_met, ev.stretch_met, ev.reward, money)

    def minus(self, base: Figures) -> Figures | None:
        """The change from `base`, or None when either has no numbers."""
        if self.score is None or base.score is None or self.money is None or base.money is None:
            return None
        assert self.targets_met is not None and base.targets_met is not None
        assert self.stretch_met is not None and base.stretch_met is not None
        assert self.reward is not None and base.reward is not None
        return Figures(
            self.score - base.score,
            self.targets_met - base.targets_met,
            self.stretch_met - base.stretch_met,
            self.reward - base.reward,
            {k: self.money[k] - base.money[k] for k in MONEY},
        )

    def to_dict(self) -> dict[str, Any]:
        """The figures for the variants document, money in pounds."""
        return {
            "score": self.score,
            "targets_met": self.targets_met,
            "stretch_met": self.stretch_met,
            "reward": None if self.reward is None else gbp(self.reward),
            "money": None if self.money is None else {k: gbp(v) for k, v in self.money.items()},
        }


@dataclass(frozen=True)
class Row:
    """One variant under one arrangement, and its change from the base under the same arrangement."""

    variant: str | None
    name: str
    arrangement: str
    status: str
    message: str
    figures: Figures
    change: Figures | None
    breaches: int | None = None  # rules and limits the plan breaks (a silo plan may); None: no plan


def plan_variants(
    scenario: Scenario,
    arrangements: list[Arrangement] | None = None,
    options: SolveOptions | None = None,
    base_plans: list[Plan] | None = None,
) -> list[VariantPlans]:
    """The base, then each of its variants in file order, all planned under the same arrangements.

    `base_plans`: the base's plans of those arrangements when already made (the report has them).
    """
    chosen = arrangements or scenario.arrangements_to_run()
    base = base_plans if base_plans is not None else plan_all(scenario, chosen, options)
    planned = [VariantPlans(None, BASE, scenario, base)]
    for variant in scenario.variants or []:
        changed = variant_scenario(scenario, variant.id)
        planned.append(VariantPlans(variant.id, variant.name, changed, plan_all(changed, chosen, options)))
    return planned


def variant_rows(planned: list[VariantPlans]) -> list[Row]:
    """Every variant (the base first) under every arrangement, grouped by arrangement."""
    base = {p.arrangement.value: Figures.of(p) for p in planned[0].plans}
    rows = []
    for arrangement in base:
        for vp in planned:
            plan = next(p for p in vp.plans if p.arrangement.value == arrangement)
            figures = Figures.of(plan)
            change = None if vp.variant is None else figures.minus(base[arrangement])
            ev = plan.evaluation if plan.has_numbers else None
            breaches = None if ev is None else len(ev.violations)
            status, message = plan.status.value, plan.message
            rows.append(Row(vp.variant, vp.name, arrangement, status, message, figures, change, breaches))
    return rows


def all_plans(planned: list[VariantPlans]) -> list[Plan]:
    """Every plan of every variant, in order, for checks and outputs that take one list."""
    return [p for vp in planned for p in vp.plans]


def variants_document(scenario: Scenario, planned: list[VariantPlans]) -> dict[str, Any]:
    """`laa compare --variants --format json`: a row per variant and arrangement, each with its change."""
    return {
        "format_version": format_version(Document.VARIANTS),
        "scenario": scenario.name,
        "variants": [{"variant": vp.variant, "name": vp.name} for vp in planned],
        "rows": [
            {
                "variant": r.variant,
                "arrangement": r.arrangement,
                "status": r.status,
                "breaches": r.breaches,
                "message": r.message,
                **r.figures.to_dict(),
                "change": None if r.change is None else r.change.to_dict(),
            }
            for r in variant_rows(planned)
        ],
    }


def variants_text(scenario: Scenario, planned: list[VariantPlans]) -> str:
    """A table per arrangement: the base, then each variant with its change from the base.

    Money is shown as spent and lost (overhead, set-up and lapsed together): what a
    change in a meeting moves; the JSON and CSV forms carry every money figure.
    """
    outcomes, dust = len(scenario.outcomes), solver_dust(scenario)
    count = len(planned) - 1
    parts = [f"{scenario.name}: the base and {count} variant{'s' if count != 1 else ''}"]
    if count == 0:
        parts.append("(the file has no variants: add a 'variants' section; see docs/meeting.md, Variants)")
    headers = ["variant", "status", "score", "change", "targets", "change", "reward", "change"]
    headers += ["spent", "change", "lost", "change"]
    rows = variant_rows(planned)
    for arrangement in dict.fromkeys(r.arrangement for r in rows):
        cells = []
        for r in (r for r in rows if r.arrangement == arrangement):
            f, d = r.figures, r.change
            cells.append(
                [
                    r.variant or BASE,
                    status_words(r.status, r.breaches),
                    "-" if f.score is None else f"{f.score:.3f}",
                    "-" if d is None else signed_score(d.score),
                    "-" if f.targets_met is None else f"{f.targets_met}/{outcomes}",
                    "-" if d is None else f"{d.targets_met:+d}" if d.targets_met else "0",
                    money_text(f.reward, dust),
                    "-" if d is None else money_text(d.reward, dust, signed=True),
                    money_text(_money(f, "spent"), dust),
                    "-" if d is None else money_text(_money(d, "spent"), dust, signed=True),
                    money_text(_lost(f), dust),
                    "-" if d is None else money_text(_lost(d), dust, signed=True),
                ]
            )
        parts += ["", arrangement, grid(headers, cells, right=set(range(2, len(headers))))]
    failed = [r for r in rows if r.figures.score is None]
    if failed:
        parts.append("")
        parts += [f"{r.variant or BASE}, {r.arrangement}: {r.status}. {r.message}".rstrip() for r in failed]
    named = planned[1:]
    if named:
        parts += ["", "Variants"]
        parts += [f"  {vp.variant}: {vp.name}" if vp.name else f"  {vp.variant}" for vp in named]
    return "\n".join(parts) + "\n"


def signed_score(change: float | None) -> str:
    """A score's change to the table's 3 decimals; no change (or a solver's 1e-12) reads 0."""
    shown = "-" if change is None else f"{change:+.3f}"
    return "0" if shown in ("+0.000", "-0.000") else shown


def _money(f: Figures, key: str) -> float | None:
    return None if f.money is None else f.money[key]


def _lost(f: Figures) -> float | None:
    if f.money is None:
        return None
    return f.money["overhead"] + f.money["setup"] + f.money["lapsed"]
