"""One rule for what is a real amount (`laa.pooling.units.dust_gbp`), and money in text always with £.

The example's silo plan leaves the solver's dust (£1.24 to £8.06 on outcomes
no funder chose, £275,004 for a statutory spend of £275,000): no output shows it.
"""

from __future__ import annotations

import csv
import io
import re

import pytest
from laa.models.load import load_scenario
from laa.pooling.units import area_money, dust_gbp, is_real, money_text, shown_unit
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.outputs.csvout import allocation_csv
from laa.scenarios.outputs.results import results_document

from tests.paths import EXAMPLE


@pytest.fixture(scope="module")
def example():
    scenario = load_scenario(EXAMPLE)
    return scenario, plan_all(scenario)


def test_the_threshold_is_a_millionth_of_the_area_money_and_at_least_a_pound(example):
    scenario, _ = example
    assert area_money(scenario) == 215_600_000
    assert dust_gbp(scenario) == pytest.approx(215.6)
    tiny = scenario.model_copy(update={"streams": scenario.streams[:1]})
    assert dust_gbp(tiny) >= 1.0
    assert is_real(215.6, 215.6) and is_real(-300, 215.6) and not is_real(8.06, 215.6)


@pytest.mark.parametrize(
    ("amount", "dust", "signed", "shown"),
    [
        (275_004.3, 215.6, False, "£275,000"),
        (500_000, 215.6, False, "£500,000"),
        (8.06, 215.6, False, "£0"),
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


def test_no_allocation_row_is_dust_in_csv_or_json(example):
    """A plan carrying solver dust (£5 of a stream on an outcome nobody chose) shows none of it."""
    scenario, plans = example
    dust = dust_gbp(scenario)
    aligned = next(p for p in plans if p.arrangement.value == "aligned")
    assert aligned.spending is not None
    (stream, _, year), _ = next(iter(aligned.spending.stream_spend.items()))
    other = next(o.id for o in scenario.outcomes if (stream, o.id, year) not in aligned.spending.stream_spend)
    aligned.spending.stream_spend[(stream, other, year)] = 5.0  # the solver's dust
    try:
        rows = list(csv.DictReader(io.StringIO(allocation_csv(plans))))
        assert rows and min(abs(float(r["amount"])) for r in rows) >= dust
        assert (stream, other, str(year)) not in {(r["source"], r["outcome"], r["year"]) for r in rows}
        assert {r["arrangement"] for r in rows} == {"silo", "aligned", "pooled", "optimal"}
        document = results_document(scenario, plans)
        for record in document["arrangements"]:
            assert all(abs(a["amount"]) >= dust for a in record["allocation"])
            assert all(o["spend"] == 0 or o["spend"] >= dust for o in record["outcomes"])
    finally:
        del aligned.spending.stream_spend[(stream, other, year)]


def test_a_breach_reads_in_pounds_without_the_dust(example):
    _, plans = example
    silo = next(p for p in plans if p.arrangement.value == "silo")
    messages = [v.message for v in silo.evaluation.violations]
    # which years silo leaves short depends on which of its equally good plans is taken; the words do not
    assert messages
    for message in messages:
        assert message.startswith("statutory minimum for 'First-time entrants to the youth justice system'")
        assert re.search(r": £[\d,]+ required, £[\d,]+ spent$", message)
        assert not re.search(r"(?<!£)\b\d{1,3}(,\d{3})+\b", message)  # every sum of money with its £
    # £275,004 before: the dust is not shown
    assert any(m.endswith(": £500,000 required, £275,000 spent") for m in messages)
