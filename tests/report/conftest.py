"""One headless Chromium for the whole session, installed from Debian's packages when it is missing.

CI runs these tests for real: when /usr/bin/chromium or /usr/bin/chromedriver
is absent the session installs them with apt-get (once, under a lock, so
parallel workers do not race). Only if that fails and LAA_REPORT_MAY_SKIP=1
says a skip is acceptable (a laptop without root, say) are the browser tests
skipped; otherwise they fail with apt-get's reason.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from selenium import webdriver

from benchmarks.generate import generate
from models.load import parse_scenario
from models.scenario import Arrangement
from pooling.plan import Plan
from scenarios.arrangements import plan_all
from tests.report.browser import chromium, have_chromium, install_chromium

MAY_SKIP = "LAA_REPORT_MAY_SKIP"


@pytest.fixture(scope="session")
def browser() -> Iterator[webdriver.Chrome]:
    if not have_chromium():
        why = install_chromium()
        if why:
            if os.environ.get(MAY_SKIP) == "1":
                pytest.skip(f"no Chromium ({MAY_SKIP}=1): {why}")
            pytest.fail(f"Chromium is needed and could not be installed: {why}", pytrace=False)
    with chromium() as driver:
        yield driver


@pytest.fixture(scope="session")
def xl_plans() -> list[Plan]:
    """The XL benchmark scenario's aligned and pooled plans (silo alone takes a minute at this size)."""
    scenario = parse_scenario(generate("XL", 1), "xl.yaml")
    return plan_all(scenario, [Arrangement.ALIGNED, Arrangement.POOLED])
