"""The historic arrangement: an allocation that happened, judged rather than solved.

It comes from the scenario's `historic` section or from a CSV with the
columns stream, outcome, year, amount. Nothing was pooled; every budget,
eligibility limit, rule and statutory minimum is checked and each breach
listed.
"""

from __future__ import annotations

import csv
from pathlib import Path

from laa.models.errors import Problem, ScenarioError
from laa.models.scenario import Arrangement, HistoricSpend, Scenario
from laa.pooling.plans.evaluate import Allocation, evaluate
from laa.pooling.plans.plan import Plan, PlanStatus
from pydantic import ValidationError


def evaluate_historic(scenario: Scenario, spends: list[HistoricSpend] | None = None) -> Plan:
    """Score what was actually spent (the file's historic section, or `spends` read from a CSV),
    checked like any plan; an error plan, not an exception, when there is no historic spend."""
    spends = scenario.historic if spends is None else spends
    if spends is None:
        return Plan(
            scenario,
            Arrangement.HISTORIC,
            PlanStatus.ERROR,
            "no historic allocation: add a 'historic' section or pass --historic FILE.csv",
        )
    stream_spend: dict[tuple[str, str, int], float] = {}
    for row in spends:
        key = (row.stream, row.outcome, row.year)
        stream_spend[key] = stream_spend.get(key, 0.0) + row.amount
    allocation = Allocation(stream_spend=stream_spend)
    evaluation = evaluate(scenario, allocation)
    return Plan(scenario, Arrangement.HISTORIC, PlanStatus.EVALUATED, "", evaluation, allocation)


def read_historic_csv(path: Path, scenario: Scenario) -> list[HistoricSpend]:
    """Rows of stream, outcome, year, amount; every bad row reported at once, located."""
    name = path.name
    problems: list[Problem] = []
    rows: list[HistoricSpend] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            expected = {"stream", "outcome", "year", "amount"}
            if reader.fieldnames is None or not expected <= set(reader.fieldnames):
                found = ", ".join(reader.fieldnames or []) or "nothing"
                raise ScenarioError(
                    [
                        Problem(
                            name,
                            "header",
                            None,
                            None,
                            f"columns stream, outcome, year, amount are expected; found {found}",
                        )
                    ]
                )
            streams = {s.id for s in scenario.streams}
            outcomes = {o.id for o in scenario.outcomes}
            for line, record in enumerate(reader, start=2):
                where = f"row {line}"
                try:
                    spend = HistoricSpend.model_validate({k: (record.get(k) or "").strip() for k in expected})
                except ValidationError as exc:
                    for err in exc.errors(include_url=False):
                        field = ".".join(str(p) for p in err["loc"])
                        problems.append(
                            Problem(
                                name, "historic", where, field, f"{err['msg']}; found {err.get('input')!r}"
                            )
                        )
                    continue
                if spend.stream not in streams:
                    problems.append(
                        Problem(name, "historic", where, "stream", f"unknown stream {spend.stream!r}")
                    )
                if spend.outcome not in outcomes:
                    problems.append(
                        Problem(name, "historic", where, "outcome", f"unknown outcome {spend.outcome!r}")
                    )
                if spend.year not in scenario.years:
                    problems.append(
                        Problem(
                            name,
                            "historic",
                            where,
                            "year",
                            f"year {spend.year} is not one of the years {scenario.years}",
                        )
                    )
                rows.append(spend)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise ScenarioError([Problem(name, None, None, None, f"cannot read the CSV: {exc}")]) from None
    if problems:
        raise ScenarioError(problems)
    return rows
