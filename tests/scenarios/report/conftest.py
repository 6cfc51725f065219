"""One headless Chromium for the whole session, installed from Debian's packages when it is missing.

These tests always run for real: when /usr/bin/chromium or /usr/bin/chromedriver
is absent the session installs them with apt-get (once, under a lock, so
parallel workers do not race), and if that fails they fail with apt-get's
reason; a skipped browser test would prove nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from laa.models.load import parse_scenario
from laa.models.scenario import Arrangement
from laa.pooling.plan import Plan
from laa.scenarios.analysis.arrangements import plan_all
from selenium import webdriver

from benchmarks.generate import generate
from tests.scenarios.report.browser import chromium, have_chromium, install_chromium


@pytest.fixture(scope="session")
def browser() -> Iterator[webdriver.Chrome]:
    if not have_chromium():
        why = install_chromium()
        if why:
            pytest.fail(f"Chromium is needed and could not be installed: {why}", pytrace=False)
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="session")
def xl_plans() -> list[Plan]:
    """The XL benchmark scenario's aligned and pooled plans (silo alone takes a minute at this size)."""
    scenario = parse_scenario(generate("XL", 1), "xl.yaml")
    return plan_all(scenario, [Arrangement.ALIGNED, Arrangement.POOLED])
