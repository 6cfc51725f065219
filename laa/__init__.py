"""laa: plan partner budgets against shared Local Area Agreement outcome targets.

The way a notebook or another program comes in. Every name below is part of
the public API and keeps its meaning between releases; everything under
`laa.pooling`, `laa.models`, `laa.scenarios` and `laa.cli` is the engine's
inside and may move.

    import laa
    scenario = laa.load("examples/northbridge.yaml")
    plan = laa.plan(scenario, "pooled")
    plan.score, plan.allocation.head()       # pandas DataFrames: allocation, outcomes, money
    plan.allocation.groupby("funder").amount.sum()   # each partner's spend, pots badged back
    laa.compare(scenario)                    # every arrangement side by side, as a DataFrame
    laa.partners(scenario).shares_frame()    # each partner's share of the gains of aligning and pooling

Solver failures are not exceptions: a plan carries its `status` and
`message`, so a loop over scenarios never stops on one that is infeasible.
Input nobody can plan raises `ScenarioError`, which lists every problem.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from laa.models.errors import InputError, LaaError, Problem, ScenarioError, SolverUnavailableError

if TYPE_CHECKING:
    import pandas as pd

    from laa.models.changes import Change
    from laa.models.scenario import Arrangement, Scenario
    from laa.pooling.plans.plan import Plan, PlanStatus
    from laa.pooling.solving.solvers import SolveOptions, SolverName
    from laa.scenarios.analysis.partners import PartnersResult

# Names whose modules load pydantic, pandas, numpy or the solvers: imported when first asked for, so
# that `import laa` (which every `laa` command runs first) costs nothing a command does not use (issue 15:
# `laa --help` in well under 0.3 s). `laa.Plan` and `from laa import Plan` work as before.
_LAZY = {
    "Arrangement": "laa.models.scenario",
    "Scenario": "laa.models.scenario",
    "Plan": "laa.pooling.plans.plan",
    "PlanStatus": "laa.pooling.plans.plan",
    "SolverName": "laa.pooling.solving.solvers",
    "PartnersResult": "laa.scenarios.analysis.partners",
}

__all__ = [
    "Arrangement",
    "InputError",
    "LaaError",
    "PartnersResult",
    "Plan",
    "PlanStatus",
    "Problem",
    "Scenario",
    "ScenarioError",
    "SolverName",
    "SolverUnavailableError",
    "apply_changes",
    "compare",
    "freedoms",
    "load",
    "partners",
    "plan",
    "plan_all",
    "results_document",
    "robust_plan",
    "variant",
]


def __getattr__(name: str) -> Any:
    """The lazily imported names of `_LAZY`, each imported once and then kept as a plain attribute."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'laa' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


def load(path: str | Path) -> Scenario:
    """Read and validate a scenario file (YAML, JSON or .xlsx); `ScenarioError` lists every problem.

    What may still be wrong with a valid file (every amount under £1,000: typed in £ millions?)
    comes as a `UserWarning`, as `laa validate` says it on stderr.
    """
    import warnings

    from laa.models.doubts import doubts
    from laa.models.load import load_scenario

    scenario = load_scenario(path)
    for doubt in doubts(scenario):
        warnings.warn(f"{path}: {doubt}", UserWarning, stacklevel=2)
    return scenario


def _options(solver: str | SolverName, time_limit: float | None) -> SolveOptions:
    """One place turns the API's plain arguments into the solver's options, so every function agrees."""
    from laa.pooling.solving.solvers import SolveOptions, SolverName

    try:
        name = SolverName(solver)
    except ValueError:
        raise InputError(f"unknown solver {solver!r}: expected one of {', '.join(SolverName)}") from None
    return SolveOptions(solver=name, time_limit=time_limit)


def _arrangement(arrangement: str | Arrangement) -> Arrangement:
    from laa.models.scenario import Arrangement

    try:
        return Arrangement(arrangement)
    except ValueError:
        choices = ", ".join(Arrangement)
        raise InputError(f"unknown arrangement {arrangement!r}: expected one of {choices}") from None


def plan(
    scenario: Scenario,
    arrangement: str | Arrangement = "aligned",
    solver: str | SolverName = "highs",
    time_limit: float | None = None,
) -> Plan:
    """Plan one arrangement (silo, aligned, pooled, optimal or historic) of a scenario.

    The plan is re-scored by the evaluator, which knows nothing of the solver; an
    infeasible plan carries the diagnosis of which rules and budgets collide.
    """
    from laa.scenarios.analysis.arrangements import plan_arrangement

    return plan_arrangement(scenario, _arrangement(arrangement), _options(solver, time_limit))


def plan_all(
    scenario: Scenario,
    arrangements: list[str | Arrangement] | None = None,
    solver: str | SolverName = "highs",
    time_limit: float | None = None,
) -> list[Plan]:
    """Plan several arrangements (default: the scenario's own list), in the order given."""
    from laa.scenarios.analysis.arrangements import plan_all as plan_each

    chosen = [_arrangement(a) for a in arrangements] if arrangements else None
    return plan_each(scenario, chosen, _options(solver, time_limit))


def robust_plan(
    scenario: Scenario,
    arrangement: str | Arrangement = "aligned",
    measure: str = "cvar:0.1",
    draws: int = 200,
    seed: int = 0,
    solver: str | SolverName = "highs",
    time_limit: float | None = None,
) -> Plan:
    """Plan one arrangement against `draws` seeded draws of the uncertain evidence, not only for
    its central estimate: `measure` is `mean`, `cvar:ALPHA` (the mean of the worst ALPHA share of
    draws) or `targets:P` (the most targets met in at least a share P of draws).

    The plan keeps every rule in every draw; its figures are at the central estimate, and its
    `robust` attribute (`.robust.to_dict()`, the results document's `robust` field) sets it beside
    the deterministic plan in those draws and on fresh ones. Aligned, pooled and optimal are
    planned so; silo and historic come back as `plan` makes them.
    """
    from laa.scenarios.analysis.robust import plan_robustly

    arrangements = [_arrangement(arrangement)]
    return plan_robustly(scenario, arrangements, measure, draws, seed, _options(solver, time_limit))[0]


def compare(
    scenario: Scenario,
    arrangements: list[str | Arrangement] | None = None,
    solver: str | SolverName = "highs",
    time_limit: float | None = None,
) -> pd.DataFrame:
    """Every arrangement side by side, one row each: what `laa compare` prints, as a DataFrame."""
    import pandas as pd

    from laa.scenarios.analysis.compare import comparison_document

    plans = plan_all(scenario, arrangements, solver, time_limit)
    return pd.DataFrame(comparison_document(scenario, plans)["arrangements"])


def freedoms(
    scenario: Scenario,
    arrangement: str | Arrangement = "aligned",
    top: int = 5,
    solver: str | SolverName = "highs",
) -> pd.DataFrame:
    """The freedoms worth asking a department for, best first; the first `top` with their exact gain.

    One row per ask, plain columns: `kind` (eligibility or rule), `stream`, `outcome`, `rule`,
    `per_million` (score per £1m at the margin), `gain` (exact score gain; NaN beyond `top`),
    `ask` (in the scenario's words), `targets_met_change` (a whole number; missing beyond `top`),
    `reward_change` (GBP), and the outcomes granting it moves: `moves` in words, `moved_outcomes`
    as ids.
    """
    from laa.scenarios.analysis.freedoms import freedoms_frame, rank_freedoms

    asks = rank_freedoms(scenario, _arrangement(arrangement), top, _options(solver, None))
    return freedoms_frame(scenario, asks)


def results_document(scenario: Scenario, plans: list[Plan], variant: str | None = None) -> dict[str, Any]:
    """The results document of SCENARIO.md (what `laa run --format json` writes) for these plans;
    `variant` is the id of the scenario's variant they plan (None: the base), as the document says."""
    from laa.scenarios.outputs.results import results_document as document

    return document(scenario, plans, variant)


def variant(scenario: Scenario, variant_id: str) -> Scenario:
    """The scenario with the changes of its variant `variant_id` applied: what `laa run --variant` plans.

    The base is never changed; the result is a valid scenario without variants. `InputError`
    names the variants the scenario has when it has none of that id.
    """
    from laa.models.variants import variant_scenario

    return variant_scenario(scenario, variant_id)


def apply_changes(scenario: Scenario, changes: Sequence[Mapping[str, Any] | Change]) -> Scenario:
    """The scenario with `changes` applied in order, each in the form of a variant's changes
    (SCENARIO.md, `variants`): `{"stream": "nrf", "scale": 0.9}`, `{"rule": "r", "drop": True}`,
    `{"pin": {"stream": "police", "outcomes": ["SSC"], "at_least": 2000000}}`, ...

    A meeting's "what if?" without writing it into the file. The base is never changed.
    `ScenarioError` lists every change that cannot be made, located as `changes[2].rule`.
    """
    from laa.models.variants import apply_changes as apply
    from laa.models.variants import parse_changes

    plain = [c.model_dump(exclude_unset=True) if hasattr(c, "model_dump") else dict(c) for c in changes]
    return apply(scenario, parse_changes(plain, "changes"), "changes")


def partners(
    scenario: Scenario,
    arrangements: list[str | Arrangement] | None = None,
    epsilon: float = 0.01,
    orders: int | None = None,
    seed: int = 0,
    time_limit: float | None = None,
) -> PartnersResult:
    """The partners' view (what `laa partners` shows): each funder's accounts, own view, shares of
    the gains of aligning and pooling, and, for each of `arrangements` (default aligned and pooled),
    the fair plan and the room to negotiate within `epsilon` of the optimum.

    The result's `document()` is the partners document of SCENARIO.md; `shares_frame()`,
    `accounts_frame()`, `own_view_frame()`, `fair_frame()` and `ranges_frame()` are DataFrames.
    Shapley shares are exact up to 12 funders unless `orders` asks for an estimate from that many
    random orders (seeded by `seed`).
    """
    from laa.models.scenario import Arrangement
    from laa.scenarios.analysis.partners import partners as partners_view

    default = [Arrangement.ALIGNED, Arrangement.POOLED]
    chosen = [_arrangement(a) for a in arrangements] if arrangements else default
    try:
        return partners_view(scenario, chosen, epsilon, orders, seed, _options("highs", time_limit))
    except ValueError as exc:  # an arrangement with no fair plan, or epsilon outside 0..1
        raise InputError(str(exc)) from None
