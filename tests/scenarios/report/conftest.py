"""One headless Chromium for the whole session.

When chromium or chromedriver is not on PATH the browser tests skip,
naming the packages; CI (LAA_REQUIRE_SYSTEM_TOOLS=1) installs them with apt-get
instead (once, under a lock, so parallel workers do not race) and fails with
apt-get's reason if that fails (`tests/system.py`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from laa.models.load import parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plans.plan import Plan
from laa.scenarios.analysis.arrangements import plan_all
from selenium import webdriver

from benchmarks.generate import generate
from tests.scenarios.report.browser import CHROMIUM_PROGRAM, chromium
from tests.system import need


@pytest.fixture(scope="session")
def browser() -> Iterator[webdriver.Chrome]:
    need(CHROMIUM_PROGRAM)
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="session")
def xl_plans() -> list[Plan]:
    """The XL benchmark scenario's aligned and pooled plans (silo alone takes a minute at this size)."""
    scenario = parse_scenario(generate("XL", 1), "xl.yaml")
    return plan_all(scenario, [Arrangement.ALIGNED, Arrangement.POOLED])
