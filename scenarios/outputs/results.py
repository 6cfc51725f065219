"""The results document of SCENARIO.md: the JSON contract other programs read.

Field names are exactly those of SCENARIO.md. Fields may be added; none
may be renamed or dropped without bumping `FORMAT_VERSION`. Each
arrangement's record also carries these, added since SCENARIO.md was
written:

- `binding`: every rule and statutory minimum the plan meets exactly (kind,
  id, pot, years, bound `min` or `max`, required and achieved in pounds).
- `seconds`: how long each stage of making the plan took (build, solve,
  extract, ...), for timing a run, not for comparing results.
- `robust`: with `--robust`, the measure the plan was chosen against and
  how it fared on fresh draws; null otherwise.
- `money_unit`: the pounds that one unit of money stood for inside the
  solver, a power of ten chosen from the scenario's own response curves
  (`pooling.scale`: 10000000.0, £10m, for the example; £1m for a typical
  borough). Solvers work to tolerances of about 1e-7 of whatever unit they
  are given, so the unit is what the solver's precision was measured in;
  every amount in the document is in pounds whatever it is. Null for a
  plan never solved (historic, or one refused before solving).
- `choice`: how the plan was chosen among equally good ones (docs/plans.md):
  the priorities in order, the score and reward tolerances, the reference
  (`historic` or `none`), whether every stage finished (`complete`), and each
  stage's priority, value, solver and whether it finished. Null for a plan
  with nothing chosen (historic, a failed plan).
"""

from __future__ import annotations

import math
from operator import itemgetter
from typing import Any

import pandas as pd
from laa.models.scenario import Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.units import gbp
from laa.scenarios.analysis.robust import RobustPlan
from laa.scenarios.formats import Document, format_version
from laa.scenarios.outputs import jsontext

FORMAT_VERSION = format_version(Document.RESULTS)


def real_allocation(plan: Plan) -> pd.DataFrame:
    """The plan's published allocation (`pooling.plans.published`: the solver's dust already left
    out, line by line), every line of it: what the evaluator scored and checked, so the printed
    plan is the plan. A pot's lines stay the pot's (the frames split them among funders)."""
    frame = plan.allocation_frame(by_funder=False)
    return frame[frame["amount"] != 0].reset_index(drop=True)


def allocation_records(plan: Plan) -> list[dict[str, Any]]:
    """The document's allocation: `real_allocation`'s rows in its order (kind, source, outcome, year),
    built from the plan's spending directly. Going through a DataFrame row by row took 60% of a plan's
    record at XL, and a dense allocation (an interior-point plan, a historic one) has tens of thousands."""
    spending = plan.spending
    if spending is None:
        return []
    rows = [("pot", p, o, t, v) for (p, o, t), v in spending.pot_spend.items() if v != 0]
    rows += [("stream", s, o, t, v) for (s, o, t), v in spending.stream_spend.items() if v != 0]
    rows.sort(key=itemgetter(0, 1, 2, 3))
    return [
        {"source": source, "kind": kind, "outcome": o, "year": int(t), "amount": gbp(v)}
        for kind, source, o, t, v in rows
    ]


def _number(value: float | None) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def empty_record(arrangement: str, status: str, message: str) -> dict[str, Any]:
    """A plan's record with no numbers: a failed plan's, or a batch case whose worker never answered.

    Every record has every field, so programs reading the document need no special case.
    """
    return {
        "arrangement": arrangement,
        "status": status,
        "message": message,
        "score": None,
        "targets_met": None,
        "stretch_met": None,
        "reward": None,
        "money": None,
        "outcomes": [],
        "allocation": [],
        "pooled": [],
        "shadow_prices": [],
        "violations": [],
        "binding": [],
        "diagnosis": None,
        "seconds": {},
        "robust": None,
        "money_unit": None,  # GBP per unit of money in the solver (laa.pooling.program.scale)
        "choice": None,  # how the plan was chosen among equally good ones (laa.pooling.plans.canonical)
    }


def plan_record(plan: Plan) -> dict[str, Any]:
    """One arrangement's entry in the results document: status, score, diagnosis and timings always;
    the money, outcomes and checks only when the plan has numbers, every figure the published allocation's."""
    ev = plan.evaluation if plan.has_numbers else None
    record = empty_record(plan.arrangement.value, plan.status.value, plan.message)
    record["score"] = _number(plan.score)
    record["diagnosis"] = plan.diagnosis.to_dict() if plan.diagnosis is not None else None
    record["seconds"] = {k: round(v, 6) for k, v in plan.seconds.items()}
    record["money_unit"] = plan.money_unit
    record["choice"] = plan.choice.as_dict() if plan.choice is not None else None
    record["robust"] = robust_record(plan)
    if ev is None:
        return record
    record["targets_met"] = ev.targets_met
    record["stretch_met"] = ev.stretch_met
    record["reward"] = gbp(ev.reward)
    record["money"] = {k: gbp(v) for k, v in ev.money.__dict__.items()}
    record["outcomes"] = [
        {
            "id": o.id,
            "spend": gbp(o.spend),
            "improvement": o.improvement,
            "projected": o.projected,
            "target_met": o.target_met,
            "stretch_met": o.stretch_met,
            "reward": gbp(o.reward),
            "score": o.score,
        }
        for o in ev.outcomes
    ]
    record["allocation"] = allocation_records(plan)
    record["pooled"] = [{"stream": s, "pot": p, "share": share} for s, p, share in plan.pooled]
    record["shadow_prices"] = [
        {
            "kind": p.kind,
            "id": p.id,
            "year": p.year,
            "years": list(p.years),
            "per_million": p.per_million,
            "funder": p.funder,
            "pot": p.pot,
            "per_point": p.per_point,
        }
        for p in plan.shadow_prices
    ]
    record["violations"] = [
        {
            "kind": v.kind,
            "id": v.id,
            "stream": v.stream,
            "outcome": v.outcome,
            "year": v.year,
            "required": None if v.required is None else gbp(v.required),
            "achieved": None if v.achieved is None else gbp(v.achieved),
            "message": v.message,
        }
        for v in ev.violations
    ]
    record["binding"] = [
        {
            "kind": c.kind,
            "id": c.id,
            "pot": c.pot,
            "years": list(c.years),
            "bound": c.bound,
            "required": gbp(c.required),
            "achieved": gbp(c.achieved),
        }
        for c in ev.checks
        if c.binding and c.holds
    ]
    return record


def robust_record(plan: Plan) -> dict[str, Any] | None:
    """A plan chosen against draws: its measure in and out of sample beside the deterministic
    plan's (scenarios.analysis.robust); None for any other plan."""
    if isinstance(plan, RobustPlan) and plan.robust is not None:
        return plan.robust.to_dict()
    return None


def results_document(scenario: Scenario, plans: list[Plan], variant: str | None = None) -> dict[str, Any]:
    """The document for `plans` of `scenario`; `variant`: the id of the variant planned (None: the base)."""
    return {
        "format_version": FORMAT_VERSION,
        "scenario": scenario.name,
        "variant": variant,
        "arrangements": [plan_record(p) for p in plans],
    }


def to_json(document: dict[str, Any]) -> str:
    """The document as JSON text; it never fails on a non-finite number.

    A plan with one is an `error` before it gets here (`pooling.selfcheck`), so the
    fallback, writing null where JSON has no number, is the writer's last defence.
    """
    try:
        return jsontext.dumps(document) + "\n"  # json.dumps(indent=1)'s bytes, in half the time
    except ValueError:
        return jsontext.dumps(_finite(document)) + "\n"


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
