"""The properties cannot pass vacuously (`tests.exercised`): an engine that solved nothing fails them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from laa.models.scenario import Arrangement, Scenario
from laa.pooling.plans.plan import Plan, PlanStatus

import tests.pooling.test_invariants as invariants
from tests.exercised import at_least, checked, skipped


def test_a_property_that_checks_too_few_examples_fails():
    @at_least(0.5)
    @given(st.integers(0, 9))
    def mostly_skipped(n: int) -> None:
        if n < 8:
            skipped("small")
            return
        checked()

    with pytest.raises(AssertionError, match=r"mostly_skipped checked \d+ of \d+ examples, fewer than 50%"):
        mostly_skipped()


def test_an_example_that_says_neither_fails():
    @at_least(0.0)
    @given(st.integers(0, 9))
    def silent(n: int) -> None:
        assert n >= 0

    with pytest.raises(AssertionError, match="neither checked"):
        silent()


def test_an_engine_that_makes_every_plan_infeasible_fails_the_invariants(monkeypatch):
    """Issue 21: with every plan infeasible, `test_invariants.py` used to pass."""

    def nothing(arrangement: Arrangement):
        def plan(scenario: Scenario, *_: object) -> Plan:
            return Plan(scenario, arrangement, PlanStatus.INFEASIBLE, "no plan satisfies every rule")

        return plan

    joint = (Arrangement.ALIGNED, Arrangement.POOLED, Arrangement.OPTIMAL)
    monkeypatch.setattr(invariants, "JOINT", tuple(nothing(a) for a in joint))
    with pytest.raises(AssertionError, match="fewer than 60%"):
        invariants.test_every_solved_plan_keeps_money_eligibility_and_rules()
