"""Money in text: always with £, never finer than the solver can vouch for, and no line left out.

What is dust is decided per line where a plan is read back (`laa.pooling.plans.published`, tested in
`tests/pooling/test_published.py`); every output shows each line the plan holds. Text rounds money to
the solver's tolerance in the area's unit of money (`laa.pooling.units.solver_dust`): £1 for the
example, solved in units of £10m.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from laa.models.load import load_scenario
from laa.pooling.units import money_text, shown_unit, solver_dust
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.outputs.csvout import allocation_csv
from laa.scenarios.outputs.results import results_document

from tests.paths import EXAMPLE


@pytest.fixture(scope="module")
def example():
    scenario = load_scenario(EXAMPLE)
    return scenario, plan_all(scenario)


def test_the_solver_dust_is_its_tolerance_in_the_area_s_unit(example):
    scenario, _ = example
    assert solver_dust(scenario) == pytest.approx(1e-7 * 1e7)


@pytest.mark.parametrize(
    ("amount", "dust", "signed", "shown"),
    [
        (275_004.3, 215.6, False, "£275,000"),
        (275_004.3, 1.0, False, "£275,004"),
        (500_000, 215.6, False, "£500,000"),
        (8.06, 1.0, False, "£8"),
        (-1_234.4, None, False, "-£1,234"),
        (1_234.4, None, True, "+£1,234"),
        (-0.2, None, True, "£0"),
        (None, None, False, "-"),
    ],
)
def test_money_text(amount, dust, signed, shown):
    assert money_text(amount, dust, signed) == shown


def test_shown_unit_is_the_power_of_ten_under_the_dust():
    assert shown_unit(215.6) == 100 and shown_unit(9.9) == 1 and shown_unit(None) == 1


def test_every_line_of_every_plan_is_in_csv_and_json(example):
    scenario, plans = example
    rows = list(csv.DictReader(io.StringIO(allocation_csv(plans))))
    document = results_document(scenario, plans)
    for plan, record in zip(plans, document["arrangements"], strict=True):
        assert plan.spending is not None
        held = {("stream", *k) for k in plan.spending.stream_spend}
        held |= {("pot", *k) for k in plan.spending.pot_spend}
        shown = {(a["kind"], a["source"], a["outcome"], a["year"]) for a in record["allocation"]}
        assert shown == held
        in_csv = {(r["kind"], r["source"], r["outcome"], int(r["year"]))
                  for r in rows if r["arrangement"] == plan.arrangement.value}  # fmt: skip
        assert in_csv == held


def test_a_breach_reads_in_pounds(example):
    _, plans = example
    silo = next(p for p in plans if p.arrangement.value == "silo")
    messages = [v.message for v in silo.evaluation.violations]
    # which years silo leaves short depends on which of its equally good plans is taken; the words do not
    assert messages
    for message in messages:
        assert message.startswith("statutory minimum for 'First-time entrants to the youth justice system'")
        assert re.search(r": £[\d,]+ required, £[\d,]+ spent$", message)
        assert not re.search(r"(?<!£)\b\d{1,3}(,\d{3})+\b", message)  # every sum of money with its £
    assert any(m.endswith(": £500,000 required, £275,000 spent") for m in messages)
