"""Robust plans in the results workbook: what `laa run --robust` says beside the deterministic plans.

- Robust: one row per arrangement planned against draws and per plan (robust, deterministic): the
  score at the central estimate, the measure on the draws planned against, and on fresh draws the
  mean, p5, p50, p95 and the share of draws in which the plan keeps every rule.
- Robust targets: per arrangement and outcome, the chance (fresh draws) that each plan meets it.

The figures are the results document's `robust` field, so the workbook and the JSON agree. The
sheets are added only when some plan was chosen against draws.
"""

from __future__ import annotations

from typing import Any

from laa.models.scenario import Scenario
from laa.pooling.plans.plan import Plan
from laa.scenarios.outputs.results import robust_record
from laa.scenarios.outputs.sheets import COUNT, SCORE, SHARE, Col, add_table
from openpyxl import Workbook

PLANS = ("robust", "deterministic")


def add_robust_sheets(book: Workbook, scenario: Scenario, plans: list[Plan]) -> None:
    """Add the robust plans' sheets to a results workbook; none when no plan was planned against draws."""
    records = [(p.arrangement.value, r) for p in plans if (r := robust_record(p)) is not None]
    if not records:
        return
    _robust(book, records)
    _targets(book, scenario, records)


def _robust(book: Workbook, records: list[tuple[str, dict[str, Any]]]) -> None:
    first = records[0][1]
    measure = first["measure"]
    planned = f"The measure on the {first['draws']} draws planned against (seed {first['seed']})."
    columns = [
        Col("arrangement"),
        Col("plan", None, "robust: chosen against the draws; deterministic: for the central estimate."),
        Col("central score", SCORE, "The plan's score at the central estimate (the file's figures)."),
        Col(measure, COUNT if measure.startswith("targets") else SCORE, planned),
        Col("fresh mean", SCORE, "Mean score on fresh draws, never planned against."),
        Col("fresh p5", SCORE, "The score 95% of fresh draws reach."),
        Col("fresh p50", SCORE, "The median score on fresh draws."),
        Col("fresh p95", SCORE, "The score only 5% of fresh draws pass."),
        Col("keeps every rule", SHARE, "Share of fresh draws in which every budget, rule and minimum holds."),
        Col("cost of robustness", SCORE, "Deterministic central score less the robust plan's."),
    ]
    rows = []
    for arrangement, r in records:
        fresh = r["out_of_sample"]
        inside = {"robust": r["in_sample"], "deterministic": r["deterministic_in_sample"]}
        for plan in PLANS:
            rows.append(
                [
                    arrangement,
                    plan,
                    r["central"][plan],
                    inside[plan],
                    fresh[plan]["mean"],
                    fresh[plan]["p5"],
                    fresh[plan]["p50"],
                    fresh[plan]["p95"],
                    fresh[plan]["keeps_rules"],
                    r["central"]["cost"] if plan == "robust" else None,
                ]
            )
    note = (
        f"Plans chosen by {measure} against {first['draws']} draws (seed {first['seed']}), each keeping "
        f"every rule in every draw, judged on {first['out_of_sample']['draws']} fresh draws "
        f"(seed {first['out_of_sample']['seed']})."
    )
    add_table(book, "Robust", columns, rows, note)


def _targets(book: Workbook, scenario: Scenario, records: list[tuple[str, dict[str, Any]]]) -> None:
    columns = [
        Col("arrangement"),
        Col("outcome"),
        Col("outcome id"),
        Col("robust", SHARE, "Chance the robust plan meets the target (fresh draws)."),
        Col("deterministic", SHARE, "Chance the deterministic plan meets the target (fresh draws)."),
    ]
    rows = []
    for arrangement, r in records:
        chance = {
            plan: {o["id"]: o["p_target_met"] for o in r["out_of_sample"][plan]["outcomes"]} for plan in PLANS
        }
        for outcome in scenario.outcomes:
            rows.append(
                [
                    arrangement,
                    scenario.label("outcomes", outcome.id),
                    outcome.id,
                    chance["robust"][outcome.id],
                    chance["deterministic"][outcome.id],
                ]
            )
    add_table(book, "Robust targets", columns, rows, "Each target's chance of being met on fresh draws.")
