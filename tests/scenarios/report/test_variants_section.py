"""The report's Variants section: every variant against the base, scenario text escaped."""

from __future__ import annotations

import copy

import pytest
from laa.models.load import parse_scenario
from laa.scenarios.analysis.arrangements import plan_all
from laa.scenarios.analysis.variants import plan_variants
from laa.scenarios.report.build import prepare_report
from laa.scenarios.report.sections import report_html

from tests.models.test_variants import AREA


@pytest.fixture(scope="module")
def page() -> str:
    doc = copy.deepcopy(AREA)
    doc["variants"] = [
        {"id": "free", "name": "<script>alert('r')</script> dropped",
         "changes": [{"rule": "r", "drop": True}]},
        {"id": "stuck", "changes": [{"pin": {"stream": "s2", "outcomes": ["b"], "at_least": 600_000}}]},
    ]
    scenario = parse_scenario(doc, "area.yaml")
    plans = plan_all(scenario)
    report = prepare_report(scenario, plans, None, 0)
    report.variants = plan_variants(scenario, None, None, plans)
    return report_html(report)


def test_the_section_sets_each_variant_against_the_base(page):
    section = page[page.index('id="variants"') :]
    assert "What each variant changes" in section
    # aligned: base 1.250, r dropped 1.500 (+0.250); the pin cannot hold under r: infeasible
    assert "<td class=\"num\">1.500</td><td class=\"num\">+0.250</td>" in section
    assert "infeasible" in section


def test_variant_names_are_escaped(page):
    assert "<script>alert('r')" not in page
    assert "&lt;script&gt;alert(&#x27;r&#x27;)&lt;/script&gt; dropped" in page
