"""Robust plans: chosen against draws of the evidence, then judged on fresh ones.

`laa run --robust MEASURE --draws N --seed S` plans each joint arrangement (aligned, pooled,
optimal) against N seeded draws of effects and amounts (the draws `laa sensitivity` makes) by
`pooling.robust`, and judges the plan it gets beside the deterministic plan (made for the
central estimate), with the evaluator alone:

- in sample: the measure of both plans on the same N draws (the robust one can only be better
  there, when the deterministic plan keeps every rule in them);
- out of sample: both plans on fresh draws from another seed (`fresh_seed`): mean, p5, p50,
  p95, the share of draws in which each keeps every rule, and each target's chance of being met;
- at the central estimate: what the robustness costs in score.

Silo and historic plans are not chosen jointly, so they are planned as usual and carry no
robust figures. The optimal arrangement's robust plan is the best by the measure among robust
plans for three pooling choices (nothing pooled, everything pooled, and the deterministic
optimal choice): the pooling choice is not re-searched against the draws, which would make
every draw's program a MIP.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.evaluate import evaluate
from laa.pooling.plans.plan import Plan, PlanStatus
from laa.pooling.plans.selfcheck import checked
from laa.pooling.program.spec import ModelSpec, PoolingChoice
from laa.pooling.robust.against_draws import Measure, MeasureKind, RobustSolution, plan_against_draws
from laa.pooling.robust.stack import allocation_in_draw
from laa.pooling.solving.solvers import SolveOptions
from laa.scenarios.analysis.arrangements import plan_arrangement
from laa.scenarios.analysis.draws import draw, drawn_scenario
from laa.scenarios.analysis.progress import Advance, unwatched
from laa.scenarios.analysis.table import grid, short

ROBUST_ARRANGEMENTS = (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)
DEFAULT_DRAWS = 200
FRESH_DRAWS = 1000  # judging a plan is cheap (no solve), so the fresh draws can be many
FRESH_SEED_OFFSET = 1_000_003  # far from the next seeds a user might plan with
# the program's measure and the evaluator's agree to this (relative); beyond it, a bug
RESCORE_TOLERANCE = 1e-6


def fresh_seed(seed: int) -> int:
    """The seed of the draws a robust plan is judged on: never the seed it was planned with."""
    return seed + FRESH_SEED_OFFSET


@dataclass(frozen=True)
class DrawSet:
    """Seeded draws of the evidence and each draw's scenario, made once and judged for every plan."""

    seed: int
    scenarios: list[Scenario]

    def __len__(self) -> int:
        return len(self.scenarios)

    @staticmethod
    def make(scenario: Scenario, draws: int, seed: int, each: Callable[[], None] | None = None) -> DrawSet:
        """`draws` seeded copies of the scenario, each with its drawn effects and amounts (`each()`
        told as each is made); the file's variants are left out, as the area is planned without them."""
        made = draw(scenario, draws, seed)
        # a draw is judged as the area is planned: its variants (other questions) play no part
        area = scenario.model_copy(update={"variants": None})
        varied = []
        for i in range(draws):
            varied.append(drawn_scenario(area, made.effects[i], made.amounts[i]))
            if each is not None:
                each()
        return DrawSet(seed, varied)


@dataclass(frozen=True)
class Judgement:
    """A plan's results in a set of draws, from the evaluator alone: no solver is asked."""

    scores: np.ndarray  # (draws,)
    met: np.ndarray  # (draws, outcomes) of bool
    feasible: np.ndarray  # (draws,) of bool: every budget, rule and statutory minimum kept

    def subset(self, draws: list[int]) -> Judgement:
        """The judgement on the given draws only."""
        return Judgement(self.scores[draws], self.met[draws], self.feasible[draws])

    def summary(self, outcomes: list[str]) -> dict[str, Any]:
        """The plan's scores over the draws (mean, 5/50/95 percentiles), how often it keeps the rules,
        and how often each of `outcomes` meets its target."""
        p5, p50, p95 = (float(v) for v in np.percentile(self.scores, [5, 50, 95]))
        return {
            "mean": float(self.scores.mean()),
            "p5": p5,
            "p50": p50,
            "p95": p95,
            "keeps_rules": float(self.feasible.mean()),
            "outcomes": [
                {"id": o, "p_target_met": float(self.met[:, j].mean())} for j, o in enumerate(outcomes)
            ],
        }


def judge(plan: Plan, draws: DrawSet, each: Callable[[int], None] | None = None) -> Judgement:
    """The plan as each draw moves it (see `pooling.robust_program`), scored and checked; `each(d)`
    told when `d` draws are judged."""
    allocation = plan.spending
    assert allocation is not None
    n, m = len(draws), len(plan.scenario.outcomes)
    scores, met, feasible = np.zeros(n), np.zeros((n, m), dtype=bool), np.zeros(n, dtype=bool)
    for d, varied in enumerate(draws.scenarios):
        result = evaluate(varied, allocation_in_draw(plan.scenario, allocation, varied))
        scores[d] = result.score
        met[d] = [o.target_met for o in result.outcomes]
        feasible[d] = result.feasible
        if each is not None:
            each(d + 1)
    return Judgement(scores, met, feasible)


@dataclass
class RobustJudgement:
    """What the robust plan is worth against the deterministic one, in sample, out of sample and
    at the central estimate: the `robust` field of its record."""

    measure: Measure
    draws: int
    seed: int
    solution: RobustSolution
    in_sample: float | None
    deterministic_in_sample: float | None
    in_sample_keeps_rules: dict[str, float]
    central: dict[str, float | None]
    fresh_seed: int
    fresh_draws: int
    out_of_sample: dict[str, dict[str, Any]]
    pooling: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The robust plan's record for the results document: measure, draws, seed and results."""
        solution = self.solution
        size = solution.size.to_dict() if solution.size else None
        return {
            "measure": str(self.measure),
            "draws": self.draws,
            "seed": self.seed,
            "in_sample": self.in_sample,
            "deterministic_in_sample": self.deterministic_in_sample,
            "in_sample_keeps_rules": self.in_sample_keeps_rules,
            "infeasible_draws": solution.infeasible_draws,
            "central": self.central,
            "out_of_sample": {
                "seed": self.fresh_seed,
                "draws": self.fresh_draws,
                **self.out_of_sample,
            },
            "program": {
                "kind": "mip" if self.measure.is_mip else "lp",
                "status": solution.status.value,
                "targets_bound": solution.bound,
                "size": size,
                "seconds": {k: round(v, 6) for k, v in solution.seconds.items()},
            },
            "pooling": self.pooling,
        }


@dataclass(frozen=True)
class RobustPlan(Plan):
    """A plan chosen against draws: its figures are those at the central estimate (as any plan's),
    and `robust` says how it fares in the draws beside the deterministic plan."""

    robust: RobustJudgement | None = None


@dataclass
class RobustRun:
    """One command's draws, shared by every arrangement planned in it; `advance` hears how far the
    command has got (making the draws, planning against them, judging each plan)."""

    scenario: Scenario
    measure: Measure
    planned: DrawSet
    fresh: DrawSet
    options: SolveOptions | None = None
    advance: Advance = unwatched
    _by_choice: dict[tuple[Any, ...], RobustSolution] = field(default_factory=dict)
    _judged: dict[tuple[Any, ...], Judgement] = field(default_factory=dict)

    @staticmethod
    def make(
        scenario: Scenario,
        measure: Measure,
        draws: int,
        seed: int,
        options: SolveOptions | None = None,
        fresh_draws: int = FRESH_DRAWS,
        advance: Advance = unwatched,
    ) -> RobustRun:
        """Draw the planning draws and a fresh set (`fresh_draws`, another seed) to judge plans on
        draws they were not chosen against."""
        what, total, made = "drawing the evidence", draws + fresh_draws, 0

        def each() -> None:
            nonlocal made
            made += 1
            advance(what, made, total)

        advance(what, 0, total)
        planned = DrawSet.make(scenario, draws, seed, each)
        fresh = DrawSet.make(scenario, fresh_draws, fresh_seed(seed), each)
        return RobustRun(scenario, measure, planned, fresh, options, advance)

    def measured_by(self, measure: Measure) -> RobustRun:
        """The same draws (and judgements of them) for plans chosen by another measure."""
        return replace(self, measure=measure, _by_choice={})

    def solve(self, choice: PoolingChoice, arrangement: Arrangement) -> RobustSolution:
        """The robust plan for one fixed pooling choice, solved once however often it is asked."""
        key = (tuple(sorted(choice.shares.items())), choice.pots_used)
        if key not in self._by_choice:
            self.advance(f"{arrangement.value}: planning against {len(self.planned):,} draws", 0, None)
            spec = ModelSpec(self.scenario, choice)
            self._by_choice[key] = plan_against_draws(
                spec, arrangement, self.planned.scenarios, self.measure, self.options
            )
        found = self._by_choice[key]
        return replace(found, plan=replace(found.plan, arrangement=arrangement))

    def judge(self, plan: Plan, fresh: bool) -> Judgement:
        """`judge` on the planned or the fresh draws, once per allocation (optimal often pools as
        pooled does, and its plans are then the same)."""
        spending = plan.spending
        assert spending is not None
        key = (
            fresh,
            tuple(sorted(spending.stream_spend.items())),
            tuple(sorted(spending.pot_spend.items())),
            tuple(sorted(spending.shares.items())),
        )
        if key not in self._judged:
            draws = self.fresh if fresh else self.planned
            what = f"{plan.arrangement.value}: judging on {len(draws):,} {'fresh ' if fresh else ''}draws"
            self.advance(what, 0, len(draws))
            self._judged[key] = judge(plan, draws, lambda done: self.advance(what, done, len(draws)))
        return self._judged[key]


def robust_plan(run: RobustRun, arrangement: Arrangement) -> Plan:
    """The arrangement's plan chosen against the draws and judged; silo and historic as usual."""
    scenario = run.scenario
    run.advance(f"{arrangement.value}: planning for the central estimate", 0, None)
    deterministic = plan_arrangement(scenario, arrangement, run.options)
    if arrangement not in ROBUST_ARRANGEMENTS or not deterministic.has_numbers:
        return deterministic
    candidates = [run.solve(c, arrangement) for c in _choices(scenario, arrangement, deterministic)]
    solved = [c for c in candidates if c.plan.has_numbers and c.value is not None]
    if not solved:
        return checked(RobustPlan(**candidates[0].plan.__dict__))
    best = max(solved, key=lambda c: (c.value, c.plan.score or 0.0))
    return judged(run, best, deterministic)


def robust_plans(run: RobustRun, arrangements: list[Arrangement] | None = None) -> list[Plan]:
    """Plan each chosen arrangement (the file's, by default) against the run's draws."""
    chosen = arrangements or run.scenario.arrangements_to_run()
    return [robust_plan(run, a) for a in chosen]


def _choices(scenario: Scenario, arrangement: Arrangement, deterministic: Plan) -> list[PoolingChoice]:
    if arrangement is Arrangement.ALIGNED:
        return [PoolingChoice.aligned()]
    if arrangement is Arrangement.POOLED:
        return [PoolingChoice.pooled(scenario)]
    spending = deterministic.spending
    assert spending is not None
    own = PoolingChoice.fixed(spending.shares, spending.pots_used)
    return [PoolingChoice.aligned(), PoolingChoice.pooled(scenario), own]


def judged(run: RobustRun, solution: RobustSolution, deterministic: Plan) -> Plan:
    """The robust plan with its judgement; an `error` plan if the program and the evaluator disagree."""
    plan = RobustPlan(**solution.plan.__dict__)
    measure, outcomes = run.measure, [o.id for o in run.scenario.outcomes]
    robust_in, deterministic_in = run.judge(plan, fresh=False), run.judge(deterministic, fresh=False)
    kept = solution.kept
    value = measure.value(robust_in.scores[kept], robust_in.met[kept])
    plan = _check(plan, solution, value, robust_in.subset(kept))
    robust_out, deterministic_out = run.judge(plan, fresh=True), run.judge(deterministic, fresh=True)
    central_cost = None
    if plan.score is not None and deterministic.score is not None:
        central_cost = deterministic.score - plan.score
    spending = plan.spending
    judgement = RobustJudgement(
        measure=measure,
        draws=len(run.planned),
        seed=run.planned.seed,
        solution=solution,
        in_sample=value,
        deterministic_in_sample=measure.value(deterministic_in.scores[kept], deterministic_in.met[kept]),
        in_sample_keeps_rules={
            "robust": float(robust_in.feasible[kept].mean()),
            "deterministic": float(deterministic_in.feasible[kept].mean()),
        },
        central={"robust": plan.score, "deterministic": deterministic.score, "cost": central_cost},
        fresh_seed=run.fresh.seed,
        fresh_draws=len(run.fresh),
        out_of_sample={
            "robust": {
                "measure": measure.value(robust_out.scores, robust_out.met),
                **robust_out.summary(outcomes),
            },
            "deterministic": {
                "measure": measure.value(deterministic_out.scores, deterministic_out.met),
                **deterministic_out.summary(outcomes),
            },
        },
        pooling=dict(spending.shares) if spending else {},
    )
    return checked(replace(plan, robust=judgement))


def _check(plan: RobustPlan, solution: RobustSolution, value: float, kept: Judgement) -> RobustPlan:
    """The evaluator must find what the program promised: the measure, and every rule kept in every
    draw planned against. Otherwise the plan is an `error`, as a deterministic plan would be."""
    if plan.status is not PlanStatus.OPTIMAL or solution.value is None:
        return plan
    promised = solution.value
    if solution.measure.kind is MeasureKind.TARGETS:
        wrong = value < promised
    else:
        wrong = abs(value - promised) > RESCORE_TOLERANCE * max(1.0, abs(promised))
    if wrong:
        return plan.refused(
            f"internal check failed: the program's {solution.measure} of {promised:.9f} differs from "
            f"the evaluator's {value:.9f}"
        )
    if not kept.feasible.all():
        draw_ = solution.kept[int(np.flatnonzero(~kept.feasible)[0])]
        return plan.refused(f"internal check failed: the robust plan breaks a rule in draw {draw_}")
    return plan


MEASURE_WORDS = {
    MeasureKind.MEAN: "the mean score over the draws",
    MeasureKind.CVAR: "the mean score of the worst {share} of draws",
    MeasureKind.TARGETS: "targets met in at least {share} of draws",
}


def measure_words(measure: Measure) -> str:
    """The robust measure in plain words, with its level as a percentage."""
    return MEASURE_WORDS[measure.kind].format(share=f"{measure.level:.0%}")


def robust_text(scenario: Scenario, plans: list[Plan], moved: int = 5) -> str:
    """The robust plans beside the deterministic ones: in sample, on fresh draws, at the centre."""
    judged_plans = [p for p in plans if isinstance(p, RobustPlan) and p.robust is not None]
    if not judged_plans:
        return ""
    first = judged_plans[0].robust
    assert first is not None
    measure = first.measure
    lines = [
        f"Robust plans: best by {measure} ({measure_words(measure)}) over {first.draws} draws "
        f"(seed {first.seed}), each keeping every rule in every draw; judged on {first.fresh_draws} "
        f"fresh draws (seed {first.fresh_seed})",
        "",
    ]
    if measure.is_mip:
        lines[-1:] = [
            f"{measure} is a mixed-integer program (a binary per outcome and draw), solved in stages "
            "within the time limit.",
            "",
        ]
    rows = []
    for plan in judged_plans:
        r = plan.robust
        assert r is not None
        for name, inside, central in (
            ("robust", r.in_sample, r.central["robust"]),
            ("deterministic", r.deterministic_in_sample, r.central["deterministic"]),
        ):
            fresh = r.out_of_sample[name]
            rows.append(
                [
                    plan.arrangement.value if name == "robust" else "",
                    name,
                    _num(central),
                    _num(inside),
                    _num(fresh["mean"]),
                    _num(fresh["p5"]),
                    _num(fresh["p50"]),
                    _num(fresh["p95"]),
                    f"{fresh['keeps_rules']:.0%}",
                ]
            )
    headers = ["arrangement", "plan", "central", str(measure), "fresh mean", "p5", "p50", "p95"]
    headers.append("keeps rules")
    lines += [grid(headers, rows, right=set(range(2, 9))), ""]
    seen: dict[str, str] = {}  # a plan's fresh figures -> the first arrangement with them
    for plan in judged_plans:
        r = plan.robust
        assert r is not None
        same = seen.setdefault(repr(r.out_of_sample), plan.arrangement.value)
        if same != plan.arrangement.value:
            lines.append(f"{plan.arrangement.value}: the same plans as {same}.")
            continue
        cost = r.central["cost"]
        notes = []
        if cost is not None:
            notes.append(f"robustness costs {cost:.3f} of the central score")
        if r.solution.infeasible_draws:
            left_out = len(r.solution.infeasible_draws)
            notes.append(f"{left_out} draws no plan can keep every rule in were left out")
        if r.solution.status.value == "time_limit":
            notes.append(plan.message)
        lines.append(f"{plan.arrangement.value}: " + "; ".join(notes) + ".")
    lines += ["", *_moved_targets(scenario, judged_plans, moved)]
    return "\n".join(lines).rstrip() + "\n"


def _moved_targets(scenario: Scenario, plans: list[RobustPlan], top: int) -> list[str]:
    """The targets whose chance of being met (fresh draws) moves most between the two plans."""
    found = []
    shown: set[str] = set()
    for plan in plans:
        r = plan.robust
        assert r is not None
        if repr(r.out_of_sample) in shown:
            continue  # the same plans as an arrangement shown already
        shown.add(repr(r.out_of_sample))
        robust = {o["id"]: o["p_target_met"] for o in r.out_of_sample["robust"]["outcomes"]}
        deterministic = {o["id"]: o["p_target_met"] for o in r.out_of_sample["deterministic"]["outcomes"]}
        order = sorted(robust, key=lambda o: -abs(robust[o] - deterministic[o]))
        rows = [
            [short(scenario.label("outcomes", o)), f"{robust[o]:.0%}", f"{deterministic[o]:.0%}"]
            for o in order[:top]
            if abs(robust[o] - deterministic[o]) >= 0.005
        ]
        if rows:
            found += [
                f"{plan.arrangement.value}: the targets whose chance of being met moves most (fresh draws)",
                "",
                grid(["outcome", "robust", "deterministic"], rows),
                "",
            ]
    return found


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def plan_robustly(
    scenario: Scenario,
    arrangements: list[Arrangement] | None,
    measure: str | Measure,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    options: SolveOptions | None = None,
    fresh_draws: int | None = None,
    advance: Advance = unwatched,
) -> list[Plan]:
    """`laa run --robust`: the arrangements' plans (the file's list by default), the joint ones
    chosen against `draws` seeded draws by `measure` and judged (on `FRESH_DRAWS` fresh draws
    unless told); silo and historic as usual. `advance` hears how far it has got."""
    chosen = measure if isinstance(measure, Measure) else Measure.parse(measure)
    fresh = FRESH_DRAWS if fresh_draws is None else fresh_draws
    run = RobustRun.make(scenario, chosen, draws, seed, options, fresh, advance)
    return robust_plans(run, arrangements)


def robust_heading(plans: list[Plan]) -> str:
    """The line above the arrangement table: which of its plans were chosen against draws."""
    judged_plans = [p for p in plans if isinstance(p, RobustPlan) and p.robust is not None]
    if not judged_plans:
        return ""
    first = judged_plans[0].robust
    assert first is not None
    names = [p.arrangement.value for p in judged_plans]
    which = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    verb = "plan is" if len(names) == 1 else "plans are"
    return (
        f"Robust: the {which} {verb} chosen by {first.measure} against {first.draws} draws "
        f"(seed {first.seed}); the figures below are at the central estimate.\n\n"
    )
