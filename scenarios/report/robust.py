"""The report's Robust section (`laa report --robust`): the plans chosen against draws, beside the
deterministic plans, in the words of `laa run --robust`: at the central estimate, in the draws
planned against, and on fresh draws; then the targets whose chance of being met moves most.

The figures are the results document's `robust` field, so the page and the JSON agree.
"""

from __future__ import annotations

from typing import Any

from laa.models.scenario import Scenario
from laa.pooling.plans.plan import Plan
from laa.pooling.robust.against_draws import Measure
from laa.scenarios.analysis.robust import measure_words
from laa.scenarios.outputs.results import robust_record
from laa.scenarios.report.page import Section, esc, paragraph, table

MOVED = 6  # targets shown per arrangement
PLANS = ("robust", "deterministic")


def robust_section(scenario: Scenario, plans: list[Plan]) -> Section | None:
    """None unless some plan was chosen against draws."""
    records = [(p.arrangement.value, r) for p in plans if (r := robust_record(p)) is not None]
    if not records:
        return None
    first = records[0][1]
    measure = first["measure"]
    fresh = first["out_of_sample"]
    lead = (
        f"The {', '.join(a for a, _ in records)} plans on this page are chosen by {measure} "
        f"({measure_words(Measure.parse(measure))}) against {first['draws']} draws of the uncertain "
        f"effects and amounts (seed {first['seed']}), each keeping every rule in every draw; their "
        "figures elsewhere on the page are at the central estimate. Beside each, the plan made for "
        f"the central estimate alone, both judged again on {fresh['draws']} fresh draws "
        f"(seed {fresh['seed']}) neither was planned against."
    )
    rows = []
    for arrangement, r in records:
        inside = {"robust": r["in_sample"], "deterministic": r["deterministic_in_sample"]}
        for plan in PLANS:
            out = r["out_of_sample"][plan]
            rows.append(
                [
                    arrangement if plan == "robust" else "",
                    plan,
                    _num(r["central"][plan]),
                    _num(inside[plan]),
                    _num(out["mean"]),
                    _num(out["p5"]),
                    _num(out["p95"]),
                    f"{out['keeps_rules']:.0%}",
                ]
            )
    headers = ["arrangement", "plan", "central", measure, "fresh mean", "fresh p5", "fresh p95"]
    headers.append("keeps rules")
    costs = [
        f"{arrangement}: robustness costs {r['central']['cost']:.3f} of the central score."
        for arrangement, r in records
        if r["central"]["cost"] is not None
    ]
    body = paragraph(lead) + table(headers, rows, numeric=set(range(2, 8))) + paragraph(" ".join(costs))
    for arrangement, r in records:
        body += _moved(scenario, arrangement, r)
    return Section("robust", "Robust", "Plans that hold when the evidence is wrong", body)


def _moved(scenario: Scenario, arrangement: str, record: dict[str, Any]) -> str:
    fresh = record["out_of_sample"]
    chance = {plan: {o["id"]: o["p_target_met"] for o in fresh[plan]["outcomes"]} for plan in PLANS}
    order = sorted(chance["robust"], key=lambda o: -abs(chance["robust"][o] - chance["deterministic"][o]))
    rows = [
        [scenario.label("outcomes", o), f"{chance['robust'][o]:.0%}", f"{chance['deterministic'][o]:.0%}"]
        for o in order[:MOVED]
        if abs(chance["robust"][o] - chance["deterministic"][o]) >= 0.005
    ]
    if not rows:
        return ""
    title = f"<h3>{esc(arrangement)}: the targets whose chance of being met moves most (fresh draws)</h3>"
    return title + table(["outcome", "robust", "deterministic"], rows, numeric={1, 2})


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"
